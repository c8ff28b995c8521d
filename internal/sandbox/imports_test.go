package sandbox

import (
	"go/build"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// sharedPackages are the low-level packages of this module the sandbox may
// build on: none of them is product code, and each imports only others of
// this list (or none).
var sharedPackages = []string{"cfntemplate", "httplimits", "iampolicy", "stacktemplate"}

// TestImportsNoProductCode fails when internal/sandbox depends, directly or
// through another package, on a package of this module other than the
// shared low-level ones, such as internal/onboarding: the sandbox plays AWS,
// and must not read templates or policies through the code it is there to
// test. Test files do not count.
func TestImportsNoProductCode(t *testing.T) {
	const module = "github.com/sellerdesk/sellerdesk/"
	_, here, _, _ := runtime.Caller(0)
	internalDir := filepath.Dir(filepath.Dir(here))
	seen := map[string]bool{}
	var walk func(pkg, dir string, via []string)
	walk = func(pkg, dir string, via []string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		p, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("reading %s: %v", pkg, err)
		}
		for _, imp := range p.Imports {
			rel, ok := strings.CutPrefix(imp, module+"internal/")
			if !ok {
				if strings.HasPrefix(imp, module) {
					t.Errorf("%s imports %s (via %s)", pkg, imp, strings.Join(via, " → "))
				}
				continue
			}
			if !slices.Contains(sharedPackages, rel) {
				t.Errorf("internal/sandbox depends on %s (via %s): only the shared packages %v may be imported",
					imp, strings.Join(append(via, pkg), " → "), sharedPackages)
				continue
			}
			walk(imp, filepath.Join(internalDir, filepath.FromSlash(rel)), append(via, pkg))
		}
	}
	walk(module+"internal/sandbox", filepath.Dir(here), nil)
	if len(seen) < 2 {
		t.Fatalf("walked only %v: the test no longer sees the sandbox's imports", seen)
	}
}
