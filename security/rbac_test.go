package security

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacvalidation "k8s.io/component-helpers/auth/rbac/validation"
	"sigs.k8s.io/randfill"

	"github.com/prodkube/prodkube/internal/fuzzfill"
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
		{"wildcards", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, append([]string{
			"FieldValueForbidden rules[0].apiGroups[0]", "FieldValueForbidden rules[0].resources[0]", "FieldValueForbidden rules[0].verbs[0]"},
			repeat("FieldValueForbidden rules[0]", 11)...)},
		// One error for each of the eleven classes of sensitive grant.
		{"wildcards allowed by name still refuse sensitive access", Role{Name: "r", Namespace: "n", Permissions: Permissions{AllowWildcards: true},
			Rules: []Rule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, repeat("FieldValueForbidden rules[0]", 11)},
		{"all opt-outs", Role{Name: "r", Namespace: "n", Permissions: allPermissions,
			Rules: []Rule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, nil},
		{"unknown verb", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "read"}}}}, []string{
			"FieldValueNotSupported rules[0].verbs[1]"}},
		{"escalation verbs", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles"}, Verbs: []string{"bind", "escalate"}}}}, []string{
			"FieldValueForbidden rules[0].verbs[0]", "FieldValueForbidden rules[0].verbs[1]"}},
		{"write secrets", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"update"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"list secrets", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}}}}, []string{"FieldValueForbidden rules[0]"}},
		{"get one named secret is fine", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tls"}, Verbs: []string{"get"}}}}, nil},
		{"get every secret", Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}}}}, []string{"FieldValueForbidden rules[0]"}},
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

// allPermissions sets every opt-out of Permissions.
var allPermissions = Permissions{
	AllowWildcards: true, AllowEscalation: true, AllowRBACWrite: true, AllowImpersonate: true,
	AllowExec: true, AllowProxy: true, AllowTokenRequest: true, AllowCSRApproval: true,
	AllowAdmissionWrite: true, AllowNodeWrite: true, AllowPersistentVolumeWrite: true, AllowSecretAccess: true,
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestSensitiveGrants: each grant that lets a subject run code in pods, act
// as a node or another identity, issue credentials or hand out rights is
// refused, at the path given, unless its own opt-out is set; the error
// names that opt-out; and the opt-out of any other class does not help.
func TestSensitiveGrants(t *testing.T) {
	const (
		escalation  = "AllowEscalation"
		rbacWrite   = "AllowRBACWrite"
		impersonate = "AllowImpersonate"
		exec        = "AllowExec"
		proxy       = "AllowProxy"
		token       = "AllowTokenRequest"
		csr         = "AllowCSRApproval"
		admission   = "AllowAdmissionWrite"
		node        = "AllowNodeWrite"
		pv          = "AllowPersistentVolumeWrite"
		secrets     = "AllowSecretAccess"
	)
	type opt = string
	tests := []struct {
		name   string
		rule   Rule
		optOut []opt    // the Permissions fields the rule needs; nil: accepted as is
		word   []string // the field names the errors mention
		want   []string
	}{
		{"exec", Rule{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create"}}, []opt{exec}, []string{"allowExec"}, []string{"FieldValueForbidden rules[0]"}},
		{"exec by get (websocket)", Rule{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"get"}}, []opt{exec}, []string{"allowExec"}, []string{"FieldValueForbidden rules[0]"}},
		{"exec on one named pod", Rule{APIGroups: []string{""}, Resources: []string{"pods/exec"}, ResourceNames: []string{"web-0"}, Verbs: []string{"create"}}, []opt{exec}, []string{"allowExec"}, []string{"FieldValueForbidden rules[0]"}},
		{"attach", Rule{APIGroups: []string{""}, Resources: []string{"pods/attach"}, Verbs: []string{"create"}}, []opt{exec}, []string{"allowExec"}, []string{"FieldValueForbidden rules[0]"}},
		{"port-forward", Rule{APIGroups: []string{""}, Resources: []string{"pods/portforward"}, Verbs: []string{"create"}}, []opt{exec}, []string{"allowExec"}, []string{"FieldValueForbidden rules[0]"}},
		{"kubectl debug", Rule{APIGroups: []string{""}, Resources: []string{"pods/ephemeralcontainers"}, Verbs: []string{"patch"}}, []opt{exec}, []string{"allowExec"}, []string{"FieldValueForbidden rules[0]"}},
		{"reading ephemeral containers is fine", Rule{APIGroups: []string{""}, Resources: []string{"pods/ephemeralcontainers"}, Verbs: []string{"get"}}, nil, nil, nil},
		{"*/exec", Rule{APIGroups: []string{""}, Resources: []string{"*/exec"}, Verbs: []string{"get"}}, []opt{exec}, []string{"allowExec", "allowWildcards"}, []string{"FieldValueForbidden rules[0].resources[0]", "FieldValueForbidden rules[0]"}},
		{"pods/* reaches exec and proxy", Rule{APIGroups: []string{""}, Resources: []string{"pods/*"}, Verbs: []string{"get"}}, []opt{exec, proxy}, []string{"allowExec", "allowProxy"}, []string{"FieldValueForbidden rules[0].resources[0]", "FieldValueForbidden rules[0]", "FieldValueForbidden rules[0]"}},
		{"pod proxy", Rule{APIGroups: []string{""}, Resources: []string{"pods/proxy"}, Verbs: []string{"get"}}, []opt{proxy}, []string{"allowProxy"}, []string{"FieldValueForbidden rules[0]"}},
		{"service proxy", Rule{APIGroups: []string{""}, Resources: []string{"services/proxy"}, Verbs: []string{"get"}}, []opt{proxy}, []string{"allowProxy"}, []string{"FieldValueForbidden rules[0]"}},
		{"node proxy", Rule{APIGroups: []string{""}, Resources: []string{"nodes/proxy"}, Verbs: []string{"get"}}, []opt{proxy}, []string{"allowProxy"}, []string{"FieldValueForbidden rules[0]"}},
		{"node metrics is fine", Rule{APIGroups: []string{""}, Resources: []string{"nodes/metrics", "nodes"}, Verbs: []string{"get"}}, nil, nil, nil},
		{"token request", Rule{APIGroups: []string{""}, Resources: []string{"serviceaccounts/token"}, Verbs: []string{"create"}}, []opt{token}, []string{"allowTokenRequest"}, []string{"FieldValueForbidden rules[0]"}},
		{"impersonate users", Rule{APIGroups: []string{""}, Resources: []string{"users"}, Verbs: []string{"impersonate"}}, []opt{impersonate}, []string{"allowImpersonate"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"impersonate a named group", Rule{APIGroups: []string{""}, Resources: []string{"groups"}, ResourceNames: []string{"system:masters"}, Verbs: []string{"impersonate"}}, []opt{impersonate}, []string{"allowImpersonate"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"impersonate uids and extras", Rule{APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"uids", "userextras/scopes"}, Verbs: []string{"impersonate"}}, []opt{impersonate}, []string{"allowImpersonate"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"every verb on serviceaccounts includes impersonate", Rule{APIGroups: []string{""}, Resources: []string{"serviceaccounts"}, Verbs: []string{"*"}}, []opt{impersonate}, []string{"allowImpersonate", "allowWildcards"}, []string{"FieldValueForbidden rules[0].verbs[0]", "FieldValueForbidden rules[0]"}},
		{"approve CSRs", Rule{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests/approval"}, Verbs: []string{"update"}}, []opt{csr}, []string{"allowCSRApproval"}, []string{"FieldValueForbidden rules[0]"}},
		{"approve on signers", Rule{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, ResourceNames: []string{"kubernetes.io/kube-apiserver-client"}, Verbs: []string{"approve"}}, []opt{csr}, []string{"allowCSRApproval"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"sign on signers", Rule{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, Verbs: []string{"sign"}}, []opt{csr}, []string{"allowCSRApproval"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"write CSR status", Rule{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests/status"}, Verbs: []string{"patch"}}, []opt{csr}, []string{"allowCSRApproval"}, []string{"FieldValueForbidden rules[0]"}},
		{"requesting a certificate is fine", Rule{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}, Verbs: []string{"create", "get"}}, nil, nil, nil},
		{"webhook configurations", Rule{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"mutatingwebhookconfigurations", "validatingwebhookconfigurations"}, Verbs: []string{"update"}}, []opt{admission}, []string{"allowAdmissionWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"deleting a validating policy", Rule{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"validatingadmissionpolicies", "validatingadmissionpolicybindings"}, Verbs: []string{"delete"}}, []opt{admission}, []string{"allowAdmissionWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"mutating policies", Rule{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"mutatingadmissionpolicies"}, Verbs: []string{"create"}}, []opt{admission}, []string{"allowAdmissionWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"reading admission configuration is fine", Rule{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"validatingwebhookconfigurations"}, Verbs: []string{"list"}}, nil, nil, nil},
		{"escalate", Rule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"clusterroles"}, Verbs: []string{"escalate"}}, []opt{escalation}, []string{"allowEscalation"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"bind", Rule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles"}, Verbs: []string{"bind"}}, []opt{escalation}, []string{"allowEscalation"}, []string{"FieldValueForbidden rules[0].verbs[0]"}},
		{"write clusterrolebindings", Rule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"clusterrolebindings"}, Verbs: []string{"patch"}}, []opt{rbacWrite}, []string{"allowRBACWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"every verb on roles", Rule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles"}, Verbs: []string{"*"}}, []opt{escalation, rbacWrite}, []string{"allowEscalation", "allowRBACWrite", "allowWildcards"},
			[]string{"FieldValueForbidden rules[0].verbs[0]", "FieldValueForbidden rules[0]", "FieldValueForbidden rules[0]"}},
		{"write nodes", Rule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"patch"}}, []opt{node}, []string{"allowNodeWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"write node status", Rule{APIGroups: []string{""}, Resources: []string{"nodes/status"}, Verbs: []string{"update"}}, []opt{node}, []string{"allowNodeWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"nodes in every group", Rule{APIGroups: []string{"*"}, Resources: []string{"nodes"}, Verbs: []string{"create"}}, []opt{node}, []string{"allowNodeWrite", "allowWildcards"}, []string{"FieldValueForbidden rules[0].apiGroups[0]", "FieldValueForbidden rules[0]"}},
		{"create persistent volumes", Rule{APIGroups: []string{""}, Resources: []string{"persistentvolumes"}, Verbs: []string{"create"}}, []opt{pv}, []string{"allowPersistentVolumeWrite"}, []string{"FieldValueForbidden rules[0]"}},
		{"claims are fine", Rule{APIGroups: []string{""}, Resources: []string{"persistentvolumeclaims"}, Verbs: []string{"create"}}, nil, nil, nil},
		{"watch secrets", Rule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"watch"}}, []opt{secrets}, []string{"allowSecretAccess"}, []string{"FieldValueForbidden rules[0]"}},
		{"update a named secret", Rule{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tls"}, Verbs: []string{"update"}}, []opt{secrets}, []string{"allowSecretAccess"}, []string{"FieldValueForbidden rules[0]"}},
		{"list named secrets is fine", Rule{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tls"}, Verbs: []string{"list", "watch"}}, nil, nil, nil},
	}
	set := func(p *Permissions, field string) {
		f := reflect.ValueOf(p).Elem().FieldByName(field)
		if !f.IsValid() {
			t.Fatalf("Permissions has no field %s", field)
		}
		f.SetBool(true)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role := Role{Name: "r", Namespace: "n", Rules: []Rule{tt.rule}}
			errs := role.Validate()
			wantPaths(t, errs, tt.want...)
			msg := errs.ToAggregate()
			for _, w := range tt.word {
				if msg == nil || !strings.Contains(msg.Error(), "permissions."+w) {
					t.Errorf("errors %v do not name permissions.%s", msg, w)
				}
			}
			// Every opt-out but the needed ones, wildcards included: still refused.
			if tt.optOut != nil {
				var others Permissions
				for _, f := range reflect.VisibleFields(reflect.TypeOf(others)) {
					if !slices.Contains(tt.optOut, f.Name) {
						set(&others, f.Name)
					}
				}
				role.Permissions = others
				if len(role.Validate()) == 0 {
					t.Errorf("accepted with every other opt-out set")
				}
			}
			// The needed opt-outs (and wildcards): accepted.
			role.Permissions = Permissions{AllowWildcards: true}
			for _, f := range tt.optOut {
				set(&role.Permissions, f)
			}
			if errs := role.Validate(); len(errs) > 0 {
				t.Errorf("refused with its opt-outs set: %v", errs)
			}
		})
	}
}

// TestBuiltinRoleBindings: a binding to a built-in ClusterRole broader than
// view is refused at roleName unless its opt-out is set; view, and a
// namespaced Role that happens to share a built-in name, are fine.
func TestBuiltinRoleBindings(t *testing.T) {
	sa := []ServiceAccountRef{{Name: "ci", Namespace: "build"}}
	forbidden := []string{"FieldValueForbidden roleName"}
	tests := []struct {
		role                   string
		kind                   RoleKind // of the RoleBinding
		allowAdmin, allowBroad bool
		wantRB, wantCRB        []string
	}{
		{"view", KindClusterRole, false, false, nil, nil},
		{"cluster-admin", KindClusterRole, false, false, forbidden, forbidden},
		{"cluster-admin", KindClusterRole, false, true, forbidden, forbidden},
		{"cluster-admin", KindClusterRole, true, false, nil, nil},
		{"admin", KindClusterRole, false, false, forbidden, forbidden},
		{"admin", KindClusterRole, true, false, forbidden, forbidden},
		{"admin", KindClusterRole, false, true, nil, nil},
		{"edit", KindClusterRole, false, false, forbidden, forbidden},
		{"edit", KindClusterRole, false, true, nil, nil},
		{"system:node", KindClusterRole, false, false, forbidden, forbidden},
		{"system:controller:job-controller", KindClusterRole, false, false, forbidden, forbidden},
		{"system:certificates.k8s.io:certificatesigningrequests:nodeclient", KindClusterRole, false, true, nil, nil},
		{"system:auth-delegator", KindClusterRole, false, true, nil, nil},
		{"system:", KindClusterRole, false, true, []string{"FieldValueInvalid roleName"}, []string{"FieldValueInvalid roleName"}},
		{"system:Node", KindClusterRole, false, true, []string{"FieldValueInvalid roleName"}, []string{"FieldValueInvalid roleName"}},
		{"system:a b", KindClusterRole, false, false, []string{"FieldValueInvalid roleName", "FieldValueForbidden roleName"}, []string{"FieldValueInvalid roleName", "FieldValueForbidden roleName"}},
		// A Role of the namespace's own is not the built-in ClusterRole;
		// colons are not allowed in a Role name here.
		{"admin", KindRole, false, false, nil, nil},
		{"edit", "", false, false, nil, nil},
		{"system:node", KindRole, false, true, []string{"FieldValueInvalid roleName"}, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%v/%v", tt.role, tt.kind, tt.allowAdmin, tt.allowBroad), func(t *testing.T) {
			rb := RoleBinding{Name: "b", Namespace: "build", RoleKind: tt.kind, RoleName: tt.role, Subjects: sa, AllowClusterAdmin: tt.allowAdmin, AllowBroadBuiltinRole: tt.allowBroad}
			wantPaths(t, rb.Validate(), tt.wantRB...)
			obj, err := rb.Build()
			if (err == nil) != (len(tt.wantRB) == 0) || (obj == nil) == (err == nil) {
				t.Errorf("RoleBinding.Build() = %v, %v", obj, err)
			}
			if tt.kind != KindClusterRole {
				return
			}
			crb := ClusterRoleBinding{Name: "b", RoleName: tt.role, Subjects: sa, AllowClusterAdmin: tt.allowAdmin, AllowBroadBuiltinRole: tt.allowBroad}
			wantPaths(t, crb.Validate(), tt.wantCRB...)
			cobj, err := crb.Build()
			if (err == nil) != (len(tt.wantCRB) == 0) || (cobj == nil) == (err == nil) {
				t.Errorf("ClusterRoleBinding.Build() = %v, %v", cobj, err)
			}
			if cobj != nil && cobj.RoleRef.Name != tt.role {
				t.Errorf("roleRef.name = %q, want %q", cobj.RoleRef.Name, tt.role)
			}
		})
	}
}

// TestClusterRoleAggregation: the labels that copy a ClusterRole's rules
// into the built-in admin, edit and view roles need AllowAggregation.
func TestClusterRoleAggregation(t *testing.T) {
	rules := []Rule{{APIGroups: []string{"example.com"}, Resources: []string{"widgets"}, Verbs: []string{"get", "list", "watch"}}}
	labels := map[string]string{
		"rbac.authorization.k8s.io/aggregate-to-view": "true",
		"rbac.authorization.k8s.io/aggregate-to-edit": "true",
		"team": "a",
	}
	cr := ClusterRole{Name: "widgets-view", Rules: rules, Labels: labels}
	wantPaths(t, cr.Validate(),
		"FieldValueForbidden labels[rbac.authorization.k8s.io/aggregate-to-edit]",
		"FieldValueForbidden labels[rbac.authorization.k8s.io/aggregate-to-view]")
	cr.AllowAggregation = true
	obj, err := cr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(labels, obj.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	// A Role is never aggregated; the label is inert there.
	if _, err := (Role{Name: "r", Namespace: "n", Rules: rules, Labels: labels}).Build(); err != nil {
		t.Errorf("Role with an aggregation label: %v", err)
	}
}

// oracleGrant is one sensitive grant as the RBAC authorizer sees it: one
// verb on one resource of one group. optOut names the Permissions field
// that must be set for a built role to grant it; unnamedOnly says a grant
// limited to named objects is harmless (reading secrets one knows by name).
//
// The list is written out here from the issue, independently of the list
// in rbac.go, so that an entry missing there is caught here.
type oracleGrant struct {
	group, resource, verb string
	optOut                string
	unnamedOnly           bool
	field                 []int // of optOut in Permissions
}

// everyVerb is every verb the API server's authorizer is asked about for a
// resource, so that "any verb" grants are checked verb by verb.
var everyVerb = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "escalate", "impersonate", "approve", "sign", "attest"}

func oracleGrants() []oracleGrant {
	var out []oracleGrant
	add := func(group, resource, optOut string, unnamedOnly bool, verbs ...string) {
		for _, v := range verbs {
			f, ok := reflect.TypeOf(Permissions{}).FieldByName(optOut)
			if !ok {
				panic("Permissions has no field " + optOut)
			}
			out = append(out, oracleGrant{group, resource, v, optOut, unnamedOnly, f.Index})
		}
	}
	write := []string{"create", "update", "patch", "delete", "deletecollection"}
	for _, r := range []string{"pods/exec", "pods/attach", "pods/portforward"} {
		add("", r, "AllowExec", false, everyVerb...)
	}
	add("", "pods/ephemeralcontainers", "AllowExec", false, "update", "patch")
	for _, r := range []string{"pods/proxy", "services/proxy", "nodes/proxy"} {
		add("", r, "AllowProxy", false, everyVerb...)
	}
	add("", "serviceaccounts/token", "AllowTokenRequest", false, "create")
	for _, r := range []string{"users", "groups", "serviceaccounts"} {
		add("", r, "AllowImpersonate", false, "impersonate")
	}
	for _, r := range []string{"uids", "userextras/scopes", "userextras/example.com-tenant"} {
		add("authentication.k8s.io", r, "AllowImpersonate", false, "impersonate")
	}
	add("certificates.k8s.io", "certificatesigningrequests/approval", "AllowCSRApproval", false, "update", "patch")
	add("certificates.k8s.io", "certificatesigningrequests/status", "AllowCSRApproval", false, "update", "patch")
	add("certificates.k8s.io", "signers", "AllowCSRApproval", false, "approve", "sign", "attest")
	for _, r := range []string{"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"} {
		add("admissionregistration.k8s.io", r, "AllowAdmissionWrite", false, write...)
	}
	for _, r := range []string{"roles", "clusterroles"} {
		add("rbac.authorization.k8s.io", r, "AllowEscalation", false, "escalate", "bind")
	}
	for _, r := range []string{"roles", "clusterroles", "rolebindings", "clusterrolebindings"} {
		add("rbac.authorization.k8s.io", r, "AllowRBACWrite", false, write...)
	}
	add("", "nodes", "AllowNodeWrite", false, write...)
	add("", "nodes/status", "AllowNodeWrite", false, "update", "patch")
	add("", "persistentvolumes", "AllowPersistentVolumeWrite", false, "create", "update", "patch")
	add("", "secrets", "AllowSecretAccess", false, write...)
	add("", "secrets", "AllowSecretAccess", true, "get", "list", "watch")
	return out
}

// grantedSensitive returns, for rules built under perm, the first
// sensitive grant the upstream RBAC rule matcher
// (k8s.io/component-helpers/auth/rbac/validation.Covers) finds in them
// whose opt-out is not set, or "". Each grant is tried for every object
// (no resourceNames) and for each object named anywhere in the rules.
func grantedSensitive(rules []rbacv1.PolicyRule, perm Permissions) string {
	var named []string
	for _, r := range rules {
		named = append(named, r.ResourceNames...)
	}
	pv := reflect.ValueOf(perm)
	var servants []rbacv1.PolicyRule
	var needs []string
	for _, g := range theOracleGrants {
		if pv.FieldByIndex(g.field).Bool() {
			continue
		}
		s := rbacv1.PolicyRule{APIGroups: []string{g.group}, Resources: []string{g.resource}, Verbs: []string{g.verb}}
		servants = append(servants, s)
		needs = append(needs, g.optOut)
		if g.unnamedOnly {
			continue
		}
		for _, n := range named {
			s.ResourceNames = []string{n}
			servants = append(servants, s)
			needs = append(needs, g.optOut)
		}
	}
	// One call: Covers returns the servants it finds uncovered, in order,
	// each unchanged (a servant of one verb, resource and name is its own
	// breakdown), so any servant missing from that list is granted.
	_, uncovered := rbacvalidation.Covers(rules, servants)
	j := 0
	for i, s := range servants {
		if j < len(uncovered) && samePolicyRule(uncovered[j], s) {
			j++
			continue
		}
		return fmt.Sprintf("%v %v %v in group %q (needs %s)", s.Verbs, s.Resources, s.ResourceNames, s.APIGroups[0], needs[i])
	}
	return ""
}

var theOracleGrants = oracleGrants()

func samePolicyRule(a, b rbacv1.PolicyRule) bool {
	return slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) && slices.Equal(a.Verbs, b.Verbs) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) && slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

// TestOracleSeesSensitiveGrants: the oracle the fuzz targets rely on finds
// each grant it lists in a rule made of that grant alone, and nothing in a
// harmless rule, so its silence in the fuzz targets means something.
func TestOracleSeesSensitiveGrants(t *testing.T) {
	for _, g := range oracleGrants() {
		rules := []rbacv1.PolicyRule{{APIGroups: []string{g.group}, Resources: []string{g.resource}, Verbs: []string{g.verb}}}
		if grantedSensitive(rules, Permissions{}) == "" {
			t.Errorf("oracle misses %+v", g)
		}
		var perm Permissions
		reflect.ValueOf(&perm).Elem().FieldByName(g.optOut).SetBool(true)
		if why := grantedSensitive(rules, perm); why != "" && !strings.Contains(why, g.optOut) {
			// Another class may cover the same grant (escalate on
			// roles is also a sensitive verb); only its own opt-out is
			// checked here.
			t.Logf("%+v also needs: %s", g, why)
		}
	}
	for _, r := range [][]rbacv1.PolicyRule{
		{{APIGroups: []string{""}, Resources: []string{"pods", "pods/log"}, Verbs: []string{"get", "list", "watch"}}},
		{{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tls"}, Verbs: []string{"get"}}},
		{{APIGroups: []string{"apps"}, Resources: []string{"*"}, Verbs: []string{"*"}}},
	} {
		if why := grantedSensitive(r, Permissions{}); why != "" {
			t.Errorf("oracle flags harmless %v: %s", r, why)
		}
	}
}

// TestSensitivePermissionsListed: the exported list and the oracle's list
// name the same grants, so SensitivePermissions documents what is
// enforced.
func TestSensitivePermissionsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, p := range SensitivePermissions() {
		if p.Reason == "" || p.OptOut == "" {
			t.Errorf("%+v: no reason or opt-out", p)
		}
		verbs := p.Verbs
		if verbs == nil {
			verbs = everyVerb
		}
		res := p.Resource
		if strings.HasSuffix(res, "/*") {
			res = strings.TrimSuffix(res, "*") + "scopes"
		}
		for _, v := range verbs {
			listed[fmt.Sprintf("%s|%s|%s|%s|%v", p.APIGroup, res, v, p.OptOut, p.OnlyUnnamed)] = true
		}
	}
	for _, g := range oracleGrants() {
		if g.resource == "userextras/example.com-tenant" {
			continue
		}
		optOut := strings.ToLower(g.optOut[:1]) + g.optOut[1:]
		k := fmt.Sprintf("%s|%s|%s|%s|%v", g.group, g.resource, g.verb, optOut, g.unnamedOnly)
		if !listed[k] {
			t.Errorf("SensitivePermissions does not list %s", k)
		}
		delete(listed, k)
	}
	for k := range listed {
		t.Errorf("SensitivePermissions lists %s, which the issue's list does not have", k)
	}
}

// rbacVocabulary are the words the RBAC fuzz targets build rules from:
// every group, resource and verb of a sensitive grant, their wildcard
// forms, and harmless neighbours.
var (
	fuzzGroups    = []string{"", "*", "apps", "rbac.authorization.k8s.io", "authentication.k8s.io", "certificates.k8s.io", "admissionregistration.k8s.io", "example.com"}
	fuzzResources = []string{"*", "*/*", "*/exec", "*/proxy", "*/token", "*/approval", "*/status", "*/scopes",
		"pods", "pods/*", "pods/exec", "pods/attach", "pods/portforward", "pods/ephemeralcontainers", "pods/proxy", "pods/log", "pods/status",
		"services", "services/proxy", "nodes", "nodes/*", "nodes/proxy", "nodes/status", "nodes/metrics",
		"serviceaccounts", "serviceaccounts/*", "serviceaccounts/token", "users", "groups", "uids", "userextras", "userextras/*", "userextras/scopes",
		"certificatesigningrequests", "certificatesigningrequests/*", "certificatesigningrequests/approval", "certificatesigningrequests/status", "signers",
		"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
		"roles", "clusterroles", "rolebindings", "clusterrolebindings", "persistentvolumes", "persistentvolumeclaims", "secrets", "configmaps", "deployments"}
	fuzzVerbs = append([]string{"*"}, everyVerb...)
	fuzzNames = []string{"web-0", "tls", "system:masters", "kubernetes.io/kube-apiserver-client"}
)

// fuzzRules fills rules from the RBAC vocabulary.
func fuzzRules(c randfill.Continue) []Rule {
	// One to max words; now and then none, which must be refused.
	pick := func(vocab []string, max int) []string {
		if c.Intn(20) == 0 {
			return nil
		}
		n := 1 + c.Intn(max)
		out := make([]string, n)
		for i := range out {
			out[i] = vocab[c.Intn(len(vocab))]
		}
		return out
	}
	rules := make([]Rule, 1+c.Intn(3))
	for i := range rules {
		if c.Intn(10) == 0 {
			rules[i] = Rule{NonResourceURLs: pick([]string{"/metrics", "/healthz", "*", "/api/*"}, 2), Verbs: pick([]string{"get", "post", "*"}, 2)}
			continue
		}
		rules[i] = Rule{APIGroups: pick(fuzzGroups, 2), Resources: pick(fuzzResources, 3), Verbs: pick(fuzzVerbs, 3)}
		if c.Intn(4) == 0 {
			rules[i].ResourceNames = pick(fuzzNames, 2)
		}
	}
	return rules
}

// fuzzSensitive checks the package's RBAC promise for any accepted role:
// no built rule grants a sensitive permission whose opt-out is not set,
// as judged by the upstream rule matcher.
func fuzzSensitive(f *testing.F, build func(perm Permissions, rules []Rule) ([]rbacv1.PolicyRule, error)) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03\x04\x05\x06\x07\x08", "pods/exec", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var perm Permissions
		var rules []Rule
		fill := fuzzfill.New(data).Funcs(func(r *[]Rule, c randfill.Continue) { *r = fuzzRules(c) })
		fill.Fill(&perm)
		fill.Fill(&rules)
		built, err := build(perm, rules)
		if err != nil {
			return
		}
		if why := grantedSensitive(built, perm); why != "" {
			t.Fatalf("built rules grant %s\npermissions: %+v\nrules: %+v", why, perm, built)
		}
	})
}

func FuzzRoleGrantsNothingSensitive(f *testing.F) {
	fuzzSensitive(f, func(perm Permissions, rules []Rule) ([]rbacv1.PolicyRule, error) {
		r, err := Role{Name: "r", Namespace: "n", Rules: rules, Permissions: perm}.Build()
		if err != nil {
			return nil, err
		}
		return r.Rules, nil
	})
}

func FuzzClusterRoleGrantsNothingSensitive(f *testing.F) {
	fuzzSensitive(f, func(perm Permissions, rules []Rule) ([]rbacv1.PolicyRule, error) {
		r, err := ClusterRole{Name: "c", Rules: rules, Permissions: perm}.Build()
		if err != nil {
			return nil, err
		}
		return r.Rules, nil
	})
}

// TestEverySingleRule runs the fuzz property over every one-group,
// one-resource, one-verb rule of the vocabulary, with wildcards allowed and
// no other opt-out. (The fuzz targets vary the opt-outs and resource
// names too.)
func TestEverySingleRule(t *testing.T) {
	perms := []Permissions{{AllowWildcards: true}}
	accepted := 0
	for _, perm := range perms {
		for _, g := range fuzzGroups {
			for _, res := range fuzzResources {
				for _, v := range fuzzVerbs {
					role := Role{Name: "r", Namespace: "n", Permissions: perm, Rules: []Rule{{APIGroups: []string{g}, Resources: []string{res}, Verbs: []string{v}}}}
					built, err := role.Build()
					if err != nil {
						continue
					}
					accepted++
					if why := grantedSensitive(built.Rules, perm); why != "" {
						t.Errorf("%+v accepted but grants %s", role.Rules[0], why)
					}
				}
			}
		}
	}
	if accepted == 0 {
		t.Fatal("no rule accepted; the property was never checked")
	}
	t.Logf("%d accepted rules checked", accepted)
}

// broaderThanView reports whether name is a built-in ClusterRole broader
// than view, as listed by the issue: cluster-admin, admin, edit and every
// system: role.
func broaderThanView(name string) bool {
	return name == "cluster-admin" || name == "admin" || name == "edit" || strings.HasPrefix(name, "system:")
}

// FuzzBindingBuiltinRoles: no RoleBinding or ClusterRoleBinding that
// builds refers to a built-in ClusterRole broader than view unless the
// opt-out for it is set.
func FuzzBindingBuiltinRoles(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03\x04", "admin", "\xff\xee\xdd\xcc\xbb\xaa"} {
		f.Add([]byte(seed))
	}
	roleNames := []string{"view", "admin", "edit", "cluster-admin", "system:node", "system:controller:job-controller", "system:masters", "system:", "System:node", "viewer", "deployment-manager", "r"}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rb RoleBinding
		var crb ClusterRoleBinding
		fill := fuzzfill.New(data)
		fill.Fill(&rb)
		fill.Fill(&crb)
		var pick struct{ A, B uint8 }
		fill.Fill(&pick)
		rb.RoleName = roleNames[int(pick.A)%len(roleNames)]
		crb.RoleName = roleNames[int(pick.B)%len(roleNames)]
		check := func(ref rbacv1.RoleRef, allowAdmin, allowBroad bool) {
			if ref.Kind != "ClusterRole" {
				return
			}
			if ref.Name == "cluster-admin" && !allowAdmin {
				t.Fatalf("cluster-admin bound without allowClusterAdmin")
			}
			if ref.Name != "cluster-admin" && broaderThanView(ref.Name) && !allowBroad {
				t.Fatalf("%q bound without allowBroadBuiltinRole", ref.Name)
			}
		}
		if obj, err := rb.Build(); err == nil {
			check(obj.RoleRef, rb.AllowClusterAdmin, rb.AllowBroadBuiltinRole)
		}
		if obj, err := crb.Build(); err == nil {
			check(obj.RoleRef, crb.AllowClusterAdmin, crb.AllowBroadBuiltinRole)
		}
	})
}
