package promcheck

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/monitoring"
)

// filler draws values from pools that mix valid and invalid ones, so that
// both verdicts of Validate are reached.
func filler(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.4).NumElements(0, 3).MaxDepth(6).Funcs(
		func(a *monitoring.Alerts, c randfill.Continue) { sparse(a, c) },
		func(o *monitoring.AlertOptions, c randfill.Continue) { sparse(o, c) },
		func(r *monitoring.RatioAlert, c randfill.Continue) { sparse(r, c) },
		func(r *monitoring.RestartAlert, c randfill.Continue) { sparse(r, c) },
		func(h *monitoring.HTTPErrorAlert, c randfill.Continue) { sparse(h, c) },
		func(d *monitoring.Duration, c randfill.Continue) {
			pool := []time.Duration{0, 0, time.Millisecond, 5 * time.Second, 10 * time.Second, time.Minute, 2 * time.Hour, -time.Second}
			*d = monitoring.Duration(pool[c.Intn(len(pool))])
		},
		func(d *time.Duration, c randfill.Continue) {
			pool := []time.Duration{0, 0, 0, time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, -time.Second}
			*d = pool[c.Intn(len(pool))]
		},
		func(s *string, c randfill.Continue) {
			pool := []string{"", "", "a", "b", "__address__", "__meta_kubernetes_pod_name", "(.+)", "(", "$1", "${1}_x", "a-$1",
				"/metrics", "/var/run/t", "relative", "https", "http", "Bearer", "Basic", "kube-system", "Bad_NS", "x.y",
				"keep", "drop", "replace", "hashmod", "labelmap", "labeldrop", "keepequal", "lowercase", "bogus",
				"pod", "node", "endpointslice", "ingress", "deployment", "http_requests_total", "status", "critical", "page",
				"https://runbooks.example.com", "ftp://x", "\xff"}
			if c.Intn(8) == 0 {
				*s = c.String(10)
				return
			}
			*s = pool[c.Intn(len(pool))]
		},
		func(f *float64, c randfill.Continue) {
			pool := []float64{0, 0, 0.01, 0.05, 0.5, 0.9, 0.999, 1, -1, math.NaN()}
			*f = pool[c.Intn(len(pool))]
		},
		func(u *uint64, c randfill.Continue) { *u = uint64(c.Intn(3)) },
	)
}

// sparse fills each exported field with probability 1/3, leaving the rest
// at their default-meaning zero values.
func sparse(ptr any, c randfill.Continue) {
	v := reflect.ValueOf(ptr).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).IsExported() && c.Intn(3) == 0 {
			c.Fill(v.Field(i).Addr().Interface())
		}
	}
}

// FuzzConfigNeverMoreLenient: a configuration the package's Validate
// accepts is one Prometheus' own loader accepts.
func FuzzConfigNeverMoreLenient(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte("prometheus"))
	f.Add(make([]byte, 200))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c monitoring.Config
		filler(data).Fill(&c)
		if len(c.Validate()) > 0 {
			return
		}
		files := c.Files()
		if len(files) != 1 {
			t.Fatalf("Validate passed, Files = %v", files)
		}
		out := files[0].Content
		if _, err := config.Load(string(out), logger); err != nil {
			t.Fatalf("Validate passed, Prometheus refused: %v\n%s", err, out)
		}
	})
}

// FuzzAlertsParse: a rule file Alerts builds is one Prometheus' rule
// loader accepts, with every expression parsed.
func FuzzAlertsParse(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte("alerts"))
	f.Add(make([]byte, 100))
	p := parser.NewParser(parser.Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var a monitoring.Alerts
		filler(data).Fill(&a)
		rf, err := a.Build()
		if err != nil {
			return
		}
		files := rf.Files()
		if len(files) != 1 {
			t.Fatalf("Files() = %v", files)
		}
		out := files[0].Content
		groups, errs := rulefmt.Parse(out, false, model.UTF8Validation, p, logger)
		if len(errs) > 0 {
			t.Fatalf("Prometheus refused the rule file: %v\n%s", errs, out)
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				if _, err := p.ParseExpr(r.Expr); err != nil {
					t.Fatalf("%s: %v", r.Alert, err)
				}
			}
		}
		var back monitoring.RuleFile
		if err := yaml.UnmarshalStrict(out, &back); err != nil || len(back.Groups) != len(rf.Groups) {
			t.Fatalf("rule file does not read back: %v", err)
		}
	})
}

// TestFillerReachesBoth: the fuzz inputs reach both verdicts.
func TestFillerReachesBoth(t *testing.T) {
	accepted, refused, built := 0, 0, 0
	for i := 0; i < 400; i++ {
		data := []byte{byte(i), byte(i >> 8), byte(i * 7), byte(i * 13), byte(i * 29), 5, 9}
		var c monitoring.Config
		filler(data).Fill(&c)
		if len(c.Validate()) == 0 {
			accepted++
		} else {
			refused++
		}
		var a monitoring.Alerts
		filler(data).Fill(&a)
		if _, err := a.Build(); err == nil {
			built++
		}
	}
	t.Logf("configs: %d accepted, %d refused; alerts: %d built of 400", accepted, refused, built)
	if accepted < 10 || refused < 10 || built < 10 {
		t.Errorf("filler too one-sided: %d accepted, %d refused, %d alert files built", accepted, refused, built)
	}
}
