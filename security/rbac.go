package security

import (
	"fmt"
	"slices"
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
// is off by default, and a rule that needs one that is not set is refused
// with an error naming the field. The grants each field covers, and why
// each is dangerous, are listed by SensitivePermissions; a wildcard
// ("*" in apiGroups, resources or verbs, "*/exec", "pods/*") counts as
// every grant it could match, so it needs AllowWildcards and the field of
// every class it reaches.
type Permissions struct {
	// AllowWildcards permits "*" in apiGroups, resources, verbs and
	// non-resource URLs. A wildcard grants every resource and verb added in
	// the future too.
	AllowWildcards bool
	// AllowEscalation permits the verbs escalate and bind, which let the
	// holder write or bind roles granting more than it holds itself.
	AllowEscalation bool
	// AllowRBACWrite permits writing roles, clusterroles, rolebindings and
	// clusterrolebindings: the holder hands its own rights to any subject.
	AllowRBACWrite bool
	// AllowImpersonate permits the verb impersonate (on users, groups,
	// serviceaccounts, uids and userextras): the holder acts as anyone.
	AllowImpersonate bool
	// AllowExec permits pods/exec, pods/attach, pods/portforward and
	// writing pods/ephemeralcontainers (kubectl debug): each runs code in,
	// or reaches into, a running pod with that pod's identity and secrets.
	AllowExec bool
	// AllowProxy permits pods/proxy, services/proxy and nodes/proxy. The
	// API server relays the request past NetworkPolicies; nodes/proxy
	// reaches the kubelet API, which runs commands in every pod on the
	// node.
	AllowProxy bool
	// AllowTokenRequest permits creating serviceaccounts/token, which mints
	// a credential for any ServiceAccount the rule reaches.
	AllowTokenRequest bool
	// AllowCSRApproval permits approving or signing certificate signing
	// requests (certificatesigningrequests/approval and /status writes,
	// and the verbs approve, sign and attest on signers): the holder issues
	// client certificates for any identity, nodes and system:masters
	// included, or adds trust anchors.
	AllowCSRApproval bool
	// AllowAdmissionWrite permits writing mutating and validating webhook
	// configurations and admission policies and their bindings: the holder
	// can rewrite or wave through every object the API server admits.
	AllowAdmissionWrite bool
	// AllowNodeWrite permits writing nodes and nodes/status: the holder
	// can relabel or untaint nodes to attract other workloads, and act in
	// a node's name.
	AllowNodeWrite bool
	// AllowPersistentVolumeWrite permits writing persistentvolumes: a
	// hostPath volume mounts any file of the node, and a claimRef binds
	// another namespace's data to the holder's claim.
	AllowPersistentVolumeWrite bool
	// AllowSecretAccess permits writing secrets, and reading them (get,
	// list, watch) without naming them in resourceNames. A listed secret
	// returns its contents, and a created token secret is filled with a
	// credential for the ServiceAccount it names. Reading secrets named in
	// resourceNames needs no opt-out.
	AllowSecretAccess bool
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
	// Name is a DNS-1123 subdomain; required. The names of the built-in
	// ClusterRoles (cluster-admin, admin, edit, view) are refused, and the
	// system: ones are not subdomains.
	Name   string
	Rules  []Rule // at least one
	Labels map[string]string
	Permissions
	// AllowAggregation permits the labels
	// rbac.authorization.k8s.io/aggregate-to-admin, -edit and -view (any
	// rbac.authorization.k8s.io/aggregate-to-* label), which copy this
	// role's rules into the built-in role of that name and so grant them to
	// every subject bound to it, in every namespace. Off by default.
	AllowAggregation bool
}

// resourceVerbs are the verbs the API server knows for resources.
var resourceVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "escalate", "impersonate", "approve", "sign", "attest"}

// nonResourceVerbs are the HTTP verbs for non-resource URLs.
var nonResourceVerbs = []string{"get", "post", "put", "patch", "delete", "head", "options"}

var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// aggregationLabelPrefix starts the labels by which the built-in admin,
// edit and view ClusterRoles (and any role with an aggregationRule on them)
// take in the rules of other ClusterRoles.
const aggregationLabelPrefix = "rbac.authorization.k8s.io/aggregate-to-"

// validateNoAggregation refuses the aggregation labels, at labels[key], in
// key order.
func validateNoAggregation(labels map[string]string) field.ErrorList {
	var errs field.ErrorList
	for k := range labels {
		if strings.HasPrefix(k, aggregationLabelPrefix) {
			for _, k := range sortedKeys(labels) {
				if strings.HasPrefix(k, aggregationLabelPrefix) {
					errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "copies this role's rules into a built-in role held by many subjects; set allowAggregation if it is really needed"))
				}
			}
			break
		}
	}
	return errs
}

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
	if r.Name == clusterAdmin || r.Name == "admin" || r.Name == "edit" || r.Name == "view" {
		errs = append(errs, field.Forbidden(field.NewPath("name"), fmt.Sprintf("%q is a built-in ClusterRole: applying this one would change what every subject bound to it may do; choose another name", r.Name)))
	}
	errs = append(errs, validateLabels(r.Labels)...)
	if !r.AllowAggregation {
		errs = append(errs, validateNoAggregation(r.Labels)...)
	}
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
		verbErrs, _ := validateVerbs(r.Verbs, nonResourceVerbs, perm, at)
		return append(errs, verbErrs...)
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
	verbErrs, reported := validateVerbs(r.Verbs, resourceVerbs, perm, at)
	errs = append(errs, verbErrs...)
	errs = append(errs, validateSensitive(r, perm, reported, at)...)
	return errs
}

// validateSensitive refuses, at the rule, every class of sensitive
// permission the rule grants without its opt-out, one error per class,
// except the classes already reported at one of the rule's verbs.
func validateSensitive(r Rule, perm Permissions, reported classSet, at func() *field.Path) field.ErrorList {
	var found [numClasses][]string
	for i := range sensitivePermissions {
		p := &sensitivePermissions[i]
		if perm.allows(p.class) || reported.has(p.class) || !p.grantedBy(r) {
			continue
		}
		found[p.class] = append(found[p.class], p.describe())
	}
	var errs field.ErrorList
	for c := range found {
		if len(found[c]) == 0 {
			continue
		}
		errs = append(errs, field.Forbidden(at(), fmt.Sprintf("grants %s, which %s; set permissions.%s if this role really needs it", strings.Join(found[c], ", "), class(c).reason(), class(c).optOut())))
	}
	return errs
}

// validateVerbs checks verbs against known, at the rule's verbs[j]. It
// returns the classes of sensitive permission it refused a verb for, so
// that the rule is not refused twice for the same reason.
func validateVerbs(verbs, known []string, perm Permissions, at func() *field.Path) (field.ErrorList, classSet) {
	var errs field.ErrorList
	var reported classSet
	for j, v := range verbs {
		switch {
		case v == "*":
			if !perm.AllowWildcards {
				errs = append(errs, field.Forbidden(at().Child("verbs").Index(j), "wildcard verbs need permissions.allowWildcards"))
			}
		case !slices.Contains(known, v):
			errs = append(errs, field.NotSupported(at().Child("verbs").Index(j), v, known))
		default:
			if c, ok := specialVerbs[v]; ok && !perm.allows(c) {
				errs = append(errs, field.Forbidden(at().Child("verbs").Index(j), fmt.Sprintf("%q %s; set permissions.%s if it is really needed", v, c.reason(), c.optOut())))
				reported = reported.with(c)
			}
		}
	}
	return errs, reported
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

// class is a class of sensitive permission, permitted by one field of
// Permissions.
type class uint8

// The classes of sensitive permission, in the order their errors are
// reported.
const (
	classEscalation class = iota
	classRBACWrite
	classImpersonate
	classExec
	classProxy
	classTokenRequest
	classCSRApproval
	classAdmissionWrite
	classNodeWrite
	classPersistentVolumeWrite
	classSecretAccess
	numClasses
)

// optOut is the name of the Permissions field that permits the class, as
// error messages spell it.
func (c class) optOut() string {
	switch c {
	case classEscalation:
		return "allowEscalation"
	case classRBACWrite:
		return "allowRBACWrite"
	case classImpersonate:
		return "allowImpersonate"
	case classExec:
		return "allowExec"
	case classProxy:
		return "allowProxy"
	case classTokenRequest:
		return "allowTokenRequest"
	case classCSRApproval:
		return "allowCSRApproval"
	case classAdmissionWrite:
		return "allowAdmissionWrite"
	case classNodeWrite:
		return "allowNodeWrite"
	case classPersistentVolumeWrite:
		return "allowPersistentVolumeWrite"
	case classSecretAccess:
		return "allowSecretAccess"
	}
	return ""
}

// reason says, in a few words, what a grant of the class lets the holder
// do.
func (c class) reason() string {
	switch c {
	case classEscalation:
		return "lets the holder gain rights the role does not grant"
	case classRBACWrite:
		return "lets the holder hand its rights to any subject"
	case classImpersonate:
		return "lets the holder act as another user, group or ServiceAccount"
	case classExec:
		return "runs code in, or reaches into, running pods with their identity and secrets"
	case classProxy:
		return "reaches pods, services or the kubelet past every NetworkPolicy; the kubelet runs commands in every pod of its node"
	case classTokenRequest:
		return "mints ServiceAccount tokens"
	case classCSRApproval:
		return "lets the holder issue certificates or trust anchors for any identity"
	case classAdmissionWrite:
		return "lets the holder rewrite, or wave through, what the API server admits"
	case classNodeWrite:
		return "lets the holder act for a node or steer workloads onto it"
	case classPersistentVolumeWrite:
		return "mounts any file of a node (hostPath) or another namespace's data"
	case classSecretAccess:
		return "reads or writes credentials"
	}
	return ""
}

// allows reports whether p permits the class.
func (p Permissions) allows(c class) bool {
	switch c {
	case classEscalation:
		return p.AllowEscalation
	case classRBACWrite:
		return p.AllowRBACWrite
	case classImpersonate:
		return p.AllowImpersonate
	case classExec:
		return p.AllowExec
	case classProxy:
		return p.AllowProxy
	case classTokenRequest:
		return p.AllowTokenRequest
	case classCSRApproval:
		return p.AllowCSRApproval
	case classAdmissionWrite:
		return p.AllowAdmissionWrite
	case classNodeWrite:
		return p.AllowNodeWrite
	case classPersistentVolumeWrite:
		return p.AllowPersistentVolumeWrite
	case classSecretAccess:
		return p.AllowSecretAccess
	}
	return false
}

// classSet is a set of classes.
type classSet uint16

func (s classSet) has(c class) bool      { return s&(1<<c) != 0 }
func (s classSet) with(c class) classSet { return s | 1<<c }

// specialVerbs are the verbs that are sensitive on whatever resource they
// are granted, refused at the verb itself: they exist only to escalate,
// impersonate or issue credentials, so a grant on a resource unknown today
// is refused too.
var specialVerbs = map[string]class{
	"escalate":    classEscalation,
	"bind":        classEscalation,
	"impersonate": classImpersonate,
	"approve":     classCSRApproval,
	"sign":        classCSRApproval,
	"attest":      classCSRApproval,
}

// SensitivePermission is one grant that a Role or ClusterRole may make only
// with the named opt-out of Permissions: a verb on a resource of an API
// group that lets the holder run code in pods, act as a node or another
// identity, issue credentials, or hand out rights.
type SensitivePermission struct {
	// APIGroup of the resource; "" is the core group.
	APIGroup string
	// Resource, with its subresource if any ("pods/exec"). A subresource of
	// "*" stands for every subresource ("userextras/*").
	Resource string
	// Verbs that make the grant sensitive; nil means every verb.
	Verbs []string
	// OnlyUnnamed is set when a rule that lists resourceNames does not make
	// the grant (reading secrets one knows by name).
	OnlyUnnamed bool
	// OptOut is the Permissions field that permits the grant, spelled as in
	// error messages ("allowExec").
	OptOut string
	// Reason says what the grant lets the holder do.
	Reason string
}

// sensitivePermission is one entry of the list the rules are checked
// against.
type sensitivePermission struct {
	group, resource string
	verbs           []string // nil: every verb
	onlyUnnamed     bool
	class           class
	reason          string
}

// sensitivePermissions is the one list of grants that need an opt-out.
// Where a rule grants an entry, whether by name or through a wildcard, the
// rule is refused unless Permissions allows the entry's class.
//
// Creating pods or workloads is not on the list: a pod may mount any
// secret and run as any ServiceAccount of its namespace, and what keeps it
// from the node is the namespace's Pod Security level, not RBAC.
var sensitivePermissions = func() []sensitivePermission {
	const (
		core      = ""
		rbac      = "rbac.authorization.k8s.io"
		authn     = "authentication.k8s.io"
		certs     = "certificates.k8s.io"
		admission = "admissionregistration.k8s.io"
	)
	var anyVerb []string
	write := writeVerbs
	read := []string{"get", "list", "watch"}
	updates := []string{"update", "patch"}
	list := []sensitivePermission{
		{core, "pods/exec", anyVerb, false, classExec, "runs commands in a running container, with its identity and secrets"},
		{core, "pods/attach", anyVerb, false, classExec, "attaches to a running container's standard input and output"},
		{core, "pods/portforward", anyVerb, false, classExec, "opens connections into a pod past every NetworkPolicy"},
		{core, "pods/ephemeralcontainers", updates, false, classExec, "adds a debug container, of any image, to a running pod (kubectl debug)"},
		{core, "pods/proxy", anyVerb, false, classProxy, "relays requests to a pod's ports past every NetworkPolicy"},
		{core, "services/proxy", anyVerb, false, classProxy, "relays requests to a service's ports past every NetworkPolicy"},
		{core, "nodes/proxy", anyVerb, false, classProxy, "reaches the kubelet API, which runs commands in every pod of the node"},
		{core, "serviceaccounts/token", []string{"create"}, false, classTokenRequest, "mints a token for the ServiceAccount"},
		{core, "users", []string{"impersonate"}, false, classImpersonate, "acts as any user"},
		{core, "groups", []string{"impersonate"}, false, classImpersonate, "acts as a member of any group, system:masters included"},
		{core, "serviceaccounts", []string{"impersonate"}, false, classImpersonate, "acts as the ServiceAccount"},
		{authn, "uids", []string{"impersonate"}, false, classImpersonate, "acts under any user UID"},
		{authn, "userextras/*", []string{"impersonate"}, false, classImpersonate, "sets any extra field of the user, such as scopes"},
		{certs, "certificatesigningrequests/approval", updates, false, classCSRApproval, "approves certificate requests, for nodes and system:masters too"},
		{certs, "certificatesigningrequests/status", updates, false, classCSRApproval, "writes the issued certificate of a request"},
		{certs, "signers", []string{"approve"}, false, classCSRApproval, "approves requests to the signer"},
		{certs, "signers", []string{"sign"}, false, classCSRApproval, "issues certificates as the signer"},
		{certs, "signers", []string{"attest"}, false, classCSRApproval, "publishes trust anchors for the signer"},
		{admission, "mutatingwebhookconfigurations", write, false, classAdmissionWrite, "rewrites or refuses every object the API server admits"},
		{admission, "validatingwebhookconfigurations", write, false, classAdmissionWrite, "removes or replaces admission checks"},
		{admission, "mutatingadmissionpolicies", write, false, classAdmissionWrite, "rewrites objects the API server admits"},
		{admission, "mutatingadmissionpolicybindings", write, false, classAdmissionWrite, "decides where mutating policies apply"},
		{admission, "validatingadmissionpolicies", write, false, classAdmissionWrite, "removes or replaces admission checks"},
		{admission, "validatingadmissionpolicybindings", write, false, classAdmissionWrite, "decides where validating policies apply"},
		{rbac, "roles", []string{"escalate", "bind"}, false, classEscalation, "writes or binds roles granting more than the holder has"},
		{rbac, "clusterroles", []string{"escalate", "bind"}, false, classEscalation, "writes or binds roles granting more than the holder has"},
		{rbac, "roles", write, false, classRBACWrite, "changes what a role grants"},
		{rbac, "clusterroles", write, false, classRBACWrite, "changes what a cluster role grants"},
		{rbac, "rolebindings", write, false, classRBACWrite, "grants the holder's rights to any subject"},
		{rbac, "clusterrolebindings", write, false, classRBACWrite, "grants the holder's rights to any subject, cluster-wide"},
		{core, "nodes", write, false, classNodeWrite, "relabels or untaints nodes to draw other workloads, or registers nodes"},
		{core, "nodes/status", updates, false, classNodeWrite, "reports a node's state in its name"},
		{core, "persistentvolumes", []string{"create", "update", "patch"}, false, classPersistentVolumeWrite, "mounts any file of a node (hostPath) or binds another namespace's volume"},
		{core, "secrets", write, false, classSecretAccess, "writes credentials; a created token secret is filled with a ServiceAccount token"},
		{core, "secrets", read, true, classSecretAccess, "reads every secret's contents"},
	}
	return list
}()

// SensitivePermissions returns the grants that need an opt-out of
// Permissions, each with the field that permits it and the reason. The
// result is a fresh copy.
func SensitivePermissions() []SensitivePermission {
	out := make([]SensitivePermission, 0, len(sensitivePermissions))
	for _, p := range sensitivePermissions {
		out = append(out, SensitivePermission{
			APIGroup:    p.group,
			Resource:    p.resource,
			Verbs:       slices.Clone(p.verbs),
			OnlyUnnamed: p.onlyUnnamed,
			OptOut:      p.class.optOut(),
			Reason:      p.reason,
		})
	}
	return out
}

// describe names the permission in an error message: "pods/exec",
// "writing secrets", "create serviceaccounts/token".
func (p *sensitivePermission) describe() string {
	what := p.resource
	if p.group != "" {
		what += "." + p.group
	}
	switch {
	case p.verbs == nil:
		return what
	case slices.Equal(p.verbs, writeVerbs):
		return "writing " + what
	case p.onlyUnnamed:
		return "reading " + what + " without resourceNames"
	}
	return strings.Join(p.verbs, " or ") + " " + what
}

// grantedBy reports whether the rule grants p, counting every wildcard as
// matching: "*" API groups, resources and verbs, "*/sub" and also
// "res/*" and "*/*", which the authorizer takes literally but which are
// refused all the same.
func (p *sensitivePermission) grantedBy(r Rule) bool {
	if p.onlyUnnamed && len(r.ResourceNames) > 0 {
		return false
	}
	if !slices.Contains(r.APIGroups, p.group) && !slices.Contains(r.APIGroups, "*") {
		return false
	}
	if !resourceMatches(r.Resources, p.resource) {
		return false
	}
	if p.verbs == nil {
		return len(r.Verbs) > 0
	}
	if slices.Contains(r.Verbs, "*") {
		return true
	}
	for _, v := range p.verbs {
		if slices.Contains(r.Verbs, v) {
			return true
		}
	}
	return false
}

// resourceMatches reports whether any of the rule's resources matches
// want, a resource with an optional subresource where "*" matches any
// subresource.
func resourceMatches(resources []string, want string) bool {
	base, sub, hasSub := strings.Cut(want, "/")
	for _, r := range resources {
		if r == "*" || r == want {
			return true
		}
		if !hasSub {
			continue
		}
		rb, rs, ok := strings.Cut(r, "/")
		if ok && (rb == "*" || rb == base) && (rs == "*" || rs == sub || sub == "*") {
			return true
		}
	}
	return false
}
