package security

import (
	"io"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
)

// buildSet builds a namespace's security set the way a caller would.
func buildSet(b *testing.B, ns string) []prodkube.Object {
	namespace, err := Namespace{Name: ns}.Build()
	if err != nil {
		b.Fatal(err)
	}
	deny, err := DefaultDeny{Namespace: ns}.Build()
	if err != nil {
		b.Fatal(err)
	}
	dns, err := AllowDNS{Namespace: ns}.Build()
	if err != nil {
		b.Fatal(err)
	}
	sa, err := ServiceAccount{Name: "deployer", Namespace: ns}.Build()
	if err != nil {
		b.Fatal(err)
	}
	role, err := DeploymentManager(ns).Build()
	if err != nil {
		b.Fatal(err)
	}
	rb, err := RoleBinding{Name: "deployment-manager", Namespace: ns, RoleName: role.Name, Subjects: []ServiceAccountRef{{Name: "deployer", Namespace: ns}}}.Build()
	if err != nil {
		b.Fatal(err)
	}
	db, err := Allow{Name: "db-access-policy", Namespace: ns, From: map[string]string{"app": "backend"}, To: map[string]string{"app": "database"}, Ports: []Port{{Port: intstr.FromInt32(5432)}}}.Build()
	if err != nil {
		b.Fatal(err)
	}
	return []prodkube.Object{namespace, deny, dns, sa, role, rb, db.Ingress, db.Egress}
}

// literalSet is the same set written by hand as struct literals.
func literalSet(ns string) []any {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	p53, p5432 := intstr.FromInt32(53), intstr.FromInt32(5432)
	f := false
	psa := map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/audit-version": "latest",
		"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest",
	}
	np := metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}
	return []any{
		&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: psa}},
		&networkingv1.NetworkPolicy{TypeMeta: np, ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: ns},
			Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{"Ingress", "Egress"}}},
		&networkingv1.NetworkPolicy{TypeMeta: np, ObjectMeta: metav1.ObjectMeta{Name: "allow-dns-egress", Namespace: ns},
			Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{"Egress"}, Egress: []networkingv1.NetworkPolicyEgressRule{{
				To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
					PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &p53}, {Protocol: &tcp, Port: &p53}}}}}},
		&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: metav1.ObjectMeta{Name: "deployer", Namespace: ns}, AutomountServiceAccountToken: &f},
		&rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, ObjectMeta: metav1.ObjectMeta{Name: "deployment-manager", Namespace: ns},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
				{APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}, Verbs: []string{"get", "list", "watch"}}}},
		&rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}, ObjectMeta: metav1.ObjectMeta{Name: "deployment-manager", Namespace: ns},
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "deployment-manager"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "deployer", Namespace: ns}}},
		&networkingv1.NetworkPolicy{TypeMeta: np, ObjectMeta: metav1.ObjectMeta{Name: "db-access-policy", Namespace: ns},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "database"}}, PolicyTypes: []networkingv1.PolicyType{"Ingress"},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "backend"}}}},
					Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &p5432}}}}}},
		&networkingv1.NetworkPolicy{TypeMeta: np, ObjectMeta: metav1.ObjectMeta{Name: "db-access-policy-egress", Namespace: ns},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "backend"}}, PolicyTypes: []networkingv1.PolicyType{"Egress"},
				Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "database"}}}},
					Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &p5432}}}}}},
	}
}

// BenchmarkSecuritySet compares building, validating and rendering one
// namespace's security set with writing the same objects by hand and
// marshalling them with sigs.k8s.io/yaml.
func BenchmarkSecuritySet(b *testing.B) {
	b.Run("prodkube", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := prodkube.WriteYAML(io.Discard, buildSet(b, "production")...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("literal+sigs.k8s.io/yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range literalSet("production") {
				data, err := yaml.Marshal(o)
				if err != nil {
					b.Fatal(err)
				}
				io.Discard.Write(data)
			}
		}
	})
}

func BenchmarkNamespaceBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Namespace{Name: "production"}).Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoleBuild(b *testing.B) {
	role := DeploymentManager("production")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := role.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoleBindingBuild(b *testing.B) {
	rb := RoleBinding{Name: "deploy", Namespace: "production", RoleName: "deployment-manager", Subjects: []ServiceAccountRef{{Name: "deployer", Namespace: "production"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rb.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAllowBuild(b *testing.B) {
	a := Allow{Name: "db-access-policy", Namespace: "production", From: map[string]string{"app": "backend"}, To: map[string]string{"app": "database"}, Ports: []Port{{Port: intstr.FromInt32(5432)}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestrictedBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Restricted{}).Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPodSpec(b *testing.B) {
	ctx, err := Restricted{}.Build()
	if err != nil {
		b.Fatal(err)
	}
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "x"}, {Name: "sidecar", Image: "y"}}}
	ctx.Apply(spec)
	meta := &metav1.ObjectMeta{}
	b.ReportAllocs()
	for b.Loop() {
		if errs := CheckPodSpec(LevelRestricted, meta, spec); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
