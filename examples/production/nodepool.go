package main

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/internal/shell"
	"github.com/prodkube/prodkube/nodepool"
	"github.com/prodkube/prodkube/security"
)

func init() { register(30, "nodepool", addNodePools) }

// examplePools are the node pools of the production setup: a dedicated GPU pool and a
// dedicated PCI-DSS pool of kubeadm workers, and a GKE spot pool for batch work.
func examplePools() (gpu, spot, pci nodepool.Pool) {
	gpu = nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}
	spot = nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}
	pci = nodepool.Pool{Name: "pci", Purpose: nodepool.PurposeCompliance, Compliance: nodepool.RegimePCIDSS}
	return gpu, spot, pci
}

// placedWorkload is a workload and the pool it goes onto.
type placedWorkload struct {
	spec baseline.Deployment
	pool nodepool.Pool
	how  nodepool.Placement
	// grace, when set, is the pods' terminationGracePeriodSeconds.
	grace *int64
}

// addNodePools adds the workloads placed on the pools (gpu-application, batch-processor,
// payments), the payments namespace that keeps the PCI-DSS scope apart, the worker join files
// of the kubeadm pools and a report of every pool's labels and taints.
func addNodePools(out *output) error {
	gpu, spot, pci := examplePools()

	// The cardholder-data workload gets its own namespace: restricted, and no traffic but DNS
	// until policies allow it by name.
	ns, err := security.Namespace{Name: "payments"}.Build()
	if err != nil {
		return fmt.Errorf("payments namespace: %w", err)
	}
	deny, err := security.DefaultDeny{Namespace: "payments"}.Build()
	if err != nil {
		return fmt.Errorf("payments default deny: %w", err)
	}
	dns, err := security.AllowDNS{Namespace: "payments"}.Build()
	if err != nil {
		return fmt.Errorf("payments DNS policy: %w", err)
	}
	out.add(ns, deny, dns)

	workloads := []placedWorkload{
		{
			pool: gpu,
			how:  nodepool.Placement{GPUs: 1},
			spec: baseline.Deployment{Workload: baseline.Workload{
				Name:      "gpu-application",
				Namespace: "production",
				Image:     "nvcr.io/nvidia/cuda:12.6.3-base-ubuntu24.04",
				Command:   []string{"sleep", "infinity"},
				Resources: baseline.Resources{
					Requests: baseline.Compute{CPU: "1", Memory: "4Gi", EphemeralStorage: "1Gi"},
					Limits:   baseline.Compute{CPU: "2", Memory: "8Gi", EphemeralStorage: "2Gi"},
				},
				ReadinessProbe: &baseline.Probe{Exec: []string{"nvidia-smi"}, PeriodSeconds: 30, TimeoutSeconds: 10},
			}},
		},
		{
			// Batch work tolerates losing a node: several replicas and a PodDisruptionBudget.
			// GKE reclaims spot nodes 30 s after its notice and gives non-system pods the
			// first 15 s, so the pods must stop within 15 s (the default 30 s is refused).
			pool:  spot,
			grace: baseline.Int64(15),
			spec: baseline.Deployment{Workload: baseline.Workload{
				Name:      "batch-processor",
				Namespace: "production",
				Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
				Args:      []string{"netexec", "--http-port=8080"},
				Ports:     []baseline.Port{{Name: "http", Port: 8080}},
				Resources: baseline.Resources{
					Requests: baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "256Mi"},
					Limits:   baseline.Compute{CPU: "1", Memory: "1Gi", EphemeralStorage: "512Mi"},
				},
				ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz", PeriodSeconds: 10},
				Replicas:       3,
			}},
		},
		{
			pool: pci,
			spec: baseline.Deployment{Workload: baseline.Workload{
				Name:      "payments",
				Namespace: "payments",
				Image:     "registry.k8s.io/e2e-test-images/agnhost:2.55",
				Args:      []string{"netexec", "--http-port=8080"},
				Ports:     []baseline.Port{{Name: "http", Port: 8080}},
				Resources: baseline.Resources{
					Requests: baseline.Compute{CPU: "500m", Memory: "512Mi", EphemeralStorage: "256Mi"},
					Limits:   baseline.Compute{CPU: "1", Memory: "1Gi", EphemeralStorage: "512Mi"},
				},
				ReadinessProbe: &baseline.Probe{HTTPPath: "/readyz", PeriodSeconds: 5},
				LivenessProbe:  &baseline.Probe{HTTPPath: "/healthz", PeriodSeconds: 20},
				Replicas:       3,
				Service:        &baseline.Service{},
			}},
		},
	}
	for _, w := range workloads {
		objs, err := w.spec.Build()
		if err != nil {
			return fmt.Errorf("deployment %s: %w", w.spec.Name, err)
		}
		d := objs.Deployment
		if w.grace != nil {
			d.Spec.Template.Spec.TerminationGracePeriodSeconds = w.grace
		}
		how := w.how
		how.PodDisruptionBudget = objs.PodDisruptionBudget != nil
		if d.Spec.Replicas != nil {
			how.Replicas = *d.Spec.Replicas
		}
		placed, err := nodepool.Place(&d.Spec.Template.Spec, w.pool, how)
		if err != nil {
			return fmt.Errorf("placing %s on pool %s: %w", w.spec.Name, w.pool.Name, err)
		}
		d.Spec.Template.Spec = *placed
		if errs := security.CheckPodSpec(security.LevelRestricted, &d.Spec.Template.ObjectMeta, &d.Spec.Template.Spec); len(errs) > 0 {
			return fmt.Errorf("deployment %s after placement: %w", w.spec.Name, errs.ToAggregate())
		}
		out.add(objs.Objects()...)
	}

	var report bytes.Buffer
	report.WriteString("# Node pools\n\nLabels and taints of every node pool, and who sets them.\n")
	for _, p := range []nodepool.Pool{gpu, spot, pci} {
		tmpl, err := p.Build()
		if err != nil {
			return fmt.Errorf("pool %s: %w", p.Name, err)
		}
		if err := writePoolReport(&report, tmpl); err != nil {
			return err
		}
	}
	out.file("reports/node-pools.md", report.Bytes())
	return nil
}

// writePoolReport describes one pool for the people who create its nodes.
func writePoolReport(b *bytes.Buffer, t *nodepool.Template) error {
	tenancy := "shared"
	if t.Dedicated {
		tenancy = "dedicated"
	}
	fmt.Fprintf(b, "\n## %s\n\n%s pool on %s, %s.\n\n", t.Pool, t.Purpose, t.Provider, tenancy)
	switch t.Provider {
	case nodepool.ProviderKubeadm:
		fmt.Fprintf(b, "- Workers join with `kubeadm/%s`: kubelet `--node-labels=%s`", baseline.JoinWorkerGroupFile(t.Pool), t.Registration.KubeletNodeLabels())
		if s := t.Configure.TaintsFlag(); s != "" {
			fmt.Fprintf(b, ", registered with taints `%s`", s)
		}
		b.WriteString(".\n")
	case nodepool.ProviderGKE:
		fmt.Fprintf(b, "- Create the node pool with `--node-labels=%s`", t.Configure.LabelsFlag())
		if s := t.Configure.TaintsFlag(); s != "" {
			fmt.Fprintf(b, " and `--node-taints=%s`", s)
		}
		b.WriteString(".\n")
	default:
		fmt.Fprintf(b, "- Configure the pool with labels `%s`", t.Configure.LabelsFlag())
		if s := t.Configure.TaintsFlag(); s != "" {
			fmt.Fprintf(b, " and taints `%s`", s)
		}
		b.WriteString(".\n")
	}
	for _, k := range sortedLabelKeys(t.ProviderLabels) {
		fmt.Fprintf(b, "- Set by %s itself: label `%s=%s`.\n", t.Provider, k, t.ProviderLabels[k])
	}
	for _, taint := range t.ProviderTaints {
		fmt.Fprintf(b, "- Set by %s itself: taint `%s`.\n", t.Provider, taint.ToString())
	}
	if len(t.AdminLabels) > 0 {
		node := t.Pool + "-worker-1"
		argv, err := t.AdminLabelCommand(node)
		if err != nil {
			return fmt.Errorf("pool %s: %w", t.Pool, err)
		}
		fmt.Fprintf(b, "- After each node joins, an administrator admits it to the pool (a kubelet may not set this label on itself); for node %s:\n\n      %s\n", node, shell.Join(argv))
	}
	return nil
}

func sortedLabelKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
