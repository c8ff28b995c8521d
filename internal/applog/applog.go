// Package applog writes SellerDesk's rotating log file, the one support asks
// for. It never writes secrets: attributes whose keys name credentials are
// replaced before they reach the file, and every message and attribute value
// goes through internal/redact.
package applog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/sellerdesk/sellerdesk/internal/redact"
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
	h := NewHandler(w, level)
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

// NewHandler returns the text handler the log file uses: every record's
// message and attribute values are redacted (see Redact).
func NewHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return redactHandler{slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: Redact})}
}

// redactHandler redacts the record's message; ReplaceAttr sees the rest.
type redactHandler struct{ slog.Handler }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, redact.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return redactHandler{h.Handler.WithAttrs(as)}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.Handler.WithGroup(name)}
}

var secretKeys = []string{"secret", "password", "token", "authorization", "credential"}

// Redact hides values whose attribute key names a secret, and removes
// credentials (by shape, see internal/redact) from every other value:
// strings, errors, Stringers and anything printed with %+v, at any group
// depth (slog calls it for each attribute inside a group).
func Redact(_ []string, a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) {
			return slog.String(a.Key, redact.Replacement)
		}
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redact.String(a.Value.String()))
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case nil:
			return a
		case error:
			return slog.String(a.Key, redact.String(v.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, redact.String(v.String()))
		case []byte:
			return slog.String(a.Key, redact.String(string(v)))
		default:
			text := fmt.Sprintf("%+v", v)
			if red := redact.String(text); red != text {
				return slog.String(a.Key, red)
			}
		}
	}
	return a
}
