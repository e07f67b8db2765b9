// Package grafana builds a Grafana server for a production cluster: the
// Prometheus datasource and the dashboards provisioned from ConfigMaps,
// read-only, and a Deployment whose pods pass Pod Security "restricted".
//
// Grafana (an intent struct with Validate and Build) yields a ServiceAccount,
// a provisioning ConfigMap (datasources/prometheus.yaml pointing at the
// intent's Prometheus URL, no credentials, and dashboards/prodkube.yaml, a
// file provider), a ConfigMap with one JSON model per dashboard, a Service,
// an ingress NetworkPolicy on the web port, the Deployment and, from two
// replicas, a PodDisruptionBudget. The Deployment is package baseline's
// production Deployment (resources with ephemeral storage, probes, spread,
// restricted security context) with the ConfigMaps and the administrator's
// password Secret mounted read-only, Grafana's data directory on an
// emptyDir, and imagePullPolicy Always. The administrator's password is read
// from the mounted Secret file (GF_SECURITY_ADMIN_PASSWORD__FILE); a shared
// database URL, needed for more than one replica, from a secretKeyRef.
//
// Dashboards are built with the Grafana Foundation SDK
// (github.com/grafana/grafana-foundation-sdk/go, Apache-2.0, standard
// library only, so it is a dependency of the main module; Grafana itself,
// AGPL, is not imported). BuiltinDashboards are the key production metrics
// (the ones package monitoring's alert rules watch) and one dashboard per
// class: cluster, control plane, workloads, resources and application
// requests. Every query passes CheckExpr, a cheap syntactic check; the
// module github.com/prodkube/prodkube/monitoring/grafana/dashcheck parses
// every panel query of the built dashboards with Prometheus' own PromQL
// parser and fuzzes that CheckExpr never refuses what the parser accepts.
package grafana
