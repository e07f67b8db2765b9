package baseline

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	cc "github.com/prodkube/prodkube/baseline/componentconfig"
	"github.com/prodkube/prodkube/baseline/kubeadm/v1beta4"
	"github.com/prodkube/prodkube/internal/shell"
)

// EncryptionAlgorithm is a local encryption provider of the API server.
type EncryptionAlgorithm string

// Local providers: secretbox (XSalsa20 and Poly1305) is the default; aescbc
// is offered for compliance regimes that require AES. Both take a 32-byte key.
const (
	Secretbox EncryptionAlgorithm = "secretbox"
	AESCBC    EncryptionAlgorithm = "aescbc"
)

// Defaults of Encryption.
const (
	DefaultEncryptionConfigFile = "/etc/kubernetes/encryption/config.yaml"
	DefaultEncryptionKeyFile    = "/etc/kubernetes/encryption/key"
	// EncryptionKeyName names the key in the configuration; it is part of
	// every stored value's prefix, "k8s:enc:secretbox:v1:key1:".
	EncryptionKeyName = "key1"
	// EncryptionKeyPlaceholder stands for the key in the template; the
	// install script replaces it with the key file's content on the node.
	EncryptionKeyPlaceholder = "PRODKUBE_KEY_FROM_KEY_FILE"
)

// Encryption is encryption at rest of the API server: what it stores in
// etcd for the named resources is encrypted, so that an etcd backup or a
// stolen disk does not hold Secrets in clear.
//
// With KMS set, a KMS v2 plugin on the node holds the key encryption key and
// the configuration holds no secret. Otherwise a local provider encrypts
// with a key that prodkube never sees or writes: the key lives in KeyFile on
// each control plane node (root only, 0600). Because the
// EncryptionConfiguration format can only hold the key inline, prodkube
// writes a template with EncryptionKeyPlaceholder where the key goes and an
// install script that, on the node, creates the key if asked
// ("install.sh generate", on the first node only: 32 bytes from
// /dev/urandom), or checks the key copied from the first node, and writes
// ConfigFile (0600) with the key filled in. Every control plane node needs
// the same key: copy KeyFile from the first node as you copy the cluster CA.
// Only ConfigFile is mounted into the API server.
//
// Existing Secrets stay readable (identity is the last provider) and are
// encrypted when next written; rewrite them all once with
// "kubectl get secrets -A -o json | kubectl replace -f -".
type Encryption struct {
	// Algorithm is the local provider, default Secretbox. Ignored with KMS.
	Algorithm EncryptionAlgorithm
	// KeyFile is where the base64 key lives on each node; default
	// DefaultEncryptionKeyFile.
	KeyFile string
	// ConfigFile is where the API server reads its configuration; default
	// DefaultEncryptionConfigFile.
	ConfigFile string
	// Resources are encrypted; default ["secrets"]. Entries are
	// "resource.group" or "resource" for the core group.
	Resources []string
	// KMS, when set, encrypts through a KMS v2 plugin instead of a local key.
	KMS *KMS
}

// KMS is a KMS v2 plugin running on each control plane node.
type KMS struct {
	// Name identifies the plugin; it is part of every stored value's prefix.
	Name string
	// Socket is the absolute path of the plugin's UNIX socket,
	// "/var/run/kmsplugin/socket.sock". Its directory is mounted into the
	// API server.
	Socket string
	// Timeout for calls to the plugin; default 3s.
	Timeout time.Duration
}

// EncryptionResult is the encryption configuration and the API server
// settings that enable it.
type EncryptionResult struct {
	// Config is the configuration; with a local provider its key is
	// EncryptionKeyPlaceholder.
	Config *cc.EncryptionConfiguration
	// APIServer holds --encryption-provider-config and the mounts of the
	// configuration file (and the KMS socket's directory).
	APIServer APIServerSettings

	configFile, keyFile string
	local               bool
}

// InstallScript is the file name of the script that fills the key into the
// template, next to ConfigFile under SharedDir.
const InstallScript = "install-encryption-config.sh"

// Files returns, under SharedDir: with KMS the configuration at ConfigFile;
// with a local provider the template at ConfigFile's name with ".template"
// before the extension and the install script (0755) beside it.
func (r *EncryptionResult) Files() []prodkube.File {
	dir := path.Dir(r.configFile)
	cfgPath := r.configFile
	if r.local {
		cfgPath = templatePath(r.configFile)
	}
	f, err := prodkube.YAMLFile(SharedDir+cfgPath, r.Config)
	if err != nil {
		f = prodkube.File{Path: SharedDir + cfgPath, Content: []byte("# encoding failed: " + oneLine(err.Error()) + "\n")}
	}
	files := []prodkube.File{f}
	if r.local {
		files = append(files, prodkube.File{Path: SharedDir + dir + "/" + InstallScript, Content: r.installScript(), Mode: 0o755})
	}
	return files
}

func templatePath(p string) string {
	ext := path.Ext(p)
	return strings.TrimSuffix(p, ext) + ".template" + ext
}

func (e Encryption) withDefaults() Encryption {
	if e.Algorithm == "" {
		e.Algorithm = Secretbox
	}
	if e.KeyFile == "" {
		e.KeyFile = DefaultEncryptionKeyFile
	}
	if e.ConfigFile == "" {
		e.ConfigFile = DefaultEncryptionConfigFile
	}
	if len(e.Resources) == 0 {
		e.Resources = []string{"secrets"}
	}
	if e.KMS != nil {
		k := *e.KMS
		if k.Timeout == 0 {
			k.Timeout = 3 * time.Second
		}
		e.KMS = &k
	}
	return e
}

// Validate reports every problem of the spec, each with its field path.
func (e Encryption) Validate() field.ErrorList {
	e = e.withDefaults()
	var errs field.ErrorList
	if e.Algorithm != Secretbox && e.Algorithm != AESCBC {
		errs = append(errs, field.NotSupported(field.NewPath("algorithm"), e.Algorithm, []string{string(Secretbox), string(AESCBC)}))
	}
	errs = append(errs, validateNodePath(e.ConfigFile, field.NewPath("configFile"))...)
	if ext := path.Ext(e.ConfigFile); ext != ".yaml" && ext != ".yml" {
		errs = append(errs, field.Invalid(field.NewPath("configFile"), e.ConfigFile, "must end in .yaml"))
	}
	manifests := func(p string) bool { return p == StaticPodDir || strings.HasPrefix(p, StaticPodDir+"/") }
	if manifests(e.ConfigFile) {
		errs = append(errs, field.Invalid(field.NewPath("configFile"), e.ConfigFile, "must not be in the static Pod directory "+StaticPodDir+", where the kubelet reads every file as a manifest"))
	}
	if e.KMS == nil {
		kp := field.NewPath("keyFile")
		errs = append(errs, validateNodePath(e.KeyFile, kp)...)
		switch {
		case manifests(e.KeyFile):
			errs = append(errs, field.Invalid(kp, e.KeyFile, "would put the key into the static Pod directory "+StaticPodDir+": the kubelet reads every file there as a manifest and copies of it end up in the cluster; keep the key in a root-only file elsewhere"))
		case e.KeyFile == e.ConfigFile || e.KeyFile == templatePath(e.ConfigFile) || e.KeyFile == path.Join(path.Dir(e.ConfigFile), InstallScript):
			errs = append(errs, field.Invalid(kp, e.KeyFile, "must be a file of its own, not the configuration, its template or the install script"))
		}
	} else {
		p := field.NewPath("kms")
		if e.KMS.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "the KMS plugin's name"))
		} else {
			for _, msg := range validation.IsDNS1123Subdomain(e.KMS.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), e.KMS.Name, msg))
			}
		}
		errs = append(errs, validateNodePath(e.KMS.Socket, p.Child("socket"))...)
		if e.KMS.Timeout < time.Second || e.KMS.Timeout > time.Minute {
			errs = append(errs, field.Invalid(p.Child("timeout"), e.KMS.Timeout.String(), "must be between 1s and 1m"))
		}
	}
	seen := map[string]bool{}
	for i, r := range e.Resources {
		p := field.NewPath("resources").Index(i)
		name, group, _ := strings.Cut(r, ".")
		bad := len(validation.IsDNS1123Label(name)) > 0
		if group != "" {
			bad = bad || len(validation.IsDNS1123Subdomain(group)) > 0
		}
		switch {
		case bad:
			errs = append(errs, field.Invalid(p, r, `must be "resource" or "resource.group" in lower case, such as "secrets" or "widgets.example.com"`))
		case r == "events" || r == "events.events.k8s.io":
			errs = append(errs, field.Invalid(p, r, "events are written at a high rate and carry nothing secret; encrypting them only costs"))
		case seen[r]:
			errs = append(errs, field.Duplicate(p, r))
		}
		seen[r] = true
	}
	return errs
}

// Build validates the spec and renders the configuration (or its template)
// and the API server settings.
func (e Encryption) Build() (*EncryptionResult, error) {
	if errs := e.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	e = e.withDefaults()
	var first cc.EncryptionProvider
	if e.KMS != nil {
		first.KMS = &cc.KMSProvider{
			APIVersion: "v2",
			Name:       e.KMS.Name,
			Endpoint:   (&url.URL{Scheme: "unix", Path: e.KMS.Socket}).String(),
			Timeout:    &metav1.Duration{Duration: e.KMS.Timeout},
		}
	} else {
		keys := &cc.EncryptionKeys{Keys: []cc.EncryptionKey{{Name: EncryptionKeyName, Secret: EncryptionKeyPlaceholder}}}
		if e.Algorithm == AESCBC {
			first.AESCBC = keys
		} else {
			first.Secretbox = keys
		}
	}
	r := &EncryptionResult{
		Config: &cc.EncryptionConfiguration{
			TypeMeta: metav1.TypeMeta{APIVersion: "apiserver.config.k8s.io/v1", Kind: "EncryptionConfiguration"},
			Resources: []cc.EncryptionResources{{
				Resources: slices.Clone(e.Resources),
				Providers: []cc.EncryptionProvider{first, {Identity: &struct{}{}}},
			}},
		},
		configFile: e.ConfigFile,
		keyFile:    e.KeyFile,
		local:      e.KMS == nil,
	}
	r.APIServer.ExtraArgs = []v1beta4.Arg{{Name: "encryption-provider-config", Value: e.ConfigFile}}
	r.APIServer.ExtraVolumes = []HostPathMount{{Name: "encryption-config", HostPath: e.ConfigFile, MountPath: e.ConfigFile, ReadOnly: true, PathType: corev1.HostPathFile}}
	if e.KMS != nil {
		dir := path.Dir(e.KMS.Socket)
		r.APIServer.ExtraVolumes = append(r.APIServer.ExtraVolumes, HostPathMount{Name: "kms-plugin", HostPath: dir, MountPath: dir, PathType: corev1.HostPathDirectory})
	}
	return r, nil
}

// installScript writes ConfigFile from the template and the key file. Run
// it as root from the directory it was copied to, before "kubeadm init" or
// "kubeadm join". "generate" creates the key first if it does not exist.
func (r *EncryptionResult) installScript() []byte {
	return []byte(fmt.Sprintf(`#!/bin/sh
# Writes the API server's encryption configuration from its template and the
# key in the key file, which prodkube never sees. On the first control plane
# node run "%[1]s generate" to create the key; copy the key file
# (mode 0600) to the other control plane nodes like the cluster CA and run
# "%[1]s" there.
set -eu
umask 077
key_file=%[2]s
template=%[3]s
config=%[4]s
if [ "${1:-}" = generate ] && [ ! -e "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    head -c 32 /dev/urandom | base64 > "$key_file"
fi
[ -f "$key_file" ] || { echo "$key_file is missing: run '$0 generate' on the first node, then copy it to the others" >&2; exit 1; }
case "$(stat -c %%a "$key_file")" in
    600|400) ;;
    *) echo "$key_file must be readable by its owner only (chmod 600)" >&2; exit 1 ;;
esac
key=$(tr -d '\n' < "$key_file")
[ "$(printf '%%s' "$key" | base64 -d 2>/dev/null | wc -c)" -eq 32 ] || { echo "$key_file must hold 32 bytes in base64" >&2; exit 1; }
mkdir -p "$(dirname "$config")"
sed "s|%[5]s|$key|" "$template" > "$config.tmp"
chmod 600 "$config.tmp"
mv "$config.tmp" "$config"
`, InstallScript, shell.Quote(r.keyFile), shell.Quote(templatePath(r.configFile)), shell.Quote(r.configFile), EncryptionKeyPlaceholder))
}
