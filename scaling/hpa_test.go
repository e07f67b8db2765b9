package scaling

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func validHPA() HPA {
	return HPA{Name: "web-app-hpa", Namespace: "production", TargetName: "web-app", MaxReplicas: 10, CPUUtilization: 75, MemoryUtilization: 80}
}

func TestHPADefaults(t *testing.T) {
	h, err := validHPA().Build()
	if err != nil {
		t.Fatal(err)
	}
	if h.APIVersion != "autoscaling/v2" || h.Kind != "HorizontalPodAutoscaler" {
		t.Errorf("type meta = %s %s", h.APIVersion, h.Kind)
	}
	if *h.Spec.MinReplicas != 2 {
		t.Errorf("minReplicas = %d, want 2", *h.Spec.MinReplicas)
	}
	if got := h.Spec.ScaleTargetRef; got != (autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web-app"}) {
		t.Errorf("scaleTargetRef = %+v", got)
	}
	if len(h.Spec.Metrics) != 2 || *h.Spec.Metrics[0].Resource.Target.AverageUtilization != 75 || h.Spec.Metrics[1].Resource.Name != corev1.ResourceMemory {
		t.Errorf("metrics = %+v", h.Spec.Metrics)
	}
	if w := *h.Spec.Behavior.ScaleDown.StabilizationWindowSeconds; w != 300 {
		t.Errorf("scale-down window = %d, want 300", w)
	}
	if w := *h.Spec.Behavior.ScaleUp.StabilizationWindowSeconds; w != 0 {
		t.Errorf("scale-up window = %d, want 0", w)
	}
	// The defaults are fresh per call: mutating one result must not leak into the next.
	h.Spec.Behavior.ScaleUp.Policies[0].Value = 1
	h2, _ := validHPA().Build()
	if h2.Spec.Behavior.ScaleUp.Policies[0].Value != 100 {
		t.Error("default behavior shared between builds")
	}
}

func TestHPAWorkloadCrossCheck(t *testing.T) {
	spec := HPA{Name: "web-app-hpa", Namespace: "production", Workload: deployment("web-app", nil, rl("250m", "256Mi")), MaxReplicas: 10, CPUUtilization: 75, MemoryUtilization: 80}
	h, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	if h.Spec.ScaleTargetRef.Name != "web-app" || h.Spec.ScaleTargetRef.Kind != "Deployment" {
		t.Errorf("target not taken from the workload: %+v", h.Spec.ScaleTargetRef)
	}
}

func TestHPAInvalid(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*HPA)
		want []string
	}{
		{"empty", func(h *HPA) { *h = HPA{} }, []string{
			"FieldValueRequired name", "FieldValueRequired namespace", "FieldValueRequired targetName",
			"FieldValueRequired maxReplicas", "FieldValueRequired cpuUtilization"}},
		{"bad names", func(h *HPA) { h.Name, h.Namespace, h.TargetName = "Web_App", "prod.ns", "-x" }, []string{
			"FieldValueInvalid name", "FieldValueInvalid namespace", "FieldValueInvalid targetName"}},
		{"single replica", func(h *HPA) { h.MinReplicas = 1 }, []string{"FieldValueInvalid minReplicas"}},
		{"negative min", func(h *HPA) { h.MinReplicas = -3 }, []string{"FieldValueInvalid minReplicas"}},
		{"max below min", func(h *HPA) { h.MinReplicas, h.MaxReplicas = 5, 4 }, []string{"FieldValueInvalid maxReplicas"}},
		// MaxReplicas is checked against the minimum after its default:
		// with MinReplicas unset the minimum is DefaultMinReplicas (2).
		{"max below the default min", func(h *HPA) { h.MaxReplicas = 1 }, []string{"FieldValueInvalid maxReplicas"}},
		{"max equal to the default min", func(h *HPA) { h.MaxReplicas = 2 }, nil},
		{"max equal to min", func(h *HPA) { h.MinReplicas, h.MaxReplicas = 5, 5 }, nil},
		{"single replica allowed, max 1", func(h *HPA) { h.MinReplicas, h.MaxReplicas, h.AllowSingleReplica = 1, 1, true }, nil},
		{"single replica allowed, min left to its default", func(h *HPA) { h.MaxReplicas, h.AllowSingleReplica = 1, true }, []string{"FieldValueInvalid maxReplicas"}},
		{"negative max", func(h *HPA) { h.MaxReplicas = -1 }, []string{"FieldValueRequired maxReplicas"}},
		{"percentages", func(h *HPA) { h.CPUUtilization, h.MemoryUtilization = 150, -1 }, []string{
			"FieldValueInvalid cpuUtilization", "FieldValueInvalid memoryUtilization"}},
		{"target kind", func(h *HPA) { h.TargetKind = "DaemonSet" }, []string{"FieldValueNotSupported targetKind"}},
		{"labels", func(h *HPA) { h.Labels = map[string]string{"bad key!": "v"} }, []string{"FieldValueInvalid labels"}},
		{"windows and policies", func(h *HPA) {
			h.ScaleDown = &ScalingRules{StabilizationWindowSeconds: ptr(int32(3601)), SelectPolicy: "Sometimes",
				Policies: []autoscalingv2.HPAScalingPolicy{{Type: "Nodes", Value: 0, PeriodSeconds: 1801}}}
			h.ScaleUp = &ScalingRules{StabilizationWindowSeconds: ptr(int32(-1))}
		}, []string{
			"FieldValueInvalid scaleUp.stabilizationWindowSeconds",
			"FieldValueInvalid scaleDown.stabilizationWindowSeconds",
			"FieldValueNotSupported scaleDown.selectPolicy",
			"FieldValueNotSupported scaleDown.policies[0].type",
			"FieldValueInvalid scaleDown.policies[0].value",
			"FieldValueInvalid scaleDown.policies[0].periodSeconds"}},
		{"extra metrics", func(h *HPA) {
			h.Metrics = []autoscalingv2.MetricSpec{
				{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr(resource.MustParse("100"))}}},
				{Type: autoscalingv2.ExternalMetricSourceType},
				{Type: "Magic"},
				{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
					DescribedObject: autoscalingv2.CrossVersionObjectReference{Kind: "Ingress", Name: "main"},
					Metric:          autoscalingv2.MetricIdentifier{Name: "requests-per-second"},
					Target:          autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(50))}}},
			}
		}, []string{
			"FieldValueRequired metrics[0].pods.metric.name",
			"FieldValueInvalid metrics[1]",
			"FieldValueRequired metrics[1].external",
			"FieldValueInvalid metrics[2]",
			"FieldValueNotSupported metrics[2].type",
			"FieldValueNotSupported metrics[3].object.target.type"}},
		{"replicas set on the workload", func(h *HPA) {
			h.TargetName = ""
			h.Workload = deployment("web-app", ptr(int32(3)), rl("250m", "256Mi"))
		}, []string{"FieldValueForbidden workload.spec.replicas"}},
		{"missing requests", func(h *HPA) {
			h.TargetName = ""
			d := deployment("web-app", nil, rl("250m", "256Mi"), rl("", "64Mi"), rl("100m", ""))
			d.Spec.Template.Spec.InitContainers = []corev1.Container{
				{Name: "sidecar", RestartPolicy: ptr(corev1.ContainerRestartPolicyAlways)},
				{Name: "migrate"}, // runs to completion before the pod starts: not counted
			}
			h.Workload = d
		}, []string{
			"FieldValueRequired workload.spec.template.spec.initContainers[0].resources.requests[cpu]",
			"FieldValueRequired workload.spec.template.spec.containers[1].resources.requests[cpu]",
			"FieldValueRequired workload.spec.template.spec.initContainers[0].resources.requests[memory]",
			"FieldValueRequired workload.spec.template.spec.containers[2].resources.requests[memory]"}},
		{"workload elsewhere", func(h *HPA) {
			d := deployment("api", nil, rl("1", "1Gi"))
			d.Namespace = "staging"
			h.Workload = d
			h.TargetKind = KindStatefulSet
		}, []string{
			"FieldValueInvalid targetKind", "FieldValueInvalid targetName", "FieldValueInvalid workload.metadata.namespace"}},
		{"unsupported workload", func(h *HPA) { h.Workload = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}} }, []string{
			"FieldValueTypeInvalid workload"}},
		{"nil workload pointer", func(h *HPA) { h.Workload = (*appsv1.StatefulSet)(nil) }, []string{
			"FieldValueTypeInvalid workload"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := validHPA()
			tt.mod(&h)
			wantPaths(t, h.Validate(), tt.want...)
			obj, err := h.Build()
			if (obj != nil) == (err != nil) || (err == nil) != (len(tt.want) == 0) {
				t.Errorf("Build() = %v, %v; want an error: %v", obj, err, len(tt.want) > 0)
			}
			if obj != nil && obj.Spec.MaxReplicas < *obj.Spec.MinReplicas {
				t.Errorf("built maxReplicas %d below minReplicas %d", obj.Spec.MaxReplicas, *obj.Spec.MinReplicas)
			}
		})
	}
}

func TestHPAAllowSingleReplica(t *testing.T) {
	h := validHPA()
	h.MinReplicas, h.AllowSingleReplica = 1, true
	got, err := h.Build()
	if err != nil || *got.Spec.MinReplicas != 1 {
		t.Fatalf("Build() = %v, %v", got, err)
	}
}
