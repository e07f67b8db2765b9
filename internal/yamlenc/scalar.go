package yamlenc

import (
	"encoding/base64"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// style is how a string scalar is written.
type style uint8

const (
	stylePlain   style = iota // as is
	styleSingle               // 'single quoted', quotes doubled
	styleDouble               // "double quoted" with escapes
	styleLiteral              // a "|" block, one line per line
)

// scalarStyle chooses how to write s: the choice go-yaml v2 makes (so the
// output matches sigs.k8s.io/yaml's), made stricter where a YAML 1.1 or
// 1.2 parser could otherwise read something else. s must be valid UTF-8.
//
//   - A string a parser would resolve to another type (null, a boolean
//     such as yes/no/on/off/y/n, a number in any notation such as 0123,
//     1e3, 0x1F, 1_000, 1:20, .inf, a timestamp, the merge key "<<" or the
//     value key "=") is double quoted.
//   - A multi-line string is a literal block, unless a line ends in a space
//     or it holds characters a block cannot carry; then double quoted.
//   - Otherwise plain, unless it starts with an indicator (- ? : , [ ] { }
//     # & * ! | > ' " % @ `), starts or ends with a space, holds ": " or
//     " #", ends with ":", or starts with "---" or "...": then single
//     quoted.
//   - Whatever holds a character that is not printable (control
//     characters, tab, BOM, characters outside the Basic Multilingual
//     Plane) or a line break other than "\n" is double quoted, with
//     escapes.
func scalarStyle(s string, key bool) style {
	if simple(s) {
		if isWord(s) {
			return styleDouble
		}
		return stylePlain
	}
	a := analyze(s)
	if a.special {
		return styleDouble
	}
	if a.lineBreaks {
		if key || !a.blockAllowed {
			return styleDouble
		}
		return styleLiteral
	}
	if resolvesNonString(s) {
		return styleDouble
	}
	if a.plainAllowed {
		return stylePlain
	}
	if a.singleAllowed {
		return styleSingle
	}
	return styleDouble
}

// Byte classes, for scanning a string once, without branches, and then
// asking several questions of the result (see classOf).
const (
	clsNotSimple uint8 = 1 << iota // outside simpleChars
	clsDigit                       // an ASCII digit
	clsNonASCII                    // part of a multi-byte character
)

// byteClass is the class of each byte. simpleChars are the bytes of names,
// paths, image references and label values that never need quoting in the
// middle of a string: ASCII letters and digits and "-._/:@".
var byteClass = func() (t [256]uint8) {
	for c := range t {
		switch b := byte(c); {
		case b >= utf8.RuneSelf:
			t[c] = clsNotSimple | clsNonASCII
		case asciiDigit(b):
			t[c] = clsDigit
		case asciiLetter(b) || strings.IndexByte("-._/:@", b) >= 0:
			t[c] = 0
		default:
			t[c] = clsNotSimple
		}
	}
	return t
}()

// classOf returns the union of the classes of the bytes of s.
func classOf(s string) uint8 {
	var cls uint8
	// Four bytes a step measured about a fifth quicker on label keys and
	// image references than one; eight were no quicker than four.
	for len(s) >= 4 {
		cls |= byteClass[s[0]] | byteClass[s[1]] | byteClass[s[2]] | byteClass[s[3]]
		s = s[4:]
	}
	for i := 0; i < len(s); i++ {
		cls |= byteClass[s[i]]
	}
	return cls
}

// simple reports whether s is the common case that only the word list can
// make special: it starts with an ASCII letter (so it is no number,
// timestamp or indicator), does not end in ':' and holds only simpleChars
// (so no ": ", " #", space, quote or line break).
func simple(s string) bool {
	return simpleClassed(s, classOf(s))
}

// simpleClassed is simple for s whose classOf is cls.
func simpleClassed(s string, cls uint8) bool {
	return cls&clsNotSimple == 0 && len(s) != 0 && asciiLetter(s[0]) && s[len(s)-1] != ':'
}

type analysis struct {
	special       bool // unprintable characters or breaks other than "\n"
	lineBreaks    bool
	plainAllowed  bool
	singleAllowed bool
	blockAllowed  bool
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// analyze follows go-yaml v2's analysis of a scalar for block context.
func analyze(s string) analysis {
	if s == "" {
		return analysis{plainAllowed: true, singleAllowed: true}
	}
	var (
		blockIndicators, lineBreaks, special                             bool
		leadingSpace, leadingBreak, trailingSpace, trailingBreak         bool
		breakSpace, spaceBreak, previousSpace, previousBreak, precededWS bool
	)
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockIndicators = true
	}
	precededWS = true
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		followedWS := i+w >= len(s) || isBlank(s[i+w])
		if i == 0 {
			switch r {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				blockIndicators = true
			case '?', ':', '-':
				if followedWS {
					blockIndicators = true
				}
			}
		} else {
			switch r {
			case ':':
				if followedWS {
					blockIndicators = true
				}
			case '#':
				if precededWS {
					blockIndicators = true
				}
			}
		}
		if !printable(r) || r == 0x85 || r == 0x2028 || r == 0x2029 || r == '\r' {
			special = true
		}
		switch {
		case r == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i+w == len(s) {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		case r == '\n':
			lineBreaks = true
			if i == 0 {
				leadingBreak = true
			}
			if i+w == len(s) {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededWS = r == ' ' || r == '\t' || r == '\n'
		i += w
	}
	a := analysis{special: special, lineBreaks: lineBreaks, plainAllowed: true, singleAllowed: true, blockAllowed: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || blockIndicators {
		a.plainAllowed = false
	}
	if trailingSpace || spaceBreak {
		a.blockAllowed = false
	}
	if breakSpace || spaceBreak {
		a.singleAllowed = false
	}
	return a
}

// printable is go-yaml's set of characters written as they are.
func printable(r rune) bool {
	switch {
	case r == '\n':
		return true
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	}
	return false
}

// nonStringWords are the plain scalars that YAML 1.1 or 1.2 resolves to
// null, a boolean, a special float, or a merge or value key.
var nonStringWords = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true,
	"false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true,
	"off": true, "Off": true, "OFF": true,
	"~": true, "null": true, "Null": true, "NULL": true,
	".nan": true, ".NaN": true, ".NAN": true,
	".inf": true, ".Inf": true, ".INF": true,
	"+.inf": true, "+.Inf": true, "+.INF": true,
	"-.inf": true, "-.Inf": true, "-.INF": true,
	"<<": true, "=": true,
}

// isWord reports whether s, a simple string, is one of nonStringWords
// (only those starting with a letter can be): the switch is faster than
// the map on the path every name and path takes.
func isWord(s string) bool {
	if len(s) > 5 {
		return false
	}
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL":
		return true
	}
	return false
}

var (
	// yamlStyleFloat is go-yaml v2's float syntax (YAML 1.2 core schema).
	yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	// yaml11Number covers the YAML 1.1 int and float forms (binary, octal,
	// hex, sexagesimal, underscores) as YAML 1.1 parsers implement them.
	yaml11Number = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?0o[0-7]+)$`)
	// yaml11Timestamp is the YAML 1.1 timestamp type.
	yaml11Timestamp = regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`)
)

// numberish reports whether s is made only of characters that can occur in
// a YAML number or timestamp, so that the costlier checks are worth it.
func numberish(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		case c == '+', c == '-', c == '.', c == '_', c == ':', c == ' ', c == '\t':
		case c == 'x', c == 'X', c == 'o', c == 'O', c == 't', c == 'T', c == 'Z', c == 'z':
		default:
			return false
		}
	}
	return true
}

// resolvesNonString reports whether a parser could read the plain scalar s
// as anything but a string.
func resolvesNonString(s string) bool {
	if s == "" {
		return true
	}
	c := s[0]
	if len(s) <= 6 && nonStringWords[s] {
		return true
	}
	if !(c == '+' || c == '-' || c == '.' || '0' <= c && c <= '9') || !numberish(s) {
		return false
	}
	if c == '.' {
		if _, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return true
		}
		return yaml11Number.MatchString(s)
	}
	plain := s
	if strings.IndexByte(s, '_') >= 0 {
		plain = strings.ReplaceAll(s, "_", "")
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return true
	}
	if len(s) >= 8 && s[4] == '-' && (timestampV2(s) || yaml11Timestamp.MatchString(s)) {
		return true
	}
	if yamlStyleFloat.MatchString(s) {
		return true // a YAML 1.2 float, even one out of float64's range
	}
	if yamlStyleFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return true
		}
	}
	if isBase60(s) {
		return true
	}
	return yaml11Number.MatchString(s)
}

var base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

func isBase60(s string) bool {
	return strings.IndexByte(s, ':') >= 0 && base60.MatchString(s)
}

// timestampV2 is go-yaml v2's timestamp recognition.
func timestampV2(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, format := range []string{
		"2006-1-2T15:4:5.999999999Z07:00",
		"2006-1-2t15:4:5.999999999Z07:00",
		"2006-1-2 15:4:5.999999999",
		"2006-1-2",
	} {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}

// validUTF8 returns b as a string with every byte that is not part of a
// valid UTF-8 sequence replaced by U+FFFD, as encoding/json does.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return fixUTF8(string(b))
}

func validUTF8String(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return fixUTF8(s)
}

func fixUTF8(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteString(s[i : i+w])
		}
		i += w
	}
	return sb.String()
}

// str writes a string value at position c.
func (s *state) str(v string, c ctx) {
	s.scalarPrefix(c)
	// Most strings are names, paths and image references: plain, and
	// ASCII, so valid UTF-8 without a further look.
	if simple(v) && !isWord(v) {
		s.buf = append(s.buf, v...)
		return
	}
	v = validUTF8String(v)
	st := scalarStyle(v, false)
	if st == styleLiteral {
		ind := 2
		if c.mode != modeTop {
			ind = c.ind + 2
		}
		s.literal(v, ind)
		return
	}
	s.scalar(v, st)
}

// key writes a mapping key (without the ':') whose entry is at column ind,
// and returns the mode in which the entry's value is to be written. A key
// longer than 128 bytes or spanning lines is written as an explicit
// "? key", a line break and the ':' at column ind, as go-yaml does (YAML
// allows a plain "key:" only for short single-line keys); its value then
// follows the ':' as a sequence item's value follows the '-'.
func (s *state) key(k string, ind int) mode {
	return s.classedKey(k, classOf(k), ind)
}

// classedKey is key for k whose classOf is cls, for callers that have
// scanned k already.
func (s *state) classedKey(k string, cls uint8, ind int) mode {
	if len(k) <= 128 && simpleClassed(k, cls) && !isWord(k) {
		s.buf = append(s.buf, k...)
		return modeKey
	}
	if len(k) <= 128 && strings.IndexByte(k, '\n') < 0 {
		s.scalar(k, scalarStyle(k, true))
		return modeKey
	}
	s.buf = append(s.buf, '?', ' ')
	if st := scalarStyle(k, false); st == styleLiteral {
		s.literal(k, ind+2)
	} else {
		s.scalar(k, st)
	}
	s.newline(ind)
	return modeItem
}

func (s *state) scalar(v string, st style) {
	switch st {
	case stylePlain:
		s.buf = append(s.buf, v...)
	case styleSingle:
		s.buf = append(s.buf, '\'')
		for i := 0; i < len(v); i++ {
			if v[i] == '\'' {
				s.buf = append(s.buf, '\'')
			}
			s.buf = append(s.buf, v[i])
		}
		s.buf = append(s.buf, '\'')
	default:
		s.double(v)
	}
}

const hexDigits = "0123456789ABCDEF"

// double writes v double quoted, escaping as go-yaml v2 does.
func (s *state) double(v string) {
	s.buf = append(s.buf, '"')
	for i := 0; i < len(v); {
		r, w := rune(v[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(v[i:])
		}
		i += w
		if printable(r) && r != '\n' && r != '"' && r != '\\' && r != 0x2028 && r != 0x2029 {
			s.buf = utf8.AppendRune(s.buf, r)
			continue
		}
		s.buf = append(s.buf, '\\')
		switch r {
		case 0x00:
			s.buf = append(s.buf, '0')
		case 0x07:
			s.buf = append(s.buf, 'a')
		case 0x08:
			s.buf = append(s.buf, 'b')
		case 0x09:
			s.buf = append(s.buf, 't')
		case 0x0A:
			s.buf = append(s.buf, 'n')
		case 0x0B:
			s.buf = append(s.buf, 'v')
		case 0x0C:
			s.buf = append(s.buf, 'f')
		case 0x0D:
			s.buf = append(s.buf, 'r')
		case 0x1B:
			s.buf = append(s.buf, 'e')
		case '"':
			s.buf = append(s.buf, '"')
		case '\\':
			s.buf = append(s.buf, '\\')
		case 0x85:
			s.buf = append(s.buf, 'N')
		case 0xA0:
			s.buf = append(s.buf, '_')
		case 0x2028:
			s.buf = append(s.buf, 'L')
		case 0x2029:
			s.buf = append(s.buf, 'P')
		default:
			n := 8
			switch {
			case r <= 0xFF:
				s.buf = append(s.buf, 'x')
				n = 2
			case r <= 0xFFFF:
				s.buf = append(s.buf, 'u')
				n = 4
			default:
				s.buf = append(s.buf, 'U')
			}
			for k := (n - 1) * 4; k >= 0; k -= 4 {
				s.buf = append(s.buf, hexDigits[(r>>uint(k))&0xF])
			}
		}
	}
	s.buf = append(s.buf, '"')
}

// literal writes v as a "|" block whose lines are indented by ind.
func (s *state) literal(v string, ind int) {
	s.buf = append(s.buf, '|')
	if v[0] == ' ' || v[0] == '\n' {
		s.buf = append(s.buf, '2')
	}
	switch {
	case v[len(v)-1] != '\n':
		s.buf = append(s.buf, '-')
	case len(v) == 1 || v[len(v)-2] == '\n':
		s.buf = append(s.buf, '+')
	}
	body := strings.TrimSuffix(v, "\n")
	for {
		line, rest, more := strings.Cut(body, "\n")
		if line == "" {
			s.buf = append(s.buf, '\n')
		} else {
			s.newline(ind)
			s.buf = append(s.buf, line...)
		}
		if !more {
			break
		}
		body = rest
	}
}

// base64 writes b as encoding/json does: a standard base64 string.
func (s *state) base64(b []byte, c ctx) {
	n := base64.StdEncoding.EncodedLen(len(b))
	if cap(s.scratch) < n {
		s.scratch = make([]byte, n)
	}
	enc := s.scratch[:n]
	base64.StdEncoding.Encode(enc, b)
	s.str(string(enc), c)
}

// float writes f as sigs.k8s.io/yaml does: encoding/json's text for it,
// read back as go-yaml reads a number and written again.
func (s *state) float(f float64, bits int, c ctx) result {
	js, err := jsonFloat(s.scratch[:0], f, bits)
	if err != nil {
		s.fail(err)
		return resOther
	}
	s.scratch = js
	s.scalarPrefix(c)
	s.number(js)
	return resOther
}

// jsonFloat appends f as encoding/json writes it.
func jsonFloat(dst []byte, f float64, bits int) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, errors.New("yamlenc: json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, bits))
	}
	abs := math.Abs(f)
	fmtc := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			fmtc = 'e'
		}
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, fmtc, -1, bits)
	if fmtc == 'e' {
		n := len(dst) - start
		if n >= 4 && dst[len(dst)-4] == 'e' && dst[len(dst)-3] == '-' && dst[len(dst)-2] == '0' {
			dst[len(dst)-2] = dst[len(dst)-1]
			dst = dst[:len(dst)-1]
		}
	}
	return dst, nil
}

// number writes the JSON number text js as go-yaml v2 reads and writes it
// back: integers as they are, other numbers in Go's shortest 'g' form.
func (s *state) number(js []byte) {
	t := string(js)
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		s.buf = strconv.AppendInt(s.buf, n, 10)
		return
	}
	if n, err := strconv.ParseUint(t, 10, 64); err == nil {
		s.buf = strconv.AppendUint(s.buf, n, 10)
		return
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		// go-yaml reads an out-of-range number as a string.
		s.str(t, ctx{mode: modeTop})
		return
	}
	switch {
	case math.IsInf(f, 1):
		s.buf = append(s.buf, ".inf"...)
	case math.IsInf(f, -1):
		s.buf = append(s.buf, "-.inf"...)
	default:
		s.buf = strconv.AppendFloat(s.buf, f, 'g', -1, 64)
	}
}
