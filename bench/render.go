package bench

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube"
)

// Way is one way of rendering the namespace set: Render writes the objects
// of every namespace in nss as one stream.
type Way struct {
	Name   string
	Render func(nss []string) ([]byte, error)
}

// Ways lists every way measured, the floor first.
func Ways() []Way {
	return []Way{
		{"prodkube", RenderProdkube},
		{"sigs-yaml", RenderSigsYAML},
		{"encoding-json", RenderJSON},
		{"literals-writeyaml", RenderLiteralsWriteYAML},
		{"helm-plain", RenderHelmPlain},
		{"helm-values", RenderHelmValues},
		{"helm-toyaml", RenderHelmToYAML},
		{"kustomize", RenderKustomize},
	}
}

// RenderProdkube builds and validates every object with prodkube's
// builders and writes them with prodkube.WriteYAML.
func RenderProdkube(nss []string) ([]byte, error) {
	objs := make([]prodkube.Object, 0, 9*len(nss))
	for _, ns := range nss {
		set, err := Build(ns)
		if err != nil {
			return nil, err
		}
		objs = append(objs, set...)
	}
	return writeYAML(objs)
}

// RenderLiteralsWriteYAML writes the hand-written literals with
// prodkube.WriteYAML: typed objects without prodkube's builders. Its
// difference from RenderProdkube is what the builders and their validation
// cost.
func RenderLiteralsWriteYAML(nss []string) ([]byte, error) {
	objs := make([]prodkube.Object, 0, 9*len(nss))
	for _, ns := range nss {
		objs = append(objs, Literals(ns)...)
	}
	return writeYAML(objs)
}

func writeYAML(objs []prodkube.Object) ([]byte, error) {
	var buf bytes.Buffer
	if err := prodkube.WriteYAML(&buf, objs...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderSigsYAML writes the hand-written literals with sigs.k8s.io/yaml,
// the usual Go way.
func RenderSigsYAML(nss []string) ([]byte, error) {
	var buf bytes.Buffer
	for _, ns := range nss {
		for _, o := range Literals(ns) {
			data, err := yaml.Marshal(o)
			if err != nil {
				return nil, err
			}
			buf.WriteString("---\n")
			buf.Write(data)
		}
	}
	return buf.Bytes(), nil
}

// RenderJSON writes the hand-written literals with encoding/json: the cost
// of visiting the data once, the floor.
func RenderJSON(nss []string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, ns := range nss {
		for _, o := range Literals(ns) {
			if err := enc.Encode(o); err != nil {
				return nil, err
			}
		}
	}
	return buf.Bytes(), nil
}

//go:embed all:testdata
var testdata embed.FS

var (
	chartsOnce sync.Once
	charts     map[string]*chart.Chart
	chartsErr  error
)

func loadChart(name string) (*chart.Chart, error) {
	chartsOnce.Do(func() {
		charts = map[string]*chart.Chart{}
		for _, n := range []string{"chart-plain", "chart-values", "chart-toyaml"} {
			var files []*loader.BufferedFile
			root := path.Join("testdata", n)
			err := fs.WalkDir(testdata, root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := testdata.ReadFile(p)
				files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, root+"/"), Data: data})
				return err
			})
			if err != nil {
				chartsErr = err
				return
			}
			c, err := loader.LoadFiles(files)
			if err != nil {
				chartsErr = fmt.Errorf("%s: %w", n, err)
				return
			}
			charts[n] = c
		}
	})
	return charts[name], chartsErr
}

func renderHelm(name string, nss []string) ([]byte, error) {
	c, err := loadChart(name)
	if err != nil {
		return nil, err
	}
	list := make([]any, len(nss))
	for i, ns := range nss {
		list[i] = ns
	}
	vals, err := chartutil.ToRenderValues(c, map[string]any{"namespaces": list},
		chartutil.ReleaseOptions{Name: "bench", Namespace: "default"}, nil)
	if err != nil {
		return nil, err
	}
	out, err := engine.Render(c, vals)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	for _, n := range names {
		buf.WriteString(out[n])
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// RenderHelmPlain renders a chart of plain text templates with Helm's
// engine, in process. Only the namespace name is substituted; every other
// value is fixed text, so this is the cheapest a chart can be.
func RenderHelmPlain(nss []string) ([]byte, error) { return renderHelm("chart-plain", nss) }

// RenderHelmValues renders a chart of plain text templates (no toYaml)
// that takes from its values every input that bench.Build gives prodkube's
// builders (names, image, port, requests and limits, probe paths, quota,
// RBAC rule, autoscaling bounds), as a chart meant for reuse is written.
func RenderHelmValues(nss []string) ([]byte, error) { return renderHelm("chart-values", nss) }

// RenderHelmToYAML renders a chart whose templates write their nested
// blocks with toYaml from values, as most charts do.
func RenderHelmToYAML(nss []string) ([]byte, error) { return renderHelm("chart-toyaml", nss) }

// RenderKustomize builds, in memory, a kustomization of one overlay per
// namespace over a common base, with kustomize's krusty.
func RenderKustomize(nss []string) ([]byte, error) {
	fsys := filesys.MakeFsInMemory()
	for _, f := range []string{"kustomization.yaml", "resources.yaml"} {
		data, err := testdata.ReadFile("testdata/kustomize-base/" + f)
		if err != nil {
			return nil, err
		}
		if err := fsys.WriteFile("/app/base/"+f, data); err != nil {
			return nil, err
		}
	}
	var top strings.Builder
	top.WriteString("resources:\n")
	for _, ns := range nss {
		overlay := "namespace: " + ns + "\nresources:\n- ../../base\n"
		if err := fsys.WriteFile("/app/overlays/"+ns+"/kustomization.yaml", []byte(overlay)); err != nil {
			return nil, err
		}
		top.WriteString("- overlays/" + ns + "\n")
	}
	if err := fsys.WriteFile("/app/kustomization.yaml", []byte(top.String())); err != nil {
		return nil, err
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, "/app")
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}
