package prodkube

import (
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"sigs.k8s.io/yaml"
)

// manyNamespaces is the sample set repeated over n namespaces.
func manyNamespaces(n int) []Object {
	var objs []Object
	for i := range n {
		ns := fmt.Sprintf("team-%03d", i)
		objs = append(objs, namespace(ns), deployment("web", ns), deployment("api", ns))
	}
	return objs
}

// BenchmarkRender compares WriteYAML with the two usual ways of writing the
// same typed objects: sigs.k8s.io/yaml (JSON, then a map, then YAML) and
// encoding/json alone (the cost of visiting the data once).
func BenchmarkRender(b *testing.B) {
	objs := manyNamespaces(100)
	b.Run("WriteYAML", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteYAML(io.Discard, objs...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sigs.k8s.io/yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				data, err := yaml.Marshal(o)
				if err != nil {
					b.Fatal(err)
				}
				io.Discard.Write(data)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				data, err := json.Marshal(o)
				if err != nil {
					b.Fatal(err)
				}
				io.Discard.Write(data)
			}
		}
	})
}

func BenchmarkWriteDir(b *testing.B) {
	objs := manyNamespaces(10)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		files, err := Manifests("", objs...)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteDir(dir, files...); err != nil {
			b.Fatal(err)
		}
	}
}
