// Package yamlenc writes Go values that carry json struct tags (the
// k8s.io/api types and custom resource structs) as block YAML in one pass,
// without building an intermediate tree of maps.
//
// The output is the YAML that sigs.k8s.io/yaml.Marshal produces for the same
// value, which is the YAML that kubectl and kustomize read: the value is
// seen as encoding/json sees it (json tags, omitempty, omitzero, embedded
// structs, json.Marshaler and encoding.TextMarshaler), mapping keys are in
// the order that sigs.k8s.io/yaml writes them (see [KeyLess]), sequences are
// written "compact" (the "-" of a sequence under a key stands at the key's
// indentation), and scalars are quoted whenever a YAML 1.1 or YAML 1.2
// parser could read them as anything but the same string:
//
//   - A string a parser would resolve to another type (null, a boolean
//     such as yes/no/on/off/y/n, a number in any notation such as 0123,
//     1e3, 0x1F, 1_000, 1:20, .inf, a timestamp, the merge key "<<" or the
//     value key "=", the empty string) is double quoted.
//   - A multi-line string is a literal block ("|", "|-", "|+", with an
//     indentation indicator when it starts with a space or line break),
//     unless a line ends in a space; then it is double quoted.
//   - Otherwise it is plain, unless it starts with an indicator
//     (- ? : , [ ] { } # & * ! | > ' " % @ `), starts or ends with a space,
//     holds ": " or " #", ends with ":", or starts with "---" or "...";
//     then it is single quoted.
//   - A string holding a character that is not printable (control
//     characters, tab, BOM, characters outside the Basic Multilingual
//     Plane) or a line break other than "\n" is double quoted, with
//     escapes. Invalid UTF-8 becomes U+FFFD, as in encoding/json.
//   - Keys follow the same rules; a key longer than 128 bytes or spanning
//     lines is written in the explicit "? key" form. When map keys that are
//     not valid UTF-8 come out the same once U+FFFD replaces their bad
//     bytes, only the entry whose original key sorts last is written, which
//     is the entry a JSON round trip keeps.
//
// The differences from sigs.k8s.io/yaml are deliberate: long strings are
// never folded over several lines (the reader sees the same string either
// way); the YAML 1.1 value and merge keys "=" and "<<", and the YAML 1.1
// timestamp and number forms that go-yaml does not recognise (such as
// "2001-12-14 21:59:43.10 -5"), are quoted where sigs.k8s.io/yaml leaves
// them plain; and a string holding a carriage return, NEL, U+2028, U+2029
// or a BOM is always double quoted with escapes, where go-yaml writes some
// of them raw and its own parser then reads back a different string.
//
// Reflection work is done once per type: each type gets a cached encoding
// plan (for a struct, its fields flattened and ordered at plan time), so
// encoding an object visits every field once and allocates little beyond
// the output buffer. The k8s.io/api kinds that prodkube renders go further:
// their plans are compiled into Go code (zz_generated.go, see generated.go)
// that writes the same bytes without reflection.
package yamlenc

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
)

// Options tune which entries an [Encoder] leaves out.
type Options struct {
	// OmitNull leaves out every mapping entry whose value is null (a nil
	// pointer, slice, map or interface that has no omitempty, or a
	// json.Marshaler that writes null). Null items of a sequence stay, as
	// leaving them out would change the sequence.
	OmitNull bool
	// OmitEmpty lists mapping keys whose entry is left out, at any depth,
	// when its value is an empty mapping, judged after the value's own
	// entries were pruned. Every other empty mapping is written as "{}".
	OmitEmpty []string
	// OmitEmptyTop is OmitEmpty for the document's top-level mapping only
	// (for example an object's empty "spec").
	OmitEmptyTop []string
	// OmitTop lists keys of the document's top-level mapping that are
	// always left out, whatever their value (for example "status", which
	// the server owns).
	OmitTop []string
}

// Encoder writes values as YAML documents. Its zero value writes exactly
// what sigs.k8s.io/yaml.Marshal writes (apart from line folding, see the
// package documentation). An Encoder is safe for concurrent use.
type Encoder struct {
	opts Options
	// reflectOnly makes the Encoder ignore the compiled encoders, so that
	// tests can compare the two paths.
	reflectOnly bool
}

// New returns an Encoder that applies opts.
func New(opts Options) *Encoder {
	o := Options{
		OmitNull:     opts.OmitNull,
		OmitEmpty:    append([]string(nil), opts.OmitEmpty...),
		OmitEmptyTop: append([]string(nil), opts.OmitEmptyTop...),
		OmitTop:      append([]string(nil), opts.OmitTop...),
	}
	return &Encoder{opts: o}
}

// Marshal returns v as a YAML document, as the zero Encoder writes it.
func Marshal(v any) ([]byte, error) {
	var e Encoder
	return e.Append(nil, v)
}

// maxDepth bounds nesting so that a cyclic value ends in an error rather
// than a stack overflow (encoding/json reports cycles the same way).
const maxDepth = 1000

// Append appends v, encoded as one YAML document ending in a newline, to
// dst and returns the extended buffer. On error it returns dst unchanged
// (up to its length) and the error.
func (e *Encoder) Append(dst []byte, v any) ([]byte, error) {
	start := len(dst)
	s := statePool.Get().(*state)
	defer func() {
		s.buf, s.opts, s.err, s.depth = nil, nil, nil, 0
		statePool.Put(s)
	}()
	s.buf, s.opts = dst, &e.opts
	var (
		r  result
		ok bool
	)
	if compiledRoot != nil && !e.reflectOnly {
		r, ok = compiledRoot(s, v, ctx{mode: modeTop})
	}
	if !ok {
		rv := reflect.ValueOf(v)
		if !rv.IsValid() {
			r = resNull
		} else {
			r = planFor(rv.Type())(s, rv, ctx{mode: modeTop})
		}
	}
	if s.err != nil {
		return dst[:start], s.err
	}
	if r == resNull {
		s.buf = append(s.buf, "null"...)
	}
	s.buf = append(s.buf, '\n')
	return s.buf, nil
}

// statePool recycles the per-call state and its scratch buffer.
var statePool = sync.Pool{New: func() any { return new(state) }}

// mode says what precedes the value being written.
type mode uint8

const (
	modeTop  mode = iota // start of the document
	modeKey              // "key:" of a block mapping entry
	modeItem             // "-" of a block sequence item
)

// ctx is the position of a value: what precedes it and ind, the column of
// that key or "-" (0 at the top).
type ctx struct {
	ind  int
	mode mode
}

// result tells the caller what a value wrote, so that it can prune it.
type result uint8

const (
	resOther    result = iota // something other than null or {}
	resNull                   // nothing written: the value is null
	resEmptyMap               // an empty mapping, written as "{}"
)

// state is the buffer and scratch space of one Append call.
type state struct {
	buf     []byte
	opts    *Options
	err     error
	depth   int
	scratch []byte
}

func (s *state) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// encFn writes v at position c. It writes nothing and returns resNull for
// a null value; its caller writes or prunes the null.
type encFn func(s *state, v reflect.Value, c ctx) result

var plans sync.Map // reflect.Type → encFn

// planFor returns the cached encoder of t, building it on first use.
// Recursive types get an indirection that resolves once the plan is built.
func planFor(t reflect.Type) encFn {
	if f, ok := plans.Load(t); ok {
		return f.(encFn)
	}
	var (
		wg sync.WaitGroup
		f  encFn
	)
	wg.Add(1)
	fi, loaded := plans.LoadOrStore(t, encFn(func(s *state, v reflect.Value, c ctx) result {
		wg.Wait()
		return f(s, v, c)
	}))
	if loaded {
		return fi.(encFn)
	}
	f = newPlan(t, true)
	wg.Done()
	plans.Store(t, f)
	return f
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// newPlan builds the encoder of t. allowAddr makes a type whose pointer
// implements a marshaler use it when the value is addressable, as
// encoding/json does.
func newPlan(t reflect.Type, allowAddr bool) encFn {
	if f := knownPlan(t); f != nil {
		return f
	}
	if t.Kind() != reflect.Pointer && allowAddr && reflect.PointerTo(t).Implements(marshalerType) {
		return condAddr(addrMarshaler, newPlan(t, false))
	}
	if t.Implements(marshalerType) {
		return encMarshaler
	}
	if t.Kind() != reflect.Pointer && allowAddr && reflect.PointerTo(t).Implements(textMarshalerType) {
		return condAddr(addrTextMarshaler, newPlan(t, false))
	}
	if t.Implements(textMarshalerType) {
		return encTextMarshaler
	}
	switch t.Kind() {
	case reflect.Bool:
		return encBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return encInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return encUint
	case reflect.Float32:
		return encFloat32
	case reflect.Float64:
		return encFloat64
	case reflect.String:
		return encString
	case reflect.Interface:
		return encInterface
	case reflect.Struct:
		return newStructPlan(t)
	case reflect.Map:
		return newMapPlan(t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(marshalerType) && !reflect.PointerTo(t.Elem()).Implements(textMarshalerType) {
			return encBytes
		}
		return newSlicePlan(t)
	case reflect.Array:
		return newArrayPlan(t)
	case reflect.Pointer:
		return newPtrPlan(t)
	default:
		return func(s *state, v reflect.Value, c ctx) result {
			s.fail(fmt.Errorf("yamlenc: unsupported type %s", v.Type()))
			return resOther
		}
	}
}

func condAddr(canAddr, cannot encFn) encFn {
	return func(s *state, v reflect.Value, c ctx) result {
		if v.CanAddr() {
			return canAddr(s, v, c)
		}
		return cannot(s, v, c)
	}
}

// scalarPrefix writes what separates a scalar from its key or "-".
func (s *state) scalarPrefix(c ctx) {
	if c.mode != modeTop {
		s.buf = append(s.buf, ' ')
	}
}

func encBool(s *state, v reflect.Value, c ctx) result {
	s.scalarPrefix(c)
	s.buf = strconv.AppendBool(s.buf, v.Bool())
	return resOther
}

func encInt(s *state, v reflect.Value, c ctx) result {
	s.scalarPrefix(c)
	s.buf = appendInt(s.buf, v.Int())
	return resOther
}

func appendInt(b []byte, n int64) []byte {
	if 0 <= n && n < 10 {
		return append(b, byte('0'+n))
	}
	return strconv.AppendInt(b, n, 10)
}

func encUint(s *state, v reflect.Value, c ctx) result {
	s.scalarPrefix(c)
	s.buf = strconv.AppendUint(s.buf, v.Uint(), 10)
	return resOther
}

func encFloat32(s *state, v reflect.Value, c ctx) result { return s.float(v.Float(), 32, c) }
func encFloat64(s *state, v reflect.Value, c ctx) result { return s.float(v.Float(), 64, c) }

func encString(s *state, v reflect.Value, c ctx) result {
	s.str(v.String(), c)
	return resOther
}

func encInterface(s *state, v reflect.Value, c ctx) result {
	if v.IsNil() {
		return resNull
	}
	e := v.Elem()
	return planFor(e.Type())(s, e, c)
}

func encBytes(s *state, v reflect.Value, c ctx) result {
	if v.IsNil() {
		return resNull
	}
	s.base64(v.Bytes(), c)
	return resOther
}

func newPtrPlan(t reflect.Type) encFn {
	var (
		once sync.Once
		elem encFn
	)
	return func(s *state, v reflect.Value, c ctx) result {
		if v.IsNil() {
			return resNull
		}
		once.Do(func() { elem = planFor(t.Elem()) })
		if !s.enter() {
			return resOther
		}
		r := elem(s, v.Elem(), c)
		s.depth--
		return r
	}
}

func (s *state) enter() bool {
	s.depth++
	if s.depth > maxDepth {
		s.fail(errors.New("yamlenc: value nested too deeply (cyclic?)"))
		return false
	}
	return true
}

func encMarshaler(s *state, v reflect.Value, c ctx) result {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return resNull
	}
	m, ok := v.Interface().(json.Marshaler)
	if !ok {
		return resNull
	}
	return s.marshalJSON(m, v.Type(), c)
}

func addrMarshaler(s *state, v reflect.Value, c ctx) result {
	m := v.Addr().Interface().(json.Marshaler)
	return s.marshalJSON(m, v.Type(), c)
}

func (s *state) marshalJSON(m json.Marshaler, t reflect.Type, c ctx) result {
	js, err := m.MarshalJSON()
	if err != nil {
		s.fail(fmt.Errorf("yamlenc: json: error calling MarshalJSON for type %s: %w", t, err))
		return resOther
	}
	return s.json(js, c)
}

func encTextMarshaler(s *state, v reflect.Value, c ctx) result {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return resNull
	}
	m, ok := v.Interface().(encoding.TextMarshaler)
	if !ok {
		return resNull
	}
	return s.marshalText(m, v.Type(), c)
}

func addrTextMarshaler(s *state, v reflect.Value, c ctx) result {
	return s.marshalText(v.Addr().Interface().(encoding.TextMarshaler), v.Type(), c)
}

func (s *state) marshalText(m encoding.TextMarshaler, t reflect.Type, c ctx) result {
	b, err := m.MarshalText()
	if err != nil {
		s.fail(fmt.Errorf("yamlenc: json: error calling MarshalText for type %s: %w", t, err))
		return resOther
	}
	s.str(validUTF8(b), c)
	return resOther
}

// entryPrefix writes what precedes the first (first==true) or a later entry
// of a mapping at position c, and returns the entries' column.
func (s *state) entryPrefix(c ctx, first bool) int {
	ind := entryIndent(c)
	if first {
		s.firstEntry(c, ind)
	} else {
		s.newline(ind)
	}
	return ind
}

// emptyMapping writes "{}" at position c.
func (s *state) emptyMapping(c ctx) result {
	s.scalarPrefix(c)
	s.buf = append(s.buf, '{', '}')
	return resEmptyMap
}

func (s *state) newline(ind int) {
	if ind < len(newlineSpaces) {
		s.buf = append(s.buf, newlineSpaces[:ind+1]...)
		return
	}
	s.buf = append(s.buf, '\n')
	for ind > 0 {
		n := min(ind, len(spaces))
		s.buf = append(s.buf, spaces[:n]...)
		ind -= n
	}
}

// newlineSpaces is a line break followed by the deepest common indentation.
const newlineSpaces = "\n" + spaces

const spaces = "                                                                "

// prune reports whether an entry named key whose value gave r is left out,
// in which case the caller truncates the buffer to before the entry; top
// says the entry is in the document's top-level mapping. A null value that
// is kept is written here.
func (s *state) prune(key string, r result, top bool) bool {
	if r == resOther && !top {
		return false
	}
	return s.pruneEntry(key, r, top)
}

func (s *state) pruneEntry(key string, r result, top bool) bool {
	if top && slices.Contains(s.opts.OmitTop, key) {
		return true
	}
	switch r {
	case resNull:
		if s.opts.OmitNull {
			return true
		}
		s.buf = append(s.buf, " null"...)
	case resEmptyMap:
		for _, k := range s.opts.OmitEmpty {
			if k == key {
				return true
			}
		}
		if top {
			for _, k := range s.opts.OmitEmptyTop {
				if k == key {
					return true
				}
			}
		}
	}
	return false
}

// seqItem writes the "-" of item number i of a sequence at position c,
// and returns the position of the item's value.
func (s *state) seqItem(c ctx, first bool) ctx {
	var ind int
	switch c.mode {
	case modeTop:
		ind = 0
	case modeKey:
		ind = c.ind
	case modeItem:
		ind = c.ind + 2
	}
	switch {
	case first && c.mode == modeTop:
	case first && c.mode == modeItem:
		s.buf = append(s.buf, ' ')
	default:
		s.newline(ind)
	}
	s.buf = append(s.buf, '-')
	return ctx{ind: ind, mode: modeItem}
}

func (s *state) emptySequence(c ctx) result {
	s.scalarPrefix(c)
	s.buf = append(s.buf, '[', ']')
	return resOther
}

func (s *state) nullItem(r result) {
	if r == resNull {
		s.buf = append(s.buf, " null"...)
	}
}

func newSlicePlan(t reflect.Type) encFn {
	arr := newArrayPlan(t)
	return func(s *state, v reflect.Value, c ctx) result {
		if v.IsNil() {
			return resNull
		}
		return arr(s, v, c)
	}
}

func newArrayPlan(t reflect.Type) encFn {
	var (
		once sync.Once
		elem encFn
	)
	return func(s *state, v reflect.Value, c ctx) result {
		n := v.Len()
		if n == 0 {
			return s.emptySequence(c)
		}
		once.Do(func() { elem = planFor(t.Elem()) })
		if !s.enter() {
			return resOther
		}
		for i := 0; i < n && s.err == nil; i++ {
			ic := s.seqItem(c, i == 0)
			s.nullItem(elem(s, v.Index(i), ic))
		}
		s.depth--
		return resOther
	}
}
