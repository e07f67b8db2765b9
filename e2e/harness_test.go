package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/prodkube/prodkube/e2e/internal/binaries"
)

func TestReadDocuments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	docs, err := readDocuments(write("multi.yaml", `apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: ns}
---
# a comment only
---
groups:
- name: rules
---
apiVersion: v1
kind: Namespace
metadata: {name: ns}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		if d.Object == nil {
			got = append(got, strconv.Itoa(d.Index)+":-")
			continue
		}
		got = append(got, strconv.Itoa(d.Index)+":"+d.Object.GetKind()+"/"+qualifiedName(d.Object))
	}
	if want := "0:ConfigMap/ns/a 1:- 2:- 3:Namespace/ns"; strings.Join(got, " ") != want {
		t.Errorf("documents = %q, want %q", strings.Join(got, " "), want)
	}

	if _, err := readDocuments(write("half.yaml", "kind: ConfigMap\nmetadata: {name: a}\n")); err == nil || !strings.Contains(err.Error(), "only one of apiVersion and kind") {
		t.Errorf("a document with kind but no apiVersion: err = %v, want the 'only one of' error", err)
	}
	if _, err := readDocuments(write("bad.yaml", "apiVersion: v1\nkind: [x\n")); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("invalid YAML: err = %v, want an error naming the file", err)
	}

	if err := os.MkdirAll(filepath.Join(dir, "kubeadm"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("kubeadm/init.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n")
	write("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [multi.yaml]\n")
	os.Remove(filepath.Join(dir, "half.yaml"))
	os.Remove(filepath.Join(dir, "bad.yaml"))
	all, err := ObjectDocuments(dir, "kubeadm")
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, d := range all {
		got = append(got, d.Object.GetKind())
	}
	if want := "Namespace ConfigMap"; strings.Join(got, " ") != want {
		t.Errorf("ObjectDocuments kinds = %q, want %q (Namespaces first, kubeadm/ and kustomization skipped)", strings.Join(got, " "), want)
	}
	if v, err := KubeadmAPIVersion(filepath.Join(dir, "kubeadm", "init.yaml")); err != nil || v != "kubeadm.k8s.io/v1beta4" {
		t.Errorf("KubeadmAPIVersion = %q, %v", v, err)
	}
}

func TestPodTemplate(t *testing.T) {
	for _, tc := range []struct {
		yaml, path string
	}{
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: i}]\n", "spec.template"},
		{"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, namespace: ns}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: i}]\n", "spec.jobTemplate.spec.template"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n", ""},
	} {
		o := obj(t, tc.yaml)
		tmpl, path, ok := podTemplate(o)
		if path != tc.path || ok != (tc.path != "") {
			t.Errorf("%s: podTemplate path = %q, %v; want %q", o.GetKind(), path, ok, tc.path)
			continue
		}
		if !ok {
			continue
		}
		p := barePod(o, tmpl)
		if p.GetKind() != "Pod" || p.GetNamespace() != "ns" || !strings.HasPrefix(p.GetName(), strings.ToLower(o.GetKind())+"-") {
			t.Errorf("%s: bare pod = %s %s/%s", o.GetKind(), p.GetKind(), p.GetNamespace(), p.GetName())
		}
		if _, found, _ := unstructured.NestedFieldNoCopy(o.Object, append(strings.Split(path, "."), "metadata", "name")...); found {
			t.Errorf("%s: barePod changed the object's own template", o.GetKind())
		}
	}
}

// panicChildEnv, when set, makes the test binary a child that starts a control
// plane, writes the PIDs to the file it names and panics.
const panicChildEnv = "PRODKUBE_E2E_PANIC_CHILD"

// TestControlPlaneDiesWithPanickingTest runs a test that starts a control plane and
// panics, and checks that both servers are gone shortly after its process died.
func TestControlPlaneDiesWithPanickingTest(t *testing.T) {
	testEnv(t) // the binaries must exist
	pidFile := filepath.Join(t.TempDir(), "pids")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestPanicChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), panicChildEnv+"="+pidFile)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "deliberate panic") {
		t.Fatalf("the child did not panic as planned: %v\n%s", err, out)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the child wrote no PIDs: %v\n%s", err, out)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			t.Fatalf("bad PID file %q", b)
		}
		pids = append(pids, pid)
	}
	if len(pids) != 2 {
		t.Fatalf("want 2 PIDs (kube-apiserver, etcd), got %q", b)
	}
	t.Cleanup(func() {
		// If the check below fails, do not leave the servers behind.
		for _, pid := range pids {
			if alive(pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still runs 15s after its test panicked", pid)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Logf("kube-apiserver and etcd (pids %v) stopped after the test process panicked", pids)
}

// alive reports whether pid runs (a zombie does not count).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// TestPanicChild is the child of TestControlPlaneDiesWithPanickingTest; it does
// nothing in a normal run.
func TestPanicChild(t *testing.T) {
	pidFile := os.Getenv(panicChildEnv)
	if pidFile == "" {
		t.Skip("run only as the child of TestControlPlaneDiesWithPanickingTest")
	}
	etcd, err := binaries.Find("etcd", binaries.EtcdVersion)
	if err != nil {
		t.Fatal(err)
	}
	apiserver, err := binaries.Find("kube-apiserver", binaries.KubernetesVersion)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := StartControlPlane(context.Background(), ControlPlaneOptions{EtcdBinary: etcd, APIServerBinary: apiserver, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a, e := cp.PIDs()
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(a)+" "+strconv.Itoa(e)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	panic("deliberate panic with the control plane running")
}

func TestKubeadmWarnings(t *testing.T) {
	out := `W1130 00:01:02.123456   123 common.go:100] your configuration file uses a deprecated API spec: "kubeadm.k8s.io/v1beta3" (kind: "ClusterConfiguration").
W1130 00:01:02.223456   123 initconfiguration.go:1] something else
	[WARNING Swap]: swap is on
ok
`
	unexpected, expected := kubeadmWarnings(out, "kubeadm.k8s.io/v1beta3")
	if len(unexpected) != 2 || len(expected) != 1 {
		t.Errorf("v1beta3: unexpected=%q expected=%q; want 2 and the deprecation line", unexpected, expected)
	}
	unexpected, expected = kubeadmWarnings(out, "kubeadm.k8s.io/v1beta4")
	if len(unexpected) != 3 || len(expected) != 0 {
		t.Errorf("v1beta4: unexpected=%q expected=%q; want all 3 unexpected", unexpected, expected)
	}
}

func TestStandInDiscoveryFiles(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "present.conf")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	join := func(path string) string {
		f := filepath.Join(dir, "join-"+strconv.Itoa(len(path))+".yaml")
		y := "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  file:\n    kubeConfigPath: " + path + "\n"
		if err := os.WriteFile(f, []byte(y), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, p := range []string{existing, "https://example.com/discovery.conf"} {
		f := join(p)
		if target, note, err := StandInDiscoveryFiles(f); err != nil || target != f || note != "" {
			t.Errorf("%s: got %q %q %v, want the file itself", p, target, note, err)
		}
	}
	missing := "/nonexistent/prodkube/discovery.conf"
	target, note, err := StandInDiscoveryFiles(join(missing))
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(filepath.Dir(target))
	if !strings.Contains(note, missing) {
		t.Errorf("note %q does not name %s", note, missing)
	}
	docs, err := readDocuments(target)
	if err != nil || len(docs) != 1 || docs[0].Object == nil {
		t.Fatalf("stand-in copy: %v %v", docs, err)
	}
	got, _, _ := unstructured.NestedString(docs[0].Object.Object, "discovery", "file", "kubeConfigPath")
	if _, err := os.Stat(got); err != nil || got == missing {
		t.Errorf("stand-in path %q: %v", got, err)
	}
}

func TestBarePodStatefulSetClaims(t *testing.T) {
	o := obj(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ns}
spec:
  volumeClaimTemplates:
  - metadata: {name: data}
  template:
    spec:
      volumes:
      - name: data
        emptyDir: {}
      - name: tmp
        emptyDir: {}
      containers: [{name: c, image: i}]
`)
	tmpl, _, ok := podTemplate(o)
	if !ok {
		t.Fatal("no template")
	}
	p := barePod(o, tmpl)
	vols, _, _ := unstructured.NestedSlice(p.Object, "spec", "volumes")
	if len(vols) != 2 {
		t.Fatalf("volumes = %v, want data (claim) and tmp", vols)
	}
	claim, _, _ := unstructured.NestedString(vols[0].(map[string]any), "persistentVolumeClaim", "claimName")
	if claim != "data-db-0" {
		t.Errorf("claim = %q, want data-db-0 (as the StatefulSet controller names it)", claim)
	}
	orig, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "volumes")
	if _, isClaim := orig[0].(map[string]any)["persistentVolumeClaim"]; isClaim {
		t.Error("barePod changed the StatefulSet's own template")
	}
}
