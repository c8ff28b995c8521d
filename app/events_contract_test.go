package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEventNamesMatchTheFrontend: the event names the services emit (every
// Event* string constant of this package) and the ones the page listens for
// (frontend/src/api/events.ts) are the same set, name for name and value
// for value, so an event renamed on one side fails here, not silently in
// the window (issue 9.6).
func TestEventNamesMatchTheFrontend(t *testing.T) {
	goNames := map[string]string{}
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Event") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						goNames[n.Name] = v
					}
				}
			}
		}
	}
	src, err := os.ReadFile(filepath.Join("..", "frontend", "src", "api", "events.ts"))
	if err != nil {
		t.Fatal(err)
	}
	tsNames := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^export const (Event\w+) = '([^']*)'`).FindAllStringSubmatch(string(src), -1) {
		tsNames[m[1]] = m[2]
	}
	if len(goNames) < 10 {
		t.Fatalf("found only %d Event constants in Go: %v", len(goNames), goNames)
	}
	if !maps.Equal(goNames, tsNames) {
		keys := slices.Sorted(maps.Keys(goNames))
		for _, k := range slices.Sorted(maps.Keys(tsNames)) {
			if _, ok := goNames[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			if goNames[k] != tsNames[k] {
				t.Errorf("%s: Go %q, events.ts %q", k, goNames[k], tsNames[k])
			}
		}
	}
}
