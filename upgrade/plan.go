package upgrade

import (
	"github.com/prodkube/prodkube"

	"fmt"
	"time"

	"github.com/prodkube/prodkube/version"
)

// Phase groups the steps of a plan.
type Phase string

const (
	// PhaseBackup takes the pre-upgrade backups.
	PhaseBackup Phase = "backup"
	// PhaseCatchUp upgrades worker nodes whose kubelet would fall out of the
	// skew policy when the control plane moves to the next minor release. They
	// are brought to the control plane's current version first.
	PhaseCatchUp Phase = "catch-up"
	// PhaseControlPlane upgrades one control plane node.
	PhaseControlPlane Phase = "control-plane"
	// PhaseWorkers upgrades worker nodes to the hop's version.
	PhaseWorkers Phase = "workers"
)

// AdminKubeconfig is the kubeconfig kubeadm writes on control plane nodes;
// every kubectl command of a plan uses it on the first control plane node.
const AdminKubeconfig = "/etc/kubernetes/admin.conf"

// Command is one command of a step, as argv.
type Command struct {
	// Node is where the command runs, as root (over SSH in the script).
	// Empty means the workstation that runs the plan.
	Node string
	// Argv is the command and its arguments; it is never interpreted by a
	// shell except when rendered through internal/shell.
	Argv []string
}

// Check is a read-only command whose result proves a state: a precondition
// before a step or a verification after it.
type Check struct {
	// Description says what the check proves ("cp-1 runs kubelet v1.36.5").
	Description string
	// Command is the check itself.
	Command Command
	// Want is the exact output (without its trailing newline) the command
	// must print. Empty means only its exit status counts.
	Want string
}

// Step is one step of a plan: it changes the nodes it names and nothing else.
type Step struct {
	// Number is the step's 1-based position; the script resumes by it.
	Number int
	// Phase is what kind of step this is.
	Phase Phase
	// Hop is the 1-based index of the hop in Plan.Hops this step belongs to,
	// 0 for steps outside any hop (backups, and worker upgrades when the
	// control plane already runs the target).
	Hop int
	// Version is the version the step moves its nodes to.
	Version version.Version
	// Pool is the worker pool of the step's nodes ("" for the control plane
	// and backups).
	Pool string
	// Nodes are the nodes the step changes.
	Nodes []string
	// Title is a one-line summary.
	Title string
	// Notes explain the step to a person: manual actions around it, why it
	// is there.
	Notes []string
	// Preconditions must all hold before the step runs; the script refuses
	// to run the step otherwise.
	Preconditions []Check
	// Commands run in order; any failure stops the plan.
	Commands []Command
	// Verify checks the step's result.
	Verify []Check
}

// Plan is the ordered list of steps that upgrades a cluster.
type Plan struct {
	// From is the control plane's version before the upgrade.
	From version.Version
	// Target is its version afterwards.
	Target version.Version
	// Hops are the control plane versions in order, one per minor release.
	Hops []version.Version
	// ControlHost is the control plane node that runs kubectl.
	ControlHost string
	// PackageManager is the nodes' package manager.
	PackageManager PackageManager
	// Repositories lists the package repository of each hop.
	Repositories []string
	// Steps in order.
	Steps []Step
	// Removals lists the API versions that stop being served along the way
	// (whether or not the manifests use them), with their source.
	Removals []Removal
	// Findings are the objects of Spec.Manifests whose apiVersion/kind a
	// release along the way stops serving.
	Findings []Finding

	files []prodkube.File
}

// Plan validates the spec and returns the upgrade plan, or an error listing
// every problem (a field.ErrorList aggregate). It does no I/O.
func (s Spec) Plan() (*Plan, error) {
	v, errs := s.validate()
	findings, ferrs := preflight(s.Manifests, v.from, v.target)
	errs = append(errs, ferrs...)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	b := &builder{v: v, ctl: s.ControlPlane[0].Name}
	plan := &Plan{
		From:           v.from,
		Target:         v.target,
		Hops:           v.hops,
		ControlHost:    b.ctl,
		PackageManager: v.pkg.manager,
		Removals:       removalsBetween(v.from, v.target),
		Findings:       findings,
	}
	for _, h := range v.hops {
		plan.Repositories = append(plan.Repositories, v.pkg.RepositoryURL(h))
	}
	if err := b.build(); err != nil {
		return nil, err
	}
	plan.Steps = b.steps
	for i := range plan.Steps {
		plan.Steps[i].Number = i + 1
	}
	noteFindings(plan)
	files, err := plan.render()
	if err != nil {
		return nil, err
	}
	plan.files = files
	return plan, nil
}

type builder struct {
	v     *validated
	ctl   string
	steps []Step
}

func (b *builder) kubectl(args ...string) Command {
	return Command{Node: b.ctl, Argv: append([]string{"kubectl", "--kubeconfig", AdminKubeconfig}, args...)}
}

func (b *builder) checkVersion(node string, v version.Version) Check {
	return Check{
		Description: fmt.Sprintf("%s runs kubelet %s", node, v),
		Command:     b.kubectl("get", "node", node, "-o", "jsonpath={.status.nodeInfo.kubeletVersion}"),
		Want:        v.String(),
	}
}

func (b *builder) checkSchedulable(node string) Check {
	return Check{
		Description: node + " is schedulable (not cordoned)",
		Command:     b.kubectl("get", "node", node, "-o", "go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}"),
		Want:        "schedulable",
	}
}

func (b *builder) checkReady(node string) Check {
	return Check{
		Description: node + " is Ready",
		Command:     b.kubectl("wait", "--for=condition=Ready", "node/"+node, "--timeout=0s"),
	}
}

func (b *builder) checkAPI() Check {
	return Check{
		Description: "the API server answers /readyz",
		Command:     b.kubectl("get", "--raw=/readyz"),
		Want:        "ok",
	}
}

func (b *builder) checkKubeadm(node string, v version.Version) Check {
	return Check{
		Description: fmt.Sprintf("kubeadm %s is installed on %s", v, node),
		Command:     Command{Node: node, Argv: []string{"kubeadm", "version", "-o", "short"}},
		Want:        v.String(),
	}
}

// seconds renders a whole-second duration as kubectl reads it ("600s").
func seconds(d time.Duration) string {
	return fmt.Sprintf("%ds", int64(d/time.Second))
}

func (b *builder) drain(node string) Command {
	return b.kubectl("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout="+seconds(b.v.drainTimeout))
}

func (b *builder) waitReady(node string) Command {
	return b.kubectl("wait", "--for=condition=Ready", "node/"+node, "--timeout="+seconds(b.v.readyTimeout))
}

func onNode(node string, cmds ...[]string) []Command {
	out := make([]Command, len(cmds))
	for i, c := range cmds {
		out[i] = Command{Node: node, Argv: c}
	}
	return out
}

func (b *builder) add(s Step) { b.steps = append(b.steps, s) }

func (b *builder) build() error {
	v := b.v
	cp := v.spec.ControlPlane
	if !v.spec.SkipBackups && b.hasWork() {
		if err := b.backupStep(); err != nil {
			return err
		}
	}
	cur := v.from
	for hi, h := range v.hops {
		hop := hi + 1
		for pi := range v.pools {
			var lagging []int
			for ni, n := range v.pools[pi].nodes {
				if needsCatchUp(n.version, h) {
					lagging = append(lagging, ni)
				}
			}
			if len(lagging) > 0 {
				b.upgradePool(pi, lagging, cur, PhaseCatchUp, hop, "")
			}
		}
		for i, n := range cp {
			b.controlPlaneStep(hop, h, i, n.Name)
		}
		b.upgradeAllWorkers(h, hop, cp[len(cp)-1].Name)
		cur = h
	}
	if len(v.hops) == 0 {
		b.upgradeAllWorkers(v.target, 0, "")
	}
	return nil
}

// hasWork reports whether anything at all changes.
func (b *builder) hasWork() bool {
	if len(b.v.hops) > 0 {
		return true
	}
	for _, p := range b.v.pools {
		for _, n := range p.nodes {
			if n.version.Less(b.v.target) {
				return true
			}
		}
	}
	return false
}

func (b *builder) upgradeAllWorkers(h version.Version, hop int, lastCP string) {
	for pi := range b.v.pools {
		var behind []int
		for ni, n := range b.v.pools[pi].nodes {
			if n.version.Less(h) {
				behind = append(behind, ni)
			}
		}
		if len(behind) > 0 {
			b.upgradePool(pi, behind, h, PhaseWorkers, hop, lastCP)
		}
	}
}

func (b *builder) backupStep() error {
	name := "pre-upgrade-" + dashed(b.v.target)
	bc, err := b.v.backups.PreUpgradeBackup(BackupRequest{
		Name:             name,
		Target:           b.v.target,
		ControlPlaneNode: b.ctl,
		AdminKubeconfig:  AdminKubeconfig,
	})
	if err != nil {
		return fmt.Errorf("pre-upgrade backups: %w", err)
	}
	if len(bc.Commands) == 0 {
		return fmt.Errorf("pre-upgrade backups: the backup source returned no commands (set SkipBackups to opt out)")
	}
	for _, c := range bc.Commands {
		if len(c.Argv) == 0 {
			return fmt.Errorf("pre-upgrade backups: the backup source returned an empty command")
		}
	}
	b.add(Step{
		Phase:         PhaseBackup,
		Version:       b.v.from,
		Title:         "take the pre-upgrade backups (etcd snapshot, Velero backup)",
		Notes:         bc.Notes,
		Preconditions: []Check{b.checkAPI()},
		Commands:      bc.Commands,
		Verify:        bc.Verify,
	})
	return nil
}

// dashed writes v as "v1-37-2", usable in names.
func dashed(v version.Version) string {
	return fmt.Sprintf("v%d-%d-%d", v.Major, v.Minor, v.Patch)
}

func (b *builder) controlPlaneStep(hop int, h version.Version, i int, node string) {
	v := b.v
	cp := v.spec.ControlPlane
	first := i == 0
	pre := []Check{b.checkAPI()}
	for _, other := range cp {
		if other.Name != node {
			pre = append(pre, b.checkReady(other.Name))
		}
	}
	if !first {
		pre = append(pre, b.checkVersion(cp[i-1].Name, h), b.checkSchedulable(cp[i-1].Name))
	}
	var cmds []Command
	cmds = append(cmds, onNode(node, v.pkg.switchRepo(h)...)...)
	cmds = append(cmds, onNode(node, v.pkg.install(h, "kubeadm")...)...)
	title := fmt.Sprintf("control plane %s: upgrade to %s", node, h)
	var notes []string
	if first {
		cmds = append(cmds, onNode(node,
			[]string{"kubeadm", "upgrade", "plan", h.String()},
			[]string{"kubeadm", "upgrade", "apply", h.String(), "--yes"})...)
		title += " (kubeadm upgrade apply)"
		notes = append(notes, "The first control plane node runs `kubeadm upgrade apply`; it upgrades the cluster configuration and this node's static pods. kube-proxy and CoreDNS follow once every kube-apiserver runs "+h.String()+".",
			"Upgrade the CNI plugin now if its own upgrade notes ask for it.")
	} else {
		cmds = append(cmds, onNode(node, []string{"kubeadm", "upgrade", "node"})...)
		title += " (kubeadm upgrade node)"
	}
	cmds = append(cmds, b.drain(node))
	cmds = append(cmds, onNode(node, v.pkg.install(h, "kubelet", "kubectl")...)...)
	cmds = append(cmds, onNode(node, []string{"systemctl", "daemon-reload"}, []string{"systemctl", "restart", "kubelet"})...)
	cmds = append(cmds, b.kubectl("uncordon", node), b.waitReady(node))
	b.add(Step{
		Phase:         PhaseControlPlane,
		Hop:           hop,
		Version:       h,
		Nodes:         []string{node},
		Title:         title,
		Notes:         notes,
		Preconditions: pre,
		Commands:      cmds,
		Verify: []Check{
			b.checkKubeadm(node, h),
			b.checkVersion(node, h),
			b.checkSchedulable(node),
			b.checkReady(node),
		},
	})
}

// upgradePool moves the pool's nodes at the given indexes to version h.
func (b *builder) upgradePool(pi int, idx []int, h version.Version, phase Phase, hop int, lastCP string) {
	p := &b.v.pools[pi]
	if p.strategy == Surge {
		b.surge(p, idx, h, phase, hop, lastCP)
		return
	}
	var prev []string
	for start := 0; start < len(idx); start += p.maxUnavailable {
		end := start + p.maxUnavailable
		if end > len(idx) {
			end = len(idx)
		}
		batch := make([]string, 0, end-start)
		for _, ni := range idx[start:end] {
			batch = append(batch, p.nodes[ni].name)
		}
		b.inPlaceBatch(p.name, batch, prev, h, phase, hop, lastCP)
		for _, ni := range idx[start:end] {
			p.nodes[ni].version = h
		}
		prev = batch
	}
}

func (b *builder) inPlaceBatch(pool string, batch, prev []string, h version.Version, phase Phase, hop int, lastCP string) {
	v := b.v
	pre := []Check{b.checkAPI()}
	if lastCP != "" {
		pre = append(pre, b.checkVersion(lastCP, h))
	}
	for _, n := range prev {
		pre = append(pre, b.checkVersion(n, h), b.checkSchedulable(n), b.checkReady(n))
	}
	for _, n := range batch {
		pre = append(pre, b.checkReady(n))
	}
	var cmds []Command
	for _, n := range batch {
		cmds = append(cmds, onNode(n, v.pkg.switchRepo(h)...)...)
		cmds = append(cmds, onNode(n, v.pkg.install(h, "kubeadm")...)...)
		cmds = append(cmds, onNode(n, []string{"kubeadm", "upgrade", "node"})...)
	}
	for _, n := range batch {
		cmds = append(cmds, b.drain(n))
	}
	for _, n := range batch {
		cmds = append(cmds, onNode(n, v.pkg.install(h, "kubelet", "kubectl")...)...)
		cmds = append(cmds, onNode(n, []string{"systemctl", "daemon-reload"}, []string{"systemctl", "restart", "kubelet"})...)
	}
	for _, n := range batch {
		cmds = append(cmds, b.kubectl("uncordon", n), b.waitReady(n))
	}
	var verify []Check
	for _, n := range batch {
		verify = append(verify, b.checkVersion(n, h), b.checkSchedulable(n), b.checkReady(n))
	}
	title := fmt.Sprintf("pool %s: upgrade %s in place to %s", pool, listNodes(batch), h)
	var notes []string
	if phase == PhaseCatchUp {
		title = fmt.Sprintf("pool %s: bring %s up to %s before the control plane moves on", pool, listNodes(batch), h)
		notes = append(notes, "These kubelets would be more minor versions behind kube-apiserver than the skew policy allows once the control plane runs the next minor release.")
	}
	b.add(Step{
		Phase: phase, Hop: hop, Version: h, Pool: pool, Nodes: batch,
		Title: title, Notes: notes, Preconditions: pre, Commands: cmds, Verify: verify,
	})
}

// joinOnceScript runs `kubeadm join` unless the machine has joined already
// (kubeadm writes /etc/kubernetes/kubelet.conf when it joins), so that a
// surge step can be run again after a failure. The join configuration's path
// is its argument, never part of the script.
const joinOnceScript = `test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config "$1"`

// RetireTaint is the taint a surge upgrade puts on the nodes it replaces.
const RetireTaint = "upgrade.prodkube.io/retiring"

func (b *builder) surge(p *poolState, idx []int, h version.Version, phase Phase, hop int, lastCP string) {
	v := b.v
	old := make([]string, len(idx))
	fresh := make([]string, len(idx))
	for i, ni := range idx {
		old[i] = p.nodes[ni].name
		fresh[i] = surgeNodeName(p.name, h, ni+1)
	}

	// 1. Join the new machines at h.
	pre := []Check{b.checkAPI()}
	if lastCP != "" {
		pre = append(pre, b.checkVersion(lastCP, h))
	}
	for _, n := range fresh {
		pre = append(pre, Check{Description: n + " is provisioned and reachable", Command: Command{Node: n, Argv: []string{"true"}}})
	}
	var cmds []Command
	for _, n := range fresh {
		cmds = append(cmds, onNode(n, v.pkg.switchRepo(h)...)...)
		cmds = append(cmds, onNode(n, v.pkg.install(h, "kubeadm", "kubelet", "kubectl")...)...)
		cmds = append(cmds, onNode(n, []string{"sh", "-c", joinOnceScript, "sh", p.joinConfig})...)
	}
	for _, n := range fresh {
		cmds = append(cmds, b.waitReady(n))
	}
	var verify []Check
	for _, n := range fresh {
		verify = append(verify, b.checkVersion(n, h), b.checkSchedulable(n), b.checkReady(n))
	}
	b.add(Step{
		Phase: phase, Hop: hop, Version: h, Pool: p.name, Nodes: fresh,
		Title: fmt.Sprintf("pool %s: join %d new nodes at %s (surge)", p.name, len(fresh), h),
		Notes: []string{
			fmt.Sprintf("Before this step, provision %d machines with the host names %s, reachable over SSH, with %s in place (a kubeadm JoinConfiguration with a fresh bootstrap token and the pool's labels and taints).", len(fresh), listNodes(fresh), p.joinConfig),
		},
		Preconditions: pre, Commands: cmds, Verify: verify,
	})

	// 2. Keep new pods off the old nodes.
	pre = []Check{b.checkAPI()}
	for _, n := range fresh {
		pre = append(pre, b.checkVersion(n, h), b.checkReady(n))
	}
	cmds = nil
	verify = nil
	for _, n := range old {
		cmds = append(cmds, b.kubectl("taint", "nodes", n, RetireTaint+"="+dashed(h)+":NoSchedule", "--overwrite"))
		verify = append(verify, b.checkTaint(n))
	}
	b.add(Step{
		Phase: phase, Hop: hop, Version: h, Pool: p.name, Nodes: old,
		Title:         fmt.Sprintf("pool %s: taint the %d old nodes NoSchedule", p.name, len(old)),
		Preconditions: pre, Commands: cmds, Verify: verify,
	})

	// 3. Drain the old nodes one by one.
	for i, n := range old {
		pre := []Check{b.checkAPI(), b.checkTaint(n)}
		if i > 0 {
			pre = append(pre, b.checkCordoned(old[i-1]))
		}
		b.add(Step{
			Phase: phase, Hop: hop, Version: h, Pool: p.name, Nodes: []string{n},
			Title:         fmt.Sprintf("pool %s: drain old node %s", p.name, n),
			Preconditions: pre,
			Commands:      []Command{b.drain(n)},
			Verify:        []Check{b.checkCordoned(n)},
		})
	}

	// 4. Remove the old nodes.
	pre = []Check{b.checkAPI()}
	for _, n := range old {
		pre = append(pre, b.checkCordoned(n))
	}
	cmds = nil
	for _, n := range old {
		cmds = append(cmds, Command{Node: n, Argv: []string{"systemctl", "disable", "--now", "kubelet"}})
		cmds = append(cmds, b.kubectl("delete", "node", n, "--ignore-not-found"))
	}
	verify = nil
	for _, n := range fresh {
		verify = append(verify, b.checkReady(n))
	}
	b.add(Step{
		Phase: phase, Hop: hop, Version: h, Pool: p.name, Nodes: old,
		Title:         fmt.Sprintf("pool %s: remove the %d old nodes", p.name, len(old)),
		Notes:         []string{"After this step, decommission the old machines " + listNodes(old) + "."},
		Preconditions: pre, Commands: cmds, Verify: verify,
	})
	for i, ni := range idx {
		p.nodes[ni] = nodeState{name: fresh[i], version: h}
	}
}

func (b *builder) checkTaint(node string) Check {
	return Check{
		Description: node + " carries the " + RetireTaint + " taint",
		Command:     b.kubectl("get", "node", node, "-o", `jsonpath={.spec.taints[?(@.key=="`+RetireTaint+`")].effect}`),
		Want:        "NoSchedule",
	}
}

func (b *builder) checkCordoned(node string) Check {
	return Check{
		Description: node + " is cordoned (drained)",
		Command:     b.kubectl("get", "node", node, "-o", "go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}"),
		Want:        "cordoned",
	}
}

// listNodes writes a short list of node names for titles.
func listNodes(nodes []string) string {
	switch len(nodes) {
	case 0:
		return "no nodes"
	case 1:
		return nodes[0]
	case 2, 3:
		s := nodes[0]
		for _, n := range nodes[1:] {
			s += ", " + n
		}
		return s
	}
	return fmt.Sprintf("%s … %s (%d nodes)", nodes[0], nodes[len(nodes)-1], len(nodes))
}

// noteFindings tells the first control plane step of each hop which objects
// of the manifests that hop stops serving.
func noteFindings(p *Plan) {
	for _, f := range p.Findings {
		if f.AlreadyRemoved {
			continue
		}
		for i := range p.Steps {
			s := &p.Steps[i]
			if s.Phase == PhaseControlPlane && s.Version.SameMinor(f.Removal.RemovedIn) {
				obj := f.Kind + " " + f.Name
				if f.Namespace != "" {
					obj = f.Kind + " " + f.Namespace + "/" + f.Name
				}
				s.Notes = append(s.Notes, fmt.Sprintf("Before this step, migrate %s (%s, document %d) from %s to %s: %s no longer serves it.",
					obj, f.Manifest, f.Document, f.APIVersion, f.Removal.Replacement, f.Removal.RemovedIn.MinorString()))
				break
			}
		}
	}
}
