package grafana

import (
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/internal/fuzzfill"
	"github.com/prodkube/prodkube/security"
)

// exprWords are PromQL fragments the filler draws query strings from.
var exprWords = []string{"up", `sum(rate(x[5m]))`, `sum(rate(x[5m])`, `x{a="b"}`, `x{a="b`, "", " ", ")", "# c", `'`, "`raw`"}

// FuzzGrafana holds Build to the package's promise: no panic, a result or
// an error (never both), and a result whose pod template passes Pod
// Security "restricted" and the resource policy, whose objects render, and
// whose every query passes CheckExpr.
func FuzzGrafana(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("grafana"))
	f.Add([]byte{0xff, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzGrafana(t, data) })
}

// fuzzGrafana runs one input and reports whether Build succeeded.
func fuzzGrafana(t testing.TB, data []byte) bool {
	{
		var g Grafana
		fill := fuzzfill.New(data).Funcs(func(q *Query, c randfill.Continue) {
			q.Expr = exprWords[c.Intn(len(exprWords))]
			c.Fill(&q.Legend)
		})
		// Each field is either the fuzzed value or the valid default, so
		// that both outcomes of Build are reached often.
		var in Grafana
		var mask, mask2 uint16
		fill.Fill(&in)
		fill.Fill(&mask)
		fill.Fill(&mask2)
		g.AdminPassword = SecretKey{Name: "grafana-admin"}
		for i, set := range []func(){
			func() { g.Name = in.Name },
			func() { g.Namespace = in.Namespace },
			func() { g.Instance = in.Instance },
			func() { g.Image = in.Image },
			func() { g.PrometheusURL = in.PrometheusURL },
			func() { g.AdminUser = in.AdminUser },
			func() { g.AdminPassword = in.AdminPassword },
			func() { g.Database = in.Database },
			func() { g.Replicas = in.Replicas },
			func() { g.Resources = in.Resources },
			func() { g.PriorityClassName = in.PriorityClassName },
			func() { g.Clients = in.Clients },
			func() { g.Application = in.Application },
			func() { g.Dashboards = in.Dashboards },
			func() { g.Folder = in.Folder },
			func() { g.Labels = in.Labels },
		} {
			if mask&mask2&(1<<i) != 0 {
				set()
			}
		}
		res, err := g.Build()
		if (res == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want exactly one", res, err)
		}
		if err != nil {
			return false
		}
		tmpl := &res.Deployment.Spec.Template
		if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
			t.Fatalf("not restricted: %v", errs)
		}
		if errs := baseline.CheckResources(&tmpl.Spec); len(errs) > 0 {
			t.Fatalf("resources: %v", errs)
		}
		for _, o := range res.Objects() {
			if _, err := prodkube.MarshalYAML(o); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := yaml.Marshal(res.Dashboards); err != nil {
			t.Fatal(err)
		}
		all := append(BuiltinDashboards(g.Application), g.Dashboards...)
		if errs := validateDashboards(all, map[string]bool{}, field.NewPath("all")); len(errs) > 0 {
			t.Fatalf("built dashboards do not validate: %v", errs)
		}
		return true
	}
}

// TestFuzzGrafanaReachesBoth makes sure the fuzz target's inputs reach both
// outcomes of Build, so that its checks of a result are not dead code.
func TestFuzzGrafanaReachesBoth(t *testing.T) {
	built, refused := 0, 0
	for i := range 500 {
		if fuzzGrafana(t, []byte(strconv.Itoa(i*7919))) {
			built++
		} else {
			refused++
		}
	}
	t.Logf("built %d, refused %d", built, refused)
	if built < 15 || refused < 15 {
		t.Fatalf("built %d, refused %d of 500 inputs: the filler no longer reaches both outcomes", built, refused)
	}
}

// FuzzCheckExpr: CheckExpr never panics and is deterministic. (That it
// accepts whatever Prometheus' parser accepts is fuzzed in dashcheck.)
func FuzzCheckExpr(f *testing.F) {
	for _, w := range exprWords {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		a, b := CheckExpr(expr), CheckExpr(expr)
		if (a == nil) != (b == nil) {
			t.Fatalf("CheckExpr(%q) not deterministic", expr)
		}
	})
}
