package yamlenc

import "testing"

// TestIsWord holds isWord to nonStringWords for every simple string.
func TestIsWord(t *testing.T) {
	for w := range nonStringWords {
		if simple(w) != isWord(w) {
			t.Errorf("%q: simple %v, isWord %v", w, simple(w), isWord(w))
		}
	}
	for _, w := range []string{"yess", "nul", "tru", "o", "offf", "web", "x"} {
		if isWord(w) {
			t.Errorf("isWord(%q) = true", w)
		}
	}
}
