package security_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/security"
)

func ExampleExplain() {
	deny, _ := security.DefaultDeny{Namespace: "production"}.Build()
	db, _ := security.Allow{
		Name: "db-access", Namespace: "production",
		From:  map[string]string{"app": "backend"},
		To:    map[string]string{"app": "database"},
		Ports: []security.Port{{Port: intstr.FromInt32(5432)}},
	}.Build()
	policies := []*networkingv1.NetworkPolicy{deny, db.Ingress, db.Egress}

	backend := &security.Pod{Name: "backend-0", Namespace: "production", Labels: map[string]string{"app": "backend"}}
	database := &security.Pod{Name: "database-0", Namespace: "production", Labels: map[string]string{"app": "database"}}
	for _, c := range []security.Connection{
		{From: security.Endpoint{Pod: backend}, To: security.Endpoint{Pod: database}, Port: 5432},
		{From: security.Endpoint{Pod: database}, To: security.Endpoint{Pod: backend}, Port: 8080},
		{From: security.Endpoint{Address: "203.0.113.7"}, To: security.Endpoint{Pod: database}, Port: 5432},
	} {
		v, err := security.Explain(policies, c)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v.Reason)
	}
	// Output:
	// pod production/backend-0 to pod production/database-0 on TCP/5432 allowed: egress allowed by production/db-access-egress egress[0]; ingress allowed by production/db-access ingress[0]
	// pod production/database-0 to pod production/backend-0 on TCP/8080 denied: egress of pod production/database-0 is isolated by production/default-deny and no egress rule matches; ingress of pod production/backend-0 is isolated by production/default-deny and no ingress rule matches
	// address 203.0.113.7 to pod production/database-0 on TCP/5432 denied: ingress of pod production/database-0 is isolated by production/default-deny, production/db-access and no ingress rule matches
}

func ExampleAllowed() {
	deny, _ := security.DefaultDeny{Namespace: "production"}.Build()
	dns, _ := security.AllowDNS{Namespace: "production"}.Build()
	web := &security.Pod{Namespace: "production", Labels: map[string]string{"app": "web"}}
	coredns := &security.Pod{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}}
	for _, proto := range []corev1.Protocol{corev1.ProtocolUDP, corev1.ProtocolSCTP} {
		ok, err := security.Allowed([]*networkingv1.NetworkPolicy{deny, dns}, security.Connection{
			From: security.Endpoint{Pod: web}, To: security.Endpoint{Pod: coredns}, Port: 53, Protocol: proto,
		})
		fmt.Println(proto, ok, err)
	}
	// Output:
	// UDP true <nil>
	// SCTP false <nil>
}

func ExampleNewPolicySet() {
	_, err := security.NewPolicySet([]*networkingv1.NetworkPolicy{{
		Spec: networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"192.168.0.0/16"}}}},
			}},
		},
	}})
	fmt.Println(err)
	// Output:
	// [policies[0].metadata.namespace: Required value: a DNS-1123 label such as production, policies[0].spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict sub-range of cidr 10.0.0.0/8]
}

func ExamplePolicySet_Explain() {
	// A flow check: parse the policies once, then ask about every flow.
	deny, _ := security.DefaultDeny{Namespace: "shop"}.Build()
	web := security.AllowCIDR{
		Name: "from-lb", Namespace: "shop",
		Pods:      map[string]string{"app": "web"},
		Direction: security.Ingress,
		CIDR:      "198.51.100.0/24",
		Ports:     []security.Port{{Port: intstr.FromString("https")}},
	}
	lb, _ := web.Build()
	set, err := security.NewPolicySet([]*networkingv1.NetworkPolicy{deny, lb})
	if err != nil {
		fmt.Println(err)
		return
	}
	pod := &security.Pod{
		Name: "web-0", Namespace: "shop", Labels: map[string]string{"app": "web"},
		Ports: []corev1.ContainerPort{{Name: "https", ContainerPort: 8443}},
	}
	for _, port := range []int32{8443, 22} {
		v, err := set.Explain(security.Connection{From: security.Endpoint{Address: "198.51.100.20"}, To: security.Endpoint{Pod: pod}, Port: port})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v.Allowed, v.Reason)
	}
	// Output:
	// true address 198.51.100.20 to pod shop/web-0 on TCP/8443 allowed: egress of an address is not subject to NetworkPolicy; ingress allowed by shop/from-lb ingress[0]
	// false address 198.51.100.20 to pod shop/web-0 on TCP/22 denied: ingress of pod shop/web-0 is isolated by shop/default-deny, shop/from-lb and no ingress rule matches
}
