package yamlenc_test

import (
	"fmt"
	"slices"

	"github.com/prodkube/prodkube/internal/yamlenc"
)

func ExampleMarshal() {
	out, err := yamlenc.Marshal(map[string]any{
		"enabled": "yes",  // a YAML 1.1 boolean: quoted
		"mode":    "0755", // an octal number: quoted
		"note":    "a: b", // ": " would start a mapping: quoted
		"script":  "set -e\nmake\n",
		"image":   "registry.k8s.io/pause:3.10",
		"ports":   []int{80, 443},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// enabled: "yes"
	// image: registry.k8s.io/pause:3.10
	// mode: "0755"
	// note: 'a: b'
	// ports:
	// - 80
	// - 443
	// script: |
	//   set -e
	//   make
}

func ExampleKeyLess() {
	keys := []string{"a10", "b", "a2", "A", "_x", "1"}
	slices.SortFunc(keys, func(a, b string) int {
		if yamlenc.KeyLess(a, b) {
			return -1
		}
		if yamlenc.KeyLess(b, a) {
			return 1
		}
		return 0
	})
	fmt.Println(keys)
	// Output:
	// [_x 1 A a2 a10 b]
}
