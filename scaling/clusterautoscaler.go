package scaling

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/internal/names"
	"github.com/prodkube/prodkube/version"
)

// CloudProvider is a value of the autoscaler's --cloud-provider flag.
type CloudProvider string

// Cloud providers accepted by --cloud-provider (a selection of the providers built
// into the upstream image).
const (
	CloudProviderAWS        CloudProvider = "aws"
	CloudProviderAzure      CloudProvider = "azure"
	CloudProviderClusterAPI CloudProvider = "clusterapi"
	CloudProviderGCE        CloudProvider = "gce"
	CloudProviderHetzner    CloudProvider = "hetzner"
	CloudProviderOCI        CloudProvider = "oci"
)

var cloudProviders = []string{"aws", "azure", "clusterapi", "gce", "hetzner", "oci"}

// Expander is a value of the autoscaler's --expander flag: how it picks the node
// group to grow.
type Expander string

// Expanders of the upstream autoscaler.
const (
	ExpanderLeastWaste Expander = "least-waste"
	ExpanderMostPods   Expander = "most-pods"
	ExpanderPrice      Expander = "price"
	ExpanderPriority   Expander = "priority"
	ExpanderRandom     Expander = "random"
)

var expanders = []string{"least-waste", "most-pods", "price", "priority", "random"}

// Names of the ConfigMaps the autoscaler writes (status) and reads (priority expander)
// in its own namespace.
const (
	StatusConfigMap           = "cluster-autoscaler-status"
	PriorityExpanderConfigMap = "cluster-autoscaler-priority-expander"
)

// NodeGroup is a static node group for --nodes=min:max:name.
type NodeGroup struct {
	// Name is the provider's name of the group (e.g. the AWS Auto Scaling group).
	Name string
	// Min and Max bound the group's size; 0 ≤ Min ≤ Max, Max ≥ 1.
	Min, Max int
}

// ClusterAutoscaler is the intent for a cluster-autoscaler installation.
//
// One spec yields the whole bundle: ServiceAccount, ClusterRole and binding, a Role
// and binding for its own ConfigMaps and leader-election Lease, the Deployment and a
// PodDisruptionBudget. The pod runs as nobody (65534) under Pod Security "restricted"
// with system-cluster-critical priority, and the image tag's minor matches the
// cluster's Kubernetes minor.
type ClusterAutoscaler struct {
	// KubernetesVersion is the cluster's version; required. It selects the image.
	KubernetesVersion version.Version
	// Release pins the autoscaler release (e.g. v1.36.1). Zero means the newest release
	// known to this package for the cluster's minor. Its minor must equal the
	// cluster's minor.
	Release version.Version
	// Namespace is where the autoscaler runs; empty means kube-system.
	Namespace string

	// CloudProvider is the --cloud-provider value; required.
	CloudProvider CloudProvider
	// NodeGroups are static node groups (--nodes); names must be unique.
	NodeGroups []NodeGroup
	// AutoDiscovery are --node-group-auto-discovery values, e.g.
	// "asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/prod".
	AutoDiscovery []string

	// Expanders is the --expander chain; empty means least-waste.
	Expanders []Expander
	// BalanceSimilarNodeGroups sets --balance-similar-node-groups, keeping similar groups
	// (e.g. one per zone) the same size.
	BalanceSimilarNodeGroups bool
	// SkipNodesWithLocalStorage, when nil, sets --skip-nodes-with-local-storage=false so
	// nodes running pods with emptyDir volumes can still be scaled down (the
	// autoscaler's own default, true, never removes them, and most pods mount an
	// emptyDir); set it to true to keep such nodes.
	SkipNodesWithLocalStorage *bool
	// ScaleDownDelayAfterAdd is --scale-down-delay-after-add; 0 keeps the autoscaler's
	// default (10m).
	ScaleDownDelayAfterAdd time.Duration
	// ScaleDownUnneededTime is --scale-down-unneeded-time; 0 keeps the default (10m).
	ScaleDownUnneededTime time.Duration
	// ScaleDownUtilizationThreshold is --scale-down-utilization-threshold, in (0, 1];
	// 0 keeps the default (0.5).
	ScaleDownUtilizationThreshold float64

	// Replicas is the number of pods (leader election keeps one active); 0 means 2.
	Replicas int32
	// Resources are the container's requests and limits; nil means 100m CPU and
	// 600Mi memory for both.
	Resources *corev1.ResourceRequirements
	// Env adds provider settings such as AWS_REGION. Secrets must be referenced with
	// valueFrom, never inlined.
	Env []corev1.EnvVar
	// ServiceAccountAnnotations are set on the ServiceAccount, e.g.
	// eks.amazonaws.com/role-arn for IAM roles for service accounts.
	ServiceAccountAnnotations map[string]string
}

// ClusterAutoscalerBundle is the set of objects that installs the autoscaler.
type ClusterAutoscalerBundle struct {
	// ServiceAccount is the autoscaler's identity; it does not mount its token by
	// default (the Deployment's pod opts in).
	ServiceAccount *corev1.ServiceAccount
	// ClusterRole grants the cluster-wide reads, node updates and evictions.
	ClusterRole *rbacv1.ClusterRole
	// ClusterRoleBinding binds ClusterRole to ServiceAccount.
	ClusterRoleBinding *rbacv1.ClusterRoleBinding
	// Role grants the status (and priority-expander) ConfigMaps and the
	// leader-election Lease, by name, in the autoscaler's namespace.
	Role *rbacv1.Role
	// RoleBinding binds Role to ServiceAccount.
	RoleBinding *rbacv1.RoleBinding
	// Deployment runs the autoscaler.
	Deployment *appsv1.Deployment
	// PodDisruptionBudget lets a node drain take at most one autoscaler pod at a time.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
}

// Objects lists the bundle's objects in apply order.
func (b *ClusterAutoscalerBundle) Objects() []prodkube.Object {
	return []prodkube.Object{b.ServiceAccount, b.ClusterRole, b.ClusterRoleBinding, b.Role, b.RoleBinding, b.Deployment, b.PodDisruptionBudget}
}

const caName = "cluster-autoscaler"

// caUID is the user the upstream image's examples run as (nobody).
const caUID int64 = 65534

// Validate reports every problem with the spec, each with its field path.
func (c ClusterAutoscaler) Validate() field.ErrorList {
	_, errs := c.build()
	return errs
}

// Build validates the spec and returns the bundle, or an error listing every problem.
func (c ClusterAutoscaler) Build() (*ClusterAutoscalerBundle, error) {
	b, errs := c.build()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return b, nil
}

// Image returns the image the spec selects, or an error when none is known.
func (c ClusterAutoscaler) Image() (string, error) {
	rel, errs := c.release()
	if len(errs) > 0 {
		return "", errs.ToAggregate()
	}
	return "registry.k8s.io/autoscaling/cluster-autoscaler:" + rel.String(), nil
}

func (c ClusterAutoscaler) release() (version.Version, field.ErrorList) {
	kv := c.KubernetesVersion
	if kv == (version.Version{}) {
		return version.Version{}, field.ErrorList{field.Required(field.NewPath("kubernetesVersion"), "must be the cluster's Kubernetes version, e.g. v1.36.3; it selects the autoscaler image")}
	}
	if c.Release != (version.Version{}) {
		if !c.Release.SameMinor(kv) {
			return version.Version{}, field.ErrorList{field.Invalid(field.NewPath("release"), c.Release.String(),
				fmt.Sprintf("must have the cluster's minor %s: cluster-autoscaler releases match Kubernetes minors exactly", kv.MinorString()))}
		}
		return c.Release, nil
	}
	rel, ok := ClusterAutoscalerRelease(kv)
	if !ok {
		return version.Version{}, field.ErrorList{field.Invalid(field.NewPath("kubernetesVersion"), kv.String(),
			fmt.Sprintf("no cluster-autoscaler release is known for %s; set release to a published %s.x tag", kv.MinorString(), kv.MinorString()))}
	}
	return rel, nil
}

// Args returns the autoscaler's command-line flags for the spec (without validation).
func (c ClusterAutoscaler) Args() []string {
	args := []string{
		"--cloud-provider=" + string(c.CloudProvider),
		"--namespace=" + c.namespace(),
	}
	for _, g := range c.NodeGroups {
		args = append(args, fmt.Sprintf("--nodes=%d:%d:%s", g.Min, g.Max, g.Name))
	}
	for _, d := range c.AutoDiscovery {
		args = append(args, "--node-group-auto-discovery="+d)
	}
	exp := make([]string, 0, len(c.Expanders))
	for _, e := range c.Expanders {
		exp = append(exp, string(e))
	}
	if len(exp) == 0 {
		exp = []string{string(ExpanderLeastWaste)}
	}
	args = append(args, "--expander="+strings.Join(exp, ","))
	if c.BalanceSimilarNodeGroups {
		args = append(args, "--balance-similar-node-groups=true")
	}
	skip := false
	if c.SkipNodesWithLocalStorage != nil {
		skip = *c.SkipNodesWithLocalStorage
	}
	args = append(args, "--skip-nodes-with-local-storage="+strconv.FormatBool(skip))
	if c.ScaleDownDelayAfterAdd != 0 {
		args = append(args, "--scale-down-delay-after-add="+c.ScaleDownDelayAfterAdd.String())
	}
	if c.ScaleDownUnneededTime != 0 {
		args = append(args, "--scale-down-unneeded-time="+c.ScaleDownUnneededTime.String())
	}
	if c.ScaleDownUtilizationThreshold != 0 {
		args = append(args, "--scale-down-utilization-threshold="+strconv.FormatFloat(c.ScaleDownUtilizationThreshold, 'f', -1, 64))
	}
	return args
}

func (c ClusterAutoscaler) namespace() string {
	if c.Namespace == "" {
		return "kube-system"
	}
	return c.Namespace
}

func (c ClusterAutoscaler) usesPriorityExpander() bool {
	for _, e := range c.Expanders {
		if e == ExpanderPriority {
			return true
		}
	}
	return false
}

func (c ClusterAutoscaler) build() (*ClusterAutoscalerBundle, field.ErrorList) {
	rel, errs := c.release()
	ns := c.namespace()
	if c.Namespace != "" {
		errs = append(errs, names.Label(c.Namespace, field.NewPath("namespace"))...)
	}
	if c.CloudProvider == "" {
		errs = append(errs, field.Required(field.NewPath("cloudProvider"), "must name the cloud provider: "+quoteList(cloudProviders)))
	} else if !contains(cloudProviders, string(c.CloudProvider)) {
		errs = append(errs, field.NotSupported(field.NewPath("cloudProvider"), string(c.CloudProvider), cloudProviders))
	}
	if len(c.NodeGroups) == 0 && len(c.AutoDiscovery) == 0 {
		errs = append(errs, field.Required(field.NewPath("nodeGroups"), "must list node groups or set autoDiscovery; without either the autoscaler manages nothing"))
	}
	seen := map[string]int{}
	for i, g := range c.NodeGroups {
		p := field.NewPath("nodeGroups").Index(i)
		switch {
		case g.Name == "":
			errs = append(errs, field.Required(p.Child("name"), "must name the provider's node group"))
		case strings.ContainsAny(g.Name, " \t\n\r,=") || !isPrintableASCII(g.Name):
			errs = append(errs, field.Invalid(p.Child("name"), g.Name, "must be printable ASCII without spaces, ',' or '='"))
		}
		if j, dup := seen[g.Name]; dup && g.Name != "" {
			errs = append(errs, field.Duplicate(p.Child("name"), fmt.Sprintf("%s (also nodeGroups[%d])", g.Name, j)))
		}
		seen[g.Name] = i
		if g.Min < 0 {
			errs = append(errs, field.Invalid(p.Child("min"), g.Min, "must not be negative"))
		}
		if g.Max < 1 {
			errs = append(errs, field.Invalid(p.Child("max"), g.Max, "must be at least 1"))
		} else if g.Max < g.Min {
			errs = append(errs, field.Invalid(p.Child("max"), g.Max, fmt.Sprintf("must be at least min (%d)", g.Min)))
		}
	}
	for i, d := range c.AutoDiscovery {
		p := field.NewPath("autoDiscovery").Index(i)
		name, rest, ok := strings.Cut(d, ":")
		if !ok || name == "" || rest == "" || strings.ContainsAny(d, " \t\n\r") || !isPrintableASCII(d) {
			errs = append(errs, field.Invalid(p, d, "must be <discoverer>:<key>[=<value>],..., e.g. asg:tag=k8s.io/cluster-autoscaler/enabled"))
		}
	}
	seenExp := map[Expander]bool{}
	for i, e := range c.Expanders {
		p := field.NewPath("expanders").Index(i)
		if !contains(expanders, string(e)) {
			errs = append(errs, field.NotSupported(p, string(e), expanders))
		} else if seenExp[e] {
			errs = append(errs, field.Duplicate(p, string(e)))
		}
		seenExp[e] = true
	}
	if d := c.ScaleDownDelayAfterAdd; d < 0 || (d != 0 && d < time.Second) {
		errs = append(errs, field.Invalid(field.NewPath("scaleDownDelayAfterAdd"), d.String(), "must be at least 1s, or 0 for the default 10m"))
	}
	if d := c.ScaleDownUnneededTime; d < 0 || (d != 0 && d < time.Second) {
		errs = append(errs, field.Invalid(field.NewPath("scaleDownUnneededTime"), d.String(), "must be at least 1s, or 0 for the default 10m"))
	}
	if t := c.ScaleDownUtilizationThreshold; math.IsNaN(t) || t < 0 || t > 1 {
		errs = append(errs, field.Invalid(field.NewPath("scaleDownUtilizationThreshold"), t, "must be a fraction in (0, 1], e.g. 0.5, or 0 for the default"))
	}
	replicas := c.Replicas
	if replicas == 0 {
		replicas = 2
	}
	if replicas < 0 {
		errs = append(errs, field.Invalid(field.NewPath("replicas"), c.Replicas, "must be positive, or 0 for 2"))
	}
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("600Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("600Mi")},
	}
	if c.Resources != nil {
		res = *c.Resources.DeepCopy()
		p := field.NewPath("resources")
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, hasReq := res.Requests[r]
			lim, hasLim := res.Limits[r]
			if !hasReq || req.Sign() <= 0 {
				errs = append(errs, field.Required(p.Child("requests").Key(string(r)), "must be a positive request"))
			}
			if !hasLim || lim.Sign() <= 0 {
				errs = append(errs, field.Required(p.Child("limits").Key(string(r)), "must be a positive limit"))
			}
			if hasReq && hasLim && req.Cmp(lim) > 0 {
				errs = append(errs, field.Invalid(p.Child("requests").Key(string(r)), req.String(), "must not exceed the limit "+lim.String()))
			}
		}
	}
	for i, e := range c.Env {
		p := field.NewPath("env").Index(i)
		if e.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "must name the variable"))
		} else {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), e.Name, msg))
			}
		}
		if e.Value != "" && looksSecret(e.Name) {
			errs = append(errs, field.Forbidden(p.Child("value"), "looks like a credential: reference a Secret with valueFrom.secretKeyRef instead of inlining it"))
		}
	}
	errs = append(errs, validateAnnotations(c.ServiceAccountAnnotations, field.NewPath("serviceAccountAnnotations"))...)
	if len(errs) > 0 {
		return nil, errs
	}

	labels := map[string]string{
		"app.kubernetes.io/name":       caName,
		"app.kubernetes.io/component":  "autoscaler",
		"app.kubernetes.io/part-of":    "prodkube",
		"app.kubernetes.io/managed-by": "prodkube",
		"app.kubernetes.io/version":    rel.String(),
	}
	selector := map[string]string{"app.kubernetes.io/name": caName}
	meta := func(namespaced bool) metav1.ObjectMeta {
		m := metav1.ObjectMeta{Name: caName, Labels: mergeLabels(labels, nil)}
		if namespaced {
			m.Namespace = ns
		}
		return m
	}
	falseV, trueV := false, true
	uid := caUID

	sa := &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   meta(true),
		AutomountServiceAccountToken: &falseV,
	}
	if len(c.ServiceAccountAnnotations) > 0 {
		sa.Annotations = mergeLabels(nil, c.ServiceAccountAnnotations)
	}
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: caName, Namespace: ns}}

	roleRules := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"create"}},
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{StatusConfigMap}, Verbs: []string{"delete", "get", "update"}},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"create"}},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, ResourceNames: []string{caName}, Verbs: []string{"get", "update"}},
	}
	if c.usesPriorityExpander() {
		roleRules = append(roleRules,
			rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"list", "watch"}},
			rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{PriorityExpanderConfigMap}, Verbs: []string{"get", "watch"}},
		)
	}

	podLabels := mergeLabels(labels, nil)
	deploy := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta(true),
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: podLabels,
					// The autoscaler must never evict itself while draining a node.
					Annotations: map[string]string{"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"},
				},
				Spec: corev1.PodSpec{
					ServiceAccountName: caName,
					// The autoscaler talks to the API server, so this pod (and only
					// this pod) mounts the ServiceAccount token.
					AutomountServiceAccountToken: &trueV,
					PriorityClassName:            "system-cluster-critical",
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   &trueV,
						RunAsUser:      &uid,
						RunAsGroup:     &uid,
						FSGroup:        &uid,
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
						MaxSkew:           1,
						TopologyKey:       "kubernetes.io/hostname",
						WhenUnsatisfiable: corev1.ScheduleAnyway,
						LabelSelector:     &metav1.LabelSelector{MatchLabels: selector},
					}},
					Containers: []corev1.Container{{
						Name:            caName,
						Image:           "registry.k8s.io/autoscaling/cluster-autoscaler:" + rel.String(),
						ImagePullPolicy: corev1.PullIfNotPresent,
						Command:         []string{"./cluster-autoscaler"},
						Args:            c.Args(),
						Env:             copyEnv(c.Env),
						Ports:           []corev1.ContainerPort{{Name: "metrics", ContainerPort: 8085, Protocol: corev1.ProtocolTCP}},
						LivenessProbe: &corev1.Probe{
							ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
								Path: "/health-check", Port: intstr.FromInt32(8085), Scheme: corev1.URISchemeHTTP,
							}},
							InitialDelaySeconds: 30,
							PeriodSeconds:       10,
							TimeoutSeconds:      5,
							FailureThreshold:    6,
						},
						Resources: res,
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: &falseV,
							ReadOnlyRootFilesystem:   &trueV,
							RunAsNonRoot:             &trueV,
							RunAsUser:                &uid,
							RunAsGroup:               &uid,
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
					}},
				},
			},
		},
	}
	maxUnavailable := intstr.FromInt32(1)
	return &ClusterAutoscalerBundle{
		ServiceAccount: sa,
		ClusterRole: &rbacv1.ClusterRole{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
			ObjectMeta: meta(false),
			Rules:      clusterAutoscalerClusterRules(),
		},
		ClusterRoleBinding: &rbacv1.ClusterRoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
			ObjectMeta: meta(false),
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: caName},
			Subjects:   subject,
		},
		Role: &rbacv1.Role{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
			ObjectMeta: meta(true),
			Rules:      roleRules,
		},
		RoleBinding: &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: meta(true),
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: caName},
			Subjects:   append([]rbacv1.Subject(nil), subject...),
		},
		Deployment: deploy,
		PodDisruptionBudget: &policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: meta(true),
			Spec: policyv1.PodDisruptionBudgetSpec{
				MaxUnavailable: &maxUnavailable,
				Selector:       &metav1.LabelSelector{MatchLabels: selector},
			},
		},
	}, nil
}

// clusterAutoscalerClusterRules are the cluster-wide permissions of the autoscaler,
// following the upstream AWS example manifests (cluster-autoscaler-autodiscover.yaml)
// and Helm chart: read what the scheduler simulation needs, update nodes (taints),
// evict pods, record events. Two upstream rules are left out on purpose: the
// "extensions" group (no longer served since Kubernetes 1.16) and Endpoints (leader
// election uses Leases, granted by name in the Role). Dynamic Resource Allocation
// objects are readable because the autoscaler simulates DRA scheduling.
func clusterAutoscalerClusterRules() []rbacv1.PolicyRule {
	read := []string{"watch", "list", "get"}
	return []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
		{APIGroups: []string{""}, Resources: []string{"pods/eviction"}, Verbs: []string{"create"}},
		{APIGroups: []string{""}, Resources: []string{"pods/status"}, Verbs: []string{"update"}},
		{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: []string{"watch", "list", "get", "update"}},
		{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims", "persistentvolumes"}, Verbs: read},
		{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: []string{"watch", "list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"statefulsets", "replicasets", "daemonsets"}, Verbs: read},
		{APIGroups: []string{"storage.k8s.io"}, Resources: []string{"storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"}, Verbs: read},
		{APIGroups: []string{"resource.k8s.io"}, Resources: []string{"resourceclaims", "resourceslices", "deviceclasses"}, Verbs: read},
		{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: []string{"get", "list", "watch", "patch"}},
	}
}

func copyEnv(env []corev1.EnvVar) []corev1.EnvVar {
	if len(env) == 0 {
		return nil
	}
	out := make([]corev1.EnvVar, len(env))
	for i := range env {
		env[i].DeepCopyInto(&out[i])
	}
	return out
}

// looksSecret reports whether an environment variable name suggests a credential.
func looksSecret(name string) bool {
	n := strings.ToUpper(name)
	for _, s := range []string{"SECRET", "PASSWORD", "TOKEN", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
