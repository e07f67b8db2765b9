package upgrade

import (
	"fmt"

	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/version"
)

// BackupRequest describes the backups a plan needs before its first hop.
type BackupRequest struct {
	// Name names the backups ("pre-upgrade-v1-37-2"): the Velero backup and
	// the etcd snapshot file.
	Name string
	// Target is the version the upgrade goes to.
	Target version.Version
	// ControlPlaneNode is the node that runs kubectl and can reach etcd;
	// commands with Node set to it run there as root.
	ControlPlaneNode string
	// AdminKubeconfig is the kubeconfig on ControlPlaneNode.
	AdminKubeconfig string
}

// BackupCommands are the commands and checks of the backup step.
type BackupCommands struct {
	// Commands run in order (Node "" means the workstation).
	Commands []Command
	// Verify checks that the backups exist.
	Verify []Check
	// Notes tell a person what to do with the backups (for example copy the
	// snapshot off the node).
	Notes []string
}

// Backups supplies the pre-upgrade backup commands of a plan. BackupSpecs
// is the implementation built on package backup; another one can wrap a
// different tool.
type Backups interface {
	PreUpgradeBackup(BackupRequest) (BackupCommands, error)
}

// BackupSpecs takes the pre-upgrade backups with package backup's commands:
// `etcdctl snapshot save` on the control plane node, checked with `etcdutl
// snapshot status`, and `velero backup create --wait` on the workstation,
// checked through the Backup object's phase.
type BackupSpecs struct {
	// Etcd says how to reach etcd from the control plane node (see
	// backup.EtcdSnapshotFromHA). Empty Endpoints mean kubeadm's stacked
	// etcd on that node: https://127.0.0.1:2379 with the node's etcd CA and
	// the healthcheck-client certificate kubeadm issues. The snapshot is
	// taken from the first endpoint. etcdctl and etcdutl must be installed
	// on the node (or named in Etcdctl/Etcdutl).
	Etcd backup.EtcdSnapshot
	// Velero selects what the Velero backup holds; the zero value backs up
	// every namespace.
	Velero backup.BackupOptions
}

// PreUpgradeBackup implements Backups.
func (b BackupSpecs) PreUpgradeBackup(r BackupRequest) (BackupCommands, error) {
	etcd := b.Etcd
	if len(etcd.Endpoints) == 0 {
		const pki = "/etc/kubernetes/pki/etcd/"
		etcd.Endpoints = []string{"https://127.0.0.1:" + backup.EtcdClientPort}
		etcd.CACert = pki + "ca.crt"
		etcd.Cert = pki + "healthcheck-client.crt"
		etcd.Key = pki + "healthcheck-client.key"
	}
	if err := etcd.Validate().ToAggregate(); err != nil {
		return BackupCommands{}, fmt.Errorf("etcd snapshot: %w", err)
	}
	dir := etcd.Dir
	if dir == "" {
		dir = backup.DefaultEtcdSnapshotDir
	}
	file := dir + "/" + r.Name + ".db"
	save, err := etcd.SaveArgv(etcd.Endpoints[0], file)
	if err != nil {
		return BackupCommands{}, fmt.Errorf("etcd snapshot: %w", err)
	}
	status, err := etcd.StatusArgv(file)
	if err != nil {
		return BackupCommands{}, fmt.Errorf("etcd snapshot: %w", err)
	}
	velero, err := backup.Backup{Name: r.Name, Wait: true, BackupOptions: b.Velero}.Argv()
	if err != nil {
		return BackupCommands{}, fmt.Errorf("velero backup: %w", err)
	}
	ns := b.Velero.VeleroNamespace
	if ns == "" {
		ns = backup.DefaultVeleroNamespace
	}
	node := r.ControlPlaneNode
	return BackupCommands{
		Commands: []Command{
			{Node: node, Argv: []string{"install", "-d", "-m", "0700", dir}},
			{Node: node, Argv: save},
			{Argv: velero},
		},
		Verify: []Check{
			{
				Description: "the etcd snapshot " + file + " on " + node + " is readable",
				Command:     Command{Node: node, Argv: status},
			},
			{
				Description: "the Velero backup " + r.Name + " completed",
				Command:     Command{Node: node, Argv: []string{"kubectl", "--kubeconfig", r.AdminKubeconfig, "-n", ns, "get", "backups.velero.io", r.Name, "-o", "jsonpath={.status.phase}"}},
				Want:        "Completed",
			},
		},
		Notes: []string{
			"The etcd snapshot is written to " + file + " on " + node + "; copy it off the node before going on.",
			"Restoring the etcd snapshot rewinds the whole cluster; the Velero backup restores workloads and volumes selectively.",
		},
	}, nil
}
