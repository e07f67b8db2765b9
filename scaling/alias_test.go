package scaling

import (
	"reflect"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// memory (the same walk as in the baseline tests) records the mutable memory reachable from values: every map, every
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
		m := newMemory(t.Errorf)
		m.walk(reflect.ValueOf(h), "spec")
		m.walk(reflect.ValueOf(hpa), "hpa")
	}
}

func ptrQuantity(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}
