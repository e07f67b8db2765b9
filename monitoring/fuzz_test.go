package monitoring

import (
	"math"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
)

// filler fills specs from fuzz input, drawing most values from small pools
// of valid and invalid ones, so that both Build's results and its errors
// are reached often.
func filler(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.3).NumElements(0, 3).MaxDepth(6).Funcs(
		func(p *Prometheus, c randfill.Continue) { sparse(p, c) },
		func(s *Scrape, c randfill.Continue) { sparse(s, c) },
		func(a *Alerts, c randfill.Continue) { sparse(a, c) },
		func(o *AlertOptions, c randfill.Continue) { sparse(o, c) },
		func(r *RatioAlert, c randfill.Continue) { sparse(r, c) },
		func(r *RestartAlert, c randfill.Continue) { sparse(r, c) },
		func(h *HTTPErrorAlert, c randfill.Continue) { sparse(h, c) },
		func(k *KubeStateMetrics, c randfill.Continue) { sparse(k, c) },
		func(s *Storage, c randfill.Continue) { sparse(s, c) },
		func(d *time.Duration, c randfill.Continue) {
			pool := []time.Duration{0, 0, time.Millisecond, 5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute,
				5 * time.Minute, 2 * time.Hour, 15 * 24 * time.Hour, -time.Second, time.Microsecond}
			if c.Intn(8) == 0 {
				*d = time.Duration(c.Int63())
				return
			}
			*d = pool[c.Intn(len(pool))]
		},
		func(d *Duration, c randfill.Continue) {
			var td time.Duration
			c.Fill(&td)
			*d = Duration(td)
		},
		func(s *string, c randfill.Continue) {
			pool := []string{"", "", "", "a", "prod", "kube-system", "job_name", "__meta_kubernetes_pod_name", "(.+)", "(", "$1",
				"/metrics", "/var/run/x", "https", "http", "Bad Name", "x.y", "Bearer", "\xff", "keep", "drop", "replace",
				"hashmod", "labelmap", "pod", "node", "endpointslice", "kubernetes-pods", "critical", "warning",
				"https://runbooks.example.com", "quay.io/prometheus/prometheus:v3.16.0", "img:latest"}
			if c.Intn(6) == 0 {
				*s = c.String(12)
				return
			}
			*s = pool[c.Intn(len(pool))]
		},
		func(f *float64, c randfill.Continue) {
			pool := []float64{0, 0, 0.05, 0.5, 0.9, 1, -0.1, math.NaN(), math.Inf(1)}
			*f = pool[c.Intn(len(pool))]
		},
		func(q *resource.Quantity, c randfill.Continue) {
			pool := []string{"0", "1Gi", "100Mi", "-1", "500m", "4Gi"}
			*q = resource.MustParse(pool[c.Intn(len(pool))])
		},
		func(r *corev1.ResourceRequirements, c randfill.Continue) {
			if c.Bool() {
				*r = corev1.ResourceRequirements{}
				return
			}
			r.Requests, r.Limits = corev1.ResourceList{}, corev1.ResourceList{}
			for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, "example.com/gpu"} {
				var q resource.Quantity
				if c.Bool() {
					c.Fill(&q)
					r.Requests[name] = q
				}
				if c.Bool() {
					c.Fill(&q)
					r.Limits[name] = q
				}
			}
		},
	)
}

// sparse fills each exported field of the struct ptr points to with
// probability 1/4 and leaves the rest at their (default-meaning) zero value,
// so that a filled spec is often entirely valid.
func sparse(ptr any, c randfill.Continue) {
	v := reflect.ValueOf(ptr).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() || c.Intn(4) != 0 {
			continue
		}
		c.Fill(v.Field(i).Addr().Interface())
	}
}

// FuzzPrometheus: any spec gives a result or an error, never both, never a
// panic; a result's pod passes restricted, its configuration and rules pass
// their own validation, and every object survives a YAML round trip.
func FuzzPrometheus(f *testing.F) {
	for _, seed := range [][]byte{nil, []byte("prodkube"), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"), make([]byte, 64)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var spec Prometheus
		filler(data).Fill(&spec)
		b, err := spec.Build()
		if (b == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want exactly one", b, err)
		}
		if err != nil {
			if len(spec.Validate()) == 0 {
				t.Fatalf("Build failed (%v) but Validate passed", err)
			}
			return
		}
		tpl := b.StatefulSet.Spec.Template
		if errs := security.CheckPodSpec(security.LevelRestricted, &tpl.ObjectMeta, &tpl.Spec); len(errs) > 0 {
			t.Fatalf("pod fails restricted: %v", errs.ToAggregate())
		}
		if errs := b.Config.Validate(); len(errs) > 0 {
			t.Fatalf("built config invalid: %v", errs.ToAggregate())
		}
		if errs := b.Rules.Validate(); len(errs) > 0 {
			t.Fatalf("built rules invalid: %v", errs.ToAggregate())
		}
		var cfg Config
		if err := yaml.UnmarshalStrict([]byte(b.ConfigMap.Data[ConfigKey]), &cfg); err != nil || !equality.Semantic.DeepEqual(&cfg, b.Config) {
			t.Fatalf("prometheus.yml round trip: %v", err)
		}
		for _, o := range b.Objects() {
			if _, err := prodkube.MarshalYAML(o); err != nil {
				t.Fatalf("render %s: %v", o.GetName(), err)
			}
		}
		data2, err := yaml.Marshal(b.StatefulSet)
		if err != nil {
			t.Fatal(err)
		}
		var sts appsv1.StatefulSet
		if err := yaml.UnmarshalStrict(data2, &sts); err != nil || !equality.Semantic.DeepEqual(&sts, b.StatefulSet) {
			t.Fatalf("StatefulSet round trip: %v", err)
		}
	})
}

// FuzzConfig: Validate never panics on any typed configuration, and one it
// accepts renders and reads back equal.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte("scrape"))
	f.Add(make([]byte, 128))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Config
		filler(data).Fill(&c)
		errs := c.Validate()
		files := c.Files()
		if (len(errs) == 0) != (len(files) == 1) {
			t.Fatalf("Validate = %v but Files = %v", errs, files)
		}
		if len(files) == 0 {
			return
		}
		out := files[0].Content
		var back Config
		if err := yaml.UnmarshalStrict(out, &back); err != nil {
			t.Fatalf("read back: %v\n%s", err, out)
		}
		again := back.Files()
		if len(again) != 1 || string(again[0].Content) != string(out) {
			t.Fatalf("round trip differs: %v\n%s", again, out)
		}
	})
}

// FuzzAlerts: any alert spec gives a rule file or an error; a rule file
// passes its own validation and wraps into a PrometheusRule.
func FuzzAlerts(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte("alerts"))
	f.Add(make([]byte, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Alerts
		filler(data).Fill(&a)
		rf, err := a.Build()
		if (rf == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v", rf, err)
		}
		if err != nil {
			return
		}
		if errs := rf.Validate(); len(errs) > 0 {
			t.Fatalf("built rules invalid: %v", errs.ToAggregate())
		}
		files := rf.Files()
		if len(files) != 1 || files[0].Path != RulesFile {
			t.Fatalf("Files() = %v", files)
		}
		out := files[0].Content
		var back RuleFile
		if err := yaml.UnmarshalStrict(out, &back); err != nil || !equality.Semantic.DeepEqual(&back, rf) {
			t.Fatalf("rules round trip: %v", err)
		}
		if _, err := rf.PrometheusRule("alerts", "monitoring", nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFillerReachesBoth checks the fuzz filler is useful: over a spread of
// inputs, Build both succeeds and fails, so the invariants on results are
// exercised and not only the error path.
func TestFillerReachesBoth(t *testing.T) {
	ok, failed := 0, 0
	for i := 0; i < 300; i++ {
		data := []byte{byte(i), byte(i >> 8), byte(i * 7), byte(i * 13), byte(i * 31), 1, 2, 3}
		var spec Prometheus
		filler(data).Fill(&spec)
		if _, err := spec.Build(); err != nil {
			failed++
		} else {
			ok++
		}
	}
	t.Logf("%d built, %d refused", ok, failed)
	if ok < 10 || failed < 10 {
		t.Errorf("filler reaches %d results and %d errors out of 300; want at least 10 of each", ok, failed)
	}
}
