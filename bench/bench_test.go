package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prodkube/prodkube"
	goyaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	sigsyaml "sigs.k8s.io/yaml"
)

// objects decodes a rendered stream (YAML documents or a JSON stream) into
// typed objects with client-go's scheme and returns each, keyed by kind,
// namespace and name, as canonical JSON: two streams hold the same objects
// when these maps are equal.
func objects(t *testing.T, stream []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(stream), 4096)
	for {
		var raw runtime.RawExtension
		if err := dec.Decode(&raw); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if len(bytes.TrimSpace(raw.Raw)) == 0 || string(raw.Raw) == "null" {
			continue
		}
		obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode(raw.Raw, nil, nil)
		if err != nil {
			t.Fatalf("decode %s: %v", raw.Raw, err)
		}
		canon, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			t.Fatal(err)
		}
		meta := m["metadata"].(map[string]any)
		key := fmt.Sprintf("%s %v/%v", gvk.Kind, meta["namespace"], meta["name"])
		if _, dup := out[key]; dup {
			t.Fatalf("%s appears twice", key)
		}
		out[key] = string(canon)
	}
	return out
}

// TestSameObjects proves that every way renders the same objects before any
// of them is measured.
func TestSameObjects(t *testing.T) {
	nss := Namespaces(3)
	want := objects(t, must(t)(RenderProdkube(nss)))
	if len(want) != 9*len(nss) {
		t.Fatalf("prodkube rendered %d objects, want %d", len(want), 9*len(nss))
	}
	for _, w := range Ways()[1:] {
		t.Run(w.Name, func(t *testing.T) {
			got := objects(t, must(t)(w.Render(nss)))
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s renders other objects than prodkube (-prodkube +%s):\n%s", w.Name, w.Name, d)
			}
		})
	}
}

// TestYAML12 reads prodkube's output with a YAML 1.2 parser (go-yaml v3)
// as well: it must give the same tree as the YAML 1.1 parser kubectl uses.
func TestYAML12(t *testing.T) {
	out := must(t)(RenderProdkube(Namespaces(2)))
	for i, doc := range bytes.Split(out, []byte("---\n")) {
		if len(doc) == 0 {
			continue
		}
		var v12 any
		if err := goyaml.Unmarshal(doc, &v12); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		j12, err := json.Marshal(v12)
		if err != nil {
			t.Fatal(err)
		}
		j11, err := yaml.ToJSON(doc)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		json.Unmarshal(j12, &a)
		json.Unmarshal(j11, &b)
		if d := cmp.Diff(b, a); d != "" {
			t.Errorf("document %d: YAML 1.2 reading differs (-1.1 +1.2):\n%s", i, d)
		}
	}
}

func must(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// sizes are the namespace counts measured; kustomize's cost grows with the
// square of the count, so it stops at maxKustomize to keep a run short.
var sizes = []int{1, 10, 100, 1000}

const maxKustomize = 100

// BenchmarkEncodeOnly separates the cost of writing from the cost of
// building: the objects are built (and validated) once, outside the timed
// loop, then written by prodkube.WriteYAML, by encoding/json and by
// sigs.k8s.io/yaml.
func BenchmarkEncodeOnly(b *testing.B) {
	for _, n := range sizes {
		var objs []prodkube.Object
		for _, ns := range Namespaces(n) {
			set, err := Build(ns)
			if err != nil {
				b.Fatal(err)
			}
			objs = append(objs, set...)
		}
		b.Run(fmt.Sprintf("way=prodkube-WriteYAML/ns=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := prodkube.WriteYAML(io.Discard, objs...); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("way=encoding-json/ns=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				enc := json.NewEncoder(io.Discard)
				for _, o := range objs {
					if err := enc.Encode(o); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(fmt.Sprintf("way=sigs-yaml/ns=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, o := range objs {
					if _, err := sigsyaml.Marshal(o); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRender renders the namespace set every way at every size, in one
// run, so that the ratios compare numbers taken under the same load.
func BenchmarkRender(b *testing.B) {
	for _, n := range sizes {
		nss := Namespaces(n)
		for _, w := range Ways() {
			if w.Name == "kustomize" && n > maxKustomize {
				continue
			}
			b.Run(fmt.Sprintf("way=%s/ns=%d", w.Name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := w.Render(nss); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestComparisonSeesDifferences guards TestSameObjects itself: a changed
// field, a missing object and a changed quantity must all be noticed.
func TestComparisonSeesDifferences(t *testing.T) {
	nss := Namespaces(2)
	base := must(t)(RenderHelmPlain(nss))
	want := objects(t, base)
	for name, edit := range map[string]func([]byte) []byte{
		"field": func(b []byte) []byte {
			return bytes.Replace(b, []byte("maxReplicas: 10"), []byte("maxReplicas: 11"), 1)
		},
		"quantity": func(b []byte) []byte { return bytes.Replace(b, []byte("cpu: 250m"), []byte("cpu: 251m"), 1) },
		"object":   func(b []byte) []byte { return b[:bytes.LastIndex(b, []byte("---\n"))] },
	} {
		if cmp.Equal(want, objects(t, edit(bytes.Clone(base)))) {
			t.Errorf("a changed %s goes unnoticed", name)
		}
	}
}
