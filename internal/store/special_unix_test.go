//go:build !windows

package store

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestOpenRefusesSpecialFiles(t *testing.T) {
	tests := []struct {
		name     string
		make     func(t *testing.T, path string)
		wantType string
		wantMode os.FileMode
	}{
		{"named pipe", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatalf("mkfifo: %v", err)
			}
			// A writer, so that code that opens the FIFO (the bug) does
			// not hang the test; released by the cleanup otherwise.
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
		}, "a named pipe (FIFO)", os.ModeNamedPipe},
		{"folder", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "a folder", os.ModeDir},
		{"socket", func(t *testing.T, path string) {
			ln, err := net.Listen("unix", path)
			if err != nil {
				t.Fatalf("unix socket: %v", err)
			}
			t.Cleanup(func() { ln.Close() })
		}, "a socket", os.ModeSocket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			tc.make(t, path)
			s, err := Open(context.Background(), dir)
			if err == nil {
				s.Close()
			}
			var nr *NotRegularFileError
			if !errors.As(err, &nr) {
				t.Fatalf("err %v, want *NotRegularFileError", err)
			}
			if nr.Path != path || nr.Type != tc.wantType || nr.Mode != tc.wantMode {
				t.Errorf("got %+v", nr)
			}
			if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != tc.wantMode {
				t.Errorf("the special file was touched: %v %v", fi, err)
			}
		})
	}
}
