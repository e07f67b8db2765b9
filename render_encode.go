package prodkube

import (
	"bytes"
	"encoding/json"
	"reflect"

	"sigs.k8s.io/yaml"
)

// encodeObject renders one object as a YAML document. It is the one place
// where objects become bytes; WriteYAML, WriteDir and MarshalYAML all use it.
//
// Noise pruning: null values are dropped everywhere; at the top level of an
// object, "status" and "spec" are dropped when they are empty objects (an
// unset status, a Namespace's empty spec); at any depth, the keys listed in
// emptyNoise are dropped where their value is an empty object. Every other
// empty object is kept, because many are meaningful (an "emptyDir: {}"
// volume, a NetworkPolicy "podSelector: {}" selecting every pod, a
// "namespaceSelector: {}" selecting every namespace).
func encodeObject(obj Object) ([]byte, error) {
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
	if m, ok := prune(v).(map[string]any); ok {
		for _, k := range []string{"status", "spec"} {
			if e, ok := m[k].(map[string]any); ok && len(e) == 0 {
				delete(m, k)
			}
		}
	}
	return yaml.Marshal(v)
}

// emptyNoise lists the keys whose empty-object values carry no meaning at any
// depth and are left out of the output: unset resource requirements and
// rollout strategies.
var emptyNoise = map[string]bool{
	"resources":      true,
	"strategy":       true,
	"updateStrategy": true,
}

func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			pe := prune(e)
			if m, ok := pe.(map[string]any); ok && len(m) == 0 && emptyNoise[k] {
				delete(t, k)
				continue
			}
			t[k] = pe
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = prune(e)
		}
		return t
	default:
		return v
	}
}

// isNil reports whether obj is nil or a typed nil pointer.
func isNil(obj Object) bool {
	if obj == nil {
		return true
	}
	rv := reflect.ValueOf(obj)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
