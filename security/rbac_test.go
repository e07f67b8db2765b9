package security

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
)

func TestRoleValidate(t *testing.T) {
	read := []string{"get", "list", "watch"}
	tests := []struct {
		name string
		role Role
		want []string
	}{
		{"deployment manager preset", DeploymentManager("production"), nil},
		{"viewer preset", Viewer("team-a"), nil},
		{"empty", Role{}, []string{"FieldValueRequired name", "FieldValueRequired namespace", "FieldValueRequired rules"}},
		{"rule without parts", Role{Name: "r", Namespace: "n", Rules: []Rule{{}}}, []string{
			"FieldValueRequired rules[0].verbs", "FieldValueRequired rules[0].apiGroups", "FieldValueRequired rules[0].resources"}},
		{"wildcards", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, []string{
			"FieldValueForbidden rules[0].apiGroups[0]", "FieldValueForbidden rules[0].resources[0]", "FieldValueForbidden rules[0].verbs[0]",
			"FieldValueForbidden rules[0]"}},
		{"wildcards allowed by name still refuse sensitive access", Role{Name: "r", Namespace: "n", Permissions: Permissions{AllowWildcards: true},
			Rules: []Rule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"all opt-outs", Role{Name: "r", Namespace: "n", Permissions: Permissions{AllowWildcards: true, AllowEscalation: true, AllowSensitiveAccess: true},
			Rules: []Rule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, nil},
		{"unknown verb", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "read"}}}}, []string{
			"FieldValueNotSupported rules[0].verbs[1]"}},
		{"escalation verbs", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles"}, Verbs: []string{"bind", "escalate"}}}}, []string{
			"FieldValueForbidden rules[0].verbs[0]", "FieldValueForbidden rules[0].verbs[1]"}},
		{"write secrets", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"update"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"list secrets", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"get one named secret is fine", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tls"}, Verbs: []string{"get"}}}}, nil},
		{"exec", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"get"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"token", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"serviceaccounts/token"}, Verbs: []string{"create"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"write rolebindings", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"rolebindings"}, Verbs: []string{"create"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"read rbac is fine", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles", "rolebindings"}, Verbs: read}}}, nil},
		{"secrets in another group is not core secrets", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"example.com"}, Resources: []string{"secrets"}, Verbs: []string{"update"}}}}, nil},
		{"bad resource and group", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"Bad_Group"}, Resources: []string{"Pods", "a/b/c"}, Verbs: read}}}, []string{
			"FieldValueInvalid rules[0].apiGroups[0]", "FieldValueInvalid rules[0].resources[0]", "FieldValueInvalid rules[0].resources[1]"}},
		{"non-resource URL in a Role", Role{Name: "r", Namespace: "n", Rules: []Rule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}, []string{"FieldValueForbidden rules[0].nonResourceURLs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, tt.role.Validate(), tt.want...)
			obj, err := tt.role.Build()
			if (err != nil) != (len(tt.want) > 0) || (obj == nil) == (err == nil) {
				t.Errorf("Build() = %v, %v; want exactly one of object or error", obj, err)
			}
		})
	}
}

func TestClusterRoleNonResourceURLs(t *testing.T) {
	cr := ClusterRole{Name: "metrics-reader", Rules: []Rule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}
	obj, err := cr.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}
	if diff := cmp.Diff(want, obj.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	bad := ClusterRole{Name: "x", Rules: []Rule{
		{NonResourceURLs: []string{"metrics", "/*"}, Verbs: []string{"list"}},
		{NonResourceURLs: []string{"/healthz"}, Resources: []string{"pods"}, Verbs: []string{"get"}},
	}}
	wantPaths(t, bad.Validate(),
		"FieldValueInvalid rules[0].nonResourceURLs[0]", "FieldValueForbidden rules[0].nonResourceURLs[1]", "FieldValueNotSupported rules[0].verbs[0]",
		"FieldValueInvalid rules[1].nonResourceURLs")
}

func TestBindings(t *testing.T) {
	sa := []ServiceAccountRef{{Name: "deployer", Namespace: "production"}}
	rb, err := RoleBinding{Name: "deploy", Namespace: "production", RoleName: "deployment-manager", Subjects: sa}.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "deployment-manager"}
	if rb.RoleRef != want || rb.Subjects[0].Kind != "ServiceAccount" || rb.Subjects[0].Namespace != "production" {
		t.Errorf("binding = %+v", rb)
	}
	tests := []struct {
		name string
		errs []string
		want []string
	}{
		{"role binding to cluster-admin", errPaths(RoleBinding{Name: "b", Namespace: "n", RoleKind: KindClusterRole, RoleName: "cluster-admin", Subjects: sa}.Validate()), []string{"FieldValueForbidden roleName"}},
		{"role binding to cluster-admin allowed by name", errPaths(RoleBinding{Name: "b", Namespace: "n", RoleKind: KindClusterRole, RoleName: "cluster-admin", Subjects: sa, AllowClusterAdmin: true}.Validate()), nil},
		{"cluster role binding to cluster-admin", errPaths(ClusterRoleBinding{Name: "b", RoleName: "cluster-admin", Subjects: sa}.Validate()), []string{"FieldValueForbidden roleName"}},
		{"bad kind, no subjects", errPaths(RoleBinding{Name: "b", Namespace: "n", RoleKind: "Group", RoleName: "r"}.Validate()), []string{"FieldValueNotSupported roleKind", "FieldValueRequired subjects"}},
		{"unqualified and duplicate subjects", errPaths(ClusterRoleBinding{Name: "b", RoleName: "r", Subjects: []ServiceAccountRef{{Name: "a"}, {Name: "x", Namespace: "y"}, {Name: "x", Namespace: "y"}}}.Validate()),
			[]string{"FieldValueRequired subjects[0].namespace", "FieldValueDuplicate subjects[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.errs); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestServiceAccount(t *testing.T) {
	sa, err := ServiceAccount{Name: "web", Namespace: "production"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
		t.Errorf("token automount = %v, want false", sa.AutomountServiceAccountToken)
	}
	wantPaths(t, ServiceAccount{Name: "Web", Namespace: "a.b"}.Validate(), "FieldValueInvalid name", "FieldValueInvalid namespace")
}
