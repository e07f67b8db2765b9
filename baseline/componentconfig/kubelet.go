package componentconfig

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// KubeletConfiguration is kubelet.config.k8s.io/v1beta1
// KubeletConfiguration, the fields prodkube sets. kubeadm takes it from the
// init configuration file, stores it in the kubelet-config ConfigMap and
// fills in what it owns (clusterDNS, clusterDomain, staticPodPath, ...).
type KubeletConfiguration struct {
	metav1.TypeMeta `json:",inline"`

	CgroupDriver       string `json:"cgroupDriver,omitempty"`
	ServerTLSBootstrap bool   `json:"serverTLSBootstrap,omitempty"`
	RotateCertificates bool   `json:"rotateCertificates,omitempty"`
	// ReadOnlyPort is a pointer so that 0 (off) is written; the kubelet's
	// default when it is absent is also 0, but saying so is clearer.
	ReadOnlyPort   *int32                `json:"readOnlyPort,omitempty"`
	TLSMinVersion  string                `json:"tlsMinVersion,omitempty"`
	Authentication KubeletAuthentication `json:"authentication"`
	Authorization  KubeletAuthorization  `json:"authorization"`

	EvictionHard                map[string]string `json:"evictionHard,omitempty"`
	EvictionSoft                map[string]string `json:"evictionSoft,omitempty"`
	EvictionSoftGracePeriod     map[string]string `json:"evictionSoftGracePeriod,omitempty"`
	EvictionMaxPodGracePeriod   int32             `json:"evictionMaxPodGracePeriod,omitempty"`
	KubeReserved                map[string]string `json:"kubeReserved,omitempty"`
	SystemReserved              map[string]string `json:"systemReserved,omitempty"`
	EnforceNodeAllocatable      []string          `json:"enforceNodeAllocatable,omitempty"`
	ImageGCHighThresholdPercent *int32            `json:"imageGCHighThresholdPercent,omitempty"`
	ImageGCLowThresholdPercent  *int32            `json:"imageGCLowThresholdPercent,omitempty"`
	MaxPods                     int32             `json:"maxPods,omitempty"`
	ContainerLogMaxSize         string            `json:"containerLogMaxSize,omitempty"`
	ContainerLogMaxFiles        *int32            `json:"containerLogMaxFiles,omitempty"`

	ShutdownGracePeriod             metav1.Duration `json:"shutdownGracePeriod"`
	ShutdownGracePeriodCriticalPods metav1.Duration `json:"shutdownGracePeriodCriticalPods"`
}

// KubeletAuthentication says how the kubelet's API authenticates callers.
type KubeletAuthentication struct {
	X509      KubeletX509Authentication      `json:"x509"`
	Webhook   KubeletWebhookAuthentication   `json:"webhook"`
	Anonymous KubeletAnonymousAuthentication `json:"anonymous"`
}

// KubeletX509Authentication trusts client certificates signed by ClientCAFile.
type KubeletX509Authentication struct {
	ClientCAFile string `json:"clientCAFile,omitempty"`
}

// KubeletWebhookAuthentication checks bearer tokens with a TokenReview.
type KubeletWebhookAuthentication struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// KubeletAnonymousAuthentication allows unauthenticated requests when on.
type KubeletAnonymousAuthentication struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// KubeletAuthorization says how the kubelet's API authorizes callers.
type KubeletAuthorization struct {
	// Mode is AlwaysAllow or Webhook (a SubjectAccessReview per request).
	Mode string `json:"mode,omitempty"`
}

// KubeProxyConfiguration is kubeproxy.config.k8s.io/v1alpha1
// KubeProxyConfiguration, the fields prodkube sets; kubeadm fills in the
// cluster CIDR and kubeconfig.
type KubeProxyConfiguration struct {
	metav1.TypeMeta `json:",inline"`
	// Mode is iptables, ipvs or nftables.
	Mode string `json:"mode,omitempty"`
}
