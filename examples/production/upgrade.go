package main

import (
	"fmt"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/upgrade"
)

func init() { register(70, "upgrade", addUpgrade) }

// exampleUpgrade is the upgrade of the example cluster from v1.35.4 to
// v1.37.2: the three control plane nodes of exampleHA, a general pool
// upgraded in place two nodes at a time, the GPU pool of the node pool part
// one node at a time (GPU machines are scarce), and the PCI-DSS pool
// replaced by surge (new machines from a hardened image rather than changes
// to audited ones). v1.36.5 is the latest v1.36 patch release, the hop in
// between.
func exampleUpgrade() (upgrade.Spec, error) {
	ha := exampleHA()
	spec := upgrade.Spec{Target: "v1.37.2", Releases: []string{"v1.36.5"}}
	for _, n := range ha.ControlPlaneNodes {
		spec.ControlPlane = append(spec.ControlPlane, upgrade.ControlPlaneNode{Name: n.Name, Version: "v1.35.4"})
	}
	nodes := func(prefix string, n int) []upgrade.Node {
		out := make([]upgrade.Node, n)
		for i := range out {
			out[i] = upgrade.Node{Name: fmt.Sprintf("%s-%d", prefix, i+1), Version: "v1.35.4"}
		}
		return out
	}
	gpu, _, pci := examplePools()
	spec.Pools = []upgrade.Pool{
		{Name: "general", Nodes: nodes("general", 6), MaxUnavailable: 2},
		{Name: gpu.Name, Nodes: nodes(gpu.Name, 2), MaxUnavailable: 1},
		{Name: pci.Name, Nodes: nodes(pci.Name, 3), Strategy: upgrade.Surge,
			// The join file the node pool part writes to DIR/kubeadm/,
			// placed on each new machine by its provisioning.
			JoinConfig: "/etc/kubernetes/join-worker-" + pci.Name + ".yaml"},
	}
	snap, err := backup.EtcdSnapshotFromHA(ha)
	if err != nil {
		return upgrade.Spec{}, fmt.Errorf("etcd snapshot: %w", err)
	}
	spec.Backups = upgrade.BackupSpecs{Etcd: snap}
	return spec, nil
}

// addUpgrade writes the upgrade plan as a script, a runbook and a diagram,
// with the pre-flight report over every manifest the earlier parts added.
func addUpgrade(out *output) error {
	spec, err := exampleUpgrade()
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	for _, obj := range out.objects {
		data, err := prodkube.MarshalYAML(obj)
		if err != nil {
			return fmt.Errorf("upgrade: pre-flight: %w", err)
		}
		name := obj.GetObjectKind().GroupVersionKind().Kind + " " + obj.GetName()
		if ns := obj.GetNamespace(); ns != "" {
			name = obj.GetObjectKind().GroupVersionKind().Kind + " " + ns + "/" + obj.GetName()
		}
		spec.Manifests = append(spec.Manifests, upgrade.Manifest{Name: "manifests: " + name, Data: data})
	}
	if len(spec.Manifests) == 0 {
		return fmt.Errorf("upgrade: pre-flight: the earlier parts added no manifests to check")
	}
	plan, err := spec.Plan()
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	for _, f := range plan.Files() {
		out.file(f.Path, f.Content)
	}
	return nil
}
