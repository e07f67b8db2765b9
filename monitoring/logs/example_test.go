package logs_test

import (
	"fmt"

	"github.com/prodkube/prodkube/monitoring/logs"
	"github.com/prodkube/prodkube/security"
)

func ExampleShipper() {
	res, err := logs.Shipper{
		PodSecurityLevel: security.LevelPrivileged,
		Exporter:         logs.Exporter{Endpoint: "otel-gateway.observability.svc:4317"},
		Buffer:           logs.Buffer{Size: "2Gi"},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range res.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	for _, f := range res.Files() {
		fmt.Println(f.Path)
	}
	_, err = logs.Shipper{
		PodSecurityLevel: security.LevelRestricted,
		Exporter:         logs.Exporter{Endpoint: "otel-gateway.observability.svc:4317"},
	}.Build()
	fmt.Println(err != nil)
	// Output:
	// ServiceAccount log-shipper
	// ClusterRole logging-log-shipper
	// ClusterRoleBinding logging-log-shipper
	// ConfigMap log-shipper
	// DaemonSet log-shipper
	// logs/log-shipper.yaml
	// true
}
