// Package apicheck holds tests only: every HorizontalPodAutoscaler and
// cluster-autoscaler bundle that package scaling builds must pass the validation the
// kube-apiserver itself runs (k8s.io/kubernetes/pkg/apis/*/validation), after the
// same defaulting and conversion to the internal types.
package apicheck
