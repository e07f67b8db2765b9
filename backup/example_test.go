package backup_test

import (
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/version"
)

func ExampleInstall_Shell() {
	install := backup.Install{
		VeleroVersion:        "v1.18.3",
		Provider:             backup.ProviderAWS,
		PluginVersion:        "v1.14.3",
		Bucket:               "prodkube-velero-backups",
		BackupLocationConfig: map[string]string{"region": "eu-west-1"},
		NoVolumeSnapshots:    true,
		SecretFile:           "./credentials-velero",
		UseNodeAgent:         true,
	}
	line, err := install.Shell()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(line)
	// Output:
	// velero install --namespace velero --provider aws --image docker.io/velero/velero:v1.18.3 --plugins docker.io/velero/velero-plugin-for-aws:v1.14.3 --bucket prodkube-velero-backups --backup-location-config region=eu-west-1 --use-volume-snapshots=false --secret-file ./credentials-velero --use-node-agent --wait
}

// A plugin release that does not match the Velero release is refused,
// with the line that would fit.
func ExampleInstall_Validate() {
	install := backup.Install{
		VeleroVersion: "v1.18.3",
		Provider:      backup.ProviderAWS,
		PluginVersion: "v1.5.0",
		Bucket:        "prodkube-velero-backups",
		NoSecret:      true,
	}
	for _, err := range install.Validate() {
		fmt.Println(err)
	}
	// Output:
	// pluginVersion: Invalid value: "v1.5.0": velero/velero-plugin-for-aws v1.5.0 does not match Velero v1.18.3; Velero v1.18 needs plugin v1.14.x
}

func ExampleInstall_Build() {
	install := backup.Install{
		VeleroVersion: "v1.18.3", Provider: backup.ProviderGCP, PluginVersion: "v1.14.2",
		Bucket: "prodkube-velero-backups", Prefix: "cluster-a", NoVolumeSnapshots: true, NoSecret: true,
	}
	locs, err := install.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := prodkube.MarshalYAML(locs.BackupStorageLocation)
	fmt.Print(string(data))
	// Output:
	// apiVersion: velero.io/v1
	// kind: BackupStorageLocation
	// metadata:
	//   labels:
	//     component: velero
	//   name: default
	//   namespace: velero
	// spec:
	//   default: true
	//   objectStorage:
	//     bucket: prodkube-velero-backups
	//     prefix: cluster-a
	//   provider: gcp
}

func ExampleBackup_Argv() {
	b := backup.Backup{
		Name: "pre-upgrade-v1-37-2",
		Wait: true,
		BackupOptions: backup.BackupOptions{
			IncludeNamespaces: []string{"production"},
			TTL:               7 * 24 * time.Hour,
		},
	}
	argv, err := b.Argv()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", argv)
	// Output:
	// ["velero" "backup" "create" "pre-upgrade-v1-37-2" "--namespace" "velero" "--include-namespaces" "production" "--ttl" "168h0m0s" "--wait"]
}

func ExampleBackup_Build() {
	b := backup.Backup{Name: "production-initial", BackupOptions: backup.BackupOptions{
		IncludeNamespaces: []string{"production"},
		Selector:          map[string]string{"app.kubernetes.io/part-of": "shop"},
	}}
	obj, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := prodkube.MarshalYAML(obj)
	fmt.Print(string(data))
	// Output:
	// apiVersion: velero.io/v1
	// kind: Backup
	// metadata:
	//   name: production-initial
	//   namespace: velero
	// spec:
	//   includedNamespaces:
	//   - production
	//   labelSelector:
	//     matchLabels:
	//       app.kubernetes.io/part-of: shop
	//   ttl: 720h0m0s
}

func ExampleSchedule_Shell() {
	s := backup.Schedule{
		Name:          "production-daily",
		Cron:          "0 1 * * *",
		BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production"}},
	}
	line, err := s.Shell()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(line)
	// Output:
	// velero schedule create production-daily --namespace velero --schedule '0 1 * * *' --include-namespaces production --ttl 720h0m0s
}

func ExampleSchedule_Build() {
	s := backup.Schedule{
		Name:          "production-weekly",
		Cron:          "0 3 * * 0",
		BackupOptions: backup.BackupOptions{IncludeNamespaces: []string{"production"}, TTL: 90 * 24 * time.Hour},
	}
	obj, err := s.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := prodkube.MarshalYAML(obj)
	fmt.Print(string(data))
	// Output:
	// apiVersion: velero.io/v1
	// kind: Schedule
	// metadata:
	//   name: production-weekly
	//   namespace: velero
	// spec:
	//   schedule: 0 3 * * 0
	//   template:
	//     includedNamespaces:
	//     - production
	//     ttl: 2160h0m0s
}

func ExampleRestore_Shell() {
	r := backup.Restore{
		Name:              "production-restore-test",
		FromSchedule:      "production-daily",
		IncludeNamespaces: []string{"production"},
		NamespaceMappings: map[string]string{"production": "production-restore-test"},
		Wait:              true,
	}
	line, err := r.Shell()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(line)
	// Output:
	// velero restore create production-restore-test --namespace velero --from-schedule production-daily --include-namespaces production --namespace-mappings production:production-restore-test --wait
}

func ExampleRestore_Build() {
	r := backup.Restore{Name: "r1", FromBackup: "production-initial", IncludeNamespaces: []string{"production"}}
	obj, err := r.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := prodkube.MarshalYAML(obj)
	fmt.Print(string(data))
	// Output:
	// apiVersion: velero.io/v1
	// kind: Restore
	// metadata:
	//   name: r1
	//   namespace: velero
	// spec:
	//   backupName: production-initial
	//   includedNamespaces:
	//   - production
}

func ExampleCheckPluginCompatibility() {
	velero := version.MustParse("v1.17.1")
	fmt.Println(backup.CheckPluginCompatibility(backup.ProviderAWS, velero, version.MustParse("v1.13.0")))
	fmt.Println(backup.CheckPluginCompatibility(backup.ProviderAWS, velero, version.MustParse("v1.14.0")))
	// Output:
	// <nil>
	// velero/velero-plugin-for-aws v1.14.0 does not match Velero v1.17.1; Velero v1.17 needs plugin v1.13.x
}

func ExampleCompatiblePluginLine() {
	line, ok := backup.CompatiblePluginLine(backup.ProviderGCP, version.MustParse("v1.18.3"))
	fmt.Println(line, ok)
	// Output:
	// v1.14 true
}

func ExampleValidateCron() {
	for _, expr := range []string{"0 1 * * *", "@every 12h", "0 24 * * *", "@daily"} {
		fmt.Println(expr, "->", backup.ValidateCron(expr, field.NewPath("cron")).ToAggregate())
	}
	// Output:
	// 0 1 * * * -> <nil>
	// @every 12h -> <nil>
	// 0 24 * * * -> cron: Invalid value: "0 24 * * *": hour field "24": 24 is outside 0-23
	// @daily -> cron: Unsupported value: "@daily": supported values: "@every <duration>", "five cron fields"
}

func ExampleEtcdSnapshot_SaveArgv() {
	s := backup.EtcdSnapshot{
		Endpoints: []string{"https://10.0.1.20:2379"},
		CACert:    "/etc/kubernetes/pki/etcd/ca.crt",
		Cert:      "/etc/kubernetes/pki/apiserver-etcd-client.crt",
		Key:       "/etc/kubernetes/pki/apiserver-etcd-client.key",
	}
	save, err := s.SaveArgv(s.Endpoints[0], "/var/backups/etcd/pre-upgrade-v1.37.2.db")
	if err != nil {
		fmt.Println(err)
		return
	}
	status, _ := s.StatusArgv("/var/backups/etcd/pre-upgrade-v1.37.2.db")
	fmt.Printf("%q\n%q\n", save, status)
	// Output:
	// ["etcdctl" "--endpoints" "https://10.0.1.20:2379" "--cacert" "/etc/kubernetes/pki/etcd/ca.crt" "--cert" "/etc/kubernetes/pki/apiserver-etcd-client.crt" "--key" "/etc/kubernetes/pki/apiserver-etcd-client.key" "snapshot" "save" "/var/backups/etcd/pre-upgrade-v1.37.2.db"]
	// ["etcdutl" "--write-out" "table" "snapshot" "status" "/var/backups/etcd/pre-upgrade-v1.37.2.db"]
}

func ExampleEtcdSnapshot_Build() {
	s := backup.EtcdSnapshot{
		Endpoints: []string{"https://10.0.1.20:2379"},
		CACert:    "/etc/etcd/ca.crt", Cert: "/etc/etcd/client.crt", Key: "/etc/etcd/client.key",
	}
	b, err := s.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range b.Files() {
		if f.Path == backup.EtcdSnapshotScriptFile {
			fmt.Println(f.Path, f.Mode)
			os.Stdout.Write(f.Content)
		}
	}
	// Output:
	// backup/etcd-snapshot.sh -rwxr-xr-x
	// #!/usr/bin/env bash
	// # Take an etcd snapshot and verify it. Run on a host that can reach the etcd
	// # members' client port and read the client certificate (a control-plane node).
	// set -euo pipefail
	// umask 077
	//
	// dir=/var/backups/etcd
	// mkdir -p "$dir"
	// snapshot="$dir"/etcd-snapshot"-$(date -u +%Y%m%dT%H%M%SZ).db"
	//
	// # etcd serves a snapshot from one member at a time: ask each in turn.
	// saved=false
	// if [ "$saved" = false ]; then
	//   if etcdctl --endpoints https://10.0.1.20:2379 --cacert /etc/etcd/ca.crt --cert /etc/etcd/client.crt --key /etc/etcd/client.key snapshot save "$snapshot"; then
	//     saved=true
	//   else
	//     echo 'snapshot from https://10.0.1.20:2379 failed; trying the next member' >&2
	//   fi
	// fi
	// if [ "$saved" = false ]; then
	//   echo 'no etcd member produced a snapshot' >&2
	//   exit 1
	// fi
	//
	// # Verify the file offline: fails on a truncated or corrupt snapshot.
	// etcdutl --write-out table snapshot status "$snapshot"
	// echo "$snapshot"
}

func ExampleEtcdSnapshotFromHA() {
	ha := baseline.HA{
		KubernetesVersion: "v1.37.2",
		Endpoint:          baseline.Endpoint{Host: "kube-api.example.com"},
		ControlPlaneNodes: []baseline.ControlPlaneNode{
			{Name: "cp-1", Address: "10.0.1.10", Zone: "eu-west-1a"},
			{Name: "cp-2", Address: "10.0.2.10", Zone: "eu-west-1b"},
			{Name: "cp-3", Address: "10.0.3.10", Zone: "eu-west-1c"},
		},
	}
	s, err := backup.EtcdSnapshotFromHA(ha)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Endpoints)
	fmt.Println(s.CACert, s.Cert, s.Key)
	// Output:
	// [https://10.0.1.10:2379 https://10.0.2.10:2379 https://10.0.3.10:2379]
	// /etc/kubernetes/pki/etcd/ca.crt /etc/kubernetes/pki/apiserver-etcd-client.crt /etc/kubernetes/pki/apiserver-etcd-client.key
}

func ExampleRestoreDrill_Plan() {
	drill := backup.RestoreDrill{Namespace: "production", FromSchedule: "production-daily"}
	plan, err := drill.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.Source, "->", plan.TargetNamespace)
	for i, s := range plan.Steps {
		fmt.Printf("%d. %s\n", i+1, s.Title)
	}
	// Output:
	// the latest successful backup of schedule production-daily -> production-restore-test
	// 1. Check that the target namespace and the restore name are free
	// 2. Restore production into production-restore-test
	// 3. Check the restore's outcome
	// 4. Wait for the restored pods to be ready
	// 5. Wait for the restored volume claims to be bound
	// 6. Compare object counts
}
