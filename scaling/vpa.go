package scaling

import (
	"fmt"
	"sort"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// VPA is the intent for one VerticalPodAutoscaler.
//
// The zero Mode is UpdateModeOff: recommendations only, nothing is ever evicted or
// resized. An updating mode is refused for any resource that a HorizontalPodAutoscaler
// in HPAs scales the same workload on by utilization, because the two would fight:
// the VPA raises requests, utilization falls, the HPA removes pods, and round again.
type VPA struct {
	// Name is the VerticalPodAutoscaler's name, e.g. "batch-processor-vpa".
	Name string
	// Namespace is where the VPA and its target live.
	Namespace string
	// Labels are added to the VPA's metadata.
	Labels map[string]string

	// TargetKind is the kind of the controller whose pods are sized: Deployment
	// (the default), StatefulSet, DaemonSet, ReplicaSet, Job or CronJob.
	TargetKind string
	// TargetName names the controller.
	TargetName string

	// Mode is when recommendations are applied; empty means UpdateModeOff.
	Mode UpdateMode
	// MinReplicas, when positive, is how many replicas must stay alive before the
	// updater may evict a pod (updating modes only).
	MinReplicas int32
	// Containers are per-container policies; empty means every container, cpu and
	// memory, without bounds.
	Containers []VPAContainer

	// HPAs are the HorizontalPodAutoscalers of the namespace; those that target the
	// same workload are checked for conflicts with an updating mode.
	HPAs []*autoscalingv2.HorizontalPodAutoscaler
}

// VPAContainer is the policy for one container (or "*" for all others).
type VPAContainer struct {
	// Name is the container's name, or "*".
	Name string
	// Off excludes the container from the VPA entirely.
	Off bool
	// MinAllowed and MaxAllowed bound the recommendation (cpu, memory).
	MinAllowed, MaxAllowed corev1.ResourceList
	// ControlledResources are the resources recommended; empty means cpu and memory.
	ControlledResources []corev1.ResourceName
	// RequestsOnly makes the VPA set requests only and leave limits as they are.
	RequestsOnly bool
}

var vpaTargetKinds = []string{"CronJob", "DaemonSet", "Deployment", "Job", "ReplicaSet", "StatefulSet"}

var vpaModes = []string{string(UpdateModeOff), string(UpdateModeInitial), string(UpdateModeRecreate), string(UpdateModeInPlaceOrRecreate)}

// Validate reports every problem with the spec, each with its field path.
func (v VPA) Validate() field.ErrorList {
	_, errs := v.build()
	return errs
}

// Build validates the spec and returns the VerticalPodAutoscaler, or an error listing
// every problem.
func (v VPA) Build() (*VerticalPodAutoscaler, error) {
	vpa, errs := v.build()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return vpa, nil
}

// controlled returns the resources the VPA would change, sorted.
func (v VPA) controlled() []corev1.ResourceName {
	set := map[corev1.ResourceName]bool{}
	wildcard := false
	for _, c := range v.Containers {
		if c.Name == "*" {
			wildcard = true
		}
		if c.Off {
			continue
		}
		if len(c.ControlledResources) == 0 {
			set[corev1.ResourceCPU], set[corev1.ResourceMemory] = true, true
		}
		for _, r := range c.ControlledResources {
			set[r] = true
		}
	}
	if !wildcard { // containers without a policy get cpu and memory
		set[corev1.ResourceCPU], set[corev1.ResourceMemory] = true, true
	}
	out := make([]corev1.ResourceName, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (v VPA) build() (*VerticalPodAutoscaler, field.ErrorList) {
	var errs field.ErrorList
	errs = append(errs, names.Subdomain(v.Name, field.NewPath("name"))...)
	errs = append(errs, names.Label(v.Namespace, field.NewPath("namespace"))...)
	errs = append(errs, validateLabels(v.Labels, field.NewPath("labels"))...)
	kind := v.TargetKind
	if kind == "" {
		kind = KindDeployment
	}
	if !contains(vpaTargetKinds, kind) {
		errs = append(errs, field.NotSupported(field.NewPath("targetKind"), v.TargetKind, vpaTargetKinds))
	}
	errs = append(errs, names.Subdomain(v.TargetName, field.NewPath("targetName"))...)

	mode := v.Mode
	if mode == "" {
		mode = UpdateModeOff
	}
	switch {
	case mode == "Auto":
		errs = append(errs, field.Invalid(field.NewPath("mode"), string(v.Mode), "Auto is deprecated (an alias of Recreate); name the mode you mean: "+quoteList(vpaModes)))
	case !contains(vpaModes, string(mode)):
		errs = append(errs, field.NotSupported(field.NewPath("mode"), string(v.Mode), vpaModes))
	}
	if v.MinReplicas < 0 {
		errs = append(errs, field.Invalid(field.NewPath("minReplicas"), v.MinReplicas, "must be positive, or 0 for the updater's default"))
	} else if v.MinReplicas > 0 && mode == UpdateModeOff {
		errs = append(errs, field.Forbidden(field.NewPath("minReplicas"), "only meaningful in an updating mode; mode Off never evicts"))
	}

	var policies []ContainerResourcePolicy
	seen := map[string]int{}
	for i, c := range v.Containers {
		p := field.NewPath("containers").Index(i)
		if c.Name != "*" {
			errs = append(errs, validateContainerName(c.Name, p.Child("name"))...)
		}
		if j, dup := seen[c.Name]; dup {
			errs = append(errs, field.Duplicate(p.Child("name"), fmt.Sprintf("%s (also containers[%d])", c.Name, j)))
		}
		seen[c.Name] = i
		errs = append(errs, validateResourceList(c.MinAllowed, p.Child("minAllowed"))...)
		errs = append(errs, validateResourceList(c.MaxAllowed, p.Child("maxAllowed"))...)
		for r, minQ := range c.MinAllowed {
			if maxQ, ok := c.MaxAllowed[r]; ok && minQ.Cmp(maxQ) > 0 {
				errs = append(errs, field.Invalid(p.Child("minAllowed").Key(string(r)), minQ.String(), "must not exceed maxAllowed "+maxQ.String()))
			}
		}
		var controlled *[]corev1.ResourceName
		if len(c.ControlledResources) > 0 {
			rs := make([]corev1.ResourceName, len(c.ControlledResources))
			for k, r := range c.ControlledResources {
				if r != corev1.ResourceCPU && r != corev1.ResourceMemory {
					errs = append(errs, field.NotSupported(p.Child("controlledResources").Index(k), string(r), []string{"cpu", "memory"}))
				}
				rs[k] = r
			}
			controlled = &rs
		}
		pol := ContainerResourcePolicy{
			ContainerName:       c.Name,
			MinAllowed:          c.MinAllowed.DeepCopy(),
			MaxAllowed:          c.MaxAllowed.DeepCopy(),
			ControlledResources: controlled,
		}
		if len(pol.MinAllowed) == 0 {
			pol.MinAllowed = nil
		}
		if len(pol.MaxAllowed) == 0 {
			pol.MaxAllowed = nil
		}
		if c.Off {
			off := ContainerScalingModeOff
			pol.Mode = &off
		}
		if c.RequestsOnly {
			ro := ContainerControlledValuesRequestsOnly
			pol.ControlledValues = &ro
		}
		policies = append(policies, pol)
	}

	if mode != UpdateModeOff {
		controlled := v.controlled()
		for i, h := range v.HPAs {
			if h == nil || h.Namespace != v.Namespace || h.Spec.ScaleTargetRef.Kind != kind || h.Spec.ScaleTargetRef.Name != v.TargetName {
				continue
			}
			for j, m := range h.Spec.Metrics {
				var r corev1.ResourceName
				switch {
				case m.Resource != nil && m.Resource.Target.Type == autoscalingv2.UtilizationMetricType:
					r = m.Resource.Name
				case m.ContainerResource != nil && m.ContainerResource.Target.Type == autoscalingv2.UtilizationMetricType:
					r = m.ContainerResource.Name
				default:
					continue
				}
				for _, c := range controlled {
					if c == r {
						errs = append(errs, field.Forbidden(field.NewPath("hpas").Index(i).Child("spec", "metrics").Index(j),
							fmt.Sprintf("HorizontalPodAutoscaler %s scales %s/%s on %s utilization, which this VPA would change in mode %s: they fight; use mode Off or leave %s out of controlledResources",
								h.Name, kind, v.TargetName, r, mode, r)))
					}
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}

	spec := VerticalPodAutoscalerSpec{
		TargetRef:    &autoscalingv1.CrossVersionObjectReference{APIVersion: apiVersionFor(kind), Kind: kind, Name: v.TargetName},
		UpdatePolicy: &PodUpdatePolicy{UpdateMode: &mode},
	}
	if v.MinReplicas > 0 {
		mr := v.MinReplicas
		spec.UpdatePolicy.MinReplicas = &mr
	}
	if len(policies) > 0 {
		spec.ResourcePolicy = &PodResourcePolicy{ContainerPolicies: policies}
	}
	return &VerticalPodAutoscaler{
		TypeMeta: metav1.TypeMeta{APIVersion: VPAAPIVersion, Kind: VPAKind},
		ObjectMeta: metav1.ObjectMeta{
			Name:      v.Name,
			Namespace: v.Namespace,
			Labels:    mergeLabels(nil, v.Labels),
		},
		Spec: spec,
	}, nil
}

func apiVersionFor(kind string) string {
	switch kind {
	case "Job", "CronJob":
		return "batch/v1"
	}
	return "apps/v1"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func validateContainerName(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, `must name a container, or "*" for all others`)}
	}
	return names.LabelFormat(name, p)
}

// validateResourceList accepts cpu and memory with non-negative quantities.
func validateResourceList(rl corev1.ResourceList, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	keys := make([]string, 0, len(rl))
	for r := range rl {
		keys = append(keys, string(r))
	}
	sort.Strings(keys)
	for _, k := range keys {
		q := rl[corev1.ResourceName(k)]
		if k != string(corev1.ResourceCPU) && k != string(corev1.ResourceMemory) {
			errs = append(errs, field.NotSupported(p.Key(k), k, []string{"cpu", "memory"}))
			continue
		}
		if q.Sign() < 0 {
			errs = append(errs, field.Invalid(p.Key(k), q.String(), "must not be negative"))
		}
	}
	return errs
}
