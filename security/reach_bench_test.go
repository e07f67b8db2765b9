package security

import (
	"fmt"
	"math/rand"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// reachBenchSet is a production-like workload for the evaluator: five
// default-deny namespaces, each with DNS allowed and four flows (backend to
// database, frontend to backend, worker to queue, backend to cache), which
// is 50 policies, and 1000 connections between the pods of all namespaces,
// some of them declared flows and most of them not.
func reachBenchSet(b *testing.B) ([]*networkingv1.NetworkPolicy, []Connection) {
	flows := [][2]string{{"backend", "database"}, {"frontend", "backend"}, {"worker", "queue"}, {"backend", "cache"}}
	var nps []*networkingv1.NetworkPolicy
	var pods []*Pod
	for n := range 5 {
		ns := fmt.Sprintf("team-%d", n)
		nps = append(nps, built(DefaultDeny{Namespace: ns}.Build()), built(AllowDNS{Namespace: ns}.Build()))
		for _, f := range flows {
			a := built(Allow{
				Name: f[0] + "-to-" + f[1], Namespace: ns,
				From: map[string]string{"app": f[0]}, To: map[string]string{"app": f[1]},
				Ports: []Port{{Port: intstr.FromString("serve")}, tcp(9090)},
			}.Build())
			nps = append(nps, a.Ingress, a.Egress)
		}
		for _, app := range []string{"frontend", "backend", "database", "worker", "queue", "cache"} {
			pods = append(pods, &Pod{
				Name: app, Namespace: ns,
				NamespaceLabels: map[string]string{"team": ns},
				Labels:          map[string]string{"app": app, "app.kubernetes.io/part-of": "shop"},
				IP:              fmt.Sprintf("10.%d.0.%d", n, len(pods)+1),
				Ports:           []corev1.ContainerPort{{Name: "serve", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
			})
		}
	}
	pods = append(pods, &Pod{Name: "coredns", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}, IP: "10.96.0.10"})
	if len(nps) != 50 {
		b.Fatalf("%d policies, want 50", len(nps))
	}
	r := rand.New(rand.NewSource(1))
	conns := make([]Connection, 1000)
	for i := range conns {
		c := Connection{From: Endpoint{Pod: pods[r.Intn(len(pods))]}, To: Endpoint{Pod: pods[r.Intn(len(pods))]}, Port: []int32{8080, 9090, 53, 443}[r.Intn(4)]}
		if c.Port == 53 {
			c.Protocol = corev1.ProtocolUDP
		}
		if i%10 == 0 {
			c.From = Endpoint{Address: "203.0.113.9"}
		}
		conns[i] = c
	}
	return nps, conns
}

// BenchmarkReachAllowed asks Allowed about 1000 connections under 50
// policies; each call parses the policies again.
func BenchmarkReachAllowed(b *testing.B) {
	nps, conns := reachBenchSet(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range conns {
			if _, err := Allowed(nps, c); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReachPolicySet asks the same with the policies parsed once per
// 1000 connections, as a flow check does.
func BenchmarkReachPolicySet(b *testing.B) {
	nps, conns := reachBenchSet(b)
	b.ReportAllocs()
	allowed := 0
	for b.Loop() {
		set, err := NewPolicySet(nps)
		if err != nil {
			b.Fatal(err)
		}
		allowed = 0
		for _, c := range conns {
			ok, err := set.Allowed(c)
			if err != nil {
				b.Fatal(err)
			}
			if ok {
				allowed++
			}
		}
	}
	b.ReportMetric(float64(allowed), "allowed/1000")
}
