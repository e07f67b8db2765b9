package jaegercheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func configs(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configurations in ../testdata (%v)", err)
	}
	return files
}

// config is the part of a Jaeger v2 configuration the wiring test reads.
type config struct {
	Service struct {
		Extensions []string `json:"extensions"`
		Pipelines  map[string]struct {
			Receivers  []string `json:"receivers"`
			Processors []string `json:"processors"`
			Exporters  []string `json:"exporters"`
		} `json:"pipelines"`
	} `json:"service"`
	Extensions struct {
		Storage struct {
			Backends map[string]map[string]any `json:"backends"`
		} `json:"jaeger_storage"`
		Query struct {
			Storage struct {
				Traces string `json:"traces"`
			} `json:"storage"`
		} `json:"jaeger_query"`
	} `json:"extensions"`
	Receivers  map[string]any `json:"receivers"`
	Processors map[string]any `json:"processors"`
	Exporters  map[string]struct {
		TraceStorage string `json:"trace_storage"`
	} `json:"exporters"`
}

// TestWiring checks what ties the components together: the traces
// pipeline ends in the storage exporter, which writes to the one back end
// jaeger_query reads, and every named component is defined.
func TestWiring(t *testing.T) {
	for _, f := range configs(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c config
		if err := yaml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		p, ok := c.Service.Pipelines["traces"]
		if !ok || len(p.Exporters) != 1 || p.Exporters[0] != "jaeger_storage_exporter" {
			t.Fatalf("%s: traces pipeline %+v", f, p)
		}
		for _, r := range p.Receivers {
			if _, ok := c.Receivers[r]; !ok {
				t.Errorf("%s: receiver %s undefined", f, r)
			}
		}
		for _, pr := range p.Processors {
			if _, ok := c.Processors[pr]; !ok {
				t.Errorf("%s: processor %s undefined", f, pr)
			}
		}
		store := c.Exporters["jaeger_storage_exporter"].TraceStorage
		if len(c.Extensions.Storage.Backends[store]) != 1 || c.Extensions.Query.Storage.Traces != store {
			t.Errorf("%s: exporter writes %q, query reads %q, backends %v", f, store, c.Extensions.Query.Storage.Traces, c.Extensions.Storage.Backends)
		}
		for _, e := range []string{"jaeger_storage", "jaeger_query"} {
			if !strings.Contains(strings.Join(c.Service.Extensions, ","), e) {
				t.Errorf("%s: extension %s not started", f, e)
			}
		}
	}
}

// TestJaegerValidate runs Jaeger's own validate command on every
// configuration, and on a twin without an exporter, which it must refuse.
// It needs the binary (see validate.sh).
func TestJaegerValidate(t *testing.T) {
	bin := os.Getenv("JAEGER_BIN")
	if bin == "" {
		t.Skip("JAEGER_BIN is not set: run validate.sh, which builds Jaeger v1.75.0 (heavy) and runs this test")
	}
	dir := t.TempDir()
	// The password and CA files the configurations name need not exist for
	// validate; the dry run does not start extensions.
	for _, f := range configs(t) {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "validate", "--config="+abs).CombinedOutput()
		if err != nil {
			t.Errorf("jaeger validate refuses %s: %v\n%s", f, err, out)
		}
	}
	data, err := os.ReadFile(filepath.Join("..", "testdata", "memory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	c["service"].(map[string]any)["pipelines"].(map[string]any)["traces"].(map[string]any)["exporters"] = []any{}
	twin, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "no-exporter.yaml")
	if err := os.WriteFile(p, twin, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "validate", "--config="+p).CombinedOutput(); err == nil {
		t.Errorf("jaeger validate accepts a traces pipeline without exporters\n%s", out)
	}
}
