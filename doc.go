// Package prodkube turns production intent into validated Kubernetes
// objects and operational plans.
//
// Going from a development cluster to production means getting dozens of
// objects right. prodkube's packages each take one area of that work as
// plain Go structs of intent, check them with the upstream validators, and
// return the real k8s.io/api types (or kubeadm configurations, Velero
// commands, upgrade plans) with safe production defaults:
//
//   - security: Pod Security Standards namespaces, restricted security
//     contexts, least-privilege RBAC, NetworkPolicies.
//   - baseline: the HA control plane (kubeadm configurations), quotas,
//     limit ranges, and production workloads with disruption budgets,
//     zone spread and probes.
//   - nodepool: node pools (GPU, spot, compliance) and workload placement
//     proven with the scheduler's own matching code.
//   - scaling: HorizontalPodAutoscalers, the cluster-autoscaler,
//     VerticalPodAutoscalers and a right-sizing recommender.
//   - backup: Velero commands and objects, etcd snapshots, restore drills.
//   - monitoring: Prometheus scraping, its RBAC, and alert rules.
//   - upgrade: a pure, node-by-node upgrade planner checked against the
//     version skew policy.
//
// Every spec has Validate, returning a field.ErrorList whose errors carry
// the path of the offending field, and Build, which validates first and
// returns either complete objects or an error, never both.
//
// This package renders what the others build: WriteYAML writes one stream in
// apply order, WriteDir writes a kustomize base, and DiffDir tells a build
// script whether committed manifests are stale.
package prodkube
