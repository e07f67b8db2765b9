package security

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// Rule is one RBAC policy rule: the verbs allowed on resources of the listed
// API groups, optionally only on the named objects. For a ClusterRole it may
// instead grant verbs on non-resource URLs such as "/metrics".
type Rule struct {
	// APIGroups the resources belong to; "" is the core group.
	APIGroups []string
	// Resources, optionally with a subresource ("pods/log").
	Resources []string
	// Verbs allowed, from the Kubernetes API verbs (get, list, watch, create,
	// update, patch, delete, deletecollection) and the special verbs (use,
	// bind, escalate, impersonate, approve, sign, attest).
	Verbs []string
	// ResourceNames narrows the rule to the named objects.
	ResourceNames []string
	// NonResourceURLs are URL paths ("/metrics", "/healthz"); only in a
	// ClusterRole, and only with the HTTP verbs get, post, put, patch,
	// delete, head and options.
	NonResourceURLs []string
}

// Permissions lists the dangerous grants a role may make only by name. Each
// is off by default, and the role is refused if it needs one that is not set.
type Permissions struct {
	// AllowWildcards permits "*" in apiGroups, resources or verbs. A
	// wildcard grants every resource and verb added in the future too.
	AllowWildcards bool
	// AllowEscalation permits the verbs escalate, bind and impersonate, each
	// of which lets the holder act with more rights than the role grants.
	AllowEscalation bool
	// AllowSensitiveAccess permits access that amounts to taking over
	// workloads or identities: writing secrets or RBAC objects, listing or
	// watching secrets (which returns their contents), any access to
	// pods/exec, pods/attach or nodes/proxy (a GET upgraded to a stream runs
	// commands), and creating serviceaccounts/token.
	AllowSensitiveAccess bool
}

// Role describes a namespaced RBAC Role.
type Role struct {
	Name      string // a DNS-1123 subdomain; required
	Namespace string // a DNS-1123 label; required
	Rules     []Rule // at least one
	Labels    map[string]string
	Permissions
}

// ClusterRole describes an RBAC ClusterRole.
type ClusterRole struct {
	Name   string // a DNS-1123 subdomain; required
	Rules  []Rule // at least one
	Labels map[string]string
	Permissions
}

// resourceVerbs are the verbs the API server knows for resources.
var resourceVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "escalate", "impersonate", "approve", "sign", "attest"}

// nonResourceVerbs are the HTTP verbs for non-resource URLs.
var nonResourceVerbs = []string{"get", "post", "put", "patch", "delete", "head", "options"}

var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

var escalationVerbs = []string{"escalate", "bind", "impersonate"}

// Validate reports every problem with the spec.
func (r Role) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(r.Name) {
		errs = append(errs, names.Subdomain(r.Name, field.NewPath("name"))...)
	}
	if !names.ValidDNS1123Label(r.Namespace) {
		errs = append(errs, names.Label(r.Namespace, field.NewPath("namespace"))...)
	}
	errs = append(errs, validateLabels(r.Labels)...)
	errs = append(errs, validateRules(r.Rules, false, r.Permissions)...)
	return errs
}

// Build returns the rbac.authorization.k8s.io/v1 Role.
func (r Role) Build() (*rbacv1.Role, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: r.Namespace, Labels: copyMap(r.Labels)},
		Rules:      buildRules(r.Rules),
	}, nil
}

// Validate reports every problem with the spec.
func (r ClusterRole) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(r.Name) {
		errs = append(errs, names.Subdomain(r.Name, field.NewPath("name"))...)
	}
	errs = append(errs, validateLabels(r.Labels)...)
	errs = append(errs, validateRules(r.Rules, true, r.Permissions)...)
	return errs
}

// Build returns the rbac.authorization.k8s.io/v1 ClusterRole.
func (r ClusterRole) Build() (*rbacv1.ClusterRole, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: r.Name, Labels: copyMap(r.Labels)},
		Rules:      buildRules(r.Rules),
	}, nil
}

// buildRules copies the rules into API policy rules. All the copied string
// lists share one backing array, each capped at its own length, so that
// appending to one list reallocates it instead of overwriting its
// neighbour.
func buildRules(rules []Rule) []rbacv1.PolicyRule {
	n := 0
	for _, r := range rules {
		n += len(r.APIGroups) + len(r.Resources) + len(r.Verbs) + len(r.ResourceNames) + len(r.NonResourceURLs)
	}
	buf := make([]string, 0, n)
	clone := func(s []string) []string {
		if s == nil {
			return nil
		}
		start := len(buf)
		buf = append(buf, s...)
		return buf[start:len(buf):len(buf)]
	}
	out := make([]rbacv1.PolicyRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, rbacv1.PolicyRule{
			APIGroups:       clone(r.APIGroups),
			Resources:       clone(r.Resources),
			Verbs:           clone(r.Verbs),
			ResourceNames:   clone(r.ResourceNames),
			NonResourceURLs: clone(r.NonResourceURLs),
		})
	}
	return out
}

// validateRules checks every rule, at rules[i]. Paths are built only for
// the problems found.
func validateRules(rules []Rule, cluster bool, perm Permissions) field.ErrorList {
	var errs field.ErrorList
	if len(rules) == 0 {
		return field.ErrorList{field.Required(field.NewPath("rules"), "a role needs at least one rule")}
	}
	for i, r := range rules {
		errs = append(errs, validateRule(r, cluster, perm, func() *field.Path { return field.NewPath("rules").Index(i) })...)
	}
	return errs
}

// validateRule checks one rule; at returns the rule's path, and is called
// only to report a problem.
func validateRule(r Rule, cluster bool, perm Permissions, at func() *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(r.Verbs) == 0 {
		errs = append(errs, field.Required(at().Child("verbs"), "list the verbs the rule allows"))
	}
	if len(r.NonResourceURLs) > 0 {
		if !cluster {
			errs = append(errs, field.Forbidden(at().Child("nonResourceURLs"), "non-resource URLs may only be granted by a ClusterRole"))
		}
		if len(r.APIGroups) > 0 || len(r.Resources) > 0 || len(r.ResourceNames) > 0 {
			errs = append(errs, field.Invalid(at().Child("nonResourceURLs"), r.NonResourceURLs, "a rule grants either non-resource URLs or resources, not both"))
		}
		for j, u := range r.NonResourceURLs {
			switch {
			case u == "*" || strings.HasSuffix(u, "*"):
				if !perm.AllowWildcards {
					errs = append(errs, field.Forbidden(at().Child("nonResourceURLs").Index(j), "wildcard URLs need permissions.allowWildcards"))
				}
			case !strings.HasPrefix(u, "/"):
				errs = append(errs, field.Invalid(at().Child("nonResourceURLs").Index(j), u, `must be a path starting with "/"`))
			}
		}
		errs = append(errs, validateVerbs(r.Verbs, nonResourceVerbs, perm, at)...)
		return errs
	}
	if len(r.APIGroups) == 0 {
		errs = append(errs, field.Required(at().Child("apiGroups"), `list the API groups ("" is the core group)`))
	}
	if len(r.Resources) == 0 {
		errs = append(errs, field.Required(at().Child("resources"), "list the resources the rule covers"))
	}
	for j, g := range r.APIGroups {
		switch {
		case g == "*":
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(at().Child("apiGroups").Index(j), "wildcard API groups need permissions.allowWildcards"))
			}
		case g == "":
		default:
			for _, msg := range names.IsDNS1123Subdomain(g) {
				errs = append(errs, field.Invalid(at().Child("apiGroups").Index(j), g, msg))
			}
		}
	}
	for j, res := range r.Resources {
		if res == "*" || strings.HasPrefix(res, "*/") || strings.HasSuffix(res, "/*") {
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(at().Child("resources").Index(j), "wildcard resources need permissions.allowWildcards"))
			}
			continue
		}
		if !validResource(res) {
			errs = append(errs, field.Invalid(at().Child("resources").Index(j), res, `must be a lower-case resource name, optionally with a subresource ("pods/log")`))
		}
	}
	for j, n := range r.ResourceNames {
		if n == "" {
			errs = append(errs, field.Invalid(at().Child("resourceNames").Index(j), n, "must not be empty"))
		}
	}
	errs = append(errs, validateVerbs(r.Verbs, resourceVerbs, perm, at)...)
	if !perm.AllowSensitiveAccess {
		if what := sensitive(r); what != "" {
			errs = append(errs, field.Forbidden(at(), what+"; set permissions.allowSensitiveAccess if this role really needs it"))
		}
	}
	return errs
}

// validateVerbs checks verbs against known, at the rule's verbs[j].
func validateVerbs(verbs, known []string, perm Permissions, at func() *field.Path) field.ErrorList {
	var errs field.ErrorList
	for j, v := range verbs {
		switch {
		case v == "*":
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(at().Child("verbs").Index(j), "wildcard verbs need permissions.allowWildcards"))
			}
		case !slices.Contains(known, v):
			errs = append(errs, field.NotSupported(at().Child("verbs").Index(j), v, known))
		case slices.Contains(escalationVerbs, v) && !perm.AllowEscalation:
			errs = append(errs, field.Forbidden(at().Child("verbs").Index(j), fmt.Sprintf("%q lets the holder gain rights the role does not grant; set permissions.allowEscalation if it is really needed", v)))
		}
	}
	return errs
}

// validResource reports whether res is a resource name, optionally with one
// subresource: one or two non-empty parts of at most 253 characters of
// [a-z0-9.-], joined by a slash.
func validResource(res string) bool {
	base, sub, hasSub := strings.Cut(res, "/")
	return resourcePart(base) && (!hasSub || resourcePart(sub))
}

// resourcePart reports whether part is 1 to 253 characters of [a-z0-9.-];
// a further slash makes it invalid.
func resourcePart(part string) bool {
	if part == "" || len(part) > 253 {
		return false
	}
	for i := 0; i < len(part); i++ {
		if c := part[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// sensitive describes why a rule amounts to a takeover grant, or returns "".
func sensitive(r Rule) string {
	group := func(g string) bool { return slices.Contains(r.APIGroups, g) || slices.Contains(r.APIGroups, "*") }
	res := func(name string) bool {
		if slices.Contains(r.Resources, name) || slices.Contains(r.Resources, "*") {
			return true
		}
		base, _, hasSub := strings.Cut(name, "/")
		return hasSub && slices.Contains(r.Resources, base+"/*")
	}
	verb := func(vs ...string) bool {
		if slices.Contains(r.Verbs, "*") {
			return true
		}
		for _, v := range vs {
			if slices.Contains(r.Verbs, v) {
				return true
			}
		}
		return false
	}
	var found []string
	if group("") && res("secrets") && verb(writeVerbs...) {
		found = append(found, "write access to secrets")
	}
	if group("") && res("secrets") && verb("list", "watch") {
		found = append(found, "listing or watching secrets returns their contents")
	}
	if group("rbac.authorization.k8s.io") {
		for _, k := range []string{"roles", "rolebindings", "clusterroles", "clusterrolebindings"} {
			if res(k) && verb(writeVerbs...) {
				found = append(found, "write access to "+k)
			}
		}
	}
	if group("") {
		for _, k := range []string{"pods/exec", "pods/attach", "nodes/proxy"} {
			if res(k) {
				found = append(found, "access to "+k+" runs commands in workloads")
			}
		}
		if res("serviceaccounts/token") && verb("create") {
			found = append(found, "creating serviceaccounts/token mints credentials")
		}
	}
	sort.Strings(found)
	return strings.Join(found, "; ")
}
