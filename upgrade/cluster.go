package upgrade

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/version"
)

// Spec is the intent of an upgrade: the cluster as it runs today, the version
// it should run, and how to get there. The zero value of every optional field
// is the safe production default.
type Spec struct {
	// ControlPlane lists the control plane nodes in the order they are
	// upgraded. The first one runs `kubeadm upgrade apply` (it must hold
	// /etc/kubernetes/admin.conf) and every kubectl command of the plan; the
	// others run `kubeadm upgrade node`. All must run the same version: a
	// control plane with mixed versions is an unfinished upgrade.
	ControlPlane []ControlPlaneNode

	// Pools are the worker pools, upgraded one after the other in this order
	// once the control plane of a hop is done.
	Pools []Pool

	// Packages says how kubeadm, kubelet and kubectl are installed.
	Packages Packages

	// Target is the version the cluster should run at the end ("v1.37.2").
	Target string

	// Releases names the latest patch release of every minor release between
	// the current version and Target ("v1.36.5"). Minor releases are never
	// skipped, so an upgrade from v1.35 to v1.37 needs a v1.36 release here.
	// When several are given for one minor, the newest is used. The planner
	// looks nothing up: it is pure.
	Releases []string

	// Manifests are YAML documents (any number per entry, "---" separated)
	// checked before the upgrade for apiVersion/kinds that a release along
	// the path stops serving.
	Manifests []Manifest

	// SkipBackups leaves out the etcd snapshot and Velero backup that
	// otherwise precede the first hop. Unsafe: an upgrade that goes wrong
	// then has nothing to restore.
	SkipBackups bool

	// Backups supplies the pre-upgrade backup commands. Nil means
	// BackupSpecs{}.
	Backups Backups

	// DrainTimeout bounds every `kubectl drain` (whole seconds, at most 24h).
	// Zero means 10 minutes.
	DrainTimeout time.Duration

	// ReadyTimeout bounds the wait for a node to become Ready after its
	// kubelet restarts or joins (whole seconds, at most 24h). Zero means
	// 5 minutes.
	ReadyTimeout time.Duration
}

// ControlPlaneNode is a control plane node and the version it runs.
type ControlPlaneNode struct {
	// Name is the Node name, which must also be the host name that SSH
	// reaches (a DNS-1123 subdomain).
	Name string
	// Version is the Kubernetes version of its control plane components and
	// kubelet ("v1.35.4").
	Version string
}

// Strategy is how a worker pool is upgraded.
type Strategy string

const (
	// InPlace upgrades the pool's machines themselves: packages, `kubeadm
	// upgrade node`, drain, kubelet restart, uncordon — MaxUnavailable nodes
	// at a time. It is the default.
	InPlace Strategy = "InPlace"
	// Surge joins a new set of machines at the new version, taints the old
	// nodes NoSchedule, drains them one by one and removes them. Capacity
	// never drops below the pool's size, at the cost of twice the machines
	// for a while.
	Surge Strategy = "Surge"
)

// Pool is a worker pool.
type Pool struct {
	// Name is a DNS-1123 label. Surge pools name their new machines
	// "<name>-v<major>-<minor>-<patch>-<n>".
	Name string
	// Nodes are the pool's nodes.
	Nodes []Node
	// Strategy is InPlace when empty.
	Strategy Strategy
	// MaxUnavailable is how many nodes of an in-place pool may be drained at
	// once (0 means 1; at most the pool's size). Surge pools always drain one
	// node at a time and keep their full capacity.
	MaxUnavailable int
	// JoinConfig is the path of the kubeadm JoinConfiguration on the new
	// machines of a surge pool, put there by whatever provisions them.
	// Empty means /etc/kubernetes/kubeadm-join.yaml.
	JoinConfig string
}

// Node is a worker node and the version of its kubelet.
type Node struct {
	// Name is the Node name and SSH host name (a DNS-1123 subdomain).
	Name string
	// Version is the kubelet's version ("v1.35.4").
	Version string
}

// Manifest is a named YAML stream checked by the pre-flight report.
type Manifest struct {
	// Name says where the documents come from ("manifests/app.yaml").
	Name string
	// Data holds one or more YAML documents.
	Data []byte
}

const (
	defaultDrainTimeout = 10 * time.Minute
	defaultReadyTimeout = 5 * time.Minute
	maxTimeout          = 24 * time.Hour
	defaultJoinConfig   = "/etc/kubernetes/kubeadm-join.yaml"

	// minControlPlane is the oldest control plane the planner accepts.
	// From v1.33 kubeadm points the kubelet of a control plane node at its
	// local kube-apiserver (the ControlPlaneKubeletLocalMode feature, on by
	// default since v1.33), and from v1.28 kubeadm upgrades kube-proxy only
	// once every kube-apiserver runs the new version. With both, upgrading
	// one control plane node at a time keeps every component within the skew
	// policy; before them it cannot.
	minControlPlaneMinor = 33
)

// validated is a Spec whose fields are parsed and defaulted.
type validated struct {
	spec         *Spec
	from, target version.Version
	hops         []version.Version
	pkg          packageSource
	drainTimeout time.Duration
	readyTimeout time.Duration
	pools        []poolState
	backups      Backups
}

type poolState struct {
	name           string
	strategy       Strategy
	maxUnavailable int
	joinConfig     string
	nodes          []nodeState
}

type nodeState struct {
	name    string
	version version.Version
}

// Validate reports every problem of the spec at once, each with the path of
// the field it concerns.
func (s Spec) Validate() field.ErrorList {
	_, errs := s.validate()
	return errs
}

func (s Spec) validate() (*validated, field.ErrorList) {
	var errs field.ErrorList
	v := &validated{spec: &s}
	names := map[string]*field.Path{}
	checkName := func(p *field.Path, name string) {
		if name == "" {
			errs = append(errs, field.Required(p, "a node name (DNS-1123 subdomain) is required"))
			return
		}
		for _, msg := range validation.IsDNS1123Subdomain(name) {
			errs = append(errs, field.Invalid(p, name, msg))
		}
		if prev, dup := names[name]; dup {
			errs = append(errs, field.Duplicate(p, fmt.Sprintf("%s (also %s)", name, prev)))
			return
		}
		names[name] = p
	}

	cpPath := field.NewPath("controlPlane")
	if len(s.ControlPlane) == 0 {
		errs = append(errs, field.Required(cpPath, "at least one control plane node is required"))
	}
	var cpVersion *version.Version
	for i, n := range s.ControlPlane {
		p := cpPath.Index(i)
		checkName(p.Child("name"), n.Name)
		ver, err := version.Parse(n.Version)
		if err != nil {
			errs = append(errs, field.Invalid(p.Child("version"), n.Version, err.Error()))
			continue
		}
		if cpVersion == nil {
			cpVersion = &ver
			if ver.Major != 1 || ver.Minor < minControlPlaneMinor {
				errs = append(errs, field.Invalid(p.Child("version"), n.Version,
					fmt.Sprintf("control planes older than v1.%d are not planned: from v1.%d kubeadm points control plane kubelets at their local kube-apiserver, which one-node-at-a-time upgrades need to stay within the skew policy", minControlPlaneMinor, minControlPlaneMinor)))
			}
			continue
		}
		if ver != *cpVersion {
			errs = append(errs, field.Invalid(p.Child("version"), n.Version,
				fmt.Sprintf("must equal the version of controlPlane[0] (%s): a control plane with mixed versions is an unfinished upgrade; finish it first", cpVersion)))
		}
	}
	if cpVersion != nil {
		v.from = *cpVersion
	}

	tPath := field.NewPath("target")
	target, terr := version.Parse(s.Target)
	if terr != nil {
		errs = append(errs, field.Invalid(tPath, s.Target, terr.Error()))
	} else {
		v.target = target
	}

	releases := make([]version.Version, 0, len(s.Releases))
	for i, r := range s.Releases {
		rv, err := version.Parse(r)
		if err != nil {
			errs = append(errs, field.Invalid(field.NewPath("releases").Index(i), r, err.Error()))
			continue
		}
		releases = append(releases, rv)
	}

	if cpVersion != nil && terr == nil {
		hops, herr := hopsBetween(v.from, v.target, releases, len(s.Releases))
		if herr != nil {
			errs = append(errs, herr)
		}
		v.hops = hops
	}

	poolsPath := field.NewPath("pools")
	poolNames := map[string]bool{}
	for i, pl := range s.Pools {
		p := poolsPath.Index(i)
		ps := poolState{name: pl.Name, strategy: pl.Strategy, maxUnavailable: pl.MaxUnavailable, joinConfig: pl.JoinConfig}
		if pl.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "a pool name (DNS-1123 label) is required"))
		} else {
			for _, msg := range validation.IsDNS1123Label(pl.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), pl.Name, msg))
			}
			if poolNames[pl.Name] {
				errs = append(errs, field.Duplicate(p.Child("name"), pl.Name))
			}
			poolNames[pl.Name] = true
		}
		switch pl.Strategy {
		case "":
			ps.strategy = InPlace
		case InPlace, Surge:
		default:
			errs = append(errs, field.NotSupported(p.Child("strategy"), pl.Strategy, []string{string(InPlace), string(Surge)}))
		}
		if len(pl.Nodes) == 0 {
			errs = append(errs, field.Required(p.Child("nodes"), "a pool needs at least one node"))
		}
		switch {
		case pl.MaxUnavailable < 0:
			errs = append(errs, field.Invalid(p.Child("maxUnavailable"), pl.MaxUnavailable, "must not be negative (0 means 1)"))
		case pl.MaxUnavailable == 0:
			ps.maxUnavailable = 1
		case len(pl.Nodes) > 0 && pl.MaxUnavailable > len(pl.Nodes):
			errs = append(errs, field.Invalid(p.Child("maxUnavailable"), pl.MaxUnavailable,
				fmt.Sprintf("must not exceed the pool's size (%d)", len(pl.Nodes))))
		}
		if pl.JoinConfig == "" {
			ps.joinConfig = defaultJoinConfig
		} else if msg := checkPath(pl.JoinConfig); msg != "" {
			errs = append(errs, field.Invalid(p.Child("joinConfig"), pl.JoinConfig, msg))
		}
		for j, n := range pl.Nodes {
			np := p.Child("nodes").Index(j)
			checkName(np.Child("name"), n.Name)
			ver, err := version.Parse(n.Version)
			if err != nil {
				errs = append(errs, field.Invalid(np.Child("version"), n.Version, err.Error()))
				continue
			}
			if cpVersion != nil {
				if msg := kubeletSkew(ver, *cpVersion, *cpVersion); msg != "" {
					errs = append(errs, field.Invalid(np.Child("version"), n.Version, msg))
				} else if cpVersion.Less(ver) {
					errs = append(errs, field.Invalid(np.Child("version"), n.Version,
						fmt.Sprintf("must not be newer than the control plane (%s): a node is never downgraded, and the plan moves every node to the control plane's versions", cpVersion)))
				}
			}
			ps.nodes = append(ps.nodes, nodeState{name: n.Name, version: ver})
		}
		v.pools = append(v.pools, ps)
	}

	// Surge pools name their new machines after the hop version; those
	// names must not collide with existing nodes.
	if len(errs) == 0 {
		for i, ps := range v.pools {
			if ps.strategy != Surge {
				continue
			}
			for _, h := range v.allWorkerVersions() {
				for k := range ps.nodes {
					n := surgeNodeName(ps.name, h, k+1)
					if prev, dup := names[n]; dup {
						errs = append(errs, field.Invalid(poolsPath.Index(i).Child("name"), ps.name,
							fmt.Sprintf("the surge pool's new node %s would collide with %s", n, prev)))
					}
				}
			}
		}
	}

	v.pkg, errs = validatePackages(s.Packages, field.NewPath("packages"), errs)

	v.drainTimeout, errs = validateTimeout(s.DrainTimeout, defaultDrainTimeout, field.NewPath("drainTimeout"), errs)
	v.readyTimeout, errs = validateTimeout(s.ReadyTimeout, defaultReadyTimeout, field.NewPath("readyTimeout"), errs)

	for i, m := range s.Manifests {
		if m.Name == "" {
			errs = append(errs, field.Required(field.NewPath("manifests").Index(i).Child("name"), "name the manifest so the report can say where a finding is"))
		}
	}

	v.backups = s.Backups
	if v.backups == nil {
		v.backups = BackupSpecs{}
	}
	return v, errs
}

// allWorkerVersions lists every version worker nodes are moved to: catch-up
// versions are the control plane versions before each hop, then each hop.
func (v *validated) allWorkerVersions() []version.Version {
	out := []version.Version{v.from}
	return append(out, v.hops...)
}

func validateTimeout(d, def time.Duration, p *field.Path, errs field.ErrorList) (time.Duration, field.ErrorList) {
	switch {
	case d == 0:
		return def, errs
	case d < time.Second || d > maxTimeout || d%time.Second != 0:
		return def, append(errs, field.Invalid(p, d.String(), "must be whole seconds between 1s and 24h (0 means the default)"))
	}
	return d, errs
}

// checkPath accepts clean absolute paths of ordinary characters.
func checkPath(p string) string {
	if len(p) == 0 || p[0] != '/' {
		return "must be an absolute path"
	}
	if len(p) > 4096 {
		return "must be at most 4096 characters"
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_'
		if !ok {
			return "may contain only letters, digits, '/', '.', '-' and '_'"
		}
	}
	for _, seg := range splitPath(p) {
		if seg == ".." || seg == "." {
			return "must not contain '.' or '..' segments"
		}
	}
	return ""
}

func splitPath(p string) []string {
	var out []string
	start := 1
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

// surgeNodeName names the k-th new machine of a surge pool at version v.
func surgeNodeName(pool string, v version.Version, k int) string {
	return fmt.Sprintf("%s-v%d-%d-%d-%d", pool, v.Major, v.Minor, v.Patch, k)
}
