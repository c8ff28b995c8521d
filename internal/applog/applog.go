// Package applog writes SellerDesk's rotating log file, the one support asks
// for. It never writes secrets: attributes whose keys name credentials are
// replaced before they reach the file.
package applog

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/natefinch/lumberjack.v2"
)

// FileName is the log file inside the SellerDesk folder.
const FileName = "sellerdesk.log"

// Logger is a slog.Logger plus the file behind it.
type Logger struct {
	*slog.Logger
	Path string
	w    io.Closer
}

// Open returns a logger writing to dir/sellerdesk.log, rotated at 5 MB with
// three old files kept, so the folder stays small on a seller's laptop.
func Open(dir string, level slog.Level) *Logger {
	path := filepath.Join(dir, FileName)
	lj := &lumberjack.Logger{Filename: path, MaxSize: 5, MaxBackups: 3, MaxAge: 30, Compress: false}
	w := &closableWriter{w: lj}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: Redact})
	return &Logger{Logger: slog.New(h), Path: path, w: w}
}

// closableWriter drops writes after Close. lumberjack reopens (and so
// recreates) its file on the next write, which would bring the log back
// after the app has let go of its folder.
type closableWriter struct {
	mu     sync.Mutex
	w      io.WriteCloser
	closed bool
}

func (c *closableWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return len(p), nil
	}
	return c.w.Write(p)
}

func (c *closableWriter) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	return c.w.Close()
}

// Close flushes and closes the file.
func (l *Logger) Close() error {
	if l == nil || l.w == nil {
		return nil
	}
	return l.w.Close()
}

var secretKeys = []string{"secret", "password", "token", "authorization", "credential"}

// Redact hides values whose attribute key names a secret.
func Redact(_ []string, a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) {
			return slog.String(a.Key, "[redacted]")
		}
	}
	return a
}
