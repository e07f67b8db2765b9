package scaling

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodkube/prodkube/security"
	"github.com/prodkube/prodkube/version"
)

func validCA() ClusterAutoscaler {
	return ClusterAutoscaler{
		KubernetesVersion:             version.MustParse("v1.36.3"),
		CloudProvider:                 CloudProviderAWS,
		NodeGroups:                    []NodeGroup{{Name: "production-general", Min: 3, Max: 10}, {Name: "production-memory", Min: 1, Max: 5}},
		BalanceSimilarNodeGroups:      true,
		ScaleDownDelayAfterAdd:        10 * time.Minute,
		ScaleDownUnneededTime:         10 * time.Minute,
		ScaleDownUtilizationThreshold: 0.5,
	}
}

func TestClusterAutoscalerBundle(t *testing.T) {
	b, err := validCA().Build()
	if err != nil {
		t.Fatal(err)
	}
	d := b.Deployment
	c := d.Spec.Template.Spec.Containers[0]
	if c.Image != "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1" {
		t.Errorf("image = %s", c.Image)
	}
	wantArgs := []string{
		"--cloud-provider=aws",
		"--namespace=kube-system",
		"--nodes=3:10:production-general",
		"--nodes=1:5:production-memory",
		"--expander=least-waste",
		"--balance-similar-node-groups=true",
		"--skip-nodes-with-local-storage=false",
		"--scale-down-delay-after-add=10m0s",
		"--scale-down-unneeded-time=10m0s",
		"--scale-down-utilization-threshold=0.5",
	}
	if diff := cmp.Diff(wantArgs, c.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	// The pod passes Pod Security "restricted", judged by pod-security-admission.
	if errs := security.CheckPodSpec(security.LevelRestricted, &d.Spec.Template.ObjectMeta, &d.Spec.Template.Spec); len(errs) > 0 {
		t.Errorf("restricted: %v", errs)
	}
	ps := d.Spec.Template.Spec
	if ps.PriorityClassName != "system-cluster-critical" || *ps.SecurityContext.RunAsUser != 65534 || !*c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("pod hardening missing: %+v", ps.SecurityContext)
	}
	if len(c.Resources.Requests) != 2 || len(c.Resources.Limits) != 2 {
		t.Errorf("resources = %+v", c.Resources)
	}
	if *b.ServiceAccount.AutomountServiceAccountToken || !*ps.AutomountServiceAccountToken || ps.ServiceAccountName != b.ServiceAccount.Name {
		t.Error("token must be mounted by the autoscaler's pod only, not by default for the ServiceAccount")
	}
	// No wildcards anywhere in the RBAC.
	for _, rules := range [][]string{flatten(b.ClusterRole.Rules), flatten(b.Role.Rules)} {
		for _, s := range rules {
			if strings.Contains(s, "*") {
				t.Errorf("wildcard in rule: %s", s)
			}
		}
	}
	// Every object has its type set and names the same ServiceAccount.
	for _, o := range b.Objects() {
		if gvk := o.GetObjectKind().GroupVersionKind(); gvk.Kind == "" || gvk.Version == "" {
			t.Errorf("%s: missing apiVersion/kind", o.GetName())
		}
	}
	if b.ClusterRoleBinding.Subjects[0].Name != b.ServiceAccount.Name || b.RoleBinding.Subjects[0].Namespace != "kube-system" {
		t.Error("bindings do not name the ServiceAccount")
	}
	// The priority expander's ConfigMap is readable only when that expander is used.
	if strings.Contains(strings.Join(flatten(b.Role.Rules), " "), PriorityExpanderConfigMap) {
		t.Error("priority-expander ConfigMap granted without the priority expander")
	}
	spec := validCA()
	spec.Expanders = []Expander{ExpanderPriority, ExpanderLeastWaste}
	b2, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(flatten(b2.Role.Rules), " "), PriorityExpanderConfigMap) {
		t.Error("priority expander without access to its ConfigMap")
	}
	if got := b2.Deployment.Spec.Template.Spec.Containers[0].Args[4]; got != "--expander=priority,least-waste" {
		t.Errorf("expander flag = %s", got)
	}
}

func flatten(rules []rbacv1.PolicyRule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, strings.Join(r.APIGroups, ",")+"|"+strings.Join(r.Resources, ",")+"|"+strings.Join(r.ResourceNames, ",")+"|"+strings.Join(r.Verbs, ","))
	}
	return out
}

func TestClusterAutoscalerRelease(t *testing.T) {
	spec := validCA()
	spec.KubernetesVersion = version.MustParse("v1.37.2")
	wantPaths(t, spec.Validate(), "FieldValueInvalid kubernetesVersion")
	spec.Release = version.MustParse("v1.36.1")
	wantPaths(t, spec.Validate(), "FieldValueInvalid release")
	spec.Release = version.MustParse("v1.37.0")
	img, err := spec.Image()
	if err != nil || img != "registry.k8s.io/autoscaling/cluster-autoscaler:v1.37.0" {
		t.Errorf("Image() = %q, %v", img, err)
	}
	for minor, want := range map[int]string{33: "v1.33.6", 34: "v1.34.5", 35: "v1.35.2", 36: "v1.36.1"} {
		got, ok := ClusterAutoscalerRelease(version.Version{Major: 1, Minor: minor, Patch: 1})
		if !ok || got.String() != want || got.Minor != minor {
			t.Errorf("release for 1.%d = %v %v, want %s", minor, got, ok, want)
		}
	}
	if _, ok := ClusterAutoscalerRelease(version.MustParse("v1.32.9")); ok {
		t.Error("1.32 has no verified entry")
	}
}

func TestClusterAutoscalerInvalid(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*ClusterAutoscaler)
		want []string
	}{
		{"empty", func(c *ClusterAutoscaler) { *c = ClusterAutoscaler{} }, []string{
			"FieldValueRequired kubernetesVersion", "FieldValueRequired cloudProvider", "FieldValueRequired nodeGroups"}},
		{"provider and namespace", func(c *ClusterAutoscaler) { c.CloudProvider, c.Namespace = "openstack-ish", "Kube_System" }, []string{
			"FieldValueInvalid namespace", "FieldValueNotSupported cloudProvider"}},
		{"node groups", func(c *ClusterAutoscaler) {
			c.NodeGroups = []NodeGroup{{Name: "a", Min: -1, Max: 0}, {Name: "b", Min: 5, Max: 4}, {Name: "a", Min: 0, Max: 1}, {Name: "", Max: 1}, {Name: "x,y", Max: 1}}
		}, []string{
			"FieldValueInvalid nodeGroups[0].min", "FieldValueInvalid nodeGroups[0].max",
			"FieldValueInvalid nodeGroups[1].max",
			"FieldValueDuplicate nodeGroups[2].name",
			"FieldValueRequired nodeGroups[3].name",
			"FieldValueInvalid nodeGroups[4].name"}},
		{"auto-discovery", func(c *ClusterAutoscaler) {
			c.AutoDiscovery = []string{"asg:tag=k8s.io/cluster-autoscaler/enabled", "no-colon", "asg:tag=a b"}
		}, []string{
			"FieldValueInvalid autoDiscovery[1]", "FieldValueInvalid autoDiscovery[2]"}},
		{"expanders", func(c *ClusterAutoscaler) { c.Expanders = []Expander{"cheapest", ExpanderRandom, ExpanderRandom} }, []string{
			"FieldValueNotSupported expanders[0]", "FieldValueDuplicate expanders[2]"}},
		{"scale-down settings", func(c *ClusterAutoscaler) {
			c.ScaleDownDelayAfterAdd, c.ScaleDownUnneededTime, c.ScaleDownUtilizationThreshold = -time.Minute, time.Millisecond, 1.5
		}, []string{
			"FieldValueInvalid scaleDownDelayAfterAdd", "FieldValueInvalid scaleDownUnneededTime", "FieldValueInvalid scaleDownUtilizationThreshold"}},
		{"replicas", func(c *ClusterAutoscaler) { c.Replicas = -1 }, []string{"FieldValueInvalid replicas"}},
		{"resources", func(c *ClusterAutoscaler) {
			c.Resources = &corev1.ResourceRequirements{Requests: rl("200m", "1Gi"), Limits: rl("100m", "")}
		}, []string{"FieldValueInvalid resources.requests[cpu]", "FieldValueRequired resources.limits[memory]"}},
		{"env", func(c *ClusterAutoscaler) {
			c.Env = []corev1.EnvVar{{Name: "AWS_SECRET_ACCESS_KEY", Value: "inline"}, {Name: "1BAD"}, {Name: ""}}
		}, []string{"FieldValueForbidden env[0].value", "FieldValueInvalid env[1].name", "FieldValueRequired env[2].name"}},
		{"annotations", func(c *ClusterAutoscaler) { c.ServiceAccountAnnotations = map[string]string{"not valid/key/x": "v"} }, []string{
			"FieldValueInvalid serviceAccountAnnotations"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCA()
			tt.mod(&c)
			wantPaths(t, c.Validate(), tt.want...)
			if b, err := c.Build(); b != nil || err == nil {
				t.Errorf("Build() = %v, %v; want nil and an error", b, err)
			}
		})
	}
}
