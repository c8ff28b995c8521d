//go:build !windows

package awsconn

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mkfifo makes a named pipe. A writer waits on it so that code reading it
// (the bug) gets an empty file and the test fails instead of hanging; the
// cleanup releases the writer when nothing read it.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	go func() {
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
	}()
	t.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}

func TestSpecialFilesRefused(t *testing.T) {
	tests := []struct {
		name     string
		make     func(t *testing.T, dir string) Files
		wantVar  string
		wantType string
		wantMode fs.FileMode
	}{
		{"config is a FIFO", func(t *testing.T, dir string) Files {
			p := filepath.Join(dir, "config")
			mkfifo(t, p)
			return Files{Config: p, Credentials: filepath.Join(dir, "none")}
		}, "AWS_CONFIG_FILE", "a named pipe (FIFO)", fs.ModeNamedPipe},
		{"credentials is a FIFO", func(t *testing.T, dir string) Files {
			p := filepath.Join(dir, "credentials")
			mkfifo(t, p)
			return Files{Config: filepath.Join(dir, "none"), Credentials: p}
		}, "AWS_SHARED_CREDENTIALS_FILE", "a named pipe (FIFO)", fs.ModeNamedPipe},
		{"config is a folder", func(t *testing.T, dir string) Files {
			return Files{Config: dir, Credentials: filepath.Join(dir, "none")}
		}, "AWS_CONFIG_FILE", "a folder", fs.ModeDir},
	}
	for _, tc := range tests {
		for _, via := range []string{"ListProfiles", "Load"} {
			t.Run(tc.name+" via "+via, func(t *testing.T) {
				isolate(t)
				f := tc.make(t, t.TempDir())
				var err error
				if via == "Load" {
					_, err = Load(context.Background(), Target{Profile: "p"}, LoadOptions{Files: f})
				} else {
					_, err = ListProfiles(f)
				}
				var nr *NotRegularFileError
				if !errors.As(err, &nr) {
					t.Fatalf("err %v, want *NotRegularFileError", err)
				}
				if nr.Var != tc.wantVar || nr.Type != tc.wantType || nr.Mode != tc.wantMode {
					t.Errorf("got %+v", nr)
				}
				want := " is " + tc.wantType + ", not a file: " + tc.wantVar + " must name a regular file"
				if !strings.HasSuffix(err.Error(), want) {
					t.Errorf("message %q lacks %q", err.Error(), want)
				}
			})
		}
	}
}

func TestDevNullIsAnEmptyFile(t *testing.T) {
	isolate(t)
	f := writeFiles(t, "", "[p]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
	f.Config = os.DevNull
	ps, err := ListProfiles(f)
	if err != nil || len(ps) != 1 || ps[0].Name != "p" {
		t.Fatalf("profiles %v, err %v", ps, err)
	}
	if _, err := Load(context.Background(), Target{Profile: "p"}, LoadOptions{Files: f}); err != nil {
		t.Fatal(err)
	}
}
