package yamlenc

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// KeyLess is the order of mapping keys in the output: the order in which
// sigs.k8s.io/yaml (through go-yaml v2) writes the keys of a mapping. It is
// lexical by character, except that every non-letter sorts before every
// letter and a run of digits compares by its numeric value ("a2" before
// "a10").
// Struct fields and map keys alike are written in this order, so that the
// output is byte-identical to sigs.k8s.io/yaml's wherever possible.
func KeyLess(a, b string) bool {
	return keyCompare(a, b) < 0
}

// keyCompare returns -1 if a sorts before b, +1 if after, and 0 when
// neither does (then a == b, or the order cannot tell them apart).
func keyCompare(a, b string) int {
	if isASCII(a) && isASCII(b) {
		return lessASCII(a, b)
	}
	return lessRunes([]rune(a), []rune(b))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func asciiDigit(c byte) bool  { return '0' <= c && c <= '9' }

func lessASCII(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		al, bl := asciiLetter(a[i]), asciiLetter(b[i])
		if al && bl {
			return cmpBool(a[i] < b[i])
		}
		if al || bl {
			return cmpBool(bl)
		}
		var an, bn int64
		if a[i] == '0' || b[i] == '0' {
			for j := i - 1; j >= 0 && asciiDigit(a[j]); j-- {
				if a[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(a) && asciiDigit(a[ai]); ai++ {
			an = an*10 + int64(a[ai]-'0')
		}
		for ; bi < len(b) && asciiDigit(b[bi]); bi++ {
			bn = bn*10 + int64(b[bi]-'0')
		}
		if an != bn {
			return cmpBool(an < bn)
		}
		if ai != bi {
			return cmpBool(ai < bi)
		}
		return cmpBool(a[i] < b[i])
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lessRunes(ar, br []rune) int {
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return cmpBool(ar[i] < br[i])
		}
		if al || bl {
			return cmpBool(bl)
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for ; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return cmpBool(an < bn)
		}
		if ai != bi {
			return cmpBool(ai < bi)
		}
		return cmpBool(ar[i] < br[i])
	}
	switch {
	case len(ar) < len(br):
		return -1
	case len(ar) > len(br):
		return 1
	}
	return 0
}

// cmpBool maps "a before b" to -1 and anything else to +1: once two keys
// differ at a position, the order always decides one way.
func cmpBool(less bool) int {
	if less {
		return -1
	}
	return 1
}

func isUnicodeLetter(c rune) bool { return unicode.IsLetter(c) }
func isUnicodeDigit(c rune) bool  { return unicode.IsDigit(c) }

// sortKeyed puts the entries of a map, keyed by key, in KeyLess order, and
// in the same order on every run. The order go-yaml defines compares runs
// of digits from the first position where two keys differ, which is not
// transitive ("1Gi" < "0123x" < "0o17" < "1Gi"), so a sort's result would
// depend on the map's random iteration order. When a key holds a digit the
// entries are therefore first put in byte order, and then sorted stably;
// without digits the order is total and one sort suffices. The compiled
// map encoders follow the same steps.
func sortKeyed[E any](es []E, key func(E) string) {
	digits := false
	for _, e := range es {
		if hasDigit(key(e)) {
			digits = true
			break
		}
	}
	if digits {
		slices.SortFunc(es, func(a, b E) int { return strings.Compare(key(a), key(b)) })
		slices.SortStableFunc(es, func(a, b E) int { return keyCompare(key(a), key(b)) })
		return
	}
	slices.SortFunc(es, func(a, b E) int { return keyCompare(key(a), key(b)) })
}

// collapseFixed handles a map some of whose keys are not valid UTF-8. Such
// a key is written with U+FFFD in place of each bad byte, as encoding/json
// writes it, so two keys may come out the same. A JSON round trip (keys
// written in the byte order of the original keys, and a reader keeping the
// last of equal keys) leaves the entry whose original key sorts last;
// collapseFixed keeps that one and drops the others, so that the output has
// no duplicate keys and does not depend on the map's iteration order.
// parts returns an entry's written and original key.
func collapseFixed[E any](es []E, parts func(E) (key, raw string)) []E {
	slices.SortFunc(es, func(a, b E) int {
		ka, ra := parts(a)
		kb, rb := parts(b)
		if c := strings.Compare(ka, kb); c != 0 {
			return c
		}
		return strings.Compare(ra, rb)
	})
	out := es[:0]
	for i, e := range es {
		if k, _ := parts(e); i+1 < len(es) {
			if next, _ := parts(es[i+1]); next == k {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// hasDigit reports whether s holds a rune that KeyLess compares as part
// of a number.
func hasDigit(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if '0' <= c && c <= '9' {
				return true
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if unicode.IsDigit(r) {
			return true
		}
		i += w
	}
	return false
}
