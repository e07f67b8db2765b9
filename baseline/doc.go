// Package baseline turns the baseline of a production cluster into validated
// configuration: an HA control plane bootstrapped with kubeadm, per-namespace
// ResourceQuota and LimitRange, a resource check for pod specs (including
// whether a pod fits a quota and a LimitRange), and Deployment and
// StatefulSet workloads that need nothing added for production: pinned
// images, requests and limits, restricted security contexts, probes, at
// least two replicas with a PodDisruptionBudget, zone and host spread, a
// dedicated ServiceAccount and an optional Service.
//
// Every spec is a plain struct with Validate() field.ErrorList and Build();
// Build reports every problem at once, each with its field path.
package baseline
