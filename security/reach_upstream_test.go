package security

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// The scenarios below restate the truth tables of the upstream NetworkPolicy
// conformance tests (k8s.io/kubernetes test/e2e/network/netpol), which run
// each policy against real network plugins and compare every pod-to-pod
// probe with an expected matrix. The policies and expectations are written
// here in this package's own terms: pods x/a, y/b, ... carry the label
// pod=<name>, live in namespaces x, y and z, have container ports named
// serve-<port>-<protocol> for ports 80 and 81 on TCP, UDP and SCTP, and have
// an address in 10.244.0.0/16. Like upstream, a pod's traffic to itself is
// not judged. (In YAML, "y" must be quoted: unquoted, it is a boolean.)

// truthRule sets the expectation for traffic from one peer to another;
// a peer is "" (any pod), a namespace "x", or a pod "x/a". Later rules
// override earlier ones, and everything starts allowed.
type truthRule struct {
	from, to string
	allowed  bool
}

type truthProbe struct {
	port  int32
	proto corev1.Protocol
	rules []truthRule
}

type truthScenario struct {
	name     string
	pods     string // space-separated
	policies string // YAML, namespace given per policy
	probes   []truthProbe
}

func truthPods(names string) []*Pod {
	var pods []*Pod
	for i, name := range strings.Fields(names) {
		ns, pod, _ := strings.Cut(name, "/")
		p := &Pod{Name: pod, Namespace: ns, Labels: map[string]string{"pod": pod}, IP: fmt.Sprintf("10.244.%d.%d", ns[0]-'x', i+1)}
		for _, port := range []int32{80, 81} {
			for _, proto := range []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP} {
				p.Ports = append(p.Ports, corev1.ContainerPort{Name: fmt.Sprintf("serve-%d-%s", port, strings.ToLower(string(proto))), ContainerPort: port, Protocol: proto})
			}
		}
		pods = append(pods, p)
	}
	return pods
}

func peerMatches(peer string, p *Pod) bool {
	ns, name, hasPod := strings.Cut(peer, "/")
	return peer == "" || (ns == p.Namespace && (!hasPod || name == p.Name))
}

func TestReachUpstreamTruthTables(t *testing.T) {
	tcp80 := func(rules ...truthRule) truthProbe { return truthProbe{80, corev1.ProtocolTCP, rules} }
	tcp81 := func(rules ...truthRule) truthProbe { return truthProbe{81, corev1.ProtocolTCP, rules} }
	deny := func(from, to string) truthRule { return truthRule{from, to, false} }
	allow := func(from, to string) truthRule { return truthRule{from, to, true} }
	// x/b's address in the pod lists where the CIDR scenarios use it.
	const xb = "10.244.0.2"

	for _, sc := range []truthScenario{
		{"default-deny-ingress", "x/a x/b y/a y/b", `
metadata: {name: deny-ingress, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}`,
			[]truthProbe{tcp80(deny("", "x"))}},
		{"default-deny-all", "x/a x/b y/a", `
metadata: {name: deny-all, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`,
			[]truthProbe{tcp80(deny("", "x"), deny("x", ""))}},
		{"pod selector or namespace selector", "x/a x/b x/c y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}
    - podSelector: {matchLabels: {pod: b}}`,
			[]truthProbe{tcp80(deny("x/c", "x/a"))}},
		{"pod selector and namespace selector", "x/a x/b y/a y/b z/b", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}
      podSelector: {matchLabels: {pod: b}}`,
			[]truthProbe{tcp80(deny("", "x/a"), allow("y/b", "x/a"), allow("z/b", "x/a"))}},
		{"several pods in other namespaces", "x/a x/b y/a y/b y/c", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}]}
      podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}`,
			[]truthProbe{tcp80(deny("x", "x/a"), deny("y/a", "x/a"))}},
		{"any of several pod selectors", "x/a x/b x/c", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}, {podSelector: {matchLabels: {pod: c}}}]`,
			[]truthProbe{tcp80(deny("", "x/a"), allow("x/b", "x/a"), allow("x/c", "x/a"))}},
		{"one pod of another namespace", "x/a x/b y/a y/b z/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}
      podSelector: {matchLabels: {pod: a}}`,
			[]truthProbe{tcp80(deny("", "x/a"), allow("y/a", "x/a"))}},
		{"ports", "x/a x/b y/a y/b z/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}}]
    ports: [{protocol: TCP, port: 81}]`,
			[]truthProbe{tcp81(deny("x", "x/a"), allow("y", "x/a"), deny("z", "x/a"))}},
		{"ingress on one named port", "x/a x/b y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: serve-81-tcp}]`,
			[]truthProbe{tcp81(), tcp80(deny("", "x"))}},
		{"ingress from a namespace on one named port", "x/a x/b y/a z/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}}]
    ports: [{protocol: TCP, port: serve-80-tcp}]`,
			[]truthProbe{tcp80(deny("x", "x/a"), deny("z", "x/a")), tcp81(deny("", "x/a"))}},
		{"egress on one named port", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - ports: [{port: serve-80-tcp}]`,
			[]truthProbe{tcp80(), tcp81(deny("x", ""))}},
		{"a named port no pod has", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{protocol: TCP, port: no-such-port}]`,
			[]truthProbe{tcp80(deny("", "x/a"))}},
		{"egress denied at the client though the server allows it", "x/a y/a y/b", `
metadata: {name: to-y-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}, podSelector: {matchLabels: {pod: a}}}]
---
metadata: {name: from-x-a-on-a, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]
---
metadata: {name: from-x-a-on-b, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: b}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: x}}, podSelector: {matchLabels: {pod: a}}}]`,
			[]truthProbe{tcp80(deny("x/a", ""), deny("", "y/a"), allow("x/a", "y/a"), deny("", "y/b"))}},
		{"egress to a pod of another namespace", "x/a y/a y/b", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}, podSelector: {matchLabels: {pod: a}}}]`,
			[]truthProbe{tcp80(deny("x/a", ""), allow("x/a", "y/a"))}},
		{"any port of one protocol", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{protocol: TCP}]`,
			[]truthProbe{tcp80(), {80, corev1.ProtocolUDP, []truthRule{deny("", "x/a")}}}},
		{"ingress on one port", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 80}]`,
			[]truthProbe{tcp81(deny("", "x"))}},
		{"ingress allow-all takes precedence", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 80}]
---
metadata: {name: allow-all, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{}]`,
			[]truthProbe{tcp81()}},
		{"egress on one port", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 80}]`,
			[]truthProbe{tcp81(deny("x", ""))}},
		{"egress allow-all takes precedence", "x/a y/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 80}]
---
metadata: {name: allow-all, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]`,
			[]truthProbe{tcp81()}},
		{"egress to a pod's address", "x/a y/a y/b", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.244.1.3/32}}]`,
			[]truthProbe{tcp80(deny("x/a", ""), allow("x/a", "y/b"))}},
		{"except clause", "x/a x/b x/c", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.244.0.0/16, except: [` + xb + `/32]}}]`,
			[]truthProbe{tcp80(deny("x/a", "x/b"))}},
		{"an address in a CIDR and an except, and in another block", "x/a x/b x/c", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: ` + xb + `/32}}]`,
			[]truthProbe{tcp80(deny("x/a", ""), allow("x/a", "x/b"))}},
		{"ingress and egress controlled independently", "x/a x/b y/a", `
metadata: {name: allow-egress, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{}]
---
metadata: {name: deny-ingress, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]`,
			[]truthProbe{tcp80(deny("", "x/a"))}},
		{"SCTP is not TCP", "x/a y/a", `
metadata: {name: deny-ingress, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
metadata: {name: sctp-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{protocol: SCTP, port: 81}]`,
			[]truthProbe{tcp81(deny("", "x"))}},
		{"a policy allowing SCTP isolates for TCP", "x/a y/a", `
metadata: {name: sctp-80, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{protocol: SCTP, port: 80}]`,
			[]truthProbe{tcp81(deny("", "x/a"))}},
		{"UDP only", "x/a y/a", `
metadata: {name: udp-81, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{protocol: UDP, port: 81}]`,
			[]truthProbe{tcp81(deny("", "x/a"))}},
		{"namespace name label", "x/a x/b y/a z/a", `
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "y"}}}]`,
			[]truthProbe{tcp80(deny("x", "x/a"), deny("z", "x/a"))}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			nps := policies(t, sc.policies)
			set, err := NewPolicySet(nps)
			if err != nil {
				t.Fatal(err)
			}
			pods := truthPods(sc.pods)
			for _, probe := range sc.probes {
				var wrong []string
				for _, from := range pods {
					for _, to := range pods {
						if from == to {
							continue
						}
						want := true
						for _, r := range probe.rules {
							if peerMatches(r.from, from) && peerMatches(r.to, to) {
								want = r.allowed
							}
						}
						v, err := set.Explain(Connection{From: Endpoint{Pod: from}, To: Endpoint{Pod: to}, Port: probe.port, Protocol: probe.proto})
						if err != nil {
							t.Fatal(err)
						}
						if v.Allowed != want {
							wrong = append(wrong, fmt.Sprintf("want allowed=%v: %s", want, v.Reason))
						}
					}
				}
				if len(wrong) > 0 {
					t.Errorf("%s/%d:\n%s", probe.proto, probe.port, strings.Join(wrong, "\n"))
				}
			}
		})
	}
}

// The truth tables above never call the evaluator with no policies; make
// sure the helper's pods are all reachable then, so a scenario's denials
// come from its policies.
func TestReachUpstreamPodsOpenWithoutPolicies(t *testing.T) {
	pods := truthPods("x/a x/b y/a z/c")
	for _, from := range pods {
		for _, to := range pods {
			ok, err := Allowed([]*networkingv1.NetworkPolicy{}, Connection{From: Endpoint{Pod: from}, To: Endpoint{Pod: to}, Port: 80})
			if err != nil || !ok {
				t.Errorf("%s/%s to %s/%s: %v, %v", from.Namespace, from.Name, to.Namespace, to.Name, ok, err)
			}
		}
	}
}
