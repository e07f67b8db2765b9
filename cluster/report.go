package cluster

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/internal/shell"
	"github.com/prodkube/prodkube/nodepool"
)

// PoolReportFile is the path of the node pool report.
const PoolReportFile = "reports/node-pools.md"

// buildPoolReport writes, for the people who create the nodes, every pool's
// zones, labels and taints and who sets each.
func (b *builder) buildPoolReport() {
	if len(b.errs) > 0 {
		return
	}
	var r bytes.Buffer
	r.WriteString("# Node pools\n\nWhere every node pool's nodes are, the labels and taints they carry, and who sets them.\n")
	for _, pool := range b.c.Pools {
		t := b.pools[pool.Name]
		tenancy := "shared"
		if t.Dedicated {
			tenancy = "dedicated"
		}
		fmt.Fprintf(&r, "\n## %s\n\n%s pool on %s, %s; %d node(s) in each of %v.\n", t.Pool, t.Purpose, t.Provider, tenancy, pool.NodesPerZone, pool.Zones)
		if a := pool.Autoscale; a != nil {
			fmt.Fprintf(&r, "The cluster-autoscaler resizes it as node group %s, %d to %d nodes.\n", defaultTo(a.Name, pool.Name), a.Min, a.Max)
		}
		r.WriteString("\n")
		switch t.Provider {
		case nodepool.ProviderKubeadm:
			files := make([]string, len(pool.Zones))
			for i, z := range pool.Zones {
				files[i] = "`kubeadm/" + baseline.JoinWorkerGroupFile(pool.Name+"-"+z) + "`"
			}
			fmt.Fprintf(&r, "- Workers join with the file of their zone (%s): kubelet `--node-labels=%s` and the zone label", joinList(files), t.Registration.KubeletNodeLabels())
			if s := t.Configure.TaintsFlag(); s != "" {
				fmt.Fprintf(&r, ", registered with taints `%s`", s)
			}
			r.WriteString(".\n")
		case nodepool.ProviderGKE:
			fmt.Fprintf(&r, "- Create the node pool with `--node-labels=%s`", t.Configure.LabelsFlag())
			if s := t.Configure.TaintsFlag(); s != "" {
				fmt.Fprintf(&r, " and `--node-taints=%s`", s)
			}
			r.WriteString(".\n")
		default:
			fmt.Fprintf(&r, "- Configure the pool with labels `%s`", t.Configure.LabelsFlag())
			if s := t.Configure.TaintsFlag(); s != "" {
				fmt.Fprintf(&r, " and taints `%s`", s)
			}
			r.WriteString(".\n")
		}
		for _, k := range slices.Sorted(maps.Keys(t.ProviderLabels)) {
			fmt.Fprintf(&r, "- Set by %s itself: label `%s=%s`.\n", t.Provider, k, t.ProviderLabels[k])
		}
		for _, taint := range t.ProviderTaints {
			fmt.Fprintf(&r, "- Set by %s itself: taint `%s`.\n", t.Provider, taint.ToString())
		}
		if len(t.AdminLabels) > 0 && len(pool.Zones) > 0 {
			node := NodeName(pool.Name, pool.Zones[0], 1)
			argv, err := t.AdminLabelCommand(node)
			if err != nil {
				b.add(field.ErrorList{field.Invalid(field.NewPath("pools"), pool.Name, err.Error())})
				return
			}
			fmt.Fprintf(&r, "- After each node joins, an administrator admits it to the pool (a kubelet may not set this label on itself); for node %s:\n\n      %s\n", node, shell.Join(argv))
		}
	}
	b.r.files = append(b.r.files, prodkube.File{Path: PoolReportFile, Content: r.Bytes()})
}

func joinList(items []string) string {
	var b bytes.Buffer
	for i, s := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}
