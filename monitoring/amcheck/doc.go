// Package amcheck judges the Alertmanager configuration that package
// monitoring renders with Alertmanager's own code: its configuration
// loader (config.Load) and its routing tree (dispatch.Route). It is a
// separate module so that importers of prodkube never download
// Alertmanager.
package amcheck
