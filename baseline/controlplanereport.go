package baseline

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
)

// ControlPlaneReportPath is where the control plane summary goes.
const ControlPlaneReportPath = "reports/control-plane.md"

// ControlPlaneReport is a one-page summary of the control plane for the
// people who run it: how the API servers are reached, where etcd runs, what
// the kubelets reserve and enforce, what is audited and what is encrypted.
// It takes the built results, so it says exactly what the files say.
type ControlPlaneReport struct {
	// LoadBalancer, Kubelet, Audit and Encryption are required.
	LoadBalancer *LoadBalancerResult
	Kubelet      *KubeletResult
	Audit        *AuditResult
	Encryption   *EncryptionResult
	// Etcd is the external etcd cluster; nil means stacked etcd.
	Etcd *EtcdClusterResult
	// Capacity is the node capacity the kubelet reservations were sized
	// for (Kubelet.Capacity); it is needed to report what pods get.
	Capacity NodeCapacity
}

// ControlPlaneReportResult is the rendered summary.
type ControlPlaneReportResult struct {
	// Markdown is the page.
	Markdown []byte
}

// Files returns the page at ControlPlaneReportPath.
func (r *ControlPlaneReportResult) Files() []prodkube.File {
	return []prodkube.File{{Path: ControlPlaneReportPath, Content: r.Markdown}}
}

// Validate reports every missing part, each with its field path.
func (c ControlPlaneReport) Validate() field.ErrorList {
	var errs field.ErrorList
	if c.LoadBalancer == nil {
		errs = append(errs, field.Required(field.NewPath("loadBalancer"), "the built load balancer"))
	}
	if c.Kubelet == nil || c.Kubelet.Kubelet == nil || c.Kubelet.KubeProxy == nil {
		errs = append(errs, field.Required(field.NewPath("kubelet"), "the built kubelet configuration"))
	}
	if c.Audit == nil || c.Audit.Policy == nil {
		errs = append(errs, field.Required(field.NewPath("audit"), "the built audit policy"))
	}
	if c.Encryption == nil || c.Encryption.Config == nil {
		errs = append(errs, field.Required(field.NewPath("encryption"), "the built encryption configuration"))
	}
	if c.Capacity.CPU.IsZero() || c.Capacity.Memory.IsZero() {
		errs = append(errs, field.Required(field.NewPath("capacity"), "the node capacity the kubelet was sized for"))
	}
	return errs
}

// Build validates the report and renders it.
func (c ControlPlaneReport) Build() (*ControlPlaneReportResult, error) {
	if errs := c.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	cpu, mem, err := c.Kubelet.Allocatable(c.Capacity)
	if err != nil {
		return nil, fmt.Errorf("kubelet: %w", err)
	}
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	lb := c.LoadBalancer
	w("# Control plane\n\n")
	w("## API server endpoint\n\n")
	w("Clients use `%s`. keepalived (VRRP v3, unicast) holds the virtual IP %s on the ready node with the highest priority; HAProxy on every node forwards TCP to each API server whose `/readyz` answers 200.\n\n", hostPort(lb.Endpoint.Host, lb.Endpoint.Port), lb.CertSANs[0])
	w("| Node | VRRP priority | Static Pods |\n|---|---|---|\n")
	for _, n := range lb.Nodes {
		w("| %s | %d | %s, %s |\n", n.Name, n.Priority, n.HAProxy.Spec.Containers[0].Image, n.Keepalived.Spec.Containers[0].Image)
	}
	w("\nCopy `%s/` to `/` on every control plane node, then `controlplane/<node>/` on that node, before `kubeadm init`/`join`.\n\n", SharedDir)

	w("## etcd\n\n")
	if c.Etcd == nil {
		w("Stacked: kubeadm runs one etcd member beside each API server, so the control plane node count is odd and at most %s of them may fail.\n\n", "(n-1)/2")
	} else {
		n := len(c.Etcd.Members)
		cfg := c.Etcd.Members[0].Config
		w("External, %d members (quorum %d, tolerates %d down), TLS with client certificates on client and peer ports. Quota %d GiB, periodic compaction keeping %s, snapshot every %d entries, metrics on %s.\n\n",
			n, n/2+1, (n-1)/2, cfg.QuotaBackendBytes>>30, cfg.AutoCompactionRetention, cfg.SnapshotCount, cfg.ListenMetricsURLs)
		w("| Member | Client URL |\n|---|---|\n")
		for i, m := range c.Etcd.Members {
			w("| %s | %s |\n", m.Name, c.Etcd.ClientURLs[i])
		}
		w("\n")
	}

	k := c.Kubelet.Kubelet
	w("## Kubelets\n\n")
	serving := "serving certificates from the cluster CA (approve them: `" + KubeletServingCertificatesRunbook + "`)"
	if !k.ServerTLSBootstrap {
		serving = "self-signed serving certificates (opted out)"
	}
	w("cgroup driver %s; %s; certificate rotation on; read-only port off; anonymous requests refused, webhook authentication and authorization; kube-proxy mode %s.\n\n", k.CgroupDriver, serving, c.Kubelet.KubeProxy.Mode)
	w("On a node of %s CPU and %s memory: kube reserved %s CPU / %s, system reserved %s / %s, hard eviction below %s free memory, so pods get %s CPU and %s memory. Graceful shutdown %s (critical pods %s); images are collected from %d%% disk use.\n\n",
		c.Capacity.CPU.String(), c.Capacity.Memory.String(), k.KubeReserved["cpu"], k.KubeReserved["memory"], k.SystemReserved["cpu"], k.SystemReserved["memory"],
		k.EvictionHard["memory.available"], cpu.String(), mem.String(), k.ShutdownGracePeriod.Duration, k.ShutdownGracePeriodCriticalPods.Duration, *k.ImageGCHighThresholdPercent)

	w("## Audit\n\n")
	args := map[string]string{}
	for _, a := range c.Audit.APIServer.ExtraArgs {
		args[a.Name] = a.Value
	}
	w("Policy `%s`, log `%s` (kept %s days, %s files of %s MB). Every request is recorded at Metadata except: health checks and the control plane's own heartbeats and watches (none), Secrets, service account tokens and token reviews (metadata only, never bodies), RBAC changes (with request body)", args["audit-policy-file"], args["audit-log-path"], args["audit-log-maxage"], args["audit-log-maxbackup"], args["audit-log-maxsize"])
	if extra := len(c.Audit.Policy.Rules) - len(auditPolicy(nil).Rules); extra > 0 {
		w(", and %d rule(s) of your own", extra)
	}
	w(".\n\n")

	w("## Encryption at rest\n\n")
	res := c.Encryption.Config.Resources[0]
	resources := append([]string(nil), res.Resources...)
	sort.Strings(resources)
	first := res.Providers[0]
	switch {
	case first.KMS != nil:
		w("%s are encrypted through the KMS v2 plugin `%s` at `%s`; the configuration holds no key.\n", strings.Join(resources, ", "), first.KMS.Name, first.KMS.Endpoint)
	default:
		algo := "secretbox"
		if first.AESCBC != nil {
			algo = "aescbc"
		}
		w("%s are encrypted with %s. The key lives only in `%s` (0600) on each control plane node; prodkube never sees it. On the first node run `%s generate`, copy the key file to the others, then run the script there.\n", strings.Join(resources, ", "), algo, c.Encryption.keyFile, InstallScript)
	}
	w("Existing objects are encrypted when next written: `kubectl get secrets -A -o json | kubectl replace -f -`.\n")
	return &ControlPlaneReportResult{Markdown: []byte(b.String())}, nil
}
