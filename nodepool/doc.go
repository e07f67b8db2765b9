// Package nodepool describes node pools — general, CPU- or memory-heavy, GPU, compliance
// (PCI-DSS, HIPAA) and spot — and places workloads onto them so that they provably schedule
// where intended.
//
// A [Pool] is intent: a name, a [Purpose], a [Provider] (kubeadm on bare metal, GKE, EKS
// managed node groups, Karpenter, AKS) and a [Tenancy]. [Pool.Build] turns it into a
// [Template]: every label and taint the pool's nodes carry, split into what the pool's own
// configuration sets, what the provider sets by itself, and what only a cluster administrator
// may set; for kubeadm pools also the worker JoinConfiguration nodeRegistration data.
//
// [Place] adds to a pod spec exactly what it needs to land on one pool: a nodeSelector or a
// required (or preferred) node affinity on the pool's labels, and one keyed and valued
// toleration per taint of the pool — never a blanket toleration that would also admit the pod
// to every other dedicated pool. GPU placements carry their GPU request and limit. Spot
// placements are refused when the workload cannot survive losing a node (fewer than two
// replicas or no PodDisruptionBudget, unless the named opt-out is set) or cannot stop in time
// (a termination grace period longer than the eviction notice leaves it, see
// [MaxGracePeriod]). Compliance placements require a dedicated pool and a required (not
// preferred) placement.
//
// [Schedulable] judges a pod spec against a node with the scheduler's own matching code
// (k8s.io/component-helpers: taint/toleration matching and required node affinity), so a
// placement is checked by the code that will run it, not by a second opinion.
//
// # Labels and the NodeRestriction admission plugin
//
// Kubelets register their own Node objects, and with the NodeRestriction admission plugin
// (which kubeadm enables on every API server it sets up) a kubelet may only set labels in the
// kubernetes.io and k8s.io namespaces that are on an allowed list: the node.kubernetes.io/
// and kubelet.kubernetes.io/ namespaces, the hostname, os, arch, instance-type and topology
// (zone, region) labels. The kubelet itself refuses to start when --node-labels names any
// other kubernetes.io or k8s.io key. Labels such as node-role.kubernetes.io/gpu therefore
// cannot come from a pool's kubelet configuration, so every pool label lives under the
// pool.prodkube.io/ prefix ([LabelPool], [LabelPurpose], [LabelCompliance]), which a kubelet
// may set.
//
// The flip side is that a kubelet may set any label outside those namespaces on itself: a
// compromised node could claim to belong to any pool. That is harmless for capacity pools but
// not for compliance pools, so compliance pools also carry [LabelIsolated] in the
// node-restriction.kubernetes.io/ namespace, which NodeRestriction forbids kubelets to set.
// It is listed in [Template.AdminLabels] and must be applied by a cluster administrator (or a
// controller with node update rights) after each node joins; compliance placements select on
// it, so a node that merely labels itself cannot attract regulated workloads.
//
// # Provider facts
//
// Spot capacity is recognised by the labels and taints the providers set themselves:
//
//   - GKE: label cloud.google.com/gke-spot=true; a dedicated spot pool adds the taint
//     cloud.google.com/gke-spot=true:NoSchedule through its own configuration
//     (gcloud --node-taints, see [Settings.TaintsFlag]). Eviction notice: 30 s, of which the
//     kubelet's graceful node shutdown gives non-system pods the first 15 s.
//   - EKS managed node groups: label eks.amazonaws.com/capacityType=SPOT (ON_DEMAND otherwise),
//     no taint. Eviction notice: 2 min.
//   - Karpenter: label karpenter.sh/capacity-type=spot (on-demand otherwise), no taint.
//     Eviction notice: 2 min (AWS).
//   - AKS: label kubernetes.azure.com/scalesetpriority=spot and taint
//     kubernetes.azure.com/scalesetpriority=spot:NoSchedule, both added automatically, so an
//     AKS spot pool is always tainted. Eviction notice: 30 s.
//
// kubeadm (bare metal) pools have no spot capacity.
package nodepool
