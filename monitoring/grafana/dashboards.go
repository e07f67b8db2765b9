package grafana

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Dashboard is one dashboard: a title and panels of PromQL queries against
// the provisioned Prometheus datasource.
type Dashboard struct {
	// UID is the dashboard's stable identifier in Grafana and the name of
	// its file in the dashboards ConfigMap (<uid>.json): 1 to 40 letters,
	// digits, '-' or '_'. Required.
	UID string
	// Title shown in Grafana. Required.
	Title string
	// Panels, laid out two per row in this order. At least one.
	Panels []Panel
}

// Panel is one time-series panel.
type Panel struct {
	// Title of the panel. Required.
	Title string
	// Unit is a Grafana unit id ("percentunit", "bytes", "s", "short");
	// empty leaves Grafana's default.
	Unit string
	// Queries are plotted together. At least one.
	Queries []Query
}

// Query is one PromQL query of a panel.
type Query struct {
	// Expr is the PromQL expression. It must pass CheckExpr; the checker
	// module parses it with Prometheus' own parser. Grafana's template
	// variables ($__rate_interval, ...) are not PromQL and are not
	// expected here.
	Expr string
	// Legend is the series name template ("{{namespace}}"); empty lets
	// Grafana name series by their labels.
	Legend string
}

// ApplicationMetrics names the metrics the application-requests dashboard
// reads; the defaults are the usual names of HTTP server instrumentation
// and match monitoring.HTTPErrorAlert's defaults.
type ApplicationMetrics struct {
	// RequestsTotal is a counter of requests with a status code label.
	// Default: http_requests_total.
	RequestsTotal string
	// CodeLabel is the status code label of RequestsTotal. Default: code.
	CodeLabel string
	// DurationSeconds is a histogram of request durations in seconds,
	// without the _bucket suffix. Default: http_request_duration_seconds.
	DurationSeconds string
}

// Defaults of ApplicationMetrics.
const (
	DefaultRequestsTotal   = "http_requests_total"
	DefaultCodeLabel       = "code"
	DefaultDurationSeconds = "http_request_duration_seconds"
)

// The UIDs of the built-in dashboards.
const (
	UIDKeyMetrics   = "prodkube-key-metrics"
	UIDCluster      = "prodkube-cluster"
	UIDControlPlane = "prodkube-control-plane"
	UIDWorkloads    = "prodkube-workloads"
	UIDResources    = "prodkube-resources"
	UIDApplication  = "prodkube-application-requests"
)

var (
	uidRE        = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

func (m ApplicationMetrics) withDefaults() ApplicationMetrics {
	if m.RequestsTotal == "" {
		m.RequestsTotal = DefaultRequestsTotal
	}
	if m.CodeLabel == "" {
		m.CodeLabel = DefaultCodeLabel
	}
	if m.DurationSeconds == "" {
		m.DurationSeconds = DefaultDurationSeconds
	}
	return m
}

func (m ApplicationMetrics) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if m.RequestsTotal != "" && !metricNameRE.MatchString(m.RequestsTotal) {
		errs = append(errs, field.Invalid(p.Child("requestsTotal"), m.RequestsTotal, "must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"))
	}
	if m.DurationSeconds != "" && !metricNameRE.MatchString(m.DurationSeconds) {
		errs = append(errs, field.Invalid(p.Child("durationSeconds"), m.DurationSeconds, "must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"))
	}
	if m.CodeLabel != "" && (!labelNameRE.MatchString(m.CodeLabel) || strings.HasPrefix(m.CodeLabel, "__")) {
		errs = append(errs, field.Invalid(p.Child("codeLabel"), m.CodeLabel, "must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*) not starting with __"))
	}
	return errs
}

// validateDashboards checks dashboards; taken holds the UIDs already in use
// (the built-in ones) and is extended.
func validateDashboards(ds []Dashboard, taken map[string]bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, d := range ds {
		dp := p.Index(i)
		switch {
		case d.UID == "":
			errs = append(errs, field.Required(dp.Child("uid"), ""))
		case !uidRE.MatchString(d.UID):
			errs = append(errs, field.Invalid(dp.Child("uid"), d.UID, "must be 1 to 40 letters, digits, '-' or '_'"))
		case taken[d.UID]:
			errs = append(errs, field.Duplicate(dp.Child("uid"), d.UID))
		default:
			taken[d.UID] = true
		}
		errs = append(errs, validateText(d.Title, dp.Child("title"))...)
		if len(d.Panels) == 0 {
			errs = append(errs, field.Required(dp.Child("panels"), "a dashboard needs at least one panel"))
		}
		for j, pn := range d.Panels {
			pp := dp.Child("panels").Index(j)
			errs = append(errs, validateText(pn.Title, pp.Child("title"))...)
			if !utf8Printable(pn.Unit) {
				errs = append(errs, field.Invalid(pp.Child("unit"), pn.Unit, "must be printable UTF-8"))
			}
			if len(pn.Queries) == 0 {
				errs = append(errs, field.Required(pp.Child("queries"), "a panel needs at least one query"))
			}
			for k, q := range pn.Queries {
				qp := pp.Child("queries").Index(k)
				if !utf8.ValidString(q.Expr) {
					// Prometheus reads invalid UTF-8 in comments, but JSON
					// would replace it, changing the query.
					errs = append(errs, field.Invalid(qp.Child("expr"), q.Expr, "must be valid UTF-8"))
				} else if err := CheckExpr(q.Expr); err != nil {
					errs = append(errs, field.Invalid(qp.Child("expr"), q.Expr, "not a PromQL expression: "+err.Error()))
				}
				if !utf8Printable(q.Legend) {
					errs = append(errs, field.Invalid(qp.Child("legend"), q.Legend, "must be printable UTF-8"))
				}
			}
		}
	}
	return errs
}

func validateText(s string, p *field.Path) field.ErrorList {
	if strings.TrimSpace(s) == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	if !utf8Printable(s) {
		return field.ErrorList{field.Invalid(p, s, "must be printable UTF-8")}
	}
	return nil
}

// utf8Printable reports whether s is valid UTF-8 without control
// characters.
func utf8Printable(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// BuiltinDashboards returns the dashboards every Grafana gets: the key
// metrics the alert rules of package monitoring watch, then one dashboard
// per class of what runs (cluster, control plane, workloads, resources,
// application requests). m names the application metrics; its zero value
// means the defaults.
func BuiltinDashboards(m ApplicationMetrics) []Dashboard {
	m = m.withDefaults()
	const w = "5m"
	appErr := `sum by (namespace, job) (rate(` + m.RequestsTotal + `{` + m.CodeLabel + `=~"5.."}[` + w + `])) / sum by (namespace, job) (rate(` + m.RequestsTotal + `[` + w + `]))`
	memLimit := `max by (namespace, pod, container) (container_memory_working_set_bytes{container!="",container!="POD"}) / on (namespace, pod, container) max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"} > 0)`
	apiErr := `sum(rate(apiserver_request_total{code=~"5.."}[` + w + `])) / sum(rate(apiserver_request_total[` + w + `]))`
	restarts := `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[1h])) > 0`
	crash := `sum by (namespace, pod, container) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}) > 0`
	q := func(expr, legend string) []Query { return []Query{{Expr: expr, Legend: legend}} }
	return []Dashboard{
		{UID: UIDKeyMetrics, Title: "Key production metrics", Panels: []Panel{
			{Title: "Nodes not Ready", Unit: "short", Queries: q(`count(kube_node_status_condition{condition="Ready",status="true"} == 0) or vector(0)`, "not ready")},
			{Title: "API server 5xx ratio", Unit: "percentunit", Queries: q(apiErr, "5xx")},
			{Title: "Container restarts in the last hour", Unit: "short", Queries: q(restarts, "{{namespace}}/{{pod}}")},
			{Title: "Crash-looping containers", Unit: "short", Queries: q(crash, "{{namespace}}/{{pod}}/{{container}}")},
			{Title: "Memory working set / limit", Unit: "percentunit", Queries: q(memLimit, "{{namespace}}/{{pod}}/{{container}}")},
			{Title: "Application HTTP 5xx ratio", Unit: "percentunit", Queries: q(appErr, "{{namespace}}/{{job}}")},
		}},
		{UID: UIDCluster, Title: "Cluster", Panels: []Panel{
			{Title: "Nodes by Ready condition", Unit: "short", Queries: q(`sum by (status) (kube_node_status_condition{condition="Ready"})`, "{{status}}")},
			{Title: "Pods per node", Unit: "short", Queries: q(`sum by (node) (kube_pod_info)`, "{{node}}")},
			{Title: "Node CPU usage", Unit: "short", Queries: q(`sum by (instance) (rate(container_cpu_usage_seconds_total{id="/"}[`+w+`]))`, "{{instance}}")},
			{Title: "Node memory working set", Unit: "bytes", Queries: q(`sum by (instance) (container_memory_working_set_bytes{id="/"})`, "{{instance}}")},
			{Title: "CPU requested / allocatable", Unit: "percentunit", Queries: q(`sum(kube_pod_container_resource_requests{resource="cpu"}) / sum(kube_node_status_allocatable{resource="cpu"})`, "cpu")},
			{Title: "Memory requested / allocatable", Unit: "percentunit", Queries: q(`sum(kube_pod_container_resource_requests{resource="memory"}) / sum(kube_node_status_allocatable{resource="memory"})`, "memory")},
		}},
		{UID: UIDControlPlane, Title: "Control plane", Panels: []Panel{
			{Title: "API requests by code", Unit: "reqps", Queries: q(`sum by (code) (rate(apiserver_request_total[`+w+`]))`, "{{code}}")},
			{Title: "API request latency p99 by verb", Unit: "s", Queries: q(`histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[`+w+`])))`, "{{verb}}")},
			{Title: "API requests in flight", Unit: "short", Queries: q(`sum by (request_kind) (apiserver_current_inflight_requests)`, "{{request_kind}}")},
			{Title: "etcd request latency p99 seen by the API server", Unit: "s", Queries: q(`histogram_quantile(0.99, sum by (le, operation) (rate(etcd_request_duration_seconds_bucket[`+w+`])))`, "{{operation}}")},
			{Title: "API server 5xx ratio", Unit: "percentunit", Queries: q(apiErr, "5xx")},
			{Title: "API server work queue depth", Unit: "short", Queries: q(`sum by (name) (workqueue_depth)`, "{{name}}")},
		}},
		{UID: UIDWorkloads, Title: "Workloads", Panels: []Panel{
			{Title: "Pods by phase", Unit: "short", Queries: q(`sum by (phase) (kube_pod_status_phase)`, "{{phase}}")},
			{Title: "Deployments with unavailable replicas", Unit: "short", Queries: q(`sum by (namespace, deployment) (kube_deployment_status_replicas_unavailable) > 0`, "{{namespace}}/{{deployment}}")},
			{Title: "StatefulSets not ready", Unit: "short", Queries: q(`sum by (namespace, statefulset) (kube_statefulset_status_replicas - kube_statefulset_status_replicas_ready) > 0`, "{{namespace}}/{{statefulset}}")},
			{Title: "DaemonSet pods unavailable", Unit: "short", Queries: q(`sum by (namespace, daemonset) (kube_daemonset_status_number_unavailable) > 0`, "{{namespace}}/{{daemonset}}")},
			{Title: "Container restarts in the last hour", Unit: "short", Queries: q(restarts, "{{namespace}}/{{pod}}")},
			{Title: "Crash-looping containers", Unit: "short", Queries: q(crash, "{{namespace}}/{{pod}}/{{container}}")},
		}},
		{UID: UIDResources, Title: "Resources", Panels: []Panel{
			{Title: "CPU used and requested by namespace", Unit: "short", Queries: []Query{
				{Expr: `sum by (namespace) (rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[` + w + `]))`, Legend: "{{namespace}} used"},
				{Expr: `sum by (namespace) (kube_pod_container_resource_requests{resource="cpu"})`, Legend: "{{namespace}} requested"},
			}},
			{Title: "Memory used and requested by namespace", Unit: "bytes", Queries: []Query{
				{Expr: `sum by (namespace) (container_memory_working_set_bytes{container!="",container!="POD"})`, Legend: "{{namespace}} used"},
				{Expr: `sum by (namespace) (kube_pod_container_resource_requests{resource="memory"})`, Legend: "{{namespace}} requested"},
			}},
			{Title: "CPU throttled periods", Unit: "percentunit", Queries: q(`sum by (namespace, pod) (rate(container_cpu_cfs_throttled_periods_total{container!=""}[`+w+`])) / sum by (namespace, pod) (rate(container_cpu_cfs_periods_total{container!=""}[`+w+`]))`, "{{namespace}}/{{pod}}")},
			{Title: "Memory working set / limit", Unit: "percentunit", Queries: q(memLimit, "{{namespace}}/{{pod}}/{{container}}")},
		}},
		{UID: UIDApplication, Title: "Application requests", Panels: []Panel{
			{Title: "Requests per second", Unit: "reqps", Queries: q(`sum by (namespace, job) (rate(`+m.RequestsTotal+`[`+w+`]))`, "{{namespace}}/{{job}}")},
			{Title: "HTTP 5xx ratio", Unit: "percentunit", Queries: q(appErr, "{{namespace}}/{{job}}")},
			{Title: "Latency p50", Unit: "s", Queries: q(`histogram_quantile(0.5, sum by (le, namespace, job) (rate(`+m.DurationSeconds+`_bucket[`+w+`])))`, "{{namespace}}/{{job}}")},
			{Title: "Latency p99", Unit: "s", Queries: q(`histogram_quantile(0.99, sum by (le, namespace, job) (rate(`+m.DurationSeconds+`_bucket[`+w+`])))`, "{{namespace}}/{{job}}")},
		}},
	}
}

// panelBuilt hands an already built panel to the SDK's dashboard builder,
// so that a panel that fails to build is reported as an error here rather
// than reaching the dashboard builder.
type panelBuilt dashboard.Panel

func (p panelBuilt) Build() (dashboard.Panel, error) { return dashboard.Panel(p), nil }

var _ cog.Builder[dashboard.Panel] = panelBuilt{}

// renderDashboard builds d with the Grafana Foundation SDK and returns its
// JSON model, indented, querying the datasource with uid dsUID.
func renderDashboard(d Dashboard, dsUID string) ([]byte, error) {
	dsType := "prometheus"
	ds := common.DataSourceRef{Type: &dsType, Uid: &dsUID}
	b := dashboard.NewDashboardBuilder(d.Title).
		Uid(d.UID).
		Tags([]string{"prodkube"}).
		Readonly().
		Refresh("1m").
		Time("now-6h", "now").
		Timezone("utc").
		Tooltip(dashboard.DashboardCursorSyncCrosshair)
	for i, pn := range d.Panels {
		pb := timeseries.NewPanelBuilder().
			Id(uint32(i + 1)).
			Title(pn.Title).
			Datasource(ds).
			Height(8).
			Span(12)
		if pn.Unit != "" {
			pb = pb.Unit(pn.Unit)
		}
		for k, q := range pn.Queries {
			qb := prometheus.NewDataqueryBuilder().
				Expr(q.Expr).
				Datasource(ds).
				RefId(refID(k)).
				Range()
			if q.Legend != "" {
				qb = qb.LegendFormat(q.Legend)
			}
			pb = pb.WithTarget(qb)
		}
		panel, err := pb.Build()
		if err != nil {
			return nil, fmt.Errorf("dashboard %s, panel %d: %w", d.UID, i, err)
		}
		b = b.WithPanel(panelBuilt(panel))
	}
	model, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	out, err := json.MarshalIndent(model, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	return append(out, '\n'), nil
}

// refID names the k-th query of a panel A, B, ..., Z, AA, AB, ...
func refID(k int) string {
	s := ""
	for k++; k > 0; k = (k - 1) / 26 {
		s = string(rune('A'+(k-1)%26)) + s
	}
	return s
}
