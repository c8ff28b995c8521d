package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
	}{
		{"sandbox:fresh", Target{Kind: KindSandbox, Name: "fresh"}},
		{"profile:prod", Target{Kind: KindProfile, Name: "prod"}},
		{"prod", Target{Kind: KindProfile, Name: "prod"}},
		{"weird:thing", Target{Kind: KindProfile, Name: "weird:thing"}},
	}
	for _, tc := range tests {
		if got := ParseTarget(tc.in); got != tc.want {
			t.Errorf("ParseTarget(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestSandboxTargetLifecycle(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := New(Options{Store: st, Files: awsconn.Files{Config: filepath.Join(t.TempDir(), "c"), Credentials: filepath.Join(t.TempDir(), "k")}})
	defer m.Close()

	if _, _, err := m.Current(); !errors.Is(err, ErrNoTarget) {
		t.Fatalf("before Use: %v", err)
	}
	if err := m.Use(ctx, Target{Kind: KindSandbox}); err != nil {
		t.Fatal(err)
	}
	tgt, cfg, err := m.Current()
	if err != nil || tgt.Name != DefaultScenario || !strings.HasPrefix(tgt.Endpoint, "http://127.0.0.1:") || cfg.Region != "us-east-1" {
		t.Fatalf("current %+v region %q err %v", tgt, cfg.Region, err)
	}
	id, err := m.WhoAmI(ctx)
	if err != nil || id.Account != "111122223333" {
		t.Fatalf("whoami %+v %v", id, err)
	}
	if cached, ok := m.CachedIdentity(ctx, tgt); !ok || cached.Account != id.Account {
		t.Errorf("identity not cached: %+v", cached)
	}
	first := m.Sandbox()
	if err := m.Use(ctx, Target{Kind: KindSandbox, Name: "not-seller"}); err != nil {
		t.Fatal(err)
	}
	if m.Sandbox() != first {
		t.Error("switching scenario must reuse the running sandbox")
	}
	if id, _ := m.WhoAmI(ctx); id.Account != "444455556666" {
		t.Errorf("after switch: %s", id.Account)
	}
	last, ok := m.LastTarget(ctx)
	if !ok || last.Name != "not-seller" || last.Endpoint != "" {
		t.Errorf("last target %+v (a sandbox endpoint must not be remembered)", last)
	}
	if err := m.Use(ctx, Target{Kind: "ftp"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

// PollInterval is where the pacing of the targets differs: callers ask the
// session, not whether it is the sandbox.
func TestPollInterval(t *testing.T) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "k")
	if err := os.WriteFile(creds, []byte("[p]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example-not-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		target *Target // nil: none selected
		want   time.Duration
	}{
		{"no target yet", nil, time.Second},
		{"a profile (AWS throttles Describe calls)", &Target{Kind: KindProfile, Name: "p", Region: "us-east-1"}, time.Second},
		{"the embedded sandbox (loopback, no throttling)", &Target{Kind: KindSandbox, Name: "fresh"}, 200 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Options{Files: awsconn.Files{Config: filepath.Join(dir, "c"), Credentials: creds}})
			defer m.Close()
			if tc.target != nil {
				if err := m.Use(context.Background(), *tc.target); err != nil {
					t.Fatal(err)
				}
			}
			if got := m.PollInterval(); got != tc.want {
				t.Errorf("PollInterval() = %v, want %v", got, tc.want)
			}
		})
	}
}
