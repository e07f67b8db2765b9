package security

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/prodkube/prodkube/internal/names"
)

// Namespace describes a namespace and the Pod Security Standards it enforces.
//
// The zero value of every optional field is the safest choice: enforce
// "restricted", and audit and warn at the enforced level, each against the
// latest version of the standards.
//
// kube-system is the exception, because what it runs is fixed: kube-proxy,
// the CNI agents and the static control-plane pods need host namespaces,
// hostPath volumes and privileged containers, so "restricted" (or
// "baseline") would refuse them and break the cluster on their next
// restart. Its zero value enforces "privileged" and audits and warns at
// "baseline", so every pod that uses host access is recorded; setting
// Enforce to anything but LevelPrivileged there is refused. kube-public
// (the cluster-info ConfigMap) and kube-node-lease (the nodes' Leases) run
// no pods and keep the "restricted" default.
type Namespace struct {
	// Name of the namespace (a DNS-1123 label). Required.
	Name string

	// Enforce is the level whose violations the API server refuses.
	// Default: LevelRestricted; in kube-system LevelPrivileged, the only
	// level allowed there.
	Enforce Level
	// Audit is the level whose violations are recorded in the audit log.
	// Default: the Enforce level, and LevelBaseline in kube-system. It may
	// not be looser than Enforce, since that would hide violations the
	// namespace already refuses.
	Audit Level
	// Warn is the level whose violations are returned to the client as
	// warnings. Default: as for Audit; not looser than Enforce.
	Warn Level

	// EnforceVersion, AuditVersion and WarnVersion pin the version of the
	// standards each mode applies ("v1.37"). Default: "latest".
	EnforceVersion, AuditVersion, WarnVersion string

	// Labels are added to the namespace. They may not set the
	// pod-security.kubernetes.io/ labels, which come from the fields above.
	Labels map[string]string
}

// kubeSystem is the namespace of the cluster's own components.
const kubeSystem = "kube-system"

// levels returns the levels the namespace is labelled with, defaults
// applied.
func (n Namespace) levels() (enforce, audit, warn Level) {
	enforce = n.Enforce
	if enforce == "" {
		enforce = LevelRestricted
		if n.Name == kubeSystem {
			enforce = LevelPrivileged
		}
	}
	observe := enforce
	if n.Name == kubeSystem && enforce == LevelPrivileged {
		observe = LevelBaseline
	}
	audit, warn = n.Audit, n.Warn
	if audit == "" {
		audit = observe
	}
	if warn == "" {
		warn = observe
	}
	return enforce, audit, warn
}

// Validate reports every problem with the spec.
//
// Field paths are built only for the problems found, so that a valid spec
// costs no allocation here.
func (n Namespace) Validate() field.ErrorList {
	var errs field.ErrorList
	if !names.ValidDNS1123Label(n.Name) {
		errs = append(errs, names.Label(n.Name, field.NewPath("name"))...)
	}
	enforce, _, _ := n.levels()
	if !enforce.Valid() {
		errs = append(errs, validateLevel(enforce, field.NewPath("enforce"))...)
	} else if n.Name == kubeSystem && enforce != LevelPrivileged {
		errs = append(errs, field.Invalid(field.NewPath("enforce"), enforce, fmt.Sprintf("kube-system runs kube-proxy, the CNI and the static control-plane pods, which need host access that %q refuses; leave enforce empty or set %q (audit and warn may stay stricter)", enforce, LevelPrivileged)))
	}
	for _, m := range [...]struct {
		name  string
		level Level
	}{{"audit", n.Audit}, {"warn", n.Warn}} {
		if m.level == "" {
			continue // defaults to enforce
		}
		if !m.level.Valid() {
			errs = append(errs, validateLevel(m.level, field.NewPath(m.name))...)
			continue
		}
		if enforce.Valid() && m.level.strictness() < enforce.strictness() {
			errs = append(errs, field.Invalid(field.NewPath(m.name), m.level, fmt.Sprintf("must not be looser than enforce (%q): %s would hide violations the namespace already refuses", enforce, m.name)))
		}
	}
	for _, v := range [...]struct {
		name, value string
	}{{"enforceVersion", n.EnforceVersion}, {"auditVersion", n.AuditVersion}, {"warnVersion", n.WarnVersion}} {
		if v.value != "" && v.value != psaapi.VersionLatest && !isPSAVersion(v.value) {
			errs = append(errs, field.Invalid(field.NewPath(v.name), v.value, `must be "latest" or a Kubernetes minor such as "v1.37"`))
		}
	}
	if !names.ValidLabels(n.Labels) {
		errs = append(errs, names.Labels(n.Labels, field.NewPath("labels"))...)
	}
	for k := range n.Labels {
		if strings.HasPrefix(k, "pod-security.kubernetes.io/") {
			// Reported in key order, so collect and sort only when needed.
			for _, k := range sortedKeys(n.Labels) {
				if strings.HasPrefix(k, "pod-security.kubernetes.io/") {
					errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "pod security labels come from enforce, audit, warn and their versions"))
				}
			}
			break
		}
	}
	return errs
}

// isPSAVersion reports whether v names a Kubernetes minor release the way
// the pod-security.kubernetes.io/*-version labels do: "v1." followed by 0
// or a number of one to four digits without a leading zero, the pattern
// ^v1\.(0|[1-9][0-9]{0,3})$.
func isPSAVersion(v string) bool {
	rest, ok := strings.CutPrefix(v, "v1.")
	if !ok || rest == "" || len(rest) > 4 {
		return false
	}
	if rest[0] == '0' {
		return rest == "0"
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

// Build returns the v1 Namespace with its pod-security.kubernetes.io labels.
func (n Namespace) Build() (*corev1.Namespace, error) {
	if errs := n.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	enforce, audit, warn := n.levels()
	labels := make(map[string]string, len(n.Labels)+6)
	for k, v := range n.Labels {
		labels[k] = v
	}
	labels[psaapi.EnforceLevelLabel] = string(enforce)
	labels[psaapi.EnforceVersionLabel] = orLatest(n.EnforceVersion)
	labels[psaapi.AuditLevelLabel] = string(audit)
	labels[psaapi.AuditVersionLabel] = orLatest(n.AuditVersion)
	labels[psaapi.WarnLevelLabel] = string(warn)
	labels[psaapi.WarnVersionLabel] = orLatest(n.WarnVersion)
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: labels},
	}, nil
}

func orLatest(v string) string {
	if v == "" {
		return psaapi.VersionLatest
	}
	return v
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
