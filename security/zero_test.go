package security

import (
	"reflect"
	"testing"
)

// TestZeroValues calls every method without arguments of every type of the
// RBAC, binding, namespace, level and ServiceAccount files on its zero value
// (and through a pointer to one): none may panic, and a Build must return
// exactly one of an object or an error. The method set is read by
// reflection, so a method added later is covered without editing the test.
func TestZeroValues(t *testing.T) {
	zeros := []any{
		Role{}, ClusterRole{}, Rule{}, Permissions{}, SensitivePermission{},
		RoleBinding{}, ClusterRoleBinding{}, ServiceAccountRef{}, RoleKind(""),
		Namespace{}, Level(""), ServiceAccount{},
	}
	calls := 0
	for _, z := range zeros {
		ptr := reflect.New(reflect.TypeOf(z))
		for _, v := range []reflect.Value{reflect.ValueOf(z), ptr} {
			for i := 0; i < v.NumMethod(); i++ {
				m, name := v.Method(i), v.Type().Method(i).Name
				if m.Type().NumIn() != 0 {
					t.Errorf("%s.%s takes arguments; extend this test", v.Type(), name)
					continue
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s.%s on the zero value panics: %v", v.Type(), name, r)
						}
					}()
					out := m.Call(nil)
					calls++
					if name == "Build" {
						obj, err := out[0], out[1]
						if obj.IsNil() == err.IsNil() {
							t.Errorf("%s.Build() on the zero value = %v, %v; want exactly one", v.Type(), obj, err)
						}
					}
				}()
			}
		}
	}
	if calls < 14 {
		t.Errorf("only %d methods called; the method sets were not read", calls)
	}
	// The package's functions, with the zero value of their argument.
	for name, f := range map[string]func() any{
		"SensitivePermissions": func() any { return SensitivePermissions() },
		"DeploymentManager":    func() any { return DeploymentManager("") },
		"Viewer":               func() any { return Viewer("") },
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panics: %v", name, r)
				}
			}()
			f()
		}()
	}
	if _, err := DeploymentManager("").Build(); err == nil {
		t.Error(`DeploymentManager("").Build() accepted an empty namespace`)
	}
	if _, err := Viewer("").Build(); err == nil {
		t.Error(`Viewer("").Build() accepted an empty namespace`)
	}
}

// TestSensitivePermissionsIsACopy: changing the returned list does not
// change what the package enforces.
func TestSensitivePermissionsIsACopy(t *testing.T) {
	list := SensitivePermissions()
	for i := range list {
		list[i].Resource = "configmaps"
		for j := range list[i].Verbs {
			list[i].Verbs[j] = "get"
		}
	}
	exec := Role{Name: "r", Namespace: "n", Rules: []Rule{{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create"}}}}
	if len(exec.Validate()) == 0 {
		t.Error("pods/exec accepted after the returned list was changed")
	}
	if got := SensitivePermissions(); reflect.DeepEqual(got, list) {
		t.Error("SensitivePermissions returned the changed list")
	}
}
