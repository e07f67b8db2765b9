package main

import (
	"fmt"
	"time"

	"github.com/prodkube/prodkube/backup"
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

	setup, err := backup.Velero{
		Install:   install,
		Schedules: []backup.Schedule{daily, weekly},
		Backups:   []backup.Backup{first},
	}.Build()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	out.add(setup.Objects()...)
	for _, f := range setup.Files() {
		out.file(f.Path, f.Content)
	}

	snap, err := backup.EtcdSnapshotFromHA(exampleHA())
	if err != nil {
		return fmt.Errorf("backup: etcd snapshot: %w", err)
	}
	etcd, err := snap.Build()
	if err != nil {
		return fmt.Errorf("backup: etcd snapshot: %w", err)
	}
	for _, f := range etcd.Files() {
		out.file(f.Path, f.Content)
	}

	drill := backup.RestoreDrill{Namespace: "production", FromSchedule: daily.Name}
	plan, err := drill.Plan()
	if err != nil {
		return fmt.Errorf("backup: restore drill: %w", err)
	}
	for _, f := range plan.Files() {
		out.file(f.Path, f.Content)
	}
	return nil
}
