package yamlenc

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	yaml2 "go.yaml.in/yaml/v2"
	yaml3 "go.yaml.in/yaml/v3"
)

// The encoder's promise for strings: whatever it writes, a YAML 1.1 parser
// (go.yaml.in/yaml/v2, what sigs.k8s.io/yaml and so kubectl read with) and
// a YAML 1.2 parser (go.yaml.in/yaml/v3) both read back as the same
// string, as a value and as a key, when decoding into untyped Go values,
// where a plain scalar that resolves to a boolean, number, null or date
// would come back as something else. The parsers are the judges here; the
// encoder's own quoting rules are not consulted.
//
// Neither parser implements YAML 1.1's sexagesimal numbers (1:20 is 80
// to PyYAML and libyaml-based tools), so those quotes are held only by the
// hand-written expectations of TestQuoting; go-yaml v2 reads 0o17, 0b101
// and 1_000 as integers (it strips underscores and parses with Go's
// prefixes), which makes it stricter than YAML 1.1 there.

// readBack decodes doc with both parsers into untyped maps and returns
// what each holds: the value under "k" when key is false, the only key
// otherwise.
func readBack(doc []byte, key bool) (v2, v3 any, err error) {
	var m2 map[any]any
	if err := yaml2.Unmarshal(doc, &m2); err != nil {
		return nil, nil, fmt.Errorf("YAML 1.1 (yaml/v2): %w", err)
	}
	var m3 map[any]any
	if err := yaml3.Unmarshal(doc, &m3); err != nil {
		return nil, nil, fmt.Errorf("YAML 1.2 (yaml/v3): %w", err)
	}
	pick := func(m map[any]any) any {
		if !key {
			return m["k"]
		}
		if len(m) != 1 {
			return m
		}
		for k, v := range m {
			if v != "v" {
				return m
			}
			return k
		}
		return nil
	}
	return pick(m2), pick(m3), nil
}

// checkReadBack encodes s as a value and as a key and requires both
// parsers to read back exactly the string s (after the UTF-8 repair
// Marshal documents).
func checkReadBack(t *testing.T, s string) {
	t.Helper()
	want := validUTF8String(s)
	for _, key := range []bool{false, true} {
		in := map[string]string{"k": s}
		if key {
			in = map[string]string{s: "v"}
		}
		doc, err := Marshal(in)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		v2, v3, err := readBack(doc, key)
		if err != nil {
			t.Fatalf("%q (key %v) written as %q: %v", s, key, doc, err)
		}
		for _, got := range []struct {
			parser string
			v      any
		}{{"YAML 1.1 (yaml/v2)", v2}, {"YAML 1.2 (yaml/v3)", v3}} {
			if str, ok := got.v.(string); !ok || str != want {
				t.Errorf("%q (key %v) written as %q: %s reads %T %#v", s, key, doc, got.parser, got.v, got.v)
			}
		}
	}
}

// TestScalarsReadBackByBothParsers covers the scalars a plain write would
// let a parser resolve to something else, in YAML 1.1 or 1.2: booleans
// (y, n, on, off in any case), nulls, integers in every base and with
// underscores, sexagesimal numbers, floats, infinities and NaN, dates
// and timestamps (short ones too), merge and value keys; and their
// near-misses that must come back as strings whether quoted or not.
func TestScalarsReadBackByBothParsers(t *testing.T) {
	scalars := []string{
		"y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
		"true", "True", "TRUE", "false", "False", "FALSE", "tRue", "nO",
		"~", "null", "Null", "NULL", "", "nULL",
		"0", "-0", "+0", "7", "-7", "+7", "0123", "0o17", "0O17", "0x1F", "0X1f", "-0x1F", "+0x1F", "0b101", "-0b101", "0b2",
		"1_000", "1__0", "_1", "1_", "0x_1", "0b1_0", "0o1_7", "01_7",
		"1:20", "1:2", "-1:20", "+1:20", "1:20:30", "190:20:30.15", "1:60", "1:20.5", "0:0", "1::2", ":1", "1:",
		"1e3", "1E3", "1e+3", "1e-3", "1.5", "3.", ".5", "-.5", "+.5", "1.5e3", "1.e3", ".e3", "1e", "e1", "1.2.3", "1e400", "-1.5e-3", "1_000.5",
		".inf", ".Inf", ".INF", "-.inf", "+.inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "inf", "nan", "Infinity", ".iNf",
		"2001-12-14", "2024-1-2", "2024-01-2", "2024-1-02", "2024-12-1", "2002-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
		"2001-12-15T02:59:43.1Z", "2001-12-14 21:59:43", "2001-12-14t21:59", "2024-1-2 3:04:05", "2024-13-45", "24-1-2", "2024-1", "20240102",
		"<<", "=", "<", "==", "<<<",
		"-", "--", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
		"a: b", "a #b", " a", "a ", "a:", "- a", "? a", "---", "...", "--- a", "... a",
		"a\nb", "a\nb\n", "a\n\n", "\na", " a\nb", "a \nb", "a\r\nb", "a\tb", "\x00", "\x7f", "a\u0085b", "\ufeffa", "😀", "\u00a0", "a\xffb",
		"100m", "1Gi", "v1.37.2", "1.37.2", "10.0.0.0/8", "nginx:1.27", "0xZZ", "yes please",
	}
	for _, s := range scalars {
		checkReadBack(t, s)
	}
}

// TestGeneratedScalarsReadBackByBothParsers builds many short strings from
// the characters YAML's resolvers and indicators look at, and holds each
// to the same promise.
func TestGeneratedScalarsReadBackByBothParsers(t *testing.T) {
	pieces := []string{"0", "1", "2", "9", "12", "2024", "-", "+", ".", ":", "_", "e", "E", "x", "o", "b", "t", "T", "z", "Z",
		"y", "n", "on", "off", "inf", "nan", "Inf", "NaN", "true", "null", "~", " ", "#", "<<", "=", "'", "\"", "\n", "a"}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		var b strings.Builder
		for n := 1 + rng.IntN(5); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkReadBack(t, b.String())
		if t.Failed() {
			return
		}
	}
}

// FuzzScalarReadBack holds any string to the promise.
func FuzzScalarReadBack(f *testing.F) {
	for _, s := range []string{"2024-1-2", "1:20", "0o17", "y", ".inf", "~", "._", "a: b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			return
		}
		checkReadBack(t, s)
	})
}
