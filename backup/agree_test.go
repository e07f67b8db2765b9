package backup

import (
	"encoding/csv"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/backup/velerov1"
)

// The tests in this file read each generated command back the way the
// velero CLI reads it (flag syntax of pflag, values parsed as Velero's
// flag types parse them: string arrays split on ',', maps read as a CSV
// record of key=value or key:value pairs, durations with
// time.ParseDuration, selectors with metav1.ParseToLabelSelector) and build
// the object the CLI would create from it (following Velero v1.18's
// pkg/cmd/cli/{backup,schedule,restore}/create.go and pkg/install). That
// object must equal what Build returns from the same spec.

// valueFlags take a value; every other flag is boolean.
var valueFlags = map[string]bool{
	"namespace": true, "provider": true, "image": true, "plugins": true, "bucket": true, "prefix": true,
	"backup-location-config": true, "snapshot-location-config": true, "secret-file": true,
	"include-namespaces": true, "exclude-namespaces": true, "include-resources": true, "exclude-resources": true,
	"selector": true, "ttl": true, "storage-location": true, "schedule": true,
	"from-backup": true, "from-schedule": true, "namespace-mappings": true,
}

type parsedCmd struct {
	positional []string
	flags      map[string]string
}

func parseArgv(t *testing.T, argv []string) parsedCmd {
	t.Helper()
	p := parsedCmd{flags: map[string]string{}}
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if !strings.HasPrefix(a, "--") {
			p.positional = append(p.positional, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		if _, dup := p.flags[name]; dup {
			t.Fatalf("flag --%s given twice in %q", name, argv)
		}
		switch {
		case hasVal:
		case valueFlags[name]:
			if i+1 >= len(argv) {
				t.Fatalf("flag --%s has no value in %q", name, argv)
			}
			i++
			val = argv[i]
		default:
			val = "true"
		}
		p.flags[name] = val
	}
	return p
}

func (p parsedCmd) list(name string, def ...string) []string {
	v, ok := p.flags[name]
	if !ok {
		if len(def) == 0 {
			return nil
		}
		return def
	}
	return strings.Split(v, ",")
}

func (p parsedCmd) optBool(t *testing.T, name string) *bool {
	v, ok := p.flags[name]
	if !ok {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		t.Fatalf("--%s=%q: %v", name, v, err)
	}
	return &b
}

func (p parsedCmd) kvMap(t *testing.T, name string, sep rune) map[string]string {
	v, ok := p.flags[name]
	if !ok {
		return nil
	}
	r := csv.NewReader(strings.NewReader(v))
	r.Comma = ','
	parts, err := r.Read()
	if err != nil {
		t.Fatalf("--%s=%q: %v", name, v, err)
	}
	out := map[string]string{}
	for _, part := range parts {
		kv := strings.SplitN(part, string(sep), 2)
		if len(kv) != 2 {
			t.Fatalf("--%s: cannot parse %q", name, part)
		}
		out[kv[0]] = kv[1]
	}
	return out
}

// backupSpecFromFlags is the BackupSpec velero's backup and schedule create
// commands build from their flags.
func backupSpecFromFlags(t *testing.T, p parsedCmd) velerov1.BackupSpec {
	s := velerov1.BackupSpec{
		IncludedNamespaces:       p.list("include-namespaces", "*"),
		ExcludedNamespaces:       p.list("exclude-namespaces"),
		IncludedResources:        p.list("include-resources"),
		ExcludedResources:        p.list("exclude-resources"),
		SnapshotVolumes:          p.optBool(t, "snapshot-volumes"),
		StorageLocation:          p.flags["storage-location"],
		DefaultVolumesToFsBackup: p.optBool(t, "default-volumes-to-fs-backup"),
	}
	if sel, ok := p.flags["selector"]; ok {
		ls, err := metav1.ParseToLabelSelector(sel)
		if err != nil {
			t.Fatalf("--selector %q: %v", sel, err)
		}
		s.LabelSelector = ls
	}
	if ttl, ok := p.flags["ttl"]; ok {
		d, err := time.ParseDuration(ttl)
		if err != nil {
			t.Fatalf("--ttl %q: %v", ttl, err)
		}
		s.TTL = &metav1.Duration{Duration: d}
	}
	return s
}

func checkBackupAgrees(t *testing.T, b Backup) {
	t.Helper()
	argv, err := b.Argv()
	obj, berr := b.Build()
	if (err == nil) != (berr == nil) {
		t.Fatalf("Argv error %v but Build error %v", err, berr)
	}
	if err != nil {
		return
	}
	p := parseArgv(t, argv)
	if got := strings.Join(p.positional, " "); got != "velero backup create "+b.Name {
		t.Fatalf("positional arguments %q", got)
	}
	want := &velerov1.Backup{
		TypeMeta:   velerov1.TypeMetaFor("Backup"),
		ObjectMeta: metav1.ObjectMeta{Name: p.positional[3], Namespace: p.flags["namespace"]},
		Spec:       backupSpecFromFlags(t, p),
	}
	if diff := cmp.Diff(want, obj, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("command %q and object disagree (-command +object):\n%s", argv, diff)
	}
}

func checkScheduleAgrees(t *testing.T, s Schedule) {
	t.Helper()
	argv, err := s.Argv()
	obj, berr := s.Build()
	if (err == nil) != (berr == nil) {
		t.Fatalf("Argv error %v but Build error %v", err, berr)
	}
	if err != nil {
		return
	}
	p := parseArgv(t, argv)
	if got := strings.Join(p.positional, " "); got != "velero schedule create "+s.Name {
		t.Fatalf("positional arguments %q", got)
	}
	want := &velerov1.Schedule{
		TypeMeta:   velerov1.TypeMetaFor("Schedule"),
		ObjectMeta: metav1.ObjectMeta{Name: p.positional[3], Namespace: p.flags["namespace"]},
		Spec: velerov1.ScheduleSpec{
			Template: backupSpecFromFlags(t, p),
			Schedule: p.flags["schedule"],
			Paused:   p.flags["paused"] == "true",
		},
	}
	if diff := cmp.Diff(want, obj, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("command %q and object disagree (-command +object):\n%s", argv, diff)
	}
}

func checkRestoreAgrees(t *testing.T, r Restore) {
	t.Helper()
	argv, err := r.Argv()
	obj, berr := r.Build()
	if (err == nil) != (berr == nil) {
		t.Fatalf("Argv error %v but Build error %v", err, berr)
	}
	if err != nil {
		return
	}
	p := parseArgv(t, argv)
	if got := strings.Join(p.positional, " "); got != "velero restore create "+r.Name {
		t.Fatalf("positional arguments %q", got)
	}
	want := &velerov1.Restore{
		TypeMeta:   velerov1.TypeMetaFor("Restore"),
		ObjectMeta: metav1.ObjectMeta{Name: p.positional[3], Namespace: p.flags["namespace"]},
		Spec: velerov1.RestoreSpec{
			BackupName:         p.flags["from-backup"],
			ScheduleName:       p.flags["from-schedule"],
			IncludedNamespaces: p.list("include-namespaces", "*"),
			NamespaceMapping:   p.kvMap(t, "namespace-mappings", ':'),
			RestorePVs:         p.optBool(t, "restore-volumes"),
		},
	}
	if diff := cmp.Diff(want, obj, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("command %q and object disagree (-command +object):\n%s", argv, diff)
	}
}

func checkInstallAgrees(t *testing.T, in Install) {
	t.Helper()
	argv, err := in.Argv()
	locs, berr := in.Build()
	if (err == nil) != (berr == nil) {
		t.Fatalf("Argv error %v but Build error %v", err, berr)
	}
	if err != nil {
		return
	}
	p := parseArgv(t, argv)
	ns := p.flags["namespace"]
	labels := map[string]string{"component": "velero"}
	want := &Locations{BackupStorageLocation: &velerov1.BackupStorageLocation{
		TypeMeta:   velerov1.TypeMetaFor("BackupStorageLocation"),
		ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns, Labels: labels},
		Spec: velerov1.BackupStorageLocationSpec{
			Provider:      p.flags["provider"],
			Config:        p.kvMap(t, "backup-location-config", '='),
			ObjectStorage: &velerov1.ObjectStorageLocation{Bucket: p.flags["bucket"], Prefix: p.flags["prefix"]},
			Default:       true,
		},
	}}
	if p.flags["use-volume-snapshots"] != "false" {
		want.VolumeSnapshotLocation = &velerov1.VolumeSnapshotLocation{
			TypeMeta:   velerov1.TypeMetaFor("VolumeSnapshotLocation"),
			ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns, Labels: labels},
			Spec: velerov1.VolumeSnapshotLocationSpec{
				Provider: p.flags["provider"],
				Config:   p.kvMap(t, "snapshot-location-config", '='),
			},
		}
	}
	if diff := cmp.Diff(want, locs, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("command %q and objects disagree (-command +objects):\n%s", argv, diff)
	}
	if _, ok := p.flags["secret-file"]; ok == in.NoSecret {
		t.Fatalf("command %q: secret-file present %v with NoSecret %v", argv, ok, in.NoSecret)
	}
}

func TestCommandsAndObjectsAgree(t *testing.T) {
	// The example specs, which are known to be valid.
	drill := Restore{Name: "drill", FromSchedule: "production-daily", IncludeNamespaces: []string{"production"},
		NamespaceMappings: map[string]string{"production": "production-restore-test"}, RestoreVolumes: ptr(true), Wait: true}
	preUpgrade := Backup{Name: "pre-upgrade", Wait: true, BackupOptions: BackupOptions{
		VeleroNamespace: "backup-system", IncludeNamespaces: []string{"a", "b"}, ExcludeNamespaces: []string{"c"},
		IncludeResources: []string{"deployments.apps"}, ExcludeResources: []string{"events"},
		Selector: map[string]string{"tier": "web", "app.kubernetes.io/name": "shop"}, TTL: 36 * time.Hour,
		SnapshotVolumes: ptr(false), DefaultVolumesToFsBackup: true, StorageLocation: "secondary"}}
	// The check helpers return early on an invalid spec (the fuzz targets
	// feed them invalid ones); these fixtures must be valid, or the test
	// would pass by checking nothing.
	for _, v := range []interface{ Validate() field.ErrorList }{dailyProduction(), weeklyProduction(), exampleInstall(), drill, preUpgrade} {
		if errs := v.Validate(); len(errs) > 0 {
			t.Fatalf("fixture %+v is invalid: %v", v, errs)
		}
	}
	checkBackupAgrees(t, dailyProduction())
	checkScheduleAgrees(t, weeklyProduction())
	checkInstallAgrees(t, exampleInstall())
	checkRestoreAgrees(t, drill)
	checkBackupAgrees(t, preUpgrade)

	// Many generated valid specs, combining every option: each must agree.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000; i++ {
		g := specGen{rng}
		opts := g.backupOptions()
		b := Backup{Name: g.pick("production-daily", "a", "pre-upgrade-v1.37.2"), Wait: g.bool(), BackupOptions: opts}
		s := Schedule{Name: g.pick("production-weekly", "s"), Cron: g.pick("0 1 * * *", "*/15 0-6 1,15 jan-jun *", "@every 24h"),
			Paused: g.bool(), BackupOptions: g.backupOptions()}
		r := Restore{Name: g.pick("drill", "r"), VeleroNamespace: g.pick("", "velero", "backup-system"),
			IncludeNamespaces: g.subset("production", "staging", "web"), NamespaceMappings: g.mapping(), RestoreVolumes: g.optBool(), Wait: g.bool()}
		if g.bool() {
			r.FromBackup = g.pick("production-daily", "b")
		} else {
			r.FromSchedule = g.pick("production-weekly", "s")
		}
		in := exampleInstall()
		in.Namespace = g.pick("", "velero", "backup-system")
		in.Prefix = g.pick("", "cluster-a", "a/b.c")
		in.BackupLocationConfig = g.config()
		in.NoVolumeSnapshots = g.bool()
		in.SnapshotLocationConfig = nil
		if !in.NoVolumeSnapshots {
			in.SnapshotLocationConfig = g.config()
		}
		if g.bool() {
			in.SecretFile, in.NoSecret = "", true
		}
		in.UseNodeAgent = g.bool()
		in.DefaultVolumesToFsBackup = in.UseNodeAgent && g.bool()
		in.NoWait = g.bool()
		for _, v := range []interface{ Validate() field.ErrorList }{b, s, r, in} {
			if errs := v.Validate(); len(errs) > 0 {
				t.Fatalf("generated spec %+v is invalid: %v", v, errs)
			}
		}
		checkBackupAgrees(t, b)
		checkScheduleAgrees(t, s)
		checkRestoreAgrees(t, r)
		checkInstallAgrees(t, in)
	}
}

// specGen draws valid spec values.
type specGen struct{ r *rand.Rand }

func (g specGen) bool() bool { return g.r.IntN(2) == 0 }

func (g specGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g specGen) optBool() *bool {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return ptr(true)
	}
	return ptr(false)
}

// subset returns a random subset of s, in random order.
func (g specGen) subset(s ...string) []string {
	var out []string
	for _, i := range g.r.Perm(len(s)) {
		if g.bool() {
			out = append(out, s[i])
		}
	}
	return out
}

func (g specGen) mapping() map[string]string {
	m := map[string]string{}
	for _, ns := range g.subset("production", "staging", "web") {
		m[ns] = ns + "-restore-test"
	}
	return m
}

func (g specGen) config() map[string]string {
	m := map[string]string{}
	for _, k := range g.subset("region", "s3ForcePathStyle", "s3Url", "kmsKeyId") {
		m[k] = g.pick("eu-west-1", "true", "https://minio.example.com:9000", "alias/velero", "a=b")
	}
	return m
}

func (g specGen) backupOptions() BackupOptions {
	o := BackupOptions{
		VeleroNamespace:          g.pick("", "velero", "backup-system"),
		IncludeNamespaces:        g.subset("production", "staging"),
		ExcludeNamespaces:        g.subset("kube-system", "velero"),
		IncludeResources:         g.subset("deployments.apps", "configmaps", "persistentvolumeclaims"),
		ExcludeResources:         g.subset("events", "events.events.k8s.io"),
		TTL:                      []time.Duration{0, time.Hour, 36 * time.Hour, 2160 * time.Hour}[g.r.IntN(4)],
		SnapshotVolumes:          g.optBool(),
		DefaultVolumesToFsBackup: g.bool(),
		StorageLocation:          g.pick("", "default", "secondary"),
	}
	if len(o.IncludeNamespaces) == 0 && g.bool() {
		o.IncludeNamespaces = []string{"*"}
	}
	sel := map[string]string{}
	for _, k := range g.subset("app.kubernetes.io/name", "tier", "example.com/backup") {
		sel[k] = g.pick("web", "db", "true", "")
	}
	o.Selector = sel
	return o
}
