package baseline

import (
	"regexp"
	"strings"
	"testing"
)

// imageRE is the reference parseImage stands in for: a match, with the tag
// in group 2 and the digest in group 3.
var imageRE = func() *regexp.Regexp {
	domain := `(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)`
	component := `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
	return regexp.MustCompile(`^(` + domain + `?` + component + `(?:/` + component + `)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`)
}()

var imageSeeds = []string{
	"", "web", "web:1", "web:latest", "Web:1", "registry.k8s.io/pause:3.10", "registry.example.com/shop/web:1.4.2",
	"localhost:5000/web", "localhost:5000/web:1", "localhost:/web", "localhost:5000", "a:1/b:2", "a:b/c", "a/b:1/c",
	"host.example.com:443/team/app__x-y.z:v1_2.3-4", "a__b", "a___b", "a--b", "a-", "-a", "a.", ".a", "a..b", "a._b",
	"a/", "/a", "a//b", "A/b", "a/B", "a-b.c/d", "-a.com/b", "a-.com/b", "a.-b/c", "a.b.c/d:1",
	"web@sha256:" + strings.Repeat("a", 64), "web:1@sha256:" + strings.Repeat("0", 64),
	"web@sha256:" + strings.Repeat("A", 64), "web@sha256:" + strings.Repeat("a", 63), "web@sha512:" + strings.Repeat("a", 64),
	"web@@sha256:" + strings.Repeat("a", 64), "web:1@", "web:", "web::1", "web:.1", "web:-1", "web:_1", "web:" + strings.Repeat("t", 128),
	"web:" + strings.Repeat("t", 129), "web:1\n", "we b:1", "wéb:1", "web:1é", "a:1:2", "a:1/b",
	"a:1/b@sha256:" + strings.Repeat("f", 64), "a:b:c/d", "1.2.3.4:5/x:y",
}

// checkImage requires parseImage to agree with the regular expression: the
// same verdict, tag and digest.
func checkImage(t *testing.T, s string) {
	t.Helper()
	tag, digest, ok := parseImage(s)
	m := imageRE.FindStringSubmatch(s)
	if ok != (m != nil) {
		t.Fatalf("parseImage(%q) ok = %v, reference %v", s, ok, m != nil)
	}
	if ok && (tag != m[2] || digest != m[3]) {
		t.Fatalf("parseImage(%q) = tag %q digest %q, reference tag %q digest %q", s, tag, digest, m[2], m[3])
	}
}

func TestParseImageMatchesRegexp(t *testing.T) {
	for _, s := range imageSeeds {
		checkImage(t, s)
	}
}

// FuzzParseImage holds parseImage to the regular expression it replaces.
func FuzzParseImage(f *testing.F) {
	for _, s := range imageSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkImage(t, s) })
}
