package upgrade

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const oldManifests = `# a stream with removed and current API versions
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
  namespace: jobs
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
--- # a list
apiVersion: v1
kind: List
items:
- apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
  kind: FlowSchema
  metadata:
    name: exempt-batch
- apiVersion: flowcontrol.apiserver.k8s.io/v1
  kind: FlowSchema
  metadata:
    name: fine
---
just: a config file
---
- a
- sequence
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: db
`

func TestPreflight(t *testing.T) {
	m := Manifest{Name: "old.yaml", Data: []byte(oldManifests)}
	type row struct {
		Doc                  int
		APIVersion, Kind, NS string
		Name, RemovedIn      string
		Already              bool
	}
	flatten := func(fs []Finding) []row {
		var out []row
		for _, f := range fs {
			out = append(out, row{f.Document, f.APIVersion, f.Kind, f.Namespace, f.Name, f.Removal.RemovedIn.MinorString(), f.AlreadyRemoved})
		}
		return out
	}
	tests := []struct {
		from, to string
		want     []row
	}{
		{"v1.30.2", "v1.33.1", []row{
			{3, "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "", "exempt-batch", "v1.32", false},
			{1, "batch/v1beta1", "CronJob", "jobs", "nightly", "v1.25", true},
			{6, "policy/v1beta1", "PodDisruptionBudget", "", "db", "v1.25", true},
		}},
		{"v1.24.0", "v1.25.3", []row{
			{1, "batch/v1beta1", "CronJob", "jobs", "nightly", "v1.25", false},
			{6, "policy/v1beta1", "PodDisruptionBudget", "", "db", "v1.25", false},
		}},
		{"v1.20.0", "v1.21.0", nil},
	}
	for _, tt := range tests {
		got, err := Preflight(tt.from, tt.to, m)
		if err != nil {
			t.Fatal(err)
		}
		// Sorted by removal release, then manifest and document.
		want := tt.want
		if len(want) == 3 {
			want = []row{want[1], want[2], want[0]}
		}
		if diff := cmp.Diff(want, flatten(got)); diff != "" {
			t.Errorf("%s → %s (-want +got):\n%s", tt.from, tt.to, diff)
		}
	}
}

func TestRemovalsBetween(t *testing.T) {
	got, err := RemovalsBetween("v1.31.0", "v1.37.2")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].GroupVersion != "flowcontrol.apiserver.k8s.io/v1beta3" || got[0].RemovedIn.MinorString() != "v1.32" {
		t.Fatalf("got %+v", got)
	}
	if !strings.HasPrefix(got[0].Source, DeprecationGuideURL+"#") {
		t.Errorf("source %q does not cite the guide", got[0].Source)
	}
	if got, err := RemovalsBetween("v1.35.4", "v1.37.2"); err != nil || len(got) != 0 {
		t.Errorf("the guide lists no removal after v1.32; got %v, %v", got, err)
	}
	if _, err := RemovalsBetween("v1.37", "1.36"); err == nil || !strings.Contains(err.Error(), "from: Invalid") || !strings.Contains(err.Error(), "to: Invalid") {
		t.Errorf("malformed versions: %v", err)
	}
	if _, err := RemovalsBetween("v1.37.0", "v1.36.9"); err == nil || !strings.Contains(err.Error(), "must not be older") {
		t.Errorf("backwards range: %v", err)
	}
	all := Removals()
	for i := 1; i < len(all); i++ {
		if all[i].RemovedIn.Less(all[i-1].RemovedIn) {
			t.Fatalf("Removals not ordered at %d", i)
		}
	}
}

func TestSplitDocuments(t *testing.T) {
	got := splitDocuments([]byte("a: 1\n---\nb: 2\n--- \n---\t\nc: 3\n----\nd: 4"))
	var s []string
	for _, d := range got {
		s = append(s, string(d))
	}
	want := []string{"a: 1\n", "b: 2\n", "", "c: 3\n----\nd: 4"}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFindingsNoteTheHop(t *testing.T) {
	s := Spec{
		ControlPlane: []ControlPlaneNode{{Name: "cp-1", Version: "v1.33.4"}},
		Target:       "v1.33.9",
		Manifests:    []Manifest{{Name: "old.yaml", Data: []byte(oldManifests)}},
	}
	p := mustPlan(t, s)
	if len(p.Findings) != 3 {
		t.Fatalf("findings: %+v", p.Findings)
	}
	md, err := p.markdown()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("| old.yaml | 3 | FlowSchema exempt-batch | flowcontrol.apiserver.k8s.io/v1beta3 | v1.32 (already not served by v1.33) | flowcontrol.apiserver.k8s.io/v1 (since v1.29) | now |")) {
		t.Errorf("runbook:\n%s", md)
	}
}

// TestFindingsBeforeHop adds a removal in v1.36 to the table (the guide
// lists none after v1.32, which is older than any control plane the planner
// accepts) and checks that the plan names the hop it must precede.
func TestFindingsBeforeHop(t *testing.T) {
	saved := removals
	t.Cleanup(func() { removals = saved })
	removals = append(append([]Removal(nil), saved...), rm("example.prodkube.io/v1beta1", 36, "example.prodkube.io/v1", "example-v136", "Widget"))
	s := exampleSpec()
	s.Manifests = []Manifest{{Name: "w.yaml", Data: []byte("apiVersion: example.prodkube.io/v1beta1\nkind: Widget\nmetadata:\n  name: w\n  namespace: prod\n")}}
	p := mustPlan(t, s)
	if len(p.Removals) != 1 || len(p.Findings) != 1 || p.Findings[0].AlreadyRemoved {
		t.Fatalf("removals %+v findings %+v", p.Removals, p.Findings)
	}
	want := "Before this step, migrate Widget prod/w (w.yaml, document 1) from example.prodkube.io/v1beta1 to example.prodkube.io/v1: v1.36 no longer serves it."
	if got := p.Steps[1].Notes; len(got) == 0 || got[len(got)-1] != want {
		t.Errorf("step 2 notes: %q", got)
	}
	md, err := p.markdown()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("| w.yaml | 1 | Widget prod/w | example.prodkube.io/v1beta1 | v1.36 | example.prodkube.io/v1 | step 2 (hop to v1.36.5) |")) {
		t.Errorf("runbook lacks the finding row")
	}
}
