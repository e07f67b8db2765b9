package monitoring

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
)

// Job names one of the scrape jobs Scrape knows how to write.
type Job string

// The scrape jobs for a Kubernetes cluster. Each is documented with what it
// scrapes and how it finds its targets.
const (
	// JobAPIServers scrapes every kube-apiserver through the endpoints of
	// the "kubernetes" Service in "default", over https with the pod's
	// service account token.
	JobAPIServers Job = "kubernetes-apiservers"
	// JobKubelets scrapes each node's kubelet (/metrics) over https. The
	// kubelet authorizes the request as get on nodes/metrics.
	JobKubelets Job = "kubernetes-nodes"
	// JobCAdvisor scrapes each kubelet's embedded cAdvisor
	// (/metrics/cadvisor): per-container CPU, memory, network and I/O.
	JobCAdvisor Job = "kubernetes-cadvisor"
	// JobKubeStateMetrics scrapes kube-state-metrics through its Service's
	// endpoints, keeping the labels it reports about other objects.
	JobKubeStateMetrics Job = "kube-state-metrics"
	// JobNodeExporter scrapes node-exporter on every node through its
	// Service's endpoints: the node_* series of CPU, memory, file systems
	// and network.
	JobNodeExporter Job = "node-exporter"
	// JobPods scrapes pods that opt in with the annotation
	// prometheus.io/scrape: "true" (and optionally prometheus.io/port,
	// prometheus.io/path, prometheus.io/scheme).
	JobPods Job = "kubernetes-pods"
	// JobServiceEndpoints scrapes the endpoints of Services that opt in with
	// the same annotations on the Service.
	JobServiceEndpoints Job = "kubernetes-service-endpoints"
)

// DefaultJobs are the jobs Scrape writes when Scrape.Jobs is empty, in the
// order they appear in prometheus.yml.
var DefaultJobs = []Job{JobAPIServers, JobKubelets, JobCAdvisor, JobKubeStateMetrics, JobNodeExporter, JobPods, JobServiceEndpoints}

func jobNames() []string {
	out := make([]string, len(DefaultJobs))
	for i, j := range DefaultJobs {
		out[i] = string(j)
	}
	return out
}

// Paths inside the Prometheus pod of the service account credentials that
// Kubernetes mounts; the scrape jobs for the API server and kubelets read
// them, so no secret is written into the configuration.
const (
	ServiceAccountCAFile    = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
	ServiceAccountTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
)

// Defaults of Scrape.
const (
	DefaultScrapeInterval     = 30 * time.Second
	DefaultScrapeTimeout      = 10 * time.Second
	DefaultEvaluationInterval = 30 * time.Second
)

// Target locates a Service whose endpoints Prometheus scrapes or sends
// alerts to. Empty fields take the defaults of the field that holds it;
// those defaults are where KubeStateMetrics, NodeExporter and Alertmanager
// put their Services.
type Target struct {
	// Namespace of the Service.
	Namespace string
	// Service name.
	Service string
	// PortName is the name of the Service port.
	PortName string
}

func (t Target) or(def Target) Target {
	return Target{Namespace: orString(t.Namespace, def.Namespace), Service: orString(t.Service, def.Service), PortName: orString(t.PortName, def.PortName)}
}

func (t Target) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if t.Namespace != "" {
		errs = append(errs, names.LabelFormat(t.Namespace, p.Child("namespace"))...)
	}
	if t.Service != "" {
		errs = append(errs, names.LabelFormat(t.Service, p.Child("service"))...)
	}
	if n := t.PortName; n != "" {
		for _, msg := range validation.IsValidPortName(n) {
			errs = append(errs, field.Invalid(p.Child("portName"), n, msg))
		}
	}
	return errs
}

// Where Scrape finds its targets when Scrape.KubeStateMetrics,
// Scrape.NodeExporter and Scrape.Alertmanager are empty: the Services that
// KubeStateMetrics, NodeExporter and Alertmanager build by default.
var (
	DefaultKubeStateMetricsTarget = Target{Namespace: DefaultNamespace, Service: DefaultKubeStateMetricsName, PortName: "http-metrics"}
	DefaultNodeExporterTarget     = Target{Namespace: DefaultNodeExporterNamespace, Service: DefaultNodeExporterName, PortName: "metrics"}
	DefaultAlertmanagerTarget     = Target{Namespace: DefaultNamespace, Service: DefaultAlertmanagerName, PortName: "web"}
)

// Scrape is the intent for a Prometheus configuration that scrapes a
// Kubernetes cluster with kubernetes_sd_configs. The zero value is a
// complete production configuration: every job in DefaultJobs, 30s scrape
// and evaluation intervals, a 10s timeout, TLS verified against the cluster
// CA.
type Scrape struct {
	// Interval between scrapes. Default: DefaultScrapeInterval.
	Interval time.Duration
	// Timeout of one scrape, at most Interval. Default: DefaultScrapeTimeout
	// (or Interval, if that is shorter).
	Timeout time.Duration
	// EvaluationInterval between rule evaluations. Default:
	// DefaultEvaluationInterval.
	EvaluationInterval time.Duration
	// ExternalLabels identify this Prometheus to the outside, e.g.
	// {"cluster": "prod-eu-1"}.
	ExternalLabels map[string]string
	// RuleFiles are absolute paths of rule files Prometheus loads.
	RuleFiles []string

	// Jobs selects and orders the scrape jobs. Default: DefaultJobs.
	Jobs []Job
	// Namespaces limits the annotation-driven jobs (JobPods,
	// JobServiceEndpoints) to these namespaces. Default: all namespaces.
	Namespaces []string
	// KubeStateMetrics locates kube-state-metrics for JobKubeStateMetrics.
	// Default: DefaultKubeStateMetricsTarget.
	KubeStateMetrics Target
	// NodeExporter locates node-exporter for JobNodeExporter. Default:
	// DefaultNodeExporterTarget.
	NodeExporter Target
	// Alertmanager locates the Alertmanager peers that Prometheus sends
	// alerts to (the "alerting" section). Default:
	// DefaultAlertmanagerTarget.
	Alertmanager Target
	// NoAlerting leaves out the "alerting" section: alerts fire only in
	// Prometheus' own UI and nobody is notified.
	NoAlerting bool

	// InsecureSkipKubeletVerify turns off TLS verification of kubelet
	// serving certificates. Unsafe; it exists because kubelets that create
	// self-signed serving certificates (kubeadm's default unless
	// serverTLSBootstrap is on) cannot be verified against the cluster CA.
	// Prefer signed kubelet serving certificates.
	InsecureSkipKubeletVerify bool

	// Extra scrape jobs appended after the built-in ones; validated like them.
	Extra []ScrapeConfig
}

func (s Scrape) timings() (interval, timeout, eval time.Duration) {
	interval, timeout, eval = s.Interval, s.Timeout, s.EvaluationInterval
	if interval == 0 {
		interval = DefaultScrapeInterval
	}
	if timeout == 0 {
		timeout = min(DefaultScrapeTimeout, interval)
	}
	if eval == 0 {
		eval = DefaultEvaluationInterval
	}
	return interval, timeout, eval
}

func (s Scrape) jobs() []Job {
	if len(s.Jobs) == 0 {
		return DefaultJobs
	}
	return s.Jobs
}

func validatePositive(d time.Duration, p *field.Path) field.ErrorList {
	if d < 0 {
		return field.ErrorList{field.Invalid(p, d.String(), "must not be negative")}
	}
	if d%time.Millisecond != 0 {
		return field.ErrorList{field.Invalid(p, d.String(), "must be a whole number of milliseconds (Prometheus' precision)")}
	}
	return nil
}

// Validate reports every problem with the spec.
func (s Scrape) Validate() field.ErrorList {
	return s.validate(nil)
}

func (s Scrape) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validatePositive(s.Interval, p.Child("interval"))...)
	errs = append(errs, validatePositive(s.Timeout, p.Child("timeout"))...)
	errs = append(errs, validatePositive(s.EvaluationInterval, p.Child("evaluationInterval"))...)
	if interval, timeout, _ := s.timings(); s.Timeout > 0 && interval > 0 && timeout > interval && len(validatePositive(s.Timeout, nil)) == 0 {
		errs = append(errs, field.Invalid(p.Child("timeout"), s.Timeout.String(), fmt.Sprintf("must not be longer than the scrape interval (%s)", interval)))
	}
	errs = append(errs, validateLabels(s.ExternalLabels, p.Child("externalLabels"))...)
	for i, f := range s.RuleFiles {
		fp := p.Child("ruleFiles").Index(i)
		if f == "" {
			errs = append(errs, field.Required(fp, "must be an absolute file path"))
		}
		errs = append(errs, validatePath(f, fp)...)
	}
	seen := map[Job]bool{}
	for i, j := range s.Jobs {
		jp := p.Child("jobs").Index(i)
		if !containsString(jobNames(), string(j)) {
			errs = append(errs, field.NotSupported(jp, j, jobNames()))
		} else if seen[j] {
			errs = append(errs, field.Duplicate(jp, j))
		}
		seen[j] = true
	}
	nsSeen := map[string]bool{}
	for i, ns := range s.Namespaces {
		np := p.Child("namespaces").Index(i)
		errs = append(errs, names.LabelFormat(ns, np)...)
		if nsSeen[ns] {
			errs = append(errs, field.Duplicate(np, ns))
		}
		nsSeen[ns] = true
	}
	errs = append(errs, s.KubeStateMetrics.validate(p.Child("kubeStateMetrics"))...)
	errs = append(errs, s.NodeExporter.validate(p.Child("nodeExporter"))...)
	errs = append(errs, s.Alertmanager.validate(p.Child("alertmanager"))...)
	if s.NoAlerting && s.Alertmanager != (Target{}) {
		errs = append(errs, field.Forbidden(p.Child("alertmanager"), "alerting is off (noAlerting)"))
	}
	interval, timeout, _ := s.timings()
	global := GlobalConfig{ScrapeInterval: Duration(interval), ScrapeTimeout: Duration(timeout)}
	builtin := map[string]bool{}
	for _, j := range s.jobs() {
		builtin[string(j)] = true
	}
	for i := range s.Extra {
		ep := p.Child("extra").Index(i)
		errs = append(errs, s.Extra[i].validate(global, ep)...)
		if builtin[s.Extra[i].JobName] {
			errs = append(errs, field.Duplicate(ep.Child("job_name"), s.Extra[i].JobName))
		}
		builtin[s.Extra[i].JobName] = true
	}
	return errs
}

// Build validates the spec and returns the Prometheus configuration.
func (s Scrape) Build() (*Config, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	c := s.config()
	// The typed configuration has its own, Prometheus-shaped rules; a spec
	// that passes Validate must also produce a configuration that passes.
	if errs := c.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return c, nil
}

func (s Scrape) config() *Config {
	interval, timeout, eval := s.timings()
	c := &Config{
		Global: GlobalConfig{
			ScrapeInterval:     Duration(interval),
			ScrapeTimeout:      Duration(timeout),
			EvaluationInterval: Duration(eval),
			ExternalLabels:     copyMap(s.ExternalLabels),
		},
		RuleFiles: append([]string(nil), s.RuleFiles...),
	}
	for _, j := range s.jobs() {
		c.ScrapeConfigs = append(c.ScrapeConfigs, s.job(j))
	}
	for _, e := range s.Extra {
		c.ScrapeConfigs = append(c.ScrapeConfigs, e.deepCopy())
	}
	if !s.NoAlerting {
		t := s.Alertmanager.or(DefaultAlertmanagerTarget)
		c.Alerting = &AlertingConfig{Alertmanagers: []AlertmanagerTargetConfig{{
			APIVersion:          "v2",
			KubernetesSDConfigs: []KubernetesSDConfig{{Role: RoleEndpointSlice, Namespaces: &NamespaceDiscovery{Names: []string{t.Namespace}}}},
			RelabelConfigs:      []RelabelConfig{serviceKeep(t)},
		}}}
	}
	return c
}

func (s Scrape) namespaceDiscovery() *NamespaceDiscovery {
	if len(s.Namespaces) == 0 {
		return nil
	}
	return &NamespaceDiscovery{Names: append([]string(nil), s.Namespaces...)}
}

// clusterTLS is TLS verified against the cluster CA, authenticated with the
// service account token, both read from the files Kubernetes mounts.
func clusterTLS(sc *ScrapeConfig, insecure bool) {
	sc.Scheme = "https"
	sc.TLSConfig = &TLSConfig{CAFile: ServiceAccountCAFile, InsecureSkipVerify: insecure}
	sc.Authorization = &Authorization{CredentialsFile: ServiceAccountTokenFile}
}

// annotationJob writes the relabelling shared by the opt-in jobs: keep
// targets annotated prometheus.io/scrape=true on obj ("pod" or "service"),
// take path, port and scheme from the annotations, and name the target by
// namespace and object.
func annotationRelabel(obj string) []RelabelConfig {
	a := "__meta_kubernetes_" + obj + "_annotation_prometheus_io_"
	return []RelabelConfig{
		{SourceLabels: []string{a + "scrape"}, Regex: "true", Action: ActionKeep},
		{SourceLabels: []string{a + "scheme"}, Regex: "(https?)", TargetLabel: "__scheme__"},
		{SourceLabels: []string{a + "path"}, Regex: "(/.+)", TargetLabel: "__metrics_path__"},
		{SourceLabels: []string{"__address__", a + "port"}, Regex: `(.+?)(?::\d+)?;(\d+)`, Replacement: "$1:$2", TargetLabel: "__address__"},
		{Regex: "__meta_kubernetes_" + obj + "_label_(.+)", Action: ActionLabelMap},
		{SourceLabels: []string{"__meta_kubernetes_namespace"}, TargetLabel: "namespace"},
	}
}

func (s Scrape) job(j Job) ScrapeConfig {
	sc := ScrapeConfig{JobName: string(j)}
	switch j {
	case JobAPIServers:
		clusterTLS(&sc, false)
		sc.KubernetesSDConfigs = []KubernetesSDConfig{{Role: RoleEndpointSlice, Namespaces: &NamespaceDiscovery{Names: []string{"default"}}}}
		sc.RelabelConfigs = []RelabelConfig{{
			SourceLabels: []string{"__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"},
			Regex:        "kubernetes;https",
			Action:       ActionKeep,
		}}
	case JobKubelets, JobCAdvisor:
		clusterTLS(&sc, s.InsecureSkipKubeletVerify)
		if j == JobCAdvisor {
			sc.MetricsPath = "/metrics/cadvisor"
		}
		sc.KubernetesSDConfigs = []KubernetesSDConfig{{Role: RoleNode}}
		sc.RelabelConfigs = []RelabelConfig{
			{Regex: "__meta_kubernetes_node_label_(.+)", Action: ActionLabelMap},
			{SourceLabels: []string{"__meta_kubernetes_node_name"}, TargetLabel: "node"},
		}
	case JobKubeStateMetrics:
		k := s.KubeStateMetrics.or(DefaultKubeStateMetricsTarget)
		sc.HonorLabels = true
		sc.KubernetesSDConfigs = []KubernetesSDConfig{{Role: RoleEndpointSlice, Namespaces: &NamespaceDiscovery{Names: []string{k.Namespace}}}}
		sc.RelabelConfigs = []RelabelConfig{serviceKeep(k)}
	case JobNodeExporter:
		k := s.NodeExporter.or(DefaultNodeExporterTarget)
		sc.KubernetesSDConfigs = []KubernetesSDConfig{{Role: RoleEndpointSlice, Namespaces: &NamespaceDiscovery{Names: []string{k.Namespace}}}}
		sc.RelabelConfigs = []RelabelConfig{
			serviceKeep(k),
			// node-exporter runs in the host's network: name the series by
			// node, not by the pod's (host) address.
			{SourceLabels: []string{"__meta_kubernetes_pod_node_name"}, TargetLabel: "node"},
		}
	case JobPods:
		sc.KubernetesSDConfigs = []KubernetesSDConfig{{Role: RolePod, Namespaces: s.namespaceDiscovery()}}
		sc.RelabelConfigs = append(annotationRelabel("pod"),
			RelabelConfig{SourceLabels: []string{"__meta_kubernetes_pod_name"}, TargetLabel: "pod"},
			RelabelConfig{SourceLabels: []string{"__meta_kubernetes_pod_phase"}, Regex: "Pending|Succeeded|Failed", Action: ActionDrop},
		)
	case JobServiceEndpoints:
		sc.KubernetesSDConfigs = []KubernetesSDConfig{{Role: RoleEndpointSlice, Namespaces: s.namespaceDiscovery()}}
		sc.RelabelConfigs = append(annotationRelabel("service"),
			RelabelConfig{SourceLabels: []string{"__meta_kubernetes_service_name"}, TargetLabel: "service"},
			RelabelConfig{SourceLabels: []string{"__meta_kubernetes_pod_name"}, TargetLabel: "pod"},
		)
	}
	return sc
}

// serviceKeep keeps the endpoints of one port of one Service.
func serviceKeep(t Target) RelabelConfig {
	return RelabelConfig{
		SourceLabels: []string{"__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"},
		Regex:        regexpQuote(t.Service) + ";" + regexpQuote(t.PortName),
		Action:       ActionKeep,
	}
}

// regexpQuote escapes the few regexp metacharacters a DNS label or port name
// can hold (only "-" and ".", and "-" needs no escape outside classes).
func regexpQuote(s string) string { return strings.ReplaceAll(s, ".", `\.`) }

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (sc ScrapeConfig) deepCopy() ScrapeConfig {
	out := sc
	if sc.Authorization != nil {
		a := *sc.Authorization
		out.Authorization = &a
	}
	if sc.TLSConfig != nil {
		t := *sc.TLSConfig
		out.TLSConfig = &t
	}
	out.KubernetesSDConfigs = nil
	for _, sd := range sc.KubernetesSDConfigs {
		if sd.Namespaces != nil {
			n := *sd.Namespaces
			n.Names = append([]string(nil), n.Names...)
			sd.Namespaces = &n
		}
		out.KubernetesSDConfigs = append(out.KubernetesSDConfigs, sd)
	}
	out.RelabelConfigs = copyRelabel(sc.RelabelConfigs)
	out.MetricRelabelConfigs = copyRelabel(sc.MetricRelabelConfigs)
	return out
}

func copyRelabel(in []RelabelConfig) []RelabelConfig {
	if in == nil {
		return nil
	}
	out := make([]RelabelConfig, len(in))
	for i, r := range in {
		r.SourceLabels = append([]string(nil), r.SourceLabels...)
		out[i] = r
	}
	return out
}
