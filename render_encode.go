package prodkube

import (
	"reflect"

	"github.com/prodkube/prodkube/internal/yamlenc"
)

// encodeObject appends one object to dst as a YAML document. It is the one place
// where objects become bytes; WriteYAML, WriteDir and MarshalYAML all use it.
//
// The document is written in one pass over the typed object (no JSON, no
// intermediate maps): keys in the order sigs.k8s.io/yaml writes them, and
// every string that a YAML 1.1 or 1.2 parser could read as something else
// quoted.
//
// Noise pruning: an object's top-level "status" is always dropped (the
// server owns it, and zero counters in it are noise); null values are
// dropped everywhere; a top-level "spec" is dropped when it is an empty
// object (a Namespace's empty spec); at any depth, the keys listed in
// emptyNoise are dropped where their value is an empty object (such as the
// "status: {}" of a StatefulSet's volume claim template). Every other
// empty object is kept, because many are meaningful (an "emptyDir: {}"
// volume, a NetworkPolicy "podSelector: {}" selecting every pod, a
// "namespaceSelector: {}" selecting every namespace).
func encodeObject(dst []byte, obj Object) ([]byte, error) {
	return encoder.Append(dst, obj)
}

// emptyNoise lists the keys whose empty-object values carry no meaning at any
// depth and are left out of the output: unset status of embedded objects,
// resource requirements and rollout strategies.
var emptyNoise = []string{"status", "resources", "strategy", "updateStrategy"}

// encoder applies the pruning rule above.
var encoder = yamlenc.New(yamlenc.Options{
	OmitNull:     true,
	OmitEmpty:    emptyNoise,
	OmitEmptyTop: []string{"spec"},
	OmitTop:      []string{"status"},
})

// isNil reports whether obj is nil or a typed nil pointer.
func isNil(obj Object) bool {
	if obj == nil {
		return true
	}
	rv := reflect.ValueOf(obj)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
