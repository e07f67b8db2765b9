// Package binaries builds the real control-plane programs the end-to-end suite runs
// (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, two kubeadm
// versions, and kwok for the simulated cluster's fake nodes) from the Go module proxy,
// and caches them by version outside the repository so that only the first run pays
// for the build.
//
// Each program is built from a small wrapper module under e2e/tools/ whose go.mod
// and go.sum pin the exact upstream version: k8s.io/kubernetes and etcd's server
// module both carry replace directives that only take effect in a main module, so a
// main module of our own is the one way to build them with `go build`.
package binaries

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Component is one program the suite needs, and how to build it.
type Component struct {
	// Name is the binary's file name, e.g. "kube-apiserver".
	Name string
	// Version is the upstream release, e.g. "v1.37.2". It names the cache directory.
	Version string
	// Module is the wrapper module's directory relative to the e2e module root.
	Module string
	// Package is the import path of the program's main package.
	Package string
	// LDFlags are the -ldflags given to the linker (version stamping).
	LDFlags string
}

// Versions of the real tools the suite judges output with.
const (
	KubernetesVersion    = "v1.37.2"
	OldKubernetesVersion = "v1.36.3"
	EtcdVersion          = "v3.7.3"
	// KwokVersion is the sigs.k8s.io/kwok release whose kwok controller plays the
	// kubelets of the simulated cluster's nodes (tools/kwok pins it).
	KwokVersion = "v0.8.0"
)

// k8sLDFlags stamps a Kubernetes binary with its release, as the upstream build
// does; without it the binaries report v0.0.0 and kubeadm falls back to guesses.
func k8sLDFlags(version string) string {
	v := strings.TrimPrefix(version, "v")
	parts := strings.SplitN(v, ".", 3)
	major, minor := parts[0], parts[1]
	var b strings.Builder
	b.WriteString("-s -w")
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		fmt.Fprintf(&b, " -X %s.gitVersion=%s -X %s.gitMajor=%s -X %s.gitMinor=%s -X %s.gitTreeState=clean -X %s.buildDate=1970-01-01T00:00:00Z",
			pkg, version, pkg, major, pkg, minor, pkg, pkg)
	}
	return b.String()
}

// All lists every component the suite uses, in build order.
func All() []Component {
	return []Component{
		{Name: "etcd", Version: EtcdVersion, Module: "tools/etcd", Package: "go.etcd.io/etcd/server/v3", LDFlags: "-s -w"},
		{Name: "kube-apiserver", Version: KubernetesVersion, Module: "tools/k8s137", Package: "k8s.io/kubernetes/cmd/kube-apiserver", LDFlags: k8sLDFlags(KubernetesVersion)},
		{Name: "kubeadm", Version: KubernetesVersion, Module: "tools/k8s137", Package: "k8s.io/kubernetes/cmd/kubeadm", LDFlags: k8sLDFlags(KubernetesVersion)},
		{Name: "kubectl", Version: KubernetesVersion, Module: "tools/k8s137", Package: "k8s.io/kubernetes/cmd/kubectl", LDFlags: k8sLDFlags(KubernetesVersion)},
		{Name: "kubeadm", Version: OldKubernetesVersion, Module: "tools/k8s136", Package: "k8s.io/kubernetes/cmd/kubeadm", LDFlags: k8sLDFlags(OldKubernetesVersion)},
		// The simulated cluster's controllers and scheduler, from the same sources as
		// kube-apiserver, and kwok, which plays the kubelets of its fake nodes. They
		// come last so that a build of the dry-run suite's programs never waits on them.
		{Name: "kube-controller-manager", Version: KubernetesVersion, Module: "tools/k8s137", Package: "k8s.io/kubernetes/cmd/kube-controller-manager", LDFlags: k8sLDFlags(KubernetesVersion)},
		{Name: "kube-scheduler", Version: KubernetesVersion, Module: "tools/k8s137", Package: "k8s.io/kubernetes/cmd/kube-scheduler", LDFlags: k8sLDFlags(KubernetesVersion)},
		{Name: "kwok", Version: KwokVersion, Module: "tools/kwok", Package: "sigs.k8s.io/kwok/cmd/kwok", LDFlags: "-s -w"},
	}
}

// CacheDir is where finished binaries are kept: $PRODKUBE_CACHE/bin if set,
// otherwise $HOME/.cache/prodkube/bin (the user cache directory).
func CacheDir() (string, error) {
	if d := os.Getenv("PRODKUBE_CACHE"); d != "" {
		return filepath.Join(d, "bin"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory (set PRODKUBE_CACHE): %w", err)
	}
	return filepath.Join(d, "prodkube", "bin"), nil
}

// Path is where c's binary lives once built: <cache>/<name>-<version>/<name>.
func (c Component) Path(cache string) string {
	return filepath.Join(cache, c.Name+"-"+c.Version, c.Name)
}

// Find returns the cached path of the named component at version, or an error
// saying how to build it if it is missing.
func Find(name, version string) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	for _, c := range All() {
		if c.Name == name && c.Version == version {
			p := c.Path(cache)
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("%s %s is not built (run: cd e2e && go run ./cmd/e2e-binaries): %w", name, version, err)
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("no component %s %s is known", name, version)
}

// Ensure builds every component that is missing from the cache and returns the
// path of each, keyed "name-version". e2eRoot is the e2e module's directory. Progress
// goes to log. Components of one wrapper module are built by one `go build` call so
// they share its work.
func Ensure(ctx context.Context, e2eRoot string, log io.Writer) (map[string]string, error) {
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	paths := map[string]string{}
	var missing []Component
	for _, c := range All() {
		p := c.Path(cache)
		paths[c.Name+"-"+c.Version] = p
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			fmt.Fprintf(log, "e2e-binaries: %s %s cached at %s\n", c.Name, c.Version, p)
			continue
		}
		missing = append(missing, c)
	}
	if len(missing) == 0 {
		return paths, nil
	}
	fmt.Fprintf(log, "e2e-binaries: building %d missing program(s) from the Go module proxy into %s.\n", len(missing), cache)
	fmt.Fprintf(log, "e2e-binaries: a cold build took 22 minutes on 2 shared cores (longer on a busy machine) and grows the Go build cache by ~4 GB; later runs reuse the cached binaries.\n")
	// Group by module and ldflags (one link per distinct flag set).
	type group struct {
		module, ldflags string
		comps           []Component
	}
	var groups []*group
	for _, c := range missing {
		var g *group
		for _, x := range groups {
			if x.module == c.Module && x.ldflags == c.LDFlags {
				g = x
			}
		}
		if g == nil {
			g = &group{module: c.Module, ldflags: c.LDFlags}
			groups = append(groups, g)
		}
		g.comps = append(g.comps, c)
	}
	start := time.Now()
	for _, g := range groups {
		if err := buildGroup(ctx, e2eRoot, cache, g.module, g.ldflags, g.comps, log); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "e2e-binaries: all built in %s\n", time.Since(start).Round(time.Second))
	return paths, nil
}

func buildGroup(ctx context.Context, e2eRoot, cache, module, ldflags string, comps []Component, log io.Writer) error {
	names := make([]string, 0, len(comps))
	pkgs := make([]string, 0, len(comps))
	for _, c := range comps {
		names = append(names, c.Name+" "+c.Version)
		pkgs = append(pkgs, c.Package)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(cache, ".build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	args := append([]string{"build", "-v", "-trimpath", "-ldflags", ldflags, "-o", tmp + string(filepath.Separator)}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Join(e2eRoot, module)
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	cmd.Stdout = cmd.Stderr
	fmt.Fprintf(log, "e2e-binaries: building %s (in %s)\n", strings.Join(names, ", "), module)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting go build for %s: %w", strings.Join(names, ", "), err)
	}
	// go build -v names each package as it compiles it; count them for progress
	// and keep the last lines for the error message.
	var compiled atomic.Int64
	var tail []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "#") && !strings.Contains(line, " ") {
				compiled.Add(1)
			} else {
				tail = append(tail, line)
				if len(tail) > 40 {
					tail = tail[1:]
				}
			}
		}
	}()
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	waitErr := make(chan error, 1)
	go func() { <-done; waitErr <- cmd.Wait() }()
	for {
		select {
		case <-tick.C:
			fmt.Fprintf(log, "e2e-binaries:   ... %s elapsed, %d packages compiled\n", time.Since(start).Round(time.Second), compiled.Load())
			continue
		case err := <-waitErr:
			if err != nil {
				return fmt.Errorf("go build %s in %s failed: %w\n%s", strings.Join(pkgs, " "), module, err, strings.Join(tail, "\n"))
			}
		}
		break
	}
	for _, c := range comps {
		built := filepath.Join(tmp, filepath.Base(c.Package))
		if c.Package == "go.etcd.io/etcd/server/v3" {
			built = filepath.Join(tmp, "v3") // go build names a major-version root package after its last element
			if _, err := os.Stat(built); err != nil {
				built = filepath.Join(tmp, "server")
			}
		}
		dst := c.Path(cache)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(built, dst); err != nil {
			return fmt.Errorf("installing %s: %w", c.Name, err)
		}
		fmt.Fprintf(log, "e2e-binaries: %s %s built in %s -> %s\n", c.Name, c.Version, time.Since(start).Round(time.Second), dst)
	}
	return nil
}

// ModuleRoot finds the e2e module's directory from dir upwards (the directory whose
// go.mod declares module github.com/prodkube/prodkube/e2e).
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if strings.TrimSpace(line) == "module github.com/prodkube/prodkube/e2e" {
					return d, nil
				}
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.New("e2e module root (go.mod of github.com/prodkube/prodkube/e2e) not found above " + dir)
		}
	}
}
