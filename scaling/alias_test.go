package scaling

import (
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodkube/prodkube/internal/sharecheck"
)

// TestHPASharesNothing requires a built HPA to share no map, pointer target
// or backing array within itself or with its spec, with the defaults and
// with every override.
func TestHPASharesNothing(t *testing.T) {
	window := int32(60)
	for _, h := range []HPA{
		{Name: "web", Namespace: "shop", TargetName: "web", MaxReplicas: 10, CPUUtilization: 70, MemoryUtilization: 80, Labels: map[string]string{"team": "shop"}},
		{Name: "web", Namespace: "shop", TargetName: "web", MaxReplicas: 10, CPUUtilization: 70,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "rps"},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptrQuantity("100")},
			}}},
			ScaleUp:   &ScalingRules{StabilizationWindowSeconds: &window, SelectPolicy: autoscalingv2.MinChangePolicySelect},
			ScaleDown: &ScalingRules{Policies: []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 1, PeriodSeconds: 60}}},
		},
	} {
		hpa, err := h.Build()
		if err != nil {
			t.Fatal(err)
		}
		m := sharecheck.New(t.Errorf)
		m.Walk(h, "spec")
		m.Walk(hpa, "hpa")
	}
}

func ptrQuantity(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}
