package tracing

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/security"
)

// DefaultImage is Jaeger v2, the release paired with the Go module
// github.com/jaegertracing/jaeger v1.75.0 that the checker builds.
const DefaultImage = "docker.io/jaegertracing/jaeger:2.12.0"

// Defaults and ports of Jaeger.
const (
	DefaultName      = "jaeger"
	DefaultNamespace = "tracing"
	// ConfigKey is the key of the configuration in the ConfigMap.
	ConfigKey = "config.yaml"

	OTLPGRPCPort = 4317
	OTLPHTTPPort = 4318
	QueryPort    = 16686
	HealthPort   = 13133
	MetricsPort  = 8888

	// DefaultMaxTraces is the in-memory store's capacity when Memory sets
	// none.
	DefaultMaxTraces = 100000
)

// SecretKey names one key of a Secret in Jaeger's namespace.
type SecretKey struct {
	Name string
	Key  string
}

// Memory keeps traces in the collector's memory: lost on every restart
// and not shared between replicas, so it runs one replica. Only when the
// intent asks for it.
type Memory struct {
	// MaxTraces kept; default DefaultMaxTraces.
	MaxTraces int
}

// Search is an Elasticsearch or OpenSearch cluster.
type Search struct {
	// URLs of the cluster's HTTP endpoints, https unless Insecure. At least
	// one.
	URLs []string
	// Insecure allows http URLs (plaintext). Off by default.
	Insecure bool
	// Username for basic authentication; with PasswordSecret.
	Username string
	// PasswordSecret is the Secret key holding the password, mounted as a
	// file (password_file), never inlined. Required with Username.
	PasswordSecret *SecretKey
	// CASecret names a Secret whose key ca.crt verifies the cluster; empty
	// means the system roots.
	CASecret string
	// IndexPrefix of Jaeger's indices; default "jaeger".
	IndexPrefix string
}

// Storage is where traces are kept: exactly one of its fields.
type Storage struct {
	Memory        *Memory
	Elasticsearch *Search
	OpenSearch    *Search
}

// Jaeger is a Jaeger v2 trace collector and query service: OTLP receivers
// (gRPC and HTTP), a batch processor and the jaeger_storage_exporter into
// the jaeger_storage extension's one back end, which jaeger_query reads.
type Jaeger struct {
	// Name of every object; default DefaultName.
	Name string
	// Namespace; default DefaultNamespace. Its pods pass Pod Security
	// "restricted".
	Namespace string
	// Instance is the app.kubernetes.io/instance label; default Name.
	Instance string
	// Image pinned by tag or digest; default DefaultImage.
	Image string
	// Storage is the trace back end, exactly one. Required: without it the
	// tracing pipeline has no exporter.
	Storage Storage
	// Replicas defaults to 2 with Elasticsearch or OpenSearch (with a
	// PodDisruptionBudget) and must be 1 with Memory.
	Replicas int32
	// Resources of the container; zero fields take DefaultResources'.
	Resources baseline.Resources
	// PriorityClassName is set on the pods when not empty.
	PriorityClassName string
	// Labels are added to every object's metadata.
	Labels map[string]string
}

// DefaultResources are the container's requests and limits when Resources
// leaves them out.
var DefaultResources = baseline.Resources{
	Requests: baseline.Compute{CPU: "200m", Memory: "512Mi", EphemeralStorage: "128Mi"},
	Limits:   baseline.Compute{CPU: "2", Memory: "2Gi", EphemeralStorage: "512Mi"},
}

// Result holds Jaeger's objects and its configuration.
type Result struct {
	ServiceAccount *corev1.ServiceAccount
	// ConfigMap holds the Jaeger configuration under ConfigKey.
	ConfigMap  *corev1.ConfigMap
	Service    *corev1.Service
	Deployment *appsv1.Deployment
	// PodDisruptionBudget is nil with one replica.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
	// Config is the configuration, the same bytes as in ConfigMap.
	Config []byte
}

// Objects lists the objects in apply order.
func (r *Result) Objects() []prodkube.Object {
	objs := []prodkube.Object{r.ServiceAccount, r.ConfigMap, r.Service, r.Deployment}
	if r.PodDisruptionBudget != nil {
		objs = append(objs, r.PodDisruptionBudget)
	}
	return objs
}

// Files lists the configuration as tracing/<name>.yaml, the file the
// checker script hands to jaeger validate.
func (r *Result) Files() []prodkube.File {
	return []prodkube.File{{Path: "tracing/" + r.Deployment.Name + ".yaml", Content: append([]byte(nil), r.Config...)}}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (j Jaeger) search() (*Search, string) {
	if j.Storage.Elasticsearch != nil {
		return j.Storage.Elasticsearch, "elasticsearch"
	}
	if j.Storage.OpenSearch != nil {
		return j.Storage.OpenSearch, "opensearch"
	}
	return nil, ""
}

func (j Jaeger) replicas() int32 {
	switch {
	case j.Replicas != 0:
		return j.Replicas
	case j.Storage.Memory != nil:
		return 1
	}
	return 2
}

func (j Jaeger) workload() baseline.Deployment {
	c := func(v, def baseline.Compute) baseline.Compute {
		return baseline.Compute{CPU: or(v.CPU, def.CPU), Memory: or(v.Memory, def.Memory), EphemeralStorage: or(v.EphemeralStorage, def.EphemeralStorage)}
	}
	r := j.replicas()
	return baseline.Deployment{Workload: baseline.Workload{
		Name: or(j.Name, DefaultName), Namespace: or(j.Namespace, DefaultNamespace), Instance: j.Instance,
		Image: or(j.Image, DefaultImage),
		Args:  []string{"--config=/etc/jaeger/" + ConfigKey},
		Ports: []baseline.Port{
			{Name: "otlp-grpc", Port: OTLPGRPCPort}, {Name: "otlp-http", Port: OTLPHTTPPort},
			{Name: "query", Port: QueryPort}, {Name: "health", Port: HealthPort}, {Name: "metrics", Port: MetricsPort},
		},
		Resources:          baseline.Resources{Requests: c(j.Resources.Requests, DefaultResources.Requests), Limits: c(j.Resources.Limits, DefaultResources.Limits)},
		ReadinessProbe:     &baseline.Probe{HTTPPath: "/status", Port: intstr.FromString("health")},
		LivenessProbe:      &baseline.Probe{TCP: true, Port: intstr.FromString("health"), PeriodSeconds: 20, FailureThreshold: 6},
		Replicas:           r,
		AllowSingleReplica: r == 1,
		PriorityClassName:  j.PriorityClassName,
		Service:            &baseline.Service{},
		Labels:             j.Labels,
	}}
}

// Validate reports every problem of the spec.
func (j Jaeger) Validate() field.ErrorList {
	errs := j.workload().Validate()
	sp := field.NewPath("storage")
	n := 0
	for _, set := range []bool{j.Storage.Memory != nil, j.Storage.Elasticsearch != nil, j.Storage.OpenSearch != nil} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		errs = append(errs, field.Required(sp, "a tracing pipeline with no exporter keeps nothing: set memory, elasticsearch or opensearch"))
	case n > 1:
		errs = append(errs, field.Invalid(sp, n, "set exactly one of memory, elasticsearch and opensearch"))
	}
	if m := j.Storage.Memory; m != nil {
		if m.MaxTraces < 0 {
			errs = append(errs, field.Invalid(sp.Child("memory", "maxTraces"), m.MaxTraces, "must not be negative"))
		}
		if j.Replicas > 1 {
			errs = append(errs, field.Invalid(field.NewPath("replicas"), j.Replicas, "an in-memory store is not shared between replicas: run one, or use elasticsearch or opensearch"))
		}
	}
	if s := j.Storage.Elasticsearch; s != nil {
		errs = append(errs, s.validate(sp.Child("elasticsearch"))...)
	}
	if s := j.Storage.OpenSearch; s != nil {
		errs = append(errs, s.validate(sp.Child("opensearch"))...)
	}
	return errs
}

func (s Search) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(s.URLs) == 0 {
		errs = append(errs, field.Required(p.Child("urls"), "at least one endpoint of the cluster"))
	}
	for i, raw := range s.URLs {
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" || strings.ContainsAny(raw, " \t\n"):
			errs = append(errs, field.Invalid(p.Child("urls").Index(i), raw, "must be an http(s) URL with a host"))
		case u.User != nil:
			errs = append(errs, field.Invalid(p.Child("urls").Index(i), "<redacted>", "must not hold credentials: use username and passwordSecret"))
		case u.RawQuery != "" || u.Fragment != "":
			errs = append(errs, field.Invalid(p.Child("urls").Index(i), raw, "must have no query or fragment"))
		case u.Scheme == "https":
		case u.Scheme == "http" && s.Insecure:
		case u.Scheme == "http":
			errs = append(errs, field.Invalid(p.Child("urls").Index(i), raw, "sends traces and credentials in plaintext: use https, or set insecure"))
		default:
			errs = append(errs, field.Invalid(p.Child("urls").Index(i), raw, "must be an http(s) URL"))
		}
	}
	if (s.Username == "") != (s.PasswordSecret == nil) {
		errs = append(errs, field.Invalid(p.Child("passwordSecret"), s.PasswordSecret != nil, "username and passwordSecret go together"))
	}
	if s.Username != "" && (strings.ContainsAny(s.Username, ":\n\r\t ") || !validUTF8Printable(s.Username)) {
		errs = append(errs, field.Invalid(p.Child("username"), s.Username, "must be printable, without ':' or whitespace"))
	}
	if ps := s.PasswordSecret; ps != nil {
		for _, msg := range validation.IsDNS1123Subdomain(ps.Name) {
			errs = append(errs, field.Invalid(p.Child("passwordSecret", "name"), ps.Name, msg))
		}
		for _, msg := range validation.IsConfigMapKey(ps.Key) {
			errs = append(errs, field.Invalid(p.Child("passwordSecret", "key"), ps.Key, msg))
		}
	}
	if s.CASecret != "" {
		for _, msg := range validation.IsDNS1123Subdomain(s.CASecret) {
			errs = append(errs, field.Invalid(p.Child("caSecret"), s.CASecret, msg))
		}
	}
	if s.IndexPrefix != "" {
		for _, msg := range validation.IsDNS1123Label(s.IndexPrefix) {
			errs = append(errs, field.Invalid(p.Child("indexPrefix"), s.IndexPrefix, msg))
		}
	}
	return errs
}

func validUTF8Printable(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// Paths inside the container.
const (
	passwordDir = "/etc/jaeger/secrets/password"
	caDir       = "/etc/jaeger/secrets/ca"
)

// config renders the Jaeger v2 configuration.
func (j Jaeger) config() ([]byte, error) {
	const store = "traces"
	backend := map[string]any{}
	if m := j.Storage.Memory; m != nil {
		mt := m.MaxTraces
		if mt == 0 {
			mt = DefaultMaxTraces
		}
		backend["memory"] = map[string]any{"max_traces": mt}
	} else if s, kind := j.search(); s != nil {
		tls := map[string]any{"insecure": s.Insecure}
		if s.CASecret != "" {
			tls["ca_file"] = path.Join(caDir, "ca.crt")
		}
		es := map[string]any{
			"server_urls": s.URLs,
			"tls":         tls,
			"indices":     map[string]any{"index_prefix": or(s.IndexPrefix, "jaeger")},
		}
		if s.PasswordSecret != nil {
			es["auth"] = map[string]any{"basic": map[string]any{
				"username":      s.Username,
				"password_file": path.Join(passwordDir, s.PasswordSecret.Key),
			}}
		}
		backend[kind] = es
	}
	cfg := map[string]any{
		"service": map[string]any{
			"extensions": []string{"jaeger_storage", "jaeger_query", "healthcheckv2"},
			"pipelines": map[string]any{"traces": map[string]any{
				"receivers":  []string{"otlp"},
				"processors": []string{"batch"},
				"exporters":  []string{"jaeger_storage_exporter"},
			}},
			"telemetry": map[string]any{
				"resource": map[string]any{"service.name": "jaeger"},
				"metrics": map[string]any{"level": "detailed", "readers": []any{map[string]any{"pull": map[string]any{
					"exporter": map[string]any{"prometheus": map[string]any{"host": "0.0.0.0", "port": MetricsPort}},
				}}}},
			},
		},
		"extensions": map[string]any{
			"healthcheckv2":  map[string]any{"use_v2": true, "http": map[string]any{"endpoint": "0.0.0.0:" + strconv.Itoa(HealthPort)}},
			"jaeger_query":   map[string]any{"storage": map[string]any{"traces": store}, "http": map[string]any{"endpoint": "0.0.0.0:" + strconv.Itoa(QueryPort)}},
			"jaeger_storage": map[string]any{"backends": map[string]any{store: backend}},
		},
		"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{
			"grpc": map[string]any{"endpoint": "0.0.0.0:" + strconv.Itoa(OTLPGRPCPort)},
			"http": map[string]any{"endpoint": "0.0.0.0:" + strconv.Itoa(OTLPHTTPPort)},
		}}},
		"processors": map[string]any{"batch": map[string]any{}},
		"exporters":  map[string]any{"jaeger_storage_exporter": map[string]any{"trace_storage": store}},
	}
	return yaml.Marshal(cfg)
}

// Build validates the spec and returns Jaeger's objects.
func (j Jaeger) Build() (*Result, error) {
	if errs := j.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	w := j.workload()
	objs, err := w.Build()
	if err != nil {
		return nil, err
	}
	cfg, err := j.config()
	if err != nil {
		return nil, err
	}
	labels := objs.Deployment.Labels
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: copyMap(labels)},
		Data:       map[string]string{ConfigKey: string(cfg)},
	}
	tmpl := &objs.Deployment.Spec.Template
	c := &tmpl.Spec.Containers[0]
	c.ImagePullPolicy = corev1.PullAlways
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "config", MountPath: "/etc/jaeger", ReadOnly: true})
	tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, corev1.Volume{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}}})
	if s, _ := j.search(); s != nil {
		if ps := s.PasswordSecret; ps != nil {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "search-password", MountPath: passwordDir, ReadOnly: true})
			tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, corev1.Volume{Name: "search-password", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName: ps.Name, Items: []corev1.KeyToPath{{Key: ps.Key, Path: ps.Key}}}}})
		}
		if s.CASecret != "" {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "search-ca", MountPath: caDir, ReadOnly: true})
			tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, corev1.Volume{Name: "search-ca", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName: s.CASecret, Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}}})
		}
	}
	sum := sha256.Sum256(cfg)
	tmpl.Annotations = map[string]string{"checksum/config": hex.EncodeToString(sum[:])}
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	res := &Result{ServiceAccount: objs.ServiceAccount, ConfigMap: cm, Service: objs.Service, Deployment: objs.Deployment, Config: cfg}
	if w.Replicas >= 2 {
		res.PodDisruptionBudget = objs.PodDisruptionBudget
	}
	return res, nil
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
