// Package netpolcheck holds tests only: package security's reachability
// evaluator must reject exactly the NetworkPolicies the API server rejects
// (k8s.io/kubernetes/pkg/apis/networking/validation, after the same
// defaulting and conversion to the internal types), so that a flow check
// never fails on a policy a cluster accepts, nor judges one it refuses.
package netpolcheck
