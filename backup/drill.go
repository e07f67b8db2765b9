package backup

import (
	"bytes"
	"fmt"
	"github.com/prodkube/prodkube"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube/internal/names"
	"github.com/prodkube/prodkube/internal/shell"
)

// DefaultDrillTimeout bounds each wait of a restore drill (restored pods
// ready, claims bound).
const DefaultDrillTimeout = 10 * time.Minute

// drillKinds are the kinds whose counts a drill compares between the source
// namespace and the restored copy.
var drillKinds = []string{
	"deployments.apps", "statefulsets.apps", "daemonsets.apps", "services",
	"configmaps", "secrets", "serviceaccounts", "persistentvolumeclaims",
	"horizontalpodautoscalers.autoscaling", "poddisruptionbudgets.policy",
}

// RestoreDrill is the intent behind a restore test: restore the latest
// backup of a namespace into a scratch namespace, check that it came back,
// report, and clean up. A backup nobody has restored is not a backup.
type RestoreDrill struct {
	// Namespace is the backed-up namespace to restore, e.g. "production".
	// Required.
	Namespace string
	// TargetNamespace receives the restored copy. Empty means
	// "<namespace>-restore-test". It must not exist when the drill starts;
	// the drill refuses to restore over anything.
	TargetNamespace string
	// FromSchedule restores the latest successful backup of this schedule.
	// Exactly one of FromSchedule and FromBackup is required.
	FromSchedule string
	// FromBackup restores this backup.
	FromBackup string
	// RestoreName names the Restore object. Empty means
	// "<target namespace>-drill".
	RestoreName string
	// VeleroNamespace is the namespace Velero runs in. Empty means
	// DefaultVeleroNamespace.
	VeleroNamespace string
	// Timeout bounds each wait for restored pods and claims. Zero means
	// DefaultDrillTimeout.
	Timeout time.Duration
	// KeepTarget leaves the restored namespace (and the Restore) in place
	// after the drill for inspection, instead of deleting them.
	KeepTarget bool
}

func (d RestoreDrill) target() string {
	if d.TargetNamespace == "" {
		return d.Namespace + "-restore-test"
	}
	return d.TargetNamespace
}

func (d RestoreDrill) restoreName() string {
	if d.RestoreName == "" {
		return d.target() + "-drill"
	}
	return d.RestoreName
}

func (d RestoreDrill) timeout() time.Duration {
	if d.Timeout == 0 {
		return DefaultDrillTimeout
	}
	return d.Timeout
}

// restore is the Restore the drill runs.
func (d RestoreDrill) restore() Restore {
	t := true
	return Restore{
		Name:              d.restoreName(),
		VeleroNamespace:   d.VeleroNamespace,
		FromBackup:        d.FromBackup,
		FromSchedule:      d.FromSchedule,
		IncludeNamespaces: []string{d.Namespace},
		NamespaceMappings: map[string]string{d.Namespace: d.target()},
		RestoreVolumes:    &t,
		Wait:              true,
	}
}

// Validate reports every problem with the drill spec.
func (d RestoreDrill) Validate() field.ErrorList {
	var errs field.ErrorList
	if d.Namespace == "" {
		errs = append(errs, field.Required(field.NewPath("namespace"), "the namespace to restore is required"))
	} else {
		errs = append(errs, names.LabelFormat(d.Namespace, field.NewPath("namespace"))...)
	}
	if d.TargetNamespace != "" {
		errs = append(errs, names.LabelFormat(d.TargetNamespace, field.NewPath("targetNamespace"))...)
		if d.TargetNamespace == d.Namespace {
			errs = append(errs, field.Invalid(field.NewPath("targetNamespace"), d.TargetNamespace, "must differ from namespace: a drill never restores over the live namespace"))
		}
	} else if d.Namespace != "" && len(validation.IsDNS1123Label(d.Namespace)) == 0 && len(validation.IsDNS1123Label(d.target())) > 0 {
		errs = append(errs, field.Required(field.NewPath("targetNamespace"), fmt.Sprintf("%q is too long to take the -restore-test suffix; name a target namespace", d.Namespace)))
	}
	switch {
	case d.FromSchedule == "" && d.FromBackup == "":
		errs = append(errs, field.Required(field.NewPath("fromSchedule"), "a schedule (its latest backup) or a backup to restore is required"))
	case d.FromSchedule != "" && d.FromBackup != "":
		errs = append(errs, field.Forbidden(field.NewPath("fromBackup"), "must not be set together with fromSchedule"))
	default:
		errs = append(errs, validateOptionalObjectName(d.FromSchedule, field.NewPath("fromSchedule"))...)
		errs = append(errs, validateOptionalObjectName(d.FromBackup, field.NewPath("fromBackup"))...)
	}
	if d.RestoreName != "" {
		errs = append(errs, names.Subdomain(d.RestoreName, field.NewPath("restoreName"))...)
	} else if len(errs) == 0 && len(validation.IsDNS1123Subdomain(d.restoreName())) > 0 {
		errs = append(errs, field.Required(field.NewPath("restoreName"), "the default name is too long; name the restore"))
	}
	errs = append(errs, validateVeleroNamespace(d.VeleroNamespace, field.NewPath("veleroNamespace"))...)
	switch {
	case d.Timeout < 0:
		errs = append(errs, field.Invalid(field.NewPath("timeout"), d.Timeout.String(), "must not be negative (zero means 10m)"))
	case d.Timeout%time.Second != 0:
		errs = append(errs, field.Invalid(field.NewPath("timeout"), d.Timeout.String(), "must be a whole number of seconds"))
	case d.Timeout > 24*time.Hour:
		errs = append(errs, field.Invalid(field.NewPath("timeout"), d.Timeout.String(), "must be at most 24h"))
	}
	return errs
}

// DrillStep is one step of a restore drill: what it does, why, and the
// bash that does it.
type DrillStep struct {
	// Title names the step.
	Title string
	// Why says what the step proves or protects.
	Why string
	// Bash is the step's shell code; it may use the variables set by
	// earlier steps.
	Bash string
}

// DrillPlan is a generated restore drill: ordered steps rendered as a
// Markdown runbook or a bash script.
type DrillPlan struct {
	// Namespace, TargetNamespace and RestoreName are the resolved names.
	Namespace, TargetNamespace, RestoreName string
	// Source describes what is restored ("the latest backup of schedule
	// production-daily").
	Source string
	// Restore is the `velero restore create` argv the drill runs.
	Restore []string
	// Steps are the drill's steps in order.
	Steps []DrillStep
	// Cleanup is the bash that removes the restored copy; empty with
	// KeepTarget.
	Cleanup string
}

// Plan returns the drill's steps. It is pure: the same spec gives the same
// plan.
func (d RestoreDrill) Plan() (*DrillPlan, error) {
	if errs := d.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	r := d.restore()
	argv, err := r.Argv()
	if err != nil {
		return nil, err
	}
	vns := veleroNamespace(d.VeleroNamespace)
	tgt, name := d.target(), d.restoreName()
	q := shell.Quote
	timeout := "--timeout=" + fmt.Sprintf("%ds", int64(d.timeout()/time.Second))
	kget := func(jsonpath string) string {
		return shell.Join([]string{"kubectl", "--namespace", vns, "get", "restores.velero.io", name, "--output", "jsonpath=" + jsonpath})
	}
	source := "backup " + d.FromBackup
	if d.FromSchedule != "" {
		source = "the latest successful backup of schedule " + d.FromSchedule
	}
	p := &DrillPlan{Namespace: d.Namespace, TargetNamespace: tgt, RestoreName: name, Source: source, Restore: argv}

	p.Steps = append(p.Steps, DrillStep{
		Title: "Check that the target namespace and the restore name are free",
		Why:   "The drill restores into a scratch namespace and must never merge into, or later delete, something that already exists.",
		Bash: fmt.Sprintf("if kubectl get namespace %s >/dev/null 2>&1; then\n  echo %s >&2\n  exit 1\nfi\n",
			q(tgt), q("namespace "+tgt+" already exists; delete it or choose another target")) +
			fmt.Sprintf("if %s >/dev/null 2>&1; then\n  echo %s >&2\n  exit 1\nfi\n",
				shell.Join([]string{"kubectl", "--namespace", vns, "get", "restores.velero.io", name}),
				q("restore "+name+" already exists (left by an earlier drill?); delete it first")),
	})
	p.Steps = append(p.Steps, DrillStep{
		Title: "Restore " + d.Namespace + " into " + tgt,
		Why:   "Restores " + source + ", mapping namespace " + d.Namespace + " to " + tgt + ", volumes included, and waits for Velero to finish.",
		Bash:  shell.Join(argv) + "\n",
	})
	p.Steps = append(p.Steps, DrillStep{
		Title: "Check the restore's outcome",
		Why:   "Velero must report the restore Completed, with no errors, and every item of the backup restored.",
		Bash: fmt.Sprintf("phase=$(%s)\nerrors=$(%s)\ntotal=$(%s)\nrestored=$(%s)\n",
			kget("{.status.phase}"), kget("{.status.errors}"), kget("{.status.progress.totalItems}"), kget("{.status.progress.itemsRestored}")) +
			"report \"restore phase: ${phase:-unknown}; errors: ${errors:-0}; items restored: ${restored:-0} of ${total:-0}\"\n" +
			"[ \"$phase\" = Completed ] || fail \"restore did not complete (phase ${phase:-unknown})\"\n" +
			"[ \"${errors:-0}\" = 0 ] || fail \"restore reported ${errors} errors\"\n" +
			"[ \"${restored:-0}\" = \"${total:-0}\" ] || fail \"restored ${restored:-0} of ${total:-0} items\"\n",
	})
	p.Steps = append(p.Steps, DrillStep{
		Title: "Wait for the restored pods to be ready",
		Why:   "Restored objects are only useful if the workloads start: images pull, configuration and secrets resolve, probes pass.",
		Bash: fmt.Sprintf("if [ -n \"$(kubectl --namespace %s get pods --output name)\" ]; then\n  %s || fail %s\nfi\nreport %s\n",
			q(tgt), shell.Join([]string{"kubectl", "--namespace", tgt, "wait", "--for=condition=Ready", "pods", "--all", timeout}),
			q("restored pods did not become ready"), q("pods ready in "+tgt)),
	})
	p.Steps = append(p.Steps, DrillStep{
		Title: "Wait for the restored volume claims to be bound",
		Why:   "A claim bound to a volume restored from a snapshot or file-system backup shows the data came back, not just the objects.",
		Bash: fmt.Sprintf("if [ -n \"$(kubectl --namespace %s get persistentvolumeclaims --output name)\" ]; then\n  %s || fail %s\nfi\nreport %s\n",
			q(tgt), shell.Join([]string{"kubectl", "--namespace", tgt, "wait", "--for=jsonpath={.status.phase}=Bound", "persistentvolumeclaims", "--all", timeout}),
			q("restored claims did not bind"), q("claims bound in "+tgt)),
	})
	var counts strings.Builder
	counts.WriteString("mismatch=0\n")
	fmt.Fprintf(&counts, "for kind in %s; do\n", strings.Join(drillKinds, " "))
	fmt.Fprintf(&counts, "  src=$(kubectl --namespace %s get \"$kind\" --output name | wc -l)\n", q(d.Namespace))
	fmt.Fprintf(&counts, "  dst=$(kubectl --namespace %s get \"$kind\" --output name | wc -l)\n", q(tgt))
	counts.WriteString("  report \"$kind: $src in the source, $dst restored\"\n")
	counts.WriteString("  [ \"$src\" -eq \"$dst\" ] || mismatch=1\n")
	counts.WriteString("done\n")
	counts.WriteString("[ \"$mismatch\" = 0 ] || report 'WARNING: counts differ; check whether the source changed since the backup'\n")
	p.Steps = append(p.Steps, DrillStep{
		Title: "Compare object counts",
		Why:   "Each kind restored should match the source namespace. The source may have changed since the backup, so a difference is reported for a person to judge rather than failing the drill.",
		Bash:  counts.String(),
	})
	if !d.KeepTarget {
		p.Cleanup = shell.Join([]string{"kubectl", "delete", "namespace", tgt, "--ignore-not-found", "--wait=true"}) + "\n" +
			shell.Join([]string{"velero", "restore", "delete", name, "--namespace", vns, "--confirm"}) + " || true\n"
	}
	return p, nil
}

// Markdown renders the drill as a runbook.
func (p *DrillPlan) markdown() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Restore drill: %s\n\n", p.Namespace)
	fmt.Fprintf(&b, "Restores %s into the scratch namespace `%s`, checks that it came back, reports, and cleans up.\n", p.Source, p.TargetNamespace)
	b.WriteString("Run it regularly (and after every change to the backup setup): a backup nobody has restored is not a backup.\n")
	b.WriteString("`restore-drill.sh` runs these steps; every step below can also be run by hand.\n\n")
	b.WriteString("Prerequisites: `velero` and `kubectl` configured for the cluster, with rights to create namespaces and Velero restores.\n\n")
	for i, s := range p.Steps {
		fmt.Fprintf(&b, "## %d. %s\n\n%s\n\n```bash\n%s```\n\n", i+1, s.Title, s.Why, s.Bash)
	}
	if p.Cleanup != "" {
		fmt.Fprintf(&b, "## %d. Clean up\n\nDeletes the restored copy and the Restore object, also when a step failed.\n\n```bash\n%s```\n\n", len(p.Steps)+1, p.Cleanup)
	} else {
		fmt.Fprintf(&b, "## %d. Clean up\n\nThe restored namespace `%s` is kept for inspection; delete it when done.\n\n", len(p.Steps)+1, p.TargetNamespace)
	}
	b.WriteString("## Report\n\nThe script appends each result to `restore-drill-report.txt` (or the file named by `REPORT`) and exits non-zero when the restore failed, a pod did not become ready or a claim did not bind.\n")
	return b.Bytes()
}

// Script renders the drill as a bash script (set -euo pipefail) that
// cleans up on exit, also after a failed step.
func (p *DrillPlan) script() []byte {
	var b bytes.Buffer
	b.WriteString("#!/usr/bin/env bash\n")
	fmt.Fprintf(&b, "# Restore drill for namespace %s: restore %s into %s, verify, report, clean up.\n", p.Namespace, p.Source, p.TargetNamespace)
	b.WriteString("set -euo pipefail\n\n")
	b.WriteString("report_file=${REPORT:-restore-drill-report.txt}\n")
	b.WriteString("report() { printf '%s\\n' \"$*\" | tee -a \"$report_file\"; }\n")
	b.WriteString("fail() { report \"FAILED: $*\"; exit 1; }\n")
	b.WriteString("report \"restore drill $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n\n")
	for i, s := range p.Steps {
		fmt.Fprintf(&b, "# %d. %s\n", i+1, s.Title)
		b.WriteString(s.Bash)
		if i == 0 && p.Cleanup != "" {
			// Install the cleanup only once the target is known to be ours.
			b.WriteString("cleanup() {\n")
			for _, line := range strings.Split(strings.TrimSuffix(p.Cleanup, "\n"), "\n") {
				b.WriteString("  " + line + "\n")
			}
			b.WriteString("}\ntrap cleanup EXIT\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("report 'restore drill passed'\n")
	return b.Bytes()
}

// Paths of the restore drill's files, relative to the output directory.
const (
	// DrillScriptFile runs the drill.
	DrillScriptFile = "backup/restore-drill.sh"
	// DrillRunbookFile describes it for the people who run it.
	DrillRunbookFile = "backup/restore-drill.md"
)

// Files returns the drill as a runbook (DrillRunbookFile) and as a bash
// script (DrillScriptFile) that restores, verifies, reports and cleans up,
// and fails unless every check passed. A zero DrillPlan has no files.
func (p *DrillPlan) Files() []prodkube.File {
	if p == nil || p.Namespace == "" {
		return nil
	}
	return []prodkube.File{
		{Path: DrillRunbookFile, Content: p.markdown()},
		{Path: DrillScriptFile, Content: p.script(), Mode: 0o755},
	}
}
