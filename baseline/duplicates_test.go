package baseline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestDuplicatePortsAndEnv pins the duplicate checks of ports and
// environment variables: the paths, the values reported, and the probe's
// lookup of a port by name.
func TestDuplicatePortsAndEnv(t *testing.T) {
	w := Workload{
		Name: "web", Namespace: "shop", Image: "registry.example.com/web:1.0",
		Ports: []Port{
			{Name: "http", Port: 8080},
			{Name: "alt", Port: 8080, Protocol: corev1.ProtocolTCP},  // same port and protocol
			{Name: "http", Port: 8080, Protocol: corev1.ProtocolUDP}, // same name
			{Name: "", Port: 9090},
			{Name: "", Port: 9091}, // two unnamed ports are no duplicate names
		},
		Env: []EnvVar{{Name: "A"}, {Name: "B"}, {Name: "A"}},
		Resources: Resources{
			Requests: Compute{CPU: "250m", Memory: "256Mi", EphemeralStorage: "100Mi"},
			Limits:   Compute{CPU: "1", Memory: "256Mi", EphemeralStorage: "1Gi"},
		},
		ReadinessProbe: &Probe{HTTPPath: "/readyz", Port: intstr.FromString("alt")},
		LivenessProbe:  &Probe{HTTPPath: "/livez", Port: intstr.FromString("")},
	}
	var got []string
	for _, e := range (Deployment{Workload: w}).Validate() {
		got = append(got, string(e.Type)+" "+e.Field+" "+e.Detail)
		if e.Field == "ports[1].port" && e.BadValue != "8080/TCP" {
			t.Errorf("ports[1].port reported %v, want 8080/TCP", e.BadValue)
		}
	}
	want := []string{
		"FieldValueDuplicate ports[1].port ",
		"FieldValueDuplicate ports[2].name ",
		"FieldValueRequired ports[3].name probes and Services refer to ports by name",
		"FieldValueRequired ports[4].name probes and Services refer to ports by name",
		"FieldValueDuplicate env[2].name ",
		"FieldValueNotFound livenessProbe.port ",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
}
