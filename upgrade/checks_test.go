package upgrade

import (
	"encoding/json"
	"strings"
	"testing"
	"text/template"

	corev1 "k8s.io/api/core/v1"
)

// TestCordonTemplate runs the go-template of the cordon checks the way
// kubectl's go-template printer does (text/template over the object decoded
// from JSON) against a schedulable and a cordoned Node.
func TestCordonTemplate(t *testing.T) {
	p := mustPlan(t, exampleSpec())
	var tmpl string
	for _, c := range p.Steps[1].Verify {
		for _, a := range c.Command.Argv {
			if strings.HasPrefix(a, "go-template=") {
				tmpl = strings.TrimPrefix(a, "go-template=")
			}
		}
	}
	if tmpl == "" {
		t.Fatal("no go-template check in the control plane step")
	}
	parsed, err := template.New("check").Parse(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		unschedulable bool
		want          string
	}{{false, "schedulable"}, {true, "cordoned"}} {
		node := corev1.Node{Spec: corev1.NodeSpec{Unschedulable: tt.unschedulable}}
		data, err := json.Marshal(node)
		if err != nil {
			t.Fatal(err)
		}
		var obj any
		if err := json.Unmarshal(data, &obj); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := parsed.Execute(&out, obj); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("unschedulable=%v: got %q, want %q", tt.unschedulable, out.String(), tt.want)
		}
	}
}
