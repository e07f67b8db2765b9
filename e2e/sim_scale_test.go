package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/nodepool"
	"github.com/prodkube/prodkube/security"
)

// scaleIntent is a generated intent at scale: a restricted namespace and
// `apps` production Deployments of `replicas` each (the baseline package's
// defaults: PDB, zone spread, probes, requests and limits), half of them placed on
// the spot pool by the nodepool package, half on the general nodes.
func scaleIntent(apps int, replicas int32) ([]prodkube.Object, error) {
	ns, err := security.Namespace{Name: "scale"}.Build()
	if err != nil {
		return nil, err
	}
	objs := []prodkube.Object{ns}
	spot := nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}
	general := nodepool.Pool{Name: "general"}
	for i := 0; i < apps; i++ {
		d := baseline.Deployment{Workload: baseline.Workload{
			Name:      fmt.Sprintf("app-%03d", i),
			Namespace: "scale",
			Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
			Args:      []string{"netexec", "--http-port=8080"},
			Ports:     []baseline.Port{{Name: "http", Port: 8080}},
			Resources: baseline.Resources{
				Requests: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"},
				Limits:   baseline.Compute{CPU: "200m", Memory: "256Mi", EphemeralStorage: "128Mi"},
			},
			ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz"},
			Replicas:       replicas,
		}}
		res, err := d.Build()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Name, err)
		}
		pool := general
		if i%2 == 1 {
			pool = spot
		}
		placed, err := nodepool.Place(&res.Deployment.Spec.Template.Spec, pool, nodepool.Placement{Replicas: replicas, PodDisruptionBudget: res.PodDisruptionBudget != nil})
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %w", d.Name, pool.Name, err)
		}
		res.Deployment.Spec.Template.Spec = *placed
		objs = append(objs, res.Objects()...)
	}
	return objs, nil
}

// TestSimScale runs the simulated cluster at 500 nodes and 5,000 pods and reports
// how long applying and settling take. It is slow, so it runs only with
// E2E_SCALE=1 (E2E_SCALE_NODES_PER_ZONE and E2E_SCALE_APPS change its size).
func TestSimScale(t *testing.T) {
	if os.Getenv("E2E_SCALE") == "" {
		t.Skip("set E2E_SCALE=1 to run the simulated cluster at 500 nodes and 5,000 pods")
	}
	e := testEnv(t)
	sim := startSim(t, e)
	ctx := context.Background()
	perZone, apps := 83, 50
	if v, err := strconv.Atoi(os.Getenv("E2E_SCALE_NODES_PER_ZONE")); err == nil && v > 0 {
		perZone = v
	}
	if v, err := strconv.Atoi(os.Getenv("E2E_SCALE_APPS")); err == nil && v > 0 {
		apps = v
	}
	capacity, err := Capacity(map[corev1.ResourceName]string{
		corev1.ResourceCPU: "8", corev1.ResourceMemory: "32Gi", corev1.ResourceEphemeralStorage: "200Gi", corev1.ResourcePods: "110",
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two pools of equal size over three zones, plus the control plane:
	// 3 + 2 × 3 × perZone nodes (83 per zone: 501).
	pools := []SimPool{
		{ControlPlane: true, Zones: simZones, PerZone: 1, Capacity: capacity},
		{Pool: nodepool.Pool{Name: "general"}, Zones: simZones, PerZone: perZone, Capacity: capacity},
		{Pool: nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}, Zones: simZones, PerZone: perZone, Capacity: capacity},
	}
	nodes, err := SimNodes(pools)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := scaleIntent(apps, 100)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	createNodes(t, sim, nodes, 10*time.Minute)
	nodesReady := time.Since(start)

	start = time.Now()
	for _, o := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: m}
		if _, err := sim.Apply(ctx, u); err != nil {
			t.Fatalf("applying %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
	applied := time.Since(start)
	st, problems, settled := waitSettled(ctx, sim, 30*time.Minute, "scale")
	for _, p := range head(errStrings(problems), 20) {
		t.Errorf("at scale: %s", p)
	}
	pods := 0
	if st != nil {
		for _, w := range st.Workloads {
			pods += int(w.Ready)
		}
		for _, p := range head(errStrings(st.checkPlacement()), 20) {
			t.Errorf("placement at scale: %s", p)
		}
		for _, p := range head(errStrings(st.checkSpread()), 20) {
			t.Errorf("zone spread at scale: %s", p)
		}
	}
	t.Logf("scale: %d nodes Ready in %s; %d objects applied in %s; %d pods of %d Deployments ready %s later",
		len(nodes), nodesReady.Round(time.Second), len(objs), applied.Round(time.Second), pods, apps, settled.Round(time.Second))
}

func errStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}
