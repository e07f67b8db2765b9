package backup

import (
	"fmt"
	"github.com/prodkube/prodkube"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/backup/velerov1"
	"github.com/prodkube/prodkube/internal/names"
	"github.com/prodkube/prodkube/internal/shell"
	"github.com/prodkube/prodkube/version"
)

// DefaultTTL is how long Velero keeps a backup unless told otherwise
// (Velero's own default, 30 days). prodkube always writes the TTL out so the
// command and the object never depend on a server default.
const DefaultTTL = 720 * time.Hour

// DefaultImageRegistry is the registry Velero's images are published to.
const DefaultImageRegistry = "docker.io"

// Install is the intent behind `velero install`: which Velero release,
// which provider plugin, where backups are stored and how Velero reaches
// its credentials.
type Install struct {
	// VeleroVersion is the Velero release to install, e.g. "v1.18.3".
	// Required; it pins the server image and selects the plugin line.
	VeleroVersion string
	// Provider is the storage provider (aws, gcp, azure). Required.
	Provider Provider
	// PluginVersion is the version of the provider's official plugin, e.g.
	// "v1.14.3". Required; it must be the plugin line the plugin's README
	// lists for VeleroVersion.
	PluginVersion string
	// ImageRegistry is the registry the Velero and plugin images are pulled
	// from (a mirror, say). Empty means DefaultImageRegistry.
	ImageRegistry string
	// Namespace is the namespace Velero is installed into. Empty means
	// DefaultVeleroNamespace.
	Namespace string
	// Bucket is the object storage bucket (or Azure blob container) that
	// holds the backups. Required.
	Bucket string
	// Prefix is the path inside the bucket under which Velero writes, so
	// that several clusters can share a bucket. Optional.
	Prefix string
	// BackupLocationConfig is the provider configuration of the backup
	// storage location (region, s3Url, ...). Keys are written sorted. Keys
	// that would carry a credential are refused.
	BackupLocationConfig map[string]string
	// SnapshotLocationConfig is the provider configuration of the volume
	// snapshot location. Ignored (and refused if set) with NoVolumeSnapshots.
	SnapshotLocationConfig map[string]string
	// NoVolumeSnapshots installs no volume snapshot location
	// (--use-volume-snapshots=false), for clusters whose volumes are backed
	// up by the node agent only.
	NoVolumeSnapshots bool
	// SecretFile is the path of a credentials file on the machine that runs
	// `velero install`; Velero stores it in the Secret "cloud-credentials".
	// Exactly one of SecretFile and NoSecret must be set.
	SecretFile string
	// NoSecret installs no credentials Secret, for clusters where Velero
	// authenticates through workload identity (IRSA, GKE or Azure workload
	// identity).
	NoSecret bool
	// UseNodeAgent deploys the node-agent DaemonSet for file-system
	// backups of pod volumes. The node agent mounts host paths, so the
	// Velero namespace must then allow privileged pods.
	UseNodeAgent bool
	// DefaultVolumesToFsBackup makes file-system backup the default for
	// every pod volume. Requires UseNodeAgent.
	DefaultVolumesToFsBackup bool
	// NoWait returns from `velero install` without waiting for the Velero
	// deployment to become ready. The default (wait) keeps scripts that
	// create backups right after installing from racing the server.
	NoWait bool
}

// Validate reports every problem with the install spec, with field paths
// named after the spec's fields.
func (in Install) Validate() field.ErrorList {
	errs, _, _ := in.validate()
	return errs
}

func (in Install) validate() (field.ErrorList, version.Version, version.Version) {
	var errs field.ErrorList
	var vv, pv version.Version
	var vErr, pErr error
	if in.VeleroVersion == "" {
		errs = append(errs, field.Required(field.NewPath("veleroVersion"), "a Velero release like v1.18.3 is required"))
		vErr = fmt.Errorf("missing")
	} else if vv, vErr = version.Parse(in.VeleroVersion); vErr != nil {
		errs = append(errs, field.Invalid(field.NewPath("veleroVersion"), in.VeleroVersion, vErr.Error()))
	}
	provOK := false
	switch in.Provider {
	case ProviderAWS, ProviderGCP, ProviderAzure:
		provOK = true
	case "":
		errs = append(errs, field.Required(field.NewPath("provider"), "one of "+providerList()))
	default:
		errs = append(errs, field.NotSupported(field.NewPath("provider"), in.Provider, Providers))
	}
	if in.PluginVersion == "" {
		errs = append(errs, field.Required(field.NewPath("pluginVersion"), "the provider plugin's release, like v1.14.3, is required"))
		pErr = fmt.Errorf("missing")
	} else if pv, pErr = version.Parse(in.PluginVersion); pErr != nil {
		errs = append(errs, field.Invalid(field.NewPath("pluginVersion"), in.PluginVersion, pErr.Error()))
	}
	if vErr == nil && pErr == nil && provOK {
		if err := CheckPluginCompatibility(in.Provider, vv, pv); err != nil {
			errs = append(errs, field.Invalid(field.NewPath("pluginVersion"), in.PluginVersion, err.Error()))
		}
	}
	if in.ImageRegistry != "" {
		if msgs := validateRegistry(in.ImageRegistry); msgs != "" {
			errs = append(errs, field.Invalid(field.NewPath("imageRegistry"), in.ImageRegistry, msgs))
		}
	}
	errs = append(errs, validateVeleroNamespace(in.Namespace, field.NewPath("namespace"))...)
	errs = append(errs, validateBucket(in.Bucket, field.NewPath("bucket"))...)
	errs = append(errs, validatePrefix(in.Prefix, field.NewPath("prefix"))...)
	errs = append(errs, validateConfigMap(in.BackupLocationConfig, field.NewPath("backupLocationConfig"))...)
	if in.NoVolumeSnapshots && len(in.SnapshotLocationConfig) > 0 {
		errs = append(errs, field.Forbidden(field.NewPath("snapshotLocationConfig"), "must be empty when noVolumeSnapshots is set"))
	} else {
		errs = append(errs, validateConfigMap(in.SnapshotLocationConfig, field.NewPath("snapshotLocationConfig"))...)
	}
	switch {
	case in.SecretFile != "" && in.NoSecret:
		errs = append(errs, field.Forbidden(field.NewPath("noSecret"), "must not be set together with secretFile"))
	case in.SecretFile == "" && !in.NoSecret:
		errs = append(errs, field.Required(field.NewPath("secretFile"), "a credentials file path is required, or set noSecret for workload identity"))
	case in.SecretFile != "":
		errs = append(errs, validatePath(in.SecretFile, field.NewPath("secretFile"))...)
	}
	if in.DefaultVolumesToFsBackup && !in.UseNodeAgent {
		errs = append(errs, field.Forbidden(field.NewPath("defaultVolumesToFsBackup"), "requires useNodeAgent (file-system backups run in the node agent)"))
	}
	return errs, vv, pv
}

// validateRegistry accepts a registry host (DNS name, optional port) with
// an optional path of lower-case repository components, the form an image
// reference allows in front of "velero/velero".
func validateRegistry(r string) string {
	const want = "must be a registry host with an optional port and path, like registry.example.com/velero-mirror"
	if len(r) > 255 {
		return want
	}
	parts := strings.Split(r, "/")
	host, port, hasPort := strings.Cut(parts[0], ":")
	if len(validation.IsDNS1123Subdomain(strings.ToLower(host))) > 0 {
		return want
	}
	if hasPort {
		if n, ok := atoiPort(port); !ok || n < 1 || n > 65535 {
			return want
		}
	}
	for _, c := range parts[1:] {
		if !isRepoComponent(c) {
			return want
		}
	}
	return ""
}

// isRepoComponent reports whether c is a lower-case repository path
// component: alphanumerics separated by single '.', '_' or '-'.
func isRepoComponent(c string) bool {
	if c == "" {
		return false
	}
	prevSep := true
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9':
			prevSep = false
		case ch == '.' || ch == '_' || ch == '-':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	return !prevSep
}

// validateBucket accepts names that are valid on S3, GCS and Azure blob
// storage alike: 3-63 lower-case letters, digits, dots and hyphens,
// beginning and ending with a letter or digit.
func validateBucket(b string, path *field.Path) field.ErrorList {
	if b == "" {
		return field.ErrorList{field.Required(path, "an object storage bucket is required")}
	}
	if len(b) < 3 || len(b) > 63 {
		return field.ErrorList{field.Invalid(path, b, "must be 3 to 63 characters long")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(b) {
		errs = append(errs, field.Invalid(path, b, msg))
	}
	return errs
}

func validatePrefix(p string, path *field.Path) field.ErrorList {
	if p == "" {
		return nil
	}
	if len(p) > 512 {
		return field.ErrorList{field.TooLong(path, "", 512)}
	}
	if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return field.ErrorList{field.Invalid(path, p, "must not begin or end with '/'")}
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return field.ErrorList{field.Invalid(path, p, "must be '/'-separated path segments, without empty, '.' or '..' segments")}
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return field.ErrorList{field.Invalid(path, p, "may contain only letters, digits, '-', '_', '.' and '/'")}
			}
		}
	}
	return nil
}

func (in Install) registry() string {
	if in.ImageRegistry == "" {
		return DefaultImageRegistry
	}
	return in.ImageRegistry
}

// VeleroImage returns the pinned Velero server image the install uses.
// It is only meaningful for a valid spec.
func (in Install) VeleroImage() string {
	return in.registry() + "/velero/velero:" + imageTag(in.VeleroVersion)
}

// imageTag writes a release version the way Velero tags its images
// ("v1.18.3"), also when the spec gave it without the "v".
func imageTag(s string) string {
	if v, err := version.Parse(s); err == nil {
		return v.String()
	}
	return s
}

// PluginImage returns the pinned provider plugin image the install uses.
// It is only meaningful for a valid spec.
func (in Install) PluginImage() string {
	return in.registry() + "/" + in.Provider.PluginRepository() + ":" + imageTag(in.PluginVersion)
}

// Argv returns the `velero install` command as an argv. The Velero and
// plugin images are pinned, the namespace is explicit (so the operator's
// velero client configuration cannot redirect it), and configuration maps
// are sorted by key.
func (in Install) Argv() ([]string, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	argv := []string{"velero", "install",
		"--namespace", veleroNamespace(in.Namespace),
		"--provider", string(in.Provider),
		"--image", in.VeleroImage(),
		"--plugins", in.PluginImage(),
		"--bucket", in.Bucket,
	}
	if in.Prefix != "" {
		argv = append(argv, "--prefix", in.Prefix)
	}
	if len(in.BackupLocationConfig) > 0 {
		argv = append(argv, "--backup-location-config", mapFlag(in.BackupLocationConfig, "="))
	}
	if in.NoVolumeSnapshots {
		argv = append(argv, "--use-volume-snapshots=false")
	} else if len(in.SnapshotLocationConfig) > 0 {
		argv = append(argv, "--snapshot-location-config", mapFlag(in.SnapshotLocationConfig, "="))
	}
	if in.NoSecret {
		argv = append(argv, "--no-secret")
	} else {
		argv = append(argv, "--secret-file", in.SecretFile)
	}
	if in.UseNodeAgent {
		argv = append(argv, "--use-node-agent")
	}
	if in.DefaultVolumesToFsBackup {
		argv = append(argv, "--default-volumes-to-fs-backup")
	}
	if !in.NoWait {
		argv = append(argv, "--wait")
	}
	return argv, nil
}

// Shell returns the `velero install` command line, quoted for a POSIX
// shell.
func (in Install) Shell() (string, error) {
	return shellOf(in.Argv())
}

// Locations are the storage objects `velero install` creates, built from
// the same spec as the command.
type Locations struct {
	// BackupStorageLocation is the default location, named "default".
	BackupStorageLocation *velerov1.BackupStorageLocation
	// VolumeSnapshotLocation is the default snapshot location, named
	// "default"; nil with NoVolumeSnapshots.
	VolumeSnapshotLocation *velerov1.VolumeSnapshotLocation
}

// Objects returns the locations in apply order, skipping absent ones.
func (l *Locations) Objects() []prodkube.Object {
	if l == nil || l.BackupStorageLocation == nil {
		return nil
	}
	out := []prodkube.Object{l.BackupStorageLocation}
	if l.VolumeSnapshotLocation != nil {
		out = append(out, l.VolumeSnapshotLocation)
	}
	return out
}

// Build returns the BackupStorageLocation and VolumeSnapshotLocation that
// `velero install` with this spec creates, as objects to keep in Git or
// apply to a cluster where Velero is already installed.
func (in Install) Build() (*Locations, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	ns := veleroNamespace(in.Namespace)
	bsl := &velerov1.BackupStorageLocation{
		TypeMeta:   velerov1.TypeMetaFor(velerov1.KindBackupStorageLocation),
		ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns, Labels: componentLabels()},
		Spec: velerov1.BackupStorageLocationSpec{
			Provider:      string(in.Provider),
			Config:        copyMap(in.BackupLocationConfig),
			ObjectStorage: &velerov1.ObjectStorageLocation{Bucket: in.Bucket, Prefix: in.Prefix},
			Default:       true,
		},
	}
	l := &Locations{BackupStorageLocation: bsl}
	if !in.NoVolumeSnapshots {
		l.VolumeSnapshotLocation = &velerov1.VolumeSnapshotLocation{
			TypeMeta:   velerov1.TypeMetaFor(velerov1.KindVolumeSnapshotLocation),
			ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns, Labels: componentLabels()},
			Spec: velerov1.VolumeSnapshotLocationSpec{
				Provider: string(in.Provider),
				Config:   copyMap(in.SnapshotLocationConfig),
			},
		}
	}
	return l, nil
}

// componentLabels are the labels `velero install` puts on what it creates.
func componentLabels() map[string]string {
	return map[string]string{"component": "velero"}
}

// BackupOptions selects what a backup contains and how it is kept. It is
// shared by one-off backups (Backup) and scheduled ones (Schedule). The zero
// value backs up every namespace, keeps the backup DefaultTTL, and leaves
// volume handling to Velero's defaults.
type BackupOptions struct {
	// VeleroNamespace is the namespace Velero runs in. Empty means
	// DefaultVeleroNamespace.
	VeleroNamespace string
	// IncludeNamespaces lists the namespaces to back up; empty means all
	// ("*").
	IncludeNamespaces []string
	// ExcludeNamespaces lists namespaces left out.
	ExcludeNamespaces []string
	// IncludeResources lists resources ("deployments.apps") to back up;
	// empty means all.
	IncludeResources []string
	// ExcludeResources lists resources left out.
	ExcludeResources []string
	// Selector restricts the backup to objects carrying all these labels.
	Selector map[string]string
	// TTL is how long the backup is kept. Zero means DefaultTTL; it must be
	// a whole number of seconds.
	TTL time.Duration
	// SnapshotVolumes says whether persistent volumes are snapshotted
	// through the volume snapshot location; nil leaves Velero's default
	// (snapshot).
	SnapshotVolumes *bool
	// DefaultVolumesToFsBackup backs every pod volume up with the node
	// agent's file-system backup.
	DefaultVolumesToFsBackup bool
	// StorageLocation names the BackupStorageLocation to write to; empty
	// means Velero's default location.
	StorageLocation string
}

func (o BackupOptions) validate() field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateVeleroNamespace(o.VeleroNamespace, field.NewPath("veleroNamespace"))...)
	errs = append(errs, validateNamespaceList(o.IncludeNamespaces, true, field.NewPath("includeNamespaces"))...)
	errs = append(errs, validateNamespaceList(o.ExcludeNamespaces, false, field.NewPath("excludeNamespaces"))...)
	errs = append(errs, validateDisjoint(o.IncludeNamespaces, o.ExcludeNamespaces, field.NewPath("excludeNamespaces"))...)
	errs = append(errs, validateResourceList(o.IncludeResources, true, field.NewPath("includeResources"))...)
	errs = append(errs, validateResourceList(o.ExcludeResources, false, field.NewPath("excludeResources"))...)
	errs = append(errs, validateDisjoint(o.IncludeResources, o.ExcludeResources, field.NewPath("excludeResources"))...)
	errs = append(errs, validateSelector(o.Selector, field.NewPath("selector"))...)
	switch {
	case o.TTL < 0:
		errs = append(errs, field.Invalid(field.NewPath("ttl"), o.TTL.String(), "must not be negative (zero means the default, 720h)"))
	case o.TTL%time.Second != 0:
		errs = append(errs, field.Invalid(field.NewPath("ttl"), o.TTL.String(), "must be a whole number of seconds"))
	}
	errs = append(errs, validateOptionalObjectName(o.StorageLocation, field.NewPath("storageLocation"))...)
	return errs
}

func (o BackupOptions) ttl() time.Duration {
	if o.TTL == 0 {
		return DefaultTTL
	}
	return o.TTL
}

func (o BackupOptions) includeNamespaces() []string {
	if len(o.IncludeNamespaces) == 0 {
		return []string{"*"}
	}
	return o.IncludeNamespaces
}

// flags returns the backup flags shared by `backup create` and
// `schedule create`, in a fixed order.
func (o BackupOptions) flags() []string {
	argv := []string{"--include-namespaces", strings.Join(o.includeNamespaces(), ",")}
	if len(o.ExcludeNamespaces) > 0 {
		argv = append(argv, "--exclude-namespaces", strings.Join(o.ExcludeNamespaces, ","))
	}
	if len(o.IncludeResources) > 0 {
		argv = append(argv, "--include-resources", strings.Join(o.IncludeResources, ","))
	}
	if len(o.ExcludeResources) > 0 {
		argv = append(argv, "--exclude-resources", strings.Join(o.ExcludeResources, ","))
	}
	if len(o.Selector) > 0 {
		argv = append(argv, "--selector", selectorString(o.Selector))
	}
	argv = append(argv, "--ttl", o.ttl().String())
	if o.SnapshotVolumes != nil {
		// The flag takes an optional value, so it must be attached with '='.
		argv = append(argv, fmt.Sprintf("--snapshot-volumes=%t", *o.SnapshotVolumes))
	}
	if o.DefaultVolumesToFsBackup {
		argv = append(argv, "--default-volumes-to-fs-backup=true")
	}
	if o.StorageLocation != "" {
		argv = append(argv, "--storage-location", o.StorageLocation)
	}
	return argv
}

// spec returns the velero.io/v1 BackupSpec these options describe.
func (o BackupOptions) spec() velerov1.BackupSpec {
	s := velerov1.BackupSpec{
		IncludedNamespaces: copyList(o.includeNamespaces()),
		ExcludedNamespaces: copyList(o.ExcludeNamespaces),
		IncludedResources:  copyList(o.IncludeResources),
		ExcludedResources:  copyList(o.ExcludeResources),
		TTL:                &metav1.Duration{Duration: o.ttl()},
		StorageLocation:    o.StorageLocation,
	}
	if len(o.Selector) > 0 {
		s.LabelSelector = &metav1.LabelSelector{MatchLabels: copyMap(o.Selector)}
	}
	if o.SnapshotVolumes != nil {
		v := *o.SnapshotVolumes
		s.SnapshotVolumes = &v
	}
	if o.DefaultVolumesToFsBackup {
		t := true
		s.DefaultVolumesToFsBackup = &t
	}
	return s
}

// Backup is the intent behind `velero backup create`: one backup, now.
type Backup struct {
	// Name is the Backup's name. Required.
	Name string
	// Wait makes `velero backup create` block until the backup finishes,
	// so a script can stop on a failed backup.
	Wait bool
	BackupOptions
}

// Validate reports every problem with the backup spec.
func (b Backup) Validate() field.ErrorList {
	errs := names.Subdomain(b.Name, field.NewPath("name"))
	return append(errs, b.BackupOptions.validate()...)
}

// Argv returns the `velero backup create` command as an argv.
func (b Backup) Argv() ([]string, error) {
	if errs := b.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	argv := []string{"velero", "backup", "create", b.Name, "--namespace", veleroNamespace(b.VeleroNamespace)}
	argv = append(argv, b.BackupOptions.flags()...)
	if b.Wait {
		argv = append(argv, "--wait")
	}
	return argv, nil
}

// Shell returns the `velero backup create` command line.
func (b Backup) Shell() (string, error) { return shellOf(b.Argv()) }

// Build returns the velero.io/v1 Backup that the command creates.
func (b Backup) Build() (*velerov1.Backup, error) {
	if errs := b.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &velerov1.Backup{
		TypeMeta:   velerov1.TypeMetaFor(velerov1.KindBackup),
		ObjectMeta: metav1.ObjectMeta{Name: b.Name, Namespace: veleroNamespace(b.VeleroNamespace)},
		Spec:       b.BackupOptions.spec(),
	}, nil
}

// Schedule is the intent behind `velero schedule create`: backups taken on
// a cron schedule.
type Schedule struct {
	// Name is the Schedule's name; Velero names each backup
	// "<name>-<timestamp>". Required.
	Name string
	// Cron is the schedule: five cron fields evaluated in UTC, or
	// "@every <duration>". See ValidateCron. Required.
	Cron string
	// Paused creates the schedule paused.
	Paused bool
	BackupOptions
}

// maxScheduleName leaves room for the "-YYYYMMDDhhmmss" suffix Velero adds
// to the name of each backup the schedule creates.
const maxScheduleName = validation.DNS1123SubdomainMaxLength - 15

// Validate reports every problem with the schedule spec.
func (s Schedule) Validate() field.ErrorList {
	errs := names.Subdomain(s.Name, field.NewPath("name"))
	if len(s.Name) > maxScheduleName {
		errs = append(errs, field.TooLong(field.NewPath("name"), "", maxScheduleName))
	}
	errs = append(errs, ValidateCron(s.Cron, field.NewPath("cron"))...)
	return append(errs, s.BackupOptions.validate()...)
}

// Argv returns the `velero schedule create` command as an argv.
func (s Schedule) Argv() ([]string, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	argv := []string{"velero", "schedule", "create", s.Name, "--namespace", veleroNamespace(s.VeleroNamespace),
		"--schedule", s.Cron}
	argv = append(argv, s.BackupOptions.flags()...)
	if s.Paused {
		argv = append(argv, "--paused")
	}
	return argv, nil
}

// Shell returns the `velero schedule create` command line.
func (s Schedule) Shell() (string, error) { return shellOf(s.Argv()) }

// Build returns the velero.io/v1 Schedule that the command creates.
func (s Schedule) Build() (*velerov1.Schedule, error) {
	if errs := s.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return &velerov1.Schedule{
		TypeMeta:   velerov1.TypeMetaFor(velerov1.KindSchedule),
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: veleroNamespace(s.VeleroNamespace)},
		Spec: velerov1.ScheduleSpec{
			Template: s.BackupOptions.spec(),
			Schedule: s.Cron,
			Paused:   s.Paused,
		},
	}, nil
}

// Restore is the intent behind `velero restore create`. Exactly one of
// FromBackup and FromSchedule names the source.
type Restore struct {
	// Name is the Restore's name. Required, so that the restore can be
	// waited on, inspected and deleted by name.
	Name string
	// VeleroNamespace is the namespace Velero runs in. Empty means
	// DefaultVeleroNamespace.
	VeleroNamespace string
	// FromBackup restores this backup.
	FromBackup string
	// FromSchedule restores the most recent successful backup of this
	// schedule.
	FromSchedule string
	// IncludeNamespaces lists the namespaces (as named in the backup) to
	// restore; empty means all.
	IncludeNamespaces []string
	// NamespaceMappings restores a backed-up namespace (key) into another
	// namespace (value), e.g. production → production-restore-test.
	NamespaceMappings map[string]string
	// RestoreVolumes says whether volumes are restored from snapshots; nil
	// leaves Velero's default.
	RestoreVolumes *bool
	// Wait makes `velero restore create` block until the restore finishes.
	Wait bool
}

// Validate reports every problem with the restore spec.
func (r Restore) Validate() field.ErrorList {
	errs := names.Subdomain(r.Name, field.NewPath("name"))
	errs = append(errs, validateVeleroNamespace(r.VeleroNamespace, field.NewPath("veleroNamespace"))...)
	switch {
	case r.FromBackup == "" && r.FromSchedule == "":
		errs = append(errs, field.Required(field.NewPath("fromBackup"), "a backup (fromBackup) or a schedule (fromSchedule) to restore from is required"))
	case r.FromBackup != "" && r.FromSchedule != "":
		errs = append(errs, field.Forbidden(field.NewPath("fromSchedule"), "must not be set together with fromBackup"))
	default:
		errs = append(errs, validateOptionalObjectName(r.FromBackup, field.NewPath("fromBackup"))...)
		errs = append(errs, validateOptionalObjectName(r.FromSchedule, field.NewPath("fromSchedule"))...)
	}
	errs = append(errs, validateNamespaceList(r.IncludeNamespaces, true, field.NewPath("includeNamespaces"))...)
	if len(r.NamespaceMappings) > maxListLen {
		errs = append(errs, field.TooMany(field.NewPath("namespaceMappings"), len(r.NamespaceMappings), maxListLen))
	} else {
		targets := map[string]string{}
		for _, src := range sortedKeys(r.NamespaceMappings) {
			dst := r.NamespaceMappings[src]
			p := field.NewPath("namespaceMappings").Key(src)
			if len(validation.IsDNS1123Label(src)) > 0 {
				errs = append(errs, field.Invalid(p, src, "source must be a namespace name"))
			}
			errs = append(errs, names.LabelFormat(dst, p)...)
			if dst == src {
				errs = append(errs, field.Invalid(p, dst, "maps a namespace onto itself"))
			}
			if other, dup := targets[dst]; dup {
				errs = append(errs, field.Duplicate(p, dst+" (also the target of "+other+")"))
			}
			targets[dst] = src
		}
	}
	return errs
}

func (r Restore) includeNamespaces() []string {
	if len(r.IncludeNamespaces) == 0 {
		return []string{"*"}
	}
	return r.IncludeNamespaces
}

// Argv returns the `velero restore create` command as an argv.
func (r Restore) Argv() ([]string, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	argv := []string{"velero", "restore", "create", r.Name, "--namespace", veleroNamespace(r.VeleroNamespace)}
	if r.FromBackup != "" {
		argv = append(argv, "--from-backup", r.FromBackup)
	} else {
		argv = append(argv, "--from-schedule", r.FromSchedule)
	}
	argv = append(argv, "--include-namespaces", strings.Join(r.includeNamespaces(), ","))
	if len(r.NamespaceMappings) > 0 {
		argv = append(argv, "--namespace-mappings", mapFlag(r.NamespaceMappings, ":"))
	}
	if r.RestoreVolumes != nil {
		argv = append(argv, fmt.Sprintf("--restore-volumes=%t", *r.RestoreVolumes))
	}
	if r.Wait {
		argv = append(argv, "--wait")
	}
	return argv, nil
}

// Shell returns the `velero restore create` command line.
func (r Restore) Shell() (string, error) { return shellOf(r.Argv()) }

// Build returns the velero.io/v1 Restore that the command creates.
func (r Restore) Build() (*velerov1.Restore, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	out := &velerov1.Restore{
		TypeMeta:   velerov1.TypeMetaFor(velerov1.KindRestore),
		ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: veleroNamespace(r.VeleroNamespace)},
		Spec: velerov1.RestoreSpec{
			BackupName:         r.FromBackup,
			ScheduleName:       r.FromSchedule,
			IncludedNamespaces: copyList(r.includeNamespaces()),
			NamespaceMapping:   copyMap(r.NamespaceMappings),
		},
	}
	if r.RestoreVolumes != nil {
		v := *r.RestoreVolumes
		out.Spec.RestorePVs = &v
	}
	return out, nil
}

func shellOf(argv []string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return shell.Join(argv), nil
}
