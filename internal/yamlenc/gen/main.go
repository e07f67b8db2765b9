// Command gen writes zz_generated.go, the compiled encoders of the kinds
// prodkube renders, into the current directory. It runs from the
// //go:generate line of package yamlenc: go generate ./internal/yamlenc.
package main

import (
	"fmt"
	"os"

	"github.com/prodkube/prodkube/internal/yamlenc"
)

func main() {
	src, err := yamlenc.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("zz_generated.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
