package monitoring

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/security"
)

// TestPodPassesRestricted judges every variant's pod template with the Pod
// Security admission checks.
func TestPodPassesRestricted(t *testing.T) {
	for name, spec := range map[string]Prometheus{
		"defaults":  {},
		"ephemeral": {Replicas: 1, Storage: Storage{Ephemeral: true, Size: resource.MustParse("5Gi")}},
		"class":     {Storage: Storage{StorageClassName: "fast-ssd"}},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			tpl := b.StatefulSet.Spec.Template
			if errs := security.CheckPodSpec(security.LevelRestricted, &tpl.ObjectMeta, &tpl.Spec); len(errs) > 0 {
				t.Errorf("pod template fails restricted: %v", errs.ToAggregate())
			}
			c := tpl.Spec.Containers[0]
			if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
				t.Error("root filesystem is writable")
			}
			if c.ReadinessProbe.HTTPGet.Path != "/-/ready" || c.LivenessProbe.HTTPGet.Path != "/-/healthy" {
				t.Errorf("probes: %v %v", c.ReadinessProbe.HTTPGet, c.LivenessProbe.HTTPGet)
			}
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if _, ok := c.Resources.Requests[r]; !ok {
					t.Errorf("no %s request", r)
				}
				if _, ok := c.Resources.Limits[r]; !ok {
					t.Errorf("no %s limit", r)
				}
			}
			mounts := map[string]string{}
			for _, m := range c.VolumeMounts {
				mounts[m.Name] = m.MountPath
			}
			if mounts["data"] != DataDir || mounts["config"] != ConfigDir {
				t.Errorf("mounts: %v", mounts)
			}
			if strings.Contains(c.Image, ":latest") || !strings.Contains(c.Image, ":v") {
				t.Errorf("image %q is not pinned", c.Image)
			}
		})
	}
}

// TestRBACIsLeastPrivilege pins the ClusterRole to exactly the read access
// discovery and scraping need.
func TestRBACIsLeastPrivilege(t *testing.T) {
	b, err := (&Prometheus{}).Build()
	if err != nil {
		t.Fatal(err)
	}
	rw := []string{"get", "list", "watch"}
	want := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"endpoints", "nodes", "pods", "services"}, Verbs: rw},
		{APIGroups: []string{""}, Resources: []string{"nodes/metrics"}, Verbs: []string{"get"}},
		{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: rw},
		{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: rw},
		{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
	}
	if diff := cmp.Diff(want, b.ClusterRole.Rules); diff != "" {
		t.Errorf("ClusterRole rules (-want +got):\n%s", diff)
	}
	if b.ClusterRoleBinding.RoleRef.Name != b.ClusterRole.Name || len(b.ClusterRoleBinding.Subjects) != 1 ||
		b.ClusterRoleBinding.Subjects[0].Name != b.ServiceAccount.Name || b.ClusterRoleBinding.Subjects[0].Namespace != "monitoring" {
		t.Errorf("binding %+v does not bind the role to the service account", b.ClusterRoleBinding)
	}
	if b.ServiceAccount.AutomountServiceAccountToken == nil || *b.ServiceAccount.AutomountServiceAccountToken {
		t.Error("service account automounts its token")
	}
}

func TestBundleShape(t *testing.T) {
	b, err := (&Prometheus{Name: "prom", Namespace: "obs", Replicas: 3, Scrape: Scrape{Interval: time.Minute}}).Build()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range b.Objects() {
		gvk := o.GetObjectKind().GroupVersionKind()
		if gvk.Kind == "" || gvk.Version == "" {
			t.Errorf("%T has no apiVersion/kind", o)
		}
		if o.GetObjectKind().GroupVersionKind().Kind != "ClusterRole" && o.GetObjectKind().GroupVersionKind().Kind != "ClusterRoleBinding" && o.GetNamespace() != "obs" {
			t.Errorf("%s in namespace %q", gvk.Kind, o.GetNamespace())
		}
		kinds = append(kinds, gvk.Kind)
	}
	if diff := cmp.Diff([]string{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Service", "StatefulSet", "PodDisruptionBudget"}, kinds); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	sts := b.StatefulSet
	if *sts.Spec.Replicas != 3 || sts.Spec.ServiceName != b.Service.Name || b.Service.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("statefulset/service: replicas %d, serviceName %q, clusterIP %q", *sts.Spec.Replicas, sts.Spec.ServiceName, b.Service.Spec.ClusterIP)
	}
	if len(sts.Spec.VolumeClaimTemplates) != 1 || sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String() != "50Gi" {
		t.Errorf("volume claim templates: %+v", sts.Spec.VolumeClaimTemplates)
	}
	var cfg Config
	if err := yaml.UnmarshalStrict([]byte(b.ConfigMap.Data[ConfigKey]), &cfg); err != nil {
		t.Fatalf("prometheus.yml does not read back into Config: %v", err)
	}
	if diff := cmp.Diff(b.Config, &cfg); diff != "" {
		t.Errorf("prometheus.yml round trip (-built +read):\n%s", diff)
	}
	var rules RuleFile
	if err := yaml.UnmarshalStrict([]byte(b.ConfigMap.Data[RulesKey]), &rules); err != nil {
		t.Fatalf("rules.yaml does not read back: %v", err)
	}
	if diff := cmp.Diff(b.Rules, &rules); diff != "" {
		t.Errorf("rules.yaml round trip (-built +read):\n%s", diff)
	}
	if got := cfg.ScrapeConfigs[0].ScrapeInterval; got != 0 || cfg.Global.ScrapeInterval.String() != "1m" || cfg.Global.ScrapeTimeout.String() != "10s" {
		t.Errorf("timings: global %s/%s", cfg.Global.ScrapeInterval, cfg.Global.ScrapeTimeout)
	}

	one, err := (&Prometheus{Replicas: 1}).Build()
	if err != nil {
		t.Fatal(err)
	}
	if one.PodDisruptionBudget != nil || len(one.Objects()) != 6 || one.StatefulSet.Spec.Template.Spec.TopologySpreadConstraints != nil {
		t.Error("a single replica gets a PodDisruptionBudget or spread constraints, which would block every drain")
	}
}

// TestConfigChangeRollsPods: the pod template carries a hash of the
// configuration, so a change to it rolls the servers.
func TestConfigChangeRollsPods(t *testing.T) {
	hash := func(p Prometheus) string {
		b, err := p.Build()
		if err != nil {
			t.Fatal(err)
		}
		return b.StatefulSet.Spec.Template.Annotations[configHashKey]
	}
	base := hash(Prometheus{})
	if len(base) != 64 {
		t.Fatalf("hash %q", base)
	}
	if hash(Prometheus{}) != base {
		t.Error("same spec, different hash")
	}
	if hash(Prometheus{Scrape: Scrape{Interval: time.Minute}}) == base {
		t.Error("scrape change does not change the hash")
	}
	if hash(Prometheus{Alerts: Alerts{NodeNotReady: AlertOptions{For: time.Minute}}}) == base {
		t.Error("rule change does not change the hash")
	}
}

func TestDeterministic(t *testing.T) {
	spec := Prometheus{
		Scrape: Scrape{ExternalLabels: map[string]string{"z": "1", "a": "2", "m": "3"}},
		Alerts: Alerts{Labels: map[string]string{"team": "a", "tier": "b", "owner": "c"}},
		Labels: map[string]string{"x": "1", "y": "2"},
	}
	render := func() []byte {
		b, err := spec.Build()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := prodkube.WriteYAML(&buf, b.Objects()...); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	first := render()
	for i := 0; i < 20; i++ {
		if !bytes.Equal(first, render()) {
			t.Fatal("output differs between builds of the same spec")
		}
	}
}

// TestBuildDoesNotAlias: changing the spec after Build leaves the result
// alone, and the result's objects share no maps.
func TestBuildDoesNotAlias(t *testing.T) {
	spec := Prometheus{Labels: map[string]string{"team": "a"}, Scrape: Scrape{ExternalLabels: map[string]string{"cluster": "c"}, Namespaces: []string{"a"}}}
	b, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	spec.Labels["team"] = "changed"
	spec.Scrape.ExternalLabels["cluster"] = "changed"
	spec.Scrape.Namespaces[0] = "changed"
	if b.StatefulSet.Labels["team"] != "a" || b.Config.Global.ExternalLabels["cluster"] != "c" {
		t.Error("result shares maps with the spec")
	}
	for _, sc := range b.Config.ScrapeConfigs {
		for _, sd := range sc.KubernetesSDConfigs {
			if sd.Namespaces != nil && sd.Namespaces.Names[0] == "changed" {
				t.Error("result shares the namespace list with the spec")
			}
		}
	}
	b.Service.Labels["x"] = "y"
	if _, ok := b.StatefulSet.Labels["x"]; ok {
		t.Error("objects share a label map")
	}
}
