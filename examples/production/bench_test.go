package main

import (
	"io"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
)

// BenchmarkProductionSet measures the whole example: every part's builders
// and validation, then rendering the objects. Beside it, the same objects
// (built once, as if written by hand) marshalled with sigs.k8s.io/yaml.
func BenchmarkProductionSet(b *testing.B) {
	b.Run("build+WriteYAML", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := build()
			if err != nil {
				b.Fatal(err)
			}
			if err := prodkube.WriteYAML(io.Discard, out.Objects()...); err != nil {
				b.Fatal(err)
			}
		}
	})
	out, err := build()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("prebuilt+sigs.k8s.io/yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range out.Objects() {
				data, err := yaml.Marshal(o)
				if err != nil {
					b.Fatal(err)
				}
				io.Discard.Write(data)
			}
		}
	})
}
