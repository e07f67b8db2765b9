package baseline

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta3"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
)

// validHA is a minimal valid spec: stacked etcd, three nodes in three zones.
func validHA() HA {
	return HA{
		KubernetesVersion: "v1.37.2",
		Endpoint:          Endpoint{Host: "kube-api.example.com"},
		ControlPlaneNodes: []ControlPlaneNode{
			{Name: "cp-1", Address: "10.0.1.10", Zone: "a"},
			{Name: "cp-2", Address: "10.0.2.10", Zone: "b"},
			{Name: "cp-3", Address: "10.0.3.10", Zone: "c"},
		},
	}
}

func externalEtcd() *ExternalEtcd {
	return &ExternalEtcd{Endpoints: []string{"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379"}}
}

// errPaths lists "<type> <field>" of every error, in order.
func errPaths(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, string(e.Type)+" "+e.Field)
	}
	return out
}

// fieldErrors unpacks a Build error into its *field.Error values, failing
// the test if any element is not one.
func fieldErrors(t *testing.T, err error) field.ErrorList {
	t.Helper()
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		t.Fatalf("error %v is not an aggregate", err)
	}
	var out field.ErrorList
	for _, e := range agg.Errors() {
		var fe *field.Error
		if !errors.As(e, &fe) {
			t.Fatalf("error %v is not a *field.Error", e)
		}
		out = append(out, fe)
	}
	return out
}

func TestHAValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*HA)
		want   []string
	}{
		{"valid stacked", func(*HA) {}, nil},
		{"valid external", func(h *HA) { h.Etcd.External = externalEtcd() }, nil},
		{"valid v1beta3 explicit at 1.36", func(h *HA) { h.KubernetesVersion = "v1.36.3"; h.APIVersion = KubeadmV1Beta3 }, nil},
		{"valid five nodes in three zones", func(h *HA) {
			h.ControlPlaneNodes = append(h.ControlPlaneNodes,
				ControlPlaneNode{Name: "cp-4", Address: "10.0.1.11", Zone: "a"},
				ControlPlaneNode{Name: "cp-5", Address: "10.0.2.11", Zone: "b"})
		}, nil},
		{"missing version", func(h *HA) { h.KubernetesVersion = "" }, []string{"FieldValueRequired kubernetesVersion"}},
		{"loose version", func(h *HA) { h.KubernetesVersion = "1.37" }, []string{"FieldValueInvalid kubernetesVersion"}},
		{"too old", func(h *HA) { h.KubernetesVersion = "v1.21.0" }, []string{"FieldValueInvalid kubernetesVersion"}},
		{"v1beta3 refused at 1.37", func(h *HA) { h.APIVersion = KubeadmV1Beta3 }, []string{"FieldValueInvalid apiVersion"}},
		{"v1beta4 refused at 1.30", func(h *HA) { h.KubernetesVersion = "v1.30.5"; h.APIVersion = KubeadmV1Beta4 }, []string{"FieldValueInvalid apiVersion"}},
		{"unknown api", func(h *HA) { h.APIVersion = "kubeadm.k8s.io/v1" }, []string{"FieldValueNotSupported apiVersion"}},
		{"endpoint with scheme and port", func(h *HA) { h.Endpoint.Host = "https://kube-api.example.com:6443" }, []string{"FieldValueInvalid endpoint.host"}},
		{"endpoint missing, bad port", func(h *HA) { h.Endpoint = Endpoint{Port: 70000} }, []string{"FieldValueRequired endpoint.host", "FieldValueInvalid endpoint.port"}},
		{"two nodes", func(h *HA) { h.ControlPlaneNodes = h.ControlPlaneNodes[:2] }, []string{"FieldValueInvalid controlPlaneNodes"}},
		{"even stacked", func(h *HA) {
			h.ControlPlaneNodes = append(h.ControlPlaneNodes, ControlPlaneNode{Name: "cp-4", Address: "10.0.4.10", Zone: "d"})
		}, []string{"FieldValueInvalid controlPlaneNodes"}},
		{"even external is fine", func(h *HA) {
			h.Etcd.External = externalEtcd()
			h.ControlPlaneNodes = append(h.ControlPlaneNodes, ControlPlaneNode{Name: "cp-4", Address: "10.0.4.10", Zone: "d"})
		}, nil},
		{"node problems", func(h *HA) {
			h.ControlPlaneNodes[1] = ControlPlaneNode{Name: "cp-1", Address: "10.0.1.10", Zone: "b"}
			h.ControlPlaneNodes[2] = ControlPlaneNode{Name: "CP_3", Address: "kube-3", Zone: ""}
		}, []string{
			"FieldValueDuplicate controlPlaneNodes[1].name",
			"FieldValueDuplicate controlPlaneNodes[1].address",
			"FieldValueInvalid controlPlaneNodes[2].name",
			"FieldValueInvalid controlPlaneNodes[2].address",
			"FieldValueRequired controlPlaneNodes[2].zone",
		}},
		{"loopback address", func(h *HA) { h.ControlPlaneNodes[0].Address = "127.0.0.1" }, []string{"FieldValueInvalid controlPlaneNodes[0].address"}},
		{"zone majority", func(h *HA) { h.ControlPlaneNodes[2].Zone = "a" }, []string{"FieldValueInvalid controlPlaneNodes"}},
		{"zone majority opted out", func(h *HA) {
			h.ControlPlaneNodes[2].Zone = "a"
			h.AllowZoneQuorumLoss = true
		}, nil},
		{"five nodes in two zones", func(h *HA) {
			h.ControlPlaneNodes = append(h.ControlPlaneNodes,
				ControlPlaneNode{Name: "cp-4", Address: "10.0.1.11", Zone: "a"},
				ControlPlaneNode{Name: "cp-5", Address: "10.0.2.11", Zone: "b"})
			h.ControlPlaneNodes[2].Zone = "a"
		}, []string{"FieldValueInvalid controlPlaneNodes"}},
		{"external etcd problems", func(h *HA) {
			h.Etcd.External = &ExternalEtcd{
				Endpoints: []string{"http://10.0.1.20:2379", "https://10.0.1.20:2379", "https://10.0.1.20:2379", "https://10.0.1.21:2379/x"},
				CAFile:    "pki/ca.crt",
				KeyFile:   "/etc/../etc/key",
			}
		}, []string{
			"FieldValueInvalid etcd.external.endpoints",
			"FieldValueInvalid etcd.external.endpoints[0]",
			"FieldValueDuplicate etcd.external.endpoints[2]",
			"FieldValueInvalid etcd.external.endpoints[3]",
			"FieldValueInvalid etcd.external.caFile",
			"FieldValueInvalid etcd.external.keyFile",
		}},
		{"one etcd member", func(h *HA) { h.Etcd.External = &ExternalEtcd{Endpoints: []string{"https://e:2379"}} }, []string{"FieldValueInvalid etcd.external.endpoints"}},
		{"overlapping subnets", func(h *HA) {
			h.Networking = Networking{PodSubnet: "10.0.0.0/8", ServiceSubnet: "10.96.0.0/12"}
		}, []string{"FieldValueInvalid networking.serviceSubnet"}},
		{"bad subnets and domain", func(h *HA) {
			h.Networking = Networking{PodSubnet: "10.244.0.1/16", ServiceSubnet: "10.0.0.0/8", DNSDomain: "Cluster_Local"}
		}, []string{"FieldValueInvalid networking.podSubnet", "FieldValueInvalid networking.serviceSubnet", "FieldValueInvalid networking.dnsDomain"}},
		{"pod subnet smaller than a node range", func(h *HA) { h.Networking.PodSubnet = "10.244.0.0/25" }, []string{"FieldValueInvalid networking.podSubnet"}},
		{"zoned IPv6 endpoint", func(h *HA) { h.Endpoint.Host = "fe80::1%eth0" }, []string{"FieldValueInvalid endpoint.host"}},
		{"IPv6 endpoint", func(h *HA) { h.Endpoint.Host = "fd00::100" }, nil},
		{"bad SAN and discovery", func(h *HA) {
			h.CertSANs = []string{"ok.example.com", "not a name", "*.example.com", "fe80::1%eth0"}
			h.DiscoveryFile = "discovery.conf"
		}, []string{"FieldValueInvalid certSANs[1]", "FieldValueInvalid certSANs[3]", "FieldValueInvalid discoveryFile"}},
		{"workers", func(h *HA) {
			h.Workers = []WorkerJoin{
				{Name: "gpu", Taints: []corev1.Taint{{Key: "nvidia.com/gpu", Effect: corev1.TaintEffectNoSchedule}}, NodeLabels: map[string]string{"node.kubernetes.io/pool": "gpu"}},
				{Name: "gpu", Taints: []corev1.Taint{{Key: "x", Effect: "Never"}}, NodeLabels: map[string]string{"node-role.kubernetes.io/gpu": ""}},
			}
		}, []string{
			"FieldValueNotSupported workers[1].taints[0].effect",
			"FieldValueInvalid workers[1].nodeLabels[node-role.kubernetes.io/gpu]",
			"FieldValueDuplicate workers[1].name",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := validHA()
			tt.mutate(&h)
			got := errPaths(h.Validate())
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") })); diff != "" {
				t.Errorf("paths (-want +got):\n%s\nerrors: %v", diff, h.Validate())
			}
			cp, err := h.Build()
			if (err == nil) != (len(tt.want) == 0) || (cp == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v; want error xor result", cp, err)
			}
			if err != nil {
				if got := errPaths(fieldErrors(t, err)); strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("Build error paths %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestHAPicksAPIVersion(t *testing.T) {
	for _, tt := range []struct {
		version string
		api     APIVersion
		want    APIVersion
	}{
		{"v1.37.2", "", KubeadmV1Beta4},
		{"v1.31.0", "", KubeadmV1Beta4},
		{"v1.30.14", "", KubeadmV1Beta3},
		{"v1.22.0", "", KubeadmV1Beta3},
		{"v1.36.3", KubeadmV1Beta3, KubeadmV1Beta3},
		{"v1.36.3", KubeadmV1Beta4, KubeadmV1Beta4},
	} {
		h := validHA()
		h.KubernetesVersion, h.APIVersion = tt.version, tt.api
		cp, err := h.Build()
		if err != nil {
			t.Fatalf("%s/%q: %v", tt.version, tt.api, err)
		}
		if cp.APIVersion != tt.want {
			t.Errorf("%s/%q: API version %s, want %s", tt.version, tt.api, cp.APIVersion, tt.want)
		}
		for _, f := range cp.KubeadmFiles {
			for _, d := range f.Documents {
				if got := d.GetObjectKind().GroupVersionKind().GroupVersion().String(); got != string(tt.want) {
					t.Errorf("%s: document apiVersion %s, want %s", f.Name, got, tt.want)
				}
			}
		}
	}
}

func TestHAFiles(t *testing.T) {
	h := validHA()
	h.Etcd.External = externalEtcd()
	h.CertSANs = []string{"10.0.0.100", "kube-api.example.com"}
	h.Workers = []WorkerJoin{{
		Name:       "gpu",
		Taints:     []corev1.Taint{{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}},
		NodeLabels: map[string]string{"node.kubernetes.io/pool": "gpu", "example.com/accelerator": "a100"},
	}}
	cp, err := h.Build()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range cp.KubeadmFiles {
		names = append(names, f.Name)
	}
	wantNames := []string{"init.yaml", "join-control-plane-cp-2.yaml", "join-control-plane-cp-3.yaml", "join-worker.yaml", "join-worker-gpu.yaml"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	files, err := renderMap(cp)
	if err != nil {
		t.Fatal(err)
	}

	// init.yaml: InitConfiguration then ClusterConfiguration, read back
	// into the typed structs with unknown fields refused.
	docs := strings.Split(string(files["init.yaml"]), "---\n")
	if len(docs) != 2 {
		t.Fatalf("init.yaml has %d documents, want 2", len(docs))
	}
	var init v1beta4.InitConfiguration
	if err := yaml.UnmarshalStrict([]byte(docs[0]), &init); err != nil {
		t.Fatal(err)
	}
	var cc v1beta4.ClusterConfiguration
	if err := yaml.UnmarshalStrict([]byte(docs[1]), &cc); err != nil {
		t.Fatal(err)
	}
	if init.Kind != "InitConfiguration" || init.NodeRegistration.Name != "cp-1" || init.LocalAPIEndpoint.AdvertiseAddress != "10.0.1.10" {
		t.Errorf("init: %+v", init)
	}
	if cc.ControlPlaneEndpoint != "kube-api.example.com:6443" || cc.KubernetesVersion != "v1.37.2" {
		t.Errorf("cluster: %+v", cc)
	}
	if diff := cmp.Diff([]string{"kube-api.example.com", "10.0.0.100"}, cc.APIServer.CertSANs); diff != "" {
		t.Errorf("certSANs (-want +got):\n%s", diff)
	}
	if cc.Etcd.External == nil || cc.Etcd.Local != nil || cc.Etcd.External.CAFile != DefaultEtcdCAFile || cc.Etcd.External.KeyFile != DefaultEtcdKeyFile {
		t.Errorf("etcd: %+v", cc.Etcd)
	}
	if diff := cmp.Diff([]v1beta4.Arg{{Name: "profiling", Value: "false"}}, cc.Scheduler.ExtraArgs); diff != "" {
		t.Errorf("scheduler args (-want +got):\n%s", diff)
	}

	var worker v1beta4.JoinConfiguration
	if err := yaml.UnmarshalStrict(files["join-worker-gpu.yaml"], &worker); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]v1beta4.Arg{{Name: "node-labels", Value: "example.com/accelerator=a100,node.kubernetes.io/pool=gpu"}}, worker.NodeRegistration.KubeletExtraArgs); diff != "" {
		t.Errorf("node labels (-want +got):\n%s", diff)
	}
	if worker.ControlPlane != nil || worker.Discovery.File == nil || worker.Discovery.File.KubeConfigPath != DefaultDiscoveryFile || len(worker.NodeRegistration.Taints) != 1 {
		t.Errorf("worker join: %+v", worker)
	}
	var joinCP v1beta4.JoinConfiguration
	if err := yaml.UnmarshalStrict(files["join-control-plane-cp-3.yaml"], &joinCP); err != nil {
		t.Fatal(err)
	}
	if joinCP.ControlPlane == nil || joinCP.ControlPlane.LocalAPIEndpoint.AdvertiseAddress != "10.0.3.10" || joinCP.NodeRegistration.Name != "cp-3" {
		t.Errorf("control plane join: %+v", joinCP)
	}
	if diff := cmp.Diff([]v1beta4.Arg{{Name: "node-labels", Value: "topology.kubernetes.io/zone=c"}}, joinCP.NodeRegistration.KubeletExtraArgs); diff != "" {
		t.Errorf("control plane zone label (-want +got):\n%s", diff)
	}

	// No secret and no empty noise in any file.
	for name, b := range files {
		for _, bad := range []string{"token", "certificateKey", "{}", "null", `""`} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q:\n%s", name, bad, b)
			}
		}
	}

	// Deterministic: a second build renders the same bytes.
	cp2, _ := h.Build()
	files2, _ := renderMap(cp2)
	if diff := cmp.Diff(files, files2); diff != "" {
		t.Errorf("second render differs:\n%s", diff)
	}

	// Every file is under kubeadm/, in KubeadmFiles order.
	var paths []string
	for _, f := range cp.Files() {
		paths = append(paths, f.Path)
	}
	var wantPaths []string
	for _, n := range wantNames {
		wantPaths = append(wantPaths, "kubeadm/"+n)
	}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func TestHAV1Beta3Files(t *testing.T) {
	h := validHA()
	h.KubernetesVersion = "v1.36.3"
	h.APIVersion = KubeadmV1Beta3
	h.Workers = []WorkerJoin{{Name: "batch", NodeLabels: map[string]string{"example.com/pool": "batch"}}}
	cp, err := h.Build()
	if err != nil {
		t.Fatal(err)
	}
	files, err := renderMap(cp)
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(files["init.yaml"]), "---\n")
	var cc v1beta3.ClusterConfiguration
	if err := yaml.UnmarshalStrict([]byte(docs[1]), &cc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"profiling": "false"}, cc.APIServer.ExtraArgs); diff != "" {
		t.Errorf("extraArgs as a map (-want +got):\n%s", diff)
	}
	if cc.Etcd.Local == nil || cc.Etcd.Local.DataDir != DefaultEtcdDataDir {
		t.Errorf("stacked etcd: %+v", cc.Etcd)
	}
	var w v1beta3.JoinConfiguration
	if err := yaml.UnmarshalStrict(files["join-worker-batch.yaml"], &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"node-labels": "example.com/pool=batch"}, w.NodeRegistration.KubeletExtraArgs); diff != "" {
		t.Errorf("kubeletExtraArgs (-want +got):\n%s", diff)
	}
}

func TestHAWorkerGroups(t *testing.T) {
	h := validHA()
	h.Workers = []WorkerJoin{
		{Name: "spot", Taints: []corev1.Taint{{Key: "example.com/spot", Value: "true", Effect: corev1.TaintEffectNoSchedule}}},
		{Name: "zone-a", Zone: "eu-west-1a", NodeLabels: map[string]string{"example.com/pool": "general"}},
	}
	cp, err := h.Build()
	if err != nil {
		t.Fatal(err)
	}
	files, err := renderMap(cp)
	if err != nil {
		t.Fatal(err)
	}
	var j v1beta4.JoinConfiguration
	if err := yaml.UnmarshalStrict(files["join-worker-spot.yaml"], &j); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corev1.Taint{{Key: "example.com/spot", Value: "true", Effect: corev1.TaintEffectNoSchedule}}, j.NodeRegistration.Taints); diff != "" {
		t.Errorf("taints (-want +got):\n%s", diff)
	}
	var zj v1beta4.JoinConfiguration
	if err := yaml.UnmarshalStrict(files["join-worker-zone-a.yaml"], &zj); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(zj.NodeRegistration.KubeletExtraArgs, []v1beta4.Arg{{Name: "node-labels", Value: "example.com/pool=general,topology.kubernetes.io/zone=eu-west-1a"}}) {
		t.Errorf("zone group args %+v", zj.NodeRegistration.KubeletExtraArgs)
	}
	if got := errPaths(WorkerJoin{Name: "z", Zone: "bad zone", NodeLabels: map[string]string{corev1.LabelTopologyZone: "a"}}.Validate()); strings.Join(got, "|") != "FieldValueInvalid zone|FieldValueForbidden nodeLabels[topology.kubernetes.io/zone]" {
		t.Errorf("zone paths %v", got)
	}
	h.Workers = []WorkerJoin{{Name: "Bad_Name", NodeLabels: map[string]string{"kubernetes.io/role": "x"}}}
	_, err = h.Build()
	var agg interface{ Errors() []error }
	if !errors.As(err, &agg) || len(agg.Errors()) != 2 {
		t.Fatalf("want two errors, got %v", err)
	}
	if got := errPaths(WorkerJoin{Name: "Bad_Name", NodeLabels: map[string]string{"kubernetes.io/role": "x"}}.Validate()); strings.Join(got, "|") != "FieldValueInvalid name|FieldValueInvalid nodeLabels[kubernetes.io/role]" {
		t.Errorf("paths %v", got)
	}
}

// renderMap returns the control plane's files by base name.
func renderMap(cp *ControlPlane) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, f := range cp.Files() {
		if !strings.HasPrefix(f.Path, "kubeadm/") {
			return nil, fmt.Errorf("file %s is outside kubeadm/", f.Path)
		}
		out[strings.TrimPrefix(f.Path, "kubeadm/")] = f.Content
	}
	return out, nil
}

func TestKubeletMaySet(t *testing.T) {
	for key, want := range map[string]bool{
		"example.com/pool":                    true,
		"pool":                                true,
		"node.kubernetes.io/pool":             true,
		"x.node.kubernetes.io/pool":           true,
		"kubelet.kubernetes.io/x":             true,
		"topology.kubernetes.io/zone":         true,
		"node-role.kubernetes.io/worker":      false,
		"kubernetes.io/role":                  false,
		"example.k8s.io/x":                    false,
		"node.kubernetes.io.example.com/pool": true,
	} {
		if got := kubeletMaySet(key); got != want {
			t.Errorf("kubeletMaySet(%q) = %v, want %v", key, got, want)
		}
	}
}
