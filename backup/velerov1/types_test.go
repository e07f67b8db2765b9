package velerov1_test

import (
	"fmt"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup/velerov1"
)

// Every kind is a prodkube.Object, so it can be rendered and written with
// the module's render helpers like any k8s.io/api type.
var _ = []prodkube.Object{
	&velerov1.Backup{}, &velerov1.Schedule{}, &velerov1.Restore{},
	&velerov1.BackupStorageLocation{}, &velerov1.VolumeSnapshotLocation{},
}

func ExampleTypeMetaFor() {
	bsl := &velerov1.BackupStorageLocation{TypeMeta: velerov1.TypeMetaFor(velerov1.KindBackupStorageLocation)}
	bsl.Name, bsl.Namespace = "secondary", "velero"
	bsl.Spec = velerov1.BackupStorageLocationSpec{
		Provider:      "aws",
		ObjectStorage: &velerov1.ObjectStorageLocation{Bucket: "dr-backups"},
		Credential:    &velerov1.SecretKeySelector{Name: "dr-credentials", Key: "cloud"},
	}
	data, err := prodkube.MarshalYAML(bsl)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(data))
	// Output:
	// apiVersion: velero.io/v1
	// kind: BackupStorageLocation
	// metadata:
	//   name: secondary
	//   namespace: velero
	// spec:
	//   credential:
	//     key: cloud
	//     name: dr-credentials
	//   objectStorage:
	//     bucket: dr-backups
	//   provider: aws
}
