package nodepool

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prodkube/prodkube/security"
)

// kind is one pool kind of the matrix: a purpose with its tenancy and regime.
type kind struct {
	name    string
	purpose Purpose
	tenancy Tenancy
	regime  Regime
}

var kinds = []kind{
	{name: "general", purpose: PurposeGeneral},
	{name: "general-dedicated", purpose: PurposeGeneral, tenancy: TenancyDedicated},
	{name: "cpu", purpose: PurposeCPUIntensive},
	{name: "cpu-dedicated", purpose: PurposeCPUIntensive, tenancy: TenancyDedicated},
	{name: "memory", purpose: PurposeMemoryIntensive},
	{name: "gpu", purpose: PurposeGPU},
	{name: "gpu-shared", purpose: PurposeGPU, tenancy: TenancyShared},
	{name: "pci", purpose: PurposeCompliance, regime: RegimePCIDSS},
	{name: "hipaa", purpose: PurposeCompliance, regime: RegimeHIPAA},
	{name: "spot", purpose: PurposeSpot},
	{name: "spot-shared", purpose: PurposeSpot, tenancy: TenancyShared},
}

var allProviders = []Provider{ProviderKubeadm, ProviderGKE, ProviderEKS, ProviderKarpenter, ProviderAKS}

var allModes = []Mode{ModeNodeSelector, ModeRequiredAffinity, ModePreferredAffinity}

// invalidCombination lists the kind × provider pairs that must be refused, with the path of
// the error.
func invalidCombination(k kind, p Provider) (string, bool) {
	switch {
	case k.purpose == PurposeSpot && p == ProviderKubeadm:
		return "provider", true
	case k.name == "spot-shared" && p == ProviderAKS:
		return "tenancy", true
	}
	return "", false
}

type fleetPool struct {
	pool Pool
	tmpl *Template
	node *corev1.Node
}

// fleet builds every valid kind × provider pool, each with a unique name, and checks that the
// invalid combinations are refused with the expected path.
func fleet(t testing.TB) []fleetPool {
	t.Helper()
	var out []fleetPool
	for _, k := range kinds {
		for _, p := range allProviders {
			pool := Pool{Name: k.name + "-" + string(p), Purpose: k.purpose, Provider: p, Tenancy: k.tenancy, Compliance: k.regime}
			tmpl, err := pool.Build()
			if path, bad := invalidCombination(k, p); bad {
				errs := pool.Validate()
				if err == nil || len(errs) != 1 || errs[0].Field != path {
					t.Fatalf("%s: want exactly one error at %q, got %v", pool.Name, path, errs)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", pool.Name, err)
			}
			out = append(out, fleetPool{pool: pool, tmpl: tmpl, node: tmpl.Node()})
		}
	}
	return out
}

// basePod is a valid, restricted pod spec with one container and no placement. Its 15 s
// grace period fits every provider's spot eviction.
func basePod(t testing.TB) *corev1.PodSpec {
	t.Helper()
	grace := int64(15)
	spec := &corev1.PodSpec{
		TerminationGracePeriodSeconds: &grace,
		Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.k8s.io/pause:3.10",
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
			},
		}},
	}
	ctx, err := security.Restricted{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	ctx.Apply(spec)
	return spec
}

func placementFor(tmpl *Template, mode Mode) Placement {
	h := Placement{Mode: mode, Replicas: 3, PodDisruptionBudget: true}
	if tmpl.Purpose == PurposeGPU {
		h.GPUs = 1
	}
	return h
}

// TestPlacementMatrix is the proof: for every pool kind × provider × placement mode, the
// placed pod is schedulable on its pool's node template and on no other dedicated pool's; in
// the required modes on no other pool at all; and a pod without placement is schedulable on
// exactly the shared (untainted) pools. Schedulable is the scheduler's own matching code.
func TestPlacementMatrix(t *testing.T) {
	pools := fleet(t)
	if want := len(kinds)*len(allProviders) - 3; len(pools) != want {
		t.Fatalf("fleet has %d pools, want %d", len(pools), want)
	}
	var shared, dedicated int
	for _, fp := range pools {
		if fp.tmpl.Dedicated != (len(fp.tmpl.Taints) > 0) {
			t.Errorf("%s: dedicated=%v but taints=%v: a pool is dedicated exactly when it is tainted", fp.pool.Name, fp.tmpl.Dedicated, fp.tmpl.Taints)
		}
		if fp.tmpl.Dedicated {
			dedicated++
		} else {
			shared++
		}
	}
	if shared == 0 || dedicated == 0 {
		t.Fatalf("the fleet needs shared and dedicated pools, got %d and %d", shared, dedicated)
	}

	unplaced := basePod(t)
	for _, fp := range pools {
		ok, why := Schedulable(unplaced, fp.node)
		if ok == fp.tmpl.Dedicated {
			t.Errorf("pod without placement on %s (dedicated=%v): schedulable=%v %v", fp.pool.Name, fp.tmpl.Dedicated, ok, why)
		}
	}

	cases := 0
	for _, x := range pools {
		for _, mode := range allModes {
			t.Run(fmt.Sprintf("%s/%s", x.pool.Name, mode), func(t *testing.T) {
				in := basePod(t)
				placed, err := Place(in, x.pool, placementFor(x.tmpl, mode))
				if x.tmpl.Purpose == PurposeCompliance && mode == ModePreferredAffinity {
					assertPaths(t, err, "placement.mode")
					return
				}
				if err != nil {
					t.Fatalf("Place: %v", err)
				}
				cases++
				if errs := security.CheckPodSpec(security.LevelRestricted, nil, placed); len(errs) > 0 {
					t.Errorf("placed pod no longer passes restricted: %v", errs)
				}
				for _, tol := range placed.Tolerations {
					if tol.Key == "" || tol.Operator != corev1.TolerationOpEqual || tol.Value == "" {
						t.Errorf("toleration %+v is not keyed and valued", tol)
					}
				}
				if len(placed.Tolerations) != len(x.tmpl.Taints) {
					t.Errorf("%d tolerations for %d taints", len(placed.Tolerations), len(x.tmpl.Taints))
				}
				for _, p := range pools {
					ok, why := Schedulable(placed, p.node)
					switch {
					case p.pool.Name == x.pool.Name:
						if !ok {
							t.Errorf("not schedulable on its own pool: %v", why)
						}
					case p.tmpl.Dedicated:
						if ok {
							t.Errorf("schedulable on another dedicated pool %s", p.pool.Name)
						}
					case mode != ModePreferredAffinity:
						if ok {
							t.Errorf("required placement schedulable on another pool %s", p.pool.Name)
						}
					default: // preferred placement, shared pool: allowed, it is only a preference
						if !ok {
							t.Errorf("preferred placement not schedulable on shared pool %s: %v", p.pool.Name, why)
						}
					}
				}
			})
		}
	}
	// Every pool × mode except preferred on the compliance pools was placed.
	compliance := 0
	for _, p := range pools {
		if p.tmpl.Purpose == PurposeCompliance {
			compliance++
		}
	}
	if want := len(pools)*len(allModes) - compliance; cases != want {
		t.Errorf("placed %d cases, want %d", cases, want)
	}
}

// A compliance placement selects on the administrator-set isolation label, so a node that
// labels itself into the pool (all a kubelet can do) does not attract the workload.
func TestComplianceNeedsAdminLabel(t *testing.T) {
	pool := Pool{Name: "payments", Purpose: PurposeCompliance, Compliance: RegimePCIDSS}
	tmpl, err := pool.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{ModeNodeSelector, ModeRequiredAffinity} {
		placed, err := Place(basePod(t), pool, Placement{Mode: mode, Replicas: 2, PodDisruptionBudget: true})
		if err != nil {
			t.Fatal(err)
		}
		selfLabelled := tmpl.Node()
		delete(selfLabelled.Labels, LabelIsolated)
		if ok, _ := Schedulable(placed, selfLabelled); ok {
			t.Errorf("%s: schedulable on a node without the administrator's %s label", mode, LabelIsolated)
		}
		if ok, why := Schedulable(placed, tmpl.Node()); !ok {
			t.Errorf("%s: not schedulable on the admitted node: %v", mode, why)
		}
	}
}
