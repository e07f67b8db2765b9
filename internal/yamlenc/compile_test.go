package yamlenc

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestCompiledUpToDate regenerates zz_generated.go in memory and requires
// the file on disk to be the same.
func TestCompiledUpToDate(t *testing.T) {
	src, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	disk, err := os.ReadFile("zz_generated.go")
	if err != nil {
		t.Fatalf("%v (write it with: go generate ./internal/yamlenc)", err)
	}
	if !bytes.Equal(disk, src) {
		t.Fatal("zz_generated.go is stale; rewrite it with: go generate ./internal/yamlenc")
	}
}

// checkCompiled requires the compiled and the reflective path to write the
// same bytes, or fail alike, under the renderer's options and the zero ones.
func checkCompiled(t *testing.T, obj any) {
	t.Helper()
	for _, opts := range []Options{{}, renderOptions, {OmitNull: true, OmitEmpty: []string{"metadata", "spec", "template"}, OmitTop: []string{"kind", "status"}}} {
		fast := New(opts)
		slow := New(opts)
		slow.reflectOnly = true
		got, err := fast.Append([]byte("prefix\n"), obj)
		want, err2 := slow.Append([]byte("prefix\n"), obj)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("%T: compiled error %v, reflective error %v", obj, err, err2)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%T with %+v: compiled output differs from the reflective one (-reflective +compiled):\n%s", obj, opts, diffLines(string(want), string(got)))
		}
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %q\n+ %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}

// fillRoot fills a fresh object of a compiled root type chosen by data.
func fillRoot(data []byte) any {
	if len(data) == 0 {
		return reflect.New(compiledRoots[0]).Interface()
	}
	obj := reflect.New(compiledRoots[int(data[0])%len(compiledRoots)]).Interface()
	newFiller(data[1:], false).Fill(obj)
	return obj
}

func TestCompiledMatchesReflection(t *testing.T) {
	for _, rt := range compiledRoots {
		// The zero object and a nil pointer of each type.
		checkCompiled(t, reflect.New(rt).Interface())
		checkCompiled(t, reflect.Zero(reflect.PointerTo(rt)).Interface())
	}
	r := rand.New(rand.NewSource(7))
	n := 40 * len(compiledRoots)
	if testing.Short() {
		n = 4 * len(compiledRoots)
	}
	for i := range n {
		b := make([]byte, 64+r.Intn(2048))
		r.Read(b)
		b[0] = byte(i)
		checkCompiled(t, fillRoot(b))
	}
}

// TestCompiledUsed guards against the compiled path silently falling back:
// each root type must be written by its compiled encoder.
func TestCompiledUsed(t *testing.T) {
	for _, rt := range compiledRoots {
		s := &state{opts: &Options{}}
		if _, ok := compiledRoot(s, reflect.New(rt).Interface(), ctx{mode: modeTop}); !ok {
			t.Errorf("%s has no compiled encoder", rt)
		}
	}
	s := &state{opts: &Options{}}
	if _, ok := compiledRoot(s, &struct{ A int }{}, ctx{mode: modeTop}); ok {
		t.Error("an anonymous struct claims a compiled encoder")
	}
}

func FuzzCompiledMatchesReflection(f *testing.F) {
	r := rand.New(rand.NewSource(3))
	for i := range 2 * len(compiledRoots) {
		b := make([]byte, 64+r.Intn(1024))
		r.Read(b)
		b[0] = byte(i)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCompiled(t, fillRoot(data))
	})
}

// TestCompiledMaps covers what random filling rarely reaches: maps larger
// than the compiled code's stack buffer, keys that sort by their digits,
// non-ASCII keys and keys that are not valid UTF-8 (which take the
// reflective path).
func TestCompiledMaps(t *testing.T) {
	big := map[string]string{}
	for i := range 100 {
		big[fmt.Sprintf("key-%d", 99-i)] = fmt.Sprint(i)
	}
	for _, labels := range []map[string]string{
		big,
		{"a10": "x", "a2": "y", "a02": "z", "B": "1", "b": "2", "_": "3", "é": "4", "z": "5"},
		{"ok": "1", "bad\xff": "2", "\xc3": "3"},
		{"ünïcode": "yes", "ascii": "no", "日本": "on"},
		{},
	} {
		cm := &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: "m", Labels: labels, Annotations: labels},
			Data:       labels,
		}
		checkCompiled(t, cm)
		quota := &corev1.ResourceQuota{Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{}}}
		for k := range labels {
			quota.Spec.Hard[corev1.ResourceName(k)] = resource.MustParse("1")
		}
		checkCompiled(t, quota)
	}
}

// TestMapOrderDeterministic renders maps whose keys KeyLess cannot order
// transitively (runs of digits compared from where keys differ) many times:
// whatever order the map is iterated in, the output is the same, on the
// compiled and the reflective path alike.
func TestMapOrderDeterministic(t *testing.T) {
	keys := []string{"1Gi\u0085", "0123x", "0o17off", "1a", "0b", "0123", "a10", "a9", "a010", "é1", "x"}
	for _, reflective := range []bool{false, true} {
		enc := New(renderOptions)
		enc.reflectOnly = reflective
		var first []byte
		for i := range 200 {
			m := map[string]string{}
			// Insert in a different order each time, which also changes
			// the iteration order.
			for j := range keys {
				k := keys[(i+j)%len(keys)]
				m[k] = "v"
			}
			cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "m", Labels: m}, Data: m}
			out, err := enc.Append(nil, cm)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = out
			} else if !bytes.Equal(out, first) {
				t.Fatalf("reflective=%v: output changed between renders:\n%s\n---\n%s", reflective, first, out)
			}
		}
	}
}

// TestInvalidUTF8KeysCollapse renders maps with keys that are not valid
// UTF-8 and read the same once U+FFFD replaces their bad bytes ("\xff",
// "\xfe" and "\ufffd" itself). Whatever order the map is iterated in, the
// output is the same, has no duplicate keys, and reads back as the object
// that sigs.k8s.io/yaml's JSON round trip gives.
func TestInvalidUTF8KeysCollapse(t *testing.T) {
	keys := []string{"\xff", "\xfe", "\ufffd", "a\xffb", "a\ufffdb", "a\xc3b", "ok", "1\xff", "1\xfe"}
	for _, reflective := range []bool{false, true} {
		enc := New(Options{})
		enc.reflectOnly = reflective
		var first []byte
		for i := range 100 {
			data, binary := map[string]string{}, map[string][]byte{}
			hard := corev1.ResourceList{}
			unaddressable := map[string]ptrMarshaler{} // the path that looks values up again
			for j := range keys {
				k := keys[(i+j)%len(keys)]
				data[k] = fmt.Sprint("v", (i+j)%len(keys))
				binary[k] = []byte(data[k])
				hard[corev1.ResourceName(k)] = *resource.NewQuantity(int64((i+j)%len(keys)), resource.DecimalSI)
				unaddressable[k] = ptrMarshaler{n: j}
			}
			objs := []any{
				&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "m", Labels: data}, Data: data, BinaryData: binary},
				&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"}, Spec: corev1.ResourceQuotaSpec{Hard: hard}},
				&struct {
					M map[string]ptrMarshaler `json:"m"`
				}{unaddressable},
			}
			var out []byte
			for _, obj := range objs {
				doc, err := enc.Append(nil, obj)
				if err != nil {
					t.Fatal(err)
				}
				ref, err := sigsyaml.Marshal(obj)
				if err != nil {
					t.Fatal(err)
				}
				var got, want map[string]any
				// Strict reading refuses a key written twice.
				if err := sigsyaml.UnmarshalStrict(doc, &got); err != nil {
					t.Fatalf("reflective=%v: reading back: %v\n%s", reflective, err, doc)
				}
				if err := sigsyaml.Unmarshal(ref, &want); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("reflective=%v: reads back as\n%+v\nsigs.k8s.io/yaml's output as\n%+v", reflective, got, want)
				}
				out = append(out, doc...)
			}
			if first == nil {
				first = out
			} else if !bytes.Equal(out, first) {
				t.Fatalf("reflective=%v: output changed between renders:\n%s\n---\n%s", reflective, first, out)
			}
		}
	}
}
