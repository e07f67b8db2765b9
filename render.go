package prodkube

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Object is what prodkube renders: a Kubernetes object with type and object
// metadata. Every k8s.io/api type satisfies it by pointer, and so does any
// custom resource struct that embeds metav1.TypeMeta (inline) and
// metav1.ObjectMeta (as "metadata").
type Object interface {
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// kindRank gives the position of a kind in apply order: objects that others
// depend on come first (a Namespace before anything in it, a ServiceAccount
// before the workloads running as it, RBAC before the controllers that need
// it, workloads before the disruption budgets and autoscalers that refer to
// them). The numbers also prefix WriteDir's file names, so that a directory
// listing shows the apply order. Kinds not listed here (custom resources)
// come last, ordered by group and kind.
var kindRank = map[schema.GroupKind]int{
	{Group: "", Kind: "Namespace"}:                                             10,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:          20,
	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:                        30,
	{Group: "storage.k8s.io", Kind: "StorageClass"}:                            35,
	{Group: "", Kind: "ServiceAccount"}:                                        40,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                  50,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:           55,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:                         60,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:                  65,
	{Group: "", Kind: "ResourceQuota"}:                                         70,
	{Group: "", Kind: "LimitRange"}:                                            75,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:                        80,
	{Group: "", Kind: "ConfigMap"}:                                             90,
	{Group: "", Kind: "Secret"}:                                                95,
	{Group: "", Kind: "PersistentVolumeClaim"}:                                 100,
	{Group: "", Kind: "Service"}:                                               110,
	{Group: "apps", Kind: "Deployment"}:                                        120,
	{Group: "apps", Kind: "StatefulSet"}:                                       125,
	{Group: "apps", Kind: "DaemonSet"}:                                         130,
	{Group: "batch", Kind: "Job"}:                                              135,
	{Group: "batch", Kind: "CronJob"}:                                          140,
	{Group: "", Kind: "Pod"}:                                                   145,
	{Group: "policy", Kind: "PodDisruptionBudget"}:                             150,
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:                    160,
	{Group: "autoscaling.k8s.io", Kind: "VerticalPodAutoscaler"}:               165,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}: 170,
}

// rankOther is the rank of kinds that kindRank does not list.
const rankOther = 900

// item is one object prepared for output: its identity, its rank and its
// encoded YAML document (without the "---" separator).
type item struct {
	gvk  schema.GroupVersionKind
	ns   string
	name string
	rank int
	doc  []byte
}

func (it *item) id() string {
	ref := it.gvk.Kind
	if it.gvk.Group != "" {
		ref += "." + it.gvk.Group
	}
	if it.ns != "" {
		return ref + " " + it.ns + "/" + it.name
	}
	return ref + " " + it.name
}

// prepare checks and encodes objs and returns them in apply order.
func prepare(objs []Object) ([]*item, error) {
	items := make([]*item, 0, len(objs))
	type key struct {
		gk       schema.GroupKind
		ns, name string
	}
	seen := make(map[key]int, len(objs))
	var problems []string
	for i, obj := range objs {
		it, err := newItem(obj)
		if err != nil {
			problems = append(problems, fmt.Sprintf("object %d: %v", i, err))
			continue
		}
		k := key{it.gvk.GroupKind(), it.ns, it.name}
		if j, dup := seen[k]; dup {
			problems = append(problems, fmt.Sprintf("object %d: %s is also object %d; each object may be given once", i, it.id(), j))
			continue
		}
		seen[k] = i
		items = append(items, it)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("cannot render: %s", strings.Join(problems, "; "))
	}
	sort.SliceStable(items, func(a, b int) bool { return lessItem(items[a], items[b]) })
	return items, nil
}

func newItem(obj Object) (*item, error) {
	if isNil(obj) {
		return nil, fmt.Errorf("object is nil")
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" || gvk.Version == "" {
		return nil, fmt.Errorf("%T %q has no apiVersion/kind; set its TypeMeta", obj, obj.GetName())
	}
	if obj.GetName() == "" {
		return nil, fmt.Errorf("%s has no metadata.name", gvk.Kind)
	}
	doc, err := encodeObject(obj)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", gvk.Kind, obj.GetName(), err)
	}
	rank, ok := kindRank[gvk.GroupKind()]
	if !ok {
		rank = rankOther
	}
	return &item{gvk: gvk, ns: obj.GetNamespace(), name: obj.GetName(), rank: rank, doc: doc}, nil
}

func lessItem(a, b *item) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.gvk.Group != b.gvk.Group {
		return a.gvk.Group < b.gvk.Group
	}
	if a.gvk.Kind != b.gvk.Kind {
		return a.gvk.Kind < b.gvk.Kind
	}
	if a.ns != b.ns {
		return a.ns < b.ns
	}
	return a.name < b.name
}

// WriteYAML writes objs to w as one YAML stream, each object a document
// starting with "---", in apply order: Namespaces and the cluster-scoped
// objects others depend on first, then ServiceAccounts, RBAC, quotas and
// limits, NetworkPolicies, configuration, Services, workloads, disruption
// budgets and autoscalers, and custom resources last; within a kind, by
// namespace and name. The output carries no empty noise such as
// "creationTimestamp: null" or "status: {}".
//
// Every object must have its apiVersion, kind and name set, and no two may
// share group, kind, namespace and name. On any problem WriteYAML reports all
// of them and writes nothing.
func WriteYAML(w io.Writer, objs ...Object) error {
	items, err := prepare(objs)
	if err != nil {
		return err
	}
	size := 0
	for _, it := range items {
		size += len("---\n") + len(it.doc)
	}
	var buf bytes.Buffer
	buf.Grow(size)
	for _, it := range items {
		buf.WriteString("---\n")
		buf.Write(it.doc)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// MarshalYAML encodes one object as a YAML document (without a leading
// "---"), cleaned of empty noise in the same way as WriteYAML.
func MarshalYAML(obj Object) ([]byte, error) {
	it, err := newItem(obj)
	if err != nil {
		return nil, err
	}
	return it.doc, nil
}
