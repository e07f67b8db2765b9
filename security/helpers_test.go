package security

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// errPaths renders each error as "<type> <path>", the part of an error a
// test pins down exactly; messages may be reworded without breaking tests.
func errPaths(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s %s", string(e.Type), e.Field))
	}
	return out
}

func wantPaths(t *testing.T, errs field.ErrorList, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, errPaths(errs)); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nfull: %v", diff, errs)
	}
}
