// Package componentconfig holds small typed mirrors of the configuration
// files of Kubernetes components and etcd that package baseline writes: the
// API server's audit policy (audit.k8s.io/v1 Policy) and encryption
// configuration (apiserver.config.k8s.io/v1 EncryptionConfiguration), the
// kubelet's KubeletConfiguration (kubelet.config.k8s.io/v1beta1), kube-proxy's
// KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) and etcd's
// configuration file.
//
// Each type carries only the fields prodkube sets, with the JSON names of the
// upstream types, so that prodkube's main module does not depend on
// k8s.io/apiserver, k8s.io/kubelet or etcd. The e2e module decodes what these
// types render strictly into the upstream types and runs the upstream
// validators and programs on them.
package componentconfig
