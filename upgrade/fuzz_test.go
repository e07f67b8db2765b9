package upgrade

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/randfill"
)

// fuzzCluster is the shape randfill fills; toSpec turns it into a cluster
// that is often valid and sometimes not (too old, downgrades, missing
// releases, raw version strings).
type fuzzCluster struct {
	ControlPlanes uint8
	Minor, Patch  uint8
	TargetAhead   uint8
	TargetPatch   uint8
	Releases      []uint8
	DropRelease   uint8
	Pools         []fuzzPool
	Manager       uint8
	SkipBackups   bool
	Timeouts      uint16
	RawVersion    string // replaces one version when UseRaw is set
	UseRaw        bool
}

type fuzzPool struct {
	Nodes          uint8
	Lag            uint8
	Patch          uint8
	Surge          bool
	MaxUnavailable int8
	Mixed          bool
}

func (f fuzzCluster) toSpec() Spec {
	minor := 32 + int(f.Minor%8) // 32..39: v1.32 is below the supported minimum
	cpv := fmt.Sprintf("v1.%d.%d", minor, f.Patch%12)
	s := Spec{
		Target:      fmt.Sprintf("v1.%d.%d", minor+int(f.TargetAhead%6)-1, f.TargetPatch%12),
		SkipBackups: f.SkipBackups,
	}
	for i := 0; i < 1+int(f.ControlPlanes%5); i++ {
		s.ControlPlane = append(s.ControlPlane, ControlPlaneNode{Name: fmt.Sprintf("cp-%d", i+1), Version: cpv})
	}
	// Usually one release per intermediate minor, plus a few extra patches;
	// sometimes one minor is missing.
	ahead := int(f.TargetAhead%6) - 1
	for m := minor + 1; m < minor+ahead; m++ {
		if f.DropRelease%8 == 0 && m == minor+1 {
			continue
		}
		s.Releases = append(s.Releases, fmt.Sprintf("v1.%d.%d", m, 1+int(f.Patch%5)))
	}
	for i, r := range f.Releases {
		if i >= 4 {
			break
		}
		s.Releases = append(s.Releases, fmt.Sprintf("v1.%d.%d", minor+1+int(r%5), r%7))
	}
	for i, p := range f.Pools {
		if i >= 4 {
			break
		}
		pool := Pool{Name: fmt.Sprintf("pool-%d", i), MaxUnavailable: int(p.MaxUnavailable % 4)}
		if p.Surge {
			pool.Strategy = Surge
		}
		n := 1 + int(p.Nodes%6)
		for j := 0; j < n; j++ {
			lag := int(p.Lag % 4) // 0..3 minors behind, rarely 4 (invalid)
			if p.Lag%32 == 31 {
				lag = 4
			}
			if p.Mixed && j%2 == 1 {
				lag = int(p.Lag/4) % 4
			}
			patch := int(p.Patch % 10)
			if lag == 0 && patch > int(f.Patch%12) && p.Patch%5 != 0 {
				patch = int(f.Patch % 12)
			}
			pool.Nodes = append(pool.Nodes, Node{Name: fmt.Sprintf("pool-%d-%d", i, j), Version: fmt.Sprintf("v1.%d.%d", minor-lag, patch)})
		}
		s.Pools = append(s.Pools, pool)
	}
	switch f.Manager % 4 {
	case 1:
		s.Packages.Manager = Dnf
	case 2:
		s.Packages.Manager = Yum
	}
	if f.Timeouts%7 == 1 {
		s.DrainTimeout = 0
		s.ReadyTimeout = 90_000_000_000
	}
	if f.UseRaw && len(s.Pools) > 0 {
		s.Pools[0].Nodes[0].Version = f.RawVersion
	}
	return s
}

// FuzzPlan plans random clusters and runs every plan it returns through the
// simulator: an error is an acceptable answer, an unsafe plan is a bug.
func FuzzPlan(f *testing.F) {
	f.Add([]byte("prodkube"))
	f.Add([]byte{4, 4, 0, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte("a larger cluster with several pools and surge strategies, some lagging kubelets"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fc fuzzCluster
		randfill.NewFromGoFuzz(data).NilChance(0).NumElements(0, 6).Fill(&fc)
		spec := fc.toSpec()
		plan, err := spec.Plan()
		if (plan == nil) == (err == nil) {
			t.Fatalf("plan %v, error %v: want exactly one", plan != nil, err)
		}
		if err != nil {
			return
		}
		if err := simulate(&spec, plan, nil); err != nil {
			t.Fatalf("unsafe plan for %+v: %v", spec, err)
		}
		again, err := spec.Plan()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(plan, again) {
			t.Fatalf("planning is not deterministic:\n%s", cmp.Diff(plan, again))
		}
		for name, render := range map[string]func() ([]byte, error){"script": plan.script, "markdown": plan.markdown, "mermaid": plan.mermaid} {
			if out, err := render(); err != nil || len(out) == 0 {
				t.Fatalf("%s: %v", name, err)
			}
		}
	})
}

// TestFuzzCorpusIsMostlyValid guards the fuzz target's usefulness: enough
// of the generated clusters must be plannable for the simulator to run.
func TestFuzzCorpusIsMostlyValid(t *testing.T) {
	planned, total := 0, 300
	for seed := 0; seed < total; seed++ {
		var fc fuzzCluster
		randfill.NewWithSeed(int64(seed)).NilChance(0).NumElements(0, 6).Fill(&fc)
		fc.UseRaw = false
		spec := fc.toSpec()
		plan, err := spec.Plan()
		if err != nil {
			continue
		}
		planned++
		if err := simulate(&spec, plan, nil); err != nil {
			t.Fatalf("seed %d: unsafe plan: %v", seed, err)
		}
	}
	if planned < total/10 {
		t.Errorf("only %d of %d random clusters were plannable", planned, total)
	}
	t.Logf("%d of %d random clusters planned and simulated", planned, total)
}
