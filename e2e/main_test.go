package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prodkube/prodkube/e2e/internal/binaries"
)

// env is the environment TestMain starts; envErr says why it could not.
var (
	env    *Env
	envErr error
)

// testEnv returns the shared environment. It skips in -short mode and fails t if
// the environment could not be started.
func testEnv(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("the end-to-end suite needs the real control plane; not run with -short")
	}
	if envErr != nil {
		t.Fatalf("the control plane is not running: %v", envErr)
	}
	if env == nil {
		t.Fatal("the control plane is not running (TestMain did not start it)")
	}
	return env
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

// runMain builds (or finds) the binaries, starts the control plane, installs the
// registered CRDs, runs the tests and stops everything: the API server first, then
// etcd. A test that panics or times out kills the process before this returns;
// the kernel then kills both servers (see startProcess).
func runMain(m *testing.M) (code int) {
	if childMode := os.Getenv(panicChildEnv); childMode != "" {
		return m.Run()
	}
	if testing.Short() {
		return m.Run()
	}
	ctx := context.Background()
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	root, err := binaries.ModuleRoot(wd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	bins, err := binaries.Ensure(ctx, root, os.Stderr)
	if err != nil {
		envErr = fmt.Errorf("building the binaries: %w", err)
		return reportSetup(m)
	}
	start := time.Now()
	cp, err := StartControlPlane(ctx, ControlPlaneOptions{
		EtcdBinary:      bins["etcd-"+binaries.EtcdVersion],
		APIServerBinary: bins["kube-apiserver-"+binaries.KubernetesVersion],
	})
	if err != nil {
		envErr = fmt.Errorf("starting the control plane: %w", err)
		return reportSetup(m)
	}
	fmt.Fprintf(os.Stderr, "e2e: etcd %s and kube-apiserver %s ready at %s in %s\n",
		binaries.EtcdVersion, binaries.KubernetesVersion, cp.APIServerURL, time.Since(start).Round(time.Millisecond))
	e := &Env{ControlPlane: cp, E2ERoot: root, RepoRoot: filepath.Dir(root), Bins: bins}
	defer func() {
		e.cleanup()
		if err := cp.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAIL: stopping the control plane:", err)
			if code == 0 {
				code = 1
			}
		}
	}()
	if err := e.defaultServiceAccounts(ctx); err != nil {
		envErr = err
		return reportSetup(m)
	}
	crds, err := installCRDs(ctx, cp, crdSources)
	if err != nil {
		envErr = fmt.Errorf("installing CRDs: %w", err)
		return reportSetup(m)
	}
	e.CRDs = crds
	if len(crds) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: installed %d CRDs from %d source(s)\n", len(crds), len(crdSources))
	}
	env = e
	code = m.Run()
	if w := unattributedWarnings.list(); len(w) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: the API server sent warnings outside any judged request: %v\n", w)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// reportSetup runs the tests anyway so that each one fails with envErr, naming what
// went wrong, rather than the process exiting with a bare message.
func reportSetup(m *testing.M) int {
	fmt.Fprintln(os.Stderr, "e2e: setup failed:", envErr)
	if code := m.Run(); code != 0 {
		return code
	}
	return 1
}
