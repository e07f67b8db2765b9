package upgrade

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/version"
)

// Finding is an object in the manifests whose apiVersion/kind a release up to
// the target no longer serves.
type Finding struct {
	// Manifest names the manifest the object is in.
	Manifest string
	// Document is the object's 1-based position in the manifest's stream.
	Document int
	// APIVersion, Kind, Namespace and Name identify the object.
	APIVersion, Kind, Namespace, Name string
	// Removal is the table entry that applies.
	Removal Removal
	// AlreadyRemoved is true when the control plane's current version
	// already does not serve it: the manifest cannot be applied today.
	AlreadyRemoved bool
}

// Preflight reports every object in manifests whose apiVersion/kind is not
// served by a release up to to ("v1.37.2"), marking those that from (the
// version running today) already does not serve, so that each can be migrated
// before the hop that removes it. Documents without apiVersion and kind are
// not Kubernetes objects and are skipped; kind List is looked into.
func Preflight(from, to string, manifests ...Manifest) ([]Finding, error) {
	fv, tv, err := parseRange(from, to)
	if err != nil {
		return nil, err
	}
	f, errs := preflight(manifests, fv, tv)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return f, nil
}

type objHeader struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Items []json.RawMessage `json:"items"`
}

func preflight(manifests []Manifest, from, to version.Version) ([]Finding, field.ErrorList) {
	var out []Finding
	var errs field.ErrorList
	for i, m := range manifests {
		p := field.NewPath("manifests").Index(i).Child("data")
		for d, doc := range splitDocuments(m.Data) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			j, err := yaml.YAMLToJSON(doc)
			if err != nil {
				errs = append(errs, field.Invalid(p, fmt.Sprintf("%s document %d", m.Name, d+1), "not valid YAML: "+err.Error()))
				continue
			}
			if len(j) == 0 || j[0] != '{' {
				continue // a scalar or a sequence: not an object
			}
			found, err := inspect(j, m.Name, d+1, from, to, 0)
			if err != nil {
				errs = append(errs, field.Invalid(p, fmt.Sprintf("%s document %d", m.Name, d+1), err.Error()))
				continue
			}
			out = append(out, found...)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if c := out[a].Removal.RemovedIn.Compare(out[b].Removal.RemovedIn); c != 0 {
			return c < 0
		}
		if out[a].Manifest != out[b].Manifest {
			return out[a].Manifest < out[b].Manifest
		}
		return out[a].Document < out[b].Document
	})
	return out, errs
}

// maxListDepth bounds how deep Lists of Lists are followed.
const maxListDepth = 8

func inspect(j []byte, name string, doc int, from, to version.Version, depth int) ([]Finding, error) {
	var h objHeader
	if err := json.Unmarshal(j, &h); err != nil {
		return nil, fmt.Errorf("apiVersion, kind and metadata must be strings: %v", err)
	}
	var out []Finding
	if r, ok := lookupRemoval(h.APIVersion, h.Kind); ok && r.RemovedIn.Major == to.Major && r.RemovedIn.Minor <= to.Minor {
		out = append(out, Finding{
			Manifest: name, Document: doc,
			APIVersion: h.APIVersion, Kind: h.Kind, Namespace: h.Metadata.Namespace, Name: h.Metadata.Name,
			Removal:        r,
			AlreadyRemoved: r.RemovedIn.Minor <= from.Minor,
		})
	}
	if len(h.Items) > 0 && depth < maxListDepth {
		for _, it := range h.Items {
			if len(it) == 0 || it[0] != '{' {
				continue
			}
			f, err := inspect(it, name, doc, from, to, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, f...)
		}
	}
	return out, nil
}

// splitDocuments splits a YAML stream at its "---" separator lines.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	start := 0
	for i := 0; i <= len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		var line []byte
		next := len(data) + 1
		if end < 0 {
			line = data[i:]
		} else {
			line = data[i : i+end]
			next = i + end + 1
		}
		t := bytes.TrimRight(line, " \t\r")
		if bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) {
			docs = append(docs, data[start:i])
			start = next
			if start > len(data) {
				start = len(data)
			}
		}
		i = next
	}
	return append(docs, data[start:])
}

// parseRange parses the two ends of an upgrade strictly.
func parseRange(from, to string) (version.Version, version.Version, error) {
	var errs field.ErrorList
	fv, err := version.Parse(from)
	if err != nil {
		errs = append(errs, field.Invalid(field.NewPath("from"), from, err.Error()))
	}
	tv, err := version.Parse(to)
	if err != nil {
		errs = append(errs, field.Invalid(field.NewPath("to"), to, err.Error()))
	}
	if len(errs) == 0 && tv.Less(fv) {
		errs = append(errs, field.Invalid(field.NewPath("to"), to, "must not be older than from ("+from+")"))
	}
	return fv, tv, errs.ToAggregate()
}
