// Package promcheck holds tests that judge what package monitoring renders with
// Prometheus' own configuration loader and PromQL parser. It is a separate
// module so that importers of prodkube never download Prometheus.
package promcheck
