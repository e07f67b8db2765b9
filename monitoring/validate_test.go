package monitoring

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// paths lists "type path" of each error, sorted, for exact comparison.
func paths(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, strings.TrimPrefix(string(e.Type), "FieldValue")+" "+e.Field)
	}
	sort.Strings(out)
	return out
}

func checkPaths(t *testing.T, errs field.ErrorList, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, paths(errs)); diff != "" {
		t.Errorf("error paths (-want +got):\n%s\nerrors: %v", diff, errs.ToAggregate())
	}
}

func TestScrapeValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Scrape
		want []string
	}{
		{name: "zero value", spec: Scrape{}},
		{name: "tuned", spec: Scrape{Interval: time.Minute, Timeout: time.Minute, ExternalLabels: map[string]string{"cluster": "a"}, Namespaces: []string{"a", "b"}}},
		{
			name: "bad timings",
			spec: Scrape{Interval: -time.Second, Timeout: time.Microsecond, EvaluationInterval: -1},
			want: []string{"Invalid interval", "Invalid timeout", "Invalid evaluationInterval"},
		},
		{name: "timeout above interval", spec: Scrape{Interval: 10 * time.Second, Timeout: 11 * time.Second}, want: []string{"Invalid timeout"}},
		{name: "short interval lowers default timeout", spec: Scrape{Interval: 5 * time.Second}},
		{
			name: "labels",
			spec: Scrape{ExternalLabels: map[string]string{"1bad": "x", "__reserved": "y", "ok": "\xff"}},
			want: []string{"Invalid externalLabels[1bad]", "Invalid externalLabels[__reserved]", "Invalid externalLabels[ok]"},
		},
		{name: "rule files", spec: Scrape{RuleFiles: []string{"", "relative.yaml", "/ok.yaml"}}, want: []string{"Required ruleFiles[0]", "Invalid ruleFiles[1]"}},
		{
			name: "jobs",
			spec: Scrape{Jobs: []Job{JobPods, "nope", JobPods}},
			want: []string{"NotSupported jobs[1]", "Duplicate jobs[2]"},
		},
		{name: "namespaces", spec: Scrape{Namespaces: []string{"ok", "Not_OK", "ok"}}, want: []string{"Invalid namespaces[1]", "Duplicate namespaces[2]"}},
		{
			name: "kube-state-metrics",
			spec: Scrape{KubeStateMetrics: Target{Namespace: "A", Service: "b.c", PortName: "this-port-name-is-too-long"}},
			want: []string{"Invalid kubeStateMetrics.namespace", "Invalid kubeStateMetrics.service", "Invalid kubeStateMetrics.portName"},
		},
		{
			name: "extra job clashes with a built-in one and breaks rules",
			spec: Scrape{Extra: []ScrapeConfig{
				{JobName: string(JobPods), Scheme: "ftp"},
				{JobName: "x", ScrapeTimeout: Duration(time.Hour), KubernetesSDConfigs: []KubernetesSDConfig{{}}},
			}},
			want: []string{
				"Duplicate extra[0].job_name",
				"NotSupported extra[0].scheme",
				"Invalid extra[1].scrape_timeout",
				"Required extra[1].kubernetes_sd_configs[0].role",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPaths(t, tc.spec.Validate(), tc.want)
			c, err := tc.spec.Build()
			if (err == nil) != (len(tc.want) == 0) || (c == nil) == (err == nil) {
				t.Errorf("Build() = %v, %v; want error %v and exactly one of result or error", c != nil, err, len(tc.want) > 0)
			}
		})
	}
}

func validScrapeConfig() ScrapeConfig {
	return ScrapeConfig{
		JobName:             "j",
		Scheme:              "https",
		Authorization:       &Authorization{CredentialsFile: ServiceAccountTokenFile},
		TLSConfig:           &TLSConfig{CAFile: ServiceAccountCAFile},
		KubernetesSDConfigs: []KubernetesSDConfig{{Role: RolePod}},
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		want   []string
	}{
		{name: "valid", mutate: func(*Config) {}},
		{
			name: "global timeout above interval",
			mutate: func(c *Config) {
				c.Global.ScrapeInterval, c.Global.ScrapeTimeout = Duration(time.Second), Duration(2*time.Second)
			},
			want: []string{"Invalid global.scrape_timeout"},
		},
		{
			name:   "global timeout above Prometheus' default interval",
			mutate: func(c *Config) { c.Global.ScrapeInterval, c.Global.ScrapeTimeout = 0, Duration(2*time.Minute) },
			want:   []string{"Invalid global.scrape_timeout"},
		},
		{
			name: "job interval below the global timeout takes the shorter timeout",
			mutate: func(c *Config) {
				c.Global.ScrapeTimeout = Duration(30 * time.Second)
				c.ScrapeConfigs[0].ScrapeInterval = Duration(10 * time.Second)
			},
		},
		{name: "duplicate job", mutate: func(c *Config) { c.ScrapeConfigs = append(c.ScrapeConfigs, validScrapeConfig()) }, want: []string{"Duplicate scrape_configs[1].job_name"}},
		{name: "unnamed job", mutate: func(c *Config) { c.ScrapeConfigs[0].JobName = "" }, want: []string{"Required scrape_configs[0].job_name"}},
		{name: "metrics path", mutate: func(c *Config) { c.ScrapeConfigs[0].MetricsPath = "metrics?x=1" }, want: []string{"Invalid scrape_configs[0].metrics_path"}},
		{
			name: "both token spellings, no credentials file",
			mutate: func(c *Config) {
				c.ScrapeConfigs[0].BearerTokenFile = "/token"
				c.ScrapeConfigs[0].Authorization = &Authorization{Type: "Basic"}
			},
			want: []string{"Forbidden scrape_configs[0].bearer_token_file", "Required scrape_configs[0].authorization.credentials_file", "Invalid scrape_configs[0].authorization.type"},
		},
		{
			name: "tls",
			mutate: func(c *Config) {
				c.ScrapeConfigs[0].TLSConfig = &TLSConfig{CAFile: "ca.crt", CertFile: "/c.crt", ServerName: "Not A Name"}
			},
			want: []string{"Invalid scrape_configs[0].tls_config.ca_file", "Invalid scrape_configs[0].tls_config.key_file", "Invalid scrape_configs[0].tls_config.server_name"},
		},
		{
			name: "discovery",
			mutate: func(c *Config) {
				c.ScrapeConfigs[0].KubernetesSDConfigs = []KubernetesSDConfig{{Role: "deployment", Namespaces: &NamespaceDiscovery{Names: []string{"a", "a", "B"}}}}
			},
			want: []string{
				"NotSupported scrape_configs[0].kubernetes_sd_configs[0].role",
				"Duplicate scrape_configs[0].kubernetes_sd_configs[0].namespaces.names[1]",
				"Invalid scrape_configs[0].kubernetes_sd_configs[0].namespaces.names[2]",
			},
		},
		{
			name: "relabel rules",
			mutate: func(c *Config) {
				c.ScrapeConfigs[0].RelabelConfigs = []RelabelConfig{
					{SourceLabels: []string{"a"}},                                          // replace needs target_label
					{SourceLabels: []string{"a"}, Action: ActionHashMod, TargetLabel: "h"}, // modulus missing
					{Action: "explode"},
					{Regex: "(", Action: ActionLabelDrop},
					{Regex: "x", TargetLabel: "y", Action: ActionLabelKeep},
					{SourceLabels: []string{"0bad"}, Action: ActionKeep},
					{TargetLabel: "y", Replacement: "z", Action: ActionLowercase},
					{Action: ActionDrop},
					{SourceLabels: []string{"a"}, TargetLabel: "b", Regex: "x", Action: ActionKeepEqual},
					{SourceLabels: []string{"a"}, TargetLabel: "${1}_x", Regex: "(.*)"},
					{Regex: "__meta_(.+)", Replacement: "bad-$1", Action: ActionLabelMap},
					{SourceLabels: []string{"a"}, Modulus: 3, Action: ActionDrop},
				}
			},
			want: []string{
				"Required scrape_configs[0].relabel_configs[0].target_label",
				"Required scrape_configs[0].relabel_configs[1].modulus",
				"NotSupported scrape_configs[0].relabel_configs[2].action",
				"Invalid scrape_configs[0].relabel_configs[3].regex",
				"Forbidden scrape_configs[0].relabel_configs[4]",
				"Invalid scrape_configs[0].relabel_configs[5].source_labels[0]",
				"Forbidden scrape_configs[0].relabel_configs[6].replacement",
				"Required scrape_configs[0].relabel_configs[7].source_labels",
				"Forbidden scrape_configs[0].relabel_configs[8]",
				"Invalid scrape_configs[0].relabel_configs[10].replacement",
				"Forbidden scrape_configs[0].relabel_configs[11].modulus",
			},
		},
		{
			name: "metric relabel and retention",
			mutate: func(c *Config) {
				c.ScrapeConfigs[0].MetricRelabelConfigs = []RelabelConfig{{Action: ActionUppercase}}
				c.Storage = &StorageConfig{TSDB: &TSDBConfig{Retention: &RetentionConfig{Time: -1}}}
			},
			want: []string{"Required scrape_configs[0].metric_relabel_configs[0].target_label", "Invalid storage.tsdb.retention.time"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Config{Global: GlobalConfig{ScrapeInterval: Duration(time.Minute)}, ScrapeConfigs: []ScrapeConfig{validScrapeConfig()}}
			tc.mutate(c)
			checkPaths(t, c.Validate(), tc.want)
			if files := c.Files(); (len(files) == 1) != (len(tc.want) == 0) {
				t.Errorf("Files() = %v", files)
			}
		})
	}
}

func TestAlertsValidate(t *testing.T) {
	disabled := AlertOptions{Disabled: true}
	for _, tc := range []struct {
		name string
		spec Alerts
		want []string
	}{
		{name: "zero value"},
		{name: "all disabled", spec: Alerts{NodeNotReady: disabled, APIServerErrors: RatioAlert{AlertOptions: disabled}, PodRestarts: RestartAlert{AlertOptions: disabled}, CrashLooping: disabled, MemoryNearLimit: RatioAlert{AlertOptions: disabled}, HTTPErrors: HTTPErrorAlert{RatioAlert: RatioAlert{AlertOptions: disabled}}}},
		{
			name: "runbook and labels",
			spec: Alerts{RunbookBaseURL: "ftp://x", Labels: map[string]string{"severity": "x", "alertname": "y", "9": "z"}},
			want: []string{"Invalid runbookBaseURL", "Forbidden labels[severity]", "Forbidden labels[alertname]", "Invalid labels[9]"},
		},
		{name: "runbook with query", spec: Alerts{RunbookBaseURL: "https://x/?a=b"}, want: []string{"Invalid runbookBaseURL"}},
		{
			name: "options",
			spec: Alerts{NodeNotReady: AlertOptions{For: -time.Minute, Severity: "page"}, CrashLooping: AlertOptions{For: time.Nanosecond}},
			want: []string{"Invalid nodeNotReady.for", "NotSupported nodeNotReady.severity", "Invalid crashLooping.for"},
		},
		{
			name: "ratios",
			spec: Alerts{
				APIServerErrors: RatioAlert{Threshold: 1, Window: 30 * time.Second},
				MemoryNearLimit: RatioAlert{Threshold: math.NaN(), Window: time.Minute},
				HTTPErrors:      HTTPErrorAlert{RatioAlert: RatioAlert{Threshold: -0.1}, Metric: "http-requests", CodeLabel: "0code"},
			},
			want: []string{
				"Invalid apiServerErrors.threshold", "Invalid apiServerErrors.window",
				"Invalid memoryNearLimit.threshold", "Forbidden memoryNearLimit.window",
				"Invalid httpErrors.threshold", "Invalid httpErrors.metric", "Invalid httpErrors.codeLabel",
			},
		},
		{name: "restarts", spec: Alerts{PodRestarts: RestartAlert{Restarts: -1, Window: -time.Minute}}, want: []string{"Invalid podRestarts.restarts", "Invalid podRestarts.window"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPaths(t, tc.spec.Validate(), tc.want)
			f, err := tc.spec.Build()
			if (err == nil) != (len(tc.want) == 0) || (f == nil) == (err == nil) {
				t.Errorf("Build() = %v, %v", f, err)
			}
		})
	}
}

func TestAlertsDefaults(t *testing.T) {
	f, err := (&Alerts{}).Build()
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Group, Alert, For, Severity string }
	var got []row
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			got = append(got, row{g.Name, r.Alert, r.For.String(), r.Labels["severity"]})
			if _, ok := r.Annotations["runbook_url"]; ok {
				t.Errorf("%s: runbook_url without RunbookBaseURL", r.Alert)
			}
		}
	}
	want := []row{
		{"kubernetes-nodes", "KubeNodeNotReady", "5m", "critical"},
		{"kubernetes-apiserver", "KubeAPIServerErrorsHigh", "10m", "critical"},
		{"kubernetes-workloads", "KubePodRestartingOften", "5m", "warning"},
		{"kubernetes-workloads", "KubePodCrashLooping", "15m", "warning"},
		{"kubernetes-workloads", "KubeContainerMemoryNearLimit", "15m", "warning"},
		{"application", "HTTPErrorRatioHigh", "10m", "critical"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default alerts (-want +got):\n%s", diff)
	}
	// Disabling alerts drops them, and a group left empty disappears.
	f, err = (&Alerts{NodeNotReady: AlertOptions{Disabled: true}, HTTPErrors: HTTPErrorAlert{RatioAlert: RatioAlert{Threshold: 0.2, AlertOptions: AlertOptions{For: time.Minute}}, CodeLabel: "status"}}).Build()
	if err != nil {
		t.Fatal(err)
	}
	if f.Groups[0].Name != "kubernetes-apiserver" || len(f.Groups) != 3 {
		t.Errorf("groups after disabling KubeNodeNotReady: %v", f.Groups)
	}
	last := f.Groups[2].Rules[0]
	if !strings.Contains(last.Expr, `{status=~"5.."}`) || !strings.HasSuffix(last.Expr, "> 0.2") || last.For.String() != "1m" {
		t.Errorf("HTTPErrorRatioHigh = %q for %s", last.Expr, last.For)
	}
}

func TestRuleFileValidate(t *testing.T) {
	ok := Rule{Alert: "A", Expr: "up == 0", For: Duration(time.Minute)}
	for _, tc := range []struct {
		name string
		file RuleFile
		want []string
	}{
		{name: "valid", file: RuleFile{Groups: []RuleGroup{{Name: "g", Rules: []Rule{ok, {Record: "job:up:sum", Expr: "sum by (job) (up)"}}}}}},
		{
			name: "names",
			file: RuleFile{Groups: []RuleGroup{
				{Name: "g", Rules: []Rule{ok}},
				{Name: "g", Interval: -1, Rules: []Rule{ok}},
				{Name: "", Rules: nil},
			}},
			want: []string{"Duplicate groups[1].name", "Invalid groups[1].interval", "Duplicate groups[1].rules[0].alert", "Required groups[2].name", "Required groups[2].rules"},
		},
		{
			name: "rules",
			file: RuleFile{Groups: []RuleGroup{{Name: "g", Rules: []Rule{
				{Expr: "up"},
				{Alert: "B", Record: "b", Expr: "up"},
				{Record: "bad-name", Expr: " ", For: Duration(time.Second), Annotations: map[string]string{"a": "b"}},
				{Alert: "has space", Expr: "up", Labels: map[string]string{"__x": "y"}, Annotations: map[string]string{"bad-key": "v"}},
			}}}},
			want: []string{
				"Required groups[0].rules[0].alert",
				"Forbidden groups[0].rules[1].record",
				"Invalid groups[0].rules[2].record", "Forbidden groups[0].rules[2].for", "Forbidden groups[0].rules[2].annotations", "Required groups[0].rules[2].expr",
				"Invalid groups[0].rules[3].alert", "Invalid groups[0].rules[3].labels[__x]", "Invalid groups[0].rules[3].annotations[bad-key]",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPaths(t, tc.file.Validate(), tc.want)
			pr, err := tc.file.PrometheusRule("r", "monitoring", nil)
			if (err == nil) != (len(tc.want) == 0) || (pr == nil) == (err == nil) {
				t.Errorf("PrometheusRule() = %v, %v", pr, err)
			}
		})
	}
}

func TestPrometheusRuleObject(t *testing.T) {
	f, err := (&Alerts{}).Build()
	if err != nil {
		t.Fatal(err)
	}
	pr, err := f.PrometheusRule("production-alerts", "monitoring", map[string]string{"prometheus": "k8s"})
	if err != nil {
		t.Fatal(err)
	}
	if pr.APIVersion != "monitoring.coreos.com/v1" || pr.Kind != "PrometheusRule" || pr.Name != "production-alerts" || pr.Namespace != "monitoring" {
		t.Errorf("object identity: %+v %+v", pr.TypeMeta, pr.ObjectMeta)
	}
	// The object owns its data: changing it leaves the rule file alone.
	pr.Spec.Groups[0].Rules[0].Labels["severity"] = "info"
	if f.Groups[0].Rules[0].Labels["severity"] != "critical" {
		t.Error("PrometheusRule shares label maps with the rule file")
	}
	_, err = f.PrometheusRule("Bad_Name", "", map[string]string{"a b": "c"})
	checkPaths(t, asList(t, err), []string{"Invalid metadata.name", "Required metadata.namespace", "Invalid metadata.labels"})
}

// asList recovers the field errors behind an aggregate error.
func asList(t *testing.T, err error) field.ErrorList {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	agg, ok := err.(interface{ Errors() []error })
	if !ok {
		t.Fatalf("error %T is not an aggregate", err)
	}
	var out field.ErrorList
	for _, e := range agg.Errors() {
		fe, ok := e.(*field.Error)
		if !ok {
			t.Fatalf("error %T is not a *field.Error", e)
		}
		out = append(out, fe)
	}
	return out
}

func TestPrometheusValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Prometheus
		want []string
	}{
		{name: "zero value"},
		{
			name: "identity",
			spec: Prometheus{Name: strings.Repeat("p", 53), Namespace: "Mon", Replicas: -1, Labels: map[string]string{"app.kubernetes.io/name": "x"}},
			want: []string{"TooLong name", "Invalid namespace", "Invalid replicas", "Forbidden labels[app.kubernetes.io/name]"},
		},
		{name: "latest image", spec: Prometheus{Image: "quay.io/prometheus/prometheus:latest"}, want: []string{"Invalid image"}},
		{name: "untagged image", spec: Prometheus{Image: "prom/prometheus"}, want: []string{"Invalid image"}},
		{name: "bad digest", spec: Prometheus{Image: "prom/prometheus@sha256:abc"}, want: []string{"Invalid image"}},
		{name: "digest", spec: Prometheus{Image: "prom/prometheus@sha256:" + strings.Repeat("a", 64)}},
		{name: "registry port", spec: Prometheus{Image: "registry.local:5000/prometheus:v3.16.0"}},
		{
			name: "storage and retention",
			spec: Prometheus{Retention: time.Hour, Storage: Storage{Size: resource.MustParse("100Mi"), StorageClassName: "fast", Ephemeral: true}},
			want: []string{"Invalid retention", "Invalid storage.size", "Forbidden storage.storageClassName"},
		},
		{
			name: "resources",
			spec: Prometheus{Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), "nvidia.com/gpu": resource.MustParse("1")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("0")},
			}},
			want: []string{
				"Invalid resources.requests[cpu]", "Required resources.requests[memory]",
				"Invalid resources.limits[memory]", "NotSupported resources.requests[nvidia.com/gpu]",
			},
		},
		{
			name: "rate windows shorter than two scrapes",
			spec: Prometheus{Scrape: Scrape{Interval: 5 * time.Minute}, Alerts: Alerts{PodRestarts: RestartAlert{Window: time.Hour}, HTTPErrors: HTTPErrorAlert{RatioAlert: RatioAlert{AlertOptions: AlertOptions{Disabled: true}}}}},
			want: []string{"Invalid alerts.apiServerErrors.window"},
		},
		{
			name: "nested specs",
			spec: Prometheus{Scrape: Scrape{Jobs: []Job{"x"}, RuleFiles: []string{"/r.yaml"}}, Alerts: Alerts{CrashLooping: AlertOptions{Severity: "x"}}},
			want: []string{"NotSupported scrape.jobs[0]", "Forbidden scrape.ruleFiles", "NotSupported alerts.crashLooping.severity"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPaths(t, tc.spec.Validate(), tc.want)
			b, err := tc.spec.Build()
			if (err == nil) != (len(tc.want) == 0) || (b == nil) == (err == nil) {
				t.Errorf("Build() = %v, %v", b, err)
			}
			if err != nil {
				checkPaths(t, asList(t, err), tc.want)
			}
		})
	}
}
