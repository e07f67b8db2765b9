package names

import (
	"slices"
	"strings"
	"testing"

	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// scanners pairs every scanner with the upstream validator it stands in for.
var scanners = []struct {
	name     string
	fast     func(string) bool
	msgs     func(string) []string
	upstream func(string) []string
}{
	{"DNS1123Label", ValidDNS1123Label, IsDNS1123Label, validation.IsDNS1123Label},
	{"DNS1123Subdomain", ValidDNS1123Subdomain, IsDNS1123Subdomain, validation.IsDNS1123Subdomain},
	{"DNS1035Label", ValidDNS1035Label, IsDNS1035Label, validation.IsDNS1035Label},
	{"QualifiedName", ValidQualifiedName, IsQualifiedName, validation.IsQualifiedName},
	{"LabelValue", ValidLabelValue, IsValidLabelValue, validation.IsValidLabelValue},
	{"PortName", ValidPortName, IsValidPortName, validation.IsValidPortName},
}

// checkScanners requires every scanner to agree with its upstream validator
// on s: the same verdict, and the same messages from the message form.
func checkScanners(t *testing.T, s string) {
	t.Helper()
	for _, sc := range scanners {
		want := sc.upstream(s)
		if got := sc.fast(s); got != (len(want) == 0) {
			t.Errorf("%s(%q) = %v, upstream says %q", sc.name, s, got, want)
		}
		if got := sc.msgs(s); !slices.Equal(got, want) {
			t.Errorf("Is%s(%q) = %q, upstream %q", sc.name, s, got, want)
		}
	}
}

var scannerSeeds = []string{
	"", "a", "A", "0", "-", ".", "_", "/", "a-b", "a--b", "-a", "a-", "a.b", "a..b", ".a", "a.",
	"a_b", "_a", "a_", "Ab", "aB", "1a", "a1", "web-app", "kube-system", "example.com", "example.com/",
	"example.com/name", "/name", "a/b/c", "Example.com/name", "example.com/Name", "ex_ample.com/n",
	"app.kubernetes.io/name", "my.name", "123-abc", "a\x00b", "é", "aé", "a\n", "a b", "a-.b", "a.-b",
	strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a", 253), strings.Repeat("a", 254),
	strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 126) + "ab", strings.Repeat("a", 64) + ".b",
	strings.Repeat("b", 250) + "/" + strings.Repeat("n", 63), strings.Repeat("b", 254) + "/n",
	"p/" + strings.Repeat("n", 64), "p/", "p//n", "\xff", "a\xffb",
	"http", "metrics-1", "8080", "a-b-c", "abcdefghijklmno", "abcdefghijklmnop", "1-a", "a-1", "-", "--",
}

func TestScannersMatchUpstream(t *testing.T) {
	for _, s := range scannerSeeds {
		checkScanners(t, s)
	}
}

// TestEveryByteInEveryPositionMatchesUpstream puts every byte alone, first,
// in the middle and last, of a name, of a qualified name's prefix and of
// its name part, so that each character class boundary ('0' and '9', 'a'
// and 'z', 'A' and 'Z', and the bytes next to them) is judged by the
// upstream validators in each position the scanners treat apart.
func TestEveryByteInEveryPositionMatchesUpstream(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := string([]byte{byte(c)})
		for _, s := range []string{b, b + "a", "a" + b, "a" + b + "a", b + "1", "1" + b, "1" + b + "1",
			b + ".a", "a." + b, "a" + b + ".b/n", b + "a.b/n", "a.b" + b + "/n", "p/" + b, "p/" + b + "n", "p/n" + b, "p/n" + b + "n"} {
			checkScanners(t, s)
		}
	}
}

func TestValidLabelsMatchesUpstream(t *testing.T) {
	for _, labels := range []map[string]string{
		nil, {}, {"app": "web"}, {"app.kubernetes.io/name": "web", "tier": ""},
		{"app": "Web_1.x"}, {"App": "-web"}, {"example.com/": "v"}, {"a/b/c": "v"}, {"k": strings.Repeat("v", 64)},
	} {
		want := metavalidation.ValidateLabels(labels, field.NewPath("labels"))
		if got := ValidLabels(labels); got != (len(want) == 0) {
			t.Errorf("ValidLabels(%v) = %v, upstream %v", labels, got, want)
		}
	}
}

// FuzzScanners holds every scanner to its upstream validator on any input.
func FuzzScanners(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkScanners(t, s)
		labels := map[string]string{s: "v"}
		if ValidLabels(labels) != (len(metavalidation.ValidateLabels(labels, nil)) == 0) {
			t.Errorf("ValidLabels disagrees on key %q", s)
		}
		labels = map[string]string{"k": s}
		if ValidLabels(labels) != (len(metavalidation.ValidateLabels(labels, nil)) == 0) {
			t.Errorf("ValidLabels disagrees on value %q", s)
		}
	})
}

func TestScannersDoNotAllocate(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_ = IsDNS1123Subdomain("web-app.example.com")
		_ = IsQualifiedName("app.kubernetes.io/name")
		_ = Subdomain("web", nil)
		_ = Label("production", nil)
	})
	if n != 0 {
		t.Errorf("valid names allocate %v times", n)
	}
}
