package applog

import (
	"log/slog"
	"os"
	"strings"
	"testing"
)

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
