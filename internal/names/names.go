// Package names checks Kubernetes object and namespace names with the
// upstream validators, reporting each problem at the caller's field path.
// Every builder package checks names the same way, so the rules and their
// messages live here once.
package names

import (
	"slices"

	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Subdomain checks a required name that must be a DNS-1123 subdomain, the
// rule for most objects' metadata.name.
func Subdomain(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "a DNS-1123 subdomain such as web-app")}
	}
	if ValidDNS1123Subdomain(name) {
		return nil
	}
	return invalid(name, validation.IsDNS1123Subdomain(name), p)
}

// Label checks a required name that must be a DNS-1123 label, the rule for
// namespaces.
func Label(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "a DNS-1123 label such as production")}
	}
	return LabelFormat(name, p)
}

// LabelFormat checks that name is a DNS-1123 label; an empty name is
// reported as invalid, not as missing, for callers that have already
// decided the name is needed.
func LabelFormat(name string, p *field.Path) field.ErrorList {
	if ValidDNS1123Label(name) {
		return nil
	}
	return invalid(name, validation.IsDNS1123Label(name), p)
}

func invalid(name string, msgs []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	return errs
}

// Labels checks a label map as the API server does (every key a qualified
// name, every value a label value) and reports the problems in the order of
// the keys, so that the same map always gives the same error list; the
// upstream validator's order follows Go's random map order.
func Labels(labels map[string]string, p *field.Path) field.ErrorList {
	if ValidLabels(labels) {
		return nil
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs field.ErrorList
	for _, k := range keys {
		errs = append(errs, metavalidation.ValidateLabels(map[string]string{k: labels[k]}, p)...)
	}
	return errs
}
