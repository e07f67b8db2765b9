package grafana_test

import (
	"fmt"
	"slices"

	"github.com/prodkube/prodkube/monitoring/grafana"
)

func ExampleGrafana() {
	res, err := grafana.Grafana{
		AdminPassword: grafana.SecretKey{Name: "grafana-admin"},
		Dashboards: []grafana.Dashboard{{
			UID:   "checkout",
			Title: "Checkout",
			Panels: []grafana.Panel{{
				Title:   "Orders per second",
				Unit:    "reqps",
				Queries: []grafana.Query{{Expr: `sum(rate(orders_total[5m]))`}},
			}},
		}},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range res.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	var files []string
	for k := range res.Dashboards.Data {
		files = append(files, k)
	}
	slices.Sort(files)
	fmt.Println(files)
	// Output:
	// ServiceAccount grafana
	// ConfigMap grafana-provisioning
	// ConfigMap grafana-dashboards
	// Service grafana
	// NetworkPolicy grafana
	// Deployment grafana
	// [checkout.json prodkube-application-requests.json prodkube-cluster.json prodkube-control-plane.json prodkube-key-metrics.json prodkube-resources.json prodkube-workloads.json]
}

func ExampleCheckExpr() {
	fmt.Println(grafana.CheckExpr(`sum by (job) (rate(http_requests_total[5m]))`))
	fmt.Println(grafana.CheckExpr(`sum(rate(http_requests_total[5m])`))
	// Output:
	// <nil>
	// "(" is not closed
}
