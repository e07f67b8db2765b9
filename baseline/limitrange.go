package baseline

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// LimitRange gives containers that declare no resources sane ones, and
// bounds what any container may ask for, in one namespace.
//
// DefaultRequest and Default (the default limit) are required for memory
// and, unless NoCPULimit is set, for CPU; for each resource
// Min ≤ DefaultRequest ≤ Default ≤ Max.
type LimitRange struct {
	// Name of the LimitRange; default "<namespace>-limits".
	Name string
	// Namespace it applies to (a DNS-1123 label). Required.
	Namespace string
	// DefaultRequest is the request a container gets when it sets none.
	DefaultRequest Compute
	// Default is the limit a container gets when it sets none.
	Default Compute
	// Min is the smallest request a container may make.
	Min Compute
	// Max is the largest limit a container may set. Setting it for a
	// resource makes a limit of that resource mandatory.
	Max Compute
	// MaxLimitRequestRatio bounds limit/request per container ("4" allows a
	// limit of at most four times the request).
	MaxLimitRequestRatio Compute
	// NoCPULimit drops the default CPU limit (and forbids Default.CPU,
	// Max.CPU and MaxLimitRequestRatio.CPU, which would force one), for
	// teams that avoid CFS throttling. Memory limits stay mandatory.
	NoCPULimit bool
	// Labels are added to the object.
	Labels map[string]string
}

func (l LimitRange) name() string {
	if l.Name == "" {
		return l.Namespace + "-limits"
	}
	return l.Name
}

// Validate reports every problem of the spec.
func (l LimitRange) Validate() field.ErrorList {
	_, errs := l.item()
	return errs
}

func (l LimitRange) item() (corev1.LimitRangeItem, field.ErrorList) {
	errs := validateNamespaced(l.Name, l.Namespace)
	errs = append(errs, validateLabels(l.Labels, "labels")...)
	item := corev1.LimitRangeItem{Type: corev1.LimitTypeContainer}
	var e field.ErrorList
	item.DefaultRequest, e = l.DefaultRequest.parse(field.NewPath("defaultRequest"))
	errs = append(errs, e...)
	item.Default, e = l.Default.parse(field.NewPath("default"))
	errs = append(errs, e...)
	item.Min, e = l.Min.parse(field.NewPath("min"))
	errs = append(errs, e...)
	item.Max, e = l.Max.parse(field.NewPath("max"))
	errs = append(errs, e...)
	item.MaxLimitRequestRatio, e = l.MaxLimitRequestRatio.parse(field.NewPath("maxLimitRequestRatio"))
	errs = append(errs, e...)

	for _, n := range computeNames {
		key := string(n)
		if n == corev1.ResourceCPU && l.NoCPULimit {
			for _, f := range []struct {
				name string
				c    Compute
			}{{"default", l.Default}, {"max", l.Max}, {"maxLimitRequestRatio", l.MaxLimitRequestRatio}} {
				if f.c.CPU != "" {
					errs = append(errs, field.Forbidden(field.NewPath(f.name, key), "would force a CPU limit on every container, which NoCPULimit turns off"))
				}
			}
		}
		if n != corev1.ResourceEphemeralStorage {
			if l.DefaultRequest.get(n) == "" {
				errs = append(errs, field.Required(field.NewPath("defaultRequest", key), "containers without a "+key+" request get this one"))
			}
			if l.Default.get(n) == "" && !(n == corev1.ResourceCPU && l.NoCPULimit) {
				errs = append(errs, field.Required(field.NewPath("default", key), "containers without a "+key+" limit get this one"))
			}
		}
		mn, hasMin := item.Min[n]
		mx, hasMax := item.Max[n]
		dr, hasDR := item.DefaultRequest[n]
		df, hasDF := item.Default[n]
		ratio, hasRatio := item.MaxLimitRequestRatio[n]
		if hasMin && hasMax && mn.Cmp(mx) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("min", key), l.Min.get(n), fmt.Sprintf("must not exceed max %s", l.Max.get(n))))
		}
		if hasDR && hasMin && mn.Cmp(dr) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("defaultRequest", key), l.DefaultRequest.get(n), fmt.Sprintf("must be at least min %s", l.Min.get(n))))
		}
		if hasDR && hasDF && dr.Cmp(df) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("defaultRequest", key), l.DefaultRequest.get(n), fmt.Sprintf("must not exceed the default limit %s", l.Default.get(n))))
		}
		if hasDR && hasMax && dr.Cmp(mx) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("defaultRequest", key), l.DefaultRequest.get(n), fmt.Sprintf("must not exceed max %s", l.Max.get(n))))
		}
		if hasDF && hasMin && mn.Cmp(df) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("default", key), l.Default.get(n), fmt.Sprintf("must be at least min %s", l.Min.get(n))))
		}
		if hasDF && hasMax && df.Cmp(mx) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("default", key), l.Default.get(n), fmt.Sprintf("must not exceed max %s", l.Max.get(n))))
		}
		if hasRatio {
			if ratio.Cmp(resource.MustParse("1")) < 0 {
				errs = append(errs, field.Invalid(field.NewPath("maxLimitRequestRatio", key), l.MaxLimitRequestRatio.get(n), "must be at least 1"))
			} else if hasMin && hasMax && mn.Sign() > 0 && ratio.AsApproximateFloat64() > mx.AsApproximateFloat64()/mn.AsApproximateFloat64() {
				errs = append(errs, field.Invalid(field.NewPath("maxLimitRequestRatio", key), l.MaxLimitRequestRatio.get(n), "must not exceed max/min"))
			} else if hasDR && hasDF && dr.Sign() > 0 && df.AsApproximateFloat64() > ratio.AsApproximateFloat64()*dr.AsApproximateFloat64() {
				errs = append(errs, field.Invalid(field.NewPath("maxLimitRequestRatio", key), l.MaxLimitRequestRatio.get(n), fmt.Sprintf("the defaults themselves exceed it (default %s / defaultRequest %s)", l.Default.get(n), l.DefaultRequest.get(n))))
			}
		}
	}
	return item, errs
}

// Build validates the spec and returns the LimitRange.
func (l LimitRange) Build() (*corev1.LimitRange, error) {
	item, errs := l.item()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &corev1.LimitRange{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "LimitRange"},
		ObjectMeta: metav1.ObjectMeta{Name: l.name(), Namespace: l.Namespace, Labels: copyMap(l.Labels)},
		Spec:       corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item}},
	}, nil
}
