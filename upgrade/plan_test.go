package upgrade

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/prodkube/prodkube/backup"
)

func mustPlan(t testing.TB, s Spec) *Plan {
	t.Helper()
	p, err := s.Plan()
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

func titles(p *Plan) []string {
	out := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		out[i] = s.Title
	}
	return out
}

func TestExamplePlan(t *testing.T) {
	s := exampleSpec()
	p := mustPlan(t, s)
	if err := simulate(&s, p, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"take the pre-upgrade backups (etcd snapshot, Velero backup)",
		"control plane cp-1: upgrade to v1.36.5 (kubeadm upgrade apply)",
		"control plane cp-2: upgrade to v1.36.5 (kubeadm upgrade node)",
		"control plane cp-3: upgrade to v1.36.5 (kubeadm upgrade node)",
		"pool general: upgrade general-1, general-2 in place to v1.36.5",
		"pool general: upgrade general-3 in place to v1.36.5",
		"pool batch: join 2 new nodes at v1.36.5 (surge)",
		"pool batch: taint the 2 old nodes NoSchedule",
		"pool batch: drain old node batch-1",
		"pool batch: drain old node batch-2",
		"pool batch: remove the 2 old nodes",
		"control plane cp-1: upgrade to v1.37.2 (kubeadm upgrade apply)",
		"control plane cp-2: upgrade to v1.37.2 (kubeadm upgrade node)",
		"control plane cp-3: upgrade to v1.37.2 (kubeadm upgrade node)",
		"pool general: upgrade general-1, general-2 in place to v1.37.2",
		"pool general: upgrade general-3 in place to v1.37.2",
		"pool batch: join 2 new nodes at v1.37.2 (surge)",
		"pool batch: taint the 2 old nodes NoSchedule",
		"pool batch: drain old node batch-v1-36-5-1",
		"pool batch: drain old node batch-v1-36-5-2",
		"pool batch: remove the 2 old nodes",
	}
	if diff := cmp.Diff(want, titles(p)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	// The first control plane step of the first hop, command by command.
	var got []string
	for _, c := range p.Steps[1].Commands {
		got = append(got, c.Node+": "+strings.Join(c.Argv, " "))
	}
	wantCP1 := []string{
		"cp-1: sh -c printf '%s\\n' \"$1\" > \"$2\" sh deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ / /etc/apt/sources.list.d/kubernetes.list",
		"cp-1: apt-get update",
		"cp-1: apt-mark unhold kubeadm",
		"cp-1: apt-get install -y kubeadm=1.36.5-1.1",
		"cp-1: apt-mark hold kubeadm",
		"cp-1: kubeadm upgrade plan v1.36.5",
		"cp-1: kubeadm upgrade apply v1.36.5 --yes",
		"cp-1: kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s",
		"cp-1: apt-mark unhold kubelet kubectl",
		"cp-1: apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1",
		"cp-1: apt-mark hold kubelet kubectl",
		"cp-1: systemctl daemon-reload",
		"cp-1: systemctl restart kubelet",
		"cp-1: kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-1",
		"cp-1: kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=300s",
	}
	if diff := cmp.Diff(wantCP1, got); diff != "" {
		t.Errorf("cp-1 commands (-want +got):\n%s", diff)
	}
}

func TestPlanScenarios(t *testing.T) {
	cp := func(v string, names ...string) []ControlPlaneNode {
		var out []ControlPlaneNode
		for _, n := range names {
			out = append(out, ControlPlaneNode{Name: n, Version: v})
		}
		return out
	}
	nodes := func(prefix, v string, n int) []Node {
		var out []Node
		for i := 1; i <= n; i++ {
			out = append(out, Node{Name: fmt.Sprintf("%s-%d", prefix, i), Version: v})
		}
		return out
	}
	tests := []struct {
		name      string
		spec      Spec
		steps     int
		phases    map[Phase]int
		firstRepo string
	}{{
		name: "patch upgrade, single control plane, no backups",
		spec: Spec{
			ControlPlane: cp("v1.37.0", "cp"),
			Pools:        []Pool{{Name: "w", Nodes: nodes("w", "v1.37.0", 2)}},
			Target:       "v1.37.2",
			SkipBackups:  true,
		},
		steps:  3,
		phases: map[Phase]int{PhaseControlPlane: 1, PhaseWorkers: 2},
	}, {
		name: "nothing to do",
		spec: Spec{
			ControlPlane: cp("v1.37.2", "cp"),
			Pools:        []Pool{{Name: "w", Nodes: nodes("w", "v1.37.2", 2)}},
			Target:       "v1.37.2",
		},
		steps: 0,
	}, {
		name: "control plane done, workers behind",
		spec: Spec{
			ControlPlane: cp("v1.37.2", "cp-1", "cp-2", "cp-3"),
			Pools:        []Pool{{Name: "w", MaxUnavailable: 3, Nodes: nodes("w", "v1.35.1", 5)}},
			Target:       "v1.37.2",
		},
		steps:  3,
		phases: map[Phase]int{PhaseBackup: 1, PhaseWorkers: 2},
	}, {
		name: "kubelets three minors behind are caught up first",
		spec: Spec{
			ControlPlane: cp("v1.35.4", "cp-1", "cp-2", "cp-3"),
			Pools: []Pool{
				{Name: "old", Nodes: nodes("old", "v1.32.9", 2)},
				{Name: "ok", Nodes: nodes("ok", "v1.34.1", 1)},
			},
			Target:   "v1.36.5",
			Releases: []string{},
		},
		steps:  1 + 2 + 3 + 3,
		phases: map[Phase]int{PhaseBackup: 1, PhaseCatchUp: 2, PhaseControlPlane: 3, PhaseWorkers: 3},
	}, {
		name: "dnf, three hops, surge catch-up",
		spec: Spec{
			ControlPlane: cp("v1.34.2", "cp-1", "cp-2", "cp-3"),
			Pools: []Pool{
				{Name: "gpu", Strategy: Surge, Nodes: nodes("gpu", "v1.31.0", 2)},
			},
			Packages:  Packages{Manager: Dnf},
			Target:    "v1.37.2",
			Releases:  []string{"v1.35.4", "v1.36.5", "v1.36.1"},
			Manifests: []Manifest{{Name: "app.yaml", Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")}},
		},
		steps:     1 + 5 + 3*3 + 3*5,
		phases:    map[Phase]int{PhaseBackup: 1, PhaseCatchUp: 5, PhaseControlPlane: 9, PhaseWorkers: 15},
		firstRepo: "https://pkgs.k8s.io/core:/stable:/v1.35/rpm/",
	}, {
		name: "mirror repository and explicit revision",
		spec: Spec{
			ControlPlane: cp("v1.36.5", "cp-1", "cp-2"),
			Pools:        []Pool{{Name: "w", MaxUnavailable: 1, Nodes: nodes("w", "v1.36.5", 3)}},
			Packages:     Packages{Repository: "https://mirror.example.com/k8s/core:/stable:/", Revision: "1.1"},
			Target:       "v1.37.2",
		},
		steps:     1 + 2 + 3,
		phases:    map[Phase]int{PhaseBackup: 1, PhaseControlPlane: 2, PhaseWorkers: 3},
		firstRepo: "https://mirror.example.com/k8s/core:/stable:/v1.37/deb/",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPlan(t, tt.spec)
			if len(p.Steps) != tt.steps {
				t.Errorf("got %d steps, want %d:\n%s", len(p.Steps), tt.steps, strings.Join(titles(p), "\n"))
			}
			got := map[Phase]int{}
			for _, s := range p.Steps {
				got[s.Phase]++
			}
			if tt.phases == nil {
				tt.phases = map[Phase]int{}
			}
			if diff := cmp.Diff(tt.phases, got); diff != "" {
				t.Errorf("phases (-want +got):\n%s", diff)
			}
			if tt.firstRepo != "" && (len(p.Repositories) == 0 || p.Repositories[0] != tt.firstRepo) {
				t.Errorf("repositories %v, want first %s", p.Repositories, tt.firstRepo)
			}
			if err := simulate(&tt.spec, p, nil); err != nil {
				t.Errorf("simulation: %v", err)
			}
		})
	}
}

// TestSimulatorRejectsUnsafePlans proves the simulator can fail: each case
// breaks the example plan in one way, strips the preconditions (so that the
// invariants alone must notice) and expects the named complaint.
// The plan's own checks are stripped too.
func TestSimulatorRejectsUnsafePlans(t *testing.T) {
	// Step numbers in the example plan (see TestExamplePlan).
	const (
		backup = 1
		cp1    = 2
		cp2    = 3
		cp3    = 4
		gen12  = 5
		join   = 7
		taint  = 8
	)
	dropCmd := func(step int, match string) func(*Plan) {
		return func(p *Plan) {
			s := &p.Steps[step-1]
			s.Commands = slices.DeleteFunc(s.Commands, func(c Command) bool { return strings.Contains(strings.Join(c.Argv, " "), match) })
		}
	}
	editCmd := func(step int, from, to string) func(*Plan) {
		return func(p *Plan) {
			for i, c := range p.Steps[step-1].Commands {
				argv := slices.Clone(c.Argv)
				for j := range argv {
					argv[j] = strings.ReplaceAll(argv[j], from, to)
				}
				p.Steps[step-1].Commands[i].Argv = argv
			}
		}
	}
	move := func(from, to int) func(*Plan) {
		return func(p *Plan) {
			s := p.Steps[from-1]
			p.Steps = slices.Delete(p.Steps, from-1, from)
			p.Steps = slices.Insert(p.Steps, to-1, s)
		}
	}
	tests := []struct {
		name   string
		break_ func(*Plan)
		want   string
	}{
		{"no backups", func(p *Plan) { p.Steps = p.Steps[1:] }, "before the pre-upgrade backups"},
		{"second control plane node first", move(cp2, cp1), "on a cluster at v1.35.4"},
		{"workers before the control plane", move(gen12, cp1), "kubeadm v1.36.5 on a cluster at v1.35.4"},
		{"no drain", dropCmd(cp2, " drain "), "not drained"},
		{"drain without --ignore-daemonsets", editCmd(cp1, "--ignore-daemonsets", "--force"), "--ignore-daemonsets"},
		{"legacy package version", editCmd(cp1, "-1.1", "-00"), "legacy package revision"},
		{"legacy repository", editCmd(cp1, "https://pkgs.k8s.io/core:/stable:/", "https://apt.kubernetes.io/"), "legacy repository"},
		{"package still held", dropCmd(cp1, "apt-mark unhold kubeadm"), "is held"},
		{"no daemon-reload", dropCmd(cp1, "daemon-reload"), "daemon-reload"},
		{"no kubeadm upgrade node", dropCmd(cp2, "kubeadm upgrade node"), "kubeadm upgrade node missing"},
		{"kubelet restarted before the repository switch", dropCmd(gen12, "apt-get update"), "apt-get update"},
		{"next batch drained while the last is cordoned", dropCmd(gen12, "uncordon general-1"), "still cordoned"},
		{"two nodes drained where one may be", nil, "more than maxUnavailable 1"},
		{"control plane node skipped", func(p *Plan) { p.Steps = slices.Delete(p.Steps, cp3-1, cp3) }, "newer than kube-apiserver"},
		{"surge without new nodes", func(p *Plan) { p.Steps = slices.Delete(p.Steps, join-1, join) }, "fewer than its size"},
		{"surge nodes never removed", func(p *Plan) { p.Steps = slices.Delete(p.Steps, taint+3-1, taint+3) }, "end: batch-1"},
		{"kubectl from a worker", func(p *Plan) {
			c := &p.Steps[gen12-1].Commands
			for i := range *c {
				if (*c)[i].Argv[0] == "kubectl" {
					(*c)[i].Node = "general-3"
				}
			}
		}, "without /etc/kubernetes/admin.conf"},
		{"kubectl left behind on the control host", func(p *Plan) {
			for i, c := range p.Steps[cp1-1].Commands {
				p.Steps[cp1-1].Commands[i].Argv = slices.DeleteFunc(slices.Clone(c.Argv), func(a string) bool { return a == "kubectl=1.36.5-1.1" })
			}
		}, "more than one minor away from kube-apiserver"},
		{"backup phase reused for a workstation command", func(p *Plan) {
			p.Steps[cp1-1].Commands = append(p.Steps[cp1-1].Commands, Command{Argv: []string{"velero", "backup", "create", "x"}})
		}, "workstation"},
	}
	_ = backup
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := exampleSpec()
			p := mustPlan(t, s)
			if tt.break_ != nil {
				tt.break_(p)
			} else {
				// Judge the plan against a stricter pool than it was made for.
				s.Pools[0].MaxUnavailable = 1
			}
			for i := range p.Steps {
				p.Steps[i].Number = i + 1
				p.Steps[i].Preconditions = nil
				p.Steps[i].Verify = nil
			}
			err := simulate(&s, p, nil)
			if err == nil {
				t.Fatalf("the broken plan passed the simulator")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// TestPreconditionsRefuseSkippedSteps runs the example plan with one step
// left out and expects the next step of the same sequence to refuse to run:
// that is what makes the script safe to resume with --from.
func TestPreconditionsRefuseSkippedSteps(t *testing.T) {
	specs := map[string]Spec{"example": exampleSpec()}
	rpm := exampleSpec()
	rpm.Packages.Manager = Yum
	specs["yum"] = rpm
	for name, s := range specs {
		p := mustPlan(t, s)
		checked := 0
		for k := 2; k <= len(p.Steps); k++ {
			prev, cur := p.Steps[k-2], p.Steps[k-1]
			if prev.Phase == PhaseBackup || prev.Hop != cur.Hop || prev.Phase != cur.Phase || prev.Pool != cur.Pool {
				continue
			}
			err := simulate(&s, p, map[int]bool{k - 1: true})
			var se *simError
			if !errors.As(err, &se) || se.step != k || !strings.HasPrefix(se.cmd, "precondition") {
				t.Errorf("%s: without step %d (%s), step %d (%s) should refuse; got %v", name, k-1, prev.Title, k, cur.Title, err)
			}
			checked++
		}
		if checked < 10 {
			t.Errorf("%s: only %d step pairs checked", name, checked)
		}
	}
}

type failingBackups struct{ cmds BackupCommands }

func (f failingBackups) PreUpgradeBackup(BackupRequest) (BackupCommands, error) {
	if f.cmds.Commands == nil {
		return BackupCommands{}, errors.New("no backup location")
	}
	return f.cmds, nil
}

func TestBackupSources(t *testing.T) {
	s := exampleSpec()
	s.Backups = failingBackups{}
	if _, err := s.Plan(); err == nil || !strings.Contains(err.Error(), "no backup location") {
		t.Errorf("failing backup source: %v", err)
	}
	s.Backups = failingBackups{cmds: BackupCommands{Commands: []Command{}}}
	if _, err := s.Plan(); err == nil || !strings.Contains(err.Error(), "SkipBackups") {
		t.Errorf("empty backup source: %v", err)
	}
	s.Backups = failingBackups{cmds: BackupCommands{Commands: []Command{{Node: "cp-1", Argv: []string{"snapshot"}}}}}
	p := mustPlan(t, s)
	if p.Steps[0].Phase != PhaseBackup || p.Steps[0].Commands[0].Argv[0] != "snapshot" {
		t.Errorf("custom backup step: %+v", p.Steps[0])
	}
	s.Backups = BackupSpecs{Velero: backupOptionsWithBadNamespace()}
	if _, err := s.Plan(); err == nil || !strings.Contains(err.Error(), "velero backup") {
		t.Errorf("invalid Velero options: %v", err)
	}
	s.SkipBackups = true
	if p := mustPlan(t, s); p.Steps[0].Phase == PhaseBackup {
		t.Error("SkipBackups still takes backups")
	}
}

func backupOptionsWithBadNamespace() backup.BackupOptions {
	return backup.BackupOptions{VeleroNamespace: "Not A Namespace"}
}

// TestStepsCanRunAgain runs every step twice in a row (as a resumed script
// does with the step that failed) and expects the plan to stay safe and to
// finish; only the removal of old surge nodes, whose machines are gone
// afterwards, is left out.
func TestStepsCanRunAgain(t *testing.T) {
	for _, mgr := range []PackageManager{Apt, Dnf} {
		s := exampleSpec()
		s.Packages.Manager = mgr
		p := mustPlan(t, s)
		twice := map[int]bool{}
		for _, st := range p.Steps {
			if !strings.Contains(st.Title, "remove the") {
				twice[st.Number] = true
			}
		}
		if err := simulateRuns(&s, p, nil, twice); err != nil {
			t.Errorf("%s: %v", mgr, err)
		}
		// Without its guard, the join could not run again.
		for i, st := range p.Steps {
			for j, c := range st.Commands {
				if len(c.Argv) == 5 && c.Argv[0] == "sh" && strings.Contains(c.Argv[2], "kubeadm join") {
					p.Steps[i].Commands[j].Argv = []string{"kubeadm", "join", "--config", c.Argv[4]}
				}
			}
		}
		if err := simulateRuns(&s, p, nil, twice); err == nil || !strings.Contains(err.Error(), "already part of the cluster") {
			t.Errorf("%s: an unguarded join run twice: %v", mgr, err)
		}
	}
}
