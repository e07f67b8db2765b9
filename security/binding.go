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

// ServiceAccountRef names a ServiceAccount, always with its namespace: an
// unqualified name in a ClusterRoleBinding would be ambiguous.
type ServiceAccountRef struct {
	Name      string
	Namespace string
}

// RoleKind says whether a RoleBinding refers to a Role or a ClusterRole.
type RoleKind string

// The kinds of role a binding may refer to.
const (
	KindRole        RoleKind = "Role"
	KindClusterRole RoleKind = "ClusterRole"
)

// clusterAdmin is the built-in role that grants everything.
const clusterAdmin = "cluster-admin"

// broadBuiltinRole says why binding the named ClusterRole needs
// AllowBroadBuiltinRole, or returns "" for any other name. These are the
// built-in ClusterRoles broader than view: admin and edit (exec into pods,
// read and write secrets, and for admin write RBAC in the namespace) and
// every system: role, which the control plane's own components hold.
func broadBuiltinRole(name string) string {
	switch {
	case name == "admin":
		return "admin grants exec into pods, every secret and RBAC writes in the namespace"
	case name == "edit":
		return "edit grants exec into pods and every secret of the namespace, and so every ServiceAccount's rights"
	case strings.HasPrefix(name, "system:"):
		return "system: roles belong to the control plane's own components (nodes, controllers, the scheduler)"
	}
	return ""
}

// RoleBinding grants a Role (or a ClusterRole, within one namespace) to
// ServiceAccounts.
type RoleBinding struct {
	Name      string // a DNS-1123 subdomain; required
	Namespace string // a DNS-1123 label; required
	// RoleKind of the referenced role. Default: KindRole.
	RoleKind RoleKind
	// RoleName is the name of the Role or ClusterRole. Required: a DNS-1123
	// subdomain, or a built-in "system:" ClusterRole name.
	RoleName string
	// Subjects are the ServiceAccounts granted the role. At least one.
	Subjects []ServiceAccountRef
	Labels   map[string]string
	// AllowClusterAdmin permits binding the cluster-admin ClusterRole,
	// which grants every permission on every resource.
	AllowClusterAdmin bool
	// AllowBroadBuiltinRole permits binding the other built-in
	// ClusterRoles broader than view: admin, edit and any system: role.
	AllowBroadBuiltinRole bool
}

// ClusterRoleBinding grants a ClusterRole across the cluster.
type ClusterRoleBinding struct {
	Name string // a DNS-1123 subdomain; required
	// RoleName is the name of the ClusterRole. Required: a DNS-1123
	// subdomain, or a built-in "system:" ClusterRole name.
	RoleName string
	// Subjects are the ServiceAccounts granted the role. At least one.
	Subjects []ServiceAccountRef
	Labels   map[string]string
	// AllowClusterAdmin permits binding the cluster-admin ClusterRole,
	// which grants every permission on every resource.
	AllowClusterAdmin bool
	// AllowBroadBuiltinRole permits binding the other built-in
	// ClusterRoles broader than view: admin, edit and any system: role.
	AllowBroadBuiltinRole bool
}

func (b RoleBinding) kind() RoleKind {
	if b.RoleKind == "" {
		return KindRole
	}
	return b.RoleKind
}

// Validate reports every problem with the spec.
func (b RoleBinding) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(b.Name) {
		errs = append(errs, names.Subdomain(b.Name, field.NewPath("name"))...)
	}
	if !names.ValidDNS1123Label(b.Namespace) {
		errs = append(errs, names.Label(b.Namespace, field.NewPath("namespace"))...)
	}
	errs = append(errs, validateLabels(b.Labels)...)
	if k := b.kind(); k != KindRole && k != KindClusterRole {
		errs = append(errs, field.NotSupported(field.NewPath("roleKind"), b.RoleKind, []string{string(KindRole), string(KindClusterRole)}))
	}
	errs = append(errs, validateRoleRef(b.RoleName, b.kind() == KindClusterRole, b.AllowClusterAdmin, b.AllowBroadBuiltinRole)...)
	errs = append(errs, validateSubjects(b.Subjects)...)
	return errs
}

// Build returns the rbac.authorization.k8s.io/v1 RoleBinding.
func (b RoleBinding) Build() (*rbacv1.RoleBinding, error) {
	if errs := b.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: b.Namespace, Labels: copyMap(b.Labels)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: string(b.kind()), Name: b.RoleName},
		Subjects:   buildSubjects(b.Subjects),
	}, nil
}

// Validate reports every problem with the spec.
func (b ClusterRoleBinding) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(b.Name) {
		errs = append(errs, names.Subdomain(b.Name, field.NewPath("name"))...)
	}
	errs = append(errs, validateLabels(b.Labels)...)
	errs = append(errs, validateRoleRef(b.RoleName, true, b.AllowClusterAdmin, b.AllowBroadBuiltinRole)...)
	errs = append(errs, validateSubjects(b.Subjects)...)
	return errs
}

// Build returns the rbac.authorization.k8s.io/v1 ClusterRoleBinding.
func (b ClusterRoleBinding) Build() (*rbacv1.ClusterRoleBinding, error) {
	if errs := b.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: b.Name, Labels: copyMap(b.Labels)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: string(KindClusterRole), Name: b.RoleName},
		Subjects:   buildSubjects(b.Subjects),
	}, nil
}

// validateRoleRef checks the referenced role's name, and refuses the
// built-in ClusterRoles broader than view unless their opt-out is set.
// cluster says the reference is to a ClusterRole; a namespaced Role that
// happens to be called "admin" is the caller's own.
func validateRoleRef(name string, cluster, allowAdmin, allowBroad bool) field.ErrorList {
	var errs field.ErrorList
	system := cluster && strings.HasPrefix(name, "system:")
	switch {
	case system:
		// The built-in system: roles join DNS-1123 subdomains with colons
		// ("system:controller:job-controller"), which a subdomain alone
		// does not allow.
		for _, part := range strings.Split(name, ":") {
			if !names.ValidDNS1123Subdomain(part) {
				errs = append(errs, field.Invalid(field.NewPath("roleName"), name, `a "system:" role name must be DNS-1123 subdomains joined by colons`))
				break
			}
		}
	case !names.ValidDNS1123Subdomain(name):
		errs = names.Subdomain(name, field.NewPath("roleName"))
	}
	if !cluster {
		return errs
	}
	if name == clusterAdmin && !allowAdmin {
		errs = append(errs, field.Forbidden(field.NewPath("roleName"), fmt.Sprintf("binding %s grants every permission on every resource; set allowClusterAdmin if it is really needed", clusterAdmin)))
	}
	if why := broadBuiltinRole(name); why != "" && !allowBroad {
		errs = append(errs, field.Forbidden(field.NewPath("roleName"), fmt.Sprintf("binding the built-in ClusterRole %q: %s; bind view or a role of your own, or set allowBroadBuiltinRole if it is really needed", name, why)))
	}
	return errs
}

// validateSubjects checks the subjects, at subjects[i]; paths are built only
// for the problems found.
func validateSubjects(subjects []ServiceAccountRef) field.ErrorList {
	if len(subjects) == 0 {
		return field.ErrorList{field.Required(field.NewPath("subjects"), "bind at least one ServiceAccount")}
	}
	var errs field.ErrorList
	at := func(i int) *field.Path { return field.NewPath("subjects").Index(i) }
	for i, s := range subjects {
		if !names.ValidDNS1123Subdomain(s.Name) {
			errs = append(errs, names.Subdomain(s.Name, at(i).Child("name"))...)
		}
		if !names.ValidDNS1123Label(s.Namespace) {
			errs = append(errs, names.Label(s.Namespace, at(i).Child("namespace"))...)
		}
		if slices.Contains(subjects[:i], s) {
			errs = append(errs, field.Duplicate(at(i), s.Namespace+"/"+s.Name))
		}
	}
	return errs
}

func buildSubjects(subjects []ServiceAccountRef) []rbacv1.Subject {
	out := make([]rbacv1.Subject, 0, len(subjects))
	for _, s := range subjects {
		out = append(out, rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: s.Name, Namespace: s.Namespace})
	}
	return out
}

// DeploymentManager is the role a deploy pipeline needs in one namespace:
// full control of Deployments and ReplicaSets, and read access to pods and
// their logs to follow a rollout. It grants nothing that reaches secrets,
// exec or RBAC.
func DeploymentManager(namespace string) Role {
	return Role{
		Name:      "deployment-manager",
		Namespace: namespace,
		Rules: []Rule{
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
			{APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}, Verbs: []string{"get", "list", "watch"}},
		},
	}
}

// Viewer is a read-only role over the everyday objects of one namespace:
// workloads, pods and their logs, services, config maps, events, autoscalers
// and disruption budgets. Secrets are left out on purpose.
func Viewer(namespace string) Role {
	read := []string{"get", "list", "watch"}
	return Role{
		Name:      "viewer",
		Namespace: namespace,
		Rules: []Rule{
			{APIGroups: []string{""}, Resources: []string{"pods", "pods/log", "services", "endpoints", "configmaps", "events", "persistentvolumeclaims", "serviceaccounts"}, Verbs: read},
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets", "statefulsets", "daemonsets"}, Verbs: read},
			{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: read},
			{APIGroups: []string{"autoscaling"}, Resources: []string{"horizontalpodautoscalers"}, Verbs: read},
			{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: read},
		},
	}
}
