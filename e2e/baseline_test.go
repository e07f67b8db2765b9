package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
)

// baselineCluster is an HA cluster whose join files point at a discovery
// kubeconfig that exists on this machine, as it would on a joining node.
func baselineCluster(t *testing.T, version string, api baseline.APIVersion, external bool) baseline.HA {
	t.Helper()
	discovery := filepath.Join(t.TempDir(), "discovery.conf")
	// Only its presence matters to `kubeadm config validate`; kubeadm join
	// would read the cluster CA and a bootstrap token from it.
	if err := os.WriteFile(discovery, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := baseline.HA{
		KubernetesVersion: version,
		APIVersion:        api,
		Endpoint:          baseline.Endpoint{Host: "kube-api.example.com"},
		ControlPlaneNodes: []baseline.ControlPlaneNode{
			{Name: "cp-1", Address: "10.0.1.10", Zone: "zone-a"},
			{Name: "cp-2", Address: "10.0.2.10", Zone: "zone-b"},
			{Name: "cp-3", Address: "10.0.3.10", Zone: "zone-c"},
		},
		CertSANs:      []string{"10.0.0.100"},
		DiscoveryFile: discovery,
		Workers: []baseline.WorkerJoin{{
			Name:       "gpu",
			Taints:     []corev1.Taint{{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}},
			NodeLabels: map[string]string{"node.kubernetes.io/pool": "gpu", "example.com/accelerator": "a100"},
		}},
	}
	if external {
		h.Etcd.External = &baseline.ExternalEtcd{Endpoints: []string{"https://10.0.1.20:2379", "https://10.0.2.20:2379", "https://10.0.3.20:2379"}}
	}
	return h
}

// TestBaselineKubeadm renders HA clusters as v1beta4 (Kubernetes v1.37.2) and
// as explicit v1beta3 (Kubernetes v1.36.3, the last kubeadm that reads it),
// with stacked and external etcd, and has the matching real kubeadm validate
// every file: init, control plane joins, the worker join and a worker group
// with taints and kubelet labels.
func TestBaselineKubeadm(t *testing.T) {
	e := testEnv(t)
	for _, tc := range []struct {
		name     string
		version  string
		api      baseline.APIVersion
		external bool
	}{
		{"v1beta4-external", "v1.37.2", "", true},
		{"v1beta4-stacked", "v1.37.2", baseline.KubeadmV1Beta4, false},
		{"v1beta3-external", "v1.36.3", baseline.KubeadmV1Beta3, true},
		{"v1beta3-stacked", "v1.36.3", baseline.KubeadmV1Beta3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := baselineCluster(t, tc.version, tc.api, tc.external)
			cp, err := h.Build()
			if err != nil {
				t.Fatal(err)
			}
			want := tc.api
			if want == "" {
				want = baseline.KubeadmV1Beta4
			}
			if cp.APIVersion != want {
				t.Fatalf("API version %s, want %s", cp.APIVersion, want)
			}
			dir := t.TempDir()
			if err := prodkube.WriteDir(dir, cp.Files()...); err != nil {
				t.Fatal(err)
			}
			if len(cp.Files()) != 5 {
				t.Fatalf("%d files, want init, 2 control plane joins, worker, worker group", len(cp.Files()))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			for _, f := range cp.KubeadmFiles {
				path := filepath.Join(dir, baseline.KubeadmDir, f.Name)
				version, out, err := e.KubeadmValidate(ctx, path)
				if err != nil {
					b, _ := os.ReadFile(path)
					t.Errorf("%s: kubeadm %s config validate refused it: %v\n%s\n--- file:\n%s", f.Name, version, err, out, b)
					continue
				}
				if unexpected, _ := kubeadmWarnings(out, string(cp.APIVersion)); len(unexpected) > 0 {
					t.Errorf("%s: kubeadm %s warned:\n%s", f.Name, version, strings.Join(unexpected, "\n"))
				}
				t.Logf("%s accepted by kubeadm %s", f.Name, version)
			}
		})
	}
}

// TestBaselineKubeadmDiscoveryChecked is the control for the test above:
// kubeadm must refuse a join file whose discovery kubeconfig does not exist,
// so that acceptance means the file was really read and checked.
func TestBaselineKubeadmDiscoveryChecked(t *testing.T) {
	e := testEnv(t)
	h := baselineCluster(t, "v1.37.2", "", true)
	h.DiscoveryFile = filepath.Join(t.TempDir(), "missing", "discovery.conf")
	cp, err := h.Build()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := prodkube.WriteDir(dir, cp.Files()...); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	version, out, err := e.KubeadmValidate(ctx, filepath.Join(dir, baseline.KubeadmDir, baseline.JoinWorkerFile))
	if err == nil {
		t.Fatalf("kubeadm %s accepted a join file whose discovery file is missing:\n%s", version, out)
	}
	if !strings.Contains(out, "kubeConfigPath") {
		t.Fatalf("kubeadm %s refused it for another reason: %v\n%s", version, err, out)
	}
	t.Logf("refused as expected by kubeadm %s: %s", version, strings.TrimSpace(out))
}
