package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/security"
)

func init() { register(60, "backup", addBackup) }

// exampleVelero is the Velero installation of the production setup: Velero
// v1.18.3 on AWS with the plugin line its README lists for that release
// (v1.14.x), backups in one S3 bucket under a per-cluster prefix, and the
// node agent for volumes without snapshot support.
func exampleVelero() backup.Install {
	return backup.Install{
		VeleroVersion:          "v1.18.3",
		Provider:               backup.ProviderAWS,
		PluginVersion:          "v1.14.3",
		Bucket:                 "prodkube-velero-backups",
		Prefix:                 "production-cluster",
		BackupLocationConfig:   map[string]string{"region": "eu-west-1"},
		SnapshotLocationConfig: map[string]string{"region": "eu-west-1"},
		SecretFile:             "./credentials-velero",
		UseNodeAgent:           true,
	}
}

// exampleBackups are the production namespace's daily and weekly backup
// schedules (01:00 UTC every day, kept 30 days; 03:00 UTC on Sundays, kept
// 90 days) and the first backup taken right after installing.
func exampleBackups() (daily, weekly backup.Schedule, first backup.Backup) {
	production := backup.BackupOptions{IncludeNamespaces: []string{"production"}}
	daily = backup.Schedule{Name: "production-daily", Cron: "0 1 * * *", BackupOptions: production}
	daily.TTL = 30 * 24 * time.Hour
	weekly = backup.Schedule{Name: "production-weekly", Cron: "0 3 * * 0", BackupOptions: production}
	weekly.TTL = 90 * 24 * time.Hour
	first = backup.Backup{Name: "production-initial", Wait: true, BackupOptions: production}
	return daily, weekly, first
}

// addBackup writes the Velero install and backup commands, the Velero
// objects they create, the etcd snapshot script and the restore drill.
func addBackup(out *output) error {
	install := exampleVelero()
	daily, weekly, first := exampleBackups()

	// The velero namespace: Velero's own installer labels it privileged,
	// because the node agent mounts the kubelet's pod directories from the
	// host (hostPath, refused by baseline). The Velero server alone would
	// run under restricted, but both share the namespace.
	ns, err := security.Namespace{Name: backup.DefaultVeleroNamespace, Enforce: security.LevelPrivileged}.Build()
	if err != nil {
		return fmt.Errorf("backup: velero namespace: %w", err)
	}
	out.add(ns)

	var sh bytes.Buffer
	sh.WriteString("#!/usr/bin/env bash\n")
	sh.WriteString("# Install Velero and the production namespace's backups. Needs velero and kubectl\n")
	sh.WriteString("# configured for the cluster, and the AWS credentials in ./credentials-velero.\n")
	sh.WriteString("set -euo pipefail\n\n")
	for _, step := range []struct {
		comment string
		cmd     interface{ Shell() (string, error) }
	}{
		{"Install Velero with the plugin that matches its version.", install},
		{"Back up production every day at 01:00 UTC, kept 30 days.", daily},
		{"Back up production every Sunday at 03:00 UTC, kept 90 days.", weekly},
		{"Take the first backup now and wait for it, so a broken setup shows at once.", first},
	} {
		line, err := step.cmd.Shell()
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		fmt.Fprintf(&sh, "# %s\n%s\n\n", step.comment, line)
	}
	out.file("backup/velero.sh", sh.Bytes())

	locs, err := install.Build()
	if err != nil {
		return fmt.Errorf("backup: locations: %w", err)
	}
	dailyObj, err := daily.Build()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	weeklyObj, err := weekly.Build()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	firstObj, err := first.Build()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	objs := []prodkube.Object{locs.BackupStorageLocation}
	if locs.VolumeSnapshotLocation != nil {
		objs = append(objs, locs.VolumeSnapshotLocation)
	}
	objs = append(objs, dailyObj, weeklyObj, firstObj)
	// Written in apply order (locations before the schedules and the
	// backup that use them), which a kind-sorted stream would not keep.
	var yaml bytes.Buffer
	for _, obj := range objs {
		doc, err := prodkube.MarshalYAML(obj)
		if err != nil {
			return fmt.Errorf("backup: velero objects: %w", err)
		}
		yaml.WriteString("---\n")
		yaml.Write(doc)
	}
	out.file("backup/velero-objects.yaml", yaml.Bytes())

	snap, err := backup.EtcdSnapshotFromHA(exampleHA())
	if err != nil {
		return fmt.Errorf("backup: etcd snapshot: %w", err)
	}
	script, err := snap.Script()
	if err != nil {
		return fmt.Errorf("backup: etcd snapshot: %w", err)
	}
	out.file("backup/etcd-snapshot.sh", script)
	outline, err := snap.RestoreOutline()
	if err != nil {
		return fmt.Errorf("backup: etcd restore: %w", err)
	}
	out.file("backup/etcd-restore.md", outline)

	drill := backup.RestoreDrill{Namespace: "production", FromSchedule: daily.Name}
	plan, err := drill.Plan()
	if err != nil {
		return fmt.Errorf("backup: restore drill: %w", err)
	}
	out.file("backup/restore-drill.md", plan.Markdown())
	out.file("backup/restore-drill.sh", plan.Script())
	return nil
}
