package upgrade

import (
	"fmt"
	"testing"
)

// scaleSpec is a realistic layout of n nodes (n ≥ 100): three control plane
// nodes, a large general pool upgraded in place 10% at a time, a batch pool
// 5% at a time, a memory pool one node at a time, and a GPU pool replaced by
// surge; from v1.35.4 to v1.37.2 (two hops).
func scaleSpec(n int) Spec {
	workers := n - 3
	layout := []struct {
		name     string
		share    int // per mille
		strategy Strategy
		maxUnav  int // percent of the pool; 0 means one node
	}{
		{"general", 600, InPlace, 10},
		{"batch", 300, InPlace, 5},
		{"memory", 60, InPlace, 0},
		{"gpu", 40, Surge, 0},
	}
	s := Spec{
		ControlPlane: []ControlPlaneNode{{Name: "cp-1", Version: "v1.35.4"}, {Name: "cp-2", Version: "v1.35.4"}, {Name: "cp-3", Version: "v1.35.4"}},
		Target:       "v1.37.2",
		Releases:     []string{"v1.36.5"},
	}
	left := workers
	for i, l := range layout {
		size := workers * l.share / 1000
		if i == len(layout)-1 {
			size = left
		}
		left -= size
		p := Pool{Name: l.name, Strategy: l.strategy}
		if l.maxUnav > 0 {
			p.MaxUnavailable = max(1, size*l.maxUnav/100)
		}
		for j := 0; j < size; j++ {
			p.Nodes = append(p.Nodes, Node{Name: fmt.Sprintf("%s-%04d", l.name, j), Version: "v1.35.4"})
		}
		s.Pools = append(s.Pools, p)
	}
	return s
}

func benchmarkPlan(b *testing.B, n int) {
	s := scaleSpec(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Plan(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
}

func BenchmarkPlan500(b *testing.B)  { benchmarkPlan(b, 500) }
func BenchmarkPlan5000(b *testing.B) { benchmarkPlan(b, 5000) }

func benchmarkPlanAndRender(b *testing.B, n int) {
	s := scaleSpec(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := s.Plan()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.script(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
}

func BenchmarkPlanScript500(b *testing.B)  { benchmarkPlanAndRender(b, 500) }
func BenchmarkPlanScript5000(b *testing.B) { benchmarkPlanAndRender(b, 5000) }

// baselinePlan is the hand-written floor: the same kind of per-node steps as
// struct literals, one in-place step per worker and hop, with no
// validation, no skew rules, no batching and no checks. It is what visiting
// every node once and writing its commands costs.
func baselinePlan(s *Spec, hops []string) []Step {
	var steps []Step
	for _, h := range hops {
		pkg := h[1:] + "-1.1"
		repo := "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/" + h[:5] + "/deb/ /"
		visit := func(node string, first bool) {
			upgrade := []string{"kubeadm", "upgrade", "node"}
			if first {
				upgrade = []string{"kubeadm", "upgrade", "apply", h, "--yes"}
			}
			steps = append(steps, Step{Title: node, Nodes: []string{node}, Commands: []Command{
				{Node: node, Argv: []string{"sh", "-c", writeFileScript, "sh", repo, "/etc/apt/sources.list.d/kubernetes.list"}},
				{Node: node, Argv: []string{"apt-get", "update"}},
				{Node: node, Argv: []string{"apt-mark", "unhold", "kubeadm"}},
				{Node: node, Argv: []string{"apt-get", "install", "-y", "kubeadm=" + pkg}},
				{Node: node, Argv: []string{"apt-mark", "hold", "kubeadm"}},
				{Node: node, Argv: upgrade},
				{Node: "cp-1", Argv: []string{"kubectl", "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=600s"}},
				{Node: node, Argv: []string{"apt-mark", "unhold", "kubelet", "kubectl"}},
				{Node: node, Argv: []string{"apt-get", "install", "-y", "kubelet=" + pkg, "kubectl=" + pkg}},
				{Node: node, Argv: []string{"apt-mark", "hold", "kubelet", "kubectl"}},
				{Node: node, Argv: []string{"systemctl", "daemon-reload"}},
				{Node: node, Argv: []string{"systemctl", "restart", "kubelet"}},
				{Node: "cp-1", Argv: []string{"kubectl", "uncordon", node}},
			}})
		}
		for i, c := range s.ControlPlane {
			visit(c.Name, i == 0)
		}
		for _, p := range s.Pools {
			for _, n := range p.Nodes {
				visit(n.Name, false)
			}
		}
	}
	return steps
}

func benchmarkBaseline(b *testing.B, n int) {
	s := scaleSpec(n)
	hops := []string{"v1.36.5", "v1.37.2"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(baselinePlan(&s, hops)) == 0 {
			b.Fatal("no steps")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
}

func BenchmarkPlanBaseline500(b *testing.B)  { benchmarkBaseline(b, 500) }
func BenchmarkPlanBaseline5000(b *testing.B) { benchmarkBaseline(b, 5000) }

// TestPlanCostIsLinear compares the allocations (deterministic, unlike
// time on a shared machine) of planning 500 and 5,000 nodes: ten times the
// nodes must cost about ten times as much, not a hundred.
func TestPlanCostIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("plans 5,000 nodes")
	}
	allocs := func(n int) float64 {
		s := scaleSpec(n)
		return testing.AllocsPerRun(2, func() {
			if _, err := s.Plan(); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(500), allocs(5000)
	ratio := large / small
	t.Logf("allocations: 500 nodes %.0f, 5000 nodes %.0f, ratio %.2f", small, large, ratio)
	if ratio < 8 || ratio > 12 {
		t.Errorf("allocation ratio %.2f for 10× the nodes is not linear", ratio)
	}
}

func TestScaleSpecSimulates(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 5,000 nodes")
	}
	s := scaleSpec(5000)
	n := len(s.ControlPlane)
	for _, p := range s.Pools {
		n += len(p.Nodes)
	}
	if n != 5000 {
		t.Fatalf("layout has %d nodes", n)
	}
	p := mustPlan(t, s)
	if err := simulate(&s, p, nil); err != nil {
		t.Fatal(err)
	}
}
