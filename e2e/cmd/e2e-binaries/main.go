// Command e2e-binaries builds the real etcd, kube-apiserver, kubectl and kubeadm
// programs the end-to-end suite runs, from the versions pinned under e2e/tools/, and
// caches them under $HOME/.cache/prodkube/bin (or $PRODKUBE_CACHE/bin). It builds only
// what is missing, so running it again is cheap.
//
//	cd e2e && go run ./cmd/e2e-binaries
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/prodkube/prodkube/e2e/internal/binaries"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e-binaries:", err)
		os.Exit(1)
	}
	root, err := binaries.ModuleRoot(wd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e-binaries:", err)
		os.Exit(1)
	}
	paths, err := binaries.Ensure(ctx, root, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e-binaries:", err)
		os.Exit(1)
	}
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s\t%s\n", k, paths[k])
	}
}
