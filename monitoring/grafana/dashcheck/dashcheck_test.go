package dashcheck

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/monitoring/grafana"
)

// specs are the Grafana intents whose dashboards are judged.
func specs() map[string]grafana.Grafana {
	admin := grafana.SecretKey{Name: "grafana-admin"}
	return map[string]grafana.Grafana{
		"default": {AdminPassword: admin},
		"custom application metrics": {AdminPassword: admin, Application: grafana.ApplicationMetrics{
			RequestsTotal: "http_server_requests_seconds_count", CodeLabel: "status", DurationSeconds: "http_server_requests_seconds",
		}},
		"extra dashboard": {AdminPassword: admin, Dashboards: []grafana.Dashboard{{
			UID: "checkout", Title: "Checkout", Panels: []grafana.Panel{{
				Title: "Orders", Queries: []grafana.Query{
					{Expr: `sum by (status) (rate(orders_total{shop=~"eu-.*"}[5m]))`},
					{Expr: "histogram_quantile(0.9, sum by (le) (rate(order_seconds_bucket[10m]))) # p90"},
				},
			}},
		}}},
	}
}

// model is the part of a Grafana dashboard JSON model the checks read.
type model struct {
	UID    string `json:"uid"`
	Title  string `json:"title"`
	Panels []struct {
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource struct {
			Type string `json:"type"`
			UID  string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr  string `json:"expr"`
			RefID string `json:"refId"`
		} `json:"targets"`
	} `json:"panels"`
}

// TestEveryPanelQueryParses parses every query of every panel of every
// dashboard in the dashboards ConfigMap with Prometheus' PromQL parser.
func TestEveryPanelQueryParses(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for name, g := range specs() {
		t.Run(name, func(t *testing.T) {
			res, err := g.Build()
			if err != nil {
				t.Fatal(err)
			}
			queries := 0
			for _, key := range sortedKeys(res.Dashboards.Data) {
				var m model
				if err := json.Unmarshal([]byte(res.Dashboards.Data[key]), &m); err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				if m.UID+".json" != key || m.Title == "" || len(m.Panels) == 0 {
					t.Errorf("%s: uid %q title %q with %d panels", key, m.UID, m.Title, len(m.Panels))
				}
				for i, pn := range m.Panels {
					if pn.Datasource.Type != "prometheus" || pn.Datasource.UID != grafana.DatasourceUID || len(pn.Targets) == 0 {
						t.Errorf("%s panel %d %q: datasource %+v, %d targets", key, i, pn.Title, pn.Datasource, len(pn.Targets))
					}
					for _, tg := range pn.Targets {
						queries++
						if _, err := p.ParseExpr(tg.Expr); err != nil {
							t.Errorf("%s panel %d %q query %s: %v\n%s", key, i, pn.Title, tg.RefID, err, tg.Expr)
						}
					}
				}
			}
			if queries < 30 {
				t.Errorf("only %d queries found; the dashboards' JSON shape may have changed", queries)
			}
		})
	}
}

// TestDatasourceURL reads the provisioned datasource file and checks it
// points at the intent's Prometheus with the uid the panels use.
func TestDatasourceURL(t *testing.T) {
	g := grafana.Grafana{AdminPassword: grafana.SecretKey{Name: "a"}, PrometheusURL: "https://prometheus.example.com:9443/prom"}
	res, err := g.Build()
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		APIVersion  int `json:"apiVersion"`
		Datasources []struct {
			Type, UID, URL string
		} `json:"datasources"`
	}
	if err := yaml.Unmarshal([]byte(res.Provisioning.Data["datasources.yaml"]), &f); err != nil {
		t.Fatal(err)
	}
	if f.APIVersion != 1 || len(f.Datasources) != 1 || f.Datasources[0].URL != g.PrometheusURL || f.Datasources[0].UID != grafana.DatasourceUID || f.Datasources[0].Type != "prometheus" {
		t.Fatalf("datasources.yaml: %+v", f)
	}
}

// negativeTwins are queries with typing mistakes: the parser refuses each,
// and so must the library, naming the query's field.
var negativeTwins = []string{
	`sum(rate(http_requests_total[5m])`,
	`http_requests_total{code="5xx"`,
	`http_requests_total{code="5xx}`,
	`sum(rate(http_requests_total[5m)))`,
	`rate(x[5m]))`,
	``,
}

func TestNegativeTwins(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for _, expr := range negativeTwins {
		if _, err := p.ParseExpr(expr); err == nil {
			t.Errorf("the parser accepts %q; it is no negative twin", expr)
		}
		g := grafana.Grafana{AdminPassword: grafana.SecretKey{Name: "a"}, Dashboards: []grafana.Dashboard{{
			UID: "x", Title: "X", Panels: []grafana.Panel{{Title: "p", Queries: []grafana.Query{{Expr: "up"}, {Expr: expr}}}},
		}}}
		errs := g.Validate()
		if len(errs) != 1 || errs[0].Field != "dashboards[0].panels[0].queries[1].expr" {
			t.Errorf("%q: errors %v, want one at dashboards[0].panels[0].queries[1].expr", expr, errs)
		}
		if res, err := g.Build(); res != nil || err == nil {
			t.Errorf("%q: Build gave %v, %v", expr, res, err)
		}
	}
}

// FuzzCheckExprAcceptsWhatParses holds grafana.CheckExpr to its promise:
// whatever Prometheus' parser accepts, CheckExpr accepts too.
func FuzzCheckExprAcceptsWhatParses(f *testing.F) {
	for _, s := range append(slices.Clone(negativeTwins),
		`up`, `x{a="}"}`, `x{a='\''}`, "x{a=`\\`}", "up # (", `sum by (job) (rate(x[5m])) / on (job) group_left y`,
		`{__name__=~"a.+"}`, `x offset 5m`, `x @ 100`, `-x`, `"str"`, `1 + 2`, `x[5m:1m]`) {
		f.Add(s)
	}
	for _, g := range specs() {
		res, err := g.Build()
		if err != nil {
			f.Fatal(err)
		}
		for _, v := range res.Dashboards.Data {
			for _, line := range strings.Split(v, "\n") {
				if i := strings.Index(line, `"expr": `); i >= 0 {
					var s string
					if json.Unmarshal([]byte(strings.TrimSuffix(line[i+len(`"expr": `):], ",")), &s) == nil {
						f.Add(s)
					}
				}
			}
		}
	}
	p := parser.NewParser(parser.Options{})
	f.Fuzz(func(t *testing.T, expr string) {
		if _, err := p.ParseExpr(expr); err != nil {
			return
		}
		if err := grafana.CheckExpr(expr); err != nil {
			t.Fatalf("Prometheus parses %q but CheckExpr refuses it: %v", expr, err)
		}
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
