package security

import (
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// policies parses a YAML stream of NetworkPolicies, so that the cases below
// read like the manifests they stand for.
func policies(t testing.TB, docs string) []*networkingv1.NetworkPolicy {
	t.Helper()
	var out []*networkingv1.NetworkPolicy
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		np := &networkingv1.NetworkPolicy{}
		if err := yaml.UnmarshalStrict([]byte(doc), np); err != nil {
			t.Fatalf("bad test policy: %v\n%s", err, doc)
		}
		out = append(out, np)
	}
	return out
}

// pod returns a pod of namespace ns with the given label pairs.
func pod(ns string, kv ...string) *Pod {
	p := &Pod{Namespace: ns, Labels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		p.Labels[kv[i]] = kv[i+1]
	}
	return p
}

func (p *Pod) withIP(ip string) *Pod { p.IP = ip; return p }

func (p *Pod) withNSLabels(kv ...string) *Pod {
	p.NamespaceLabels = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		p.NamespaceLabels[kv[i]] = kv[i+1]
	}
	return p
}

func (p *Pod) withPort(name string, proto corev1.Protocol, n int32) *Pod {
	p.Ports = append(p.Ports, corev1.ContainerPort{Name: name, Protocol: proto, ContainerPort: n})
	return p
}

func ep(p *Pod) Endpoint      { return Endpoint{Pod: p} }
func addr(ip string) Endpoint { return Endpoint{Address: ip} }
func tcpTo(from, to Endpoint, port int32) Connection {
	return Connection{From: from, To: to, Port: port}
}

func on(c Connection, proto corev1.Protocol) Connection { c.Protocol = proto; return c }

type reachCase struct {
	name string
	conn Connection
	want bool
}

func runReach(t *testing.T, nps []*networkingv1.NetworkPolicy, cases []reachCase) {
	t.Helper()
	set, err := NewPolicySet(nps)
	if err != nil {
		t.Fatalf("NewPolicySet: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Allowed(nps, tc.conn)
			if err != nil {
				t.Fatalf("Allowed: %v", err)
			}
			v, err := set.Explain(tc.conn)
			if err != nil {
				t.Fatalf("Explain: %v", err)
			}
			if got != tc.want || v.Allowed != tc.want {
				t.Errorf("Allowed = %v, PolicySet verdict = %v, want %v (%s)", got, v.Allowed, tc.want, v.Reason)
			}
		})
	}
}

// The reference example of the NetworkPolicy concept page: the db pods of
// namespace default accept Redis traffic from an IP range (minus a hole),
// from every pod of the namespaces labelled project=myproject and from
// frontend pods of their own namespace, and may only talk to one subnet.
const dbPolicy = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: test-network-policy, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector: {matchLabels: {project: myproject}}
    - podSelector: {matchLabels: {role: frontend}}
    ports:
    - {protocol: TCP, port: 6379}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - {protocol: TCP, port: 5978}
`

func TestReachDocsExample(t *testing.T) {
	db := pod("default", "role", "db")
	frontend := pod("default", "role", "frontend")
	runReach(t, policies(t, dbPolicy), []reachCase{
		{"frontend pod of the same namespace on the port", tcpTo(ep(frontend), ep(db), 6379), true},
		{"frontend pod on another port", tcpTo(ep(frontend), ep(db), 6380), false},
		{"frontend pod on the port over UDP", on(tcpTo(ep(frontend), ep(db), 6379), corev1.ProtocolUDP), false},
		{"any pod of a myproject namespace", tcpTo(ep(pod("team-a").withNSLabels("project", "myproject")), ep(db), 6379), true},
		{"frontend pod of another namespace", tcpTo(ep(pod("team-b", "role", "frontend")), ep(db), 6379), false},
		{"other pod of the same namespace", tcpTo(ep(pod("default", "role", "cache")), ep(db), 6379), false},
		{"address inside the block", tcpTo(addr("172.17.0.5"), ep(db), 6379), true},
		{"address in the except hole", tcpTo(addr("172.17.1.5"), ep(db), 6379), false},
		{"address outside the block", tcpTo(addr("172.18.0.5"), ep(db), 6379), false},
		{"pod whose IP is in the block", tcpTo(ep(pod("team-b").withIP("172.17.3.3")), ep(db), 6379), true},
		{"pod without IP is not in any block", tcpTo(ep(pod("team-b")), ep(db), 6379), false},
		{"db egress to the subnet", tcpTo(ep(db), addr("10.0.0.7"), 5978), true},
		{"db egress to the subnet over UDP", on(tcpTo(ep(db), addr("10.0.0.7"), 5978), corev1.ProtocolUDP), false},
		{"db egress outside the subnet", tcpTo(ep(db), addr("10.0.1.7"), 5978), false},
		{"db egress to a pod without IP", tcpTo(ep(db), ep(frontend), 5978), false},
		{"db egress to a pod whose IP is in the subnet", tcpTo(ep(db), ep(pod("default", "role", "api").withIP("10.0.0.9")), 5978), true},
		{"pods the policy does not select are not isolated", tcpTo(addr("198.51.100.1"), ep(frontend), 80), true},
		{"frontend egress is not isolated", tcpTo(ep(frontend), addr("198.51.100.1"), 443), true},
		{"the policy does not reach another namespace", tcpTo(addr("198.51.100.1"), ep(pod("prod", "role", "db")), 80), true},
	})
}

// Namespace and pod selectors in one peer mean "these pods in those
// namespaces"; in two peers they mean "those namespaces, or these pods
// here".
func TestReachPeerCombinations(t *testing.T) {
	and := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: and, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {user: alice}}
      podSelector: {matchLabels: {role: client}}
`)
	or := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: or, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {user: alice}}
    - podSelector: {matchLabels: {role: client}}
`)
	server := ep(pod("default", "app", "server"))
	aliceClient := ep(pod("alice", "role", "client").withNSLabels("user", "alice"))
	aliceOther := ep(pod("alice", "role", "batch").withNSLabels("user", "alice"))
	bobClient := ep(pod("bob", "role", "client").withNSLabels("user", "bob"))
	localClient := ep(pod("default", "role", "client"))
	t.Run("and", func(t *testing.T) {
		runReach(t, and, []reachCase{
			{"client in alice's namespace", tcpTo(aliceClient, server, 80), true},
			{"other pod in alice's namespace", tcpTo(aliceOther, server, 80), false},
			{"client in bob's namespace", tcpTo(bobClient, server, 80), false},
			{"client in the policy's namespace", tcpTo(localClient, server, 80), false},
		})
	})
	t.Run("or", func(t *testing.T) {
		runReach(t, or, []reachCase{
			{"client in alice's namespace", tcpTo(aliceClient, server, 80), true},
			{"other pod in alice's namespace", tcpTo(aliceOther, server, 80), true},
			{"client in bob's namespace", tcpTo(bobClient, server, 80), false},
			{"client in the policy's namespace", tcpTo(localClient, server, 80), true},
		})
	})
	t.Run("empty selectors", func(t *testing.T) {
		nps := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all-namespaces, namespace: default}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from:
    - namespaceSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: own-namespace, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress:
  - from:
    - podSelector: {}
`)
		a, b := ep(pod("default", "app", "a")), ep(pod("default", "app", "b"))
		runReach(t, nps, []reachCase{
			{"empty namespaceSelector: pod of any namespace", tcpTo(bobClient, a, 80), true},
			{"empty namespaceSelector: address", tcpTo(addr("10.1.1.1"), a, 80), false},
			{"empty podSelector: pod of the namespace", tcpTo(localClient, b, 80), true},
			{"empty podSelector: pod of another namespace", tcpTo(bobClient, b, 80), false},
		})
	})
	t.Run("namespace name label", func(t *testing.T) {
		nps := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-monitoring, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
`)
		runReach(t, nps, []reachCase{
			{"namespace without labels", tcpTo(ep(pod("monitoring")), server, 9090), true},
			{"the label cannot be overridden", tcpTo(ep(pod("other").withNSLabels("kubernetes.io/metadata.name", "monitoring")), server, 9090), false},
			{"nor lost", tcpTo(ep(pod("monitoring").withNSLabels("kubernetes.io/metadata.name", "other")), server, 9090), true},
		})
	})
	t.Run("match expressions", func(t *testing.T) {
		nps := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: expr, namespace: default}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: In, values: [db, cache]}]}
  ingress:
  - from:
    - podSelector: {matchExpressions: [{key: team, operator: Exists}, {key: env, operator: NotIn, values: [dev]}]}
`)
		runReach(t, nps, []reachCase{
			{"team label, env prod", tcpTo(ep(pod("default", "team", "x", "env", "prod")), ep(pod("default", "tier", "db")), 1), true},
			{"team label, no env", tcpTo(ep(pod("default", "team", "x")), ep(pod("default", "tier", "cache")), 1), true},
			{"team label, env dev", tcpTo(ep(pod("default", "team", "x", "env", "dev")), ep(pod("default", "tier", "db")), 1), false},
			{"no team label", tcpTo(ep(pod("default", "env", "prod")), ep(pod("default", "tier", "db")), 1), false},
			{"destination not selected", tcpTo(ep(pod("default")), ep(pod("default", "tier", "web")), 1), true},
		})
	})
}

// policyTypes, default deny and allow all, in each direction, as the
// concept page's "default policies" section describes them.
func TestReachIsolation(t *testing.T) {
	a, b := ep(pod("default", "app", "a")), ep(pod("default", "app", "b"))
	outside := addr("203.0.113.9")
	cases := []struct {
		name   string
		policy string
		want   []reachCase
	}{
		{"no policy allows everything", ``, []reachCase{
			{"pod to pod", tcpTo(a, b, 80), true},
			{"pod to address", tcpTo(a, outside, 80), true},
			{"address to pod", tcpTo(outside, a, 80), true},
		}},
		{"default deny ingress", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`, []reachCase{
			{"pod to pod", tcpTo(a, b, 80), false},
			{"address to pod", tcpTo(outside, a, 80), false},
			{"pod to address", tcpTo(a, outside, 80), true},
			{"pod of another namespace is not isolated", tcpTo(a, ep(pod("prod")), 80), true},
		}},
		{"no policyTypes and no rules means ingress only", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: implicit, namespace: default}
spec:
  podSelector: {}
`, []reachCase{
			{"address to pod", tcpTo(outside, a, 80), false},
			{"pod to address", tcpTo(a, outside, 80), true},
		}},
		{"no policyTypes with egress rules means both", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: implicit-egress, namespace: default}
spec:
  podSelector: {matchLabels: {app: a}}
  egress:
  - ports: [{port: 443}]
`, []reachCase{
			{"pod to address on the port", tcpTo(a, outside, 443), true},
			{"pod to address on another port", tcpTo(a, outside, 80), false},
			{"address to the pod", tcpTo(outside, a, 80), false},
			{"address to an unselected pod", tcpTo(outside, b, 80), true},
		}},
		{"egress only", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
`, []reachCase{
			{"pod to address", tcpTo(a, outside, 80), false},
			{"pod to pod", tcpTo(a, b, 80), false},
			{"address to pod", tcpTo(outside, a, 80), true},
			{"other pod to pod", tcpTo(b, a, 80), true},
		}},
		{"default deny both ways", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`, []reachCase{
			{"pod to pod", tcpTo(a, b, 80), false},
			{"pod to address", tcpTo(a, outside, 80), false},
			{"address to pod", tcpTo(outside, a, 80), false},
			{"address to address", tcpTo(outside, addr("198.51.100.2"), 80), true},
			{"a pod to itself", tcpTo(a, a, 80), true},
			{"named pod to itself", tcpTo(ep(&Pod{Name: "x", Namespace: "default"}), ep(&Pod{Name: "x", Namespace: "default"}), 80), true},
			{"two pods with the same labels", tcpTo(ep(pod("default", "app", "a")), ep(pod("default", "app", "a")), 80), false},
		}},
		{"allow all ingress over a default deny", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: default}
spec:
  podSelector: {}
  ingress:
  - {}
`, []reachCase{
			{"address to pod", tcpTo(outside, a, 80), true},
			{"pod to pod is still denied by egress", tcpTo(a, b, 80), false},
			{"pod of another namespace to pod", tcpTo(ep(pod("prod")), a, 80), true},
		}},
		{"allow all egress", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-egress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - {}
`, []reachCase{
			{"pod to address", tcpTo(a, outside, 80), true},
			{"pod to pod", on(tcpTo(a, b, 80), corev1.ProtocolSCTP), true},
		}},
		{"rules of several policies add up", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: http, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress:
  - ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: https, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from: [{podSelector: {matchLabels: {app: a}}}]
    ports: [{port: 443}]
`, []reachCase{
			{"first policy", tcpTo(outside, b, 80), true},
			{"second policy", tcpTo(a, b, 443), true},
			{"second policy, wrong peer", tcpTo(outside, b, 443), false},
			{"neither", tcpTo(a, b, 8080), false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runReach(t, policies(t, tc.policy), tc.want) })
	}
}

func TestReachPorts(t *testing.T) {
	web := pod("default", "app", "web").withPort("http", "", 8080).withPort("dns", corev1.ProtocolUDP, 5353)
	client := pod("default", "app", "client")
	nps := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports:
    - port: http
    - {protocol: UDP, port: dns}
    - {protocol: TCP, port: 32000, endPort: 32768}
    - {protocol: SCTP}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client, namespace: default}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - ports:
    - port: http
    - {protocol: UDP}
`)
	runReach(t, nps, []reachCase{
		{"named port resolves to the container port", tcpTo(ep(client), ep(web), 8080), true},
		{"named port does not match the name's absent number", tcpTo(ep(client), ep(web), 80), false},
		{"named UDP port", on(tcpTo(ep(client), ep(web), 5353), corev1.ProtocolUDP), true},
		{"named port needs the protocol", on(tcpTo(ep(client), ep(web), 8080), corev1.ProtocolUDP), false},
		{"the container port of the name must have the protocol too", tcpTo(addr("10.0.0.1"), ep(pod("default", "app", "web").withPort("http", corev1.ProtocolUDP, 8080)), 8080), false},
		{"a TCP name does not match the UDP port of that number", tcpTo(addr("10.0.0.1"), ep(web), 5353), false},
		{"range start", tcpTo(addr("10.0.0.1"), ep(web), 32000), true},
		{"range end", tcpTo(addr("10.0.0.1"), ep(web), 32768), true},
		{"below the range", tcpTo(addr("10.0.0.1"), ep(web), 31999), false},
		{"above the range", tcpTo(addr("10.0.0.1"), ep(web), 32769), false},
		{"range is TCP only", on(tcpTo(addr("10.0.0.1"), ep(web), 32001), corev1.ProtocolUDP), false},
		{"protocol without port: any SCTP port", on(tcpTo(addr("10.0.0.1"), ep(web), 9), corev1.ProtocolSCTP), true},
		{"a protocol-only entry admits no other protocol", on(tcpTo(addr("10.0.0.1"), ep(web), 9), corev1.ProtocolUDP), false},
		{"egress named port resolves against the destination", tcpTo(ep(client), ep(pod("prod").withPort("http", corev1.ProtocolTCP, 9000)), 9000), true},
		{"egress named port and a destination without it", tcpTo(ep(client), ep(pod("prod").withPort("web", corev1.ProtocolTCP, 9000)), 9000), false},
		{"egress named port never matches an address", tcpTo(ep(client), addr("10.0.0.1"), 8080), false},
		{"egress: any UDP port", on(tcpTo(ep(client), addr("10.0.0.1"), 53), corev1.ProtocolUDP), true},
		{"egress: not any TCP port", tcpTo(ep(client), addr("10.0.0.1"), 53), false},
	})
}

func TestReachIPBlocks(t *testing.T) {
	nps := policies(t, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: blocks, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}
    - ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}
    - ipBlock: {cidr: 10.1.2.3/32}
`)
	dst := ep(pod("default"))
	runReach(t, nps, []reachCase{
		{"public IPv4", tcpTo(addr("203.0.113.1"), dst, 80), true},
		{"excepted private range", tcpTo(addr("10.9.9.9"), dst, 80), false},
		{"a single address inside an except, by its own block", tcpTo(addr("10.1.2.3"), dst, 80), true},
		{"second except", tcpTo(addr("192.168.1.1"), dst, 80), false},
		{"IPv6 block", tcpTo(addr("2001:db8:2::1"), dst, 80), true},
		{"IPv6 except", tcpTo(addr("2001:db8:1::1"), dst, 80), false},
		{"IPv6 outside", tcpTo(addr("2001:db9::1"), dst, 80), false},
		{"IPv4 block does not match IPv6", tcpTo(addr("fd00::1"), dst, 80), false},
	})
}

func TestReachReasons(t *testing.T) {
	nps := policies(t, dbPolicy)
	db := pod("default", "role", "db")
	db.Name = "db-0"
	for _, tc := range []struct {
		conn Connection
		want Verdict
	}{
		{tcpTo(ep(pod("default", "role", "frontend")), ep(db), 6379), Verdict{true,
			`pod "role=frontend" in default to pod default/db-0 on TCP/6379 allowed: egress of pod "role=frontend" in default is not isolated; ingress allowed by default/test-network-policy ingress[0]`}},
		{tcpTo(ep(db), addr("10.0.0.1"), 22), Verdict{false,
			`pod default/db-0 to address 10.0.0.1 on TCP/22 denied: egress of pod default/db-0 is isolated by default/test-network-policy and no egress rule matches`}},
		{tcpTo(ep(db), ep(db), 22), Verdict{true,
			`pod default/db-0 to pod default/db-0 on TCP/22 allowed: a pod cannot block traffic to itself`}},
		{on(tcpTo(addr("10.0.0.1"), addr("10.0.0.2"), 53), corev1.ProtocolUDP), Verdict{true,
			`address 10.0.0.1 to address 10.0.0.2 on UDP/53 allowed: egress of an address is not subject to NetworkPolicy; ingress of an address is not subject to NetworkPolicy`}},
	} {
		got, err := Explain(nps, tc.conn)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("Explain =\n%+v\nwant\n%+v", got, tc.want)
		}
	}
}

// fieldErrors returns the field errors inside an error from Allowed.
func fieldErrors(t *testing.T, err error) field.ErrorList {
	t.Helper()
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		t.Fatalf("error %v is not an aggregate of field errors", err)
	}
	var out field.ErrorList
	for _, e := range agg.Errors() {
		var fe *field.Error
		if !errors.As(e, &fe) {
			t.Fatalf("error %v is not a field error", e)
		}
		out = append(out, fe)
	}
	return out
}

func TestReachInvalidPolicies(t *testing.T) {
	ok := tcpTo(addr("10.0.0.1"), ep(pod("default")), 80)
	for _, tc := range []struct {
		name, policy string
		want         []string
	}{
		{"no namespace", `
metadata: {name: p}
spec: {podSelector: {}}`, []string{"FieldValueRequired policies[0].metadata.namespace"}},
		{"bad namespace", `
metadata: {name: p, namespace: Prod}
spec: {podSelector: {}}`, []string{"FieldValueInvalid policies[0].metadata.namespace"}},
		{"bad selectors", `
metadata: {name: p, namespace: default}
spec:
  podSelector:
    matchLabels: {"a b": c, d: "e f"}
    matchExpressions:
    - {key: x, operator: Matches, values: [y]}
    - {key: x, operator: In}
    - {key: x, operator: Exists, values: [y]}
    - {key: x, operator: NotIn, values: ["no way"]}`, []string{
			"FieldValueInvalid policies[0].spec.podSelector.matchLabels",
			"FieldValueInvalid policies[0].spec.podSelector.matchLabels",
			"FieldValueInvalid policies[0].spec.podSelector.matchExpressions[0].operator",
			"FieldValueRequired policies[0].spec.podSelector.matchExpressions[1].values",
			"FieldValueForbidden policies[0].spec.podSelector.matchExpressions[2].values",
			"FieldValueInvalid policies[0].spec.podSelector.matchExpressions[3].values[0]",
		}},
		{"policy types", `
metadata: {name: p, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress, Sideways]}`, []string{"FieldValueNotSupported policies[0].spec.policyTypes[1]"}},
		{"too many policy types", `
metadata: {name: p, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress, Egress, Ingress]}`, []string{"FieldValueInvalid policies[0].spec.policyTypes"}},
		{"peers", `
metadata: {name: p, namespace: default}
spec:
  podSelector: {}
  ingress:
  - from:
    - {}
    - {podSelector: {}, ipBlock: {cidr: 10.0.0.0/8}}
    - {namespaceSelector: {matchLabels: {"-": x}}}
  egress:
  - to:
    - {namespaceSelector: {}, ipBlock: {cidr: 10.0.0.0/8}}`, []string{
			"FieldValueRequired policies[0].spec.ingress[0].from[0]",
			"FieldValueForbidden policies[0].spec.ingress[0].from[1]",
			"FieldValueInvalid policies[0].spec.ingress[0].from[2].namespaceSelector.matchLabels",
			"FieldValueForbidden policies[0].spec.egress[0].to[0]",
		}},
		{"ip blocks", `
metadata: {name: p, namespace: default}
spec:
  podSelector: {}
  egress:
  - to:
    - ipBlock: {cidr: ""}
    - ipBlock: {cidr: 10.0.0.1/8}
    - ipBlock: {cidr: 010.0.0.0/8}
    - ipBlock: {cidr: "::ffff:10.0.0.0/104"}
    - ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16, 10.0.0.0/8, 10.0.0.0/7, "fd00::/64", 10.0.0.0/33, 10.1.0.0/16]}
    - ipBlock: {cidr: nonsense}`, []string{
			"FieldValueRequired policies[0].spec.egress[0].to[0].ipBlock.cidr",
			"FieldValueInvalid policies[0].spec.egress[0].to[1].ipBlock.cidr",
			"FieldValueInvalid policies[0].spec.egress[0].to[2].ipBlock.cidr",
			"FieldValueInvalid policies[0].spec.egress[0].to[3].ipBlock.cidr",
			"FieldValueInvalid policies[0].spec.egress[0].to[4].ipBlock.except[0]",
			"FieldValueInvalid policies[0].spec.egress[0].to[4].ipBlock.except[1]",
			"FieldValueInvalid policies[0].spec.egress[0].to[4].ipBlock.except[2]",
			"FieldValueInvalid policies[0].spec.egress[0].to[4].ipBlock.except[3]",
			"FieldValueInvalid policies[0].spec.egress[0].to[4].ipBlock.except[4]",
			"FieldValueInvalid policies[0].spec.egress[0].to[5].ipBlock.cidr",
		}},
		{"ports", `
metadata: {name: p, namespace: default}
spec:
  podSelector: {}
  ingress:
  - ports:
    - {port: 0}
    - {port: 65536}
    - {port: 100, endPort: 99}
    - {port: 100, endPort: 70000}
    - {port: http, endPort: 100}
    - {endPort: 100}
    - {protocol: ICMP}
    - {port: HTTP_1}
    - {port: 100, endPort: 100}`, []string{
			"FieldValueInvalid policies[0].spec.ingress[0].ports[0].port",
			"FieldValueInvalid policies[0].spec.ingress[0].ports[1].port",
			"FieldValueInvalid policies[0].spec.ingress[0].ports[2].endPort",
			"FieldValueInvalid policies[0].spec.ingress[0].ports[3].endPort",
			"FieldValueInvalid policies[0].spec.ingress[0].ports[4].endPort",
			"FieldValueInvalid policies[0].spec.ingress[0].ports[5].endPort",
			"FieldValueNotSupported policies[0].spec.ingress[0].ports[6].protocol",
			// Upper case and no lower-case letter: two messages.
			"FieldValueInvalid policies[0].spec.ingress[0].ports[7].port",
			"FieldValueInvalid policies[0].spec.ingress[0].ports[7].port",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nps := policies(t, tc.policy)
			_, err := Allowed(nps, ok)
			if err == nil {
				t.Fatal("Allowed accepted an invalid policy")
			}
			wantPaths(t, fieldErrors(t, err), tc.want...)
			if set, err := NewPolicySet(nps); set != nil || err == nil {
				t.Errorf("NewPolicySet = %v, %v; want only an error", set, err)
			}
		})
	}
	_, err := Allowed([]*networkingv1.NetworkPolicy{nil}, ok)
	wantPaths(t, fieldErrors(t, err), "FieldValueRequired policies[0]")
}

func TestReachInvalidConnections(t *testing.T) {
	good := pod("default")
	for _, tc := range []struct {
		name string
		conn Connection
		want []string
	}{
		{"nothing", Connection{}, []string{"FieldValueRequired from", "FieldValueRequired to", "FieldValueInvalid port"}},
		{"both ends set", Connection{From: Endpoint{Pod: good, Address: "10.0.0.1"}, To: ep(good), Port: 1}, []string{"FieldValueInvalid from"}},
		{"bad addresses", Connection{From: addr("10.0.0.300"), To: addr("010.0.0.1"), Port: 65536, Protocol: "ICMP"}, []string{
			"FieldValueInvalid from.address", "FieldValueInvalid to.address", "FieldValueInvalid port", "FieldValueNotSupported protocol"}},
		{"non-canonical address", tcpTo(addr("2001:DB8::1"), ep(good), 1), []string{"FieldValueInvalid from.address"}},
		{"bad pod", tcpTo(ep(&Pod{
			Namespace:       "",
			NamespaceLabels: map[string]string{"a b": "c"},
			Labels:          map[string]string{"x": "y z"},
			IP:              "::ffff:10.0.0.1",
			Ports:           []corev1.ContainerPort{{Name: "HTTP", ContainerPort: 0, Protocol: "ICMP"}},
		}), ep(good), 1), []string{
			"FieldValueRequired from.pod.namespace",
			"FieldValueInvalid from.pod.namespaceLabels",
			"FieldValueInvalid from.pod.labels",
			"FieldValueInvalid from.pod.ip",
			"FieldValueInvalid from.pod.ports[0].name",
			"FieldValueInvalid from.pod.ports[0].name",
			"FieldValueInvalid from.pod.ports[0].containerPort",
			"FieldValueNotSupported from.pod.ports[0].protocol",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Explain(nil, tc.conn)
			if err == nil {
				t.Fatalf("Explain accepted it: %+v", v)
			}
			if v != (Verdict{}) {
				t.Errorf("verdict %+v returned with an error", v)
			}
			wantPaths(t, fieldErrors(t, err), tc.want...)
			set, _ := NewPolicySet(nil)
			if ok, err := set.Allowed(tc.conn); ok || err == nil {
				t.Errorf("PolicySet.Allowed = %v, %v; want an error", ok, err)
			}
		})
	}
}

// A nil PolicySet holds no policies: everything is allowed, nothing
// panics.
func TestReachNilPolicySet(t *testing.T) {
	var set *PolicySet
	c := tcpTo(ep(pod("default", "app", "a")), addr("203.0.113.1"), 443)
	if ok, err := set.Allowed(c); !ok || err != nil {
		t.Errorf("Allowed = %v, %v", ok, err)
	}
	if v, err := set.Explain(c); !v.Allowed || err != nil {
		t.Errorf("Explain = %+v, %v", v, err)
	}
	if _, err := set.Explain(Connection{}); err == nil {
		t.Error("a malformed connection passed")
	}
}
