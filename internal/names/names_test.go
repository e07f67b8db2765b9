package names

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestNames(t *testing.T) {
	p := field.NewPath("name")
	tests := []struct {
		name string
		errs field.ErrorList
		want []field.ErrorType
	}{
		{"subdomain ok", Subdomain("web.app-1", p), nil},
		{"subdomain empty", Subdomain("", p), []field.ErrorType{field.ErrorTypeRequired}},
		{"subdomain upper", Subdomain("Web", p), []field.ErrorType{field.ErrorTypeInvalid}},
		{"label ok", Label("production", p), nil},
		{"label empty", Label("", p), []field.ErrorType{field.ErrorTypeRequired}},
		{"label with dot", Label("a.b", p), []field.ErrorType{field.ErrorTypeInvalid}},
		{"label too long", Label(string(make([]byte, 64)), p), []field.ErrorType{field.ErrorTypeInvalid, field.ErrorTypeInvalid}},
		{"format empty", LabelFormat("", p), []field.ErrorType{field.ErrorTypeInvalid}},
	}
	for _, tt := range tests {
		var got []field.ErrorType
		for _, e := range tt.errs {
			got = append(got, e.Type)
			if e.Field != "name" {
				t.Errorf("%s: path %q", tt.name, e.Field)
			}
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}
