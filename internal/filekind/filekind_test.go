package filekind

import (
	"io/fs"
	"testing"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		mode fs.FileMode
		want string
	}{
		{fs.ModeNamedPipe, "a named pipe (FIFO)"},
		{fs.ModeSocket, "a socket"},
		{fs.ModeDevice | fs.ModeCharDevice, "a character device"},
		{fs.ModeDevice, "a device"},
		{fs.ModeDir, "a folder"},
		{fs.ModeIrregular, "an irregular file"},
		{fs.ModeSymlink, "not a regular file"},
	}
	for _, tt := range tests {
		if got := Describe(tt.mode); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.mode, got, tt.want)
		}
	}
}
