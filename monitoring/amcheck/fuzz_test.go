package amcheck

import (
	"testing"
	"time"

	"sigs.k8s.io/randfill"

	"github.com/prodkube/prodkube/monitoring"
)

// filler builds specs that are mostly well-formed, with a bad value now
// and then, so that Build both succeeds and fails and the successes vary.
func filler(data []byte) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).Funcs(
		func(a *monitoring.Alertmanager, c randfill.Continue) {
			pick := func(pool ...string) string { return pool[c.Intn(len(pool))] }
			ref := func() monitoring.SecretKeyRef {
				if c.Intn(12) == 0 {
					return monitoring.SecretKeyRef{Secret: pick("Bad_Name", ""), Key: pick("a/b", "k")}
				}
				return monitoring.SecretKeyRef{Secret: pick("am-pager", "am-slack", "am-smtp"), Key: pick("token", "url", "password")}
			}
			for n := 1 + c.Intn(3); n > 0; n-- {
				r := monitoring.Receiver{Name: pick("a", "b", "c", "oncall", "team_x"), SkipResolved: c.Intn(2) == 0}
				switch c.Intn(4) {
				case 0:
					r.Slack = &monitoring.Slack{APIURL: ref(), Channel: pick("", "#ops", "@me", "ops")}
				case 1:
					r.PagerDuty = &monitoring.PagerDuty{RoutingKey: ref()}
				case 2:
					r.Email = &monitoring.Email{To: pick("ops@example.com", "x@"), From: "am@example.com", Smarthost: pick("smtp.example.com:587", "smtp.example.com:25", "smtp")}
					if c.Intn(2) == 0 {
						r.Email.Username, r.Email.PasswordSecret = "am", ref()
					}
					if c.Intn(15) == 0 {
						r.Email.Password = "hunter2"
					}
				case 3:
					r.Webhook = &monitoring.Webhook{}
					if c.Intn(2) == 0 {
						r.Webhook.URL = pick("https://hooks.example.com/a", "http://sink.tools.svc:8080/", "https://u:p@h.example.com/")
					} else {
						r.Webhook.URLSecret = ref()
					}
					if c.Intn(3) == 0 {
						r.Webhook.BearerTokenSecret = ref()
					}
				}
				a.Receivers = append(a.Receivers, r)
			}
			severities := []monitoring.Severity{"", monitoring.SeverityCritical, monitoring.SeverityWarning, monitoring.SeverityInfo}
			a.Routing.DefaultReceiver = pick("a", "b", "c", "oncall")
			for n := c.Intn(4); n > 0; n-- {
				rt := monitoring.Route{Severity: severities[c.Intn(len(severities))], Team: pick("", "platform", "payments", "a.b"),
					Receiver: pick("a", "b", "c", "oncall")}
				if c.Intn(3) == 0 {
					rt.RepeatInterval = pickDuration(c)
				}
				if c.Intn(4) == 0 {
					rt.GroupBy = []string{pick("alertname", "service", "1bad")}
				}
				a.Routing.Routes = append(a.Routing.Routes, rt)
			}
			if c.Intn(3) == 0 {
				a.Routing.GroupWait, a.Routing.GroupInterval, a.Routing.RepeatInterval = pickDuration(c), pickDuration(c), pickDuration(c)
			}
			if c.Intn(3) == 0 {
				a.Routing.InhibitEqual = []string{pick("alertname", "pod", "bad-label")}
			}
			a.Routing.NoInhibition = c.Intn(4) == 0
			if c.Intn(4) == 0 {
				a.Replicas = int32(c.Intn(5))
			}
		},
	)
}

func pickDuration(c randfill.Continue) time.Duration {
	pool := []time.Duration{0, 10 * time.Second, time.Minute, time.Hour, 24 * time.Hour, -time.Second, time.Nanosecond}
	return pool[c.Intn(len(pool))]
}

// FuzzAlertmanagerNeverMoreLenient: every spec gives a result or an error,
// never both; a configuration the library builds is one Alertmanager loads,
// and Alertmanager routes each route's own labels to the receiver the
// intent names.
func FuzzAlertmanagerNeverMoreLenient(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte("alertmanager"))
	f.Add(make([]byte, 200))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a monitoring.Alertmanager
		filler(data).Fill(&a)
		b, err := a.Build()
		if (b == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v", b, err)
		}
		if err != nil {
			return
		}
		cfg := []byte(b.ConfigMap.Data[monitoring.AlertmanagerConfigKey])
		if err := Check(cfg); err != nil {
			t.Fatalf("library built it, Alertmanager refused it: %v\n%s", err, cfg)
		}
		for _, r := range a.Routing.Routes {
			lset := map[string]string{"alertname": "X"}
			if r.Severity != "" {
				lset["severity"] = string(r.Severity)
			}
			if r.Team != "" {
				lset["team"] = r.Team
			}
			got, err := Route(cfg, lset)
			if err != nil {
				t.Fatal(err)
			}
			if want := expected(a, string(r.Severity), r.Team); len(got) != 1 || got[0] != want {
				t.Fatalf("%v: routed to %v, intent says %s", lset, got, want)
			}
		}
	})
}

// TestFillerReachesBoth: the fuzz inputs reach both verdicts.
func TestFillerReachesBoth(t *testing.T) {
	built, refused := 0, 0
	for i := 0; i < 400; i++ {
		data := []byte{byte(i), byte(i >> 8), byte(i * 7), byte(i * 13), byte(i * 29), 5, 9, byte(i * 3)}
		var a monitoring.Alertmanager
		filler(data).Fill(&a)
		if _, err := a.Build(); err == nil {
			built++
		} else {
			refused++
		}
	}
	t.Logf("%d built, %d refused of 400", built, refused)
	if built < 10 || refused < 10 {
		t.Errorf("filler too one-sided: %d built, %d refused", built, refused)
	}
}
