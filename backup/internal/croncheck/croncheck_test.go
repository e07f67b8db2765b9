// Package croncheck checks backup.ValidateCron against the cron parser of
// Velero v1.18 (github.com/netresearch/go-cron, ParseStandard): every
// expression prodkube accepts must parse there, and mean what prodkube's
// documentation says (evaluated in the server's zone, UTC).
package croncheck

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	cron "github.com/netresearch/go-cron"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/backup"
)

func accepted(expr string) bool {
	return len(backup.ValidateCron(expr, field.NewPath("cron"))) == 0
}

func TestAcceptedExpressionsParseInVelero(t *testing.T) {
	fixed := []string{"0 1 * * *", "0 3 * * 0", "*/15 * * * *", "0 0-23/6 * * *", "0 2 1,15 * *",
		"30 4 * jan-mar mon-fri", "59 23 31 12 6", "0 1 * * SUN", "@every 24h", "@every 90m"}
	for _, expr := range fixed {
		if !accepted(expr) {
			t.Fatalf("%q: refused by prodkube", expr)
		}
		if _, err := cron.ParseStandard(expr); err != nil {
			t.Errorf("%q: prodkube accepts it, Velero's parser refuses it: %v", expr, err)
		}
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
		if !accepted(expr) {
			continue
		}
		ok++
		if _, err := cron.ParseStandard(expr); err != nil {
			t.Errorf("%q: prodkube accepts it, Velero's parser refuses it: %v", expr, err)
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

func FuzzAcceptedParses(f *testing.F) {
	for _, s := range []string{"0 1 * * *", "*/15 0-6 1,15 jan-jun mon-fri", "@every 24h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if !accepted(expr) {
			return
		}
		if _, err := cron.ParseStandard(expr); err != nil {
			t.Fatalf("%q: prodkube accepts it, Velero's parser refuses it: %v", expr, err)
		}
	})
}
