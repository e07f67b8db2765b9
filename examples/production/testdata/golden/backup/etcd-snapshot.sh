#!/usr/bin/env bash
# Take an etcd snapshot and verify it. Run on a host that can reach the etcd
# members' client port and read the client certificate (a control-plane node).
set -euo pipefail
umask 077

dir=/var/backups/etcd
mkdir -p "$dir"
snapshot="$dir"/etcd-snapshot"-$(date -u +%Y%m%dT%H%M%SZ).db"

# etcd serves a snapshot from one member at a time: ask each in turn.
saved=false
if [ "$saved" = false ]; then
  if etcdctl --endpoints https://10.0.1.20:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/apiserver-etcd-client.crt --key /etc/kubernetes/pki/apiserver-etcd-client.key snapshot save "$snapshot"; then
    saved=true
  else
    echo 'snapshot from https://10.0.1.20:2379 failed; trying the next member' >&2
  fi
fi
if [ "$saved" = false ]; then
  if etcdctl --endpoints https://10.0.2.20:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/apiserver-etcd-client.crt --key /etc/kubernetes/pki/apiserver-etcd-client.key snapshot save "$snapshot"; then
    saved=true
  else
    echo 'snapshot from https://10.0.2.20:2379 failed; trying the next member' >&2
  fi
fi
if [ "$saved" = false ]; then
  if etcdctl --endpoints https://10.0.3.20:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/apiserver-etcd-client.crt --key /etc/kubernetes/pki/apiserver-etcd-client.key snapshot save "$snapshot"; then
    saved=true
  else
    echo 'snapshot from https://10.0.3.20:2379 failed; trying the next member' >&2
  fi
fi
if [ "$saved" = false ]; then
  echo 'no etcd member produced a snapshot' >&2
  exit 1
fi

# Verify the file offline: fails on a truncated or corrupt snapshot.
etcdutl --write-out table snapshot status "$snapshot"
echo "$snapshot"
