package logs

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/prodkube/prodkube/security"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenSpecs are the shippers whose configurations are kept in testdata/,
// for a checker module (not yet in the repository) that loads each with the
// OpenTelemetry Collector's own loader without importing prodkube, so that
// the Collector's Kubernetes client and prodkube's Kubernetes API release
// need not agree.
func goldenSpecs() map[string]Shipper {
	priv := security.LevelPrivileged
	return map[string]Shipper{
		"grpc-tls": {PodSecurityLevel: priv, Exporter: Exporter{Endpoint: "otel-gateway.observability.svc:4317"}, Buffer: Buffer{Size: "2Gi"}},
		"grpc-ca-auth": {PodSecurityLevel: priv, Buffer: Buffer{Size: "512Mi", Directory: "/var/lib/logbuf"}, Exporter: Exporter{
			Endpoint: "otlp.example.com:443", CASecret: "otlp-ca", Authorization: &SecretKey{Name: "otlp-token", Key: "authorization"},
		}},
		"http-tls":       {PodSecurityLevel: priv, Exporter: Exporter{Protocol: HTTP, Endpoint: "https://otlp.example.com:4318"}, Buffer: Buffer{Size: "10Gi"}},
		"http-plaintext": {PodSecurityLevel: priv, Exporter: Exporter{Protocol: HTTP, Endpoint: "http://otel-gateway.observability.svc:4318", Insecure: true}, Buffer: Buffer{Size: "1Gi"}},
		"grpc-plaintext": {PodSecurityLevel: priv, Exporter: Exporter{Endpoint: "10.0.0.5:4317", Insecure: true}, Buffer: Buffer{Size: "1Gi"}},
	}
}

// TestGolden keeps testdata/<name>.yaml equal to the configuration Build
// renders; go test -update rewrites them.
func TestGolden(t *testing.T) {
	for name, s := range goldenSpecs() {
		res, err := s.Build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := filepath.Join("testdata", name+".yaml")
		if *update {
			if err := os.WriteFile(p, res.Config, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if string(want) != string(res.Config) {
			t.Errorf("%s differs from what Build renders; run go test -update", p)
		}
	}
}
