package scaling

import (
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/prodkube/prodkube"
)

func cpuHPA(t *testing.T, target string) *autoscalingv2.HorizontalPodAutoscaler {
	t.Helper()
	h, err := HPA{Name: target + "-hpa", Namespace: "production", TargetName: target, MaxReplicas: 5, CPUUtilization: 70}.Build()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestVPAOffByDefault(t *testing.T) {
	v, err := VPA{Name: "batch-processor-vpa", Namespace: "production", TargetName: "batch-processor", HPAs: []*autoscalingv2.HorizontalPodAutoscaler{cpuHPA(t, "batch-processor")}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	y, err := prodkube.MarshalYAML(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: batch-processor-vpa
  namespace: production
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: batch-processor
  updatePolicy:
    updateMode: "Off"
`
	if string(y) != want {
		t.Errorf("YAML:\n%s\nwant:\n%s", y, want)
	}
}

func TestVPAConflictsWithHPA(t *testing.T) {
	hpas := []*autoscalingv2.HorizontalPodAutoscaler{cpuHPA(t, "other"), cpuHPA(t, "api")}
	base := VPA{Name: "api-vpa", Namespace: "production", TargetName: "api", HPAs: hpas}

	for _, mode := range []UpdateMode{UpdateModeInitial, UpdateModeRecreate, UpdateModeInPlaceOrRecreate} {
		v := base
		v.Mode = mode
		wantPaths(t, v.Validate(), "FieldValueForbidden hpas[1].spec.metrics[0]")
	}
	// Leaving cpu to the HPA and letting the VPA size memory only is fine.
	v := base
	v.Mode = UpdateModeRecreate
	v.Containers = []VPAContainer{{Name: "*", ControlledResources: []corev1.ResourceName{corev1.ResourceMemory}}}
	wantPaths(t, v.Validate())
	// So is switching the VPA off for every container.
	v.Containers = []VPAContainer{{Name: "*", Off: true}}
	wantPaths(t, v.Validate())
	// But a named container policy that controls cpu still conflicts.
	v.Containers = []VPAContainer{{Name: "*", Off: true}, {Name: "app"}}
	wantPaths(t, v.Validate(), "FieldValueForbidden hpas[1].spec.metrics[0]")
	// An HPA in another namespace does not count.
	other := cpuHPA(t, "api")
	other.Namespace = "staging"
	v = base
	v.Mode, v.HPAs = UpdateModeRecreate, []*autoscalingv2.HorizontalPodAutoscaler{other, nil}
	wantPaths(t, v.Validate())
}

func TestVPAInvalid(t *testing.T) {
	tests := []struct {
		name string
		v    VPA
		want []string
	}{
		{"empty", VPA{}, []string{"FieldValueRequired name", "FieldValueRequired namespace", "FieldValueRequired targetName"}},
		{"auto mode", VPA{Name: "a", Namespace: "n", TargetName: "t", Mode: "Auto"}, []string{"FieldValueInvalid mode"}},
		{"unknown mode and kind", VPA{Name: "a", Namespace: "n", TargetName: "t", Mode: "Sometimes", TargetKind: "Pod"}, []string{
			"FieldValueNotSupported targetKind", "FieldValueNotSupported mode"}},
		{"min replicas", VPA{Name: "a", Namespace: "n", TargetName: "t", MinReplicas: 2}, []string{"FieldValueForbidden minReplicas"}},
		{"containers", VPA{Name: "a", Namespace: "n", TargetName: "t", Mode: UpdateModeInitial, Containers: []VPAContainer{
			{Name: "app", MinAllowed: rl("2", "1Gi"), MaxAllowed: rl("1", "2Gi")},
			{Name: "app"},
			{Name: "Bad_Name", ControlledResources: []corev1.ResourceName{"gpu"}},
			{Name: "", MaxAllowed: corev1.ResourceList{"ephemeral-storage": rl("", "1Gi")[corev1.ResourceMemory]}},
		}}, []string{
			"FieldValueInvalid containers[0].minAllowed[cpu]",
			"FieldValueDuplicate containers[1].name",
			"FieldValueInvalid containers[2].name",
			"FieldValueNotSupported containers[2].controlledResources[0]",
			"FieldValueRequired containers[3].name",
			"FieldValueNotSupported containers[3].maxAllowed[ephemeral-storage]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, tt.v.Validate(), tt.want...)
			if obj, err := tt.v.Build(); obj != nil || err == nil {
				t.Errorf("Build() = %v, %v; want nil and an error", obj, err)
			}
		})
	}
}

func TestVPAContainerPolicies(t *testing.T) {
	v, err := VPA{Name: "a", Namespace: "production", TargetName: "db", TargetKind: KindStatefulSet, Mode: UpdateModeInitial, MinReplicas: 2,
		Containers: []VPAContainer{{Name: "postgres", MinAllowed: rl("250m", "512Mi"), MaxAllowed: rl("4", "8Gi"), RequestsOnly: true}, {Name: "*", Off: true}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	p := v.Spec.ResourcePolicy.ContainerPolicies
	if len(p) != 2 || *p[0].ControlledValues != ContainerControlledValuesRequestsOnly || *p[1].Mode != ContainerScalingModeOff || p[0].Mode != nil {
		t.Errorf("policies = %+v", p)
	}
	if *v.Spec.UpdatePolicy.MinReplicas != 2 || v.Spec.TargetRef.Kind != "StatefulSet" {
		t.Errorf("spec = %+v", v.Spec)
	}
}
