// Package backup generates the commands, objects and runbooks of a
// production backup and disaster-recovery setup: Velero installed with a
// plugin that matches its version, one-off and scheduled backups, restores,
// etcd snapshots, and a restore drill that proves the backups can be
// restored.
//
// Every command is produced as an argv ([]string, ready for exec) first; its
// shell form is rendered by the one quoting function of the module, which is
// fuzzed against a real /bin/sh. Names, namespaces, buckets and durations are
// validated before they reach a command, and credentials are never inlined:
// a command references a secret file path, an existing Secret, or nothing
// (workload identity).
//
// The velero.io/v1 objects (package velerov1) are built from the same spec
// as the commands, so that `velero backup create` and a Backup applied with
// kubectl say the same thing.
//
// All specs follow one pattern: a plain struct of intent, Validate() returning
// a field.ErrorList with paths named after the spec's fields, and terminal
// methods (Argv, Shell, Build, Script, Markdown) that validate first and
// return either a result or an error, never both.
package backup
