package netpolcheck

import (
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/networking"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	netvalidation "k8s.io/kubernetes/pkg/apis/networking/validation"
	"sigs.k8s.io/randfill"

	"github.com/prodkube/prodkube/internal/fuzzfill"
	"github.com/prodkube/prodkube/security"
)

// upstream returns the API server's validation errors for what the
// evaluator reads of a policy: its namespace and its spec. (The API server
// also checks the name and the rest of the metadata, which the evaluator
// only quotes.)
func upstream(t *testing.T, np *networkingv1.NetworkPolicy) field.ErrorList {
	t.Helper()
	obj := np.DeepCopy()
	legacyscheme.Scheme.Default(obj)
	var in networking.NetworkPolicy
	if err := legacyscheme.Scheme.Convert(obj, &in, nil); err != nil {
		t.Fatalf("convert: %v", err)
	}
	var errs field.ErrorList
	ns := field.NewPath("metadata", "namespace")
	if in.Namespace == "" {
		errs = append(errs, field.Required(ns, ""))
	}
	for _, msg := range corevalidation.ValidateNamespaceName(in.Namespace, false) {
		errs = append(errs, field.Invalid(ns, in.Namespace, msg))
	}
	opts := netvalidation.ValidationOptionsForNetworking(&in, nil)
	return append(errs, netvalidation.ValidateNetworkPolicySpec(&in.Spec, opts, field.NewPath("spec"))...)
}

// ours returns the evaluator's errors for one policy, with the policy's
// own paths.
func ours(t *testing.T, np *networkingv1.NetworkPolicy) field.ErrorList {
	t.Helper()
	set, err := security.NewPolicySet([]*networkingv1.NetworkPolicy{np})
	if (set == nil) == (err == nil) {
		t.Fatalf("NewPolicySet returned %v and %v", set, err)
	}
	if err == nil {
		return nil
	}
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		t.Fatalf("%v is not an aggregate", err)
	}
	var out field.ErrorList
	for _, e := range agg.Errors() {
		var fe *field.Error
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a field error", e)
		}
		fe.Field = strings.TrimPrefix(fe.Field, "policies[0].")
		out = append(out, fe)
	}
	return out
}

// paths lists the distinct fields an error list names.
func paths(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// compare fails if the evaluator and the API server disagree on whether a
// policy is valid, or on which fields are wrong.
func compare(t *testing.T, np *networkingv1.NetworkPolicy) {
	t.Helper()
	theirs, mine := upstream(t, np), ours(t, np)
	if (len(theirs) > 0) != (len(mine) > 0) || !slices.Equal(paths(theirs), paths(mine)) {
		t.Fatalf("API server: %v\nevaluator: %v\npolicy: %+v", theirs, mine, np.Spec)
	}
}

func TestAgreesWithAPIServer(t *testing.T) {
	port := func(p intstr.IntOrString) *intstr.IntOrString { return &p }
	end := func(n int32) *int32 { return &n }
	proto := func(s string) *corev1.Protocol { p := corev1.Protocol(s); return &p }
	for name, spec := range map[string]networkingv1.NetworkPolicySpec{
		"empty":              {},
		"non-canonical v6":   {Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "2001:DB8::/32", Except: []string{"2001:db8:0:0::/48"}}}}}}},
		"host bits":          {Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.1/8"}}}}}},
		"leading zeros":      {Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/08"}}}}}},
		"except equal":       {Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.0.0.0/8"}}}}}}},
		"except family":      {Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "::/0", Except: []string{"10.0.0.0/8"}}}}}}},
		"mapped":             {Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "::ffff:10.0.0.0/104"}}}}}},
		"duplicate types":    {PolicyTypes: []networkingv1.PolicyType{"Egress", "Egress"}},
		"three types":        {PolicyTypes: []networkingv1.PolicyType{"Egress", "Ingress", "Egress"}},
		"lower-case type":    {PolicyTypes: []networkingv1.PolicyType{"ingress"}},
		"named end port":     {Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port(intstr.FromString("http")), EndPort: end(90)}}}}},
		"end port alone":     {Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{EndPort: end(90)}}}}},
		"end port below":     {Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port(intstr.FromInt32(100)), EndPort: end(90)}}}}},
		"lower-case proto":   {Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: proto("tcp")}}}}},
		"port name too long": {Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: port(intstr.FromString("a-very-long-name"))}}}}},
		"empty peer":         {Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{}}}}},
		"selector and block": {Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}, IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}}}}}},
		"bad expression":     {PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "In"}, {Key: "b", Operator: "Exists", Values: []string{"x"}}, {Key: "c", Operator: "Gt", Values: []string{"1"}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			compare(t, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}, Spec: spec})
		})
	}
}

// FuzzAgreesWithAPIServer compares the evaluator's validation with the API
// server's for random policies drawn from a vocabulary of valid and
// invalid values.
func FuzzAgreesWithAPIServer(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03\x04\x05\x06\x07\x08", "default 10.0.0.0/8 http"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var np networkingv1.NetworkPolicy
		newFiller(data).Fill(&np)
		compare(t, &np)
	})
}

var (
	namespaces = []string{"default", "prod", "", "Bad", "a.b"}
	labelKeys  = []string{"app", "kubernetes.io/metadata.name", "a b", "", "x/y/z"}
	labelVals  = []string{"a", "", "bad value", "-x", "default"}
	operators  = []metav1.LabelSelectorOperator{"In", "NotIn", "Exists", "DoesNotExist", "Gt", ""}
	ports      = []int32{0, 1, 53, 80, 65535, 65536, -1}
	portNames  = []string{"http", "HTTP", "a-very-long-name", "1234", "a--b", ""}
	protocols  = []corev1.Protocol{"TCP", "UDP", "SCTP", "ICMP", "tcp", ""}
	cidrs      = []string{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "10.0.0.1/8", "010.0.0.0/8", "10.0.0.0/33", "2001:db8::/32", "2001:DB8::/48", "::/0", "::ffff:10.0.0.0/104", "fe80::/10", "nonsense", ""}
	types      = []networkingv1.PolicyType{"Ingress", "Egress", "ingress", ""}
)

func pick[T any](c randfill.Continue, from []T) T { return from[c.Intn(len(from))] }

func labels(c randfill.Continue) map[string]string {
	m := map[string]string{}
	for range c.Intn(3) {
		m[pick(c, labelKeys)] = pick(c, labelVals)
	}
	return m
}

func newFiller(data []byte) *randfill.Filler {
	return fuzzfill.New(data).Funcs(
		func(m *metav1.ObjectMeta, c randfill.Continue) {
			*m = metav1.ObjectMeta{Name: "p", Namespace: pick(c, namespaces)}
		},
		func(ls *metav1.LabelSelector, c randfill.Continue) {
			*ls = metav1.LabelSelector{MatchLabels: labels(c)}
			for range c.Intn(3) {
				r := metav1.LabelSelectorRequirement{Key: pick(c, labelKeys), Operator: pick(c, operators)}
				for range c.Intn(3) {
					r.Values = append(r.Values, pick(c, labelVals))
				}
				ls.MatchExpressions = append(ls.MatchExpressions, r)
			}
		},
		func(t *[]networkingv1.PolicyType, c randfill.Continue) {
			*t = nil
			for range c.Intn(4) {
				*t = append(*t, pick(c, types))
			}
		},
		func(b *networkingv1.IPBlock, c randfill.Continue) {
			*b = networkingv1.IPBlock{CIDR: pick(c, cidrs)}
			for range c.Intn(3) {
				b.Except = append(b.Except, pick(c, cidrs))
			}
		},
		func(p *networkingv1.NetworkPolicyPort, c randfill.Continue) {
			*p = networkingv1.NetworkPolicyPort{}
			if c.Intn(2) == 0 {
				pr := pick(c, protocols)
				p.Protocol = &pr
			}
			switch c.Intn(3) {
			case 1:
				v := intstr.FromInt32(pick(c, ports))
				p.Port = &v
			case 2:
				v := intstr.FromString(pick(c, portNames))
				p.Port = &v
			}
			if c.Intn(3) == 0 {
				e := pick(c, ports)
				p.EndPort = &e
			}
		},
	)
}
