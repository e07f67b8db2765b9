package backup

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prodkube/prodkube/security"
)

func validVelero() Velero {
	return Velero{
		Install: Install{
			VeleroVersion: "v1.18.3", Provider: ProviderAWS, PluginVersion: "v1.14.3",
			Bucket: "backups", BackupLocationConfig: map[string]string{"region": "eu-west-1"},
			SecretFile: "./creds", UseNodeAgent: true,
		},
		Schedules: []Schedule{{Name: "daily", Cron: "0 1 * * *"}},
		Backups:   []Backup{{Name: "first", Wait: true}},
	}
}

func TestVeleroBuild(t *testing.T) {
	s, err := validVelero().Build()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Namespace.Labels["pod-security.kubernetes.io/enforce"]; got != string(security.LevelPrivileged) {
		t.Errorf("node agent namespace enforce = %q, want privileged (it mounts host paths)", got)
	}
	var paths []string
	for _, f := range s.Files() {
		paths = append(paths, f.Path)
	}
	if diff := cmp.Diff([]string{VeleroScriptFile, VeleroObjectsFile}, paths); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	script := string(s.Files()[0].Content)
	// The commands run in dependency order: install, schedules, backups.
	iInstall, iSched, iBackup := strings.Index(script, "velero install"), strings.Index(script, "velero schedule create daily"), strings.Index(script, "velero backup create first")
	if iInstall < 0 || iSched < iInstall || iBackup < iSched {
		t.Errorf("script order install=%d schedule=%d backup=%d:\n%s", iInstall, iSched, iBackup, script)
	}
	if !strings.Contains(script, "set -euo pipefail") || s.Files()[0].Mode != 0o755 {
		t.Errorf("script must stop at the first failure and be executable")
	}
	objs := string(s.Files()[1].Content)
	if strings.Index(objs, "kind: BackupStorageLocation") > strings.Index(objs, "kind: Schedule") || strings.Index(objs, "kind: Schedule") > strings.Index(objs, "kind: Backup\n") {
		t.Errorf("objects not in apply order:\n%s", objs)
	}
	v := validVelero()
	v.Install.UseNodeAgent = false
	s, err = v.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Namespace.Labels["pod-security.kubernetes.io/enforce"]; got != string(security.LevelRestricted) {
		t.Errorf("namespace without node agent enforce = %q, want restricted", got)
	}
}

func TestVeleroValidatePaths(t *testing.T) {
	v := validVelero()
	v.Install.Bucket = ""
	v.Schedules = append(v.Schedules, Schedule{Name: "daily", Cron: "61 * * * *"})
	v.Backups = append(v.Backups, Backup{Name: "first"})
	var got []string
	for _, e := range v.Validate() {
		got = append(got, string(e.Type)+" "+e.Field)
	}
	want := []string{
		"FieldValueRequired install.bucket",
		"FieldValueInvalid schedules[1].cron",
		"FieldValueDuplicate schedules[1].name",
		"FieldValueDuplicate backups[1].name",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if s, err := v.Build(); s != nil || err == nil {
		t.Errorf("Build = %v, %v; want only an error", s, err)
	}
}

func TestZeroResultsAreSafe(t *testing.T) {
	var setup *VeleroSetup
	var etcd *EtcdBackup
	var drill *DrillPlan
	var locs *Locations
	if setup.Objects() != nil || setup.Files() != nil || etcd.Files() != nil || drill.Files() != nil || locs.Objects() != nil {
		t.Error("nil results must have no objects and no files")
	}
	if (&VeleroSetup{}).Objects() != nil || len((&VeleroSetup{}).Files()) != 0 || len((&EtcdBackup{}).Files()) != 0 || (&DrillPlan{}).Files() != nil || (&Locations{}).Objects() != nil {
		t.Error("zero results must have no objects and no files")
	}
}
