package backup

import (
	"bytes"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup/velerov1"
	"github.com/prodkube/prodkube/internal/fieldpath"
	"github.com/prodkube/prodkube/security"
)

// Paths of the Velero setup's files, relative to the output directory.
const (
	// VeleroScriptFile installs Velero, creates the schedules and takes the
	// first backups.
	VeleroScriptFile = "backup/velero.sh"
	// VeleroObjectsFile holds the Velero objects the script creates, for
	// review and GitOps. They need Velero's CRDs, which `velero install`
	// creates, so they live outside the manifests.
	VeleroObjectsFile = "backup/velero-objects.yaml"
)

// Velero is a whole Velero setup: the installation, the schedules, and the
// backups to take right after installing so that a broken setup shows at
// once.
type Velero struct {
	// Install is the `velero install` intent. Required.
	Install Install
	// Schedules are the recurring backups. Names must be unique.
	Schedules []Schedule
	// Backups are taken once, after the schedules are created. Names must
	// be unique.
	Backups []Backup
}

// VeleroSetup is what a Velero spec builds.
type VeleroSetup struct {
	// Namespace is Velero's namespace: Pod Security "privileged" when the
	// node agent runs (it mounts the kubelet's pod directories from the
	// host), "restricted" otherwise.
	Namespace *corev1.Namespace
	// Locations are the storage locations `velero install` creates.
	Locations *Locations
	// Schedules and Backups are the objects the script creates.
	Schedules []*velerov1.Schedule
	Backups   []*velerov1.Backup

	files []prodkube.File
}

// Validate reports every problem of the setup, with paths under install,
// schedules[i] and backups[i].
func (v Velero) Validate() field.ErrorList {
	errs := fieldpath.Under(field.NewPath("install"), v.Install.Validate())
	seen := map[string]bool{}
	for i, s := range v.Schedules {
		p := field.NewPath("schedules").Index(i)
		errs = append(errs, fieldpath.Under(p, s.Validate())...)
		if seen[s.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), s.Name))
		}
		seen[s.Name] = true
	}
	seen = map[string]bool{}
	for i, b := range v.Backups {
		p := field.NewPath("backups").Index(i)
		errs = append(errs, fieldpath.Under(p, b.Validate())...)
		if seen[b.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), b.Name))
		}
		seen[b.Name] = true
	}
	return errs
}

// Build validates the setup and returns its namespace, its Velero objects
// and its files.
func (v Velero) Build() (*VeleroSetup, error) {
	if errs := v.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	level := security.LevelRestricted
	if v.Install.UseNodeAgent {
		level = security.LevelPrivileged
	}
	ns, err := security.Namespace{Name: veleroNamespace(v.Install.Namespace), Enforce: level}.Build()
	if err != nil {
		return nil, err
	}
	locs, err := v.Install.Build()
	if err != nil {
		return nil, err
	}
	out := &VeleroSetup{Namespace: ns, Locations: locs}
	objs := locs.Objects()

	var sh bytes.Buffer
	sh.WriteString("#!/usr/bin/env bash\n")
	sh.WriteString("# Install Velero, create the backup schedules and take the first backups.\n")
	sh.WriteString("# Needs velero and kubectl configured for the cluster")
	if v.Install.SecretFile != "" {
		fmt.Fprintf(&sh, ", and the credentials file %s", v.Install.SecretFile)
	}
	sh.WriteString(".\nset -euo pipefail\n\n")
	step := func(comment string, line string) { fmt.Fprintf(&sh, "# %s\n%s\n\n", comment, line) }
	line, err := v.Install.Shell()
	if err != nil {
		return nil, err
	}
	step("Install Velero "+v.Install.VeleroVersion+" with the "+string(v.Install.Provider)+" plugin "+v.Install.PluginVersion+".", line)
	for _, s := range v.Schedules {
		line, err := s.Shell()
		if err != nil {
			return nil, err
		}
		obj, err := s.Build()
		if err != nil {
			return nil, err
		}
		out.Schedules = append(out.Schedules, obj)
		objs = append(objs, obj)
		step(fmt.Sprintf("Schedule %s (%s UTC), kept %s.", s.Name, s.Cron, obj.Spec.Template.TTL.Duration), line)
	}
	for _, b := range v.Backups {
		line, err := b.Shell()
		if err != nil {
			return nil, err
		}
		obj, err := b.Build()
		if err != nil {
			return nil, err
		}
		out.Backups = append(out.Backups, obj)
		objs = append(objs, obj)
		comment := "Take backup " + b.Name + " now"
		if b.Wait {
			comment += " and wait for it, so that a broken setup fails this script"
		}
		step(comment+".", line)
	}
	// Written in apply order (locations before the schedules and backups
	// that use them), which a kind-sorted stream would not keep.
	var yaml bytes.Buffer
	for _, obj := range objs {
		doc, err := prodkube.MarshalYAML(obj)
		if err != nil {
			return nil, err
		}
		yaml.WriteString("---\n")
		yaml.Write(doc)
	}
	out.files = []prodkube.File{
		{Path: VeleroScriptFile, Content: sh.Bytes(), Mode: 0o755},
		{Path: VeleroObjectsFile, Content: yaml.Bytes()},
	}
	return out, nil
}

// Objects returns the objects that go with the cluster's manifests: the
// Velero namespace. The Velero objects themselves need Velero's CRDs and
// are in Files.
func (s *VeleroSetup) Objects() []prodkube.Object {
	if s == nil || s.Namespace == nil {
		return nil
	}
	return []prodkube.Object{s.Namespace}
}

// Files returns VeleroScriptFile and VeleroObjectsFile.
func (s *VeleroSetup) Files() []prodkube.File {
	if s == nil {
		return nil
	}
	return cloneFiles(s.files)
}
