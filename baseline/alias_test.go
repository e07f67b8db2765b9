package baseline

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/internal/sharecheck"
	"github.com/prodkube/prodkube/security"
)

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
	m := sharecheck.New(t.Errorf)
	m.Walk(w, "spec")
	m.Walk(d, "deployment objects")

	w.Autoscaled = false
	w.ReadinessProbe = &Probe{TCP: true, Port: intstr.FromString("http")}
	s, err := StatefulSet{Workload: w, Volumes: []VolumeClaim{{Name: "data", MountPath: "/data", Size: "10Gi"}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m = sharecheck.New(t.Errorf)
	m.Walk(w, "spec")
	m.Walk(s, "statefulset objects")

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
	m = sharecheck.New(t.Errorf)
	m.Walk(small, "spec")
	m.Walk(d, "small deployment objects")

	pods := int64(10)
	q, err := Quota{Namespace: "shop", Requests: Compute{CPU: "4"}, Pods: &pods, Labels: map[string]string{"team": "shop"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m = sharecheck.New(t.Errorf)
	m.Walk(q, "quota")
}
