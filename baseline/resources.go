package baseline

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Compute names a quantity of each compute resource prodkube manages.
// Values are Kubernetes quantities ("500m", "256Mi"); empty means unset.
type Compute struct {
	// CPU in cores, "500m" or "2".
	CPU string
	// Memory in bytes, "256Mi".
	Memory string
	// EphemeralStorage is local scratch space (emptyDir, logs, writable
	// layers), "1Gi".
	EphemeralStorage string
}

// computeNames are the resources of Compute in a fixed order.
var computeNames = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage}

func (c Compute) get(name corev1.ResourceName) string {
	switch name {
	case corev1.ResourceCPU:
		return c.CPU
	case corev1.ResourceMemory:
		return c.Memory
	default:
		return c.EphemeralStorage
	}
}

// parse validates every set quantity (non-negative) and returns them as a
// ResourceList. Each error's path is p.Child(<resource name>).
func (c Compute) parse(p *field.Path) (corev1.ResourceList, field.ErrorList) {
	var errs field.ErrorList
	var out corev1.ResourceList
	for _, n := range computeNames {
		s := c.get(n)
		if s == "" {
			continue
		}
		q, err := parseQuantity(s, p.Child(string(n)))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if out == nil {
			out = corev1.ResourceList{}
		}
		out[n] = q
	}
	return out, errs
}

// parseEach validates every set quantity (non-negative) and returns them in
// the order of computeNames, with ok telling which are set and valid. Each
// error's path is the path given by the segments, then the resource name;
// it is built only for a problem found.
func (c Compute) parseEach(path ...string) (q [3]resource.Quantity, ok [3]bool, errs field.ErrorList) {
	for i, n := range computeNames {
		s := c.get(n)
		if s == "" {
			continue
		}
		v, err := resource.ParseQuantity(s)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(computePath(path, n), s, "must be a quantity such as 500m, 2, 256Mi or 1Gi"))
		case v.Sign() < 0:
			errs = append(errs, field.Invalid(computePath(path, n), s, "must not be negative"))
		default:
			q[i], ok[i] = v, true
		}
	}
	return q, ok, errs
}

func computePath(path []string, n corev1.ResourceName) *field.Path {
	return field.NewPath(path[0], path[1:]...).Child(string(n))
}

// parseQuantity parses a non-negative quantity.
func parseQuantity(s string, p *field.Path) (resource.Quantity, *field.Error) {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return q, field.Invalid(p, s, "must be a quantity such as 500m, 2, 256Mi or 1Gi")
	}
	if q.Sign() < 0 {
		return q, field.Invalid(p, s, "must not be negative")
	}
	return q, nil
}

// ResourcePolicy says what CheckResources requires of every container.
type ResourcePolicy struct {
	// NoCPULimit drops the CPU limit requirement. CPU limits are required by
	// default so that one container cannot starve its neighbours; teams that
	// prefer to avoid CFS throttling may drop them, relying on requests for
	// fair sharing. Memory limits are always required: memory cannot be
	// throttled, only reclaimed by killing.
	NoCPULimit bool
}

// CheckResources reports every container and init container of spec that
// lacks a cpu, memory or ephemeral-storage request or limit, or whose request
// exceeds its limit. Paths are relative to the pod spec, such as
// containers[0].resources.limits[memory].
func CheckResources(spec *corev1.PodSpec) field.ErrorList {
	return ResourcePolicy{}.Check(spec)
}

// Check is CheckResources under the policy.
func (p ResourcePolicy) Check(spec *corev1.PodSpec) field.ErrorList {
	if spec == nil {
		return field.ErrorList{field.Required(nil, "a pod spec")}
	}
	var errs field.ErrorList
	// Paths are built only for the problems found.
	check := func(list string, i int, c *corev1.Container) {
		rp := func(kind string, n corev1.ResourceName) *field.Path {
			return field.NewPath(list).Index(i).Child("resources").Child(kind).Key(string(n))
		}
		for _, n := range computeNames {
			req, hasReq := c.Resources.Requests[n]
			lim, hasLim := c.Resources.Limits[n]
			if !hasReq || req.IsZero() {
				errs = append(errs, field.Required(rp("requests", n), fmt.Sprintf("every container requests %s so the scheduler can place it", n)))
			}
			needLim := !(n == corev1.ResourceCPU && p.NoCPULimit)
			if needLim && (!hasLim || lim.IsZero()) {
				errs = append(errs, field.Required(rp("limits", n), fmt.Sprintf("every container limits %s", n)))
			}
			if hasReq && hasLim && req.Cmp(lim) > 0 {
				errs = append(errs, field.Invalid(rp("requests", n), req.String(), fmt.Sprintf("must not exceed the limit %s", lim.String())))
			}
		}
	}
	for i := range spec.InitContainers {
		check("initContainers", i, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		check("containers", i, &spec.Containers[i])
	}
	return errs
}
