package nodepool_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/nodepool"
)

// A kubeadm GPU pool is dedicated by default; its workers join with a taint and pool labels
// that the kubelet is allowed to set on itself.
func ExamplePool_Build() {
	tmpl, err := nodepool.Pool{Name: "gpu", Purpose: nodepool.PurposeGPU}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dedicated:", tmpl.Dedicated)
	fmt.Println("--node-labels", tmpl.Registration.KubeletNodeLabels())
	for _, t := range tmpl.Registration.Taints {
		fmt.Println("taint:", t.ToString())
	}
	// Output:
	// dedicated: true
	// --node-labels pool.prodkube.io/name=gpu,pool.prodkube.io/purpose=gpu
	// taint: pool.prodkube.io/dedicated=gpu:NoSchedule
}

// A GKE spot pool: GKE sets the spot label itself; the taints go to gcloud --node-taints.
func ExampleSettings_TaintsFlag() {
	tmpl, err := nodepool.Pool{Name: "batch", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("--node-labels=" + tmpl.Configure.LabelsFlag())
	fmt.Println("--node-taints=" + tmpl.Configure.TaintsFlag())
	fmt.Println("set by GKE:", tmpl.ProviderLabels)
	// Output:
	// --node-labels=pool.prodkube.io/name=batch,pool.prodkube.io/purpose=spot
	// --node-taints=cloud.google.com/gke-spot=true:NoSchedule,pool.prodkube.io/dedicated=batch:NoSchedule
	// set by GKE: map[cloud.google.com/gke-spot:true]
}

// Place adds exactly what the pod needs for its pool; the input spec is left alone.
func ExamplePlace() {
	grace := int64(15) // GKE leaves non-system pods 15 s of its 30 s spot notice
	spec := &corev1.PodSpec{
		TerminationGracePeriodSeconds: &grace,
		Containers:                    []corev1.Container{{Name: "batch", Image: "registry.k8s.io/pause:3.10"}},
	}
	placed, err := nodepool.Place(spec,
		nodepool.Pool{Name: "batch", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderGKE},
		nodepool.Placement{Replicas: 3, PodDisruptionBudget: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := yaml.Marshal(struct {
		NodeSelector map[string]string   `json:"nodeSelector"`
		Tolerations  []corev1.Toleration `json:"tolerations"`
	}{placed.NodeSelector, placed.Tolerations})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// nodeSelector:
	//   cloud.google.com/gke-spot: "true"
	//   pool.prodkube.io/name: batch
	// tolerations:
	// - effect: NoSchedule
	//   key: cloud.google.com/gke-spot
	//   operator: Equal
	//   value: "true"
	// - effect: NoSchedule
	//   key: pool.prodkube.io/dedicated
	//   operator: Equal
	//   value: batch
}

// Spot placements are refused when the workload cannot survive losing a node.
func ExamplePlace_spotSafety() {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "batch", Image: "registry.k8s.io/pause:3.10"}}}
	_, err := nodepool.Place(spec,
		nodepool.Pool{Name: "batch", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderAKS},
		nodepool.Placement{Replicas: 1})
	fmt.Println(err)
	// Output:
	// [placement.replicas: Invalid value: 1: a spot workload needs at least 2 replicas so that one reclaimed node does not take it down (or set acceptSpotInterruption), placement.podDisruptionBudget: Required value: a spot workload needs a PodDisruptionBudget (or set acceptSpotInterruption)]
}

// Schedulable says why a pod without placement stays off a dedicated pool.
func ExampleSchedulable() {
	tmpl, err := nodepool.Pool{Name: "payments", Purpose: nodepool.PurposeCompliance, Compliance: nodepool.RegimePCIDSS}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, why := nodepool.Schedulable(&corev1.PodSpec{}, tmpl.Node())
	fmt.Println(ok, why)
	// Output:
	// false [node "payments-template" has taint pool.prodkube.io/dedicated=payments:NoSchedule that the pod does not tolerate]
}

// The eviction notice, and the part of it a pod may use for its grace period.
func ExampleEvictionNotice() {
	for _, p := range []nodepool.Provider{nodepool.ProviderGKE, nodepool.ProviderAKS, nodepool.ProviderEKS} {
		fmt.Println(p, nodepool.EvictionNotice(p), nodepool.MaxGracePeriod(p))
	}
	// Output:
	// gke 30s 15s
	// aks 30s 30s
	// eks 2m0s 2m0s
}

// Validate reports every problem at once, each with its field path.
func ExamplePool_Validate() {
	errs := nodepool.Pool{
		Name:     "cards",
		Purpose:  nodepool.PurposeCompliance,
		Tenancy:  nodepool.TenancyShared,
		Labels:   map[string]string{"node-role.kubernetes.io/pci": ""},
		Provider: nodepool.ProviderKubeadm,
	}.Validate()
	for _, e := range errs {
		fmt.Println(e.Field)
	}
	// Output:
	// compliance
	// tenancy
	// labels[node-role.kubernetes.io/pci]
}

// A compliance pool's isolation label is applied by an administrator, since a kubelet may not
// set node-restriction.kubernetes.io/ labels on itself.
func ExampleTemplate_AdminLabelCommand() {
	tmpl, err := nodepool.Pool{Name: "pci", Purpose: nodepool.PurposeCompliance, Compliance: nodepool.RegimePCIDSS}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	argv, err := tmpl.AdminLabelCommand("pci-worker-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(argv)
	// Output:
	// [kubectl label node pci-worker-1 node-restriction.kubernetes.io/prodkube-pool=pci]
}

// Node is the pool's node template, for judging placements with Schedulable: an AKS spot
// pool carries the label and taint AKS sets itself, and the pool's own.
func ExampleTemplate_Node() {
	tmpl, err := nodepool.Pool{Name: "spot", Purpose: nodepool.PurposeSpot, Provider: nodepool.ProviderAKS}.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	node := tmpl.Node()
	out, err := yaml.Marshal(struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
		Taints []corev1.Taint    `json:"taints"`
	}{node.Name, node.Labels, node.Spec.Taints})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// labels:
	//   kubernetes.azure.com/scalesetpriority: spot
	//   pool.prodkube.io/name: spot
	//   pool.prodkube.io/purpose: spot
	// name: spot-template
	// taints:
	// - effect: NoSchedule
	//   key: kubernetes.azure.com/scalesetpriority
	//   value: spot
	// - effect: NoSchedule
	//   key: pool.prodkube.io/dedicated
	//   value: spot
}
