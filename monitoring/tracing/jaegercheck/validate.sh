#!/usr/bin/env bash
# Builds Jaeger v1.75.0 from the tool pinned in go.mod and runs its own
# "validate" command over every configuration package tracing renders.
# Heavy: a cold build of Jaeger compiles the OpenTelemetry Collector,
# Elasticsearch, Cassandra, Kafka and ClickHouse clients, so it is not part
# of every CI run. Usage: ./validate.sh [output-dir]
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-$(mktemp -d)}
mkdir -p "$out"
echo "building jaeger into $out"
time go build -p 1 -o "$out/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
"$out/jaeger" version || true
JAEGER_BIN="$out/jaeger" go test -count=1 -run 'TestJaegerValidate' -v ./...
