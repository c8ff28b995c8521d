package session

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
)

// The speed set before the sandbox starts is the one it starts at; set while
// it runs, it reaches the running sandbox; a bad one changes nothing.
func TestSetTimeScale(t *testing.T) {
	dir := t.TempDir()
	m := New(Options{Files: awsconn.Files{Config: filepath.Join(dir, "c"), Credentials: filepath.Join(dir, "k")}})
	defer m.Close()
	if got := m.SandboxTimeScale(); got != 1 {
		t.Fatalf("default speed %v, want 1", got)
	}
	if err := m.SetTimeScale(5); err != nil {
		t.Fatal(err)
	}
	if err := m.Use(context.Background(), Target{Kind: KindSandbox, Name: "fresh"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		set     float64
		wantErr bool
		want    float64
	}{
		{0, false, 5}, // not set: the sandbox started at the speed set before
		{20, false, 20},
		{-1, true, 20},
		{0.5, false, 0.5},
		{1, false, 1},
	}
	for i, s := range steps {
		if i > 0 {
			if err := m.SetTimeScale(s.set); (err != nil) != s.wantErr {
				t.Fatalf("SetTimeScale(%v): %v, want error %v", s.set, err, s.wantErr)
			}
		}
		if got := m.Sandbox().TimeScale(); got != s.want {
			t.Errorf("after SetTimeScale(%v) the sandbox runs at %v, want %v", s.set, got, s.want)
		}
		if got := m.SandboxTimeScale(); got != s.want {
			t.Errorf("after SetTimeScale(%v) SandboxTimeScale() = %v, want %v", s.set, got, s.want)
		}
		wantPoll := max(s.want, 1)
		if s.want <= 1 {
			wantPoll = 1
		}
		if got := m.TimeScale(); got != wantPoll {
			t.Errorf("after SetTimeScale(%v) TimeScale() = %v, want %v", s.set, got, wantPoll)
		}
	}
}
