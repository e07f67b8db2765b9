// Package dashcheck holds tests that judge the dashboards package grafana
// builds with Prometheus' own PromQL parser: every query of every panel of
// every provisioned dashboard parses, and grafana.CheckExpr, the library's
// cheap syntactic check, never refuses an expression the parser accepts.
// It is a separate module so that importers of prodkube never download
// Prometheus.
package dashcheck
