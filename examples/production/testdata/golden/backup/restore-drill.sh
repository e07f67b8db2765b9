#!/usr/bin/env bash
# Restore drill for namespace production: restore the latest successful backup of schedule production-daily into production-restore-test, verify, report, clean up.
set -euo pipefail

report_file=${REPORT:-restore-drill-report.txt}
report() { printf '%s\n' "$*" | tee -a "$report_file"; }
fail() { report "FAILED: $*"; exit 1; }
report "restore drill $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# 1. Check that the target namespace and the restore name are free
if kubectl get namespace production-restore-test >/dev/null 2>&1; then
  echo 'namespace production-restore-test already exists; delete it or choose another target' >&2
  exit 1
fi
if kubectl --namespace velero get restores.velero.io production-restore-test-drill >/dev/null 2>&1; then
  echo 'restore production-restore-test-drill already exists (left by an earlier drill?); delete it first' >&2
  exit 1
fi
cleanup() {
  kubectl delete namespace production-restore-test --ignore-not-found --wait=true
  velero restore delete production-restore-test-drill --namespace velero --confirm || true
}
trap cleanup EXIT

# 2. Restore production into production-restore-test
velero restore create production-restore-test-drill --namespace velero --from-schedule production-daily --include-namespaces production --namespace-mappings production:production-restore-test --restore-volumes=true --wait

# 3. Check the restore's outcome
phase=$(kubectl --namespace velero get restores.velero.io production-restore-test-drill --output 'jsonpath={.status.phase}')
errors=$(kubectl --namespace velero get restores.velero.io production-restore-test-drill --output 'jsonpath={.status.errors}')
total=$(kubectl --namespace velero get restores.velero.io production-restore-test-drill --output 'jsonpath={.status.progress.totalItems}')
restored=$(kubectl --namespace velero get restores.velero.io production-restore-test-drill --output 'jsonpath={.status.progress.itemsRestored}')
report "restore phase: ${phase:-unknown}; errors: ${errors:-0}; items restored: ${restored:-0} of ${total:-0}"
[ "$phase" = Completed ] || fail "restore did not complete (phase ${phase:-unknown})"
[ "${errors:-0}" = 0 ] || fail "restore reported ${errors} errors"
[ "${restored:-0}" = "${total:-0}" ] || fail "restored ${restored:-0} of ${total:-0} items"

# 4. Wait for the restored pods to be ready
if [ -n "$(kubectl --namespace production-restore-test get pods --output name)" ]; then
  kubectl --namespace production-restore-test wait --for=condition=Ready pods --all --timeout=600s || fail 'restored pods did not become ready'
fi
report 'pods ready in production-restore-test'

# 5. Wait for the restored volume claims to be bound
if [ -n "$(kubectl --namespace production-restore-test get persistentvolumeclaims --output name)" ]; then
  kubectl --namespace production-restore-test wait '--for=jsonpath={.status.phase}=Bound' persistentvolumeclaims --all --timeout=600s || fail 'restored claims did not bind'
fi
report 'claims bound in production-restore-test'

# 6. Compare object counts
mismatch=0
for kind in deployments.apps statefulsets.apps daemonsets.apps services configmaps secrets serviceaccounts persistentvolumeclaims horizontalpodautoscalers.autoscaling poddisruptionbudgets.policy; do
  src=$(kubectl --namespace production get "$kind" --output name | wc -l)
  dst=$(kubectl --namespace production-restore-test get "$kind" --output name | wc -l)
  report "$kind: $src in the source, $dst restored"
  [ "$src" -eq "$dst" ] || mismatch=1
done
[ "$mismatch" = 0 ] || report 'WARNING: counts differ; check whether the source changed since the backup'

report 'restore drill passed'
