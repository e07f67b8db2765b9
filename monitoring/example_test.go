package monitoring_test

import (
	"fmt"
	"time"

	"github.com/prodkube/prodkube/monitoring"
)

func ExampleScrape_Build() {
	cfg, err := monitoring.Scrape{
		Interval:       15 * time.Second,
		ExternalLabels: map[string]string{"cluster": "prod-eu-1"},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("scrape every", cfg.Global.ScrapeInterval, "timeout", cfg.Global.ScrapeTimeout)
	for _, sc := range cfg.ScrapeConfigs {
		fmt.Println(sc.JobName, sc.KubernetesSDConfigs[0].Role)
	}
	// Output:
	// scrape every 15s timeout 10s
	// kubernetes-apiservers endpointslice
	// kubernetes-nodes node
	// kubernetes-cadvisor node
	// kube-state-metrics endpointslice
	// node-exporter endpointslice
	// kubernetes-pods pod
	// kubernetes-service-endpoints endpointslice
}

func ExampleScrape_Validate() {
	errs := monitoring.Scrape{
		Interval: 10 * time.Second,
		Timeout:  20 * time.Second,
		Jobs:     []monitoring.Job{monitoring.JobPods, monitoring.JobPods},
	}.Validate()
	for _, e := range errs {
		fmt.Println(e)
	}
	// Output:
	// timeout: Invalid value: "20s": must not be longer than the scrape interval (10s)
	// jobs[1]: Duplicate value: "kubernetes-pods"
}

func ExampleAlerts_Build() {
	rules, err := monitoring.Alerts{
		MemoryNearLimit: monitoring.RatioAlert{Threshold: 0.8},
		PodRestarts:     monitoring.RestartAlert{AlertOptions: monitoring.AlertOptions{Disabled: true}},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			fmt.Printf("%s/%s for %s severity %s\n", g.Name, r.Alert, r.For, r.Labels["severity"])
		}
	}
	// Output:
	// kubernetes-nodes/KubeNodeNotReady for 5m severity critical
	// kubernetes-apiserver/KubeAPIServerErrorsHigh for 10m severity critical
	// kubernetes-workloads/KubePodCrashLooping for 15m severity warning
	// kubernetes-workloads/KubeContainerMemoryNearLimit for 15m severity warning
	// application/HTTPErrorRatioHigh for 10m severity critical
}

func ExampleRuleFile_PrometheusRule() {
	rules, err := monitoring.Alerts{}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	pr, err := rules.PrometheusRule("production-alerts", "monitoring", map[string]string{"role": "alert-rules"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pr.APIVersion, pr.Kind, pr.Namespace+"/"+pr.Name, len(pr.Spec.Groups), "groups")
	// Output:
	// monitoring.coreos.com/v1 PrometheusRule monitoring/production-alerts 4 groups
}

func ExamplePrometheus_Build() {
	b, err := monitoring.Prometheus{
		Scrape: monitoring.Scrape{ExternalLabels: map[string]string{"cluster": "prod"}},
		Alerts: monitoring.Alerts{RunbookBaseURL: "https://runbooks.example.com/kubernetes"},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range b.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	for _, f := range b.Files() {
		fmt.Println(f.Path)
	}
	c := b.StatefulSet.Spec.Template.Spec.Containers[0]
	fmt.Println(c.Image, c.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path)
	// Output:
	// ServiceAccount prometheus
	// ClusterRole monitoring-prometheus
	// ClusterRoleBinding monitoring-prometheus
	// ConfigMap prometheus-config
	// Service prometheus
	// StatefulSet prometheus
	// PodDisruptionBudget prometheus
	// monitoring/rules.yaml
	// monitoring/prometheusrule.yaml
	// quay.io/prometheus/prometheus:v3.16.0 /-/ready /-/healthy
}

func ExampleParseDuration() {
	d, err := monitoring.ParseDuration("1h30m")
	fmt.Println(time.Duration(d), err)
	fmt.Println(monitoring.Duration(15 * 24 * time.Hour))
	_, err = monitoring.ParseDuration("30m1h")
	fmt.Println(err)
	// Output:
	// 1h30m0s <nil>
	// 15d
	// invalid duration "30m1h": unit "h" unknown or out of order (use y, w, d, h, m, s, ms from largest to smallest)
}

func ExampleConfig_Files() {
	cfg := &monitoring.Config{
		Global: monitoring.GlobalConfig{ScrapeInterval: monitoring.Duration(time.Minute)},
		ScrapeConfigs: []monitoring.ScrapeConfig{{
			JobName:             "nodes",
			KubernetesSDConfigs: []monitoring.KubernetesSDConfig{{Role: monitoring.RoleNode}},
			RelabelConfigs:      []monitoring.RelabelConfig{{Regex: "__meta_kubernetes_node_label_(.+)", Action: monitoring.ActionLabelMap}},
		}},
	}
	for _, f := range cfg.Files() {
		fmt.Printf("%s:\n%s", f.Path, f.Content)
	}
	// Output:
	// monitoring/prometheus.yml:
	// global:
	//   scrape_interval: 1m
	// scrape_configs:
	// - job_name: nodes
	//   kubernetes_sd_configs:
	//   - role: node
	//   relabel_configs:
	//   - action: labelmap
	//     regex: __meta_kubernetes_node_label_(.+)
}
