package backup

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateCron(t *testing.T) {
	valid := []string{
		"0 1 * * *", "0 3 * * 0", "*/15 * * * *", "0 0-23/6 * * *", "0 2 1,15 * *", "30 4 * jan-mar mon-fri",
		"0 0 1 1 *", "59 23 31 12 *", "0 1 * * SUN", "5,10,15-20 * * * *", "@every 24h", "@every 1m", "@every 90m",
		// Steps up to one less than the values they step through; a
		// step of 1 always; ranges of one value.
		"*/59 * * * *", "0 */23 * * *", "0 0 */30 * *", "0 0 * */11 *", "0 0 * * */6", "10-20/10 * * * *",
		"*/1 * * * *", "5-5 * * * *", "5-5/1 * * * *", "0 0 * * mon-mon", "0 0 1-31/30 * *", "0-59 0-23 1-31 1-12 *",
		// One day field restricted, the other starting with *.
		"0 0 1 * *", "0 0 * * 1", "0 0 1-15 * */2", "0 0 */2 * mon", "0 0 *,1 * 1",
		// Days that exist in some month named.
		"0 0 29 2 *", "0 0 31 4,5 *", "0 0 30 1-2 *", "0 0 28-31 feb *", "0 0 31 dec *",
	}
	for _, expr := range valid {
		if errs := ValidateCron(expr, field.NewPath("cron")); len(errs) > 0 {
			t.Errorf("%q: unexpected %v", expr, errs)
		}
	}
	invalid := []string{
		"", "0 1 * *", "0 1 * * * *", "60 * * * *", "0 24 * * *", "0 0 0 * *", "0 0 32 * *", "0 0 * 13 *",
		"0 0 * * 7", "*/0 * * * *", "5/10 * * * *", "10-5 * * * *", "a * * * *", "0  1 * * *", " 0 1 * * *",
		"0,,1 * * * *", "0 1 * * mon-", "@daily", "@every", "@every 30s", "@every 1m30.5s", "@every -1h",
		"@every banana", "@every  1h", "@every 1h ", "@every\t1h", "@every 1h\n", "0 1 * * ?", "TZ=UTC 0 1 * * *", "1-2-3 * * * *", "0 1 * * 1/2",
		// Steps Velero refuses: as large as the values they step through.
		"*/60 * * * *", "0 */24 * * *", "0 0 */31 * *", "0 0 * */12 *", "0 0 * * */7", "10-20/11 * * * *", "5-5/2 * * * *",
		// Backwards and wrap-around ranges, which Velero reads as wrapping.
		"0 0 * * sat-sun", "0 22-2 * * *", "0 0 * nov-feb *", "59-0 * * * *",
		// Both day fields restricted: classic cron ORs them, Velero ANDs.
		"59 23 31 12 6", "0 0 1 * mon", "0 0 1-31 * 1", "0 0 5,* * 1", "0 0 1 * 1-5",
		// Days that no month named has: the schedule never runs.
		"0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 30,31 feb *", "0 0 31 apr-jun/2 *", "0 0 31 2-2 *",
	}
	for _, expr := range invalid {
		errs := ValidateCron(expr, field.NewPath("cron"))
		if len(errs) == 0 {
			t.Errorf("%q: accepted", expr)
			continue
		}
		for _, e := range errs {
			if e.Field != "cron" {
				t.Errorf("%q: error at %q, want cron", expr, e.Field)
			}
		}
	}
}
