package scaling_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/version"
)

// An HPA cross-checked against its Deployment: the Deployment leaves replicas to the
// HPA and requests the CPU and memory the utilization targets are measured against.
func ExampleHPA_Build() {
	web := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web-app", Namespace: "production"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "web",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("256Mi"),
			}},
		}}}}},
	}
	hpa, err := scaling.HPA{
		Name: "web-app-hpa", Namespace: "production", Workload: web,
		MaxReplicas: 10, CPUUtilization: 75, MemoryUtilization: 80,
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name, *hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	fmt.Println("scale-down window:", *hpa.Spec.Behavior.ScaleDown.StabilizationWindowSeconds)

	// The same Deployment with a fixed replica count is refused.
	three := int32(3)
	web.Spec.Replicas = &three
	_, err = scaling.HPA{Name: "web-app-hpa", Namespace: "production", Workload: web, MaxReplicas: 10, CPUUtilization: 75}.Build()
	fmt.Println(err)
	// Output:
	// Deployment web-app 2 10
	// scale-down window: 300
	// workload.spec.replicas: Forbidden: must be unset: the HorizontalPodAutoscaler owns the replica count, and a fixed value would fight it on every apply
}

// The cluster-autoscaler bundle for two static AWS node groups.
func ExampleClusterAutoscaler_Build() {
	bundle, err := scaling.ClusterAutoscaler{
		KubernetesVersion:        version.MustParse("v1.36.3"),
		CloudProvider:            scaling.CloudProviderAWS,
		NodeGroups:               []scaling.NodeGroup{{Name: "production-general", Min: 3, Max: 10}, {Name: "production-memory", Min: 1, Max: 5}},
		BalanceSimilarNodeGroups: true,
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range bundle.Objects() {
		fmt.Println(o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
	}
	c := bundle.Deployment.Spec.Template.Spec.Containers[0]
	fmt.Println(c.Image)
	fmt.Println(strings.Join(c.Args, " "))
	// Output:
	// ServiceAccount cluster-autoscaler
	// ClusterRole cluster-autoscaler
	// ClusterRoleBinding cluster-autoscaler
	// Role cluster-autoscaler
	// RoleBinding cluster-autoscaler
	// Deployment cluster-autoscaler
	// PodDisruptionBudget cluster-autoscaler
	// registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1
	// --cloud-provider=aws --namespace=kube-system --nodes=3:10:production-general --nodes=1:5:production-memory --expander=least-waste --balance-similar-node-groups=true --skip-nodes-with-local-storage=false
}

// A recommendations-only VPA; an updating mode on a resource an HPA scales on by
// utilization would be refused.
func ExampleVPA_Build() {
	vpa, err := scaling.VPA{Name: "batch-processor-vpa", Namespace: "production", TargetName: "batch-processor"}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	y, err := prodkube.MarshalYAML(vpa)
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(y)
	// Output:
	// apiVersion: autoscaling.k8s.io/v1
	// kind: VerticalPodAutoscaler
	// metadata:
	//   name: batch-processor-vpa
	//   namespace: production
	// spec:
	//   targetRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: batch-processor
	//   updatePolicy:
	//     updateMode: "Off"
}

// A recommendation from two days of steady usage against a generous request.
func ExampleRecommender_Recommend() {
	start := time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)
	samples := make([]scaling.Sample, 2*288)
	for i := range samples {
		samples[i] = scaling.Sample{Time: start.Add(time.Duration(i) * 5 * time.Minute), CPU: 0.3, Memory: 400 << 20}
	}
	rec, err := scaling.Recommender{}.Recommend(scaling.ContainerUsage{
		Workload: "api", Container: "app", Replicas: 4,
		Current: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi"),
		}},
		Samples: samples,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("requests:", rec.Requests.Cpu(), rec.Requests.Memory())
	fmt.Println("cpu:", rec.CPU.Verdict)
	fmt.Println("memory:", rec.Memory.Verdict)
	fmt.Printf("saves %.2f a month\n", rec.MonthlyCostDelta(scaling.Prices{CoreHour: 0.03, GiBHour: 0.004}))
	// 0.3 cores fall in the histogram bucket ending at 0.304; plus 15 % gives 350m.
	// 400 MiB fall in the bucket ending at 408 MiB; plus 15 % gives 470Mi (rounded up).
	// Output:
	// requests: 350m 470Mi
	// cpu: over-provisioned by 65 %
	// memory: over-provisioned by 54 %
	// saves 63.26 a month
}
