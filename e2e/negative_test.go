package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// The negative controls prove the suite can fail: each feeds the real tools
// something they must refuse, through the same code that judges the library's
// output, beside a positive twin that differs only in the offending part (so the
// refusal is known to come from that part). If a bad input passes, the suite fails.

// obj parses one YAML object.
func obj(t *testing.T, y string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		t.Fatalf("bad test YAML: %v", err)
	}
	return &unstructured.Unstructured{Object: m}
}

const restrictedNamespace = "e2e-control-restricted"

// restrictedPodSpec is a pod spec that passes Pod Security "restricted", with the
// given runAsUser.
func restrictedPodSpec(uid string) string {
	return `
    securityContext:
      runAsNonRoot: ` + map[bool]string{true: "false", false: "true"}[uid == "0"] + `
      runAsUser: ` + uid + `
      seccompProfile:
        type: RuntimeDefault
    containers:
    - name: app
      image: registry.k8s.io/pause:3.10
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]`
}

func restrictedNamespaceOnce(t *testing.T, e *Env) {
	t.Helper()
	e.nsMu.Lock()
	exists := e.namespaces[restrictedNamespace]
	e.nsMu.Unlock()
	if exists {
		return
	}
	if err := e.EnsureNamespace(context.Background(), restrictedNamespace, map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
		"pod-security.kubernetes.io/audit":   "restricted",
	}); err != nil {
		t.Fatalf("creating namespace %s: %v", restrictedNamespace, err)
	}
}

func pod(t *testing.T, name, uid string) *unstructured.Unstructured {
	return obj(t, `
apiVersion: v1
kind: Pod
metadata:
  name: `+name+`
  namespace: `+restrictedNamespace+`
spec:`+strings.ReplaceAll(restrictedPodSpec(uid), "\n  ", "\n"))
}

func deployment(t *testing.T, name, uid string) *unstructured.Unstructured {
	return obj(t, `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: `+name+`
  namespace: `+restrictedNamespace+`
spec:
  selector:
    matchLabels: {app: `+name+`}
  template:
    metadata:
      labels: {app: `+name+`}
    spec:`+strings.ReplaceAll(restrictedPodSpec(uid), "\n    ", "\n      "))
}

// TestNegativeRootPodInRestrictedNamespace: Pod Security admission must refuse a
// Pod that runs as root in a namespace that enforces "restricted".
func TestNegativeRootPodInRestrictedNamespace(t *testing.T) {
	e := testEnv(t)
	restrictedNamespaceOnce(t, e)
	ctx := context.Background()

	warnings, err := e.DryRun(ctx, pod(t, "nonroot", "10001"))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("positive control: a restricted non-root Pod was not accepted cleanly: err=%v warnings=%v", err, warnings)
	}
	_, err = e.DryRun(ctx, pod(t, "root", "0"))
	if err == nil {
		t.Fatal("negative control passed: the API server accepted a root Pod in a restricted namespace")
	}
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "violates PodSecurity") {
		t.Fatalf("the root Pod was refused for another reason than Pod Security: %v", err)
	}
	t.Logf("refused as expected: %v", err)
}

// TestNegativeWorkloadWarningFails: on workloads Pod Security only warns; the
// judging code must turn that warning into a failure, and must refuse the bare Pod
// made from the template.
func TestNegativeWorkloadWarningFails(t *testing.T) {
	e := testEnv(t)
	restrictedNamespaceOnce(t, e)
	ctx := context.Background()

	good := Document{File: "control/good-deployment.yaml", Object: deployment(t, "nonroot", "10001")}
	if errs := e.Accept(ctx, good); len(errs) > 0 {
		t.Fatalf("positive control: a restricted non-root Deployment was not accepted cleanly: %v", errs)
	}
	bad := Document{File: "control/root-deployment.yaml", Object: deployment(t, "root", "0")}
	warnings, err := e.DryRun(ctx, bad.Object)
	if err != nil {
		t.Fatalf("the API server refused the root Deployment outright (expected only a warning): %v", err)
	}
	if len(warnings) == 0 || !strings.Contains(strings.Join(warnings, " "), "would violate PodSecurity") {
		t.Fatalf("negative control passed: no Pod Security warning reached the client for a root Deployment (warnings: %v)", warnings)
	}
	errs := e.Accept(ctx, bad)
	var warned, refusedPod bool
	for _, err := range errs {
		s := err.Error()
		warned = warned || strings.Contains(s, "warned") && strings.Contains(s, "control/root-deployment.yaml")
		refusedPod = refusedPod || strings.Contains(s, "bare Pod: refused") && strings.Contains(s, "violates PodSecurity")
	}
	if !warned || !refusedPod {
		t.Fatalf("negative control passed: judging a root Deployment gave %d error(s), want a warning failure and a refused bare Pod: %v", len(errs), errs)
	}
	t.Logf("refused as expected: %v", errs)
}

// TestNegativeUnknownField: strict field validation must refuse a field the API
// does not have.
func TestNegativeUnknownField(t *testing.T) {
	e := testEnv(t)
	restrictedNamespaceOnce(t, e)
	ctx := context.Background()
	good := Document{File: "control/configmap.yaml", Object: obj(t, `
apiVersion: v1
kind: ConfigMap
metadata: {name: control, namespace: `+restrictedNamespace+`}
data: {key: value}
`)}
	if errs := e.Accept(ctx, good); len(errs) > 0 {
		t.Fatalf("positive control: a plain ConfigMap was not accepted cleanly: %v", errs)
	}
	bad := Document{File: "control/configmap-unknown-field.yaml", Object: good.Object.DeepCopy()}
	bad.Object.Object["dta"] = map[string]any{"key": "value"}
	errs := e.Accept(ctx, bad)
	if len(errs) == 0 {
		t.Fatal("negative control passed: the API server accepted a ConfigMap with the unknown field \"dta\"")
	}
	if !strings.Contains(errs[0].Error(), `unknown field "dta"`) || !strings.Contains(errs[0].Error(), "control/configmap-unknown-field.yaml") {
		t.Fatalf("refused, but the message does not name the file and the field: %v", errs[0])
	}
	t.Logf("refused as expected: %v", errs[0])
}

// TestNegativeKubeadmHTTPEtcd: kubeadm must refuse an external etcd endpoint over
// plain http when client certificates are configured, in both configuration APIs.
func TestNegativeKubeadmHTTPEtcd(t *testing.T) {
	e := testEnv(t)
	for _, tc := range []struct{ apiVersion, kubernetesVersion string }{
		{"kubeadm.k8s.io/v1beta4", "v1.37.2"},
		{"kubeadm.k8s.io/v1beta3", "v1.36.3"},
	} {
		t.Run(tc.apiVersion, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, scheme string) string {
				f := filepath.Join(dir, name)
				cfg := `apiVersion: ` + tc.apiVersion + `
kind: ClusterConfiguration
kubernetesVersion: ` + tc.kubernetesVersion + `
etcd:
  external:
    endpoints:
    - ` + scheme + `://127.0.0.1:2379
    caFile: /etc/kubernetes/pki/etcd/ca.crt
    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt
    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key
`
				if err := os.WriteFile(f, []byte(cfg), 0o600); err != nil {
					t.Fatal(err)
				}
				return f
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			version, out, err := e.KubeadmValidate(ctx, write("https.yaml", "https"))
			if err != nil {
				t.Fatalf("positive control: kubeadm %s refused the same config with an https endpoint: %v\n%s", version, err, out)
			}
			if unexpected, _ := kubeadmWarnings(out, tc.apiVersion); len(unexpected) > 0 {
				t.Fatalf("positive control: kubeadm %s warned on the https config: %v", version, unexpected)
			}
			t.Logf("positive control accepted by kubeadm %s: %s", version, strings.TrimSpace(out))
			version, out, err = e.KubeadmValidate(ctx, write("http.yaml", "http"))
			if err == nil {
				t.Fatalf("negative control passed: kubeadm %s accepted an http:// etcd endpoint:\n%s", version, out)
			}
			if !strings.Contains(out, "HTTPS") {
				t.Fatalf("kubeadm %s refused the http:// endpoint for another reason: %v\n%s", version, err, out)
			}
			t.Logf("refused as expected by kubeadm %s: %s", version, strings.TrimSpace(out))
		})
	}
}
