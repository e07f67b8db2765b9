package monitoring

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Duration is a length of time written the way Prometheus writes it in its
// configuration and rule files: a sequence of whole numbers with the units
// y, w, d, h, m, s and ms from the largest to the smallest ("1h30m", "15d",
// "500ms"), or "0". It marshals to and from that text, so a Duration field in
// a struct renders as Prometheus expects.
//
// Prometheus keeps millisecond precision: a Duration that is not a whole
// number of milliseconds, or is negative, is refused by validation.
type Duration time.Duration

// promUnit is one Prometheus duration unit, from the largest down.
type promUnit struct {
	name  string
	value time.Duration
	// exactOnly: only used when the remaining duration is a whole multiple,
	// so that 90 days prints as "90d", not "12w6d".
	exactOnly bool
}

var promUnits = []promUnit{
	{"y", 365 * 24 * time.Hour, true},
	{"w", 7 * 24 * time.Hour, true},
	{"d", 24 * time.Hour, false},
	{"h", time.Hour, false},
	{"m", time.Minute, false},
	{"s", time.Second, false},
	{"ms", time.Millisecond, false},
}

// String returns d in Prometheus' duration format ("0s" for zero). It is
// meaningful for valid durations (see Valid); sub-millisecond remainders
// are dropped, as Prometheus drops them.
func (d Duration) String() string {
	rest := time.Duration(d)
	if rest < 0 {
		return "-" + Duration(-rest).String()
	}
	rest = rest.Truncate(time.Millisecond)
	if rest == 0 {
		return "0s"
	}
	var out []byte
	for _, u := range promUnits {
		if u.exactOnly && rest%u.value != 0 {
			continue
		}
		if n := rest / u.value; n > 0 {
			out = strconv.AppendInt(out, int64(n), 10)
			out = append(out, u.name...)
			rest -= n * u.value
		}
	}
	return string(out)
}

// Valid reports whether Prometheus can represent d exactly: not negative and
// a whole number of milliseconds.
func (d Duration) Valid() error {
	if d < 0 {
		return errors.New("must not be negative")
	}
	if time.Duration(d)%time.Millisecond != 0 {
		return errors.New("must be a whole number of milliseconds (Prometheus' precision)")
	}
	return nil
}

// ParseDuration parses a duration in Prometheus' format: "0", or whole
// numbers followed by the units y, w, d, h, m, s, ms, each unit at most once
// and from the largest to the smallest.
func ParseDuration(s string) (Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total time.Duration
	next := 0 // index into promUnits of the smallest unit still allowed
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q: expected a number", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		found := -1
		for k := next; k < len(promUnits); k++ {
			if promUnits[k].name == unit {
				found = k
				break
			}
		}
		if found < 0 {
			return 0, fmt.Errorf("invalid duration %q: unit %q unknown or out of order (use y, w, d, h, m, s, ms from largest to smallest)", s, unit)
		}
		next = found + 1
		u := promUnits[found].value
		if n > int64((1<<63-1)/u) {
			return 0, fmt.Errorf("invalid duration %q: out of range", s)
		}
		add := time.Duration(n) * u
		if total > (1<<63-1)-add {
			return 0, fmt.Errorf("invalid duration %q: out of range", s)
		}
		total += add
	}
	return Duration(total), nil
}

// MarshalJSON writes d as a Prometheus duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	if err := d.Valid(); err != nil {
		return nil, fmt.Errorf("duration %s: %w", time.Duration(d), err)
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a Prometheus duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
