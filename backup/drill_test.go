package backup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func exampleDrill() RestoreDrill {
	return RestoreDrill{Namespace: "production", FromSchedule: "production-daily"}
}

func TestRestoreDrillValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    RestoreDrill
		want []string
	}{
		{"valid", exampleDrill(), nil},
		{"empty", RestoreDrill{}, []string{"FieldValueRequired namespace", "FieldValueRequired fromSchedule"}},
		{"onto itself", RestoreDrill{Namespace: "production", TargetNamespace: "production", FromBackup: "b"},
			[]string{"FieldValueInvalid targetNamespace"}},
		{"two sources, bad timeout", RestoreDrill{Namespace: "p", FromBackup: "b", FromSchedule: "s", Timeout: -time.Second},
			[]string{"FieldValueForbidden fromBackup", "FieldValueInvalid timeout"}},
		{"name too long for the suffix", RestoreDrill{Namespace: strings.Repeat("a", 60), FromBackup: "b"},
			[]string{"FieldValueRequired targetNamespace"}},
		{"bad names", RestoreDrill{Namespace: "Prod", FromSchedule: "s_1", RestoreName: "-r", VeleroNamespace: "v.x"},
			[]string{"FieldValueInvalid namespace", "FieldValueInvalid fromSchedule", "FieldValueInvalid restoreName", "FieldValueInvalid veleroNamespace"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.d.Validate()
			if diff := cmp.Diff(tc.want, errPaths(errs)); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\n%v", diff, errs)
			}
			p, err := tc.d.Plan()
			if (p == nil) == (err == nil) || (err == nil) != (len(tc.want) == 0) {
				t.Errorf("Plan returned %v, %v", p, err)
			}
		})
	}
}

func TestRestoreDrillPlan(t *testing.T) {
	p, err := exampleDrill().Plan()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"velero", "restore", "create", "production-restore-test-drill", "--namespace", "velero",
		"--from-schedule", "production-daily", "--include-namespaces", "production",
		"--namespace-mappings", "production:production-restore-test", "--restore-volumes=true", "--wait"}
	if diff := cmp.Diff(want, p.Restore); diff != "" {
		t.Errorf("restore argv (-want +got):\n%s", diff)
	}
	md := string(p.markdown())
	for _, s := range []string{"# Restore drill: production", "`production-restore-test`", "```bash\n" + strings.Join(want, " ") + "\n```",
		"kubectl delete namespace production-restore-test --ignore-not-found --wait=true"} {
		if !strings.Contains(md, s) {
			t.Errorf("runbook lacks %q", s)
		}
	}
	if script := p.script(); !strings.HasPrefix(string(script), "#!/usr/bin/env bash\n") || !strings.Contains(string(script), "set -euo pipefail\n") {
		t.Errorf("script header:\n%s", script)
	}
}

// drillStubs writes stand-ins for kubectl and velero that log their calls
// and answer the drill's queries; phase is what the Restore reports.
func drillStubs(t *testing.T, phase, targetExists string) (bin, log string) {
	bin = t.TempDir()
	log = filepath.Join(bin, "calls.log")
	q := shellQuoteForTest(log)
	writeStub(t, bin, "velero", `echo "velero $*" >> `+q+"\n")
	writeStub(t, bin, "kubectl", `echo "kubectl $*" >> `+q+`
case "$*" in
  "get namespace production-restore-test") [ `+targetExists+` = yes ] && exit 0; exit 1 ;;
  "--namespace velero get restores.velero.io production-restore-test-drill") exit 1 ;;
  *"get restores.velero.io"*"{.status.phase}") printf `+phase+` ;;
  *"get restores.velero.io"*"{.status.errors}") ;;
  *"get restores.velero.io"*"{.status.progress.totalItems}") printf 12 ;;
  *"get restores.velero.io"*"{.status.progress.itemsRestored}") printf 12 ;;
  *"get pods --output name") echo pod/web-1 ;;
  *"get persistentvolumeclaims --output name") ;;
  *"get deployments.apps --output name") echo deployment.apps/web ;;
  *"get"*"--output name") ;;
esac
`)
	return bin, log
}

func runDrill(t *testing.T, bin string) (string, error) {
	p, err := exampleDrill().Plan()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", string(p.script()))
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "REPORT=" + filepath.Join(cmd.Dir, "report.txt")}
	out, err := cmd.CombinedOutput()
	report, _ := os.ReadFile(filepath.Join(cmd.Dir, "report.txt"))
	if !strings.Contains(string(out), strings.TrimSpace(string(report))) {
		t.Errorf("report file and output differ:\n%s\n---\n%s", report, out)
	}
	return string(out), err
}

func TestRestoreDrillScriptRuns(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is required to run the generated script (CI has it): %v", err)
	}
	t.Run("passes and cleans up", func(t *testing.T) {
		bin, log := drillStubs(t, "Completed", "no")
		out, err := runDrill(t, bin)
		if err != nil {
			t.Fatalf("drill failed: %v\n%s", err, out)
		}
		calls, _ := os.ReadFile(log)
		for _, want := range []string{
			"velero restore create production-restore-test-drill --namespace velero --from-schedule production-daily --include-namespaces production --namespace-mappings production:production-restore-test --restore-volumes=true --wait",
			"kubectl --namespace production-restore-test wait --for=condition=Ready pods --all --timeout=600s",
			"kubectl delete namespace production-restore-test --ignore-not-found --wait=true",
			"velero restore delete production-restore-test-drill --namespace velero --confirm",
		} {
			if !strings.Contains(string(calls), want+"\n") {
				t.Errorf("no call %q in\n%s", want, calls)
			}
		}
		if strings.Contains(string(calls), "persistentvolumeclaims --all") {
			t.Errorf("waited for claims although none were restored:\n%s", calls)
		}
		for _, want := range []string{"items restored: 12 of 12", "deployments.apps: 1 in the source, 1 restored", "restore drill passed"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("fails on a partial restore and still cleans up", func(t *testing.T) {
		bin, log := drillStubs(t, "PartiallyFailed", "no")
		out, err := runDrill(t, bin)
		if err == nil {
			t.Fatalf("drill passed on a PartiallyFailed restore:\n%s", out)
		}
		calls, _ := os.ReadFile(log)
		if !strings.Contains(out, "FAILED: restore did not complete (phase PartiallyFailed)") ||
			!strings.Contains(string(calls), "kubectl delete namespace production-restore-test") {
			t.Errorf("output:\n%s\ncalls:\n%s", out, calls)
		}
	})
	t.Run("refuses an existing target and touches nothing", func(t *testing.T) {
		bin, log := drillStubs(t, "Completed", "yes")
		out, err := runDrill(t, bin)
		if err == nil {
			t.Fatalf("drill ran over an existing namespace:\n%s", out)
		}
		calls, _ := os.ReadFile(log)
		if strings.Contains(string(calls), "velero") || strings.Contains(string(calls), "delete") {
			t.Errorf("calls after refusing:\n%s", calls)
		}
	})
}
