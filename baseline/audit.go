package baseline

import (
	"path"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	cc "github.com/prodkube/prodkube/baseline/componentconfig"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
)

// SharedDir is the directory of the files that every control plane node
// gets, in the output tree. Its contents mirror a node's root file system:
// copy it to / on each control plane node, then NodeDir(node) on that node.
// The leading underscore keeps it apart from any node name.
const SharedDir = "controlplane/_shared"

// HostPathMount is a host file or directory mounted into a kubeadm control
// plane component, the element of kubeadm's apiServer.extraVolumes (same
// field names in v1beta3 and v1beta4).
type HostPathMount struct {
	Name      string              `json:"name"`
	HostPath  string              `json:"hostPath"`
	MountPath string              `json:"mountPath"`
	ReadOnly  bool                `json:"readOnly,omitempty"`
	PathType  corev1.HostPathType `json:"pathType,omitempty"`
}

// APIServerSettings are what a capability adds to the kube-apiserver of the
// kubeadm ClusterConfiguration: flags for apiServer.extraArgs and mounts for
// apiServer.extraVolumes.
type APIServerSettings struct {
	ExtraArgs    []v1beta4.Arg
	ExtraVolumes []HostPathMount
}

// Defaults of Audit.
const (
	DefaultAuditPolicyFile = "/etc/kubernetes/audit/policy.yaml"
	DefaultAuditLogDir     = "/var/log/kubernetes/audit"
	DefaultAuditMaxAgeDays = 30
	DefaultAuditMaxBackups = 10
	DefaultAuditMaxSizeMB  = 100
)

// Audit is the API server's audit log: a policy and where the log goes.
//
// The policy records every request at Metadata (who did what to which
// object, when, with what result) except:
//   - health checks (/healthz, /livez, /readyz and their checks), /version
//     and the control plane's own high-volume reads and heartbeats (node
//     and leader-election leases, kube-proxy's watches, events) are not
//     recorded;
//   - Secrets, service account tokens and token reviews are recorded at
//     Metadata only, never with a body, whatever ExtraRules say;
//   - RBAC changes are recorded with their request body.
type Audit struct {
	// PolicyFile is where the policy goes on each control plane node;
	// default DefaultAuditPolicyFile.
	PolicyFile string
	// LogDir is the directory of the log, audit.log; default
	// DefaultAuditLogDir. It must be on the node's disk, not in /tmp.
	LogDir string
	// MaxAgeDays, MaxBackups and MaxSizeMB rotate the log: days to keep old
	// files (default 30), how many to keep (default 10) and the size at
	// which to rotate (default 100 MB).
	MaxAgeDays, MaxBackups, MaxSizeMB int32
	// ExtraRules are matched after the fixed rules above and before the
	// final Metadata rule, for example to record a custom resource's
	// bodies. A rule that would record Secret or token bodies is refused
	// rather than silently overridden.
	ExtraRules []cc.AuditPolicyRule
}

// AuditResult is the policy and the API server settings that enable it.
type AuditResult struct {
	// Policy is the audit policy.
	Policy *cc.AuditPolicy
	// APIServer holds the audit flags and the mounts of the policy file
	// and the log directory.
	APIServer APIServerSettings

	policyFile string
}

// Files returns the policy at its path under SharedDir.
func (r *AuditResult) Files() []prodkube.File {
	f, err := prodkube.YAMLFile(SharedDir+r.policyFile, r.Policy)
	if err != nil {
		f = prodkube.File{Path: SharedDir + r.policyFile, Content: []byte("# encoding failed: " + oneLine(err.Error()) + "\n")}
	}
	return []prodkube.File{f}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func (a Audit) withDefaults() Audit {
	if a.PolicyFile == "" {
		a.PolicyFile = DefaultAuditPolicyFile
	}
	if a.LogDir == "" {
		a.LogDir = DefaultAuditLogDir
	}
	if a.MaxAgeDays == 0 {
		a.MaxAgeDays = DefaultAuditMaxAgeDays
	}
	if a.MaxBackups == 0 {
		a.MaxBackups = DefaultAuditMaxBackups
	}
	if a.MaxSizeMB == 0 {
		a.MaxSizeMB = DefaultAuditMaxSizeMB
	}
	return a
}

// Validate reports every problem of the spec, each with its field path.
func (a Audit) Validate() field.ErrorList {
	a = a.withDefaults()
	var errs field.ErrorList
	errs = append(errs, validateNodePath(a.PolicyFile, field.NewPath("policyFile"))...)
	errs = append(errs, validateNodePath(a.LogDir, field.NewPath("logDir"))...)
	if a.LogDir == "/tmp" || strings.HasPrefix(a.LogDir, "/tmp/") {
		errs = append(errs, field.Invalid(field.NewPath("logDir"), a.LogDir, "must not be in /tmp, which is cleared on reboot"))
	}
	if a.PolicyFile == a.LogDir || strings.HasPrefix(a.PolicyFile, a.LogDir+"/") {
		errs = append(errs, field.Invalid(field.NewPath("policyFile"), a.PolicyFile, "must not be inside logDir, which the API server can write"))
	}
	for _, c := range []struct {
		name string
		v    int32
	}{{"maxAgeDays", a.MaxAgeDays}, {"maxBackups", a.MaxBackups}, {"maxSizeMB", a.MaxSizeMB}} {
		if c.v < 1 {
			errs = append(errs, field.Invalid(field.NewPath(c.name), c.v, "must be positive"))
		}
	}
	levels := []string{string(cc.AuditLevelNone), string(cc.AuditLevelMetadata), string(cc.AuditLevelRequest), string(cc.AuditLevelRequestResponse)}
	for i, r := range a.ExtraRules {
		p := field.NewPath("extraRules").Index(i)
		if !slices.Contains(levels, string(r.Level)) {
			errs = append(errs, field.NotSupported(p.Child("level"), r.Level, levels))
			continue
		}
		if len(r.NonResourceURLs) > 0 && len(r.Resources) > 0 {
			errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), r.NonResourceURLs, "a rule matches either resources or non-resource URLs, not both"))
		}
		for j, u := range r.NonResourceURLs {
			if !strings.HasPrefix(u, "/") || strings.Contains(strings.TrimSuffix(u, "*"), "*") {
				errs = append(errs, field.Invalid(p.Child("nonResourceURLs").Index(j), u, "must be a path starting with / with at most a trailing *"))
			}
		}
		if (r.Level == cc.AuditLevelRequest || r.Level == cc.AuditLevelRequestResponse) && matchesSensitive(r) {
			errs = append(errs, field.Invalid(p.Child("level"), r.Level, "would record the bodies of Secrets or tokens, which then sit in plain text in the audit log; only None or Metadata may match secrets, serviceaccounts/token and tokenreviews"))
		}
	}
	return errs
}

// validateNodePath accepts a clean absolute path on the node.
func validateNodePath(p string, fp *field.Path) field.ErrorList {
	if !path.IsAbs(p) || path.Clean(p) != p || p == "/" || strings.ContainsAny(p, " \t\n\"'\\$`*?[]{}|;&<>()#,=") {
		return field.ErrorList{field.Invalid(fp, p, "must be a clean absolute path made of plain characters")}
	}
	return nil
}

// matchesSensitive reports whether a resource rule could match a request on
// Secrets, service account tokens or token reviews.
func matchesSensitive(r cc.AuditPolicyRule) bool {
	if len(r.NonResourceURLs) > 0 {
		return false
	}
	if len(r.Resources) == 0 {
		return true
	}
	for _, g := range r.Resources {
		var sensitive []string
		switch g.Group {
		case "":
			sensitive = []string{"secrets", "serviceaccounts/token"}
		case "authentication.k8s.io":
			sensitive = []string{"tokenreviews"}
		case "*":
			sensitive = []string{"secrets", "serviceaccounts/token", "tokenreviews"}
		default:
			continue
		}
		if len(g.Resources) == 0 {
			return true
		}
		for _, res := range g.Resources {
			for _, s := range sensitive {
				name, sub, _ := strings.Cut(s, "/")
				rn, rsub, hasSub := strings.Cut(res, "/")
				switch {
				case res == "*", res == "*/*", res == s:
					return true
				case rn == name && (!hasSub && sub == "" || hasSub && (rsub == "*" || rsub == sub)):
					return true
				case rn == "*" && hasSub && (rsub == "*" || rsub == sub):
					return true
				}
			}
		}
	}
	return false
}

// Build validates the spec and renders the policy and the API server
// settings.
func (a Audit) Build() (*AuditResult, error) {
	if errs := a.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	a = a.withDefaults()
	r := &AuditResult{Policy: auditPolicy(a.ExtraRules), policyFile: a.PolicyFile}
	logFile := a.LogDir + "/audit.log"
	r.APIServer.ExtraArgs = []v1beta4.Arg{
		{Name: "audit-policy-file", Value: a.PolicyFile},
		{Name: "audit-log-path", Value: logFile},
		{Name: "audit-log-format", Value: "json"},
		{Name: "audit-log-maxage", Value: strconv.Itoa(int(a.MaxAgeDays))},
		{Name: "audit-log-maxbackup", Value: strconv.Itoa(int(a.MaxBackups))},
		{Name: "audit-log-maxsize", Value: strconv.Itoa(int(a.MaxSizeMB))},
	}
	r.APIServer.ExtraVolumes = []HostPathMount{
		{Name: "audit-policy", HostPath: a.PolicyFile, MountPath: a.PolicyFile, ReadOnly: true, PathType: corev1.HostPathFile},
		{Name: "audit-log", HostPath: a.LogDir, MountPath: a.LogDir, PathType: corev1.HostPathDirectoryOrCreate},
	}
	return r, nil
}

func auditPolicy(extra []cc.AuditPolicyRule) *cc.AuditPolicy {
	core := func(res ...string) cc.AuditGroupResources { return cc.AuditGroupResources{Group: "", Resources: res} }
	group := func(g string, res ...string) cc.AuditGroupResources {
		return cc.AuditGroupResources{Group: g, Resources: res}
	}
	leases := []cc.AuditGroupResources{group("coordination.k8s.io", "leases")}
	rules := []cc.AuditPolicyRule{
		{Level: cc.AuditLevelNone, NonResourceURLs: []string{"/healthz*", "/livez*", "/readyz*", "/version"}},
		{Level: cc.AuditLevelNone, Users: []string{"system:kube-proxy"}, Verbs: []string{"watch"},
			Resources: []cc.AuditGroupResources{core("endpoints", "services", "services/status"), group("discovery.k8s.io", "endpointslices")}},
		{Level: cc.AuditLevelNone, UserGroups: []string{"system:nodes"}, Verbs: []string{"get"},
			Resources: []cc.AuditGroupResources{core("nodes", "nodes/status")}},
		{Level: cc.AuditLevelNone, UserGroups: []string{"system:nodes"}, Verbs: []string{"get", "update"},
			Namespaces: []string{"kube-node-lease"}, Resources: leases},
		{Level: cc.AuditLevelNone, Users: []string{"system:kube-controller-manager", "system:kube-scheduler"}, Verbs: []string{"get", "update"},
			Namespaces: []string{"kube-system"}, Resources: leases},
		{Level: cc.AuditLevelNone, Users: []string{"system:apiserver"}, Verbs: []string{"get"},
			Resources: []cc.AuditGroupResources{core("namespaces", "namespaces/status", "namespaces/finalize")}},
		{Level: cc.AuditLevelNone, Resources: []cc.AuditGroupResources{core("events"), group("events.k8s.io", "events")}},
		{Level: cc.AuditLevelMetadata, Resources: []cc.AuditGroupResources{core("secrets", "serviceaccounts/token"), group("authentication.k8s.io", "tokenreviews")}},
		{Level: cc.AuditLevelRequest, Resources: []cc.AuditGroupResources{group("rbac.authorization.k8s.io")}},
	}
	for _, r := range extra {
		c := r
		c.Users = slices.Clone(r.Users)
		c.UserGroups = slices.Clone(r.UserGroups)
		c.Verbs = slices.Clone(r.Verbs)
		c.Namespaces = slices.Clone(r.Namespaces)
		c.NonResourceURLs = slices.Clone(r.NonResourceURLs)
		c.Resources = nil
		for _, g := range r.Resources {
			c.Resources = append(c.Resources, cc.AuditGroupResources{Group: g.Group, Resources: slices.Clone(g.Resources), ResourceNames: slices.Clone(g.ResourceNames)})
		}
		rules = append(rules, c)
	}
	rules = append(rules, cc.AuditPolicyRule{Level: cc.AuditLevelMetadata})
	return &cc.AuditPolicy{
		TypeMeta:          metav1.TypeMeta{APIVersion: "audit.k8s.io/v1", Kind: "Policy"},
		Rules:             rules,
		OmitStages:        []cc.AuditStage{cc.AuditStageRequestReceived},
		OmitManagedFields: true,
	}
}
