package security

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// Pod is a pod as NetworkPolicies see it: where it lives, its labels, its
// address and its container ports. It is the input of the reachability
// evaluator (Allowed, Explain, PolicySet), not an object to apply.
type Pod struct {
	// Name is only used in reasons, to say which pod a verdict is about.
	// Optional.
	Name string
	// Namespace is the pod's namespace. Required.
	Namespace string
	// NamespaceLabels are the labels of the pod's namespace, which
	// namespaceSelector peers match. The label kubernetes.io/metadata.name
	// is always taken to be Namespace, as the API server sets it on every
	// namespace and does not let it be changed.
	NamespaceLabels map[string]string
	// Labels are the pod's own labels, which podSelector fields match.
	Labels map[string]string
	// IP is the pod's address in canonical form. Optional. An ipBlock peer
	// matches a pod only if IP is set and inside the block. The API
	// reference means ipBlock for addresses outside the cluster, and network
	// plugins differ on whether it matches pod IPs (the upstream conformance
	// tests expect it to); leaving IP empty makes the check the strict one,
	// where only pod and namespace selectors admit a pod.
	IP string
	// Ports are the pod's container ports. Named ports in policies resolve
	// against the ports of the destination pod, in both directions.
	Ports []corev1.ContainerPort
}

// Endpoint is one end of a connection: either a pod of the cluster (Pod
// set) or an address outside the cluster's pods such as the internet, a node
// or a load balancer (Address set), which only ipBlock peers match. Exactly
// one of the two must be set.
type Endpoint struct {
	Pod *Pod
	// Address is an IP address in canonical form, such as 203.0.113.7.
	Address string
}

// Connection is one attempted connection, as a flow check asks about it.
type Connection struct {
	From, To Endpoint
	// Port is the destination port number (1-65535).
	Port int32
	// Protocol is TCP, UDP or SCTP; "" means TCP.
	Protocol corev1.Protocol
}

// Verdict is the answer of the evaluator: whether the connection gets
// through, and why, in words fit for an error message (which direction
// denied it, or which policy and rule allowed each direction).
type Verdict struct {
	Allowed bool
	Reason  string
}

// Allowed reports whether the policies let the connection through under the
// Kubernetes NetworkPolicy semantics: the egress policies of From's
// namespace and the ingress policies of To's namespace must both allow it,
// and each direction is restricted only if some policy selects the pod for
// that direction. An address end is never selected by a policy, so only the
// pod end's policies judge the connection.
//
// It returns an error, and no verdict, for a policy whose namespace or spec
// the API server would reject (bad selectors, CIDRs, ports or policy types;
// a missing namespace; the rest of the metadata is not judged), and for a
// malformed connection.
//
// Allowed parses the policies on every call; to ask about many
// connections, parse them once with NewPolicySet.
//
// Two exceptions of the upstream semantics are modelled: a pod can always
// reach itself (From and To are the same *Pod, or name the same pod), and
// an address end is never subject to policy. Traffic between a pod and its
// own node is always allowed upstream too, but the evaluator does not know
// which address is a pod's node, so it judges a node's Address like any
// other.
func Allowed(policies []*networkingv1.NetworkPolicy, c Connection) (bool, error) {
	v, err := evaluate(policies, c, false)
	return v.Allowed, err
}

// Explain is Allowed with the reason for the verdict.
func Explain(policies []*networkingv1.NetworkPolicy, c Connection) (Verdict, error) {
	return evaluate(policies, c, true)
}

func evaluate(policies []*networkingv1.NetworkPolicy, c Connection, why bool) (Verdict, error) {
	set, errs := compilePolicies(policies)
	errs = append(errs, validateConnection(c)...)
	if len(errs) > 0 {
		return Verdict{}, errs.ToAggregate()
	}
	return set.judge(c, why), nil
}

// PolicySet is a list of NetworkPolicies parsed once, for asking about many
// connections: Allowed and Explain parse the policies again on every call.
type PolicySet struct {
	byNamespace map[string][]compiledPolicy
}

// NewPolicySet parses and validates the policies. It returns an error for
// any policy whose namespace or spec the API server would reject.
func NewPolicySet(policies []*networkingv1.NetworkPolicy) (*PolicySet, error) {
	set, errs := compilePolicies(policies)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return set, nil
}

// Allowed is the package-level Allowed for the parsed policies.
func (s *PolicySet) Allowed(c Connection) (bool, error) {
	if errs := validateConnection(c); len(errs) > 0 {
		return false, errs.ToAggregate()
	}
	return s.judge(c, false).Allowed, nil
}

// Explain is the package-level Explain for the parsed policies.
func (s *PolicySet) Explain(c Connection) (Verdict, error) {
	if errs := validateConnection(c); len(errs) > 0 {
		return Verdict{}, errs.ToAggregate()
	}
	return s.judge(c, true), nil
}

type compiledPolicy struct {
	namespace, name string
	pods            labels.Selector
	ingress, egress bool // the directions it isolates
	ingressRules    []compiledRule
	egressRules     []compiledRule
}

type compiledRule struct {
	peers []compiledPeer // nil: every peer
	ports []compiledPort // nil: every port
}

type compiledPeer struct {
	pods       labels.Selector // nil: absent
	namespaces labels.Selector // nil: absent
	block      *ipBlock
}

type ipBlock struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

type compiledPort struct {
	protocol corev1.Protocol
	any      bool   // no port: every port of the protocol
	name     string // a named port; else first..last
	first    int32
	last     int32
}

func compilePolicies(policies []*networkingv1.NetworkPolicy) (*PolicySet, field.ErrorList) {
	set := &PolicySet{byNamespace: make(map[string][]compiledPolicy)}
	var errs field.ErrorList
	for i, np := range policies {
		if np == nil {
			errs = append(errs, field.Required(field.NewPath("policies").Index(i), "a NetworkPolicy, not nil"))
			continue
		}
		cp, perrs := compilePolicy(np, nil)
		if len(perrs) > 0 {
			// Again, to say where the problems are.
			_, perrs = compilePolicy(np, field.NewPath("policies").Index(i))
			errs = append(errs, perrs...)
			continue
		}
		set.byNamespace[cp.namespace] = append(set.byNamespace[cp.namespace], cp)
	}
	return set, errs
}

func compilePolicy(np *networkingv1.NetworkPolicy, p *field.Path) (compiledPolicy, field.ErrorList) {
	errs := names.Label(np.Namespace, child(child(p, "metadata"), "namespace"))
	spec := child(p, "spec")
	cp := compiledPolicy{namespace: np.Namespace, name: np.Name}
	var serrs field.ErrorList
	cp.pods, serrs = compileSelector(&np.Spec.PodSelector, child(spec, "podSelector"))
	errs = append(errs, serrs...)

	types := np.Spec.PolicyTypes
	if len(types) > 2 {
		// As the API server does, without judging each type.
		errs = append(errs, field.Invalid(child(spec, "policyTypes"), types, "may not list more than two policy types"))
		types = nil
	}
	for i, t := range types {
		switch t {
		case networkingv1.PolicyTypeIngress:
			cp.ingress = true
		case networkingv1.PolicyTypeEgress:
			cp.egress = true
		default:
			errs = append(errs, field.NotSupported(index(child(spec, "policyTypes"), i), t, []string{string(networkingv1.PolicyTypeIngress), string(networkingv1.PolicyTypeEgress)}))
		}
	}
	if len(types) == 0 {
		// The API server's default: every policy affects ingress, and
		// egress too if it has egress rules.
		cp.ingress = true
		cp.egress = len(np.Spec.Egress) > 0
	}

	for i, r := range np.Spec.Ingress {
		rp := index(child(spec, "ingress"), i)
		rule, rerrs := compileRule(r.From, r.Ports, child(rp, "from"), child(rp, "ports"))
		errs = append(errs, rerrs...)
		cp.ingressRules = append(cp.ingressRules, rule)
	}
	for i, r := range np.Spec.Egress {
		rp := index(child(spec, "egress"), i)
		rule, rerrs := compileRule(r.To, r.Ports, child(rp, "to"), child(rp, "ports"))
		errs = append(errs, rerrs...)
		cp.egressRules = append(cp.egressRules, rule)
	}
	return cp, errs
}

func compileRule(peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort, peersPath, portsPath *field.Path) (compiledRule, field.ErrorList) {
	var rule compiledRule
	var errs field.ErrorList
	for i := range peers {
		peer, perrs := compilePeer(&peers[i], index(peersPath, i))
		errs = append(errs, perrs...)
		rule.peers = append(rule.peers, peer)
	}
	for i := range ports {
		port, perrs := compilePort(&ports[i], index(portsPath, i))
		errs = append(errs, perrs...)
		rule.ports = append(rule.ports, port)
	}
	return rule, errs
}

func compilePeer(peer *networkingv1.NetworkPolicyPeer, p *field.Path) (compiledPeer, field.ErrorList) {
	var out compiledPeer
	var errs, serrs field.ErrorList
	if peer.PodSelector != nil {
		out.pods, serrs = compileSelector(peer.PodSelector, child(p, "podSelector"))
		errs = append(errs, serrs...)
	}
	if peer.NamespaceSelector != nil {
		out.namespaces, serrs = compileSelector(peer.NamespaceSelector, child(p, "namespaceSelector"))
		errs = append(errs, serrs...)
	}
	if peer.IPBlock != nil {
		if peer.PodSelector != nil || peer.NamespaceSelector != nil {
			errs = append(errs, field.Forbidden(p, "may not set ipBlock together with podSelector or namespaceSelector"))
		}
		var berrs field.ErrorList
		out.block, berrs = compileIPBlock(peer.IPBlock, child(p, "ipBlock"))
		errs = append(errs, berrs...)
	}
	if peer.PodSelector == nil && peer.NamespaceSelector == nil && peer.IPBlock == nil {
		errs = append(errs, field.Required(p, "a peer needs podSelector, namespaceSelector or ipBlock"))
	}
	return out, errs
}

func compileSelector(ls *metav1.LabelSelector, p *field.Path) (labels.Selector, field.ErrorList) {
	// The checks of metavalidation.ValidateLabelSelector, with the
	// matchLabels in key order so that the error list is deterministic.
	errs := names.Labels(ls.MatchLabels, child(p, "matchLabels"))
	for i, req := range ls.MatchExpressions {
		errs = append(errs, metavalidation.ValidateLabelSelectorRequirement(req, metavalidation.LabelSelectorValidationOptions{}, index(child(p, "matchExpressions"), i))...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(p, ls.String(), err.Error())}
	}
	return sel, nil
}

func compileIPBlock(b *networkingv1.IPBlock, p *field.Path) (*ipBlock, field.ErrorList) {
	cp := child(p, "cidr")
	if b.CIDR == "" {
		return nil, field.ErrorList{field.Required(cp, "an IP range such as 10.20.0.0/16")}
	}
	cidr, errs := parseBlockCIDR(b.CIDR, cp)
	out := &ipBlock{cidr: cidr}
	for i, e := range b.Except {
		ep := index(child(p, "except"), i)
		sub, eerrs := parseBlockCIDR(e, ep)
		errs = append(errs, eerrs...)
		if len(eerrs) > 0 || !cidr.IsValid() {
			continue
		}
		if !cidr.Contains(sub.Addr()) || sub.Bits() <= cidr.Bits() {
			errs = append(errs, field.Invalid(ep, e, fmt.Sprintf("must be a strict sub-range of cidr %s", b.CIDR)))
			continue
		}
		out.except = append(out.except, sub)
	}
	return out, errs
}

// parseBlockCIDR accepts what the API server accepts in an ipBlock since
// StrictIPCIDRValidation is on by default (Kubernetes 1.36): a CIDR with no
// bits set beyond the prefix length, no leading zeros and no IPv4-mapped
// IPv6 address. The API server still accepts non-canonical IPv6 spellings.
func parseBlockCIDR(s string, p *field.Path) (netip.Prefix, field.ErrorList) {
	if errs := validation.IsValidCIDRForLegacyField(p, s, true, nil); len(errs) > 0 {
		return netip.Prefix{}, errs
	}
	pfx, err := netip.ParsePrefix(s)
	if err != nil { // not reached after the upstream check
		return netip.Prefix{}, field.ErrorList{field.Invalid(p, s, err.Error())}
	}
	return pfx, nil
}

func compilePort(port *networkingv1.NetworkPolicyPort, p *field.Path) (compiledPort, field.ErrorList) {
	out := compiledPort{protocol: corev1.ProtocolTCP}
	var errs field.ErrorList
	if port.Protocol != nil {
		out.protocol = *port.Protocol
		errs = append(errs, validateProtocol(*port.Protocol, child(p, "protocol"))...)
	}
	switch {
	case port.Port == nil:
		out.any = true
		if port.EndPort != nil {
			errs = append(errs, field.Invalid(child(p, "endPort"), *port.EndPort, "may not be set without port"))
		}
	case port.Port.Type == intstr.Int:
		out.first, out.last = port.Port.IntVal, port.Port.IntVal
		for _, msg := range validation.IsValidPortNum(int(port.Port.IntVal)) {
			errs = append(errs, field.Invalid(child(p, "port"), port.Port.IntVal, msg))
		}
		if port.EndPort != nil {
			out.last = *port.EndPort
			if *port.EndPort < port.Port.IntVal {
				errs = append(errs, field.Invalid(child(p, "endPort"), *port.EndPort, "must be at least port"))
			}
			for _, msg := range validation.IsValidPortNum(int(*port.EndPort)) {
				errs = append(errs, field.Invalid(child(p, "endPort"), *port.EndPort, msg))
			}
		}
	default:
		// The API server treats any non-Int type as a name.
		out.name = port.Port.StrVal
		if port.EndPort != nil {
			errs = append(errs, field.Invalid(child(p, "endPort"), *port.EndPort, "may not be set with a named port"))
		}
		for _, msg := range validation.IsValidPortName(port.Port.StrVal) {
			errs = append(errs, field.Invalid(child(p, "port"), port.Port.StrVal, msg))
		}
	}
	return out, errs
}

// child and index extend a path; a nil path stays nil, so that the first,
// error-free pass over the policies builds no paths.
func child(p *field.Path, name string) *field.Path {
	if p == nil {
		return nil
	}
	return p.Child(name)
}

func index(p *field.Path, i int) *field.Path {
	if p == nil {
		return nil
	}
	return p.Index(i)
}

var protocols = []string{string(corev1.ProtocolTCP), string(corev1.ProtocolUDP), string(corev1.ProtocolSCTP)}

func validateProtocol(proto corev1.Protocol, p *field.Path) field.ErrorList {
	switch proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return nil
	}
	return field.ErrorList{field.NotSupported(p, proto, protocols)}
}

// validateConnection reports every problem with a connection. The first
// pass builds no field paths, the common valid case allocating nothing; a
// second pass says where the problems are.
func validateConnection(c Connection) field.ErrorList {
	if errs := checkConnection(c, false); len(errs) == 0 {
		return nil
	}
	return checkConnection(c, true)
}

func checkConnection(c Connection, paths bool) field.ErrorList {
	root := func(name string) *field.Path {
		if !paths {
			return nil
		}
		return field.NewPath(name)
	}
	errs := validateEndpoint(c.From, root("from"))
	errs = append(errs, validateEndpoint(c.To, root("to"))...)
	for _, msg := range validation.IsValidPortNum(int(c.Port)) {
		errs = append(errs, field.Invalid(root("port"), c.Port, msg))
	}
	if c.Protocol != "" {
		errs = append(errs, validateProtocol(c.Protocol, root("protocol"))...)
	}
	return errs
}

func validateEndpoint(e Endpoint, p *field.Path) field.ErrorList {
	switch {
	case e.Pod != nil && e.Address != "":
		return field.ErrorList{field.Invalid(p, e.Address, "set either pod or address, not both")}
	case e.Pod == nil && e.Address == "":
		return field.ErrorList{field.Required(p, "a pod or an address")}
	case e.Address != "":
		return validateIP(e.Address, child(p, "address"))
	}
	return validatePod(e.Pod, child(p, "pod"))
}

// validateIP accepts what validation.IsValidIP accepts, an IP address in
// canonical form, without allocating when it is valid.
func validateIP(s string, p *field.Path) field.ErrorList {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" && !a.Is4In6() {
		var buf [64]byte
		if string(a.AppendTo(buf[:0])) == s {
			return nil
		}
	}
	return validation.IsValidIP(p, s)
}

func validatePod(pod *Pod, p *field.Path) field.ErrorList {
	errs := names.Label(pod.Namespace, child(p, "namespace"))
	errs = append(errs, names.Labels(pod.NamespaceLabels, child(p, "namespaceLabels"))...)
	errs = append(errs, names.Labels(pod.Labels, child(p, "labels"))...)
	if pod.IP != "" {
		errs = append(errs, validateIP(pod.IP, child(p, "ip"))...)
	}
	for i, cp := range pod.Ports {
		if cp.Name != "" {
			for _, msg := range validation.IsValidPortName(cp.Name) {
				errs = append(errs, field.Invalid(child(index(child(p, "ports"), i), "name"), cp.Name, msg))
			}
		}
		for _, msg := range validation.IsValidPortNum(int(cp.ContainerPort)) {
			errs = append(errs, field.Invalid(child(index(child(p, "ports"), i), "containerPort"), cp.ContainerPort, msg))
		}
		if cp.Protocol != "" {
			errs = append(errs, validateProtocol(cp.Protocol, child(index(child(p, "ports"), i), "protocol"))...)
		}
	}
	return errs
}

// namespaceLabels is the label set of a pod's namespace, with
// kubernetes.io/metadata.name always the namespace's name, without copying
// the map.
type namespaceLabels struct{ pod *Pod }

func (n namespaceLabels) Has(key string) bool {
	_, ok := n.Lookup(key)
	return ok
}

func (n namespaceLabels) Get(key string) string {
	v, _ := n.Lookup(key)
	return v
}

func (n namespaceLabels) Lookup(key string) (string, bool) {
	if key == namespaceNameLabel {
		return n.pod.Namespace, true
	}
	v, ok := n.pod.NamespaceLabels[key]
	return v, ok
}

// conn is a validated connection with its addresses parsed.
type conn struct {
	Connection
	fromIP, toIP netip.Addr // invalid when the end has no address
}

func addrOf(e Endpoint) netip.Addr {
	s := e.Address
	if e.Pod != nil {
		s = e.Pod.IP
	}
	a, _ := netip.ParseAddr(s) // validated, or "" giving the invalid Addr
	return a
}

// judge decides the connection; it words the reason only if why is set, so
// that Allowed does not pay for it.
func (s *PolicySet) judge(c Connection, why bool) Verdict {
	if s == nil {
		s = &PolicySet{} // a nil set holds no policies
	}
	if c.Protocol == "" {
		c.Protocol = corev1.ProtocolTCP
	}
	var what string
	if why {
		what = fmt.Sprintf("%s to %s on %s/%d", describe(c.From), describe(c.To), c.Protocol, c.Port)
	}
	if samePod(c.From.Pod, c.To.Pod) {
		return Verdict{Allowed: true, Reason: what + " allowed: a pod cannot block traffic to itself"}
	}
	cc := conn{Connection: c, fromIP: addrOf(c.From), toIP: addrOf(c.To)}
	egressOK, egressWhy := s.direction(&cc, true, why)
	ingressOK, ingressWhy := s.direction(&cc, false, why)
	switch {
	case !why:
		return Verdict{Allowed: egressOK && ingressOK}
	case egressOK && ingressOK:
		return Verdict{Allowed: true, Reason: fmt.Sprintf("%s allowed: %s; %s", what, egressWhy, ingressWhy)}
	case !egressOK && !ingressOK:
		return Verdict{Reason: fmt.Sprintf("%s denied: %s; %s", what, egressWhy, ingressWhy)}
	case !egressOK:
		return Verdict{Reason: fmt.Sprintf("%s denied: %s", what, egressWhy)}
	default:
		return Verdict{Reason: fmt.Sprintf("%s denied: %s", what, ingressWhy)}
	}
}

// direction judges one direction: the egress of the source pod, or the
// ingress of the destination pod.
func (s *PolicySet) direction(c *conn, egress, why bool) (bool, string) {
	self, dir := c.From.Pod, "egress"
	if !egress {
		self, dir = c.To.Pod, "ingress"
	}
	if self == nil {
		if !why {
			return true, ""
		}
		return true, dir + " of an address is not subject to NetworkPolicy"
	}
	var isolating []string
	isolated := false
	podLabels := labels.Set(self.Labels)
	policies := s.byNamespace[self.Namespace]
	for i := range policies {
		np := &policies[i]
		if (egress && !np.egress) || (!egress && !np.ingress) || !np.pods.Matches(podLabels) {
			continue
		}
		isolated = true
		if why {
			isolating = append(isolating, np.namespace+"/"+np.name)
		}
		rules := np.ingressRules
		if egress {
			rules = np.egressRules
		}
		for j := range rules {
			if rules[j].matches(c, np.namespace, egress) {
				if !why {
					return true, ""
				}
				return true, fmt.Sprintf("%s allowed by %s/%s %s[%d]", dir, np.namespace, np.name, dir, j)
			}
		}
	}
	switch {
	case !why:
		return !isolated, ""
	case !isolated:
		return true, fmt.Sprintf("%s of %s is not isolated", dir, describe(Endpoint{Pod: self}))
	}
	return false, fmt.Sprintf("%s of %s is isolated by %s and no %s rule matches", dir, describe(Endpoint{Pod: self}), strings.Join(isolating, ", "), dir)
}

// matches reports whether a rule of a policy in namespace ns admits the
// connection: some peer matches the other end and some port matches.
func (r *compiledRule) matches(c *conn, ns string, egress bool) bool {
	peer, peerIP := c.From, c.fromIP
	if egress {
		peer, peerIP = c.To, c.toIP
	}
	if r.peers != nil {
		ok := false
		for i := range r.peers {
			if r.peers[i].matches(peer.Pod, peerIP, ns) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if r.ports == nil {
		return true
	}
	for i := range r.ports {
		if r.ports[i].matches(c.Port, c.Protocol, c.To.Pod) {
			return true
		}
	}
	return false
}

func (p *compiledPeer) matches(pod *Pod, ip netip.Addr, ns string) bool {
	if p.block != nil {
		return p.block.contains(ip)
	}
	if pod == nil {
		return false
	}
	if p.namespaces == nil {
		return pod.Namespace == ns && p.pods.Matches(labels.Set(pod.Labels))
	}
	if !p.namespaces.Matches(namespaceLabels{pod}) {
		return false
	}
	return p.pods == nil || p.pods.Matches(labels.Set(pod.Labels))
}

func (b *ipBlock) contains(ip netip.Addr) bool {
	if !ip.IsValid() || !b.cidr.Contains(ip) {
		return false
	}
	for _, e := range b.except {
		if e.Contains(ip) {
			return false
		}
	}
	return true
}

// matches reports whether a policy port admits the connection's port and
// protocol; a named port matches the destination pod's container port of
// that name and protocol, and never an address.
func (p *compiledPort) matches(port int32, proto corev1.Protocol, dest *Pod) bool {
	if p.protocol != proto {
		return false
	}
	switch {
	case p.any:
		return true
	case p.name == "":
		return p.first <= port && port <= p.last
	case dest == nil:
		return false
	}
	for _, cp := range dest.Ports {
		cpProto := cp.Protocol
		if cpProto == "" {
			cpProto = corev1.ProtocolTCP
		}
		if cp.Name == p.name && cpProto == proto && cp.ContainerPort == port {
			return true
		}
	}
	return false
}

// samePod reports whether two ends are one pod: the same *Pod, or two
// named pods with the same namespace and name.
func samePod(a, b *Pod) bool {
	if a == nil || b == nil {
		return false
	}
	return a == b || (a.Name != "" && a.Name == b.Name && a.Namespace == b.Namespace)
}

// describe names an endpoint for a reason.
func describe(e Endpoint) string {
	if e.Pod == nil {
		return "address " + e.Address
	}
	if e.Pod.Name != "" {
		return "pod " + e.Pod.Namespace + "/" + e.Pod.Name
	}
	return "pod " + strconv.Quote(labels.Set(e.Pod.Labels).String()) + " in " + e.Pod.Namespace
}
