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
