package applog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

type stringer string

func (s stringer) String() string { return string(s) }

type request struct{ URL, Header string }

// Every secret shape, through every way a value reaches the log, under
// harmless keys: only the value can give it away.
func TestLogRedactsSecretValuesEverywhere(t *testing.T) {
	ways := []struct {
		name string
		log  func(l *slog.Logger, text string)
	}{
		{"message", func(l *slog.Logger, text string) { l.Info("call failed: " + text) }},
		{"string attr", func(l *slog.Logger, text string) { l.Info("call failed", "detail", text) }},
		{"error attr", func(l *slog.Logger, text string) {
			l.Warn("call failed", "err", fmt.Errorf("sts: %w", errors.New(text)))
		}},
		{"Stringer attr", func(l *slog.Logger, text string) { l.Info("call failed", "what", stringer(text)) }},
		{"struct attr", func(l *slog.Logger, text string) {
			l.Info("call failed", "req", request{URL: "http://x", Header: text})
		}},
		{"group", func(l *slog.Logger, text string) {
			l.Info("call failed", slog.Group("http", slog.Group("resp", "body", text, "err", errors.New(text))))
		}},
		{"With attrs", func(l *slog.Logger, text string) {
			l.With("detail", text).WithGroup("g").Info("call failed", "x", text)
		}},
	}
	for _, way := range ways {
		for _, tc := range redacttest.Cases() {
			if len(tc.Secrets) == 0 {
				continue
			}
			t.Run(way.name+"/"+tc.Name, func(t *testing.T) {
				l := Open(t.TempDir(), slog.LevelDebug)
				way.log(l.Logger, tc.Text)
				if err := l.Close(); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(l.Path)
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range tc.Secrets {
					if strings.Contains(string(b), secret) {
						t.Errorf("log contains %q:\n%s", secret, b)
					}
				}
				if !strings.Contains(string(b), "call failed") {
					t.Errorf("the line itself is gone:\n%s", b)
				}
			})
		}
	}
}

func TestLogRedactsSecrets(t *testing.T) {
	dir := t.TempDir()
	l := Open(dir, slog.LevelDebug)
	l.Info("signed in", "profile", "prod", "session_token", "IQoJb3JpZ2luX2VjEXAMPLE", "aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Authorization", "AWS4-HMAC-SHA256 Credential=AKID")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(l.Path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, secret := range []string{"IQoJb3JpZ2luX2VjEXAMPLE", "wJalrXUtnFEMI", "AKID"} {
		if strings.Contains(got, secret) {
			t.Errorf("log contains secret %q:\n%s", secret, got)
		}
	}
	if !strings.Contains(got, "profile=prod") {
		t.Errorf("log lost an ordinary attribute:\n%s", got)
	}
}

// A write after Close must not bring the file back: the app may be quitting
// while its folder is removed (an uninstall, or a test's temporary home).
func TestLogAfterCloseWritesNothing(t *testing.T) {
	dir := t.TempDir()
	l := Open(dir, slog.LevelDebug)
	l.Info("before")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(l.Path); err != nil {
		t.Fatal(err)
	}
	l.Warn("after close")
	if _, err := os.Stat(l.Path); !os.IsNotExist(err) {
		t.Fatalf("log file reappeared after Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
