// Package upgrade plans the upgrade of a kubeadm cluster from one Kubernetes
// release to another, node by node, within the version skew policy.
//
// kubeadm itself only says which versions exist (`kubeadm upgrade plan`).
// This package turns a description of the cluster (control plane nodes, worker
// pools with their strategy, the package manager) and a target version into a
// Plan: an ordered list of typed steps, each with its phase, the nodes it
// touches, its commands as argv, the preconditions that must hold before it
// runs and the checks that prove it worked. The plan
//
//   - never skips a minor release: v1.35 → v1.37 is two hops, each to the
//     latest patch release the caller names for that minor;
//   - upgrades the control plane first, strictly one node at a time, with
//     `kubeadm upgrade apply` on the first node and `kubeadm upgrade node` on
//     the others, then the worker pools, at most MaxUnavailable nodes of a pool
//     at once (in place) or by replacing the pool (surge);
//   - installs packages from the community repositories at pkgs.k8s.io, one
//     repository per minor release, pinned in that repository's version format
//     (1.37.2-1.1); the frozen apt.kubernetes.io and yum.kubernetes.io
//     repositories and their "-00" versions are refused;
//   - takes an etcd snapshot and a Velero backup before the first hop (unless
//     SkipBackups opts out), and reports every apiVersion/kind in the given
//     manifests that a release along the path stops serving.
//
// Plans render as a bash script (one function per step, resumable from any
// step, refusing a step whose preconditions fail; a step that failed half-way
// can be run again), a Markdown runbook and a Mermaid diagram. Planning is pure: no I/O, no clock, and the same Spec
// always gives the same plan, byte for byte.
//
// The package's tests run every plan through a simulator that executes the
// commands against a model of the cluster and checks the skew policy and the
// availability rules after every command; the fuzz target does so for random
// clusters.
package upgrade
