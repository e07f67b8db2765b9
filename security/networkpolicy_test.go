package security

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func tcp(p int32) Port { return Port{Protocol: "TCP", Port: intstr.FromInt32(p)} }

func TestDefaultDenyAndDNS(t *testing.T) {
	deny, err := DefaultDeny{Namespace: "production"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if deny.Name != "default-deny" || len(deny.Spec.PodSelector.MatchLabels) != 0 || len(deny.Spec.Ingress) != 0 || len(deny.Spec.Egress) != 0 ||
		!cmp.Equal(deny.Spec.PolicyTypes, []networkingv1.PolicyType{"Ingress", "Egress"}) {
		t.Errorf("default deny = %+v", deny.Spec)
	}
	dns, err := AllowDNS{Namespace: "production"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	rule := dns.Spec.Egress[0]
	if got := rule.To[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]; got != "kube-system" {
		t.Errorf("DNS namespace = %q", got)
	}
	if got := rule.To[0].PodSelector.MatchLabels["k8s-app"]; got != "kube-dns" {
		t.Errorf("DNS pods = %q", got)
	}
	if len(rule.Ports) != 2 || *rule.Ports[0].Protocol != "UDP" || *rule.Ports[1].Protocol != "TCP" || rule.Ports[0].Port.IntVal != 53 || rule.Ports[1].Port.IntVal != 53 {
		t.Errorf("DNS ports = %+v", rule.Ports)
	}
	wantPaths(t, DefaultDeny{Name: "X"}.Validate(), "FieldValueRequired namespace", "FieldValueInvalid name")
	wantPaths(t, AllowDNS{Namespace: "a", DNSNamespace: "Kube", DNSPodLabels: map[string]string{"a b": "c"}}.Validate(), "FieldValueInvalid dnsNamespace", "FieldValueInvalid dnsPodLabels")
}

func TestAllow(t *testing.T) {
	p, err := Allow{
		Name: "db-access-policy", Namespace: "production",
		From: map[string]string{"app": "backend"}, To: map[string]string{"app": "database"},
		Ports: []Port{tcp(5432)},
	}.Build()
	if err != nil {
		t.Fatal(err)
	}
	in, out := p.Ingress, p.Egress
	if in.Name != "db-access-policy" || in.Spec.PodSelector.MatchLabels["app"] != "database" || in.Spec.Ingress[0].From[0].PodSelector.MatchLabels["app"] != "backend" || in.Spec.Ingress[0].From[0].NamespaceSelector != nil {
		t.Errorf("ingress = %+v", in.Spec)
	}
	if out.Name != "db-access-policy-egress" || out.Namespace != "production" || out.Spec.PodSelector.MatchLabels["app"] != "backend" || out.Spec.Egress[0].To[0].PodSelector.MatchLabels["app"] != "database" {
		t.Errorf("egress = %+v", out.Spec)
	}
	if *in.Spec.Ingress[0].Ports[0].Protocol != "TCP" || in.Spec.Ingress[0].Ports[0].Port.IntVal != 5432 {
		t.Errorf("ports = %+v", in.Spec.Ingress[0].Ports)
	}

	// Across namespaces each side names the other's namespace.
	p, err = Allow{Name: "scrape", Namespace: "production", FromNamespace: "monitoring",
		From: map[string]string{"app": "prometheus"}, To: map[string]string{"app": "web"}, Ports: []Port{{Port: intstr.FromString("metrics")}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Ingress.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]; got != "monitoring" {
		t.Errorf("ingress peer namespace = %q", got)
	}
	if p.Egress.Namespace != "monitoring" || p.Egress.Spec.Egress[0].To[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "production" {
		t.Errorf("egress = %+v", p.Egress)
	}

	tests := []struct {
		name string
		spec Allow
		want []string
	}{
		{"empty", Allow{}, []string{"FieldValueRequired name", "FieldValueRequired namespace", "FieldValueRequired to", "FieldValueRequired from", "FieldValueRequired ports"}},
		{"bad ports", Allow{Name: "a", Namespace: "n", To: map[string]string{"a": "b"}, From: map[string]string{"c": "d"}, Ports: []Port{
			tcp(0), tcp(65536), {Protocol: "ICMP", Port: intstr.FromInt32(1)}, {Port: intstr.FromString("Not_A_Name")}}},
			[]string{"FieldValueInvalid ports[0].port", "FieldValueInvalid ports[1].port", "FieldValueNotSupported ports[2].protocol", "FieldValueInvalid ports[3].port"}},
		{"name too long for egress", Allow{Name: longName(250), Namespace: "n", To: map[string]string{"a": "b"}, From: map[string]string{"c": "d"}, Ports: []Port{tcp(1)}},
			[]string{"FieldValueInvalid name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, tt.spec.Validate(), tt.want...)
		})
	}
}

func longName(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func TestAllowCIDR(t *testing.T) {
	np, err := AllowCIDR{Name: "to-db-subnet", Namespace: "production", Pods: map[string]string{"app": "backend"},
		Direction: Egress, CIDR: "10.20.0.0/16", Except: []string{"10.20.5.0/24"}, Ports: []Port{tcp(5432)}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	blk := np.Spec.Egress[0].To[0].IPBlock
	if blk.CIDR != "10.20.0.0/16" || !cmp.Equal(blk.Except, []string{"10.20.5.0/24"}) || len(np.Spec.Ingress) != 0 {
		t.Errorf("policy = %+v", np.Spec)
	}
	tests := []struct {
		name string
		spec AllowCIDR
		want []string
	}{
		{"host bits and outside except", AllowCIDR{Name: "a", Namespace: "n", Pods: map[string]string{"a": "b"}, Direction: Ingress, CIDR: "10.20.1.0/16",
			Except: []string{"10.21.0.0/24"}, Ports: []Port{tcp(443)}}, []string{"FieldValueInvalid cidr"}},
		{"except not inside", AllowCIDR{Name: "a", Namespace: "n", Pods: map[string]string{"a": "b"}, Direction: Ingress, CIDR: "10.20.0.0/16",
			Except: []string{"10.21.0.0/24", "10.20.0.0/16", "fd00::/64", "nonsense"}, Ports: []Port{tcp(443)}},
			[]string{"FieldValueInvalid except[0]", "FieldValueInvalid except[1]", "FieldValueInvalid except[2]", "FieldValueInvalid except[3]"}},
		{"direction and cidr missing", AllowCIDR{Name: "a", Namespace: "n", Pods: map[string]string{"a": "b"}, Ports: []Port{tcp(443)}},
			[]string{"FieldValueNotSupported direction", "FieldValueRequired cidr"}},
		{"ipv6", AllowCIDR{Name: "a", Namespace: "n", Pods: map[string]string{"a": "b"}, Direction: Egress, CIDR: "fd00::/48", Except: []string{"fd00:0:0:1::/64"}, Ports: []Port{tcp(443)}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, tt.spec.Validate(), tt.want...)
		})
	}
}
