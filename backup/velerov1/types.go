// Package velerov1 holds the velero.io/v1 objects that prodkube emits:
// Backup, Schedule, Restore, BackupStorageLocation and VolumeSnapshotLocation.
//
// They are prodkube's own structs rather than Velero's pkg/apis/velero/v1
// types, so that importing prodkube does not pull in Velero and its
// dependency tree. Every field carries the JSON name that Velero's types use
// (checked against github.com/vmware-tanzu/velero v1.18.3,
// pkg/apis/velero/v1), and only the fields prodkube sets are modelled:
// a document written from these structs is a valid velero.io/v1 object that
// the CRDs shipped in config/crd/v1/bases accept.
//
// Each type embeds metav1.TypeMeta and metav1.ObjectMeta, so a pointer to it
// satisfies metav1.Object and runtime's GetObjectKind, like any k8s.io/api
// type.
package velerov1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GroupVersion is the apiVersion of every object in this package.
const GroupVersion = "velero.io/v1"

// Kind names, as Velero registers them.
const (
	KindBackup                 = "Backup"
	KindSchedule               = "Schedule"
	KindRestore                = "Restore"
	KindBackupStorageLocation  = "BackupStorageLocation"
	KindVolumeSnapshotLocation = "VolumeSnapshotLocation"
)

// BackupSpec is the part of Velero's BackupSpec that prodkube sets: which
// namespaces and resources to back up, how long to keep the backup, and how
// volumes are captured.
type BackupSpec struct {
	// IncludedNamespaces lists the namespaces to back up; ["*"] means all.
	IncludedNamespaces []string `json:"includedNamespaces,omitempty"`
	// ExcludedNamespaces lists namespaces left out of the backup.
	ExcludedNamespaces []string `json:"excludedNamespaces,omitempty"`
	// IncludedResources lists resources ("deployments.apps") to back up.
	IncludedResources []string `json:"includedResources,omitempty"`
	// ExcludedResources lists resources left out of the backup.
	ExcludedResources []string `json:"excludedResources,omitempty"`
	// LabelSelector restricts the backup to objects carrying these labels.
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty"`
	// SnapshotVolumes says whether persistent volumes are snapshotted;
	// nil leaves Velero's default (true).
	SnapshotVolumes *bool `json:"snapshotVolumes,omitempty"`
	// TTL is how long the backup is kept before garbage collection.
	TTL *metav1.Duration `json:"ttl,omitempty"`
	// StorageLocation names the BackupStorageLocation to write to; empty
	// means the default location.
	StorageLocation string `json:"storageLocation,omitempty"`
	// DefaultVolumesToFsBackup backs every pod volume up with the node
	// agent's file-system backup unless a pod opts out.
	DefaultVolumesToFsBackup *bool `json:"defaultVolumesToFsBackup,omitempty"`
}

// Backup is a velero.io/v1 Backup: one backup, run once.
type Backup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec describes what to back up.
	Spec BackupSpec `json:"spec,omitempty"`
}

// ScheduleSpec is the part of Velero's ScheduleSpec that prodkube sets.
type ScheduleSpec struct {
	// Template is the spec of every backup the schedule creates.
	Template BackupSpec `json:"template"`
	// Schedule is a cron expression (or "@every <duration>").
	Schedule string `json:"schedule"`
	// Paused stops the schedule from creating backups.
	Paused bool `json:"paused,omitempty"`
}

// Schedule is a velero.io/v1 Schedule: backups created on a cron schedule.
type Schedule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec holds the cron expression and the backup template.
	Spec ScheduleSpec `json:"spec,omitempty"`
}

// RestoreSpec is the part of Velero's RestoreSpec that prodkube sets.
type RestoreSpec struct {
	// BackupName is the backup to restore from.
	BackupName string `json:"backupName,omitempty"`
	// ScheduleName restores from the most recent successful backup of
	// this schedule.
	ScheduleName string `json:"scheduleName,omitempty"`
	// IncludedNamespaces lists the namespaces (as named in the backup) to
	// restore; ["*"] means all.
	IncludedNamespaces []string `json:"includedNamespaces,omitempty"`
	// NamespaceMapping restores the objects of a backed-up namespace
	// (key) into another namespace (value).
	NamespaceMapping map[string]string `json:"namespaceMapping,omitempty"`
	// RestorePVs says whether volumes are restored from snapshots; nil
	// leaves Velero's default.
	RestorePVs *bool `json:"restorePVs,omitempty"`
}

// Restore is a velero.io/v1 Restore.
type Restore struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec describes what to restore and where.
	Spec RestoreSpec `json:"spec,omitempty"`
}

// ObjectStorageLocation is the bucket (and prefix inside it) that holds
// Velero's backups.
type ObjectStorageLocation struct {
	// Bucket is the object storage bucket (or Azure blob container).
	Bucket string `json:"bucket"`
	// Prefix is the path inside the bucket under which Velero writes.
	Prefix string `json:"prefix,omitempty"`
}

// SecretKeySelector names one key of a Secret in Velero's namespace. It
// mirrors corev1.SecretKeySelector's JSON names; credentials are always
// referenced this way, never inlined.
type SecretKeySelector struct {
	// Name is the Secret's name.
	Name string `json:"name"`
	// Key is the key inside the Secret.
	Key string `json:"key"`
}

// BackupStorageLocationSpec is the part of Velero's
// BackupStorageLocationSpec that prodkube sets.
type BackupStorageLocationSpec struct {
	// Provider is the object store plugin's provider name ("aws", "gcp",
	// "azure").
	Provider string `json:"provider"`
	// Config holds provider-specific settings (region, ...).
	Config map[string]string `json:"config,omitempty"`
	// Credential references the Secret key holding the credentials; nil
	// means the credentials Velero was installed with.
	Credential *SecretKeySelector `json:"credential,omitempty"`
	// ObjectStorage is the bucket and prefix.
	ObjectStorage *ObjectStorageLocation `json:"objectStorage"`
	// Default marks the location used by backups that name none.
	Default bool `json:"default,omitempty"`
}

// BackupStorageLocation is a velero.io/v1 BackupStorageLocation.
type BackupStorageLocation struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec describes where backups are stored.
	Spec BackupStorageLocationSpec `json:"spec,omitempty"`
}

// VolumeSnapshotLocationSpec is the part of Velero's
// VolumeSnapshotLocationSpec that prodkube sets.
type VolumeSnapshotLocationSpec struct {
	// Provider is the volume snapshotter plugin's provider name.
	Provider string `json:"provider"`
	// Config holds provider-specific settings (region, ...).
	Config map[string]string `json:"config,omitempty"`
	// Credential references the Secret key holding the credentials; nil
	// means the credentials Velero was installed with.
	Credential *SecretKeySelector `json:"credential,omitempty"`
}

// VolumeSnapshotLocation is a velero.io/v1 VolumeSnapshotLocation.
type VolumeSnapshotLocation struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec describes where volume snapshots are taken.
	Spec VolumeSnapshotLocationSpec `json:"spec,omitempty"`
}

// TypeMetaFor returns the TypeMeta of a velero.io/v1 kind.
func TypeMetaFor(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: GroupVersion, Kind: kind}
}
