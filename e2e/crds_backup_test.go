package e2e

// Velero's CRDs for the velero.io/v1 objects the backup package emits
// (DIR/backup/velero-objects.yaml): the release the example installs,
// v1.18.3, so the API server validates them against exactly the schema
// that Velero serves.
func init() {
	crdSources = append(crdSources, crdSource{
		Module:  "github.com/vmware-tanzu/velero",
		Version: "v1.18.3",
		Paths: []string{
			"config/crd/v1/bases/velero.io_backups.yaml",
			"config/crd/v1/bases/velero.io_backupstoragelocations.yaml",
			"config/crd/v1/bases/velero.io_restores.yaml",
			"config/crd/v1/bases/velero.io_schedules.yaml",
			"config/crd/v1/bases/velero.io_volumesnapshotlocations.yaml",
		},
	})
}
