package prodkube

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

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
	group string
	kind  string
	ns    string
	name  string
	rank  int
	index int // position among the objects given
	doc   []byte
}

func (it *item) id() string {
	ref := it.kind
	if it.group != "" {
		ref += "." + it.group
	}
	if it.ns != "" {
		return ref + " " + it.ns + "/" + it.name
	}
	return ref + " " + it.name
}

// problem is something wrong with object number index.
type problem struct {
	index int
	msg   string
}

// prepare checks objs, puts them in apply order and appends each to dst as
// a YAML document preceded by sep, so that rendering many objects allocates
// little more than their text. With keep, it also returns the items in
// apply order, each doc (without sep) cut from the returned buffer.
func prepare(objs []Object, dst []byte, sep string, keep bool) ([]item, []byte, error) {
	items := make([]item, 0, len(objs))
	var problems []problem
	var known kindMemo
	for i, obj := range objs {
		it, err := known.identify(obj)
		if err != nil {
			problems = append(problems, problem{i, err.Error()})
			continue
		}
		it.index = i
		items = append(items, it)
	}
	order := applyOrder(items)
	// Equal identities are now adjacent, the first given first.
	kept := order[:0]
	for _, o := range order {
		if n := len(kept); n > 0 && compareItems(&items[kept[n-1]], &items[o]) == 0 {
			first := &items[kept[n-1]]
			problems = append(problems, problem{items[o].index, fmt.Sprintf("%s is also object %d; each object may be given once", items[o].id(), first.index)})
			continue
		}
		kept = append(kept, o)
	}
	buf := dst
	var ends []int
	if keep {
		ends = make([]int, len(kept))
	}
	for j, o := range kept {
		it := &items[o]
		buf = append(buf, sep...)
		start := len(buf)
		var err error
		if buf, err = encodeObject(buf, objs[it.index]); err != nil {
			buf = buf[:start-len(sep)]
			problems = append(problems, problem{it.index, fmt.Sprintf("%s %q: %v", it.kind, it.name, err)})
		}
		if keep {
			ends[j] = len(buf)
		}
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b problem) int { return a.index - b.index })
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = fmt.Sprintf("object %d: %s", p.index, p.msg)
		}
		return nil, dst, fmt.Errorf("cannot render: %s", strings.Join(msgs, "; "))
	}
	if !keep {
		return nil, buf, nil
	}
	// The documents are cut from the buffer only now that it has stopped
	// moving; the full slice expression keeps one from growing into the
	// next.
	out := make([]item, len(kept))
	start := len(dst)
	for j, o := range kept {
		out[j] = items[o]
		start += len(sep)
		out[j].doc = buf[start:ends[j]:ends[j]]
		start = ends[j]
	}
	return out, buf, nil
}

// applyOrder returns the positions of items in apply order, ties broken by
// position so that the order is stable. Positions are sorted rather than
// items, which moves less memory. They are first bucketed by rank, which
// keeps their given order; a bucket is then usually sorted already (a
// program tends to produce one kind's objects in namespace and name
// order), and only a bucket that is not gets sorted.
func applyOrder(items []item) []int32 {
	cmp := func(a, b int32) int {
		if c := compareItems(&items[a], &items[b]); c != 0 {
			return c
		}
		return int(a - b)
	}
	if len(items) <= 16 {
		// For a handful, one sort is quicker than counting into buckets.
		order := make([]int32, len(items))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, cmp)
		return order
	}
	var start [rankOther + 2]int32
	for i := range items {
		start[items[i].rank+1]++
	}
	for r := 1; r < len(start); r++ {
		start[r] += start[r-1]
	}
	order := make([]int32, len(items))
	next := start
	for i := range items {
		r := items[i].rank
		order[next[r]] = int32(i)
		next[r]++
	}
	for r := 0; r <= rankOther; r++ {
		if bucket := order[start[r]:start[r+1]]; !slices.IsSortedFunc(bucket, cmp) {
			slices.SortFunc(bucket, cmp)
		}
	}
	return order
}

// kindMemo remembers what identify derived from the first apiVersion and
// kind pairs it saw. A stream holds few kinds, and parsing the apiVersion
// and looking up the rank of every object anew is a measurable part of
// rendering many small objects. Pairs beyond the memo's size are parsed
// every time; evicting instead would miss on every object of a stream that
// cycles through more kinds than the memo holds.
type kindMemo struct {
	seen [32]kindInfo
	n    int
}

// kindInfo is what identify derives from an apiVersion and a kind.
type kindInfo struct {
	apiVersion, kind string
	group, version   string
	rank             int
}

// identify checks that obj can be rendered and returns its identity.
func (ks *kindMemo) identify(obj Object) (item, error) {
	if isNil(obj) {
		return item{}, fmt.Errorf("object is nil")
	}
	k := ks.lookup(obj.GetObjectKind())
	if k.kind == "" || k.version == "" {
		return item{}, fmt.Errorf("%T %q has no apiVersion/kind; set its TypeMeta", obj, obj.GetName())
	}
	name := obj.GetName()
	if name == "" {
		return item{}, fmt.Errorf("%s has no metadata.name", k.kind)
	}
	return item{group: k.group, kind: k.kind, ns: obj.GetNamespace(), name: name, rank: k.rank}, nil
}

// lookup returns what kind's apiVersion and kind say, from memory when it
// can.
func (ks *kindMemo) lookup(kind schema.ObjectKind) kindInfo {
	tm, typed := kind.(*metav1.TypeMeta)
	if typed {
		for i := range ks.n {
			if k := &ks.seen[i]; k.kind == tm.Kind && k.apiVersion == tm.APIVersion {
				return *k
			}
		}
	}
	gvk := kind.GroupVersionKind()
	rank, listed := kindRank[gvk.GroupKind()]
	if !listed {
		rank = rankOther
	}
	k := kindInfo{kind: gvk.Kind, group: gvk.Group, version: gvk.Version, rank: rank}
	if typed && ks.n < len(ks.seen) {
		k.apiVersion = tm.APIVersion
		ks.seen[ks.n] = k
		ks.n++
	}
	return k
}

// compareItems orders items by apply order; it returns 0 only for the same
// group, kind, namespace and name.
func compareItems(a, b *item) int {
	if a.rank != b.rank {
		return a.rank - b.rank
	}
	if c := strings.Compare(a.group, b.group); c != 0 {
		return c
	}
	if c := strings.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.ns, b.ns); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
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
	bp := streamBuffers.Get().(*[]byte)
	defer streamBuffers.Put(bp)
	if want := bytesPerObject * len(objs); cap(*bp) < want {
		// One allocation of about the right size rather than a series of
		// doublings.
		*bp = make([]byte, 0, want)
	}
	_, buf, err := prepare(objs, (*bp)[:0], "---\n", false)
	*bp = buf[:0]
	if err != nil {
		return err
	}
	_, err = w.Write(buf)
	return err
}

// bytesPerObject is a little above the size of a typical object's YAML, for
// sizing WriteYAML's buffer up front so that a single call, as in a build
// script, does not grow it: the objects of the production example average
// about 940 bytes, the nine of the benchmark's namespace set 557.
const bytesPerObject = 1024

// streamBuffers recycles WriteYAML's output buffer; an io.Writer may not
// keep the slice it is given, so the buffer is free again once Write
// returns.
var streamBuffers = sync.Pool{New: func() any { return new([]byte) }}

// MarshalYAML encodes one object as a YAML document (without a leading
// "---"), cleaned of empty noise in the same way as WriteYAML.
func MarshalYAML(obj Object) ([]byte, error) {
	items, _, err := prepare([]Object{obj}, nil, "", true)
	if err != nil {
		return nil, err
	}
	return items[0].doc, nil
}
