package scaling

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// Kinds of workloads a HorizontalPodAutoscaler built here may target.
const (
	KindDeployment  = "Deployment"
	KindStatefulSet = "StatefulSet"
)

// Defaults applied to HPA fields left at their zero value.
const (
	// DefaultMinReplicas keeps at least two pods so one disruption never takes the
	// service down.
	DefaultMinReplicas int32 = 2
	// DefaultScaleDownStabilizationSeconds is the window over which the HPA takes the
	// highest recommendation before scaling down, to avoid flapping.
	DefaultScaleDownStabilizationSeconds int32 = 300
	// maxStabilizationSeconds is the API server's bound for a stabilization window.
	maxStabilizationSeconds int32 = 3600
	// maxPolicyPeriodSeconds is the API server's bound for a scaling policy period.
	maxPolicyPeriodSeconds int32 = 1800
)

// HPA is the intent for one autoscaling/v2 HorizontalPodAutoscaler.
//
// The zero value of every optional field is the production default: at least two
// replicas, fast scale-up (double or add four pods every 15 s, whichever is more) and a
// 300 s stabilization window before scaling down.
type HPA struct {
	// Name is the HorizontalPodAutoscaler's name, e.g. "web-app-hpa".
	Name string
	// Namespace is where the HPA and its target live.
	Namespace string
	// Labels are added to the HPA's metadata.
	Labels map[string]string

	// TargetKind is KindDeployment (the default when empty and Workload is nil) or
	// KindStatefulSet.
	TargetKind string
	// TargetName names the workload to scale. When empty it is taken from Workload.
	TargetName string
	// Workload, when set, is the *appsv1.Deployment or *appsv1.StatefulSet the HPA
	// scales. Build cross-checks it: it must match the target, must leave
	// spec.replicas unset (the HPA owns the replica count) and every container must
	// request each resource used as a utilization metric, or the HPA cannot compute
	// utilization at all.
	Workload metav1.Object

	// MinReplicas is the lower bound; 0 means DefaultMinReplicas. Values below 2 are
	// refused unless AllowSingleReplica is set.
	MinReplicas int32
	// AllowSingleReplica permits MinReplicas = 1, giving up availability during a
	// disruption (unsafe for production services; named so it is never silent).
	AllowSingleReplica bool
	// MaxReplicas is the upper bound; required and at least MinReplicas.
	MaxReplicas int32

	// CPUUtilization is the target average CPU utilization in percent of the
	// pods' requests (e.g. 75); 0 means no CPU metric.
	CPUUtilization int32
	// MemoryUtilization is the target average memory utilization in percent of the
	// pods' requests (e.g. 80); 0 means no memory metric.
	MemoryUtilization int32
	// Metrics are further metrics (Pods, Object, External, ContainerResource or
	// Resource) appended after the CPU and memory targets.
	Metrics []autoscalingv2.MetricSpec

	// ScaleUp overrides the scale-up rules; nil means fast scale-up.
	ScaleUp *ScalingRules
	// ScaleDown overrides the scale-down rules; nil means the 300 s window and at
	// most 100 % of the pods every 15 s.
	ScaleDown *ScalingRules
}

// ScalingRules are the behavior for one direction of scaling.
type ScalingRules struct {
	// StabilizationWindowSeconds is 0–3600; nil means the direction's default
	// (0 for scale-up, DefaultScaleDownStabilizationSeconds for scale-down).
	StabilizationWindowSeconds *int32
	// SelectPolicy is Max (the default), Min or Disabled.
	SelectPolicy autoscalingv2.ScalingPolicySelect
	// Policies limit the rate of change; empty means the direction's default.
	Policies []autoscalingv2.HPAScalingPolicy
}

// Validate reports every problem with the spec, each with its field path.
func (h HPA) Validate() field.ErrorList {
	_, errs := h.build()
	return errs
}

// Build validates the spec and returns the HorizontalPodAutoscaler, or an error
// listing every problem.
func (h HPA) Build() (*autoscalingv2.HorizontalPodAutoscaler, error) {
	hpa, errs := h.build()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return hpa, nil
}

// utilizationResources appends to buf the resources the HPA scales on by
// utilization.
func (h HPA) utilizationResources(buf []corev1.ResourceName) []corev1.ResourceName {
	out := buf[:0]
	if h.CPUUtilization != 0 {
		out = append(out, corev1.ResourceCPU)
	}
	if h.MemoryUtilization != 0 {
		out = append(out, corev1.ResourceMemory)
	}
	for _, m := range h.Metrics {
		if m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil &&
			m.Resource.Target.Type == autoscalingv2.UtilizationMetricType {
			out = appendResource(out, m.Resource.Name)
		}
	}
	return out
}

func appendResource(list []corev1.ResourceName, r corev1.ResourceName) []corev1.ResourceName {
	for _, x := range list {
		if x == r {
			return list
		}
	}
	return append(list, r)
}

// hpaBlock holds an HPA and what its pointer fields refer to when they come
// from this package (defaults and utilization targets), so that they take
// one allocation. Nothing in it is shared with another object.
type hpaBlock struct {
	hpa            autoscalingv2.HorizontalPodAutoscaler
	minReplicas    int32
	behavior       autoscalingv2.HorizontalPodAutoscalerBehavior
	up, down       rulesBlock
	cpu, memory    resourceMetricBlock
	defaultMetrics [2]autoscalingv2.MetricSpec
}

// rulesBlock holds default scaling rules and the values they point to.
type rulesBlock struct {
	rules    autoscalingv2.HPAScalingRules
	window   int32
	selects  autoscalingv2.ScalingPolicySelect
	policies [2]autoscalingv2.HPAScalingPolicy
}

// resourceMetricBlock holds a resource metric source and its target value.
type resourceMetricBlock struct {
	source autoscalingv2.ResourceMetricSource
	pct    int32
}

func (h HPA) build() (*autoscalingv2.HorizontalPodAutoscaler, field.ErrorList) {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(h.Name) {
		errs = append(errs, names.Subdomain(h.Name, field.NewPath("name"))...)
	}
	if !names.ValidDNS1123Label(h.Namespace) {
		errs = append(errs, names.Label(h.Namespace, field.NewPath("namespace"))...)
	}
	errs = append(errs, checkLabels(h.Labels, "labels")...)

	kind, name := h.TargetKind, h.TargetName
	var podSpec *corev1.PodSpec
	if h.Workload != nil {
		wkind, wreplicas, spec, ok := workloadInfo(h.Workload)
		switch {
		case !ok:
			errs = append(errs, field.TypeInvalid(field.NewPath("workload"), fmt.Sprintf("%T", h.Workload), "must be a non-nil *appsv1.Deployment or *appsv1.StatefulSet"))
		default:
			if kind == "" {
				kind = wkind
			}
			if name == "" {
				name = h.Workload.GetName()
			}
			if kind != wkind {
				errs = append(errs, field.Invalid(field.NewPath("targetKind"), h.TargetKind, "must match the workload's kind "+wkind))
			}
			if name != h.Workload.GetName() {
				errs = append(errs, field.Invalid(field.NewPath("targetName"), h.TargetName, "must match the workload's name "+h.Workload.GetName()))
			}
			if ns := h.Workload.GetNamespace(); ns != h.Namespace {
				errs = append(errs, field.Invalid(field.NewPath("workload", "metadata", "namespace"), ns, "must be the HPA's namespace "+h.Namespace+" (an HPA scales only workloads in its own namespace)"))
			}
			if wreplicas != nil {
				errs = append(errs, field.Forbidden(field.NewPath("workload", "spec", "replicas"), "must be unset: the HorizontalPodAutoscaler owns the replica count, and a fixed value would fight it on every apply"))
			}
			podSpec = spec
		}
	}
	if kind == "" {
		kind = KindDeployment
	}
	if kind != KindDeployment && kind != KindStatefulSet {
		errs = append(errs, field.NotSupported(field.NewPath("targetKind"), h.TargetKind, []string{KindDeployment, KindStatefulSet}))
	}
	if !names.ValidDNS1123Subdomain(name) {
		errs = append(errs, names.Subdomain(name, field.NewPath("targetName"))...)
	}

	b := &hpaBlock{}
	minR := h.MinReplicas
	if minR == 0 {
		minR = DefaultMinReplicas
	}
	switch {
	case minR < 0:
		errs = append(errs, field.Invalid(field.NewPath("minReplicas"), h.MinReplicas, "must be at least 2 (or 1 with allowSingleReplica)"))
	case minR == 1 && !h.AllowSingleReplica:
		errs = append(errs, field.Invalid(field.NewPath("minReplicas"), h.MinReplicas, "must be at least 2 so one disruption cannot take the service down; set allowSingleReplica to accept the risk"))
	}
	if h.MaxReplicas <= 0 {
		errs = append(errs, field.Required(field.NewPath("maxReplicas"), "must be a positive upper bound, at least minReplicas"))
	} else if h.MaxReplicas < minR {
		errs = append(errs, field.Invalid(field.NewPath("maxReplicas"), h.MaxReplicas, fmt.Sprintf("must be at least minReplicas (%d)", minR)))
	}

	var metrics []autoscalingv2.MetricSpec
	if n := len(h.Metrics); n > 0 {
		metrics = make([]autoscalingv2.MetricSpec, 0, n+2)
	} else {
		metrics = b.defaultMetrics[:0]
	}
	if h.CPUUtilization != 0 {
		if h.CPUUtilization < 1 || h.CPUUtilization > 100 {
			errs = append(errs, field.Invalid(field.NewPath("cpuUtilization"), h.CPUUtilization, "must be a percentage of the requests between 1 and 100, e.g. 75"))
		}
		metrics = append(metrics, b.cpu.metric(corev1.ResourceCPU, h.CPUUtilization))
	}
	if h.MemoryUtilization != 0 {
		if h.MemoryUtilization < 1 || h.MemoryUtilization > 100 {
			errs = append(errs, field.Invalid(field.NewPath("memoryUtilization"), h.MemoryUtilization, "must be a percentage of the requests between 1 and 100, e.g. 80"))
		}
		metrics = append(metrics, b.memory.metric(corev1.ResourceMemory, h.MemoryUtilization))
	}
	for i := range h.Metrics {
		errs = append(errs, validateMetric(h.Metrics[i], field.NewPath("metrics").Index(i))...)
		metrics = append(metrics, *h.Metrics[i].DeepCopy())
	}
	if len(metrics) == 0 {
		errs = append(errs, field.Required(field.NewPath("cpuUtilization"), "at least one metric is required: cpuUtilization, memoryUtilization or metrics"))
		metrics = nil
	} else if len(h.Metrics) == 0 {
		metrics = metrics[:len(metrics):len(metrics)]
	}

	up, upErrs := h.ScaleUp.rules("scaleUp", b.up.defaultScaleUp())
	down, downErrs := h.ScaleDown.rules("scaleDown", b.down.defaultScaleDown())
	errs = append(errs, upErrs...)
	errs = append(errs, downErrs...)

	if podSpec != nil {
		var buf [4]corev1.ResourceName
		errs = append(errs, checkRequests(podSpec, h.utilizationResources(buf[:0]))...)
	}
	if len(errs) > 0 {
		return nil, errs
	}

	b.minReplicas = minR
	b.behavior = autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: up, ScaleDown: down}
	b.hpa = autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta: metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      h.Name,
			Namespace: h.Namespace,
			Labels:    mergeLabels(nil, h.Labels),
		},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: kind, Name: name},
			MinReplicas:    &b.minReplicas,
			MaxReplicas:    h.MaxReplicas,
			Metrics:        metrics,
			Behavior:       &b.behavior,
		},
	}
	return &b.hpa, nil
}

// workloadInfo extracts what the cross-check needs from a supported workload.
func workloadInfo(o metav1.Object) (kind string, replicas *int32, spec *corev1.PodSpec, ok bool) {
	switch w := o.(type) {
	case *appsv1.Deployment:
		if w == nil {
			return "", nil, nil, false
		}
		return KindDeployment, w.Spec.Replicas, &w.Spec.Template.Spec, true
	case *appsv1.StatefulSet:
		if w == nil {
			return "", nil, nil, false
		}
		return KindStatefulSet, w.Spec.Replicas, &w.Spec.Template.Spec, true
	}
	return "", nil, nil, false
}

// checkRequests reports every container (and restartable init container, which the
// HPA counts too) that lacks a request for a resource used as a utilization metric.
// Paths, rooted at workload.spec.template.spec, are built only for the problems
// found.
func checkRequests(spec *corev1.PodSpec, resources []corev1.ResourceName) field.ErrorList {
	var errs field.ErrorList
	at := func(list string, i int, r corev1.ResourceName) *field.Path {
		return field.NewPath("workload", "spec", "template", "spec").Child(list).Index(i).Child("resources", "requests").Key(string(r))
	}
	for _, r := range resources {
		for i, c := range spec.InitContainers {
			if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
				continue
			}
			if q, ok := c.Resources.Requests[r]; !ok || q.IsZero() {
				errs = append(errs, field.Required(at("initContainers", i, r),
					fmt.Sprintf("sidecar %q must request %s: the HPA scales on %s utilization, which is usage divided by the pod's requests", c.Name, r, r)))
			}
		}
		for i, c := range spec.Containers {
			if q, ok := c.Resources.Requests[r]; !ok || q.IsZero() {
				errs = append(errs, field.Required(at("containers", i, r),
					fmt.Sprintf("container %q must request %s: the HPA scales on %s utilization, which is usage divided by the pod's requests", c.Name, r, r)))
			}
		}
	}
	return errs
}

// metric returns a resource utilization metric whose source and target are
// held by b.
func (b *resourceMetricBlock) metric(r corev1.ResourceName, pct int32) autoscalingv2.MetricSpec {
	b.pct = pct
	b.source = autoscalingv2.ResourceMetricSource{
		Name:   r,
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &b.pct},
	}
	return autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &b.source}
}

// validateMetric checks one user-supplied metric: exactly the source its type names,
// a metric name, and a target whose value field matches its type.
func validateMetric(m autoscalingv2.MetricSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	set := 0
	for _, s := range []bool{m.Object != nil, m.Pods != nil, m.Resource != nil, m.ContainerResource != nil, m.External != nil} {
		if s {
			set++
		}
	}
	if set != 1 {
		errs = append(errs, field.Invalid(p, string(m.Type), "must set exactly one metric source, the one its type names"))
	}
	switch m.Type {
	case autoscalingv2.ObjectMetricSourceType:
		if m.Object == nil {
			return append(errs, field.Required(p.Child("object"), "required for type Object"))
		}
		if m.Object.DescribedObject.Kind == "" || m.Object.DescribedObject.Name == "" {
			errs = append(errs, field.Required(p.Child("object", "describedObject"), "must name the object's kind and name"))
		}
		errs = append(errs, validateMetricName(m.Object.Metric.Name, p.Child("object", "metric", "name"))...)
		errs = append(errs, validateTarget(m.Object.Target, p.Child("object", "target"), autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.PodsMetricSourceType:
		if m.Pods == nil {
			return append(errs, field.Required(p.Child("pods"), "required for type Pods"))
		}
		errs = append(errs, validateMetricName(m.Pods.Metric.Name, p.Child("pods", "metric", "name"))...)
		errs = append(errs, validateTarget(m.Pods.Target, p.Child("pods", "target"), autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ResourceMetricSourceType:
		if m.Resource == nil {
			return append(errs, field.Required(p.Child("resource"), "required for type Resource"))
		}
		if m.Resource.Name == "" {
			errs = append(errs, field.Required(p.Child("resource", "name"), "must name a resource, e.g. cpu"))
		}
		errs = append(errs, validateTarget(m.Resource.Target, p.Child("resource", "target"), autoscalingv2.UtilizationMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ContainerResourceMetricSourceType:
		if m.ContainerResource == nil {
			return append(errs, field.Required(p.Child("containerResource"), "required for type ContainerResource"))
		}
		if m.ContainerResource.Name == "" {
			errs = append(errs, field.Required(p.Child("containerResource", "name"), "must name a resource, e.g. cpu"))
		}
		errs = append(errs, names.Subdomain(m.ContainerResource.Container, p.Child("containerResource", "container"))...)
		errs = append(errs, validateTarget(m.ContainerResource.Target, p.Child("containerResource", "target"), autoscalingv2.UtilizationMetricType, autoscalingv2.AverageValueMetricType)...)
	case autoscalingv2.ExternalMetricSourceType:
		if m.External == nil {
			return append(errs, field.Required(p.Child("external"), "required for type External"))
		}
		errs = append(errs, validateMetricName(m.External.Metric.Name, p.Child("external", "metric", "name"))...)
		errs = append(errs, validateTarget(m.External.Target, p.Child("external", "target"), autoscalingv2.ValueMetricType, autoscalingv2.AverageValueMetricType)...)
	default:
		errs = append(errs, field.NotSupported(p.Child("type"), string(m.Type), []string{
			string(autoscalingv2.ContainerResourceMetricSourceType), string(autoscalingv2.ExternalMetricSourceType),
			string(autoscalingv2.ObjectMetricSourceType), string(autoscalingv2.PodsMetricSourceType), string(autoscalingv2.ResourceMetricSourceType)}))
	}
	return errs
}

func validateMetricName(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "must name the metric")}
	}
	return nil
}

// validateTarget checks that the target's type is one of allowed and that exactly the
// matching value field is set, with a positive value.
func validateTarget(t autoscalingv2.MetricTarget, p *field.Path, allowed ...autoscalingv2.MetricTargetType) field.ErrorList {
	ok := false
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
		ok = ok || t.Type == a
	}
	if !ok {
		return field.ErrorList{field.NotSupported(p.Child("type"), string(t.Type), names)}
	}
	var errs field.ErrorList
	switch t.Type {
	case autoscalingv2.UtilizationMetricType:
		if t.AverageUtilization == nil || *t.AverageUtilization <= 0 {
			errs = append(errs, field.Required(p.Child("averageUtilization"), "must be a positive percentage for type Utilization"))
		}
		if t.Value != nil || t.AverageValue != nil {
			errs = append(errs, field.Forbidden(p, "only averageUtilization may be set for type Utilization"))
		}
	case autoscalingv2.AverageValueMetricType:
		if t.AverageValue == nil || t.AverageValue.Sign() <= 0 {
			errs = append(errs, field.Required(p.Child("averageValue"), "must be a positive quantity for type AverageValue"))
		}
		if t.Value != nil || t.AverageUtilization != nil {
			errs = append(errs, field.Forbidden(p, "only averageValue may be set for type AverageValue"))
		}
	case autoscalingv2.ValueMetricType:
		if t.Value == nil || t.Value.Sign() <= 0 {
			errs = append(errs, field.Required(p.Child("value"), "must be a positive quantity for type Value"))
		}
		if t.AverageValue != nil || t.AverageUtilization != nil {
			errs = append(errs, field.Forbidden(p, "only value may be set for type Value"))
		}
	}
	return errs
}

// defaultScaleUp fills b with the default scale-up rules: no window, the
// larger of doubling and four more pods every 15 s.
func (b *rulesBlock) defaultScaleUp() *autoscalingv2.HPAScalingRules {
	b.window = 0
	b.selects = autoscalingv2.MaxChangePolicySelect
	b.policies = [2]autoscalingv2.HPAScalingPolicy{
		{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
		{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
	}
	b.rules = autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: &b.window, SelectPolicy: &b.selects, Policies: b.policies[:2:2]}
	return &b.rules
}

// defaultScaleDown fills b with the default scale-down rules: the 300 s
// window and at most all pods every 15 s.
func (b *rulesBlock) defaultScaleDown() *autoscalingv2.HPAScalingRules {
	b.window = DefaultScaleDownStabilizationSeconds
	b.selects = autoscalingv2.MaxChangePolicySelect
	b.policies = [2]autoscalingv2.HPAScalingPolicy{
		{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15},
	}
	b.rules = autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: &b.window, SelectPolicy: &b.selects, Policies: b.policies[:1:1]}
	return &b.rules
}

// rules validates r and returns the API rules, defaults filling what r leaves unset.
func (r *ScalingRules) rules(name string, def *autoscalingv2.HPAScalingRules) (*autoscalingv2.HPAScalingRules, field.ErrorList) {
	if r == nil {
		return def, nil
	}
	p := field.NewPath(name)
	var errs field.ErrorList
	out := def
	if r.StabilizationWindowSeconds != nil {
		w := *r.StabilizationWindowSeconds
		if w < 0 || w > maxStabilizationSeconds {
			errs = append(errs, field.Invalid(p.Child("stabilizationWindowSeconds"), w, "must be between 0 and 3600 seconds"))
		}
		out.StabilizationWindowSeconds = &w
	}
	if r.SelectPolicy != "" {
		switch r.SelectPolicy {
		case autoscalingv2.MaxChangePolicySelect, autoscalingv2.MinChangePolicySelect, autoscalingv2.DisabledPolicySelect:
		default:
			errs = append(errs, field.NotSupported(p.Child("selectPolicy"), string(r.SelectPolicy), []string{
				string(autoscalingv2.MaxChangePolicySelect), string(autoscalingv2.MinChangePolicySelect), string(autoscalingv2.DisabledPolicySelect)}))
		}
		sp := r.SelectPolicy
		out.SelectPolicy = &sp
	}
	if len(r.Policies) > 0 {
		out.Policies = make([]autoscalingv2.HPAScalingPolicy, len(r.Policies))
		copy(out.Policies, r.Policies)
		for i, pol := range r.Policies {
			pp := p.Child("policies").Index(i)
			if pol.Type != autoscalingv2.PodsScalingPolicy && pol.Type != autoscalingv2.PercentScalingPolicy {
				errs = append(errs, field.NotSupported(pp.Child("type"), string(pol.Type), []string{string(autoscalingv2.PercentScalingPolicy), string(autoscalingv2.PodsScalingPolicy)}))
			}
			if pol.Value <= 0 {
				errs = append(errs, field.Invalid(pp.Child("value"), pol.Value, "must be positive"))
			}
			if pol.PeriodSeconds <= 0 || pol.PeriodSeconds > maxPolicyPeriodSeconds {
				errs = append(errs, field.Invalid(pp.Child("periodSeconds"), pol.PeriodSeconds, "must be between 1 and 1800 seconds"))
			}
		}
	}
	return out, errs
}
