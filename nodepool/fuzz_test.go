package nodepool

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/security"
)

// fuzzSpec is the part of a pod spec that matters to placement; randfill fills it and it is
// laid over a restricted base pod.
type fuzzSpec struct {
	NodeSelector   map[string]string
	Tolerations    []corev1.Toleration
	Grace          *int64
	NodeName       string
	Sidecar        bool
	NodeAffinity   *corev1.NodeAffinity
	ExistingGPUs   *int64
	ExistingGPURes corev1.ResourceName
	// Steer makes the placement's GPU fields consistent with the pool, so that half of the
	// inputs get past the GPU rules and exercise the rest.
	Steer bool
}

// pick returns one of the valid values most of the time and a random string otherwise, so
// that both valid results and every error path are reached.
func pick(c randfill.Continue, valid ...string) string {
	if c.Intn(8) == 0 {
		return c.String(6)
	}
	return valid[c.Intn(len(valid))]
}

func filler(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.3).NumElements(0, 3).MaxDepth(6).Funcs(
		func(p *Purpose, c randfill.Continue) { *p = Purpose(pick(c, append(purposes, "")...)) },
		func(p *Provider, c randfill.Continue) { *p = Provider(pick(c, append(providers, "")...)) },
		func(p *Tenancy, c randfill.Continue) {
			*p = Tenancy(pick(c, "", "", string(TenancyDedicated), string(TenancyShared)))
		},
		func(p *Regime, c randfill.Continue) {
			*p = Regime(pick(c, "", string(RegimePCIDSS), string(RegimeHIPAA)))
		},
		func(p *Mode, c randfill.Continue) { *p = Mode(pick(c, append(modes, "")...)) },
		func(p *corev1.ResourceName, c randfill.Continue) {
			*p = corev1.ResourceName(pick(c, "", "nvidia.com/gpu", "amd.com/gpu", "gpu", "kubernetes.io/gpu"))
		},
		func(p *corev1.TolerationOperator, c randfill.Continue) {
			*p = corev1.TolerationOperator(pick(c, "", string(corev1.TolerationOpEqual), string(corev1.TolerationOpExists)))
		},
		func(p *corev1.TaintEffect, c randfill.Continue) {
			*p = corev1.TaintEffect(pick(c, "", string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectNoExecute)))
		},
		func(p *corev1.NodeSelectorOperator, c randfill.Continue) {
			*p = corev1.NodeSelectorOperator(pick(c, string(corev1.NodeSelectorOpIn), string(corev1.NodeSelectorOpNotIn),
				string(corev1.NodeSelectorOpExists), string(corev1.NodeSelectorOpDoesNotExist)))
		},
		func(p *Pool, c randfill.Continue) {
			p.Name = pick(c, "gpu", "batch", "pci", "general", "a-b", "")
			c.Fill(&p.Purpose)
			c.Fill(&p.Provider)
			c.Fill(&p.Tenancy)
			if p.Purpose == PurposeGPU || c.Intn(16) == 0 {
				c.Fill(&p.GPUResource)
			}
			if p.Purpose == PurposeCompliance || c.Intn(16) == 0 {
				c.Fill(&p.Compliance)
			}
			if c.Intn(4) == 0 {
				c.Fill(&p.Labels)
			}
		},
		func(h *Placement, c randfill.Continue) {
			c.Fill(&h.Mode)
			h.GPUs = int64(c.Intn(4)) - int64(c.Intn(2))
			h.Container = pick(c, "", "", "app", "sidecar")
			h.Replicas = int32(c.Intn(4))
			h.PodDisruptionBudget = c.Intn(4) != 0
			h.AcceptSpotInterruption = c.Intn(4) == 0
		},
		func(m map[string]string, c randfill.Continue) {
			for n := c.Intn(3); n > 0; n-- {
				m[pick(c, LabelPool, LabelGKESpot, "team.example.com/owner", "node-role.kubernetes.io/x",
					"node.kubernetes.io/y", corev1.LabelArchStable)] = pick(c, "gpu", "batch", "true", "amd64", "")
			}
		},
		func(s *fuzzSpec, c randfill.Continue) {
			s.Steer = c.Intn(2) == 0
			if c.Intn(4) == 0 {
				c.Fill(&s.NodeSelector)
			}
			if c.Intn(2) == 0 {
				c.Fill(&s.Tolerations)
			}
			if c.Intn(2) == 0 {
				g := int64(c.Intn(200))
				s.Grace = &g
			}
			if c.Intn(10) == 0 {
				s.NodeName = c.String(5)
			}
			s.Sidecar = c.Intn(4) == 0
			if c.Intn(4) == 0 {
				c.Fill(&s.NodeAffinity)
			}
			if c.Intn(4) == 0 {
				n := int64(c.Intn(4))
				s.ExistingGPUs = &n
				c.Fill(&s.ExistingGPURes)
			}
		},
		func(p *corev1.Toleration, c randfill.Continue) {
			c.FillNoCustom(p)
			p.Key = pick(c, "", TaintDedicated, LabelGKESpot, LabelAKSScaleSetPriority, "other")
			p.Value = pick(c, "", "gpu", "batch", "true", "spot")
			p.TolerationSeconds = nil
		},
	)
}

func FuzzPlace(f *testing.F) {
	for _, seed := range [][]byte{
		nil,
		[]byte("gpu"),
		[]byte("spot on gke, two replicas, a budget"),
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
		[]byte{255, 254, 253, 252, 251, 250, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
	} {
		f.Add(seed)
	}
	fleetPools := fleet(f)
	ctx, err := security.Restricted{}.Build()
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, data []byte) { fuzzPlace(t, data, fleetPools, ctx) })
}

// fuzzPlace checks one fuzz input; it reports whether Place returned a placement.
func fuzzPlace(t *testing.T, data []byte, fleetPools []fleetPool, ctx security.Contexts) bool {
	t.Helper()
	{
		fill := filler(data)
		var pool Pool
		var how Placement
		var fs fuzzSpec
		fill.Fill(&pool)
		fill.Fill(&how)
		fill.Fill(&fs)
		if fs.Steer {
			switch {
			case pool.Purpose != PurposeGPU:
				how.GPUs, how.Container = 0, ""
			case fs.Sidecar:
				how.GPUs, how.Container = max(how.GPUs, 1), "app"
			default:
				how.GPUs, how.Container = max(how.GPUs, 1), ""
			}
		}

		spec := basePod(t)
		spec.NodeSelector = fs.NodeSelector
		spec.Tolerations = fs.Tolerations
		spec.TerminationGracePeriodSeconds = fs.Grace
		spec.NodeName = fs.NodeName
		if fs.NodeAffinity != nil {
			spec.Affinity = &corev1.Affinity{NodeAffinity: fs.NodeAffinity}
		}
		if fs.Sidecar {
			spec.Containers = append(spec.Containers, corev1.Container{Name: "sidecar", Image: "registry.k8s.io/pause:3.10"})
			ctx.Apply(spec)
		}
		if fs.ExistingGPUs != nil && fs.ExistingGPURes != "" {
			spec.Containers[0].Resources.Limits[fs.ExistingGPURes] = *resourceQuantity(*fs.ExistingGPUs)
		}
		before := spec.DeepCopy()

		tmpl, buildErr := pool.Build()
		if (tmpl == nil) == (buildErr == nil) {
			t.Fatalf("Build: result %v and error %v", tmpl, buildErr)
		}
		if (buildErr == nil) != (len(pool.Validate()) == 0) {
			t.Fatalf("Build and Validate disagree: %v", buildErr)
		}
		if tmpl != nil {
			roundTrip(t, tmpl.Node(), &corev1.Node{})
			if tmpl.Dedicated != (len(tmpl.Taints) > 0) {
				t.Fatalf("dedicated=%v with taints %v", tmpl.Dedicated, tmpl.Taints)
			}
		}

		out, err := Place(spec, pool, how)
		if (out == nil) == (err == nil) {
			t.Fatalf("Place: result %v and error %v", out, err)
		}
		if diff := cmp.Diff(before, spec); diff != "" {
			t.Fatalf("Place modified its input:\n%s", diff)
		}
		if err != nil {
			return false
		}
		if buildErr != nil {
			t.Fatalf("Place accepted a pool Build refuses: %v", buildErr)
		}
		again, err := Place(spec, pool, how)
		if err != nil || !apiequality.Semantic.DeepEqual(out, again) {
			t.Fatalf("Place is not deterministic: %v", err)
		}
		roundTrip(t, out, &corev1.PodSpec{})
		if errs := security.CheckPodSpec(security.LevelRestricted, nil, out); len(errs) > 0 {
			t.Fatalf("placed pod fails restricted: %v", errs)
		}
		for _, tol := range out.Tolerations {
			if tol.Key == "" {
				t.Fatalf("blanket toleration in result: %+v", tol)
			}
		}

		// The property of the placement matrix, judged by the scheduler's code.
		if ok, why := Schedulable(out, tmpl.Node()); !ok {
			t.Fatalf("not schedulable on its own pool: %v", why)
		}
		required := how.Mode != ModePreferredAffinity
		for _, p := range fleetPools {
			if p.pool.Name == tmpl.Pool {
				continue // the same name is the same pool
			}
			ok, _ := Schedulable(out, p.node)
			if ok && p.tmpl.Dedicated {
				t.Fatalf("placed on %s, schedulable on dedicated pool %s", tmpl.Pool, p.pool.Name)
			}
			if ok && required {
				t.Fatalf("required placement on %s schedulable on pool %s", tmpl.Pool, p.pool.Name)
			}
		}
	}
	return true
}

// The fuzz target must reach valid placements, not only errors: over fixed pseudo-random
// inputs a fair share of placements succeed, in every mode.
func TestFuzzReachesPlacements(t *testing.T) {
	ctx, err := security.Restricted{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	pools := fleet(t)
	r := rand.New(rand.NewPCG(1, 2))
	placed := 0
	const n = 2000
	for i := 0; i < n; i++ {
		data := make([]byte, 64+r.IntN(192))
		for j := range data {
			data[j] = byte(r.IntN(256))
		}
		if fuzzPlace(t, data, pools, ctx) {
			placed++
		}
	}
	t.Logf("%d of %d inputs placed", placed, n)
	if placed < n/20 {
		t.Errorf("only %d of %d fuzz inputs reach a placement", placed, n)
	}
}

func roundTrip[T any](t *testing.T, in *T, out *T) {
	t.Helper()
	data, err := yaml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, out); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, data)
	}
	if !apiequality.Semantic.DeepEqual(in, out) {
		t.Fatalf("YAML round trip differs:\n%s", cmp.Diff(in, out))
	}
}

func resourceQuantity(n int64) *resource.Quantity { return resource.NewQuantity(n, resource.DecimalSI) }

// FuzzPoolBuild checks the pool builder alone: no panic, error xor result, Build agrees with
// Validate, and every label and taint of a result passes apimachinery's validators, every
// kubeadm registration label is one a kubelet may set, and the node template round-trips
// through YAML.
func FuzzPoolBuild(f *testing.F) {
	for _, seed := range [][]byte{nil, []byte("gpu"), []byte("compliance pool on aks"), {7, 7, 7, 7, 7, 7, 7, 7, 1, 2, 3}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var pool Pool
		filler(data).Fill(&pool)
		tmpl, err := pool.Build()
		if (tmpl == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", tmpl, err)
		}
		if (err == nil) != (len(pool.Validate()) == 0) {
			t.Fatalf("Build and Validate disagree: %v", err)
		}
		if err != nil {
			return
		}
		for k, v := range tmpl.Labels {
			if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
				t.Fatalf("label key %q: %v", k, msgs)
			}
			if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
				t.Fatalf("label %s value %q: %v", k, v, msgs)
			}
		}
		for _, taint := range tmpl.Taints {
			if msgs := validation.IsQualifiedName(taint.Key); len(msgs) > 0 {
				t.Fatalf("taint key %q: %v", taint.Key, msgs)
			}
			if msgs := validation.IsValidLabelValue(taint.Value); len(msgs) > 0 {
				t.Fatalf("taint %s value %q: %v", taint.Key, taint.Value, msgs)
			}
			if taint.Effect != corev1.TaintEffectNoSchedule {
				t.Fatalf("taint %s effect %q", taint.Key, taint.Effect)
			}
		}
		if tmpl.Dedicated != (len(tmpl.Taints) > 0) {
			t.Fatalf("dedicated=%v with taints %v", tmpl.Dedicated, tmpl.Taints)
		}
		if (tmpl.Provider == ProviderKubeadm) != (tmpl.Registration != nil) {
			t.Fatalf("registration %v for provider %s", tmpl.Registration, tmpl.Provider)
		}
		if tmpl.Registration != nil {
			for k := range tmpl.Registration.NodeLabels {
				ns := labelNamespace(k)
				if (inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io")) && !kubeletMaySet(k) {
					t.Fatalf("kubelet may not set %s", k)
				}
			}
		}
		roundTrip(t, tmpl.Node(), &corev1.Node{})
		again, err := pool.Build()
		if err != nil || !apiequality.Semantic.DeepEqual(tmpl, again) {
			t.Fatalf("Build is not deterministic: %v", err)
		}
	})
}
