package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// crdSource names CustomResourceDefinition manifests inside a published Go module.
// The suite downloads the module through the Go module proxy (`go mod download
// -json Module@Version`), reads each file in Paths, creates every CRD it holds on the
// API server and waits until each is Established, before any test runs. This keeps
// third-party CRDs out of the repository while pinning their exact version.
//
// An area registers its CRDs from a file e2e/crds_<area>_test.go:
//
//	func init() {
//		crdSources = append(crdSources, crdSource{
//			Module:  "github.com/example/operator",
//			Version: "v1.2.3",
//			Paths:   []string{"config/crd/bases/example.com_widgets.yaml"},
//		})
//	}
type crdSource struct {
	// Module is the module path as the module proxy knows it.
	Module string
	// Version is the exact module version (no queries such as "latest").
	Version string
	// Paths are files inside the module, relative to its root, each holding one or
	// more YAML documents of kind CustomResourceDefinition (apiextensions.k8s.io/v1).
	Paths []string
}

// crdSources is every CRD source registered by the areas' init functions.
var crdSources []crdSource

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// downloadModule fetches mod@version into the module cache and returns its directory.
func downloadModule(ctx context.Context, mod, version string) (string, error) {
	if mod == "" || version == "" || strings.ContainsAny(version, " @") || version == "latest" {
		return "", fmt.Errorf("crd source %q@%q: module and an exact version are required", mod, version)
	}
	tmp, err := os.MkdirTemp("", "prodkube-e2e-mod-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", mod+"@"+version)
	// Outside any module, so the e2e module's own requirements do not interfere.
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GO111MODULE=on")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct {
		Dir   string
		Error string
	}
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v: %s%s", mod, version, runErr, stderr.String(), stdout.String())
	}
	if info.Error != "" || runErr != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %v %s %s", mod, version, runErr, info.Error, stderr.String())
	}
	return info.Dir, nil
}

// installCRDs downloads and creates every registered CRD and waits until all are
// Established. It returns the names of the CRDs it installed.
func installCRDs(ctx context.Context, cp *ControlPlane, sources []crdSource) ([]string, error) {
	var names []string
	for _, src := range sources {
		dir, err := downloadModule(ctx, src.Module, src.Version)
		if err != nil {
			return names, err
		}
		if len(src.Paths) == 0 {
			return names, fmt.Errorf("crd source %s@%s lists no paths", src.Module, src.Version)
		}
		for _, p := range src.Paths {
			file := filepath.Join(dir, filepath.FromSlash(p))
			docs, err := readDocuments(file)
			if err != nil {
				return names, fmt.Errorf("crd source %s@%s: %w", src.Module, src.Version, err)
			}
			n := 0
			for _, d := range docs {
				if d.Object == nil {
					continue
				}
				obj := d.Object
				if obj.GetKind() != "CustomResourceDefinition" || obj.GetAPIVersion() != "apiextensions.k8s.io/v1" {
					return names, fmt.Errorf("%s@%s %s (document %d): %s %s is not an apiextensions.k8s.io/v1 CustomResourceDefinition",
						src.Module, src.Version, p, d.Index, obj.GetAPIVersion(), obj.GetKind())
				}
				warnings, err := cp.Create(ctx, obj)
				if err != nil {
					return names, fmt.Errorf("%s@%s %s: creating CRD %s: %w", src.Module, src.Version, p, obj.GetName(), err)
				}
				if len(warnings) > 0 {
					// Upstream CRDs are not ours to fix; show their warnings without failing.
					fmt.Fprintf(os.Stderr, "e2e: CRD %s from %s@%s warned: %s\n", obj.GetName(), src.Module, src.Version, strings.Join(warnings, "; "))
				}
				names = append(names, obj.GetName())
				n++
			}
			if n == 0 {
				return names, fmt.Errorf("%s@%s %s holds no CRD", src.Module, src.Version, p)
			}
		}
	}
	for _, name := range names {
		if err := waitEstablished(ctx, cp, name); err != nil {
			return names, err
		}
	}
	if len(names) > 0 {
		cp.Mapper.Reset()
	}
	return names, nil
}

func waitEstablished(ctx context.Context, cp *ControlPlane, name string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		obj, err := cp.Dynamic.Resource(crdGVR).Get(ctx, name, getOptions)
		if err == nil && crdEstablished(obj) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("CRD %s not Established after 60s (last error: %v)", name, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func crdEstablished(obj *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}
