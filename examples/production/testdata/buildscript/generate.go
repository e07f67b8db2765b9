// Package deploy commits the production cluster's generated output under
// deploy/: `go generate ./...` rewrites it, and CI runs
// `go run github.com/prodkube/prodkube/examples/production -check deploy`,
// which fails when someone changed the intent but not the committed files,
// or edited a generated file by hand.
package deploy

//go:generate go run github.com/prodkube/prodkube/examples/production -out deploy
