package baseline

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/internal/fuzzfill"
)

// TestProbesEqualCoversEveryField fails when Probe gains a field that
// probesEqual does not compare yet.
func TestProbesEqualCoversEveryField(t *testing.T) {
	if n := reflect.TypeOf(Probe{}).NumField(); n != 9 {
		t.Fatalf("Probe has %d fields; compare the new ones in probesEqual and update this count", n)
	}
}

func TestProbesEqual(t *testing.T) {
	base := Probe{HTTPPath: "/healthz", Port: intstr.FromString("http"), PeriodSeconds: 10}
	for _, tc := range []struct {
		name   string
		change func(*Probe)
	}{
		{"same", func(*Probe) {}},
		{"path", func(p *Probe) { p.HTTPPath = "/livez" }},
		{"tcp", func(p *Probe) { p.TCP = true }},
		{"grpc", func(p *Probe) { p.GRPC = true }},
		{"exec", func(p *Probe) { p.Exec = []string{"true"} }},
		{"empty exec", func(p *Probe) { p.Exec = []string{} }},
		{"port number", func(p *Probe) { p.Port = intstr.FromInt32(8080) }},
		{"port type", func(p *Probe) { p.Port = intstr.IntOrString{Type: intstr.Int, StrVal: "http"} }},
		{"delay", func(p *Probe) { p.InitialDelaySeconds = 5 }},
		{"period", func(p *Probe) { p.PeriodSeconds = 20 }},
		{"timeout", func(p *Probe) { p.TimeoutSeconds = 2 }},
		{"failures", func(p *Probe) { p.FailureThreshold = 6 }},
	} {
		a, b := base, base
		tc.change(&b)
		if got, want := probesEqual(&a, &b), equality.Semantic.DeepEqual(&a, &b); got != want {
			t.Errorf("%s: probesEqual = %v, equality.Semantic.DeepEqual = %v", tc.name, got, want)
		}
	}
}

// FuzzProbesEqual holds probesEqual to equality.Semantic.DeepEqual, the
// comparison it replaces.
func FuzzProbesEqual(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03\x04", "/healthz http"} {
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, same bool) {
		var a, b Probe
		fz := fuzzfill.New(data)
		fz.Fill(&a)
		if same {
			// Start b equal to a, then change at most one field, so that
			// equal pairs are common.
			b = a
			b.Exec = append([]string(nil), a.Exec...)
			v := reflect.ValueOf(&b).Elem()
			var pick uint8
			fz.Fill(&pick)
			if i := int(pick) % (v.NumField() + 1); i < v.NumField() {
				fz.Fill(v.Field(i).Addr().Interface())
			}
		} else {
			fz.Fill(&b)
		}
		if got, want := probesEqual(&a, &b), equality.Semantic.DeepEqual(&a, &b); got != want {
			t.Fatalf("probesEqual(%+v, %+v) = %v, equality.Semantic.DeepEqual = %v", a, b, got, want)
		}
	})
}
