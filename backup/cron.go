package backup

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// MinScheduleInterval is the shortest interval an "@every" schedule may use.
// Backups started more often would overlap with the previous one.
const MinScheduleInterval = time.Minute

// cronField describes one of the five fields of a standard cron expression.
type cronField struct {
	name     string
	min, max int
	names    map[string]int
}

var (
	monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
	weekdayNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

	// Bounds as standard cron writes them. Velero v1.18 parses schedules
	// with github.com/netresearch/go-cron (a maintained fork of
	// robfig/cron) ParseStandard, which also takes 7 for Sunday and
	// wrap-around ranges such as 22-2; prodkube accepts neither, so that an
	// expression means the same to every cron implementation.
	cronFields = [5]cronField{
		{name: "minute", min: 0, max: 59},
		{name: "hour", min: 0, max: 23},
		{name: "day of month", min: 1, max: 31},
		{name: "month", min: 1, max: 12, names: monthNames},
		{name: "day of week", min: 0, max: 6, names: weekdayNames},
	}
)

// ValidateCron checks a Velero schedule expression: either five cron fields
// (minute hour day-of-month month day-of-week, each "*", a value, a range
// "a-b", a step "*/n" or "a-b/n", or a comma-separated list of those; month
// and weekday names like "jan" and "mon" are accepted) or "@every <duration>"
// with a Go duration of at least MinScheduleInterval in whole seconds.
// A step greater than 1 must be smaller than the number of values it steps
// through (Velero's rule), and at least one of day-of-month and day-of-week
// must start with "*": when both are restricted, classic cron runs on days
// matching either and Velero only on days matching both. Numbers have at
// most three digits. A schedule that can never run (day 30 of February) is
// refused.
//
// The accepted language is a subset of what Velero's parser accepts (a
// nested test module, backup/internal/croncheck, checks that against the
// parser itself), so a valid expression always means the same thing to
// Velero. Velero evaluates schedules in the time zone of its server
// process, which is UTC in the Velero image (no TZ is set); "0 1 * * *" runs
// at 01:00 UTC.
func ValidateCron(expr string, path *field.Path) field.ErrorList {
	if expr == "" {
		return field.ErrorList{field.Required(path, `a cron expression like "0 1 * * *" or "@every 24h" is required`)}
	}
	if len(expr) > 256 {
		return field.ErrorList{field.TooLong(path, "", 256)}
	}
	if rest, ok := strings.CutPrefix(expr, "@every "); ok {
		d, err := time.ParseDuration(rest)
		switch {
		case rest != strings.TrimSpace(rest):
			return field.ErrorList{field.Invalid(path, expr, `must be "@every" and a duration separated by one space, with no other spaces`)}
		case err != nil:
			return field.ErrorList{field.Invalid(path, expr, "must be @every followed by a Go duration like 24h: "+err.Error())}
		case d < MinScheduleInterval:
			return field.ErrorList{field.Invalid(path, expr, fmt.Sprintf("interval must be at least %s", MinScheduleInterval))}
		case d%time.Second != 0:
			return field.ErrorList{field.Invalid(path, expr, "interval must be a whole number of seconds")}
		}
		return nil
	}
	if strings.HasPrefix(expr, "@") {
		return field.ErrorList{field.NotSupported(path, expr, []string{"@every <duration>", "five cron fields"})}
	}
	parts := strings.Fields(expr)
	if len(parts) != 5 || strings.Join(parts, " ") != expr {
		return field.ErrorList{field.Invalid(path, expr, fmt.Sprintf("must have exactly five fields (minute hour day-of-month month day-of-week) separated by single spaces; got %d", len(parts)))}
	}
	var errs field.ErrorList
	var sets [5]uint64
	for i, p := range parts {
		var msg string
		if sets[i], msg = checkCronField(p, cronFields[i]); msg != "" {
			errs = append(errs, field.Invalid(path, expr, cronFields[i].name+" field "+strconv.Quote(p)+": "+msg))
		}
	}
	if len(errs) == 0 && !anyDayExists(sets[2], sets[3]) {
		errs = append(errs, field.Invalid(path, expr, "never runs: no month it names has any of the days of month it names"))
	}
	if parts[2][0] != '*' && parts[4][0] != '*' {
		// Classic cron (Vixie cron, cronie, POSIX crontab(5)) runs a job
		// whose day of month and day of week are both restricted when
		// either matches; Velero's parser runs it only when both match.
		errs = append(errs, field.Invalid(path, expr, "day of month and day of week cannot both be restricted (cron implementations disagree on whether either or both must match); make one of them *"))
	}
	return errs
}

// monthDays is the most days each month can have (February in a leap
// year), indexed by month number.
var monthDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// anyDayExists reports whether some month in the set months has a day in
// the set days (bit n set for value n).
func anyDayExists(days, months uint64) bool {
	for m := 1; m <= 12; m++ {
		if months&(1<<m) != 0 && days&(1<<(monthDays[m]+1)-1) != 0 {
			return true
		}
	}
	return false
}

// checkCronField checks one field and returns the values it selects, bit n
// for value n.
func checkCronField(s string, f cronField) (uint64, string) {
	var set uint64
	for _, item := range strings.Split(s, ",") {
		bits, msg := checkCronItem(item, f)
		if msg != "" {
			return 0, msg
		}
		set |= bits
	}
	return set, ""
}

func checkCronItem(item string, f cronField) (uint64, string) {
	if item == "" {
		return 0, "empty list entry"
	}
	rng, step, hasStep := strings.Cut(item, "/")
	n := 1
	if hasStep {
		var ok bool
		if n, ok = atoiSmall(step); !ok || n < 1 {
			return 0, fmt.Sprintf("step %q must be a positive number", step)
		}
	}
	a, b := f.min, f.max
	if rng != "*" {
		lo, hi, isRange := strings.Cut(rng, "-")
		var msg string
		if a, msg = cronValue(lo, f); msg != "" {
			return 0, msg
		}
		b = a
		if isRange {
			if b, msg = cronValue(hi, f); msg != "" {
				return 0, msg
			}
		} else if hasStep {
			return 0, "a step needs * or a range before it (like */15 or 0-30/5)"
		}
		if a > b {
			return 0, fmt.Sprintf("range %q runs backwards", rng)
		}
	}
	// Velero's parser refuses a step that reaches past the range it
	// steps through (*/60 for minutes, 10-20/11); a step of 1 is always
	// fine.
	if size := b - a + 1; n > 1 && n >= size {
		return 0, fmt.Sprintf("step %d must be smaller than the %d values of %q it steps through", n, size, rng)
	}
	var bits uint64
	for v := a; v <= b; v += n {
		bits |= 1 << v
	}
	return bits, ""
}

func cronValue(s string, f cronField) (int, string) {
	if v, ok := f.names[strings.ToLower(s)]; ok {
		return v, ""
	}
	n, ok := atoiSmall(s)
	if !ok {
		return 0, fmt.Sprintf("%q is not a number", s)
	}
	if n < f.min || n > f.max {
		return 0, fmt.Sprintf("%d is outside %d-%d", n, f.min, f.max)
	}
	return n, ""
}

// atoiSmall parses a short unsigned decimal number.
func atoiSmall(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
