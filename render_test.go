package prodkube

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func meta(name, ns string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: meta(name, "")}
}

func deployment(name, ns string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta(name, ns),
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}},
					Volumes:    []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				},
			},
		},
	}
}

// sample is a small production set given in an order unlike apply order.
func sample() []Object {
	return []Object{
		&policyv1.PodDisruptionBudget{TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"}, ObjectMeta: meta("web", "prod")},
		deployment("web", "prod"),
		deployment("api", "prod"),
		&networkingv1.NetworkPolicy{TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}, ObjectMeta: meta("deny", "prod")},
		&rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}, ObjectMeta: meta("rb", "prod"), RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "r"}},
		&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: meta("web", "prod")},
		namespace("prod"),
		namespace("dev"),
	}
}

// kinds lists "Kind ns/name" for each document of a stream.
func kinds(t *testing.T, stream []byte) []string {
	t.Helper()
	var out []string
	for _, doc := range splitDocs(stream) {
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(doc, &u.Object); err != nil {
			t.Fatalf("document does not parse: %v\n%s", err, doc)
		}
		out = append(out, u.GetKind()+" "+u.GetNamespace()+"/"+u.GetName())
	}
	return out
}

func splitDocs(stream []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(stream, []byte("---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func TestWriteYAMLApplyOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, sample()...); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Namespace /dev",
		"Namespace /prod",
		"ServiceAccount prod/web",
		"RoleBinding prod/rb",
		"NetworkPolicy prod/deny",
		"Deployment prod/api",
		"Deployment prod/web",
		"PodDisruptionBudget prod/web",
	}
	if diff := cmp.Diff(want, kinds(t, buf.Bytes())); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("---\n")) {
		t.Errorf("stream does not start with a document separator")
	}
}

func TestWriteYAMLNoNoise(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, sample()...); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, noise := range []string{"creationTimestamp", "status: {}", "resources: {}", "strategy: {}", "spec: {}", "null"} {
		if strings.Contains(out, noise) {
			t.Errorf("output contains %q:\n%s", noise, out)
		}
	}
	// Meaningful empty objects are kept.
	if !strings.Contains(out, "emptyDir: {}") {
		t.Errorf("emptyDir volume lost:\n%s", out)
	}
}

func TestWriteYAMLDeterministicAndRoundTrips(t *testing.T) {
	var first, second bytes.Buffer
	if err := WriteYAML(&first, sample()...); err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(&second, sample()...); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("two renders differ:\n%s\n---\n%s", first.String(), second.String())
	}
	// Parse every document back and render again: the same bytes.
	var parsed []Object
	for _, doc := range splitDocs(first.Bytes()) {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &u.Object); err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, u)
	}
	var third bytes.Buffer
	if err := WriteYAML(&third, parsed...); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.String(), third.String()); diff != "" {
		t.Errorf("render -> parse -> render differs (-first +third):\n%s", diff)
	}
}

func TestWriteYAMLRefusesBadObjects(t *testing.T) {
	var typedNil *corev1.Namespace
	noKind := &corev1.Namespace{ObjectMeta: meta("x", "")}
	noName := &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}}
	tests := []struct {
		name string
		objs []Object
		want []string
	}{
		{"nil", []Object{nil}, []string{"object 0: object is nil"}},
		{"typed nil", []Object{namespace("a"), typedNil}, []string{"object 1: object is nil"}},
		{"no kind", []Object{noKind}, []string{"has no apiVersion/kind"}},
		{"no name", []Object{noName}, []string{"Namespace has no metadata.name"}},
		{"duplicate", []Object{deployment("web", "p"), namespace("p"), deployment("web", "p")}, []string{"object 2: Deployment.apps p/web is also object 0"}},
		{"all problems at once", []Object{nil, noName, deployment("a", "b"), deployment("a", "b")}, []string{"object 0: object is nil", "object 1: Namespace has no metadata.name", "object 3: Deployment.apps b/a is also object 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteYAML(&buf, tt.objs...)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func TestSameNameDifferentKindOrNamespaceIsFine(t *testing.T) {
	objs := []Object{
		deployment("web", "a"), deployment("web", "b"),
		&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: meta("web", "a")},
	}
	if err := WriteYAML(&bytes.Buffer{}, objs...); err != nil {
		t.Fatal(err)
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// manifests is Manifests at the tree's root, failing t on an error.
func manifests(t *testing.T, objs ...Object) []File {
	t.Helper()
	files, err := Manifests("", objs...)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

const markerLine = "# " + Marker + "\n"

func TestWriteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "manifests")
	if err := WriteDir(dir, manifests(t, sample()...)...); err != nil {
		t.Fatal(err)
	}
	files := readDir(t, dir)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	want := []string{
		"010-namespace-dev.yaml",
		"010-namespace-prod.yaml",
		"040-serviceaccount-prod-web.yaml",
		"065-rolebinding-prod-rb.yaml",
		"080-networkpolicy-prod-deny.yaml",
		"120-deployment-prod-api.yaml",
		"120-deployment-prod-web.yaml",
		"150-poddisruptionbudget-prod-web.yaml",
		"kustomization.yaml",
	}
	if diff := cmp.Diff(want, sortedStrings(names)); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	wantKust := markerLine + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
	for _, n := range want[:len(want)-1] {
		wantKust += "- " + n + "\n"
	}
	if diff := cmp.Diff(wantKust, files["kustomization.yaml"]); diff != "" {
		t.Errorf("kustomization.yaml (-want +got):\n%s", diff)
	}
	// Each file holds exactly the document WriteYAML writes for the object.
	var stream bytes.Buffer
	if err := WriteYAML(&stream, sample()...); err != nil {
		t.Fatal(err)
	}
	docs := splitDocs(stream.Bytes())
	for i, n := range want[:len(want)-1] {
		if diff := cmp.Diff(markerLine+string(docs[i]), files[n]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", n, diff)
		}
	}
	changes, err := DiffDir(dir, manifests(t, sample()...)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("DiffDir right after WriteDir = %v, want none", changes)
	}
}

func TestWriteDirRemovesOnlyItsOwnStaleFiles(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, manifests(t, sample()...)...); err != nil {
		t.Fatal(err)
	}
	// A person's own files: one YAML without the marker, one other file.
	mine := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n"
	if err := os.WriteFile(filepath.Join(dir, "099-mine.yaml"), []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Drop the api Deployment and the dev namespace, change web's namespace object.
	next := manifests(t, namespace("prod"), deployment("web", "prod"))
	changes, err := DiffDir(dir, next...)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Remove, "010-namespace-dev.yaml"},
		{Remove, "040-serviceaccount-prod-web.yaml"},
		{Remove, "065-rolebinding-prod-rb.yaml"},
		{Remove, "080-networkpolicy-prod-deny.yaml"},
		{Remove, "120-deployment-prod-api.yaml"},
		{Remove, "150-poddisruptionbudget-prod-web.yaml"},
		{Modify, "kustomization.yaml"},
	}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Fatalf("DiffDir (-want +got):\n%s", diff)
	}
	if err := WriteDir(dir, next...); err != nil {
		t.Fatal(err)
	}
	files := readDir(t, dir)
	if files["099-mine.yaml"] != mine || files["README"] != "notes" {
		t.Errorf("WriteDir touched files it did not write: %v", files)
	}
	if len(files) != 5 {
		t.Errorf("got %d files, want 5 (2 objects, kustomization, 2 foreign): %v", len(files), sortedKeys(files))
	}
	// Editing a generated file is reported as a modification.
	p := filepath.Join(dir, "010-namespace-prod.yaml")
	if err := os.WriteFile(p, []byte(markerLine+"hand edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err = DiffDir(dir, next...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Change{{Modify, "010-namespace-prod.yaml"}}, changes); diff != "" {
		t.Errorf("after a hand edit (-want +got):\n%s", diff)
	}
}

func TestDiffDirMissingDirectory(t *testing.T) {
	changes, err := DiffDir(filepath.Join(t.TempDir(), "absent"), manifests(t, namespace("a"))...)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Add, "010-namespace-a.yaml"}, {Add, "kustomization.yaml"}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestManifestsRefusesFileNameClash(t *testing.T) {
	// Different objects whose names differ only in characters a file name
	// cannot hold as they are.
	a := &rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}, ObjectMeta: meta("system:x", "")}
	b := &rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}, ObjectMeta: meta("system_x", "")}
	files, err := Manifests("", a, b)
	if err == nil || !strings.Contains(err.Error(), "would both be written to 050-clusterrole-system_x.yaml") {
		t.Fatalf("err = %v, want a file name clash", err)
	}
	if files != nil {
		t.Errorf("files despite the error: %v", files)
	}
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestWriteYAMLReportsEveryProblemInOrder mixes an object that cannot be
// encoded, a triple duplicate and a missing name: every problem is
// reported, in the order the objects were given, and nothing is written.
func TestWriteYAMLReportsEveryProblemInOrder(t *testing.T) {
	bad := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "nan", "namespace": "p"},
		"data":     map[string]any{"x": math.NaN()},
	}}
	noName := &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}}
	objs := []Object{deployment("web", "p"), bad, deployment("web", "p"), noName, deployment("web", "p"), namespace("p")}
	var buf bytes.Buffer
	err := WriteYAML(&buf, objs...)
	if err == nil {
		t.Fatal("want an error")
	}
	want := `cannot render: object 1: ConfigMap "nan": yamlenc: json: error calling MarshalJSON for type *unstructured.Unstructured: json: unsupported value: NaN; ` +
		`object 2: Deployment.apps p/web is also object 0; each object may be given once; ` +
		`object 3: Namespace has no metadata.name; ` +
		`object 4: Deployment.apps p/web is also object 0; each object may be given once`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes despite the error", buf.Len())
	}
}

// TestWriteYAMLConcurrent renders different sets from several goroutines
// (run with -race): the recycled buffers are never shared between calls.
func TestWriteYAMLConcurrent(t *testing.T) {
	sets := [][]Object{sample(), {namespace("a"), deployment("x", "a")}, {deployment("y", "b")}}
	want := make([][]byte, len(sets))
	for i, s := range sets {
		var buf bytes.Buffer
		if err := WriteYAML(&buf, s...); err != nil {
			t.Fatal(err)
		}
		want[i] = buf.Bytes()
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(sets)
				var buf bytes.Buffer
				if err := WriteYAML(&buf, sets[k]...); err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(buf.Bytes(), want[k]) {
					t.Errorf("set %d rendered differently under concurrency", k)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestApplyOrderIsAFullSort compares applyOrder's bucketed sort with one
// stable sort of all the items, on inputs mixing ranks, sorted and unsorted
// runs and duplicates.
func TestApplyOrderIsAFullSort(t *testing.T) {
	for gk, r := range kindRank {
		if r < 0 || r >= rankOther {
			t.Fatalf("%v has rank %d, outside [0, rankOther)", gk, r)
		}
	}
	ranks := []int{10, 60, 120, rankOther} // a few, so that buckets hold several
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		items := make([]item, rng.IntN(60))
		for i := range items {
			items[i] = item{
				rank: ranks[rng.IntN(len(ranks))],
				kind: []string{"A", "B"}[rng.IntN(2)],
				ns:   fmt.Sprintf("ns-%d", rng.IntN(3)),
				name: fmt.Sprintf("n-%d", rng.IntN(4)),
			}
			if trial%2 == 0 { // half the inputs come in mostly sorted
				items[i].ns, items[i].name = fmt.Sprintf("ns-%03d", i), "x"
			}
		}
		want := make([]int32, len(items))
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return compareItems(&items[a], &items[b]) })
		if got := applyOrder(items); !slices.Equal(got, want) {
			t.Fatalf("trial %d: applyOrder = %v, want %v", trial, got, want)
		}
	}
}

// TestKindMemoAgreesWithParsing looks up more distinct pairs than the memo
// holds, repeatedly and in random order, and compares every answer with
// parsing the apiVersion afresh.
func TestKindMemoAgreesWithParsing(t *testing.T) {
	var pairs []metav1.TypeMeta
	for _, av := range []string{"v1", "apps/v1", "autoscaling/v2", "autoscaling/v1", "example.com/v1alpha1", "a/b/c", "", "v2", "x/v1"} {
		for _, k := range []string{"Namespace", "Deployment", "HorizontalPodAutoscaler", "Widget", "", "Role"} {
			pairs = append(pairs, metav1.TypeMeta{APIVersion: av, Kind: k})
		}
	}
	var memo kindMemo
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		tm := pairs[rng.IntN(len(pairs))]
		got := memo.lookup(&tm)
		gvk := tm.GroupVersionKind()
		rank, ok := kindRank[gvk.GroupKind()]
		if !ok {
			rank = rankOther
		}
		if got.group != gvk.Group || got.version != gvk.Version || got.kind != gvk.Kind || got.rank != rank {
			t.Fatalf("%+v: memo gives %+v, parsing %v rank %d", tm, got, gvk, rank)
		}
	}
}
