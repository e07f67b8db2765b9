package backup

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// errPaths returns "type path" for every error, to compare with the exact
// expectations of a table test.
func errPaths(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, string(e.Type)+" "+e.Field)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func exampleInstall() Install {
	return Install{
		VeleroVersion:          "v1.18.3",
		Provider:               ProviderAWS,
		PluginVersion:          "v1.14.3",
		Bucket:                 "prodkube-backups",
		Prefix:                 "cluster-a",
		BackupLocationConfig:   map[string]string{"region": "eu-west-1", "s3ForcePathStyle": "true"},
		SnapshotLocationConfig: map[string]string{"region": "eu-west-1"},
		SecretFile:             "./credentials-velero",
		UseNodeAgent:           true,
	}
}

func TestInstallArgv(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Install
		want string
	}{
		{"aws with secret file", exampleInstall(),
			"velero install --namespace velero --provider aws --image docker.io/velero/velero:v1.18.3 " +
				"--plugins docker.io/velero/velero-plugin-for-aws:v1.14.3 --bucket prodkube-backups --prefix cluster-a " +
				"--backup-location-config region=eu-west-1,s3ForcePathStyle=true --snapshot-location-config region=eu-west-1 " +
				"--secret-file ./credentials-velero --use-node-agent --wait"},
		{"gcp workload identity, no snapshots, fs backup by default, mirror", Install{
			VeleroVersion: "v1.17.1", Provider: ProviderGCP, PluginVersion: "v1.13.0", Bucket: "b-1",
			ImageRegistry: "registry.example.com:5000/mirror", Namespace: "backup-system",
			NoVolumeSnapshots: true, NoSecret: true, UseNodeAgent: true, DefaultVolumesToFsBackup: true, NoWait: true},
			"velero install --namespace backup-system --provider gcp --image registry.example.com:5000/mirror/velero/velero:v1.17.1 " +
				"--plugins registry.example.com:5000/mirror/velero/velero-plugin-for-gcp:v1.13.0 --bucket b-1 " +
				"--use-volume-snapshots=false --no-secret --use-node-agent --default-volumes-to-fs-backup"},
		{"versions without v still give v-tagged images", Install{VeleroVersion: "1.18.3", Provider: ProviderAWS, PluginVersion: "1.14.3",
			Bucket: "velero", NoSecret: true, NoWait: true},
			"velero install --namespace velero --provider aws --image docker.io/velero/velero:v1.18.3 " +
				"--plugins docker.io/velero/velero-plugin-for-aws:v1.14.3 --bucket velero --no-secret"},
		{"azure", Install{VeleroVersion: "v1.17.0", Provider: ProviderAzure, PluginVersion: "v1.13.2", Bucket: "velero",
			BackupLocationConfig: map[string]string{"resourceGroup": "rg", "storageAccount": "sa1"}, SecretFile: "/secure/azure creds"},
			"velero install --namespace velero --provider azure --image docker.io/velero/velero:v1.17.0 " +
				"--plugins docker.io/velero/velero-plugin-for-microsoft-azure:v1.13.2 --bucket velero " +
				"--backup-location-config resourceGroup=rg,storageAccount=sa1 --secret-file '/secure/azure creds' --wait"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Shell()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestInstallValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Install)
		want []string
	}{
		{"valid", func(*Install) {}, nil},
		{"empty", func(in *Install) { *in = Install{} }, []string{
			"FieldValueRequired veleroVersion", "FieldValueRequired provider", "FieldValueRequired pluginVersion",
			"FieldValueRequired bucket", "FieldValueRequired secretFile"}},
		{"plugin line of another Velero", func(in *Install) { in.PluginVersion = "v1.5.0" }, []string{"FieldValueInvalid pluginVersion"}},
		{"unknown provider", func(in *Install) { in.Provider = "ceph" }, []string{"FieldValueNotSupported provider"}},
		{"bad versions", func(in *Install) { in.VeleroVersion = "1.18"; in.PluginVersion = "latest" }, []string{
			"FieldValueInvalid veleroVersion", "FieldValueInvalid pluginVersion"}},
		{"bad bucket and prefix", func(in *Install) { in.Bucket = "Bad_Bucket"; in.Prefix = "/a/../b" }, []string{
			"FieldValueInvalid bucket", "FieldValueInvalid prefix"}},
		{"inlined credentials", func(in *Install) {
			in.BackupLocationConfig = map[string]string{"aws_secret_access_key": "x", "region": "a,b"}
		}, []string{"FieldValueForbidden backupLocationConfig[aws_secret_access_key]", "FieldValueInvalid backupLocationConfig[region]"}},
		{"both secret file and no secret", func(in *Install) { in.NoSecret = true }, []string{"FieldValueForbidden noSecret"}},
		{"secret file that reads as a flag", func(in *Install) { in.SecretFile = "-creds" }, []string{"FieldValueInvalid secretFile"}},
		{"snapshot config without snapshots", func(in *Install) { in.NoVolumeSnapshots = true }, []string{"FieldValueForbidden snapshotLocationConfig"}},
		{"fs backup without node agent", func(in *Install) { in.UseNodeAgent = false; in.DefaultVolumesToFsBackup = true },
			[]string{"FieldValueForbidden defaultVolumesToFsBackup"}},
		{"registry path with upper case", func(in *Install) { in.ImageRegistry = "registry.example.com/Mirror" },
			[]string{"FieldValueInvalid imageRegistry"}},
		{"registry port out of range", func(in *Install) { in.ImageRegistry = "registry.example.com:70000" },
			[]string{"FieldValueInvalid imageRegistry"}},
		{"bad namespace and registry", func(in *Install) { in.Namespace = "Velero"; in.ImageRegistry = "reg istry" }, []string{
			"FieldValueInvalid imageRegistry", "FieldValueInvalid namespace"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := exampleInstall()
			tc.mod(&in)
			if diff := cmp.Diff(tc.want, errPaths(in.Validate())); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, in.Validate())
			}
			argv, err := in.Argv()
			locs, berr := in.Build()
			if (len(tc.want) == 0) != (err == nil && berr == nil) || (argv == nil) != (err != nil) || (locs == nil) != (berr != nil) {
				t.Errorf("want error %v; Argv err %v, Build err %v", len(tc.want) > 0, err, berr)
			}
		})
	}
}

func dailyProduction() Backup {
	return Backup{Name: "production-daily", BackupOptions: BackupOptions{
		IncludeNamespaces: []string{"production"}, TTL: 30 * 24 * time.Hour, SnapshotVolumes: ptr(true)}}
}

func TestBackupArgv(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Backup
		want string
	}{
		{"daily production", dailyProduction(),
			"velero backup create production-daily --namespace velero --include-namespaces production --ttl 720h0m0s --snapshot-volumes=true"},
		{"defaults: everything, default TTL", Backup{Name: "all"},
			"velero backup create all --namespace velero --include-namespaces '*' --ttl 720h0m0s"},
		{"every option", Backup{Name: "pre-upgrade", Wait: true, BackupOptions: BackupOptions{
			VeleroNamespace: "backup-system", IncludeNamespaces: []string{"a", "b"}, ExcludeNamespaces: []string{"c"},
			IncludeResources: []string{"deployments.apps", "configmaps"}, ExcludeResources: []string{"events"},
			Selector: map[string]string{"tier": "web", "app.kubernetes.io/name": "shop"}, TTL: 36 * time.Hour,
			SnapshotVolumes: ptr(false), DefaultVolumesToFsBackup: true, StorageLocation: "secondary"}},
			"velero backup create pre-upgrade --namespace backup-system --include-namespaces a,b --exclude-namespaces c " +
				"--include-resources deployments.apps,configmaps --exclude-resources events " +
				"--selector app.kubernetes.io/name=shop,tier=web --ttl 36h0m0s --snapshot-volumes=false " +
				"--default-volumes-to-fs-backup=true --storage-location secondary --wait"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.b.Shell()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestBackupValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Backup
		want []string
	}{
		{"valid", dailyProduction(), nil},
		{"no name", Backup{}, []string{"FieldValueRequired name"}},
		{"everything wrong", Backup{Name: "Daily_Backup", BackupOptions: BackupOptions{
			VeleroNamespace: "a.b", IncludeNamespaces: []string{"prod", "prod", "*"}, ExcludeNamespaces: []string{"*", "prod"},
			IncludeResources: []string{"Deployments"}, ExcludeResources: []string{"*"},
			Selector: map[string]string{"bad key!": "v"}, TTL: -time.Hour, StorageLocation: "Default"}},
			[]string{
				"FieldValueInvalid name", "FieldValueInvalid veleroNamespace",
				"FieldValueDuplicate includeNamespaces[1]",
				`FieldValueInvalid includeNamespaces[2]`,
				"FieldValueInvalid excludeNamespaces[0]", "FieldValueInvalid excludeNamespaces[0]", "FieldValueInvalid excludeNamespaces[1]",
				"FieldValueInvalid includeResources[0]", "FieldValueInvalid excludeResources[0]",
				"FieldValueInvalid selector", "FieldValueInvalid ttl", "FieldValueInvalid storageLocation",
			}},
		{"sub-second TTL", Backup{Name: "x", BackupOptions: BackupOptions{TTL: 1500 * time.Millisecond}}, []string{"FieldValueInvalid ttl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.b.Validate()
			if diff := cmp.Diff(tc.want, errPaths(errs)); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, errs)
			}
		})
	}
}

func weeklyProduction() Schedule {
	return Schedule{Name: "production-weekly", Cron: "0 3 * * 0", BackupOptions: BackupOptions{
		IncludeNamespaces: []string{"production"}, TTL: 90 * 24 * time.Hour}}
}

func TestScheduleArgv(t *testing.T) {
	got, err := weeklyProduction().Shell()
	if err != nil {
		t.Fatal(err)
	}
	want := "velero schedule create production-weekly --namespace velero --schedule '0 3 * * 0' --include-namespaces production --ttl 2160h0m0s"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	s := Schedule{Name: "often", Cron: "@every 6h", Paused: true}
	got, _ = s.Shell()
	if want := "velero schedule create often --namespace velero --schedule '@every 6h' --include-namespaces '*' --ttl 720h0m0s --paused"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestScheduleValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Schedule
		want []string
	}{
		{"valid", weeklyProduction(), nil},
		{"missing", Schedule{}, []string{"FieldValueRequired name", "FieldValueRequired cron"}},
		{"bad cron and long name", Schedule{Name: strings.Repeat("a", 240), Cron: "0 25 * * *"},
			[]string{"FieldValueTooLong name", "FieldValueInvalid cron"}},
		{"bad options", Schedule{Name: "s", Cron: "@daily", BackupOptions: BackupOptions{ExcludeNamespaces: []string{"-x"}}},
			[]string{"FieldValueNotSupported cron", "FieldValueInvalid excludeNamespaces[0]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.s.Validate()
			if diff := cmp.Diff(tc.want, errPaths(errs)); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, errs)
			}
		})
	}
}

func TestRestoreArgv(t *testing.T) {
	r := Restore{Name: "drill", FromSchedule: "production-daily", IncludeNamespaces: []string{"production"},
		NamespaceMappings: map[string]string{"production": "production-restore-test", "a": "b"}, RestoreVolumes: ptr(true), Wait: true}
	got, err := r.Shell()
	if err != nil {
		t.Fatal(err)
	}
	want := "velero restore create drill --namespace velero --from-schedule production-daily --include-namespaces production " +
		"--namespace-mappings a:b,production:production-restore-test --restore-volumes=true --wait"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	r = Restore{Name: "r1", FromBackup: "production-daily"}
	got, _ = r.Shell()
	if want := "velero restore create r1 --namespace velero --from-backup production-daily --include-namespaces '*'"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRestoreValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Restore
		want []string
	}{
		{"valid", Restore{Name: "r", FromBackup: "b"}, nil},
		{"no source", Restore{Name: "r"}, []string{"FieldValueRequired fromBackup"}},
		{"two sources", Restore{Name: "r", FromBackup: "b", FromSchedule: "s"}, []string{"FieldValueForbidden fromSchedule"}},
		{"bad mappings", Restore{Name: "r", FromSchedule: "S", IncludeNamespaces: []string{"a b"},
			NamespaceMappings: map[string]string{"x": "x", "y": "z", "w": "z", "Q": "q"}},
			[]string{"FieldValueInvalid fromSchedule", "FieldValueInvalid includeNamespaces[0]",
				"FieldValueInvalid namespaceMappings[Q]", "FieldValueInvalid namespaceMappings[x]",
				"FieldValueDuplicate namespaceMappings[y]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.r.Validate()
			if diff := cmp.Diff(tc.want, errPaths(errs)); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, errs)
			}
		})
	}
}

func TestLocationsObjects(t *testing.T) {
	in := exampleInstall()
	locs, err := in.Build()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range locs.Objects() {
		kinds = append(kinds, o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetNamespace()+"/"+o.GetName())
	}
	if diff := cmp.Diff([]string{"BackupStorageLocation/velero/default", "VolumeSnapshotLocation/velero/default"}, kinds); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	in.NoVolumeSnapshots, in.SnapshotLocationConfig = true, nil
	locs, err = in.Build()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(locs.Objects()); n != 1 || locs.VolumeSnapshotLocation != nil {
		t.Errorf("without snapshots: %d objects, VSL %v", n, locs.VolumeSnapshotLocation)
	}
}
