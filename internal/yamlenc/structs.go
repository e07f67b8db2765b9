package yamlenc

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// field is one entry of a struct's plan: where the value is, how its key is
// written and when it is left out.
type field struct {
	name      string
	key       []byte // the key as written, followed by ':'
	keyMode   mode   // how the value follows the key
	index     []int  // path through embedded structs, as reflect.Value.FieldByIndex
	omitEmpty bool
	kind      reflect.Kind // of the field's type, for omitempty
	omitZero  bool
	isZero    func(reflect.Value) bool
	quoted    bool // the ",string" option
	typ       reflect.Type
	enc       encFn
	once      sync.Once
}

func (f *field) encoder() encFn {
	f.once.Do(func() { f.enc = planFor(f.typ) })
	return f.enc
}

var isZeroerType = reflect.TypeFor[interface{ IsZero() bool }]()

// typeFields lists the fields encoding/json would write for t, following
// its rules: exported fields and embedded structs, names from json tags,
// "-" skipped, and among fields of the same name the shallowest wins
// (a tagged one if several are equally shallow; none if that is ambiguous).
func typeFields(t reflect.Type) []*field {
	type cand struct {
		f      *field
		depth  int
		tagged bool
	}
	var cands []cand
	type level struct {
		t     reflect.Type
		index []int
	}
	current := []level{}
	next := []level{{t: t}}
	visited := map[reflect.Type]bool{}
	for depth := 0; len(next) > 0; depth++ {
		current, next = next, current[:0]
		for _, lv := range current {
			if visited[lv.t] {
				continue
			}
			visited[lv.t] = true
			for i := 0; i < lv.t.NumField(); i++ {
				sf := lv.t.Field(i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clone(lv.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					f := &field{
						name:      name,
						index:     index,
						omitEmpty: hasOpt(opts, "omitempty"),
						kind:      sf.Type.Kind(),
						omitZero:  hasOpt(opts, "omitzero"),
						typ:       sf.Type,
					}
					if hasOpt(opts, "string") {
						switch sf.Type.Kind() {
						case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64, reflect.String:
							f.quoted = true
						}
					}
					if f.omitZero {
						f.isZero = zeroFunc(sf.Type)
					}
					cands = append(cands, cand{f: f, depth: depth, tagged: tagged})
					continue
				}
				next = append(next, level{t: ft, index: index})
			}
		}
	}
	// Dominance among fields of the same name.
	byName := map[string][]cand{}
	var names []string
	for _, c := range cands {
		if _, ok := byName[c.f.name]; !ok {
			names = append(names, c.f.name)
		}
		byName[c.f.name] = append(byName[c.f.name], c)
	}
	var out []*field
	for _, n := range names {
		cs := byName[n]
		minDepth := cs[0].depth
		for _, c := range cs {
			minDepth = min(minDepth, c.depth)
		}
		var top []cand
		for _, c := range cs {
			if c.depth == minDepth {
				top = append(top, c)
			}
		}
		if len(top) > 1 {
			var tagged []cand
			for _, c := range top {
				if c.tagged {
					tagged = append(tagged, c)
				}
			}
			if len(tagged) != 1 {
				continue
			}
			top = tagged
		}
		out = append(out, top[0].f)
	}
	slices.SortFunc(out, func(a, b *field) int { return keyCompare(a.name, b.name) })
	for _, f := range out {
		var s state
		f.keyMode = s.key(f.name, 0)
		f.key = append(s.buf, ':')
	}
	return out
}

func zeroFunc(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
		}
	case t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.Interface().(interface{ IsZero() bool }).IsZero() }
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				c := reflect.New(v.Type()).Elem()
				c.Set(v)
				v = c
			}
			return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
		}
	}
	return reflect.Value.IsZero
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// validTagName follows encoding/json's rule for names it accepts in tags.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !isLetterOrDigit(c):
			return false
		}
	}
	return true
}

func isLetterOrDigit(c rune) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c > 0x7f && (isUnicodeLetter(c) || isUnicodeDigit(c))
}

// isEmpty is encoding/json's omitempty test; k is v.Kind(), known from the
// plan.
func isEmpty(v reflect.Value, k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	case reflect.Slice, reflect.Map:
		return v.IsNil() || v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	}
	return isEmptyValue(v)
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func newStructPlan(t reflect.Type) encFn {
	fields := typeFields(t)
	return func(s *state, v reflect.Value, c ctx) result {
		first := true
		for _, f := range fields {
			fv, ok := fieldByIndex(v, f.index)
			if !ok {
				continue
			}
			if f.omitEmpty && isEmpty(fv, f.kind) || f.omitZero && f.isZero(fv) {
				continue
			}
			pos := len(s.buf)
			ind := s.entryPrefix(c, first)
			vm := modeKey
			if f.keyMode == modeKey {
				s.buf = append(s.buf, f.key...)
			} else {
				vm = s.key(f.name, ind)
				s.buf = append(s.buf, ':')
			}
			var r result
			if f.quoted {
				r = s.quotedField(fv, ctx{ind: ind, mode: vm})
			} else {
				r = f.encoder()(s, fv, ctx{ind: ind, mode: vm})
			}
			if s.err != nil {
				return resOther
			}
			if s.prune(f.name, r, c.mode == modeTop) {
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
}

// fieldByIndex follows index, reporting false when it passes a nil
// embedded pointer (encoding/json skips such fields).
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	if len(index) == 1 {
		return v.Field(index[0]), true
	}
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// quotedField writes a field with the ",string" option: its JSON text as a
// string.
func (s *state) quotedField(v reflect.Value, c ctx) result {
	switch v.Kind() {
	case reflect.Bool:
		s.str(strconv.FormatBool(v.Bool()), c)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.str(strconv.FormatInt(v.Int(), 10), c)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s.str(strconv.FormatUint(v.Uint(), 10), c)
	case reflect.Float32, reflect.Float64:
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		js, err := jsonFloat(nil, v.Float(), bits)
		if err != nil {
			s.fail(err)
			return resOther
		}
		s.str(string(js), c)
	case reflect.String:
		s.str(strconv.Quote(validUTF8([]byte(v.String()))), c)
	}
	return resOther
}

// mapEntry is one entry of a map being written, with its key as a string.
type mapEntry struct {
	key, raw string // raw is the key before invalid UTF-8 was replaced
	val      reflect.Value
}

func newMapPlan(t reflect.Type) encFn {
	kt := t.Key()
	var keyFn func(reflect.Value) (string, error)
	switch {
	case kt.Kind() == reflect.String:
		keyFn = func(k reflect.Value) (string, error) { return k.String(), nil }
	case kt.Implements(textMarshalerType):
		keyFn = func(k reflect.Value) (string, error) {
			if k.Kind() == reflect.Pointer && k.IsNil() {
				return "", nil
			}
			b, err := k.Interface().(encoding.TextMarshaler).MarshalText()
			return string(b), err
		}
	case kt.Kind() >= reflect.Int && kt.Kind() <= reflect.Int64:
		keyFn = func(k reflect.Value) (string, error) { return strconv.FormatInt(k.Int(), 10), nil }
	case kt.Kind() >= reflect.Uint && kt.Kind() <= reflect.Uintptr:
		keyFn = func(k reflect.Value) (string, error) { return strconv.FormatUint(k.Uint(), 10), nil }
	default:
		return func(s *state, v reflect.Value, c ctx) result {
			s.fail(fmt.Errorf("yamlenc: unsupported map key type %s", kt))
			return resOther
		}
	}
	var (
		once      sync.Once
		elem      encFn
		sliceType = reflect.SliceOf(t.Elem())
		// Map values are not addressable in encoding/json; where that
		// changes the output, they are not copied into addressable memory.
		addrMatters = pointerMethodsMatter(t.Elem(), map[reflect.Type]bool{})
	)
	generic := func(s *state, v reflect.Value, c ctx) result {
		if v.IsNil() {
			return resNull
		}
		if v.Len() == 0 {
			return s.emptyMapping(c)
		}
		once.Do(func() { elem = planFor(t.Elem()) })
		if !s.enter() {
			return resOther
		}
		// The values are copied into one addressable slice (so that a
		// value's pointer methods apply, and no copy is allocated per entry)
		// and written in key order.
		n := v.Len()
		if addrMatters {
			return s.mapEntriesNoCopy(v, c, keyFn, elem)
		}
		vals := reflect.MakeSlice(sliceType, n, n)
		entries := make([]mapEntry, 0, n)
		var it reflect.MapIter
		it.Reset(v)
		key := reflect.New(kt).Elem()
		fixed := false
		for i := 0; it.Next(); i++ {
			key.SetIterKey(&it)
			k, err := keyFn(key)
			if err != nil {
				s.fail(fmt.Errorf("yamlenc: json: error calling MarshalText for type %s: %w", kt, err))
				return resOther
			}
			vals.Index(i).SetIterValue(&it)
			e := mapEntry{key: validUTF8String(k), raw: k, val: vals.Index(i)}
			// A replacement makes the key longer: U+FFFD is three bytes.
			fixed = fixed || len(e.key) != len(k)
			entries = append(entries, e)
		}
		if fixed {
			entries = collapseFixed(entries, func(e mapEntry) (string, string) { return e.key, e.raw })
		}
		sortKeyed(entries, func(e mapEntry) string { return e.key })
		first := true
		for _, e := range entries {
			pos := len(s.buf)
			ind := s.entryPrefix(c, first)
			vm := s.key(e.key, ind)
			s.buf = append(s.buf, ':')
			r := elem(s, e.val, ctx{ind: ind, mode: vm})
			if s.err != nil {
				return resOther
			}
			if s.prune(e.key, r, c.mode == modeTop) {
				s.buf = s.buf[:pos]
				continue
			}
			first = false
		}
		s.depth--
		if first {
			return s.emptyMapping(c)
		}
		return resOther
	}
	if t == reflect.TypeFor[map[string]string]() {
		return func(s *state, v reflect.Value, c ctx) result {
			if !encStringMap(s, v, c) {
				return generic(s, v, c)
			}
			if v.IsNil() {
				return resNull
			}
			if v.Len() == 0 {
				return resEmptyMap
			}
			return resOther
		}
	}
	return generic
}

// encStringMap is the common map[string]string (labels, annotations,
// selectors, ConfigMap data) without reflection per entry. It reports false,
// having written nothing, when a key is not valid UTF-8 and the general
// path must handle the map.
func encStringMap(s *state, v reflect.Value, c ctx) bool {
	if v.IsNil() {
		return true
	}
	m := v.Interface().(map[string]string)
	if len(m) == 0 {
		s.emptyMapping(c)
		return true
	}
	var small [16]string
	keys := small[:0]
	for k := range m {
		if !utf8.ValidString(k) {
			return false
		}
		keys = append(keys, k)
	}
	sortKeyed(keys, func(k string) string { return k })
	for i, k := range keys {
		ind := s.entryPrefix(c, i == 0)
		vm := s.key(k, ind)
		s.buf = append(s.buf, ':')
		s.str(m[k], ctx{ind: ind, mode: vm})
	}
	return true
}

// pointerMethodsMatter reports whether a value of type t, or a value inside
// it reached without passing a pointer, slice or map, has a marshaler only
// through its pointer: then it matters whether the value is addressable.
func pointerMethodsMatter(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		pt := reflect.PointerTo(t)
		if pt.Implements(marshalerType) && !t.Implements(marshalerType) ||
			pt.Implements(textMarshalerType) && !t.Implements(textMarshalerType) {
			return true
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if pointerMethodsMatter(t.Field(i).Type, seen) {
				return true
			}
		}
	case reflect.Array:
		return pointerMethodsMatter(t.Elem(), seen)
	}
	return false
}

// mapEntriesNoCopy writes a non-empty map whose values must stay
// unaddressable: each value is looked up again in key order.
func (s *state) mapEntriesNoCopy(v reflect.Value, c ctx, keyFn func(reflect.Value) (string, error), elem encFn) result {
	type keyed struct {
		key, raw string
		k        reflect.Value
	}
	keys := make([]keyed, 0, v.Len())
	it := v.MapRange()
	fixed := false
	for it.Next() {
		k, err := keyFn(it.Key())
		if err != nil {
			s.fail(fmt.Errorf("yamlenc: json: error calling MarshalText for type %s: %w", v.Type().Key(), err))
			return resOther
		}
		e := keyed{key: validUTF8String(k), raw: k, k: it.Key()}
		fixed = fixed || len(e.key) != len(k) // see newMapPlan
		keys = append(keys, e)
	}
	if fixed {
		keys = collapseFixed(keys, func(e keyed) (string, string) { return e.key, e.raw })
	}
	sortKeyed(keys, func(e keyed) string { return e.key })
	first := true
	for _, e := range keys {
		pos := len(s.buf)
		ind := s.entryPrefix(c, first)
		vm := s.key(e.key, ind)
		s.buf = append(s.buf, ':')
		r := elem(s, v.MapIndex(e.k), ctx{ind: ind, mode: vm})
		if s.err != nil {
			return resOther
		}
		if s.prune(e.key, r, c.mode == modeTop) {
			s.buf = s.buf[:pos]
			continue
		}
		first = false
	}
	s.depth--
	if first {
		return s.emptyMapping(c)
	}
	return resOther
}
