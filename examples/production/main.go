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
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

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

func write(dir string, out *output) error {
	if err := prodkube.WriteDir(filepath.Join(dir, "manifests"), out.objects...); err != nil {
		return err
	}
	for _, p := range out.paths() {
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if filepath.Ext(p) == ".sh" {
			mode = 0o755
		}
		if err := os.WriteFile(dst, out.files[p], mode); err != nil {
			return err
		}
		if err := os.Chmod(dst, mode); err != nil {
			return err
		}
	}
	return nil
}

// check lists the differences between dir and what write would produce.
func check(dir string, out *output) ([]string, error) {
	var diffs []string
	changes, err := prodkube.DiffDir(filepath.Join(dir, "manifests"), out.objects...)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		diffs = append(diffs, fmt.Sprintf("%s manifests/%s", c.Op, c.Path))
	}
	for _, p := range out.paths() {
		cur, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diffs = append(diffs, "add "+p)
		case err != nil:
			return nil, err
		case !bytes.Equal(cur, out.files[p]):
			diffs = append(diffs, "modify "+p)
		}
	}
	return diffs, nil
}
