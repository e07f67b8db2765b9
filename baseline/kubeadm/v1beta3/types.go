// Package v1beta3 holds the subset of kubeadm's kubeadm.k8s.io/v1beta3
// configuration API that prodkube writes.
//
// The structs carry kubeadm's exact JSON field names. kubeadm v1.22 to v1.30
// write v1beta3; v1.31 to v1.36 still read it (deprecated in favour of
// v1beta4); v1.37 refuses it. Only fields prodkube sets are modelled;
// kubeadm applies its own defaults to the rest. Struct-valued fields use omitzero so that a
// rendered file holds no empty noise such as "dns: {}".
//
// The package deliberately does not import k8s.io/kubernetes: importing
// kubeadm itself would pull the whole Kubernetes tree into every program that
// embeds prodkube.
package v1beta3

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GroupVersion is the apiVersion every document of this package carries.
const GroupVersion = "kubeadm.k8s.io/v1beta3"

// InitConfiguration configures the node that runs "kubeadm init".
type InitConfiguration struct {
	metav1.TypeMeta `json:",inline"`
	// NodeRegistration describes how the first control plane node registers.
	NodeRegistration NodeRegistrationOptions `json:"nodeRegistration,omitzero"`
	// LocalAPIEndpoint is the address the API server on this node advertises.
	LocalAPIEndpoint APIEndpoint `json:"localAPIEndpoint,omitzero"`
	// SkipPhases lists kubeadm init phases to skip.
	SkipPhases []string `json:"skipPhases,omitempty"`
}

// ClusterConfiguration holds the cluster-wide settings shared by every
// control plane node.
type ClusterConfiguration struct {
	metav1.TypeMeta `json:",inline"`
	// Etcd selects stacked (local) or external etcd.
	Etcd Etcd `json:"etcd,omitzero"`
	// Networking holds the pod and service subnets and the DNS domain.
	Networking Networking `json:"networking,omitzero"`
	// KubernetesVersion is the control plane version, "v1.37.2".
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// ControlPlaneEndpoint is the shared "host:port" of the load balancer in
	// front of the API servers.
	ControlPlaneEndpoint string `json:"controlPlaneEndpoint,omitempty"`
	// APIServer holds kube-apiserver settings.
	APIServer APIServer `json:"apiServer,omitzero"`
	// ControllerManager holds kube-controller-manager settings.
	ControllerManager ControlPlaneComponent `json:"controllerManager,omitzero"`
	// Scheduler holds kube-scheduler settings.
	Scheduler ControlPlaneComponent `json:"scheduler,omitzero"`
	// ClusterName names the cluster in kubeconfig files.
	ClusterName string `json:"clusterName,omitempty"`
}

// ControlPlaneComponent holds settings shared by the control plane
// components. In v1beta3 extra arguments are a map from flag name to value
// (v1beta4 turned it into an ordered list).
type ControlPlaneComponent struct {
	// ExtraArgs are extra command line flags, "--name=value".
	ExtraArgs map[string]string `json:"extraArgs,omitempty"`
}

// APIServer holds kube-apiserver settings.
type APIServer struct {
	ControlPlaneComponent `json:",inline"`
	// CertSANs are extra subject alternative names for the serving certificate.
	CertSANs []string `json:"certSANs,omitempty"`
}

// APIEndpoint is the address and port one API server listens on.
type APIEndpoint struct {
	// AdvertiseAddress is the IP address the API server advertises.
	AdvertiseAddress string `json:"advertiseAddress,omitempty"`
	// BindPort is the port the API server binds to.
	BindPort int32 `json:"bindPort,omitempty"`
}

// NodeRegistrationOptions describes how a node registers with the cluster.
type NodeRegistrationOptions struct {
	// Name is the node name; empty means the host name of the machine.
	Name string `json:"name,omitempty"`
	// CRISocket is the container runtime socket; empty lets kubeadm detect it.
	CRISocket string `json:"criSocket,omitempty"`
	// Taints are registered with the node. Omitted (nil) lets kubeadm apply
	// its default: the control-plane taint on control plane nodes, none on
	// workers.
	Taints []corev1.Taint `json:"taints,omitempty"`
	// KubeletExtraArgs are extra kubelet flags, for example node-labels.
	KubeletExtraArgs map[string]string `json:"kubeletExtraArgs,omitempty"`
}

// Networking holds the cluster's address ranges and DNS domain.
type Networking struct {
	// ServiceSubnet is the Service ClusterIP range.
	ServiceSubnet string `json:"serviceSubnet,omitempty"`
	// PodSubnet is the pod IP range.
	PodSubnet string `json:"podSubnet,omitempty"`
	// DNSDomain is the cluster DNS domain, "cluster.local".
	DNSDomain string `json:"dnsDomain,omitempty"`
}

// Etcd selects exactly one of stacked or external etcd.
type Etcd struct {
	// Local runs etcd as a static pod on every control plane node.
	Local *LocalEtcd `json:"local,omitempty"`
	// External points the API servers at an etcd cluster run elsewhere.
	External *ExternalEtcd `json:"external,omitempty"`
}

// LocalEtcd configures stacked etcd.
type LocalEtcd struct {
	// DataDir is where etcd keeps its data on the host.
	DataDir string `json:"dataDir"`
}

// ExternalEtcd points the API servers at an existing etcd cluster.
type ExternalEtcd struct {
	// Endpoints are the etcd client URLs.
	Endpoints []string `json:"endpoints"`
	// CAFile is the etcd CA certificate path.
	CAFile string `json:"caFile"`
	// CertFile is the client certificate the API server presents.
	CertFile string `json:"certFile"`
	// KeyFile is the key of CertFile.
	KeyFile string `json:"keyFile"`
}

// JoinConfiguration configures a node that runs "kubeadm join".
type JoinConfiguration struct {
	metav1.TypeMeta `json:",inline"`
	// NodeRegistration describes how the joining node registers.
	NodeRegistration NodeRegistrationOptions `json:"nodeRegistration,omitzero"`
	// Discovery tells the node how to find and trust the cluster.
	Discovery Discovery `json:"discovery"`
	// ControlPlane is set when the node joins as a control plane node.
	ControlPlane *JoinControlPlane `json:"controlPlane,omitempty"`
}

// JoinControlPlane holds what a joining control plane node needs.
type JoinControlPlane struct {
	// LocalAPIEndpoint is the address the API server on this node advertises.
	LocalAPIEndpoint APIEndpoint `json:"localAPIEndpoint,omitzero"`
	// CertificateKey decrypts certificates uploaded by "kubeadm init
	// --upload-certs". It is a secret: prodkube never sets it.
	CertificateKey string `json:"certificateKey,omitempty"`
}

// Discovery selects how a joining node finds the cluster.
type Discovery struct {
	// BootstrapToken discovers the cluster with a bootstrap token.
	BootstrapToken *BootstrapTokenDiscovery `json:"bootstrapToken,omitempty"`
	// File discovers the cluster from a kubeconfig file or HTTPS URL.
	File *FileDiscovery `json:"file,omitempty"`
	// TLSBootstrapToken is the token used for the TLS bootstrap. It is a
	// secret: prodkube never sets it.
	TLSBootstrapToken string `json:"tlsBootstrapToken,omitempty"`
}

// BootstrapTokenDiscovery discovers the cluster with a bootstrap token.
type BootstrapTokenDiscovery struct {
	// Token is the bootstrap token (a secret).
	Token string `json:"token"`
	// APIServerEndpoint is the "host:port" to contact.
	APIServerEndpoint string `json:"apiServerEndpoint,omitempty"`
	// CACertHashes pin the cluster CA, "sha256:<hex>".
	CACertHashes []string `json:"caCertHashes,omitempty"`
}

// FileDiscovery reads the cluster's CA and address from a kubeconfig.
type FileDiscovery struct {
	// KubeConfigPath is an absolute file path or an https:// URL.
	KubeConfigPath string `json:"kubeConfigPath"`
}
