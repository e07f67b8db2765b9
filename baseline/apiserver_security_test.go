package baseline

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	cc "github.com/prodkube/prodkube/baseline/componentconfig"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
)

func TestAuditValidate(t *testing.T) {
	secretsBody := cc.AuditPolicyRule{Level: cc.AuditLevelRequestResponse, Resources: []cc.AuditGroupResources{{Group: "", Resources: []string{"secrets"}}}}
	tests := []struct {
		name  string
		a     Audit
		paths []string
	}{
		{"defaults", Audit{}, nil},
		{"a custom resource's bodies", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequest, Resources: []cc.AuditGroupResources{{Group: "example.com", Resources: []string{"widgets"}}}}}}, nil},
		{"Secrets at Metadata are fine", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelMetadata, Resources: []cc.AuditGroupResources{{Group: "", Resources: []string{"secrets"}}}}}}, nil},
		{"a policy that logs Secret bodies", Audit{ExtraRules: []cc.AuditPolicyRule{secretsBody}}, []string{"extraRules[0].level"}},
		{"a catch-all at Request", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequest}}}, []string{"extraRules[0].level"}},
		{"the whole core group", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequest, Resources: []cc.AuditGroupResources{{Group: ""}}}}}, []string{"extraRules[0].level"}},
		{"every group's wildcard", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequest, Resources: []cc.AuditGroupResources{{Group: "*", Resources: []string{"*"}}}}}}, []string{"extraRules[0].level"}},
		{"token subresource", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequestResponse, Resources: []cc.AuditGroupResources{{Group: "", Resources: []string{"serviceaccounts/*"}}}}}}, []string{"extraRules[0].level"}},
		{"token reviews", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequest, Resources: []cc.AuditGroupResources{{Group: "authentication.k8s.io"}}}}}, []string{"extraRules[0].level"}},
		{"configmaps with bodies are allowed", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequest, Resources: []cc.AuditGroupResources{{Group: "", Resources: []string{"configmaps", "serviceaccounts"}}}}}}, nil},
		{"bad level and paths", Audit{PolicyFile: "policy.yaml", LogDir: "/tmp/audit", MaxSizeMB: -1, ExtraRules: []cc.AuditPolicyRule{{Level: "All"}}}, []string{"policyFile", "logDir", "maxSizeMB", "extraRules[0].level"}},
		{"policy inside the log dir", Audit{PolicyFile: "/var/log/kubernetes/audit/policy.yaml"}, []string{"policyFile"}},
		{"URL pattern", Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelNone, NonResourceURLs: []string{"metrics", "/a*b"}}}}, []string{"extraRules[0].nonResourceURLs[0]", "extraRules[0].nonResourceURLs[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.paths, errorPaths(tt.a.Validate())); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, tt.a.Validate())
			}
			r, err := tt.a.Build()
			if (r == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v: want error xor result", r, err)
			}
		})
	}
}

// firstMatch returns the level of the first rule of p that matches a
// resource request, following the audit policy's documented matching (empty
// lists match all; a rule with nonResourceURLs matches no resource request).
func firstMatch(p *cc.AuditPolicy, user, verb, group, resource, ns string) cc.AuditLevel {
	in := func(list []string, v string) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if x == v || x == "*" {
				return true
			}
		}
		return false
	}
	for _, r := range p.Rules {
		if len(r.NonResourceURLs) > 0 || !in(r.Users, user) || len(r.UserGroups) > 0 || !in(r.Verbs, verb) || !in(r.Namespaces, ns) {
			continue
		}
		if len(r.Resources) > 0 {
			ok := false
			for _, g := range r.Resources {
				if g.Group == group && in(g.Resources, resource) {
					ok = true
				}
			}
			if !ok {
				continue
			}
		}
		return r.Level
	}
	return cc.AuditLevelNone
}

func TestAuditBuild(t *testing.T) {
	r, err := Audit{ExtraRules: []cc.AuditPolicyRule{{Level: cc.AuditLevelRequestResponse, Resources: []cc.AuditGroupResources{{Group: "example.com", Resources: []string{"widgets"}}}}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user, verb, group, resource, ns string
		want                            cc.AuditLevel
	}{
		{"alice", "create", "", "secrets", "default", cc.AuditLevelMetadata},
		{"alice", "get", "", "secrets", "default", cc.AuditLevelMetadata},
		{"alice", "create", "rbac.authorization.k8s.io", "clusterrolebindings", "", cc.AuditLevelRequest},
		{"alice", "create", "", "configmaps", "default", cc.AuditLevelMetadata},
		{"alice", "update", "example.com", "widgets", "default", cc.AuditLevelRequestResponse},
		{"system:kube-proxy", "watch", "discovery.k8s.io", "endpointslices", "", cc.AuditLevelNone},
		{"system:kube-proxy", "list", "discovery.k8s.io", "endpointslices", "", cc.AuditLevelMetadata},
		{"system:kube-scheduler", "update", "coordination.k8s.io", "leases", "kube-system", cc.AuditLevelNone},
		{"alice", "create", "", "events", "default", cc.AuditLevelNone},
	} {
		if got := firstMatch(r.Policy, c.user, c.verb, c.group, c.resource, c.ns); got != c.want {
			t.Errorf("%s %s %s/%s in %q: level %s, want %s", c.user, c.verb, c.group, c.resource, c.ns, got, c.want)
		}
	}
	wantArgs := []v1beta4.Arg{
		{Name: "audit-policy-file", Value: "/etc/kubernetes/audit/policy.yaml"},
		{Name: "audit-log-path", Value: "/var/log/kubernetes/audit/audit.log"},
		{Name: "audit-log-format", Value: "json"},
		{Name: "audit-log-maxage", Value: "30"},
		{Name: "audit-log-maxbackup", Value: "10"},
		{Name: "audit-log-maxsize", Value: "100"},
	}
	if diff := cmp.Diff(wantArgs, r.APIServer.ExtraArgs); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	files := r.Files()
	if len(files) != 1 || files[0].Path != "controlplane/_shared/etc/kubernetes/audit/policy.yaml" {
		t.Fatalf("files: %+v", files)
	}
	var back cc.AuditPolicy
	if err := yaml.UnmarshalStrict(files[0].Content, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Policy, &back); diff != "" {
		t.Errorf("policy does not round-trip (-built +read):\n%s", diff)
	}
}

func TestEncryptionValidate(t *testing.T) {
	kms := &KMS{Name: "vault", Socket: "/var/run/kmsplugin/socket.sock"}
	tests := []struct {
		name  string
		e     Encryption
		paths []string
	}{
		{"defaults", Encryption{}, nil},
		{"aescbc and configmaps", Encryption{Algorithm: AESCBC, Resources: []string{"secrets", "configmaps", "widgets.example.com"}}, nil},
		{"kms", Encryption{KMS: kms}, nil},
		{"a key file in the manifest directory", Encryption{KeyFile: "/etc/kubernetes/manifests/encryption-key"}, []string{"keyFile"}},
		{"the config in the manifest directory", Encryption{ConfigFile: "/etc/kubernetes/manifests/encryption.yaml"}, []string{"configFile"}},
		{"key file is the config", Encryption{KeyFile: "/etc/kubernetes/encryption/config.yaml"}, []string{"keyFile"}},
		{"key file is the template", Encryption{KeyFile: "/etc/kubernetes/encryption/config.template.yaml"}, []string{"keyFile"}},
		{"unknown algorithm", Encryption{Algorithm: "aesgcm"}, []string{"algorithm"}},
		{"bad resources", Encryption{Resources: []string{"Secrets", "events", "secrets", "secrets"}}, []string{"resources[0]", "resources[1]", "resources[3]"}},
		{"bad kms", Encryption{KMS: &KMS{Socket: "socket", Timeout: time.Hour}}, []string{"kms.name", "kms.socket", "kms.timeout"}},
		{"relative paths", Encryption{KeyFile: "key", ConfigFile: "/etc/kubernetes/enc.json"}, []string{"configFile", "keyFile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.paths, errorPaths(tt.e.Validate())); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, tt.e.Validate())
			}
			r, err := tt.e.Build()
			if (r == nil) == (err == nil) {
				t.Fatalf("Build() = %v, %v: want error xor result", r, err)
			}
		})
	}
}

func TestEncryptionKMS(t *testing.T) {
	r, err := Encryption{KMS: &KMS{Name: "vault", Socket: "/var/run/kmsplugin/socket.sock"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	files := r.Files()
	if len(files) != 1 || files[0].Path != "controlplane/_shared/etc/kubernetes/encryption/config.yaml" {
		t.Fatalf("files: %+v", files)
	}
	want := `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- providers:
  - kms:
      apiVersion: v2
      endpoint: unix:///var/run/kmsplugin/socket.sock
      name: vault
      timeout: 3s
  - identity: {}
  resources:
  - secrets
`
	if diff := cmp.Diff(want, string(files[0].Content)); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]HostPathMount{
		{Name: "encryption-config", HostPath: "/etc/kubernetes/encryption/config.yaml", MountPath: "/etc/kubernetes/encryption/config.yaml", ReadOnly: true, PathType: "File"},
		{Name: "kms-plugin", HostPath: "/var/run/kmsplugin", MountPath: "/var/run/kmsplugin", PathType: "Directory"},
	}, r.APIServer.ExtraVolumes); diff != "" {
		t.Errorf("volumes (-want +got):\n%s", diff)
	}
}

// TestEncryptionInstallScript runs the install script with sh on a copy of
// the node's paths in a temporary directory: it creates a key, fills it in,
// refuses a readable key file, and the key never appears in what prodkube
// wrote.
func TestEncryptionInstallScript(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	r, err := Encryption{}.Build()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	mapPaths := func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("/etc/kubernetes/"), []byte(root+"/etc/kubernetes/"))
	}
	var script string
	for _, f := range r.Files() {
		p := filepath.Join(root, strings.TrimPrefix(f.Path, SharedDir))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, mapPaths(f.Content), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".sh") {
			script = p
		}
	}
	if out, err := exec.Command("sh", script).CombinedOutput(); err == nil || !strings.Contains(string(out), "is missing") {
		t.Fatalf("without a key: err %v, output %s", err, out)
	}
	if out, err := exec.Command("sh", script, "generate").CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	key, err := os.ReadFile(filepath.Join(root, "etc/kubernetes/encryption/key"))
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(key))); err != nil || len(raw) != 32 {
		t.Fatalf("key %q: %v, %d bytes", key, err, len(raw))
	}
	cfgPath := filepath.Join(root, "etc/kubernetes/encryption/config.yaml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var back cc.EncryptionConfiguration
	if err := yaml.UnmarshalStrict(cfg, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Resources[0].Providers[0].Secretbox.Keys[0].Secret; got != strings.TrimSpace(string(key)) {
		t.Errorf("installed key %q, want the key file's %q", got, key)
	}
	if st, err := os.Stat(cfgPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config mode: %v %v", st.Mode(), err)
	}
	for _, f := range r.Files() {
		if bytes.Contains(f.Content, bytes.TrimSpace(key)) {
			t.Errorf("%s holds the key", f.Path)
		}
	}
	if err := os.Chmod(filepath.Join(root, "etc/kubernetes/encryption/key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("sh", script).CombinedOutput(); err == nil || !strings.Contains(string(out), "chmod 600") {
		t.Fatalf("with a world-readable key: err %v, output %s", err, out)
	}
}

func FuzzAudit(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a := Audit{}
		mutate(data, &a)
		r, err := a.Build()
		if (r == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want error xor result", r, err)
		}
		if err != nil {
			return
		}
		// The promise: nothing records a Secret's body.
		for _, res := range []string{"secrets", "serviceaccounts/token"} {
			for _, verb := range []string{"get", "create", "update", "patch", "list"} {
				if l := firstMatch(r.Policy, "alice", verb, "", res, "default"); l == cc.AuditLevelRequest || l == cc.AuditLevelRequestResponse {
					t.Fatalf("%s %s recorded at %s", verb, res, l)
				}
			}
		}
		var back cc.AuditPolicy
		if err := yaml.UnmarshalStrict(r.Files()[0].Content, &back); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzEncryption(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e := Encryption{}
		if len(data) > 0 && data[0]%2 == 0 {
			e.KMS = &KMS{Name: "vault", Socket: "/var/run/kmsplugin/socket.sock"}
		}
		mutate(data, &e)
		r, err := e.Build()
		if (r == nil) == (err == nil) {
			t.Fatalf("Build() = %v, %v: want error xor result", r, err)
		}
		if err != nil {
			return
		}
		for _, f := range r.Files() {
			if strings.Contains(f.Path, "/etc/kubernetes/manifests/") {
				t.Fatalf("%s is in the static Pod directory", f.Path)
			}
		}
		for _, v := range r.APIServer.ExtraVolumes {
			if strings.HasPrefix(v.HostPath, "/etc/kubernetes/manifests") || (r.local && v.HostPath == r.keyFile) {
				t.Fatalf("mounts %s", v.HostPath)
			}
		}
		var back cc.EncryptionConfiguration
		if err := yaml.UnmarshalStrict(r.Files()[0].Content, &back); err != nil {
			t.Fatal(err)
		}
	})
}
