package baseline

import (
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/version"
)

// APIVersion is a kubeadm configuration API version.
type APIVersion string

const (
	// KubeadmV1Beta4 is kubeadm.k8s.io/v1beta4, read by kubeadm v1.31 and
	// later and the only version kubeadm v1.37 reads.
	KubeadmV1Beta4 APIVersion = "kubeadm.k8s.io/v1beta4"
	// KubeadmV1Beta3 is kubeadm.k8s.io/v1beta3, written by kubeadm v1.22 to
	// v1.30, still read (deprecated) by v1.31 to v1.36 and refused by v1.37.
	KubeadmV1Beta3 APIVersion = "kubeadm.k8s.io/v1beta3"
)

// Defaults applied by HA when a field is left empty. The etcd client paths
// are the ones kubeadm itself uses, so certificates placed where kubeadm
// expects them need no further configuration.
const (
	DefaultAPIServerPort int32 = 6443
	DefaultClusterName         = "kubernetes"
	DefaultPodSubnet           = "10.244.0.0/16"
	DefaultServiceSubnet       = "10.96.0.0/12"
	DefaultDNSDomain           = "cluster.local"
	DefaultEtcdDataDir         = "/var/lib/etcd"
	DefaultEtcdCAFile          = "/etc/kubernetes/pki/etcd/ca.crt"
	DefaultEtcdCertFile        = "/etc/kubernetes/pki/apiserver-etcd-client.crt"
	DefaultEtcdKeyFile         = "/etc/kubernetes/pki/apiserver-etcd-client.key"
	// DefaultDiscoveryFile is where join configurations expect the discovery
	// kubeconfig (see HA.DiscoveryFile).
	DefaultDiscoveryFile = "/etc/kubernetes/discovery.conf"
)

// minimum number of control plane nodes for an HA control plane.
const minControlPlaneNodes = 3

// HA describes a highly available control plane bootstrapped with kubeadm.
//
// Build renders kubeadm configuration files that contain no secret:
//
//   - join files discover the cluster from a kubeconfig at DiscoveryFile
//     (kubeadm "file discovery"). Create it on the joining node just before
//     "kubeadm join": take the public cluster-info kubeconfig
//     (kubectl -n kube-public get configmap cluster-info -o
//     jsonpath='{.data.kubeconfig}') and add a user whose token is a fresh,
//     short-lived bootstrap token ("kubeadm token create --ttl 1h"). The
//     token lives only in that file on that node and expires.
//   - control plane join files carry no certificateKey: either copy the
//     shared certificates (ca, sa, front-proxy-ca and, for stacked etcd,
//     etcd/ca; for external etcd the etcd CA and client pair) to
//     /etc/kubernetes/pki before joining, or add the key printed by
//     "kubeadm init phase upload-certs --upload-certs" to a copy of the file
//     on the node. kubeadm does not accept --token, --discovery-token-ca-cert-hash
//     or --certificate-key together with --config, which is why both are
//     files on the node rather than flags.
type HA struct {
	// KubernetesVersion is the control plane version, "v1.37.2". Required.
	// It picks the kubeadm API version unless APIVersion is set.
	KubernetesVersion string
	// APIVersion forces a kubeadm API version. Empty picks v1beta4 from
	// Kubernetes 1.31 and v1beta3 below. v1beta3 may be asked for explicitly
	// up to 1.36; it is refused from 1.37, whose kubeadm no longer reads it.
	APIVersion APIVersion
	// ClusterName names the cluster in kubeconfig files; default "kubernetes".
	ClusterName string
	// Endpoint is the load balancer in front of the API servers.
	Endpoint Endpoint
	// ControlPlaneNodes are the control plane machines; the first runs
	// "kubeadm init", the others join. At least three.
	ControlPlaneNodes []ControlPlaneNode
	// Etcd selects stacked etcd (the zero value) or an external cluster.
	Etcd Etcd
	// Networking holds the pod and service subnets and the DNS domain.
	Networking Networking
	// CertSANs are extra names or IPs for the API server certificate. The
	// endpoint host is always included.
	CertSANs []string
	// DiscoveryFile is the absolute path (or https:// URL) of the discovery
	// kubeconfig that join files reference; default DefaultDiscoveryFile.
	DiscoveryFile string
	// Workers are worker groups that each get a join-worker-<name>.yaml in
	// addition to the generic join-worker.yaml.
	Workers []WorkerJoin
	// AllowZoneQuorumLoss permits a zone to hold a majority of the control
	// plane nodes. By default no zone may, so that losing any one zone keeps
	// etcd quorum and a working control plane. Setting it accepts that a
	// single zone outage can take the cluster down.
	AllowZoneQuorumLoss bool
}

// Endpoint is the shared address of the control plane.
type Endpoint struct {
	// Host is a DNS name or IP address without scheme or port.
	Host string
	// Port defaults to 6443.
	Port int32
}

// ControlPlaneNode is one control plane machine.
type ControlPlaneNode struct {
	// Name is the node name (a DNS-1123 subdomain).
	Name string
	// Address is the IP address its API server advertises.
	Address string
	// Zone is the failure domain it runs in. The kubelet labels the node
	// topology.kubernetes.io/zone with it.
	Zone string
}

// Etcd selects stacked or external etcd.
type Etcd struct {
	// External, when set, points the API servers at an etcd cluster run
	// outside kubeadm. Nil means stacked etcd on the control plane nodes.
	External *ExternalEtcd
}

// ExternalEtcd is an etcd cluster run outside kubeadm.
type ExternalEtcd struct {
	// Endpoints are the https:// client URLs; at least three, odd, unique.
	Endpoints []string
	// CAFile defaults to DefaultEtcdCAFile.
	CAFile string
	// CertFile defaults to DefaultEtcdCertFile.
	CertFile string
	// KeyFile defaults to DefaultEtcdKeyFile.
	KeyFile string
}

// Networking holds the cluster's address ranges.
type Networking struct {
	// PodSubnet defaults to DefaultPodSubnet.
	PodSubnet string
	// ServiceSubnet defaults to DefaultServiceSubnet.
	ServiceSubnet string
	// DNSDomain defaults to DefaultDNSDomain.
	DNSDomain string
}

// WorkerJoin is a group of worker nodes that join with the same taints and
// labels, such as a node pool. It renders to join-worker-<Name>.yaml.
type WorkerJoin struct {
	// Name names the group and the file (a DNS-1123 label).
	Name string
	// Taints are registered with every node of the group.
	Taints []corev1.Taint
	// NodeLabels are set by the kubelet (--node-labels). Keys in the
	// kubernetes.io and k8s.io namespaces are limited to the ones a kubelet
	// may set on itself (node.kubernetes.io/..., kubelet.kubernetes.io/...,
	// topology and instance-type labels); others must be set by an admin.
	NodeLabels map[string]string
	// Zone, when set, labels the nodes topology.kubernetes.io/zone, which
	// the zone spread of production workloads needs where no cloud
	// provider sets it. Use one group per zone.
	Zone string
}

// labels returns the node labels including the zone.
func (w WorkerJoin) labels() map[string]string {
	if w.Zone == "" {
		return w.NodeLabels
	}
	l := copyMap(w.NodeLabels)
	if l == nil {
		l = map[string]string{}
	}
	l[corev1.LabelTopologyZone] = w.Zone
	return l
}

// withDefaults returns a copy of h with defaults filled in. Slices are not
// shared with the caller's spec.
func (h HA) withDefaults() HA {
	if h.ClusterName == "" {
		h.ClusterName = DefaultClusterName
	}
	if h.Endpoint.Port == 0 {
		h.Endpoint.Port = DefaultAPIServerPort
	}
	if h.Networking.PodSubnet == "" {
		h.Networking.PodSubnet = DefaultPodSubnet
	}
	if h.Networking.ServiceSubnet == "" {
		h.Networking.ServiceSubnet = DefaultServiceSubnet
	}
	if h.Networking.DNSDomain == "" {
		h.Networking.DNSDomain = DefaultDNSDomain
	}
	if h.DiscoveryFile == "" {
		h.DiscoveryFile = DefaultDiscoveryFile
	}
	if h.Etcd.External != nil {
		e := *h.Etcd.External
		if e.CAFile == "" {
			e.CAFile = DefaultEtcdCAFile
		}
		if e.CertFile == "" {
			e.CertFile = DefaultEtcdCertFile
		}
		if e.KeyFile == "" {
			e.KeyFile = DefaultEtcdKeyFile
		}
		h.Etcd.External = &e
	}
	return h
}

// Validate reports every problem of the spec, each with its field path.
func (h HA) Validate() field.ErrorList {
	_, errs := h.resolve()
	return errs
}

// resolve applies defaults, validates and picks the API version.
func (h HA) resolve() (HA, field.ErrorList) {
	h = h.withDefaults()
	var errs field.ErrorList
	_, verrs := resolveAPIVersion(h.KubernetesVersion, h.APIVersion, field.NewPath("kubernetesVersion"), field.NewPath("apiVersion"))
	errs = append(errs, verrs...)
	if h.ClusterName != DefaultClusterName {
		for _, msg := range validation.IsDNS1123Subdomain(h.ClusterName) {
			errs = append(errs, field.Invalid(field.NewPath("clusterName"), h.ClusterName, msg))
		}
	}
	errs = append(errs, validateEndpoint(h.Endpoint, field.NewPath("endpoint"))...)
	errs = append(errs, h.validateNodes(field.NewPath("controlPlaneNodes"))...)
	errs = append(errs, validateExternalEtcd(h.Etcd.External, field.NewPath("etcd", "external"))...)
	errs = append(errs, validateNetworking(h.Networking, field.NewPath("networking"))...)
	for i, san := range h.CertSANs {
		errs = append(errs, validateSAN(san, field.NewPath("certSANs").Index(i))...)
	}
	errs = append(errs, validateDiscoveryFile(h.DiscoveryFile, field.NewPath("discoveryFile"))...)
	names := map[string]bool{}
	for i, w := range h.Workers {
		p := field.NewPath("workers").Index(i)
		errs = append(errs, w.validate(p)...)
		if names[w.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), w.Name))
		}
		names[w.Name] = true
	}
	return h, errs
}

// resolveAPIVersion parses the Kubernetes version and returns the kubeadm API
// version to render, checking an explicit choice against it.
func resolveAPIVersion(kv string, api APIVersion, vPath, aPath *field.Path) (APIVersion, field.ErrorList) {
	if kv == "" {
		return "", field.ErrorList{field.Required(vPath, `a Kubernetes version such as "v1.37.2" picks the kubeadm API version`)}
	}
	v, err := version.Parse(kv)
	if err != nil {
		return "", field.ErrorList{field.Invalid(vPath, kv, err.Error())}
	}
	if v.Major != 1 || !v.AtLeast(1, 22) {
		return "", field.ErrorList{field.Invalid(vPath, kv, "must be v1.22 or later (the oldest release with a kubeadm API prodkube writes, v1beta3)")}
	}
	switch api {
	case "":
		if v.AtLeast(1, 31) {
			return KubeadmV1Beta4, nil
		}
		return KubeadmV1Beta3, nil
	case KubeadmV1Beta4:
		if !v.AtLeast(1, 31) {
			return "", field.ErrorList{field.Invalid(aPath, string(api), fmt.Sprintf("kubeadm reads v1beta4 from v1.31; Kubernetes %s needs kubeadm.k8s.io/v1beta3", v))}
		}
		return api, nil
	case KubeadmV1Beta3:
		if v.AtLeast(1, 37) {
			return "", field.ErrorList{field.Invalid(aPath, string(api), fmt.Sprintf("kubeadm %s no longer reads v1beta3 (last read by v1.36); use kubeadm.k8s.io/v1beta4", v.MinorString()))}
		}
		return api, nil
	default:
		return "", field.ErrorList{field.NotSupported(aPath, string(api), []string{string(KubeadmV1Beta4), string(KubeadmV1Beta3)})}
	}
}

func validateEndpoint(e Endpoint, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	hp := p.Child("host")
	switch {
	case e.Host == "":
		errs = append(errs, field.Required(hp, "the load balancer DNS name or IP address in front of the API servers"))
	case strings.Contains(e.Host, "://") || strings.ContainsAny(e.Host, ":/%"):
		if a, err := netip.ParseAddr(e.Host); err != nil || a.Zone() != "" {
			errs = append(errs, field.Invalid(hp, e.Host, "must be a bare DNS name or IP address, without scheme, port or path"))
		}
	default:
		if _, err := netip.ParseAddr(e.Host); err != nil {
			for _, msg := range validation.IsDNS1123Subdomain(e.Host) {
				errs = append(errs, field.Invalid(hp, e.Host, msg))
			}
		}
	}
	if e.Port < 1 || e.Port > 65535 {
		errs = append(errs, field.Invalid(p.Child("port"), e.Port, "must be between 1 and 65535"))
	}
	return errs
}

func (h HA) validateNodes(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := len(h.ControlPlaneNodes)
	if n < minControlPlaneNodes {
		errs = append(errs, field.Invalid(p, n, fmt.Sprintf("an HA control plane needs at least %d control plane nodes; got %d", minControlPlaneNodes, n)))
	}
	if h.Etcd.External == nil && n >= minControlPlaneNodes && n%2 == 0 {
		errs = append(errs, field.Invalid(p, n, fmt.Sprintf("must be an odd number of control plane nodes with stacked etcd (each runs an etcd member; an even count adds no fault tolerance); got %d", n)))
	}
	names := map[string]bool{}
	addrs := map[netip.Addr]bool{}
	zones := map[string]int{}
	for i, node := range h.ControlPlaneNodes {
		np := p.Index(i)
		if node.Name == "" {
			errs = append(errs, field.Required(np.Child("name"), "the node name"))
		} else {
			for _, msg := range validation.IsDNS1123Subdomain(node.Name) {
				errs = append(errs, field.Invalid(np.Child("name"), node.Name, msg))
			}
			if names[node.Name] {
				errs = append(errs, field.Duplicate(np.Child("name"), node.Name))
			}
			names[node.Name] = true
		}
		if node.Address == "" {
			errs = append(errs, field.Required(np.Child("address"), "the IP address the node's API server advertises"))
		} else if a, err := netip.ParseAddr(node.Address); err != nil || a.Zone() != "" {
			errs = append(errs, field.Invalid(np.Child("address"), node.Address, "must be an IP address"))
		} else {
			if a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() {
				errs = append(errs, field.Invalid(np.Child("address"), node.Address, "must be a unicast address other nodes can reach"))
			}
			if addrs[a] {
				errs = append(errs, field.Duplicate(np.Child("address"), node.Address))
			}
			addrs[a] = true
		}
		switch {
		case node.Zone == "" && !h.AllowZoneQuorumLoss:
			errs = append(errs, field.Required(np.Child("zone"), "the failure domain is needed to spread the control plane across zones"))
		case node.Zone != "":
			for _, msg := range validation.IsValidLabelValue(node.Zone) {
				errs = append(errs, field.Invalid(np.Child("zone"), node.Zone, msg))
			}
			zones[node.Zone]++
		}
	}
	if !h.AllowZoneQuorumLoss && n >= minControlPlaneNodes {
		zs := make([]string, 0, len(zones))
		for z := range zones {
			zs = append(zs, z)
		}
		sort.Strings(zs)
		for _, z := range zs {
			if c := zones[z]; 2*c > n {
				errs = append(errs, field.Invalid(p, z, fmt.Sprintf("zone %q holds %d of %d control plane nodes, a majority: losing that zone loses etcd quorum; spread the nodes so that no zone holds more than %d (or set AllowZoneQuorumLoss)", z, c, n, (n-1)/2)))
			}
		}
	}
	return errs
}

func validateExternalEtcd(e *ExternalEtcd, p *field.Path) field.ErrorList {
	if e == nil {
		return nil
	}
	var errs field.ErrorList
	ep := p.Child("endpoints")
	n := len(e.Endpoints)
	switch {
	case n < 3:
		errs = append(errs, field.Invalid(ep, n, fmt.Sprintf("an HA etcd cluster needs at least 3 members; got %d", n)))
	case n%2 == 0:
		errs = append(errs, field.Invalid(ep, n, fmt.Sprintf("must be an odd number of etcd members (quorum); got %d", n)))
	}
	seen := map[string]bool{}
	for i, s := range e.Endpoints {
		u, err := url.Parse(s)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(ep.Index(i), s, "must be an https:// URL"))
		case u.Scheme != "https":
			errs = append(errs, field.Invalid(ep.Index(i), s, "must use https:// (etcd traffic carries every Secret)"))
		case u.Host == "" || u.Hostname() == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
			errs = append(errs, field.Invalid(ep.Index(i), s, "must be https://host:port with no user, path, query or fragment"))
		}
		if seen[s] {
			errs = append(errs, field.Duplicate(ep.Index(i), s))
		}
		seen[s] = true
	}
	errs = append(errs, validateAbsPath(e.CAFile, p.Child("caFile"))...)
	errs = append(errs, validateAbsPath(e.CertFile, p.Child("certFile"))...)
	errs = append(errs, validateAbsPath(e.KeyFile, p.Child("keyFile"))...)
	return errs
}

// isCleanAbsPath reports whether s is an absolute path that path.Clean
// leaves as it is, without NUL or newline.
func isCleanAbsPath(s string) bool {
	return path.IsAbs(s) && path.Clean(s) == s && !strings.ContainsAny(s, "\x00\n")
}

func validateAbsPath(s string, p *field.Path) field.ErrorList {
	if !isCleanAbsPath(s) {
		return field.ErrorList{field.Invalid(p, s, "must be a clean absolute path")}
	}
	return nil
}

func validateNetworking(n Networking, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	pod, perrs := parseSubnet(n.PodSubnet, p.Child("podSubnet"))
	errs = append(errs, perrs...)
	if perrs == nil {
		// kubeadm's node CIDR mask defaults: /24 for IPv4, /64 for IPv6; the
		// pod subnet must hold at least one and at most 2^16 node ranges.
		node := 24
		if pod.Addr().Is6() {
			node = 64
		}
		if b := pod.Bits(); b > node || node-b > 16 {
			errs = append(errs, field.Invalid(p.Child("podSubnet"), n.PodSubnet, fmt.Sprintf("prefix length must be between /%d and /%d (per-node ranges are /%d)", node-16, node, node)))
		}
	}
	svc, serrs := parseSubnet(n.ServiceSubnet, p.Child("serviceSubnet"))
	errs = append(errs, serrs...)
	if serrs == nil {
		host := svc.Addr().BitLen() - svc.Bits()
		if host > 20 || host < 4 {
			errs = append(errs, field.Invalid(p.Child("serviceSubnet"), n.ServiceSubnet, fmt.Sprintf("must hold between 16 and 2^20 addresses (prefix /%d to /%d)", svc.Addr().BitLen()-20, svc.Addr().BitLen()-4)))
		}
	}
	if perrs == nil && serrs == nil && pod.Overlaps(svc) {
		errs = append(errs, field.Invalid(p.Child("serviceSubnet"), n.ServiceSubnet, fmt.Sprintf("overlaps the pod subnet %s", n.PodSubnet)))
	}
	for _, msg := range validation.IsDNS1123Subdomain(n.DNSDomain) {
		errs = append(errs, field.Invalid(p.Child("dnsDomain"), n.DNSDomain, msg))
	}
	return errs
}

func parseSubnet(s string, p *field.Path) (netip.Prefix, field.ErrorList) {
	pr, err := netip.ParsePrefix(s)
	if err != nil {
		return pr, field.ErrorList{field.Invalid(p, s, "must be a CIDR such as 10.244.0.0/16")}
	}
	if pr.Masked() != pr {
		return pr, field.ErrorList{field.Invalid(p, s, fmt.Sprintf("has host bits set; the network is %s", pr.Masked()))}
	}
	return pr, nil
}

// validateSAN accepts what kubeadm accepts in certSANs: a DNS name, a
// wildcard DNS name or an IP address.
func validateSAN(s string, p *field.Path) field.ErrorList {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return nil
	}
	if len(validation.IsDNS1123Subdomain(s)) == 0 || len(validation.IsWildcardDNS1123Subdomain(s)) == 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(p, s, "must be an IP address, a DNS name or a wildcard DNS name")}
}

func validateDiscoveryFile(s string, p *field.Path) field.ErrorList {
	if strings.HasPrefix(s, "https://") {
		if u, err := url.Parse(s); err != nil || u.Host == "" {
			return field.ErrorList{field.Invalid(p, s, "must be an absolute path or an https:// URL")}
		}
		return nil
	}
	if !path.IsAbs(s) || path.Clean(s) != s || strings.ContainsAny(s, "\x00\n") {
		return field.ErrorList{field.Invalid(p, s, "must be a clean absolute path or an https:// URL")}
	}
	return nil
}

// Validate reports every problem of the worker group.
func (w WorkerJoin) Validate() field.ErrorList { return w.validate(nil) }

func (w WorkerJoin) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if w.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), "names the group and its file join-worker-<name>.yaml"))
	} else {
		for _, msg := range validation.IsDNS1123Label(w.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), w.Name, msg))
		}
	}
	errs = append(errs, validateTaints(w.Taints, p.Child("taints"))...)
	if w.Zone != "" {
		for _, msg := range validation.IsValidLabelValue(w.Zone) {
			errs = append(errs, field.Invalid(p.Child("zone"), w.Zone, msg))
		}
		if _, ok := w.NodeLabels[corev1.LabelTopologyZone]; ok {
			errs = append(errs, field.Forbidden(p.Child("nodeLabels").Key(corev1.LabelTopologyZone), "comes from zone"))
		}
	}
	keys := sortedKeys(w.NodeLabels)
	for _, k := range keys {
		v := w.NodeLabels[k]
		kp := p.Child("nodeLabels").Key(k)
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(kp, k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(kp, v, msg))
		}
		if strings.ContainsAny(k+v, ",") {
			errs = append(errs, field.Invalid(kp, k, "must not contain ','"))
		}
		if !kubeletMaySet(k) {
			errs = append(errs, field.Invalid(kp, k, "the kubelet may not set labels in the kubernetes.io or k8s.io namespaces on itself except node.kubernetes.io/*, kubelet.kubernetes.io/* and the well-known topology, os, arch, hostname and instance-type labels; label the node as an admin instead"))
		}
	}
	return errs
}

// kubeletSelfLabels are the kubernetes.io labels a kubelet may set on its
// own Node (the NodeRestriction admission rule).
var kubeletSelfLabels = map[string]bool{
	corev1.LabelHostname:                true,
	corev1.LabelTopologyZone:            true,
	corev1.LabelTopologyRegion:          true,
	corev1.LabelFailureDomainBetaZone:   true,
	corev1.LabelFailureDomainBetaRegion: true,
	corev1.LabelInstanceType:            true,
	corev1.LabelInstanceTypeStable:      true,
	corev1.LabelOSStable:                true,
	corev1.LabelArchStable:              true,
	"beta.kubernetes.io/os":             true,
	"beta.kubernetes.io/arch":           true,
}

func kubeletMaySet(key string) bool {
	prefix, _, ok := strings.Cut(key, "/")
	if !ok {
		return true
	}
	restricted := func(ns string) bool { return prefix == ns || strings.HasSuffix(prefix, "."+ns) }
	if !restricted("kubernetes.io") && !restricted("k8s.io") {
		return true
	}
	if kubeletSelfLabels[key] {
		return true
	}
	return restricted(corev1.LabelNamespaceSuffixKubelet) || restricted(corev1.LabelNamespaceSuffixNode)
}

// validateTaints checks taints the way the API server checks a Node's.
func validateTaints(taints []corev1.Taint, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, t := range taints {
		tp := p.Index(i)
		for _, msg := range validation.IsQualifiedName(t.Key) {
			errs = append(errs, field.Invalid(tp.Child("key"), t.Key, msg))
		}
		for _, msg := range validation.IsValidLabelValue(t.Value) {
			errs = append(errs, field.Invalid(tp.Child("value"), t.Value, msg))
		}
		switch t.Effect {
		case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			errs = append(errs, field.NotSupported(tp.Child("effect"), t.Effect, []string{string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)}))
		}
		if t.TimeAdded != nil {
			errs = append(errs, field.Forbidden(tp.Child("timeAdded"), "is set by the node controller, not at registration"))
		}
		id := t.Key + "\x00" + string(t.Effect)
		if seen[id] {
			errs = append(errs, field.Duplicate(tp, t.Key+":"+string(t.Effect)))
		}
		seen[id] = true
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// hostPort joins host and port the way kubeadm reads controlPlaneEndpoint.
func hostPort(host string, port int32) string {
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
		return "[" + host + "]:" + strconv.Itoa(int(port))
	}
	return host + ":" + strconv.Itoa(int(port))
}
