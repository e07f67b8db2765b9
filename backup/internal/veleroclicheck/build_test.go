package veleroclicheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// veleroVersion is the release the check runs; tools/velero pins it.
const veleroVersion = "v1.18.3"

// TestMain finds or builds the velero CLI before any test runs, so that
// the check never skips: VELERO_BIN if set, else the binary cached at
// <cache>/velero-v1.18.3/velero, else one built now from tools/velero (a
// main module pinning Velero's sources, as e2e/tools/* do for the control
// plane) and cached there. <cache> is $PRODKUBE_CACHE/bin, or
// prodkube/bin in the user cache directory, shared with the e2e suite's
// binaries. The build never downloads: it runs with GOPROXY=off, so a
// missing module fails it with a message saying to run go mod download in
// tools/velero (CI does). A cold build took the time recorded in
// TESTING.md.
func TestMain(m *testing.M) {
	p, err := veleroCLI()
	if err != nil {
		fmt.Fprintln(os.Stderr, "veleroclicheck:", err)
		os.Exit(1)
	}
	bin = p
	os.Exit(m.Run())
}

func cacheDir() (string, error) {
	if d := os.Getenv("PRODKUBE_CACHE"); d != "" {
		return filepath.Join(d, "bin"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory (set PRODKUBE_CACHE): %w", err)
	}
	return filepath.Join(d, "prodkube", "bin"), nil
}

func veleroCLI() (string, error) {
	if p := os.Getenv("VELERO_BIN"); p != "" {
		return p, checkVersion(p)
	}
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	dst := filepath.Join(cache, "velero-"+veleroVersion, "velero")
	if fi, err := os.Stat(dst); err == nil && fi.Mode().IsRegular() {
		return dst, checkVersion(dst)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(os.Stderr, "veleroclicheck: building the velero %s CLI into %s (once; later runs reuse it)\n", veleroVersion, dst)
	start := time.Now()
	cmd := exec.Command("go", "build", "-trimpath",
		"-ldflags", "-s -w -X github.com/vmware-tanzu/velero/pkg/buildinfo.Version="+veleroVersion,
		"-o", filepath.Join(tmp, "velero"), "github.com/vmware-tanzu/velero/cmd/velero")
	cmd.Dir = filepath.Join("tools", "velero")
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOPROXY=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building velero %s in tools/velero failed (run `go mod download` there first; the build does not download): %v\n%s", veleroVersion, err, out.String())
	}
	if err := os.Rename(filepath.Join(tmp, "velero"), dst); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "veleroclicheck: velero %s built in %s\n", veleroVersion, time.Since(start).Round(time.Second))
	return dst, checkVersion(dst)
}

// checkVersion requires the binary to report the pinned release.
func checkVersion(p string) error {
	out, err := exec.Command(p, "version", "--client-only").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s version --client-only: %v\n%s", p, err, out)
	}
	if !strings.Contains(string(out), "Version: "+veleroVersion) {
		return fmt.Errorf("%s is not velero %s:\n%s", p, veleroVersion, out)
	}
	return nil
}
