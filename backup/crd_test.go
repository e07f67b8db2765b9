package backup

import (
	"encoding/json"
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// veleroModuleDir is Velero's module in the local module cache, at the
// release whose CRDs the e2e suite installs (e2e/crds_backup_test.go).
// The test reads it and never downloads it; without it the test fails.
// backup/internal/veleroclicheck/tools/velero declares the module.
func veleroModuleDir() string {
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			gopath = build.Default.GOPATH
		}
		cache = filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "pkg", "mod")
	}
	return filepath.Join(cache, "github.com", "vmware-tanzu", "velero@v1.18.3")
}

type crdSchema struct {
	Type                 string                `json:"type"`
	Properties           map[string]*crdSchema `json:"properties"`
	AdditionalProperties *crdSchema            `json:"additionalProperties"`
	Items                *crdSchema            `json:"items"`
	Required             []string              `json:"required"`
	Enum                 []any                 `json:"enum"`
}

func loadCRDSchema(t *testing.T, file string) *crdSchema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(veleroModuleDir(), "config", "crd", "v1", "bases", file))
	if err != nil {
		// The module is declared by backup/internal/veleroclicheck/tools/velero
		// (whose go mod download CI runs); the test never downloads.
		t.Fatalf("Velero v1.18.3 is not in the module cache: run `go mod download` in backup/internal/veleroclicheck/tools/velero: %v", err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema *crdSchema `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name == "v1" {
			return v.Schema.OpenAPIV3Schema
		}
	}
	t.Fatalf("%s has no v1 schema", file)
	return nil
}

// checkAgainstSchema reports every field of v that the schema does not
// declare (what the API server's strict field validation refuses), every
// type mismatch, enum violation and missing required field. metadata is
// left to the API server's own validation.
func checkAgainstSchema(path string, v any, s *crdSchema) []string {
	var errs []string
	switch val := v.(type) {
	case map[string]any:
		if s.Type != "object" {
			return []string{fmt.Sprintf("%s: object where the schema has %q", path, s.Type)}
		}
		for _, r := range s.Required {
			if _, ok := val[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s.%s: required", path, r))
			}
		}
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if path == "" && (k == "metadata" || k == "apiVersion" || k == "kind") {
				continue
			}
			sub := s.Properties[k]
			if sub == nil {
				sub = s.AdditionalProperties
			}
			if sub == nil {
				errs = append(errs, fmt.Sprintf("%s.%s: unknown field", path, k))
				continue
			}
			errs = append(errs, checkAgainstSchema(path+"."+k, val[k], sub)...)
		}
	case []any:
		if s.Type != "array" {
			return []string{fmt.Sprintf("%s: array where the schema has %q", path, s.Type)}
		}
		for i, item := range val {
			errs = append(errs, checkAgainstSchema(fmt.Sprintf("%s[%d]", path, i), item, s.Items)...)
		}
	case string:
		if s.Type != "string" {
			errs = append(errs, fmt.Sprintf("%s: string where the schema has %q", path, s.Type))
		}
	case bool:
		if s.Type != "boolean" {
			errs = append(errs, fmt.Sprintf("%s: boolean where the schema has %q", path, s.Type))
		}
	case float64:
		if s.Type != "integer" && s.Type != "number" {
			errs = append(errs, fmt.Sprintf("%s: number where the schema has %q", path, s.Type))
		}
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			if e == v {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %v not in %v", path, v, s.Enum))
		}
	}
	return errs
}

// TestObjectsMatchVeleroCRDs checks every kind this package builds, with
// every optional field set, against the schema of Velero's own CRD.
func TestObjectsMatchVeleroCRDs(t *testing.T) {
	full := BackupOptions{
		IncludeNamespaces: []string{"production"}, ExcludeNamespaces: []string{"kube-system"},
		IncludeResources: []string{"deployments.apps"}, ExcludeResources: []string{"events"},
		Selector: map[string]string{"app": "web"}, TTL: 36 * time.Hour, SnapshotVolumes: ptr(true),
		DefaultVolumesToFsBackup: true, StorageLocation: "default",
	}
	b, err := Backup{Name: "b", BackupOptions: full}.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Schedule{Name: "s", Cron: "0 1 * * *", Paused: true, BackupOptions: full}.Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := exampleRestore().Build()
	if err != nil {
		t.Fatal(err)
	}
	locs, err := exampleInstall().Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		obj  any
	}{
		{"velero.io_backups.yaml", b},
		{"velero.io_schedules.yaml", s},
		{"velero.io_restores.yaml", r},
		{"velero.io_backupstoragelocations.yaml", locs.BackupStorageLocation},
		{"velero.io_volumesnapshotlocations.yaml", locs.VolumeSnapshotLocation},
	} {
		t.Run(tc.file, func(t *testing.T) {
			sch := loadCRDSchema(t, tc.file)
			data, err := json.Marshal(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			for _, e := range checkAgainstSchema("", doc, sch) {
				t.Error(e)
			}
			// The check must be able to fail: an unknown field is refused.
			spec := doc["spec"].(map[string]any)
			spec["notAVeleroField"] = true
			if errs := checkAgainstSchema("", doc, sch); len(errs) != 1 {
				t.Errorf("an unknown field gave %v", errs)
			}
		})
	}
}
