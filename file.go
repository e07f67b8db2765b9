package prodkube

import (
	"fmt"
	"io/fs"

	"github.com/prodkube/prodkube/internal/yamlenc"
)

// File is one generated artefact that is not a Kubernetes object to apply:
// a kubeadm configuration, a Prometheus configuration, a shell script, a
// runbook, a report. Results that produce such artefacts list them with a
// Files method, and WriteDir puts them in place beside the manifests.
type File struct {
	// Path is slash-separated and relative to the output directory, such as
	// "kubeadm/init.yaml" or "backup/velero.sh".
	Path string
	// Content is the file's bytes, without the generated-file marker, which
	// WriteDir adds in the file's own comment syntax.
	Content []byte
	// Mode holds the permission bits; zero means 0644. Scripts are 0755.
	Mode fs.FileMode
}

// YAMLFile returns a File at path holding docs as one YAML stream, "---"
// between documents, written by the same encoder as WriteYAML: keys as the
// documents' JSON tags name them, nulls left out, and every string that a
// YAML 1.1 or 1.2 reader could take for something else quoted. Use it for
// configuration files that are not objects to apply (kubeadm, Prometheus,
// rule files), so every YAML prodkube writes reads the same way.
func YAMLFile(path string, docs ...any) (File, error) {
	var out []byte
	for i, d := range docs {
		if i > 0 {
			out = append(out, "---\n"...)
		}
		var err error
		if out, err = fileEncoder.Append(out, d); err != nil {
			return File{}, fmt.Errorf("%s: document %d: %w", path, i, err)
		}
	}
	return File{Path: path, Content: out}, nil
}

// fileEncoder writes configuration documents as they are, only leaving out
// nulls: unlike objects to apply, they have no server-owned status to drop.
var fileEncoder = yamlenc.New(yamlenc.Options{OmitNull: true})
