package session

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

func TestUseRefusesEndpointUserinfo(t *testing.T) {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret-key")
	tests := []struct {
		name     string
		endpoint string
		refused  bool
	}{
		{"user and password", "http://AKIAFAKE:SECRETVALUE@127.0.0.1:4566", true},
		{"user only", "https://SECRETVALUE@localhost:4566/", true},
		{"no scheme", "AKIAFAKE:SECRETVALUE@localhost:4566", true},
		{"unparseable", "http://AKIAFAKE:SECRETVALUE@ho st:4566", true},
		{"plain", "http://127.0.0.1:4566", false},
		{"@ in the path", "http://127.0.0.1:4566/a@b", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st, err := store.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			m := New(Options{Store: st, Files: awsconn.Files{Config: filepath.Join(dir, "c"), Credentials: filepath.Join(dir, "k")}})
			err = m.Use(ctx, Target{Kind: KindProfile, Endpoint: tc.endpoint})
			m.Close()
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			var te *TargetError
			if got := errors.As(err, &te); got != tc.refused {
				t.Fatalf("refused = %v (err %v), want %v", got, err, tc.refused)
			}
			if !tc.refused {
				return
			}
			if strings.Contains(err.Error(), "SECRETVALUE") || strings.Contains(err.Error(), "AKIAFAKE") || !strings.Contains(err.Error(), "user name or password") {
				t.Errorf("message: %s", err)
			}
			if _, _, err := m.Current(); !errors.Is(err, ErrNoTarget) {
				t.Errorf("a refused target was selected: %v", err)
			}
			_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("SECRETVALUE")) {
						t.Errorf("%s holds the password", p)
					}
				}
				return nil
			})
		})
	}
}

// A target remembered by an older version, endpoint password included, is
// neither offered again nor kept.
func TestLastTargetForgetsEndpointUserinfo(t *testing.T) {
	tests := []struct {
		endpoint string
		kept     bool
	}{
		{"http://AKIAFAKE:SECRETVALUE@127.0.0.1:4566", false},
		{"http://127.0.0.1:4566", true},
	}
	for _, tc := range tests {
		t.Run(tc.endpoint, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.Put(ctx, "settings", "last_target", Target{Kind: KindProfile, Name: "p", Endpoint: tc.endpoint}); err != nil {
				t.Fatal(err)
			}
			m := New(Options{Store: st})
			got, ok := m.LastTarget(ctx)
			if ok != tc.kept || (ok && got.Endpoint != tc.endpoint) {
				t.Errorf("LastTarget = %+v, %v; want kept %v", got, ok, tc.kept)
			}
			var raw Target
			found, err := st.Get(ctx, "settings", "last_target", &raw)
			if err != nil || found != tc.kept {
				t.Errorf("still stored: %v (err %v), want %v", found, err, tc.kept)
			}
		})
	}
}
