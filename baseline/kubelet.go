package baseline

import (
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	cc "github.com/prodkube/prodkube/baseline/componentconfig"
)

// ProxyMode is kube-proxy's mode.
type ProxyMode string

// kube-proxy modes. iptables is kube-proxy's own default; nftables (GA in
// 1.33) needs Linux 5.13 or later.
const (
	ProxyIPTables ProxyMode = "iptables"
	ProxyNFTables ProxyMode = "nftables"
	ProxyIPVS     ProxyMode = "ipvs"
)

// Defaults of Kubelet.
const (
	DefaultMaxPods                         = 110
	DefaultShutdownGracePeriod             = 60 * time.Second
	DefaultShutdownGracePeriodCriticalPods = 20 * time.Second
	// KubeletServingCertificatesRunbook is the output path of the procedure
	// that approves the kubelets' serving certificate requests.
	KubeletServingCertificatesRunbook = "kubeadm/kubelet-serving-certificates.md"
)

// Kubelet is the configuration of every kubelet and kube-proxy of the
// cluster, as KubeletConfiguration and KubeProxyConfiguration documents that
// go into kubeadm's init file (kubeadm shares them with every node through
// ConfigMaps; join files cannot carry them).
//
// By default the kubelet:
//   - uses the systemd cgroup driver, like containerd and CRI-O on systemd
//     hosts, so one manager owns the cgroup tree;
//   - requests its serving certificate from the cluster CA
//     (serverTLSBootstrap) and rotates both client and serving
//     certificates. Serving CSRs (signer kubernetes.io/kubelet-serving) are
//     not approved automatically by Kubernetes: Result.Files holds the
//     procedure that checks and approves them. Until a node's CSR is
//     approved, "kubectl logs/exec" to it fail, and metrics-server can then
//     verify kubelets without --kubelet-insecure-tls;
//   - serves no read-only port, refuses anonymous requests and asks the API
//     server to authenticate tokens and authorize every request (Webhook);
//   - reserves CPU and memory for itself and the runtime (KubeReserved,
//     sized from Capacity by the tiered formula GKE documents) and for the
//     OS (SystemReserved), and evicts pods before the node runs out of
//     memory, disk or inodes;
//   - garbage-collects images from 75% disk use down to 65%, before the
//     image file system's soft eviction (80% use);
//   - on shutdown gives pods ShutdownGracePeriod, the last
//     ShutdownGracePeriodCriticalPods of it for critical pods.
type Kubelet struct {
	// Capacity is the CPU and memory of the smallest node. Required; the
	// reservations are sized from it. Larger nodes are then reserved a
	// little less than they could; give pools of very different sizes their
	// own KubeletConfiguration through kubeadm patches.
	Capacity NodeCapacity
	// MaxPods defaults to 110.
	MaxPods int32
	// ShutdownGracePeriod defaults to 60s, ShutdownGracePeriodCriticalPods
	// to 20s; the latter must be shorter.
	ShutdownGracePeriod, ShutdownGracePeriodCriticalPods time.Duration
	// ProxyMode defaults to ProxyIPTables.
	ProxyMode ProxyMode

	// CgroupfsDriver uses the cgroupfs cgroup driver, for hosts whose init
	// system is not systemd. The container runtime must use it too.
	CgroupfsDriver bool
	// SelfSignedServingCertificate keeps the kubelet's self-signed serving
	// certificate: no CSRs to approve, but nothing can verify the kubelet's
	// identity (metrics-server then needs --kubelet-insecure-tls).
	SelfSignedServingCertificate bool
}

// NodeCapacity is a node's allocatable hardware before reservations.
type NodeCapacity struct {
	// CPU, "4" or "3500m"; at least 1.
	CPU resource.Quantity
	// Memory, "16Gi"; at least 2Gi.
	Memory resource.Quantity
}

// KubeletResult holds the two documents for kubeadm's init file.
type KubeletResult struct {
	// Kubelet is the KubeletConfiguration document.
	Kubelet *cc.KubeletConfiguration
	// KubeProxy is the KubeProxyConfiguration document.
	KubeProxy *cc.KubeProxyConfiguration
}

// Files returns the serving certificate approval procedure,
// KubeletServingCertificatesRunbook, unless serving certificates are
// self-signed.
func (r *KubeletResult) Files() []prodkube.File {
	if !r.Kubelet.ServerTLSBootstrap {
		return nil
	}
	return []prodkube.File{{Path: KubeletServingCertificatesRunbook, Content: []byte(servingRunbook)}}
}

const servingRunbook = `# Approving kubelet serving certificates

Every kubelet asks the cluster CA for its serving certificate
(serverTLSBootstrap) when it first starts and again before the certificate
expires. Kubernetes approves kubelet *client* certificates itself, but not
serving certificates (signer kubernetes.io/kubelet-serving): an approver must
check that the request names only the node's own addresses.

After each "kubeadm init" or "kubeadm join", and whenever certificates rotate
(about every year; alert on pending CSRs older than an hour):

1. List pending serving requests:

       kubectl get csr --field-selector spec.signerName=kubernetes.io/kubelet-serving

2. For each pending request, check the requester and the names:

       kubectl get csr NAME -o jsonpath='{.spec.username}{"\n"}'
       kubectl get csr NAME -o jsonpath='{.spec.request}' | base64 -d | openssl req -noout -text

   Approve only if the username is system:node:NODE for an existing node
   NODE, and every DNS name and IP address in the request is that node's
   (kubectl get node NODE -o jsonpath='{.status.addresses}').

3. Approve it:

       kubectl certificate approve NAME

Until a node's request is approved, "kubectl logs", "kubectl exec" and
metrics scraping for that node fail with TLS errors. Never approve requests
whose names do not match the node: a serving certificate for another node's
address lets its holder impersonate that node's kubelet.
`

func (k Kubelet) withDefaults() Kubelet {
	if k.MaxPods == 0 {
		k.MaxPods = DefaultMaxPods
	}
	if k.ShutdownGracePeriod == 0 {
		k.ShutdownGracePeriod = DefaultShutdownGracePeriod
	}
	if k.ShutdownGracePeriodCriticalPods == 0 {
		k.ShutdownGracePeriodCriticalPods = DefaultShutdownGracePeriodCriticalPods
	}
	if k.ProxyMode == "" {
		k.ProxyMode = ProxyIPTables
	}
	return k
}

// Validate reports every problem of the spec, each with its field path.
func (k Kubelet) Validate() field.ErrorList {
	k = k.withDefaults()
	var errs field.ErrorList
	cp := field.NewPath("capacity")
	if k.Capacity.CPU.Cmp(resource.MustParse("1")) < 0 || k.Capacity.CPU.Cmp(resource.MustParse("1024")) > 0 {
		errs = append(errs, field.Invalid(cp.Child("cpu"), k.Capacity.CPU.String(), "must be between 1 and 1024 CPUs"))
	}
	if k.Capacity.Memory.Cmp(resource.MustParse("2Gi")) < 0 || k.Capacity.Memory.Cmp(resource.MustParse("64Ti")) > 0 {
		errs = append(errs, field.Invalid(cp.Child("memory"), k.Capacity.Memory.String(), "must be between 2Gi and 64Ti: below 2Gi the reservations leave too little for pods"))
	}
	if k.MaxPods < 1 || k.MaxPods > 1000 {
		errs = append(errs, field.Invalid(field.NewPath("maxPods"), k.MaxPods, "must be between 1 and 1000"))
	}
	if k.ShutdownGracePeriod < 10*time.Second || k.ShutdownGracePeriod > time.Hour || k.ShutdownGracePeriod%time.Second != 0 {
		errs = append(errs, field.Invalid(field.NewPath("shutdownGracePeriod"), k.ShutdownGracePeriod.String(), "must be whole seconds between 10s and 1h"))
	}
	if k.ShutdownGracePeriodCriticalPods < time.Second || k.ShutdownGracePeriodCriticalPods >= k.ShutdownGracePeriod || k.ShutdownGracePeriodCriticalPods%time.Second != 0 {
		errs = append(errs, field.Invalid(field.NewPath("shutdownGracePeriodCriticalPods"), k.ShutdownGracePeriodCriticalPods.String(), "must be whole seconds, at least 1s and shorter than shutdownGracePeriod, so that regular pods get some of it"))
	}
	switch k.ProxyMode {
	case ProxyIPTables, ProxyNFTables, ProxyIPVS:
	default:
		errs = append(errs, field.NotSupported(field.NewPath("proxyMode"), k.ProxyMode, []string{string(ProxyIPTables), string(ProxyNFTables), string(ProxyIPVS)}))
	}
	return errs
}

// kubeReservedCPU is the tiered CPU reservation in millicores: 6% of the
// first core, 1% of the second, 0.5% of the third and fourth, 0.25% of
// every further core.
func kubeReservedCPU(milli int64) int64 {
	// Basis points (1/100 of a percent) per tier of millicores.
	tiers := []struct{ upTo, bp int64 }{{1000, 600}, {2000, 100}, {4000, 50}, {1 << 62, 25}}
	var r, prev int64
	for _, t := range tiers {
		if milli <= prev {
			break
		}
		r += (min(milli, t.upTo) - prev) * t.bp / 10000
		prev = t.upTo
	}
	return r
}

// kubeReservedMemory is the tiered memory reservation in bytes: 25% of the
// first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112 and
// 2% above 128 GiB.
func kubeReservedMemory(b int64) int64 {
	const gi = int64(1) << 30
	tiers := []struct{ upTo, pct int64 }{{4 * gi, 25}, {8 * gi, 20}, {16 * gi, 10}, {128 * gi, 6}, {1 << 62, 2}}
	var r, prev int64
	for _, t := range tiers {
		if b <= prev {
			break
		}
		r += (min(b, t.upTo) - prev) / 100 * t.pct
		prev = t.upTo
	}
	return r
}

// mi renders bytes as a whole number of MiB, rounded up.
func mi(b int64) string { return strconv.FormatInt((b+(1<<20)-1)>>20, 10) + "Mi" }

// Build validates the spec and renders the two documents.
func (k Kubelet) Build() (*KubeletResult, error) {
	if errs := k.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	k = k.withDefaults()
	mem := k.Capacity.Memory.Value()
	hard := max(100<<20, mem/50) // 2%, at least 100Mi
	soft := max(300<<20, mem/20) // 5%, at least 300Mi
	driver := "systemd"
	if k.CgroupfsDriver {
		driver = "cgroupfs"
	}
	kc := &cc.KubeletConfiguration{
		TypeMeta:           metav1.TypeMeta{APIVersion: "kubelet.config.k8s.io/v1beta1", Kind: "KubeletConfiguration"},
		CgroupDriver:       driver,
		ServerTLSBootstrap: !k.SelfSignedServingCertificate,
		RotateCertificates: true,
		ReadOnlyPort:       ptr[int32](0),
		TLSMinVersion:      "VersionTLS12",
		Authentication: cc.KubeletAuthentication{
			X509:      cc.KubeletX509Authentication{ClientCAFile: "/etc/kubernetes/pki/ca.crt"},
			Webhook:   cc.KubeletWebhookAuthentication{Enabled: ptr(true)},
			Anonymous: cc.KubeletAnonymousAuthentication{Enabled: ptr(false)},
		},
		Authorization: cc.KubeletAuthorization{Mode: "Webhook"},
		EvictionHard: map[string]string{
			"memory.available":   mi(hard),
			"nodefs.available":   "10%",
			"nodefs.inodesFree":  "5%",
			"imagefs.available":  "15%",
			"imagefs.inodesFree": "5%",
		},
		EvictionSoft: map[string]string{
			"memory.available":  mi(soft),
			"nodefs.available":  "15%",
			"nodefs.inodesFree": "10%",
			"imagefs.available": "20%",
		},
		EvictionSoftGracePeriod: map[string]string{
			"memory.available":  "1m30s",
			"nodefs.available":  "2m0s",
			"nodefs.inodesFree": "2m0s",
			"imagefs.available": "2m0s",
		},
		EvictionMaxPodGracePeriod: 60,
		KubeReserved: map[string]string{
			"cpu":    strconv.FormatInt(kubeReservedCPU(k.Capacity.CPU.MilliValue()), 10) + "m",
			"memory": mi(kubeReservedMemory(mem)),
		},
		SystemReserved:                  map[string]string{"cpu": "100m", "memory": "128Mi"},
		EnforceNodeAllocatable:          []string{"pods"},
		ImageGCHighThresholdPercent:     ptr[int32](75),
		ImageGCLowThresholdPercent:      ptr[int32](65),
		MaxPods:                         k.MaxPods,
		ContainerLogMaxSize:             "10Mi",
		ContainerLogMaxFiles:            ptr[int32](5),
		ShutdownGracePeriod:             metav1.Duration{Duration: k.ShutdownGracePeriod},
		ShutdownGracePeriodCriticalPods: metav1.Duration{Duration: k.ShutdownGracePeriodCriticalPods},
	}
	kp := &cc.KubeProxyConfiguration{
		TypeMeta: metav1.TypeMeta{APIVersion: "kubeproxy.config.k8s.io/v1alpha1", Kind: "KubeProxyConfiguration"},
		Mode:     string(k.ProxyMode),
	}
	return &KubeletResult{Kubelet: kc, KubeProxy: kp}, nil
}

// Allocatable returns what the kubelet leaves to pods on a node of
// Capacity: capacity minus both reservations and the hard memory eviction
// threshold, as the kubelet computes node allocatable.
func (r *KubeletResult) Allocatable(c NodeCapacity) (cpu, memory resource.Quantity, err error) {
	cpu, memory = c.CPU.DeepCopy(), c.Memory.DeepCopy()
	for _, m := range []map[string]string{r.Kubelet.KubeReserved, r.Kubelet.SystemReserved} {
		for name, v := range m {
			q, perr := resource.ParseQuantity(v)
			if perr != nil {
				return cpu, memory, fmt.Errorf("%s %q: %w", name, v, perr)
			}
			switch name {
			case "cpu":
				cpu.Sub(q)
			case "memory":
				memory.Sub(q)
			}
		}
	}
	q, perr := resource.ParseQuantity(r.Kubelet.EvictionHard["memory.available"])
	if perr != nil {
		return cpu, memory, perr
	}
	memory.Sub(q)
	return cpu, memory, nil
}
