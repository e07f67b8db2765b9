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
// CheckPodSpec judges a pod spec with k8s.io/pod-security-admission, the code
// the API server itself runs, so "passes restricted" here means what it means
// in a cluster.
package security
