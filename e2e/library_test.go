package e2e

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/prodkube/prodkube/security"
)

// toUnstructured converts a typed object for the dynamic client.
func toUnstructured(t *testing.T, o runtime.Object) *unstructured.Unstructured {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

// TestSecurityDefaultsEnforcedByAPIServer: a Namespace built by the security
// package with its defaults makes the real API server enforce "restricted" (a root
// Pod is refused), and the Restricted contexts' defaults are admitted there with no
// warning.
func TestSecurityDefaultsEnforcedByAPIServer(t *testing.T) {
	e := testEnv(t)
	ctx := context.Background()
	ns, err := security.Namespace{Name: "e2e-library-defaults"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.createNamespace(ctx, toUnstructured(t, ns)); err != nil {
		t.Fatalf("the security package's Namespace was not accepted: %v", err)
	}
	contexts, err := security.Restricted{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	newPod := func(name string) *corev1.Pod {
		p := &corev1.Pod{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns.Name},
			Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "init", Image: "registry.k8s.io/pause:3.10"}},
				Containers:     []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}},
			},
		}
		contexts.Apply(&p.Spec)
		return p
	}
	warnings, err := e.DryRun(ctx, toUnstructured(t, newPod("restricted")))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("a Pod with security.Restricted{} contexts was not accepted cleanly: err=%v warnings=%v", err, warnings)
	}
	root := newPod("root")
	zero := int64(0)
	root.Spec.SecurityContext.RunAsUser = &zero
	root.Spec.SecurityContext.RunAsNonRoot = nil
	for i := range root.Spec.Containers {
		root.Spec.Containers[i].SecurityContext.RunAsUser = &zero
		root.Spec.Containers[i].SecurityContext.RunAsNonRoot = nil
	}
	_, err = e.DryRun(ctx, toUnstructured(t, root))
	if err == nil {
		t.Fatal("the security package's default Namespace let a root Pod in")
	}
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "violates PodSecurity") {
		t.Fatalf("the root Pod was refused for another reason than Pod Security: %v", err)
	}
}
