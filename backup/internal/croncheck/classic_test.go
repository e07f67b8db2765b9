package croncheck

import (
	"strings"
	"time"
)

// This file reads cron expressions the classic way, written from
// crontab(5) (Vixie cron / cronie) and from backup.ValidateCron's
// documentation, independently of both prodkube's code and Velero's
// parser. It is the oracle for the fuzz target: an expression must be
// accepted by prodkube exactly when classicRead reads it, and Velero must
// then run it at the times classicNext computes.

// classic is one expression as classic cron reads it.
type classic struct {
	every            time.Duration // "@every <d>"; zero for five fields
	minute, hour     uint64        // bit n set when value n is selected
	dom, month, dow  uint64
	domStar, dowStar bool // the field starts with '*' (crontab(5)'s "restricted")
}

type classicField struct {
	min, max int
	names    []string // names[i] is value i (month names start at 1)
}

var classicFields = [5]classicField{
	{0, 59, nil},
	{0, 23, nil},
	{1, 31, nil},
	{1, 12, []string{"", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{0, 6, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// classicRead reads expr in the language ValidateCron documents: "@every
// <Go duration>" of at least a minute in whole seconds, or five fields
// separated by single spaces, each a comma list of "*", a value, or a range
// "a-b" with a <= b, the last two optionally followed by "/step" ("*/step"
// or "a-b/step"), numbers of at most three digits, month and weekday names
// in any case; a step above 1 smaller than the values it steps through;
// not both day fields restricted; and some day that exists.
func classicRead(expr string) (classic, bool) {
	if d, ok := strings.CutPrefix(expr, "@every "); ok {
		if strings.ContainsAny(d, " \t\n\v\f\r") || len(expr) > 256 {
			return classic{}, false
		}
		dur, err := time.ParseDuration(d)
		if err != nil || dur < time.Minute || dur%time.Second != 0 {
			return classic{}, false
		}
		return classic{every: dur}, true
	}
	fields := strings.Split(expr, " ")
	if len(fields) != 5 || len(expr) > 256 {
		return classic{}, false
	}
	var sets [5]uint64
	for i, f := range fields {
		for _, item := range strings.Split(f, ",") {
			bits, ok := classicItem(item, classicFields[i])
			if !ok {
				return classic{}, false
			}
			sets[i] |= bits
		}
	}
	c := classic{minute: sets[0], hour: sets[1], dom: sets[2], month: sets[3], dow: sets[4],
		domStar: fields[2][0] == '*', dowStar: fields[4][0] == '*'}
	if !c.domStar && !c.dowStar {
		return classic{}, false
	}
	// Some selected day must exist in some selected month: take the
	// months of a leap year and a common one.
	exists := false
	for _, year := range []int{2024, 2025} {
		for m := 1; m <= 12; m++ {
			days := time.Date(year, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			for d := 1; d <= days; d++ {
				if c.month&(1<<m) != 0 && c.dom&(1<<d) != 0 {
					exists = true
				}
			}
		}
	}
	return c, exists
}

func classicItem(item string, f classicField) (uint64, bool) {
	rng, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, ok := classicNumber(stepText)
		if !ok || n == 0 {
			return 0, false
		}
		step = n
	}
	lo, hi := f.min, f.max
	if rng != "*" {
		a, b, isRange := strings.Cut(rng, "-")
		var ok bool
		if lo, ok = classicValue(a, f); !ok {
			return 0, false
		}
		hi = lo
		if isRange {
			if hi, ok = classicValue(b, f); !ok || hi < lo {
				return 0, false
			}
		} else if hasStep {
			return 0, false
		}
	}
	if step > 1 && step >= hi-lo+1 {
		return 0, false
	}
	var bits uint64
	for v := lo; v <= hi; v += step {
		bits |= 1 << v
	}
	return bits, true
}

func classicValue(s string, f classicField) (int, bool) {
	for i, name := range f.names {
		if name != "" && strings.EqualFold(s, name) {
			return i, true
		}
	}
	n, ok := classicNumber(s)
	return n, ok && n >= f.min && n <= f.max
}

func classicNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// next returns the first time after t (in UTC, t whole seconds) at which
// classic cron runs the expression, or false if there is none within
// years years. crontab(5): the job runs when minute, hour and month match
// and the day matches: both day fields when either starts with '*',
// either of them otherwise.
func (c classic) next(t time.Time, years int) (time.Time, bool) {
	if c.every > 0 {
		return t.Add(c.every), true
	}
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(years, 0, 0)
	for day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC); day.Before(limit); day = day.AddDate(0, 0, 1) {
		domOK := c.dom&(1<<day.Day()) != 0
		dowOK := c.dow&(1<<int(day.Weekday())) != 0
		dayOK := domOK && dowOK
		if !c.domStar && !c.dowStar {
			dayOK = domOK || dowOK
		}
		if c.month&(1<<int(day.Month())) == 0 || !dayOK {
			continue
		}
		for h := 0; h < 24; h++ {
			if c.hour&(1<<h) == 0 {
				continue
			}
			for m := 0; m < 60; m++ {
				if c.minute&(1<<m) == 0 {
					continue
				}
				if at := day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute); !at.Before(t) {
					return at, true
				}
			}
		}
	}
	return time.Time{}, false
}
