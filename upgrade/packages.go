package upgrade

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/version"
)

// PackageManager names the package manager of the nodes.
type PackageManager string

const (
	// Apt is Debian and Ubuntu's apt (the default).
	Apt PackageManager = "apt"
	// Dnf is dnf on Fedora, RHEL 8 and later and their rebuilds.
	Dnf PackageManager = "dnf"
	// Yum is yum on older RHEL-family systems.
	Yum PackageManager = "yum"
)

// Packages says where kubeadm, kubelet and kubectl come from.
type Packages struct {
	// Manager is Apt when empty.
	Manager PackageManager

	// Revision is the package revision appended to the Kubernetes version.
	// Empty means the revision pkgs.k8s.io publishes: "1.1" for deb
	// packages (kubeadm=1.37.2-1.1) and "150500.1.1" for rpm packages
	// (kubeadm-1.37.2-150500.1.1). The legacy "00"/"0" revisions of
	// apt.kubernetes.io and yum.kubernetes.io are refused.
	Revision string

	// Repository is the base URL of the community repositories, ending in
	// "/"; the minor release and the package format are appended
	// ("v1.37/deb/"). Empty means https://pkgs.k8s.io/core:/stable:/. A mirror
	// of the same layout may be named; the legacy Google-hosted
	// repositories are refused.
	Repository string
}

const (
	// DefaultRepository is the community-owned package repository.
	DefaultRepository = "https://pkgs.k8s.io/core:/stable:/"
	// AptKeyring is where the apt repository's signing key is installed, as
	// the kubeadm installation guide does.
	AptKeyring = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg"
	// AptSourcesFile holds the apt repository definition.
	AptSourcesFile = "/etc/apt/sources.list.d/kubernetes.list"
	// RPMRepoFile holds the yum/dnf repository definition.
	RPMRepoFile = "/etc/yum.repos.d/kubernetes.repo"

	defaultDebRevision = "1.1"
	defaultRPMRevision = "150500.1.1"

	// legacyRepoNote explains why the old repositories are refused.
	legacyRepoNote = "the legacy apt.kubernetes.io and yum.kubernetes.io repositories (packages.cloud.google.com) were frozen on 13 September 2023 and have since been removed; they carry no release after v1.28. Use the community repositories at pkgs.k8s.io: one repository per minor release (https://pkgs.k8s.io/core:/stable:/v1.37/deb/), packages versioned 1.37.2-1.1 (deb) or 1.37.2-150500.1.1 (rpm)"
)

// writeFileScript is the one inline script of the plan: it writes its first
// argument (plus a newline) to the file named by its second. The data travel
// as arguments, never as script text, so nothing in them is interpreted.
const writeFileScript = `printf '%s\n' "$1" > "$2"`

var revisionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

type packageSource struct {
	manager  PackageManager
	revision string
	base     string
}

func validatePackages(p Packages, path *field.Path, errs field.ErrorList) (packageSource, field.ErrorList) {
	src := packageSource{manager: p.Manager, revision: p.Revision, base: p.Repository}
	switch p.Manager {
	case "":
		src.manager = Apt
	case Apt, Dnf, Yum:
	default:
		errs = append(errs, field.NotSupported(path.Child("manager"), p.Manager, []string{string(Apt), string(Dnf), string(Yum)}))
	}
	switch {
	case p.Revision == "":
		src.revision = defaultDebRevision
		if src.manager != Apt {
			src.revision = defaultRPMRevision
		}
	case p.Revision == "00" || p.Revision == "0" || strings.HasSuffix(p.Revision, "-00"):
		errs = append(errs, field.Invalid(path.Child("revision"), p.Revision, "this is the version format of "+legacyRepoNote))
	case !revisionRE.MatchString(p.Revision) || len(p.Revision) > 32:
		errs = append(errs, field.Invalid(path.Child("revision"), p.Revision, "must be a package revision of dot-separated numbers like 1.1 (deb) or 150500.1.1 (rpm)"))
	}
	if p.Repository == "" {
		src.base = DefaultRepository
	} else if msg := checkRepository(p.Repository); msg != "" {
		errs = append(errs, field.Invalid(path.Child("repository"), p.Repository, msg))
	}
	return src, errs
}

func checkRepository(u string) string {
	low := strings.ToLower(u)
	for _, legacy := range []string{"apt.kubernetes.io", "yum.kubernetes.io", "packages.cloud.google.com"} {
		if strings.Contains(low, legacy) {
			return "refused: " + legacyRepoNote
		}
	}
	if !strings.HasPrefix(u, "https://") {
		return "must be an https:// URL"
	}
	if !strings.HasSuffix(u, "/") {
		return `must end in "/" (the minor release is appended, as in https://pkgs.k8s.io/core:/stable:/v1.37/deb/)`
	}
	if len(u) > 2048 {
		return "must be at most 2048 characters"
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"'\<>[]{}|^`+"`", c) >= 0 {
			return fmt.Sprintf("must not contain %q", c)
		}
	}
	return ""
}

// RepositoryURL is the repository of one minor release in the format of the
// package manager ("https://pkgs.k8s.io/core:/stable:/v1.37/deb/").
func (s packageSource) RepositoryURL(v version.Version) string {
	format := "deb"
	if s.manager != Apt {
		format = "rpm"
	}
	return s.base + v.MinorString() + "/" + format + "/"
}

// repoFile returns the path and content of the repository definition for v's
// minor release, as the kubeadm installation guide writes it.
func (s packageSource) repoFile(v version.Version) (path, content string) {
	u := s.RepositoryURL(v)
	if s.manager == Apt {
		return AptSourcesFile, "deb [signed-by=" + AptKeyring + "] " + u + " /"
	}
	return RPMRepoFile, strings.Join([]string{
		"[kubernetes]",
		"name=Kubernetes",
		"baseurl=" + u,
		"enabled=1",
		"gpgcheck=1",
		"gpgkey=" + u + "repodata/repomd.xml.key",
		"exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni",
	}, "\n")
}

// PackageVersion is the version string of the Kubernetes packages of v in the
// repository's format: "1.37.2-1.1" (deb) or "1.37.2-150500.1.1" (rpm).
func (s packageSource) PackageVersion(v version.Version) string {
	return v.Bare() + "-" + s.revision
}

// switchRepo returns the commands that point a node at v's repository and
// refresh the package index.
func (s packageSource) switchRepo(v version.Version) [][]string {
	path, content := s.repoFile(v)
	write := []string{"sh", "-c", writeFileScript, "sh", content, path}
	if s.manager == Apt {
		return [][]string{write, {"apt-get", "update"}}
	}
	return [][]string{write, {string(s.manager), "clean", "metadata"}}
}

// install returns the commands that install pkgs at v, releasing and
// renewing the hold (apt) that keeps routine upgrades away from them. On rpm
// systems the repository's exclude= line does that job.
func (s packageSource) install(v version.Version, pkgs ...string) [][]string {
	if s.manager == Apt {
		args := []string{"apt-get", "install", "-y"}
		for _, p := range pkgs {
			args = append(args, p+"="+s.PackageVersion(v))
		}
		return [][]string{
			append([]string{"apt-mark", "unhold"}, pkgs...),
			args,
			append([]string{"apt-mark", "hold"}, pkgs...),
		}
	}
	args := []string{string(s.manager), "install", "-y"}
	for _, p := range pkgs {
		args = append(args, p+"-"+s.PackageVersion(v))
	}
	return [][]string{append(args, "--disableexcludes=kubernetes")}
}
