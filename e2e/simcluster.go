package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// SimCluster is a simulated cluster: a ControlPlane of its own (etcd and
// kube-apiserver), kube-controller-manager and kube-scheduler from the same
// Kubernetes release, and kwok playing the kubelets of fake nodes — it marks them
// Ready, keeps their leases, and runs the pods scheduled onto them without
// containers (Pending → Running and Ready; a Job's pods then Succeeded; a deleted
// pod is removed). Everything listens on 127.0.0.1 only. Start it with
// StartSimCluster and always Stop it.
type SimCluster struct {
	*ControlPlane
	// Client is a typed client with the admin credentials. Its warnings go to
	// Warnings rather than to the dry-run suite's collector.
	Client kubernetes.Interface
	// SimRESTConfig is the config of Client.
	SimRESTConfig *rest.Config

	controllerManager, scheduler, kwok *process
	stopOnce                           sync.Once
	stopErr                            error
}

// SimOptions says which binaries the simulated cluster runs.
type SimOptions struct {
	EtcdBinary, APIServerBinary, ControllerManagerBinary, SchedulerBinary, KwokBinary string
	// KwokStages are kwok configuration files holding its Stages (see KwokStageFiles).
	KwokStages []string
	// Dir is a directory to work in; a new temporary directory if empty.
	Dir string
}

// SimControllers are the kube-controller-manager controllers the simulation
// runs: what workloads, disruption budgets, services, namespaces, quotas, nodes and
// claims need. The horizontal-pod-autoscaler controller is left out (the
// simulation serves no metrics API, and without it an HPA only reports that), as
// are controllers for things no simulated node has (node IPAM, attach/detach,
// certificate signing).
var SimControllers = []string{
	"deployment-controller",
	"replicaset-controller",
	"statefulset-controller",
	"daemonset-controller",
	"job-controller",
	"cronjob-controller",
	"ttl-after-finished-controller",
	"disruption-controller",
	"endpoints-controller",
	"endpointslice-controller",
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	"root-ca-certificate-publisher-controller",
	"namespace-controller",
	"garbage-collector-controller",
	"resourcequota-controller",
	"node-lifecycle-controller",
	"taint-eviction-controller",
	"pod-garbage-collector-controller",
	"persistentvolume-binder-controller",
	"persistentvolumeclaim-protection-controller",
	"persistentvolume-protection-controller",
}

// KwokStageFiles returns the kwok Stage files the simulation uses, read from the
// kwok module that tools/kwok pins (downloaded into the module cache if needed;
// nothing is copied into the repository): nodes are initialised Ready and keep a
// lease (node-initialize, node-heartbeat-with-lease); pods become Ready, a Job's
// pods complete, and deleted pods go away (pod-ready, pod-complete, pod-delete).
func KwokStageFiles(ctx context.Context, e2eRoot string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", "sigs.k8s.io/kwok")
	cmd.Dir = filepath.Join(e2eRoot, "tools", "kwok")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Version, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || runErr != nil || info.Error != "" || info.Dir == "" {
		return nil, fmt.Errorf("locating sigs.k8s.io/kwok from tools/kwok (go mod download -json): %v %v %s %s", runErr, err, info.Error, stderr.String())
	}
	var files []string
	for _, rel := range []string{
		"kustomize/stage/node/fast/node-initialize.yaml",
		"kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
		"kustomize/stage/pod/fast/pod-ready.yaml",
		"kustomize/stage/pod/fast/pod-complete.yaml",
		"kustomize/stage/pod/fast/pod-delete.yaml",
	} {
		f := filepath.Join(info.Dir, filepath.FromSlash(rel))
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("kwok %s has no stage file %s: %w", info.Version, rel, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// StartSimCluster starts a control plane, then kube-controller-manager,
// kube-scheduler and kwok, and waits until the controller manager and scheduler
// answer /healthz. On error everything already started is stopped.
//
// All three talk to the API server with the admin kubeconfig (system:masters):
// the simulation judges what workloads do, not the components' own RBAC.
func StartSimCluster(ctx context.Context, opts SimOptions) (_ *SimCluster, err error) {
	cp, err := StartControlPlane(ctx, ControlPlaneOptions{
		EtcdBinary:      opts.EtcdBinary,
		APIServerBinary: opts.APIServerBinary,
		Dir:             opts.Dir,
	})
	if err != nil {
		return nil, err
	}
	s := &SimCluster{ControlPlane: cp}
	defer func() {
		if err != nil {
			if stopErr := s.Stop(); stopErr != nil {
				err = fmt.Errorf("%w (and stopping: %v)", err, stopErr)
			}
		}
	}()
	cfg := rest.CopyConfig(cp.RESTConfig)
	cfg.WarningHandlerWithContext = nil
	cfg.WarningHandler = rest.NoWarnings{}
	cfg.QPS, cfg.Burst = 500, 1000
	s.SimRESTConfig = cfg
	if s.Client, err = kubernetes.NewForConfig(cfg); err != nil {
		return s, err
	}

	kcmPort, err := freePort()
	if err != nil {
		return s, err
	}
	s.controllerManager, err = startProcess("kube-controller-manager", opts.ControllerManagerBinary, []string{
		"--kubeconfig=" + cp.Kubeconfig,
		"--authentication-kubeconfig=" + cp.Kubeconfig,
		"--authorization-kubeconfig=" + cp.Kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(kcmPort),
		"--cert-dir=" + filepath.Join(cp.Dir, "kcm-certs"),
		"--controllers=" + strings.Join(SimControllers, ","),
		// newPKI's files: the service-account signing key and the cluster CA.
		"--service-account-private-key-file=" + filepath.Join(cp.Dir, "sa.key"),
		"--root-ca-file=" + filepath.Join(cp.Dir, "ca.crt"),
		"--use-service-account-credentials=false",
		"--kube-api-qps=200",
		"--kube-api-burst=400",
		"--profiling=false",
	}, filepath.Join(cp.Dir, "kube-controller-manager.log"))
	if err != nil {
		return s, err
	}
	schedPort, err := freePort()
	if err != nil {
		return s, err
	}
	s.scheduler, err = startProcess("kube-scheduler", opts.SchedulerBinary, []string{
		"--kubeconfig=" + cp.Kubeconfig,
		"--authentication-kubeconfig=" + cp.Kubeconfig,
		"--authorization-kubeconfig=" + cp.Kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(schedPort),
		"--cert-dir=" + filepath.Join(cp.Dir, "scheduler-certs"),
		"--kube-api-qps=200",
		"--kube-api-burst=400",
		"--profiling=false",
	}, filepath.Join(cp.Dir, "kube-scheduler.log"))
	if err != nil {
		return s, err
	}
	if len(opts.KwokStages) == 0 {
		return s, errors.New("kwok needs its stage files (KwokStageFiles)")
	}
	s.kwok, err = startProcess("kwok", opts.KwokBinary, []string{
		"--kubeconfig=" + cp.Kubeconfig,
		"--config=" + strings.Join(opts.KwokStages, ","),
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + KwokNodeAnnotation + "=" + KwokNodeAnnotationValue,
		"--node-lease-duration-seconds=40",
		"--cidr=10.0.0.0/16",
		"--node-ip=127.0.0.1",
	}, filepath.Join(cp.Dir, "kwok.log"))
	if err != nil {
		return s, err
	}

	insecure := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		// Only the components' own self-signed /healthz, on 127.0.0.1.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec
	}}
	healthy := func(port int) func() bool {
		return func() bool {
			resp, err := insecure.Get("https://127.0.0.1:" + strconv.Itoa(port) + "/healthz")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}
	}
	if err := waitFor(ctx, 120*time.Second, s.controllerManager, healthy(kcmPort)); err != nil {
		return s, fmt.Errorf("kube-controller-manager did not become healthy: %w\n%s", err, s.controllerManager.logTail(20))
	}
	if err := waitFor(ctx, 120*time.Second, s.scheduler, healthy(schedPort)); err != nil {
		return s, fmt.Errorf("kube-scheduler did not become healthy: %w\n%s", err, s.scheduler.logTail(20))
	}
	// kwok serves nothing; give it a moment and make sure it did not exit at once
	// (a bad flag or stage file).
	select {
	case <-s.kwok.exited:
		return s, fmt.Errorf("kwok exited at start: %v\n%s", s.kwok.waitErr, s.kwok.logTail(20))
	case <-time.After(time.Second):
	}
	return s, nil
}

// Running reports which of the simulation's own components has exited, if any,
// with the tail of its log.
func (s *SimCluster) Running() error {
	var errs []error
	for _, p := range []*process{s.controllerManager, s.scheduler, s.kwok} {
		if p != nil && !p.running() {
			errs = append(errs, fmt.Errorf("%s exited: %v\n%s", p.name, p.waitErr, p.logTail(20)))
		}
	}
	return errors.Join(errs...)
}

// LogTail returns the last n lines of a component's log ("kwok",
// "kube-scheduler", "kube-controller-manager").
func (s *SimCluster) LogTail(name string, n int) string {
	for _, p := range []*process{s.controllerManager, s.scheduler, s.kwok} {
		if p != nil && p.name == name {
			return p.logTail(n)
		}
	}
	return ""
}

// Stop stops kwok, the scheduler and the controller manager (the API server's
// clients), then the control plane (API server, then etcd), each by PID. It is
// safe to call more than once.
func (s *SimCluster) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		for _, p := range []*process{s.kwok, s.scheduler, s.controllerManager} {
			if err := p.stop(10 * time.Second); err != nil {
				errs = append(errs, err)
			}
		}
		if err := s.ControlPlane.Stop(); err != nil {
			errs = append(errs, err)
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}
