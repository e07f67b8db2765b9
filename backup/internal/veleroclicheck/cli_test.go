// Package veleroclicheck checks the backup package against the velero CLI
// itself: each generated `velero backup|schedule|restore create` command is
// run with `-o json` (the CLI prints the object instead of creating it) and
// `velero install` with `--dry-run -o json`, against a stand-in API server
// on 127.0.0.1 that answers the CLI's pre-flight lookups. The printed
// objects must equal what Build returns.
//
// The CLI is built from github.com/vmware-tanzu/velero v1.18.3
// (cmd/velero) by TestMain (build_test.go) from the pinning module in
// tools/velero and cached; VELERO_BIN overrides it. The check never
// skips: without a CLI it fails.
package veleroclicheck

import (
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prodkube/prodkube/backup"
)

// bin is the velero CLI, set by TestMain.
var bin string

var kubeconfig string

func run(t *testing.T, argv []string) map[string]any {
	t.Helper()
	if kubeconfig == "" {
		kubeconfig = startFake(t)
	}
	cmd := exec.Command(bin, append(argv[1:], "-o", "json")...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		ee, _ := err.(*exec.ExitError)
		var stderr []byte
		if ee != nil {
			stderr = ee.Stderr
		}
		t.Fatalf("%q: %v\n%s\n%s", argv, err, out, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("%q: %v\n%s", argv, err, out)
	}
	return m
}

func toMap(t *testing.T, v any) map[string]any {
	data, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}

// prune drops values the CLI writes that carry no meaning (empty maps and
// lists, zero durations, false/0) so both sides can be compared.
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			p := prune(e)
			if p == nil {
				continue
			}
			out[k] = p
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		return x
	case string:
		if x == "" || x == "0s" {
			return nil
		}
	case float64:
		if x == 0 {
			return nil
		}
	}
	return v
}

func compare(t *testing.T, name string, cli, ours map[string]any) {
	t.Helper()
	for _, m := range []map[string]any{cli, ours} {
		md, _ := m["metadata"].(map[string]any)
		delete(md, "creationTimestamp")
		delete(m, "status")
	}
	if spec, ok := cli["spec"].(map[string]any); ok && spec["useOwnerReferencesInBackup"] == false {
		// The CLI always writes its flag's default; an absent field means the same.
		delete(spec, "useOwnerReferencesInBackup")
	}
	a, b := prune(cli), prune(ours)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		t.Errorf("%s differs\nvelero CLI:\n%s\nprodkube:\n%s", name, ja, jb)
	} else {
		t.Logf("%s: velero CLI and prodkube agree", name)
	}
}

func ptr[T any](v T) *T { return &v }

func TestVeleroCLIAgrees(t *testing.T) {
	kubeconfig = startFake(t)
	full := backup.BackupOptions{
		IncludeNamespaces: []string{"production", "staging"}, ExcludeNamespaces: []string{"kube-system"},
		IncludeResources: []string{"deployments.apps", "configmaps"}, ExcludeResources: []string{"events"},
		Selector: map[string]string{"app.kubernetes.io/name": "web", "tier": "front"}, TTL: 36 * time.Hour,
		SnapshotVolumes: ptr(false), DefaultVolumesToFsBackup: true, StorageLocation: "secondary",
	}
	backups := []backup.Backup{
		{Name: "production-initial", Wait: false, BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production"}}},
		{Name: "full", BackupOptions: full},
		{Name: "all"},
	}
	for _, b := range backups {
		argv, err := b.Argv()
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := b.Build()
		compare(t, "backup "+b.Name, run(t, argv), toMap(t, obj))
	}
	schedules := []backup.Schedule{
		{Name: "production-daily", Cron: "0 1 * * *", BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production"}, TTL: 720 * time.Hour}},
		{Name: "production-weekly", Cron: "0 3 * * 0", Paused: true, BackupOptions: full},
		{Name: "often", Cron: "@every 6h"},
	}
	for _, s := range schedules {
		argv, err := s.Argv()
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := s.Build()
		compare(t, "schedule "+s.Name, run(t, argv), toMap(t, obj))
	}
	restores := []backup.Restore{
		{Name: "drill", FromSchedule: "production-daily", IncludeNamespaces: []string{"production"},
			NamespaceMappings: map[string]string{"production": "production-restore-test", "a": "b"}, RestoreVolumes: ptr(true)},
		{Name: "r1", FromBackup: "production-initial"},
	}
	for _, r := range restores {
		argv, err := r.Argv()
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := r.Build()
		compare(t, "restore "+r.Name, run(t, argv), toMap(t, obj))
	}
}

func TestVeleroInstallAgrees(t *testing.T) {
	kubeconfig = startFake(t)
	dir := t.TempDir()
	creds := dir + "/credentials-velero"
	if err := os.WriteFile(creds, []byte("[default]\naws_access_key_id=x\naws_secret_access_key=y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, in := range []backup.Install{
		{VeleroVersion: "v1.18.3", Provider: backup.ProviderAWS, PluginVersion: "v1.14.3", Bucket: "prodkube-velero-backups",
			Prefix: "production-cluster", BackupLocationConfig: map[string]string{"region": "eu-west-1", "s3ForcePathStyle": "true"},
			SnapshotLocationConfig: map[string]string{"region": "eu-west-1"}, SecretFile: creds, UseNodeAgent: true},
		{VeleroVersion: "v1.18.3", Provider: backup.ProviderGCP, PluginVersion: "v1.14.2", Bucket: "b-1", Namespace: "backup-system",
			NoVolumeSnapshots: true, NoSecret: true, UseNodeAgent: true, DefaultVolumesToFsBackup: true, NoWait: true},
	} {
		argv, err := in.Argv()
		if err != nil {
			t.Fatal(err)
		}
		argv = append(argv, "--dry-run")
		list := run(t, argv)
		locs, _ := in.Build()
		found := map[string]bool{}
		for _, it := range list["items"].([]any) {
			m := it.(map[string]any)
			switch m["kind"] {
			case "BackupStorageLocation":
				found["bsl"] = true
				compare(t, "install BSL "+string(in.Provider), m, toMap(t, locs.BackupStorageLocation))
			case "VolumeSnapshotLocation":
				found["vsl"] = true
				if locs.VolumeSnapshotLocation == nil {
					t.Errorf("CLI creates a VolumeSnapshotLocation, prodkube does not")
				} else {
					compare(t, "install VSL "+string(in.Provider), m, toMap(t, locs.VolumeSnapshotLocation))
				}
			case "Deployment":
				b, _ := json.Marshal(m)
				for _, img := range []string{in.VeleroImage(), in.PluginImage()} {
					if !strings.Contains(string(b), `"image":"`+img+`"`) {
						t.Errorf("Deployment does not use %s", img)
					}
				}
			}
		}
		if !found["bsl"] || found["vsl"] != (locs.VolumeSnapshotLocation != nil) {
			t.Errorf("locations found %v", found)
		}
	}
}
