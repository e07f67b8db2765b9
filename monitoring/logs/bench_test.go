package logs

import (
	"io"
	"testing"

	"github.com/prodkube/prodkube"
)

// BenchmarkBuild builds the default shipper and writes its objects as YAML.
func BenchmarkBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		res, err := valid().Build()
		if err != nil {
			b.Fatal(err)
		}
		if err := prodkube.WriteYAML(io.Discard, res.Objects()...); err != nil {
			b.Fatal(err)
		}
	}
}
