package upgrade

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func needBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is required to run the generated script (CI has it): %v", err)
	}
	return bash
}

func renderAll(t *testing.T, p *Plan) (sh, md, mmd []byte) {
	t.Helper()
	var err error
	if sh, err = p.script(); err != nil {
		t.Fatal(err)
	}
	if md, err = p.markdown(); err != nil {
		t.Fatal(err)
	}
	if mmd, err = p.mermaid(); err != nil {
		t.Fatal(err)
	}
	return sh, md, mmd
}

// TestGolden pins the example's three renderings and checks that planning
// and rendering are deterministic.
func TestGolden(t *testing.T) {
	s := exampleSpec()
	s.Manifests = []Manifest{{Name: "old.yaml", Data: []byte(oldManifests)}}
	sh, md, mmd := renderAll(t, mustPlan(t, s))
	sh2, md2, mmd2 := renderAll(t, mustPlan(t, s))
	if !bytes.Equal(sh, sh2) || !bytes.Equal(md, md2) || !bytes.Equal(mmd, mmd2) {
		t.Fatal("two renderings of one spec differ")
	}
	for name, got := range map[string][]byte{"example.sh": sh, "example.md": md, "example.mmd": mmd} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	for _, want := range []string{
		"| old.yaml | 1 | CronJob jobs/nightly | batch/v1beta1 | v1.25 (already not served by v1.35) | batch/v1 (since v1.21) |",
		"[guide#flowcontrol-resources-v132](" + DeprecationGuideURL + "#flowcontrol-resources-v132)",
		"kubeadm upgrade apply v1.36.5 --yes",
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("runbook lacks %q", want)
		}
	}
}

func TestScriptSyntax(t *testing.T) {
	bash := needBash(t)
	for _, mgr := range []PackageManager{Apt, Dnf, Yum} {
		s := exampleSpec()
		s.Packages.Manager = mgr
		sh, _, _ := renderAll(t, mustPlan(t, s))
		cmd := exec.Command(bash, "-n")
		cmd.Stdin = bytes.NewReader(sh)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: bash -n: %v\n%s", mgr, err, out)
		}
	}
}

// TestScriptQuoting runs every command line of the rendered script through
// the two shells it meets (the local bash, then sh on the node, as SSH does)
// with sudo and velero replaced by programs that print their arguments, and
// compares those with the plan's argv.
func TestScriptQuoting(t *testing.T) {
	bash := needBash(t)
	bin := t.TempDir()
	printer := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\000' \"$a\"; done\nprintf '\\001'\n"
	for _, name := range []string{"sudo", "velero"} {
		body := printer
		if name == "velero" {
			body = "#!/bin/sh\nprintf 'velero\\000'\n" + strings.TrimPrefix(printer, "#!/bin/sh\n")
		}
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, mgr := range []PackageManager{Apt, Dnf} {
		s := exampleSpec()
		s.Packages.Manager = mgr
		p := mustPlan(t, s)
		var script strings.Builder
		script.WriteString("set -eu\non_node() { sh -c \"$2\"; }\n")
		var want [][]string
		add := func(c Command) {
			script.WriteString(scriptLine(c) + "\n")
			want = append(want, c.Argv)
		}
		for _, st := range p.Steps {
			for _, c := range st.Preconditions {
				add(c.Command)
			}
			for _, c := range st.Commands {
				add(c)
			}
			for _, c := range st.Verify {
				add(c.Command)
			}
		}
		cmd := exec.Command(bash, "-c", script.String())
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", mgr, err)
		}
		records := strings.Split(strings.TrimSuffix(string(out), "\x01"), "\x01")
		var got [][]string
		for _, r := range records {
			got = append(got, strings.Split(strings.TrimSuffix(r, "\x00"), "\x00"))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: argv after two shells (-want +got):\n%s", mgr, diff)
		}
	}
}

// TestScriptRefusesStep runs the script of a small plan against fake nodes
// whose control plane still reports the old kubelet, and expects --from 2 to
// refuse the worker step before it changes anything.
func TestScriptRefusesStep(t *testing.T) {
	bash := needBash(t)
	s := Spec{
		ControlPlane: []ControlPlaneNode{{Name: "cp", Version: "v1.37.0"}},
		Pools:        []Pool{{Name: "w", Nodes: []Node{{Name: "w-1", Version: "v1.37.0"}}}},
		Target:       "v1.37.2",
		SkipBackups:  true,
	}
	sh, _, _ := renderAll(t, mustPlan(t, s))
	dir := t.TempDir()
	script := filepath.Join(dir, "plan.sh")
	log := filepath.Join(dir, "log")
	if err := os.WriteFile(script, sh, 0o755); err != nil {
		t.Fatal(err)
	}
	// The fake ssh runs the remote command with a sudo that logs the command
	// and answers the kubelet version query with the old version.
	fakeSudo := `#!/bin/sh
echo "$*" >> "$LOG"
case "$*" in
*readyz*) echo ok ;;
*kubeletVersion*) echo v1.37.0 ;;
esac
`
	fakeSSH := `#!/bin/sh
# fake-ssh -o BatchMode=yes -- NODE COMMAND
PATH="$FAKEBIN:$PATH" exec sh -c "$5"
`
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "sudo"), []byte(fakeSudo), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fake-ssh"), []byte(fakeSSH), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bash, append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), "UPGRADE_SSH="+filepath.Join(dir, "fake-ssh"), "FAKEBIN="+bin, "LOG="+log)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, buf.String()
	}
	code, out := run("--from", "2")
	if code == 0 || !strings.Contains(out, "step 2 refused: precondition failed: cp runs kubelet v1.37.2 (want v1.37.2, got v1.37.0)") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	logged, _ := os.ReadFile(log)
	if strings.Contains(string(logged), "apt-get") || strings.Contains(string(logged), "drain") {
		t.Errorf("the refused step changed something:\n%s", logged)
	}
	for _, args := range [][]string{{"--from", "0"}, {"--from", "3"}, {"--from", "x"}, {"--only"}, {"--bogus"}} {
		if code, out := run(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2:\n%s", args, code, out)
		}
	}
	if code, out := run("--list"); code != 0 || !strings.Contains(out, "   2  pool w: upgrade w-1 in place to v1.37.2") {
		t.Errorf("--list: exit %d:\n%s", code, out)
	}
}

func TestRenderRefusesUnsafePlan(t *testing.T) {
	p := mustPlan(t, exampleSpec())
	p.Steps[1].Commands[0].Node = "cp-1; reboot"
	if _, err := p.script(); err == nil || !strings.Contains(err.Error(), "steps[1].commands[0].node") {
		t.Errorf("Script: %v", err)
	}
	p = mustPlan(t, exampleSpec())
	p.Steps[0].Title = "x\nrm -rf /"
	sh, _, mmd := renderAll(t, p)
	if bytes.Contains(sh, []byte("\nrm -rf /")) || bytes.Contains(mmd, []byte("\nrm -rf /")) {
		t.Error("a newline in a title broke out of its comment or label")
	}
}
