// Package sharecheck finds memory that two values share, for the tests that
// require built objects to be independent: of each other and of the spec
// they were built from, so that changing one never changes another.
package sharecheck

import "reflect"

// Memory records the mutable memory reachable from the values walked: every
// map, every pointer's target and every slice's backing array (up to its
// capacity). Memory reached a second time is reported, because a change made
// through one value would show through the other.
type Memory struct {
	errorf func(format string, args ...any)
	maps   map[uintptr]string
	ptrs   map[uintptr]string
	spans  []span
}

type span struct {
	start, end uintptr
	where      string
}

// New returns an empty record that reports sharing through errorf, such as
// a testing.T's Errorf.
func New(errorf func(format string, args ...any)) *Memory {
	return &Memory{errorf: errorf, maps: map[uintptr]string{}, ptrs: map[uintptr]string{}}
}

// Walk records the memory reachable from v, named where in reports, and
// reports any piece already recorded from v or an earlier value.
func (m *Memory) Walk(v any, where string) {
	m.walk(reflect.ValueOf(v), where)
}

func (m *Memory) walk(v reflect.Value, where string) {
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
