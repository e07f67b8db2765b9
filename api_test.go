package prodkube_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestPublicAPINamesNoInternalType fails when an exported identifier of a
// library package mentions a type from an internal package in its
// signature, fields or methods: an importer in another module could not name
// that type, so the identifier would be unusable there.
func TestPublicAPINamesNoInternalType(t *testing.T) {
	if testing.Short() {
		t.Skip("builds export data for every package; run without -short")
	}
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{.Name}}\t{{.DepOnly}}", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	exports := map[string]string{}
	var ours []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			t.Fatalf("go list line %q", sc.Text())
		}
		exports[f[0]] = f[1]
		if f[3] == "false" && f[2] != "main" && !isInternal(f[0]) {
			ours = append(ours, f[0])
		}
	}
	if len(ours) < 8 {
		t.Fatalf("found only %d library packages: %v", len(ours), ours)
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		p, ok := exports[path]
		if !ok || p == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(p)
	})
	var problems []string
	for _, path := range ours {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		problems = append(problems, internalMentions(pkg)...)
	}
	slices.Sort(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// isInternal reports whether an import path is under an internal directory.
func isInternal(path string) bool {
	return path == "internal" || strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}

// internalMentions lists every exported name of pkg whose API mentions an
// internal package's type.
func internalMentions(pkg *types.Package) []string {
	var out []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		where := pkg.Path() + "." + name
		report := func(what string, typ types.Type) {
			if bad := findInternal(typ, map[types.Type]bool{}); bad != "" {
				out = append(out, fmt.Sprintf("%s%s mentions %s, which importers cannot name", where, what, bad))
			}
		}
		tn, isType := obj.(*types.TypeName)
		if !isType {
			report("", obj.Type())
			continue
		}
		if named, ok := tn.Type().(*types.Named); ok {
			switch u := named.Underlying().(type) {
			case *types.Struct:
				for i := range u.NumFields() {
					if f := u.Field(i); f.Exported() {
						report("."+f.Name(), f.Type())
					}
				}
			case *types.Interface:
				report("", u)
			default:
				report("", u)
			}
			mset := types.NewMethodSet(types.NewPointer(named))
			for i := range mset.Len() {
				m := mset.At(i).Obj()
				if m.Exported() {
					report("."+m.Name(), m.Type())
				}
			}
		}
	}
	return out
}

// findInternal returns the first internal named type reachable from typ at
// the API surface (through pointers, containers, signatures, anonymous
// structs and interfaces, and type arguments), or "".
func findInternal(typ types.Type, seen map[types.Type]bool) string {
	if typ == nil || seen[typ] {
		return ""
	}
	seen[typ] = true
	switch t := typ.(type) {
	case *types.Named:
		if p := t.Obj().Pkg(); p != nil && isInternal(p.Path()) {
			return p.Path() + "." + t.Obj().Name()
		}
		for i := range t.TypeArgs().Len() {
			if bad := findInternal(t.TypeArgs().At(i), seen); bad != "" {
				return bad
			}
		}
	case *types.Alias:
		if p := t.Obj().Pkg(); p != nil && isInternal(p.Path()) {
			return p.Path() + "." + t.Obj().Name()
		}
		return findInternal(types.Unalias(t), seen)
	case *types.Pointer:
		return findInternal(t.Elem(), seen)
	case *types.Slice:
		return findInternal(t.Elem(), seen)
	case *types.Array:
		return findInternal(t.Elem(), seen)
	case *types.Chan:
		return findInternal(t.Elem(), seen)
	case *types.Map:
		if bad := findInternal(t.Key(), seen); bad != "" {
			return bad
		}
		return findInternal(t.Elem(), seen)
	case *types.Signature:
		for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
			for i := range tup.Len() {
				if bad := findInternal(tup.At(i).Type(), seen); bad != "" {
					return bad
				}
			}
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				if bad := findInternal(f.Type(), seen); bad != "" {
					return bad
				}
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			if m := t.Method(i); m.Exported() {
				if bad := findInternal(m.Type(), seen); bad != "" {
					return bad
				}
			}
		}
		for i := range t.NumEmbeddeds() {
			if bad := findInternal(t.EmbeddedType(i), seen); bad != "" {
				return bad
			}
		}
	}
	return ""
}
