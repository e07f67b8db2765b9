// Package e2e judges everything prodkube emits with the real tools: a real etcd and
// kube-apiserver (server-side dry-run with strict field validation, Pod Security
// admission on) and real kubeadm binaries, all built from the Go module proxy at
// pinned versions (see internal/binaries and tools/).
//
// TestMain builds or finds the binaries, starts one control plane for the package,
// installs the CRDs registered in crdSources, and stops the control plane (API server
// first, then etcd) when the tests end. Tests reach it through testEnv(t).
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/e2e/internal/binaries"
)

// Env is the shared environment of the suite: the running control plane, the
// built tools and the output of examples/production.
type Env struct {
	*ControlPlane
	// E2ERoot is the e2e module's directory; RepoRoot the prodkube repository's.
	E2ERoot, RepoRoot string
	// Bins maps "name-version" (e.g. "kubeadm-v1.36.3") to the binary's path.
	Bins map[string]string
	// CRDs are the names of the CRDs installed from crdSources.
	CRDs []string

	prodOnce sync.Once
	prodDir  string
	prodErr  error
	prodTmp  string

	nsMu       sync.Mutex
	namespaces map[string]bool
}

// Bin returns the path of a built tool, e.g. e.Bin("kubectl", binaries.KubernetesVersion).
func (e *Env) Bin(name, version string) (string, error) {
	p, ok := e.Bins[name+"-"+version]
	if !ok {
		return "", fmt.Errorf("no %s %s was built", name, version)
	}
	return p, nil
}

// ProductionOutput runs `go run ./examples/production -out DIR` from the repository
// root once per test process and returns DIR. A failure of the program fails t with
// its output.
func (e *Env) ProductionOutput(t testing.TB) string {
	t.Helper()
	e.prodOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "prodkube-e2e-out-")
		if err != nil {
			e.prodErr = err
			return
		}
		e.prodTmp = tmp
		dir := filepath.Join(tmp, "out")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "run", "./examples/production", "-out", dir)
		cmd.Dir = e.RepoRoot
		cmd.Env = append(os.Environ(), "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			e.prodErr = fmt.Errorf("go run ./examples/production -out %s (in %s): %v\n%s", dir, e.RepoRoot, err, out)
			return
		}
		e.prodDir = dir
	})
	if e.prodErr != nil {
		t.Fatal(e.prodErr)
	}
	return e.prodDir
}

// cleanup removes what the environment made outside the control plane.
func (e *Env) cleanup() {
	if e.prodTmp != "" && os.Getenv("E2E_KEEP_DIR") == "" {
		os.RemoveAll(e.prodTmp)
	}
}

// EnsureNamespace creates the namespace for real if it does not exist yet, with a
// `default` ServiceAccount in it as kube-controller-manager (which the suite does
// not run) would make. labels may be nil. Warnings fail it.
func (e *Env) EnsureNamespace(ctx context.Context, name string, labels map[string]string) error {
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace"}}
	ns.SetName(name)
	ns.SetLabels(labels)
	return e.createNamespace(ctx, ns)
}

func (e *Env) createNamespace(ctx context.Context, ns *unstructured.Unstructured) error {
	e.nsMu.Lock()
	defer e.nsMu.Unlock()
	if e.namespaces == nil {
		e.namespaces = map[string]bool{}
	}
	if e.namespaces[ns.GetName()] {
		return fmt.Errorf("namespace %s was created already", ns.GetName())
	}
	warnings, err := e.Create(ctx, ns)
	if err != nil {
		return err
	}
	if len(warnings) > 0 {
		return warningError(warnings)
	}
	e.namespaces[ns.GetName()] = true
	sa := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ServiceAccount"}}
	sa.SetName("default")
	sa.SetNamespace(ns.GetName())
	if _, err := e.Create(ctx, sa); err != nil && !isAlreadyExists(err) {
		return fmt.Errorf("creating the default ServiceAccount of %s: %w", ns.GetName(), err)
	}
	return nil
}

// builtinNamespaces are the namespaces the API server makes itself.
var builtinNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// defaultServiceAccounts gives each built-in namespace the `default`
// ServiceAccount that kube-controller-manager (which the suite does not run) would
// make, so Pods there are admitted as in a real cluster.
func (e *Env) defaultServiceAccounts(ctx context.Context) error {
	e.nsMu.Lock()
	defer e.nsMu.Unlock()
	if e.namespaces == nil {
		e.namespaces = map[string]bool{}
	}
	for _, ns := range builtinNamespaces {
		sa := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ServiceAccount"}}
		sa.SetName("default")
		sa.SetNamespace(ns)
		if _, err := e.Create(ctx, sa); err != nil && !isAlreadyExists(err) {
			return fmt.Errorf("creating the default ServiceAccount of %s: %w", ns, err)
		}
		e.namespaces[ns] = true
	}
	return nil
}

// warningError turns server warnings into an error.
func warningError(warnings []string) error {
	return fmt.Errorf("the API server warned: %s", strings.Join(warnings, " | "))
}

// realKinds are created for real, before everything else is dry-run: namespaced
// objects need their Namespace, Pods need their ServiceAccount, and a LimitRange
// should shape the Pods dry-run after it as it would in a cluster.
var realKinds = map[string]int{"v1/Namespace": 0, "v1/ServiceAccount": 1, "v1/LimitRange": 2}

// Accept judges one document of the output: Namespaces, ServiceAccounts and
// LimitRanges are created for real, everything else is dry-run; an object with a pod
// template is also dry-run as a bare Pod. Each rejection or warning is returned as
// an error naming the document and quoting the server.
func (e *Env) Accept(ctx context.Context, d Document) []error {
	o := d.Object
	if o == nil {
		return nil
	}
	var errs []error
	key := o.GetAPIVersion() + "/" + o.GetKind()
	var warnings []string
	var err error
	switch {
	case key == "v1/Namespace":
		err = e.createNamespace(ctx, o)
	case realKinds[key] > 0:
		warnings, err = e.Create(ctx, o)
		if isAlreadyExists(err) && key == "v1/ServiceAccount" && o.GetName() == "default" {
			// The harness made it with the namespace, as a cluster would have;
			// judge the output's own as an update of it.
			warnings, err = e.DryRunUpdate(ctx, o)
		}
	default:
		warnings, err = e.DryRun(ctx, o)
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: refused: %v", d.Where(), err))
	}
	if len(warnings) > 0 {
		errs = append(errs, fmt.Errorf("%s: %v", d.Where(), warningError(warnings)))
	}
	if tmpl, path, ok := podTemplate(o); ok {
		pod := barePod(o, tmpl)
		warnings, err := e.DryRun(ctx, pod)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: its pod template (%s) as a bare Pod: refused: %v", d.Where(), path, err))
		}
		if len(warnings) > 0 {
			errs = append(errs, fmt.Errorf("%s: its pod template (%s) as a bare Pod: %v", d.Where(), path, warningError(warnings)))
		}
	}
	return errs
}

// isKustomization reports whether o is a kustomize file rather than an API object.
func isKustomization(o *unstructured.Unstructured) bool {
	return strings.HasPrefix(o.GetAPIVersion(), "kustomize.config.k8s.io/")
}

// ObjectDocuments reads every object document of every YAML/JSON file under dir
// (skipping the top-level directories in skip) and orders them for the API server:
// Namespaces, then ServiceAccounts, then LimitRanges, then the rest in file order.
// Kustomization files are left out.
func ObjectDocuments(dir string, skip ...string) ([]Document, error) {
	files, err := outputFiles(dir, skip...)
	if err != nil {
		return nil, err
	}
	var docs []Document
	for _, f := range files {
		ds, err := readDocuments(f)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Object != nil && !isKustomization(d.Object) {
				docs = append(docs, d)
			}
		}
	}
	rank := func(d Document) int {
		if r, ok := realKinds[d.Object.GetAPIVersion()+"/"+d.Object.GetKind()]; ok {
			return r
		}
		return len(realKinds)
	}
	sort.SliceStable(docs, func(i, j int) bool { return rank(docs[i]) < rank(docs[j]) })
	return docs, nil
}

// kubeadmVersions maps a kubeadm configuration API to the kubeadm that validates it:
// kubeadm v1.37 reads only v1beta4; v1beta3 needs kubeadm v1.36.
var kubeadmVersions = map[string]string{
	"kubeadm.k8s.io/v1beta4": binaries.KubernetesVersion,
	"kubeadm.k8s.io/v1beta3": binaries.OldKubernetesVersion,
}

// KubeadmAPIVersion returns the kubeadm.k8s.io apiVersion a configuration file uses;
// all its kubeadm documents must agree.
func KubeadmAPIVersion(file string) (string, error) {
	docs, err := readDocuments(file)
	if err != nil {
		return "", err
	}
	apiVersion := ""
	for _, d := range docs {
		if d.Object == nil || !strings.HasPrefix(d.Object.GetAPIVersion(), "kubeadm.k8s.io/") {
			continue
		}
		if apiVersion != "" && apiVersion != d.Object.GetAPIVersion() {
			return "", fmt.Errorf("%s mixes %s and %s", file, apiVersion, d.Object.GetAPIVersion())
		}
		apiVersion = d.Object.GetAPIVersion()
	}
	if apiVersion == "" {
		return "", fmt.Errorf("%s holds no kubeadm.k8s.io document", file)
	}
	return apiVersion, nil
}

// KubeadmValidate runs `kubeadm config validate --config file` with the kubeadm
// matching the file's apiVersion. It returns the kubeadm version used and its
// combined output; err is non-nil if kubeadm refused the file or could not run.
func (e *Env) KubeadmValidate(ctx context.Context, file string) (version, output string, err error) {
	apiVersion, err := KubeadmAPIVersion(file)
	if err != nil {
		return "", "", err
	}
	version, ok := kubeadmVersions[apiVersion]
	if !ok {
		return "", "", fmt.Errorf("%s: no kubeadm reads %s (known: kubeadm.k8s.io/v1beta3, v1beta4)", file, apiVersion)
	}
	bin, err := e.Bin("kubeadm", version)
	if err != nil {
		return version, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "config", "validate", "--config", file)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return version, out.String(), err
}

// StandInDiscoveryFiles handles the one node-local fact kubeadm checks: a
// JoinConfiguration's discovery.file.kubeConfigPath must exist on the machine that
// runs kubeadm (only its existence is checked; kubeadm join reads it later). If file
// names such a path and it does not exist here, a copy of file (in a new temporary
// directory, which the caller removes) with that path pointed at an existing
// stand-in is returned, with a note saying so; otherwise file itself and "".
// KubeadmValidate itself never does this.
func StandInDiscoveryFiles(file string) (target, note string, err error) {
	docs, err := readDocuments(file)
	if err != nil {
		return "", "", err
	}
	changed := false
	var tmp string
	for _, d := range docs {
		if d.Object == nil || d.Object.GetKind() != "JoinConfiguration" {
			continue
		}
		p, found, _ := unstructured.NestedString(d.Object.Object, "discovery", "file", "kubeConfigPath")
		if !found || p == "" || strings.Contains(p, "://") {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if tmp == "" {
			if tmp, err = os.MkdirTemp("", "prodkube-e2e-kubeadm-"); err != nil {
				return "", "", err
			}
		}
		standIn := filepath.Join(tmp, "discovery.conf")
		if err := os.WriteFile(standIn, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
			return "", "", err
		}
		if err := unstructured.SetNestedField(d.Object.Object, standIn, "discovery", "file", "kubeConfigPath"); err != nil {
			return "", "", err
		}
		note += fmt.Sprintf("(discovery.file.kubeConfigPath %s is node-local; a stand-in file was used)\n", p)
		changed = true
	}
	if !changed {
		return file, "", nil
	}
	var b bytes.Buffer
	for _, d := range docs {
		if d.Object == nil {
			continue
		}
		y, err := yaml.Marshal(d.Object.Object)
		if err != nil {
			return "", "", err
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	target = filepath.Join(tmp, filepath.Base(file))
	return target, note, os.WriteFile(target, b.Bytes(), 0o600)
}

// Kubectl runs the built kubectl with args, pointed at the control plane's API
// server, and returns its combined output.
func (e *Env) Kubectl(ctx context.Context, args ...string) (string, error) {
	bin, err := e.Bin("kubectl", binaries.KubernetesVersion)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig=" + e.Kubeconfig}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}
