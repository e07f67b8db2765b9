package binaries

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestK8sLDFlags(t *testing.T) {
	got := k8sLDFlags("v1.36.3")
	for _, want := range []string{
		"-X k8s.io/component-base/version.gitVersion=v1.36.3",
		"-X k8s.io/component-base/version.gitMajor=1",
		"-X k8s.io/component-base/version.gitMinor=36",
		"-X k8s.io/client-go/pkg/version.gitVersion=v1.36.3",
		"-X k8s.io/client-go/pkg/version.gitMajor=1",
		"-X k8s.io/client-go/pkg/version.gitMinor=36",
	} {
		if !strings.Contains(got, want+" ") {
			t.Errorf("ldflags %q lack %q", got, want)
		}
	}
}

func TestAllPinnedByWrapperModules(t *testing.T) {
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range All() {
		key := c.Name + "-" + c.Version
		if seen[key] {
			t.Errorf("%s listed twice", key)
		}
		seen[key] = true
		gomod, err := os.ReadFile(filepath.Join(root, c.Module, "go.mod"))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		// The wrapper must require the upstream module at exactly this version.
		mod := "k8s.io/kubernetes"
		switch c.Name {
		case "etcd":
			mod = "go.etcd.io/etcd/server/v3"
		case "kwok":
			mod = "sigs.k8s.io/kwok"
		}
		re := regexp.MustCompile(`(?m)^\s*(require\s+)?` + regexp.QuoteMeta(mod+" "+c.Version) + `(\s|$)`)
		if !re.Match(gomod) {
			t.Errorf("%s: %s/go.mod does not require %s %s", key, c.Module, mod, c.Version)
		}
		if !strings.Contains(string(gomod), c.Package) {
			t.Errorf("%s: %s/go.mod does not list the tool %s", key, c.Module, c.Package)
		}
	}
	for _, want := range []string{"etcd-v3.7.3", "kube-apiserver-v1.37.2", "kubeadm-v1.37.2", "kubectl-v1.37.2", "kubeadm-v1.36.3",
		"kube-controller-manager-v1.37.2", "kube-scheduler-v1.37.2", "kwok-v0.8.0"} {
		if !seen[want] {
			t.Errorf("%s is not built", want)
		}
	}
}

func TestPathAndCacheDir(t *testing.T) {
	t.Setenv("PRODKUBE_CACHE", "/x/cache")
	d, err := CacheDir()
	if err != nil || d != "/x/cache/bin" {
		t.Fatalf("CacheDir = %q, %v", d, err)
	}
	c := Component{Name: "kubeadm", Version: "v1.36.3"}
	if got := c.Path(d); got != "/x/cache/bin/kubeadm-v1.36.3/kubeadm" {
		t.Errorf("Path = %q", got)
	}
	if _, err := Find("kubeadm", "v1.36.3"); err == nil || !strings.Contains(err.Error(), "go run ./cmd/e2e-binaries") {
		t.Errorf("Find of a missing binary: err = %v, want the hint to build it", err)
	}
}
