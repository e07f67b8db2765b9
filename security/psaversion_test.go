package security

import (
	"regexp"
	"testing"
)

// psaVersionRE is the reference isPSAVersion stands in for.
var psaVersionRE = regexp.MustCompile(`^v1\.(0|[1-9][0-9]{0,3})$`)

var psaVersionSeeds = []string{
	"", "v1.", "v1.0", "v1.00", "v1.01", "v1.1", "v1.37", "v1.9999", "v1.10000", "v1.1a", "v1.-1",
	"v2.0", "V1.37", "v1.37\n", "v1.37 ", " v1.37", "v1.3.7", "1.37", "v1.٣", "latest",
}

func TestPSAVersionMatchesRegexp(t *testing.T) {
	for _, v := range psaVersionSeeds {
		if got, want := isPSAVersion(v), psaVersionRE.MatchString(v); got != want {
			t.Errorf("isPSAVersion(%q) = %v, want %v", v, got, want)
		}
	}
}

// FuzzPSAVersion holds isPSAVersion to the regular expression it replaces.
func FuzzPSAVersion(f *testing.F) {
	for _, v := range psaVersionSeeds {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := isPSAVersion(v), psaVersionRE.MatchString(v); got != want {
			t.Errorf("isPSAVersion(%q) = %v, want %v", v, got, want)
		}
	})
}
