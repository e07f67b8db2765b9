package security

import (
	"fmt"
	"slices"

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

// RoleBinding grants a Role (or a ClusterRole, within one namespace) to
// ServiceAccounts.
type RoleBinding struct {
	Name      string // a DNS-1123 subdomain; required
	Namespace string // a DNS-1123 label; required
	// RoleKind of the referenced role. Default: KindRole.
	RoleKind RoleKind
	// RoleName is the name of the Role or ClusterRole. Required.
	RoleName string
	// Subjects are the ServiceAccounts granted the role. At least one.
	Subjects []ServiceAccountRef
	Labels   map[string]string
	// AllowClusterAdmin permits binding the cluster-admin ClusterRole.
	AllowClusterAdmin bool
}

// ClusterRoleBinding grants a ClusterRole across the cluster.
type ClusterRoleBinding struct {
	Name string // a DNS-1123 subdomain; required
	// RoleName is the name of the ClusterRole. Required.
	RoleName string
	// Subjects are the ServiceAccounts granted the role. At least one.
	Subjects []ServiceAccountRef
	Labels   map[string]string
	// AllowClusterAdmin permits binding the cluster-admin ClusterRole.
	AllowClusterAdmin bool
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
	errs = append(errs, validateRoleRef(b.RoleName, b.kind() == KindClusterRole, b.AllowClusterAdmin)...)
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
	errs = append(errs, validateRoleRef(b.RoleName, true, b.AllowClusterAdmin)...)
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

func validateRoleRef(name string, cluster, allowAdmin bool) field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Subdomain(name) {
		errs = names.Subdomain(name, field.NewPath("roleName"))
	}
	if cluster && name == clusterAdmin && !allowAdmin {
		errs = append(errs, field.Forbidden(field.NewPath("roleName"), fmt.Sprintf("binding %s grants every permission on every resource; set allowClusterAdmin if it is really needed", clusterAdmin)))
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
