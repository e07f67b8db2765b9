package upgrade

import (
	"sort"

	"github.com/prodkube/prodkube/version"
)

// DeprecationGuideURL is the source of the removal table: the Kubernetes
// Deprecated API Migration Guide.
const DeprecationGuideURL = "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"

// Removal is an API version that a Kubernetes release stops serving for
// some kinds.
type Removal struct {
	// GroupVersion is the apiVersion no longer served ("batch/v1beta1").
	GroupVersion string
	// Kinds are the kinds it stops serving.
	Kinds []string
	// RemovedIn is the first release (vX.Y.0) that does not serve it.
	RemovedIn version.Version
	// Replacement is the apiVersion to migrate to (or what to do instead).
	Replacement string
	// Source is the guide's section for this removal.
	Source string
}

func rm(gv string, minor int, replacement, anchor string, kinds ...string) Removal {
	return Removal{
		GroupVersion: gv,
		Kinds:        kinds,
		RemovedIn:    version.Version{Major: 1, Minor: minor},
		Replacement:  replacement,
		Source:       DeprecationGuideURL + "#" + anchor,
	}
}

// removals is the Deprecated API Migration Guide's "Removed APIs by release"
// as a table, newest release first within the guide's order. The guide lists
// no removal after v1.32 (flowcontrol.apiserver.k8s.io/v1beta3).
var removals = []Removal{
	rm("flowcontrol.apiserver.k8s.io/v1beta3", 32, "flowcontrol.apiserver.k8s.io/v1 (since v1.29)", "flowcontrol-resources-v132", "FlowSchema", "PriorityLevelConfiguration"),
	rm("flowcontrol.apiserver.k8s.io/v1beta2", 29, "flowcontrol.apiserver.k8s.io/v1 (since v1.29)", "flowcontrol-resources-v129", "FlowSchema", "PriorityLevelConfiguration"),
	rm("storage.k8s.io/v1beta1", 27, "storage.k8s.io/v1 (since v1.24)", "csistoragecapacity-v127", "CSIStorageCapacity"),
	rm("flowcontrol.apiserver.k8s.io/v1beta1", 26, "flowcontrol.apiserver.k8s.io/v1beta2 (itself removed in v1.29; use flowcontrol.apiserver.k8s.io/v1)", "flowcontrol-resources-v126", "FlowSchema", "PriorityLevelConfiguration"),
	rm("autoscaling/v2beta2", 26, "autoscaling/v2 (since v1.23)", "horizontalpodautoscaler-v126", "HorizontalPodAutoscaler"),
	rm("batch/v1beta1", 25, "batch/v1 (since v1.21)", "cronjob-v125", "CronJob"),
	rm("discovery.k8s.io/v1beta1", 25, "discovery.k8s.io/v1 (since v1.21)", "endpointslice-v125", "EndpointSlice"),
	rm("events.k8s.io/v1beta1", 25, "events.k8s.io/v1 (since v1.19)", "event-v125", "Event"),
	rm("autoscaling/v2beta1", 25, "autoscaling/v2 (since v1.23)", "horizontalpodautoscaler-v125", "HorizontalPodAutoscaler"),
	rm("policy/v1beta1", 25, "policy/v1 (since v1.21)", "poddisruptionbudget-v125", "PodDisruptionBudget"),
	rm("policy/v1beta1", 25, "none: migrate to Pod Security Admission or an admission webhook", "psp-v125", "PodSecurityPolicy"),
	rm("node.k8s.io/v1beta1", 25, "node.k8s.io/v1 (since v1.20)", "runtimeclass-v125", "RuntimeClass"),
	rm("admissionregistration.k8s.io/v1beta1", 22, "admissionregistration.k8s.io/v1 (since v1.16)", "webhook-resources-v122", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
	rm("apiextensions.k8s.io/v1beta1", 22, "apiextensions.k8s.io/v1 (since v1.16)", "customresourcedefinition-v122", "CustomResourceDefinition"),
	rm("apiregistration.k8s.io/v1beta1", 22, "apiregistration.k8s.io/v1 (since v1.10)", "apiservice-v122", "APIService"),
	rm("authentication.k8s.io/v1beta1", 22, "authentication.k8s.io/v1 (since v1.6)", "tokenreview-v122", "TokenReview"),
	rm("authorization.k8s.io/v1beta1", 22, "authorization.k8s.io/v1 (since v1.6)", "subjectaccessreview-resources-v122", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"),
	rm("certificates.k8s.io/v1beta1", 22, "certificates.k8s.io/v1 (since v1.19)", "certificatesigningrequest-v122", "CertificateSigningRequest"),
	rm("coordination.k8s.io/v1beta1", 22, "coordination.k8s.io/v1 (since v1.14)", "lease-v122", "Lease"),
	rm("extensions/v1beta1", 22, "networking.k8s.io/v1 (since v1.19)", "ingress-v122", "Ingress"),
	rm("networking.k8s.io/v1beta1", 22, "networking.k8s.io/v1 (since v1.19)", "ingress-v122", "Ingress", "IngressClass"),
	rm("rbac.authorization.k8s.io/v1beta1", 22, "rbac.authorization.k8s.io/v1 (since v1.8)", "rbac-resources-v122", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
	rm("scheduling.k8s.io/v1beta1", 22, "scheduling.k8s.io/v1 (since v1.14)", "priorityclass-v122", "PriorityClass"),
	rm("storage.k8s.io/v1beta1", 22, "storage.k8s.io/v1", "storage-resources-v122", "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
	rm("extensions/v1beta1", 16, "networking.k8s.io/v1 (since v1.8)", "networkpolicy-v116", "NetworkPolicy"),
	rm("extensions/v1beta1", 16, "apps/v1 (since v1.9)", "daemonset-v116", "DaemonSet", "Deployment", "ReplicaSet"),
	rm("apps/v1beta1", 16, "apps/v1 (since v1.9)", "deployment-v116", "Deployment", "ReplicaSet", "StatefulSet"),
	rm("apps/v1beta2", 16, "apps/v1 (since v1.9)", "deployment-v116", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"),
	rm("extensions/v1beta1", 16, "policy/v1beta1 (itself removed in v1.25)", "psp-v116", "PodSecurityPolicy"),
}

// Removals returns the whole table, ordered by release, then apiVersion.
func Removals() []Removal {
	out := make([]Removal, len(removals))
	for i, r := range removals {
		r.Kinds = append([]string(nil), r.Kinds...)
		out[i] = r
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].RemovedIn.Compare(out[j].RemovedIn); c != 0 {
			return c < 0
		}
		return out[i].GroupVersion < out[j].GroupVersion
	})
	return out
}

// RemovalsBetween returns the removals that take effect in a release after
// from and up to to ("v1.31.4", "v1.37.2"): those an upgrade from from to to
// crosses.
func RemovalsBetween(from, to string) ([]Removal, error) {
	fv, tv, err := parseRange(from, to)
	if err != nil {
		return nil, err
	}
	return removalsBetween(fv, tv), nil
}

func removalsBetween(from, to version.Version) []Removal {
	var out []Removal
	for _, r := range Removals() {
		if r.RemovedIn.Major == from.Major && r.RemovedIn.Minor > from.Minor && r.RemovedIn.Minor <= to.Minor {
			out = append(out, r)
		}
	}
	return out
}

// lookupRemoval finds the removal of kind in gv, if any.
func lookupRemoval(gv, kind string) (Removal, bool) {
	for _, r := range removals {
		if r.GroupVersion != gv {
			continue
		}
		for _, k := range r.Kinds {
			if k == kind {
				return r, true
			}
		}
	}
	return Removal{}, false
}
