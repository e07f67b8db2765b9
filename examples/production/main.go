// Command production writes the whole production setup that prodkube
// builds from one cluster intent (see cluster.go beside this file): every
// Kubernetes object as a kustomize base under DIR/manifests/, and the
// kubeadm configurations, backup and upgrade scripts, monitoring rules and
// reports beside it.
//
// Usage:
//
//	go run ./examples/production -out DIR    # write DIR
//	go run ./examples/production -check DIR  # exit 1 if DIR is stale
//	go run ./examples/production             # the objects as one YAML stream on stdout
//
// Build scripts run it from a //go:generate line and CI runs -check, so
// committed output never drifts from the code that produces it. The program
// uses only prodkube's public API: copy it into your own module and change
// the intent.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/cluster"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "production:", err)
		os.Exit(1)
	}
}

// errStale is returned by -check when the directory differs.
var errStale = errors.New("output is stale; regenerate it with -out")

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("production", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outDir := fs.String("out", "", "write the production set into `DIR` (manifests/, kubeadm/, backup/, ...)")
	checkDir := fs.String("check", "", "compare `DIR` with what -out would write; exit 1 listing every difference")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *outDir != "" && *checkDir != "" {
		return errors.New("-out and -check are exclusive")
	}
	out, err := build()
	if err != nil {
		return err
	}
	if *outDir == "" && *checkDir == "" {
		return prodkube.WriteYAML(stdout, out.Objects()...)
	}
	files, err := prodkube.Manifests("manifests", out.Objects()...)
	if err != nil {
		return err
	}
	report, err := rightSizing()
	if err != nil {
		return err
	}
	files = append(files, out.Files()...)
	files = append(files, report.Files()...)
	if *outDir != "" {
		return prodkube.WriteDir(*outDir, files...)
	}
	changes, err := prodkube.DiffDir(*checkDir, files...)
	if err != nil {
		return err
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	if len(changes) > 0 {
		return errStale
	}
	return nil
}

// build composes the production cluster.
func build() (*cluster.Result, error) {
	return production().Build()
}
