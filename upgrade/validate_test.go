package upgrade

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateFieldPaths(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Spec)
		want   []string // "type path"
		substr string   // a phrase the first error's detail must contain
	}{
		{"valid", func(*Spec) {}, nil, ""},
		{"no control plane", func(s *Spec) { s.ControlPlane = nil }, []string{"FieldValueRequired controlPlane"}, ""},
		{"bad node name", func(s *Spec) { s.ControlPlane[1].Name = "CP_2;reboot" }, []string{"FieldValueInvalid controlPlane[1].name"}, ""},
		{"duplicate node", func(s *Spec) { s.Pools[0].Nodes[2].Name = "cp-1" }, []string{"FieldValueDuplicate pools[0].nodes[2].name"}, ""},
		{"loose version", func(s *Spec) { s.ControlPlane[0].Version = "1.35" }, []string{"FieldValueInvalid controlPlane[0].version"}, "major.minor.patch"},
		{"mixed control plane", func(s *Spec) { s.ControlPlane[2].Version = "v1.35.3" }, []string{"FieldValueInvalid controlPlane[2].version"}, "unfinished upgrade"},
		{"control plane too old", func(s *Spec) {
			for i := range s.ControlPlane {
				s.ControlPlane[i].Version = "v1.32.1"
			}
			s.Pools = nil
		}, []string{"FieldValueInvalid controlPlane[0].version", "FieldValueInvalid releases"}, "local kube-apiserver"},
		{"downgrade", func(s *Spec) { s.Target = "v1.34.9" }, []string{"FieldValueInvalid target"}, "downgrades"},
		{"major upgrade", func(s *Spec) { s.Target = "v2.0.0" }, []string{"FieldValueInvalid target"}, "major"},
		{"missing intermediate minor", func(s *Spec) { s.Releases = []string{"v1.34.9", "v1.38.0"} }, []string{"FieldValueRequired releases"}, "v1.36"},
		{"too many minors", func(s *Spec) { s.Target = "v1.40.0" }, []string{"FieldValueInvalid releases"}, "never skipped"},
		{"bad release", func(s *Spec) { s.Releases = append(s.Releases, "v1.36.5-rc.1") }, []string{"FieldValueInvalid releases[2]"}, ""},
		{"worker newer than control plane", func(s *Spec) { s.Pools[0].Nodes[0].Version = "v1.36.0" }, []string{"FieldValueInvalid pools[0].nodes[0].version"}, "newer than kube-apiserver"},
		{"worker too old", func(s *Spec) { s.Pools[1].Nodes[1].Version = "v1.31.9" }, []string{"FieldValueInvalid pools[1].nodes[1].version"}, "4 minor versions older"},
		{"bad pool", func(s *Spec) {
			s.Pools[0].Name = "General"
			s.Pools[0].Strategy = "BlueGreen"
			s.Pools[0].MaxUnavailable = 4
			s.Pools[1].MaxUnavailable = -1
			s.Pools[1].JoinConfig = "join.yaml"
		}, []string{
			"FieldValueInvalid pools[0].name",
			"FieldValueNotSupported pools[0].strategy",
			"FieldValueInvalid pools[0].maxUnavailable",
			"FieldValueInvalid pools[1].maxUnavailable",
			"FieldValueInvalid pools[1].joinConfig",
		}, ""},
		{"empty pool", func(s *Spec) { s.Pools[0].Nodes = nil }, []string{"FieldValueRequired pools[0].nodes"}, ""},
		{"duplicate pool", func(s *Spec) { s.Pools[1].Name = "general" }, []string{"FieldValueDuplicate pools[1].name"}, ""},
		{"legacy revision", func(s *Spec) { s.Packages.Revision = "00" }, []string{"FieldValueInvalid packages.revision"}, "apt.kubernetes.io"},
		{"bad revision", func(s *Spec) { s.Packages.Revision = "1.1;rm" }, []string{"FieldValueInvalid packages.revision"}, ""},
		{"legacy repository", func(s *Spec) { s.Packages.Repository = "https://apt.kubernetes.io/" }, []string{"FieldValueInvalid packages.repository"}, "pkgs.k8s.io"},
		{"plain http repository", func(s *Spec) { s.Packages.Repository = "http://mirror/k8s/" }, []string{"FieldValueInvalid packages.repository"}, "https"},
		{"package manager", func(s *Spec) { s.Packages.Manager = "zypper" }, []string{"FieldValueNotSupported packages.manager"}, ""},
		{"timeouts", func(s *Spec) {
			s.DrainTimeout = 1500 * time.Millisecond
			s.ReadyTimeout = 48 * time.Hour
		}, []string{"FieldValueInvalid drainTimeout", "FieldValueInvalid readyTimeout"}, "whole seconds"},
		{"unnamed manifest", func(s *Spec) { s.Manifests = []Manifest{{Data: []byte("a: b")}} }, []string{"FieldValueRequired manifests[0].name"}, ""},
		{"broken manifest", func(s *Spec) {
			s.Manifests = []Manifest{{Name: "ok.yaml", Data: []byte("kind: x")}, {Name: "bad.yaml", Data: []byte("a: [")}}
		}, []string{"FieldValueInvalid manifests[1].data"}, "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := exampleSpec()
			tt.edit(&s)
			errs := s.Validate()
			// Plan reports what Validate reports, plus unreadable manifests.
			_, perr := s.Plan()
			if len(errs) == 0 && tt.want == nil && perr != nil {
				t.Fatalf("Plan failed on a valid spec: %v", perr)
			}
			if perr != nil {
				var agg interface{ Errors() []error }
				if !errors.As(perr, &agg) {
					t.Fatalf("Plan's error is not an aggregate: %v", perr)
				}
				errs = nil
				for _, e := range agg.Errors() {
					var fe *field.Error
					if !errors.As(e, &fe) {
						t.Fatalf("not a *field.Error: %v", e)
					}
					errs = append(errs, fe)
				}
			}
			var got []string
			for _, e := range errs {
				got = append(got, string(e.Type)+" "+e.Field)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("errors (-want +got):\n%s\n%v", diff, errs)
			}
			if tt.substr != "" && !strings.Contains(errs[0].Detail, tt.substr) {
				t.Errorf("detail %q does not mention %q", errs[0].Detail, tt.substr)
			}
		})
	}
}

func TestPlanErrorXorResult(t *testing.T) {
	s := exampleSpec()
	s.Target = "v1.34.0"
	p, err := s.Plan()
	if err == nil || p != nil {
		t.Fatalf("got plan %v and error %v; want only an error", p, err)
	}
}
