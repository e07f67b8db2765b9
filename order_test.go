package prodkube

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// applyOrderTable is the apply order written out by hand, one row per kind
// prodkube ranks, in the order DESIGN.md gives: Namespaces and the
// cluster-scoped objects others depend on, ServiceAccounts, RBAC, quotas
// and limits, policies, configuration, storage claims, Services,
// workloads, disruption budgets, autoscalers, admission policies. The ranks
// are typed here rather than read from kindRank, so that a change to either
// is a change someone has to make twice.
var applyOrderTable = []struct {
	group, kind string
	rank        int
}{
	{"", "Namespace", 10},
	{"apiextensions.k8s.io", "CustomResourceDefinition", 20},
	{"scheduling.k8s.io", "PriorityClass", 30},
	{"storage.k8s.io", "StorageClass", 35},
	{"", "ServiceAccount", 40},
	{"rbac.authorization.k8s.io", "ClusterRole", 50},
	{"rbac.authorization.k8s.io", "ClusterRoleBinding", 55},
	{"rbac.authorization.k8s.io", "Role", 60},
	{"rbac.authorization.k8s.io", "RoleBinding", 65},
	{"", "ResourceQuota", 70},
	{"", "LimitRange", 75},
	{"networking.k8s.io", "NetworkPolicy", 80},
	{"", "ConfigMap", 90},
	{"", "Secret", 95},
	{"", "PersistentVolumeClaim", 100},
	{"", "Service", 110},
	{"apps", "Deployment", 120},
	{"apps", "StatefulSet", 125},
	{"apps", "DaemonSet", 130},
	{"batch", "Job", 135},
	{"batch", "CronJob", 140},
	{"", "Pod", 145},
	{"policy", "PodDisruptionBudget", 150},
	{"autoscaling", "HorizontalPodAutoscaler", 160},
	{"autoscaling.k8s.io", "VerticalPodAutoscaler", 165},
	{"admissionregistration.k8s.io", "ValidatingAdmissionPolicy", 170},
}

func TestKindRankIsTheTable(t *testing.T) {
	got := map[schema.GroupKind]int{}
	for gk, r := range kindRank {
		got[gk] = r
	}
	want := map[schema.GroupKind]int{}
	for i, row := range applyOrderTable {
		want[schema.GroupKind{Group: row.group, Kind: row.kind}] = row.rank
		if i > 0 && row.rank <= applyOrderTable[i-1].rank {
			t.Errorf("table row %d (%s) is not after the row before it", i, row.kind)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kindRank differs from the apply order written out here (-table +kindRank):\n%s", diff)
	}
}

// object returns an unstructured object of the given group, kind, namespace
// and name.
func object(group, kind, ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion(schema.GroupVersion{Group: group, Version: "v1"}.String())
	u.SetKind(kind)
	u.SetName(name)
	if ns != "" {
		u.SetNamespace(ns)
	}
	return u
}

// documentIDs lists "apiVersion kind ns/name" for each document of a
// stream, as a YAML parser reads them.
func documentIDs(t *testing.T, stream []byte) []string {
	t.Helper()
	var out []string
	for _, doc := range splitDocs(stream) {
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(doc, &u.Object); err != nil {
			t.Fatalf("document does not parse: %v\n%s", err, doc)
		}
		out = append(out, u.GetAPIVersion()+" "+u.GetKind()+" "+u.GetNamespace()+"/"+u.GetName())
	}
	return out
}

// TestWriteYAMLFollowsTheTable gives WriteYAML one object of every ranked
// kind, two namespaced copies of each, a kind's name under a group that
// does not rank it, and custom resources, in random orders, and requires
// the table's order: by rank, then by namespace and name; unranked kinds
// last, by group and then kind.
func TestWriteYAMLFollowsTheTable(t *testing.T) {
	var want []string
	var objs []Object
	for _, row := range applyOrderTable {
		gv := schema.GroupVersion{Group: row.group, Version: "v1"}.String()
		for _, ns := range []string{"a", "b"} {
			// "y" is written quoted (YAML 1.1 reads it as true); the
			// parser reads it back as the name.
			for _, name := range []string{"x", "y"} {
				objs = append(objs, object(row.group, row.kind, ns, name))
				want = append(want, gv+" "+row.kind+" "+ns+"/"+name)
			}
		}
	}
	// Unranked: ordered by group, then kind, then namespace and name; a
	// ranked kind's name under another group is unranked.
	for _, u := range []struct{ group, kind string }{
		{"apps.example.com", "Deployment"},
		{"example.com", "Gadget"},
		{"example.com", "Widget"},
		{"example.org", "Gadget"},
		{"monitoring.coreos.com", "PrometheusRule"},
		{"velero.io", "Schedule"},
	} {
		gv := schema.GroupVersion{Group: u.group, Version: "v1"}.String()
		for _, name := range []string{"m", "n"} {
			objs = append(objs, object(u.group, u.kind, "a", name))
			want = append(want, gv+" "+u.kind+" a/"+name)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 20 {
		shuffled := append([]Object(nil), objs...)
		if trial == 1 {
			for i, j := 0, len(shuffled)-1; i < j; i, j = i+1, j-1 {
				shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
			}
		} else if trial > 1 {
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		}
		var buf bytes.Buffer
		if err := WriteYAML(&buf, shuffled...); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, documentIDs(t, buf.Bytes())); diff != "" {
			t.Fatalf("trial %d: order (-want +got):\n%s", trial, diff)
		}
	}
}

// TestDuplicatesAreByGroupKindNamespaceName: objects that differ only in
// API group are different objects (a Widget of example.com and one of
// example.org); the same group, kind, namespace and name twice is refused,
// whatever the version.
func TestDuplicatesAreByGroupKindNamespaceName(t *testing.T) {
	for _, objs := range [][]Object{
		{object("example.com", "Widget", "a", "w"), object("example.org", "Widget", "a", "w")},
		{object("apps", "Deployment", "a", "w"), object("apps.example.com", "Deployment", "a", "w")},
		{object("", "Service", "a", "w"), object("serving.knative.dev", "Service", "a", "w")},
		{object("example.com", "Widget", "a", "w"), object("example.com", "Widget", "b", "w"), object("example.com", "Widget", "", "w")},
	} {
		var buf bytes.Buffer
		if err := WriteYAML(&buf, objs...); err != nil {
			t.Errorf("%v: %v", documentIDsOf(objs), err)
		} else if n := len(splitDocs(buf.Bytes())); n != len(objs) {
			t.Errorf("%v: %d documents, want %d", documentIDsOf(objs), n, len(objs))
		}
	}
	v2 := object("example.com", "Widget", "a", "w")
	v2.SetAPIVersion("example.com/v2")
	for _, objs := range [][]Object{
		{object("example.com", "Widget", "a", "w"), object("example.com", "Widget", "a", "w")},
		{object("example.com", "Widget", "a", "w"), v2},
		{object("", "Namespace", "", "n"), object("", "Namespace", "", "n")},
	} {
		err := WriteYAML(&bytes.Buffer{}, objs...)
		if err == nil || !strings.Contains(err.Error(), "object 1: ") || !strings.Contains(err.Error(), "is also object 0") {
			t.Errorf("%v: got %v, want object 1 reported as a repeat of object 0", documentIDsOf(objs), err)
		}
	}
}

func documentIDsOf(objs []Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetObjectKind().GroupVersionKind().String()+" "+o.GetNamespace()+"/"+o.GetName())
	}
	return out
}
