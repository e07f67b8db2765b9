package yamlenc

import (
	"errors"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errSyntax reports JSON from a json.Marshaler that is not valid JSON;
// encoding/json refuses such output in the same way.
var errSyntax = errors.New("yamlenc: json.Marshaler returned invalid JSON")

// jsonReader walks a JSON text once.
type jsonReader struct {
	data []byte
	pos  int
}

func (r *jsonReader) ws() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// json writes the JSON text js (a json.Marshaler's output) as YAML at
// position c, applying the same ordering and pruning as for Go values.
func (s *state) json(js []byte, c ctx) result {
	r := jsonReader{data: js}
	res := s.jsonValue(&r, c)
	r.ws()
	if s.err == nil && r.pos != len(r.data) {
		s.fail(errSyntax)
	}
	return res
}

func (s *state) jsonValue(r *jsonReader, c ctx) result {
	r.ws()
	if r.pos >= len(r.data) {
		s.fail(errSyntax)
		return resOther
	}
	switch ch := r.data[r.pos]; {
	case ch == 'n':
		if !r.literal("null") {
			s.fail(errSyntax)
		}
		return resNull
	case ch == 't':
		if !r.literal("true") {
			s.fail(errSyntax)
		}
		s.scalarPrefix(c)
		s.buf = append(s.buf, "true"...)
	case ch == 'f':
		if !r.literal("false") {
			s.fail(errSyntax)
		}
		s.scalarPrefix(c)
		s.buf = append(s.buf, "false"...)
	case ch == '"':
		str, ok := r.str()
		if !ok {
			s.fail(errSyntax)
			return resOther
		}
		s.str(str, c)
	case ch == '-' || '0' <= ch && ch <= '9':
		start := r.pos
		if !r.number() {
			s.fail(errSyntax)
			return resOther
		}
		s.scalarPrefix(c)
		s.number(r.data[start:r.pos])
	case ch == '[':
		return s.jsonArray(r, c)
	case ch == '{':
		return s.jsonObject(r, c)
	default:
		s.fail(errSyntax)
	}
	return resOther
}

func (r *jsonReader) literal(word string) bool {
	if len(r.data)-r.pos < len(word) || string(r.data[r.pos:r.pos+len(word)]) != word {
		return false
	}
	r.pos += len(word)
	return true
}

func (r *jsonReader) number() bool {
	d := r.data
	i := r.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return false
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return false
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	r.pos = i
	return true
}

// str reads a JSON string, decoding escapes as encoding/json does (invalid
// UTF-8 and lone surrogates become U+FFFD).
func (r *jsonReader) str() (string, bool) {
	d := r.data
	i := r.pos + 1
	start := i
	for i < len(d) && d[i] != '"' && d[i] != '\\' && d[i] >= 0x20 && d[i] < utf8.RuneSelf {
		i++
	}
	if i < len(d) && d[i] == '"' {
		r.pos = i + 1
		return string(d[start:i]), true
	}
	out := make([]byte, 0, i-start+16)
	out = append(out, d[start:i]...)
	for {
		if i >= len(d) {
			return "", false
		}
		ch := d[i]
		switch {
		case ch == '"':
			r.pos = i + 1
			return string(out), true
		case ch < 0x20:
			return "", false
		case ch == '\\':
			i++
			if i >= len(d) {
				return "", false
			}
			switch d[i] {
			case '"', '\\', '/':
				out = append(out, d[i])
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				c, ok := hex4(d, i+1)
				if !ok {
					return "", false
				}
				i += 4
				if utf16.IsSurrogate(c) {
					c2, ok2 := rune(-1), false
					if i+2 < len(d) && d[i+1] == '\\' && d[i+2] == 'u' {
						c2, ok2 = hex4(d, i+3)
					}
					if dec := utf16.DecodeRune(c, c2); ok2 && dec != utf8.RuneError {
						out = utf8.AppendRune(out, dec)
						i += 6
						break
					}
					c = utf8.RuneError
				}
				out = utf8.AppendRune(out, c)
			default:
				return "", false
			}
			i++
		case ch < utf8.RuneSelf:
			out = append(out, ch)
			i++
		default:
			c, w := utf8.DecodeRune(d[i:])
			if c == utf8.RuneError && w == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, d[i:i+w]...)
			}
			i += w
		}
	}
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// skip moves past one JSON value, checking its syntax.
func (r *jsonReader) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	r.ws()
	if r.pos >= len(r.data) {
		return false
	}
	switch ch := r.data[r.pos]; {
	case ch == 'n':
		return r.literal("null")
	case ch == 't':
		return r.literal("true")
	case ch == 'f':
		return r.literal("false")
	case ch == '"':
		_, ok := r.str()
		return ok
	case ch == '-' || '0' <= ch && ch <= '9':
		return r.number()
	case ch == '[':
		r.pos++
		r.ws()
		if r.pos < len(r.data) && r.data[r.pos] == ']' {
			r.pos++
			return true
		}
		for {
			if !r.skip(depth + 1) {
				return false
			}
			r.ws()
			if r.pos >= len(r.data) {
				return false
			}
			switch r.data[r.pos] {
			case ',':
				r.pos++
			case ']':
				r.pos++
				return true
			default:
				return false
			}
		}
	case ch == '{':
		r.pos++
		r.ws()
		if r.pos < len(r.data) && r.data[r.pos] == '}' {
			r.pos++
			return true
		}
		for {
			r.ws()
			if r.pos >= len(r.data) || r.data[r.pos] != '"' {
				return false
			}
			if _, ok := r.str(); !ok {
				return false
			}
			r.ws()
			if r.pos >= len(r.data) || r.data[r.pos] != ':' {
				return false
			}
			r.pos++
			if !r.skip(depth + 1) {
				return false
			}
			r.ws()
			if r.pos >= len(r.data) {
				return false
			}
			switch r.data[r.pos] {
			case ',':
				r.pos++
			case '}':
				r.pos++
				return true
			default:
				return false
			}
		}
	}
	return false
}

func (s *state) jsonArray(r *jsonReader, c ctx) result {
	r.pos++
	r.ws()
	if r.pos < len(r.data) && r.data[r.pos] == ']' {
		r.pos++
		return s.emptySequence(c)
	}
	if !s.enter() {
		return resOther
	}
	defer func() { s.depth-- }()
	for first := true; ; first = false {
		ic := s.seqItem(c, first)
		s.nullItem(s.jsonValue(r, ic))
		if s.err != nil {
			return resOther
		}
		r.ws()
		if r.pos >= len(r.data) {
			s.fail(errSyntax)
			return resOther
		}
		switch r.data[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return resOther
		default:
			s.fail(errSyntax)
			return resOther
		}
	}
}

// member is one entry of a JSON object: its key and where its value is.
type member struct {
	key        string
	start, end int
}

func (s *state) jsonObject(r *jsonReader, c ctx) result {
	r.pos++
	r.ws()
	var members []member
	if r.pos < len(r.data) && r.data[r.pos] == '}' {
		r.pos++
	} else {
		for {
			r.ws()
			if r.pos >= len(r.data) || r.data[r.pos] != '"' {
				s.fail(errSyntax)
				return resOther
			}
			k, ok := r.str()
			if !ok {
				s.fail(errSyntax)
				return resOther
			}
			r.ws()
			if r.pos >= len(r.data) || r.data[r.pos] != ':' {
				s.fail(errSyntax)
				return resOther
			}
			r.pos++
			r.ws()
			start := r.pos
			if !r.skip(s.depth) {
				s.fail(errSyntax)
				return resOther
			}
			members = append(members, member{key: k, start: start, end: r.pos})
			r.ws()
			if r.pos >= len(r.data) {
				s.fail(errSyntax)
				return resOther
			}
			if r.data[r.pos] == '}' {
				r.pos++
				break
			}
			if r.data[r.pos] != ',' {
				s.fail(errSyntax)
				return resOther
			}
			r.pos++
		}
	}
	// A repeated key keeps its last value, as go-yaml does when it reads
	// the JSON into a map.
	slices.SortStableFunc(members, func(a, b member) int { return keyCompare(a.key, b.key) })
	uniq := members[:0]
	for i, m := range members {
		if i+1 < len(members) && members[i+1].key == m.key {
			continue
		}
		uniq = append(uniq, m)
	}
	if len(uniq) == 0 {
		return s.emptyMapping(c)
	}
	if !s.enter() {
		return resOther
	}
	defer func() { s.depth-- }()
	first := true
	for _, m := range uniq {
		pos := len(s.buf)
		ind := s.entryPrefix(c, first)
		vm := s.key(m.key, ind)
		s.buf = append(s.buf, ':')
		sub := jsonReader{data: r.data[:m.end], pos: m.start}
		res := s.jsonValue(&sub, ctx{ind: ind, mode: vm})
		if s.err != nil {
			return resOther
		}
		if s.prune(m.key, res, c.mode == modeTop) {
			s.buf = s.buf[:pos]
			continue
		}
		first = false
	}
	if first {
		return s.emptyMapping(c)
	}
	return resOther
}
