// Package tracing builds a trace collector and query service: Jaeger v2,
// itself an OpenTelemetry Collector distribution, receiving OTLP over gRPC
// and HTTP, batching, and writing through the jaeger_storage_exporter into
// the jaeger_storage extension's one back end — Elasticsearch or
// OpenSearch (https, basic authentication with the password read from a
// mounted Secret file, a CA from a Secret), or memory when the intent says
// so (then one replica, since memory is neither durable nor shared) —
// which jaeger_query serves.
//
// Jaeger (Validate, Build) yields a ServiceAccount, a ConfigMap with the
// configuration, a Service, a Deployment whose pods pass Pod Security
// "restricted" (package baseline's production Deployment, imagePullPolicy
// Always) and, from two replicas, a PodDisruptionBudget; Files gives the
// configuration as tracing/<name>.yaml. A tracing pipeline with no
// exporter — no storage — is refused with the field storage named.
//
// The configuration is checked by Jaeger's own validate command: the
// module github.com/prodkube/prodkube/monitoring/tracing/jaegercheck pins
// github.com/jaegertracing/jaeger v1.75.0 as a tool, and its script
// validate.sh builds it and runs "jaeger validate" on every configuration
// kept in testdata/. The build is too heavy for every CI run on a shared
// machine (see the report in jaegercheck), so it is behind the script; the
// module's Go tests check the configurations' wiring without Jaeger.
package tracing
