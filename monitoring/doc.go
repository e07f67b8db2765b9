// Package monitoring builds what a production cluster needs to watch
// itself with Prometheus: the scrape configuration, alert rules on the key
// metrics, and a Prometheus server that runs with least privilege.
//
// Three specs, each a plain struct whose zero value is a complete
// production default, with Validate (every problem, with its field path)
// and Build (validate, then return typed results):
//
//   - Scrape builds a Config: the typed part of prometheus.yml that
//     prodkube writes. Its jobs find targets with kubernetes_sd_configs:
//     the API servers and the kubelets (and their cAdvisor) over TLS
//     verified against the cluster CA with the service account token read
//     from its file, kube-state-metrics through its Service, and pods and
//     Services that opt in with the prometheus.io/scrape annotation.
//   - Alerts builds a RuleFile of alerting rules on the metrics that tell
//     whether a cluster and its applications are healthy: nodes not Ready,
//     API server 5xx ratio, containers restarting or crash-looping, memory
//     near the limit, and an application's HTTP 5xx ratio. Thresholds and
//     waits are spec fields. RuleFile.PrometheusRule wraps the same groups
//     in a monitoring.coreos.com/v1 PrometheusRule for the Prometheus
//     Operator.
//   - Prometheus builds a Bundle: ServiceAccount, a read-only ClusterRole
//     and its binding, a ConfigMap with prometheus.yml and the rules, a
//     headless Service and a StatefulSet whose pods pass Pod Security
//     "restricted" (non-root, read-only root filesystem, pinned image,
//     probes on /-/ready and /-/healthy, data on a PersistentVolumeClaim),
//     and a PodDisruptionBudget when it runs more than one replica.
//
// Config and RuleFile marshal (YAML method, or sigs.k8s.io/yaml) to exactly
// the keys Prometheus reads; durations use Prometheus' own format (Duration).
// The module github.com/prodkube/prodkube/monitoring/promcheck, kept apart
// so that importers never download Prometheus, loads what this package
// renders with Prometheus' configuration loader, rule loader and PromQL
// parser.
package monitoring
