package cluster

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/monitoring"
	"github.com/prodkube/prodkube/nodepool"
	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/security"
	"github.com/prodkube/prodkube/upgrade"
)

// Cluster is the intent for a whole production cluster. Each area keeps
// its own package's intent type; Cluster says how they meet: workloads name
// their pool, their flows and their scaling, pools drive the kubeadm join
// files and the autoscaler's node groups, and flows drive the
// NetworkPolicies.
type Cluster struct {
	// ControlPlane is the HA control plane. Its Workers must be empty: the
	// kubeadm pools' join files come from Pools.
	ControlPlane baseline.HA
	// Pools are the worker node pools. At least one; names unique.
	Pools []Pool
	// Namespaces hold the workloads. Each is restricted and default-deny:
	// traffic flows only where a workload declares it.
	Namespaces []Namespace
	// Autoscaler, when set, runs the cluster-autoscaler. Its NodeGroups
	// must be empty: they are the pools that set Autoscale, so every group
	// the autoscaler resizes is a pool this cluster knows. Its
	// KubernetesVersion defaults to the control plane's.
	Autoscaler *scaling.ClusterAutoscaler
	// Monitoring, when set, runs Prometheus with its alert rules.
	Monitoring *monitoring.Prometheus
	// Alertmanager, NodeExporter and KubeStateMetrics run beside
	// Prometheus; each needs Monitoring. Prometheus' alert rules on node
	// and object state read the exporters' metrics, and its alerts go to
	// the Alertmanager.
	Alertmanager     *monitoring.Alertmanager
	NodeExporter     *monitoring.NodeExporter
	KubeStateMetrics *monitoring.KubeStateMetrics
	// Backup, when set, installs Velero with its schedules. The etcd
	// snapshot script and restore procedure are always written.
	Backup *backup.Velero
	// RestoreDrill, when set, writes the restore test of one backed-up
	// namespace. It needs Backup, and its schedule or backup must be one of
	// Backup's that covers the namespace.
	RestoreDrill *backup.RestoreDrill
	// Upgrade, when set, plans the upgrade of the control plane and the
	// kubeadm pools to Upgrade.Target.
	Upgrade *Upgrade
	// Platform names the components the platform provides outside this
	// set, which some objects need to have any effect.
	Platform Platform
}

// Platform lists components that run in the cluster without being part of
// what Cluster builds. Each is a promise the caller makes; the checks rely
// on it rather than on guessing.
type Platform struct {
	// MetricsAPI is true when something (metrics-server, or a provider's
	// equivalent) serves the resource metrics API, metrics.k8s.io. A
	// HorizontalPodAutoscaler on CPU or memory reads nothing without it, so
	// Workload.Autoscale is refused unless it is set.
	MetricsAPI bool
}

// Pool is a node pool and where its nodes are.
type Pool struct {
	// Pool is the pool's intent: name, purpose, provider, tenancy.
	nodepool.Pool
	// Zones are the zones the pool's nodes are in. Required: production
	// workloads spread across zones, and kubeadm nodes are labelled with
	// their zone through per-zone join files.
	Zones []string
	// NodesPerZone is how many nodes the pool has in each zone today; at
	// least 1. The upgrade plan names them "<pool>-<zone>-<n>".
	NodesPerZone int
	// Autoscale, when set, makes the pool a node group of the
	// cluster-autoscaler (Cluster.Autoscaler must be set).
	Autoscale *NodeGroup
	// Upgrade says how the upgrade plan replaces this pool's kubeadm
	// nodes; ignored for pools of managed providers, which upgrade them.
	Upgrade PoolUpgrade
}

// NodeGroup is how the cluster-autoscaler sees a pool.
type NodeGroup struct {
	// Name is the provider's name of the group (the auto-scaling group, the
	// managed instance group); default the pool's name.
	Name string
	// Min and Max bound the pool's size across all its zones.
	Min, Max int
}

// PoolUpgrade is how a kubeadm pool is upgraded.
type PoolUpgrade struct {
	// Strategy is upgrade.InPlace when empty.
	Strategy upgrade.Strategy
	// MaxUnavailable is how many nodes of an in-place pool are drained at
	// once; 0 means 1.
	MaxUnavailable int
}

// Namespace is a namespace and its workloads.
type Namespace struct {
	// Name is a DNS-1123 label, not a system namespace. Required.
	Name string
	// Quota, when set, caps the namespace; its Name and Namespace default to
	// "<namespace>-quota" and the namespace.
	Quota *baseline.Quota
	// LimitRange, when set, gives containers defaults and bounds; its Name
	// and Namespace default likewise.
	LimitRange *baseline.LimitRange
	// ServiceAccounts, Roles and RoleBindings are identities and
	// permissions beyond the workloads' own (a deploy pipeline's, say).
	// Their Namespace defaults to the enclosing one and must match it.
	ServiceAccounts []security.ServiceAccount
	Roles           []security.Role
	RoleBindings    []security.RoleBinding
	// Workloads run in the namespace; names unique within it.
	Workloads []Workload
}

// Workload is one Deployment or StatefulSet and how it fits the cluster.
type Workload struct {
	// Deployment or StatefulSet: exactly one. Its Namespace defaults to the
	// enclosing namespace and must match it.
	Deployment  *baseline.Deployment
	StatefulSet *baseline.StatefulSet
	// Pool names the pool the pods run on. Empty means the shared pools:
	// the pods must then fit a pool that is not dedicated.
	Pool string
	// GPUs is the number of GPUs each pod takes; required on a GPU pool.
	GPUs int64
	// AcceptSpotInterruption is nodepool.Placement's opt-out, for a spot
	// pool.
	AcceptSpotInterruption bool
	// Accepts lists the traffic the workload receives from outside the
	// cluster's pods (a load balancer, a partner's range). Traffic from
	// other workloads is declared by them, in Calls.
	Accepts []Accept
	// Calls lists the workloads and address ranges the workload connects
	// to. Cluster DNS is always allowed.
	Calls []Call
	// Autoscale, when set, adds a HorizontalPodAutoscaler and leaves the
	// replica count to it. It needs Platform.MetricsAPI.
	Autoscale *Autoscale
}

// Accept is traffic into a workload from an address range.
type Accept struct {
	// CIDR is the source range, such as "0.0.0.0/0" for a public Service.
	CIDR string
	// Ports are the workload's ports that the range may reach, by number or
	// name; empty means every port of the workload.
	Ports []intstr.IntOrString
}

// Call is traffic from a workload to another workload or to an address
// range. Exactly one of Workload and CIDR is set.
type Call struct {
	// Namespace of the called workload; default the caller's.
	Namespace string
	// Workload is the called workload's name.
	Workload string
	// CIDR is a destination range outside the cluster's pods.
	CIDR string
	// Ports are the destination ports: for a workload its ports by name or
	// number, empty meaning all of them; for a range, at least one number.
	Ports []intstr.IntOrString
	// Protocol is TCP when empty.
	Protocol corev1.Protocol
}

// Autoscale is a workload's HorizontalPodAutoscaler intent.
type Autoscale struct {
	// MinReplicas defaults to 2, MaxReplicas is required.
	MinReplicas, MaxReplicas int32
	// CPUUtilization and MemoryUtilization are target utilizations in
	// percent of the requests; at least one.
	CPUUtilization, MemoryUtilization int32
}

// Upgrade is the upgrade the plan prepares.
type Upgrade struct {
	// From is the version every node runs today.
	From string
	// Target is the version to reach.
	Target string
	// Releases names the latest patch of every minor in between; see
	// upgrade.Spec.Releases.
	Releases []string
}
