package baseline

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/security"
)

// memory records the mutable memory reachable from values: every map, every
// pointer's target and every slice's backing array (up to its capacity).
// Two records of the same memory mean that a change made through one value
// shows through another.
type memory struct {
	errorf func(format string, args ...any)
	maps   map[uintptr]string
	ptrs   map[uintptr]string
	spans  []span
}

type span struct {
	start, end uintptr
	where      string
}

func newMemory(errorf func(format string, args ...any)) *memory {
	return &memory{errorf: errorf, maps: map[uintptr]string{}, ptrs: map[uintptr]string{}}
}

// walk records the memory reachable from v, reporting any piece reached a
// second time.
func (m *memory) walk(v reflect.Value, where string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Elem().Size() > 0 {
			if prev, ok := m.ptrs[v.Pointer()]; ok {
				m.errorf("%s and %s point to the same %s", prev, where, v.Type().Elem())
				return
			}
			m.ptrs[v.Pointer()] = where
		}
		m.walk(v.Elem(), where)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		if prev, ok := m.maps[v.Pointer()]; ok {
			m.errorf("%s and %s are the same map", prev, where)
			return
		}
		m.maps[v.Pointer()] = where
		for it := v.MapRange(); it.Next(); {
			m.walk(it.Value(), where+"[]")
		}
	case reflect.Slice:
		if v.Cap() > 0 && v.Type().Elem().Size() > 0 {
			s := span{v.Pointer(), v.Pointer() + uintptr(v.Cap())*v.Type().Elem().Size(), where}
			for _, o := range m.spans {
				if s.start < o.end && o.start < s.end {
					m.errorf("%s and %s share a backing array", o.where, where)
				}
			}
			m.spans = append(m.spans, s)
		}
		for i := 0; i < v.Len(); i++ {
			m.walk(v.Index(i), where+"[]")
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				m.walk(v.Field(i), where+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Interface:
		if !v.IsNil() {
			m.walk(v.Elem(), where)
		}
	}
}

// TestBuiltObjectsShareNothing requires the objects of one Build to share
// no map, pointer target or backing array with each other or with the
// spec, so that changing one object never changes another.
func TestBuiltObjectsShareNothing(t *testing.T) {
	uid := int64(20000)
	w := Workload{
		Name: "web", Namespace: "shop", Image: "registry.example.com/web:1.0",
		Command: []string{"/web"}, Args: []string{"--port=8080"},
		Ports: []Port{{Name: "http", Port: 8080}, {Name: "metrics", Port: 9090}},
		Env:   []EnvVar{{Name: "MODE", Value: "prod"}, {Name: "TOKEN", SecretName: "web", SecretKey: "token"}},
		Resources: Resources{
			Requests: Compute{CPU: "250m", Memory: "256Mi", EphemeralStorage: "100Mi"},
			Limits:   Compute{CPU: "1", Memory: "256Mi", EphemeralStorage: "1Gi"},
		},
		ReadinessProbe: &Probe{HTTPPath: "/readyz"},
		LivenessProbe:  &Probe{Exec: []string{"/web", "check"}},
		Service:        &Service{},
		Security:       security.Restricted{RunAsUser: &uid, AddNetBindService: true},
		WritablePaths:  []string{"/tmp", "/var/cache"},
		Labels:         map[string]string{"team": "shop"},
	}
	d, err := Deployment{Workload: w}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m := newMemory(t.Errorf)
	m.walk(reflect.ValueOf(w), "spec")
	m.walk(reflect.ValueOf(d), "deployment objects")

	w.Autoscaled = false
	w.ReadinessProbe = &Probe{TCP: true, Port: intstr.FromString("http")}
	s, err := StatefulSet{Workload: w, Volumes: []VolumeClaim{{Name: "data", MountPath: "/data", Size: "10Gi"}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m = newMemory(t.Errorf)
	m.walk(reflect.ValueOf(w), "spec")
	m.walk(reflect.ValueOf(s), "statefulset objects")

	// The defaults: one writable path, one port.
	small := Workload{Name: "api", Namespace: "shop", Image: "registry.example.com/api:1.0",
		Ports:          []Port{{Name: "http", Port: 8080}},
		Resources:      w.Resources,
		ReadinessProbe: &Probe{HTTPPath: "/readyz"},
	}
	d, err = Deployment{Workload: small}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m = newMemory(t.Errorf)
	m.walk(reflect.ValueOf(small), "spec")
	m.walk(reflect.ValueOf(d), "small deployment objects")

	pods := int64(10)
	q, err := Quota{Namespace: "shop", Requests: Compute{CPU: "4"}, Pods: &pods, Labels: map[string]string{"team": "shop"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m = newMemory(t.Errorf)
	m.walk(reflect.ValueOf(q), "quota")
}

// TestMemoryFindsSharing shows that the walk reports what it looks for.
func TestMemoryFindsSharing(t *testing.T) {
	labels := map[string]string{"a": "b"}
	backing := make([]string, 2)
	one := int32(1)
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"map", []map[string]string{labels, labels}},
		{"slice", [][]string{backing[:1], backing[1:]}},
		{"pointer", []*int32{&one, &one}},
	} {
		found := false
		m := newMemory(func(string, ...any) { found = true })
		m.walk(reflect.ValueOf(tc.v), tc.name)
		if !found {
			t.Errorf("%s: sharing not found", tc.name)
		}
	}
	// Sub-slices capped at their own end share no memory an append could
	// overwrite.
	newMemory(t.Errorf).walk(reflect.ValueOf([][]string{backing[:1:1], backing[1:]}), "capped")
}
