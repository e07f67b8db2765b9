package logs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/security"
)

// DefaultImage is the OpenTelemetry Collector contrib distribution, pinned
// to the release whose modules the checker loads the configuration with.
const DefaultImage = "docker.io/otel/opentelemetry-collector-contrib:0.141.0"

// Defaults of Shipper.
const (
	DefaultName      = "log-shipper"
	DefaultNamespace = "logging"
	// ConfigKey is the key of the collector configuration in the ConfigMap
	// and the name of the file in Files.
	ConfigKey = "config.yaml"
	// HealthPort serves the health_check extension.
	HealthPort = 13133
	// PodLogs is where the kubelet writes container logs.
	PodLogs = "/var/log/pods"
)

// Protocol is the OTLP transport of the exporter.
type Protocol string

// The OTLP transports.
const (
	GRPC Protocol = "grpc"
	HTTP Protocol = "http"
)

// SecretKey names one key of a Secret in the shipper's namespace.
type SecretKey struct {
	Name string
	Key  string
}

// Exporter is where the logs go: an OTLP endpoint (an OpenTelemetry
// Collector or a back end that speaks OTLP, such as Elasticsearch's or
// OpenSearch's OTLP ingestion through a gateway collector).
type Exporter struct {
	// Protocol is GRPC (default) or HTTP.
	Protocol Protocol
	// Endpoint is host:port for GRPC and an http(s) URL for HTTP. Required.
	Endpoint string
	// Insecure sends in plaintext. Off by default: TLS, verified against the
	// system roots or CASecret. With HTTP the URL's scheme must agree.
	Insecure bool
	// CASecret names a Secret whose key ca.crt holds the CA bundle that
	// verifies the endpoint; empty means the system roots.
	CASecret string
	// Authorization, when set, is a Secret key whose value is sent as the
	// authorization header (read from the environment, never inlined).
	Authorization *SecretKey
}

// Buffer is the persistent queue in front of the exporter: batches wait
// on the node's disk (the file_storage extension on a hostPath directory)
// while the back end is unreachable, survive restarts of the shipper, and
// when the queue is full the shipper stops reading logs (the files stay on
// the node, and the receiver's offsets, kept in the same storage, resume
// where it stopped) instead of dropping them.
type Buffer struct {
	// Size is the most node disk the queue may use ("2Gi"). Required: a
	// log pipeline without a buffer loses what it reads while the back end
	// is down, so prodkube refuses one; size it for the longest outage to
	// ride out.
	Size string
	// Directory on the node; default /var/lib/prodkube/<namespace>_<name>.
	Directory string
}

// Shipper is a node-level log shipper: the OpenTelemetry Collector as a
// DaemonSet that tails every container's log under /var/log/pods (filelog
// receiver with the container parser), adds Kubernetes metadata
// (k8sattributes processor), and exports over OTLP with a persistent,
// disk-backed queue.
type Shipper struct {
	// Name of every object; default DefaultName.
	Name string
	// Namespace; default DefaultNamespace. It must be a namespace of its
	// own at Pod Security "privileged" (see PodSecurityLevel).
	Namespace string
	// Instance is the app.kubernetes.io/instance label; default Name.
	Instance string
	// Image pinned by tag or digest; default DefaultImage.
	Image string
	// PodSecurityLevel is the enforced Pod Security level of Namespace,
	// stated so that the requirement is explicit: the shipper mounts the
	// host's /var/log/pods read-only and a host directory for its buffer,
	// and it reads the kubelet's root-owned log files as user 0 (all
	// capabilities dropped, no privilege escalation, read-only root).
	// hostPath volumes are forbidden by "baseline" and "restricted", so
	// only "privileged" admits the pods; anything else is refused.
	PodSecurityLevel security.Level
	// Exporter is where the logs go. Required.
	Exporter Exporter
	// Buffer is the persistent queue. Its Size is required.
	Buffer Buffer
	// Resources of the collector container; zero fields take
	// DefaultResources' values.
	Resources baseline.Resources
	// PriorityClassName is set on the pods when not empty (a node agent
	// usually runs at system-node-critical).
	PriorityClassName string
	// Labels are added to every object's metadata.
	Labels map[string]string
}

// DefaultResources are the collector container's requests and limits when
// Resources leaves them out. The memory_limiter processor is set to 80% of
// the memory limit.
var DefaultResources = baseline.Resources{
	Requests: baseline.Compute{CPU: "100m", Memory: "256Mi", EphemeralStorage: "64Mi"},
	Limits:   baseline.Compute{CPU: "1", Memory: "512Mi", EphemeralStorage: "256Mi"},
}

// Result holds the shipper's objects and its configuration file.
type Result struct {
	ServiceAccount     *corev1.ServiceAccount
	ClusterRole        *rbacv1.ClusterRole
	ClusterRoleBinding *rbacv1.ClusterRoleBinding
	// ConfigMap holds the collector configuration under ConfigKey.
	ConfigMap *corev1.ConfigMap
	DaemonSet *appsv1.DaemonSet
	// Config is the collector configuration, the same bytes as in
	// ConfigMap.
	Config []byte
}

// Objects lists the objects in apply order.
func (r *Result) Objects() []prodkube.Object {
	return []prodkube.Object{r.ServiceAccount, r.ClusterRole, r.ClusterRoleBinding, r.ConfigMap, r.DaemonSet}
}

// Files lists the collector configuration as logs/<name>.yaml, for review
// and for the checker.
func (r *Result) Files() []prodkube.File {
	return []prodkube.File{{Path: "logs/" + r.DaemonSet.Name + ".yaml", Content: append([]byte(nil), r.Config...)}}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s Shipper) name() string      { return or(s.Name, DefaultName) }
func (s Shipper) namespace() string { return or(s.Namespace, DefaultNamespace) }
func (s Shipper) protocol() Protocol {
	if s.Exporter.Protocol == "" {
		return GRPC
	}
	return s.Exporter.Protocol
}
func (s Shipper) bufferDir() string {
	return or(s.Buffer.Directory, "/var/lib/prodkube/"+s.namespace()+"_"+s.name())
}

func (s Shipper) resources() baseline.Resources {
	c := func(v, def baseline.Compute) baseline.Compute {
		return baseline.Compute{CPU: or(v.CPU, def.CPU), Memory: or(v.Memory, def.Memory), EphemeralStorage: or(v.EphemeralStorage, def.EphemeralStorage)}
	}
	return baseline.Resources{Requests: c(s.Resources.Requests, DefaultResources.Requests), Limits: c(s.Resources.Limits, DefaultResources.Limits)}
}

// Validate reports every problem of the spec.
func (s Shipper) Validate() field.ErrorList {
	var errs field.ErrorList
	// A baseline Deployment of the same container checks name, namespace,
	// instance, image, resources, priority class and labels with this
	// spec's field names; the shipper is built as a DaemonSet.
	errs = append(errs, s.probeWorkload().Validate()...)
	switch s.PodSecurityLevel {
	case security.LevelPrivileged:
	case "":
		errs = append(errs, field.Required(field.NewPath("podSecurityLevel"), "the shipper mounts hostPath /var/log/pods read-only and a host directory for its buffer, which only Pod Security \"privileged\" admits: run it in a namespace of its own enforcing privileged and say so here"))
	default:
		errs = append(errs, field.Invalid(field.NewPath("podSecurityLevel"), s.PodSecurityLevel, "a namespace enforcing baseline or restricted refuses hostPath volumes, which the shipper needs to read /var/log/pods and keep its buffer; only \"privileged\" admits it"))
	}
	errs = append(errs, s.validateExporter(field.NewPath("exporter"))...)
	bp := field.NewPath("buffer")
	if s.Buffer.Size == "" {
		errs = append(errs, field.Required(bp.Child("size"), "a log pipeline without a buffer loses logs while the back end is down; give the node disk the queue may use, such as \"2Gi\""))
	} else if q, err := resource.ParseQuantity(s.Buffer.Size); err != nil {
		errs = append(errs, field.Invalid(bp.Child("size"), s.Buffer.Size, err.Error()))
	} else if q.Cmp(resource.MustParse("1Mi")) < 0 || q.Cmp(resource.MustParse("1Ti")) > 0 {
		errs = append(errs, field.Invalid(bp.Child("size"), s.Buffer.Size, "must be between 1Mi and 1Ti"))
	}
	if d := s.Buffer.Directory; d != "" {
		if !path.IsAbs(d) || path.Clean(d) != d || d == "/" || strings.ContainsAny(d, " \t\n\x00") {
			errs = append(errs, field.Invalid(bp.Child("directory"), d, "must be a clean absolute path other than /, without spaces"))
		} else if d == PodLogs || strings.HasPrefix(d, PodLogs+"/") {
			errs = append(errs, field.Invalid(bp.Child("directory"), d, "must not be inside "+PodLogs))
		}
	}
	return errs
}

func (s Shipper) validateExporter(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	e := s.Exporter
	switch s.protocol() {
	case GRPC:
		if e.Endpoint == "" {
			errs = append(errs, field.Required(p.Child("endpoint"), "host:port of the OTLP/gRPC endpoint"))
		} else if host, port, err := net.SplitHostPort(e.Endpoint); err != nil || host == "" || !validPort(port) || !validHost(host) {
			errs = append(errs, field.Invalid(p.Child("endpoint"), e.Endpoint, "must be host:port"))
		}
	case HTTP:
		if e.Endpoint == "" {
			errs = append(errs, field.Required(p.Child("endpoint"), "the http(s) URL of the OTLP/HTTP endpoint"))
		} else if u, err := url.Parse(e.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !validHost(u.Hostname()) || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(e.Endpoint, " \t\n") {
			errs = append(errs, field.Invalid(p.Child("endpoint"), e.Endpoint, "must be an http(s) URL with a host and without credentials, query or fragment"))
		} else if u.Scheme == "http" && !e.Insecure {
			errs = append(errs, field.Invalid(p.Child("endpoint"), e.Endpoint, "sends logs in plaintext: use https, or set insecure"))
		} else if u.Scheme == "https" && e.Insecure {
			errs = append(errs, field.Invalid(p.Child("insecure"), e.Insecure, "the endpoint is https"))
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("protocol"), e.Protocol, []string{string(GRPC), string(HTTP)}))
	}
	if e.CASecret != "" {
		if e.Insecure {
			errs = append(errs, field.Forbidden(p.Child("caSecret"), "a CA has no use in plaintext (insecure)"))
		}
		for _, msg := range validation.IsDNS1123Subdomain(e.CASecret) {
			errs = append(errs, field.Invalid(p.Child("caSecret"), e.CASecret, msg))
		}
	}
	if a := e.Authorization; a != nil {
		for _, msg := range validation.IsDNS1123Subdomain(a.Name) {
			errs = append(errs, field.Invalid(p.Child("authorization", "name"), a.Name, msg))
		}
		for _, msg := range validation.IsConfigMapKey(a.Key) {
			errs = append(errs, field.Invalid(p.Child("authorization", "key"), a.Key, msg))
		}
	}
	return errs
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535 && strconv.Itoa(n) == s
}

func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	return len(validation.IsDNS1123Subdomain(strings.ToLower(h))) == 0 && !strings.ContainsAny(h, "$")
}

// probeWorkload is the baseline Deployment with the shipper's container;
// its validation covers the shared fields.
func (s Shipper) probeWorkload() baseline.Deployment {
	return baseline.Deployment{Workload: baseline.Workload{
		Name: s.name(), Namespace: s.namespace(), Instance: s.Instance, Image: or(s.Image, DefaultImage),
		Ports:          []baseline.Port{{Name: "health", Port: HealthPort}},
		Resources:      s.resources(),
		ReadinessProbe: &baseline.Probe{HTTPPath: "/", Port: intstr.FromString("health")},
		LivenessProbe:  &baseline.Probe{HTTPPath: "/", Port: intstr.FromString("health"), PeriodSeconds: 30, FailureThreshold: 5},
		Replicas:       2, PriorityClassName: s.PriorityClassName, Labels: s.Labels,
	}}
}

// Build validates the spec and returns the shipper's objects.
func (s Shipper) Build() (*Result, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	// The baseline Deployment gives the container (resources, probes,
	// restricted security context) and the ServiceAccount; the DaemonSet
	// takes its pod template.
	dep, err := s.probeWorkload().Build()
	if err != nil {
		return nil, err
	}
	name, ns := s.name(), s.namespace()
	labels := dep.Deployment.Labels
	cfg, err := s.config()
	if err != nil {
		return nil, err
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Data:       map[string]string{ConfigKey: string(cfg)},
	}
	roleName := ns + "-" + name
	role := &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: roleName, Labels: copyMap(labels)},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"namespaces", "pods"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{"apps"}, Resources: []string{"replicasets"}, Verbs: []string{"get", "list", "watch"}},
		},
	}
	binding := &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: roleName, Labels: copyMap(labels)},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: roleName},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: ns}},
	}

	tmpl := *dep.Deployment.Spec.Template.DeepCopy()
	spec := &tmpl.Spec
	spec.TopologySpreadConstraints = nil // one pod per node already
	spec.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
	// The kubelet writes pod logs as root:root 0640, so the collector reads
	// them as user 0 — with every capability dropped, no privilege
	// escalation and a read-only root filesystem, as in the restricted
	// context it starts from.
	root, notNonRoot := int64(0), false
	spec.SecurityContext.RunAsUser = &root
	spec.SecurityContext.RunAsGroup = &root
	spec.SecurityContext.FSGroup = nil
	spec.SecurityContext.RunAsNonRoot = &notNonRoot
	c := &spec.Containers[0]
	c.SecurityContext.RunAsNonRoot = &notNonRoot
	c.ImagePullPolicy = corev1.PullAlways
	c.Args = []string{"--config=/etc/otelcol/" + ConfigKey}
	c.Env = []corev1.EnvVar{{Name: "K8S_NODE_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}}}
	if a := s.Exporter.Authorization; a != nil {
		c.Env = append(c.Env, corev1.EnvVar{Name: "OTLP_AUTHORIZATION", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: a.Name}, Key: a.Key}}})
	}
	dirOrCreate, dir := corev1.HostPathDirectoryOrCreate, corev1.HostPathDirectory
	c.VolumeMounts = append(c.VolumeMounts,
		corev1.VolumeMount{Name: "config", MountPath: "/etc/otelcol", ReadOnly: true},
		corev1.VolumeMount{Name: "pod-logs", MountPath: PodLogs, ReadOnly: true},
		corev1.VolumeMount{Name: "buffer", MountPath: "/var/lib/otelcol/buffer"},
	)
	spec.Volumes = append(spec.Volumes,
		corev1.Volume{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}}},
		corev1.Volume{Name: "pod-logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: PodLogs, Type: &dir}}},
		corev1.Volume{Name: "buffer", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: s.bufferDir(), Type: &dirOrCreate}}},
	)
	if s.Exporter.CASecret != "" {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "ca", MountPath: "/etc/otelcol-tls", ReadOnly: true})
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "ca", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: s.Exporter.CASecret, Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}}})
	}
	sum := sha256.Sum256(cfg)
	tmpl.Annotations = map[string]string{"checksum/config": hex.EncodeToString(sum[:])}
	if errs := security.CheckPodSpec(security.LevelPrivileged, &tmpl.ObjectMeta, spec); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	maxUnavailable := intstr.FromInt32(1)
	ds := &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: appsv1.DaemonSetSpec{
			Selector: dep.Deployment.Spec.Selector.DeepCopy(),
			Template: tmpl,
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
				Type:          appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: &maxUnavailable},
			},
		},
	}
	return &Result{ServiceAccount: dep.ServiceAccount, ClusterRole: role, ClusterRoleBinding: binding, ConfigMap: cm, DaemonSet: ds, Config: cfg}, nil
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

// config renders the collector configuration.
func (s Shipper) config() ([]byte, error) {
	size := resource.MustParse(s.Buffer.Size)
	mem := resource.MustParse(s.resources().Limits.Memory)
	limitMiB := mem.Value() * 8 / 10 / (1 << 20)
	if limitMiB < 1 {
		limitMiB = 1
	}
	exporterName := "otlp"
	tls := map[string]any{"insecure": s.Exporter.Insecure}
	if s.Exporter.CASecret != "" {
		tls["ca_file"] = "/etc/otelcol-tls/ca.crt"
	}
	exp := map[string]any{
		"endpoint": s.Exporter.Endpoint,
		"sending_queue": map[string]any{
			"enabled":           true,
			"storage":           "file_storage/buffer",
			"sizer":             "bytes",
			"queue_size":        size.Value(),
			"block_on_overflow": true,
		},
		"retry_on_failure": map[string]any{
			"enabled": true,
			// Zero: retry until the back end takes the data; the queue on
			// disk holds what waits.
			"max_elapsed_time": "0s",
		},
	}
	if s.protocol() == HTTP {
		exporterName = "otlphttp"
		if !s.Exporter.Insecure {
			exp["tls"] = tls
		}
	} else {
		exp["tls"] = tls
	}
	if s.Exporter.Authorization != nil {
		exp["headers"] = map[string]any{"authorization": "${env:OTLP_AUTHORIZATION}"}
	}
	ownLogs := fmt.Sprintf("%s/%s_%s-*_*/*/*.log", PodLogs, s.namespace(), s.name())
	cfg := map[string]any{
		"extensions": map[string]any{
			"health_check": map[string]any{"endpoint": "0.0.0.0:" + strconv.Itoa(HealthPort)},
			"file_storage/buffer": map[string]any{
				"directory":        "/var/lib/otelcol/buffer",
				"create_directory": false,
				"compaction":       map[string]any{"on_start": true, "on_rebound": true, "directory": "/var/lib/otelcol/buffer"},
			},
		},
		"receivers": map[string]any{
			"filelog": map[string]any{
				"include":           []string{PodLogs + "/*/*/*.log"},
				"exclude":           []string{ownLogs},
				"start_at":          "beginning",
				"include_file_path": true,
				"include_file_name": false,
				"storage":           "file_storage/buffer",
				"retry_on_failure":  map[string]any{"enabled": true},
				"operators":         []any{map[string]any{"type": "container", "id": "container-parser"}},
			},
		},
		"processors": map[string]any{
			"memory_limiter": map[string]any{"check_interval": "1s", "limit_mib": limitMiB, "spike_limit_mib": limitMiB / 5},
			"k8sattributes": map[string]any{
				"auth_type":   "serviceAccount",
				"passthrough": false,
				"filter":      map[string]any{"node_from_env_var": "K8S_NODE_NAME"},
				"extract": map[string]any{
					"metadata": []string{"k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.pod.start_time", "k8s.deployment.name", "k8s.replicaset.name", "k8s.statefulset.name", "k8s.daemonset.name", "k8s.job.name", "k8s.node.name", "k8s.container.name"},
					"labels": []any{
						map[string]any{"tag_name": "app.kubernetes.io/name", "key": "app.kubernetes.io/name", "from": "pod"},
						map[string]any{"tag_name": "app.kubernetes.io/instance", "key": "app.kubernetes.io/instance", "from": "pod"},
					},
				},
				"pod_association": []any{
					map[string]any{"sources": []any{map[string]any{"from": "resource_attribute", "name": "k8s.pod.uid"}}},
					map[string]any{"sources": []any{
						map[string]any{"from": "resource_attribute", "name": "k8s.pod.name"},
						map[string]any{"from": "resource_attribute", "name": "k8s.namespace.name"},
					}},
				},
			},
			"batch": map[string]any{},
		},
		"exporters": map[string]any{exporterName: exp},
		"service": map[string]any{
			"extensions": []string{"health_check", "file_storage/buffer"},
			"pipelines": map[string]any{
				"logs": map[string]any{
					"receivers":  []string{"filelog"},
					"processors": []string{"memory_limiter", "k8sattributes", "batch"},
					"exporters":  []string{exporterName},
				},
			},
		},
	}
	return yaml.Marshal(cfg)
}
