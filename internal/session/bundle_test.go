package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/bundle"
)

// TestBundleTargetNeverFallsBack: a bundle that cannot be opened fails Use
// and selects nothing; no other credentials or endpoint are tried.
func TestBundleTargetNeverFallsBack(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.sdbundle")
	if err := os.WriteFile(foreign, []byte(`{"hello":"world"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		problem    bool
	}{
		{"missing", filepath.Join(dir, "missing.sdbundle"), false},
		{"foreign", foreign, true},
		{"folder", dir, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Options{})
			defer m.Close()
			err := m.Use(context.Background(), Target{Kind: KindBundle, Name: tc.file})
			if err == nil {
				t.Fatal("Use succeeded")
			}
			var p *bundle.Problem
			if errors.As(err, &p) != tc.problem {
				t.Errorf("error %v: a bundle problem %v, want %v", err, !tc.problem, tc.problem)
			}
			if _, _, err := m.Current(); !errors.Is(err, ErrNoTarget) {
				t.Errorf("a target is selected after a failed Use: %v", err)
			}
			if m.Sandbox() != nil {
				t.Error("a sandbox runs after a failed Use")
			}
		})
	}
}
