package security_test

import (
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
)

func ExampleNamespace() {
	// A namespace that still admits baseline pods but warns about anything
	// that would fail restricted, to prepare a migration.
	ns, err := security.Namespace{Name: "legacy", Enforce: security.LevelBaseline, Warn: security.LevelRestricted}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, mode := range []string{"enforce", "audit", "warn"} {
		fmt.Printf("%s=%s\n", mode, ns.Labels["pod-security.kubernetes.io/"+mode])
	}
	// Output:
	// enforce=baseline
	// audit=baseline
	// warn=restricted
}

func ExampleRestricted() {
	ctx, err := security.Restricted{}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}}}
	ctx.Apply(spec)
	fmt.Println("uid:", *spec.SecurityContext.RunAsUser)
	fmt.Println("violations:", len(security.CheckPodSpec(security.LevelRestricted, nil, spec)))
	// Output:
	// uid: 10001
	// violations: 0
}

func ExampleCheckPodSpec() {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{
		Name:            "app",
		Image:           "registry.k8s.io/pause:3.10",
		SecurityContext: &corev1.SecurityContext{Privileged: &[]bool{true}[0]},
	}}}
	for _, err := range security.CheckPodSpec(security.LevelBaseline, &metav1.ObjectMeta{}, spec) {
		fmt.Println(err.Field)
	}
	// Output:
	// spec.containers[0].securityContext.privileged
}

func ExampleRole() {
	_, err := security.Role{
		Name:      "ci",
		Namespace: "production",
		Rules:     []security.Rule{{APIGroups: []string{"*"}, Resources: []string{"deployments"}, Verbs: []string{"get", "escalate"}}},
	}.Build()
	fmt.Println(err)
	// Output:
	// [rules[0].apiGroups[0]: Forbidden: wildcard API groups need permissions.allowWildcards, rules[0].verbs[1]: Forbidden: "escalate" lets the holder gain rights the role does not grant; set permissions.allowEscalation if it is really needed]
}

func ExampleDeploymentManager() {
	role, err := security.DeploymentManager("production").Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range role.Rules {
		fmt.Println(r.APIGroups, r.Resources, r.Verbs)
	}
	// Output:
	// [apps] [deployments replicasets] [get list watch create update patch delete]
	// [] [pods pods/log] [get list watch]
}

func ExampleRoleBinding() {
	_, err := security.ClusterRoleBinding{
		Name:     "ops",
		RoleName: "cluster-admin",
		Subjects: []security.ServiceAccountRef{{Name: "ops", Namespace: "kube-system"}},
	}.Build()
	fmt.Println(err)
	// Output:
	// roleName: Forbidden: binding cluster-admin grants every permission on every resource; set allowClusterAdmin if it is really needed
}

func ExampleServiceAccount() {
	sa, err := security.ServiceAccount{Name: "web", Namespace: "production"}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*sa.AutomountServiceAccountToken)
	// Output:
	// false
}

func ExampleAllow() {
	// Only the backend may reach the database, on PostgreSQL's port.
	p, err := security.Allow{
		Name:      "db-access-policy",
		Namespace: "production",
		From:      map[string]string{"app": "backend"},
		To:        map[string]string{"app": "database"},
		Ports:     []security.Port{{Protocol: corev1.ProtocolTCP, Port: intstr.FromInt32(5432)}},
	}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := prodkube.WriteYAML(os.Stdout, p.Ingress, p.Egress); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ---
	// apiVersion: networking.k8s.io/v1
	// kind: NetworkPolicy
	// metadata:
	//   name: db-access-policy
	//   namespace: production
	// spec:
	//   ingress:
	//   - from:
	//     - podSelector:
	//         matchLabels:
	//           app: backend
	//     ports:
	//     - port: 5432
	//       protocol: TCP
	//   podSelector:
	//     matchLabels:
	//       app: database
	//   policyTypes:
	//   - Ingress
	// ---
	// apiVersion: networking.k8s.io/v1
	// kind: NetworkPolicy
	// metadata:
	//   name: db-access-policy-egress
	//   namespace: production
	// spec:
	//   egress:
	//   - ports:
	//     - port: 5432
	//       protocol: TCP
	//     to:
	//     - podSelector:
	//         matchLabels:
	//           app: database
	//   podSelector:
	//     matchLabels:
	//       app: backend
	//   policyTypes:
	//   - Egress
}

func ExampleDefaultDeny() {
	deny, _ := security.DefaultDeny{Namespace: "production"}.Build()
	dns, _ := security.AllowDNS{Namespace: "production"}.Build()
	fmt.Println(deny.Name, deny.Spec.PolicyTypes)
	fmt.Println(dns.Name, dns.Spec.Egress[0].To[0].PodSelector.MatchLabels)
	// Output:
	// default-deny [Ingress Egress]
	// allow-dns-egress map[k8s-app:kube-dns]
}

func ExampleAllowCIDR() {
	_, err := security.AllowCIDR{
		Name: "to-db-subnet", Namespace: "production",
		Pods:      map[string]string{"app": "backend"},
		Direction: security.Egress,
		CIDR:      "10.20.0.0/16",
		Except:    []string{"10.30.0.0/24"},
		Ports:     []security.Port{{Port: intstr.FromInt32(5432)}},
	}.Build()
	fmt.Println(err)
	// Output:
	// except[0]: Invalid value: "10.30.0.0/24": must be a strict sub-range of cidr 10.20.0.0/16
}
