package nodepool

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
)

// Mode is how a placement steers a pod onto its pool.
type Mode string

// The placement modes. The zero value means ModeNodeSelector.
const (
	// ModeNodeSelector sets spec.nodeSelector: the pod runs on the pool or not at all.
	ModeNodeSelector Mode = "NodeSelector"
	// ModeRequiredAffinity adds the pool's labels to every term of the required node affinity
	// (creating one term if there is none): the pod runs on the pool or not at all.
	ModeRequiredAffinity Mode = "RequiredNodeAffinity"
	// ModePreferredAffinity adds a preferred node affinity term (weight 100): the pod prefers
	// the pool but may run on shared pools when it is full. The pool's tolerations are still
	// added, and no other dedicated pool is tolerated. Not allowed for compliance pools.
	ModePreferredAffinity Mode = "PreferredNodeAffinity"
)

var modes = []string{string(ModeNodeSelector), string(ModeRequiredAffinity), string(ModePreferredAffinity)}

// preferredWeight is the weight of the preferred term; the scheduler accepts 1..100.
const preferredWeight = 100

// defaultGracePeriodSeconds is the API server's default terminationGracePeriodSeconds.
const defaultGracePeriodSeconds = 30

// Placement is how a workload goes onto a pool, and what Place needs to know about the
// workload to judge whether it is safe there.
type Placement struct {
	// Mode is how the pod is steered; empty means ModeNodeSelector.
	Mode Mode
	// GPUs is the number of GPUs the pod's GPU container asks for. Required (at least 1) on a
	// GPU pool, where Place sets it as both request and limit; must be 0 elsewhere.
	GPUs int64
	// Container names the container that gets the GPUs; empty means the pod's only container.
	Container string
	// Replicas is the workload's replica count. On a spot pool fewer than 2 is refused unless
	// AcceptSpotInterruption is set: one reclaimed node would take the whole workload down.
	Replicas int32
	// PodDisruptionBudget reports that the workload has a PodDisruptionBudget. On a spot pool a
	// workload without one is refused unless AcceptSpotInterruption is set.
	PodDisruptionBudget bool
	// AcceptSpotInterruption is the opt-out for spot safety: it allows a spot placement with
	// fewer than 2 replicas or without a PodDisruptionBudget, accepting an outage each time a
	// node is reclaimed. It does not lift the grace-period rule: a pod that needs longer to stop
	// than the provider allows after its eviction notice ([MaxGracePeriod]) is killed
	// mid-shutdown whatever is accepted.
	AcceptSpotInterruption bool
}

func (h Placement) validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if h.Mode != "" && !contains(modes, string(h.Mode)) {
		errs = append(errs, field.NotSupported(path.Child("mode"), h.Mode, modes))
	}
	if h.GPUs < 0 {
		errs = append(errs, field.Invalid(path.Child("gpus"), h.GPUs, "must not be negative"))
	}
	if h.Replicas < 0 {
		errs = append(errs, field.Invalid(path.Child("replicas"), h.Replicas, "must not be negative"))
	}
	return errs
}

// Place returns a copy of spec placed on pool: a nodeSelector or node affinity on the pool's
// labels (see [Mode]), one toleration (operator Equal, key, value and effect) per taint of the
// pool, and for GPU pools the GPU request and limit. spec itself is not modified.
//
// It refuses, with every reason at once: an invalid pool or placement; a spec that bypasses
// the scheduler (nodeName) or already tolerates everything (a toleration without a key) or
// tolerates a dedicated pool; a nodeSelector that contradicts the pool; a GPU placement
// without GPUs; a preferred placement on a compliance pool; a spot placement that is not
// disruption-safe (see [Placement]) or whose terminationGracePeriodSeconds (default 30) exceeds
// [MaxGracePeriod] (15 s on GKE, 30 s on AKS, 2 min on AWS). Finally it checks the result with [Schedulable] against the pool's node
// template and refuses a placement that the pod's own constraints would keep off the pool.
func Place(spec *corev1.PodSpec, pool Pool, how Placement) (*corev1.PodSpec, error) {
	specPath := field.NewPath("spec")
	hp := field.NewPath("placement")
	errs := pool.validate(field.NewPath("pool"))
	errs = append(errs, how.validate(hp)...)
	if spec == nil {
		errs = append(errs, field.Required(specPath, "a pod spec to place"))
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	t := pool.build()
	mode := how.Mode
	if mode == "" {
		mode = ModeNodeSelector
	}
	reqs := t.requirements()

	// Placement against the pool.
	if mode == ModePreferredAffinity && t.Purpose == PurposeCompliance {
		errs = append(errs, field.Invalid(hp.Child("mode"), how.Mode,
			"a compliance workload must be required on its pool; a preference would let it run on shared nodes"))
	}
	gpuContainer := -1
	if t.Purpose == PurposeGPU {
		if how.GPUs < 1 {
			errs = append(errs, field.Invalid(hp.Child("gpus"), how.GPUs,
				fmt.Sprintf("a placement on GPU pool %q must ask for at least one %s", t.Pool, t.GPUResource)))
		}
		var cerrs field.ErrorList
		gpuContainer, cerrs = findContainer(spec, how.Container, hp.Child("container"), specPath)
		errs = append(errs, cerrs...)
		if gpuContainer >= 0 && how.GPUs >= 1 {
			errs = append(errs, checkExistingGPU(spec.Containers[gpuContainer], t.GPUResource, how.GPUs,
				specPath.Child("containers").Index(gpuContainer).Child("resources"))...)
		}
	} else {
		if how.GPUs != 0 {
			errs = append(errs, field.Invalid(hp.Child("gpus"), how.GPUs,
				fmt.Sprintf("pool %q is a %s pool, not a gpu pool; GPUs must be 0", t.Pool, t.Purpose)))
		}
		if how.Container != "" {
			errs = append(errs, field.Invalid(hp.Child("container"), how.Container, "only a GPU placement names a container"))
		}
	}
	if t.Purpose == PurposeSpot {
		if how.Replicas < 2 && !how.AcceptSpotInterruption {
			errs = append(errs, field.Invalid(hp.Child("replicas"), how.Replicas,
				"a spot workload needs at least 2 replicas so that one reclaimed node does not take it down (or set acceptSpotInterruption)"))
		}
		if !how.PodDisruptionBudget && !how.AcceptSpotInterruption {
			errs = append(errs, field.Required(hp.Child("podDisruptionBudget"),
				"a spot workload needs a PodDisruptionBudget (or set acceptSpotInterruption)"))
		}
		grace := int64(defaultGracePeriodSeconds)
		if spec.TerminationGracePeriodSeconds != nil {
			grace = *spec.TerminationGracePeriodSeconds
		}
		notice := int64(EvictionNotice(t.Provider).Seconds())
		budget := int64(MaxGracePeriod(t.Provider).Seconds())
		if grace > budget {
			msg := fmt.Sprintf("%s reclaims spot nodes %d s after its notice; the pod must stop within that (at most %d)", t.Provider, notice, budget)
			if budget < notice {
				msg = fmt.Sprintf("%s reclaims spot nodes %d s after its notice and gives non-system pods only the first %d s of it; the pod must stop within that (at most %d)",
					t.Provider, notice, budget, budget)
			}
			errs = append(errs, field.Invalid(specPath.Child("terminationGracePeriodSeconds"), grace, msg))
		}
	}

	// The spec itself.
	if spec.NodeName != "" {
		errs = append(errs, field.Forbidden(specPath.Child("nodeName"),
			"a pod with nodeName bypasses the scheduler and ignores placement"))
	}
	own := t.tolerations()
	for i, tol := range spec.Tolerations {
		p := specPath.Child("tolerations").Index(i)
		switch {
		case tol.Key == "":
			errs = append(errs, field.Forbidden(p,
				"a toleration without a key tolerates every taint, so the pod would also land on every dedicated pool"))
		case tol.Key == TaintDedicated && !containsToleration(own, tol):
			errs = append(errs, field.Forbidden(p,
				fmt.Sprintf("tolerates a dedicated pool other than %q; placement adds the pool's own tolerations", t.Pool)))
		}
	}
	if mode == ModeNodeSelector {
		for _, r := range reqs {
			if v, ok := spec.NodeSelector[r.Key]; ok && v != r.Values[0] {
				errs = append(errs, field.Invalid(specPath.Child("nodeSelector").Key(r.Key), v,
					fmt.Sprintf("contradicts the placement on pool %q, which needs %q", t.Pool, r.Values[0])))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}

	out := spec.DeepCopy()
	switch mode {
	case ModeNodeSelector:
		if out.NodeSelector == nil {
			out.NodeSelector = make(map[string]string, len(reqs))
		}
		for _, r := range reqs {
			out.NodeSelector[r.Key] = r.Values[0]
		}
	case ModeRequiredAffinity:
		na := nodeAffinity(out)
		if na.RequiredDuringSchedulingIgnoredDuringExecution == nil {
			na.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{}
		}
		sel := na.RequiredDuringSchedulingIgnoredDuringExecution
		if len(sel.NodeSelectorTerms) == 0 {
			sel.NodeSelectorTerms = []corev1.NodeSelectorTerm{{}}
		}
		// Terms are ORed, requirements within a term ANDed: the pool's requirements go into
		// every term.
		for i := range sel.NodeSelectorTerms {
			sel.NodeSelectorTerms[i].MatchExpressions = append(sel.NodeSelectorTerms[i].MatchExpressions, copyReqs(reqs)...)
		}
	case ModePreferredAffinity:
		na := nodeAffinity(out)
		na.PreferredDuringSchedulingIgnoredDuringExecution = append(na.PreferredDuringSchedulingIgnoredDuringExecution,
			corev1.PreferredSchedulingTerm{Weight: preferredWeight, Preference: corev1.NodeSelectorTerm{MatchExpressions: copyReqs(reqs)}})
	}
	for _, tol := range own {
		if !containsToleration(out.Tolerations, tol) {
			out.Tolerations = append(out.Tolerations, tol)
		}
	}
	if gpuContainer >= 0 {
		r := &out.Containers[gpuContainer].Resources
		q := *resource.NewQuantity(how.GPUs, resource.DecimalSI)
		if r.Limits == nil {
			r.Limits = corev1.ResourceList{}
		}
		if r.Requests == nil {
			r.Requests = corev1.ResourceList{}
		}
		r.Limits[t.GPUResource] = q
		r.Requests[t.GPUResource] = q.DeepCopy()
	}

	// Proof by the scheduler's own code: the placed pod must fit the pool's nodes.
	node := t.Node()
	if ok, why := Schedulable(out, node); !ok {
		return nil, field.ErrorList{field.Invalid(specPath, "",
			fmt.Sprintf("the pod's own constraints keep it off pool %q: %s", t.Pool, strings.Join(why, "; ")))}.ToAggregate()
	}
	if mode == ModePreferredAffinity {
		terms, err := nodeaffinity.NewPreferredSchedulingTerms(out.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution)
		if err != nil {
			return nil, field.ErrorList{field.Invalid(specPath.Child("affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
				"", err.Error())}.ToAggregate()
		}
		if terms.Score(node) < preferredWeight {
			return nil, field.ErrorList{field.Invalid(specPath, "", fmt.Sprintf("the preference for pool %q does not score its nodes", t.Pool))}.ToAggregate()
		}
	}
	return out, nil
}

// requirements are the label requirements that select the pool's nodes, sorted by key: the
// pool name, for compliance pools the administrator-set isolation label, for spot pools the
// provider's spot label.
func (t *Template) requirements() []corev1.NodeSelectorRequirement {
	keys := []string{LabelPool}
	if _, ok := t.AdminLabels[LabelIsolated]; ok {
		keys = append(keys, LabelIsolated)
	}
	if k, _, ok := t.spotSelector(); ok {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]corev1.NodeSelectorRequirement, 0, len(keys))
	for _, k := range keys {
		out = append(out, corev1.NodeSelectorRequirement{Key: k, Operator: corev1.NodeSelectorOpIn, Values: []string{t.Labels[k]}})
	}
	return out
}

// tolerations are exactly the tolerations the pool's taints need, one per taint.
func (t *Template) tolerations() []corev1.Toleration {
	out := make([]corev1.Toleration, 0, len(t.Taints))
	for _, taint := range t.Taints {
		out = append(out, corev1.Toleration{Key: taint.Key, Operator: corev1.TolerationOpEqual, Value: taint.Value, Effect: taint.Effect})
	}
	return out
}

func containsToleration(list []corev1.Toleration, tol corev1.Toleration) bool {
	for _, x := range list {
		if x.Key == tol.Key && x.Operator == tol.Operator && x.Value == tol.Value && x.Effect == tol.Effect &&
			x.TolerationSeconds == nil && tol.TolerationSeconds == nil {
			return true
		}
	}
	return false
}

func findContainer(spec *corev1.PodSpec, name string, namePath, specPath *field.Path) (int, field.ErrorList) {
	if len(spec.Containers) == 0 {
		return -1, field.ErrorList{field.Required(specPath.Child("containers"), "a GPU placement needs a container to give the GPUs to")}
	}
	if name == "" {
		if len(spec.Containers) == 1 {
			return 0, nil
		}
		return -1, field.ErrorList{field.Required(namePath,
			fmt.Sprintf("the pod has %d containers; name the one that uses the GPUs", len(spec.Containers)))}
	}
	for i := range spec.Containers {
		if spec.Containers[i].Name == name {
			return i, nil
		}
	}
	return -1, field.ErrorList{field.NotFound(namePath, name)}
}

func checkExistingGPU(c corev1.Container, res corev1.ResourceName, n int64, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	want := resource.NewQuantity(n, resource.DecimalSI)
	for _, part := range []struct {
		name string
		list corev1.ResourceList
	}{{"limits", c.Resources.Limits}, {"requests", c.Resources.Requests}} {
		if q, ok := part.list[res]; ok && q.Cmp(*want) != 0 {
			errs = append(errs, field.Invalid(path.Child(part.name).Key(string(res)), q.String(),
				fmt.Sprintf("contradicts the placement's %d GPUs", n)))
		}
	}
	return errs
}

func nodeAffinity(spec *corev1.PodSpec) *corev1.NodeAffinity {
	if spec.Affinity == nil {
		spec.Affinity = &corev1.Affinity{}
	}
	if spec.Affinity.NodeAffinity == nil {
		spec.Affinity.NodeAffinity = &corev1.NodeAffinity{}
	}
	return spec.Affinity.NodeAffinity
}

func copyReqs(reqs []corev1.NodeSelectorRequirement) []corev1.NodeSelectorRequirement {
	out := make([]corev1.NodeSelectorRequirement, len(reqs))
	for i, r := range reqs {
		out[i] = corev1.NodeSelectorRequirement{Key: r.Key, Operator: r.Operator, Values: append([]string(nil), r.Values...)}
	}
	return out
}

var metaNode = metav1.TypeMeta{APIVersion: "v1", Kind: "Node"}

func objectMeta(name string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: labels}
}
