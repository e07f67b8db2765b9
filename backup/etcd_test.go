package backup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prodkube/prodkube/baseline"
)

func exampleEtcd() EtcdSnapshot {
	return EtcdSnapshot{
		Endpoints: []string{"https://10.0.0.11:2379", "https://10.0.0.12:2379", "https://10.0.0.13:2379"},
		CACert:    "/etc/kubernetes/pki/etcd/ca.crt",
		Cert:      "/etc/kubernetes/pki/apiserver-etcd-client.crt",
		Key:       "/etc/kubernetes/pki/apiserver-etcd-client.key",
	}
}

func TestEtcdArgv(t *testing.T) {
	s := exampleEtcd()
	save, err := s.SaveArgv("https://10.0.0.12:2379", "/var/backups/etcd/pre-upgrade-v1.37.2.db")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"etcdctl", "--endpoints", "https://10.0.0.12:2379", "--cacert", "/etc/kubernetes/pki/etcd/ca.crt",
		"--cert", "/etc/kubernetes/pki/apiserver-etcd-client.crt", "--key", "/etc/kubernetes/pki/apiserver-etcd-client.key",
		"snapshot", "save", "/var/backups/etcd/pre-upgrade-v1.37.2.db"}
	if diff := cmp.Diff(want, save); diff != "" {
		t.Errorf("save argv (-want +got):\n%s", diff)
	}
	status, err := s.StatusArgv("/var/backups/etcd/pre-upgrade-v1.37.2.db")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"etcdutl", "--write-out", "table", "snapshot", "status", "/var/backups/etcd/pre-upgrade-v1.37.2.db"}, status); diff != "" {
		t.Errorf("status argv (-want +got):\n%s", diff)
	}
	if _, err := s.SaveArgv("https://10.0.0.11:2379,https://10.0.0.12:2379", "x.db"); err == nil {
		t.Error("SaveArgv accepted two endpoints; etcd serves a snapshot from one member")
	}
}

func TestEtcdValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*EtcdSnapshot)
		want []string
	}{
		{"valid", func(*EtcdSnapshot) {}, nil},
		{"ipv6 and hostnames", func(s *EtcdSnapshot) {
			s.Endpoints = []string{"https://[fd00::1]:2379", "https://etcd-0.example.com:2379"}
		}, nil},
		{"empty", func(s *EtcdSnapshot) { *s = EtcdSnapshot{} }, []string{
			"FieldValueRequired endpoints", "FieldValueRequired caCert", "FieldValueRequired cert", "FieldValueRequired key"}},
		{"bad endpoints", func(s *EtcdSnapshot) {
			s.Endpoints = []string{"http://10.0.0.1:2379", "https://10.0.0.1", "https://u:p@h:2379", "https://h:2379/x", "https://h:99999", "https://h:2379", "https://h:2379"}
		}, []string{"FieldValueInvalid endpoints[0]", "FieldValueInvalid endpoints[1]", "FieldValueInvalid endpoints[2]",
			"FieldValueInvalid endpoints[3]", "FieldValueInvalid endpoints[4]", "FieldValueDuplicate endpoints[6]"}},
		{"bad paths", func(s *EtcdSnapshot) {
			s.CACert = "-ca"
			s.Key = "a\nb"
			s.Dir = "relative"
			s.Prefix = "../x"
			s.Etcdctl = "\x00"
		}, []string{"FieldValueInvalid caCert", "FieldValueInvalid key", "FieldValueInvalid dir", "FieldValueInvalid prefix", "FieldValueInvalid etcdctl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := exampleEtcd()
			tc.mod(&s)
			errs := s.Validate()
			if diff := cmp.Diff(tc.want, errPaths(errs)); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, errs)
			}
			_, err := s.script()
			if (err == nil) != (len(tc.want) == 0) {
				t.Errorf("Script error %v with %d validation errors", err, len(tc.want))
			}
		})
	}
}

func writeStub(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/usr/bin/env bash\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEtcdScriptRuns runs the generated script with stand-ins for etcdctl
// and etcdutl: the first member is down, the second serves the snapshot.
// The script must fall through to the second member, verify the file and
// print its path.
func TestEtcdScriptRuns(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is required to run the generated script (CI has it): %v", err)
	}
	bin, dir := t.TempDir(), t.TempDir()
	log := filepath.Join(bin, "calls.log")
	s := exampleEtcd()
	s.Dir = filepath.Join(dir, "snap shots") // a space, to prove the quoting
	s.Etcdctl = writeStub(t, bin, "etcdctl", `echo "etcdctl $*" >> `+shellQuoteForTest(log)+`
[ "$2" = https://10.0.0.11:2379 ] && { echo "connection refused" >&2; exit 1; }
printf 'snapshot-bytes' > "${@: -1}"
`)
	s.Etcdutl = writeStub(t, bin, "etcdutl", `echo "etcdutl $*" >> `+shellQuoteForTest(log)+`
[ "$(cat "${@: -1}")" = snapshot-bytes ] || exit 2
`)
	script, err := s.script()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "-c", string(script)).CombinedOutput()
	if err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	path := lines[len(lines)-1]
	if !strings.HasPrefix(path, s.Dir+"/etcd-snapshot-") || !strings.HasSuffix(path, "Z.db") {
		t.Fatalf("script printed %q as the snapshot path", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("snapshot mode %v is readable by others; it holds every Secret", fi.Mode().Perm())
	}
	calls, _ := os.ReadFile(log)
	wantCalls := "etcdctl --endpoints https://10.0.0.11:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/apiserver-etcd-client.crt --key /etc/kubernetes/pki/apiserver-etcd-client.key snapshot save " + path + "\n" +
		"etcdctl --endpoints https://10.0.0.12:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/apiserver-etcd-client.crt --key /etc/kubernetes/pki/apiserver-etcd-client.key snapshot save " + path + "\n" +
		"etcdutl --write-out table snapshot status " + path + "\n"
	if string(calls) != wantCalls {
		t.Errorf("calls:\n%s\nwant:\n%s", calls, wantCalls)
	}
}

func shellQuoteForTest(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func TestEtcdSnapshotFromHA(t *testing.T) {
	nodes := []baseline.ControlPlaneNode{
		{Name: "cp-1", Address: "10.0.0.11", Zone: "a"},
		{Name: "cp-2", Address: "10.0.0.12", Zone: "b"},
		{Name: "cp-3", Address: "fd00::13", Zone: "c"},
	}
	ha := baseline.HA{KubernetesVersion: "v1.37.2", Endpoint: baseline.Endpoint{Host: "api.example.com"}, ControlPlaneNodes: nodes}
	if errs := ha.Validate(); len(errs) > 0 {
		t.Skipf("example HA spec not valid for this baseline version: %v", errs)
	}
	s, err := EtcdSnapshotFromHA(ha)
	if err != nil {
		t.Fatal(err)
	}
	want := EtcdSnapshot{
		Endpoints: []string{"https://10.0.0.11:2379", "https://10.0.0.12:2379", "https://[fd00::13]:2379"},
		CACert:    baseline.DefaultEtcdCAFile, Cert: baseline.DefaultEtcdCertFile, Key: baseline.DefaultEtcdKeyFile,
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("stacked (-want +got):\n%s", diff)
	}
	ha.Etcd.External = &baseline.ExternalEtcd{
		Endpoints: []string{"https://etcd-0.example.com:2379", "https://etcd-1.example.com:2379", "https://etcd-2.example.com:2379"},
		CertFile:  "/etc/etcd/client.crt",
	}
	if errs := ha.Validate(); len(errs) > 0 {
		t.Fatalf("external HA spec invalid: %v", errs)
	}
	s, err = EtcdSnapshotFromHA(ha)
	if err != nil {
		t.Fatal(err)
	}
	want = EtcdSnapshot{Endpoints: ha.Etcd.External.Endpoints, CACert: baseline.DefaultEtcdCAFile,
		Cert: "/etc/etcd/client.crt", Key: baseline.DefaultEtcdKeyFile}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("external (-want +got):\n%s", diff)
	}
	if _, err := EtcdSnapshotFromHA(baseline.HA{}); err == nil {
		t.Error("an invalid HA spec was accepted")
	}
}
