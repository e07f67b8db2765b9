package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prodkube/prodkube/nodepool"
)

// simZones are the simulated cluster's zones.
var simZones = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"} // the example's zones

// exampleSimPools are the nodes of the production example's cluster: the three
// kubeadm control plane nodes and the general pool its upgrade plan names
// (cp-1..3, general-1..6), and the node pools of its nodepool part — gpu (2 nodes
// as the plan says), the GKE spot pool, and the PCI-DSS pool (3 nodes). The pools'
// intents repeat examples/production's (a main package, which cannot be imported);
// once the composition package carries pools with zones, counts and capacity,
// this list comes from there instead.
func exampleSimPools(t testing.TB) []SimPool {
	t.Helper()
	capacity := func(cpu, mem string, extra map[corev1.ResourceName]string) corev1.ResourceList {
		m := map[corev1.ResourceName]string{
			corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem,
			corev1.ResourceEphemeralStorage: "200Gi", corev1.ResourcePods: "110",
		}
		for k, v := range extra {
			m[k] = v
		}
		c, err := Capacity(m)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return []SimPool{
		{ControlPlane: true, Zones: simZones, PerZone: 1, Capacity: capacity("4", "16Gi", nil)},
		{Pool: nodepool.Pool{Name: "general"}, Zones: simZones, PerZone: 2, Capacity: capacity("8", "32Gi", nil)},
		{Pool: nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}, Zones: simZones[:2], PerZone: 1,
			Capacity: capacity("16", "64Gi", map[corev1.ResourceName]string{"nvidia.com/gpu": "4"})},
		{Pool: nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}, Zones: simZones, PerZone: 1,
			Capacity: capacity("8", "32Gi", nil)},
		{Pool: nodepool.Pool{Name: "pci", Purpose: nodepool.PurposeCompliance, Compliance: nodepool.RegimePCIDSS}, Zones: simZones, PerZone: 1,
			Capacity: capacity("8", "32Gi", nil)},
	}
}

// TestSimProduction applies the production example's manifests for real to a
// simulated cluster built from the example's node pools, checks that the set works
// as a whole, then runs the upgrade plan's node steps against it.
func TestSimProduction(t *testing.T) {
	e := testEnv(t)
	dir := e.ProductionOutput(t)
	sim := startSim(t, e)
	ctx := context.Background()
	pools := exampleSimPools(t)
	nodes, err := SimNodes(pools)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	createNodes(t, sim, nodes, 2*time.Minute)
	t.Logf("%d nodes Ready in %s", len(nodes), time.Since(start).Round(time.Millisecond))

	docs, err := manifestObjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Volumes for the StatefulSets' claims first (see claimVolumes).
	var namespaces []string
	for _, d := range docs {
		switch d.Object.GetKind() {
		case "Namespace":
			namespaces = append(namespaces, d.Object.GetName())
		case "StatefulSet":
			var sts appsv1.StatefulSet
			if err := toTyped(d.Object, &sts); err != nil {
				t.Fatalf("%s: %v", d.Where(), err)
			}
			for _, pv := range claimVolumes(&sts) {
				if _, err := sim.Client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil {
					t.Fatalf("creating volume %s for %s: %v", pv.Name, d.Where(), err)
				}
			}
		}
	}
	namespaces = append(namespaces, "kube-system")

	start = time.Now()
	for _, d := range docs {
		warnings, err := sim.Apply(ctx, d.Object)
		if err != nil {
			t.Errorf("%s: server-side apply refused: %v", rel(dir, d.Where()), err)
		}
		if len(warnings) > 0 {
			t.Errorf("%s: %v", rel(dir, d.Where()), warningError(warnings))
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	applied := time.Since(start)
	st, problems, settled := waitSettled(ctx, sim, 3*time.Minute, namespaces...)
	t.Logf("applied %d objects in %s; settled in %s more", len(docs), applied.Round(time.Millisecond), settled.Round(time.Millisecond))
	for _, p := range problems {
		t.Errorf("after applying the production set: %v", p)
	}
	if st == nil {
		t.FailNow()
	}
	for _, p := range st.checkPlacement() {
		t.Errorf("placement: %v", p)
	}
	for _, p := range st.checkSpread() {
		t.Errorf("zone spread: %v", p)
	}
	t.Logf("%d workloads, %d pods, %d PodDisruptionBudgets checked", len(st.Workloads), len(st.Pods), len(st.PDBs))

	t.Run("JobsAndCronJobs", func(t *testing.T) { simJobs(t, e, sim, namespaces) })
	if t.Failed() {
		t.Fatalf("the upgrade plan's node steps need a settled cluster; stopping here")
	}
	t.Run("UpgradePlanNodeSteps", func(t *testing.T) {
		runPlanNodeSteps(t, e, sim, filepath.Join(dir, "upgrade", "plan.sh"), pools, namespaces)
	})
}

// simJobs runs what the set's CronJobs would run (a Job made from each with
// `kubectl create job --from`, since their schedules are not the test's), and
// waits for every Job the set made to complete: kwok completes a Job's pods.
func simJobs(t *testing.T, e *Env, sim *SimCluster, namespaces []string) {
	ctx := context.Background()
	n := 0
	for _, ns := range namespaces {
		cjs, err := sim.Client.BatchV1().CronJobs(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, cj := range cjs.Items {
			out, err := sim.kubectl(ctx, e, "-n", ns, "create", "job", "sim-"+cj.Name, "--from=cronjob/"+cj.Name)
			if err != nil {
				t.Errorf("CronJob %s/%s: kubectl create job --from: %v\n%s", ns, cj.Name, err, out)
			}
			n++
		}
	}
	jobs, problems := waitJobsComplete(ctx, sim, 2*time.Minute, namespaces...)
	for _, p := range problems {
		t.Errorf("%v", p)
	}
	if len(jobs) == 0 {
		t.Logf("the production set makes no Job and no CronJob; nothing to run (the Job machinery is proven by TestSimNegativeControls)")
	} else {
		t.Logf("%d Job(s) (%d from CronJobs) completed", len(jobs), n)
	}
}

// planAction is one node-level command of the upgrade plan that the simulation
// can carry out.
type planAction struct {
	Step int
	Pool string
	// Kubectl is the kubectl argv after the plan's --kubeconfig (drain, uncordon,
	// taint, delete node, wait); Join is the node a `kubeadm join` brings in.
	Kubectl []string
	Join    string
}

var (
	planStepRE  = regexp.MustCompile(`^# Step (\d+)/\d+ \[[^\]]*\]: (?:pool ([a-z0-9-]+): )?`)
	planOnNode  = regexp.MustCompile(`^\ton_node (\S+) '(.*)'$`)
	planKubectl = "sudo kubectl --kubeconfig /etc/kubernetes/admin.conf "
)

// planActions reads the plan script's node steps in order: every kubectl command
// the plan runs from its control host that drains, uncordons, taints, deletes or
// waits for a node, and every `kubeadm join` (a surge machine joining). Package,
// kubeadm upgrade and kubelet restarts have nothing to act on in a simulation.
func planActions(script string) ([]planAction, error) {
	f, err := os.Open(script)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []planAction
	step, pool := 0, ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := planStepRE.FindStringSubmatch(line); m != nil {
			step, _ = strconv.Atoi(m[1])
			pool = m[2]
			continue
		}
		m := planOnNode.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		host, cmd := m[1], m[2]
		switch {
		case strings.HasPrefix(cmd, planKubectl):
			rest := strings.TrimPrefix(cmd, planKubectl)
			if strings.ContainsAny(rest, `'"\$`) {
				return nil, fmt.Errorf("step %d: unexpected quoting in %q", step, cmd)
			}
			args := strings.Fields(rest)
			switch args[0] {
			case "drain", "uncordon", "taint", "delete", "wait":
				out = append(out, planAction{Step: step, Pool: pool, Kubectl: args})
			}
		case strings.Contains(cmd, "kubeadm join"):
			out = append(out, planAction{Step: step, Pool: pool, Join: host})
		}
	}
	return out, sc.Err()
}

// drainBound is how long one drain may take in the simulation. kwok starts a
// replacement pod within a second, but a StatefulSet's replacement has the
// evicted pod's name, and the disruption controller keeps that name in the
// budget's disruptedPods (so disruptionsAllowed stays 0) until it sees the
// old pod gone or its two-minute expiry passes; seen here as a drain of
// prometheus-0 refused for two minutes while every pod was Ready. A drain
// that takes longer than that expiry plus a margin is waiting on something
// real (a budget that never allows it, a pod that cannot be placed).
const drainBound = 4 * time.Minute

// runPlanNodeSteps carries out the plan's node steps in order with the real
// kubectl; kwok recreates evicted pods elsewhere. Every drain must end within
// drainBound, and no workload may ever be below what its PDB requires.
func runPlanNodeSteps(t *testing.T, e *Env, sim *SimCluster, script string, pools []SimPool, namespaces []string) {
	ctx := context.Background()
	actions, err := planActions(script)
	if err != nil {
		t.Fatal(err)
	}
	drains := 0
	for _, a := range actions {
		if len(a.Kubectl) > 0 && a.Kubectl[0] == "drain" {
			drains++
		}
	}
	if drains == 0 {
		t.Fatalf("%s holds no kubectl drain", script)
	}
	poolOf := map[string]SimPool{}
	for _, p := range pools {
		poolOf[p.NamePrefix()] = p
	}
	var below []error
	start := time.Now()
	below = drainWatch(ctx, sim, func() {
		for _, a := range actions {
			if t.Failed() {
				return
			}
			if a.Join != "" {
				sp, ok := poolOf[a.Pool]
				if !ok {
					t.Errorf("step %d: %s joins pool %q, which the simulation does not have", a.Step, a.Join, a.Pool)
					return
				}
				k := 0
				if i := strings.LastIndexByte(a.Join, '-'); i >= 0 {
					k, _ = strconv.Atoi(a.Join[i+1:])
				}
				node, err := sp.Node(a.Join, sp.Zones[(max(k, 1)-1)%len(sp.Zones)])
				if err != nil {
					t.Fatal(err)
				}
				if _, err := sim.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
					t.Errorf("step %d: joining %s: %v", a.Step, a.Join, err)
				}
				continue
			}
			bound := time.Minute
			if a.Kubectl[0] == "drain" || a.Kubectl[0] == "wait" {
				bound = drainBound
			}
			cctx, cancel := context.WithTimeout(ctx, bound)
			began := time.Now()
			out, err := sim.kubectl(cctx, e, a.Kubectl...)
			cancel()
			took := time.Since(began)
			switch {
			case err != nil && took >= bound:
				t.Errorf("step %d: kubectl %s did not finish within %s:\n%s\npods not ready:\n%s", a.Step, strings.Join(a.Kubectl, " "), bound, tailLines(out, 8), notReadyPods(ctx, sim))
			case err != nil:
				t.Errorf("step %d: kubectl %s failed after %s: %v\n%s", a.Step, strings.Join(a.Kubectl, " "), took.Round(time.Millisecond), err, tailLines(out, 8))
			case a.Kubectl[0] == "drain":
				t.Logf("step %d: drained %s in %s", a.Step, a.Kubectl[1], took.Round(time.Millisecond))
			}
		}
	})
	t.Logf("%d plan actions (%d drains) in %s", len(actions), drains, time.Since(start).Round(time.Millisecond))
	for _, b := range below {
		t.Errorf("during the plan's node steps: %v", b)
	}
	if t.Failed() {
		return
	}
	_, problems, _ := waitSettled(ctx, sim, 2*time.Minute, namespaces...)
	for _, p := range problems {
		t.Errorf("after the plan's node steps: %v", p)
	}
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// jobSpec is a minimal Job for the Job machinery's positive control.
func jobSpec(ns, name string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}},
			}},
		},
	}
}

// notReadyPods describes every pod that is not Ready, for a failure message:
// where it is (or why it is not scheduled) and its phase.
func notReadyPods(ctx context.Context, sim *SimCluster) string {
	pods, err := sim.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, p := range pods.Items {
		ready := false
		why := ""
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				ready = true
			}
			if c.Type == corev1.PodScheduled && c.Status != corev1.ConditionTrue {
				why = c.Message
			}
		}
		if !ready {
			fmt.Fprintf(&b, "  %s/%s on %q phase %s deleting=%v %s\n", p.Namespace, p.Name, p.Spec.NodeName, p.Status.Phase, p.DeletionTimestamp != nil, why)
		}
	}
	return b.String()
}
