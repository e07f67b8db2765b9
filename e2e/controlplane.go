package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// ControlPlane is a real etcd and kube-apiserver listening on 127.0.0.1, with a
// throwaway PKI, RBAC authorization and the API server's default admission plugins
// (PodSecurity among them). Start it with StartControlPlane and always Stop it.
type ControlPlane struct {
	// Dir holds the PKI, etcd's data and both processes' logs.
	Dir string
	// EtcdURL is etcd's client URL; APIServerURL the API server's https URL.
	EtcdURL, APIServerURL string
	// RESTConfig authenticates as a system:masters admin. Its warning handler
	// records every warning into the sink carried by the request's context.
	RESTConfig *rest.Config
	// Dynamic is a dynamic client on RESTConfig.
	Dynamic dynamic.Interface
	// Mapper maps kinds to resources through discovery; Reset it after adding CRDs.
	Mapper *restmapper.DeferredDiscoveryRESTMapper
	// Kubeconfig is a kubeconfig file with the same admin credentials, for kubectl.
	Kubeconfig string

	apiserver, etcd *process
	stopOnce        sync.Once
	stopErr         error
}

// ControlPlaneOptions says which binaries to run.
type ControlPlaneOptions struct {
	EtcdBinary, APIServerBinary string
	// Dir is a directory to work in; a new temporary directory if empty (removed by Stop).
	Dir string
	// ExtraAPIServerFlags are appended to the API server's command line.
	ExtraAPIServerFlags []string
}

// process is one running program, stopped by PID.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error
}

// spawn starts commands from one goroutine locked to its OS thread for the life of
// the test process: the children get SIGKILL when their parent dies (Pdeathsig), and
// Linux ties that signal to the thread that started them, which must therefore not
// exit early. This is the backstop that stops the control plane when a test panics
// or times out and no deferred code runs.
var (
	spawnOnce sync.Once
	spawnCh   chan spawnReq
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

func startProcess(name string, bin string, args []string, logPath string) (*process, error) {
	spawnOnce.Do(func() {
		spawnCh = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for req := range spawnCh {
				req.done <- req.cmd.Start()
			}
		}()
	})
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	req := spawnReq{cmd: cmd, done: make(chan error)}
	spawnCh <- req
	if err := <-req.done; err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	return p, nil
}

// stop sends SIGTERM to the process by PID, waits up to grace, then SIGKILLs it.
func (p *process) stop(grace time.Duration) error {
	if p == nil {
		return nil
	}
	select {
	case <-p.exited:
		return nil
	default:
	}
	_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
	}
	_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.exited:
		return fmt.Errorf("%s (pid %d) ignored SIGTERM for %s and was killed", p.name, p.cmd.Process.Pid, grace)
	case <-time.After(10 * time.Second):
		return fmt.Errorf("%s (pid %d) survived SIGKILL", p.name, p.cmd.Process.Pid)
	}
}

// logTail returns the last n lines of the process log.
func (p *process) logTail(n int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// freePort asks the kernel for an unused port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartControlPlane starts etcd, then kube-apiserver, and waits until the API server's
// /readyz answers ok. On error everything already started is stopped.
func StartControlPlane(ctx context.Context, opts ControlPlaneOptions) (_ *ControlPlane, err error) {
	cp := &ControlPlane{Dir: opts.Dir}
	if cp.Dir == "" {
		if cp.Dir, err = os.MkdirTemp("", "prodkube-e2e-cp-"); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			if stopErr := cp.Stop(); stopErr != nil {
				err = fmt.Errorf("%w (and stopping: %v)", err, stopErr)
			}
		}
	}()
	p, err := newPKI(cp.Dir)
	if err != nil {
		return cp, fmt.Errorf("making PKI: %w", err)
	}

	clientPort, err := freePort()
	if err != nil {
		return cp, err
	}
	peerPort, err := freePort()
	if err != nil {
		return cp, err
	}
	cp.EtcdURL = "http://127.0.0.1:" + strconv.Itoa(clientPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	cp.etcd, err = startProcess("etcd", opts.EtcdBinary, []string{
		"--name=e2e",
		"--data-dir=" + filepath.Join(cp.Dir, "etcd"),
		"--listen-client-urls=" + cp.EtcdURL,
		"--advertise-client-urls=" + cp.EtcdURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=e2e=" + peerURL,
		"--log-level=warn",
		"--unsafe-no-fsync", // a throwaway store: durability buys nothing here
	}, filepath.Join(cp.Dir, "etcd.log"))
	if err != nil {
		return cp, err
	}
	if err := waitFor(ctx, 60*time.Second, cp.etcd, func() bool {
		resp, err := http.Get(cp.EtcdURL + "/health")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp.StatusCode == http.StatusOK && strings.Contains(buf.String(), `"health":"true"`)
	}); err != nil {
		return cp, fmt.Errorf("etcd did not become healthy: %w\n%s", err, cp.etcd.logTail(30))
	}

	port, err := freePort()
	if err != nil {
		return cp, err
	}
	cp.APIServerURL = "https://127.0.0.1:" + strconv.Itoa(port)
	args := []string{
		"--etcd-servers=" + cp.EtcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + p.ServingCertFile,
		"--tls-private-key-file=" + p.ServingKeyFile,
		"--client-ca-file=" + p.CAFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.ServiceAccountPubFile,
		"--service-account-signing-key-file=" + p.ServiceAccountKeyFile,
		"--service-cluster-ip-range=10.96.0.0/12",
		// As kubeadm sets it: privileged containers are allowed by the server and
		// kept out of workload namespaces by Pod Security admission.
		"--allow-privileged=true",
		"--profiling=false",
		// The kubernetes Service's endpoints would be 127.0.0.1, which the
		// reconciler refuses; nothing here needs that Service.
		"--endpoint-reconciler-type=none",
		"--cert-dir=" + filepath.Join(cp.Dir, "apiserver-certs"),
	}
	args = append(args, opts.ExtraAPIServerFlags...)
	cp.apiserver, err = startProcess("kube-apiserver", opts.APIServerBinary, args, filepath.Join(cp.Dir, "kube-apiserver.log"))
	if err != nil {
		return cp, err
	}

	cp.RESTConfig = &rest.Config{
		Host: cp.APIServerURL,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   p.CAPEM,
			CertData: p.AdminCertPEM,
			KeyData:  p.AdminKeyPEM,
		},
		QPS:                       200,
		Burst:                     400,
		Timeout:                   60 * time.Second,
		WarningHandlerWithContext: warningCollector{},
	}
	cp.Kubeconfig = filepath.Join(cp.Dir, "admin.kubeconfig")
	if err := writeKubeconfig(cp.Kubeconfig, cp.APIServerURL, p); err != nil {
		return cp, err
	}
	cp.Dynamic, err = dynamic.NewForConfig(cp.RESTConfig)
	if err != nil {
		return cp, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cp.RESTConfig)
	if err != nil {
		return cp, err
	}
	cp.Mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	var lastErr error
	if err := waitFor(ctx, 120*time.Second, cp.apiserver, func() bool {
		body, err := disc.RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		lastErr = err
		return err == nil && strings.TrimSpace(string(body)) == "ok"
	}); err != nil {
		return cp, fmt.Errorf("kube-apiserver did not become ready: %w (last /readyz error: %v)\n%s", err, lastErr, cp.apiserver.logTail(12))
	}
	return cp, nil
}

// waitFor polls ok every 100ms until it is true, the timeout passes, ctx ends or
// the process exits.
func waitFor(ctx context.Context, timeout time.Duration, p *process, ok func() bool) error {
	deadline := time.Now().Add(timeout)
	for {
		if ok() {
			return nil
		}
		if !p.running() {
			return fmt.Errorf("%s exited: %v", p.name, p.waitErr)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop stops kube-apiserver, then etcd (the other order leaves the API server
// hanging on its storage), each by PID, and removes the working directory unless
// E2E_KEEP_DIR is set. It is safe to call more than once.
func (cp *ControlPlane) Stop() error {
	cp.stopOnce.Do(func() {
		var errs []error
		if err := cp.apiserver.stop(20 * time.Second); err != nil {
			errs = append(errs, err)
		}
		if err := cp.etcd.stop(10 * time.Second); err != nil {
			errs = append(errs, err)
		}
		if cp.Dir != "" && os.Getenv("E2E_KEEP_DIR") == "" {
			if err := os.RemoveAll(cp.Dir); err != nil {
				errs = append(errs, err)
			}
		}
		cp.stopErr = errors.Join(errs...)
	})
	return cp.stopErr
}

// PIDs returns the API server's and etcd's process IDs (0 if not started).
func (cp *ControlPlane) PIDs() (apiserver, etcd int) {
	if cp.apiserver != nil {
		apiserver = cp.apiserver.cmd.Process.Pid
	}
	if cp.etcd != nil {
		etcd = cp.etcd.cmd.Process.Pid
	}
	return apiserver, etcd
}

// warningSink collects the warnings of the requests made with its context.
type warningSink struct {
	mu       sync.Mutex
	warnings []string
}

type warningSinkKey struct{}

// unattributedWarnings collects warnings of requests whose context carries no sink,
// so that none is lost; the suite fails if any appear.
var unattributedWarnings warningSink

// warningCollector is the client's warning handler: it records each warning in the
// sink of the request's context.
type warningCollector struct{}

func (warningCollector) HandleWarningHeaderWithContext(ctx context.Context, code int, agent, text string) {
	s, _ := ctx.Value(warningSinkKey{}).(*warningSink)
	if s == nil {
		s = &unattributedWarnings
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, text)
}

// withWarnings returns a context whose requests record their warnings in the
// returned sink.
func withWarnings(ctx context.Context) (context.Context, *warningSink) {
	s := &warningSink{}
	return context.WithValue(ctx, warningSinkKey{}, s), s
}

func (s *warningSink) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.warnings...)
}

// resourceFor maps obj's kind to its resource, rediscovering once if the kind is new.
func (cp *ControlPlane) resourceFor(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	if gvk.Kind == "" || gvk.Version == "" {
		return nil, fmt.Errorf("object %q has no apiVersion/kind", obj.GetName())
	}
	mapping, err := cp.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		cp.Mapper.Reset()
		mapping, err = cp.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("the API server serves no %s: %w", gvk, err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() == "" {
			return nil, fmt.Errorf("%s %q is namespaced but sets no metadata.namespace", gvk.Kind, obj.GetName())
		}
		return cp.Dynamic.Resource(mapping.Resource).Namespace(obj.GetNamespace()), nil
	}
	if obj.GetNamespace() != "" {
		return nil, fmt.Errorf("%s %q is cluster-scoped but sets metadata.namespace %q", gvk.Kind, obj.GetName(), obj.GetNamespace())
	}
	return cp.Dynamic.Resource(mapping.Resource), nil
}

var getOptions = metav1.GetOptions{}

// Create creates obj for real with strict field validation, returning the server's
// warnings.
func (cp *ControlPlane) Create(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	return cp.create(ctx, obj, nil)
}

// DryRun sends obj to the server as a create with dryRun=All and
// fieldValidation=Strict: the request passes defaulting, validation and every
// admission plugin, and nothing is stored. It returns the server's warnings; a
// caller that judges output must treat any warning as a failure.
func (cp *ControlPlane) DryRun(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	return cp.create(ctx, obj, []string{metav1.DryRunAll})
}

func (cp *ControlPlane) create(ctx context.Context, obj *unstructured.Unstructured, dryRun []string) ([]string, error) {
	ri, err := cp.resourceFor(obj)
	if err != nil {
		return nil, err
	}
	ctx, sink := withWarnings(ctx)
	_, err = ri.Create(ctx, obj.DeepCopy(), metav1.CreateOptions{DryRun: dryRun, FieldValidation: metav1.FieldValidationStrict})
	return sink.list(), err
}

// DryRunUpdate sends obj as an unconditional update with dryRun=All and
// fieldValidation=Strict, for an object that exists already, returning the
// server's warnings.
func (cp *ControlPlane) DryRunUpdate(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	ri, err := cp.resourceFor(obj)
	if err != nil {
		return nil, err
	}
	ctx, sink := withWarnings(ctx)
	_, err = ri.Update(ctx, obj.DeepCopy(), metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: metav1.FieldValidationStrict})
	return sink.list(), err
}

// isAlreadyExists reports whether err says the object exists already.
func isAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }

// writeKubeconfig writes a kubeconfig for the admin credentials of p.
func writeKubeconfig(path, server string, p *pki) error {
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: admin
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: e2e
  context:
    cluster: e2e
    user: admin
current-context: e2e
`, server, b64(p.CAPEM), b64(p.AdminCertPEM), b64(p.AdminKeyPEM))
	return os.WriteFile(path, []byte(cfg), 0o600)
}
