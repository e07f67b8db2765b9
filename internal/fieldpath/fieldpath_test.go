package fieldpath

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestUnder(t *testing.T) {
	errs := field.ErrorList{
		field.Required(field.NewPath("name"), ""),
		field.Invalid(field.NewPath("ports").Index(2).Child("port"), 0, "bad"),
		field.Invalid(nil, 1, "whole spec"),
		{Type: field.ErrorTypeInvalid, Field: "[3].x"},
	}
	got := Under(field.NewPath("namespaces").Index(1).Child("workloads").Index(0), errs)
	want := []string{
		"namespaces[1].workloads[0].name",
		"namespaces[1].workloads[0].ports[2].port",
		"namespaces[1].workloads[0]",
		"namespaces[1].workloads[0][3].x",
	}
	for i, e := range got {
		if e.Field != want[i] {
			t.Errorf("%d: %q, want %q", i, e.Field, want[i])
		}
	}
	if errs[0].Field != "name" {
		t.Error("Under changed its input")
	}
	if Under(field.NewPath("x"), nil) != nil {
		t.Error("no errors in, no errors out")
	}
}
