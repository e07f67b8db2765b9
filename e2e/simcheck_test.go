package e2e

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1helper "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"

	"github.com/prodkube/prodkube/e2e/internal/binaries"
	"github.com/prodkube/prodkube/nodepool"
)

// simFieldManager is the field manager of the suite's server-side applies.
const simFieldManager = "prodkube-e2e-sim"

// startSim starts a simulated cluster of its own for t (stopped when t ends), with
// the suite's CRDs installed.
func startSim(t *testing.T, e *Env) *SimCluster {
	t.Helper()
	ctx := context.Background()
	bin := func(name, version string) string {
		p, err := e.Bin(name, version)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	stages, err := KwokStageFiles(ctx, e.E2ERoot)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sim, err := StartSimCluster(ctx, SimOptions{
		EtcdBinary:              bin("etcd", binaries.EtcdVersion),
		APIServerBinary:         bin("kube-apiserver", binaries.KubernetesVersion),
		ControllerManagerBinary: bin("kube-controller-manager", binaries.KubernetesVersion),
		SchedulerBinary:         bin("kube-scheduler", binaries.KubernetesVersion),
		KwokBinary:              bin("kwok", binaries.KwokVersion),
		KwokStages:              stages,
	})
	if err != nil {
		t.Fatalf("starting the simulated cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := sim.Running(); err != nil {
			t.Errorf("a component of the simulated cluster died during the test: %v", err)
		}
		if os.Getenv("E2E_KEEP_DIR") != "" {
			t.Logf("simulated cluster kept in %s", sim.Dir)
		}
		if err := sim.Stop(); err != nil {
			t.Errorf("stopping the simulated cluster: %v", err)
		}
	})
	t.Logf("simulated cluster (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok %s) ready at %s in %s",
		binaries.KwokVersion, sim.APIServerURL, time.Since(start).Round(time.Millisecond))
	if _, err := installCRDs(ctx, sim.ControlPlane, crdSources); err != nil {
		t.Fatalf("installing CRDs in the simulated cluster: %v", err)
	}
	return sim
}

// createNodes creates the nodes and waits until kwok has made every one Ready and
// the node lifecycle controller has lifted its not-ready taint.
func createNodes(t *testing.T, sim *SimCluster, nodes []*corev1.Node, timeout time.Duration) {
	t.Helper()
	ctx := context.Background()
	for _, n := range nodes {
		if _, err := sim.Client.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating node %s: %v", n.Name, err)
		}
	}
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	waitNodesReady(t, sim, names, timeout)
}

func waitNodesReady(t *testing.T, sim *SimCluster, names []string, timeout time.Duration) {
	t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var notReady []string
	err := poll(context.Background(), timeout, func() (bool, error) {
		list, err := sim.Client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		notReady = notReady[:0]
		found := 0
		for i := range list.Items {
			n := &list.Items[i]
			if !want[n.Name] {
				continue
			}
			found++
			if !nodeReady(n) || hasTaint(n, corev1.TaintNodeNotReady) || hasTaint(n, corev1.TaintNodeUnreachable) {
				notReady = append(notReady, n.Name)
			}
		}
		return found == len(want) && len(notReady) == 0, nil
	})
	if err != nil {
		t.Fatalf("nodes not Ready (and untainted) after %s: %v (first of them: %v)\nkwok log:\n%s", timeout, err, head(notReady, 10), sim.LogTail("kwok", 15))
	}
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func hasTaint(n *corev1.Node, key string) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key {
			return true
		}
	}
	return false
}

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// poll calls ok every 250ms until it returns true, returns an error, or timeout
// passes.
func poll(ctx context.Context, timeout time.Duration, ok func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		done, err := ok()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Apply server-side applies obj (force, field manager prodkube-e2e-sim, strict
// field validation) and returns the server's warnings.
func (s *SimCluster) Apply(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	ri, err := s.resourceFor(obj)
	if err != nil {
		return nil, err
	}
	ctx, sink := withWarnings(ctx)
	force := true
	data, err := obj.MarshalJSON()
	if err != nil {
		return nil, err
	}
	_, err = ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{
		FieldManager: simFieldManager, Force: &force, FieldValidation: metav1.FieldValidationStrict,
	})
	return sink.list(), err
}

// manifestFiles lists DIR/manifests in the order WriteDir writes (and names) them,
// without the kustomization.
func manifestFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "manifests"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || e.Name() == "kustomization.yaml" || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		files = append(files, filepath.Join(dir, "manifests", e.Name()))
	}
	sort.Strings(files)
	return files, nil
}

// manifestObjects reads every object of DIR/manifests in apply order.
func manifestObjects(dir string) ([]Document, error) {
	files, err := manifestFiles(dir)
	if err != nil {
		return nil, err
	}
	var docs []Document
	for _, f := range files {
		ds, err := readDocuments(f)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Object != nil {
				docs = append(docs, d)
			}
		}
	}
	return docs, nil
}

// claimVolumes makes one PersistentVolume for every claim a StatefulSet will make
// (each volumeClaimTemplate × each ordinal), pre-bound to that claim by claimRef.
// A simulated cluster has no storage provisioner; the persistentvolume-binder
// controller binds the claims to these volumes as it would to provisioned ones.
// The volumes have no node affinity, so they never pin a pod to a node.
func claimVolumes(sts *appsv1.StatefulSet) []*corev1.PersistentVolume {
	replicas := int32(1)
	if sts.Spec.Replicas != nil {
		replicas = *sts.Spec.Replicas
	}
	var out []*corev1.PersistentVolume
	for _, tmpl := range sts.Spec.VolumeClaimTemplates {
		for i := int32(0); i < replicas; i++ {
			claim := fmt.Sprintf("%s-%s-%d", tmpl.Name, sts.Name, i)
			size := tmpl.Spec.Resources.Requests[corev1.ResourceStorage]
			class := ""
			if tmpl.Spec.StorageClassName != nil {
				class = *tmpl.Spec.StorageClassName
			}
			modes := tmpl.Spec.AccessModes
			if len(modes) == 0 {
				modes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
			}
			out = append(out, &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "sim-" + sts.Namespace + "-" + claim},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
					AccessModes:                   modes,
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
					StorageClassName:              class,
					VolumeMode:                    tmpl.Spec.VolumeMode,
					ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1", Namespace: sts.Namespace, Name: claim},
					PersistentVolumeSource: corev1.PersistentVolumeSource{
						HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/prodkube-sim/" + sts.Namespace + "/" + claim},
					},
				},
			})
		}
	}
	return out
}

// toTyped converts an unstructured object into a typed one.
func toTyped(o *unstructured.Unstructured, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, into)
}

// workloadState is one Deployment or StatefulSet as the checks see it.
type workloadState struct {
	Kind, Namespace, Name string
	Desired, Ready        int32
	Selector              labels.Selector
	Template              corev1.PodTemplateSpec
}

func (w workloadState) String() string { return w.Kind + " " + w.Namespace + "/" + w.Name }

// clusterState is a snapshot of what the checks judge.
type clusterState struct {
	Workloads []workloadState
	Pods      []corev1.Pod
	Nodes     map[string]*corev1.Node
	PDBs      []policyv1.PodDisruptionBudget
}

func snapshot(ctx context.Context, sim *SimCluster, namespaces ...string) (*clusterState, error) {
	st := &clusterState{Nodes: map[string]*corev1.Node{}}
	nodes, err := sim.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for i := range nodes.Items {
		st.Nodes[nodes.Items[i].Name] = &nodes.Items[i]
	}
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	for _, ns := range namespaces {
		deps, err := sim.Client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, d := range deps.Items {
			sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
			if err != nil {
				return nil, err
			}
			st.Workloads = append(st.Workloads, workloadState{"Deployment", d.Namespace, d.Name, ptrOr(d.Spec.Replicas, 1), d.Status.ReadyReplicas, sel, d.Spec.Template})
		}
		stss, err := sim.Client.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		for _, s := range stss.Items {
			sel, err := metav1.LabelSelectorAsSelector(s.Spec.Selector)
			if err != nil {
				return nil, err
			}
			st.Workloads = append(st.Workloads, workloadState{"StatefulSet", s.Namespace, s.Name, ptrOr(s.Spec.Replicas, 1), s.Status.ReadyReplicas, sel, s.Spec.Template})
		}
		pods, err := sim.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		st.Pods = append(st.Pods, pods.Items...)
		pdbs, err := sim.Client.PolicyV1().PodDisruptionBudgets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		st.PDBs = append(st.PDBs, pdbs.Items...)
	}
	return st, nil
}

func ptrOr(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

// podsOf returns the live (not terminating, not finished) pods of w.
func (st *clusterState) podsOf(w workloadState) []*corev1.Pod {
	var out []*corev1.Pod
	for i := range st.Pods {
		p := &st.Pods[i]
		if p.Namespace == w.Namespace && p.DeletionTimestamp == nil && w.Selector.Matches(labels.Set(p.Labels)) &&
			p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			out = append(out, p)
		}
	}
	return out
}

func podReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// checkReplicas says, for every workload that has not reached its desired ready
// replicas, how many are ready and why the others are not (the scheduler's
// message for a pending pod).
func (st *clusterState) checkReplicas(events map[string]string) []error {
	var errs []error
	for _, w := range st.Workloads {
		if w.Ready == w.Desired {
			continue
		}
		var why []string
		for _, p := range st.podsOf(w) {
			if podReady(p) {
				continue
			}
			reason := string(p.Status.Phase)
			if p.Spec.NodeName == "" {
				reason = "unscheduled"
			}
			if msg := events[p.Namespace+"/"+p.Name]; msg != "" {
				reason += ": " + msg
			}
			why = append(why, p.Name+" "+reason)
		}
		sort.Strings(why)
		errs = append(errs, fmt.Errorf("%s has %d of %d desired replicas ready; not ready: %s", w, w.Ready, w.Desired, strings.Join(head(why, 5), "; ")))
	}
	return errs
}

// schedulingEvents maps namespace/pod to the latest FailedScheduling message.
func schedulingEvents(ctx context.Context, sim *SimCluster) map[string]string {
	out := map[string]string{}
	evs, err := sim.Client.CoreV1().Events(metav1.NamespaceAll).List(ctx, metav1.ListOptions{FieldSelector: "reason=FailedScheduling"})
	if err != nil {
		return out
	}
	sort.Slice(evs.Items, func(i, j int) bool { return evs.Items[i].LastTimestamp.Before(&evs.Items[j].LastTimestamp) })
	for _, ev := range evs.Items {
		out[ev.InvolvedObject.Namespace+"/"+ev.InvolvedObject.Name] = ev.Message
	}
	return out
}

// poolsRequired returns the node pools a pod's required placement names (through
// spec.nodeSelector or every term of the required node affinity): nil if it names
// none.
func poolsRequired(spec *corev1.PodSpec) map[string]bool {
	if v, ok := spec.NodeSelector[nodepool.LabelPool]; ok {
		return map[string]bool{v: true}
	}
	a := spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	out := map[string]bool{}
	for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		named := false
		for _, r := range term.MatchExpressions {
			if r.Key == nodepool.LabelPool && r.Operator == corev1.NodeSelectorOpIn {
				for _, v := range r.Values {
					out[v] = true
				}
				named = true
			}
		}
		if !named {
			return nil // some term accepts any pool
		}
	}
	return out
}

// checkPlacement judges every scheduled pod against its node: the node satisfies
// its required placement and it tolerates the node's NoSchedule/NoExecute taints
// (the scheduler's own helpers), the node belongs to the pool the pod's intent
// names, and no pod sits on a dedicated pool it did not name.
func (st *clusterState) checkPlacement() []error {
	var errs []error
	for i := range st.Pods {
		p := &st.Pods[i]
		if p.Spec.NodeName == "" || p.DeletionTimestamp != nil {
			continue
		}
		n := st.Nodes[p.Spec.NodeName]
		if n == nil {
			errs = append(errs, fmt.Errorf("pod %s/%s is bound to node %s, which does not exist", p.Namespace, p.Name, p.Spec.NodeName))
			continue
		}
		where := fmt.Sprintf("pod %s/%s on node %s (pool %q)", p.Namespace, p.Name, n.Name, n.Labels[nodepool.LabelPool])
		if ok, err := nodeaffinity.GetRequiredNodeAffinity(p).Match(n); err != nil || !ok {
			errs = append(errs, fmt.Errorf("%s: the node does not satisfy the pod's nodeSelector/required affinity (%v)", where, err))
		}
		if t, untolerated := corev1helper.FindMatchingUntoleratedTaint(klog.Background(), n.Spec.Taints, p.Spec.Tolerations, func(t *corev1.Taint) bool {
			return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
		}, false /* no Gt/Lt tolerations here */); untolerated {
			errs = append(errs, fmt.Errorf("%s: the pod does not tolerate the node's taint %s", where, t.ToString()))
		}
		want := poolsRequired(&p.Spec)
		pool := n.Labels[nodepool.LabelPool]
		if want != nil && !want[pool] {
			errs = append(errs, fmt.Errorf("%s: the pod's intent names pool(s) %v", where, sortedKeys(want)))
		}
		// A node agent (a DaemonSet's pod, such as node-exporter) belongs on
		// every node, dedicated ones included: it runs there by design.
		if hasTaint(n, nodepool.TaintDedicated) && !want[pool] && !ownedByDaemonSet(p) {
			errs = append(errs, fmt.Errorf("%s: the pool is dedicated and the pod did not ask for it (it names %v)", where, sortedKeys(want)))
		}
	}
	return errs
}

// ownedByDaemonSet reports whether a DaemonSet controls the pod.
func ownedByDaemonSet(p *corev1.Pod) bool {
	for _, o := range p.OwnerReferences {
		if o.Controller != nil && *o.Controller && o.Kind == "DaemonSet" {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkSpread judges every hard (DoNotSchedule) topology spread constraint of
// every workload: over the domains of the nodes the pod may be placed on (its
// required placement honoured, taints ignored, as the scheduler's defaults
// nodeAffinityPolicy Honor and nodeTaintsPolicy Ignore say), the most loaded
// domain holds at most maxSkew more of its pods (matching the constraint's
// selector and matchLabelKeys) than the least loaded one.
func (st *clusterState) checkSpread() []error {
	var errs []error
	for _, w := range st.Workloads {
		pods := st.podsOf(w)
		if len(pods) == 0 {
			continue
		}
		probe := &corev1.Pod{Spec: w.Template.Spec}
		for _, c := range w.Template.Spec.TopologySpreadConstraints {
			if c.WhenUnsatisfiable != corev1.DoNotSchedule {
				continue
			}
			sel, err := metav1.LabelSelectorAsSelector(c.LabelSelector)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: constraint on %s: %v", w, c.TopologyKey, err))
				continue
			}
			counts := map[string]int{}
			for _, n := range st.Nodes {
				v, ok := n.Labels[c.TopologyKey]
				if !ok || n.Spec.Unschedulable {
					continue
				}
				if c.NodeTaintsPolicy != nil && *c.NodeTaintsPolicy == corev1.NodeInclusionPolicyHonor {
					if _, bad := corev1helper.FindMatchingUntoleratedTaint(klog.Background(), n.Spec.Taints, w.Template.Spec.Tolerations, func(t *corev1.Taint) bool {
						return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
					}, false); bad {
						continue
					}
				}
				if c.NodeAffinityPolicy == nil || *c.NodeAffinityPolicy == corev1.NodeInclusionPolicyHonor {
					if ok, err := nodeaffinity.GetRequiredNodeAffinity(probe).Match(n); err != nil || !ok {
						continue
					}
				}
				counts[v] += 0
			}
			// Group by matchLabelKeys: the scheduler counts only pods whose values
			// for those keys equal the incoming pod's.
			groups := map[string][]*corev1.Pod{}
			for _, p := range pods {
				if !sel.Matches(labels.Set(p.Labels)) || p.Spec.NodeName == "" {
					continue
				}
				var key []string
				for _, k := range c.MatchLabelKeys {
					key = append(key, k+"="+p.Labels[k])
				}
				groups[strings.Join(key, ",")] = append(groups[strings.Join(key, ",")], p)
			}
			for gk, group := range groups {
				cnt := map[string]int{}
				for d := range counts {
					cnt[d] = 0
				}
				for _, p := range group {
					n := st.Nodes[p.Spec.NodeName]
					if n == nil {
						continue
					}
					if d, ok := n.Labels[c.TopologyKey]; ok {
						if _, eligible := cnt[d]; eligible {
							cnt[d]++
						}
					}
				}
				if len(cnt) == 0 {
					continue
				}
				lo, hi := math.MaxInt, 0
				for _, v := range cnt {
					lo, hi = min(lo, v), max(hi, v)
				}
				if hi-lo > int(c.MaxSkew) {
					errs = append(errs, fmt.Errorf("%s: %s spread is %v (pods %s): skew %d exceeds maxSkew %d",
						w, c.TopologyKey, cnt, gk, hi-lo, c.MaxSkew))
				}
			}
		}
	}
	return errs
}

// desiredHealthy is how many healthy pods a PodDisruptionBudget requires, from its
// spec and the scale of the workload it covers, as the policy/v1 API defines it:
// minAvailable as a number, or a percentage of the expected pods rounded up; or
// the expected pods minus maxUnavailable (a percentage rounded up).
func desiredHealthy(pdb *policyv1.PodDisruptionBudget, expected int) (int, error) {
	switch {
	case pdb.Spec.MinAvailable != nil:
		return intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, expected, true)
	case pdb.Spec.MaxUnavailable != nil:
		u, err := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MaxUnavailable, expected, true)
		return max(0, expected-u), err
	}
	return 0, errors.New("neither minAvailable nor maxUnavailable")
}

// pdbExpectation computes, for a PDB, the pods it covers (healthy = Ready), the
// workloads' desired replicas (its expected pods) and the healthy pods it requires.
func (st *clusterState) pdbExpectation(pdb *policyv1.PodDisruptionBudget) (healthy, expected, desired int, err error) {
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		return 0, 0, 0, err
	}
	for i := range st.Pods {
		p := &st.Pods[i]
		if p.Namespace == pdb.Namespace && sel.Matches(labels.Set(p.Labels)) && podReady(p) {
			healthy++
		}
	}
	for _, w := range st.Workloads {
		if w.Namespace == pdb.Namespace && sel.Matches(labels.Set(w.Template.Labels)) {
			expected += int(w.Desired)
		}
	}
	desired, err = desiredHealthy(pdb, expected)
	return healthy, expected, desired, err
}

// checkPDBs compares each PodDisruptionBudget's status.disruptionsAllowed with
// healthy − desired computed from the objects (never below 0), once the
// disruption controller has observed the latest generation.
func (st *clusterState) checkPDBs() []error {
	var errs []error
	for i := range st.PDBs {
		pdb := &st.PDBs[i]
		healthy, expected, desired, err := st.pdbExpectation(pdb)
		if err != nil {
			errs = append(errs, fmt.Errorf("PodDisruptionBudget %s/%s: %v", pdb.Namespace, pdb.Name, err))
			continue
		}
		if expected == 0 {
			errs = append(errs, fmt.Errorf("PodDisruptionBudget %s/%s selects no Deployment or StatefulSet", pdb.Namespace, pdb.Name))
			continue
		}
		want := int32(max(0, healthy-desired))
		if pdb.Status.ObservedGeneration != pdb.Generation {
			errs = append(errs, fmt.Errorf("PodDisruptionBudget %s/%s: status not yet observed (generation %d, observed %d)", pdb.Namespace, pdb.Name, pdb.Generation, pdb.Status.ObservedGeneration))
			continue
		}
		if pdb.Status.DisruptionsAllowed != want {
			errs = append(errs, fmt.Errorf("PodDisruptionBudget %s/%s reports disruptionsAllowed %d, want %d (%d healthy of %d expected, %d required)",
				pdb.Namespace, pdb.Name, pdb.Status.DisruptionsAllowed, want, healthy, expected, desired))
		}
	}
	return errs
}

// checkBelowPDB lists the PodDisruptionBudgets whose healthy pods are fewer than
// they require.
func (st *clusterState) checkBelowPDB() []error {
	var errs []error
	for i := range st.PDBs {
		pdb := &st.PDBs[i]
		healthy, expected, desired, err := st.pdbExpectation(pdb)
		if err != nil || expected == 0 {
			continue
		}
		if healthy < desired {
			errs = append(errs, fmt.Errorf("PodDisruptionBudget %s/%s: %d healthy pods, below the %d it requires", pdb.Namespace, pdb.Name, healthy, desired))
		}
	}
	return errs
}

// waitSettled polls until every workload has its desired ready replicas and every
// PDB's status matches the objects, and returns the last snapshot with the
// remaining problems (none if it settled).
func waitSettled(ctx context.Context, sim *SimCluster, timeout time.Duration, namespaces ...string) (*clusterState, []error, time.Duration) {
	start := time.Now()
	var st *clusterState
	var problems []error
	_ = poll(ctx, timeout, func() (bool, error) {
		s, err := snapshot(ctx, sim, namespaces...)
		if err != nil {
			problems = []error{err}
			return false, nil
		}
		st = s
		problems = append(s.checkReplicas(nil), s.checkPDBs()...)
		return len(problems) == 0, nil
	})
	if len(problems) > 0 && st != nil {
		// Say why pods are pending.
		problems = append(st.checkReplicas(schedulingEvents(ctx, sim)), st.checkPDBs()...)
	}
	return st, problems, time.Since(start)
}

// kubectl runs the built kubectl against the simulated cluster.
func (s *SimCluster) kubectl(ctx context.Context, e *Env, args ...string) (string, error) {
	bin, err := e.Bin("kubectl", binaries.KubernetesVersion)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig=" + s.Kubeconfig}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// drainWatch watches every PDB while fn runs (every 200ms) and returns the
// moments any workload was below what its PDB requires.
func drainWatch(ctx context.Context, sim *SimCluster, fn func()) []error {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan []error)
	go func() {
		var seen []error
		for {
			if st, err := snapshot(ctx, sim); err == nil {
				for _, e := range st.checkBelowPDB() {
					seen = append(seen, fmt.Errorf("%s: %w", time.Now().Format("15:04:05.000"), e))
				}
			}
			select {
			case <-ctx.Done():
				done <- seen
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	fn()
	cancel()
	return <-done
}

// waitJobsComplete waits until every Job in the namespaces has its Complete
// condition, and returns the ones that have not.
func waitJobsComplete(ctx context.Context, sim *SimCluster, timeout time.Duration, namespaces ...string) ([]batchv1.Job, []error) {
	var jobs []batchv1.Job
	var problems []error
	_ = poll(ctx, timeout, func() (bool, error) {
		jobs, problems = jobs[:0], problems[:0]
		for _, ns := range namespaces {
			list, err := sim.Client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				problems = append(problems, err)
				continue
			}
			jobs = append(jobs, list.Items...)
		}
		for _, j := range jobs {
			complete := false
			for _, c := range j.Status.Conditions {
				if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
					complete = true
				}
			}
			if !complete {
				problems = append(problems, fmt.Errorf("Job %s/%s has not completed (succeeded %d, active %d, failed %d)", j.Namespace, j.Name, j.Status.Succeeded, j.Status.Active, j.Status.Failed))
			}
		}
		return len(problems) == 0, nil
	})
	return jobs, problems
}

// ensureNamespace creates a namespace in the simulated cluster if it is missing.
func ensureSimNamespace(ctx context.Context, sim *SimCluster, name string, lbls map[string]string) error {
	_, err := sim.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// mustQuantity parses q or panics; for literal test data only.
func mustQuantity(q string) resource.Quantity { return resource.MustParse(q) }
