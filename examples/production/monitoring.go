package main

import (
	"fmt"
	"time"

	"github.com/prodkube/prodkube/monitoring"
	"github.com/prodkube/prodkube/security"
)

func init() { register(50, "monitoring", addMonitoring) }

// addMonitoring adds Prometheus, Alertmanager and kube-state-metrics in
// their own restricted namespace and node-exporter in a privileged one of
// its own: the configuration (every Kubernetes scrape job, alerts sent to
// Alertmanager) and alert rules in a ConfigMap, least-privilege RBAC, and
// the workloads. Alertmanager pages the on-call engineer for critical
// alerts, sends the platform team's warnings to Slack and everything else
// by e-mail; the credentials are in Secrets that the operator creates
// (alertmanager-pagerduty, alertmanager-slack, alertmanager-smtp). The
// rules are also written as a plain rule file and as a PrometheusRule for
// clusters that run the Prometheus Operator; both live outside manifests/
// because the PrometheusRule needs its CRD and the rule file is not a
// Kubernetes object.
func addMonitoring(out *output) error {
	ns, err := security.Namespace{Name: monitoring.DefaultNamespace}.Build()
	if err != nil {
		return fmt.Errorf("monitoring namespace: %w", err)
	}
	out.add(ns)
	prom, err := productionPrometheus().Build()
	if err != nil {
		return fmt.Errorf("prometheus: %w", err)
	}
	am, err := productionAlertmanager().Build()
	if err != nil {
		return fmt.Errorf("alertmanager: %w", err)
	}
	ne, err := monitoring.NodeExporter{}.Build()
	if err != nil {
		return fmt.Errorf("node-exporter: %w", err)
	}
	ksm, err := monitoring.KubeStateMetrics{}.Build()
	if err != nil {
		return fmt.Errorf("kube-state-metrics: %w", err)
	}
	out.add(prom.Objects()...)
	out.add(am.Objects()...)
	out.add(ne.Objects()...)
	out.add(ksm.Objects()...)
	for _, f := range prom.Files() {
		out.file(f.Path, f.Content)
	}
	return nil
}

func productionPrometheus() monitoring.Prometheus {
	return monitoring.Prometheus{
		Scrape: monitoring.Scrape{
			ExternalLabels: map[string]string{"cluster": "production"},
		},
		Alerts: monitoring.Alerts{
			RunbookBaseURL: "https://runbooks.example.com/kubernetes",
		},
	}
}

// productionAlertmanager is the production Alertmanager; monitoring/amcheck
// judges the same spec with Alertmanager's own code.
func productionAlertmanager() monitoring.Alertmanager {
	return monitoring.Alertmanager{
		Receivers: []monitoring.Receiver{
			{Name: "oncall-pager", PagerDuty: &monitoring.PagerDuty{RoutingKey: monitoring.SecretKeyRef{Secret: "alertmanager-pagerduty", Key: "routing-key"}}},
			{Name: "platform-slack", Slack: &monitoring.Slack{APIURL: monitoring.SecretKeyRef{Secret: "alertmanager-slack", Key: "webhook-url"}, Channel: "#platform-alerts"}},
			{Name: "ops-email", Email: &monitoring.Email{
				To: "ops@example.com", From: "alertmanager@example.com", Smarthost: "smtp.example.com:587",
				Username: "alertmanager", PasswordSecret: monitoring.SecretKeyRef{Secret: "alertmanager-smtp", Key: "password"},
			}},
		},
		Routing: monitoring.Routing{
			DefaultReceiver: "ops-email",
			Routes: []monitoring.Route{
				{Severity: monitoring.SeverityCritical, Receiver: "oncall-pager", RepeatInterval: time.Hour},
				{Severity: monitoring.SeverityWarning, Team: "platform", Receiver: "platform-slack"},
			},
		},
	}
}
