package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/e2e/internal/binaries"
)

// etcdRaw reads a key's stored bytes through etcd's JSON gateway.
func etcdRaw(t *testing.T, etcdURL, key string) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"key": base64.StdEncoding.EncodeToString([]byte(key))})
	resp, err := http.Post(etcdURL+"/v3/kv/range", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		KVs []struct {
			Value string `json:"value"`
		} `json:"kvs"`
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.KVs) != 1 {
		t.Fatalf("range %s: %v %s", key, err, b)
	}
	v, err := base64.StdEncoding.DecodeString(out.KVs[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type auditEvent struct {
	Level     string `json:"level"`
	Stage     string `json:"stage"`
	Verb      string `json:"verb"`
	ObjectRef *struct {
		Resource  string `json:"resource"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
		APIGroup  string `json:"apiGroup"`
	} `json:"objectRef"`
	RequestObject  json.RawMessage `json:"requestObject"`
	ResponseObject json.RawMessage `json:"responseObject"`
}

// TestAPIServerAuditAndEncryption starts a real etcd and kube-apiserver with
// exactly the flags prodkube's Audit and Encryption produce, the node paths
// mapped into a temporary directory, and the files WriteDir wrote there;
// the encryption configuration is made on the "node" by prodkube's own
// install script, which also generates the key. A Secret created through
// the API is then encrypted in etcd (a ConfigMap, not listed, is not), its
// audit event is at Metadata without a body, and an RBAC change is recorded
// with its body.
func TestAPIServerAuditAndEncryption(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own etcd and kube-apiserver; not run with -short")
	}
	etcdBin, err := binaries.Find("etcd", binaries.EtcdVersion)
	if err != nil {
		t.Fatal(err)
	}
	apiBin, err := binaries.Find("kube-apiserver", binaries.KubernetesVersion)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := baseline.Audit{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := baseline.Encryption{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := prodkube.WriteDir(out, append(audit.Files(), enc.Files()...)...); err != nil {
		t.Fatal(err)
	}
	// The node's root file system is the shared directory of the output.
	root := filepath.Join(out, filepath.FromSlash(baseline.SharedDir))
	mapper := strings.NewReplacer("/etc/kubernetes/", root+"/etc/kubernetes/", "/var/log/kubernetes/", root+"/var/log/kubernetes/")
	script := filepath.Join(root, "etc/kubernetes/encryption", baseline.InstallScript)
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte(mapper.Replace(string(b))), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("sh", script, "generate").CombinedOutput(); err != nil {
		t.Fatalf("install script: %v\n%s", err, out)
	}
	var flags []string
	for _, a := range append(audit.APIServer.ExtraArgs, enc.APIServer.ExtraArgs...) {
		flags = append(flags, "--"+a.Name+"="+mapper.Replace(a.Value))
	}
	// The kubelet creates DirectoryOrCreate mounts; here the test does.
	for _, v := range audit.APIServer.ExtraVolumes {
		if v.PathType == corev1.HostPathDirectoryOrCreate {
			if err := os.MkdirAll(mapper.Replace(v.HostPath), 0o700); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("kube-apiserver %s", strings.Join(flags, " "))

	ctx := context.Background()
	cp, err := StartControlPlane(ctx, ControlPlaneOptions{EtcdBinary: etcdBin, APIServerBinary: apiBin, ExtraAPIServerFlags: flags})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := cp.Stop(); err != nil {
			t.Error(err)
		}
	}()
	create := func(obj runtime.Object, kind, apiVersion string) {
		t.Helper()
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: m}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		warnings, err := cp.Create(ctx, u)
		if err != nil || len(warnings) > 0 {
			t.Fatalf("creating %s: %v %v", kind, err, warnings)
		}
	}
	const plain = "prodkube-plaintext-marker-7f3a"
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "prodkube-encrypted", Namespace: "default"}, StringData: map[string]string{"password": plain}}
	create(secret, "Secret", "v1")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "prodkube-plain", Namespace: "default"}, Data: map[string]string{"k": plain}}
	create(cm, "ConfigMap", "v1")
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "prodkube-audited", Namespace: "default"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get"}}}}
	create(role, "Role", "rbac.authorization.k8s.io/v1")

	raw := etcdRaw(t, cp.EtcdURL, "/registry/secrets/default/prodkube-encrypted")
	if !bytes.HasPrefix(raw, []byte("k8s:enc:secretbox:v1:"+baseline.EncryptionKeyName+":")) || bytes.Contains(raw, []byte(plain)) {
		t.Errorf("the Secret is stored unencrypted or with another provider: %q", raw[:min(len(raw), 64)])
	}
	if rawCM := etcdRaw(t, cp.EtcdURL, "/registry/configmaps/default/prodkube-plain"); !bytes.Contains(rawCM, []byte(plain)) {
		t.Errorf("the ConfigMap, which is not listed, should be stored in clear; got %q", rawCM[:min(len(rawCM), 64)])
	}
	// The API server still reads the Secret back.
	got, err := cp.Dynamic.Resource(corev1.SchemeGroupVersion.WithResource("secrets")).Namespace("default").Get(ctx, "prodkube-encrypted", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Secret back: %v", err)
	}
	if v, _, _ := unstructured.NestedString(got.Object, "data", "password"); v != base64.StdEncoding.EncodeToString([]byte(plain)) {
		t.Fatalf("the Secret reads back as %q", v)
	}

	logPath := mapper.Replace(baseline.DefaultAuditLogDir + "/audit.log")
	var secretEvents, roleEvents int
	deadline := time.Now().Add(30 * time.Second)
	for {
		secretEvents, roleEvents = 0, 0
		data, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatalf("audit log: %v", err)
		}
		if bytes.Contains(data, []byte(plain)) {
			t.Fatalf("the audit log holds the Secret's value")
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var ev auditEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("audit line: %v: %s", err, sc.Bytes())
			}
			if ev.Stage == "RequestReceived" {
				t.Errorf("an event at stage RequestReceived, which the policy omits")
			}
			if ev.ObjectRef == nil || ev.Verb != "create" {
				continue
			}
			switch {
			case ev.ObjectRef.Resource == "secrets" && ev.ObjectRef.Name == "prodkube-encrypted":
				secretEvents++
				if ev.Level != "Metadata" || len(ev.RequestObject) > 0 || len(ev.ResponseObject) > 0 {
					t.Errorf("Secret create audited at %s with body %d/%d bytes", ev.Level, len(ev.RequestObject), len(ev.ResponseObject))
				}
			case ev.ObjectRef.Resource == "roles" && ev.ObjectRef.Name == "prodkube-audited":
				roleEvents++
				if ev.Level != "Request" || !bytes.Contains(ev.RequestObject, []byte(`"configmaps"`)) {
					t.Errorf("Role create audited at %s, request body %s", ev.Level, ev.RequestObject)
				}
			}
		}
		if secretEvents > 0 && roleEvents > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if secretEvents != 1 || roleEvents != 1 {
		t.Errorf("audit events: %d for the Secret, %d for the Role; want 1 each", secretEvents, roleEvents)
	}
}
