package logs

import (
	"strconv"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/internal/fuzzfill"
)

// fuzzShipper runs one input: each field is the valid default or the
// fuzzed value. It reports whether Build succeeded, after holding a result
// to the package's promise: resources set, the pod logs read-only, a
// persistent queue in the configuration, every object renders.
func fuzzShipper(t testing.TB, data []byte) bool {
	var in Shipper
	var mask, mask2 uint16
	fill := fuzzfill.New(data)
	fill.Fill(&in)
	fill.Fill(&mask)
	fill.Fill(&mask2)
	s := valid()
	for i, set := range []func(){
		func() { s.Name = in.Name }, func() { s.Namespace = in.Namespace }, func() { s.Instance = in.Instance },
		func() { s.Image = in.Image }, func() { s.PodSecurityLevel = in.PodSecurityLevel },
		func() { s.Exporter.Protocol = in.Exporter.Protocol }, func() { s.Exporter.Endpoint = in.Exporter.Endpoint },
		func() { s.Exporter.Insecure = in.Exporter.Insecure }, func() { s.Exporter.CASecret = in.Exporter.CASecret },
		func() { s.Exporter.Authorization = in.Exporter.Authorization }, func() { s.Buffer = in.Buffer },
		func() { s.Resources = in.Resources }, func() { s.PriorityClassName = in.PriorityClassName }, func() { s.Labels = in.Labels },
	} {
		if mask&mask2&(1<<i) != 0 {
			set()
		}
	}
	res, err := s.Build()
	if (res == nil) == (err == nil) {
		t.Fatalf("Build() = %v, %v", res, err)
	}
	if err != nil {
		return false
	}
	if errs := baseline.CheckResources(&res.DaemonSet.Spec.Template.Spec); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, m := range res.DaemonSet.Spec.Template.Spec.Containers[0].VolumeMounts {
		if m.MountPath == PodLogs && !m.ReadOnly {
			t.Fatal("pod logs mounted writable")
		}
	}
	var cfg struct {
		Exporters map[string]struct {
			SendingQueue struct {
				Enabled bool   `json:"enabled"`
				Storage string `json:"storage"`
			} `json:"sending_queue"`
		} `json:"exporters"`
	}
	if err := yaml.Unmarshal(res.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Exporters) != 1 {
		t.Fatalf("exporters %v", cfg.Exporters)
	}
	for _, e := range cfg.Exporters {
		if !e.SendingQueue.Enabled || e.SendingQueue.Storage == "" {
			t.Fatalf("exporter without a persistent queue: %+v", e)
		}
	}
	for _, o := range res.Objects() {
		if _, err := prodkube.MarshalYAML(o); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

func FuzzShipper(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("log-shipper"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzShipper(t, data) })
}

func TestFuzzShipperReachesBoth(t *testing.T) {
	built := 0
	for i := range 500 {
		if fuzzShipper(t, []byte(strconv.Itoa(i*7919))) {
			built++
		}
	}
	t.Logf("built %d of 500", built)
	if built < 15 || built > 485 {
		t.Fatalf("built %d of 500: the filler no longer reaches both outcomes", built)
	}
}
