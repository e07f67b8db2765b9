package scaling

import (
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
)

// handCA is validCA's bundle written out by hand as struct literals: the floor a
// builder is measured against.
func handCA() []prodkube.Object {
	labels := func() map[string]string {
		return map[string]string{
			"app.kubernetes.io/name": "cluster-autoscaler", "app.kubernetes.io/component": "autoscaler",
			"app.kubernetes.io/part-of": "prodkube", "app.kubernetes.io/managed-by": "prodkube", "app.kubernetes.io/version": "v1.36.1",
		}
	}
	sel := func() *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "cluster-autoscaler"}}
	}
	f, tr, uid, replicas, one := false, true, int64(65534), int32(2), intstr.FromInt32(1)
	read := []string{"watch", "list", "get"}
	res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("600Mi")}
	subj := []rbacv1.Subject{{Kind: "ServiceAccount", Name: "cluster-autoscaler", Namespace: "kube-system"}}
	return []prodkube.Object{
		&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Namespace: "kube-system", Labels: labels()}, AutomountServiceAccountToken: &f},
		&rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Labels: labels()},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
				{APIGroups: []string{""}, Resources: []string{"pods/eviction"}, Verbs: []string{"create"}},
				{APIGroups: []string{""}, Resources: []string{"pods/status"}, Verbs: []string{"update"}},
				{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"watch", "list", "get", "update"}},
				{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims", "persistentvolumes"}, Verbs: read},
				{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: []string{"watch", "list"}},
				{APIGroups: []string{"apps"}, Resources: []string{"statefulsets", "replicasets", "daemonsets"}, Verbs: read},
				{APIGroups: []string{"storage.k8s.io"}, Resources: []string{"storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"}, Verbs: read},
				{APIGroups: []string{"resource.k8s.io"}, Resources: []string{"resourceclaims", "resourceslices", "deviceclasses"}, Verbs: read},
				{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: []string{"get", "list", "watch", "patch"}},
			}},
		&rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Labels: labels()},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-autoscaler"}, Subjects: subj},
		&rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Namespace: "kube-system", Labels: labels()},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"create"}},
				{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"cluster-autoscaler-status"}, Verbs: []string{"delete", "get", "update"}},
				{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"create"}},
				{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, ResourceNames: []string{"cluster-autoscaler"}, Verbs: []string{"get", "update"}},
			}},
		&rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Namespace: "kube-system", Labels: labels()},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "cluster-autoscaler"}, Subjects: subj},
		&appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Namespace: "kube-system", Labels: labels()},
			Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: sel(), Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels(), Annotations: map[string]string{"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"}},
				Spec: corev1.PodSpec{
					ServiceAccountName: "cluster-autoscaler", AutomountServiceAccountToken: &tr, PriorityClassName: "system-cluster-critical",
					SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &tr, RunAsUser: &uid, RunAsGroup: &uid, FSGroup: &uid,
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: sel()}},
					Containers: []corev1.Container{{
						Name: "cluster-autoscaler", Image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1", ImagePullPolicy: corev1.PullIfNotPresent,
						Command: []string{"./cluster-autoscaler"},
						Args: []string{"--cloud-provider=aws", "--namespace=kube-system", "--nodes=3:10:production-general", "--nodes=1:5:production-memory",
							"--expander=least-waste", "--balance-similar-node-groups=true", "--skip-nodes-with-local-storage=false",
							"--scale-down-delay-after-add=10m0s", "--scale-down-unneeded-time=10m0s", "--scale-down-utilization-threshold=0.5"},
						Ports: []corev1.ContainerPort{{Name: "metrics", ContainerPort: 8085, Protocol: corev1.ProtocolTCP}},
						LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health-check", Port: intstr.FromInt32(8085), Scheme: corev1.URISchemeHTTP}},
							InitialDelaySeconds: 30, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 6},
						Resources: corev1.ResourceRequirements{Requests: res.DeepCopy(), Limits: res.DeepCopy()},
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &f, ReadOnlyRootFilesystem: &tr, RunAsNonRoot: &tr, RunAsUser: &uid, RunAsGroup: &uid,
							Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
					}},
				}}}},
		&policyv1.PodDisruptionBudget{TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Namespace: "kube-system", Labels: labels()},
			Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &one, Selector: sel()}},
	}
}

// The hand-written baseline must be the same objects, or the comparison means nothing.
func TestHandCAMatchesBuild(t *testing.T) {
	b, err := validCA().Build()
	if err != nil {
		t.Fatal(err)
	}
	got, want := b.Objects(), handCA()
	if len(got) != len(want) {
		t.Fatalf("%d objects, want %d", len(got), len(want))
	}
	for i := range got {
		if !apiequality.Semantic.DeepEqual(got[i], want[i]) {
			gy, _ := yaml.Marshal(got[i])
			wy, _ := yaml.Marshal(want[i])
			t.Errorf("object %d differs:\ngot:\n%s\nwant:\n%s", i, gy, wy)
		}
	}
}

func BenchmarkClusterAutoscaler(b *testing.B) {
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bundle, err := validCA().Build()
			if err != nil {
				b.Fatal(err)
			}
			if err := prodkube.WriteYAML(io.Discard, bundle.Objects()...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range handCA() {
				if _, err := json.Marshal(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("hand-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range handCA() {
				if _, err := yaml.Marshal(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func handHPA() *autoscalingv2.HorizontalPodAutoscaler {
	minR, cpu, mem, zero, window := int32(2), int32(75), int32(80), int32(0), int32(300)
	maxSel := autoscalingv2.MaxChangePolicySelect
	maxSel2 := autoscalingv2.MaxChangePolicySelect
	return &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: metav1.ObjectMeta{Name: "web-app-hpa", Namespace: "production", Labels: map[string]string{}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web-app"},
			MinReplicas:    &minR, MaxReplicas: 10,
			Metrics: []autoscalingv2.MetricSpec{
				{Type: "Resource", Resource: &autoscalingv2.ResourceMetricSource{Name: "cpu", Target: autoscalingv2.MetricTarget{Type: "Utilization", AverageUtilization: &cpu}}},
				{Type: "Resource", Resource: &autoscalingv2.ResourceMetricSource{Name: "memory", Target: autoscalingv2.MetricTarget{Type: "Utilization", AverageUtilization: &mem}}},
			},
			Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
				ScaleUp: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: &zero, SelectPolicy: &maxSel, Policies: []autoscalingv2.HPAScalingPolicy{
					{Type: "Percent", Value: 100, PeriodSeconds: 15}, {Type: "Pods", Value: 4, PeriodSeconds: 15}}},
				ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: &window, SelectPolicy: &maxSel2, Policies: []autoscalingv2.HPAScalingPolicy{
					{Type: "Percent", Value: 100, PeriodSeconds: 15}}},
			},
		},
	}
}

func TestHandHPAMatchesBuild(t *testing.T) {
	h, err := validHPA().Build()
	if err != nil {
		t.Fatal(err)
	}
	if !apiequality.Semantic.DeepEqual(h, handHPA()) {
		t.Error("hand-written HPA differs from the built one")
	}
}

func BenchmarkHPA(b *testing.B) {
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h, err := validHPA().Build()
			if err != nil {
				b.Fatal(err)
			}
			if err := prodkube.WriteYAML(io.Discard, h); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(handHPA()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := yaml.Marshal(handHPA()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// million is a deterministic trace of 1,000,000 samples, 30 s apart (about 11.6 days).
func million() []Sample {
	rng := rand.New(rand.NewPCG(7, 11))
	s := make([]Sample, 1_000_000)
	for i := range s {
		s[i] = Sample{Time: t0.Add(time.Duration(i) * 30 * time.Second), CPU: 0.2 + 0.3*rng.Float64(), Memory: int64(400<<20) + rng.Int64N(200<<20)}
	}
	return s
}

// naivePercentiles is the obvious hand-written approach: copy, sort, index; O(n log n)
// and no decay. It is the baseline the histogram recommender is measured against.
func naivePercentiles(s []Sample) (cpu, mem float64) {
	c := make([]float64, len(s))
	m := make([]float64, len(s))
	for i := range s {
		c[i], m[i] = s[i].CPU, float64(s[i].Memory)
	}
	sort.Float64s(c)
	sort.Float64s(m)
	return c[int(0.9*float64(len(c)-1))] * 1.15, m[len(m)-1] * 1.15
}

func BenchmarkRecommend1M(b *testing.B) {
	s := million()
	u := ContainerUsage{Workload: "w", Container: "c", Samples: s}
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := (Recommender{}).Recommend(u); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s)), "ns/sample")
	})
	b.Run("naive-sort", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cpu, _ := naivePercentiles(s)
			if math.IsNaN(cpu) {
				b.Fatal("NaN")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s)), "ns/sample")
	})
}

// The recommender is linear: ten times the samples take about ten times as long, not
// more. Measured with testing.Benchmark so it runs only when benchmarks are not skipped
// by -short.
func TestRecommendLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	all := million()
	per := func(n int) float64 {
		u := ContainerUsage{Container: "c", Samples: all[:n]}
		r := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				if _, err := (Recommender{}).Recommend(u); err != nil {
					b.Fatal(err)
				}
			}
		})
		return float64(r.NsPerOp()) / float64(n)
	}
	small, large := per(100_000), per(1_000_000)
	if large > 3*small {
		t.Errorf("per-sample cost grew from %.1f ns to %.1f ns with 10x the samples", small, large)
	}
}

func benchVPA() VPA {
	return VPA{Name: "api-vpa", Namespace: "production", TargetName: "api", Mode: UpdateModeInitial,
		Containers: []VPAContainer{{Name: "app", MinAllowed: rl("100m", "128Mi"), MaxAllowed: rl("4", "8Gi")}, {Name: "*", Off: true}}}
}

func handVPA() *VerticalPodAutoscaler {
	mode, off := UpdateModeInitial, ContainerScalingModeOff
	return &VerticalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling.k8s.io/v1", Kind: "VerticalPodAutoscaler"},
		ObjectMeta: metav1.ObjectMeta{Name: "api-vpa", Namespace: "production", Labels: map[string]string{}},
		Spec: VerticalPodAutoscalerSpec{
			TargetRef:    &autoscalingv1.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "api"},
			UpdatePolicy: &PodUpdatePolicy{UpdateMode: &mode},
			ResourcePolicy: &PodResourcePolicy{ContainerPolicies: []ContainerResourcePolicy{
				{ContainerName: "app", MinAllowed: rl("100m", "128Mi"), MaxAllowed: rl("4", "8Gi")},
				{ContainerName: "*", Mode: &off},
			}},
		},
	}
}

func TestHandVPAMatchesBuild(t *testing.T) {
	v, err := benchVPA().Build()
	if err != nil {
		t.Fatal(err)
	}
	if !apiequality.Semantic.DeepEqual(v, handVPA()) {
		t.Errorf("hand-written VPA differs:\n%+v\n%+v", v.Spec, handVPA().Spec)
	}
}

func BenchmarkVPA(b *testing.B) {
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, err := benchVPA().Build()
			if err != nil {
				b.Fatal(err)
			}
			if err := prodkube.WriteYAML(io.Discard, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(handVPA()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := yaml.Marshal(handVPA()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReport renders the right-sizing report for three containers with two weeks
// of five-minute samples each.
func BenchmarkReport(b *testing.B) {
	var usages []ContainerUsage
	for i, name := range []string{"web", "api", "worker"} {
		usages = append(usages, ContainerUsage{Workload: name, Container: "app", Replicas: int32(i + 1),
			Current: corev1.ResourceRequirements{Requests: rl("500m", "512Mi")},
			Samples: trace(14*288, func(j int) (float64, int64) { return 0.1 + float64((i+j)%10)/50, int64(200+j%50) << 20 })})
	}
	p := &Prices{CoreHour: 0.03, GiBHour: 0.004, Currency: "USD"}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Recommender{}.Report(usages, p)
		if err != nil {
			b.Fatal(err)
		}
		_ = rep.markdown()
	}
}
