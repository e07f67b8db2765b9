package names

import (
	"k8s.io/apimachinery/pkg/util/validation"
)

// The scanners below decide, without regular expressions, what the
// corresponding upstream validators of k8s.io/apimachinery decide. A valid
// value, the common case, then costs a single pass over its bytes and no
// allocation; an invalid one is handed to the upstream validator, so that
// every message is exactly upstream's. FuzzScanners holds each scanner to
// its upstream validator.

// Upstream length limits the scanners apply.
const (
	labelMax     = validation.DNS1123LabelMaxLength     // 63
	subdomainMax = validation.DNS1123SubdomainMaxLength // 253
	labelKeyMax  = 63
	labelValMax  = validation.LabelValueMaxLength // 63
)

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// dnsLabelRun reports whether s matches [a-z0-9]([-a-z0-9]*[a-z0-9])?,
// with no length limit.
func dnsLabelRun(s string) bool {
	if s == "" || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// ValidDNS1123Label reports whether validation.IsDNS1123Label(s) finds no
// problem: 1 to 63 characters of [a-z0-9-], starting and ending with an
// alphanumeric character.
func ValidDNS1123Label(s string) bool {
	return len(s) <= labelMax && dnsLabelRun(s)
}

// ValidDNS1123Subdomain reports whether validation.IsDNS1123Subdomain(s)
// finds no problem: at most 253 characters, DNS-1123 labels (of any length)
// joined by dots.
func ValidDNS1123Subdomain(s string) bool {
	if s == "" || len(s) > subdomainMax {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if !dnsLabelRun(s[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}

// ValidDNS1035Label reports whether validation.IsDNS1035Label(s) finds no
// problem: a DNS-1123 label that starts with a letter.
func ValidDNS1035Label(s string) bool {
	return ValidDNS1123Label(s) && s[0] >= 'a' && s[0] <= 'z'
}

// labelKeyRun reports whether s matches ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9].
func labelKeyRun(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// ValidLabelValue reports whether validation.IsValidLabelValue(s) finds no
// problem: empty, or at most 63 characters of [-A-Za-z0-9_.] starting and
// ending with an alphanumeric character.
func ValidLabelValue(s string) bool {
	return s == "" || len(s) <= labelValMax && labelKeyRun(s)
}

// ValidQualifiedName reports whether validation.IsQualifiedName(s) finds no
// problem: a name part of at most 63 characters like a label value (but not
// empty), optionally after a DNS-1123 subdomain prefix and a slash.
func ValidQualifiedName(s string) bool {
	name := s
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			if !ValidDNS1123Subdomain(s[:i]) {
				return false
			}
			name = s[i+1:]
			break
		}
	}
	// A second slash lands in name, where labelKeyRun refuses it.
	return len(name) <= labelKeyMax && labelKeyRun(name)
}

// ValidLabels reports whether metav1 validation.ValidateLabels(labels, p)
// finds no problem: every key a qualified name, every value a label value.
func ValidLabels(labels map[string]string) bool {
	for k, v := range labels {
		if !ValidQualifiedName(k) || !ValidLabelValue(v) {
			return false
		}
	}
	return true
}

// IsDNS1123Label returns validation.IsDNS1123Label(s): nil for a valid
// label, upstream's messages otherwise.
func IsDNS1123Label(s string) []string {
	if ValidDNS1123Label(s) {
		return nil
	}
	return validation.IsDNS1123Label(s)
}

// IsDNS1123Subdomain returns validation.IsDNS1123Subdomain(s).
func IsDNS1123Subdomain(s string) []string {
	if ValidDNS1123Subdomain(s) {
		return nil
	}
	return validation.IsDNS1123Subdomain(s)
}

// IsDNS1035Label returns validation.IsDNS1035Label(s).
func IsDNS1035Label(s string) []string {
	if ValidDNS1035Label(s) {
		return nil
	}
	return validation.IsDNS1035Label(s)
}

// IsQualifiedName returns validation.IsQualifiedName(s).
func IsQualifiedName(s string) []string {
	if ValidQualifiedName(s) {
		return nil
	}
	return validation.IsQualifiedName(s)
}

// IsValidLabelValue returns validation.IsValidLabelValue(s).
func IsValidLabelValue(s string) []string {
	if ValidLabelValue(s) {
		return nil
	}
	return validation.IsValidLabelValue(s)
}

// ValidPortName reports whether validation.IsValidPortName(s) finds no
// problem: 1 to 15 characters of [-a-z0-9] with at least one letter, no
// "--", and no '-' at either end.
func ValidPortName(s string) bool {
	if s == "" || len(s) > 15 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			letter = true
		case c >= '0' && c <= '9':
		case c == '-':
			if s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return letter
}

// IsValidPortName returns validation.IsValidPortName(s).
func IsValidPortName(s string) []string {
	if ValidPortName(s) {
		return nil
	}
	return validation.IsValidPortName(s)
}
