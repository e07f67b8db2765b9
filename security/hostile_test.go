package security

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// TestHostileFields is the adversarial table the issue asks for: for every
// field of every intent type of the RBAC, binding, namespace and
// ServiceAccount files, the worst value a careless or hostile user could
// pass, and what the library does with it: the exact errors, or, where
// the value is accepted, a check on the object built.
func TestHostileFields(t *testing.T) {
	sa := []ServiceAccountRef{{Name: "ci", Namespace: "build"}}
	rule := func(group, res, verb string) []Rule {
		return []Rule{{APIGroups: []string{group}, Resources: []string{res}, Verbs: []string{verb}}}
	}
	read := rule("", "configmaps", "get")
	tests := []struct {
		field, why string
		spec       validator
		want       []string
		built      func(obj any) string // for accepted specs: "" or what is wrong
	}{
		// Role
		{"Role.Name", "path traversal", Role{Name: "../etc", Namespace: "n", Rules: read}, []string{"FieldValueInvalid name"}, nil},
		{"Role.Name", "shadowing a system role", Role{Name: "system:node", Namespace: "n", Rules: read}, []string{"FieldValueInvalid name"}, nil},
		{"Role.Namespace", "missing", Role{Name: "r", Rules: read}, []string{"FieldValueRequired namespace"}, nil},
		{"Role.Namespace", "kube-system does not relax the rules", Role{Name: "r", Namespace: "kube-system", Rules: rule("", "secrets", "list")}, []string{"FieldValueForbidden rules[0]"}, nil},
		{"Role.Rules", "none", Role{Name: "r", Namespace: "n"}, []string{"FieldValueRequired rules"}, nil},
		{"Rule.APIGroups", "every group, reaching core secrets", Role{Name: "r", Namespace: "n", Rules: rule("*", "secrets", "get")}, []string{"FieldValueForbidden rules[0].apiGroups[0]", "FieldValueForbidden rules[0]"}, nil},
		{"Rule.APIGroups", "missing", Role{Name: "r", Namespace: "n", Rules: []Rule{{Resources: []string{"pods"}, Verbs: []string{"get"}}}}, []string{"FieldValueRequired rules[0].apiGroups"}, nil},
		{"Rule.Resources", "exec in every resource", Role{Name: "r", Namespace: "n", Rules: rule("", "*/exec", "create")}, []string{"FieldValueForbidden rules[0].resources[0]", "FieldValueForbidden rules[0]"}, nil},
		{"Rule.Resources", "upper case, which the authorizer never matches", Role{Name: "r", Namespace: "n", Rules: rule("", "PODS/EXEC", "create")}, []string{"FieldValueInvalid rules[0].resources[0]"}, nil},
		{"Rule.Resources", "a third path part", Role{Name: "r", Namespace: "n", Rules: rule("", "pods/exec/x", "create")}, []string{"FieldValueInvalid rules[0].resources[0]"}, nil},
		{"Rule.Verbs", "every verb", Role{Name: "r", Namespace: "n", Rules: rule("", "pods", "*")}, []string{"FieldValueForbidden rules[0].verbs[0]"}, nil},
		{"Rule.Verbs", "constrained impersonation", Role{Name: "r", Namespace: "n", Rules: rule("authentication.k8s.io", "userextras/scopes", "impersonate:user-info")}, []string{"FieldValueNotSupported rules[0].verbs[0]"}, nil},
		{"Rule.Verbs", "mixed case", Role{Name: "r", Namespace: "n", Rules: rule("", "pods", "Create")}, []string{"FieldValueNotSupported rules[0].verbs[0]"}, nil},
		{"Rule.ResourceNames", "empty name", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get"}, ResourceNames: []string{""}}}}, []string{"FieldValueInvalid rules[0].resourceNames[0]"}, nil},
		{"Rule.ResourceNames", `"*" is a literal name to the authorizer`, Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}, ResourceNames: []string{"*"}}}}, nil,
			func(obj any) string {
				if why := grantedSensitive(obj.(*rbacv1.Role).Rules, Permissions{}); why != "" {
					return "grants " + why
				}
				return ""
			}},
		{"Rule.ResourceNames", "names do not make exec safe", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create"}, ResourceNames: []string{"web-0"}}}}, []string{"FieldValueForbidden rules[0]"}, nil},
		{"Rule.NonResourceURLs", "in a Role", Role{Name: "r", Namespace: "n", Rules: []Rule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}, []string{"FieldValueForbidden rules[0].nonResourceURLs"}, nil},
		{"Rule.NonResourceURLs", "every URL", ClusterRole{Name: "c", Rules: []Rule{{NonResourceURLs: []string{"/*"}, Verbs: []string{"get"}}}}, []string{"FieldValueForbidden rules[0].nonResourceURLs[0]"}, nil},
		{"Role.Labels", "invalid key", Role{Name: "r", Namespace: "n", Rules: read, Labels: map[string]string{"a b": "c"}}, []string{"FieldValueInvalid labels"}, nil},
		{"Role.Permissions", "wildcards alone do not open sensitive grants", Role{Name: "r", Namespace: "n", Rules: rule("", "*", "get"), Permissions: Permissions{AllowWildcards: true}},
			[]string{"FieldValueForbidden rules[0]", "FieldValueForbidden rules[0]", "FieldValueForbidden rules[0]"}, nil}, // exec, proxy, secrets
		// ClusterRole
		{"ClusterRole.Name", "redefining the built-in view", ClusterRole{Name: "view", Rules: read}, []string{"FieldValueForbidden name"}, nil},
		{"ClusterRole.Name", "redefining cluster-admin", ClusterRole{Name: "cluster-admin", Rules: read}, []string{"FieldValueForbidden name"}, nil},
		{"ClusterRole.Labels", "aggregating into admin", ClusterRole{Name: "c", Rules: read, Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}, []string{"FieldValueForbidden labels[rbac.authorization.k8s.io/aggregate-to-admin]"}, nil},
		{"ClusterRole.Rules", "impersonating system:masters", ClusterRole{Name: "c", Rules: rule("", "groups", "impersonate")}, []string{"FieldValueForbidden rules[0].verbs[0]"}, nil},
		// RoleBinding and ClusterRoleBinding
		{"RoleBinding.RoleKind", "wrong case", RoleBinding{Name: "b", Namespace: "n", RoleKind: "clusterrole", RoleName: "r", Subjects: sa}, []string{"FieldValueNotSupported roleKind"}, nil},
		{"RoleBinding.RoleName", "admin in one namespace", RoleBinding{Name: "b", Namespace: "n", RoleKind: KindClusterRole, RoleName: "admin", Subjects: sa}, []string{"FieldValueForbidden roleName"}, nil},
		{"RoleBinding.RoleName", "the nodes' role", RoleBinding{Name: "b", Namespace: "n", RoleKind: KindClusterRole, RoleName: "system:node", Subjects: sa}, []string{"FieldValueForbidden roleName"}, nil},
		{"RoleBinding.Subjects", "none", RoleBinding{Name: "b", Namespace: "n", RoleName: "r"}, []string{"FieldValueRequired subjects"}, nil},
		{"RoleBinding.Subjects", "a user name posing as an account", RoleBinding{Name: "b", Namespace: "n", RoleName: "r", Subjects: []ServiceAccountRef{{Name: "system:serviceaccount:kube-system:default", Namespace: "n"}}}, []string{"FieldValueInvalid subjects[0].name"}, nil},
		{"RoleBinding.AllowClusterAdmin", "does not open admin", RoleBinding{Name: "b", Namespace: "n", RoleKind: KindClusterRole, RoleName: "admin", Subjects: sa, AllowClusterAdmin: true}, []string{"FieldValueForbidden roleName"}, nil},
		{"RoleBinding.AllowBroadBuiltinRole", "does not open cluster-admin", RoleBinding{Name: "b", Namespace: "n", RoleKind: KindClusterRole, RoleName: "cluster-admin", Subjects: sa, AllowBroadBuiltinRole: true}, []string{"FieldValueForbidden roleName"}, nil},
		{"ClusterRoleBinding.RoleName", "edit everywhere", ClusterRoleBinding{Name: "b", RoleName: "edit", Subjects: sa}, []string{"FieldValueForbidden roleName"}, nil},
		{"ClusterRoleBinding.Subjects", "unqualified account", ClusterRoleBinding{Name: "b", RoleName: "r", Subjects: []ServiceAccountRef{{Name: "ci"}}}, []string{"FieldValueRequired subjects[0].namespace"}, nil},
		// ServiceAccount
		{"ServiceAccount.Name", "with a namespace in it", ServiceAccount{Name: "kube-system/default", Namespace: "n"}, []string{"FieldValueInvalid name"}, nil},
		{"ServiceAccount.AutomountToken", "left at its zero value for the default account", ServiceAccount{Name: "default", Namespace: "n"}, nil,
			func(obj any) string {
				if a := obj.(*corev1.ServiceAccount).AutomountServiceAccountToken; a == nil || *a {
					return "the token is mounted"
				}
				return ""
			}},
		// Namespace and Level
		{"Namespace.Name", "upper case", Namespace{Name: "Prod"}, []string{"FieldValueInvalid name"}, nil},
		{"Namespace.Enforce", "restricted on kube-system", Namespace{Name: "kube-system", Enforce: LevelRestricted}, []string{"FieldValueInvalid enforce"}, nil},
		{"Namespace.Enforce", "a level in the wrong case", Namespace{Name: "a", Enforce: "Restricted"}, []string{"FieldValueNotSupported enforce"}, nil},
		{"Namespace.Audit", "hiding what enforce refuses", Namespace{Name: "a", Audit: LevelPrivileged}, []string{"FieldValueInvalid audit"}, nil},
		{"Namespace.Warn", "hiding what enforce refuses", Namespace{Name: "a", Enforce: LevelBaseline, Warn: LevelPrivileged}, []string{"FieldValueInvalid warn"}, nil},
		{"Namespace.EnforceVersion", "not a version", Namespace{Name: "a", EnforceVersion: "v1.37; rm -rf /"}, []string{"FieldValueInvalid enforceVersion"}, nil},
		{"Namespace.Labels", "overriding the enforce label", Namespace{Name: "a", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}}, []string{"FieldValueForbidden labels[pod-security.kubernetes.io/enforce]"}, nil},
		{"Namespace.Labels", "an exemption-looking label is just a label", Namespace{Name: "a", Labels: map[string]string{"pod-security.kubernetes.io-exempt": "true"}}, nil,
			func(obj any) string {
				if l := obj.(*corev1.Namespace).Labels; l["pod-security.kubernetes.io/enforce"] != "restricted" {
					return "enforce = " + l["pod-security.kubernetes.io/enforce"]
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.field+"/"+tt.why, func(t *testing.T) {
			wantPaths(t, tt.spec.Validate(), tt.want...)
			obj, err := buildAny(tt.spec)
			if (err != nil) != (len(tt.want) > 0) || (obj == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v; want exactly one of object or error", obj, err)
			}
			if obj != nil && tt.built != nil {
				if why := tt.built(obj); why != "" {
					t.Error(why)
				}
			}
			if err != nil && strings.TrimSpace(err.Error()) == "" {
				t.Error("empty error text")
			}
		})
	}
}

// buildAny builds any spec of the table, returning a nil interface with
// the error, so that "exactly one of object or error" can be checked.
func buildAny(s validator) (any, error) {
	var obj any
	var err error
	switch s := s.(type) {
	case Role:
		obj, err = nilIfErr(s.Build())
	case ClusterRole:
		obj, err = nilIfErr(s.Build())
	case RoleBinding:
		obj, err = nilIfErr(s.Build())
	case ClusterRoleBinding:
		obj, err = nilIfErr(s.Build())
	case ServiceAccount:
		obj, err = nilIfErr(s.Build())
	case Namespace:
		obj, err = nilIfErr(s.Build())
	default:
		panic(fmt.Sprintf("buildAny: %T", s))
	}
	return obj, err
}

// nilIfErr returns the object as an interface, nil (not a typed nil) when
// it is nil, so that a half-built object with an error is still seen.
func nilIfErr[O comparable](o O, err error) (any, error) {
	var zero O
	if o == zero {
		return nil, err
	}
	return o, err
}
