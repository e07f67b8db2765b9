package baseline

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
)

// Defaults of LoadBalancer.
const (
	// DefaultLoadBalancerPort is the port HAProxy listens on. It differs from
	// the API server's 6443 because both run on the same control plane node
	// and the API server binds 6443 on every address.
	DefaultLoadBalancerPort int32 = 8443
	// DefaultVirtualRouterID is the VRRP router ID many distributions
	// preconfigure; it must be unique among the VRRP groups of the subnet.
	DefaultVirtualRouterID int32 = 51
	// DefaultHAProxyImage is the official HAProxy image, pinned to a 3.2
	// (long-term support) release. It runs as the image's haproxy user
	// (UID 99).
	DefaultHAProxyImage = "haproxy:3.2.25"
	// DefaultKeepalivedImage is the keepalived image the kubeadm
	// high-availability guide documents (kubernetes/kubeadm
	// docs/ha-considerations.md), pinned to the version it names. It reads
	// its configuration from /usr/local/etc/keepalived/keepalived.conf.
	DefaultKeepalivedImage = "osixia/keepalived:2.0.17"
)

// Paths on a control plane node that the load balancer's files go to.
const (
	StaticPodDir            = "/etc/kubernetes/manifests"
	HAProxyConfigPath       = "/etc/haproxy/haproxy.cfg"
	KeepalivedConfigPath    = "/etc/keepalived/keepalived.conf"
	KeepalivedCheckPath     = "/etc/keepalived/check_apiserver.sh"
	haproxyImageConfigPath  = "/usr/local/etc/haproxy/haproxy.cfg"
	keepalivedImageConfPath = "/usr/local/etc/keepalived/keepalived.conf"
	haproxyUID              = 99
)

// LoadBalancer is the API server load balancer of the kubeadm
// high-availability guide's software option, run as static Pods on every
// control plane node: keepalived holds a virtual IP (VIP) that VRRP moves to
// a node whose API server is ready, and HAProxy on each node forwards TCP to
// every API server whose /readyz answers 200.
//
// VRRP runs as version 3 over unicast between the node addresses, so it needs
// no multicast (often filtered in clouds) and carries no password (VRRPv3 has
// no authentication; the VRRPv2 "PASS" type sends it in clear text anyway).
// The VIP moves by gratuitous ARP or neighbour advertisement, which is why it
// must lie in the nodes' own subnet.
//
// The kubeadm endpoint is then Result.Endpoint: the VIP (or EndpointName, a
// DNS name the caller makes resolve to it) and Port.
type LoadBalancer struct {
	// VIP is the virtual IP address clients reach the API servers on.
	// Required; it must lie in Subnet and belong to no node.
	VIP string
	// EndpointName is an optional DNS name that resolves to VIP. When set it
	// is the endpoint host in the kubeadm files (both it and the VIP go into
	// the API server certificate); otherwise the VIP is.
	EndpointName string
	// Subnet is the CIDR of the network that carries the VIP, "10.0.0.0/24".
	// Required: every node address and the VIP must lie in it.
	Subnet string
	// Interface is the network interface on Subnet on every node, "eth0".
	// Required.
	Interface string
	// Port is the port HAProxy listens on, the endpoint port; default
	// DefaultLoadBalancerPort. It must differ from APIServerPort.
	Port int32
	// APIServerPort is the port every API server listens on; default
	// DefaultAPIServerPort.
	APIServerPort int32
	// VirtualRouterID is the VRRP router ID (1-255); default
	// DefaultVirtualRouterID. Every VRRP group on the subnet needs its own.
	VirtualRouterID int32
	// Nodes are the control plane nodes. Each runs keepalived and HAProxy
	// and is a backend of every HAProxy. At least two.
	Nodes []LoadBalancerNode
	// HAProxyImage defaults to DefaultHAProxyImage; KeepalivedImage to
	// DefaultKeepalivedImage. Both must be pinned to a tag or digest.
	HAProxyImage    string
	KeepalivedImage string
}

// LoadBalancerNode is one control plane node of the load balancer. Name and
// Address mirror ControlPlaneNode.
type LoadBalancerNode struct {
	// Name is the node name (a DNS-1123 subdomain).
	Name string
	// Address is the node's IP address in the load balancer's Subnet; its
	// API server listens there and VRRP speaks from it.
	Address string
	// Priority is the node's VRRP priority (1-254): the ready node with the
	// highest holds the VIP. Zero means by position: the first node gets
	// 100+len(Nodes)-1, the last 100. No two nodes may share a priority, or
	// VRRP falls back to comparing addresses and the choice is no longer
	// the operator's.
	Priority int32
}

// LoadBalancerResult is the load balancer of every control plane node.
type LoadBalancerResult struct {
	// Endpoint is the address to put into HA.Endpoint: the VIP or
	// EndpointName, with Port.
	Endpoint Endpoint
	// CertSANs must be in the API server certificate (HA.CertSANs): the VIP
	// and, when set, EndpointName.
	CertSANs []string
	// Nodes are the per-node files, in the order of LoadBalancer.Nodes.
	Nodes []LoadBalancerNodeResult
}

// LoadBalancerNodeResult is what one control plane node runs.
type LoadBalancerNodeResult struct {
	// Name is the node name.
	Name string
	// Priority is the node's effective VRRP priority.
	Priority int32
	// HAProxy and Keepalived are the static Pods for StaticPodDir.
	HAProxy, Keepalived *corev1.Pod
	// HAProxyConfig, KeepalivedConfig and CheckScript are the contents of
	// HAProxyConfigPath, KeepalivedConfigPath and KeepalivedCheckPath.
	HAProxyConfig, KeepalivedConfig, CheckScript []byte
}

// NodeDir is the directory of a node's files in the output tree,
// "controlplane/<node>": its contents mirror the node's root file system, so
// "controlplane/cp-1/etc/haproxy/haproxy.cfg" goes to /etc/haproxy/haproxy.cfg
// on cp-1.
func NodeDir(node string) string { return "controlplane/" + node }

// Files returns, per node, the two static Pod manifests, the HAProxy and
// keepalived configurations and the health check script (mode 0755), under
// NodeDir(node) at their paths on the node.
func (r *LoadBalancerResult) Files() []prodkube.File {
	var files []prodkube.File
	for _, n := range r.Nodes {
		dir := NodeDir(n.Name)
		for _, p := range []*corev1.Pod{n.HAProxy, n.Keepalived} {
			b, err := prodkube.MarshalYAML(p)
			if err != nil {
				// The Pods are built by Build from validated input; a
				// failure here is a bug, reported in the file rather
				// than by a panic.
				b = []byte("# encoding failed: " + strings.ReplaceAll(err.Error(), "\n", " ") + "\n")
			}
			files = append(files, prodkube.File{Path: dir + StaticPodDir + "/" + p.Name + ".yaml", Content: b})
		}
		files = append(files,
			prodkube.File{Path: dir + HAProxyConfigPath, Content: n.HAProxyConfig},
			prodkube.File{Path: dir + KeepalivedConfigPath, Content: n.KeepalivedConfig},
			prodkube.File{Path: dir + KeepalivedCheckPath, Content: n.CheckScript, Mode: 0o755},
		)
	}
	return files
}

func (l LoadBalancer) withDefaults() LoadBalancer {
	if l.Port == 0 {
		l.Port = DefaultLoadBalancerPort
	}
	if l.APIServerPort == 0 {
		l.APIServerPort = DefaultAPIServerPort
	}
	if l.VirtualRouterID == 0 {
		l.VirtualRouterID = DefaultVirtualRouterID
	}
	if l.HAProxyImage == "" {
		l.HAProxyImage = DefaultHAProxyImage
	}
	if l.KeepalivedImage == "" {
		l.KeepalivedImage = DefaultKeepalivedImage
	}
	nodes := make([]LoadBalancerNode, len(l.Nodes))
	copy(nodes, l.Nodes)
	for i := range nodes {
		if nodes[i].Priority == 0 {
			nodes[i].Priority = int32(100 + len(nodes) - 1 - i)
		}
	}
	l.Nodes = nodes
	return l
}

// Validate reports every problem of the spec, each with its field path.
func (l LoadBalancer) Validate() field.ErrorList {
	_, errs := l.resolve()
	return errs
}

func (l LoadBalancer) resolve() (LoadBalancer, field.ErrorList) {
	l = l.withDefaults()
	var errs field.ErrorList
	subnet, err := netip.ParsePrefix(l.Subnet)
	subnetOK := err == nil && subnet == subnet.Masked()
	switch {
	case l.Subnet == "":
		errs = append(errs, field.Required(field.NewPath("subnet"), `the CIDR of the nodes' network, such as "10.0.0.0/24"`))
	case !subnetOK:
		errs = append(errs, field.Invalid(field.NewPath("subnet"), l.Subnet, `must be a network in CIDR notation with no host bits set, such as "10.0.0.0/24"`))
	}
	inSubnet := func(p *field.Path, s string, what string) (netip.Addr, bool) {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" || a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() || a.IsLinkLocalUnicast() {
			errs = append(errs, field.Invalid(p, s, "must be a unicast IP address other nodes can reach"))
			return a, false
		}
		if subnetOK && !subnet.Contains(a) {
			errs = append(errs, field.Invalid(p, s, fmt.Sprintf("%s must lie in the nodes' subnet %s: VRRP moves the VIP by ARP/neighbour discovery, which does not cross routers", what, subnet)))
			return a, false
		}
		if subnetOK && a.Is4() && subnet.Bits() < 31 {
			last := lastAddr(subnet)
			if a == subnet.Addr() || a == last {
				errs = append(errs, field.Invalid(p, s, fmt.Sprintf("is the network or broadcast address of %s", subnet)))
				return a, false
			}
		}
		return a, true
	}
	var vip netip.Addr
	if l.VIP == "" {
		errs = append(errs, field.Required(field.NewPath("vip"), "the virtual IP address the API servers are reached on"))
	} else {
		vip, _ = inSubnet(field.NewPath("vip"), l.VIP, "the VIP")
	}
	if l.EndpointName != "" {
		for _, msg := range validation.IsDNS1123Subdomain(l.EndpointName) {
			errs = append(errs, field.Invalid(field.NewPath("endpointName"), l.EndpointName, msg))
		}
	}
	if l.Interface == "" {
		errs = append(errs, field.Required(field.NewPath("interface"), `the network interface on the subnet, such as "eth0"`))
	} else if !validInterfaceName(l.Interface) {
		errs = append(errs, field.Invalid(field.NewPath("interface"), l.Interface, "must be a Linux interface name: 1-15 characters of letters, digits, '.', '-', '_', '@'"))
	}
	for _, pp := range []struct {
		name string
		v    int32
	}{{"port", l.Port}, {"apiServerPort", l.APIServerPort}} {
		if pp.v < 1 || pp.v > 65535 {
			errs = append(errs, field.Invalid(field.NewPath(pp.name), pp.v, "must be between 1 and 65535"))
		}
	}
	if l.Port == l.APIServerPort {
		errs = append(errs, field.Invalid(field.NewPath("port"), l.Port, "must differ from apiServerPort: HAProxy runs on the same nodes as the API servers, which bind their port on every address"))
	}
	if l.VirtualRouterID < 1 || l.VirtualRouterID > 255 {
		errs = append(errs, field.Invalid(field.NewPath("virtualRouterID"), l.VirtualRouterID, "must be between 1 and 255"))
	}
	for _, im := range []struct {
		name, v string
	}{{"haproxyImage", l.HAProxyImage}, {"keepalivedImage", l.KeepalivedImage}} {
		if !pinnedImage(im.v) {
			errs = append(errs, field.Invalid(field.NewPath(im.name), im.v, "must be an image pinned to a tag other than latest or to a digest"))
		}
	}
	np := field.NewPath("nodes")
	if len(l.Nodes) < 2 {
		errs = append(errs, field.Invalid(np, len(l.Nodes), fmt.Sprintf("a VIP that can move needs at least 2 nodes; got %d", len(l.Nodes))))
	}
	names := map[string]bool{}
	addrs := map[netip.Addr]bool{}
	prios := map[int32]int{}
	for i, n := range l.Nodes {
		p := np.Index(i)
		if n.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "the node name"))
		} else {
			for _, msg := range validation.IsDNS1123Subdomain(n.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), n.Name, msg))
			}
			if names[n.Name] {
				errs = append(errs, field.Duplicate(p.Child("name"), n.Name))
			}
			names[n.Name] = true
		}
		if n.Address == "" {
			errs = append(errs, field.Required(p.Child("address"), "the node's IP address in the subnet"))
		} else if a, ok := inSubnet(p.Child("address"), n.Address, "the node address"); ok {
			if addrs[a] {
				errs = append(errs, field.Duplicate(p.Child("address"), n.Address))
			}
			if vip.IsValid() && a == vip {
				errs = append(errs, field.Invalid(p.Child("address"), n.Address, "must differ from the VIP, which moves between nodes"))
			}
			if vip.IsValid() && a.Is4() != vip.Is4() {
				errs = append(errs, field.Invalid(p.Child("address"), n.Address, "must be of the VIP's address family"))
			}
			addrs[a] = true
		}
		if n.Priority < 1 || n.Priority > 254 {
			errs = append(errs, field.Invalid(p.Child("priority"), n.Priority, "must be between 1 and 254 (255 is reserved for the owner of the address)"))
		} else if j, dup := prios[n.Priority]; dup {
			errs = append(errs, field.Invalid(p.Child("priority"), n.Priority, fmt.Sprintf("equals the priority of nodes[%d]: every node needs its own VRRP priority, or the VIP's owner is decided by address comparison", j)))
		} else {
			prios[n.Priority] = i
		}
	}
	return l, errs
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	host := 32 - p.Bits()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= (1 << host) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func validInterfaceName(s string) bool {
	if len(s) == 0 || len(s) > 15 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '@') {
			return false
		}
	}
	return true
}

// pinnedImage accepts a reference with a tag other than latest or a digest,
// made only of the characters image references use.
func pinnedImage(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\n\"'\\$`") {
		return false
	}
	if strings.Contains(s, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(s, "/")
	colon := strings.LastIndex(s, ":")
	if colon <= slash || colon == len(s)-1 {
		return false
	}
	return s[colon+1:] != "latest"
}

// Build validates the spec and renders every node's static Pods and
// configuration.
func (l LoadBalancer) Build() (*LoadBalancerResult, error) {
	l, errs := l.resolve()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	r := &LoadBalancerResult{Endpoint: Endpoint{Host: l.VIP, Port: l.Port}, CertSANs: []string{l.VIP}}
	if l.EndpointName != "" {
		r.Endpoint.Host = l.EndpointName
		r.CertSANs = append(r.CertSANs, l.EndpointName)
	}
	top := int32(0)
	for _, n := range l.Nodes {
		top = max(top, n.Priority)
	}
	for _, n := range l.Nodes {
		r.Nodes = append(r.Nodes, LoadBalancerNodeResult{
			Name:             n.Name,
			Priority:         n.Priority,
			HAProxy:          l.haproxyPod(),
			Keepalived:       l.keepalivedPod(),
			HAProxyConfig:    l.haproxyConfig(),
			KeepalivedConfig: l.keepalivedConfig(n, n.Priority == top),
			CheckScript:      l.checkScript(),
		})
	}
	return r, nil
}

// haproxyConfig forwards TCP, so TLS ends at the API servers and clients
// verify them end to end. The health check opens TLS to each API server
// and asks /readyz (readable without credentials through the
// system:public-info-viewer role); it does not verify the certificate,
// because it only decides whether to send traffic, never carries any.
// Timeouts are long because watches hold connections open.
func (l LoadBalancer) haproxyConfig() []byte {
	var b strings.Builder
	b.WriteString(`global
    log stdout format raw local0 info
    maxconn 20000

defaults
    mode tcp
    log global
    option tcplog
    option dontlognull
    retries 1
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout client-fin 30s
    timeout server-fin 30s
    timeout check 5s

frontend kube-apiserver
`)
	fmt.Fprintf(&b, "    bind :%d\n", l.Port)
	b.WriteString(`    default_backend kube-apiserver

backend kube-apiserver
    balance roundrobin
    option httpchk
    http-check connect ssl
    http-check send meth GET uri /readyz
    http-check expect status 200
    default-server check verify none inter 2s fall 3 rise 2
`)
	for _, n := range l.Nodes {
		fmt.Fprintf(&b, "    server %s %s\n", n.Name, hostPort(n.Address, l.APIServerPort))
	}
	return []byte(b.String())
}

// keepalivedConfig holds the VIP on the ready node with the highest
// priority. A failing check puts the instance into FAULT, which releases
// the VIP at once. enable_script_security refuses to run a script that a
// non-root user could change; the script runs as root inside the container
// (it only calls curl and ip) because keepalived 2.2.7, Debian 12's, dies in
// its own configuration test when script_user names another user
// (acassen/keepalived#2617, fixed in 2.2.8).
func (l LoadBalancer) keepalivedConfig(self LoadBalancerNode, master bool) []byte {
	state := "BACKUP"
	if master {
		state = "MASTER"
	}
	prefix, _ := netip.ParsePrefix(l.Subnet)
	var b strings.Builder
	fmt.Fprintf(&b, `global_defs {
    router_id %s
    vrrp_version 3
    enable_script_security
    script_user root
}

vrrp_script check_apiserver {
    script "%s"
    interval 3
    timeout 5
    fall 3
    rise 2
}

vrrp_instance kube_apiserver {
    state %s
    interface %s
    virtual_router_id %d
    priority %d
    advert_int 1
    unicast_src_ip %s
    unicast_peer {
`, self.Name, KeepalivedCheckPath, state, l.Interface, l.VirtualRouterID, self.Priority, self.Address)
	for _, n := range l.Nodes {
		if n.Name != self.Name {
			fmt.Fprintf(&b, "        %s\n", n.Address)
		}
	}
	fmt.Fprintf(&b, `    }
    virtual_ipaddress {
        %s/%d dev %s
    }
    track_script {
        check_apiserver
    }
}
`, l.VIP, prefix.Bits(), l.Interface)
	return []byte(b.String())
}

// checkScript fails unless the local API server is ready and, on the node
// holding the VIP, HAProxy answers through it.
func (l LoadBalancer) checkScript() []byte {
	return []byte(fmt.Sprintf(`#!/bin/sh
# Health check of keepalived: exit 0 only if this node should hold the VIP.
set -u
fail() { echo "check_apiserver: $*" >&2; exit 1; }
curl --silent --fail --insecure --max-time 2 -o /dev/null "https://%s/readyz" || fail "local kube-apiserver is not ready"
if ip -o addr show dev %s | grep -qF " %s/"; then
    curl --silent --fail --insecure --max-time 2 -o /dev/null "https://%s/readyz" || fail "HAProxy does not answer on the VIP"
fi
`, hostPort(loopbackFor(l.VIP), l.APIServerPort), l.Interface, l.VIP, hostPort(l.VIP, l.Port)))
}

func loopbackFor(vip string) string {
	if a, err := netip.ParseAddr(vip); err == nil && a.Is6() {
		return "::1"
	}
	return "127.0.0.1"
}

func hostPathVolume(name, path string, t corev1.HostPathType) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path, Type: &t}}}
}

func staticPodMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      name,
		Namespace: "kube-system",
		Labels:    map[string]string{"component": name, "tier": "control-plane"},
	}
}

func resources(cpu, mem, memLimit string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memLimit)},
	}
}

// haproxyPod runs HAProxy unprivileged: non-root (the image's haproxy user),
// no capabilities (its port is above 1024), read-only root file system.
func (l LoadBalancer) haproxyPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: staticPodMeta("haproxy"),
		Spec: corev1.PodSpec{
			HostNetwork:       true,
			PriorityClassName: "system-node-critical",
			SecurityContext:   &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name:      "haproxy",
				Image:     l.HAProxyImage,
				Resources: resources("25m", "32Mi", "256Mi"),
				LivenessProbe: &corev1.Probe{
					ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(l.Port)}},
					PeriodSeconds:    10,
					FailureThreshold: 3,
				},
				SecurityContext: &corev1.SecurityContext{
					RunAsNonRoot:             ptr(true),
					RunAsUser:                ptr[int64](haproxyUID),
					RunAsGroup:               ptr[int64](haproxyUID),
					AllowPrivilegeEscalation: ptr(false),
					ReadOnlyRootFilesystem:   ptr(true),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
				VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: haproxyImageConfigPath, ReadOnly: true}},
			}},
			Volumes: []corev1.Volume{hostPathVolume("config", HAProxyConfigPath, corev1.HostPathFile)},
		},
	}
}

// keepalivedPod needs NET_ADMIN (to add the VIP), NET_BROADCAST and NET_RAW
// (VRRP is its own IP protocol, gratuitous ARP) on the host network, so it
// belongs in a namespace at Pod Security level privileged: kube-system.
func (l LoadBalancer) keepalivedPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: staticPodMeta("keepalived"),
		Spec: corev1.PodSpec{
			HostNetwork:       true,
			PriorityClassName: "system-node-critical",
			SecurityContext:   &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name:      "keepalived",
				Image:     l.KeepalivedImage,
				Resources: resources("10m", "16Mi", "128Mi"),
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr(false),
					Capabilities:             &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "NET_BROADCAST", "NET_RAW"}},
				},
				VolumeMounts: []corev1.VolumeMount{
					{Name: "config", MountPath: keepalivedImageConfPath, ReadOnly: true},
					{Name: "check", MountPath: KeepalivedCheckPath, ReadOnly: true},
				},
			}},
			Volumes: []corev1.Volume{
				hostPathVolume("config", KeepalivedConfigPath, corev1.HostPathFile),
				hostPathVolume("check", KeepalivedCheckPath, corev1.HostPathFile),
			},
		},
	}
}
