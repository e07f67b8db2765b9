package yamlenc

import (
	"errors"
	"reflect"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// knownPlan returns a faster encoder for a type whose JSON form is known,
// or nil. Each writes exactly what the generic path writes for the type's
// own MarshalJSON output (the fuzz targets compare them), without the
// allocations of calling MarshalJSON and reading its JSON back.
func knownPlan(t reflect.Type) encFn {
	switch t {
	case reflect.TypeFor[resource.Quantity]():
		return encQuantity
	case reflect.TypeFor[metav1.Time]():
		return encTime
	case reflect.TypeFor[intstr.IntOrString]():
		return encIntOrString
	}
	return nil
}

// encQuantity writes a Quantity's canonical form, as its MarshalJSON does.
func encQuantity(s *state, v reflect.Value, c ctx) result {
	if v.CanAddr() {
		return s.quantity(v.Addr().Interface().(*resource.Quantity), c)
	}
	q := v.Interface().(resource.Quantity)
	return s.quantity(&q, c)
}

// quantity writes *q as encQuantity describes.
func (s *state) quantity(q *resource.Quantity, c ctx) result {
	// CanonicalizeBytes may return its own memory (for zero, a shared
	// slice), so the result is read and never kept.
	if cap(s.scratch) < 64 {
		s.scratch = make([]byte, 0, 64)
	}
	number, suffix := canonical(q, s.scratch[:0])
	// A canonical quantity is digits, '.', '-' and a suffix of letters,
	// digits and '-'; it is a YAML number only without a suffix or with a
	// decimal exponent ("1e3").
	if len(suffix) > 1 && (suffix[0] == 'e' || suffix[0] == 'E') {
		s.str(string(number)+string(suffix), c)
		return resOther
	}
	s.scalarPrefix(c)
	if len(suffix) == 0 {
		s.buf = append(s.buf, '"')
		s.buf = append(s.buf, number...)
		s.buf = append(s.buf, '"')
		return resOther
	}
	s.buf = append(s.buf, number...)
	s.buf = append(s.buf, suffix...)
	return resOther
}

// canonical returns q's canonical number and suffix, as
// q.CanonicalizeBytes does. It writes whole binary quantities of at least
// 1Ki itself, because CanonicalizeBytes allocates for every one of them
// (memory sizes such as "256Mi" are the commonest quantities of all);
// anything else goes to CanonicalizeBytes.
func canonical(q *resource.Quantity, out []byte) (number, suffix []byte) {
	if q.Format != resource.BinarySI {
		return q.CanonicalizeBytes(out)
	}
	v, ok := q.AsInt64() // fails for fractions and values beyond int64
	if !ok || -1024 < v && v < 1024 {
		return q.CanonicalizeBytes(out)
	}
	// v is a multiple of 1024^exp times a mantissa 1024 does not divide.
	mantissa, exp := v, 0
	if mantissa < 0 {
		// -math.MinInt64 overflows to itself, which the loop leaves
		// whole, as CanonicalizeBytes does.
		mantissa = -mantissa
	}
	for mantissa >= 1024 && mantissa%1024 == 0 {
		mantissa /= 1024
		exp++
	}
	if v < 0 {
		mantissa = -mantissa
	}
	return strconv.AppendInt(out, mantissa, 10), binarySuffixes[exp]
}

// binarySuffixes are the suffixes of 1024^0 to 1024^6, shared and only
// read.
var binarySuffixes = [...][]byte{nil, []byte("Ki"), []byte("Mi"), []byte("Gi"), []byte("Ti"), []byte("Pi"), []byte("Ei")}

// encTime writes a Time as its MarshalJSON does: null when zero, else
// RFC 3339 in UTC, which YAML would read as a timestamp and so is quoted.
func encTime(s *state, v reflect.Value, c ctx) result {
	if v.CanAddr() {
		return s.metaTime(v.Addr().Interface().(*metav1.Time), c)
	}
	t := v.Interface().(metav1.Time)
	return s.metaTime(&t, c)
}

// metaTime writes *mt as encTime describes.
func (s *state) metaTime(mt *metav1.Time, c ctx) result {
	t := mt.Time
	if t.IsZero() {
		return resNull
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		s.str(t.Format(time.RFC3339), c)
		return resOther
	}
	s.scalarPrefix(c)
	s.buf = append(s.buf, '"')
	s.buf = t.AppendFormat(s.buf, time.RFC3339)
	s.buf = append(s.buf, '"')
	return resOther
}

// encIntOrString writes the int or the string, as its MarshalJSON does.
func encIntOrString(s *state, v reflect.Value, c ctx) result {
	if v.CanAddr() {
		return s.intOrString(v.Addr().Interface().(*intstr.IntOrString), c)
	}
	x := v.Interface().(intstr.IntOrString)
	return s.intOrString(&x, c)
}

// intOrString writes *is as encIntOrString describes.
func (s *state) intOrString(is *intstr.IntOrString, c ctx) result {
	switch is.Type {
	case intstr.Int:
		s.scalarPrefix(c)
		s.buf = appendInt(s.buf, int64(is.IntVal))
	case intstr.String:
		s.str(is.StrVal, c)
	default:
		s.fail(errors.New("yamlenc: json: error calling MarshalJSON for type intstr.IntOrString: impossible IntOrString.Type"))
	}
	return resOther
}
