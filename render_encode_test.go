package prodkube

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"
)

// referenceEncode is the rendering rule written the slow, obvious way:
// encoding/json, a generic tree, the pruning rule on the tree, then
// sigs.k8s.io/yaml. encodeObject must give the same document.
func referenceEncode(obj Object) ([]byte, error) {
	js, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	v = referencePrune(v)
	if m, ok := v.(map[string]any); ok {
		delete(m, "status")
		if e, ok := m["spec"].(map[string]any); ok && len(e) == 0 {
			delete(m, "spec")
		}
	}
	return yaml.Marshal(v)
}

func referencePrune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			pe := referencePrune(e)
			if m, ok := pe.(map[string]any); ok && len(m) == 0 && (k == "status" || k == "resources" || k == "strategy" || k == "updateStrategy") {
				delete(t, k)
				continue
			}
			t[k] = pe
		}
	case []any:
		for i, e := range t {
			t[i] = referencePrune(e)
		}
	}
	return v
}

// TestEncodeObjectMatchesReference requires byte-identical documents for
// the sample objects and for randomly filled ones (strings kept short and
// free of spaces, where sigs.k8s.io/yaml would fold long lines).
func TestEncodeObjectMatchesReference(t *testing.T) {
	objs := sample()
	r := rand.New(rand.NewSource(7))
	words := []string{"web", "yes", "no", "0123", "1e3", "~", "", "a:b", "a: b", "-x", "*", "x\ny", "é", "true", "null", "8080"}
	for i := range 60 {
		b := make([]byte, 512)
		r.Read(b)
		f := randfill.NewFromGoFuzz(b).NilChance(0.3).NumElements(0, 2).MaxDepth(10).Funcs(
			func(s *string, c randfill.Continue) { *s = words[c.Intn(len(words))] },
			func(q *resource.Quantity, c randfill.Continue) {
				*q = resource.MustParse([]string{"1", "100m", "1Gi", "0", "2.5"}[c.Intn(5)])
			},
			func(v *intstr.IntOrString, c randfill.Continue) {
				if c.Bool() {
					*v = intstr.FromInt32(c.Int31n(100))
				} else {
					*v = intstr.FromString(words[c.Intn(len(words))])
				}
			},
			func(t *metav1.Time, c randfill.Continue) { *t = metav1.Time{} },
			func(t **metav1.Time, c randfill.Continue) { *t = nil },
			func(m *[]metav1.ManagedFieldsEntry, c randfill.Continue) { *m = nil },
		)
		var o Object
		switch i % 8 {
		case 0:
			o = &appsv1.Deployment{}
		case 1:
			o = &corev1.Namespace{}
		case 2:
			o = &networkingv1.NetworkPolicy{}
		case 3:
			o = &rbacv1.Role{}
		case 4:
			o = &policyv1.PodDisruptionBudget{}
		case 5:
			o = &autoscalingv2.HorizontalPodAutoscaler{}
		case 6:
			o = &corev1.ResourceQuota{}
		default:
			o = &appsv1.StatefulSet{}
		}
		f.Fill(o)
		objs = append(objs, o)
	}
	for i, o := range objs {
		want, err := referenceEncode(o)
		got, err2 := encodeObject(nil, o)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("object %d: reference error %v, encodeObject error %v", i, err, err2)
		}
		if err != nil {
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("object %d (%T) differs from the reference (-want +got):\n%s", i, o, cmp.Diff(string(want), string(got)))
		}
	}
}

func BenchmarkEncodeObject(b *testing.B) {
	objs := sample()
	b.Run("encodeObject", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				if _, err := encodeObject(nil, o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				if _, err := referenceEncode(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
