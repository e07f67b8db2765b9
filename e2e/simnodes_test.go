package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/prodkube/prodkube/nodepool"
)

// TestSimNodes checks the nodes made from pool intent: names and zones
// round-robin, the kubelet's own labels, kwok's annotation, capacity, kubeadm's
// control plane label and taint, and for a node pool exactly its template's labels
// and taints (the template is the input SimNodes copies from, not its output).
func TestSimNodes(t *testing.T) {
	capacity, err := Capacity(map[corev1.ResourceName]string{corev1.ResourceCPU: "16", "nvidia.com/gpu": "4", corev1.ResourcePods: "110"})
	if err != nil {
		t.Fatal(err)
	}
	gpu := nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}
	spot := nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}
	nodes, err := SimNodes([]SimPool{
		{ControlPlane: true, Zones: []string{"a", "b", "c"}, PerZone: 1, Capacity: capacity},
		{Pool: gpu, Zones: []string{"a", "b"}, PerZone: 2, Capacity: capacity},
		{Pool: spot, Name: "batch", Zones: []string{"c"}, PerZone: 1, Capacity: capacity},
	})
	if err != nil {
		t.Fatal(err)
	}
	var names, zones []string
	for _, n := range nodes {
		names = append(names, n.Name)
		zones = append(zones, n.Labels["topology.kubernetes.io/zone"])
	}
	if diff := cmp.Diff([]string{"cp-1", "cp-2", "cp-3", "gpu-a-1", "gpu-b-1", "gpu-a-2", "gpu-b-2", "batch-1"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "a", "b", "a", "b", "c"}, zones); diff != "" {
		t.Errorf("zones (-want +got):\n%s", diff)
	}
	for _, n := range nodes {
		if n.Annotations["kwok.x-k8s.io/node"] != "fake" {
			t.Errorf("%s: annotations %v lack kwok.x-k8s.io/node=fake", n.Name, n.Annotations)
		}
		for k, v := range map[string]string{"kubernetes.io/hostname": n.Name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"} {
			if n.Labels[k] != v {
				t.Errorf("%s: label %s = %q, want %q", n.Name, k, n.Labels[k], v)
			}
		}
		if q := n.Status.Allocatable["nvidia.com/gpu"]; q.String() != "4" {
			t.Errorf("%s: allocatable nvidia.com/gpu = %s, want 4", n.Name, q.String())
		}
		if q := n.Status.Capacity[corev1.ResourceCPU]; q.String() != "16" {
			t.Errorf("%s: capacity cpu = %s, want 16", n.Name, q.String())
		}
		switch {
		case strings.HasPrefix(n.Name, "cp-"):
			want := []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}
			if diff := cmp.Diff(want, n.Spec.Taints); diff != "" {
				t.Errorf("%s taints (-want +got):\n%s", n.Name, diff)
			}
			if _, ok := n.Labels["node-role.kubernetes.io/control-plane"]; !ok {
				t.Errorf("%s: no node-role.kubernetes.io/control-plane label", n.Name)
			}
		default:
			pool := gpu
			if strings.HasPrefix(n.Name, "batch-") {
				pool = spot
			}
			tmpl, err := pool.Build()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tmpl.Taints, n.Spec.Taints); diff != "" {
				t.Errorf("%s taints (-template +node):\n%s", n.Name, diff)
			}
			for k, v := range tmpl.Labels {
				if n.Labels[k] != v {
					t.Errorf("%s: label %s = %q, want the template's %q", n.Name, k, n.Labels[k], v)
				}
			}
			if len(n.Labels) != len(tmpl.Labels)+4 {
				t.Errorf("%s: labels %v: want the template's %d and the 4 kubelet labels", n.Name, n.Labels, len(tmpl.Labels))
			}
		}
	}
	// The spot pool's provider label is what GKE puts there itself.
	if nodes[7].Labels["cloud.google.com/gke-spot"] != "true" {
		t.Errorf("batch-1 labels %v lack GKE's spot label", nodes[7].Labels)
	}
	if !hasTaint(nodes[3], "pool.prodkube.io/dedicated") {
		t.Errorf("gpu-1 taints %v lack the dedicated pool taint", nodes[3].Spec.Taints)
	}

	for _, bad := range [][]SimPool{
		{{Pool: gpu, PerZone: 1}},           // no zones
		{{Pool: gpu, Zones: []string{"a"}}}, // no nodes
		{{Pool: nodepool.Pool{Name: "Bad_Name"}, Zones: []string{"a"}, PerZone: 1}},                    // invalid intent
		{{Pool: gpu, Zones: []string{"a"}, PerZone: 1}, {Pool: gpu, Zones: []string{"a"}, PerZone: 1}}, // gpu-1 twice
	} {
		if _, err := SimNodes(bad); err == nil {
			t.Errorf("SimNodes(%+v) = nil error, want one", bad)
		}
	}
}

// TestPlanActions reads a plan script of the form the upgrade package renders.
func TestPlanActions(t *testing.T) {
	dir := t.TempDir()
	script := dir + "/plan.sh"
	body := "#!/usr/bin/env bash\n" +
		"# Step 2/5 [control-plane, hop 1]: control plane cp-1: upgrade\n" +
		"step_2() {\n" +
		"\tcheck 2 precondition 'x' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'\n" +
		"\ton_node cp-1 'sudo apt-get update'\n" +
		"\ton_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-1 --ignore-daemonsets --timeout=600s'\n" +
		"\ton_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-1'\n" +
		"}\n" +
		"# Step 3/5 [workers, hop 1]: pool pci: join 1 new nodes at v1.36.5 (surge)\n" +
		"\ton_node pci-v1-36-5-1 'sudo sh -c '\\''test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config \"$1\"'\\'' sh /etc/x.yaml'\n" +
		"\ton_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node x'\n"
	if err := os.WriteFile(script, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := planActions(script)
	if err != nil {
		t.Fatal(err)
	}
	want := []planAction{
		{Step: 2, Kubectl: []string{"drain", "cp-1", "--ignore-daemonsets", "--timeout=600s"}},
		{Step: 2, Kubectl: []string{"uncordon", "cp-1"}},
		{Step: 3, Pool: "pci", Join: "pci-v1-36-5-1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("planActions (-want +got):\n%s", diff)
	}
}
