package security

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/internal/fuzzfill"
)

type validator interface{ Validate() field.ErrorList }

// fuzzBuild checks the invariants every spec of the package keeps, for any
// input: Build never panics; it returns an error exactly when Validate
// reports problems, and otherwise objects that carry apiVersion and kind,
// valid names and labels, and survive a YAML round trip unchanged.
func fuzzBuild[S validator](f *testing.F, build func(S) ([]metav1.Object, error)) {
	for _, seed := range []string{"", "\x00", "production", "\x01\x02\x03\x04\x05\x06\x07\x08", "web-app restricted 10.20.0.0/16"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var spec S
		fuzzfill.New(data).Fill(&spec)
		errs := spec.Validate()
		objs, err := build(spec)
		if (err != nil) != (len(errs) > 0) {
			t.Fatalf("Validate()=%v but Build() error=%v", errs, err)
		}
		if err != nil {
			if objs != nil {
				t.Fatalf("Build returned objects and an error")
			}
			return
		}
		for _, o := range objs {
			checkObject(t, o)
		}
	})
}

func checkObject(t *testing.T, o metav1.Object) {
	t.Helper()
	if rv := reflect.ValueOf(o); rv.IsNil() {
		t.Fatal("nil object without an error")
	}
	if tm, ok := o.(interface{ GetObjectKind() schema.ObjectKind }); !ok || tm.GetObjectKind().GroupVersionKind().Kind == "" {
		t.Errorf("%T %q has no kind", o, o.GetName())
	}
	for _, msg := range validation.IsDNS1123Subdomain(o.GetName()) {
		t.Errorf("name %q: %s", o.GetName(), msg)
	}
	if ns := o.GetNamespace(); ns != "" {
		for _, msg := range validation.IsDNS1123Label(ns) {
			t.Errorf("namespace %q: %s", ns, msg)
		}
	}
	if errs := metavalidation.ValidateLabels(o.GetLabels(), field.NewPath("metadata", "labels")); len(errs) > 0 {
		t.Errorf("labels: %v", errs)
	}
	data, err := yaml.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	back := reflect.New(reflect.TypeOf(o).Elem()).Interface()
	if err := yaml.UnmarshalStrict(data, back); err != nil {
		t.Fatalf("round trip: %v\n%s", err, data)
	}
	if diff := cmp.Diff(o, back); diff != "" {
		t.Errorf("round trip changed the object (-built +parsed):\n%s", diff)
	}
}

func one[O metav1.Object](o O, err error) ([]metav1.Object, error) {
	if err != nil {
		return nil, err
	}
	return []metav1.Object{o}, nil
}

func FuzzNamespace(f *testing.F) {
	fuzzBuild(f, func(s Namespace) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzServiceAccount(f *testing.F) {
	fuzzBuild(f, func(s ServiceAccount) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzRole(f *testing.F) {
	fuzzBuild(f, func(s Role) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzClusterRole(f *testing.F) {
	fuzzBuild(f, func(s ClusterRole) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzRoleBinding(f *testing.F) {
	fuzzBuild(f, func(s RoleBinding) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzClusterRoleBinding(f *testing.F) {
	fuzzBuild(f, func(s ClusterRoleBinding) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzDefaultDeny(f *testing.F) {
	fuzzBuild(f, func(s DefaultDeny) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzAllowDNS(f *testing.F) {
	fuzzBuild(f, func(s AllowDNS) ([]metav1.Object, error) { return one(s.Build()) })
}

func FuzzAllow(f *testing.F) {
	fuzzBuild(f, func(s Allow) ([]metav1.Object, error) {
		p, err := s.Build()
		if err != nil {
			return nil, err
		}
		return []metav1.Object{p.Ingress, p.Egress}, nil
	})
}

func FuzzAllowCIDR(f *testing.F) {
	fuzzBuild(f, func(s AllowCIDR) ([]metav1.Object, error) { return one(s.Build()) })
}

// FuzzRestricted: any accepted Restricted spec yields contexts that make any
// container list pass "restricted" in the upstream evaluator.
func FuzzRestricted(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("\x01\x02\x03"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Restricted
		var spec corev1.PodSpec
		fill := fuzzfill.New(data)
		fill.Fill(&r)
		fill.Fill(&spec.Containers)
		fill.Fill(&spec.InitContainers)
		ctx, err := r.Build()
		if (err != nil) != (len(r.Validate()) > 0) {
			t.Fatalf("Build error %v disagrees with Validate %v", err, r.Validate())
		}
		if err != nil {
			return
		}
		// Only the security-relevant parts of the containers matter here;
		// ports and probes are judged by baseline checks elsewhere.
		for i := range spec.Containers {
			spec.Containers[i] = corev1.Container{Name: spec.Containers[i].Name, Image: "x"}
		}
		for i := range spec.InitContainers {
			spec.InitContainers[i] = corev1.Container{Name: spec.InitContainers[i].Name, Image: "x"}
		}
		ctx.Apply(&spec)
		if ok, why := upstreamAllows(t, LevelRestricted, &metav1.ObjectMeta{}, &spec); !ok {
			t.Fatalf("%+v: upstream refuses: %s", r, why)
		}
	})
}

// FuzzCheckPodSpec: CheckPodSpec never panics and agrees with the upstream
// evaluator on whether a pod is admitted, at every level.
func FuzzCheckPodSpec(f *testing.F) {
	f.Add([]byte(""), uint8(2))
	f.Add([]byte("\x05\x04\x03\x02\x01"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, lvl uint8) {
		level := []Level{LevelPrivileged, LevelBaseline, LevelRestricted}[int(lvl)%3]
		var spec corev1.PodSpec
		var meta metav1.ObjectMeta
		fill := fuzzfill.New(data)
		fill.Fill(&spec)
		fill.Fill(&meta)
		errs := CheckPodSpec(level, &meta, &spec)
		ok, why := upstreamAllows(t, level, &meta, &spec)
		if ok != (len(errs) == 0) {
			t.Fatalf("level %s: upstream allowed=%v (%s) but CheckPodSpec = %v", level, ok, why, errs)
		}
	})
}
