package security

import (
	"reflect"
	"testing"

	"github.com/prodkube/prodkube/internal/sharecheck"
)

// TestBuiltObjectsShareNothing requires the objects built here to share no
// map, pointer target or backing array with each other or with their specs.
func TestBuiltObjectsShareNothing(t *testing.T) {
	role := Role{Name: "r", Namespace: "ns", Labels: map[string]string{"team": "a"}, Rules: []Rule{
		{APIGroups: []string{""}, Resources: []string{"configmaps", "services"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"web"}, Verbs: []string{"get"}},
	}}
	r, err := role.Build()
	if err != nil {
		t.Fatal(err)
	}
	cr, err := ClusterRole{Name: "c", Rules: []Rule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	uid := int64(20000)
	spec := Restricted{RunAsUser: &uid, AddNetBindService: true}
	ctx, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	ns, err := Namespace{Name: "ns", Labels: map[string]string{"team": "a"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	sa, err := ServiceAccount{Name: "sa", Namespace: "ns", Labels: map[string]string{"team": "a"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	rb, err := RoleBinding{Name: "rb", Namespace: "ns", RoleName: "r", Subjects: []ServiceAccountRef{{Name: "sa", Namespace: "ns"}, {Name: "sb", Namespace: "ns"}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	deny, err := DefaultDeny{Namespace: "ns"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m := sharecheck.New(t.Errorf)
	for i, v := range []any{role, r, cr, spec, ctx, ns, sa, rb, deny} {
		m.Walk(v, reflect.TypeOf(v).String()+"#"+string(rune('0'+i)))
	}
}
