package tracing_test

import (
	"fmt"

	"github.com/prodkube/prodkube/monitoring/tracing"
)

func ExampleJaeger() {
	res, err := tracing.Jaeger{Storage: tracing.Storage{OpenSearch: &tracing.Search{
		URLs:           []string{"https://opensearch.logging.svc:9200"},
		Username:       "jaeger",
		PasswordSecret: &tracing.SecretKey{Name: "opensearch-jaeger", Key: "password"},
	}}}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range res.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	fmt.Println(res.Files()[0].Path)
	_, err = tracing.Jaeger{}.Build()
	fmt.Println(err)
	// Output:
	// ServiceAccount jaeger
	// ConfigMap jaeger
	// Service jaeger
	// Deployment jaeger
	// PodDisruptionBudget jaeger
	// tracing/jaeger.yaml
	// storage: Required value: a tracing pipeline with no exporter keeps nothing: set memory, elasticsearch or opensearch
}
