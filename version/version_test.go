package version

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	good := map[string]Version{
		"v1.37.2":  {1, 37, 2},
		"1.37.2":   {1, 37, 2},
		"v1.0.0":   {1, 0, 0},
		"v0.1.0":   {0, 1, 0},
		"v2.10.11": {2, 10, 11},
		// The bound on each part, 1<<20, and seven-digit parts below it.
		"v1.1048576.0": {1, 1 << 20, 0},
		"v1000000.0.1": {1000000, 0, 1},
	}
	for in, want := range good {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "v", "1.37", "v1.37", "v1.37.2.1", "v1.37.02", "v01.37.2", "v1.37.2-rc.1",
		"v1.37.2+build", "V1.37.2", "vv1.37.2", " v1.37.2", "v1.37.x", "v1..2", "v0.0.0", "v1.37.-2", "v99999999.0.0", "1.37.2-1.1", "1.37.2-00",
		"v1.1048577.0", "v1.9999999.0", "v1.10000000.0", "v1.99999999999999999999.0"} {
		if v, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, v)
		}
	}
}

func TestStringsAndCompare(t *testing.T) {
	v := MustParse("v1.37.2")
	if v.String() != "v1.37.2" || v.Bare() != "1.37.2" || v.MinorString() != "v1.37" {
		t.Errorf("strings: %s %s %s", v, v.Bare(), v.MinorString())
	}
	order := []string{"v1.9.9", "v1.35.4", "v1.36.0", "v1.36.3", "v1.37.2", "v2.0.0"}
	for i := range order {
		for j := range order {
			a, b := MustParse(order[i]), MustParse(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
			if a.Less(b) != (want < 0) {
				t.Errorf("%s.Less(%s) wrong", a, b)
			}
		}
	}
	if !v.AtLeast(1, 31) || !v.AtLeast(1, 37) || v.AtLeast(1, 38) || v.AtLeast(2, 0) {
		t.Error("AtLeast")
	}
	if n, ok := MustParse("v1.35.4").MinorsBetween(v); !ok || n != 2 {
		t.Errorf("MinorsBetween = %d, %v", n, ok)
	}
	if _, ok := MustParse("v2.0.0").MinorsBetween(v); ok {
		t.Error("MinorsBetween across majors should not be ok")
	}
	if !v.SameMinor(MustParse("v1.37.0")) || v.SameMinor(MustParse("v1.36.2")) {
		t.Error("SameMinor")
	}
}

func TestMustParsePanicsOnConstantTypos(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse accepted a malformed constant")
		}
	}()
	MustParse("v1.37")
}

// FuzzParse: Parse never panics, and whatever it accepts prints back to an
// input it accepts as the same version.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"v1.37.2", "1.0.0", "v1.37", "v01.2.3", "v1.2.3-rc.0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			if v != (Version{}) {
				t.Fatalf("Parse(%q) returned %v with an error", s, v)
			}
			return
		}
		if got := strings.TrimPrefix(s, "v"); got != v.Bare() {
			t.Fatalf("Parse(%q) = %v, which prints as %q", s, v, v.Bare())
		}
		back, err := Parse(v.String())
		if err != nil || back != v {
			t.Fatalf("Parse(%q) = %v, %v", v.String(), back, err)
		}
	})
}
