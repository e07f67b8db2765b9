package upgrade

// The simulator judges plans on its own: it builds a model of the cluster
// from the Spec (the input, not the planner's state), executes every command
// of the plan by reading its argv the way the real tool would, evaluates the
// preconditions and verifications against the model, and checks the version
// skew policy and the availability rules after every single command. It
// shares no code with the planner beyond the plan's data types and the
// version parser.

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/prodkube/prodkube/version"
)

const simKubeconfig = "/etc/kubernetes/admin.conf"

type simNode struct {
	name         string
	controlPlane bool
	pool         string
	machineOnly  bool // provisioned, not yet joined
	removed      bool

	installed map[string]version.Version
	held      map[string]bool
	repoMinor *version.Version
	fresh     bool // package index refreshed since the repository changed

	kubelet        version.Version // running
	kubeletRunning bool
	kubeletConfig  version.Version
	reloaded       bool // systemd units reloaded since kubelet was installed
	api, cm, sched version.Version

	ready, cordoned, tainted bool
	maintenance              bool
	drainedInStep            int
	counted                  int // how the pool counters count it: 0 not, 1 down, 2 in service
}

type simPool struct {
	strategy       Strategy
	maxUnavailable int
	size           int
}

type sim struct {
	spec     *Spec
	rpm      bool
	manager  string
	nodes    map[string]*simNode
	pools    map[string]*simPool
	cluster  version.Version
	proxy    version.Version
	target   version.Version
	backedUp bool
	step     int
	phase    Phase
	pool     string

	// Bookkeeping that keeps every check after every command cheap at
	// 5,000 nodes: all nodes in a stable order, the control plane nodes,
	// the nodes the last command touched, counters per pool, the cordoned
	// nodes of each drain group, and the versions last checked.
	all       []*simNode
	cps       []*simNode
	dirty     []*simNode
	down, up  map[string]int
	cordoned  map[string]map[*simNode]bool
	checked   bool
	lastMin   version.Version
	lastMax   version.Version
	lastProxy version.Version
}

type simError struct {
	step int
	cmd  string
	msg  string
}

func (e *simError) Error() string {
	return fmt.Sprintf("step %d: %s: %s", e.step, e.cmd, e.msg)
}

func mustVersion(s string) version.Version {
	v, err := version.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// newSim models the cluster the spec describes. The spec must be valid.
func newSim(spec *Spec) *sim {
	s := &sim{spec: spec, nodes: map[string]*simNode{}, pools: map[string]*simPool{},
		down: map[string]int{}, up: map[string]int{}, cordoned: map[string]map[*simNode]bool{}}
	s.manager = string(spec.Packages.Manager)
	if s.manager == "" {
		s.manager = "apt"
	}
	s.rpm = s.manager != "apt"
	s.target = mustVersion(spec.Target)
	mk := func(name string, v version.Version) *simNode {
		n := &simNode{
			name:           name,
			installed:      map[string]version.Version{"kubeadm": v, "kubelet": v, "kubectl": v},
			held:           map[string]bool{"kubeadm": !s.rpm, "kubelet": !s.rpm, "kubectl": !s.rpm},
			kubelet:        v,
			kubeletRunning: true,
			kubeletConfig:  v,
			reloaded:       true,
			ready:          true,
			drainedInStep:  -1,
		}
		rm := v
		n.repoMinor = &rm
		n.fresh = true
		s.nodes[name] = n
		s.all = append(s.all, n)
		return n
	}
	for i, c := range spec.ControlPlane {
		v := mustVersion(c.Version)
		n := mk(c.Name, v)
		n.controlPlane = true
		s.cps = append(s.cps, n)
		n.api, n.cm, n.sched = v, v, v
		if i == 0 {
			s.cluster = v
			s.proxy = v
		}
	}
	for _, p := range spec.Pools {
		mu := p.MaxUnavailable
		if mu == 0 {
			mu = 1
		}
		st := p.Strategy
		if st == "" {
			st = InPlace
		}
		s.pools[p.Name] = &simPool{strategy: st, maxUnavailable: mu, size: len(p.Nodes)}
		for _, nd := range p.Nodes {
			n := mk(nd.Name, mustVersion(nd.Version))
			n.pool = p.Name
		}
	}
	return s
}

func (s *sim) sortedNodes() []*simNode {
	out := make([]*simNode, 0, len(s.nodes))
	for _, n := range s.nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func lagLimit(v version.Version) int {
	if v.Major == 1 && v.Minor < 25 {
		return 2
	}
	return 3
}

// invariants checks the skew policy and the availability rules. The
// control plane is checked in full every time; worker nodes are checked in
// full whenever a kube-apiserver or kube-proxy version changed, and
// otherwise only those the last command touched (nothing else changed).
func (s *sim) invariants() string {
	var apiMin, apiMax *version.Version
	cpDown := 0
	for _, n := range s.cps {
		a := n.api
		if apiMin == nil || a.Minor < apiMin.Minor {
			apiMin = &a
		}
		if apiMax == nil || a.Minor > apiMax.Minor {
			apiMax = &a
		}
		if n.cm.Minor > n.api.Minor || n.api.Minor-n.cm.Minor > 1 || n.sched.Minor > n.api.Minor || n.api.Minor-n.sched.Minor > 1 {
			return fmt.Sprintf("%s: controller-manager %s / scheduler %s outside [-1, 0] of its kube-apiserver %s", n.name, n.cm, n.sched, n.api)
		}
		if n.kubeletRunning {
			if n.kubelet.Minor > n.api.Minor {
				return fmt.Sprintf("%s: kubelet %s newer than its local kube-apiserver %s", n.name, n.kubelet, n.api)
			}
			if n.api.Minor-n.kubelet.Minor > lagLimit(n.kubelet) {
				return fmt.Sprintf("%s: kubelet %s too old for its local kube-apiserver %s", n.name, n.kubelet, n.api)
			}
		}
		if n.cordoned || !n.ready || n.maintenance || !n.kubeletRunning {
			cpDown++
		}
	}
	if apiMin == nil {
		return "no control plane node left"
	}
	if apiMax.Minor-apiMin.Minor > 1 {
		return fmt.Sprintf("kube-apiserver instances %s and %s are more than one minor apart", apiMin, apiMax)
	}
	if cpDown > 1 {
		return fmt.Sprintf("%d control plane nodes down at once", cpDown)
	}
	if s.proxy.Minor > apiMin.Minor {
		return fmt.Sprintf("kube-proxy %s newer than kube-apiserver %s", s.proxy, apiMin)
	}
	if apiMax.Minor-s.proxy.Minor > lagLimit(s.proxy) {
		return fmt.Sprintf("kube-proxy %s too old for kube-apiserver %s", s.proxy, apiMax)
	}
	nodes := s.dirty
	if !s.checked || *apiMin != s.lastMin || *apiMax != s.lastMax || s.proxy != s.lastProxy {
		nodes = s.all
	}
	s.checked, s.lastMin, s.lastMax, s.lastProxy = true, *apiMin, *apiMax, s.proxy
	for _, n := range nodes {
		if msg := s.nodeSkew(n, *apiMin, *apiMax); msg != "" {
			return msg
		}
		s.count(n)
	}
	for _, n := range s.dirty {
		s.count(n)
	}
	s.dirty = s.dirty[:0]
	for name, p := range s.pools {
		switch p.strategy {
		case Surge:
			if s.up[name] < p.size {
				return fmt.Sprintf("surge pool %s has %d schedulable Ready nodes, fewer than its size %d", name, s.up[name], p.size)
			}
		default:
			if s.down[name] > p.maxUnavailable {
				return fmt.Sprintf("pool %s has %d nodes down, more than maxUnavailable %d", name, s.down[name], p.maxUnavailable)
			}
		}
	}
	return ""
}

// nodeSkew checks one node's kubelet against kube-apiserver and kube-proxy.
func (s *sim) nodeSkew(n *simNode, apiMin, apiMax version.Version) string {
	if n.removed || n.machineOnly || !n.kubeletRunning {
		return ""
	}
	d := n.kubelet.Minor - s.proxy.Minor
	if d < 0 {
		d = -d
	}
	lim := 3
	if lagLimit(n.kubelet) == 2 || lagLimit(s.proxy) == 2 {
		lim = 2
	}
	if d > lim {
		return fmt.Sprintf("%s: kube-proxy %s and kubelet %s are %d minors apart", n.name, s.proxy, n.kubelet, d)
	}
	if n.controlPlane {
		return ""
	}
	if n.kubelet.Minor > apiMin.Minor {
		return fmt.Sprintf("%s: kubelet %s newer than kube-apiserver %s", n.name, n.kubelet, apiMin)
	}
	if apiMax.Minor-n.kubelet.Minor > lagLimit(n.kubelet) {
		return fmt.Sprintf("%s: kubelet %s more than %d minors older than kube-apiserver %s", n.name, n.kubelet, lagLimit(n.kubelet), apiMax)
	}
	return ""
}

// count keeps the per-pool counters of nodes down and in service.
func (s *sim) count(n *simNode) {
	st := 0
	if !n.controlPlane && !n.removed && !n.machineOnly {
		st = 2
		if n.cordoned || !n.ready || !n.kubeletRunning || n.tainted {
			st = 1
		}
	}
	if st == n.counted {
		return
	}
	switch n.counted {
	case 1:
		s.down[n.pool]--
	case 2:
		s.up[n.pool]--
	}
	switch st {
	case 1:
		s.down[n.pool]++
	case 2:
		s.up[n.pool]++
	}
	n.counted = st
}

// group is the drain group of a node: the control plane, or an in-place
// pool ("" for surge pools, which drain while their capacity is covered).
func (s *sim) group(n *simNode) string {
	if n.controlPlane {
		return "control plane"
	}
	if p := s.pools[n.pool]; p != nil && p.strategy == InPlace {
		return "pool " + n.pool
	}
	return ""
}

func (s *sim) setCordoned(n *simNode, c bool) {
	n.cordoned = c
	g := s.group(n)
	if g == "" {
		return
	}
	if s.cordoned[g] == nil {
		s.cordoned[g] = map[*simNode]bool{}
	}
	if c && !n.removed {
		s.cordoned[g][n] = true
	} else {
		delete(s.cordoned[g], n)
	}
}

var (
	debLineRE = regexp.MustCompile(`^deb \[signed-by=/etc/apt/keyrings/kubernetes-apt-keyring\.gpg\] (https://[^ ]+/)v(1)\.([0-9]+)/deb/ /$`)
	rpmBaseRE = regexp.MustCompile(`^baseurl=(https://[^ ]+/)v(1)\.([0-9]+)/rpm/$`)
	debPkgRE  = regexp.MustCompile(`^(kubeadm|kubelet|kubectl)=([0-9]+\.[0-9]+\.[0-9]+)-([0-9]+(\.[0-9]+)*)$`)
	rpmPkgRE  = regexp.MustCompile(`^(kubeadm|kubelet|kubectl)-([0-9]+\.[0-9]+\.[0-9]+)-([0-9]+(\.[0-9]+)*)$`)
)

func legacyURL(u string) bool {
	return strings.Contains(u, "apt.kubernetes.io") || strings.Contains(u, "yum.kubernetes.io") || strings.Contains(u, "packages.cloud.google.com")
}

func (s *sim) node(name string) (*simNode, string) {
	n, ok := s.nodes[name]
	if !ok {
		if s.phase == PhaseBackup || s.pool == "" || s.pools[s.pool] == nil || s.pools[s.pool].strategy != Surge {
			return nil, "unknown host " + name
		}
		// A new machine provisioned for a surge pool.
		n = &simNode{name: name, machineOnly: true, pool: s.pool, installed: map[string]version.Version{}, held: map[string]bool{}, drainedInStep: -1}
		s.nodes[name] = n
		s.all = append(s.all, n)
	}
	s.dirty = append(s.dirty, n)
	if n.removed {
		return nil, "host " + name + " was removed"
	}
	return n, ""
}

// exec runs one command against the model and returns what is wrong with it.
func (s *sim) exec(c Command) string {
	a := c.Argv
	if len(a) == 0 {
		return "empty command"
	}
	if c.Node == "" {
		if s.phase == PhaseBackup && a[0] == "velero" {
			return ""
		}
		return "only the backup step may run commands on the workstation"
	}
	h, msg := s.node(c.Node)
	if msg != "" {
		return msg
	}
	switch a[0] {
	case "sh":
		if len(a) == 5 && a[1] == "-c" && a[2] == `test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config "$1"` && a[3] == "sh" {
			if !h.machineOnly {
				return "" // joined already: the guard skips kubeadm join
			}
			return s.kubeadm(h, []string{"kubeadm", "join", "--config", a[4]})
		}
		if len(a) != 6 || a[1] != "-c" || a[2] != `printf '%s\n' "$1" > "$2"` || a[3] != "sh" {
			return "unexpected inline script"
		}
		content, path := a[4], a[5]
		var m []string
		if !s.rpm {
			if path != "/etc/apt/sources.list.d/kubernetes.list" {
				return "writes an unexpected file " + path
			}
			m = debLineRE.FindStringSubmatch(content)
		} else {
			if path != "/etc/yum.repos.d/kubernetes.repo" {
				return "writes an unexpected file " + path
			}
			lines := strings.Split(content, "\n")
			want := map[string]bool{"[kubernetes]": false, "enabled=1": false, "gpgcheck=1": false, "exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni": false}
			for _, l := range lines {
				if _, ok := want[l]; ok {
					want[l] = true
				}
				if mm := rpmBaseRE.FindStringSubmatch(l); mm != nil {
					m = mm
				}
			}
			for k, ok := range want {
				if !ok {
					return "repository file lacks " + k
				}
			}
			if m != nil && !strings.Contains(content, "gpgkey="+m[1]+"v"+m[2]+"."+m[3]+"/rpm/repodata/repomd.xml.key") {
				return "repository file's gpgkey does not match its baseurl"
			}
		}
		if m == nil {
			return "not a pkgs.k8s.io repository definition: " + content
		}
		if legacyURL(m[1]) {
			return "legacy repository " + m[1]
		}
		rv := mustVersion(m[2] + "." + m[3] + ".0")
		h.repoMinor = &rv
		h.fresh = false
	case "apt-get":
		if s.rpm {
			return "apt-get on an rpm system"
		}
		switch {
		case len(a) == 2 && a[1] == "update":
			h.fresh = true
		case len(a) >= 4 && a[1] == "install" && a[2] == "-y":
			if !h.fresh {
				return "apt-get install without apt-get update after the repository changed"
			}
			for _, p := range a[3:] {
				m := debPkgRE.FindStringSubmatch(p)
				if m == nil {
					return "unexpected package spec " + p
				}
				if msg := s.installPkg(h, m[1], m[2], m[3]); msg != "" {
					return msg
				}
			}
		default:
			return "unexpected apt-get command"
		}
	case "apt-mark":
		if s.rpm || len(a) < 3 || (a[1] != "hold" && a[1] != "unhold") {
			return "unexpected apt-mark command"
		}
		for _, p := range a[2:] {
			h.held[p] = a[1] == "hold"
		}
	case "dnf", "yum":
		if a[0] != s.manager {
			return a[0] + " on a " + s.manager + " system"
		}
		switch {
		case len(a) == 3 && a[1] == "clean" && a[2] == "metadata":
			h.fresh = true
		case len(a) >= 5 && a[1] == "install" && a[2] == "-y" && a[len(a)-1] == "--disableexcludes=kubernetes":
			if !h.fresh {
				return "install without refreshing the metadata after the repository changed"
			}
			for _, p := range a[3 : len(a)-1] {
				m := rpmPkgRE.FindStringSubmatch(p)
				if m == nil {
					return "unexpected package spec " + p
				}
				if msg := s.installPkg(h, m[1], m[2], m[3]); msg != "" {
					return msg
				}
			}
		default:
			return "unexpected " + a[0] + " command (the repository excludes the packages: --disableexcludes=kubernetes is needed)"
		}
	case "kubeadm":
		return s.kubeadm(h, a)
	case "systemctl":
		switch {
		case len(a) == 2 && a[1] == "daemon-reload":
			h.reloaded = true
		case len(a) == 3 && a[1] == "restart" && a[2] == "kubelet":
			if h.machineOnly {
				return "kubelet restart on a machine that has not joined"
			}
			if !h.reloaded {
				return "kubelet restarted without systemctl daemon-reload after its package changed"
			}
			nv := h.installed["kubelet"]
			if nv != h.kubeletConfig {
				return fmt.Sprintf("kubelet %s started with the configuration of %s (kubeadm upgrade node missing)", nv, h.kubeletConfig)
			}
			if !nv.SameMinor(h.kubelet) && !h.cordoned {
				return "kubelet minor upgrade on a node that was not drained"
			}
			h.kubelet = nv
			h.kubeletRunning = true
			h.ready = false
		case len(a) == 4 && a[1] == "disable" && a[2] == "--now" && a[3] == "kubelet":
			if !h.cordoned {
				return "kubelet stopped on a node that was not drained"
			}
			h.kubeletRunning = false
			h.ready = false
		default:
			return "unexpected systemctl command"
		}
	case "kubectl":
		return s.kubectl(h, a)
	default:
		return "unknown command " + a[0]
	}
	return ""
}

func (s *sim) installPkg(h *simNode, name, ver, rev string) string {
	if h.held[name] {
		return name + " is held (apt-mark unhold first)"
	}
	if rev == "00" || rev == "0" {
		return "legacy package revision " + rev
	}
	want := "1.1"
	if s.rpm {
		want = "150500.1.1"
	}
	if r := s.spec.Packages.Revision; r != "" {
		want = r
	}
	if rev != want {
		return fmt.Sprintf("package revision %s, the repository publishes %s", rev, want)
	}
	v, err := version.Parse(ver)
	if err != nil {
		return err.Error()
	}
	if h.repoMinor == nil || !v.SameMinor(*h.repoMinor) {
		return fmt.Sprintf("%s %s is not in the node's repository (%v)", name, v, h.repoMinor)
	}
	h.installed[name] = v
	if name == "kubelet" {
		h.reloaded = false
	}
	return ""
}

func (s *sim) allAPIAt(v version.Version) bool {
	for _, n := range s.cps {
		if n.api != v {
			return false
		}
	}
	return true
}

func (s *sim) kubeadm(h *simNode, a []string) string {
	kv, ok := h.installed["kubeadm"]
	if !ok {
		return "kubeadm is not installed"
	}
	switch {
	case len(a) == 4 && a[1] == "upgrade" && a[2] == "plan":
		if !h.controlPlane {
			return "kubeadm upgrade plan on a worker"
		}
		if a[3] != kv.String() {
			return "kubeadm upgrade plan for a version other than kubeadm's"
		}
	case len(a) == 5 && a[1] == "upgrade" && a[2] == "apply" && a[4] == "--yes":
		if !h.controlPlane {
			return "kubeadm upgrade apply on a worker"
		}
		v, err := version.Parse(a[3])
		if err != nil {
			return err.Error()
		}
		if v != kv {
			return fmt.Sprintf("kubeadm %s cannot apply %s", kv, v)
		}
		if v.Less(s.cluster) {
			return "downgrade"
		}
		if d, ok := s.cluster.MinorsBetween(v); !ok || d > 1 {
			return fmt.Sprintf("kubeadm %s cannot upgrade a control plane at %s (skips a minor)", v, s.cluster)
		}
		s.cluster = v
		h.api, h.cm, h.sched = v, v, v
		h.kubeletConfig = v
		h.maintenance = true
		if s.allAPIAt(v) {
			s.proxy = v
		}
	case len(a) == 3 && a[1] == "upgrade" && a[2] == "node":
		if kv != s.cluster {
			return fmt.Sprintf("kubeadm %s on a cluster at %s", kv, s.cluster)
		}
		h.kubeletConfig = s.cluster
		if h.controlPlane {
			if d, ok := h.api.MinorsBetween(s.cluster); !ok || d > 1 || d < 0 {
				return "kubeadm upgrade node would skip a minor on this node"
			}
			h.api, h.cm, h.sched = s.cluster, s.cluster, s.cluster
			h.maintenance = true
			if s.allAPIAt(s.cluster) {
				s.proxy = s.cluster
			}
		}
	case len(a) == 4 && a[1] == "join" && a[2] == "--config" && strings.HasPrefix(a[3], "/"):
		if !h.machineOnly {
			return "kubeadm join on a node that is already part of the cluster"
		}
		if kv != s.cluster || h.installed["kubelet"] != kv || h.installed["kubectl"] != kv {
			return fmt.Sprintf("join with kubeadm %s / kubelet %s on a cluster at %s", kv, h.installed["kubelet"], s.cluster)
		}
		if s.pools[h.pool] == nil {
			return "joins unknown pool " + h.pool
		}
		h.machineOnly = false
		h.kubelet = kv
		h.kubeletConfig = kv
		h.kubeletRunning = true
		h.reloaded = true
		h.ready = false
	default:
		return "unexpected kubeadm command"
	}
	return ""
}

func (s *sim) kubectl(h *simNode, a []string) string {
	if len(a) < 4 || a[1] != "--kubeconfig" || a[2] != simKubeconfig {
		return "kubectl without the admin kubeconfig"
	}
	if !h.controlPlane {
		return "kubectl on a node without " + simKubeconfig
	}
	kv := h.installed["kubectl"]
	for _, n := range s.cps {
		d, ok := kv.MinorsBetween(n.api)
		if !ok || d > 1 || d < -1 {
			return fmt.Sprintf("kubectl %s is more than one minor away from kube-apiserver %s", kv, n.api)
		}
	}
	a = a[3:]
	target := func(name string) (*simNode, string) {
		n, ok := s.nodes[name]
		if !ok || n.removed || n.machineOnly {
			return nil, "no node " + name
		}
		s.dirty = append(s.dirty, n)
		return n, ""
	}
	switch {
	case a[0] == "drain" && len(a) == 5:
		n, msg := target(a[1])
		if msg != "" {
			return msg
		}
		if a[2] != "--ignore-daemonsets" || a[3] != "--delete-emptydir-data" || !strings.HasPrefix(a[4], "--timeout=") {
			return "drain needs --ignore-daemonsets --delete-emptydir-data and a timeout"
		}
		// In-place: nodes drained by an earlier step are back in service.
		if g := s.group(n); g != "" {
			for o := range s.cordoned[g] {
				if o != n && o.drainedInStep != s.step {
					return fmt.Sprintf("drains %s while %s, drained earlier, is still cordoned", n.name, o.name)
				}
			}
		}
		s.setCordoned(n, true)
		n.drainedInStep = s.step
	case a[0] == "uncordon" && len(a) == 2:
		n, msg := target(a[1])
		if msg != "" {
			return msg
		}
		s.setCordoned(n, false)
	case a[0] == "wait" && len(a) == 4 && a[1] == "--for=condition=Ready" && strings.HasPrefix(a[2], "node/") && strings.HasPrefix(a[3], "--timeout="):
		n, msg := target(strings.TrimPrefix(a[2], "node/"))
		if msg != "" {
			return msg
		}
		if !n.kubeletRunning {
			return "waits for " + n.name + " whose kubelet is stopped (would time out)"
		}
		n.ready = true
		if !n.cordoned {
			n.maintenance = false
		}
	case a[0] == "taint" && len(a) == 5 && a[1] == "nodes" && strings.HasSuffix(a[3], ":NoSchedule") && a[4] == "--overwrite":
		n, msg := target(a[2])
		if msg != "" {
			return msg
		}
		n.tainted = true
	case a[0] == "delete" && len(a) == 4 && a[1] == "node" && a[3] == "--ignore-not-found":
		n, msg := target(a[2])
		if msg != "" {
			return msg
		}
		if n.kubeletRunning || !n.cordoned {
			return "deletes node " + n.name + " that is not drained and stopped (it would come back)"
		}
		if n.controlPlane {
			return "deletes a control plane node"
		}
		n.removed = true
		s.setCordoned(n, false)
	default:
		return "unexpected kubectl command"
	}
	return ""
}

// eval runs a check against the model: its output and whether it succeeded.
func (s *sim) eval(c Check) (string, bool) {
	a := c.Command.Argv
	h, ok := s.nodes[c.Command.Node]
	if len(a) == 1 && a[0] == "true" {
		// A new machine of a surge pool is provisioned outside the plan.
		newMachine := !ok && s.pool != "" && s.pools[s.pool] != nil && s.pools[s.pool].strategy == Surge
		return "", newMachine || ok && !h.removed
	}
	if !ok || h.removed {
		return "", false
	}
	if h.machineOnly {
		return "", false
	}
	if len(a) == 4 && a[0] == "kubeadm" && a[1] == "version" && a[2] == "-o" && a[3] == "short" {
		return h.installed["kubeadm"].String(), true
	}
	if len(a) < 4 || a[0] != "kubectl" || a[1] != "--kubeconfig" || a[2] != simKubeconfig || !h.controlPlane {
		return "", false
	}
	a = a[3:]
	node := func(name string) *simNode {
		n, ok := s.nodes[name]
		if !ok || n.removed || n.machineOnly {
			return nil
		}
		return n
	}
	switch {
	case len(a) == 2 && a[0] == "get" && a[1] == "--raw=/readyz":
		return "ok", true
	case len(a) == 5 && a[0] == "get" && a[1] == "node" && a[3] == "-o":
		n := node(a[2])
		if n == nil {
			return "", false
		}
		switch a[4] {
		case "jsonpath={.status.nodeInfo.kubeletVersion}":
			return n.kubelet.String(), true
		case "go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}":
			if n.cordoned {
				return "cordoned", true
			}
			return "schedulable", true
		case `jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}`:
			if n.tainted {
				return "NoSchedule", true
			}
			return "", true
		}
	case len(a) == 4 && a[0] == "wait" && a[1] == "--for=condition=Ready" && a[3] == "--timeout=0s":
		n := node(strings.TrimPrefix(a[2], "node/"))
		return "", n != nil && n.ready && n.kubeletRunning
	}
	return "", false
}

func (s *sim) holds(c Check) bool {
	out, ok := s.eval(c)
	return ok && (c.Want == "" || out == c.Want)
}

// mutates reports whether a command changes the cluster.
func mutates(c Command) bool {
	a := c.Argv
	if len(a) >= 4 && a[0] == "kubectl" && (a[3] == "get" || a[3] == "wait") {
		return false
	}
	if len(a) >= 3 && a[0] == "kubeadm" && a[1] == "upgrade" && a[2] == "plan" {
		return false
	}
	return true
}

// simulate runs plan against the model of spec. skip lists step numbers to
// leave out (to prove that later preconditions notice).
func simulate(spec *Spec, plan *Plan, skip map[int]bool) error {
	return simulateRuns(spec, plan, skip, nil)
}

// simulateRuns is simulate where the steps in twice run a second time right
// after the first, as when a script is resumed at a step that had already
// (partly) run.
func simulateRuns(spec *Spec, plan *Plan, skip, twice map[int]bool) error {
	s := newSim(spec)
	if msg := s.invariants(); msg != "" {
		return fmt.Errorf("initial state: %s", msg)
	}
	for i, st := range plan.Steps {
		s.step = i + 1
		if st.Number != i+1 {
			return fmt.Errorf("step %d is numbered %d", i+1, st.Number)
		}
		if skip[s.step] {
			continue
		}
		s.phase, s.pool = st.Phase, st.Pool
		if st.Phase == PhaseBackup {
			if len(st.Commands) == 0 {
				return fmt.Errorf("step %d: a backup step without commands", s.step)
			}
			s.backedUp = true
			continue
		}
		runs := 1
		if twice[s.step] {
			runs = 2
		}
		for run := 0; run < runs; run++ {
			if err := s.runStep(spec, st); err != nil {
				return err
			}
		}
	}
	return s.final()
}

func (s *sim) runStep(spec *Spec, st Step) error {
	for _, c := range st.Preconditions {
		if !s.holds(c) {
			return &simError{s.step, "precondition " + c.Description, "does not hold"}
		}
	}
	for _, c := range st.Commands {
		line := c.Node + ": " + strings.Join(c.Argv, " ")
		if mutates(c) && !spec.SkipBackups && !s.backedUp {
			return &simError{s.step, line, "changes the cluster before the pre-upgrade backups"}
		}
		if msg := s.exec(c); msg != "" {
			return &simError{s.step, line, msg}
		}
		if msg := s.invariants(); msg != "" {
			return &simError{s.step, line, "after it: " + msg}
		}
	}
	for _, c := range st.Verify {
		if !s.holds(c) {
			out, _ := s.eval(c)
			return &simError{s.step, "verification " + c.Description, fmt.Sprintf("fails (got %q, want %q)", out, c.Want)}
		}
	}
	return nil
}

// final checks the end state: everything at the target, in service.
func (s *sim) final() error {
	t := s.target
	if s.cluster != t || s.proxy != t {
		return fmt.Errorf("end: cluster %s, kube-proxy %s, want %s", s.cluster, s.proxy, t)
	}
	count := map[string]int{}
	for _, n := range s.sortedNodes() {
		if n.removed {
			continue
		}
		if n.machineOnly {
			return fmt.Errorf("end: machine %s never joined", n.name)
		}
		if n.kubelet != t || !n.kubeletRunning || !n.ready || n.cordoned || n.tainted {
			return fmt.Errorf("end: %s kubelet %s running=%v ready=%v cordoned=%v tainted=%v", n.name, n.kubelet, n.kubeletRunning, n.ready, n.cordoned, n.tainted)
		}
		for _, p := range []string{"kubeadm", "kubelet", "kubectl"} {
			if n.installed[p] != t {
				return fmt.Errorf("end: %s has %s %s", n.name, p, n.installed[p])
			}
			if !s.rpm && !n.held[p] {
				return fmt.Errorf("end: %s leaves %s unheld", n.name, p)
			}
		}
		if n.controlPlane {
			if n.api != t || n.cm != t || n.sched != t || n.maintenance {
				return fmt.Errorf("end: control plane %s at %s/%s/%s", n.name, n.api, n.cm, n.sched)
			}
			continue
		}
		count[n.pool]++
	}
	for name, p := range s.pools {
		if count[name] != p.size {
			return fmt.Errorf("end: pool %s has %d nodes, want %d", name, count[name], p.size)
		}
	}
	return nil
}
