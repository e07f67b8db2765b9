package bench

import "testing"

// BenchmarkBuild measures building and validating the nine objects of 100
// namespaces with prodkube's builders, without rendering them.
func BenchmarkBuild(b *testing.B) {
	ns := Namespaces(100)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range ns {
			if _, err := Build(n); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLiterals measures building the same nine objects of 100
// namespaces as hand-written struct literals, nothing validated and nothing
// written: the cost of the typed objects themselves, beside BenchmarkBuild.
func BenchmarkLiterals(b *testing.B) {
	ns := Namespaces(100)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range ns {
			if objs := Literals(n); len(objs) != 9 {
				b.Fatalf("%d objects, want 9", len(objs))
			}
		}
	}
}
