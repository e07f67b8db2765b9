package amcheck

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"

	"github.com/prodkube/prodkube/monitoring"
)

// production is the production example's Alertmanager
// (examples/production/monitoring.go), built here through the library API:
// the example is a command and cannot be imported.
func production() monitoring.Alertmanager {
	return monitoring.Alertmanager{
		Receivers: []monitoring.Receiver{
			{Name: "oncall-pager", PagerDuty: &monitoring.PagerDuty{RoutingKey: monitoring.SecretKeyRef{Secret: "alertmanager-pagerduty", Key: "routing-key"}}},
			{Name: "platform-slack", Slack: &monitoring.Slack{APIURL: monitoring.SecretKeyRef{Secret: "alertmanager-slack", Key: "webhook-url"}, Channel: "#platform-alerts"}},
			{Name: "ops-email", Email: &monitoring.Email{
				To: "ops@example.com", From: "alertmanager@example.com", Smarthost: "smtp.example.com:587",
				Username: "alertmanager", PasswordSecret: monitoring.SecretKeyRef{Secret: "alertmanager-smtp", Key: "password"},
			}},
		},
		Routing: monitoring.Routing{
			DefaultReceiver: "ops-email",
			Routes: []monitoring.Route{
				{Severity: monitoring.SeverityCritical, Receiver: "oncall-pager", RepeatInterval: time.Hour},
				{Severity: monitoring.SeverityWarning, Team: "platform", Receiver: "platform-slack"},
			},
		},
	}
}

// specs are the Alertmanager specs judged here: production's, and variants
// that exercise every receiver kind and routing option.
func specs() map[string]monitoring.Alertmanager {
	tuned := production()
	tuned.Name, tuned.Namespace, tuned.Replicas = "am", "observability", 3
	tuned.Receivers = append(tuned.Receivers,
		monitoring.Receiver{Name: "payments-hook", SkipResolved: true, Webhook: &monitoring.Webhook{
			URLSecret: monitoring.SecretKeyRef{Secret: "payments-hook", Key: "url"}, BearerTokenSecret: monitoring.SecretKeyRef{Secret: "payments-hook", Key: "token"}}},
		monitoring.Receiver{Name: "in-cluster", Webhook: &monitoring.Webhook{URL: "http://alert-sink.tools.svc:8080/alerts"}},
		monitoring.Receiver{Name: "plain-mail", Email: &monitoring.Email{To: "a@example.com", From: "b@example.com", Smarthost: "mail.example.com:25"}},
	)
	tuned.Routing.Routes = append(tuned.Routing.Routes,
		monitoring.Route{Team: "payments", Receiver: "payments-hook", GroupBy: []string{"alertname", "service"}},
		monitoring.Route{Severity: monitoring.SeverityInfo, Receiver: "in-cluster", RepeatInterval: 24 * time.Hour},
		monitoring.Route{Severity: monitoring.SeverityWarning, Team: "mail", Receiver: "plain-mail"},
	)
	tuned.Routing.GroupBy = []string{"alertname", "cluster"}
	tuned.Routing.GroupWait, tuned.Routing.GroupInterval, tuned.Routing.RepeatInterval = 10*time.Second, time.Minute, 12*time.Hour
	tuned.Routing.InhibitEqual = []string{"alertname", "namespace", "pod"}

	quiet := production()
	quiet.Routing.NoInhibition = true
	quiet.Routing.Routes = nil
	return map[string]monitoring.Alertmanager{"production": production(), "tuned": tuned, "no routes or inhibition": quiet}
}

func build(t *testing.T, a monitoring.Alertmanager) []byte {
	t.Helper()
	b, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b.ConfigMap.Data[monitoring.AlertmanagerConfigKey])
}

// TestConfigLoads loads every rendered alertmanager.yml with
// Alertmanager's loader and checks that the credentials arrive as file
// paths only.
func TestConfigLoads(t *testing.T) {
	for name, spec := range specs() {
		t.Run(name, func(t *testing.T) {
			data := build(t, spec)
			if err := Check(data); err != nil {
				t.Fatalf("Alertmanager refused the configuration: %v\n%s", err, data)
			}
			cfg, err := config.Load(string(data))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range cfg.Receivers {
				for _, s := range r.SlackConfigs {
					if s.APIURL != nil || !strings.HasPrefix(s.APIURLFile, monitoring.AlertmanagerSecretsDir+"/") {
						t.Errorf("%s: slack api_url %v, api_url_file %q", r.Name, s.APIURL, s.APIURLFile)
					}
				}
				for _, p := range r.PagerdutyConfigs {
					if p.RoutingKey != "" || p.ServiceKey != "" || !strings.HasPrefix(p.RoutingKeyFile, monitoring.AlertmanagerSecretsDir+"/") {
						t.Errorf("%s: pagerduty key inline or not from a Secret: %q", r.Name, p.RoutingKeyFile)
					}
				}
				for _, e := range r.EmailConfigs {
					if e.AuthPassword != "" || (e.AuthUsername != "" && !strings.HasPrefix(e.AuthPasswordFile, monitoring.AlertmanagerSecretsDir+"/")) {
						t.Errorf("%s: e-mail password inline or not from a Secret: %q", r.Name, e.AuthPasswordFile)
					}
					if e.RequireTLS == nil || !*e.RequireTLS {
						t.Errorf("%s: e-mail without required TLS", r.Name)
					}
				}
				for _, w := range r.WebhookConfigs {
					if u, err := url.Parse(string(w.URL)); err != nil || u.User != nil {
						t.Errorf("%s: webhook URL %v carries credentials", r.Name, err)
					}
					if (w.URL == "") == (w.URLFile == "") {
						t.Errorf("%s: webhook url %q and url_file %q", r.Name, w.URL, w.URLFile)
					}
				}
			}
		})
	}
}

// expected is the receiver the intent says an alert with these labels
// goes to: the first route whose set fields all match, else the default.
func expected(a monitoring.Alertmanager, severity, team string) string {
	for _, r := range a.Routing.Routes {
		if (r.Severity == "" || string(r.Severity) == severity) && (r.Team == "" || r.Team == team) {
			return r.Receiver
		}
	}
	return a.Routing.DefaultReceiver
}

// TestRoutingMatchesIntent sends every combination of the severities and
// teams the routes name (and ones they do not) through Alertmanager's own
// routing tree, and checks each reaches exactly the receiver the intent
// says.
func TestRoutingMatchesIntent(t *testing.T) {
	for name, spec := range specs() {
		t.Run(name, func(t *testing.T) {
			data := build(t, spec)
			teams := map[string]bool{"": true, "nobody": true}
			for _, r := range spec.Routing.Routes {
				teams[r.Team] = true
			}
			for _, sev := range []string{"", "critical", "warning", "info", "unknown"} {
				for team := range teams {
					lset := map[string]string{"alertname": "X", "namespace": "production"}
					if sev != "" {
						lset["severity"] = sev
					}
					if team != "" {
						lset["team"] = team
					}
					got, err := Route(data, lset)
					if err != nil {
						t.Fatal(err)
					}
					if want := expected(spec, sev, team); len(got) != 1 || got[0] != want {
						t.Errorf("severity %q team %q: Alertmanager routes to %v, intent says %q", sev, team, got, want)
					}
				}
			}
		})
	}
}

// TestProductionRouting pins the production example's routing table.
func TestProductionRouting(t *testing.T) {
	data := build(t, production())
	for _, tc := range []struct {
		severity, team, want string
	}{
		{"critical", "", "oncall-pager"},
		{"critical", "platform", "oncall-pager"},
		{"warning", "platform", "platform-slack"},
		{"warning", "payments", "ops-email"},
		{"warning", "", "ops-email"},
		{"info", "platform", "ops-email"},
		{"", "", "ops-email"},
	} {
		lset := map[string]string{"alertname": "KubeNodeNotReady", "severity": tc.severity, "team": tc.team}
		got, err := Route(data, lset)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("%v: routed to %v, want %s", lset, got, tc.want)
		}
	}
}

// TestInhibition checks with Alertmanager's own matchers that a critical
// alert mutes the warning of the same alert and nothing else.
func TestInhibition(t *testing.T) {
	cfg, err := config.Load(string(build(t, production())))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.InhibitRules) != 1 {
		t.Fatalf("%d inhibit rules, want 1", len(cfg.InhibitRules))
	}
	r := cfg.InhibitRules[0]
	source, target := labels.Matchers(r.SourceMatchers), labels.Matchers(r.TargetMatchers)
	critical := model.LabelSet{"alertname": "KubeNodeNotReady", "namespace": "", "severity": "critical"}
	warning := model.LabelSet{"alertname": "KubeNodeNotReady", "namespace": "", "severity": "warning"}
	if !source.Matches(critical) || source.Matches(warning) {
		t.Error("source matchers do not select exactly critical alerts")
	}
	if !target.Matches(warning) || target.Matches(critical) {
		t.Error("target matchers do not select exactly warning alerts")
	}
	equal := map[model.LabelName]bool{}
	for _, l := range r.Equal {
		equal[model.LabelName(l)] = true
	}
	if !equal["alertname"] || !equal["namespace"] {
		t.Errorf("equal %v: a critical alert would mute other alerts' warnings", r.Equal)
	}

	quiet := specs()["no routes or inhibition"]
	cfg, err = config.Load(string(build(t, quiet)))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.InhibitRules) != 0 {
		t.Errorf("noInhibition: %d inhibit rules", len(cfg.InhibitRules))
	}
}

// TestNegativeTwins: what the library refuses by name is what
// Alertmanager refuses or what would leak a credential. The route to an
// unknown receiver is refused by both; the inline password is one
// Alertmanager would accept, so only the library stands in its way.
func TestNegativeTwins(t *testing.T) {
	unknown := production()
	unknown.Routing.Routes[1].Receiver = "nobody"
	if _, err := unknown.Build(); err == nil || !strings.Contains(err.Error(), "routing.routes[1].receiver") {
		t.Errorf("route to an unknown receiver: Build error %v, want one naming routing.routes[1].receiver", err)
	}
	data := build(t, production())
	edited := strings.Replace(string(data), "receiver: platform-slack", "receiver: nobody", 1)
	if edited == string(data) {
		t.Fatal("edit did not apply")
	}
	if err := Check([]byte(edited)); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("Alertmanager accepted a route to an unknown receiver: %v", err)
	}

	inline := production()
	inline.Receivers[2].Email.Password = "hunter2"
	if _, err := inline.Build(); err == nil || !strings.Contains(err.Error(), "receivers[2].email.password") {
		t.Errorf("inline password: Build error %v, want one naming receivers[2].email.password", err)
	}
	hook := production()
	hook.Receivers = append(hook.Receivers, monitoring.Receiver{Name: "hook", Webhook: &monitoring.Webhook{URL: "https://u:hunter2@hooks.example.com/"}})
	if _, err := hook.Build(); err == nil || !strings.Contains(err.Error(), "receivers[3].webhook.url") {
		t.Errorf("password in a webhook URL: Build error %v, want one naming receivers[3].webhook.url", err)
	}
	withPassword := strings.Replace(string(data), "auth_password_file: /etc/alertmanager/secrets/alertmanager-smtp/password", "auth_password: hunter2", 1)
	if withPassword == string(data) {
		t.Fatal("edit did not apply")
	}
	if err := Check([]byte(withPassword)); err != nil {
		t.Errorf("Alertmanager refuses an inline password (%v); the comment above is out of date", err)
	}
}
