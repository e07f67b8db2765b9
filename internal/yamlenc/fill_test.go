package yamlenc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	yaml3 "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
	sigsyaml "sigs.k8s.io/yaml"
)

// fuzzTypes are the k8s.io/api objects the fuzz targets fill.
var fuzzTypes = []func() any{
	func() any { return &corev1.Pod{} },
	func() any { return &appsv1.Deployment{} },
	func() any { return &appsv1.StatefulSet{} },
	func() any { return &appsv1.DaemonSet{} },
	func() any { return &batchv1.CronJob{} },
	func() any { return &networkingv1.NetworkPolicy{} },
	func() any { return &networkingv1.Ingress{} },
	func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	func() any { return &policyv1.PodDisruptionBudget{} },
	func() any { return &rbacv1.Role{} },
	func() any { return &rbacv1.RoleBinding{} },
	func() any { return &rbacv1.ClusterRole{} },
	func() any { return &corev1.Namespace{} },
	func() any { return &corev1.ServiceAccount{} },
	func() any { return &corev1.ResourceQuota{} },
	func() any { return &corev1.LimitRange{} },
	func() any { return &corev1.Service{} },
	func() any { return &corev1.ConfigMap{} },
	func() any { return &corev1.Secret{} },
	func() any { return &corev1.PersistentVolumeClaim{} },
	func() any { return &runtime.RawExtension{} },
}

// trickyTokens are pieces of strings that YAML may read as something else.
var trickyTokens = []string{
	"yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "null", "NULL", "~",
	"0123", "1e3", "0x1F", "0o17", "0b101", ".inf", "-.Inf", ".NaN", "1_000", "1:20", "+1", "-2", "3.", ".5",
	"2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=",
	" ", "  ", ": ", " #", "#", "-", "- ", "?", "? ", ":", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">",
	"'", "\"", "%", "@", "`", "\\", "---", "...", "\n", "\n\n", "\t", "\r", "\x00", "\x1b",
	"\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "é", "😀", "\xff", "\xc3",
	"a", "web", "app.kubernetes.io/name", "10.0.0.0/8", "v1.37.2", "100m", "1Gi", "abc: def", "x\ny\n",
}

// pick returns a string made of up to three tricky tokens; noSpace leaves
// out what sigs.k8s.io/yaml writes differently on purpose (see the
// package documentation) so that byte equality can be required.
func pick(c randfill.Continue, noSpace bool) string {
	n := c.Intn(4)
	var sb strings.Builder
	for range n {
		t := trickyTokens[c.Intn(len(trickyTokens))]
		if noSpace && (strings.ContainsAny(t, " \r=\u0085\u2028\u2029\ufeff") || t == "<<") {
			continue
		}
		sb.WriteString(t)
	}
	s := sb.String()
	if noSpace && (strings.HasPrefix(s, "2001-") || yaml11Number.MatchString(s) && !resolvesV2(s)) {
		return "x" + s
	}
	return s
}

// resolvesV2 approximates go-yaml v2's own verdict, for choosing strings on
// which both encoders must agree byte for byte.
func resolvesV2(s string) bool {
	var v any
	if err := sigsyaml.Unmarshal([]byte("k: "+s), &v); err != nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return true
	}
	str, ok := m["k"].(string)
	return !ok || str != s
}

func fillFuncs(noSpace bool) []any {
	quantities := []string{"0", "1", "100m", "1500m", "1Gi", "512Mi", "2", "1e3", "1.5", "0.1", "12k", "1Ei", "-3", "123456789"}
	return []any{
		func(s *string, c randfill.Continue) { *s = pick(c, noSpace) },
		func(q *resource.Quantity, c randfill.Continue) {
			*q = resource.MustParse(quantities[c.Intn(len(quantities))])
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*v = intstr.FromInt32(c.Int31() - 1<<30)
			} else {
				*v = intstr.FromString(pick(c, noSpace))
			}
		},
		func(t *metav1.Time, c randfill.Continue) {
			if c.Bool() {
				*t = metav1.Time{}
				return
			}
			*t = metav1.NewTime(time.Unix(c.Int63n(4e9), 0).UTC())
		},
		func(t *metav1.MicroTime, c randfill.Continue) {
			*t = metav1.NewMicroTime(time.Unix(c.Int63n(4e9), c.Int63n(1e9)).UTC().Truncate(time.Microsecond))
		},
		func(r *runtime.RawExtension, c randfill.Continue) {
			if c.Intn(3) == 0 {
				*r = runtime.RawExtension{}
				return
			}
			r.Raw = randomJSON(c, noSpace, 0)
		},
		func(b *[]byte, c randfill.Continue) {
			if c.Intn(4) == 0 {
				*b = nil
				return
			}
			*b = []byte(pick(c, noSpace))
		},
	}
}

// randomJSON makes a JSON object with tricky keys and values: nulls,
// empty objects and arrays, numbers in several forms, nested objects.
func randomJSON(c randfill.Continue, noSpace bool, depth int) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	n := c.Intn(4)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(pick(c, noSpace))
		b.Write(k)
		b.WriteByte(':')
		switch c.Intn(9) {
		case 0:
			b.WriteString("null")
		case 1:
			b.WriteString("{}")
		case 2:
			b.WriteString(`[1,null,"x",{}]`)
		case 3:
			fmt.Fprint(&b, c.Int63()-1<<62)
		case 4:
			b.WriteString([]string{"1.5", "-0", "1e21", "2.5e-7", "0.1", "3.0"}[c.Intn(6)])
		case 5:
			b.WriteString([]string{"true", "false"}[c.Intn(2)])
		case 6:
			if depth < 3 {
				b.Write(randomJSON(c, noSpace, depth+1))
			} else {
				b.WriteString("{}")
			}
		default:
			v, _ := json.Marshal(pick(c, noSpace))
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

func newFiller(data []byte, noSpace bool) *randfill.Filler {
	return randfill.NewFromGoFuzz(data).NilChance(0.3).NumElements(0, 3).MaxDepth(12).Funcs(fillFuncs(noSpace)...)
}

// fillFromSeed fills a fresh object of a type chosen by data.
func fillObject(data []byte, noSpace bool) any {
	if len(data) == 0 {
		return fuzzTypes[0]()
	}
	obj := fuzzTypes[int(data[0])%len(fuzzTypes)]()
	newFiller(data[1:], noSpace).Fill(obj)
	return obj
}

// renderOptions is the renderer's pruning rule.
var renderOptions = Options{OmitNull: true, OmitEmpty: []string{"resources", "strategy", "updateStrategy"}, OmitEmptyTop: []string{"status", "spec"}}

// reference renders v the way the map-based renderer did: encoding/json,
// a generic tree, the pruning rule applied to it, then sigs.k8s.io/yaml.
func reference(v any, prune bool) ([]byte, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	if prune {
		tree = pruneTop(pruneTree(tree))
	}
	return sigsyaml.Marshal(tree)
}

func pruneTree(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			pe := pruneTree(e)
			if m, ok := pe.(map[string]any); ok && len(m) == 0 && (k == "resources" || k == "strategy" || k == "updateStrategy") {
				delete(t, k)
				continue
			}
			t[k] = pe
		}
	case []any:
		for i, e := range t {
			t[i] = pruneTree(e)
		}
	}
	return v
}

// tree parses YAML with the parser kubectl uses (go-yaml v2 through
// sigs.k8s.io/yaml) into a generic tree of JSON values.
func tree(t testing.TB, y []byte) any {
	t.Helper()
	js, err := sigsyaml.YAMLToJSON(y)
	if err != nil {
		t.Fatalf("YAML 1.1 parser rejects the output: %v\n%s", err, y)
	}
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatalf("YAMLToJSON gave invalid JSON: %v", err)
	}
	return v
}

// jsonTree is v as encoding/json sees it, pruned by the renderer's rule:
// the object the output must be read back as.
func jsonTree(t testing.TB, v any) (any, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tr any
	if err := json.Unmarshal(js, &tr); err != nil {
		t.Fatal(err)
	}
	return pruneTop(pruneTree(tr)), nil
}

// pruneTop drops empty "status" and "spec" objects at the top level.
func pruneTop(v any) any {
	if m, ok := v.(map[string]any); ok {
		for _, k := range []string{"status", "spec"} {
			if e, ok := m[k].(map[string]any); ok && len(e) == 0 {
				delete(m, k)
			}
		}
	}
	return v
}

// treeOK is tree for YAML that may not parse.
func treeOK(y []byte) (any, bool) {
	js, err := sigsyaml.YAMLToJSON(y)
	if err != nil {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		return nil, false
	}
	return v, true
}

// checkRoundTrip encodes obj with the renderer's options and requires the
// YAML that kubectl's parser reads back to be exactly the object as
// encoding/json sees it (after pruning), the output to decode strictly into
// obj's own type.
// Where sigs.k8s.io/yaml's own output reads back faithfully, it must read
// back as the same tree.
func checkRoundTrip(t *testing.T, obj any) {
	t.Helper()
	want, err := jsonTree(t, obj)
	if err != nil {
		// encoding/json refuses the object; so must the encoder.
		if _, err2 := New(renderOptions).Append(nil, obj); err2 == nil {
			t.Fatalf("encoding/json fails (%v) but the encoder does not", err)
		}
		return
	}
	got, err := New(renderOptions).Append(nil, obj)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	gotTree := tree(t, got)
	if d := cmp.Diff(want, gotTree); d != "" {
		t.Fatalf("read back differs from the object (-want +got):\n%s\noutput:\n%s", d, got)
	}
	// sigs.k8s.io/yaml itself fails on some strings (it reads its JSON
	// with a YAML parser that takes U+2028 for a line break) and loses
	// others (NEL); compare where it is faithful.
	if ref, err := reference(obj, true); err == nil {
		if refTree, ok := treeOK(ref); ok && cmp.Equal(want, refTree) && !cmp.Equal(refTree, gotTree) {
			t.Fatalf("read back differs from sigs.k8s.io/yaml's output read back")
		}
	}
	typed := reflect.New(reflect.TypeOf(obj).Elem()).Interface()
	if err := sigsyaml.UnmarshalStrict(got, typed); err != nil {
		t.Fatalf("strict decode into %T: %v\n%s", obj, err, got)
	}
}

// checkSameBytes requires the zero Encoder's output to be sigs.k8s.io/yaml's,
// byte for byte.
func checkSameBytes(t *testing.T, obj any) {
	t.Helper()
	want, err := sigsyaml.Marshal(obj)
	got, err2 := Marshal(obj)
	if (err == nil) != (err2 == nil) {
		t.Fatalf("sigs.k8s.io/yaml error %v, encoder error %v", err, err2)
	}
	if err != nil {
		return
	}
	same := func(want []byte) bool { return bytes.Equal(got, want) || equalButDeliberate(got, want) }
	// go-yaml sorts map keys with an order that is not transitive for some
	// keys with digits, starting from Go's random map order, so
	// sigs.k8s.io/yaml may write such a map differently from one call to
	// the next; it is asked again before the outputs count as different.
	for i := 0; i < 50 && !same(want); i++ {
		want, _ = sigsyaml.Marshal(obj)
	}
	if !same(want) {
		t.Fatalf("output differs from sigs.k8s.io/yaml (-want +got):\n%s", cmp.Diff(string(want), string(got)))
	}
}

// equalButDeliberate reports whether got is want except for quotes that
// this encoder puts, on purpose, around scalars that sigs.k8s.io/yaml
// leaves plain (see the package documentation): strings that a YAML 1.1
// or 1.2 parser would read as something else, such as "._" (a float to
// PyYAML) or "2001-12-14 21:59:43.10 -5", judged by deliberatelyQuoted
// without the encoder's own quoting rules. Only quotes in got are excused, so a string
// this encoder leaves plain where sigs.k8s.io/yaml quotes it still counts
// as a difference. randfill can produce such strings in the named string
// types (map keys such as ResourceName) that pick does not fill.
func equalButDeliberate(got, want []byte) bool {
	for len(got) > 0 && len(want) > 0 {
		if got[0] == want[0] {
			got, want = got[1:], want[1:]
			continue
		}
		if got[0] != '"' {
			return false
		}
		end := bytes.IndexAny(got[1:], "\"\\\n")
		if end < 0 || got[1+end] != '"' {
			return false
		}
		s := got[1 : 1+end]
		if !deliberatelyQuoted(string(s)) || !bytes.HasPrefix(want, s) {
			return false
		}
		got, want = got[2+end:], want[len(s):]
	}
	return len(got) == 0 && len(want) == 0
}

// deliberatelyQuoted reports whether s is a string a parser could read as
// something else when plain, judged without the encoder's own rules: by
// the implicit types of YAML 1.1 as PyYAML resolves them (yaml11Plain,
// typed out below from PyYAML's resolver, the reference YAML 1.1
// implementation, since the Go parsers leave out some of its forms), and
// by what go.yaml.in/yaml/v3 (YAML 1.2) reads.
func deliberatelyQuoted(s string) bool {
	if yaml11Plain.MatchString(s) {
		return true
	}
	var v any
	if err := yaml3.Unmarshal([]byte("v: "+s), &v); err != nil {
		return true
	}
	m, ok := v.(map[string]any)
	str, isString := m["v"].(string)
	return !ok || !isString || str != s
}

// yaml11Plain matches the plain scalars PyYAML's resolver gives a type
// other than str: bool (with YAML 1.1's y and n, which the type
// repository lists), int (binary, octal, decimal, hex, sexagesimal, with
// underscores), float (including sexagesimal, .inf and .nan), null,
// timestamp, merge ("<<") and value ("=").
var yaml11Plain = regexp.MustCompile(`^(?:` +
	`y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` +
	`|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|~|null|Null|NULL|` +
	`|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?` +
	`|<<|=)$`)

func TestEqualButDeliberate(t *testing.T) {
	for _, c := range []struct {
		got, want string
		same      bool
	}{
		{"a: \"._\"\n\"=\": \"<<\"\n", "a: ._\n=: <<\n", true},
		{"a: \"2001-12-14 21:59:43.10 -5\"\nb: x\n", "a: 2001-12-14 21:59:43.10 -5\nb: x\n", true},
		{"a: \"1:20\"\n", "a: \"1:20\"\n", true},
		// A YAML 1.1 sexagesimal int, a YAML 1.2 float and a short
		// YAML 1.1 timestamp-like date that v3 reads as a date: quoting
		// them is deliberate even where go-yaml v2 reads them as strings.
		{"a: \"1:20\"\n", "a: 1:20\n", true},
		{"a: \"1e3\"\n", "a: 1e3\n", true},
		{"a: \"2024-1-2\"\n", "a: 2024-1-2\n", true},
		// Quotes sigs.k8s.io/yaml puts and this encoder leaves out.
		{"a: ._\n", "a: \"._\"\n", false},
		// Quotes around a string that needs none, or that go-yaml reads
		// as something else when plain.
		{"a: \"web\"\n", "a: web\n", false},
		{"a: \"web-1\"\n", "a: web-1\n", false},
		{"a: \"._\"\n", "a: ._x\n", false},
		{"a: \"._\"\n", "a: ._\nb: 1\n", false},
		{"a: \"._\n", "a: ._\n", false},
	} {
		if got := equalButDeliberate([]byte(c.got), []byte(c.want)); got != c.same {
			t.Errorf("equalButDeliberate(%q, %q) = %v, want %v", c.got, c.want, got, c.same)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRoundTrip(t, fillObject(data, false))
	})
}

func FuzzMatchesSigsYAML(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameBytes(t, fillObject(data, true))
	})
}

func seedCorpus(f *testing.F) {
	r := rand.New(rand.NewSource(1))
	for i := range 2 * len(fuzzTypes) {
		b := make([]byte, 64+r.Intn(512))
		r.Read(b)
		b[0] = byte(i)
		f.Add(b)
	}
}

// TestRandomObjects runs both checks on many deterministic random objects
// of every type, so that plain "go test" covers what the fuzz targets do.
func TestRandomObjects(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	n := 200
	if testing.Short() {
		n = 50
	}
	for i := range n {
		b := make([]byte, 32+r.Intn(1024))
		r.Read(b)
		b[0] = byte(i)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			checkRoundTrip(t, fillObject(b, false))
			checkSameBytes(t, fillObject(b, true))
		})
	}
}
