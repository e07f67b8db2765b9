package bench

import (
	"testing"

	goyaml "go.yaml.in/yaml/v3"

	"github.com/prodkube/prodkube/internal/yamlenc"
)

// tokens are pieces of strings that YAML 1.1 or 1.2 may read as something
// other than the string.
var tokens = []string{
	"", "yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "0123", "1e3", "0x1F", "0o17",
	"0b101", ".inf", "-.Inf", ".NaN", "1_000", "1:20", "+1", "-2", "3.", ".5", "2001-12-14", "<<", "=",
	" ", ": ", " #", "#", "-", "- ", "?", ":", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"",
	"%", "@", "`", "\\", "---", "...", "\n", "\t", "\r", "\x00", "\u0085", "\u2028", "\ufeff", "é", "😀", "a", "web",
}

// TestYAML12ReadsStringsBack writes every pair of tokens as a value and as
// a key and requires go-yaml v3, a YAML 1.2 parser, to read the same
// string back, as a string.
func TestYAML12ReadsStringsBack(t *testing.T) {
	n := 0
	for _, a := range tokens {
		for _, b := range tokens {
			s := a + b
			out, err := yamlenc.Marshal(map[string]string{"k": s, s + "!": "v"})
			if err != nil {
				t.Fatal(err)
			}
			// Into interface values, so that a scalar resolved to another
			// type (a bool, a number, null) shows as a difference.
			var back map[string]any
			if err := goyaml.Unmarshal(out, &back); err != nil {
				t.Errorf("%q: YAML 1.2 parser rejects %q: %v", s, out, err)
				continue
			}
			if back["k"] != s || back[s+"!"] != "v" || len(back) != 2 {
				t.Errorf("%q: YAML 1.2 reads %q back as %q", s, out, back)
			}
			n++
		}
	}
	t.Logf("%d strings read back", n)
}
