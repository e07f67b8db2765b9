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
	for i, p := range parts {
		if msg := checkCronField(p, cronFields[i]); msg != "" {
			errs = append(errs, field.Invalid(path, expr, cronFields[i].name+" field "+strconv.Quote(p)+": "+msg))
		}
	}
	return errs
}

func checkCronField(s string, f cronField) string {
	for _, item := range strings.Split(s, ",") {
		if msg := checkCronItem(item, f); msg != "" {
			return msg
		}
	}
	return ""
}

func checkCronItem(item string, f cronField) string {
	if item == "" {
		return "empty list entry"
	}
	rng, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		n, ok := atoiSmall(step)
		if !ok || n < 1 || n > f.max-f.min+1 {
			return fmt.Sprintf("step %q must be a number from 1 to %d", step, f.max-f.min+1)
		}
	}
	if rng == "*" {
		return ""
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	a, msg := cronValue(lo, f)
	if msg != "" {
		return msg
	}
	if !isRange {
		if hasStep {
			return "a step needs * or a range before it (like */15 or 0-30/5)"
		}
		return ""
	}
	b, msg := cronValue(hi, f)
	if msg != "" {
		return msg
	}
	if a > b {
		return fmt.Sprintf("range %q runs backwards", rng)
	}
	return ""
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
