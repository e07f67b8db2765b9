// Package fieldpath re-roots the field errors of a nested spec under the
// path where the spec sits in an enclosing one, so that a composed intent
// reports "namespaces[0].workloads[1].replicas" rather than "replicas".
package fieldpath

import "k8s.io/apimachinery/pkg/util/validation/field"

// Under returns copies of errs with p prepended to each path. An error with
// no path gets p itself.
func Under(p *field.Path, errs field.ErrorList) field.ErrorList {
	if len(errs) == 0 {
		return nil
	}
	out := make(field.ErrorList, 0, len(errs))
	for _, e := range errs {
		c := *e
		switch {
		case c.Field == "" || c.Field == "<nil>":
			c.Field = p.String()
		case c.Field[0] == '[':
			c.Field = p.String() + c.Field
		default:
			c.Field = p.String() + "." + c.Field
		}
		out = append(out, &c)
	}
	return out
}
