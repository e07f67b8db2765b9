package nodepool

import (
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// The benchmarks compare the library with the hand-written floor in the same run: the same
// placed pod spec written as a struct literal and rendered through sigs.k8s.io/yaml.

func benchPod() *corev1.PodSpec {
	grace := int64(15)
	return &corev1.PodSpec{
		TerminationGracePeriodSeconds: &grace,
		Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.k8s.io/pause:3.10",
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
			},
		}},
	}
}

// BenchmarkPlace places a pod on a GKE spot pool and renders the spec.
func BenchmarkPlace(b *testing.B) {
	in := benchPod()
	b.ReportAllocs()
	for b.Loop() {
		out, err := Place(in, gkeSpot, safeSpot)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := yaml.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlaceHandWritten is the floor: the same placed spec as a literal, rendered.
func BenchmarkPlaceHandWritten(b *testing.B) {
	in := benchPod()
	b.ReportAllocs()
	for b.Loop() {
		out := in.DeepCopy()
		out.NodeSelector = map[string]string{LabelPool: "batch", LabelGKESpot: "true"}
		out.Tolerations = []corev1.Toleration{
			{Key: LabelGKESpot, Operator: corev1.TolerationOpEqual, Value: "true", Effect: corev1.TaintEffectNoSchedule},
			{Key: TaintDedicated, Operator: corev1.TolerationOpEqual, Value: "batch", Effect: corev1.TaintEffectNoSchedule},
		}
		if _, err := yaml.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlaceHandWrittenJSON is the lowest floor: the literal through encoding/json, the
// cost of visiting the data once.
func BenchmarkPlaceHandWrittenJSON(b *testing.B) {
	in := benchPod()
	b.ReportAllocs()
	for b.Loop() {
		out := in.DeepCopy()
		out.NodeSelector = map[string]string{LabelPool: "batch", LabelGKESpot: "true"}
		out.Tolerations = []corev1.Toleration{
			{Key: LabelGKESpot, Operator: corev1.TolerationOpEqual, Value: "true", Effect: corev1.TaintEffectNoSchedule},
			{Key: TaintDedicated, Operator: corev1.TolerationOpEqual, Value: "batch", Effect: corev1.TaintEffectNoSchedule},
		}
		if _, err := json.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlaceOnly is Place without rendering, the cost the library adds.
func BenchmarkPlaceOnly(b *testing.B) {
	in := benchPod()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Place(in, gkeSpot, safeSpot); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild builds a pool template.
func BenchmarkBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gkeSpot.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSchedulable judges a placed pod against the whole test fleet (52 node templates) with the
// scheduler's code.
func BenchmarkSchedulable(b *testing.B) {
	pools := fleet(b)
	placed, err := Place(benchPod(), gkeSpot, safeSpot)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pools {
			Schedulable(placed, p.node)
		}
	}
}

// BenchmarkSchedulableHandWritten is a naive hand-written matcher (exact nodeSelector and
// Equal tolerations only) over the same fleet: the floor for the scheduler's code.
func BenchmarkSchedulableHandWritten(b *testing.B) {
	pools := fleet(b)
	placed, err := Place(benchPod(), gkeSpot, safeSpot)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pools {
			naiveFits(placed, p.node)
		}
	}
}

func naiveFits(spec *corev1.PodSpec, node *corev1.Node) bool {
	for k, v := range spec.NodeSelector {
		if node.Labels[k] != v {
			return false
		}
	}
taints:
	for _, t := range node.Spec.Taints {
		for _, tol := range spec.Tolerations {
			if tol.Key == t.Key && tol.Value == t.Value && (tol.Effect == "" || tol.Effect == t.Effect) {
				continue taints
			}
		}
		return false
	}
	return true
}
