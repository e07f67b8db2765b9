package security

import (
	"reflect"
	"testing"
)

// memory (the same walk as in the baseline tests) records the mutable memory reachable from values: every map, every
// pointer's target and every slice's backing array (up to its capacity).
// Two records of the same memory mean that a change made through one value
// shows through another.
type memory struct {
	errorf func(format string, args ...any)
	maps   map[uintptr]string
	ptrs   map[uintptr]string
	spans  []span
}

type span struct {
	start, end uintptr
	where      string
}

func newMemory(errorf func(format string, args ...any)) *memory {
	return &memory{errorf: errorf, maps: map[uintptr]string{}, ptrs: map[uintptr]string{}}
}

// walk records the memory reachable from v, reporting any piece reached a
// second time.
func (m *memory) walk(v reflect.Value, where string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Elem().Size() > 0 {
			if prev, ok := m.ptrs[v.Pointer()]; ok {
				m.errorf("%s and %s point to the same %s", prev, where, v.Type().Elem())
				return
			}
			m.ptrs[v.Pointer()] = where
		}
		m.walk(v.Elem(), where)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		if prev, ok := m.maps[v.Pointer()]; ok {
			m.errorf("%s and %s are the same map", prev, where)
			return
		}
		m.maps[v.Pointer()] = where
		for it := v.MapRange(); it.Next(); {
			m.walk(it.Value(), where+"[]")
		}
	case reflect.Slice:
		if v.Cap() > 0 && v.Type().Elem().Size() > 0 {
			s := span{v.Pointer(), v.Pointer() + uintptr(v.Cap())*v.Type().Elem().Size(), where}
			for _, o := range m.spans {
				if s.start < o.end && o.start < s.end {
					m.errorf("%s and %s share a backing array", o.where, where)
				}
			}
			m.spans = append(m.spans, s)
		}
		for i := 0; i < v.Len(); i++ {
			m.walk(v.Index(i), where+"[]")
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				m.walk(v.Field(i), where+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Interface:
		if !v.IsNil() {
			m.walk(v.Elem(), where)
		}
	}
}

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
	m := newMemory(t.Errorf)
	for i, v := range []any{role, r, cr, spec, ctx, ns, sa, rb, deny} {
		m.walk(reflect.ValueOf(v), reflect.TypeOf(v).String()+"#"+string(rune('0'+i)))
	}
}
