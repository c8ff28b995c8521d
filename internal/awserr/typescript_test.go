package awserr

import (
	"os"
	"testing"
)

// The committed TypeScript union must be what the Go kinds generate.
func TestTypeScriptUpToDate(t *testing.T) {
	const path = "../../frontend/src/api/errorKinds.ts"
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != TypeScript() {
		t.Fatalf("%s is stale: run `go generate ./internal/awserr`", path)
	}
}
