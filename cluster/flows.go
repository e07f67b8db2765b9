package cluster

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/fieldpath"
	"github.com/prodkube/prodkube/security"
)

// buildFlows turns every declared flow into NetworkPolicies: each namespace
// is default-deny, so a call between workloads needs an egress policy on
// the caller and an ingress policy on the callee, and traffic to or from an
// address range one policy on the workload.
func (b *builder) buildFlows() {
	for _, bw := range b.order {
		calls := map[string]bool{}
		for k, call := range bw.w.Calls {
			cp := bw.path.Child("calls").Index(k)
			switch {
			case (call.Workload == "") == (call.CIDR == ""):
				b.add(field.ErrorList{field.Required(cp, "exactly one of workload and cidr")})
			case call.CIDR != "":
				if call.Namespace != "" {
					b.add(field.ErrorList{field.Forbidden(cp.Child("namespace"), "goes with workload, not cidr")})
					continue
				}
				b.cidrPolicy(bw, cp, fmt.Sprintf("%s-egress-%d", bw.name, k), security.Egress, call.CIDR, call.Ports, call.Protocol, false)
			default:
				ns := defaultTo(call.Namespace, bw.ns)
				callee, ok := b.workloads[ns+"/"+call.Workload]
				if !ok {
					b.add(field.ErrorList{field.NotFound(cp.Child("workload"), ns+"/"+call.Workload)})
					continue
				}
				if callee == nil {
					continue // its own errors are reported
				}
				if calls[ns+"/"+call.Workload] {
					b.add(field.ErrorList{field.Duplicate(cp.Child("workload"), ns+"/"+call.Workload)})
					continue
				}
				calls[ns+"/"+call.Workload] = true
				ports, errs := resolvePorts(cp.Child("ports"), callee, call.Ports, call.Protocol)
				if len(errs) > 0 {
					b.add(errs)
					continue
				}
				spec := security.Allow{
					Name:          fmt.Sprintf("%s.%s-from-%s.%s", callee.ns, callee.name, bw.ns, bw.name),
					Namespace:     callee.ns,
					To:            callee.labels,
					From:          bw.labels,
					FromNamespace: bw.ns,
					Ports:         ports,
				}
				pols, err := spec.Build()
				if err != nil {
					b.add(fieldpath.Under(cp, spec.Validate()))
					continue
				}
				callee.admitters++
				b.r.objects = append(b.r.objects, pols.Objects()...)
			}
		}
		for k, acc := range bw.w.Accepts {
			ap := bw.path.Child("accepts").Index(k)
			if b.cidrPolicy(bw, ap, fmt.Sprintf("%s-ingress-%d", bw.name, k), security.Ingress, acc.CIDR, acc.Ports, "", true) {
				bw.admitters++
			}
		}
	}
	for _, bw := range b.order {
		if bw.service != nil && bw.admitters == 0 {
			sp := bw.path.Child("deployment", "service")
			if bw.w.StatefulSet != nil {
				sp = bw.path.Child("statefulSet", "service")
			}
			b.add(field.ErrorList{field.Forbidden(sp, "nothing may reach this Service in a default-deny namespace: declare the callers' calls[] or accepts[] from an address range")})
		}
	}
}

// cidrPolicy adds the policy for traffic between a workload and a range.
// For ingress the ports are the workload's own; for egress they are the
// destination's, so numbers.
func (b *builder) cidrPolicy(bw *built, p *field.Path, name string, dir security.Direction, cidr string, ports []intstr.IntOrString, proto corev1.Protocol, own bool) bool {
	if _, err := netip.ParsePrefix(cidr); err != nil {
		b.add(field.ErrorList{field.Invalid(p.Child("cidr"), cidr, "must be an IP range such as 203.0.113.0/24 or 0.0.0.0/0")})
		return false
	}
	var sp []security.Port
	if own {
		var errs field.ErrorList
		if sp, errs = resolvePorts(p.Child("ports"), bw, ports, proto); len(errs) > 0 {
			b.add(errs)
			return false
		}
	} else {
		if len(ports) == 0 {
			b.add(field.ErrorList{field.Required(p.Child("ports"), "at least one destination port: a range is never reachable on every port")})
			return false
		}
		for _, port := range ports {
			sp = append(sp, security.Port{Protocol: proto, Port: port})
		}
	}
	spec := security.AllowCIDR{Name: name, Namespace: bw.ns, Pods: bw.labels, Direction: dir, CIDR: cidr, Ports: sp}
	np, err := spec.Build()
	if err != nil {
		b.add(fieldpath.Under(p, spec.Validate()))
		return false
	}
	b.r.objects = append(b.r.objects, np)
	return true
}

// resolvePorts checks that each port is one the workload's containers
// declare (by name or number, with the protocol), and turns an empty list
// into all of them.
func resolvePorts(p *field.Path, bw *built, ports []intstr.IntOrString, proto corev1.Protocol) ([]security.Port, field.ErrorList) {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	var out []security.Port
	if len(ports) == 0 {
		for _, cp := range bw.ports {
			out = append(out, security.Port{Protocol: cp.Protocol, Port: intstr.FromString(cp.Name)})
			if cp.Name == "" {
				out[len(out)-1].Port = intstr.FromInt32(cp.ContainerPort)
			}
		}
		if len(out) == 0 {
			return nil, field.ErrorList{field.Invalid(p, nil, fmt.Sprintf("%s/%s declares no container ports to reach", bw.ns, bw.name))}
		}
		return out, nil
	}
	var errs field.ErrorList
	for i, port := range ports {
		found := false
		for _, cp := range bw.ports {
			proto2 := cp.Protocol
			if proto2 == "" {
				proto2 = corev1.ProtocolTCP
			}
			if proto2 != proto {
				continue
			}
			if (port.Type == intstr.String && port.StrVal == cp.Name) || (port.Type == intstr.Int && port.IntVal == cp.ContainerPort) {
				found = true
			}
		}
		if !found {
			errs = append(errs, field.NotFound(p.Index(i), fmt.Sprintf("%s %s of %s/%s", proto, port.String(), bw.ns, bw.name)))
			continue
		}
		out = append(out, security.Port{Protocol: proto, Port: port})
	}
	return out, errs
}
