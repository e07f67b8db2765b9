//go:generate go run ./gen

package yamlenc

import (
	"reflect"
	"slices"
	"strconv"
	"sync"
)

// Compiled encoders.
//
// For the k8s.io/api object types that prodkube renders, zz_generated.go
// holds their encoding plans written out as Go code: the same fields, in the
// same order, with the same omitempty tests and pruning as the plans the
// reflective path builds at run time, but reading fields directly instead
// of through reflect.Value. They exist because they are several times
// faster; what they write is byte for byte what the reflective path writes
// (TestCompiledMatchesReflection and FuzzCompiledMatchesReflection hold them
// to it). Parts that the generator does not compile (values with their own
// MarshalJSON, interfaces, maps that need the reflective path's care) call
// back into the reflective plans.
//
// zz_generated.go is written by
//
//	go generate ./internal/yamlenc
//
// and TestCompiledUpToDate fails when it is stale, for example after a
// k8s.io/api upgrade. Deleting the file is always safe: every type then
// takes the reflective path.

// compiledRoot encodes v at position c when v is a pointer to a type with a
// compiled encoder, and reports whether it was.
var compiledRoot func(s *state, v any, c ctx) (result, bool)

// fallback is a reflective plan that compiled code calls for a value it
// does not compile; the plan is looked up on first use.
type fallback struct {
	once sync.Once
	t    reflect.Type
	f    encFn
}

func newFallback(t reflect.Type) *fallback { return &fallback{t: t} }

func (p *fallback) enc(s *state, v reflect.Value, c ctx) result {
	p.once.Do(func() { p.f = planFor(p.t) })
	return p.f(s, v, c)
}

// boolValue, intValue, uintValue and strValue write a scalar at position c
// for compiled code; the generator calls whichever a field's kind needs
// (no compiled kind has an unsigned field today, but the generator emits
// uintValue as soon as one does).
func (s *state) boolValue(b bool, c ctx) result {
	s.scalarPrefix(c)
	s.buf = strconv.AppendBool(s.buf, b)
	return resOther
}

func (s *state) intValue(n int64, c ctx) result {
	s.scalarPrefix(c)
	s.buf = appendInt(s.buf, n)
	return resOther
}

func (s *state) uintValue(n uint64, c ctx) result {
	s.scalarPrefix(c)
	s.buf = strconv.AppendUint(s.buf, n, 10)
	return resOther
}

func (s *state) strValue(v string, c ctx) result {
	s.str(v, c)
	return resOther
}

// entryIndent is the column of the entries of a mapping at position c.
func entryIndent(c ctx) int {
	if c.mode == modeTop {
		return 0
	}
	return c.ind + 2
}

// firstEntry writes what precedes the first entry of a mapping at position
// c whose entries stand at column ind; later entries start with
// s.newline(ind).
func (s *state) firstEntry(c ctx, ind int) {
	switch c.mode {
	case modeItem:
		s.buf = append(s.buf, ' ')
	case modeKey:
		s.newline(ind)
	}
}

// beginEntry starts a mapping entry: what precedes it (see firstEntry) and
// its key, which ends in ':'. It returns where the entry began, so that
// endEntry can cut it. Compiled code calls it rather than repeating it for
// every field, which keeps the generated code small.
func (s *state) beginEntry(c ctx, ind int, first bool, key string) int {
	pos := len(s.buf)
	if first {
		s.firstEntry(c, ind)
	} else {
		s.newline(ind)
	}
	s.buf = append(s.buf, key...)
	return pos
}

// endEntry cuts the entry that began at pos when the pruning options leave
// it out, and reports whether it was kept.
func (s *state) endEntry(pos int, key string, r result, top bool) bool {
	if s.prune(key, r, top) {
		s.buf = s.buf[:pos]
		return false
	}
	return true
}

// omitsTop reports whether key is always left out of the top-level
// mapping, so that compiled code can skip encoding it.
func (s *state) omitsTop(key string) bool {
	return slices.Contains(s.opts.OmitTop, key)
}
