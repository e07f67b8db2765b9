package upgrade_test

import (
	"fmt"
	"strings"

	"github.com/prodkube/prodkube/upgrade"
)

// Plan an upgrade two minor releases ahead: one hop per minor release, the
// control plane one node at a time, then the worker pool two nodes at a time.
func ExampleSpec_Plan() {
	spec := upgrade.Spec{
		ControlPlane: []upgrade.ControlPlaneNode{
			{Name: "cp-1", Version: "v1.35.4"},
			{Name: "cp-2", Version: "v1.35.4"},
			{Name: "cp-3", Version: "v1.35.4"},
		},
		Pools: []upgrade.Pool{{
			Name:           "general",
			MaxUnavailable: 2,
			Nodes: []upgrade.Node{
				{Name: "general-1", Version: "v1.35.4"},
				{Name: "general-2", Version: "v1.35.4"},
				{Name: "general-3", Version: "v1.35.4"},
			},
		}},
		Target:   "v1.37.2",
		Releases: []string{"v1.36.5"},
	}
	plan, err := spec.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("repositories:", strings.Join(plan.Repositories, " "))
	for _, s := range plan.Steps {
		fmt.Printf("%2d %s\n", s.Number, s.Title)
	}
	// Output:
	// repositories: https://pkgs.k8s.io/core:/stable:/v1.36/deb/ https://pkgs.k8s.io/core:/stable:/v1.37/deb/
	//  1 take the pre-upgrade backups (etcd snapshot, Velero backup)
	//  2 control plane cp-1: upgrade to v1.36.5 (kubeadm upgrade apply)
	//  3 control plane cp-2: upgrade to v1.36.5 (kubeadm upgrade node)
	//  4 control plane cp-3: upgrade to v1.36.5 (kubeadm upgrade node)
	//  5 pool general: upgrade general-1, general-2 in place to v1.36.5
	//  6 pool general: upgrade general-3 in place to v1.36.5
	//  7 control plane cp-1: upgrade to v1.37.2 (kubeadm upgrade apply)
	//  8 control plane cp-2: upgrade to v1.37.2 (kubeadm upgrade node)
	//  9 control plane cp-3: upgrade to v1.37.2 (kubeadm upgrade node)
	// 10 pool general: upgrade general-1, general-2 in place to v1.37.2
	// 11 pool general: upgrade general-3 in place to v1.37.2
}

// Every problem of a spec is reported at once, with the path of its field.
func ExampleSpec_Validate() {
	spec := upgrade.Spec{
		ControlPlane: []upgrade.ControlPlaneNode{{Name: "cp-1", Version: "v1.35.4"}},
		Pools:        []upgrade.Pool{{Name: "general", Nodes: []upgrade.Node{{Name: "general-1", Version: "v1.35.4"}}}},
		Packages:     upgrade.Packages{Revision: "00"},
		Target:       "v1.37.2",
	}
	for _, err := range spec.Validate() {
		fmt.Println(err.Field)
	}
	// Output:
	// releases
	// packages.revision
}

// The pre-flight report names every object whose apiVersion a release on the
// way stops serving.
func ExamplePreflight() {
	manifest := upgrade.Manifest{Name: "cronjob.yaml", Data: []byte(`apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
`)}
	findings, err := upgrade.Preflight("v1.24.9", "v1.25.4", manifest)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%s %s: %s is not served from %s; use %s\n", f.Kind, f.Name, f.APIVersion, f.Removal.RemovedIn.MinorString(), f.Removal.Replacement)
	}
	// Output:
	// CronJob nightly: batch/v1beta1 is not served from v1.25; use batch/v1 (since v1.21)
}

// The script runs one function per step; each step checks its
// preconditions before it changes anything.
func ExamplePlan_Files() {
	spec := upgrade.Spec{
		ControlPlane: []upgrade.ControlPlaneNode{{Name: "cp-1", Version: "v1.37.0"}},
		Target:       "v1.37.2",
		SkipBackups:  true,
	}
	plan, err := spec.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	var script []byte
	for _, f := range plan.Files() {
		if f.Path == upgrade.ScriptFile {
			script = f.Content
		}
	}
	for _, line := range strings.Split(string(script), "\n") {
		if strings.HasPrefix(line, "step_1()") || strings.HasPrefix(line, "\ton_node cp-1 'sudo kubeadm upgrade") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// step_1() {
	// on_node cp-1 'sudo kubeadm upgrade plan v1.37.2'
	// on_node cp-1 'sudo kubeadm upgrade apply v1.37.2 --yes'
}
