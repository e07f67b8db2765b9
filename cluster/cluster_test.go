package cluster

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/nodepool"
	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/security"
	"github.com/prodkube/prodkube/version"
)

var zones = []string{"zone-a", "zone-b"}

func service(name string, svc bool) *baseline.Deployment {
	w := baseline.Workload{
		Name:  name,
		Image: "registry.k8s.io/e2e-test-images/agnhost:2.55",
		Ports: []baseline.Port{{Name: "http", Port: 8080}, {Name: "metrics", Port: 9090}},
		Resources: baseline.Resources{
			Requests: baseline.Compute{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"},
			Limits:   baseline.Compute{CPU: "200m", Memory: "256Mi", EphemeralStorage: "128Mi"},
		},
		ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz"},
	}
	if svc {
		w.Service = &baseline.Service{}
	}
	return &baseline.Deployment{Workload: w}
}

var http = []intstr.IntOrString{intstr.FromString("http")}

// small is a cluster of two pools, a front end open to the world that
// calls an api, and the api.
func small() Cluster {
	return Cluster{
		ControlPlane: baseline.HA{
			KubernetesVersion: "v1.37.2",
			Endpoint:          baseline.Endpoint{Host: "api.example.com"},
			ControlPlaneNodes: []baseline.ControlPlaneNode{
				{Name: "cp-1", Address: "10.0.1.10", Zone: "zone-a"},
				{Name: "cp-2", Address: "10.0.2.10", Zone: "zone-b"},
				{Name: "cp-3", Address: "10.0.3.10", Zone: "zone-c"},
			},
		},
		Pools: []Pool{
			{Pool: nodepool.Pool{Name: "general"}, Zones: zones, NodesPerZone: 2},
			{Pool: nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}, Zones: zones[:1], NodesPerZone: 1},
		},
		Namespaces: []Namespace{{Name: "shop", Workloads: []Workload{
			{Deployment: service("front", true), Accepts: []Accept{{CIDR: "0.0.0.0/0", Ports: http}},
				Calls: []Call{{Workload: "api", Ports: http}}},
			{Deployment: service("api", true)},
		}}},
	}
}

func mustBuild(t *testing.T, c Cluster) *Result {
	t.Helper()
	r, err := c.Build()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBuildComposes(t *testing.T) {
	r := mustBuild(t, small())
	var paths []string
	for _, f := range r.Files() {
		paths = append(paths, f.Path)
	}
	for _, want := range []string{
		"kubeadm/init.yaml",
		"kubeadm/join-worker-general-zone-a.yaml",
		"kubeadm/join-worker-general-zone-b.yaml",
		"kubeadm/join-worker-gpu-zone-a.yaml",
		backup.EtcdSnapshotScriptFile,
		PoolReportFile,
	} {
		if !slices.Contains(paths, want) {
			t.Errorf("files lack %s: %v", want, paths)
		}
	}
	// The whole set renders: apiVersion, kind, names and no duplicates.
	if _, err := prodkube.Manifests("manifests", r.Objects()...); err != nil {
		t.Fatal(err)
	}
	var policies []string
	for _, o := range r.Objects() {
		if np, ok := o.(*networkingv1.NetworkPolicy); ok {
			policies = append(policies, np.Namespace+"/"+np.Name)
		}
	}
	slices.Sort(policies)
	want := []string{
		"shop/allow-dns-egress",
		"shop/default-deny",
		"shop/front-ingress-0",
		"shop/shop.api-from-shop.front",
		"shop/shop.api-from-shop.front-egress",
	}
	if diff := cmp.Diff(want, policies); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
}

// TestFlowsAreExactlyTheDeclaredOnes judges the built policies with the
// NetworkPolicy evaluator, independently of the check inside Build.
func TestFlowsAreExactlyTheDeclaredOnes(t *testing.T) {
	r := mustBuild(t, small())
	var nps []*networkingv1.NetworkPolicy
	labels := map[string]map[string]string{}
	for _, o := range r.Objects() {
		switch x := o.(type) {
		case *networkingv1.NetworkPolicy:
			nps = append(nps, x)
		case interface{ GetLabels() map[string]string }:
			if o.GetObjectKind().GroupVersionKind().Kind == "Deployment" {
				labels[o.GetName()] = map[string]string{"app.kubernetes.io/name": o.GetName(), "app.kubernetes.io/instance": o.GetName()}
			}
		}
	}
	ports := []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}, {Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}}
	pod := func(name string) security.Endpoint {
		return security.Endpoint{Pod: &security.Pod{Namespace: "shop", Labels: labels[name], Ports: ports}}
	}
	for _, tc := range []struct {
		from security.Endpoint
		to   security.Endpoint
		port int32
		want bool
	}{
		{pod("front"), pod("api"), 8080, true},
		{pod("front"), pod("api"), 9090, false}, // only http was declared
		{pod("api"), pod("front"), 8080, false},
		{security.Endpoint{Address: "198.51.100.7"}, pod("front"), 8080, true},
		{security.Endpoint{Address: "198.51.100.7"}, pod("front"), 9090, false},
		{security.Endpoint{Address: "198.51.100.7"}, pod("api"), 8080, false},
		{pod("api"), security.Endpoint{Address: "198.51.100.7"}, 443, false},
	} {
		got, err := security.Allowed(nps, security.Connection{From: tc.from, To: tc.to, Port: tc.port})
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%+v -> %+v :%d allowed = %v, want %v", tc.from, tc.to, tc.port, got, tc.want)
		}
	}
}

func TestValidatePaths(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(c *Cluster)
		want   []string
	}{
		{"no pools", func(c *Cluster) { c.Pools = nil }, []string{"FieldValueRequired pools"}},
		{"unknown pool", func(c *Cluster) { c.Namespaces[0].Workloads[1].Pool = "fast" }, []string{"FieldValueNotFound namespaces[0].workloads[1].pool"}},
		{"service nothing reaches", func(c *Cluster) { c.Namespaces[0].Workloads[0].Calls = nil },
			[]string{"FieldValueForbidden namespaces[0].workloads[1].deployment.service"}},
		{"unknown callee", func(c *Cluster) { c.Namespaces[0].Workloads[0].Calls[0].Workload = "db" },
			[]string{"FieldValueNotFound namespaces[0].workloads[0].calls[0].workload", "FieldValueForbidden namespaces[0].workloads[1].deployment.service"}},
		{"unknown port", func(c *Cluster) {
			c.Namespaces[0].Workloads[0].Calls[0].Ports = []intstr.IntOrString{intstr.FromString("grpc")}
		},
			[]string{"FieldValueNotFound namespaces[0].workloads[0].calls[0].ports[0]", "FieldValueForbidden namespaces[0].workloads[1].deployment.service"}},
		{"range without port", func(c *Cluster) {
			c.Namespaces[0].Workloads[1].Calls = []Call{{CIDR: "192.0.2.0/24"}}
		}, []string{"FieldValueRequired namespaces[0].workloads[1].calls[0].ports"}},
		{"bad range", func(c *Cluster) { c.Namespaces[0].Workloads[0].Accepts[0].CIDR = "everyone" },
			[]string{"FieldValueInvalid namespaces[0].workloads[0].accepts[0].cidr", "FieldValueForbidden namespaces[0].workloads[0].deployment.service"}},
		{"hpa without metrics API", func(c *Cluster) {
			c.Namespaces[0].Workloads[1].Autoscale = &Autoscale{MaxReplicas: 5, CPUUtilization: 70}
		}, []string{"FieldValueForbidden namespaces[0].workloads[1].autoscale"}},
		{"gpu pool without gpus", func(c *Cluster) { c.Namespaces[0].Workloads[1].Pool = "gpu" },
			[]string{"FieldValueInvalid namespaces[0].workloads[1].pool"}},
		{"gpus without a pool", func(c *Cluster) { c.Namespaces[0].Workloads[1].GPUs = 1 },
			[]string{"FieldValueForbidden namespaces[0].workloads[1].gpus"}},
		{"hand-written worker joins", func(c *Cluster) { c.ControlPlane.Workers = []baseline.WorkerJoin{{Name: "x"}} },
			[]string{"FieldValueForbidden controlPlane.workers"}},
		{"system namespace", func(c *Cluster) { c.Namespaces[0].Name = "kube-system" }, []string{"FieldValueForbidden namespaces[0].name"}},
		{"node groups by hand", func(c *Cluster) {
			c.Autoscaler = &scaling.ClusterAutoscaler{CloudProvider: scaling.CloudProviderAWS, NodeGroups: []scaling.NodeGroup{{Name: "other", Max: 3}}}
		}, []string{"FieldValueForbidden autoscaler.nodeGroups"}},
		{"pool autoscale without autoscaler", func(c *Cluster) { c.Pools[0].Autoscale = &NodeGroup{Min: 1, Max: 6} },
			[]string{"FieldValueForbidden pools[0].autoscale"}},
		{"pool outside its bounds", func(c *Cluster) {
			c.Pools[0].Autoscale = &NodeGroup{Min: 5, Max: 6}
			c.Autoscaler = &scaling.ClusterAutoscaler{CloudProvider: scaling.CloudProviderAWS, Release: mustVersion("v1.37.0")}
		}, []string{"FieldValueInvalid pools[0].nodesPerZone"}},
		{"an upgrade batch that empties a zone", func(c *Cluster) {
			c.Pools[0].Upgrade.MaxUnavailable = 2
			c.Upgrade = &Upgrade{From: "v1.37.0", Target: "v1.37.2"}
		}, []string{"FieldValueInvalid pools[0].upgrade.maxUnavailable"}},
		{"only dedicated pools", func(c *Cluster) { c.Pools = c.Pools[1:] }, []string{
			"FieldValueRequired namespaces[0].workloads[0].pool", "FieldValueRequired namespaces[0].workloads[1].pool",
		}},
		{"restore drill without backup", func(c *Cluster) { c.RestoreDrill = &backup.RestoreDrill{Namespace: "shop", FromBackup: "x"} },
			[]string{"FieldValueForbidden restoreDrill"}},
		{"workload in another namespace", func(c *Cluster) { c.Namespaces[0].Workloads[1].Deployment.Namespace = "other" },
			[]string{"FieldValueInvalid namespaces[0].workloads[1].deployment.namespace", "FieldValueNotFound namespaces[0].workloads[0].calls[0].workload"}},
		{"dangling call after a failed workload is not reported twice", func(c *Cluster) { c.Namespaces[0].Workloads[1].Pool = "nowhere" },
			[]string{"FieldValueNotFound namespaces[0].workloads[1].pool"}},
		{"workload's own error", func(c *Cluster) { c.Namespaces[0].Workloads[1].Deployment.Image = "nginx" },
			[]string{"FieldValueInvalid namespaces[0].workloads[1].deployment.image"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := small()
			// Deep enough copies for the mutations above.
			c.Pools = slices.Clone(c.Pools)
			c.Namespaces = []Namespace{{Name: "shop", Workloads: []Workload{
				{Deployment: service("front", true), Accepts: []Accept{{CIDR: "0.0.0.0/0", Ports: http}}, Calls: []Call{{Workload: "api", Ports: http}}},
				{Deployment: service("api", true)},
			}}}
			tc.mutate(&c)
			var got []string
			for _, e := range c.Validate() {
				got = append(got, string(e.Type)+" "+e.Field)
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s\n%v", diff, c.Validate())
			}
			if r, err := c.Build(); r != nil || err == nil {
				t.Errorf("Build = %v, %v; want only an error", r, err)
			}
		})
	}
}

func TestMetricsAPIAdmitsHPA(t *testing.T) {
	c := small()
	c.Namespaces[0].Workloads[1].Autoscale = &Autoscale{MaxReplicas: 5, CPUUtilization: 70}
	c.Platform.MetricsAPI = true
	r := mustBuild(t, c)
	n := 0
	for _, o := range r.Objects() {
		if o.GetObjectKind().GroupVersionKind().Kind == "HorizontalPodAutoscaler" {
			n++
		}
		if o.GetObjectKind().GroupVersionKind().Kind == "Deployment" && o.GetName() == "api" {
			if strings.Contains(mustYAML(t, o), "\n  replicas:") {
				t.Errorf("the autoscaled Deployment sets spec.replicas:\n%s", mustYAML(t, o))
			}
		}
	}
	if n != 1 {
		t.Errorf("%d HorizontalPodAutoscalers, want 1", n)
	}
}

func TestAutoscalerGroupsArePools(t *testing.T) {
	c := small()
	c.Pools[0].Autoscale = &NodeGroup{Name: "asg-general", Min: 2, Max: 8}
	c.Autoscaler = &scaling.ClusterAutoscaler{CloudProvider: scaling.CloudProviderAWS, Release: mustVersion("v1.37.0")}
	r := mustBuild(t, c)
	for _, o := range r.Objects() {
		if o.GetObjectKind().GroupVersionKind().Kind == "Deployment" && o.GetName() == "cluster-autoscaler" {
			y := mustYAML(t, o)
			if !strings.Contains(y, "--nodes=2:8:asg-general") {
				t.Errorf("autoscaler does not resize the pool's group:\n%s", y)
			}
			return
		}
	}
	t.Fatal("no cluster-autoscaler Deployment")
}

func TestZeroResultIsSafe(t *testing.T) {
	var r *Result
	if r.Objects() != nil || r.Files() != nil {
		t.Error("nil Result has objects or files")
	}
	if len((&Result{}).Objects()) != 0 || len((&Result{}).Files()) != 0 {
		t.Error("zero Result has objects or files")
	}
}

func mustYAML(t *testing.T, o prodkube.Object) string {
	t.Helper()
	b, err := prodkube.MarshalYAML(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustVersion(s string) version.Version { return version.MustParse(s) }
