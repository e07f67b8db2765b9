package nodepool

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
)

var (
	gpuPool  = Pool{Name: "gpu", Purpose: PurposeGPU}
	gkeSpot  = Pool{Name: "batch", Purpose: PurposeSpot, Provider: ProviderGKE}
	eksSpot  = Pool{Name: "batch", Purpose: PurposeSpot, Provider: ProviderEKS}
	pciPool  = Pool{Name: "pci", Purpose: PurposeCompliance, Compliance: RegimePCIDSS}
	general  = Pool{Name: "general"}
	safeSpot = Placement{Replicas: 2, PodDisruptionBudget: true}
)

func TestPlaceRefuses(t *testing.T) {
	twoContainers := func(s *corev1.PodSpec) {
		s.Containers = append(s.Containers, corev1.Container{Name: "sidecar", Image: "registry.k8s.io/pause:3.10"})
	}
	tests := []struct {
		name   string
		pool   Pool
		how    Placement
		mutate func(*corev1.PodSpec)
		nilPod bool
		paths  []string
	}{
		{name: "nil spec", pool: general, nilPod: true, paths: []string{"spec"}},
		{name: "invalid pool and placement together", pool: Pool{Purpose: "x"}, how: Placement{Mode: "Somewhere", GPUs: -1, Replicas: -1},
			paths: []string{"pool.name", "pool.purpose", "placement.mode", "placement.gpus", "placement.replicas"}},
		{name: "gpu placement without gpus", pool: gpuPool, paths: []string{"placement.gpus"}},
		{name: "gpus on a general pool", pool: general, how: Placement{GPUs: 1, Container: "app"},
			paths: []string{"placement.gpus", "placement.container"}},
		{name: "gpu container ambiguous", pool: gpuPool, how: Placement{GPUs: 1}, mutate: twoContainers, paths: []string{"placement.container"}},
		{name: "gpu container unknown", pool: gpuPool, how: Placement{GPUs: 1, Container: "nope"}, paths: []string{"placement.container"}},
		{name: "gpu pod without containers", pool: gpuPool, how: Placement{GPUs: 1},
			mutate: func(s *corev1.PodSpec) { s.Containers = nil }, paths: []string{"spec.containers"}},
		{name: "gpu limit contradicts", pool: gpuPool, how: Placement{GPUs: 2}, mutate: func(s *corev1.PodSpec) {
			s.Containers[0].Resources.Limits["nvidia.com/gpu"] = resource.MustParse("1")
		}, paths: []string{"spec.containers[0].resources.limits[nvidia.com/gpu]"}},
		{name: "compliance preferred", pool: pciPool, how: Placement{Mode: ModePreferredAffinity}, paths: []string{"placement.mode"}},
		{name: "spot single replica without pdb", pool: gkeSpot, how: Placement{Replicas: 1},
			paths: []string{"placement.replicas", "placement.podDisruptionBudget"}},
		{name: "spot grace period over GKE's pod share of the notice", pool: gkeSpot, how: safeSpot,
			mutate: func(s *corev1.PodSpec) { s.TerminationGracePeriodSeconds = ptr.To[int64](16) },
			paths:  []string{"spec.terminationGracePeriodSeconds"}},
		{name: "default grace period on GKE spot", pool: gkeSpot, how: safeSpot,
			mutate: func(s *corev1.PodSpec) { s.TerminationGracePeriodSeconds = nil },
			paths:  []string{"spec.terminationGracePeriodSeconds"}},
		{name: "spot grace period over AKS notice", pool: Pool{Name: "s", Purpose: PurposeSpot, Provider: ProviderAKS}, how: safeSpot,
			mutate: func(s *corev1.PodSpec) { s.TerminationGracePeriodSeconds = ptr.To[int64](31) },
			paths:  []string{"spec.terminationGracePeriodSeconds"}},
		{name: "grace period not lifted by the opt-out", pool: eksSpot, how: Placement{AcceptSpotInterruption: true},
			mutate: func(s *corev1.PodSpec) { s.TerminationGracePeriodSeconds = ptr.To[int64](121) },
			paths:  []string{"spec.terminationGracePeriodSeconds"}},
		{name: "nodeName bypasses the scheduler", pool: general, mutate: func(s *corev1.PodSpec) { s.NodeName = "n1" },
			paths: []string{"spec.nodeName"}},
		{name: "blanket toleration", pool: general, mutate: func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
		}, paths: []string{"spec.tolerations[0]"}},
		{name: "tolerates another dedicated pool", pool: gpuPool, how: Placement{GPUs: 1}, mutate: func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{
				{Key: TaintDedicated, Operator: corev1.TolerationOpEqual, Value: "gpu", Effect: corev1.TaintEffectNoSchedule},
				{Key: TaintDedicated, Operator: corev1.TolerationOpExists},
			}
		}, paths: []string{"spec.tolerations[1]"}},
		{name: "nodeSelector contradicts", pool: general, mutate: func(s *corev1.PodSpec) {
			s.NodeSelector = map[string]string{LabelPool: "other"}
		}, paths: []string{"spec.nodeSelector[pool.prodkube.io/name]"}},
		{name: "own affinity keeps the pod off the pool", pool: general, mutate: func(s *corev1.PodSpec) {
			s.NodeSelector = map[string]string{"disktype": "ssd"}
		}, paths: []string{"spec"}},
		{name: "invalid own affinity", pool: general, how: Placement{Mode: ModeRequiredAffinity}, mutate: func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "x", Operator: "Near"}}}},
			}}}
		}, paths: []string{"spec"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var spec *corev1.PodSpec
			if !tt.nilPod {
				spec = basePod(t)
				if tt.mutate != nil {
					tt.mutate(spec)
				}
			}
			var before *corev1.PodSpec
			if spec != nil {
				before = spec.DeepCopy()
			}
			got, err := Place(spec, tt.pool, tt.how)
			if got != nil {
				t.Errorf("result returned with an error: %v", got)
			}
			assertPaths(t, err, tt.paths...)
			if spec != nil {
				if diff := cmp.Diff(before, spec); diff != "" {
					t.Errorf("Place modified its input:\n%s", diff)
				}
			}
		})
	}
}

func TestPlaceGPU(t *testing.T) {
	in := basePod(t)
	out, err := Place(in, gpuPool, Placement{GPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Containers[0].Resources
	two := resource.MustParse("2")
	if q := r.Limits["nvidia.com/gpu"]; q.Cmp(two) != 0 {
		t.Errorf("GPU limit = %s, want 2", q.String())
	}
	if q := r.Requests["nvidia.com/gpu"]; q.Cmp(two) != 0 {
		t.Errorf("GPU request = %s, want 2", q.String())
	}
	if _, ok := in.Containers[0].Resources.Limits["nvidia.com/gpu"]; ok {
		t.Error("input modified")
	}
	want := []corev1.Toleration{{Key: TaintDedicated, Operator: corev1.TolerationOpEqual, Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
	if diff := cmp.Diff(want, out.Tolerations); diff != "" {
		t.Errorf("tolerations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{LabelPool: "gpu"}, out.NodeSelector); diff != "" {
		t.Errorf("nodeSelector (-want +got):\n%s", diff)
	}

	// A named container in a multi-container pod, vendor resource, equal existing limit.
	amd := Pool{Name: "mi300", Purpose: PurposeGPU, GPUResource: "amd.com/gpu"}
	in = basePod(t)
	in.Containers = append(in.Containers, corev1.Container{Name: "trainer", Resources: corev1.ResourceRequirements{
		Limits: corev1.ResourceList{"amd.com/gpu": resource.MustParse("1")},
	}})
	out, err = Place(in, amd, Placement{GPUs: 1, Container: "trainer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.Containers[0].Resources.Limits["amd.com/gpu"]; ok {
		t.Error("GPU given to the wrong container")
	}
	if q := out.Containers[1].Resources.Requests["amd.com/gpu"]; q.Cmp(resource.MustParse("1")) != 0 {
		t.Errorf("trainer GPU request = %s", q.String())
	}
}

func TestPlaceSpot(t *testing.T) {
	out, err := Place(basePod(t), gkeSpot, safeSpot)
	if err != nil {
		t.Fatal(err)
	}
	wantSel := map[string]string{LabelPool: "batch", LabelGKESpot: "true"}
	if diff := cmp.Diff(wantSel, out.NodeSelector); diff != "" {
		t.Errorf("nodeSelector (-want +got):\n%s", diff)
	}
	wantTol := []corev1.Toleration{
		{Key: LabelGKESpot, Operator: corev1.TolerationOpEqual, Value: "true", Effect: corev1.TaintEffectNoSchedule},
		{Key: TaintDedicated, Operator: corev1.TolerationOpEqual, Value: "batch", Effect: corev1.TaintEffectNoSchedule},
	}
	if diff := cmp.Diff(wantTol, out.Tolerations); diff != "" {
		t.Errorf("tolerations (-want +got):\n%s", diff)
	}
	// The named opt-out allows a single replica without a PDB.
	if _, err := Place(basePod(t), gkeSpot, Placement{Replicas: 1, AcceptSpotInterruption: true}); err != nil {
		t.Errorf("opt-out refused: %v", err)
	}
	// AKS leaves the pod its whole 30 s notice, and the default grace period fits.
	in := basePod(t)
	in.TerminationGracePeriodSeconds = nil
	if _, err := Place(in, Pool{Name: "s", Purpose: PurposeSpot, Provider: ProviderAKS}, safeSpot); err != nil {
		t.Errorf("default grace on AKS refused: %v", err)
	}
	// AWS gives two minutes.
	in = basePod(t)
	in.TerminationGracePeriodSeconds = ptr.To[int64](120)
	if _, err := Place(in, eksSpot, safeSpot); err != nil {
		t.Errorf("120 s on EKS refused: %v", err)
	}
}

func TestPlaceAffinityMerging(t *testing.T) {
	in := basePod(t)
	in.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelArchStable, Operator: corev1.NodeSelectorOpIn, Values: []string{"amd64"}}}},
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelArchStable, Operator: corev1.NodeSelectorOpIn, Values: []string{"arm64"}}}},
		},
	}}}
	pool := Pool{Name: "cpu", Purpose: PurposeCPUIntensive, Provider: ProviderEKS, Labels: map[string]string{corev1.LabelArchStable: "arm64"}}
	out, err := Place(in, pool, Placement{Mode: ModeRequiredAffinity})
	if err != nil {
		t.Fatal(err)
	}
	terms := out.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	if len(terms) != 2 {
		t.Fatalf("terms = %d, want 2", len(terms))
	}
	for i, term := range terms {
		last := term.MatchExpressions[len(term.MatchExpressions)-1]
		if last.Key != LabelPool || last.Values[0] != "cpu" {
			t.Errorf("term %d lacks the pool requirement: %+v", i, term.MatchExpressions)
		}
	}
	// The pool's amd64 twin is excluded by the pool requirement in both terms.
	twin, _ := Pool{Name: "cpu2", Purpose: PurposeCPUIntensive, Provider: ProviderEKS, Labels: map[string]string{corev1.LabelArchStable: "amd64"}}.Build()
	if ok, _ := Schedulable(out, twin.Node()); ok {
		t.Error("merged affinity admits another pool")
	}

	// Preferred placements append a weighted term and keep the required ones.
	out, err = Place(in, pool, Placement{Mode: ModePreferredAffinity})
	if err != nil {
		t.Fatal(err)
	}
	pref := out.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution
	if len(pref) != 1 || pref[0].Weight != 100 {
		t.Errorf("preferred terms = %+v", pref)
	}
}

func TestPlaceIdempotentTolerations(t *testing.T) {
	once, err := Place(basePod(t), gpuPool, Placement{GPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Place(once, gpuPool, Placement{GPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(once, twice); diff != "" {
		t.Errorf("placing twice changed the spec:\n%s", diff)
	}
}

func TestSchedulableReasons(t *testing.T) {
	tmpl, err := gkeSpot.Build()
	if err != nil {
		t.Fatal(err)
	}
	node := tmpl.Node()
	node.Spec.Unschedulable = true
	ok, why := Schedulable(&corev1.PodSpec{NodeSelector: map[string]string{"x": "y"}}, node)
	want := []string{
		`node "batch-template" has taint cloud.google.com/gke-spot=true:NoSchedule that the pod does not tolerate`,
		`node "batch-template" has taint pool.prodkube.io/dedicated=batch:NoSchedule that the pod does not tolerate`,
		`node "batch-template" is unschedulable (cordoned)`,
		`node "batch-template" does not match the pod's nodeSelector or required node affinity`,
	}
	if ok {
		t.Fatal("schedulable")
	}
	if diff := cmp.Diff(want, why); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if ok, why := Schedulable(&corev1.PodSpec{NodeName: "other", Tolerations: tmpl.tolerations(), NodeSelector: map[string]string{LabelPool: "batch"}}, tmpl.Node()); ok ||
		len(why) != 1 || why[0] != `the pod is bound to node "other" by nodeName` {
		t.Errorf("nodeName: %v %v", ok, why)
	}
	if ok, _ := Schedulable(nil, node); ok {
		t.Error("nil spec schedulable")
	}
	if ok, _ := Schedulable(&corev1.PodSpec{}, nil); ok {
		t.Error("nil node schedulable")
	}
	// PreferNoSchedule taints do not filter, as in the scheduler.
	soft := &corev1.Node{Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "k", Value: "v", Effect: corev1.TaintEffectPreferNoSchedule}}}}
	if ok, why := Schedulable(&corev1.PodSpec{}, soft); !ok {
		t.Errorf("PreferNoSchedule filtered: %v", why)
	}
}
