package baseline

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
)

// The baselines below are the same objects written by hand as struct
// literals: what a team without prodkube would write. Tests check that they
// equal what the builders produce, so the comparison stays honest.

func handInit() []Document {
	profiling := []v1beta4.Arg{{Name: "profiling", Value: "false"}}
	return []Document{
		&v1beta4.InitConfiguration{
			TypeMeta:         metav1.TypeMeta{APIVersion: "kubeadm.k8s.io/v1beta4", Kind: "InitConfiguration"},
			NodeRegistration: v1beta4.NodeRegistrationOptions{Name: "cp-1", KubeletExtraArgs: []v1beta4.Arg{{Name: "node-labels", Value: "topology.kubernetes.io/zone=a"}}},
			LocalAPIEndpoint: v1beta4.APIEndpoint{AdvertiseAddress: "10.0.1.10", BindPort: 6443},
		},
		&v1beta4.ClusterConfiguration{
			TypeMeta: metav1.TypeMeta{APIVersion: "kubeadm.k8s.io/v1beta4", Kind: "ClusterConfiguration"},
			Etcd: v1beta4.Etcd{External: &v1beta4.ExternalEtcd{
				Endpoints: []string{"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379"},
				CAFile:    "/etc/kubernetes/pki/etcd/ca.crt",
				CertFile:  "/etc/kubernetes/pki/apiserver-etcd-client.crt",
				KeyFile:   "/etc/kubernetes/pki/apiserver-etcd-client.key",
			}},
			Networking:           v1beta4.Networking{ServiceSubnet: "10.96.0.0/12", PodSubnet: "10.244.0.0/16", DNSDomain: "cluster.local"},
			KubernetesVersion:    "v1.37.2",
			ControlPlaneEndpoint: "kube-api.example.com:6443",
			APIServer:            v1beta4.APIServer{ControlPlaneComponent: v1beta4.ControlPlaneComponent{ExtraArgs: profiling}, CertSANs: []string{"kube-api.example.com"}},
			ControllerManager:    v1beta4.ControlPlaneComponent{ExtraArgs: profiling},
			Scheduler:            v1beta4.ControlPlaneComponent{ExtraArgs: profiling},
			ClusterName:          "kubernetes",
		},
	}
}

func benchHA() HA {
	h := validHA()
	h.Etcd.External = externalEtcd()
	return h
}

func handDeployment() *appsv1.Deployment {
	sel := map[string]string{LabelName: "web-app", LabelInstance: "web-app"}
	f, uid := false, int64(10001)
	zero, one := intstr.FromInt32(0), intstr.FromInt32(1)
	replicas := int32(2)
	spread := func(key string, when corev1.UnsatisfiableConstraintAction) corev1.TopologySpreadConstraint {
		return corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: key, WhenUnsatisfiable: when,
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelName: "web-app", LabelInstance: "web-app"}}, MatchLabelKeys: []string{"pod-template-hash"}}
	}
	t := true
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web-app", Namespace: "production", Labels: map[string]string{LabelName: "web-app", LabelInstance: "web-app"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: sel},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &zero, MaxSurge: &one}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{LabelName: "web-app", LabelInstance: "web-app"}},
				Spec: corev1.PodSpec{
					ServiceAccountName:           "web-app",
					AutomountServiceAccountToken: &f,
					EnableServiceLinks:           &f,
					SecurityContext: &corev1.PodSecurityContext{
						RunAsUser: &uid, RunAsGroup: &uid, FSGroup: &uid, RunAsNonRoot: &t,
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:                     "web-app",
						Image:                    "registry.k8s.io/e2e-test-images/agnhost:2.55",
						Args:                     []string{"netexec", "--http-port=8080"},
						Ports:                    []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}},
						ImagePullPolicy:          corev1.PullIfNotPresent,
						TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi"), corev1.ResourceEphemeralStorage: resource.MustParse("64Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi"), corev1.ResourceEphemeralStorage: resource.MustParse("128Mi")},
						},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromString("http")}}},
						LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http")}}, PeriodSeconds: 20},
						SecurityContext: &corev1.SecurityContext{
							Privileged: &f, AllowPrivilegeEscalation: &f, ReadOnlyRootFilesystem: &t, RunAsNonRoot: &t,
							Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "writable-0", MountPath: "/tmp"}},
					}},
					Volumes:                   []corev1.Volume{{Name: "writable-0", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{spread(corev1.LabelTopologyZone, corev1.DoNotSchedule), spread(corev1.LabelHostname, corev1.ScheduleAnyway)},
				},
			},
		},
	}
}

func TestBaselinesMatchBuilders(t *testing.T) {
	cp, err := benchHA().Build()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(handInit(), cp.KubeadmFiles[0].Documents); diff != "" {
		t.Errorf("hand-written init differs (-hand +built):\n%s", diff)
	}
	objs, err := Deployment{Workload: validWorkload()}.Build()
	if err != nil {
		t.Fatal(err)
	}
	hand, _ := yaml.Marshal(handDeployment())
	built, _ := yaml.Marshal(objs.Deployment)
	if diff := cmp.Diff(string(hand), string(built)); diff != "" {
		t.Errorf("hand-written Deployment differs (-hand +built):\n%s", diff)
	}
}

func BenchmarkHA(b *testing.B) {
	h := benchHA()
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cp, err := h.Build()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := cp.KubeadmFiles[0].render(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := (KubeadmFile{Name: InitFile, Documents: handInit()}).render(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range handInit() {
				if _, err := json.Marshal(d); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkDeployment(b *testing.B) {
	d := Deployment{Workload: validWorkload()}
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o, err := d.Build()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := yaml.Marshal(o.Deployment); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prodkube-build-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.Build(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := yaml.Marshal(handDeployment()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(handDeployment()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkQuotaLimitRange(b *testing.B) {
	q := Quota{Namespace: "team-a", Requests: Compute{CPU: "10", Memory: "20Gi"}, Limits: Compute{CPU: "20", Memory: "40Gi"}, Pods: Int64(50)}
	l := validLimitRange()
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			qo, err := q.Build()
			if err != nil {
				b.Fatal(err)
			}
			lo, err := l.Build()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := yaml.Marshal(qo); err != nil {
				b.Fatal(err)
			}
			if _, err := yaml.Marshal(lo); err != nil {
				b.Fatal(err)
			}
		}
	})
	hand := func() (*corev1.ResourceQuota, *corev1.LimitRange) {
		return &corev1.ResourceQuota{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
				ObjectMeta: metav1.ObjectMeta{Name: "team-a-quota", Namespace: "team-a"},
				Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
					"requests.cpu": resource.MustParse("10"), "requests.memory": resource.MustParse("20Gi"),
					"limits.cpu": resource.MustParse("20"), "limits.memory": resource.MustParse("40Gi"), "pods": resource.MustParse("50"),
				}},
			}, &corev1.LimitRange{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "LimitRange"},
				ObjectMeta: metav1.ObjectMeta{Name: "team-a-limits", Namespace: "team-a"},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
					Type:           corev1.LimitTypeContainer,
					DefaultRequest: corev1.ResourceList{"cpu": resource.MustParse("100m"), "memory": resource.MustParse("128Mi"), "ephemeral-storage": resource.MustParse("128Mi")},
					Default:        corev1.ResourceList{"cpu": resource.MustParse("500m"), "memory": resource.MustParse("512Mi"), "ephemeral-storage": resource.MustParse("1Gi")},
					Min:            corev1.ResourceList{"cpu": resource.MustParse("10m"), "memory": resource.MustParse("16Mi")},
					Max:            corev1.ResourceList{"cpu": resource.MustParse("4"), "memory": resource.MustParse("8Gi")},
				}}},
			}
	}
	b.Run("hand-yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			qo, lo := hand()
			if _, err := yaml.Marshal(qo); err != nil {
				b.Fatal(err)
			}
			if _, err := yaml.Marshal(lo); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			qo, lo := hand()
			if _, err := json.Marshal(qo); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(lo); err != nil {
				b.Fatal(err)
			}
		}
	})
}
