package monitoring

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
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

// Images of the exporters, pinned to releases.
const (
	DefaultNodeExporterImage     = "quay.io/prometheus/node-exporter:v1.12.0"
	DefaultKubeStateMetricsImage = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0"
)

// Defaults of NodeExporter and KubeStateMetrics.
const (
	DefaultNodeExporterName     = "node-exporter"
	DefaultKubeStateMetricsName = "kube-state-metrics"
	// DefaultNodeExporterNamespace is node-exporter's own namespace: it
	// needs Pod Security "privileged", which the restricted monitoring
	// namespace must not be lowered to.
	DefaultNodeExporterNamespace = "node-exporter"
	// DefaultNodePriorityClassName is the priority class of node-exporter:
	// a per-node agent that must not be evicted for lack of room.
	DefaultNodePriorityClassName = "system-node-critical"
	NodeExporterPort             = 9100
	KubeStateMetricsPort         = 8080
	KubeStateMetricsTelemetry    = 8081
)

// NodeExporter is the intent for Prometheus' node-exporter on every node:
// a DaemonSet that reads the host's /proc, /sys and root file system
// read-only, in the host's PID and network namespaces, and the namespace it
// needs.
//
// Those host namespaces and hostPath volumes are forbidden by Pod Security
// "baseline" as well as "restricted", so node-exporter runs in a namespace
// of its own that enforces "privileged"; Build writes that Namespace. The
// container itself still runs as non-root with a read-only root file
// system, no capabilities and no privilege escalation.
type NodeExporter struct {
	// Name of the DaemonSet, Service and ServiceAccount. Default:
	// DefaultNodeExporterName.
	Name string
	// Namespace, written by Build with Pod Security "privileged". It must
	// not be one that other workloads share. Default:
	// DefaultNodeExporterNamespace.
	Namespace string
	// NamespaceLevel is the Pod Security level the namespace enforces.
	// Only "privileged" admits node-exporter; any other value is refused.
	// Default: privileged.
	NamespaceLevel security.Level
	// Image pinned by tag or digest. Default: DefaultNodeExporterImage.
	Image string
	// Resources of the container. Default: requests of 50m CPU, 64Mi memory
	// and 64Mi ephemeral storage, limits of 250m, 128Mi and 128Mi. When set,
	// requests and limits of CPU, memory and ephemeral storage are required.
	Resources corev1.ResourceRequirements
	// PriorityClassName of the pods. Default: DefaultNodePriorityClassName.
	PriorityClassName string
	// PrometheusNamespace is where the Prometheus servers run; the
	// NetworkPolicy admits their pods. Default: DefaultNamespace.
	PrometheusNamespace string
	// Labels are added to every object.
	Labels map[string]string
}

// NodeExporterBundle holds what NodeExporter.Build returns.
type NodeExporterBundle struct {
	// Namespace enforces Pod Security "privileged".
	Namespace *corev1.Namespace
	// ServiceAccount without an API token: node-exporter reads only the
	// host.
	ServiceAccount *corev1.ServiceAccount
	// NetworkPolicy admits Prometheus on the metrics port and nothing
	// else, and allows no egress. Most network plugins do not apply
	// policies to host-network pods; it documents the intent and holds
	// where they do.
	NetworkPolicy *networkingv1.NetworkPolicy
	// Service is headless; Prometheus discovers the pods through it.
	Service *corev1.Service
	// DaemonSet runs one pod on every node, control-plane nodes included.
	DaemonSet *appsv1.DaemonSet
}

// Objects lists the Kubernetes objects in apply order.
func (b *NodeExporterBundle) Objects() []prodkube.Object {
	return []prodkube.Object{b.Namespace, b.ServiceAccount, b.NetworkPolicy, b.Service, b.DaemonSet}
}

// Validate reports every problem with the spec.
func (n NodeExporter) Validate() field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateWorkloadMeta(n.Name, n.Namespace, n.Image, n.PriorityClassName, n.PrometheusNamespace, n.Labels)...)
	if n.NamespaceLevel != "" && n.NamespaceLevel != security.LevelPrivileged {
		errs = append(errs, field.Invalid(field.NewPath("namespaceLevel"), n.NamespaceLevel,
			"node-exporter needs hostPID, hostNetwork and hostPath volumes, which Pod Security baseline and restricted forbid; its namespace must enforce privileged"))
	}
	if n.Namespace == DefaultNamespace {
		errs = append(errs, field.Invalid(field.NewPath("namespace"), n.Namespace, "must not be the restricted monitoring namespace: node-exporter needs a privileged one of its own"))
	}
	errs = append(errs, validateResources3(n.Resources, field.NewPath("resources"))...)
	return errs
}

// validateWorkloadMeta checks the fields every exporter shares.
func validateWorkloadMeta(name, namespace, image, priorityClass, promNamespace string, labels map[string]string) field.ErrorList {
	var errs field.ErrorList
	if name != "" {
		errs = append(errs, names.LabelFormat(name, field.NewPath("name"))...)
		if len(name) > 52 {
			errs = append(errs, field.TooLong(field.NewPath("name"), name, 52))
		}
	}
	if namespace != "" {
		errs = append(errs, names.LabelFormat(namespace, field.NewPath("namespace"))...)
	}
	if promNamespace != "" {
		errs = append(errs, names.LabelFormat(promNamespace, field.NewPath("prometheusNamespace"))...)
	}
	if image != "" {
		errs = append(errs, validateImage(image, field.NewPath("image"))...)
	}
	if priorityClass != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(priorityClass, false) {
			errs = append(errs, field.Invalid(field.NewPath("priorityClassName"), priorityClass, msg))
		}
	}
	errs = append(errs, names.Labels(labels, field.NewPath("labels"))...)
	for _, k := range sortedKeys(labels) {
		if k == "app.kubernetes.io/name" || k == "app.kubernetes.io/instance" {
			errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "set by prodkube: it selects the pods"))
		}
	}
	return errs
}

func workloadLabels(app, instance string, extra map[string]string) (selector, labels map[string]string) {
	selector = map[string]string{"app.kubernetes.io/name": app, "app.kubernetes.io/instance": instance}
	labels = copyMap(extra)
	if labels == nil {
		labels = map[string]string{}
	}
	for k, v := range selector {
		labels[k] = v
	}
	labels["app.kubernetes.io/component"] = "monitoring"
	return selector, labels
}

func orResources(r corev1.ResourceRequirements, req, lim [3]string) corev1.ResourceRequirements {
	if len(r.Requests) > 0 || len(r.Limits) > 0 {
		return *r.DeepCopy()
	}
	list := func(v [3]string) corev1.ResourceList {
		return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(v[0]), corev1.ResourceMemory: resource.MustParse(v[1]), corev1.ResourceEphemeralStorage: resource.MustParse(v[2])}
	}
	return corev1.ResourceRequirements{Requests: list(req), Limits: list(lim)}
}

// fromPrometheus admits the Prometheus pods of namespace on port.
func fromPrometheus(namespace string, port int32) networkingv1.NetworkPolicyIngressRule {
	tcp := corev1.ProtocolTCP
	p := intstr.FromInt32(port)
	return networkingv1.NetworkPolicyIngressRule{
		From: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": namespace}},
			PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "prometheus"}},
		}},
		Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &p}},
	}
}

// Build validates the spec and returns node-exporter's objects.
func (n NodeExporter) Build() (*NodeExporterBundle, error) {
	if errs := n.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	name, ns := orString(n.Name, DefaultNodeExporterName), orString(n.Namespace, DefaultNodeExporterNamespace)
	selector, labels := workloadLabels("node-exporter", name, n.Labels)

	nsObj, err := security.Namespace{Name: ns, Enforce: security.LevelPrivileged, Labels: map[string]string{"app.kubernetes.io/component": "monitoring"}}.Build()
	if err != nil {
		return nil, err
	}
	sa, err := security.ServiceAccount{Name: name, Namespace: ns, Labels: labels}.Build()
	if err != nil {
		return nil, err
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  copyMap(selector),
			Ports:     []corev1.ServicePort{{Name: "metrics", Port: NodeExporterPort, TargetPort: intstr.FromString("metrics"), Protocol: corev1.ProtocolTCP}},
		},
	}
	uid := prometheusUID
	sc, err := security.Restricted{RunAsUser: &uid, RunAsGroup: &uid}.Build()
	if err != nil {
		return nil, err
	}
	hostPath := func(vol, path string) corev1.Volume {
		return corev1.Volume{Name: vol, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}}}
	}
	probe := func(period int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("metrics")}},
			PeriodSeconds: period, TimeoutSeconds: 3, FailureThreshold: 3,
		}
	}
	htc := corev1.MountPropagationHostToContainer
	spec := corev1.PodSpec{
		ServiceAccountName:           name,
		AutomountServiceAccountToken: ptr(false),
		PriorityClassName:            orString(n.PriorityClassName, DefaultNodePriorityClassName),
		HostNetwork:                  true,
		HostPID:                      true,
		DNSPolicy:                    corev1.DNSClusterFirstWithHostNet,
		// Every node, whatever its taints: a node without metrics is a
		// node nobody watches.
		Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
		Containers: []corev1.Container{{
			Name:            "node-exporter",
			Image:           orString(n.Image, DefaultNodeExporterImage),
			ImagePullPolicy: corev1.PullAlways,
			Args: []string{
				"--path.procfs=/host/proc",
				"--path.sysfs=/host/sys",
				"--path.rootfs=/host/root",
				fmt.Sprintf("--web.listen-address=$(HOST_IP):%d", NodeExporterPort),
				"--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
			},
			Env: []corev1.EnvVar{{Name: "HOST_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.hostIP"}}}},
			// In the host network, the container port is the node's port.
			Ports:          []corev1.ContainerPort{{Name: "metrics", ContainerPort: NodeExporterPort, HostPort: NodeExporterPort, Protocol: corev1.ProtocolTCP}},
			ReadinessProbe: probe(10),
			LivenessProbe:  probe(20),
			Resources:      orResources(n.Resources, [3]string{"50m", "64Mi", "64Mi"}, [3]string{"250m", "128Mi", "128Mi"}),
			VolumeMounts: []corev1.VolumeMount{
				{Name: "proc", MountPath: "/host/proc", ReadOnly: true},
				{Name: "sys", MountPath: "/host/sys", ReadOnly: true},
				{Name: "root", MountPath: "/host/root", ReadOnly: true, MountPropagation: &htc},
			},
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}},
		Volumes: []corev1.Volume{hostPath("proc", "/proc"), hostPath("sys", "/sys"), hostPath("root", "/")},
	}
	sc.Apply(&spec)

	ds := &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: copyMap(selector)},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: ptr(intstr.FromString("10%"))}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: copyMap(labels)}, Spec: spec},
		},
	}
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(selector)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{fromPrometheus(orString(n.PrometheusNamespace, DefaultNamespace), NodeExporterPort)},
		},
	}
	return &NodeExporterBundle{Namespace: nsObj, ServiceAccount: sa, NetworkPolicy: np, Service: svc, DaemonSet: ds}, nil
}

// KubeStateMetrics is the intent for kube-state-metrics: a Deployment that
// turns the API server's objects into kube_* series, with read-only access
// to exactly the kinds it reports on.
type KubeStateMetrics struct {
	// Name of the Deployment, Service, ServiceAccount and ClusterRole.
	// Default: DefaultKubeStateMetricsName.
	Name string
	// Namespace, which must enforce Pod Security "restricted". Default:
	// DefaultNamespace.
	Namespace string
	// Image pinned by tag or digest. Default: DefaultKubeStateMetricsImage.
	Image string
	// Replicas of the Deployment. Every replica reports every object, so
	// more than one duplicates the series (and alerts). Default: 1; with
	// two or more, a PodDisruptionBudget keeps all but one running.
	Replicas int32
	// Collectors are the kinds reported (kube-state-metrics' --resources),
	// and the only kinds the ClusterRole may list and watch. Default:
	// DefaultCollectors.
	Collectors []string
	// Resources of the container. Default: requests of 100m CPU, 128Mi
	// memory and 64Mi ephemeral storage, limits of 500m, 512Mi and 128Mi.
	// When set, requests and limits of CPU, memory and ephemeral storage
	// are required.
	Resources corev1.ResourceRequirements
	// PriorityClassName of the pods. Default: DefaultPriorityClassName.
	PriorityClassName string
	// PrometheusNamespace is where the Prometheus servers run; the
	// NetworkPolicy admits their pods. Default: Namespace.
	PrometheusNamespace string
	// Labels are added to every object.
	Labels map[string]string
}

// collectorAPI maps each kube-state-metrics collector to the API group and
// resource its informer lists and watches.
var collectorAPI = map[string][2]string{
	"configmaps":               {"", "configmaps"},
	"cronjobs":                 {"batch", "cronjobs"},
	"daemonsets":               {"apps", "daemonsets"},
	"deployments":              {"apps", "deployments"},
	"endpointslices":           {"discovery.k8s.io", "endpointslices"},
	"horizontalpodautoscalers": {"autoscaling", "horizontalpodautoscalers"},
	"jobs":                     {"batch", "jobs"},
	"limitranges":              {"", "limitranges"},
	"namespaces":               {"", "namespaces"},
	"nodes":                    {"", "nodes"},
	"persistentvolumeclaims":   {"", "persistentvolumeclaims"},
	"persistentvolumes":        {"", "persistentvolumes"},
	"poddisruptionbudgets":     {"policy", "poddisruptionbudgets"},
	"pods":                     {"", "pods"},
	"replicasets":              {"apps", "replicasets"},
	"resourcequotas":           {"", "resourcequotas"},
	"services":                 {"", "services"},
	"statefulsets":             {"apps", "statefulsets"},
	"storageclasses":           {"storage.k8s.io", "storageclasses"},
}

// DefaultCollectors are the kinds kube-state-metrics reports by default:
// what the alert rules use (nodes, pods) and the workload controllers,
// jobs, claims and disruption budgets a production cluster watches.
// Secrets are deliberately absent: reading them is not worth the risk.
var DefaultCollectors = []string{"cronjobs", "daemonsets", "deployments", "horizontalpodautoscalers", "jobs", "namespaces", "nodes",
	"persistentvolumeclaims", "persistentvolumes", "poddisruptionbudgets", "pods", "replicasets", "statefulsets"}

// KubeStateMetricsBundle holds what KubeStateMetrics.Build returns.
type KubeStateMetricsBundle struct {
	// ServiceAccount the pods run as.
	ServiceAccount *corev1.ServiceAccount
	// ClusterRole grants list and watch on the collected kinds only.
	ClusterRole *rbacv1.ClusterRole
	// ClusterRoleBinding binds ClusterRole to ServiceAccount.
	ClusterRoleBinding *rbacv1.ClusterRoleBinding
	// NetworkPolicy admits Prometheus on the metrics port and lets the pods
	// reach only the API server.
	NetworkPolicy *networkingv1.NetworkPolicy
	// Service exposes the metrics port ("http-metrics") for discovery.
	Service *corev1.Service
	// Deployment runs kube-state-metrics.
	Deployment *appsv1.Deployment
	// PodDisruptionBudget keeps all but one replica up; nil with one.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
}

// Objects lists the Kubernetes objects in apply order.
func (b *KubeStateMetricsBundle) Objects() []prodkube.Object {
	objs := []prodkube.Object{b.ServiceAccount, b.ClusterRole, b.ClusterRoleBinding, b.NetworkPolicy, b.Service, b.Deployment}
	if b.PodDisruptionBudget != nil {
		objs = append(objs, b.PodDisruptionBudget)
	}
	return objs
}

// Validate reports every problem with the spec.
func (k KubeStateMetrics) Validate() field.ErrorList {
	errs := validateWorkloadMeta(k.Name, k.Namespace, k.Image, k.PriorityClassName, k.PrometheusNamespace, k.Labels)
	if k.Replicas < 0 {
		errs = append(errs, field.Invalid(field.NewPath("replicas"), k.Replicas, "must not be negative (0 means the default of 1)"))
	}
	seen := map[string]bool{}
	known := make([]string, 0, len(collectorAPI))
	for c := range collectorAPI {
		known = append(known, c)
	}
	sort.Strings(known)
	for i, c := range k.Collectors {
		cp := field.NewPath("collectors").Index(i)
		if _, ok := collectorAPI[c]; !ok {
			errs = append(errs, field.NotSupported(cp, c, known))
		} else if seen[c] {
			errs = append(errs, field.Duplicate(cp, c))
		}
		seen[c] = true
	}
	errs = append(errs, validateResources3(k.Resources, field.NewPath("resources"))...)
	return errs
}

// Build validates the spec and returns kube-state-metrics' objects.
func (k KubeStateMetrics) Build() (*KubeStateMetricsBundle, error) {
	if errs := k.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	name, ns := orString(k.Name, DefaultKubeStateMetricsName), orString(k.Namespace, DefaultNamespace)
	selector, labels := workloadLabels("kube-state-metrics", name, k.Labels)
	collectors := append([]string(nil), k.Collectors...)
	if len(collectors) == 0 {
		collectors = append(collectors, DefaultCollectors...)
	}
	sort.Strings(collectors)

	sa, err := security.ServiceAccount{Name: name, Namespace: ns, Labels: labels}.Build()
	if err != nil {
		return nil, err
	}
	// One rule per API group, listing its resources: list and watch only.
	byGroup := map[string][]string{}
	for _, c := range collectors {
		api := collectorAPI[c]
		byGroup[api[0]] = append(byGroup[api[0]], api[1])
	}
	groups := sortedKeysOf(byGroup)
	var rules []security.Rule
	for _, g := range groups {
		res := byGroup[g]
		sort.Strings(res)
		rules = append(rules, security.Rule{APIGroups: []string{g}, Resources: res, Verbs: []string{"list", "watch"}})
	}
	roleName := ns + "-" + name
	cr, err := security.ClusterRole{Name: roleName, Labels: labels, Rules: rules}.Build()
	if err != nil {
		return nil, err
	}
	crb, err := security.ClusterRoleBinding{Name: roleName, RoleName: roleName, Subjects: []security.ServiceAccountRef{{Name: name, Namespace: ns}}, Labels: labels}.Build()
	if err != nil {
		return nil, err
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: corev1.ServiceSpec{
			Selector: copyMap(selector),
			Ports:    []corev1.ServicePort{{Name: "http-metrics", Port: KubeStateMetricsPort, TargetPort: intstr.FromString("http-metrics"), Protocol: corev1.ProtocolTCP}},
		},
	}
	uid := prometheusUID
	sc, err := security.Restricted{RunAsUser: &uid, RunAsGroup: &uid}.Build()
	if err != nil {
		return nil, err
	}
	collectorArg := "--resources="
	for i, c := range collectors {
		if i > 0 {
			collectorArg += ","
		}
		collectorArg += c
	}
	replicas := k.Replicas
	if replicas == 0 {
		replicas = 1
	}
	spec := corev1.PodSpec{
		ServiceAccountName: name,
		// kube-state-metrics reads the API with its service account token.
		AutomountServiceAccountToken: ptr(true),
		PriorityClassName:            orString(k.PriorityClassName, DefaultPriorityClassName),
		Containers: []corev1.Container{{
			Name:            "kube-state-metrics",
			Image:           orString(k.Image, DefaultKubeStateMetricsImage),
			ImagePullPolicy: corev1.PullAlways,
			Args: []string{
				fmt.Sprintf("--port=%d", KubeStateMetricsPort),
				fmt.Sprintf("--telemetry-port=%d", KubeStateMetricsTelemetry),
				collectorArg,
			},
			Ports: []corev1.ContainerPort{
				{Name: "http-metrics", ContainerPort: KubeStateMetricsPort, Protocol: corev1.ProtocolTCP},
				{Name: "telemetry", ContainerPort: KubeStateMetricsTelemetry, Protocol: corev1.ProtocolTCP},
			},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/livez", Port: intstr.FromString("http-metrics")}},
				PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3, InitialDelaySeconds: 5,
			},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromString("telemetry")}},
				PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3,
			},
			Resources:                orResources(k.Resources, [3]string{"100m", "128Mi", "64Mi"}, [3]string{"500m", "512Mi", "128Mi"}),
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}},
	}
	if replicas > 1 {
		spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}},
		}
	}
	sc.Apply(&spec)
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: copyMap(selector)},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: copyMap(labels)}, Spec: spec},
		},
	}
	tcp := corev1.ProtocolTCP
	p443, p6443 := intstr.FromInt32(443), intstr.FromInt32(6443)
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(selector)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{fromPrometheus(orString(k.PrometheusNamespace, ns), KubeStateMetricsPort)},
			// The API server: the "kubernetes" Service's port (443) and,
			// after the Service is translated, the API servers' own (6443).
			// Their addresses are the control-plane nodes', not pods'.
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}, {IPBlock: &networkingv1.IPBlock{CIDR: "::/0"}}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &p443}, {Protocol: &tcp, Port: &p6443}},
			}},
		},
	}
	b := &KubeStateMetricsBundle{ServiceAccount: sa, ClusterRole: cr, ClusterRoleBinding: crb, NetworkPolicy: np, Service: svc, Deployment: dep}
	if replicas > 1 {
		b.PodDisruptionBudget = &policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
			Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptr(intstr.FromInt32(1)), Selector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}},
		}
	}
	return b, nil
}

func sortedKeysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
