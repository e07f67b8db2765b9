package baseline

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Fit checks whether pods would be admitted into a namespace guarded by a
// ResourceQuota and a LimitRange, the way the API server's LimitRanger and
// ResourceQuota admission plugins decide: LimitRange defaults are applied
// first, then every container is held to min, max and maxLimitRequestRatio,
// then the pods' total is compared with the quota's hard limits (in an
// otherwise empty namespace).
type Fit struct {
	// Quota is the namespace's ResourceQuota; nil means none.
	Quota *corev1.ResourceQuota
	// LimitRange is the namespace's LimitRange; nil means none.
	LimitRange *corev1.LimitRange
	// Pods is how many pods of the spec run at once (replicas plus rolling
	// update surge); 0 means 1.
	Pods int32
}

// Check reports why pods of spec would be refused; an empty list means they
// fit. Container paths are relative to the pod spec
// (containers[0].resources.limits[cpu]); quota paths are
// quota.hard[requests.cpu].
func (f Fit) Check(spec *corev1.PodSpec) field.ErrorList {
	if spec == nil {
		return field.ErrorList{field.Required(nil, "a pod spec")}
	}
	pods := int64(f.Pods)
	if pods <= 0 {
		pods = 1
	}
	var errs field.ErrorList
	type ctr struct {
		path     *field.Path
		req, lim corev1.ResourceList
		init     bool
		sidecar  bool
	}
	var ctrs []ctr
	add := func(p *field.Path, c corev1.Container, init bool) {
		req := c.Resources.Requests.DeepCopy()
		lim := c.Resources.Limits.DeepCopy()
		if req == nil {
			req = corev1.ResourceList{}
		}
		if lim == nil {
			lim = corev1.ResourceList{}
		}
		// API defaulting: a limit without a request makes the request equal.
		for n, q := range lim {
			if _, ok := req[n]; !ok {
				req[n] = q.DeepCopy()
			}
		}
		sidecar := init && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		ctrs = append(ctrs, ctr{path: p.Child("resources"), req: req, lim: lim, init: init, sidecar: sidecar})
	}
	for i, c := range spec.InitContainers {
		add(field.NewPath("initContainers").Index(i), c, true)
	}
	for i, c := range spec.Containers {
		add(field.NewPath("containers").Index(i), c, false)
	}

	if f.LimitRange != nil {
		for _, item := range f.LimitRange.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer {
				continue
			}
			for _, c := range ctrs {
				for n, q := range item.Default {
					if _, ok := c.lim[n]; !ok {
						c.lim[n] = q.DeepCopy()
					}
				}
				for n, q := range item.DefaultRequest {
					if _, ok := c.req[n]; !ok {
						c.req[n] = q.DeepCopy()
					}
				}
			}
		}
		lr := f.LimitRange.Namespace + "/" + f.LimitRange.Name
		for _, item := range f.LimitRange.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer {
				continue
			}
			for _, c := range ctrs {
				for _, n := range sortedResourceNames(item.Min) {
					mn := item.Min[n]
					if r, ok := c.req[n]; !ok {
						errs = append(errs, field.Required(c.path.Child("requests").Key(string(n)), fmt.Sprintf("LimitRange %s sets a minimum %s, so a request is required", lr, n)))
					} else if r.Cmp(mn) < 0 {
						errs = append(errs, field.Invalid(c.path.Child("requests").Key(string(n)), r.String(), fmt.Sprintf("below the minimum %s of LimitRange %s", mn.String(), lr)))
					}
				}
				for _, n := range sortedResourceNames(item.Max) {
					mx := item.Max[n]
					if l, ok := c.lim[n]; !ok {
						errs = append(errs, field.Required(c.path.Child("limits").Key(string(n)), fmt.Sprintf("LimitRange %s sets a maximum %s, so a limit is required", lr, n)))
					} else if l.Cmp(mx) > 0 {
						errs = append(errs, field.Invalid(c.path.Child("limits").Key(string(n)), l.String(), fmt.Sprintf("above the maximum %s of LimitRange %s", mx.String(), lr)))
					}
				}
				for _, n := range sortedResourceNames(item.MaxLimitRequestRatio) {
					ratio := item.MaxLimitRequestRatio[n]
					r, okR := c.req[n]
					l, okL := c.lim[n]
					switch {
					case !okL:
						errs = append(errs, field.Required(c.path.Child("limits").Key(string(n)), fmt.Sprintf("LimitRange %s bounds the %s limit/request ratio, so a limit is required", lr, n)))
					case !okR || r.IsZero():
						errs = append(errs, field.Required(c.path.Child("requests").Key(string(n)), fmt.Sprintf("LimitRange %s bounds the %s limit/request ratio, so a non-zero request is required", lr, n)))
					case l.AsApproximateFloat64()/r.AsApproximateFloat64() > ratio.AsApproximateFloat64():
						errs = append(errs, field.Invalid(c.path.Child("limits").Key(string(n)), l.String(), fmt.Sprintf("limit/request %s/%s exceeds the ratio %s of LimitRange %s", l.String(), r.String(), ratio.String(), lr)))
					}
				}
			}
		}
	}

	if f.Quota != nil {
		q := f.Quota.Namespace + "/" + f.Quota.Name
		usage := func(get func(ctr) corev1.ResourceList, n corev1.ResourceName) (resource.Quantity, bool) {
			var sum, sidecars, initMax resource.Quantity
			complete := true
			for _, c := range ctrs {
				v, ok := get(c)[n]
				if !ok {
					complete = false
					continue
				}
				switch {
				case !c.init:
					sum.Add(v)
				case c.sidecar:
					sidecars.Add(v)
				default:
					// a regular init container runs beside the sidecars
					// started before it; approximated by all sidecars.
					t := v.DeepCopy()
					t.Add(sidecars)
					if t.Cmp(initMax) > 0 {
						initMax = t
					}
				}
			}
			sum.Add(sidecars)
			if initMax.Cmp(sum) > 0 {
				sum = initMax
			}
			if o, ok := spec.Overhead[n]; ok {
				sum.Add(o)
			}
			return sum, complete
		}
		hardKeys := sortedResourceNames(f.Quota.Spec.Hard)
		for _, key := range hardKeys {
			hard := f.Quota.Spec.Hard[key]
			hp := field.NewPath("quota", "hard").Key(string(key))
			var n corev1.ResourceName
			var get func(ctr) corev1.ResourceList
			side := "requests"
			switch key {
			case corev1.ResourcePods, "count/pods":
				if pods > hard.Value() {
					errs = append(errs, field.Invalid(hp, pods, fmt.Sprintf("%d pods exceed the %s cap %s of quota %s", pods, key, hard.String(), q)))
				}
				continue
			case corev1.ResourceRequestsCPU, corev1.ResourceCPU:
				n, get = corev1.ResourceCPU, func(c ctr) corev1.ResourceList { return c.req }
			case corev1.ResourceRequestsMemory, corev1.ResourceMemory:
				n, get = corev1.ResourceMemory, func(c ctr) corev1.ResourceList { return c.req }
			case corev1.ResourceRequestsEphemeralStorage, corev1.ResourceEphemeralStorage:
				n, get = corev1.ResourceEphemeralStorage, func(c ctr) corev1.ResourceList { return c.req }
			case corev1.ResourceLimitsCPU:
				n, get, side = corev1.ResourceCPU, func(c ctr) corev1.ResourceList { return c.lim }, "limits"
			case corev1.ResourceLimitsMemory:
				n, get, side = corev1.ResourceMemory, func(c ctr) corev1.ResourceList { return c.lim }, "limits"
			case corev1.ResourceLimitsEphemeralStorage:
				n, get, side = corev1.ResourceEphemeralStorage, func(c ctr) corev1.ResourceList { return c.lim }, "limits"
			default:
				continue
			}
			total, complete := usage(get, n)
			if !complete {
				for _, c := range ctrs {
					if _, ok := get(c)[n]; !ok {
						errs = append(errs, field.Required(c.path.Child(side).Key(string(n)), fmt.Sprintf("quota %s caps %s, so every container must set it", q, key)))
					}
				}
				continue
			}
			perPod := total.DeepCopy()
			total.Mul(pods)
			if total.Cmp(hard) > 0 {
				errs = append(errs, field.Invalid(hp, total.String(), fmt.Sprintf("%d pod(s) × %s = %s exceed the %s cap %s of quota %s", pods, perPod.String(), total.String(), key, hard.String(), q)))
			}
		}
	}
	return errs
}

func sortedResourceNames(l corev1.ResourceList) []corev1.ResourceName {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	out := make([]corev1.ResourceName, len(keys))
	for i, k := range keys {
		out[i] = corev1.ResourceName(k)
	}
	return out
}
