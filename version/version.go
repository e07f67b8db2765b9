// Package version parses and compares Kubernetes release versions.
//
// Kubernetes versions appear in kubeadm configurations, image tags, package
// pins and the version skew policy. Each of those needs the same strict
// reading: "v1.37.2" or "1.37.2", three numeric parts, no pre-release, no
// build metadata, no leading zeros. Anything looser is refused so that a
// typo never turns into a guess.
package version

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a parsed Kubernetes release version. The zero value is v0.0.0,
// which no Kubernetes release uses; Parse never returns it without an error.
type Version struct {
	Major, Minor, Patch int
}

// maxPart bounds each numeric part so arithmetic on versions can never
// overflow and absurd inputs are refused early.
const maxPart = 1 << 20

// Parse reads a version of the form "v1.37.2" or "1.37.2".
func Parse(s string) (Version, error) {
	t := strings.TrimPrefix(s, "v")
	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("must be a release version like v1.37.2 (major.minor.patch); got %q", s)
	}
	var nums [3]int
	for i, p := range parts {
		n, err := parsePart(p)
		if err != nil {
			return Version{}, fmt.Errorf("must be a release version like v1.37.2 (major.minor.patch); got %q: %v", s, err)
		}
		nums[i] = n
	}
	if nums[0] == 0 && nums[1] == 0 && nums[2] == 0 {
		return Version{}, fmt.Errorf("must be a release version like v1.37.2; got %q", s)
	}
	return Version{Major: nums[0], Minor: nums[1], Patch: nums[2]}, nil
}

// MustParse is Parse for versions written in the source code, such as
// tables of known releases. It panics on a malformed constant; never call it
// with user input.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func parsePart(p string) (int, error) {
	if p == "" {
		return 0, fmt.Errorf("empty number")
	}
	if len(p) > 1 && p[0] == '0' {
		return 0, fmt.Errorf("leading zero in %q", p)
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not a number", p)
		}
	}
	if len(p) > 7 {
		return 0, fmt.Errorf("%q is too large", p)
	}
	n, _ := strconv.Atoi(p)
	if n > maxPart {
		return 0, fmt.Errorf("%q is too large", p)
	}
	return n, nil
}

// String returns the version with its "v" prefix, as Kubernetes writes it.
func (v Version) String() string {
	return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Bare returns the version without the "v" prefix ("1.37.2").
func (v Version) Bare() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// MinorString returns "v1.37" for v1.37.2.
func (v Version) MinorString() string {
	return fmt.Sprintf("v%d.%d", v.Major, v.Minor)
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	switch {
	case v.Major != w.Major:
		return cmpInt(v.Major, w.Major)
	case v.Minor != w.Minor:
		return cmpInt(v.Minor, w.Minor)
	default:
		return cmpInt(v.Patch, w.Patch)
	}
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

// AtLeast reports whether v is the same as or newer than major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// MinorsBetween returns how many minor releases w is ahead of v within the
// same major (negative when w is older). Versions of different majors are
// reported as ok=false, since Kubernetes' skew rules only speak of minors.
func (v Version) MinorsBetween(w Version) (n int, ok bool) {
	if v.Major != w.Major {
		return 0, false
	}
	return w.Minor - v.Minor, true
}

// SameMinor reports whether v and w are patch releases of one minor.
func (v Version) SameMinor(w Version) bool {
	return v.Major == w.Major && v.Minor == w.Minor
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
