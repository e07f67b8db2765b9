// Package logs builds a node-level log shipper: the OpenTelemetry Collector
// (contrib distribution) as a DaemonSet that tails every container's log
// under /var/log/pods with the filelog receiver and its container parser,
// adds Kubernetes metadata with the k8sattributes processor (RBAC: get,
// list and watch pods, namespaces and replicasets, nothing else), and
// exports over OTLP (gRPC or HTTP, TLS unless the named Insecure opt-out)
// through a persistent queue kept by the file_storage extension on the
// node's disk, so that a back-end outage loses nothing: batches wait on
// disk, survive restarts, and a full queue makes the receiver stop reading
// rather than drop (the receiver's file offsets live in the same storage).
//
// Shipper (Validate, Build) yields a ServiceAccount, a ClusterRole and its
// binding, a ConfigMap with the collector configuration and the DaemonSet;
// Files gives the configuration as logs/<name>.yaml. A log pipeline without
// a buffer is refused (buffer.size is required).
//
// Pod Security: the shipper needs hostPath volumes (/var/log/pods read-only
// and a directory for the buffer) and reads the kubelet's root-owned log
// files as user 0, so only a namespace enforcing "privileged" admits it;
// PodSecurityLevel states that and any other level is refused with a field
// error. Everything else of the restricted context stays: all capabilities
// dropped, no privilege escalation, seccomp RuntimeDefault, read-only root
// filesystem.
//
// What is proven and what is not. The seed's tool is Fluent Bit, but
// nothing here can run or parse a Fluent Bit configuration, so this package
// emits a Collector configuration instead. Its golden files in testdata/
// are meant for a checker module that loads them with the Collector's own
// configuration loader (otelcol, confmap) and the factories of the filelog
// receiver, k8sattributes processor, file_storage and health_check
// extensions and OTLP exporters at release v0.141.0, the release of
// DefaultImage; that checker is not in the repository yet, so today the
// configuration is checked by this package's own tests only. The Elasticsearch and OpenSearch exporters are not
// served as Go modules here, so shipping straight to Elasticsearch or
// OpenSearch cannot be checked and is not offered: send OTLP to a gateway
// (or a back end with OTLP ingestion). Nothing here runs the collector
// against real log files or a real back end, so the no-loss behaviour is
// the configured one (persistent queue, blocking on overflow, unlimited
// retries), not a measured one.
package logs
