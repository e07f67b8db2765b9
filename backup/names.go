package backup

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// Object is a Kubernetes object with its kind: the method set of
// prodkube.Object, which every object this package returns satisfies.
type Object interface {
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// DefaultVeleroNamespace is the namespace Velero is installed into unless a
// spec names another.
const DefaultVeleroNamespace = "velero"

// maxListLen bounds namespace and resource lists so that hostile input
// cannot make a command line arbitrarily long.
const maxListLen = 256

func validateOptionalObjectName(name string, path *field.Path) field.ErrorList {
	if name == "" {
		return nil
	}
	return names.Subdomain(name, path)
}

// veleroNamespace returns ns, or the default namespace when ns is empty.
func veleroNamespace(ns string) string {
	if ns == "" {
		return DefaultVeleroNamespace
	}
	return ns
}

func validateVeleroNamespace(ns string, path *field.Path) field.ErrorList {
	if ns == "" {
		return nil
	}
	return names.LabelFormat(ns, path)
}

// validateNamespaceList checks namespace names; "*" (all) is accepted when
// allowAll is true and must then stand alone.
func validateNamespaceList(list []string, allowAll bool, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(list) > maxListLen {
		return append(errs, field.TooMany(path, len(list), maxListLen))
	}
	seen := map[string]bool{}
	for i, ns := range list {
		p := path.Index(i)
		switch {
		case ns == "*" && allowAll:
			if len(list) > 1 {
				errs = append(errs, field.Invalid(p, ns, `"*" (all namespaces) must be the only entry`))
			}
		case ns == "*":
			errs = append(errs, field.Invalid(p, ns, `"*" is not allowed here`))
		default:
			errs = append(errs, names.LabelFormat(ns, p)...)
		}
		if seen[ns] {
			errs = append(errs, field.Duplicate(p, ns))
		}
		seen[ns] = true
	}
	return errs
}

// validateResourceList checks resource names as Velero takes them:
// "resource" or "resource.group" in lower case ("deployments.apps").
func validateResourceList(list []string, allowAll bool, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(list) > maxListLen {
		return append(errs, field.TooMany(path, len(list), maxListLen))
	}
	seen := map[string]bool{}
	for i, r := range list {
		p := path.Index(i)
		switch {
		case r == "*" && allowAll:
			if len(list) > 1 {
				errs = append(errs, field.Invalid(p, r, `"*" (all resources) must be the only entry`))
			}
		case r == "*":
			errs = append(errs, field.Invalid(p, r, `"*" is not allowed here`))
		default:
			for _, msg := range validation.IsDNS1123Subdomain(r) {
				errs = append(errs, field.Invalid(p, r, "must be a resource name like deployments.apps: "+msg))
			}
		}
		if seen[r] {
			errs = append(errs, field.Duplicate(p, r))
		}
		seen[r] = true
	}
	return errs
}

// validateDisjoint reports entries of exclude that also appear in include.
func validateDisjoint(include, exclude []string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	in := map[string]bool{}
	for _, s := range include {
		in[s] = true
	}
	for i, s := range exclude {
		if in[s] {
			errs = append(errs, field.Invalid(path.Index(i), s, "is both included and excluded"))
		}
	}
	return errs
}

func validateSelector(sel map[string]string, path *field.Path) field.ErrorList {
	if len(sel) == 0 {
		return nil
	}
	if len(sel) > maxListLen {
		return field.ErrorList{field.TooMany(path, len(sel), maxListLen)}
	}
	return names.Labels(sel, path)
}

// selectorString renders a matchLabels map as the label selector syntax the
// velero CLI parses with metav1.ParseToLabelSelector: "a=b,c=d", sorted.
func selectorString(sel map[string]string) string {
	keys := sortedKeys(sel)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + sel[k]
	}
	return strings.Join(parts, ",")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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

func copyList(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return append([]string(nil), l...)
}

// credentialWords are fragments of a configuration key that would carry a
// credential. Velero's provider configs name credential files and Secrets,
// never the secrets themselves; a key like these means a secret is about to
// be inlined into a command line or an object.
var credentialWords = []string{"secret", "password", "passwd", "token", "accesskeyid", "sastoken"}

// validateConfigMap checks a provider configuration map as Velero's
// key1=value1,key2=value2 flag parses it (a CSV record): keys and values may
// not contain the separators or quotes, keys must be non-empty, and no key
// may name a credential.
func validateConfigMap(m map[string]string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(m) > maxListLen {
		return append(errs, field.TooMany(path, len(m), maxListLen))
	}
	for _, k := range sortedKeys(m) {
		v := m[k]
		p := path.Key(k)
		switch {
		case k == "":
			errs = append(errs, field.Invalid(p, k, "key must not be empty"))
		case strings.ContainsAny(k, "=,\"\r\n\x00 "):
			errs = append(errs, field.Invalid(p, k, "key must not contain '=', ',', '\"', spaces or line breaks"))
		}
		if strings.ContainsAny(v, ",\"\r\n\x00") {
			errs = append(errs, field.Invalid(p, v, "value must not contain ',', '\"' or line breaks (Velero reads the flag as key=value,key=value)"))
		}
		lk := strings.ToLower(k)
		for _, w := range credentialWords {
			if strings.Contains(lk, w) {
				errs = append(errs, field.Forbidden(p, fmt.Sprintf("looks like a credential (%q); reference a secret file or an existing Secret instead of inlining it", w)))
				break
			}
		}
	}
	return errs
}

// mapFlag renders a map as key=value pairs joined by commas, sorted by key.
func mapFlag(m map[string]string, sep string) string {
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + sep + m[k]
	}
	return strings.Join(parts, ",")
}

// validatePath checks a file path that ends up in a command: absolute or
// relative, but without NUL or line breaks, and not an inlined secret.
func validatePath(p string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case p == "":
		errs = append(errs, field.Required(path, "a file path is required"))
	case len(p) > 4096:
		errs = append(errs, field.TooLong(path, "", 4096))
	case strings.ContainsAny(p, "\x00\r\n"):
		errs = append(errs, field.Invalid(path, p, "must be a file path without NUL or line breaks"))
	case strings.HasPrefix(p, "-"):
		errs = append(errs, field.Invalid(path, p, "must not begin with '-' (it would be read as a flag); write ./"+p))
	}
	return errs
}
