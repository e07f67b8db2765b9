package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Document is one YAML document of a file.
type Document struct {
	// File is the path of the file it came from.
	File string
	// Index is the document's position in its file, from 0.
	Index int
	// Object is the document as an object if it has both apiVersion and kind,
	// nil otherwise (for example a Prometheus rule file or an empty document).
	Object *unstructured.Unstructured
}

// Where names the document for messages: the file, and the document's index when
// the file holds more than one.
func (d Document) Where() string {
	if d.Object != nil {
		return fmt.Sprintf("%s (document %d, %s %s)", d.File, d.Index, d.Object.GetKind(), qualifiedName(d.Object))
	}
	return fmt.Sprintf("%s (document %d)", d.File, d.Index)
}

func qualifiedName(o *unstructured.Unstructured) string {
	if o.GetNamespace() != "" {
		return o.GetNamespace() + "/" + o.GetName()
	}
	return o.GetName()
}

// readDocuments splits a YAML (or JSON) file into documents. A document with only
// one of apiVersion and kind is an error; one with neither has a nil Object.
func readDocuments(file string) ([]Document, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs []Document
	for i := 0; ; i++ {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: reading document %d: %w", file, i, err)
		}
		d := Document{File: file, Index: i}
		var m map[string]any
		if err := yaml.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: document %d is not valid YAML: %w", file, i, err)
		}
		_, hasAPI := m["apiVersion"]
		_, hasKind := m["kind"]
		switch {
		case hasAPI && hasKind:
			d.Object = &unstructured.Unstructured{Object: m}
			if d.Object.GetAPIVersion() == "" || d.Object.GetKind() == "" {
				return nil, fmt.Errorf("%s: document %d has an empty or non-string apiVersion or kind", file, i)
			}
		case hasAPI || hasKind:
			return nil, fmt.Errorf("%s: document %d has only one of apiVersion and kind", file, i)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// outputFiles lists the YAML and JSON files under dir, sorted, skipping the top
// directories named in skip (relative to dir, e.g. "kubeadm").
func outputFiles(dir string, skip ...string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			for _, s := range skip {
				if rel == s {
					return filepath.SkipDir
				}
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml", ".json":
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// podTemplate returns the pod template (metadata and spec) an object carries and
// the field path it sits at, or ok=false if it carries none.
func podTemplate(o *unstructured.Unstructured) (tmpl map[string]any, path string, ok bool) {
	for _, p := range [][]string{
		{"spec", "template"},                        // Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController
		{"spec", "jobTemplate", "spec", "template"}, // CronJob
		{"template"},                                // PodTemplate
	} {
		m, found, err := unstructured.NestedMap(o.Object, p...)
		if err != nil || !found {
			continue
		}
		if _, hasSpec := m["spec"]; !hasSpec {
			continue
		}
		if _, hasContainers, _ := unstructured.NestedSlice(m, "spec", "containers"); !hasContainers {
			continue
		}
		return m, strings.Join(p, "."), true
	}
	return nil, "", false
}

// barePod builds the Pod that o's template would make, in o's namespace, so that
// Pod Security admission enforces on it (on workloads it only warns).
func barePod(o *unstructured.Unstructured, tmpl map[string]any) *unstructured.Unstructured {
	tmpl = runtime.DeepCopyJSON(tmpl)
	pod := &unstructured.Unstructured{Object: map[string]any{}}
	pod.SetAPIVersion("v1")
	pod.SetKind("Pod")
	if md, ok := tmpl["metadata"].(map[string]any); ok {
		pod.Object["metadata"] = md
	}
	name := strings.ToLower(o.GetKind()) + "-" + o.GetName()
	if len(name) > 253 {
		name = name[:253]
	}
	pod.SetName(strings.TrimRight(name, "-."))
	pod.SetNamespace(o.GetNamespace())
	spec, _ := tmpl["spec"].(map[string]any)
	pod.Object["spec"] = spec
	if o.GetKind() == "StatefulSet" && spec != nil {
		addClaimVolumes(o, spec)
	}
	return pod
}

// addClaimVolumes adds to spec the volumes the StatefulSet controller adds to each
// Pod for the set's volumeClaimTemplates (claim "<template>-<set>-<ordinal>"; here
// ordinal 0), replacing a pod volume of the same name as the controller does.
func addClaimVolumes(sts *unstructured.Unstructured, spec map[string]any) {
	vcts, _, _ := unstructured.NestedSlice(sts.Object, "spec", "volumeClaimTemplates")
	if len(vcts) == 0 {
		return
	}
	vols, _ := spec["volumes"].([]any)
	for _, v := range vcts {
		vct, ok := v.(map[string]any)
		if !ok {
			continue
		}
		name, _, _ := unstructured.NestedString(vct, "metadata", "name")
		if name == "" {
			continue
		}
		claim := map[string]any{
			"name":                  name,
			"persistentVolumeClaim": map[string]any{"claimName": name + "-" + sts.GetName() + "-0"},
		}
		replaced := false
		for i, existing := range vols {
			if m, ok := existing.(map[string]any); ok && m["name"] == name {
				vols[i] = claim
				replaced = true
			}
		}
		if !replaced {
			vols = append(vols, claim)
		}
	}
	spec["volumes"] = vols
}
