package promcheck

import (
	"testing"
	"time"

	"github.com/prometheus/prometheus/config"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/monitoring"
)

// TestValidateAgreesWithPrometheus compares the monitoring package's
// verdict on a typed configuration with Prometheus' loader. Where the
// package is deliberately stricter than Prometheus, the case says so; it is
// never more lenient: nothing it accepts is refused by Prometheus.
func TestValidateAgreesWithPrometheus(t *testing.T) {
	job := func(mut func(*monitoring.ScrapeConfig)) *monitoring.Config {
		sc := monitoring.ScrapeConfig{
			JobName:             "j",
			KubernetesSDConfigs: []monitoring.KubernetesSDConfig{{Role: monitoring.RolePod}},
		}
		mut(&sc)
		return &monitoring.Config{
			Global:        monitoring.GlobalConfig{ScrapeInterval: monitoring.Duration(time.Minute), ScrapeTimeout: monitoring.Duration(10 * time.Second)},
			ScrapeConfigs: []monitoring.ScrapeConfig{sc},
		}
	}
	relabel := func(r monitoring.RelabelConfig) *monitoring.Config {
		return job(func(sc *monitoring.ScrapeConfig) { sc.RelabelConfigs = []monitoring.RelabelConfig{r} })
	}
	for _, tc := range []struct {
		name string
		cfg  *monitoring.Config
		// stricter marks a configuration Prometheus accepts and the package
		// refuses on purpose.
		stricter bool
	}{
		{name: "plain", cfg: job(func(*monitoring.ScrapeConfig) {})},
		{name: "timeout above interval", cfg: job(func(sc *monitoring.ScrapeConfig) {
			sc.ScrapeInterval, sc.ScrapeTimeout = monitoring.Duration(5*time.Second), monitoring.Duration(6*time.Second)
		})},
		// Prometheus loads any scheme and fails at scrape time.
		{name: "global timeout alone above the default interval", cfg: func() *monitoring.Config {
			c := job(func(*monitoring.ScrapeConfig) {})
			c.Global = monitoring.GlobalConfig{ScrapeTimeout: monitoring.Duration(2 * time.Hour)}
			return c
		}()},
		{name: "job interval below the global timeout", cfg: job(func(sc *monitoring.ScrapeConfig) {
			sc.ScrapeInterval = monitoring.Duration(5 * time.Second)
		})},
		{name: "bad scheme", cfg: job(func(sc *monitoring.ScrapeConfig) { sc.Scheme = "ftp" }), stricter: true},
		{name: "bad role", cfg: job(func(sc *monitoring.ScrapeConfig) { sc.KubernetesSDConfigs[0].Role = "deployment" })},
		{name: "no role", cfg: job(func(sc *monitoring.ScrapeConfig) { sc.KubernetesSDConfigs[0].Role = "" })},
		{name: "both token forms", cfg: job(func(sc *monitoring.ScrapeConfig) {
			sc.BearerTokenFile = "/t"
			sc.Authorization = &monitoring.Authorization{CredentialsFile: "/t"}
		})},
		{name: "basic in authorization", cfg: job(func(sc *monitoring.ScrapeConfig) {
			sc.Authorization = &monitoring.Authorization{Type: "Basic", CredentialsFile: "/t"}
		})},
		{name: "bearer token file", cfg: job(func(sc *monitoring.ScrapeConfig) { sc.BearerTokenFile = "/t" })},
		{name: "cert without key", cfg: job(func(sc *monitoring.ScrapeConfig) { sc.TLSConfig = &monitoring.TLSConfig{CertFile: "/c"} })},
		{name: "replace", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, TargetLabel: "b"})},
		{name: "replace without target", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}})},
		{name: "replace to templated target", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, Regex: "(.*)", TargetLabel: "x_${1}"})},
		{name: "bad regex", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, Regex: "(", TargetLabel: "b"})},
		{name: "unknown action", cfg: relabel(monitoring.RelabelConfig{Action: "explode"})},
		{name: "hashmod", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, Modulus: 3, TargetLabel: "h", Action: monitoring.ActionHashMod})},
		{name: "hashmod without modulus", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, TargetLabel: "h", Action: monitoring.ActionHashMod})},
		{name: "labelmap", cfg: relabel(monitoring.RelabelConfig{Regex: "__meta_(.+)", Action: monitoring.ActionLabelMap})},
		// Likewise for the label names labelmap writes.
		{name: "labelmap bad replacement", cfg: relabel(monitoring.RelabelConfig{Regex: "__meta_(.+)", Replacement: "a-$1", Action: monitoring.ActionLabelMap}), stricter: true},
		{name: "labeldrop", cfg: relabel(monitoring.RelabelConfig{Regex: "tmp_.*", Action: monitoring.ActionLabelDrop})},
		{name: "labeldrop with target", cfg: relabel(monitoring.RelabelConfig{Regex: "tmp_.*", TargetLabel: "x", Action: monitoring.ActionLabelDrop})},
		{name: "lowercase", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, TargetLabel: "b", Action: monitoring.ActionLowercase})},
		{name: "lowercase with replacement", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, TargetLabel: "b", Replacement: "x", Action: monitoring.ActionLowercase})},
		{name: "keepequal", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, TargetLabel: "b", Action: monitoring.ActionKeepEqual})},
		{name: "keepequal with regex", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a"}, TargetLabel: "b", Regex: "x", Action: monitoring.ActionKeepEqual})},
		// A keep without source labels matches the empty string: a mistake.
		{name: "keep without source labels", cfg: relabel(monitoring.RelabelConfig{Regex: "x", Action: monitoring.ActionKeep}), stricter: true},
		// The package keeps to classic label names, which every Prometheus
		// release and every PromQL query accept without quoting.
		{name: "classic-invalid label name", cfg: relabel(monitoring.RelabelConfig{SourceLabels: []string{"a.b"}, Action: monitoring.ActionDrop}), stricter: true},
		{name: "duplicate job", cfg: func() *monitoring.Config {
			c := job(func(*monitoring.ScrapeConfig) {})
			c.ScrapeConfigs = append(c.ScrapeConfigs, c.ScrapeConfigs[0])
			return c
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ours := len(tc.cfg.Validate()) == 0
			// Bypass the package's own check: render the struct as is.
			data, err := yaml.Marshal(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, perr := config.Load(string(data), logger)
			theirs := perr == nil
			switch {
			case ours && !theirs:
				t.Errorf("the package accepts what Prometheus refuses (%v):\n%s", perr, data)
			case !ours && theirs && !tc.stricter:
				t.Errorf("the package refuses what Prometheus accepts: %v\n%s", tc.cfg.Validate().ToAggregate(), data)
			case ours == theirs && tc.stricter:
				t.Errorf("case marked stricter, but both %s", map[bool]string{true: "accept", false: "refuse"}[ours])
			}
		})
	}
}
