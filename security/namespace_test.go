package security

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamespaceBuild(t *testing.T) {
	ns, err := Namespace{Name: "production"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/audit":           "restricted",
		"pod-security.kubernetes.io/audit-version":   "latest",
		"pod-security.kubernetes.io/warn":            "restricted",
		"pod-security.kubernetes.io/warn-version":    "latest",
	}
	if diff := cmp.Diff(want, ns.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if ns.APIVersion != "v1" || ns.Kind != "Namespace" {
		t.Errorf("TypeMeta = %+v", ns.TypeMeta)
	}

	ns, err = Namespace{Name: "legacy", Enforce: LevelBaseline, Warn: LevelRestricted, EnforceVersion: "v1.36", Labels: map[string]string{"team": "a"}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"pod-security.kubernetes.io/enforce":         "baseline",
		"pod-security.kubernetes.io/enforce-version": "v1.36",
		"pod-security.kubernetes.io/audit":           "baseline",
		"pod-security.kubernetes.io/warn":            "restricted",
		"team":                                       "a",
	} {
		if ns.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, ns.Labels[k], v)
		}
	}
}

func TestNamespaceValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Namespace
		want []string
	}{
		{"missing name", Namespace{}, []string{"FieldValueRequired name"}},
		{"bad name", Namespace{Name: "Prod_1"}, []string{"FieldValueInvalid name"}},
		{"unknown level", Namespace{Name: "a", Enforce: "strict"}, []string{"FieldValueNotSupported enforce"}},
		{"audit looser than enforce", Namespace{Name: "a", Audit: LevelBaseline}, []string{"FieldValueInvalid audit"}},
		{"warn looser than enforce", Namespace{Name: "a", Enforce: LevelBaseline, Warn: LevelPrivileged}, []string{"FieldValueInvalid warn"}},
		{"stricter audit is fine", Namespace{Name: "a", Enforce: LevelPrivileged, Audit: LevelRestricted}, nil},
		{"bad versions", Namespace{Name: "a", EnforceVersion: "1.37", AuditVersion: "v2.0", WarnVersion: "v1.37.2"}, []string{"FieldValueInvalid enforceVersion", "FieldValueInvalid auditVersion", "FieldValueInvalid warnVersion"}},
		{"label overrides psa", Namespace{Name: "a", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}}, []string{"FieldValueForbidden labels[pod-security.kubernetes.io/enforce]"}},
		{"bad label", Namespace{Name: "a", Labels: map[string]string{"a b": "c"}}, []string{"FieldValueInvalid labels"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPaths(t, tt.spec.Validate(), tt.want...)
			obj, err := tt.spec.Build()
			if (err != nil) != (len(tt.want) > 0) || (obj == nil) == (err == nil) {
				t.Errorf("Build() = %v, %v; want exactly one of object or error", obj, err)
			}
		})
	}
}
