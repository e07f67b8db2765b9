package baseline

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// Quota caps what one namespace may consume: compute, storage and object
// counts. Unset fields are not capped.
type Quota struct {
	// Name of the ResourceQuota; default "<namespace>-quota".
	Name string
	// Namespace it caps (a DNS-1123 label). Required.
	Namespace string
	// Requests caps the sum of requests (requests.cpu, requests.memory,
	// requests.ephemeral-storage).
	Requests Compute
	// Limits caps the sum of limits; each must be at least its request.
	Limits Compute
	// Storage caps the storage all PersistentVolumeClaims request.
	Storage string
	// Pods, Services, PersistentVolumeClaims, LoadBalancers, NodePorts,
	// ConfigMaps and Secrets cap object counts; nil leaves a count uncapped.
	Pods                   *int64
	Services               *int64
	PersistentVolumeClaims *int64
	LoadBalancers          *int64
	NodePorts              *int64
	ConfigMaps             *int64
	Secrets                *int64
	// Objects caps counts of any other resource by its quota name,
	// "count/deployments.apps" → 20.
	Objects map[string]int64
	// Labels are added to the object.
	Labels map[string]string
}

func (q Quota) name() string {
	if q.Name == "" {
		return q.Namespace + "-quota"
	}
	return q.Name
}

// Validate reports every problem of the spec.
func (q Quota) Validate() field.ErrorList {
	_, errs := q.hard()
	return errs
}

// validateNamespaced checks a namespace (required) and an optional name;
// paths are built only for the problems found.
func validateNamespaced(name, namespace string) field.ErrorList {
	var errs field.ErrorList
	if namespace == "" {
		errs = append(errs, field.Required(field.NewPath("namespace"), ""))
	} else {
		for _, msg := range names.IsDNS1123Label(namespace) {
			errs = append(errs, field.Invalid(field.NewPath("namespace"), namespace, msg))
		}
	}
	if name != "" {
		for _, msg := range names.IsDNS1123Subdomain(name) {
			errs = append(errs, field.Invalid(field.NewPath("name"), name, msg))
		}
	}
	return errs
}

// validateLabels checks label keys and values, in key order, at
// <field>[key].
func validateLabels(labels map[string]string, fieldName string) field.ErrorList {
	if names.ValidLabels(labels) {
		return nil
	}
	var errs field.ErrorList
	p := field.NewPath(fieldName)
	for _, k := range sortedKeys(labels) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(labels[k]) {
			errs = append(errs, field.Invalid(p.Key(k), labels[k], msg))
		}
	}
	return errs
}

// quotaRequestNames and quotaLimitNames are the quota names of the compute
// resources, in the order of computeNames.
var (
	quotaRequestNames = [3]corev1.ResourceName{corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage}
	quotaLimitNames   = [3]corev1.ResourceName{corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage}
)

// hard validates and returns the quota's hard limits. Field paths are built
// only for the problems found.
func (q Quota) hard() (corev1.ResourceList, field.ErrorList) {
	errs := validateNamespaced(q.Name, q.Namespace)
	if q.Name == "" && q.Namespace != "" {
		for _, msg := range names.IsDNS1123Subdomain(q.name()) {
			errs = append(errs, field.Invalid(field.NewPath("namespace"), q.Namespace, "the default name <namespace>-quota is invalid: "+msg))
		}
	}
	errs = append(errs, validateLabels(q.Labels, "labels")...)
	counts := [...]struct {
		field string
		name  corev1.ResourceName
		v     *int64
	}{
		{"pods", corev1.ResourcePods, q.Pods},
		{"services", corev1.ResourceServices, q.Services},
		{"persistentVolumeClaims", corev1.ResourcePersistentVolumeClaims, q.PersistentVolumeClaims},
		{"loadBalancers", corev1.ResourceServicesLoadBalancers, q.LoadBalancers},
		{"nodePorts", corev1.ResourceServicesNodePorts, q.NodePorts},
		{"configMaps", corev1.ResourceConfigMaps, q.ConfigMaps},
		{"secrets", corev1.ResourceSecrets, q.Secrets},
	}
	size := len(q.Objects)
	for _, s := range [...]string{q.Requests.CPU, q.Requests.Memory, q.Requests.EphemeralStorage, q.Limits.CPU, q.Limits.Memory, q.Limits.EphemeralStorage, q.Storage} {
		if s != "" {
			size++
		}
	}
	for _, c := range counts {
		if c.v != nil {
			size++
		}
	}
	hard := make(corev1.ResourceList, size)
	req, reqOK, rerrs := q.Requests.parseEach("requests")
	lim, limOK, lerrs := q.Limits.parseEach("limits")
	errs = append(errs, rerrs...)
	errs = append(errs, lerrs...)
	for i, n := range computeNames {
		if reqOK[i] {
			hard[quotaRequestNames[i]] = req[i]
		}
		if limOK[i] {
			hard[quotaLimitNames[i]] = lim[i]
		}
		if reqOK[i] && limOK[i] && req[i].Cmp(lim[i]) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("limits").Child(string(n)), q.Limits.get(n), fmt.Sprintf("must be at least the request cap %s", q.Requests.get(n))))
		}
	}
	if q.Storage != "" {
		if s, err := parseQuantity(q.Storage, field.NewPath("storage")); err != nil {
			errs = append(errs, err)
		} else {
			hard[corev1.ResourceRequestsStorage] = s
		}
	}
	for _, c := range counts {
		if c.v == nil {
			continue
		}
		if *c.v < 0 {
			errs = append(errs, field.Invalid(field.NewPath(c.field), *c.v, "must not be negative"))
			continue
		}
		hard[c.name] = *resource.NewQuantity(*c.v, resource.DecimalSI)
	}
	for _, k := range sortedKeys(q.Objects) {
		p := field.NewPath("objects").Key(k)
		v := q.Objects[k]
		rest, ok := strings.CutPrefix(k, "count/")
		switch {
		case !ok || rest == "":
			errs = append(errs, field.Invalid(p, k, `must be "count/<resource>[.<group>]", such as count/deployments.apps`))
		case len(validation.IsQualifiedName(k)) > 0 || len(validation.IsDNS1123Subdomain(rest)) > 0:
			errs = append(errs, field.Invalid(p, k, "must name a resource: lower-case DNS subdomain after count/"))
		case v < 0:
			errs = append(errs, field.Invalid(p, v, "must not be negative"))
		default:
			if _, dup := hard[corev1.ResourceName(k)]; dup {
				errs = append(errs, field.Duplicate(p, k))
			}
			hard[corev1.ResourceName(k)] = *resource.NewQuantity(v, resource.DecimalSI)
		}
	}
	if len(errs) == 0 && len(hard) == 0 {
		errs = append(errs, field.Required(field.NewPath("requests"), "a quota caps at least one resource"))
	}
	return hard, errs
}

// Build validates the spec and returns the ResourceQuota.
func (q Quota) Build() (*corev1.ResourceQuota, error) {
	hard, errs := q.hard()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &corev1.ResourceQuota{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
		ObjectMeta: metav1.ObjectMeta{Name: q.name(), Namespace: q.Namespace, Labels: copyMap(q.Labels)},
		Spec:       corev1.ResourceQuotaSpec{Hard: hard},
	}, nil
}

// Int64 returns a pointer to v, for the count fields of Quota.
func Int64(v int64) *int64 { return &v }

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
