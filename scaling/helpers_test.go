package scaling

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// errPaths renders each error as "<type> <path>", the part a test pins exactly.
func errPaths(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s %s", string(e.Type), e.Field))
	}
	return out
}

func wantPaths(t *testing.T, errs field.ErrorList, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, errPaths(errs)); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nfull: %v", diff, errs)
	}
}

func rl(cpu, mem string) corev1.ResourceList {
	out := corev1.ResourceList{}
	if cpu != "" {
		out[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		out[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return out
}

// deployment is a minimal Deployment in production with the given containers'
// requests (cpu, memory pairs).
func deployment(name string, replicas *int32, requests ...corev1.ResourceList) *appsv1.Deployment {
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "production"},
		Spec:       appsv1.DeploymentSpec{Replicas: replicas},
	}
	for i, r := range requests {
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, corev1.Container{
			Name: fmt.Sprintf("c%d", i), Image: "registry.k8s.io/pause:3.10", Resources: corev1.ResourceRequirements{Requests: r},
		})
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func fieldPathUsage() *field.Path { return field.NewPath("usage") }
