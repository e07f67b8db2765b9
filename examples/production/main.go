// Command production writes the whole production setup that prodkube
// builds: every Kubernetes object as a kustomize base under DIR/manifests/,
// and the kubeadm configurations, backup and upgrade scripts, monitoring
// rules and reports beside it.
//
// Usage:
//
//	go run ./examples/production -out DIR    # write DIR
//	go run ./examples/production -check DIR  # exit 1 if DIR is stale
//	go run ./examples/production             # the objects as one YAML stream on stdout
//
// Build scripts run it from a //go:generate line and CI runs -check, so
// committed manifests never drift from the code that produces them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/prodkube/prodkube"
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
	switch {
	case *outDir != "":
		return write(*outDir, out)
	case *checkDir != "":
		changes, err := check(*checkDir, out)
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
	default:
		return prodkube.WriteYAML(stdout, out.objects...)
	}
}

// files is everything the example writes: the objects as a kustomize base
// under manifests/, and every other artefact at its path.
func files(out *output) ([]prodkube.File, error) {
	fs, err := prodkube.Manifests("manifests", out.objects...)
	if err != nil {
		return nil, err
	}
	for _, p := range out.paths() {
		f := prodkube.File{Path: p, Content: out.files[p]}
		if path.Ext(p) == ".sh" {
			f.Mode = 0o755
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func write(dir string, out *output) error {
	fs, err := files(out)
	if err != nil {
		return err
	}
	return prodkube.WriteDir(dir, fs...)
}

// check lists the differences between dir and what write would produce.
func check(dir string, out *output) ([]string, error) {
	fs, err := files(out)
	if err != nil {
		return nil, err
	}
	changes, err := prodkube.DiffDir(dir, fs...)
	if err != nil {
		return nil, err
	}
	var diffs []string
	for _, c := range changes {
		diffs = append(diffs, c.String())
	}
	return diffs, nil
}
