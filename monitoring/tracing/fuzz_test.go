package tracing

import (
	"strconv"
	"testing"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/internal/fuzzfill"
	"github.com/prodkube/prodkube/security"
)

// fuzzJaeger runs one input (each field the valid default or the fuzzed
// value) and reports whether Build succeeded, after holding a result to
// the package's promise: restricted pods, resources, objects that render,
// and a configuration with the storage exporter.
func fuzzJaeger(t testing.TB, data []byte) bool {
	var in Jaeger
	var mask, mask2 uint16
	fill := fuzzfill.New(data)
	fill.Fill(&in)
	fill.Fill(&mask)
	fill.Fill(&mask2)
	j := Jaeger{Storage: Storage{Elasticsearch: es()}}
	for i, set := range []func(){
		func() { j.Name = in.Name }, func() { j.Namespace = in.Namespace }, func() { j.Instance = in.Instance },
		func() { j.Image = in.Image }, func() { j.Storage = in.Storage }, func() { j.Replicas = in.Replicas },
		func() { j.Resources = in.Resources }, func() { j.PriorityClassName = in.PriorityClassName }, func() { j.Labels = in.Labels },
	} {
		if mask&mask2&(1<<i) != 0 {
			set()
		}
	}
	res, err := j.Build()
	if (res == nil) == (err == nil) {
		t.Fatalf("Build() = %v, %v", res, err)
	}
	if err != nil {
		return false
	}
	tmpl := &res.Deployment.Spec.Template
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		t.Fatal(errs)
	}
	if errs := baseline.CheckResources(&tmpl.Spec); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, o := range res.Objects() {
		if _, err := prodkube.MarshalYAML(o); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

func FuzzJaeger(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("jaeger"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJaeger(t, data) })
}

func TestFuzzJaegerReachesBoth(t *testing.T) {
	built := 0
	for i := range 500 {
		if fuzzJaeger(t, []byte(strconv.Itoa(i*7919))) {
			built++
		}
	}
	t.Logf("built %d of 500", built)
	if built < 15 || built > 485 {
		t.Fatalf("built %d of 500: the filler no longer reaches both outcomes", built)
	}
}
