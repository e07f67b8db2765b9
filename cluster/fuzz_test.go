package cluster

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/internal/fuzzfill"
	"github.com/prodkube/prodkube/security"
)

// FuzzCluster fills the parts of a small cluster where the areas meet
// (pools, placements, flows, scaling) from the fuzz input. The promise:
// never a panic; an error or a result, never both; and a result whose
// objects render, whose pods pass Pod Security "restricted", and whose
// NetworkPolicies a real API server would accept.
func FuzzCluster(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("pool gpu calls api http 0.0.0.0/0"))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := small()
		fill := fuzzfill.New(data)
		var w0, w1 struct {
			Pool                   string
			GPUs                   int64
			AcceptSpotInterruption bool
			Accepts                []Accept
			Calls                  []Call
			Autoscale              *Autoscale
		}
		fill.Fill(&w0)
		fill.Fill(&w1)
		fill.Fill(&c.Platform)
		var zones []string
		fill.Fill(&zones)
		if len(zones) > 0 {
			c.Pools[1].Zones = zones
		}
		for i, w := range []*struct {
			Pool                   string
			GPUs                   int64
			AcceptSpotInterruption bool
			Accepts                []Accept
			Calls                  []Call
			Autoscale              *Autoscale
		}{&w0, &w1} {
			wl := &c.Namespaces[0].Workloads[i]
			wl.Pool, wl.GPUs, wl.AcceptSpotInterruption = w.Pool, w.GPUs, w.AcceptSpotInterruption
			if len(w.Accepts) > 0 || len(w.Calls) > 0 {
				wl.Accepts, wl.Calls = w.Accepts, w.Calls
			}
			wl.Autoscale = w.Autoscale
		}
		r, err := c.Build()
		if (r == nil) == (err == nil) {
			t.Fatalf("Build = %v, %v: want a result xor an error", r, err)
		}
		if err != nil {
			return
		}
		if _, err := prodkube.Manifests("manifests", r.Objects()...); err != nil {
			t.Fatalf("objects do not render: %v", err)
		}
		var nps []*networkingv1.NetworkPolicy
		for _, o := range r.Objects() {
			switch x := o.(type) {
			case *appsv1.Deployment:
				if errs := security.CheckPodSpec(security.LevelRestricted, &x.Spec.Template.ObjectMeta, &x.Spec.Template.Spec); len(errs) > 0 {
					t.Fatalf("%s fails restricted: %v", x.Name, errs)
				}
			case *networkingv1.NetworkPolicy:
				nps = append(nps, x)
			}
		}
		if _, err := security.NewPolicySet(nps); err != nil {
			t.Fatalf("policies the API server would refuse: %v", err)
		}
	})
}
