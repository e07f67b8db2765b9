package sharecheck

import "testing"

// TestFindsSharing shows that the walk reports what it looks for, and
// nothing more.
func TestFindsSharing(t *testing.T) {
	labels := map[string]string{"a": "b"}
	backing := make([]string, 2)
	one := int32(1)
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"map", []map[string]string{labels, labels}},
		{"slice", [][]string{backing[:1], backing[1:]}},
		{"pointer", []*int32{&one, &one}},
		{"across values", labels},
	} {
		found := false
		m := New(func(string, ...any) { found = true })
		if tc.name == "across values" {
			m.Walk(tc.v, "first")
		}
		m.Walk(tc.v, tc.name)
		if !found {
			t.Errorf("%s: sharing not found", tc.name)
		}
	}
	// Sub-slices capped at their own end share no memory an append could
	// overwrite.
	New(t.Errorf).Walk([][]string{backing[:1:1], backing[1:]}, "capped")
	// Equal values in separate memory are not sharing.
	New(t.Errorf).Walk([]map[string]string{{"a": "b"}, {"a": "b"}}, "equal maps")
}
