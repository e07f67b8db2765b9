package backup

import (
	"bytes"
	"fmt"
	"github.com/prodkube/prodkube"
	"net"
	"net/url"
	"path"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/shell"
)

// DefaultEtcdSnapshotDir is where snapshots are written unless the spec
// names another directory.
const DefaultEtcdSnapshotDir = "/var/backups/etcd"

// EtcdSnapshot is the intent behind an etcd snapshot: which members to ask,
// with which client certificate, and where to keep the file.
//
// etcd serves a snapshot from exactly one member (etcdctl refuses several
// endpoints for `snapshot save`), so the generated script asks the members
// in the order given and keeps the first snapshot that succeeds; a cluster
// that has lost a member can still be backed up.
type EtcdSnapshot struct {
	// Endpoints are the etcd members' client URLs, e.g.
	// "https://10.0.0.11:2379". Required; https only, since kubeadm's etcd
	// (stacked or external) requires client certificates.
	Endpoints []string
	// CACert is the path of the CA bundle that signed the members' serving
	// certificates (kubeadm: /etc/kubernetes/pki/etcd/ca.crt). Required.
	CACert string
	// Cert and Key are the paths of a client certificate and key that etcd
	// accepts (kubeadm: /etc/kubernetes/pki/apiserver-etcd-client.crt and
	// .key, or etcd/healthcheck-client.crt and .key). Required.
	Cert, Key string
	// Dir is the directory snapshots are written to. Empty means
	// DefaultEtcdSnapshotDir.
	Dir string
	// Prefix starts each snapshot's file name, which continues with a UTC
	// timestamp and ".db". Empty means "etcd-snapshot".
	Prefix string
	// Etcdctl and Etcdutl are the binaries to run. Empty means "etcdctl" and
	// "etcdutl" from PATH.
	Etcdctl, Etcdutl string
}

// Validate reports every problem with the snapshot spec.
func (s EtcdSnapshot) Validate() field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("endpoints")
	if len(s.Endpoints) == 0 {
		errs = append(errs, field.Required(p, "at least one etcd client URL like https://10.0.0.11:2379 is required"))
	}
	if len(s.Endpoints) > maxListLen {
		errs = append(errs, field.TooMany(p, len(s.Endpoints), maxListLen))
	} else {
		seen := map[string]bool{}
		for i, ep := range s.Endpoints {
			if msg := checkEndpoint(ep); msg != "" {
				errs = append(errs, field.Invalid(p.Index(i), ep, msg))
			}
			if seen[ep] {
				errs = append(errs, field.Duplicate(p.Index(i), ep))
			}
			seen[ep] = true
		}
	}
	errs = append(errs, validatePath(s.CACert, field.NewPath("caCert"))...)
	errs = append(errs, validatePath(s.Cert, field.NewPath("cert"))...)
	errs = append(errs, validatePath(s.Key, field.NewPath("key"))...)
	if s.Dir != "" {
		errs = append(errs, validatePath(s.Dir, field.NewPath("dir"))...)
		if !strings.HasPrefix(s.Dir, "/") {
			errs = append(errs, field.Invalid(field.NewPath("dir"), s.Dir, "must be an absolute path"))
		}
	}
	if s.Prefix != "" && !isFileWord(s.Prefix) {
		errs = append(errs, field.Invalid(field.NewPath("prefix"), s.Prefix, "may contain only letters, digits, '-', '_' and '.', and must not begin with '-' or '.'"))
	}
	if s.Etcdctl != "" {
		errs = append(errs, validatePath(s.Etcdctl, field.NewPath("etcdctl"))...)
	}
	if s.Etcdutl != "" {
		errs = append(errs, validatePath(s.Etcdutl, field.NewPath("etcdutl"))...)
	}
	return errs
}

func checkEndpoint(ep string) string {
	const want = "must be an https client URL with host and port, like https://10.0.0.11:2379"
	if len(ep) > 2048 || strings.ContainsAny(ep, " \t\r\n\x00,") {
		return want
	}
	u, err := url.Parse(ep)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return want
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || host == "" || port == "" {
		return want
	}
	if n, ok := atoiPort(port); !ok || n < 1 || n > 65535 {
		return want
	}
	return ""
}

func atoiPort(s string) (int, bool) {
	if len(s) > 5 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

func isFileWord(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '-' || s[0] == '.' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SaveArgv returns `etcdctl snapshot save` against one member, writing the
// snapshot to file. The file is always the last element, so a script may
// render the rest with shell.Join and append a variable holding a
// timestamped path.
func (s EtcdSnapshot) SaveArgv(endpoint, file string) ([]string, error) {
	errs := s.Validate()
	if msg := checkEndpoint(endpoint); msg != "" {
		errs = append(errs, field.Invalid(field.NewPath("endpoint"), endpoint, msg))
	}
	errs = append(errs, validatePath(file, field.NewPath("file"))...)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return append(s.saveArgvPrefix(endpoint), file), nil
}

func (s EtcdSnapshot) saveArgvPrefix(endpoint string) []string {
	return []string{orDefault(s.Etcdctl, "etcdctl"),
		"--endpoints", endpoint,
		"--cacert", s.CACert,
		"--cert", s.Cert,
		"--key", s.Key,
		"snapshot", "save"}
}

// StatusArgv returns `etcdutl snapshot status` for a snapshot file, which
// reads the file offline and prints its hash, revision, key count and
// size; it fails on a corrupt file. The file is the last element.
func (s EtcdSnapshot) StatusArgv(file string) ([]string, error) {
	errs := validatePath(file, field.NewPath("file"))
	if s.Etcdutl != "" {
		errs = append(errs, validatePath(s.Etcdutl, field.NewPath("etcdutl"))...)
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return append(s.statusArgvPrefix(), file), nil
}

func (s EtcdSnapshot) statusArgvPrefix() []string {
	return []string{orDefault(s.Etcdutl, "etcdutl"), "--write-out", "table", "snapshot", "status"}
}

// script returns a bash script that saves a snapshot named
// <prefix>-<UTC timestamp>.db in Dir from the first member that answers,
// verifies it with `etcdutl snapshot status`, and prints its path. The file
// is created with umask 077: a snapshot holds every Secret of the cluster.
func (s EtcdSnapshot) script() ([]byte, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	dir := orDefault(s.Dir, DefaultEtcdSnapshotDir)
	var b bytes.Buffer
	b.WriteString("#!/usr/bin/env bash\n")
	b.WriteString("# Take an etcd snapshot and verify it. Run on a host that can reach the etcd\n")
	b.WriteString("# members' client port and read the client certificate (a control-plane node).\n")
	b.WriteString("set -euo pipefail\n")
	b.WriteString("umask 077\n\n")
	fmt.Fprintf(&b, "dir=%s\n", shell.Quote(dir))
	b.WriteString("mkdir -p \"$dir\"\n")
	fmt.Fprintf(&b, "snapshot=\"$dir\"/%s\"-$(date -u +%%Y%%m%%dT%%H%%M%%SZ).db\"\n\n", shell.Quote(orDefault(s.Prefix, "etcd-snapshot")))
	b.WriteString("# etcd serves a snapshot from one member at a time: ask each in turn.\n")
	b.WriteString("saved=false\n")
	for _, ep := range s.Endpoints {
		b.WriteString("if [ \"$saved\" = false ]; then\n")
		fmt.Fprintf(&b, "  if %s \"$snapshot\"; then\n", shell.Join(s.saveArgvPrefix(ep)))
		b.WriteString("    saved=true\n")
		b.WriteString("  else\n")
		fmt.Fprintf(&b, "    echo %s >&2\n", shell.Quote("snapshot from "+ep+" failed; trying the next member"))
		b.WriteString("  fi\n")
		b.WriteString("fi\n")
	}
	b.WriteString("if [ \"$saved\" = false ]; then\n")
	b.WriteString("  echo 'no etcd member produced a snapshot' >&2\n")
	b.WriteString("  exit 1\n")
	b.WriteString("fi\n\n")
	b.WriteString("# Verify the file offline: fails on a truncated or corrupt snapshot.\n")
	fmt.Fprintf(&b, "%s \"$snapshot\"\n", shell.Join(s.statusArgvPrefix()))
	b.WriteString("echo \"$snapshot\"\n")
	return b.Bytes(), nil
}

// restoreOutline returns a Markdown outline of restoring the control plane
// from a snapshot taken by the snapshot script. Restoring etcd rewinds the whole cluster
// state, so the outline is a procedure for a person, not a script.
func (s EtcdSnapshot) restoreOutline() ([]byte, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	dir := orDefault(s.Dir, DefaultEtcdSnapshotDir)
	snap := path.Join(dir, orDefault(s.Prefix, "etcd-snapshot")+"-<UTC timestamp>.db")
	status := shell.Join(append(s.statusArgvPrefix(), snap))
	var b bytes.Buffer
	b.WriteString("# Restoring etcd from a snapshot\n\n")
	b.WriteString("Restoring etcd returns the whole cluster to the moment of the snapshot. Prefer a Velero\n")
	b.WriteString("restore for lost namespaces or objects; restore etcd only when the control plane's data is lost.\n\n")
	b.WriteString("1. Pick the snapshot and verify it offline:\n\n")
	fmt.Fprintf(&b, "   ```sh\n   %s\n   ```\n\n", status)
	b.WriteString("2. Copy the same snapshot file to every etcd member.\n")
	b.WriteString("3. On every control-plane node, stop kube-apiserver and etcd: move their static Pod\n")
	b.WriteString("   manifests out of /etc/kubernetes/manifests and wait until the containers are gone.\n")
	b.WriteString("4. On every etcd member, restore into a new data directory, with that member's name and\n")
	b.WriteString("   peer URL and the full member list:\n\n")
	fmt.Fprintf(&b, "   ```sh\n   %s snapshot restore %s --data-dir /var/lib/etcd-restored --name <member> \\\n", shell.Quote(orDefault(s.Etcdutl, "etcdutl")), shell.Quote(snap))
	b.WriteString("     --initial-cluster <name>=https://<ip>:2380,... --initial-advertise-peer-urls https://<ip>:2380\n   ```\n\n")
	b.WriteString("5. Point etcd at the restored directory (the etcd static Pod's data hostPath, or move the old\n")
	b.WriteString("   directory aside and the restored one into its place), then put the manifests back:\n")
	b.WriteString("   etcd first, kube-apiserver after every member is up.\n")
	b.WriteString("6. Verify: every member is healthy, then restart kube-controller-manager, kube-scheduler and\n")
	b.WriteString("   the kubelets so no component acts on cached state newer than the snapshot:\n\n")
	fmt.Fprintf(&b, "   ```sh\n   %s endpoint health\n   ```\n", shell.Join([]string{orDefault(s.Etcdctl, "etcdctl"),
		"--endpoints", strings.Join(s.Endpoints, ","), "--cacert", s.CACert, "--cert", s.Cert, "--key", s.Key}))
	return b.Bytes(), nil
}

// Paths of the etcd backup files, relative to the output directory.
const (
	// EtcdSnapshotScriptFile saves and verifies one snapshot.
	EtcdSnapshotScriptFile = "backup/etcd-snapshot.sh"
	// EtcdRestoreFile is the procedure for restoring the control plane.
	EtcdRestoreFile = "backup/etcd-restore.md"
)

// EtcdBackup is what an EtcdSnapshot spec builds: the snapshot script and
// the restore procedure.
type EtcdBackup struct {
	files []prodkube.File
}

// Build validates the spec and renders its files.
func (s EtcdSnapshot) Build() (*EtcdBackup, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	script, err := s.script()
	if err != nil {
		return nil, err
	}
	outline, err := s.restoreOutline()
	if err != nil {
		return nil, err
	}
	return &EtcdBackup{files: []prodkube.File{
		{Path: EtcdSnapshotScriptFile, Content: script, Mode: 0o755},
		{Path: EtcdRestoreFile, Content: outline},
	}}, nil
}

// Files returns EtcdSnapshotScriptFile, a bash script that saves a snapshot
// named <prefix>-<UTC timestamp>.db in Dir from the first member that
// answers, verifies it with `etcdutl snapshot status` and prints its path
// (created with umask 077: a snapshot holds every Secret of the cluster),
// and EtcdRestoreFile, the Markdown procedure for restoring the control
// plane from such a snapshot. Restoring etcd rewinds the whole cluster
// state, so that is a procedure for a person, not a script.
func (b *EtcdBackup) Files() []prodkube.File {
	if b == nil {
		return nil
	}
	return cloneFiles(b.files)
}

// cloneFiles returns a deep copy, so callers cannot change a result.
func cloneFiles(fs []prodkube.File) []prodkube.File {
	out := make([]prodkube.File, len(fs))
	for i, f := range fs {
		f.Content = slices.Clone(f.Content)
		out[i] = f
	}
	return out
}
