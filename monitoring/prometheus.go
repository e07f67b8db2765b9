package monitoring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/internal/names"
	"github.com/prodkube/prodkube/security"
)

// DefaultImage is the Prometheus server image, pinned to a release.
const DefaultImage = "quay.io/prometheus/prometheus:v3.16.0"

// Defaults of Prometheus.
const (
	DefaultName      = "prometheus"
	DefaultNamespace = "monitoring"
	DefaultReplicas  = 2
	DefaultRetention = 15 * 24 * time.Hour
)

// DefaultStorageSize is the size of each replica's data volume.
var DefaultStorageSize = resource.MustParse("50Gi")

// Where the Prometheus container finds its files, and its port.
const (
	ConfigDir      = "/etc/prometheus"
	ConfigKey      = "prometheus.yml"
	RulesKey       = "rules.yaml"
	DataDir        = "/prometheus"
	WebPort        = 9090
	configHashKey  = "prodkube.io/config-sha256"
	serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount"
	// prometheusUID is the "nobody" user the upstream image runs as.
	prometheusUID int64 = 65534
	// tokenLifetime is the lifetime of the projected service account token;
	// the kubelet refreshes it well before it expires.
	tokenLifetime int64 = 3600
)

// Storage is where each Prometheus replica keeps its time-series database.
type Storage struct {
	// Size of each replica's PersistentVolumeClaim. Default:
	// DefaultStorageSize.
	Size resource.Quantity
	// StorageClassName of the claims. Default: the cluster's default class.
	StorageClassName string
	// Ephemeral keeps the data in an emptyDir of Size instead of a
	// PersistentVolumeClaim: every restart loses the history. Meant for
	// test clusters; off by default.
	Ephemeral bool
}

// Prometheus is the intent for a Prometheus server that monitors the
// cluster it runs in: its configuration and alert rules in a ConfigMap, a
// least-privilege identity to discover and scrape targets, and a StatefulSet
// that passes Pod Security "restricted".
//
// The namespace must exist (see security.Namespace); the zero value is
// complete: two replicas in "monitoring", scraping every DefaultJobs job,
// alerting on the key metrics with Alerts' defaults, 15 days of retention
// on 50Gi volumes.
type Prometheus struct {
	// Name of the server: the StatefulSet, its Service and ServiceAccount.
	// A DNS-1123 label of at most 52 characters (the StatefulSet controller
	// appends a revision hash to it in a 63-character label). Default:
	// DefaultName.
	Name string
	// Namespace the server runs in. Default: DefaultNamespace.
	Namespace string
	// Image of the Prometheus server, pinned by tag or digest. Default:
	// DefaultImage. Its command-line flags and health endpoints are those
	// of Prometheus 3.
	Image string
	// Replicas run independently and scrape the same targets, so one can
	// fail or be drained without a gap. Default: DefaultReplicas. With two
	// or more, a PodDisruptionBudget keeps all but one running.
	Replicas int32
	// Retention is how long samples are kept. Default: DefaultRetention.
	Retention time.Duration
	// Storage of the time-series database.
	Storage Storage
	// Resources of the Prometheus container. Default: requests of 500m CPU
	// and 2Gi memory, limits of 2 CPU and 4Gi. When set, requests and
	// limits of both CPU and memory are required.
	Resources corev1.ResourceRequirements
	// Scrape is what Prometheus scrapes. Its RuleFiles are ignored: the
	// server loads the rules of Alerts from its ConfigMap.
	Scrape Scrape
	// Alerts are the alerting rules evaluated by the server.
	Alerts Alerts
	// Labels are added to every object.
	Labels map[string]string
}

// Bundle holds what Prometheus.Build returns: the objects in apply order,
// and the configuration and rules they carry.
type Bundle struct {
	// ServiceAccount the server runs as; it does not automount a token (the
	// pod mounts a short-lived projected one).
	ServiceAccount *corev1.ServiceAccount
	// ClusterRole grants read access to what discovery watches, get on
	// nodes/metrics (kubelet and cAdvisor scrapes) and on /metrics.
	ClusterRole *rbacv1.ClusterRole
	// ClusterRoleBinding binds ClusterRole to ServiceAccount.
	ClusterRoleBinding *rbacv1.ClusterRoleBinding
	// ConfigMap holds prometheus.yml (ConfigKey) and the rules (RulesKey).
	ConfigMap *corev1.ConfigMap
	// Service is the headless Service that governs the StatefulSet.
	Service *corev1.Service
	// StatefulSet runs the server replicas.
	StatefulSet *appsv1.StatefulSet
	// PodDisruptionBudget keeps all but one replica up; nil with one
	// replica, where it would block every node drain.
	PodDisruptionBudget *policyv1.PodDisruptionBudget

	// Config is the prometheus.yml in ConfigMap.
	Config *Config
	// Rules is the rule file in ConfigMap.
	Rules *RuleFile
	// PrometheusRule carries the same rules for clusters that run the
	// Prometheus Operator. It needs the operator's CRD, so it is one of
	// Files, not of Objects. Named and labelled like the server.
	PrometheusRule *PrometheusRule

	files []prodkube.File
}

// PrometheusRuleFile is where Bundle.Files puts the PrometheusRule,
// relative to the output directory: outside manifests/, because it needs a
// CRD that a plain cluster does not have.
const PrometheusRuleFile = "monitoring/prometheusrule.yaml"

// Files lists the artefacts that are not objects to apply: the rule file
// (RulesFile) and the PrometheusRule (PrometheusRuleFile), as Build
// rendered them; later changes to Rules or PrometheusRule are not
// reflected, just as the ConfigMap does not follow them.
func (b *Bundle) Files() []prodkube.File {
	out := make([]prodkube.File, len(b.files))
	for i, f := range b.files {
		f.Content = append([]byte(nil), f.Content...)
		out[i] = f
	}
	return out
}

// Objects lists the Kubernetes objects in apply order.
func (b *Bundle) Objects() []prodkube.Object {
	objs := []prodkube.Object{b.ServiceAccount, b.ClusterRole, b.ClusterRoleBinding, b.ConfigMap, b.Service, b.StatefulSet}
	if b.PodDisruptionBudget != nil {
		objs = append(objs, b.PodDisruptionBudget)
	}
	return objs
}

func (p Prometheus) name() string      { return orString(p.Name, DefaultName) }
func (p Prometheus) namespace() string { return orString(p.Namespace, DefaultNamespace) }
func (p Prometheus) image() string     { return orString(p.Image, DefaultImage) }

func (p Prometheus) replicas() int32 {
	if p.Replicas == 0 {
		return DefaultReplicas
	}
	return p.Replicas
}

func (p Prometheus) storageSize() resource.Quantity {
	if p.Storage.Size.IsZero() {
		return DefaultStorageSize.DeepCopy()
	}
	return p.Storage.Size.DeepCopy()
}

func (p Prometheus) resources() corev1.ResourceRequirements {
	if len(p.Resources.Requests) == 0 && len(p.Resources.Limits) == 0 {
		return corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("2Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")},
		}
	}
	return *p.Resources.DeepCopy()
}

// Validate reports every problem with the spec.
func (p Prometheus) Validate() field.ErrorList {
	var errs field.ErrorList
	if p.Name != "" {
		errs = append(errs, names.LabelFormat(p.Name, field.NewPath("name"))...)
		if len(p.Name) > 52 {
			errs = append(errs, field.TooLong(field.NewPath("name"), p.Name, 52))
		}
	}
	if p.Namespace != "" {
		errs = append(errs, names.LabelFormat(p.Namespace, field.NewPath("namespace"))...)
	}
	if p.Image != "" {
		errs = append(errs, validateImage(p.Image, field.NewPath("image"))...)
	}
	if p.Replicas < 0 {
		errs = append(errs, field.Invalid(field.NewPath("replicas"), p.Replicas, "must not be negative (0 means the default of 2)"))
	}
	rp := field.NewPath("retention")
	errs = append(errs, validatePositive(p.Retention, rp)...)
	if p.Retention != 0 && p.Retention < 2*time.Hour {
		errs = append(errs, field.Invalid(rp, p.Retention.String(), "must be at least 2h, the span of one TSDB block"))
	}
	sp := field.NewPath("storage")
	if p.Storage.Size.Sign() < 0 {
		errs = append(errs, field.Invalid(sp.Child("size"), p.Storage.Size.String(), "must not be negative"))
	} else if !p.Storage.Size.IsZero() && p.Storage.Size.Cmp(resource.MustParse("1Gi")) < 0 {
		errs = append(errs, field.Invalid(sp.Child("size"), p.Storage.Size.String(), "must be at least 1Gi"))
	}
	if p.Storage.StorageClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(p.Storage.StorageClassName, false) {
			errs = append(errs, field.Invalid(sp.Child("storageClassName"), p.Storage.StorageClassName, msg))
		}
		if p.Storage.Ephemeral {
			errs = append(errs, field.Forbidden(sp.Child("storageClassName"), "an ephemeral emptyDir has no storage class"))
		}
	}
	errs = append(errs, validateResources(p.Resources, field.NewPath("resources"))...)
	errs = append(errs, p.Scrape.validate(field.NewPath("scrape"))...)
	if len(p.Scrape.RuleFiles) > 0 {
		errs = append(errs, field.Forbidden(field.NewPath("scrape", "ruleFiles"), "the server loads the rules of alerts from its ConfigMap"))
	}
	errs = append(errs, p.Alerts.validate(field.NewPath("alerts"))...)
	// A rate needs at least two samples in its window.
	interval, _, _ := p.Scrape.timings()
	for _, w := range []struct {
		name     string
		window   time.Duration
		disabled bool
	}{
		{"apiServerErrors", orDuration(p.Alerts.APIServerErrors.Window, defaultRatioWindow), p.Alerts.APIServerErrors.Disabled},
		{"podRestarts", orDuration(p.Alerts.PodRestarts.Window, defaultRestartWindow), p.Alerts.PodRestarts.Disabled},
		{"httpErrors", orDuration(p.Alerts.HTTPErrors.Window, defaultRatioWindow), p.Alerts.HTTPErrors.Disabled},
	} {
		if !w.disabled && interval > 0 && w.window > 0 && w.window < 2*interval {
			errs = append(errs, field.Invalid(field.NewPath("alerts", w.name, "window"), w.window.String(),
				fmt.Sprintf("must span at least two scrape intervals (%s) so that a rate has two samples", 2*interval)))
		}
	}
	errs = append(errs, names.Labels(p.Labels, field.NewPath("labels"))...)
	for _, k := range sortedKeys(p.Labels) {
		if k == "app.kubernetes.io/name" || k == "app.kubernetes.io/instance" {
			errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "set by prodkube: it selects the server's pods"))
		}
	}
	return errs
}

func validateImage(img string, p *field.Path) field.ErrorList {
	name, digest, hasDigest := strings.Cut(img, "@")
	if hasDigest {
		if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 || strings.Trim(digest[len("sha256:"):], "0123456789abcdef") != "" {
			return field.ErrorList{field.Invalid(p, img, "digest must be sha256: followed by 64 lowercase hex digits")}
		}
	}
	slash := strings.LastIndex(name, "/")
	colon := strings.LastIndex(name, ":")
	tag := ""
	if colon > slash {
		tag = name[colon+1:]
		name = name[:colon]
	}
	if name == "" || strings.ContainsAny(img, " \t\n\r\x00") || strings.ToLower(name) != name {
		return field.ErrorList{field.Invalid(p, img, "must be an image reference such as quay.io/prometheus/prometheus:v3.16.0")}
	}
	if !hasDigest && (tag == "" || tag == "latest") {
		return field.ErrorList{field.Invalid(p, img, "must be pinned to a release tag or digest, not latest")}
	}
	return nil
}

func validateResources(r corev1.ResourceRequirements, p *field.Path) field.ErrorList {
	if len(r.Requests) == 0 && len(r.Limits) == 0 {
		return nil
	}
	var errs field.ErrorList
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, hasReq := r.Requests[name]
		lim, hasLim := r.Limits[name]
		if !hasReq {
			errs = append(errs, field.Required(p.Child("requests").Key(string(name)), "every container has requests and limits"))
		} else if req.Sign() <= 0 {
			errs = append(errs, field.Invalid(p.Child("requests").Key(string(name)), req.String(), "must be positive"))
		}
		if !hasLim {
			errs = append(errs, field.Required(p.Child("limits").Key(string(name)), "every container has requests and limits"))
		} else if lim.Sign() <= 0 {
			errs = append(errs, field.Invalid(p.Child("limits").Key(string(name)), lim.String(), "must be positive"))
		}
		if hasReq && hasLim && req.Cmp(lim) > 0 {
			errs = append(errs, field.Invalid(p.Child("requests").Key(string(name)), req.String(), fmt.Sprintf("must not exceed the limit (%s)", lim.String())))
		}
	}
	for _, m := range []struct {
		path string
		list corev1.ResourceList
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		for name := range m.list {
			if name != corev1.ResourceCPU && name != corev1.ResourceMemory && name != corev1.ResourceEphemeralStorage {
				errs = append(errs, field.NotSupported(p.Child(m.path).Key(string(name)), name, []string{"cpu", "memory", "ephemeral-storage"}))
			}
		}
	}
	return errs
}

func validateObjectMeta(name, namespace string, labels map[string]string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	for _, msg := range apivalidation.NameIsDNSSubdomain(name, false) {
		if name != "" {
			errs = append(errs, field.Invalid(p.Child("name"), name, msg))
		}
	}
	if namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), ""))
	} else {
		errs = append(errs, names.LabelFormat(namespace, p.Child("namespace"))...)
	}
	errs = append(errs, names.Labels(labels, p.Child("labels"))...)
	return errs
}

// Build validates the spec and returns the server's objects.
func (p Prometheus) Build() (*Bundle, error) {
	if errs := p.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	name, ns := p.name(), p.namespace()

	scrape := p.Scrape
	scrape.RuleFiles = []string{ConfigDir + "/" + RulesKey}
	cfg, err := scrape.Build()
	if err != nil {
		return nil, err
	}
	cfg.Storage = &StorageConfig{TSDB: &TSDBConfig{Retention: &RetentionConfig{Time: Duration(orDuration(p.Retention, DefaultRetention))}}}
	rules, err := p.Alerts.Build()
	if err != nil {
		return nil, err
	}
	cfgFile, err := prodkube.YAMLFile(ConfigFile, cfg)
	if err != nil {
		return nil, err
	}
	rulesFile, err := prodkube.YAMLFile(RulesFile, rules)
	if err != nil {
		return nil, err
	}
	cfgYAML, rulesYAML := cfgFile.Content, rulesFile.Content
	sum := sha256.New()
	sum.Write(cfgYAML)
	sum.Write([]byte{0})
	sum.Write(rulesYAML)

	selector := map[string]string{"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": name}
	labels := copyMap(p.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	for k, v := range selector {
		labels[k] = v
	}
	labels["app.kubernetes.io/component"] = "monitoring"

	sa, err := security.ServiceAccount{Name: name, Namespace: ns, Labels: labels}.Build()
	if err != nil {
		return nil, err
	}
	roleName := ns + "-" + name
	all := []string{"get", "list", "watch"}
	cr, err := security.ClusterRole{
		Name:   roleName,
		Labels: labels,
		Rules: []security.Rule{
			{APIGroups: []string{""}, Resources: []string{"endpoints", "nodes", "pods", "services"}, Verbs: all},
			// The kubelet authorizes a scrape of /metrics and
			// /metrics/cadvisor as get on nodes/metrics; nothing else.
			{APIGroups: []string{""}, Resources: []string{"nodes/metrics"}, Verbs: []string{"get"}},
			{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: all},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: all},
			{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
		},
	}.Build()
	if err != nil {
		return nil, err
	}
	crb, err := security.ClusterRoleBinding{
		Name:     roleName,
		RoleName: roleName,
		Subjects: []security.ServiceAccountRef{{Name: name, Namespace: ns}},
		Labels:   labels,
	}.Build()
	if err != nil {
		return nil, err
	}

	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name + "-config", Namespace: ns, Labels: copyMap(labels)},
		Data:       map[string]string{ConfigKey: string(cfgYAML), RulesKey: string(rulesYAML)},
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  copyMap(selector),
			Ports: []corev1.ServicePort{{
				Name: "web", Port: WebPort, TargetPort: intstr.FromString("web"), Protocol: corev1.ProtocolTCP,
			}},
			PublishNotReadyAddresses: false,
		},
	}

	uid := prometheusUID
	sc, err := security.Restricted{RunAsUser: &uid, RunAsGroup: &uid, FSGroup: &uid}.Build()
	if err != nil {
		return nil, err
	}
	podLabels := copyMap(labels)
	spec := corev1.PodSpec{
		ServiceAccountName:            name,
		AutomountServiceAccountToken:  ptr(false),
		TerminationGracePeriodSeconds: ptr(int64(120)),
		Containers: []corev1.Container{{
			Name:  "prometheus",
			Image: p.image(),
			Args: []string{
				"--config.file=" + ConfigDir + "/" + ConfigKey,
				"--storage.tsdb.path=" + DataDir,
				fmt.Sprintf("--web.listen-address=:%d", WebPort),
			},
			Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: WebPort, Protocol: corev1.ProtocolTCP}},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/-/ready", Port: intstr.FromString("web")}},
				PeriodSeconds:    5,
				TimeoutSeconds:   3,
				FailureThreshold: 3,
			},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/-/healthy", Port: intstr.FromString("web")}},
				PeriodSeconds:    15,
				TimeoutSeconds:   3,
				FailureThreshold: 4,
			},
			Resources: p.resources(),
			VolumeMounts: []corev1.VolumeMount{
				{Name: "config", MountPath: ConfigDir, ReadOnly: true},
				{Name: "data", MountPath: DataDir},
				{Name: "serviceaccount", MountPath: serviceAccount, ReadOnly: true},
			},
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}},
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}}},
			// The service account token Prometheus uses for discovery and
			// for scraping the API servers and kubelets: a short-lived,
			// audience-bound projected token mounted where the in-cluster
			// client looks, instead of the account's automounted one.
			{Name: "serviceaccount", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
				Sources: []corev1.VolumeProjection{
					{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr(tokenLifetime)}},
					{ConfigMap: &corev1.ConfigMapProjection{
						LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
						Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
					}},
					{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
						Path: "namespace", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
					}}}},
				},
			}}},
		},
	}
	var claims []corev1.PersistentVolumeClaim
	if p.Storage.Ephemeral {
		size := p.storageSize()
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &size}}})
	} else {
		claim := corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: "data", Labels: copyMap(selector)},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: p.storageSize()}},
			},
		}
		if p.Storage.StorageClassName != "" {
			claim.Spec.StorageClassName = ptr(p.Storage.StorageClassName)
		}
		claims = append(claims, claim)
	}
	replicas := p.replicas()
	if replicas > 1 {
		spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}},
			{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}},
		}
	}
	sc.Apply(&spec)

	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: appsv1.StatefulSetSpec{
			Replicas:            ptr(replicas),
			Selector:            &metav1.LabelSelector{MatchLabels: copyMap(selector)},
			ServiceName:         svc.Name,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			UpdateStrategy:      appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: podLabels,
					// A new configuration or rule set rolls the pods, so the
					// running servers always match the ConfigMap.
					Annotations: map[string]string{configHashKey: hex.EncodeToString(sum.Sum(nil))},
				},
				Spec: spec,
			},
			VolumeClaimTemplates: claims,
		},
	}
	pr, err := rules.PrometheusRule(name, ns, labels)
	if err != nil {
		return nil, err
	}
	prDoc, err := prodkube.MarshalYAML(pr)
	if err != nil {
		return nil, err
	}
	b := &Bundle{ServiceAccount: sa, ClusterRole: cr, ClusterRoleBinding: crb, ConfigMap: cm, Service: svc, StatefulSet: sts,
		Config: cfg, Rules: rules, PrometheusRule: pr,
		files: []prodkube.File{rulesFile, {Path: PrometheusRuleFile, Content: prDoc}}}
	if replicas > 1 {
		b.PodDisruptionBudget = &policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
			Spec: policyv1.PodDisruptionBudgetSpec{
				MaxUnavailable: ptr(intstr.FromInt32(1)),
				Selector:       &metav1.LabelSelector{MatchLabels: copyMap(selector)},
			},
		}
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }
