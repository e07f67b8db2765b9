package security

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
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
	errs = append(errs, names.Subdomain(r.Name, field.NewPath("name"))...)
	errs = append(errs, names.Label(r.Namespace, field.NewPath("namespace"))...)
	errs = append(errs, metavalidation.ValidateLabels(r.Labels, field.NewPath("labels"))...)
	errs = append(errs, validateRules(r.Rules, false, r.Permissions, field.NewPath("rules"))...)
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
	errs = append(errs, names.Subdomain(r.Name, field.NewPath("name"))...)
	errs = append(errs, metavalidation.ValidateLabels(r.Labels, field.NewPath("labels"))...)
	errs = append(errs, validateRules(r.Rules, true, r.Permissions, field.NewPath("rules"))...)
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

func buildRules(rules []Rule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, rbacv1.PolicyRule{
			APIGroups:       slices.Clone(r.APIGroups),
			Resources:       slices.Clone(r.Resources),
			Verbs:           slices.Clone(r.Verbs),
			ResourceNames:   slices.Clone(r.ResourceNames),
			NonResourceURLs: slices.Clone(r.NonResourceURLs),
		})
	}
	return out
}

func validateRules(rules []Rule, cluster bool, perm Permissions, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(rules) == 0 {
		return field.ErrorList{field.Required(path, "a role needs at least one rule")}
	}
	for i, r := range rules {
		errs = append(errs, validateRule(r, cluster, perm, path.Index(i))...)
	}
	return errs
}

func validateRule(r Rule, cluster bool, perm Permissions, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(r.Verbs) == 0 {
		errs = append(errs, field.Required(p.Child("verbs"), "list the verbs the rule allows"))
	}
	if len(r.NonResourceURLs) > 0 {
		if !cluster {
			errs = append(errs, field.Forbidden(p.Child("nonResourceURLs"), "non-resource URLs may only be granted by a ClusterRole"))
		}
		if len(r.APIGroups) > 0 || len(r.Resources) > 0 || len(r.ResourceNames) > 0 {
			errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), r.NonResourceURLs, "a rule grants either non-resource URLs or resources, not both"))
		}
		for j, u := range r.NonResourceURLs {
			up := p.Child("nonResourceURLs").Index(j)
			switch {
			case u == "*" || strings.HasSuffix(u, "*"):
				if !perm.AllowWildcards {
					errs = append(errs, field.Forbidden(up, "wildcard URLs need permissions.allowWildcards"))
				}
			case !strings.HasPrefix(u, "/"):
				errs = append(errs, field.Invalid(up, u, `must be a path starting with "/"`))
			}
		}
		errs = append(errs, validateVerbs(r.Verbs, nonResourceVerbs, perm, p.Child("verbs"))...)
		return errs
	}
	if len(r.APIGroups) == 0 {
		errs = append(errs, field.Required(p.Child("apiGroups"), `list the API groups ("" is the core group)`))
	}
	if len(r.Resources) == 0 {
		errs = append(errs, field.Required(p.Child("resources"), "list the resources the rule covers"))
	}
	for j, g := range r.APIGroups {
		gp := p.Child("apiGroups").Index(j)
		switch {
		case g == "*":
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(gp, "wildcard API groups need permissions.allowWildcards"))
			}
		case g == "":
		default:
			for _, msg := range validation.IsDNS1123Subdomain(g) {
				errs = append(errs, field.Invalid(gp, g, msg))
			}
		}
	}
	for j, res := range r.Resources {
		rp := p.Child("resources").Index(j)
		if res == "*" || strings.HasPrefix(res, "*/") || strings.HasSuffix(res, "/*") {
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(rp, "wildcard resources need permissions.allowWildcards"))
			}
			continue
		}
		if !validResource(res) {
			errs = append(errs, field.Invalid(rp, res, `must be a lower-case resource name, optionally with a subresource ("pods/log")`))
		}
	}
	for j, n := range r.ResourceNames {
		if n == "" {
			errs = append(errs, field.Invalid(p.Child("resourceNames").Index(j), n, "must not be empty"))
		}
	}
	errs = append(errs, validateVerbs(r.Verbs, resourceVerbs, perm, p.Child("verbs"))...)
	if !perm.AllowSensitiveAccess {
		if what := sensitive(r); what != "" {
			errs = append(errs, field.Forbidden(p, what+"; set permissions.allowSensitiveAccess if this role really needs it"))
		}
	}
	return errs
}

func validateVerbs(verbs, known []string, perm Permissions, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for j, v := range verbs {
		vp := p.Index(j)
		switch {
		case v == "*":
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(vp, "wildcard verbs need permissions.allowWildcards"))
			}
		case !slices.Contains(known, v):
			errs = append(errs, field.NotSupported(vp, v, known))
		case slices.Contains(escalationVerbs, v) && !perm.AllowEscalation:
			errs = append(errs, field.Forbidden(vp, fmt.Sprintf("%q lets the holder gain rights the role does not grant; set permissions.allowEscalation if it is really needed", v)))
		}
	}
	return errs
}

func validResource(res string) bool {
	parts := strings.Split(res, "/")
	if len(parts) > 2 {
		return false
	}
	for _, part := range parts {
		if part == "" || len(part) > 253 {
			return false
		}
		for _, c := range part {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
				return false
			}
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
