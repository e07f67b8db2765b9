package scaling

import (
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateObjectName checks a metadata.name that must be a DNS-1123 subdomain.
func validateObjectName(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "must be a DNS-1123 subdomain, e.g. web-app")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	return errs
}

// validateNamespace checks a namespace name (a DNS-1123 label).
func validateNamespace(ns string, p *field.Path) field.ErrorList {
	if ns == "" {
		return field.ErrorList{field.Required(p, "must name the namespace, e.g. production")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(ns) {
		errs = append(errs, field.Invalid(p, ns, msg))
	}
	return errs
}

// validateLabels checks label keys and values with the upstream validator.
func validateLabels(labels map[string]string, p *field.Path) field.ErrorList {
	return metav1validation.ValidateLabels(labels, p)
}

// mergeLabels returns a fresh map holding base overlaid by extra.
func mergeLabels(base, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range extra {
		out[k] = v
	}
	for k, v := range base {
		out[k] = v
	}
	return out
}

// quoteList renders allowed values for an error message.
func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = `"` + v + `"`
	}
	return strings.Join(q, ", ")
}

// validateDNSLabel checks a DNS-1123 label such as a container name.
func validateDNSLabel(name string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(name) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	return errs
}

// validateAnnotations checks annotation keys and total size with the upstream validator.
func validateAnnotations(a map[string]string, p *field.Path) field.ErrorList {
	return apivalidation.ValidateAnnotations(a, p)
}
