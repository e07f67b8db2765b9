package e2e

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prodkube/prodkube/cluster"
	"github.com/prodkube/prodkube/nodepool"
)

// Node facts the simulated cluster sets the way a kubelet, kubeadm or kwok would.
const (
	// KwokNodeAnnotation marks a Node as one of kwok's fake nodes; the suite's kwok
	// manages only nodes carrying it (--manage-nodes-with-annotation-selector).
	KwokNodeAnnotation = "kwok.x-k8s.io/node"
	// KwokNodeAnnotationValue is the value kwok is told to select.
	KwokNodeAnnotationValue = "fake"
	// LabelControlPlane and TaintControlPlane are what kubeadm puts on a control
	// plane node (kubeadm init/join --control-plane, markcontrolplane phase).
	LabelControlPlane = "node-role.kubernetes.io/control-plane"
	// LabelExcludeFromLB is the other label kubeadm sets on control plane nodes.
	LabelExcludeFromLB = "node.kubernetes.io/exclude-from-external-load-balancers"
)

// SimPool is one group of simulated nodes: a node pool's intent (or the control
// plane), and what the composition will one day carry with it — how many nodes in
// which zones, and each node's capacity.
//
// Node names are "<name>-<n>", n counting from 1 and walking the zones round-robin,
// so with Zones a, b, c and PerZone 2 the nodes are name-1 (a), name-2 (b),
// name-3 (c), name-4 (a), …: the names the upgrade plan uses for a pool's nodes.
type SimPool struct {
	// Pool is the node pool's intent; its Build() gives the labels and taints the
	// nodes carry (configured, provider-set and admin-set alike). Ignored for the
	// control plane.
	Pool nodepool.Pool
	// ControlPlane makes these kubeadm control plane nodes instead: labelled and
	// tainted `node-role.kubernetes.io/control-plane:NoSchedule` as kubeadm does.
	ControlPlane bool
	// Name prefixes the node names; empty means Pool.Name ("cp" for the control
	// plane).
	Name string
	// Zones are the topology.kubernetes.io/zone values the nodes spread over.
	Zones []string
	// PerZone is the number of nodes in each zone.
	PerZone int
	// Capacity is every node's capacity and allocatable (cpu, memory, pods,
	// ephemeral-storage, nvidia.com/gpu, …).
	Capacity corev1.ResourceList
}

// Capacity builds a ResourceList from quantity strings, for SimPool.Capacity.
func Capacity(pairs map[corev1.ResourceName]string) (corev1.ResourceList, error) {
	out := corev1.ResourceList{}
	for name, q := range pairs {
		v, err := resource.ParseQuantity(q)
		if err != nil {
			return nil, fmt.Errorf("capacity %s=%q: %w", name, q, err)
		}
		out[name] = v
	}
	return out, nil
}

// SimNodes turns the pools into Node objects for kwok to run: each carries the
// kwok annotation, the labels a kubelet sets (hostname, os, arch, zone), the
// pool's labels and taints from its nodepool.Template (or kubeadm's control plane
// label and taint), and the pool's capacity as capacity and allocatable. Nodes
// come out in pool order, then by number.
func SimNodes(pools []SimPool) ([]*corev1.Node, error) {
	var out []*corev1.Node
	seen := map[string]bool{}
	for i, sp := range pools {
		if len(sp.Zones) == 0 || sp.PerZone < 1 {
			return nil, fmt.Errorf("pools[%d] (%s): needs at least one zone and one node per zone", i, sp.NamePrefix())
		}
		n := len(sp.Zones) * sp.PerZone
		for k := 0; k < n; k++ {
			zone := sp.Zones[k%len(sp.Zones)]
			// Control plane nodes are cp-1, cp-2, ... as in the HA intent;
			// workers are named as the cluster intent names them in the
			// upgrade plan, so the plan's drains find them.
			nodeName := fmt.Sprintf("%s-%d", sp.NamePrefix(), k+1)
			if !sp.ControlPlane && sp.Name == "" {
				nodeName = cluster.NodeName(sp.Pool.Name, zone, k/len(sp.Zones)+1)
			}
			if seen[nodeName] {
				return nil, fmt.Errorf("pools[%d]: node %s named twice", i, nodeName)
			}
			seen[nodeName] = true
			node, err := sp.Node(nodeName, zone)
			if err != nil {
				return nil, fmt.Errorf("pools[%d]: %w", i, err)
			}
			out = append(out, node)
		}
	}
	return out, nil
}

// NamePrefix is what the pool's node names start with: Name, or the pool's name
// ("cp" for the control plane).
func (sp SimPool) NamePrefix() string {
	switch {
	case sp.Name != "":
		return sp.Name
	case sp.ControlPlane:
		return "cp"
	}
	return sp.Pool.Name
}

// Node is one node of the pool with the given name in the given zone — for nodes
// that join later, such as an upgrade's surge machines.
func (sp SimPool) Node(name, zone string) (*corev1.Node, error) {
	if sp.ControlPlane {
		return simNode(name, zone,
			map[string]string{LabelControlPlane: "", LabelExcludeFromLB: ""},
			[]corev1.Taint{{Key: LabelControlPlane, Effect: corev1.TaintEffectNoSchedule}},
			sp.Capacity), nil
	}
	tmpl, err := sp.Pool.Build()
	if err != nil {
		return nil, fmt.Errorf("pool %s: %w", sp.Pool.Name, err)
	}
	return simNode(name, zone, tmpl.Labels, tmpl.Taints, sp.Capacity), nil
}

// simNode is one fake node. Status.capacity/allocatable are set on creation: the
// API server keeps a new Node's status, and kwok's node-initialize stage keeps
// them when it marks the node Ready.
func simNode(name, zone string, poolLabels map[string]string, taints []corev1.Taint, capacity corev1.ResourceList) *corev1.Node {
	labels := map[string]string{
		corev1.LabelHostname:     name,
		corev1.LabelOSStable:     "linux",
		corev1.LabelArchStable:   "amd64",
		corev1.LabelTopologyZone: zone,
	}
	keys := make([]string, 0, len(poolLabels))
	for k := range poolLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		labels[k] = poolLabels[k]
	}
	return &corev1.Node{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Labels:      labels,
			Annotations: map[string]string{KwokNodeAnnotation: KwokNodeAnnotationValue},
		},
		Spec: corev1.NodeSpec{Taints: append([]corev1.Taint(nil), taints...)},
		Status: corev1.NodeStatus{
			Capacity:    capacity.DeepCopy(),
			Allocatable: capacity.DeepCopy(),
		},
	}
}
