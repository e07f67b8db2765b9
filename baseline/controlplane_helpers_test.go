package baseline

import "k8s.io/apimachinery/pkg/util/validation/field"

// errorPaths lists the field paths of errs in order, nil for none.
func errorPaths(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}
