package promcheck

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/monitoring"
)

var logger = slog.New(slog.NewTextHandler(io.Discard, nil))

// load runs Prometheus' own configuration loader on data.
func load(t *testing.T, data []byte) *config.Config {
	t.Helper()
	cfg, err := config.Load(string(data), logger)
	if err != nil {
		t.Fatalf("Prometheus refused the configuration: %v\n%s", err, data)
	}
	return cfg
}

// specs are the Prometheus specs judged here: the defaults and variants
// that exercise every optional branch of the scrape and rule builders.
func specs() map[string]monitoring.Prometheus {
	return map[string]monitoring.Prometheus{
		"defaults": {},
		"tuned": {
			Name: "prom", Namespace: "observability", Replicas: 1, Retention: 30 * 24 * time.Hour,
			Storage: monitoring.Storage{Ephemeral: true},
			Scrape: monitoring.Scrape{
				Interval: 15 * time.Second, Timeout: 15 * time.Second, EvaluationInterval: time.Minute,
				ExternalLabels:            map[string]string{"cluster": "prod-eu-1", "region": "eu"},
				Namespaces:                []string{"production", "staging"},
				KubeStateMetrics:          monitoring.Target{Namespace: "monitoring", Service: "ksm", PortName: "metrics"},
				InsecureSkipKubeletVerify: true,
				Extra: []monitoring.ScrapeConfig{{
					JobName: "blackbox", MetricsPath: "/probe", Scheme: "http", ScrapeTimeout: monitoring.Duration(5 * time.Second),
					KubernetesSDConfigs: []monitoring.KubernetesSDConfig{{Role: monitoring.RoleIngress}},
					RelabelConfigs: []monitoring.RelabelConfig{
						{SourceLabels: []string{"__address__"}, Modulus: 4, TargetLabel: "__tmp_hash", Action: monitoring.ActionHashMod},
						{SourceLabels: []string{"__tmp_hash"}, Regex: "0", Action: monitoring.ActionKeep},
						{SourceLabels: []string{"__meta_kubernetes_ingress_name"}, TargetLabel: "ingress", Action: monitoring.ActionLowercase},
						{Regex: "__meta_kubernetes_ingress_label_(.+)", Replacement: "ingress_$1", Action: monitoring.ActionLabelMap},
					},
					MetricRelabelConfigs: []monitoring.RelabelConfig{
						{Regex: "go_.*", Action: monitoring.ActionLabelDrop},
						{SourceLabels: []string{"__name__"}, Regex: "probe_debug_.*", Action: monitoring.ActionDrop},
					},
				}},
			},
			Alerts: monitoring.Alerts{
				RunbookBaseURL:  "https://runbooks.example.com/k8s/",
				Labels:          map[string]string{"team": "platform"},
				NodeNotReady:    monitoring.AlertOptions{For: 2 * time.Minute, Severity: monitoring.SeverityWarning},
				APIServerErrors: monitoring.RatioAlert{Threshold: 0.01, Window: 10 * time.Minute},
				PodRestarts:     monitoring.RestartAlert{Restarts: 5, Window: time.Hour},
				CrashLooping:    monitoring.AlertOptions{Disabled: true},
				MemoryNearLimit: monitoring.RatioAlert{Threshold: 0.95},
				HTTPErrors: monitoring.HTTPErrorAlert{
					RatioAlert: monitoring.RatioAlert{Threshold: 0.125, Window: 2 * time.Minute},
					Metric:     "http_server_requests_total", CodeLabel: "status",
				},
			},
		},
		"few jobs": {
			Scrape: monitoring.Scrape{Jobs: []monitoring.Job{monitoring.JobPods, monitoring.JobAPIServers}},
			Alerts: monitoring.Alerts{HTTPErrors: monitoring.HTTPErrorAlert{RatioAlert: monitoring.RatioAlert{AlertOptions: monitoring.AlertOptions{Disabled: true}}}},
		},
	}
}

// TestConfigLoads loads every rendered prometheus.yml with Prometheus'
// loader and checks that it read back what prodkube meant: the jobs, their
// discovery roles and namespaces, credentials, TLS and relabelling.
func TestConfigLoads(t *testing.T) {
	for name, spec := range specs() {
		t.Run(name, func(t *testing.T) {
			b, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			data := []byte(b.ConfigMap.Data[monitoring.ConfigKey])
			cfg := load(t, data)

			if got, want := time.Duration(cfg.GlobalConfig.ScrapeInterval), time.Duration(b.Config.Global.ScrapeInterval); got != want {
				t.Errorf("scrape_interval: Prometheus read %v, want %v", got, want)
			}
			if got, want := time.Duration(cfg.GlobalConfig.EvaluationInterval), time.Duration(b.Config.Global.EvaluationInterval); got != want {
				t.Errorf("evaluation_interval: Prometheus read %v, want %v", got, want)
			}
			for k, v := range b.Config.Global.ExternalLabels {
				if got := cfg.GlobalConfig.ExternalLabels.Get(k); got != v {
					t.Errorf("external label %s: Prometheus read %q, want %q", k, got, v)
				}
			}
			if got, want := cfg.RuleFiles, []string{"/etc/prometheus/rules.yaml"}; strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("rule_files: %v, want %v", got, want)
			}
			if got := time.Duration(cfg.StorageConfig.TSDBConfig.Retention.Time); got != time.Duration(b.Config.Storage.TSDB.Retention.Time) {
				t.Errorf("retention: Prometheus read %v", got)
			}
			if len(cfg.ScrapeConfigs) != len(b.Config.ScrapeConfigs) {
				t.Fatalf("Prometheus read %d scrape configs, want %d", len(cfg.ScrapeConfigs), len(b.Config.ScrapeConfigs))
			}
			for i, want := range b.Config.ScrapeConfigs {
				got := cfg.ScrapeConfigs[i]
				if got.JobName != want.JobName {
					t.Errorf("job %d: name %q, want %q", i, got.JobName, want.JobName)
				}
				if want.Scheme != "" && got.Scheme != want.Scheme {
					t.Errorf("job %s: scheme %q, want %q", want.JobName, got.Scheme, want.Scheme)
				}
				if got.HonorLabels != want.HonorLabels {
					t.Errorf("job %s: honor_labels %v, want %v", want.JobName, got.HonorLabels, want.HonorLabels)
				}
				if want.MetricsPath != "" && got.MetricsPath != want.MetricsPath {
					t.Errorf("job %s: metrics_path %q, want %q", want.JobName, got.MetricsPath, want.MetricsPath)
				}
				if time.Duration(got.ScrapeTimeout) > time.Duration(got.ScrapeInterval) {
					t.Errorf("job %s: timeout %v above interval %v", want.JobName, got.ScrapeTimeout, got.ScrapeInterval)
				}
				if want.Authorization != nil {
					a := got.HTTPClientConfig.Authorization
					if a == nil || a.CredentialsFile != want.Authorization.CredentialsFile || a.Type != "Bearer" {
						t.Errorf("job %s: authorization %+v, want a Bearer credentials_file %s", want.JobName, a, want.Authorization.CredentialsFile)
					}
				}
				if want.TLSConfig != nil {
					tc := got.HTTPClientConfig.TLSConfig
					if tc.CAFile != want.TLSConfig.CAFile || tc.InsecureSkipVerify != want.TLSConfig.InsecureSkipVerify {
						t.Errorf("job %s: tls_config %+v, want %+v", want.JobName, tc, *want.TLSConfig)
					}
				}
				if len(got.ServiceDiscoveryConfigs) != len(want.KubernetesSDConfigs) {
					t.Fatalf("job %s: %d discovery configs, want %d", want.JobName, len(got.ServiceDiscoveryConfigs), len(want.KubernetesSDConfigs))
				}
				for j, sd := range want.KubernetesSDConfigs {
					k, ok := got.ServiceDiscoveryConfigs[j].(*kubernetes.SDConfig)
					if !ok {
						t.Fatalf("job %s: discovery %d is %T, want *kubernetes.SDConfig", want.JobName, j, got.ServiceDiscoveryConfigs[j])
					}
					if string(k.Role) != string(sd.Role) {
						t.Errorf("job %s: role %q, want %q", want.JobName, k.Role, sd.Role)
					}
					var wantNS []string
					if sd.Namespaces != nil {
						wantNS = sd.Namespaces.Names
					}
					if strings.Join(k.NamespaceDiscovery.Names, ",") != strings.Join(wantNS, ",") {
						t.Errorf("job %s: namespaces %v, want %v", want.JobName, k.NamespaceDiscovery.Names, wantNS)
					}
				}
				if len(got.RelabelConfigs) != len(want.RelabelConfigs) || len(got.MetricRelabelConfigs) != len(want.MetricRelabelConfigs) {
					t.Errorf("job %s: %d/%d relabel configs, want %d/%d", want.JobName,
						len(got.RelabelConfigs), len(got.MetricRelabelConfigs), len(want.RelabelConfigs), len(want.MetricRelabelConfigs))
					continue
				}
				for j, r := range want.RelabelConfigs {
					g := got.RelabelConfigs[j]
					action := string(r.Action)
					if action == "" {
						action = "replace"
					}
					if string(g.Action) != action || g.TargetLabel != r.TargetLabel {
						t.Errorf("job %s relabel %d: Prometheus read action %q target %q, want %q %q", want.JobName, j, g.Action, g.TargetLabel, action, r.TargetLabel)
					}
					if r.Regex != "" && g.Regex.String() != r.Regex {
						t.Errorf("job %s relabel %d: regex %q, want %q", want.JobName, j, g.Regex.String(), r.Regex)
					}
				}
			}
		})
	}
}

// TestRulesParse parses every rendered rule file with Prometheus' rule
// loader (which also parses each expression and annotation template), and
// each expression again with the PromQL parser; it checks group and rule
// names are unique and that thresholds and waits arrive as given.
func TestRulesParse(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for name, spec := range specs() {
		t.Run(name, func(t *testing.T) {
			b, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			groups := parseRules(t, []byte(b.ConfigMap.Data[monitoring.RulesKey]))
			if len(groups.Groups) != len(b.Rules.Groups) {
				t.Fatalf("Prometheus read %d groups, want %d", len(groups.Groups), len(b.Rules.Groups))
			}
			seenGroup, seenRule := map[string]bool{}, map[string]bool{}
			for i, g := range groups.Groups {
				if seenGroup[g.Name] {
					t.Errorf("duplicate group %q", g.Name)
				}
				seenGroup[g.Name] = true
				for j, r := range g.Rules {
					want := b.Rules.Groups[i].Rules[j]
					if seenRule[r.Alert] {
						t.Errorf("duplicate alert %q", r.Alert)
					}
					seenRule[r.Alert] = true
					if _, err := p.ParseExpr(r.Expr); err != nil {
						t.Errorf("%s: %v\n%s", r.Alert, err, r.Expr)
					}
					if time.Duration(r.For) != time.Duration(want.For) || r.For == 0 {
						t.Errorf("%s: for %v, want %v (non-zero)", r.Alert, r.For, want.For)
					}
					if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
						t.Errorf("%s: missing severity, summary or description: %v %v", r.Alert, r.Labels, r.Annotations)
					}
					if spec.Alerts.RunbookBaseURL != "" && !strings.HasPrefix(r.Annotations["runbook_url"], "https://") {
						t.Errorf("%s: runbook_url %q", r.Alert, r.Annotations["runbook_url"])
					}
				}
			}
		})
	}
}

func parseRules(t *testing.T, data []byte) *rulefmt.RuleGroups {
	t.Helper()
	groups, errs := rulefmt.Parse(data, false, model.UTF8Validation, parser.NewParser(parser.Options{}), logger)
	for _, err := range errs {
		t.Errorf("Prometheus refused the rule file: %v", err)
	}
	if len(errs) > 0 {
		t.Fatalf("rule file:\n%s", data)
	}
	return groups
}

// TestThresholdsReachExpressions checks, through the parsed AST, that the
// spec's thresholds are the numbers the expressions compare against.
func TestThresholdsReachExpressions(t *testing.T) {
	spec := specs()["tuned"]
	f, err := spec.Alerts.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		monitoring.AlertAPIServerErrors: 0.01,
		monitoring.AlertPodRestarting:   5,
		monitoring.AlertMemoryNearLimit: 0.95,
		monitoring.AlertHTTPErrorRatio:  0.125,
	}
	p := parser.NewParser(parser.Options{})
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			w, ok := want[r.Alert]
			if !ok {
				continue
			}
			delete(want, r.Alert)
			expr, err := p.ParseExpr(r.Expr)
			if err != nil {
				t.Fatal(err)
			}
			be, ok := expr.(*parser.BinaryExpr)
			if !ok || be.Op != parser.GTR {
				t.Fatalf("%s: top-level expression is %T %v, want a > comparison", r.Alert, expr, expr)
			}
			n, ok := be.RHS.(*parser.NumberLiteral)
			if !ok || n.Val != w {
				t.Errorf("%s: compared against %v, want %v", r.Alert, be.RHS, w)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("alerts not found: %v", want)
	}
}

// TestPrometheusRuleGroups renders the PrometheusRule object and parses its
// spec as the Prometheus Operator does: as a rule file.
func TestPrometheusRuleGroups(t *testing.T) {
	f, err := monitoring.Alerts{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	pr, err := f.PrometheusRule("production-alerts", "monitoring", map[string]string{"role": "alert-rules"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := yaml.Marshal(pr)
	if err != nil {
		t.Fatal(err)
	}
	var obj struct {
		APIVersion string         `json:"apiVersion"`
		Kind       string         `json:"kind"`
		Spec       map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	if obj.APIVersion != "monitoring.coreos.com/v1" || obj.Kind != "PrometheusRule" {
		t.Errorf("apiVersion/kind = %s/%s", obj.APIVersion, obj.Kind)
	}
	spec, err := yaml.Marshal(obj.Spec)
	if err != nil {
		t.Fatal(err)
	}
	groups := parseRules(t, spec)
	if len(groups.Groups) != 4 {
		t.Errorf("got %d groups, want 4", len(groups.Groups))
	}
}
