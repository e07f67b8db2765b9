package security_test

import (
	"fmt"

	"github.com/prodkube/prodkube/security"
)

func ExampleSensitivePermissions() {
	// The grants that need AllowExec.
	for _, p := range security.SensitivePermissions() {
		if p.OptOut != "allowExec" {
			continue
		}
		if p.Verbs == nil {
			fmt.Println(p.Resource, "(any verb)")
		} else {
			fmt.Println(p.Resource, p.Verbs)
		}
	}
	// A debugging role is refused until it says so by name.
	debug := security.Role{
		Name:      "debugger",
		Namespace: "production",
		Rules:     []security.Rule{{APIGroups: []string{""}, Resources: []string{"pods/exec", "pods/log"}, Verbs: []string{"create", "get"}}},
	}
	_, err := debug.Build()
	fmt.Println(err != nil)
	debug.AllowExec = true
	_, err = debug.Build()
	fmt.Println(err)
	// Output:
	// pods/exec (any verb)
	// pods/attach (any verb)
	// pods/portforward (any verb)
	// pods/ephemeralcontainers [update patch]
	// true
	// <nil>
}

func ExamplePermissions() {
	// "*/exec" matches pods/exec: wildcards alone are not enough.
	_, err := security.Role{
		Name:        "ops",
		Namespace:   "production",
		Rules:       []security.Rule{{APIGroups: []string{""}, Resources: []string{"*/exec"}, Verbs: []string{"create"}}},
		Permissions: security.Permissions{AllowWildcards: true},
	}.Build()
	fmt.Println(err)
	// Output:
	// rules[0]: Forbidden: grants pods/exec, which runs code in, or reaches into, running pods with their identity and secrets; set permissions.allowExec if this role really needs it
}

func ExampleClusterRoleBinding() {
	// edit lets its holder exec into pods and read every secret.
	_, err := security.ClusterRoleBinding{
		Name:     "ci-edit",
		RoleName: "edit",
		Subjects: []security.ServiceAccountRef{{Name: "ci", Namespace: "build"}},
	}.Build()
	fmt.Println(err)
	// Output:
	// roleName: Forbidden: binding the built-in ClusterRole "edit": edit grants exec into pods and every secret of the namespace, and so every ServiceAccount's rights; bind view or a role of your own, or set allowBroadBuiltinRole if it is really needed
}

func ExampleNamespace_kubeSystem() {
	// kube-system runs kube-proxy, the CNI and the control plane's static
	// pods: it enforces privileged and records what baseline would refuse.
	ns, err := security.Namespace{Name: "kube-system"}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, mode := range []string{"enforce", "audit", "warn"} {
		fmt.Printf("%s=%s\n", mode, ns.Labels["pod-security.kubernetes.io/"+mode])
	}
	_, err = security.Namespace{Name: "kube-system", Enforce: security.LevelRestricted}.Build()
	fmt.Println(err)
	// Output:
	// enforce=privileged
	// audit=baseline
	// warn=baseline
	// enforce: Invalid value: "restricted": kube-system runs kube-proxy, the CNI and the static control-plane pods, which need host access that "restricted" refuses; leave enforce empty or set "privileged" (audit and warn may stay stricter)
}
