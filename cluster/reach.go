package cluster

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/security"
)

// dnsPod is the cluster DNS as default-deny namespaces must reach it.
var dnsPod = security.Pod{Name: "coredns", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"},
	Ports: []corev1.ContainerPort{{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}, {Name: "dns-tcp", ContainerPort: 53, Protocol: corev1.ProtocolTCP}}}

// checkReach evaluates the NetworkPolicies the set holds with Kubernetes'
// NetworkPolicy semantics and checks them against the declared flows: every
// declared flow is allowed, cluster DNS is reachable from every workload,
// and no pair of workloads, on any port, talks without a declaration.
func (b *builder) checkReach() {
	if len(b.errs) > 0 {
		return // the policies are incomplete; their problems are reported
	}
	var policies []*networkingv1.NetworkPolicy
	nsLabels := map[string]map[string]string{}
	for _, o := range b.r.objects {
		switch t := o.(type) {
		case *networkingv1.NetworkPolicy:
			policies = append(policies, t)
		case *corev1.Namespace:
			nsLabels[t.Name] = t.Labels
		}
	}
	set, err := security.NewPolicySet(policies)
	if err != nil {
		b.add(field.ErrorList{field.InternalError(field.NewPath("namespaces"), err)})
		return
	}
	pod := func(bw *built) *security.Pod {
		return &security.Pod{Name: bw.ns + "/" + bw.name, Namespace: bw.ns, NamespaceLabels: nsLabels[bw.ns], Labels: bw.template.Labels, Ports: bw.ports}
	}
	type key struct {
		from, to string
		port     int32
		proto    corev1.Protocol
	}
	declared := map[key]bool{}
	for _, bw := range b.order {
		for _, call := range bw.w.Calls {
			if call.Workload == "" {
				continue
			}
			callee := b.workloads[defaultTo(call.Namespace, bw.ns)+"/"+call.Workload]
			ports, _ := resolvePorts(nil, callee, call.Ports, call.Protocol)
			for _, p := range ports {
				for _, cp := range callee.ports {
					if protoOf(cp.Protocol) == protoOf(p.Protocol) && (p.Port.StrVal == cp.Name && cp.Name != "" || p.Port.IntVal == cp.ContainerPort) {
						declared[key{bw.ns + "/" + bw.name, callee.ns + "/" + callee.name, cp.ContainerPort, protoOf(cp.Protocol)}] = true
					}
				}
			}
		}
	}
	ask := func(p *field.Path, c security.Connection, want bool, what string) {
		v, err := set.Explain(c)
		switch {
		case err != nil:
			b.add(field.ErrorList{field.InternalError(p, err)})
		case v.Allowed != want && want:
			b.add(field.ErrorList{field.Invalid(p, what, "the NetworkPolicies do not allow this declared flow: "+v.Reason)})
		case v.Allowed != want:
			b.add(field.ErrorList{field.Forbidden(p, what+" is allowed although no flow declares it: "+v.Reason)})
		}
	}
	for _, from := range b.order {
		src := pod(from)
		ask(from.path, security.Connection{From: security.Endpoint{Pod: src}, To: security.Endpoint{Pod: &dnsPod}, Port: 53, Protocol: corev1.ProtocolUDP}, true, "cluster DNS")
		for _, to := range b.order {
			if to == from {
				continue
			}
			for _, cp := range to.ports {
				k := key{from.ns + "/" + from.name, to.ns + "/" + to.name, cp.ContainerPort, protoOf(cp.Protocol)}
				what := fmt.Sprintf("%s to %s on %s %d", k.from, k.to, k.proto, k.port)
				ask(from.path.Child("calls"), security.Connection{From: security.Endpoint{Pod: src}, To: security.Endpoint{Pod: pod(to)}, Port: cp.ContainerPort, Protocol: k.proto}, declared[k], what)
			}
		}
		// Traffic from a range reaches exactly the accepted ports.
		for k, acc := range from.w.Accepts {
			prefix, err := netip.ParsePrefix(acc.CIDR)
			if err != nil {
				continue
			}
			ports, _ := resolvePorts(nil, from, acc.Ports, "")
			for _, cp := range from.ports {
				want := false
				for _, p := range ports {
					if protoOf(cp.Protocol) == protoOf(p.Protocol) && (p.Port.StrVal == cp.Name && cp.Name != "" || p.Port.IntVal == cp.ContainerPort) {
						want = true
					}
				}
				c := security.Connection{From: security.Endpoint{Address: prefix.Addr().String()}, To: security.Endpoint{Pod: src}, Port: cp.ContainerPort, Protocol: protoOf(cp.Protocol)}
				ask(from.path.Child("accepts").Index(k), c, want, fmt.Sprintf("%s to %s/%s on %d", prefix.Addr(), from.ns, from.name, cp.ContainerPort))
			}
		}
	}
}

func protoOf(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}
