package scaling

import (
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// validateLabels checks label keys and values with the upstream validator.
func validateLabels(labels map[string]string, p *field.Path) field.ErrorList {
	return names.Labels(labels, p)
}

// checkLabels is validateLabels at the top-level field name, building the
// path only when a label is invalid.
func checkLabels(labels map[string]string, name string) field.ErrorList {
	if names.ValidLabels(labels) {
		return nil
	}
	return validateLabels(labels, field.NewPath(name))
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

// validateAnnotations checks annotation keys and total size with the upstream validator.
func validateAnnotations(a map[string]string, p *field.Path) field.ErrorList {
	return apivalidation.ValidateAnnotations(a, p)
}
