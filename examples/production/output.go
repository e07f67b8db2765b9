package main

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/prodkube/prodkube"
)

// output collects what the parts of the example produce: Kubernetes objects
// for DIR/manifests/ and other artefacts (kubeadm configs, scripts,
// runbooks, reports) by their path under DIR.
type output struct {
	objects []prodkube.Object
	files   map[string][]byte
	err     []string
}

func newOutput() *output { return &output{files: map[string][]byte{}} }

// add appends Kubernetes objects for DIR/manifests/.
func (o *output) add(objs ...prodkube.Object) { o.objects = append(o.objects, objs...) }

// file records an artefact at a slash-separated path relative to DIR. A path
// that escapes DIR, lands in manifests/ or is given twice is an error,
// reported when the parts have run.
func (o *output) file(p string, data []byte) {
	clean := path.Clean(p)
	switch {
	case p == "" || clean != p || path.IsAbs(p) || strings.HasPrefix(p, "../") || p == "..":
		o.err = append(o.err, fmt.Sprintf("file %q: must be a clean relative path", p))
	case strings.HasPrefix(p, "manifests/"):
		o.err = append(o.err, fmt.Sprintf("file %q: manifests/ holds only objects given to add", p))
	case o.files[p] != nil:
		o.err = append(o.err, fmt.Sprintf("file %q: written twice", p))
	default:
		o.files[p] = append([]byte(nil), data...)
	}
}

// find returns the object an earlier part added with this kind, namespace
// and name, or nil.
func (o *output) find(kind, namespace, name string) prodkube.Object {
	for _, obj := range o.objects {
		if obj.GetObjectKind().GroupVersionKind().Kind == kind && obj.GetNamespace() == namespace && obj.GetName() == name {
			return obj
		}
	}
	return nil
}

// paths lists the artefact paths in order.
func (o *output) paths() []string {
	ps := make([]string, 0, len(o.files))
	for p := range o.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// part is one area's contribution to the example.
type part struct {
	order int
	name  string
	build func(*output) error
}

var parts []part

// register adds a part; parts run in ascending order, so a later part can
// find what an earlier one added.
func register(order int, name string, build func(*output) error) {
	parts = append(parts, part{order: order, name: name, build: build})
}

// build runs every part and returns what they produced.
func build() (*output, error) {
	sorted := append([]part(nil), parts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].order < sorted[j].order })
	out := newOutput()
	for _, p := range sorted {
		if err := p.build(out); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	if len(out.err) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(out.err, "; "))
	}
	return out, nil
}
