#!/usr/bin/env bash
# Runs the side-by-side benchmarks the way BENCHMARKS.md reports them:
# ROUNDS rounds (default 6), each running every way once at every size, so
# that load on a shared machine falls on all ways alike; then benchstat.
#
#   bash bench/run.sh results/NAME.txt
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-results/latest.txt}
rounds=${ROUNDS:-6}
mkdir -p "$(dirname "$out")"
: >"$out"
go test -count=1 . # the ways produce the same objects, or nothing is worth timing
round=$(mktemp)
trap 'rm -f "$round"' EXIT
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  go test -run '^$' -benchmem -count 1 -timeout 60m -bench 'Render|EncodeOnly|Build|Literals' . >"$round"
  cat "$round" >>"$out"
  grep -E '^Benchmark(Render/way=[a-z-]+/ns=100-|Build-|Literals-)' "$round" >&2 || true
done
benchstat=${BENCHSTAT:-benchstat}
"$benchstat" -filter '.name:Render' -col /way -row /ns "$out"
"$benchstat" -filter '.name:EncodeOnly' -col /way -row /ns "$out"
