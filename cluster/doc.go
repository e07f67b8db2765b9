// Package cluster composes prodkube's areas into one production cluster.
//
// Each area keeps its own intent type (baseline.HA, nodepool.Pool,
// baseline.Deployment, scaling.ClusterAutoscaler, monitoring.Prometheus,
// backup.Velero); a Cluster says how they meet, at the level of intent:
//
//   - a workload names the pool it runs on; its pods are placed there with
//     the scheduler's own matching code, must fit that pool, and must fit no
//     other dedicated pool;
//   - the kubeadm pools become per-zone worker join files of the control
//     plane, and the pools that set Autoscale become the cluster-autoscaler's
//     node groups, so every group it resizes is a pool;
//   - every namespace is restricted and default-deny, and a workload's
//     Calls and Accepts become the NetworkPolicies that let exactly that
//     traffic through (cluster DNS is always allowed); a Service that no
//     flow reaches is an error, not an output;
//   - a workload's Autoscale becomes a HorizontalPodAutoscaler, which needs
//     the resource metrics API: Platform.MetricsAPI says the platform runs
//     it;
//   - the etcd snapshot script comes from the control plane, the upgrade
//     plan from the control plane and the kubeadm pools, and the plan's
//     pre-flight reads every object of the set.
//
// Build returns every object (Objects) and every other file (Files), or
// every problem at once as field errors whose paths start at the Cluster's
// fields ("namespaces[0].workloads[1].pool"). The packages stay usable one
// by one; Cluster only composes them.
package cluster
