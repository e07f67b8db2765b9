// Package security builds the objects that keep a production namespace safe:
// Pod Security Standards labels, the security contexts that satisfy the
// "restricted" standard, least-privilege RBAC, and NetworkPolicies that deny
// by default and allow by name.
//
// Every spec follows the same pattern: a plain struct of intent whose zero
// values mean the safest production default, a Validate method that reports
// every problem with its field path, and a Build method that validates first
// and returns real k8s.io/api objects with apiVersion and kind set. Anything
// unsafe (wildcard RBAC, privilege-escalating verbs, a binding to
// cluster-admin, a writable root filesystem) needs a named field that says so.
//
// RBAC: every grant that lets its holder run code in pods, act as a node or
// another identity, issue credentials or hand out rights (pods/exec and its
// kin, proxies, token requests, impersonation, certificate approval,
// admission configuration, RBAC writes, node and PersistentVolume writes,
// secrets) is listed by SensitivePermissions with the Permissions field
// that permits it, and a wildcard counts as every grant it could match.
// Bindings to the built-in ClusterRoles broader than view (cluster-admin,
// admin, edit and every system: role) need AllowClusterAdmin or
// AllowBroadBuiltinRole.
//
// Namespaces: the zero value enforces "restricted", except in kube-system,
// whose kube-proxy, CNI and static control-plane pods need host access: it
// enforces "privileged" and audits and warns at "baseline", and any other
// enforce level there is refused with an error on the enforce field.
// kube-public and kube-node-lease run no pods and stay "restricted".
//
// CheckPodSpec judges a pod spec with k8s.io/pod-security-admission, the code
// the API server itself runs, so "passes restricted" here means what it means
// in a cluster.
package security
