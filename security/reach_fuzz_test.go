package security

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/randfill"

	"github.com/prodkube/prodkube/internal/fuzzfill"
)

// reachInput is what FuzzReach draws from its input: some policies and one
// connection.
type reachInput struct {
	Policies []networkingv1.NetworkPolicy
	Conn     Connection
}

// The vocabularies of FuzzReach. They are small, so that policies and pods
// meet (the same namespaces, labels, ports and addresses). Each has a valid
// and an invalid part; the invalid words are only drawn for one input in
// four, and then rarely, so that most inputs are valid through and through
// and the error path is still taken.
var (
	fuzzNamespaces = words{[]string{"default", "default", "prod", "kube-system"}, []string{"", "Bad"}}
	fuzzLabelKeys  = words{[]string{"app", "app", "role", "team", namespaceNameLabel}, []string{"a b", ""}}
	fuzzLabelVals  = words{[]string{"a", "b", "db", "default", "prod", ""}, []string{"bad value", "-x"}}
	fuzzOperators  = words{[]string{"In", "NotIn", "Exists", "DoesNotExist"}, []string{"Bogus", ""}}
	fuzzPorts      = words{[]string{"53", "80", "80", "443", "5432", "8080"}, []string{"0", "65536", "-1"}}
	fuzzPortNames  = words{[]string{"http", "dns", "metrics"}, []string{"HTTP", "a_b"}}
	fuzzProtocols  = words{[]string{"TCP", "TCP", "UDP", "SCTP"}, []string{"ICMP", "tcp"}}
	fuzzIPs        = words{[]string{"10.0.0.1", "10.0.1.9", "10.1.2.3", "172.17.1.5", "203.0.113.9", "2001:db8::1", "fd00::1"}, []string{"10.0.0.300", "010.0.0.1", "::ffff:10.0.0.1"}}
	fuzzCIDRs      = words{[]string{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/16", "172.17.0.0/16", "2001:db8::/32", "2001:db8::/64", "::/0"}, []string{"10.0.0.1/8", "nonsense", "", "010.0.0.0/8"}}
	fuzzTypes      = words{[]string{"", "Ingress", "Egress", "Ingress,Egress", "Egress,Ingress"}, []string{"Sideways", "Ingress,Egress,Ingress"}}
)

// words is a vocabulary: valid words, and invalid ones.
type words struct{ valid, invalid []string }

// reachDraw draws words and numbers for one fuzz input.
type reachDraw struct {
	randfill.Continue
	hostile bool // whether invalid words may be drawn
}

func (d reachDraw) word(w words) string {
	if d.hostile && d.Intn(8) == 0 {
		return w.invalid[d.Intn(len(w.invalid))]
	}
	return w.valid[d.Intn(len(w.valid))]
}

func (d reachDraw) port() int32 {
	n, _ := strconv.Atoi(d.word(fuzzPorts))
	return int32(n)
}

func (d reachDraw) labels() map[string]string {
	n := d.Intn(3)
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		m[d.word(fuzzLabelKeys)] = d.word(fuzzLabelVals)
	}
	return m
}

func (d reachDraw) selector() *metav1.LabelSelector {
	ls := &metav1.LabelSelector{MatchLabels: d.labels()}
	for range d.Intn(3) {
		req := metav1.LabelSelectorRequirement{Key: d.word(fuzzLabelKeys), Operator: metav1.LabelSelectorOperator(d.word(fuzzOperators))}
		n := d.Intn(3)
		switch {
		case d.hostile && d.Intn(4) == 0:
		case req.Operator == metav1.LabelSelectorOpIn || req.Operator == metav1.LabelSelectorOpNotIn:
			n++
		case req.Operator == metav1.LabelSelectorOpExists || req.Operator == metav1.LabelSelectorOpDoesNotExist:
			n = 0
		}
		for range n {
			req.Values = append(req.Values, d.word(fuzzLabelVals))
		}
		ls.MatchExpressions = append(ls.MatchExpressions, req)
	}
	return ls
}

func (d reachDraw) ipBlock() *networkingv1.IPBlock {
	b := &networkingv1.IPBlock{CIDR: d.word(fuzzCIDRs)}
	cidr, err := netip.ParsePrefix(b.CIDR)
	for range d.Intn(3) {
		e := d.word(fuzzCIDRs)
		sub, serr := netip.ParsePrefix(e)
		// Outside the hostile inputs, keep only valid excepts.
		if d.hostile || (err == nil && serr == nil && cidr.Contains(sub.Addr()) && sub.Bits() > cidr.Bits()) {
			b.Except = append(b.Except, e)
		}
	}
	return b
}

func (d reachDraw) protocol() corev1.Protocol { return corev1.Protocol(d.word(fuzzProtocols)) }

// newReachFiller is fuzzfill's filler with the NetworkPolicy and Connection
// types drawn from the vocabularies above.
func newReachFiller(data []byte) *randfill.Filler {
	hostile := len(data) > 0 && data[0]%4 == 0
	return fuzzfill.New(data).Funcs(
		func(m *metav1.ObjectMeta, c randfill.Continue) {
			d := reachDraw{c, hostile}
			*m = metav1.ObjectMeta{Name: pick(c, []string{"p", "q", "r"}), Namespace: d.word(fuzzNamespaces)}
		},
		func(ls *metav1.LabelSelector, c randfill.Continue) { *ls = *reachDraw{c, hostile}.selector() },
		func(in *reachInput, c randfill.Continue) {
			in.Policies = make([]networkingv1.NetworkPolicy, c.Intn(7))
			for i := range in.Policies {
				c.Fill(&in.Policies[i])
			}
			c.Fill(&in.Conn)
		},
		func(spec *networkingv1.NetworkPolicySpec, c randfill.Continue) {
			d := reachDraw{c, hostile}
			*spec = networkingv1.NetworkPolicySpec{PodSelector: *d.selector()}
			c.Fill(&spec.PolicyTypes)
			for range c.Intn(3) {
				var r networkingv1.NetworkPolicyIngressRule
				for range c.Intn(3) {
					r.From = append(r.From, networkingv1.NetworkPolicyPeer{})
					c.Fill(&r.From[len(r.From)-1])
				}
				for range c.Intn(3) {
					r.Ports = append(r.Ports, networkingv1.NetworkPolicyPort{})
					c.Fill(&r.Ports[len(r.Ports)-1])
				}
				spec.Ingress = append(spec.Ingress, r)
			}
			for range c.Intn(3) {
				var r networkingv1.NetworkPolicyEgressRule
				for range c.Intn(3) {
					r.To = append(r.To, networkingv1.NetworkPolicyPeer{})
					c.Fill(&r.To[len(r.To)-1])
				}
				for range c.Intn(3) {
					r.Ports = append(r.Ports, networkingv1.NetworkPolicyPort{})
					c.Fill(&r.Ports[len(r.Ports)-1])
				}
				spec.Egress = append(spec.Egress, r)
			}
		},
		func(t *[]networkingv1.PolicyType, c randfill.Continue) {
			*t = nil
			if w := (reachDraw{c, hostile}).word(fuzzTypes); w != "" {
				for _, s := range strings.Split(w, ",") {
					*t = append(*t, networkingv1.PolicyType(s))
				}
			}
		},
		func(p *networkingv1.NetworkPolicyPeer, c randfill.Continue) {
			d := reachDraw{c, hostile}
			*p = networkingv1.NetworkPolicyPeer{}
			switch c.Intn(8) {
			case 0, 1:
				p.PodSelector = d.selector()
			case 2, 3:
				p.NamespaceSelector = d.selector()
			case 4:
				p.PodSelector, p.NamespaceSelector = d.selector(), d.selector()
			case 5, 6:
				p.IPBlock = d.ipBlock()
			default:
				if hostile {
					c.FillNoCustom(p) // any combination, mostly invalid
				} else {
					p.IPBlock = d.ipBlock()
				}
			}
		},
		func(p *networkingv1.NetworkPolicyPort, c randfill.Continue) {
			d := reachDraw{c, hostile}
			*p = networkingv1.NetworkPolicyPort{}
			if c.Intn(3) > 0 {
				p.Protocol = ptr(d.protocol())
			}
			switch c.Intn(4) {
			case 0:
			case 1:
				p.Port = ptr(intstr.FromString(d.word(fuzzPortNames)))
			default:
				p.Port = ptr(intstr.FromInt32(d.port()))
				if c.Intn(3) == 0 {
					p.EndPort = ptr(p.Port.IntVal + int32(c.Intn(3000)))
				}
			}
			if hostile && c.Intn(4) == 0 {
				p.EndPort = ptr(d.port())
			}
		},
		func(e *Endpoint, c randfill.Continue) {
			d := reachDraw{c, hostile}
			*e = Endpoint{}
			if c.Intn(4) == 0 {
				e.Address = d.word(fuzzIPs)
				if hostile && c.Intn(8) == 0 {
					e.Pod = &Pod{Namespace: "default"}
				}
				return
			}
			e.Pod = &Pod{
				Name:            pick(c, []string{"", "x", "y"}),
				Namespace:       d.word(fuzzNamespaces),
				NamespaceLabels: d.labels(),
				Labels:          d.labels(),
			}
			if c.Intn(2) == 0 {
				e.Pod.IP = d.word(fuzzIPs)
			}
			for range c.Intn(3) {
				cp := corev1.ContainerPort{Name: d.word(fuzzPortNames), ContainerPort: d.port()}
				if c.Intn(2) == 0 {
					cp.Protocol = d.protocol()
				}
				e.Pod.Ports = append(e.Pod.Ports, cp)
			}
		},
		func(cn *Connection, c randfill.Continue) {
			d := reachDraw{c, hostile}
			c.Fill(&cn.From)
			c.Fill(&cn.To)
			if c.Intn(5) == 0 {
				cn.To = cn.From // a pod and itself
			}
			cn.Port = d.port()
			if c.Intn(2) == 0 {
				cn.Protocol = d.protocol()
			}
		},
	)
}

func pick[T any](c randfill.Continue, from []T) T { return from[c.Intn(len(from))] }

// selectNothing isolates no pod: its selector needs a label no pod has.
func selectNothing(ns string) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "select-nothing", Namespace: ns},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"prodkube.test/none": "x"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
}

// allowAll selects every pod of ns and allows everything in one direction.
func allowAll(ns string, egress bool) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "allow-all", Namespace: ns}}
	if egress {
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{}}
	} else {
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{}}
	}
	return np
}

// denyAll selects every pod of ns and isolates it both ways.
func denyAll(ns string) *networkingv1.NetworkPolicy {
	return built(DefaultDeny{Namespace: ns}.Build())
}

// FuzzReach checks the evaluator's promise for any policies and connection:
// no panic; a verdict or an error, never both; the one-shot functions and a
// PolicySet agree; and the verdicts keep the properties that follow from
// the NetworkPolicy semantics:
//
//   - without policies everything is allowed;
//   - the order of the policies does not matter;
//   - only the policies of the two ends' namespaces matter;
//   - a policy that selects no pod changes nothing;
//   - allowing all ingress in To's namespace never denies an allowed
//     connection, and with all egress allowed in From's namespace too,
//     every connection is allowed;
//   - a default deny never allows a denied connection.
func FuzzReach(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03\x04\x05\x06\x07\x08", "default prod 10.0.0.0/8 http"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in reachInput
		newReachFiller(data).Fill(&in)
		nps := make([]*networkingv1.NetworkPolicy, len(in.Policies))
		for i := range in.Policies {
			nps[i] = &in.Policies[i]
		}
		c := in.Conn

		v, err := Explain(nps, c)
		set, setErr := NewPolicySet(nps)
		if (set == nil) == (setErr == nil) {
			t.Fatalf("NewPolicySet returned %v and %v", set, setErr)
		}
		if err != nil {
			if v != (Verdict{}) {
				t.Fatalf("verdict %+v returned with error %v", v, err)
			}
			if setErr == nil {
				if sv, serr := set.Explain(c); serr == nil {
					t.Fatalf("Explain failed (%v) where the PolicySet of the same policies judged %+v", err, sv)
				}
			}
			return
		}
		if setErr != nil {
			t.Fatalf("NewPolicySet failed (%v) on policies Explain accepted", setErr)
		}
		if v.Reason == "" {
			t.Fatalf("verdict without a reason: %+v", v)
		}
		again := func(nps []*networkingv1.NetworkPolicy) Verdict {
			t.Helper()
			v, err := Explain(nps, c)
			if err != nil {
				t.Fatalf("valid policies plus valid policies failed: %v", err)
			}
			return v
		}
		if sv, err := set.Explain(c); err != nil || sv != v {
			t.Fatalf("PolicySet.Explain = %+v, %v; Explain = %+v", sv, err, v)
		}
		if ok, err := Allowed(nps, c); err != nil || ok != v.Allowed {
			t.Fatalf("Allowed = %v, %v; Explain = %+v", ok, err, v)
		}
		if w := again(nps); w != v {
			t.Fatalf("not deterministic: %+v then %+v", v, w)
		}
		if w := again(nil); !w.Allowed {
			t.Fatalf("denied without policies: %s", w.Reason)
		}
		reversed := slices.Clone(nps)
		slices.Reverse(reversed)
		if w := again(reversed); w.Allowed != v.Allowed {
			t.Fatalf("order matters: %s, reversed %s", v.Reason, w.Reason)
		}

		var ends []string // the namespaces of the pod ends
		for _, e := range []Endpoint{c.From, c.To} {
			if e.Pod != nil {
				ends = append(ends, e.Pod.Namespace)
			}
		}
		var relevant []*networkingv1.NetworkPolicy
		for _, np := range nps {
			if slices.Contains(ends, np.Namespace) {
				relevant = append(relevant, np)
			}
		}
		if w := again(relevant); w.Allowed != v.Allowed {
			t.Fatalf("a policy of another namespace matters: %s, without it %s", v.Reason, w.Reason)
		}
		withNothing := slices.Clone(nps)
		for _, ns := range ends {
			withNothing = append(withNothing, selectNothing(ns))
		}
		if w := again(withNothing); w != v {
			t.Fatalf("a policy selecting nothing changed the verdict: %+v, then %+v", v, w)
		}
		if c.To.Pod != nil {
			withIngress := append(slices.Clone(nps), allowAll(c.To.Pod.Namespace, false))
			if w := again(withIngress); v.Allowed && !w.Allowed {
				t.Fatalf("allowing all ingress denied: %s", w.Reason)
			}
		}
		open := slices.Clone(nps)
		if c.To.Pod != nil {
			open = append(open, allowAll(c.To.Pod.Namespace, false))
		}
		if c.From.Pod != nil {
			open = append(open, allowAll(c.From.Pod.Namespace, true))
		}
		if w := again(open); !w.Allowed {
			t.Fatalf("denied with everything allowed at both ends: %s", w.Reason)
		}
		for _, ns := range append(ends, "default") {
			if w := again(append(slices.Clone(nps), denyAll(ns))); !v.Allowed && w.Allowed {
				t.Fatalf("a default deny in %s allowed: %s", ns, w.Reason)
			}
		}
	})
}

// FuzzReachIP checks the evaluator's allocation-free address check against
// the upstream one it stands in for.
func FuzzReachIP(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "010.0.0.1", "10.0.0.256", "::ffff:10.0.0.1", "2001:DB8::1", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "fe80::1%eth0", "", " 10.0.0.1", "1.2.3.4.5", "::", "0.0.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours := len(validateIP(s, nil)) == 0
		upstream := len(validation.IsValidIP(nil, s)) == 0
		if ours != upstream {
			t.Fatalf("%q: valid here %v, upstream %v", s, ours, upstream)
		}
	})
}
