#!/usr/bin/env bash
# Install Velero and the production namespace's backups. Needs velero and kubectl
# configured for the cluster, and the AWS credentials in ./credentials-velero.
set -euo pipefail

# Install Velero with the plugin that matches its version.
velero install --namespace velero --provider aws --image docker.io/velero/velero:v1.18.3 --plugins docker.io/velero/velero-plugin-for-aws:v1.14.3 --bucket prodkube-velero-backups --prefix production-cluster --backup-location-config region=eu-west-1 --snapshot-location-config region=eu-west-1 --secret-file ./credentials-velero --use-node-agent --wait

# Back up production every day at 01:00 UTC, kept 30 days.
velero schedule create production-daily --namespace velero --schedule '0 1 * * *' --include-namespaces production --ttl 720h0m0s

# Back up production every Sunday at 03:00 UTC, kept 90 days.
velero schedule create production-weekly --namespace velero --schedule '0 3 * * 0' --include-namespaces production --ttl 2160h0m0s

# Take the first backup now and wait for it, so a broken setup shows at once.
velero backup create production-initial --namespace velero --include-namespaces production --ttl 720h0m0s --wait

