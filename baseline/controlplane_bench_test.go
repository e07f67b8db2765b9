package baseline

import "testing"

// Benchmarks of the control plane builders, each building and rendering
// its files as the production example does.

func BenchmarkLoadBalancer(b *testing.B) {
	b.ReportAllocs()
	l := validLoadBalancer()
	for b.Loop() {
		r, err := l.Build()
		if err != nil {
			b.Fatal(err)
		}
		_ = r.Files()
	}
}

func BenchmarkEtcdCluster(b *testing.B) {
	b.ReportAllocs()
	e := validEtcdCluster()
	for b.Loop() {
		r, err := e.Build()
		if err != nil {
			b.Fatal(err)
		}
		_ = r.Files()
	}
}

func BenchmarkKubelet(b *testing.B) {
	b.ReportAllocs()
	k := Kubelet{Capacity: capacity("4", "16Gi")}
	for b.Loop() {
		if _, err := k.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuditAndEncryption(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		a, err := Audit{}.Build()
		if err != nil {
			b.Fatal(err)
		}
		e, err := Encryption{}.Build()
		if err != nil {
			b.Fatal(err)
		}
		_, _ = a.Files(), e.Files()
	}
}
