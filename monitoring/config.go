package monitoring

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
)

// Config is the part of Prometheus' configuration file (prometheus.yml) that
// prodkube emits. Field names and YAML keys follow Prometheus' own
// configuration; anything Prometheus supports that is not here is simply not
// written. Build one with Scrape.Build, or by hand and check it with Validate.
type Config struct {
	// Global holds the defaults every scrape job inherits.
	Global GlobalConfig `json:"global"`
	// RuleFiles are paths (globs allowed) of rule files Prometheus loads.
	RuleFiles []string `json:"rule_files,omitempty"`
	// ScrapeConfigs are the scrape jobs, in the order they are written.
	ScrapeConfigs []ScrapeConfig `json:"scrape_configs,omitempty"`
	// Storage holds the runtime-reloadable storage settings.
	Storage *StorageConfig `json:"storage,omitempty"`
	// Alerting says where alerts are sent.
	Alerting *AlertingConfig `json:"alerting,omitempty"`
}

// AlertingConfig is the "alerting" section of prometheus.yml.
type AlertingConfig struct {
	// Alertmanagers are the sets of Alertmanagers every alert goes to.
	Alertmanagers []AlertmanagerTargetConfig `json:"alertmanagers,omitempty"`
}

// AlertmanagerTargetConfig is one entry of "alerting.alertmanagers": how
// to find a set of Alertmanager peers. Prometheus sends each alert to
// every peer; the peers deduplicate notifications among themselves.
type AlertmanagerTargetConfig struct {
	// APIVersion of the Alertmanager API ("v2").
	APIVersion string `json:"api_version,omitempty"`
	// Scheme is "http" (Prometheus' default) or "https".
	Scheme string `json:"scheme,omitempty"`
	// KubernetesSDConfigs discover the peers.
	KubernetesSDConfigs []KubernetesSDConfig `json:"kubernetes_sd_configs,omitempty"`
	// RelabelConfigs select the peers among the discovered targets.
	RelabelConfigs []RelabelConfig `json:"relabel_configs,omitempty"`
}

// StorageConfig is the "storage" section of prometheus.yml.
type StorageConfig struct {
	// TSDB configures the local time-series database.
	TSDB *TSDBConfig `json:"tsdb,omitempty"`
}

// TSDBConfig is the "storage.tsdb" section of prometheus.yml.
type TSDBConfig struct {
	// Retention bounds how long samples are kept.
	Retention *RetentionConfig `json:"retention,omitempty"`
}

// RetentionConfig is "storage.tsdb.retention". It replaces the deprecated
// --storage.tsdb.retention.time flag.
type RetentionConfig struct {
	// Time samples are kept for.
	Time Duration `json:"time,omitempty"`
}

// GlobalConfig is the "global" section of prometheus.yml.
type GlobalConfig struct {
	// ScrapeInterval is how often targets are scraped by default.
	ScrapeInterval Duration `json:"scrape_interval,omitempty"`
	// ScrapeTimeout is how long a scrape may take by default; at most
	// ScrapeInterval.
	ScrapeTimeout Duration `json:"scrape_timeout,omitempty"`
	// EvaluationInterval is how often rules are evaluated.
	EvaluationInterval Duration `json:"evaluation_interval,omitempty"`
	// ExternalLabels are attached to every series and alert leaving this
	// Prometheus (remote write, federation, Alertmanager), typically to name
	// the cluster.
	ExternalLabels map[string]string `json:"external_labels,omitempty"`
}

// ScrapeConfig is one entry of "scrape_configs": a job, how to find its
// targets and how to scrape them.
type ScrapeConfig struct {
	// JobName names the job; it becomes the "job" label. Unique per file.
	JobName string `json:"job_name"`
	// HonorLabels keeps labels of scraped series that clash with target
	// labels (needed for exporters such as kube-state-metrics that report
	// on other objects' namespace and pod).
	HonorLabels bool `json:"honor_labels,omitempty"`
	// ScrapeInterval overrides the global scrape interval.
	ScrapeInterval Duration `json:"scrape_interval,omitempty"`
	// ScrapeTimeout overrides the global scrape timeout.
	ScrapeTimeout Duration `json:"scrape_timeout,omitempty"`
	// MetricsPath is the HTTP path scraped (Prometheus' default: /metrics).
	MetricsPath string `json:"metrics_path,omitempty"`
	// Scheme is "http" (Prometheus' default) or "https".
	Scheme string `json:"scheme,omitempty"`
	// Authorization sends a credential read from a file with every scrape.
	Authorization *Authorization `json:"authorization,omitempty"`
	// BearerTokenFile is the older spelling of an Authorization with type
	// Bearer; set at most one of the two.
	BearerTokenFile string `json:"bearer_token_file,omitempty"`
	// TLSConfig configures TLS for https scrapes.
	TLSConfig *TLSConfig `json:"tls_config,omitempty"`
	// KubernetesSDConfigs discover targets from the Kubernetes API.
	KubernetesSDConfigs []KubernetesSDConfig `json:"kubernetes_sd_configs,omitempty"`
	// RelabelConfigs rewrite discovered targets before scraping.
	RelabelConfigs []RelabelConfig `json:"relabel_configs,omitempty"`
	// MetricRelabelConfigs rewrite scraped series before storing them.
	MetricRelabelConfigs []RelabelConfig `json:"metric_relabel_configs,omitempty"`
}

// Authorization is the "authorization" block of a scrape job: an HTTP
// Authorization header whose credentials are read from a file (never
// inlined, so the rendered configuration holds no secret).
type Authorization struct {
	// Type is the header's scheme; Prometheus' default is "Bearer".
	Type string `json:"type,omitempty"`
	// CredentialsFile is the path of the file holding the credentials.
	CredentialsFile string `json:"credentials_file,omitempty"`
}

// TLSConfig is the "tls_config" block of a scrape job.
type TLSConfig struct {
	// CAFile is the CA bundle that verifies the target's certificate.
	CAFile string `json:"ca_file,omitempty"`
	// CertFile and KeyFile are the client certificate and key, if the target
	// wants one.
	CertFile string `json:"cert_file,omitempty"`
	KeyFile  string `json:"key_file,omitempty"`
	// ServerName is the name checked against the target's certificate.
	ServerName string `json:"server_name,omitempty"`
	// InsecureSkipVerify turns certificate verification off. Unsafe: only
	// set it through a named opt-out of the spec that builds the config.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
}

// Role is the kind of Kubernetes object a kubernetes_sd_config discovers.
type Role string

// The discovery roles Prometheus knows.
const (
	RoleNode          Role = "node"
	RolePod           Role = "pod"
	RoleService       Role = "service"
	RoleEndpoints     Role = "endpoints"
	RoleEndpointSlice Role = "endpointslice"
	RoleIngress       Role = "ingress"
)

var roleNames = []string{string(RoleNode), string(RolePod), string(RoleService), string(RoleEndpoints), string(RoleEndpointSlice), string(RoleIngress)}

// KubernetesSDConfig is one entry of "kubernetes_sd_configs". Prometheus
// uses its in-cluster credentials (the pod's service account) to watch the
// API server.
type KubernetesSDConfig struct {
	// Role is the kind of object discovered. Required.
	Role Role `json:"role"`
	// Namespaces limits discovery to some namespaces; nil means all.
	Namespaces *NamespaceDiscovery `json:"namespaces,omitempty"`
}

// NamespaceDiscovery names the namespaces a kubernetes_sd_config watches.
type NamespaceDiscovery struct {
	// OwnNamespace adds the namespace Prometheus runs in.
	OwnNamespace bool `json:"own_namespace,omitempty"`
	// Names lists namespaces by name.
	Names []string `json:"names,omitempty"`
}

// RelabelAction is what a relabel rule does.
type RelabelAction string

// The relabel actions Prometheus knows.
const (
	ActionReplace   RelabelAction = "replace"
	ActionKeep      RelabelAction = "keep"
	ActionDrop      RelabelAction = "drop"
	ActionKeepEqual RelabelAction = "keepequal"
	ActionDropEqual RelabelAction = "dropequal"
	ActionHashMod   RelabelAction = "hashmod"
	ActionLabelMap  RelabelAction = "labelmap"
	ActionLabelDrop RelabelAction = "labeldrop"
	ActionLabelKeep RelabelAction = "labelkeep"
	ActionLowercase RelabelAction = "lowercase"
	ActionUppercase RelabelAction = "uppercase"
)

var actionNames = []string{
	string(ActionReplace), string(ActionKeep), string(ActionDrop), string(ActionKeepEqual), string(ActionDropEqual),
	string(ActionHashMod), string(ActionLabelMap), string(ActionLabelDrop), string(ActionLabelKeep),
	string(ActionLowercase), string(ActionUppercase),
}

// RelabelConfig is one relabel rule of "relabel_configs" or
// "metric_relabel_configs". Empty fields take Prometheus' defaults: action
// replace, separator ";", regex "(.*)", replacement "$1".
type RelabelConfig struct {
	// SourceLabels are joined with Separator and matched against Regex.
	SourceLabels []string `json:"source_labels,omitempty"`
	// Separator joins the source label values (default ";").
	Separator string `json:"separator,omitempty"`
	// Regex is an RE2 expression, anchored at both ends by Prometheus.
	Regex string `json:"regex,omitempty"`
	// Modulus is the divisor of the hashmod action.
	Modulus uint64 `json:"modulus,omitempty"`
	// TargetLabel receives the result of replace, hashmod and similar actions.
	TargetLabel string `json:"target_label,omitempty"`
	// Replacement is the value written (with $1-style references to Regex
	// groups); empty means Prometheus' default "$1".
	Replacement string `json:"replacement,omitempty"`
	// Action is what the rule does (default replace).
	Action RelabelAction `json:"action,omitempty"`
}

// ConfigFile is where Files puts prometheus.yml, relative to the output
// directory.
const ConfigFile = "monitoring/prometheus.yml"

// Files returns the configuration as prometheus.yml at ConfigFile, written
// by prodkube.YAMLFile. Only a valid configuration is a file: for one that
// Validate refuses, Files returns nil (Scrape.Build never returns such a
// configuration; a hand-built one is checked with Validate).
func (c Config) Files() []prodkube.File {
	if len(c.Validate()) > 0 {
		return nil
	}
	f, err := prodkube.YAMLFile(ConfigFile, c)
	if err != nil {
		return nil
	}
	return []prodkube.File{f}
}

var (
	// labelNameRE is Prometheus' classic label name syntax. Newer Prometheus
	// releases accept any UTF-8 name, but the classic syntax works with every
	// release and every PromQL query without quoting.
	labelNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	// metricNameRE is Prometheus' classic metric name syntax.
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	// labelNameTemplateRE is a label name that may carry $1 / ${1} group
	// references, as target_label of replace and replacement of labelmap allow.
	labelNameTemplateRE = regexp.MustCompile(`^(?:[a-zA-Z_]|\$(?:[0-9]+|\{[a-zA-Z0-9_]+\}|[a-zA-Z_][a-zA-Z0-9_]*))(?:[a-zA-Z0-9_]|\$(?:[0-9]+|\{[a-zA-Z0-9_]+\}|[a-zA-Z_][a-zA-Z0-9_]*))*$`)
)

const labelNameMsg = "must be a Prometheus label name (letters, digits and _, not starting with a digit)"

func validateLabelName(name string, p *field.Path) field.ErrorList {
	if !labelNameRE.MatchString(name) {
		return field.ErrorList{field.Invalid(p, name, labelNameMsg)}
	}
	return nil
}

// validateLabels checks a label set; reserved "__" names are refused, since
// they are Prometheus-internal.
func validateLabels(labels map[string]string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(labels) {
		kp := p.Key(k)
		if !labelNameRE.MatchString(k) {
			errs = append(errs, field.Invalid(kp, k, labelNameMsg))
		} else if strings.HasPrefix(k, "__") {
			errs = append(errs, field.Invalid(kp, k, "must not start with __ (reserved for Prometheus-internal labels)"))
		}
		if !utf8Valid(labels[k]) {
			errs = append(errs, field.Invalid(kp, labels[k], "must be valid UTF-8"))
		}
	}
	return errs
}

func validateDuration(d Duration, p *field.Path, required bool) field.ErrorList {
	if err := d.Valid(); err != nil {
		return field.ErrorList{field.Invalid(p, d.String(), err.Error())}
	}
	if required && d == 0 {
		return field.ErrorList{field.Required(p, "must be a positive duration")}
	}
	return nil
}

// Prometheus' own defaults for the global section.
const (
	prometheusDefaultScrapeInterval = Duration(time.Minute)
	prometheusDefaultScrapeTimeout  = Duration(10 * time.Second)
)

// effective returns the global interval and timeout Prometheus uses: its
// defaults fill what is unset, and an unset timeout is at most the interval.
func (g GlobalConfig) effective() GlobalConfig {
	if g.ScrapeInterval == 0 {
		g.ScrapeInterval = prometheusDefaultScrapeInterval
	}
	if g.ScrapeTimeout == 0 {
		g.ScrapeTimeout = min(prometheusDefaultScrapeTimeout, g.ScrapeInterval)
	}
	return g
}

// validatePath checks a file path written into the configuration.
func validatePath(s string, p *field.Path) field.ErrorList {
	if s == "" {
		return nil
	}
	if !strings.HasPrefix(s, "/") || strings.ContainsAny(s, "\x00\n\r") {
		return field.ErrorList{field.Invalid(p, s, "must be an absolute file path")}
	}
	return nil
}

// Validate reports every problem with the configuration, with the path of
// each field as Prometheus names it.
func (c Config) Validate() field.ErrorList {
	var errs field.ErrorList
	g := field.NewPath("global")
	errs = append(errs, validateDuration(c.Global.ScrapeInterval, g.Child("scrape_interval"), false)...)
	errs = append(errs, validateDuration(c.Global.ScrapeTimeout, g.Child("scrape_timeout"), false)...)
	errs = append(errs, validateDuration(c.Global.EvaluationInterval, g.Child("evaluation_interval"), false)...)
	global := c.Global.effective()
	if c.Global.ScrapeTimeout > global.ScrapeInterval {
		errs = append(errs, field.Invalid(g.Child("scrape_timeout"), c.Global.ScrapeTimeout.String(),
			fmt.Sprintf("must not be longer than scrape_interval (%s)", global.ScrapeInterval)))
	}
	errs = append(errs, validateLabels(c.Global.ExternalLabels, g.Child("external_labels"))...)
	for i, f := range c.RuleFiles {
		errs = append(errs, validatePath(f, field.NewPath("rule_files").Index(i))...)
		if f == "" {
			errs = append(errs, field.Required(field.NewPath("rule_files").Index(i), "must be a file path"))
		}
	}
	if c.Storage != nil && c.Storage.TSDB != nil && c.Storage.TSDB.Retention != nil {
		errs = append(errs, validateDuration(c.Storage.TSDB.Retention.Time, field.NewPath("storage", "tsdb", "retention", "time"), false)...)
	}
	if c.Alerting != nil {
		for i, am := range c.Alerting.Alertmanagers {
			ap := field.NewPath("alerting", "alertmanagers").Index(i)
			if am.APIVersion != "" && am.APIVersion != "v2" {
				errs = append(errs, field.NotSupported(ap.Child("api_version"), am.APIVersion, []string{"v2"}))
			}
			switch am.Scheme {
			case "", "http", "https":
			default:
				errs = append(errs, field.NotSupported(ap.Child("scheme"), am.Scheme, []string{"http", "https"}))
			}
			if len(am.KubernetesSDConfigs) == 0 {
				errs = append(errs, field.Required(ap.Child("kubernetes_sd_configs"), "how to find the Alertmanagers"))
			}
			errs = append(errs, validateSD(am.KubernetesSDConfigs, ap.Child("kubernetes_sd_configs"))...)
			for j := range am.RelabelConfigs {
				errs = append(errs, am.RelabelConfigs[j].validate(ap.Child("relabel_configs").Index(j))...)
			}
		}
	}
	seen := map[string]bool{}
	for i := range c.ScrapeConfigs {
		sp := field.NewPath("scrape_configs").Index(i)
		sc := &c.ScrapeConfigs[i]
		errs = append(errs, sc.validate(global, sp)...)
		if sc.JobName != "" {
			if seen[sc.JobName] {
				errs = append(errs, field.Duplicate(sp.Child("job_name"), sc.JobName))
			}
			seen[sc.JobName] = true
		}
	}
	return errs
}

func (sc *ScrapeConfig) validate(global GlobalConfig, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if sc.JobName == "" {
		errs = append(errs, field.Required(p.Child("job_name"), "every scrape job needs a name"))
	} else if !utf8Valid(sc.JobName) || strings.ContainsAny(sc.JobName, "\x00\n\r") {
		errs = append(errs, field.Invalid(p.Child("job_name"), sc.JobName, "must be printable UTF-8 text"))
	}
	errs = append(errs, validateDuration(sc.ScrapeInterval, p.Child("scrape_interval"), false)...)
	errs = append(errs, validateDuration(sc.ScrapeTimeout, p.Child("scrape_timeout"), false)...)
	// As Prometheus does: a job's own timeout may not exceed its interval
	// (its own or the global one); without its own timeout, the job takes
	// the shorter of the global timeout and its interval.
	interval := sc.ScrapeInterval
	if interval == 0 {
		interval = global.ScrapeInterval
	}
	if sc.ScrapeTimeout > interval {
		errs = append(errs, field.Invalid(p.Child("scrape_timeout"), sc.ScrapeTimeout.String(),
			fmt.Sprintf("must not be longer than the scrape interval (%s)", interval)))
	}
	if sc.MetricsPath != "" {
		if u, err := url.Parse(sc.MetricsPath); err != nil || !strings.HasPrefix(sc.MetricsPath, "/") || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, field.Invalid(p.Child("metrics_path"), sc.MetricsPath, "must be an absolute URL path without query or fragment"))
		}
	}
	switch sc.Scheme {
	case "", "http", "https":
	default:
		errs = append(errs, field.NotSupported(p.Child("scheme"), sc.Scheme, []string{"http", "https"}))
	}
	if sc.Authorization != nil {
		ap := p.Child("authorization")
		if sc.BearerTokenFile != "" {
			errs = append(errs, field.Forbidden(p.Child("bearer_token_file"), "set either authorization or bearer_token_file, not both"))
		}
		if sc.Authorization.CredentialsFile == "" {
			errs = append(errs, field.Required(ap.Child("credentials_file"), "credentials are read from a file, never inlined"))
		}
		errs = append(errs, validatePath(sc.Authorization.CredentialsFile, ap.Child("credentials_file"))...)
		if t := sc.Authorization.Type; t != "" && (!labelNameRE.MatchString(t) || strings.EqualFold(t, "basic")) {
			errs = append(errs, field.Invalid(ap.Child("type"), t, `must be an HTTP authorization scheme such as "Bearer" (use basic_auth for Basic)`))
		}
	}
	errs = append(errs, validatePath(sc.BearerTokenFile, p.Child("bearer_token_file"))...)
	if t := sc.TLSConfig; t != nil {
		tp := p.Child("tls_config")
		errs = append(errs, validatePath(t.CAFile, tp.Child("ca_file"))...)
		errs = append(errs, validatePath(t.CertFile, tp.Child("cert_file"))...)
		errs = append(errs, validatePath(t.KeyFile, tp.Child("key_file"))...)
		if (t.CertFile == "") != (t.KeyFile == "") {
			errs = append(errs, field.Invalid(tp.Child("key_file"), t.KeyFile, "cert_file and key_file must be set together"))
		}
		if t.ServerName != "" {
			for _, msg := range validation.IsDNS1123Subdomain(t.ServerName) {
				errs = append(errs, field.Invalid(tp.Child("server_name"), t.ServerName, msg))
			}
		}
	}
	errs = append(errs, validateSD(sc.KubernetesSDConfigs, p.Child("kubernetes_sd_configs"))...)
	for i := range sc.RelabelConfigs {
		errs = append(errs, sc.RelabelConfigs[i].validate(p.Child("relabel_configs").Index(i))...)
	}
	for i := range sc.MetricRelabelConfigs {
		errs = append(errs, sc.MetricRelabelConfigs[i].validate(p.Child("metric_relabel_configs").Index(i))...)
	}
	return errs
}

func validateSD(sds []KubernetesSDConfig, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, sd := range sds {
		kp := p.Index(i)
		if sd.Role == "" {
			errs = append(errs, field.Required(kp.Child("role"), "one of "+strings.Join(roleNames, ", ")))
		} else if !containsString(roleNames, string(sd.Role)) {
			errs = append(errs, field.NotSupported(kp.Child("role"), sd.Role, roleNames))
		}
		if sd.Namespaces != nil {
			seen := map[string]bool{}
			for j, ns := range sd.Namespaces.Names {
				np := kp.Child("namespaces", "names").Index(j)
				for _, msg := range validation.IsDNS1123Label(ns) {
					errs = append(errs, field.Invalid(np, ns, msg))
				}
				if seen[ns] {
					errs = append(errs, field.Duplicate(np, ns))
				}
				seen[ns] = true
			}
		}
	}
	return errs
}

// validate applies Prometheus' rules for a relabel config.
func (r *RelabelConfig) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	action := r.Action
	if action == "" {
		action = ActionReplace
	}
	if !containsString(actionNames, string(action)) {
		errs = append(errs, field.NotSupported(p.Child("action"), r.Action, actionNames))
		return errs
	}
	for i, l := range r.SourceLabels {
		errs = append(errs, validateLabelName(l, p.Child("source_labels").Index(i))...)
	}
	if r.Regex != "" {
		if _, err := regexp.Compile("^(?s:" + r.Regex + ")$"); err != nil {
			errs = append(errs, field.Invalid(p.Child("regex"), r.Regex, "must be an RE2 regular expression: "+err.Error()))
		}
	}
	if !utf8Valid(r.Separator) {
		errs = append(errs, field.Invalid(p.Child("separator"), r.Separator, "must be valid UTF-8"))
	}
	if !utf8Valid(r.Replacement) {
		errs = append(errs, field.Invalid(p.Child("replacement"), r.Replacement, "must be valid UTF-8"))
	}
	tp := p.Child("target_label")
	switch action {
	case ActionReplace:
		if r.TargetLabel == "" {
			errs = append(errs, field.Required(tp, "the replace action writes to a target label"))
		} else if !labelNameTemplateRE.MatchString(r.TargetLabel) {
			errs = append(errs, field.Invalid(tp, r.TargetLabel, labelNameMsg+" (with optional $1 references)"))
		}
	case ActionHashMod, ActionLowercase, ActionUppercase, ActionKeepEqual, ActionDropEqual:
		if r.TargetLabel == "" {
			errs = append(errs, field.Required(tp, fmt.Sprintf("the %s action writes to or compares with a target label", action)))
		} else {
			errs = append(errs, validateLabelName(r.TargetLabel, tp)...)
		}
	}
	if action == ActionHashMod && r.Modulus == 0 {
		errs = append(errs, field.Required(p.Child("modulus"), "the hashmod action needs a positive modulus"))
	}
	if action != ActionHashMod && r.Modulus != 0 {
		errs = append(errs, field.Forbidden(p.Child("modulus"), "only the hashmod action uses a modulus"))
	}
	switch action {
	case ActionLowercase, ActionUppercase:
		if r.Replacement != "" {
			errs = append(errs, field.Forbidden(p.Child("replacement"), fmt.Sprintf("the %s action takes no replacement", action)))
		}
	case ActionKeepEqual, ActionDropEqual:
		if r.Regex != "" || r.Separator != "" || r.Replacement != "" {
			errs = append(errs, field.Forbidden(p, fmt.Sprintf("the %s action takes only source_labels and target_label", action)))
		}
	case ActionLabelDrop, ActionLabelKeep:
		if len(r.SourceLabels) > 0 || r.TargetLabel != "" || r.Separator != "" || r.Replacement != "" {
			errs = append(errs, field.Forbidden(p, fmt.Sprintf("the %s action takes only a regex", action)))
		}
	case ActionLabelMap:
		if r.Replacement != "" && !labelNameTemplateRE.MatchString(r.Replacement) {
			errs = append(errs, field.Invalid(p.Child("replacement"), r.Replacement, labelNameMsg+" (with optional $1 references)"))
		}
	}
	if (action == ActionKeep || action == ActionDrop || action == ActionHashMod || action == ActionKeepEqual || action == ActionDropEqual) && len(r.SourceLabels) == 0 {
		errs = append(errs, field.Required(p.Child("source_labels"), fmt.Sprintf("the %s action needs source labels", action)))
	}
	return errs
}
