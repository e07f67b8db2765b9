package yamlenc

import (
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// TestQuoting pins how every kind of risky string is written, as a value
// and as a key, and requires kubectl's parser to read each back unchanged.
func TestQuoting(t *testing.T) {
	long := strings.Repeat("k", 129)
	tests := []struct {
		in, value string // value: the output for {"k": in} after "k:"
		key       string // the output for {in: "v"}; "" means in written like value
	}{
		// YAML 1.1 booleans and nulls.
		{in: "yes", value: ` "yes"`}, {in: "Yes", value: ` "Yes"`}, {in: "YES", value: ` "YES"`},
		{in: "no", value: ` "no"`}, {in: "No", value: ` "No"`}, {in: "NO", value: ` "NO"`},
		{in: "on", value: ` "on"`}, {in: "On", value: ` "On"`}, {in: "ON", value: ` "ON"`},
		{in: "off", value: ` "off"`}, {in: "Off", value: ` "Off"`}, {in: "OFF", value: ` "OFF"`},
		{in: "y", value: ` "y"`}, {in: "Y", value: ` "Y"`}, {in: "n", value: ` "n"`}, {in: "N", value: ` "N"`},
		{in: "true", value: ` "true"`}, {in: "True", value: ` "True"`}, {in: "false", value: ` "false"`}, {in: "FALSE", value: ` "FALSE"`},
		{in: "null", value: ` "null"`}, {in: "Null", value: ` "Null"`}, {in: "NULL", value: ` "NULL"`}, {in: "~", value: ` "~"`},
		{in: "", value: ` ""`},
		// Numbers in every notation, and number-like strings.
		{in: "0", value: ` "0"`}, {in: "123", value: ` "123"`}, {in: "-7", value: ` "-7"`}, {in: "+1", value: ` "+1"`},
		{in: "0123", value: ` "0123"`}, {in: "0o17", value: ` "0o17"`}, {in: "0x1F", value: ` "0x1F"`}, {in: "0b101", value: ` "0b101"`},
		{in: "1_000", value: ` "1_000"`}, {in: "1:20", value: ` "1:20"`}, {in: "190:20:30.15", value: ` "190:20:30.15"`},
		{in: "1e3", value: ` "1e3"`}, {in: "1E3", value: ` "1E3"`}, {in: "1.5", value: ` "1.5"`}, {in: "3.", value: ` "3."`}, {in: ".5", value: ` ".5"`},
		{in: "1e400", value: ` "1e400"`}, {in: "-1.5e-3", value: ` "-1.5e-3"`},
		{in: ".inf", value: ` ".inf"`}, {in: "-.Inf", value: ` "-.Inf"`}, {in: "+.INF", value: ` "+.INF"`}, {in: ".nan", value: ` ".nan"`}, {in: ".NaN", value: ` ".NaN"`},
		{in: "2001-12-14", value: ` "2001-12-14"`}, {in: "2001-12-14t21:59:43.10-05:00", value: ` "2001-12-14t21:59:43.10-05:00"`},
		{in: "2001-12-14 21:59:43.10 -5", value: ` "2001-12-14 21:59:43.10 -5"`},
		{in: "<<", value: ` "<<"`}, {in: "=", value: ` "="`},
		// Strings that only look numeric in part stay plain.
		{in: "100m", value: ` 100m`}, {in: "1Gi", value: ` 1Gi`}, {in: "v1.37.2", value: ` v1.37.2`}, {in: "1.37.2", value: ` 1.37.2`},
		{in: "10.0.0.0/8", value: ` 10.0.0.0/8`}, {in: "nginx:1.27", value: ` nginx:1.27`}, {in: "0xZZ", value: ` 0xZZ`},
		{in: "yes please", value: ` yes please`}, {in: "nothing", value: ` nothing`},
		// Spaces, ": " and " #".
		{in: " a", value: ` ' a'`}, {in: "a ", value: ` 'a '`}, {in: " ", value: ` ' '`},
		{in: "a: b", value: ` 'a: b'`}, {in: "a:", value: ` 'a:'`}, {in: "a:b", value: ` a:b`},
		{in: "a #b", value: ` 'a #b'`}, {in: "a#b", value: ` a#b`}, {in: "a b", value: ` a b`},
		// Leading indicators.
		{in: "-", value: ` '-'`}, {in: "- a", value: ` '- a'`}, {in: "-a", value: ` -a`},
		{in: "?", value: ` '?'`}, {in: "? a", value: ` '? a'`}, {in: ":", value: ` ':'`}, {in: ": a", value: ` ': a'`},
		{in: ",a", value: ` ',a'`}, {in: "[a", value: ` '[a'`}, {in: "]a", value: ` ']a'`}, {in: "{a", value: ` '{a'`}, {in: "}a", value: ` '}a'`},
		{in: "#a", value: ` '#a'`}, {in: "&a", value: ` '&a'`}, {in: "*a", value: ` '*a'`}, {in: "!a", value: ` '!a'`},
		{in: "|a", value: ` '|a'`}, {in: ">a", value: ` '>a'`}, {in: "'a", value: ` '''a'`}, {in: `"a`, value: ` '"a'`},
		{in: "%a", value: ` '%a'`}, {in: "@a", value: ` '@a'`}, {in: "`a", value: " '`a'"},
		{in: "---", value: ` '---'`}, {in: "...", value: ` '...'`}, {in: "--- a", value: ` '--- a'`},
		{in: "it's", value: ` it's`}, {in: `a\b`, value: ` a\b`}, {in: `a"b`, value: ` a"b`},
		// Multi-line strings: literal blocks with the right chomping.
		{in: "a\nb", value: " |-\n  a\n  b", key: "? |-\n  a\n  b\n: v"},
		{in: "a\nb\n", value: " |\n  a\n  b", key: "? |\n  a\n  b\n: v"},
		{in: "a\n\n", value: " |+\n  a\n", key: "? |+\n  a\n\n: v"},
		{in: "a\n\nb", value: " |-\n  a\n\n  b", key: "? |-\n  a\n\n  b\n: v"},
		{in: " a\nb", value: " |2-\n   a\n  b", key: "? |2-\n   a\n  b\n: v"},
		{in: "\na", value: " |2-\n\n  a", key: "? |2-\n\n  a\n: v"},
		{in: "a \nb", value: ` "a \nb"`, key: "? \"a \\nb\"\n: v"},
		{in: "a\n b", value: " |-\n  a\n   b", key: "? |-\n  a\n   b\n: v"},
		{in: "a\r\nb", value: ` "a\r\nb"`, key: "? \"a\\r\\nb\"\n: v"},
		// Characters a plain or block scalar cannot carry.
		{in: "a\tb", value: ` "a\tb"`}, {in: "\x00", value: ` "\0"`}, {in: "\x1b[0m", value: ` "\e[0m"`}, {in: "\x7f", value: ` "\x7F"`},
		{in: "a\u0085b", value: ` "a\Nb"`}, {in: "a\u2028b", value: ` "a\Lb"`}, {in: "a\u2029b", value: ` "a\Pb"`},
		{in: "\ufeffa", value: ` "\uFEFFa"`}, {in: "😀", value: ` "\U0001F600"`}, {in: "\u00a0", value: " \u00a0"},
		{in: "é", value: ` é`}, {in: "日本", value: ` 日本`},
		// Invalid UTF-8 becomes U+FFFD, as encoding/json does.
		{in: "a\xffb", value: " a\ufffdb"}, {in: "\xc3", value: " \ufffd"},
		// Long keys need the explicit form.
		{in: long, value: " " + long, key: "? " + long + "\n: v"},
	}
	for _, tt := range tests {
		got, err := Marshal(map[string]string{"k": tt.in})
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if want := "k:" + tt.value + "\n"; string(got) != want {
			t.Errorf("value %q:\n got %q\nwant %q", tt.in, got, want)
		}
		var back map[string]string
		if err := sigsyaml.Unmarshal(got, &back); err != nil {
			t.Errorf("value %q: cannot read back %q: %v", tt.in, got, err)
		} else if want := validUTF8String(tt.in); back["k"] != want {
			t.Errorf("value %q: read back as %q", tt.in, back["k"])
		}

		got, err = Marshal(map[string]string{tt.in: "v"})
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		wantKey := tt.key
		if wantKey == "" {
			wantKey = strings.TrimPrefix(tt.value, " ") + ": v"
		}
		if string(got) != wantKey+"\n" {
			t.Errorf("key %q:\n got %q\nwant %q", tt.in, got, wantKey+"\n")
		}
		back = nil
		if err := sigsyaml.Unmarshal(got, &back); err != nil {
			t.Errorf("key %q: cannot read back %q: %v", tt.in, got, err)
		} else if v, ok := back[validUTF8String(tt.in)]; !ok || v != "v" || len(back) != 1 {
			t.Errorf("key %q: read back as %q", tt.in, back)
		}
	}
}

// TestLiteralIndent checks literal blocks at every kind of position.
func TestLiteralIndent(t *testing.T) {
	v := map[string]any{
		"top":  "a\nb",
		"list": []any{"c\nd", []any{"e\nf"}, map[string]any{"g": "h\ni"}},
		"map":  map[string]any{"deep": map[string]any{"x": " y\nz\n"}},
	}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `list:
- |-
  c
  d
- - |-
    e
    f
- g: |-
    h
    i
map:
  deep:
    x: |2
       y
      z
top: |-
  a
  b
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	ref, _ := sigsyaml.Marshal(v)
	if string(ref) != want {
		t.Errorf("sigs.k8s.io/yaml writes\n%s", ref)
	}
	top, err := Marshal("a\nb\n")
	if err != nil || string(top) != "|\n  a\n  b\n" {
		t.Errorf("top-level literal: %q %v", top, err)
	}
}

// TestExplicitKeys checks the "? key" form for long and multi-line keys
// with every kind of value, against sigs.k8s.io/yaml byte for byte.
func TestExplicitKeys(t *testing.T) {
	long := strings.Repeat("k", 130)
	for i, v := range []any{
		map[string]any{long: map[string]string{"a": "b"}, "z": 1},
		map[string]any{long: []string{"a", "b"}},
		map[string]any{"x": map[string]any{long: []any{map[string]any{"c": "d", long: "e\nf"}}}},
		map[string]any{"a\nb": map[string]string{}, "c\nd": nil, "e\nf": []any{}, "g\nh": "i\nj"},
		[]any{map[string]any{long: map[string]any{long: []any{[]any{1}}}}},
		map[string]map[string]int{long: {long: 1}},
	} {
		got, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := sigsyaml.Marshal(v)
		if string(got) != string(want) {
			t.Errorf("case %d: got\n%s\nwant\n%s", i, got, want)
		}
	}
}

// TestClassOf compares classOf's unrolled scan with a byte-at-a-time one
// at every length around the step and for every byte value in every
// position.
func TestClassOf(t *testing.T) {
	for n := range 11 {
		for pos := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				var want uint8
				for _, x := range b {
					want |= byteClass[x]
				}
				if got := classOf(string(b)); got != want {
					t.Fatalf("classOf(%q) = %b, want %b", b, got, want)
				}
			}
		}
	}
}
