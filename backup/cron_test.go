package backup

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateCron(t *testing.T) {
	valid := []string{
		"0 1 * * *", "0 3 * * 0", "*/15 * * * *", "0 0-23/6 * * *", "0 2 1,15 * *", "30 4 * jan-mar mon-fri",
		"0 0 1 1 *", "59 23 31 12 6", "0 1 * * SUN", "5,10,15-20 * * * *", "@every 24h", "@every 1m", "@every 90m",
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
