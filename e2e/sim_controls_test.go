package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/nodepool"
)

const controlsNS = "sim-controls"

// controlDeployment is a small Deployment of pause containers in the controls'
// namespace; mutate adjusts its pod spec.
func controlDeployment(name string, replicas int32, mutate func(*corev1.PodSpec)) *appsv1.Deployment {
	lbl := map[string]string{"app": name}
	spec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.k8s.io/pause:3.10",
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: mustQuantity("100m"), corev1.ResourceMemory: mustQuantity("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: mustQuantity("100m"), corev1.ResourceMemory: mustQuantity("64Mi")},
			},
		}},
	}
	if mutate != nil {
		mutate(&spec)
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: controlsNS, Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: lbl},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbl}, Spec: spec},
		},
	}
}

func controlPDB(name string, maxUnavailable int) *policyv1.PodDisruptionBudget {
	mu := intstr.FromInt32(int32(maxUnavailable))
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: controlsNS, Name: name},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: &mu,
			Selector:       &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
		},
	}
}

// problemsFor keeps the problems that name the workload.
func problemsFor(problems []error, kind, name string) []string {
	var out []string
	for _, p := range problems {
		if strings.Contains(p.Error(), kind+" "+controlsNS+"/"+name+" ") {
			out = append(out, p.Error())
		}
	}
	return out
}

// TestSimNegativeControls proves that the simulated cluster's checks can fail:
// each negative control is a workload or drain that must be caught, beside a
// positive twin that differs only in the offending part and must pass.
func TestSimNegativeControls(t *testing.T) {
	e := testEnv(t)
	sim := startSim(t, e)
	ctx := context.Background()
	pools := exampleSimPools(t)
	// The control plane, the general pool and one GPU node are enough here.
	var small []SimPool
	for _, p := range pools {
		switch {
		case p.ControlPlane:
			small = append(small, p)
		case p.Pool.Name == "general":
			p.PerZone = 1
			small = append(small, p)
		case p.Pool.Name == "gpu":
			p.Zones = p.Zones[:1]
			small = append(small, p)
		}
	}
	nodes, err := SimNodes(small)
	if err != nil {
		t.Fatal(err)
	}
	createNodes(t, sim, nodes, 2*time.Minute)
	if err := ensureSimNamespace(ctx, sim, controlsNS, nil); err != nil {
		t.Fatal(err)
	}
	gpuPool := nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}
	placeGPU := func(spec *corev1.PodSpec) {
		placed, err := nodepool.Place(spec, gpuPool, nodepool.Placement{GPUs: 1})
		if err != nil {
			t.Fatalf("placing on the gpu pool: %v", err)
		}
		*spec = *placed
	}
	workloads := []*appsv1.Deployment{
		// A workload pinned to a pool that has no nodes stays Pending; its twin
		// names a pool that has them.
		controlDeployment("pinned-general", 1, func(s *corev1.PodSpec) {
			s.NodeSelector = map[string]string{nodepool.LabelPool: "general"}
		}),
		controlDeployment("pinned-nowhere", 1, func(s *corev1.PodSpec) {
			s.NodeSelector = map[string]string{nodepool.LabelPool: "no-such-pool"}
		}),
		// A GPU workload placed by the library runs on the GPU pool; the same
		// workload without the GPU pool's toleration cannot.
		controlDeployment("gpu-placed", 1, placeGPU),
		controlDeployment("gpu-untolerated", 1, func(s *corev1.PodSpec) {
			placeGPU(s)
			s.Tolerations = nil
		}),
	}
	for _, d := range workloads {
		if _, err := sim.Client.AppsV1().Deployments(controlsNS).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s: %v", d.Name, err)
		}
	}
	// Wait until the twins are ready and the negative ones had time to be tried.
	var problems []error
	var st *clusterState
	_ = poll(ctx, 90*time.Second, func() (bool, error) {
		s, err := snapshot(ctx, sim, controlsNS)
		if err != nil {
			return false, nil
		}
		st = s
		problems = s.checkReplicas(schedulingEvents(ctx, sim))
		return len(problemsFor(problems, "Deployment", "pinned-general")) == 0 &&
			len(problemsFor(problems, "Deployment", "gpu-placed")) == 0 &&
			strings.Contains(fmt.Sprint(problems), "pinned-nowhere") && strings.Contains(fmt.Sprint(problems), "gpu-untolerated") &&
			strings.Contains(fmt.Sprint(problemsFor(problems, "Deployment", "gpu-untolerated")), "untolerated taint"), nil
	})
	for _, c := range []struct {
		name     string
		negative bool
		want     string // in the scheduler's message for the negative
	}{
		{"pinned-general", false, ""},
		{"pinned-nowhere", true, "didn't match Pod's node affinity/selector"},
		{"gpu-placed", false, ""},
		{"gpu-untolerated", true, "untolerated taint"},
	} {
		got := problemsFor(problems, "Deployment", c.name)
		switch {
		case c.negative && len(got) == 0:
			t.Errorf("negative control %s: the replica check passed; it must fail", c.name)
		case c.negative && !strings.Contains(strings.Join(got, " "), c.want):
			t.Errorf("negative control %s: caught, but not for the expected reason %q: %v", c.name, c.want, got)
		case c.negative:
			t.Logf("negative control %s caught: %s", c.name, got[0])
		case len(got) > 0:
			t.Errorf("positive twin %s: %v", c.name, got)
		}
	}
	if st != nil {
		for _, p := range st.checkPlacement() {
			t.Errorf("placement of the controls: %v", p)
		}
	}
	for _, name := range []string{"pinned-nowhere", "gpu-untolerated"} {
		if err := sim.Client.AppsV1().Deployments(controlsNS).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("JobCompletes", func(t *testing.T) {
		if _, err := sim.Client.BatchV1().Jobs(controlsNS).Create(ctx, jobSpec(controlsNS, "sim-job"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		jobs, problems := waitJobsComplete(ctx, sim, time.Minute, controlsNS)
		for _, p := range problems {
			t.Errorf("%v", p)
		}
		if len(jobs) != 1 {
			t.Errorf("want 1 Job, got %d", len(jobs))
		}
	})

	t.Run("DrainAndPDB", func(t *testing.T) { drainControls(t, e, sim) })
}

// drainControls: a drain of a node holding a pod of a Deployment whose PDB allows
// one disruption completes; the same drain with a PDB that allows none must time
// out, and the workload never drops below its PDB in either.
func drainControls(t *testing.T, e *Env, sim *SimCluster) {
	ctx := context.Background()
	for _, c := range []struct {
		name           string
		maxUnavailable int
		blocked        bool
	}{
		{"drain-allowed", 1, false},
		{"drain-blocked", 0, true},
	} {
		d := controlDeployment(c.name, 2, func(s *corev1.PodSpec) {
			s.NodeSelector = map[string]string{nodepool.LabelPool: "general"}
		})
		if _, err := sim.Client.AppsV1().Deployments(controlsNS).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := sim.Client.PolicyV1().PodDisruptionBudgets(controlsNS).Create(ctx, controlPDB(c.name, c.maxUnavailable), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		st, problems, _ := waitSettled(ctx, sim, 90*time.Second, controlsNS)
		if len(problems) > 0 {
			t.Fatalf("%s did not settle: %v", c.name, problems)
		}
		node := ""
		for _, w := range st.Workloads {
			if w.Name == c.name {
				if pods := st.podsOf(w); len(pods) > 0 {
					node = pods[0].Spec.NodeName
				}
			}
		}
		if node == "" {
			t.Fatalf("%s has no scheduled pod", c.name)
		}
		timeout := 30 * time.Second
		if c.blocked {
			timeout = 15 * time.Second
		}
		var out string
		var err error
		var took time.Duration
		below := drainWatch(ctx, sim, func() {
			began := time.Now()
			cctx, cancel := context.WithTimeout(ctx, timeout+30*time.Second)
			defer cancel()
			out, err = sim.kubectl(cctx, e, "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", fmt.Sprintf("--timeout=%ds", int(timeout/time.Second)))
			took = time.Since(began)
		})
		for _, b := range below {
			t.Errorf("%s: %v", c.name, b)
		}
		switch {
		case c.blocked && err == nil:
			t.Errorf("negative control %s: drain of %s with a PDB allowing no disruption succeeded; it must time out\n%s", c.name, node, tailLines(out, 6))
		case c.blocked && !strings.Contains(out, "disruption budget"):
			t.Errorf("negative control %s: drain failed, but not on the disruption budget: %v\n%s", c.name, err, tailLines(out, 6))
		case c.blocked:
			t.Logf("negative control %s caught: drain of %s failed after %s: %s", c.name, node, took.Round(time.Millisecond), lastLine(out))
		case err != nil:
			t.Errorf("positive twin %s: drain of %s failed after %s: %v\n%s", c.name, node, took.Round(time.Millisecond), err, tailLines(out, 6))
		default:
			t.Logf("positive twin %s: drained %s in %s", c.name, node, took.Round(time.Millisecond))
		}
		if out, err := sim.kubectl(ctx, e, "uncordon", node); err != nil {
			t.Fatalf("uncordon %s: %v\n%s", node, err, out)
		}
		// Remove the PDB so the next control's drain meets only its own.
		if err := sim.Client.PolicyV1().PodDisruptionBudgets(controlsNS).Delete(ctx, c.name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := sim.Client.AppsV1().Deployments(controlsNS).Delete(ctx, c.name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
