package names

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"

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

// TestLabelsDeterministic: a map with several invalid keys and values gives
// the same error list every time, in key order, with upstream's messages.
func TestLabelsDeterministic(t *testing.T) {
	labels := map[string]string{"b/ad/key": "x", "ok": "bad value!", "-x": "-", "a": "fine", "zz": "also bad!"}
	p := field.NewPath("labels")
	first := Labels(labels, p)
	if len(first) == 0 {
		t.Fatal("no errors for invalid labels")
	}
	for range 50 {
		if got := Labels(labels, p); !reflect.DeepEqual(got, first) {
			t.Fatalf("error order changed:\n%v\n%v", first, got)
		}
	}
	// The same errors as the upstream validator, whatever their order.
	up := metavalidation.ValidateLabels(labels, p)
	key := func(e *field.Error) string { return e.Error() }
	a, b := make([]string, 0, len(first)), make([]string, 0, len(up))
	for _, e := range first {
		a = append(a, key(e))
	}
	for _, e := range up {
		b = append(b, key(e))
	}
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("errors differ from upstream:\n%v\n%v", a, b)
	}
	// In key order: "-x" (key, then its value "-"), "b/ad/key", then the
	// values of "ok" and "zz"; "a" is valid.
	var order []string
	for _, e := range first {
		v := fmt.Sprint(e.BadValue)
		if len(order) == 0 || order[len(order)-1] != v {
			order = append(order, v)
		}
	}
	if want := []string{"-x", "-", "b/ad/key", "bad value!", "also bad!"}; !slices.Equal(order, want) {
		t.Errorf("bad values in order %q, want %q", order, want)
	}
	if Labels(map[string]string{"app": "web"}, p) != nil {
		t.Error("valid labels reported")
	}
}
