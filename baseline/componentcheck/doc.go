// Package componentcheck judges the component configuration that package
// baseline writes with the upstream code that reads it: the kubelet's and
// kube-proxy's own strict decoders and validators (k8s.io/kubernetes), the
// API server's audit policy loader and rule evaluator and its encryption
// configuration decoder and validator (k8s.io/apiserver).
//
// It is a module of its own so that importers of prodkube never download
// the Kubernetes server code.
package componentcheck
