package upgrade

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/prodkube/prodkube/internal/shell"
)

// script renders the plan as a bash script: `set -euo pipefail`, one
// function per step, run in order from step 1 or from the step given with
// --from N (resuming after a failure), or a single step with --only N. Each
// step first runs its preconditions and refuses to run when one fails; after
// its commands it runs its verification. --list prints the steps.
//
// Commands on nodes run as root over SSH (ssh -o BatchMode=yes, or the
// command in $UPGRADE_SSH); kubectl runs on the plan's ControlHost.
func (p *Plan) script() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("#!/usr/bin/env bash\n")
	w("#\n")
	w("# Upgrade plan %s -> %s", p.From, p.Target)
	if len(p.Hops) > 0 {
		hops := make([]string, len(p.Hops))
		for i, h := range p.Hops {
			hops[i] = h.String()
		}
		w(" in %d hop(s): %s", len(p.Hops), strings.Join(hops, ", "))
	}
	w("; %d steps.\n", len(p.Steps))
	w("# kubectl runs on %s with %s; node commands run over SSH with sudo\n# (BatchMode: key-based SSH and passwordless sudo).\n", oneLine(where(p.ControlHost)), AdminKubeconfig)
	w("#\n# Usage: %s\n", "plan.sh [--list] [--from N | --only N]")
	w("#   --list     print the steps\n")
	w("#   --from N   start at step N (to resume: a step refuses to run unless its preconditions hold)\n")
	w("#   --only N   run step N alone\n")
	w("# Environment: UPGRADE_SSH is the ssh command (default: ssh).\n")
	if len(p.Findings) > 0 {
		w("#\n# Pre-flight: %d object(s) use an API version a release on the way stops serving;\n", len(p.Findings))
		w("# migrate them first (see the runbook).\n")
	}
	b.WriteString(`set -euo pipefail

UPGRADE_SSH=${UPGRADE_SSH:-ssh}

# on_node NODE COMMAND: run COMMAND, already quoted, on NODE over SSH.
on_node() {
	# $UPGRADE_SSH is split into words on purpose: it may carry options.
	# shellcheck disable=SC2086
	$UPGRADE_SSH -o BatchMode=yes -- "$1" "$2"
}

# check STEP KIND DESCRIPTION WANT COMMAND...: COMMAND must succeed and, when
# WANT is not empty, print exactly WANT; otherwise the plan stops here.
check() {
	local step=$1 kind=$2 desc=$3 want=$4 got
	shift 4
	if got=$("$@"); then
		if [ -z "$want" ] || [ "$got" = "$want" ]; then
			return 0
		fi
	else
		got='(command failed)'
	fi
	if [ "$kind" = precondition ]; then
		printf 'step %s refused: precondition failed: %s (want %s, got %s)\n' "$step" "$desc" "${want:-success}" "$got" >&2
	else
		printf 'step %s: verification failed: %s (want %s, got %s)\n' "$step" "$desc" "${want:-success}" "$got" >&2
	fi
	exit 1
}

`)
	for i, s := range p.Steps {
		n := i + 1
		w("# Step %d/%d [%s", n, len(p.Steps), oneLine(string(s.Phase)))
		if s.Hop > 0 {
			w(", hop %d", s.Hop)
		}
		w("]: %s\n", oneLine(s.Title))
		for _, note := range s.Notes {
			w("# %s\n", oneLine(note))
		}
		w("step_%d() {\n", n)
		for _, c := range s.Preconditions {
			w("\t%s\n", checkLine(n, "precondition", c))
		}
		for _, c := range s.Commands {
			w("\t%s\n", scriptLine(c))
		}
		for _, c := range s.Verify {
			w("\t%s\n", checkLine(n, "verification", c))
		}
		w("\t:\n}\n\n")
	}
	titles := make([]string, len(p.Steps)+1)
	for i, s := range p.Steps {
		titles[i+1] = oneLine(s.Title)
	}
	w("STEPS=%d\n", len(p.Steps))
	w("TITLES=(%s)\n", shell.Join(titles))
	b.WriteString(`
usage() {
	echo 'Usage: plan.sh [--list] [--from N | --only N]'
	echo '  --list     print the steps'
	echo '  --from N   start at step N (to resume: a step refuses to run unless its preconditions hold)'
	echo '  --only N   run step N alone'
	echo 'Environment: UPGRADE_SSH is the ssh command (default: ssh).'
}

list() {
	local i
	for ((i = 1; i <= STEPS; i++)); do
		printf '%4d  %s\n' "$i" "${TITLES[i]}"
	done
}

from=1
to=$STEPS
while [ $# -gt 0 ]; do
	case $1 in
	--list)
		list
		exit 0
		;;
	--from | --only)
		if [ $# -lt 2 ]; then
			echo "$1 needs a step number" >&2
			exit 2
		fi
		case $2 in
		'' | *[!0-9]*)
			echo "$1 needs a step number, got $2" >&2
			exit 2
			;;
		esac
		if [ "${#2}" -gt 9 ] || [ "$((10#$2))" -lt 1 ] || [ "$((10#$2))" -gt "$STEPS" ]; then
			echo "step $2 is not between 1 and $STEPS" >&2
			exit 2
		fi
		from=$((10#$2))
		if [ "$1" = --only ]; then
			to=$from
		fi
		shift 2
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "unknown argument: $1 (try --help)" >&2
		exit 2
		;;
	esac
done

if [ "$STEPS" -eq 0 ]; then
	echo "nothing to upgrade"
	exit 0
fi
for ((i = from; i <= to; i++)); do
	printf '==> step %d/%d: %s\n' "$i" "$STEPS" "${TITLES[i]}"
	"step_$i"
done
echo "upgrade plan complete"
`)
	return b.Bytes(), nil
}

func checkLine(step int, kind string, c Check) string {
	head := shell.Join([]string{"check", strconv.Itoa(step), kind, oneLine(c.Description), c.Want})
	return head + " " + scriptLine(c.Command)
}
