package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProductionManifests judges every object examples/production writes outside
// DIR/kubeadm/ against the real API server: Namespaces, ServiceAccounts and
// LimitRanges are created for real, everything else is dry-run with strict field
// validation, and every pod template is dry-run again as a bare Pod so that Pod
// Security admission enforces on it. Any refusal or warning fails.
func TestProductionManifests(t *testing.T) {
	e := testEnv(t)
	dir := e.ProductionOutput(t)
	docs, err := ObjectDocuments(dir, "kubeadm")
	if err != nil {
		t.Fatal(err)
	}
	manifests := 0
	for _, d := range docs {
		if strings.HasPrefix(d.File, filepath.Join(dir, "manifests")+string(filepath.Separator)) {
			manifests++
		}
	}
	if manifests == 0 {
		t.Fatalf("examples/production wrote no object under %s", filepath.Join(dir, "manifests"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	pods := 0
	for _, d := range docs {
		if _, _, ok := podTemplate(d.Object); ok {
			pods++
		}
		for _, err := range e.Accept(ctx, d) {
			t.Error(relErr(dir, err))
		}
	}
	t.Logf("judged %d objects (%d under manifests/, %d pod templates also as bare Pods) from %s", len(docs), manifests, pods, dir)
}

// relErr shortens the output directory in messages to DIR.
func relErr(dir string, err error) string { return rel(dir, err.Error()) }

// rel replaces the output directory dir in s by DIR.
func rel(dir, s string) string {
	return strings.ReplaceAll(s, dir+string(filepath.Separator), "DIR/")
}

// kubeadmWarnings returns the warning lines of kubeadm's output: klog warnings
// ("W1130 ...") and kubeadm's own "[WARNING ...]" lines. The one warning kubeadm
// v1.36 always gives for kubeadm.k8s.io/v1beta3 (the API is deprecated, which is
// why v1.37 no longer reads it) is returned apart, as expected, for that API only.
func kubeadmWarnings(out, apiVersion string) (unexpected, expected []string) {
	for _, line := range strings.Split(out, "\n") {
		l := strings.TrimSpace(line)
		if !klogWarning.MatchString(l) && !strings.Contains(l, "[WARNING") {
			continue
		}
		if apiVersion == "kubeadm.k8s.io/v1beta3" && strings.Contains(l, `uses a deprecated API spec: "kubeadm.k8s.io/v1beta3"`) {
			expected = append(expected, l)
			continue
		}
		unexpected = append(unexpected, l)
	}
	return unexpected, expected
}

var klogWarning = regexp.MustCompile(`^W\d{4} `)

// TestProductionKustomization checks that DIR/manifests is a kustomize base that
// the real kubectl renders, and that it renders every object file in it.
func TestProductionKustomization(t *testing.T) {
	e := testEnv(t)
	dir := filepath.Join(e.ProductionOutput(t), "manifests")
	if _, err := os.Stat(filepath.Join(dir, "kustomization.yaml")); err != nil {
		t.Fatalf("DIR/manifests has no kustomization.yaml: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := e.Kubectl(ctx, "kustomize", dir)
	if err != nil {
		t.Fatalf("kubectl kustomize DIR/manifests refused it: %v\n%s", err, out)
	}
	want, err := ObjectDocuments(dir)
	if err != nil {
		t.Fatal(err)
	}
	rendered := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(rendered, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readDocuments(rendered)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range got {
		if d.Object != nil {
			seen[d.Object.GetKind()+" "+qualifiedName(d.Object)] = true
		}
	}
	for _, d := range want {
		if k := d.Object.GetKind() + " " + qualifiedName(d.Object); !seen[k] {
			t.Errorf("%s: %s is not in the kustomize build of DIR/manifests (is its file listed in kustomization.yaml?)", rel(dir, d.Where()), k)
		}
	}
	if len(got) != len(want) {
		t.Errorf("kubectl kustomize DIR/manifests rendered %d objects; the directory holds %d", len(got), len(want))
	}
}

// TestProductionKubeadm runs `kubeadm config validate` on every configuration
// examples/production writes under DIR/kubeadm/, with the kubeadm that reads its
// apiVersion. No kubeadm directory is not an error: not every setup emits one.
func TestProductionKubeadm(t *testing.T) {
	e := testEnv(t)
	dir := filepath.Join(e.ProductionOutput(t), "kubeadm")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Logf("examples/production wrote no DIR/kubeadm/*.yaml; nothing to validate")
		return
	}
	ctx := context.Background()
	for _, f := range files {
		name := "DIR/kubeadm/" + filepath.Base(f)
		// Join files name the discovery kubeconfig of a joining node, absent here.
		target, note, err := StandInDiscoveryFiles(f)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if target != f {
			defer os.RemoveAll(filepath.Dir(target))
		}
		version, out, err := e.KubeadmValidate(ctx, target)
		out = note + out
		if err != nil {
			t.Errorf("%s: kubeadm %s config validate refused it: %v\n%s", name, version, err, out)
			continue
		}
		apiVersion, _ := KubeadmAPIVersion(f)
		unexpected, expected := kubeadmWarnings(out, apiVersion)
		if len(unexpected) > 0 {
			t.Errorf("%s: kubeadm %s config validate warned:\n%s", name, version, strings.Join(unexpected, "\n"))
			continue
		}
		t.Logf("%s (%s): accepted by kubeadm %s %s%s", name, apiVersion, version, note, strings.Join(expected, " "))
	}
}
