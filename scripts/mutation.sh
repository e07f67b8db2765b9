#!/usr/bin/env bash
# Mutation testing of the library with gremlins (github.com/go-gremlins/gremlins):
# each package of the main module in turn, one worker, and a table of the
# results for TESTING.md. Slow (every mutant re-runs its package's tests);
# run it for the release notes, not on every change (CI runs gremlins only
# on the files a change touches, see .ci/run).
#
#   scripts/mutation.sh [package-dir ...]     default: every library package
#
# Environment: WORKERS (default 1), TIMEOUT_COEFFICIENT (default 5),
# OUT (default mutation-results/, one JSON report per package plus table.md),
# DRY_RUN=1 to only find the mutants and measure which are covered (mutator
# coverage; efficacy needs the full run).
set -euo pipefail
cd "$(dirname "$0")/.."

GREMLINS_VERSION=v0.6.0
workers=${WORKERS:-1}
coef=${TIMEOUT_COEFFICIENT:-5}
out=${OUT:-mutation-results}
dry=()
if [ -n "${DRY_RUN:-}" ]; then dry=(--dry-run); fi

gremlins=$(go env GOPATH)/bin/gremlins
# `go install` builds report "dev" as their version; the module version is
# in the build info.
if ! go version -m "$gremlins" 2>/dev/null | grep -q "github.com/go-gremlins/gremlins[[:space:]]*$GREMLINS_VERSION"; then
  echo "installing gremlins $GREMLINS_VERSION"
  go install "github.com/go-gremlins/gremlins/cmd/gremlins@$GREMLINS_VERSION"
fi

if [ $# -gt 0 ]; then
  pkgs=("$@")
else
  # Library packages: the main module's packages with non-test Go files,
  # without examples/ (programs) and the test helpers (fuzzfill,
  # sharecheck).
  # The root package comes last: its coverage run is the whole module's
  # tests (gremlins measures coverage over the directory and everything
  # below it).
  mapfile -t pkgs < <(go list -f '{{if .GoFiles}}{{.Dir}}{{end}}' ./... |
    sed "s|^$PWD/\?||; s|^$|.|" | grep -v -E '^(examples/|internal/fuzzfill$|internal/sharecheck$)' | sort -r)
fi

mkdir -p "$out"
table="$out/table.md"
{
  echo "| package | mutants | killed | lived | not covered (in case clauses) | timed out | not run (dry run) | efficacy | mutator coverage | time |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"

for p in "${pkgs[@]}"; do
  name=${p//\//_}
  json="$out/$name.json"
  log="$out/$name.log"
  echo "== $p"
  rm -f "$json"
  start=$(date +%s)
  # gremlins computes coverage and runs the tests of the package it is
  # given; --workers 1 keeps it from competing with itself on a small
  # machine. It exits non-zero only when a threshold is missed; none is
  # set here.
  # gremlins walks the directory it is given and its subdirectories;
  # -E / leaves out files in subdirectories (their own packages, listed
  # separately), so each row counts one package's mutants.
  # GOFLAGS=-count=1: gremlins sets each mutant's time limit from how long
  # the coverage run took; a coverage run answered from the test cache
  # takes a second and every mutant would time out.
  GOFLAGS="${GOFLAGS:+$GOFLAGS }-count=1" "$gremlins" unleash "${dry[@]}" --workers "$workers" --timeout-coefficient "$coef" -E / -o "$json" "./$p" >"$log" 2>&1 || {
    echo "gremlins failed on $p; see $log"; tail -n 20 "$log"; continue; }
  secs=$(( $(date +%s) - start ))
  if [ ! -f "$json" ]; then
    # gremlins writes no report for a package without mutants
    # ("No results to report"), such as one that only declares types.
    echo "| $p | 0 | | | | | | - | - | $secs s |" >>"$table"
    tail -n 1 "$table"
    continue
  fi
  python3 - "$json" "$p" "$secs" "$log" >>"$table" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
# gremlins takes coverage from go test -coverprofile, whose blocks hold
# statements: the condition of a "case" clause lies in no block and is
# reported NOT COVERED however many tests run it. Count those apart.
in_case = 0
for line in open(sys.argv[4]):
    m = re.match(r"\s*NOT COVERED \S+ at (\S+?):(\d+):\d+", line)
    if m:
        src = open(sys.argv[2] + "/" + m.group(1)).read().split("\n")[int(m.group(2)) - 1]
        if src.lstrip().startswith("case "):
            in_case += 1
c = {"KILLED": 0, "LIVED": 0, "NOT COVERED": 0, "TIMED OUT": 0, "RUNNABLE": 0}
for f in r.get("files", []):
    for m in f.get("mutations", []):
        c[m["status"]] = c.get(m["status"], 0) + 1
covered = c["KILLED"] + c["LIVED"] + c["TIMED OUT"] + c["RUNNABLE"]
total = covered + c["NOT COVERED"]
tested = c["KILLED"] + c["LIVED"]
eff = f"{100.0 * c['KILLED'] / tested:.1f} %" if tested else "not measured"
cov = f"{100.0 * covered / total:.1f} %" if total else "-"
print(f"| {sys.argv[2]} | {total} | {c['KILLED']} | {c['LIVED']} | {c['NOT COVERED']} ({in_case}) | {c['TIMED OUT']} | {c['RUNNABLE']} | {eff} | {cov} | {sys.argv[3]} s |")
PY
  tail -n 1 "$table"
  grep -E '^ +LIVED' "$log" | sed 's/^ */   /' || true
done

echo
echo "gremlins $GREMLINS_VERSION, --workers $workers --timeout-coefficient $coef, $(go version | cut -d' ' -f3)"
cat "$table"
