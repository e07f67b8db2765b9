// Package vpacheck holds tests only: they decode the VerticalPodAutoscalers that
// package scaling builds into the upstream VPA API types (strictly, so a misspelt or
// unknown field fails) and validate them against the upstream CRD's OpenAPI schema.
package vpacheck
