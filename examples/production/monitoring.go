package main

import (
	"fmt"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/monitoring"
	"github.com/prodkube/prodkube/security"
)

func init() { register(50, "monitoring", addMonitoring) }

// addMonitoring adds Prometheus in its own restricted namespace: the
// configuration (every Kubernetes scrape job) and alert rules in a
// ConfigMap, least-privilege RBAC, and the StatefulSet. The rules are also
// written as a plain rule file and as a PrometheusRule for clusters that run
// the Prometheus Operator; both live outside manifests/ because the
// PrometheusRule needs its CRD and the rule file is not a Kubernetes object.
func addMonitoring(out *output) error {
	ns, err := security.Namespace{Name: monitoring.DefaultNamespace}.Build()
	if err != nil {
		return fmt.Errorf("monitoring namespace: %w", err)
	}
	prom := monitoring.Prometheus{
		Scrape: monitoring.Scrape{
			ExternalLabels: map[string]string{"cluster": "production"},
		},
		Alerts: monitoring.Alerts{
			RunbookBaseURL: "https://runbooks.example.com/kubernetes",
		},
	}
	b, err := prom.Build()
	if err != nil {
		return fmt.Errorf("prometheus: %w", err)
	}
	out.add(ns)
	out.add(b.Objects()...)

	rules, err := b.Rules.YAML()
	if err != nil {
		return fmt.Errorf("rule file: %w", err)
	}
	out.file("monitoring/rules.yaml", rules)

	pr, err := b.Rules.PrometheusRule("production-alerts", monitoring.DefaultNamespace, map[string]string{"role": "alert-rules"})
	if err != nil {
		return fmt.Errorf("PrometheusRule: %w", err)
	}
	doc, err := prodkube.MarshalYAML(pr)
	if err != nil {
		return fmt.Errorf("PrometheusRule: %w", err)
	}
	out.file("monitoring/prometheusrule.yaml", doc)
	return nil
}
