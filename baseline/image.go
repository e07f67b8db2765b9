package baseline

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxImageLength bounds an image reference.
const maxImageLength = 4096

// validateImage requires a reference pinned by tag (not "latest") or
// digest. Problems are reported at "image".
func validateImage(s string) field.ErrorList {
	if s == "" {
		return field.ErrorList{field.Required(field.NewPath("image"), `an image pinned by tag or digest, such as "registry.k8s.io/pause:3.10"`)}
	}
	tag, digest, ok := parseImage(s)
	if !ok || len(s) > maxImageLength {
		return field.ErrorList{field.Invalid(field.NewPath("image"), s, "must be an image reference: [registry/]path[:tag][@sha256:<64 hex>]")}
	}
	switch {
	case tag == "" && digest == "":
		return field.ErrorList{field.Invalid(field.NewPath("image"), s, "must be pinned by a version tag or a digest; an untagged image means :latest")}
	case tag == "latest" && digest == "":
		return field.ErrorList{field.Invalid(field.NewPath("image"), s, "must be pinned by a version tag or a digest, not :latest")}
	}
	return nil
}

// parseImage splits an image reference of the form
//
//	[domain[:port]/]component(/component)*[:tag][@sha256:<64 lower-case hex>]
//
// and reports whether it has that form. A domain is DNS labels of
// [a-zA-Z0-9-] (not starting or ending with '-') joined by dots, a component
// is runs of [a-z0-9] joined by '.', '_', "__" or one or more '-', and a tag
// is 1 to 128 characters of [A-Za-z0-9_.-] not starting with '.' or '-'.
// The first path segment is a domain only when more segments follow.
func parseImage(s string) (tag, digest string, ok bool) {
	// Neither the name nor the tag contains '@', so the first '@' starts
	// the digest.
	if i := strings.IndexByte(s, '@'); i >= 0 {
		digest = s[i+1:]
		if !isSHA256Digest(digest) {
			return "", "", false
		}
		s = s[:i]
	}
	// Components contain no ':', and a port is followed by '/': a last ':'
	// with no '/' after it starts the tag.
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.IndexByte(s[i+1:], '/') < 0 {
		tag = s[i+1:]
		if !isImageTag(tag) {
			return "", "", false
		}
		s = s[:i]
	}
	first, rest, more := strings.Cut(s, "/")
	if more && isImageDomain(first) && isImagePath(rest) {
		return tag, digest, true
	}
	return tag, digest, isImagePath(s)
}

func isSHA256Digest(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	if !ok || len(hex) != 64 {
		return false
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isImageTag(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(isAlnumByte(c) || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isImageDomain reports whether s is a host name with an optional port.
func isImageDomain(s string) bool {
	host := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		host = s[:i]
		port := s[i+1:]
		if port == "" {
			return false
		}
		for j := 0; j < len(port); j++ {
			if port[j] < '0' || port[j] > '9' {
				return false
			}
		}
	}
	for {
		label, rest, more := strings.Cut(host, ".")
		if label == "" || !isAlnumByte(label[0]) || !isAlnumByte(label[len(label)-1]) {
			return false
		}
		for j := 1; j < len(label)-1; j++ {
			if c := label[j]; !isAlnumByte(c) && c != '-' {
				return false
			}
		}
		if !more {
			return true
		}
		host = rest
	}
}

// isImagePath reports whether s is components joined by '/'.
func isImagePath(s string) bool {
	for {
		comp, rest, more := strings.Cut(s, "/")
		if !isImageComponent(comp) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// isImageComponent reports whether s is runs of [a-z0-9] separated by '.',
// '_', "__" or a run of '-'.
func isImageComponent(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	for {
		start := i
		for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == start {
			return false // a separator at the start, or two in a row
		}
		if i == len(s) {
			return true
		}
		switch s[i] {
		case '.':
			i++
		case '_':
			i++
			if i < len(s) && s[i] == '_' {
				i++
			}
		case '-':
			for i < len(s) && s[i] == '-' {
				i++
			}
		default:
			return false
		}
		if i == len(s) {
			return false // a separator at the end
		}
	}
}
