package monitoring

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
)

// RuleFile is a Prometheus rule file: groups of alerting and recording
// rules, as Prometheus loads it from "rule_files".
type RuleFile struct {
	// Groups are evaluated independently; names are unique in a file.
	Groups []RuleGroup `json:"groups"`
}

// RuleGroup is a named group of rules evaluated together, in order.
type RuleGroup struct {
	// Name of the group, unique in the file.
	Name string `json:"name"`
	// Interval overrides the global evaluation interval for this group.
	Interval Duration `json:"interval,omitempty"`
	// Rules in evaluation order.
	Rules []Rule `json:"rules"`
}

// Rule is an alerting rule (Alert set) or a recording rule (Record set).
type Rule struct {
	// Record is the metric name a recording rule writes.
	Record string `json:"record,omitempty"`
	// Alert is the name of an alerting rule.
	Alert string `json:"alert,omitempty"`
	// Expr is the PromQL expression evaluated.
	Expr string `json:"expr"`
	// For is how long the expression must hold before the alert fires.
	For Duration `json:"for,omitempty"`
	// Labels are added to the alert or recorded series (e.g. severity).
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations describe an alert (summary, description, runbook_url);
	// they may use Prometheus' template language.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// RulesFile is where RuleFile.Files and Bundle.Files put the rule file,
// relative to the output directory.
const RulesFile = "monitoring/rules.yaml"

// Files returns the rule file as Prometheus loads it, at RulesFile, written
// by prodkube.YAMLFile. Only a valid rule file is a file: for one that
// Validate refuses, Files returns nil (Alerts.Build never returns one).
func (f RuleFile) Files() []prodkube.File {
	if len(f.Validate()) > 0 {
		return nil
	}
	out, err := prodkube.YAMLFile(RulesFile, f)
	if err != nil {
		return nil
	}
	return []prodkube.File{out}
}

// Validate reports every problem with the rule file: unnamed or duplicate
// groups and rules, rules that are neither or both alert and record, bad
// names, labels and durations. The PromQL itself is judged by Prometheus'
// parser in this module's tests.
func (f RuleFile) Validate() field.ErrorList {
	return validateGroups(f.Groups, field.NewPath("groups"))
}

func validateGroups(groups []RuleGroup, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	groupSeen := map[string]bool{}
	ruleSeen := map[string]bool{}
	for i, g := range groups {
		gp := p.Index(i)
		switch {
		case g.Name == "":
			errs = append(errs, field.Required(gp.Child("name"), "every rule group needs a name"))
		case !utf8Valid(g.Name) || strings.ContainsAny(g.Name, "\x00\n\r"):
			errs = append(errs, field.Invalid(gp.Child("name"), g.Name, "must be printable UTF-8 text"))
		case groupSeen[g.Name]:
			errs = append(errs, field.Duplicate(gp.Child("name"), g.Name))
		}
		groupSeen[g.Name] = true
		errs = append(errs, validateDuration(g.Interval, gp.Child("interval"), false)...)
		if len(g.Rules) == 0 {
			errs = append(errs, field.Required(gp.Child("rules"), "a rule group needs at least one rule"))
		}
		for j, r := range g.Rules {
			rp := gp.Child("rules").Index(j)
			name := r.Alert
			switch {
			case r.Alert == "" && r.Record == "":
				errs = append(errs, field.Required(rp.Child("alert"), "a rule is either an alert or a record"))
			case r.Alert != "" && r.Record != "":
				errs = append(errs, field.Forbidden(rp.Child("record"), "a rule is either an alert or a record, not both"))
			case r.Record != "":
				name = r.Record
				if !metricNameRE.MatchString(r.Record) {
					errs = append(errs, field.Invalid(rp.Child("record"), r.Record, "must be a Prometheus metric name"))
				}
				if r.For != 0 {
					errs = append(errs, field.Forbidden(rp.Child("for"), "only alerting rules wait"))
				}
				if len(r.Annotations) > 0 {
					errs = append(errs, field.Forbidden(rp.Child("annotations"), "only alerting rules carry annotations"))
				}
			default:
				if !labelNameRE.MatchString(r.Alert) {
					errs = append(errs, field.Invalid(rp.Child("alert"), r.Alert, "must be a Prometheus label name (letters, digits and _), so it can be matched as alertname"))
				}
			}
			if name != "" {
				if ruleSeen[name] {
					errs = append(errs, field.Duplicate(rp.Child(map[bool]string{true: "alert", false: "record"}[r.Alert != ""]), name))
				}
				ruleSeen[name] = true
			}
			if strings.TrimSpace(r.Expr) == "" {
				errs = append(errs, field.Required(rp.Child("expr"), "a PromQL expression"))
			} else if !utf8Valid(r.Expr) {
				errs = append(errs, field.Invalid(rp.Child("expr"), r.Expr, "must be valid UTF-8"))
			}
			errs = append(errs, validateDuration(r.For, rp.Child("for"), false)...)
			errs = append(errs, validateLabels(r.Labels, rp.Child("labels"))...)
			for _, k := range sortedKeys(r.Annotations) {
				if !labelNameRE.MatchString(k) {
					errs = append(errs, field.Invalid(rp.Child("annotations").Key(k), k, labelNameMsg))
				}
				if !utf8Valid(r.Annotations[k]) {
					errs = append(errs, field.Invalid(rp.Child("annotations").Key(k), r.Annotations[k], "must be valid UTF-8"))
				}
			}
		}
	}
	return errs
}

// PrometheusRule is the monitoring.coreos.com/v1 PrometheusRule custom
// resource, through which the Prometheus Operator loads rule groups. Its
// spec carries the same groups as a RuleFile.
type PrometheusRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec holds the rule groups.
	Spec PrometheusRuleSpec `json:"spec"`
}

// PrometheusRuleSpec is the spec of a PrometheusRule.
type PrometheusRuleSpec struct {
	// Groups of rules, as in a rule file.
	Groups []RuleGroup `json:"groups,omitempty"`
}

// PrometheusRuleAPIVersion and PrometheusRuleKind identify the resource.
const (
	PrometheusRuleAPIVersion = "monitoring.coreos.com/v1"
	PrometheusRuleKind       = "PrometheusRule"
)

// PrometheusRule wraps the rule file's groups in a PrometheusRule object
// named name in namespace, with labels (which Prometheus Operator's
// ruleSelector matches). It validates the name, namespace, labels and groups.
func (f RuleFile) PrometheusRule(name, namespace string, labels map[string]string) (*PrometheusRule, error) {
	var errs field.ErrorList
	errs = append(errs, validateGroups(f.Groups, field.NewPath("spec", "groups"))...)
	errs = append(errs, validateObjectMeta(name, namespace, labels, field.NewPath("metadata"))...)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &PrometheusRule{
		TypeMeta:   metav1.TypeMeta{APIVersion: PrometheusRuleAPIVersion, Kind: PrometheusRuleKind},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: copyMap(labels)},
		Spec:       PrometheusRuleSpec{Groups: copyGroups(f.Groups)},
	}, nil
}

func copyGroups(in []RuleGroup) []RuleGroup {
	out := make([]RuleGroup, len(in))
	for i, g := range in {
		rules := make([]Rule, len(g.Rules))
		for j, r := range g.Rules {
			r.Labels = copyMap(r.Labels)
			r.Annotations = copyMap(r.Annotations)
			rules[j] = r
		}
		g.Rules = rules
		out[i] = g
	}
	return out
}

// Severity is the value of an alert's "severity" label, which routing in
// Alertmanager usually keys on.
type Severity string

// Severities, from paging to informational.
const (
	SeverityCritical Severity = "critical"
	SeverityWarning  Severity = "warning"
	SeverityInfo     Severity = "info"
)

var severityNames = []string{string(SeverityCritical), string(SeverityWarning), string(SeverityInfo)}

// AlertOptions are the settings every alert shares.
type AlertOptions struct {
	// Disabled leaves the alert out.
	Disabled bool
	// For is how long the condition must hold before the alert fires.
	// Default: per alert (see Alerts).
	For time.Duration
	// Severity label of the alert. Default: per alert (see Alerts).
	Severity Severity
}

// RatioAlert fires when a ratio (errors over requests, usage over limit)
// stays above Threshold.
type RatioAlert struct {
	AlertOptions
	// Threshold is the ratio, strictly between 0 and 1, above which the
	// alert fires. Default: per alert (see Alerts).
	Threshold float64
	// Window is the rate window, for ratios of rates. Default: 5m. It should
	// span at least a few scrape intervals.
	Window time.Duration
}

// RestartAlert fires when containers restart more than Restarts times
// within Window.
type RestartAlert struct {
	AlertOptions
	// Restarts tolerated within Window. Default: 3.
	Restarts int
	// Window over which restarts are counted. Default: 15m.
	Window time.Duration
}

// HTTPErrorAlert fires when an application's share of 5xx responses stays
// above Threshold.
type HTTPErrorAlert struct {
	RatioAlert
	// Metric is the request counter. Default: "http_requests_total".
	Metric string
	// CodeLabel is the label holding the HTTP status code. Default: "code"
	// (the label Prometheus' Go client uses).
	CodeLabel string
}

// Alerts is the intent for alerting rules on the key production metrics.
// The zero value enables every alert with these defaults:
//
//	alert                         condition                                       for   severity
//	KubeNodeNotReady              node Ready condition not true                   5m    critical
//	KubeAPIServerErrorsHigh       5xx share of API requests > 5% (5m rate)        10m   critical
//	KubePodRestartingOften        > 3 container restarts in 15m                   5m    warning
//	KubePodCrashLooping           container waiting in CrashLoopBackOff           15m   warning
//	KubeContainerMemoryNearLimit  working set > 90% of the memory limit           15m   warning
//	HTTPErrorRatioHigh            5xx share of http_requests_total > 5% (5m)      10m   critical
//
// kube-state-metrics provides the kube_* series, the kubelet's cAdvisor the
// container_* series, the API servers apiserver_request_total and the
// applications http_requests_total.
type Alerts struct {
	// RunbookBaseURL, when set, gives every alert a runbook_url annotation:
	// the base URL followed by "/" and the alert name in lower case.
	RunbookBaseURL string
	// Labels are added to every alert (for example the owning team).
	// "severity" and "alertname" are set by prodkube and refused here.
	Labels map[string]string

	// NodeNotReady: kube_node_status_condition says a node is not Ready.
	NodeNotReady AlertOptions
	// APIServerErrors: share of apiserver_request_total with a 5xx code.
	APIServerErrors RatioAlert
	// PodRestarts: increase of kube_pod_container_status_restarts_total.
	PodRestarts RestartAlert
	// CrashLooping: kube_pod_container_status_waiting_reason is
	// CrashLoopBackOff.
	CrashLooping AlertOptions
	// MemoryNearLimit: container_memory_working_set_bytes over
	// kube_pod_container_resource_limits for memory. Window does not apply.
	MemoryNearLimit RatioAlert
	// HTTPErrors: share of an application's requests with a 5xx code.
	HTTPErrors HTTPErrorAlert
}

// Names of the alerts Alerts writes.
const (
	AlertNodeNotReady        = "KubeNodeNotReady"
	AlertAPIServerErrors     = "KubeAPIServerErrorsHigh"
	AlertPodRestarting       = "KubePodRestartingOften"
	AlertPodCrashLooping     = "KubePodCrashLooping"
	AlertMemoryNearLimit     = "KubeContainerMemoryNearLimit"
	AlertHTTPErrorRatio      = "HTTPErrorRatioHigh"
	defaultRatioWindow       = 5 * time.Minute
	defaultRestartWindow     = 15 * time.Minute
	defaultRestarts          = 3
	defaultHTTPErrorsMetric  = "http_requests_total"
	defaultHTTPErrorsCodeLbl = "code"
)

func orDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func orSeverity(s, def Severity) Severity {
	if s == "" {
		return def
	}
	return s
}

func orFloat(f, def float64) float64 {
	if f == 0 {
		return def
	}
	return f
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func validateOptions(o AlertOptions, p *field.Path) field.ErrorList {
	errs := validatePositive(o.For, p.Child("for"))
	if o.Severity != "" && !containsString(severityNames, string(o.Severity)) {
		errs = append(errs, field.NotSupported(p.Child("severity"), o.Severity, severityNames))
	}
	return errs
}

func validateRatio(r RatioAlert, p *field.Path) field.ErrorList {
	errs := validateOptions(r.AlertOptions, p)
	if math.IsNaN(r.Threshold) || r.Threshold < 0 || r.Threshold >= 1 {
		errs = append(errs, field.Invalid(p.Child("threshold"), r.Threshold, "must be a ratio strictly between 0 and 1 (0 means the default)"))
	}
	errs = append(errs, validateWindow(r.Window, p.Child("window"))...)
	return errs
}

func validateWindow(d time.Duration, p *field.Path) field.ErrorList {
	errs := validatePositive(d, p)
	if len(errs) == 0 && d != 0 && d < time.Minute {
		errs = append(errs, field.Invalid(p, d.String(), "must be at least 1m so that a rate spans several scrapes"))
	}
	return errs
}

// Validate reports every problem with the spec.
func (a Alerts) Validate() field.ErrorList {
	return a.validate(nil)
}

func (a Alerts) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.RunbookBaseURL != "" {
		rp := p.Child("runbookBaseURL")
		u, err := url.Parse(a.RunbookBaseURL)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(rp, a.RunbookBaseURL, "must be a URL: "+err.Error()))
		case (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			errs = append(errs, field.Invalid(rp, a.RunbookBaseURL, "must be an http(s) URL with a host and no query, fragment or credentials"))
		case strings.ContainsAny(a.RunbookBaseURL, "{}\x00\n\r \t"):
			errs = append(errs, field.Invalid(rp, a.RunbookBaseURL, "must not contain braces, spaces or control characters"))
		}
	}
	lp := p.Child("labels")
	errs = append(errs, validateLabels(a.Labels, lp)...)
	for _, reserved := range []string{"severity", "alertname"} {
		if _, ok := a.Labels[reserved]; ok {
			errs = append(errs, field.Forbidden(lp.Key(reserved), "set by prodkube (use each alert's Severity)"))
		}
	}
	errs = append(errs, validateOptions(a.NodeNotReady, p.Child("nodeNotReady"))...)
	errs = append(errs, validateRatio(a.APIServerErrors, p.Child("apiServerErrors"))...)
	rp := p.Child("podRestarts")
	errs = append(errs, validateOptions(a.PodRestarts.AlertOptions, rp)...)
	if a.PodRestarts.Restarts < 0 {
		errs = append(errs, field.Invalid(rp.Child("restarts"), a.PodRestarts.Restarts, "must not be negative"))
	}
	errs = append(errs, validateWindow(a.PodRestarts.Window, rp.Child("window"))...)
	errs = append(errs, validateOptions(a.CrashLooping, p.Child("crashLooping"))...)
	mp := p.Child("memoryNearLimit")
	errs = append(errs, validateOptions(a.MemoryNearLimit.AlertOptions, mp)...)
	if math.IsNaN(a.MemoryNearLimit.Threshold) || a.MemoryNearLimit.Threshold < 0 || a.MemoryNearLimit.Threshold >= 1 {
		errs = append(errs, field.Invalid(mp.Child("threshold"), a.MemoryNearLimit.Threshold, "must be a ratio strictly between 0 and 1 (0 means the default)"))
	}
	if a.MemoryNearLimit.Window != 0 {
		errs = append(errs, field.Forbidden(mp.Child("window"), "memory is a gauge compared as is; there is no rate window"))
	}
	hp := p.Child("httpErrors")
	errs = append(errs, validateRatio(a.HTTPErrors.RatioAlert, hp)...)
	if m := a.HTTPErrors.Metric; m != "" && !metricNameRE.MatchString(m) {
		errs = append(errs, field.Invalid(hp.Child("metric"), m, "must be a Prometheus metric name"))
	}
	if l := a.HTTPErrors.CodeLabel; l != "" {
		errs = append(errs, validateLabelName(l, hp.Child("codeLabel"))...)
	}
	return errs
}

// Build validates the spec and returns the rule file.
func (a Alerts) Build() (*RuleFile, error) {
	if errs := a.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	f := a.ruleFile()
	if errs := f.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return f, nil
}

// num formats a threshold the shortest way that reads back exactly.
func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// percent formats a ratio as a percentage for humans.
func percent(f float64) string { return strconv.FormatFloat(f*100, 'g', 4, 64) + "%" }

func promDuration(d time.Duration) string { return Duration(d).String() }

func (a Alerts) alert(name string, o AlertOptions, defFor time.Duration, defSev Severity, expr, summary, description string) Rule {
	labels := copyMap(a.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels["severity"] = string(orSeverity(o.Severity, defSev))
	ann := map[string]string{"summary": summary, "description": description}
	if a.RunbookBaseURL != "" {
		ann["runbook_url"] = strings.TrimRight(a.RunbookBaseURL, "/") + "/" + strings.ToLower(name)
	}
	return Rule{Alert: name, Expr: expr, For: Duration(orDuration(o.For, defFor)), Labels: labels, Annotations: ann}
}

func (a Alerts) ruleFile() *RuleFile {
	var nodes, apiserver, workloads, app []Rule
	if o := a.NodeNotReady; !o.Disabled {
		d := orDuration(o.For, 5*time.Minute)
		nodes = append(nodes, a.alert(AlertNodeNotReady, o, 5*time.Minute, SeverityCritical,
			`kube_node_status_condition{condition="Ready",status="true"} == 0`,
			"Node {{ $labels.node }} is not Ready",
			"Node {{ $labels.node }} has not reported Ready for more than "+promDuration(d)+"; its pods are not being managed and may be evicted."))
	}
	if r := a.APIServerErrors; !r.Disabled {
		w := promDuration(orDuration(r.Window, defaultRatioWindow))
		t := orFloat(r.Threshold, 0.05)
		apiserver = append(apiserver, a.alert(AlertAPIServerErrors, r.AlertOptions, 10*time.Minute, SeverityCritical,
			`sum(rate(apiserver_request_total{code=~"5.."}[`+w+`])) / sum(rate(apiserver_request_total[`+w+`])) > `+num(t),
			"Kubernetes API server errors are high",
			"{{ $value | humanizePercentage }} of API server requests failed with a 5xx status over the last "+w+" (threshold "+percent(t)+")."))
	}
	if r := a.PodRestarts; !r.Disabled {
		w := promDuration(orDuration(r.Window, defaultRestartWindow))
		n := r.Restarts
		if n == 0 {
			n = defaultRestarts
		}
		workloads = append(workloads, a.alert(AlertPodRestarting, r.AlertOptions, 5*time.Minute, SeverityWarning,
			`increase(kube_pod_container_status_restarts_total[`+w+`]) > `+strconv.Itoa(n),
			"Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} restarts often",
			"Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times in "+w+" (more than "+strconv.Itoa(n)+")."))
	}
	if o := a.CrashLooping; !o.Disabled {
		d := orDuration(o.For, 15*time.Minute)
		workloads = append(workloads, a.alert(AlertPodCrashLooping, o, 15*time.Minute, SeverityWarning,
			`max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}) == 1`,
			"Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} is crash-looping",
			"Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been waiting in CrashLoopBackOff for more than "+promDuration(d)+"."))
	}
	if r := a.MemoryNearLimit; !r.Disabled {
		t := orFloat(r.Threshold, 0.9)
		workloads = append(workloads, a.alert(AlertMemoryNearLimit, r.AlertOptions, 15*time.Minute, SeverityWarning,
			`max by (namespace, pod, container) (container_memory_working_set_bytes{container!="",container!="POD"})`+
				` / on (namespace, pod, container) `+
				`max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"} > 0) > `+num(t),
			"Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} is near its memory limit",
			"Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit (threshold "+percent(t)+"); it will be OOM-killed at the limit."))
	}
	if h := a.HTTPErrors; !h.Disabled {
		w := promDuration(orDuration(h.Window, defaultRatioWindow))
		t := orFloat(h.Threshold, 0.05)
		m := orString(h.Metric, defaultHTTPErrorsMetric)
		c := orString(h.CodeLabel, defaultHTTPErrorsCodeLbl)
		app = append(app, a.alert(AlertHTTPErrorRatio, h.AlertOptions, 10*time.Minute, SeverityCritical,
			`sum by (namespace, job) (rate(`+m+`{`+c+`=~"5.."}[`+w+`])) / sum by (namespace, job) (rate(`+m+`[`+w+`])) > `+num(t),
			"{{ $labels.job }} in {{ $labels.namespace }} serves many errors",
			"{{ $value | humanizePercentage }} of {{ $labels.job }}'s HTTP requests in {{ $labels.namespace }} failed with a 5xx status over the last "+w+" (threshold "+percent(t)+")."))
	}
	f := &RuleFile{Groups: []RuleGroup{}}
	for _, g := range []RuleGroup{
		{Name: "kubernetes-nodes", Rules: nodes},
		{Name: "kubernetes-apiserver", Rules: apiserver},
		{Name: "kubernetes-workloads", Rules: workloads},
		{Name: "application", Rules: app},
	} {
		if len(g.Rules) > 0 {
			f.Groups = append(f.Groups, g)
		}
	}
	return f
}
