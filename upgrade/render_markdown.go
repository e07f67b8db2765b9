package upgrade

import (
	"bytes"
	"fmt"
	"strings"
)

// markdown renders the plan as a runbook: a summary, the rules it follows,
// the pre-flight report of API removals with its source, and every step with
// its preconditions, commands (grouped by the host they run on) and checks.
func (p *Plan) markdown() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Upgrade plan: %s → %s\n\n", p.From, p.Target)
	w("| | |\n|---|---|\n")
	w("| From | %s |\n| Target | %s |\n", p.From, p.Target)
	if len(p.Hops) > 0 {
		hops := make([]string, len(p.Hops))
		for i, h := range p.Hops {
			hops[i] = h.String()
		}
		w("| Hops (one per minor release) | %s |\n", strings.Join(hops, " → "))
	} else {
		w("| Hops | none: the control plane already runs the target |\n")
	}
	w("| Steps | %d |\n", len(p.Steps))
	w("| kubectl runs on | %s, with `%s` |\n", cell(where(p.ControlHost)), AdminKubeconfig)
	if p.PackageManager != "" {
		w("| Package manager | %s |\n", cell(string(p.PackageManager)))
	}
	for i, r := range p.Repositories {
		w("| Repository for hop %d | `%s` |\n", i+1, cell(r))
	}
	w("\nRun it with `plan.sh` (next to this file): `plan.sh --list` shows the steps, `plan.sh --from N` resumes at step N. ")
	w("Every step checks its preconditions first and refuses to run when one fails.\n\n")

	w("## Rules the plan follows\n\n")
	for _, r := range []string{
		"Minor releases are never skipped; each hop goes to the latest patch release of its minor. Downgrades are refused.",
		"Control plane first, one node at a time: `kubeadm upgrade apply` on the first node, `kubeadm upgrade node` on the others; kubeadm vX upgrades only a control plane at vX-1 or vX.",
		"kube-apiserver instances stay within one minor of each other; kube-controller-manager and kube-scheduler talk to their node's own kube-apiserver and are upgraded with it.",
		"A kubelet is never newer than kube-apiserver and at most three minors older (two below v1.25); kubelets that would fall further behind are brought up before the control plane moves on. kube-proxy follows the same rule and kubeadm upgrades it only once every kube-apiserver runs the new version; kubectl stays within one minor.",
		"Workers follow pool by pool: in place at most maxUnavailable nodes of a pool at once, each drained node uncordoned before the next is drained; or by surge, joining new nodes at the new version before the old ones are tainted, drained one by one and removed.",
		"Packages come from pkgs.k8s.io, one repository per minor release, pinned to the repository's version format (1.37.2-1.1) and held between upgrades.",
	} {
		w("- %s\n", r)
	}
	w("\nSources: [Version Skew Policy](https://kubernetes.io/releases/version-skew-policy/), ")
	w("[Upgrading kubeadm clusters](https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade/), ")
	w("[Changing the Kubernetes package repository](https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/change-package-repository/).\n\n")

	w("## Pre-flight: API versions removed along the way\n\n")
	if len(p.Removals) == 0 {
		w("According to the [Deprecated API Migration Guide](%s), no release after %s up to %s stops serving an API version.\n\n", DeprecationGuideURL, p.From.MinorString(), p.Target.MinorString())
	} else {
		w("Releases after %s up to %s stop serving these API versions ([Deprecated API Migration Guide](%s)):\n\n", p.From.MinorString(), p.Target.MinorString(), DeprecationGuideURL)
		removalTable(&b, p.Removals)
	}
	if len(p.Findings) == 0 {
		w("No object in the given manifests uses an API version that %s or an earlier release no longer serves.\n\n", p.Target.MinorString())
	} else {
		w("These objects use an API version that %s or an earlier release no longer serves. Migrate each before the step named; those already not served by %s cannot be applied even today:\n\n", p.Target.MinorString(), p.From.MinorString())
		w("| Manifest | Document | Object | apiVersion | Not served from | Migrate to | Migrate before |\n|---|---|---|---|---|---|---|\n")
		for _, f := range p.Findings {
			obj := f.Kind + " " + f.Name
			if f.Namespace != "" {
				obj = f.Kind + " " + f.Namespace + "/" + f.Name
			}
			from := f.Removal.RemovedIn.MinorString()
			if f.AlreadyRemoved {
				from += " (already not served by " + p.From.MinorString() + ")"
			}
			before := "now"
			if !f.AlreadyRemoved {
				for i, s := range p.Steps {
					if s.Phase == PhaseControlPlane && s.Version.SameMinor(f.Removal.RemovedIn) {
						before = fmt.Sprintf("step %d (hop to %s)", i+1, s.Version)
						break
					}
				}
			}
			w("| %s | %d | %s | %s | %s | %s | %s |\n", cell(f.Manifest), f.Document, cell(obj), cell(f.APIVersion), from, cell(f.Removal.Replacement), before)
		}
		w("\n")
	}

	w("## Steps\n\n")
	for i, s := range p.Steps {
		w("### Step %d — %s\n\n", i+1, oneLine(s.Title))
		w("Phase: %s", oneLine(string(s.Phase)))
		if s.Hop > 0 {
			w(" · hop %d", s.Hop)
		}
		if s.Pool != "" {
			w(" · pool %s", oneLine(s.Pool))
		}
		if len(s.Nodes) > 0 {
			w(" · nodes: %s", oneLine(strings.Join(s.Nodes, ", ")))
		}
		w("\n\n")
		for _, n := range s.Notes {
			w("%s\n\n", oneLine(n))
		}
		if len(s.Preconditions) > 0 {
			w("Preconditions:\n\n")
			checkList(&b, s.Preconditions)
		}
		w("Commands:\n\n")
		commandBlock(&b, s.Commands)
		if len(s.Verify) > 0 {
			w("Verify:\n\n")
			checkList(&b, s.Verify)
		}
	}

	w("## Appendix: removed API versions\n\n")
	w("The table the pre-flight check uses, from the [Deprecated API Migration Guide](%s):\n\n", DeprecationGuideURL)
	removalTable(&b, Removals())
	return b.Bytes(), nil
}

func removalTable(b *bytes.Buffer, rs []Removal) {
	b.WriteString("| apiVersion | Kinds | Not served from | Migrate to | Source |\n|---|---|---|---|---|\n")
	for _, r := range rs {
		anchor := r.Source
		if i := strings.IndexByte(anchor, '#'); i >= 0 {
			anchor = anchor[i:]
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | [guide%s](%s) |\n",
			cell(r.GroupVersion), cell(strings.Join(r.Kinds, ", ")), r.RemovedIn.MinorString(), cell(r.Replacement), cell(anchor), cell(r.Source))
	}
	b.WriteString("\n")
}

func checkList(b *bytes.Buffer, cs []Check) {
	for _, c := range cs {
		fmt.Fprintf(b, "- %s: %s on %s", oneLine(c.Description), code(commandLine(c.Command)), oneLine(where(c.Command.Node)))
		if c.Want != "" {
			fmt.Fprintf(b, " prints %s", code(c.Want))
		} else {
			b.WriteString(" succeeds")
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func commandBlock(b *bytes.Buffer, cs []Command) {
	var body strings.Builder
	host := "\x00"
	for _, c := range cs {
		if c.Node != host {
			host = c.Node
			if c.Node == "" {
				body.WriteString("# on the workstation\n")
			} else {
				fmt.Fprintf(&body, "# on %s, as root\n", c.Node)
			}
		}
		body.WriteString(commandLine(c))
		body.WriteString("\n")
	}
	fence := "```"
	for strings.Contains(body.String(), fence) {
		fence += "`"
	}
	fmt.Fprintf(b, "%ssh\n%s%s\n\n", fence, body.String(), fence)
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// code renders s as inline code, whatever backticks it holds.
func code(s string) string {
	s = oneLine(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
