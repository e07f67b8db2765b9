package security

import (
	"github.com/prodkube/prodkube"

	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// namespaceNameLabel is set by the API server on every namespace to its own
// name, so a namespaceSelector can pick one namespace by name.
const namespaceNameLabel = "kubernetes.io/metadata.name"

// DefaultDeny describes a NetworkPolicy that selects every pod of a
// namespace and allows no traffic in or out. Everything else is then allowed
// by name with AllowDNS, Allow and AllowCIDR.
type DefaultDeny struct {
	Namespace string // required
	// Name of the policy. Default: "default-deny".
	Name string
}

// Validate reports every problem with the spec.
func (d DefaultDeny) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Label(d.Namespace) {
		errs = append(errs, names.Label(d.Namespace, field.NewPath("namespace"))...)
	}
	if d.Name != "" && !names.ValidDNS1123Subdomain(d.Name) {
		errs = append(errs, names.Subdomain(d.Name, field.NewPath("name"))...)
	}
	return errs
}

// Build returns the networking.k8s.io/v1 NetworkPolicy.
func (d DefaultDeny) Build() (*networkingv1.NetworkPolicy, error) {
	if errs := d.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	// The policy and its list of types are one allocation.
	b := &struct {
		policy networkingv1.NetworkPolicy
		types  [2]networkingv1.PolicyType
	}{types: [2]networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}
	b.policy = networkingv1.NetworkPolicy{
		TypeMeta:   netpolType,
		ObjectMeta: metav1.ObjectMeta{Name: orDefault(d.Name, "default-deny"), Namespace: d.Namespace},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: b.types[:],
		},
	}
	return &b.policy, nil
}

// AllowDNS describes the egress allowance every default-deny namespace needs
// so its pods can still resolve names: UDP and TCP port 53 to the cluster DNS
// pods.
type AllowDNS struct {
	Namespace string // required
	// Name of the policy. Default: "allow-dns-egress".
	Name string
	// DNSNamespace is where the cluster DNS runs. Default: "kube-system".
	DNSNamespace string
	// DNSPodLabels select the DNS pods. Default: k8s-app=kube-dns, the label
	// both kube-dns and CoreDNS deployments carry.
	DNSPodLabels map[string]string
}

// Validate reports every problem with the spec.
func (a AllowDNS) Validate() field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, names.Label(a.Namespace, field.NewPath("namespace"))...)
	if a.Name != "" {
		errs = append(errs, names.Subdomain(a.Name, field.NewPath("name"))...)
	}
	if a.DNSNamespace != "" {
		errs = append(errs, names.Label(a.DNSNamespace, field.NewPath("dnsNamespace"))...)
	}
	errs = append(errs, names.Labels(a.DNSPodLabels, field.NewPath("dnsPodLabels"))...)
	return errs
}

// Build returns the networking.k8s.io/v1 NetworkPolicy.
func (a AllowDNS) Build() (*networkingv1.NetworkPolicy, error) {
	if errs := a.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	dnsLabels := copyMap(a.DNSPodLabels)
	if len(dnsLabels) == 0 {
		dnsLabels = map[string]string{"k8s-app": "kube-dns"}
	}
	port := intstr.FromInt32(53)
	return &networkingv1.NetworkPolicy{
		TypeMeta:   netpolType,
		ObjectMeta: metav1.ObjectMeta{Name: orDefault(a.Name, "allow-dns-egress"), Namespace: a.Namespace},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{namespaceNameLabel: orDefault(a.DNSNamespace, "kube-system")}},
					PodSelector:       &metav1.LabelSelector{MatchLabels: dnsLabels},
				}},
				Ports: []networkingv1.NetworkPolicyPort{
					{Protocol: ptr(corev1.ProtocolUDP), Port: &port},
					{Protocol: ptr(corev1.ProtocolTCP), Port: ptr(port)},
				},
			}},
		},
	}, nil
}

// Port is a protocol and a port number or named container port.
type Port struct {
	// Protocol is TCP, UDP or SCTP. Default: TCP.
	Protocol corev1.Protocol
	// Port is a number (1-65535) or the name of a container port.
	Port intstr.IntOrString
}

// Allow describes traffic from some pods to others on given ports, the
// usual way to open a path through a default-deny namespace ("backend may
// reach database on TCP 5432").
//
// A default-deny namespace refuses the traffic at both ends, so Build
// returns two policies: an ingress policy on the receiving pods, and an
// egress policy on the sending pods in their own namespace.
type Allow struct {
	// Name of the ingress policy; the egress policy is Name + "-egress".
	Name string
	// Namespace of the receiving pods. Required.
	Namespace string
	// To selects the receiving pods by label. Required (at least one label):
	// an allowance for every pod is almost always a mistake.
	To map[string]string
	// From selects the sending pods by label. Required.
	From map[string]string
	// FromNamespace is the namespace of the sending pods. Default: Namespace.
	FromNamespace string
	// Ports the traffic may use. At least one.
	Ports []Port
}

// AllowPolicies are the two policies Allow builds.
type AllowPolicies struct {
	Ingress *networkingv1.NetworkPolicy
	Egress  *networkingv1.NetworkPolicy
}

// Objects lists the policies in apply order, skipping absent ones.
func (p AllowPolicies) Objects() []prodkube.Object {
	var out []prodkube.Object
	for _, np := range []*networkingv1.NetworkPolicy{p.Ingress, p.Egress} {
		if np != nil {
			out = append(out, np)
		}
	}
	return out
}

// Validate reports every problem with the spec.
func (a Allow) Validate() field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, names.Subdomain(a.Name, field.NewPath("name"))...)
	if a.Name != "" {
		// The egress policy's name must be valid too.
		for _, msg := range validation.IsDNS1123Subdomain(a.Name + "-egress") {
			errs = append(errs, field.Invalid(field.NewPath("name"), a.Name, "with \"-egress\" appended: "+msg))
		}
	}
	errs = append(errs, names.Label(a.Namespace, field.NewPath("namespace"))...)
	if a.FromNamespace != "" {
		errs = append(errs, names.Label(a.FromNamespace, field.NewPath("fromNamespace"))...)
	}
	errs = append(errs, validateSelectorLabels(a.To, field.NewPath("to"))...)
	errs = append(errs, validateSelectorLabels(a.From, field.NewPath("from"))...)
	errs = append(errs, validatePorts(a.Ports, field.NewPath("ports"))...)
	return errs
}

// Build returns the ingress and egress policies.
func (a Allow) Build() (AllowPolicies, error) {
	if errs := a.Validate(); len(errs) > 0 {
		return AllowPolicies{}, errs.ToAggregate()
	}
	fromNS := orDefault(a.FromNamespace, a.Namespace)
	ports := buildPorts(a.Ports)
	fromPeer := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: copyMap(a.From)}}
	toPeer := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: copyMap(a.To)}}
	if fromNS != a.Namespace {
		fromPeer.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{namespaceNameLabel: fromNS}}
		toPeer.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{namespaceNameLabel: a.Namespace}}
	}
	ingress := &networkingv1.NetworkPolicy{
		TypeMeta:   netpolType,
		ObjectMeta: metav1.ObjectMeta{Name: a.Name, Namespace: a.Namespace},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(a.To)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{fromPeer}, Ports: ports}},
		},
	}
	egress := &networkingv1.NetworkPolicy{
		TypeMeta:   netpolType,
		ObjectMeta: metav1.ObjectMeta{Name: a.Name + "-egress", Namespace: fromNS},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(a.From)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{toPeer}, Ports: buildPorts(a.Ports)}},
		},
	}
	return AllowPolicies{Ingress: ingress, Egress: egress}, nil
}

// Direction is the way traffic flows relative to the selected pods.
type Direction string

// The directions an AllowCIDR rule may open.
const (
	Ingress Direction = "Ingress"
	Egress  Direction = "Egress"
)

// AllowCIDR describes traffic between selected pods and an IP range outside
// the cluster, such as a managed database subnet or a partner's network.
type AllowCIDR struct {
	Name      string // required
	Namespace string // required
	// Pods selects the pods the rule applies to. Required.
	Pods map[string]string
	// Direction is Ingress (from the range) or Egress (to it). Required.
	Direction Direction
	// CIDR is the range, IPv4 or IPv6, with no host bits set.
	CIDR string
	// Except lists sub-ranges of CIDR to leave out; each must lie inside it.
	Except []string
	// Ports the traffic may use. At least one.
	Ports []Port
}

// Validate reports every problem with the spec.
func (a AllowCIDR) Validate() field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, names.Subdomain(a.Name, field.NewPath("name"))...)
	errs = append(errs, names.Label(a.Namespace, field.NewPath("namespace"))...)
	errs = append(errs, validateSelectorLabels(a.Pods, field.NewPath("pods"))...)
	if a.Direction != Ingress && a.Direction != Egress {
		errs = append(errs, field.NotSupported(field.NewPath("direction"), a.Direction, []string{string(Ingress), string(Egress)}))
	}
	cidr, cerrs := parseCIDR(a.CIDR, field.NewPath("cidr"))
	errs = append(errs, cerrs...)
	for i, e := range a.Except {
		ep := field.NewPath("except").Index(i)
		sub, serrs := parseCIDR(e, ep)
		errs = append(errs, serrs...)
		if len(serrs) == 0 && len(cerrs) == 0 && (sub.Addr().Is4() != cidr.Addr().Is4() || sub.Bits() <= cidr.Bits() || !cidr.Contains(sub.Addr())) {
			errs = append(errs, field.Invalid(ep, e, fmt.Sprintf("must be a strict sub-range of cidr %s", a.CIDR)))
		}
	}
	errs = append(errs, validatePorts(a.Ports, field.NewPath("ports"))...)
	return errs
}

// Build returns the networking.k8s.io/v1 NetworkPolicy.
func (a AllowCIDR) Build() (*networkingv1.NetworkPolicy, error) {
	if errs := a.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	peer := networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: a.CIDR, Except: append([]string(nil), a.Except...)}}
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   netpolType,
		ObjectMeta: metav1.ObjectMeta{Name: a.Name, Namespace: a.Namespace},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(a.Pods)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyType(a.Direction)},
		},
	}
	if a.Direction == Ingress {
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{peer}, Ports: buildPorts(a.Ports)}}
	} else {
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{peer}, Ports: buildPorts(a.Ports)}}
	}
	return np, nil
}

var netpolType = metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}

func parseCIDR(s string, p *field.Path) (netip.Prefix, field.ErrorList) {
	if s == "" {
		return netip.Prefix{}, field.ErrorList{field.Required(p, "an IP range such as 10.20.0.0/16")}
	}
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, field.ErrorList{field.Invalid(p, s, "must be a CIDR such as 10.20.0.0/16")}
	}
	if pfx.Addr().Zone() != "" || pfx.Addr().Is4In6() {
		return netip.Prefix{}, field.ErrorList{field.Invalid(p, s, "must be a plain IPv4 or IPv6 CIDR")}
	}
	if pfx.Masked() != pfx {
		return netip.Prefix{}, field.ErrorList{field.Invalid(p, s, fmt.Sprintf("has host bits set; did you mean %s?", pfx.Masked()))}
	}
	return pfx, nil
}

func validateSelectorLabels(labels map[string]string, p *field.Path) field.ErrorList {
	if len(labels) == 0 {
		return field.ErrorList{field.Required(p, "select pods by at least one label")}
	}
	return names.Labels(labels, p)
}

func validatePorts(ports []Port, p *field.Path) field.ErrorList {
	if len(ports) == 0 {
		return field.ErrorList{field.Required(p, "name at least one port")}
	}
	var errs field.ErrorList
	for i, port := range ports {
		pp := p.Index(i)
		switch port.Protocol {
		case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			errs = append(errs, field.NotSupported(pp.Child("protocol"), port.Protocol, []string{"TCP", "UDP", "SCTP"}))
		}
		switch port.Port.Type {
		case intstr.Int:
			if port.Port.IntVal < 1 || port.Port.IntVal > 65535 {
				errs = append(errs, field.Invalid(pp.Child("port"), port.Port.IntVal, "must be between 1 and 65535"))
			}
		case intstr.String:
			for _, msg := range validation.IsValidPortName(port.Port.StrVal) {
				errs = append(errs, field.Invalid(pp.Child("port"), port.Port.StrVal, msg))
			}
		default:
			errs = append(errs, field.Invalid(pp.Child("port"), port.Port, "must be a number or a port name"))
		}
	}
	return errs
}

func buildPorts(ports []Port) []networkingv1.NetworkPolicyPort {
	out := make([]networkingv1.NetworkPolicyPort, 0, len(ports))
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		port := p.Port
		out = append(out, networkingv1.NetworkPolicyPort{Protocol: ptr(proto), Port: &port})
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
