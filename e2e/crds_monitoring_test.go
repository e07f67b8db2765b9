package e2e

// The PrometheusRule CRD (monitoring.coreos.com/v1), from the Prometheus
// Operator module, for the dry-run of DIR/monitoring/prometheusrule.yaml.
// v0.85.0 is the release the Go module proxy serves; its schema holds every
// field the monitoring package writes (groups[].name/interval/rules,
// rules[].alert/expr/for/labels/annotations).
func init() {
	crdSources = append(crdSources, crdSource{
		Module:  "github.com/prometheus-operator/prometheus-operator",
		Version: "v0.85.0",
		Paths:   []string{"example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"},
	})
}
