// Package croncheck checks backup.ValidateCron against the cron parser of
// Velero v1.18 (github.com/netresearch/go-cron, ParseStandard) and against
// classic cron's reading (crontab(5), written out in classic_test.go):
// prodkube accepts an expression exactly when classic cron reads it in the
// language prodkube documents, and Velero then parses it and runs it at the
// same times as classic cron (evaluated in the server's zone, UTC).
package croncheck

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	cron "github.com/netresearch/go-cron"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/backup"
)

// TestMain runs the tests in UTC, the zone of the Velero server process
// (the Velero image sets no TZ); Velero's parser schedules in time.Local.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

func accepted(expr string) bool {
	return len(backup.ValidateCron(expr, field.NewPath("cron"))) == 0
}

// starts are the times from which fire times are compared: a year's
// start, the eve of a common and of a leap February, and a second short of
// a new year.
var starts = []time.Time{
	time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2027, 2, 27, 23, 59, 0, 0, time.UTC),
	time.Date(2028, 2, 28, 12, 34, 56, 0, time.UTC),
	time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC),
}

// checkPromise checks the package's promise for one expression: prodkube
// accepts it exactly when classic cron reads it in the documented
// language, and then Velero's parser accepts it and runs it at the same
// times as classic cron, twelve runs from each start.
func checkPromise(t testing.TB, expr string) {
	t.Helper()
	c, classicOK := classicRead(expr)
	if ok := accepted(expr); ok != classicOK {
		t.Fatalf("%q: prodkube accepts it: %v; classic cron reads it in the documented language: %v", expr, ok, classicOK)
	}
	if !classicOK {
		return
	}
	s, err := cron.ParseStandard(expr)
	if err != nil {
		t.Fatalf("%q: prodkube accepts it, Velero's parser refuses it: %v", expr, err)
	}
	for _, start := range starts {
		at := start
		for i := 0; i < 12; i++ {
			want, found := c.next(at, 8)
			got := s.Next(at)
			if got.IsZero() {
				// Velero looks five years ahead and gives up.
				if found && want.Before(at.AddDate(5, 0, 0)) {
					t.Fatalf("%q: after %v classic cron runs it at %v; Velero finds no time", expr, at, want)
				}
				break
			}
			if !found || !got.Equal(want) {
				t.Fatalf("%q: after %v Velero runs it at %v, classic cron at %v (found %v)", expr, at, got.UTC(), want, found)
			}
			at = got
		}
	}
}

// TestClassicReading pins the oracle itself to fire times worked out by
// hand from crontab(5), so that it cannot drift into agreeing with
// whatever it checks.
func TestClassicReading(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // a Thursday
	for _, tc := range []struct {
		expr string
		want []time.Time
	}{
		{"0 1 * * *", []time.Time{time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 1, 0, 0, 0, time.UTC)}},
		{"*/20 * * * *", []time.Time{time.Date(2026, 1, 1, 0, 20, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 40, 0, 0, time.UTC), time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)}},
		{"0 3 * * mon", []time.Time{time.Date(2026, 1, 5, 3, 0, 0, 0, time.UTC), time.Date(2026, 1, 12, 3, 0, 0, 0, time.UTC)}},
		{"30 4 29 feb *", []time.Time{time.Date(2028, 2, 29, 4, 30, 0, 0, time.UTC), time.Date(2032, 2, 29, 4, 30, 0, 0, time.UTC)}},
		{"0 0 1-10/9 * *", []time.Time{time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}},
		{"0 0 */2 * fri", []time.Time{time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 23, 0, 0, 0, 0, time.UTC)}},
		{"@every 90m", []time.Time{time.Date(2026, 1, 1, 1, 30, 0, 0, time.UTC), time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)}},
	} {
		c, ok := classicRead(tc.expr)
		if !ok {
			t.Errorf("%q: not read", tc.expr)
			continue
		}
		at := from
		for _, want := range tc.want {
			got, found := c.next(at, 8)
			if !found || !got.Equal(want) {
				t.Errorf("%q after %v: got %v (%v), want %v", tc.expr, at, got, found, want)
				break
			}
			at = got
		}
	}
	for _, expr := range []string{"0 0 1 * mon", "0 0 30 feb *", "*/60 * * * *", "0 22-2 * * *", "0 0 * * 7", "5/10 * * * *", "0  0 * * *", "@daily", "@every 30s", "0 0 * * *,", "0001 * * * *"} {
		if _, ok := classicRead(expr); ok {
			t.Errorf("%q: read, but it is outside the documented language", expr)
		}
	}
	// crontab(5): with both day fields restricted, either may match.
	c := classic{minute: 1, hour: 1, dom: 1 << 1, month: 1<<13 - 2, dow: 1 << 1}
	if got, _ := c.next(from, 1); !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 4)) {
		t.Errorf("either-day rule: got %v, want Monday 5 January", got)
	}
}

func TestAcceptedExpressionsParseInVelero(t *testing.T) {
	fixed := []string{"0 1 * * *", "0 3 * * 0", "*/15 * * * *", "0 0-23/6 * * *", "0 2 1,15 * *",
		"30 4 * jan-mar mon-fri", "59 23 31 12 *", "0 1 * * SUN", "@every 24h", "@every 90m",
		"*/59 * * * *", "0 */23 * * *", "10-20/10 * * * *", "0 0 29 2 *", "0 0 */2 * mon", "0 0 31 * *"}
	for _, expr := range fixed {
		if !accepted(expr) {
			t.Fatalf("%q: refused by prodkube", expr)
		}
		checkPromise(t, expr)
	}
	// Expressions Velero parses that prodkube refuses, because they are
	// outside the language every cron reads alike or never run.
	for _, expr := range []string{"*/60 * * * *", "59 23 31 12 6", "0 0 1 * mon", "0 0 30 2 *", "0 22-2 * * *", "0 0 * * 7"} {
		if accepted(expr) {
			t.Errorf("%q: accepted", expr)
		}
		checkPromise(t, expr)
	}
	// Random expressions built from the grammar's pieces, valid or not:
	// whatever prodkube accepts must parse.
	atoms := []string{"*", "0", "1", "5", "7", "12", "23", "24", "31", "59", "60", "jan", "dec", "mon", "sun", "Fri",
		"1-5", "5-1", "0-59", "*/2", "*/0", "1-10/3", "5/2", "?", "", "L", "1#2", "-1"}
	// Pieces that are valid for each field, to keep many expressions valid.
	fieldAtoms := [5][]string{
		{"*", "0", "30", "59", "0-59/5", "*/15", "10-20"},
		{"*", "0", "23", "*/6", "1-5", "0-23/2"},
		{"*", "1", "15", "31", "1-7", "*/10"},
		{"*", "1", "12", "jan", "DEC", "jan-jun", "*/3", "2-11/2"},
		{"*", "0", "6", "sun", "MON", "mon-fri", "1-5/2", "*/2"},
	}
	rng := rand.New(rand.NewPCG(7, 11))
	n, ok := 0, 0
	for i := 0; i < 200000; i++ {
		fields := make([]string, 5)
		for j := range fields {
			parts := make([]string, 1+rng.IntN(2))
			for k := range parts {
				if rng.IntN(4) == 0 {
					parts[k] = atoms[rng.IntN(len(atoms))]
				} else {
					parts[k] = fieldAtoms[j][rng.IntN(len(fieldAtoms[j]))]
				}
			}
			fields[j] = strings.Join(parts, ",")
		}
		expr := strings.Join(fields, " ")
		n++
		if accepted(expr) {
			ok++
		}
		if i%50 == 0 || accepted(expr) && i%5 == 0 {
			checkPromise(t, expr)
		} else if accepted(expr) {
			if _, err := cron.ParseStandard(expr); err != nil {
				t.Fatalf("%q: prodkube accepts it, Velero's parser refuses it: %v", expr, err)
			}
		}
		if _, classicOK := classicRead(expr); classicOK != accepted(expr) {
			t.Fatalf("%q: prodkube accepts it: %v; classic cron reads it: %v", expr, accepted(expr), classicOK)
		}
	}
	if ok < 100 {
		t.Fatalf("only %d of %d generated expressions were accepted; the generator needs work", ok, n)
	}
	t.Logf("%d of %d generated expressions accepted by prodkube, all parsed by Velero's parser", ok, n)
}

func TestScheduleRunsInUTC(t *testing.T) {
	s, err := cron.ParseStandard("0 1 * * *")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	if got, want := s.Next(from), time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("next run %v, want %v", got, want)
	}
}

// FuzzAcceptedParses checks the promise of backup.ValidateCron for any
// input: accepted exactly when classic cron reads it in the documented
// language, and then read by Velero's parser as the same schedule (the
// same next twelve runs from each of several starts).
func FuzzAcceptedParses(f *testing.F) {
	for _, s := range []string{"0 1 * * *", "*/15 0-6 1,15 jan-jun *", "*/15 0-6 1,15 jan-jun mon-fri", "@every 24h",
		"*/60 * * * *", "0 0 30 2 *", "0 22-2 * * *", "10-20/11 * * * *", "0 0 29 feb *", "0 0 * * sat-sun"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		checkPromise(t, expr)
	})
}
