package monitoring

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
)

// literalObjects is the default Prometheus bundle written by hand as struct
// literals: the floor the builder is measured against. The configuration
// text and its hash are data here (computed once, outside the timer).
func literalObjects(config, rules, hash string) []prodkube.Object {
	labels := func() map[string]string {
		return map[string]string{"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "prometheus", "app.kubernetes.io/component": "monitoring"}
	}
	sel := func() map[string]string {
		return map[string]string{"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "prometheus"}
	}
	f, t := false, true
	uid, grace, exp := int64(65534), int64(120), int64(3600)
	replicas := int32(2)
	maxUnavailable := intstr.FromInt32(1)
	rw := []string{"get", "list", "watch"}
	ctx := &corev1.SecurityContext{
		RunAsNonRoot: &t, AllowPrivilegeEscalation: &f, Privileged: &f, ReadOnlyRootFilesystem: &t,
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	return []prodkube.Object{
		&corev1.ServiceAccount{
			TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
			ObjectMeta:                   metav1.ObjectMeta{Name: "prometheus", Namespace: "monitoring", Labels: labels()},
			AutomountServiceAccountToken: &f,
		},
		&rbacv1.ClusterRole{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
			ObjectMeta: metav1.ObjectMeta{Name: "monitoring-prometheus", Labels: labels()},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"endpoints", "nodes", "pods", "services"}, Verbs: rw},
				{APIGroups: []string{""}, Resources: []string{"nodes/metrics"}, Verbs: []string{"get"}},
				{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: rw},
				{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: rw},
				{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
			},
		},
		&rbacv1.ClusterRoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: "monitoring-prometheus", Labels: labels()},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "monitoring-prometheus"},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "prometheus", Namespace: "monitoring"}},
		},
		&corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: "prometheus-config", Namespace: "monitoring", Labels: labels()},
			Data:       map[string]string{"prometheus.yml": config, "rules.yaml": rules},
		},
		&corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: "monitoring", Labels: labels()},
			Spec: corev1.ServiceSpec{
				ClusterIP: "None", Selector: sel(),
				Ports: []corev1.ServicePort{{Name: "web", Port: 9090, TargetPort: intstr.FromString("web"), Protocol: corev1.ProtocolTCP}},
			},
		},
		&appsv1.StatefulSet{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
			ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: "monitoring", Labels: labels()},
			Spec: appsv1.StatefulSetSpec{
				Replicas:            &replicas,
				Selector:            &metav1.LabelSelector{MatchLabels: sel()},
				ServiceName:         "prometheus",
				PodManagementPolicy: appsv1.ParallelPodManagement,
				UpdateStrategy:      appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels(), Annotations: map[string]string{"prodkube.io/config-sha256": hash}},
					Spec: corev1.PodSpec{
						ServiceAccountName:            "prometheus",
						AutomountServiceAccountToken:  &f,
						TerminationGracePeriodSeconds: &grace,
						SecurityContext: &corev1.PodSecurityContext{
							RunAsNonRoot: &t, RunAsUser: &uid, RunAsGroup: &uid, FSGroup: &uid,
							SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
						TopologySpreadConstraints: []corev1.TopologySpreadConstraint{
							{MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: sel()}},
							{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: &metav1.LabelSelector{MatchLabels: sel()}},
						},
						Containers: []corev1.Container{{
							Name:  "prometheus",
							Image: "quay.io/prometheus/prometheus:v3.16.0",
							Args:  []string{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.listen-address=:9090"},
							Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}},
							ReadinessProbe: &corev1.Probe{
								ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/-/ready", Port: intstr.FromString("web")}},
								PeriodSeconds: 5, TimeoutSeconds: 3, FailureThreshold: 3,
							},
							LivenessProbe: &corev1.Probe{
								ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/-/healthy", Port: intstr.FromString("web")}},
								PeriodSeconds: 15, TimeoutSeconds: 3, FailureThreshold: 4,
							},
							Resources: corev1.ResourceRequirements{
								Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("2Gi")},
								Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")},
							},
							VolumeMounts: []corev1.VolumeMount{
								{Name: "config", MountPath: "/etc/prometheus", ReadOnly: true},
								{Name: "data", MountPath: "/prometheus"},
								{Name: "serviceaccount", MountPath: "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnly: true},
							},
							TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
							SecurityContext:          ctx,
						}},
						Volumes: []corev1.Volume{
							{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "prometheus-config"}}}},
							{Name: "serviceaccount", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
								{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: &exp}},
								{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}, Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
								{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: "namespace", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}}}},
							}}}},
						},
					},
				},
				VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
					ObjectMeta: metav1.ObjectMeta{Name: "data", Labels: sel()},
					Spec: corev1.PersistentVolumeClaimSpec{
						AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
						Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("50Gi")}},
					},
				}},
			},
		},
		&policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Name: "prometheus", Namespace: "monitoring", Labels: labels()},
			Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &maxUnavailable, Selector: &metav1.LabelSelector{MatchLabels: sel()}},
		},
	}
}

func defaultLiteral(tb testing.TB) []prodkube.Object {
	b, err := (&Prometheus{}).Build()
	if err != nil {
		tb.Fatal(err)
	}
	return literalObjects(b.ConfigMap.Data[ConfigKey], b.ConfigMap.Data[RulesKey], b.StatefulSet.Spec.Template.Annotations[configHashKey])
}

// TestLiteralMatchesBuild keeps the benchmark baseline honest: the
// hand-written literals are the very objects Build returns.
func TestLiteralMatchesBuild(t *testing.T) {
	b, err := (&Prometheus{}).Build()
	if err != nil {
		t.Fatal(err)
	}
	lit := defaultLiteral(t)
	objs := b.Objects()
	if len(lit) != len(objs) {
		t.Fatalf("%d literal objects, %d built", len(lit), len(objs))
	}
	for i := range objs {
		if !equality.Semantic.DeepEqual(lit[i], objs[i]) {
			a, _ := yaml.Marshal(lit[i])
			c, _ := yaml.Marshal(objs[i])
			t.Errorf("object %d differs:\nliteral:\n%s\nbuilt:\n%s", i, a, c)
		}
	}
}

// BenchmarkPrometheus compares building and rendering the bundle with
// encoding the same hand-written objects through encoding/json (the cost of
// visiting the data once) and sigs.k8s.io/yaml (the usual Go way).
func BenchmarkPrometheus(b *testing.B) {
	b.Run("Build", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := (&Prometheus{}).Build(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Build+WriteYAML", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for i := 0; i < b.N; i++ {
			bu, err := (&Prometheus{}).Build()
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			if err := prodkube.WriteYAML(&buf, bu.Objects()...); err != nil {
				b.Fatal(err)
			}
		}
	})
	lit := defaultLiteral(b)
	b.Run("literal+encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			enc := json.NewEncoder(io.Discard)
			for _, o := range lit {
				if err := enc.Encode(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("literal+sigs.k8s.io/yaml", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, o := range lit {
				if _, err := yaml.Marshal(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkAlerts compares building and rendering the rule file with
// rendering the same, already built RuleFile (the rendering floor).
func BenchmarkAlerts(b *testing.B) {
	b.Run("Build+Files", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			f, err := (&Alerts{}).Build()
			if err != nil {
				b.Fatal(err)
			}
			if len(f.Files()) != 1 {
				b.Fatal("no rule file")
			}
		}
	})
	f, err := (&Alerts{}).Build()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("prebuilt+sigs.k8s.io/yaml", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := yaml.Marshal(f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
