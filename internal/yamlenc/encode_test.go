package yamlenc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"
)

func ExampleEncoder_Append() {
	enc := New(Options{OmitNull: true, OmitEmpty: []string{"resources"}, OmitEmptyTop: []string{"status"}})
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"enabled": "yes"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27", Args: []string{"--port", "8080"}}},
			Volumes:    []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
	out, err := enc.Append(nil, pod)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// apiVersion: v1
	// kind: Pod
	// metadata:
	//   labels:
	//     enabled: "yes"
	//   name: web
	// spec:
	//   containers:
	//   - args:
	//     - --port
	//     - "8080"
	//     image: nginx:1.27
	//     name: web
	//   volumes:
	//   - emptyDir: {}
	//     name: tmp
}

func TestPruning(t *testing.T) {
	type inner struct {
		Status    *string           `json:"status"`
		Resources map[string]string `json:"resources"`
		Keep      map[string]string `json:"keep"`
		Items     []*string         `json:"items"`
	}
	type outer struct {
		Status   inner                `json:"status"`
		Strategy struct{}             `json:"strategy"`
		Spec     inner                `json:"spec"`
		Raw      runtime.RawExtension `json:"raw"`
	}
	v := outer{
		Status: inner{},
		Spec:   inner{Resources: map[string]string{}, Keep: map[string]string{}, Items: []*string{nil}},
		Raw:    runtime.RawExtension{Raw: []byte(`{"status":{"a":null},"keep":{},"n":null,"l":[null,{}]}`)},
	}
	got, err := New(renderOptions).Append(nil, &v)
	if err != nil {
		t.Fatal(err)
	}
	want := `raw:
  keep: {}
  l:
  - null
  - {}
  status: {}
spec:
  items:
  - null
  keep: {}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	plain, err := Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := sigsyaml.Marshal(&v)
	if string(plain) != string(ref) {
		t.Errorf("without options, got\n%s\nsigs.k8s.io/yaml writes\n%s", plain, ref)
	}
	empty, err := New(renderOptions).Append(nil, &struct {
		A *int `json:"a"`
	}{})
	if err != nil || string(empty) != "{}\n" {
		t.Errorf("all pruned: %q %v", empty, err)
	}
}

// TestMeaningfulEmptyObjectsKept guards the empty objects that carry
// meaning in Kubernetes.
func TestMeaningfulEmptyObjectsKept(t *testing.T) {
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: "prod"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}}}}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
	got, err := New(renderOptions).Append(nil, np)
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: prod
spec:
  ingress:
  - from:
    - namespaceSelector: {}
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

type textKey struct{ a, b string }

func (k textKey) MarshalText() ([]byte, error) { return []byte(k.a + "/" + k.b), nil }

type ptrMarshaler struct{ n int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"n":%d}`, p.n)), nil
}

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return []byte(`{"a":`), nil }

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("boom") }

type Embedded struct {
	Shared string `json:"shared"`
	Inner  string
}

type Other struct {
	Shared string `json:"shared"`
}

type withEmbedding struct {
	Embedded
	*Other  `json:",inline"`
	Own     string    `json:"own,omitempty"`
	Skip    string    `json:"-"`
	Dash    string    `json:"-,"`
	Count   int       `json:"count,string"`
	Zero    time.Time `json:"zero,omitzero"`
	Bytes   []byte    `json:"bytes"`
	Any     any       `json:"any"`
	Float   float64   `json:"float"`
	Float32 float32   `json:"float32"`
	Big     uint64    `json:"big"`
	unexp   string
}

// TestEncodingJSONRules checks, against sigs.k8s.io/yaml, the parts of
// encoding/json's rules the k8s types and CRD structs rely on.
func TestEncodingJSONRules(t *testing.T) {
	q := resource.MustParse("1500m")
	cases := []any{
		&withEmbedding{Embedded: Embedded{Shared: "e", Inner: "i"}, Own: "o", Count: 7, Bytes: []byte("hi"), Any: map[string]any{"x": []int{1, 2}}, Float: 1.5, Float32: 0.1, Big: math.MaxUint64},
		&withEmbedding{Other: &Other{Shared: "conflict"}, Float: 1e21, Float32: 3},
		map[textKey]int{{"b", "1"}: 1, {"a", "2"}: 2},
		map[int]string{10: "ten", 9: "nine", -1: "minus"},
		struct {
			M ptrMarshaler  `json:"m"`
			P *ptrMarshaler `json:"p"`
		}{M: ptrMarshaler{n: 1}},
		map[string]ptrMarshaler{"x": {n: 2}}, // not addressable: no MarshalJSON, as in encoding/json
		struct {
			Q  resource.Quantity    `json:"q"`
			QP *resource.Quantity   `json:"qp"`
			T  metav1.Time          `json:"t"`
			TZ metav1.Time          `json:"tz"`
			M  metav1.MicroTime     `json:"m"`
			D  metav1.Duration      `json:"d"`
			I  intstr.IntOrString   `json:"i"`
			S  intstr.IntOrString   `json:"s"`
			R  runtime.RawExtension `json:"r"`
		}{
			Q: resource.MustParse("1Gi"), QP: &q,
			T: metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))),
			M: metav1.NewMicroTime(time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)),
			D: metav1.Duration{Duration: 90 * time.Second},
			I: intstr.FromInt32(8080), S: intstr.FromString("http"),
			R: runtime.RawExtension{Raw: []byte(` {"b": [1, 2.50, -0, 1e2, "x\u2603", {}], "a": {"c": null}, "a10": true, "a9": false} `)},
		},
		[]any{nil, 1, "two", []any{}, map[string]any{}},
		map[string]any{"nested": [][]string{{"a", "b"}, {}}},
	}
	for i, c := range cases {
		got, err := Marshal(c)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		want, err := sigsyaml.Marshal(c)
		if err != nil {
			t.Fatalf("case %d: sigs.k8s.io/yaml: %v", i, err)
		}
		if string(got) != string(want) {
			t.Errorf("case %d:\ngot\n%s\nwant\n%s", i, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	type cyc struct {
		Next *cyc `json:"next"`
	}
	c := &cyc{}
	c.Next = c
	type ch struct {
		C chan int `json:"c"`
	}
	for name, v := range map[string]any{
		"cycle":       c,
		"NaN":         struct{ F float64 }{math.NaN()},
		"Inf":         []float64{math.Inf(1)},
		"invalidJSON": badJSON{},
		"marshalErr":  map[string]failing{"x": {}},
		"chan":        ch{C: make(chan int)},
		"funcKey":     map[[2]int]string{{1, 2}: "x"},
	} {
		got, err := Marshal(v)
		if err == nil {
			t.Errorf("%s: no error; wrote %q", name, got)
			continue
		}
		if _, jerr := json.Marshal(v); jerr == nil {
			t.Errorf("%s: error %v, but encoding/json accepts it", name, err)
		}
		if !strings.HasPrefix(err.Error(), "yamlenc: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
	dst := []byte("keep")
	out, err := Marshal(badJSON{})
	if err == nil || out != nil {
		t.Errorf("on error, got %q", out)
	}
	out, err = New(Options{}).Append(dst, badJSON{})
	if err == nil || string(out) != "keep" {
		t.Errorf("Append on error returned %q", out)
	}
}

func TestKeyLess(t *testing.T) {
	for _, pair := range [][2]string{
		{"a2", "a10"}, {"a9b", "a10a"}, {"9", "10"}, {"-", "a"}, {"1", "a"}, {"Z", "a"}, {"a", "aa"},
		{"apiVersion", "kind"}, {"kind", "metadata"}, {"metadata", "spec"}, {"spec", "status"}, {"a0", "a00"},
	} {
		if !KeyLess(pair[0], pair[1]) || KeyLess(pair[1], pair[0]) {
			t.Errorf("want %q before %q", pair[0], pair[1])
		}
	}
	m := map[string]int{}
	for i, k := range []string{"a", "a1", "a2", "a10", "a10b", "aB", "ab", "b", "Z1", "-", "0", "1", "9", "10", "é", "ä1", "x_y", "x-y", "x.y", "x/y", "01", "001", "a01", "a001"} {
		m[k] = i
	}
	got, _ := Marshal(m)
	want, _ := sigsyaml.Marshal(m)
	if string(got) != string(want) {
		t.Errorf("map key order:\ngot\n%s\nwant\n%s", got, want)
	}
}

func TestOmitTop(t *testing.T) {
	type status struct {
		Replicas int32  `json:"replicas"`
		Phase    string `json:"phase"`
	}
	type inner struct {
		Status status `json:"status"`
	}
	type doc struct {
		Kind   string `json:"kind"`
		Status status `json:"status"`
		Spec   inner  `json:"spec"`
	}
	got, err := New(Options{OmitTop: []string{"status"}}).Append(nil, &doc{Kind: "X", Status: status{Replicas: 3, Phase: "Ready"}})
	if err != nil {
		t.Fatal(err)
	}
	// The top-level status goes whatever it holds; a nested one stays.
	want := "kind: X\nspec:\n  status:\n    phase: \"\"\n    replicas: 0\n"
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
