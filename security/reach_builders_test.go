package security

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// built returns what a builder made; a builder rejecting one of the specs
// below is a bug in the test, and the panic fails it.
func built[T any](v T, err error) T {
	if err != nil {
		panic("builder rejected a test spec: " + err.Error())
	}
	return v
}

// The policies this package builds, judged by the evaluator: each admits
// what its documentation promises and nothing else.
func TestReachBuiltPolicies(t *testing.T) {
	dns := pod("kube-system", "k8s-app", "kube-dns")
	notDNS := pod("kube-system", "k8s-app", "metrics-server")
	fakeDNS := pod("team-a", "k8s-app", "kube-dns")
	web := pod("production", "app", "web")
	api := pod("production", "app", "api")
	backend := pod("production", "app", "backend")
	database := pod("production", "app", "database").withPort("postgres", corev1.ProtocolTCP, 5432)
	internet := addr("203.0.113.10")

	deny := built(DefaultDeny{Namespace: "production"}.Build())
	allowDNS := built(AllowDNS{Namespace: "production"}.Build())

	t.Run("DefaultDeny", func(t *testing.T) {
		runReach(t, []*networkingv1.NetworkPolicy{deny}, []reachCase{
			{"pod to pod in the namespace", tcpTo(ep(web), ep(api), 80), false},
			{"into the namespace", tcpTo(internet, ep(web), 443), false},
			{"out of the namespace", tcpTo(ep(web), internet, 443), false},
			{"out to DNS", on(tcpTo(ep(web), ep(dns), 53), corev1.ProtocolUDP), false},
			{"other namespaces are untouched", tcpTo(ep(fakeDNS), ep(notDNS), 443), true},
		})
	})
	t.Run("DefaultDeny+AllowDNS", func(t *testing.T) {
		runReach(t, []*networkingv1.NetworkPolicy{deny, allowDNS}, []reachCase{
			{"UDP 53 to kube-dns", on(tcpTo(ep(web), ep(dns), 53), corev1.ProtocolUDP), true},
			{"TCP 53 to kube-dns", tcpTo(ep(web), ep(dns), 53), true},
			{"another port to kube-dns", tcpTo(ep(web), ep(dns), 443), false},
			{"SCTP 53 to kube-dns", on(tcpTo(ep(web), ep(dns), 53), corev1.ProtocolSCTP), false},
			{"53 to another kube-system pod", on(tcpTo(ep(web), ep(notDNS), 53), corev1.ProtocolUDP), false},
			{"53 to a kube-dns look-alike elsewhere", on(tcpTo(ep(web), ep(fakeDNS), 53), corev1.ProtocolUDP), false},
			{"53 to an outside resolver", on(tcpTo(ep(web), addr("8.8.8.8"), 53), corev1.ProtocolUDP), false},
			{"53 between pods of the namespace", on(tcpTo(ep(web), ep(api), 53), corev1.ProtocolUDP), false},
			{"DNS does not open ingress", on(tcpTo(ep(dns), ep(web), 53), corev1.ProtocolUDP), false},
		})
	})

	t.Run("Allow", func(t *testing.T) {
		allow := built(Allow{
			Name: "db-access", Namespace: "production",
			From:  map[string]string{"app": "backend"},
			To:    map[string]string{"app": "database"},
			Ports: []Port{tcp(5432)},
		}.Build())
		runReach(t, []*networkingv1.NetworkPolicy{deny, allowDNS, allow.Ingress, allow.Egress}, []reachCase{
			{"backend to database on the port", tcpTo(ep(backend), ep(database), 5432), true},
			{"backend to database on another port", tcpTo(ep(backend), ep(database), 5433), false},
			{"backend to database over UDP", on(tcpTo(ep(backend), ep(database), 5432), corev1.ProtocolUDP), false},
			{"database to backend", tcpTo(ep(database), ep(backend), 5432), false},
			{"web to database", tcpTo(ep(web), ep(database), 5432), false},
			{"backend to web", tcpTo(ep(backend), ep(web), 5432), false},
			{"backend still resolves names", on(tcpTo(ep(backend), ep(dns), 53), corev1.ProtocolUDP), true},
			{"a backend pod of another namespace", tcpTo(ep(pod("staging", "app", "backend")), ep(database), 5432), false},
		})
		// Without the egress half, the default deny still stops the
		// backend at its own end.
		runReach(t, []*networkingv1.NetworkPolicy{deny, allow.Ingress}, []reachCase{
			{"ingress half only", tcpTo(ep(backend), ep(database), 5432), false},
		})
	})

	t.Run("Allow across namespaces with a named port", func(t *testing.T) {
		webDeny := built(DefaultDeny{Namespace: "web"}.Build())
		allow := built(Allow{
			Name: "frontend-to-db", Namespace: "production", FromNamespace: "web",
			From:  map[string]string{"app": "frontend"},
			To:    map[string]string{"app": "database"},
			Ports: []Port{{Port: intstr.FromString("postgres")}},
		}.Build())
		frontend := pod("web", "app", "frontend")
		runReach(t, []*networkingv1.NetworkPolicy{deny, webDeny, allow.Ingress, allow.Egress}, []reachCase{
			{"frontend to database's named port", tcpTo(ep(frontend), ep(database), 5432), true},
			{"frontend to database on another port", tcpTo(ep(frontend), ep(database), 5433), false},
			{"frontend to a database pod without the named port", tcpTo(ep(frontend), ep(pod("production", "app", "database")), 5432), false},
			{"a frontend pod of the database's namespace", tcpTo(ep(pod("production", "app", "frontend")), ep(database), 5432), false},
			{"frontend to a database pod of its own namespace", tcpTo(ep(frontend), ep(pod("web", "app", "database").withPort("postgres", "", 5432)), 5432), false},
		})
	})

	t.Run("AllowCIDR", func(t *testing.T) {
		out := built(AllowCIDR{
			Name: "to-db-subnet", Namespace: "production",
			Pods:      map[string]string{"app": "backend"},
			Direction: Egress,
			CIDR:      "10.20.0.0/16",
			Except:    []string{"10.20.5.0/24"},
			Ports:     []Port{tcp(5432)},
		}.Build())
		in := built(AllowCIDR{
			Name: "from-lb", Namespace: "production",
			Pods:      map[string]string{"app": "web"},
			Direction: Ingress,
			CIDR:      "2001:db8:40::/48",
			Ports:     []Port{tcp(443)},
		}.Build())
		runReach(t, []*networkingv1.NetworkPolicy{deny, out, in}, []reachCase{
			{"backend into the subnet", tcpTo(ep(backend), addr("10.20.1.1"), 5432), true},
			{"backend into the excepted part", tcpTo(ep(backend), addr("10.20.5.1"), 5432), false},
			{"backend outside the subnet", tcpTo(ep(backend), addr("10.21.0.1"), 5432), false},
			{"backend into the subnet on another port", tcpTo(ep(backend), addr("10.20.1.1"), 22), false},
			{"web into the subnet", tcpTo(ep(web), addr("10.20.1.1"), 5432), false},
			{"the subnet into backend", tcpTo(addr("10.20.1.1"), ep(backend), 5432), false},
			{"load balancer to web", tcpTo(addr("2001:db8:40::7"), ep(web), 443), true},
			{"load balancer to web on another port", tcpTo(addr("2001:db8:40::7"), ep(web), 80), false},
			{"elsewhere to web", tcpTo(addr("2001:db8:41::7"), ep(web), 443), false},
			{"load balancer to backend", tcpTo(addr("2001:db8:40::7"), ep(backend), 443), false},
		})
	})
}
