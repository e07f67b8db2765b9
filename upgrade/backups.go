package upgrade

import (
	"github.com/prodkube/prodkube/internal/version"
)

// BackupRequest describes the backups a plan needs before its first hop.
type BackupRequest struct {
	// Name names the backups ("pre-upgrade-v1-37-2"): the Velero backup and
	// the etcd snapshot file.
	Name string
	// Target is the version the upgrade goes to.
	Target version.Version
	// ControlPlaneNode is the node that runs kubectl and holds an etcd
	// member; commands with Node set to it run there as root.
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

// Backups supplies the pre-upgrade backup commands of a plan.
type Backups interface {
	PreUpgradeBackup(BackupRequest) (BackupCommands, error)
}

// DefaultBackups takes an etcd snapshot with the etcdctl of the node's own
// etcd static pod (kubeadm's stacked etcd) and a Velero backup with the
// velero CLI of the workstation.
type DefaultBackups struct {
	// VeleroNamespace is where Velero runs; empty means "velero".
	VeleroNamespace string
}

// EtcdSnapshotDir is where DefaultBackups writes the etcd snapshot on the
// control plane node: the etcd data directory's parent mount, which the etcd
// static pod of kubeadm sees at the same path.
const EtcdSnapshotDir = "/var/lib/etcd"

// PreUpgradeBackup implements Backups.
func (d DefaultBackups) PreUpgradeBackup(r BackupRequest) (BackupCommands, error) {
	ns := d.VeleroNamespace
	if ns == "" {
		ns = "velero"
	}
	kubectl := func(args ...string) Command {
		return Command{Node: r.ControlPlaneNode, Argv: append([]string{"kubectl", "--kubeconfig", r.AdminKubeconfig}, args...)}
	}
	snapshot := EtcdSnapshotDir + "/" + r.Name + ".db"
	pki := "/etc/kubernetes/pki/etcd/"
	return BackupCommands{
		Commands: []Command{
			kubectl("-n", "kube-system", "exec", "etcd-"+r.ControlPlaneNode, "--",
				"etcdctl", "--endpoints=https://127.0.0.1:2379",
				"--cacert="+pki+"ca.crt", "--cert="+pki+"healthcheck-client.crt", "--key="+pki+"healthcheck-client.key",
				"snapshot", "save", snapshot),
			{Argv: []string{"velero", "backup", "create", r.Name, "--namespace", ns, "--wait"}},
		},
		Verify: []Check{{
			Description: "the Velero backup " + r.Name + " completed",
			Command:     kubectl("-n", ns, "get", "backups.velero.io", r.Name, "-o", "jsonpath={.status.phase}"),
			Want:        "Completed",
		}},
		Notes: []string{
			"The etcd snapshot is written to " + snapshot + " on " + r.ControlPlaneNode + "; copy it off the node before going on.",
		},
	}, nil
}
