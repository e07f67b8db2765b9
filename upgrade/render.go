package upgrade

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/internal/shell"
)

// check validates what the renderers rely on, so that a Plan assembled or
// edited by hand renders as safely as one from Spec.Plan.
func (p *Plan) check() error {
	if p == nil {
		return fmt.Errorf("upgrade: nil plan")
	}
	var errs field.ErrorList
	node := func(path *field.Path, n string, allowEmpty bool) {
		if n == "" {
			if !allowEmpty {
				errs = append(errs, field.Required(path, "a node name is required"))
			}
			return
		}
		for _, msg := range validation.IsDNS1123Subdomain(n) {
			errs = append(errs, field.Invalid(path, n, msg))
		}
	}
	argv := func(path *field.Path, a []string) {
		if len(a) == 0 || a[0] == "" {
			errs = append(errs, field.Required(path, "a command needs a program name"))
		}
		for i, w := range a {
			if strings.IndexByte(w, 0) >= 0 {
				errs = append(errs, field.Invalid(path.Index(i), w, "must not contain NUL bytes (no shell can pass them)"))
			}
		}
	}
	node(field.NewPath("controlHost"), p.ControlHost, true)
	for i, s := range p.Steps {
		sp := field.NewPath("steps").Index(i)
		for j, n := range s.Nodes {
			node(sp.Child("nodes").Index(j), n, false)
		}
		checks := func(name string, cs []Check) {
			for j, c := range cs {
				cp := sp.Child(name).Index(j).Child("command")
				node(cp.Child("node"), c.Command.Node, true)
				argv(cp.Child("argv"), c.Command.Argv)
			}
		}
		checks("preconditions", s.Preconditions)
		checks("verify", s.Verify)
		for j, c := range s.Commands {
			cp := sp.Child("commands").Index(j)
			node(cp.Child("node"), c.Node, true)
			argv(cp.Child("argv"), c.Argv)
		}
	}
	return errs.ToAggregate()
}

// oneLine makes s safe for a single line of a comment, a table cell or a
// label: control characters become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// commandLine renders a command as a person types it on its host.
func commandLine(c Command) string { return shell.Join(c.Argv) }

// scriptLine renders a command as the script runs it: on a node through
// on_node and sudo, on the workstation directly.
func scriptLine(c Command) string {
	if c.Node == "" {
		return shell.Join(c.Argv)
	}
	remote := shell.Join(append([]string{"sudo"}, c.Argv...))
	return shell.Join([]string{"on_node", c.Node, remote})
}

func where(node string) string {
	if node == "" {
		return "the workstation"
	}
	return node
}

// Paths of the files a plan renders to, relative to the output directory.
const (
	// ScriptFile is the plan as a bash script that runs the steps in order.
	ScriptFile = "upgrade/plan.sh"
	// RunbookFile is the plan as a Markdown runbook for the people running it.
	RunbookFile = "upgrade/plan.md"
	// DiagramFile is the plan's sequence as a Mermaid flowchart.
	DiagramFile = "upgrade/plan.mmd"
)

// Files returns the plan rendered as Spec.Plan made it: the script
// (ScriptFile, executable), the runbook (RunbookFile) and the flowchart
// (DiagramFile).
//
// The script is `set -euo pipefail`, one function per step, run in order
// from step 1 or from the step given with --from N (resuming after a
// failure), or a single step with --only N; --list prints the steps. Each
// step runs its preconditions and refuses to run when one fails, and runs
// its verification after its commands. Commands on nodes run as root over
// SSH (ssh -o BatchMode=yes, or the command in $UPGRADE_SSH); kubectl runs on
// the plan's ControlHost.
//
// The files describe the plan as it was made: editing the Plan's fields
// afterwards does not change them. A zero Plan has no files.
func (p *Plan) Files() []prodkube.File {
	if p == nil {
		return nil
	}
	out := make([]prodkube.File, len(p.files))
	for i, f := range p.files {
		f.Content = slices.Clone(f.Content)
		out[i] = f
	}
	return out
}

// render checks the plan and renders its three files.
func (p *Plan) render() ([]prodkube.File, error) {
	script, err := p.script()
	if err != nil {
		return nil, err
	}
	md, err := p.markdown()
	if err != nil {
		return nil, err
	}
	mmd, err := p.mermaid()
	if err != nil {
		return nil, err
	}
	return []prodkube.File{
		{Path: ScriptFile, Content: script, Mode: 0o755},
		{Path: RunbookFile, Content: md},
		{Path: DiagramFile, Content: mmd},
	}, nil
}
