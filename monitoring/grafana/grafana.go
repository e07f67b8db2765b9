package grafana

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
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

// DefaultImage is the Grafana server image, pinned to a release.
const DefaultImage = "docker.io/grafana/grafana:12.3.1"

// Defaults of Grafana.
const (
	DefaultName          = "grafana"
	DefaultNamespace     = "monitoring"
	DefaultPrometheusURL = "http://prometheus.monitoring.svc:9090"
	DefaultAdminUser     = "admin"
	DefaultAdminKey      = "admin-password"
	// DatasourceUID is the uid of the provisioned Prometheus datasource;
	// every dashboard panel refers to it.
	DatasourceUID = "prometheus"
	// WebPort is Grafana's HTTP port.
	WebPort = 3000
)

// Paths inside the Grafana container.
const (
	provisioningDir = "/etc/grafana/provisioning"
	dashboardsDir   = "/etc/grafana/dashboards"
	adminSecretDir  = "/etc/grafana/secrets/admin"
	dataDir         = "/var/lib/grafana"
)

// SecretKey names one key of a Secret in Grafana's namespace.
type SecretKey struct {
	// Name of the Secret (a DNS-1123 subdomain). Required.
	Name string
	// Key in the Secret. Required unless a default is documented.
	Key string
}

// Client is a set of pods allowed to reach Grafana's web port.
type Client struct {
	// Namespace of the pods; empty means Grafana's namespace.
	Namespace string
	// PodLabels select the pods; empty means every pod of Namespace (then
	// Namespace is required).
	PodLabels map[string]string
}

// Grafana is a Grafana server with the Prometheus datasource and the
// dashboards provisioned from ConfigMaps, read-only, without the
// provisioning sidecar: Grafana reads its provisioning directory at start,
// and a change of any dashboard or of the datasource changes the pod
// template's checksum annotation, which rolls the pods.
//
// The zero value (with AdminPassword.Name set) is a complete production
// default: one replica of DefaultImage in DefaultNamespace, querying
// DefaultPrometheusURL, with the built-in dashboards.
type Grafana struct {
	// Name of every object and the app.kubernetes.io/name label. Default:
	// DefaultName.
	Name string
	// Namespace Grafana runs in. Default: DefaultNamespace. Its pods pass
	// Pod Security "restricted".
	Namespace string
	// Instance is the app.kubernetes.io/instance label; default Name.
	Instance string
	// Image pinned by tag or digest. Default: DefaultImage.
	Image string

	// PrometheusURL is the datasource's URL, http or https, without user
	// information or query (credentials are never inlined). Default:
	// DefaultPrometheusURL, the Service of monitoring.Prometheus' defaults.
	PrometheusURL string

	// AdminUser is the administrator's login. Default: DefaultAdminUser.
	AdminUser string
	// AdminPassword names the Secret holding the administrator's password;
	// Grafana reads it from the mounted file
	// (GF_SECURITY_ADMIN_PASSWORD__FILE), so it is never in the pod spec.
	// Name is required; Key defaults to DefaultAdminKey.
	AdminPassword SecretKey
	// Database, when set, names a Secret key holding Grafana's database URL
	// (GF_DATABASE_URL, such as postgres://...). Without it Grafana keeps
	// users and sessions in SQLite on an emptyDir: fine for one replica with
	// provisioned, read-only dashboards, but not shared between replicas,
	// so more than one replica needs Database.
	Database *SecretKey

	// Replicas defaults to 1 without Database and 2 with it. A
	// PodDisruptionBudget is added from 2 replicas.
	Replicas int32
	// Resources of the Grafana container. Zero fields take
	// DefaultResources' values.
	Resources baseline.Resources
	// PriorityClassName is set on the pods when not empty.
	PriorityClassName string

	// Clients may reach Grafana's web port; empty means the pods of
	// Grafana's own namespace only. The NetworkPolicy selects Grafana's pods
	// for ingress only: egress (to Prometheus, DNS and the database) is left
	// to the namespace's policies.
	Clients []Client

	// Application names the metrics of the application-requests dashboard.
	Application ApplicationMetrics
	// Dashboards are provisioned beside the built-in ones
	// (BuiltinDashboards); their UIDs must differ from the built-in UIDs.
	Dashboards []Dashboard
	// Folder is the Grafana folder of every provisioned dashboard. Default:
	// "Kubernetes".
	Folder string

	// Labels are added to every object's metadata.
	Labels map[string]string
}

// DefaultResources are the Grafana container's requests and limits when
// Resources leaves them out.
var DefaultResources = baseline.Resources{
	Requests: baseline.Compute{CPU: "100m", Memory: "256Mi", EphemeralStorage: "256Mi"},
	Limits:   baseline.Compute{CPU: "1", Memory: "512Mi", EphemeralStorage: "1Gi"},
}

// Result holds the objects of a Grafana, each a typed k8s.io/api object.
type Result struct {
	ServiceAccount *corev1.ServiceAccount
	// Provisioning holds datasources/prometheus.yaml and
	// dashboards/prodkube.yaml, mounted at /etc/grafana/provisioning.
	Provisioning *corev1.ConfigMap
	// Dashboards holds one <uid>.json per dashboard, mounted at
	// /etc/grafana/dashboards.
	Dashboards    *corev1.ConfigMap
	Service       *corev1.Service
	NetworkPolicy *networkingv1.NetworkPolicy
	Deployment    *appsv1.Deployment
	// PodDisruptionBudget is nil with one replica.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
}

// Objects lists the objects in apply order.
func (r *Result) Objects() []prodkube.Object {
	objs := []prodkube.Object{r.ServiceAccount, r.Provisioning, r.Dashboards, r.Service, r.NetworkPolicy, r.Deployment}
	if r.PodDisruptionBudget != nil {
		objs = append(objs, r.PodDisruptionBudget)
	}
	return objs
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orCompute(c, def baseline.Compute) baseline.Compute {
	return baseline.Compute{CPU: or(c.CPU, def.CPU), Memory: or(c.Memory, def.Memory), EphemeralStorage: or(c.EphemeralStorage, def.EphemeralStorage)}
}

func (g Grafana) name() string      { return or(g.Name, DefaultName) }
func (g Grafana) namespace() string { return or(g.Namespace, DefaultNamespace) }
func (g Grafana) replicas() int32 {
	switch {
	case g.Replicas != 0:
		return g.Replicas
	case g.Database != nil:
		return 2
	}
	return 1
}

// workload is the baseline Deployment Grafana is built on; the parts
// baseline has no field for (ConfigMap and Secret volumes, the pull
// policy) are added to its result.
func (g Grafana) workload() baseline.Deployment {
	env := []baseline.EnvVar{
		{Name: "GF_ANALYTICS_CHECK_FOR_UPDATES", Value: "false"},
		{Name: "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", Value: "false"},
		{Name: "GF_ANALYTICS_REPORTING_ENABLED", Value: "false"},
		{Name: "GF_AUTH_ANONYMOUS_ENABLED", Value: "false"},
		{Name: "GF_PATHS_DATA", Value: dataDir},
		{Name: "GF_PATHS_PROVISIONING", Value: provisioningDir},
		{Name: "GF_SECURITY_ADMIN_PASSWORD__FILE", Value: path.Join(adminSecretDir, or(g.AdminPassword.Key, DefaultAdminKey))},
		{Name: "GF_SECURITY_ADMIN_USER", Value: or(g.AdminUser, DefaultAdminUser)},
		{Name: "GF_SECURITY_DISABLE_GRAVATAR", Value: "true"},
		{Name: "GF_USERS_ALLOW_SIGN_UP", Value: "false"},
	}
	if g.Database != nil {
		env = append(env, baseline.EnvVar{Name: "GF_DATABASE_URL", SecretName: g.Database.Name, SecretKey: g.Database.Key})
	}
	r := g.replicas()
	return baseline.Deployment{Workload: baseline.Workload{
		Name:      g.name(),
		Namespace: g.namespace(),
		Instance:  g.Instance,
		Image:     or(g.Image, DefaultImage),
		Ports:     []baseline.Port{{Name: "http", Port: WebPort}},
		Env:       env,
		Resources: baseline.Resources{
			Requests: orCompute(g.Resources.Requests, DefaultResources.Requests),
			Limits:   orCompute(g.Resources.Limits, DefaultResources.Limits),
		},
		ReadinessProbe:     &baseline.Probe{HTTPPath: "/api/health", Port: intstr.FromString("http"), PeriodSeconds: 10},
		LivenessProbe:      &baseline.Probe{TCP: true, Port: intstr.FromString("http"), InitialDelaySeconds: 30, PeriodSeconds: 20, FailureThreshold: 6},
		Replicas:           r,
		AllowSingleReplica: r == 1,
		PriorityClassName:  g.PriorityClassName,
		Service:            &baseline.Service{},
		WritablePaths:      []string{dataDir, "/tmp"},
		Labels:             g.Labels,
	}}
}

// Validate reports every problem of the spec, with paths named after its
// fields.
func (g Grafana) Validate() field.ErrorList {
	var errs field.ErrorList
	// The baseline Deployment checks name, namespace, instance, image,
	// resources, replicas, priority class and labels; its paths are this
	// spec's field names.
	for _, e := range g.workload().Validate() {
		if strings.HasPrefix(e.Field, "env[") {
			continue // env is built from fields checked below
		}
		errs = append(errs, e)
	}
	if g.Replicas > 1 && g.Database == nil {
		errs = append(errs, field.Invalid(field.NewPath("replicas"), g.Replicas, "more than one replica needs database: each replica would keep its own SQLite users and sessions on an emptyDir"))
	}
	errs = append(errs, validatePrometheusURL(g.PrometheusURL, field.NewPath("prometheusURL"))...)
	if g.AdminUser != "" && (!utf8Printable(g.AdminUser) || strings.TrimSpace(g.AdminUser) != g.AdminUser) {
		errs = append(errs, field.Invalid(field.NewPath("adminUser"), g.AdminUser, "must be printable UTF-8 without surrounding spaces"))
	}
	errs = append(errs, validateSecretKey(g.AdminPassword, true, field.NewPath("adminPassword"))...)
	if g.Database != nil {
		errs = append(errs, validateSecretKey(*g.Database, false, field.NewPath("database"))...)
	}
	for i, c := range g.Clients {
		cp := field.NewPath("clients").Index(i)
		if c.Namespace != "" {
			for _, msg := range validation.IsDNS1123Label(c.Namespace) {
				errs = append(errs, field.Invalid(cp.Child("namespace"), c.Namespace, msg))
			}
		} else if len(c.PodLabels) == 0 {
			errs = append(errs, field.Required(cp.Child("podLabels"), "or set namespace: an empty client would allow every pod of Grafana's namespace, which is already the default"))
		}
		errs = append(errs, validateLabelMap(c.PodLabels, cp.Child("podLabels"))...)
	}
	errs = append(errs, g.Application.validate(field.NewPath("application"))...)
	taken := map[string]bool{}
	for _, d := range BuiltinDashboards(ApplicationMetrics{}) {
		taken[d.UID] = true
	}
	errs = append(errs, validateDashboards(g.Dashboards, taken, field.NewPath("dashboards"))...)
	if g.Folder != "" {
		errs = append(errs, validateText(g.Folder, field.NewPath("folder"))...)
	}
	return errs
}

func validatePrometheusURL(s string, p *field.Path) field.ErrorList {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return field.ErrorList{field.Invalid(p, s, err.Error())}
	case u.Scheme != "http" && u.Scheme != "https":
		return field.ErrorList{field.Invalid(p, s, "must be an http or https URL")}
	case u.Host == "" || u.Hostname() == "":
		return field.ErrorList{field.Invalid(p, s, "must name a host")}
	case u.User != nil:
		return field.ErrorList{field.Invalid(p, "<redacted>", "must not hold credentials")}
	case u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return field.ErrorList{field.Invalid(p, s, "must have no query or fragment")}
	case !utf8Printable(s) || strings.ContainsAny(s, " \t"):
		return field.ErrorList{field.Invalid(p, s, "must be printable without spaces")}
	}
	return nil
}

func validateSecretKey(k SecretKey, keyDefaulted bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if k.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), "the Secret holding it; secrets are never inlined"))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(k.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), k.Name, msg))
		}
	}
	if k.Key == "" {
		if !keyDefaulted {
			errs = append(errs, field.Required(p.Child("key"), ""))
		}
	} else {
		for _, msg := range validation.IsConfigMapKey(k.Key) {
			errs = append(errs, field.Invalid(p.Child("key"), k.Key, msg))
		}
	}
	return errs
}

func validateLabelMap(m map[string]string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(m) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(m[k]) {
			errs = append(errs, field.Invalid(p.Key(k), m[k], msg))
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// datasourcesFile is Grafana's datasource provisioning file.
type datasourcesFile struct {
	APIVersion  int          `json:"apiVersion"`
	Datasources []datasource `json:"datasources"`
}

type datasource struct {
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	UID       string         `json:"uid"`
	Access    string         `json:"access"`
	URL       string         `json:"url"`
	IsDefault bool           `json:"isDefault"`
	Editable  bool           `json:"editable"`
	JSONData  map[string]any `json:"jsonData"`
}

// providersFile is Grafana's dashboard provider provisioning file.
type providersFile struct {
	APIVersion int        `json:"apiVersion"`
	Providers  []provider `json:"providers"`
}

type provider struct {
	Name                  string          `json:"name"`
	OrgID                 int             `json:"orgId"`
	Folder                string          `json:"folder"`
	Type                  string          `json:"type"`
	DisableDeletion       bool            `json:"disableDeletion"`
	AllowUIUpdates        bool            `json:"allowUiUpdates"`
	UpdateIntervalSeconds int             `json:"updateIntervalSeconds"`
	Options               providerOptions `json:"options"`
}

type providerOptions struct {
	Path string `json:"path"`
}

// Build validates the spec and returns Grafana's objects.
func (g Grafana) Build() (*Result, error) {
	if errs := g.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	w := g.workload()
	objs, err := w.Build()
	if err != nil {
		return nil, err
	}
	name, ns := w.Name, w.Namespace
	labels := objs.Deployment.Labels

	dsYAML, err := yaml.Marshal(datasourcesFile{APIVersion: 1, Datasources: []datasource{{
		Name: "Prometheus", Type: "prometheus", UID: DatasourceUID, Access: "proxy",
		URL: or(g.PrometheusURL, DefaultPrometheusURL), IsDefault: true, Editable: false,
		JSONData: map[string]any{"httpMethod": "POST", "timeInterval": "30s"},
	}}})
	if err != nil {
		return nil, err
	}
	provYAML, err := yaml.Marshal(providersFile{APIVersion: 1, Providers: []provider{{
		Name: "prodkube", OrgID: 1, Folder: or(g.Folder, "Kubernetes"), Type: "file",
		DisableDeletion: true, AllowUIUpdates: false, UpdateIntervalSeconds: 60,
		Options: providerOptions{Path: dashboardsDir},
	}}})
	if err != nil {
		return nil, err
	}
	provisioning := configMap(name+"-provisioning", ns, labels, map[string]string{
		"datasources.yaml": string(dsYAML),
		"dashboards.yaml":  string(provYAML),
	})
	boards := map[string]string{}
	for _, d := range append(BuiltinDashboards(g.Application), g.Dashboards...) {
		js, err := renderDashboard(d, DatasourceUID)
		if err != nil {
			return nil, err
		}
		boards[d.UID+".json"] = string(js)
	}
	dashboards := configMap(name+"-dashboards", ns, labels, boards)

	tmpl := &objs.Deployment.Spec.Template
	c := &tmpl.Spec.Containers[0]
	c.ImagePullPolicy = corev1.PullAlways
	c.VolumeMounts = append(c.VolumeMounts,
		corev1.VolumeMount{Name: "provisioning", MountPath: provisioningDir, ReadOnly: true},
		corev1.VolumeMount{Name: "dashboards", MountPath: dashboardsDir, ReadOnly: true},
		corev1.VolumeMount{Name: "admin-password", MountPath: adminSecretDir, ReadOnly: true},
	)
	mode := int32(0o440)
	tmpl.Spec.Volumes = append(tmpl.Spec.Volumes,
		corev1.Volume{Name: "provisioning", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: provisioning.Name},
			Items: []corev1.KeyToPath{
				{Key: "dashboards.yaml", Path: "dashboards/prodkube.yaml"},
				{Key: "datasources.yaml", Path: "datasources/prometheus.yaml"},
			},
		}}},
		corev1.Volume{Name: "dashboards", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: dashboards.Name},
		}}},
		corev1.Volume{Name: "admin-password", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName:  g.AdminPassword.Name,
			Items:       []corev1.KeyToPath{{Key: or(g.AdminPassword.Key, DefaultAdminKey), Path: or(g.AdminPassword.Key, DefaultAdminKey)}},
			DefaultMode: &mode,
		}}},
	)
	tmpl.Annotations = map[string]string{"checksum/config": checksum(provisioning, dashboards)}
	if errs := security.CheckPodSpec(security.LevelRestricted, &tmpl.ObjectMeta, &tmpl.Spec); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	res := &Result{
		ServiceAccount: objs.ServiceAccount,
		Provisioning:   provisioning,
		Dashboards:     dashboards,
		Service:        objs.Service,
		NetworkPolicy:  g.networkPolicy(name, ns, labels, objs.Deployment.Spec.Selector.MatchLabels),
		Deployment:     objs.Deployment,
	}
	if w.Replicas >= 2 {
		res.PodDisruptionBudget = objs.PodDisruptionBudget
	}
	return res, nil
}

func configMap(name, ns string, labels, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Data:       data,
	}
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

// checksum hashes the data of the ConfigMaps in key order.
func checksum(cms ...*corev1.ConfigMap) string {
	h := sha256.New()
	for _, cm := range cms {
		for _, k := range sortedKeys(cm.Data) {
			h.Write([]byte(cm.Name + "\x00" + k + "\x00" + cm.Data[k] + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (g Grafana) networkPolicy(name, ns string, labels, selector map[string]string) *networkingv1.NetworkPolicy {
	port := intstr.FromString("http")
	tcp := corev1.ProtocolTCP
	var from []networkingv1.NetworkPolicyPeer
	if len(g.Clients) == 0 {
		from = []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}
	}
	for _, c := range g.Clients {
		peer := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: copyMap(c.PodLabels)}}
		if c.Namespace != "" && c.Namespace != ns {
			peer.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: c.Namespace}}
		}
		from = append(from, peer)
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(selector)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From:  from,
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port}},
			}},
		},
	}
}
