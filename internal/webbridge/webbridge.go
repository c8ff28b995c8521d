// Package webbridge serves the real frontend and the real bound services over
// plain HTTP, so a browser can drive SellerDesk without a native window. The
// browser end-to-end tests use it; it binds to loopback only, and answers only
// the page it served (see guard.go: Host, Origin, a per-run token, JSON calls).
//
// It mirrors the two things the Wails runtime gives the page: window.go.<pkg>.
// <Struct>.<Method>(...) calls (here POST /api/call) and runtime events (here
// server-sent events on /api/events). A small script injected into index.html
// provides both, so the page's code is the same as in the desktop window.
package webbridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
)

// Bridge is an http.Handler and an app.Platform.
type Bridge struct {
	assets  fs.FS
	methods map[string]reflect.Value
	log     *slog.Logger
	token   string // per-run secret, in URL; see guard.go

	mu   sync.Mutex
	addr string // the bound host:port, the only Host answered
	subs map[chan []byte]struct{}
	// FormatError is what a bound method's error is sent as, like Wails'
	// ErrorFormatter (set it to app.Services.FormatError); nil: the
	// classification of internal/awserr, {kind, message, next, code,
	// requestId}, redacted.
	FormatError func(error) any
	// OpenedURLs records links the app asked to open (a browser test cannot
	// follow them into a real browser window).
	OpenedURLs []string
	// Page, when set, rewrites index.html as it is served (the window's
	// start-up state is written into it, as in the desktop app).
	Page func([]byte) []byte
}

// New serves assets (the built frontend, rooted at index.html) and binds the
// exported methods of each value, named "<package>.<Type>" as Wails names them.
func New(assets fs.FS, log *slog.Logger) *Bridge {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Bridge{assets: assets, methods: map[string]reflect.Value{}, log: log, subs: map[chan []byte]struct{}{}, token: newToken()}
}

// Bind registers the exported methods of each pointer-to-struct.
func (b *Bridge) Bind(values ...any) {
	for _, v := range values {
		rv := reflect.ValueOf(v)
		t := rv.Type()
		el := t.Elem()
		pkg := el.PkgPath()
		pkg = pkg[strings.LastIndex(pkg, "/")+1:]
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			b.methods[pkg+"."+el.Name()+"."+m.Name] = rv.Method(i)
		}
	}
}

// Emit broadcasts an event to every connected page.
func (b *Bridge) Emit(event string, data any) {
	msg, err := json.Marshal(map[string]any{"name": event, "data": []any{data}})
	if err != nil {
		b.log.Error("event not encodable", "event", event, "err", err)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- msg:
		default: // a stalled page must not block the app
		}
	}
}

// OpenURL records the link; a headless page has nowhere to open it.
func (b *Bridge) OpenURL(u string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.OpenedURLs = append(b.OpenedURLs, u)
	return nil
}

// SaveFile has no dialog to show: it answers with defaultName in
// $SELLERDESK_SAVE_DIR (or the temp folder), as a user accepting it would.
func (b *Bridge) SaveFile(_, defaultName string) (string, error) {
	dir := os.Getenv("SELLERDESK_SAVE_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, filepath.Base(defaultName)), nil
}

// ServeHTTP implements http.Handler. Every request must name the bound
// address and come from no other origin; the API and index.html need the
// token too. Other static assets (the built JS and CSS) hold no data.
func (b *Bridge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ref := b.checkSite(r); ref != nil {
		b.refused(w, r, ref)
		return
	}
	var ref *Refusal
	switch {
	case r.URL.Path == "/api/call" && r.Method == http.MethodPost:
		if ref = b.checkAPI(r, true, false); ref == nil {
			if ref = checkJSON(r); ref == nil {
				b.serveCall(w, r)
			}
		}
	case r.URL.Path == "/api/call":
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "calls are POSTs"})
	case r.URL.Path == "/api/events":
		if ref = b.checkAPI(r, false, true); ref == nil {
			b.serveEvents(w, r)
		}
	case r.URL.Path == "/api/shim.js":
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = w.Write([]byte(shimJS))
	case r.URL.Path == "/" || r.URL.Path == "/index.html":
		if ref = b.checkToken(r, false, true); ref == nil {
			b.serveIndex(w)
		}
	default:
		http.FileServerFS(b.assets).ServeHTTP(w, r)
	}
	if ref != nil {
		b.refused(w, r, ref)
	}
}

func (b *Bridge) refused(w http.ResponseWriter, r *http.Request, ref *Refusal) {
	b.log.Warn("web bridge refused a request", "method", r.Method, "path", r.URL.Path, "kind", ref.Kind.String(), "reason", ref.Msg)
	writeRefusal(w, ref)
}

func (b *Bridge) serveIndex(w http.ResponseWriter) {
	page, err := fs.ReadFile(b.assets, "index.html")
	if err != nil {
		http.Error(w, "the frontend is not built: run `make frontend` (or `make run`)", http.StatusServiceUnavailable)
		return
	}
	// The shim reads the token from its own tag: the page it was served in.
	page = bytes.Replace(page, []byte("<head>"), []byte(`<head><script src="/api/shim.js" data-token="`+b.token+`"></script>`), 1)
	if b.Page != nil {
		page = b.Page(page)
	}
	b.setTokenCookie(w)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The token is in the URL: no Referer carries it to another origin, no
	// frame shows it.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	_, _ = w.Write(page)
}

type callRequest struct {
	Name string            `json:"name"`
	Args []json.RawMessage `json:"args"`
}

func (b *Bridge) serveCall(w http.ResponseWriter, r *http.Request) {
	var req callRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCallBytes)).Decode(&req); err != nil {
		if isTooLarge(err) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("bad call: larger than %d bytes", maxCallBytes)})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad call: " + err.Error()})
		return
	}
	m, ok := b.methods[req.Name]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no bound method " + req.Name})
		return
	}
	mt := m.Type()
	if len(req.Args) != mt.NumIn() {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("%s takes %d arguments, got %d", req.Name, mt.NumIn(), len(req.Args))})
		return
	}
	in := make([]reflect.Value, mt.NumIn())
	for i := range in {
		p := reflect.New(mt.In(i))
		if err := json.Unmarshal(req.Args[i], p.Interface()); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("%s argument %d: %v", req.Name, i+1, err)})
			return
		}
		in[i] = p.Elem()
	}
	out := m.Call(in)
	var result any
	errType := reflect.TypeFor[error]()
	for _, o := range out {
		if o.Type() == errType {
			if !o.IsNil() {
				writeJSON(w, http.StatusInternalServerError, map[string]any{"error": b.formatError(o.Interface().(error))})
				return
			}
			continue
		}
		result = o.Interface()
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": result})
}

func (b *Bridge) formatError(err error) any {
	if b.FormatError != nil {
		return b.FormatError(err)
	}
	return awserr.Format(err)
}

func (b *Bridge) serveEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The stream outlives the server's read and write timeouts by design:
	// lift both for this request (a closed page still ends it, via the
	// request's context).
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		b.log.Warn("event stream keeps the write deadline", "err", err)
	}
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		b.log.Warn("event stream keeps the read deadline", "err", err)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch := make(chan []byte, 64)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}()
	_, _ = fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-ch:
			_, _ = fmt.Fprintf(w, "data: %s\n\n", msg)
			fl.Flush()
		}
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// CheckLoopback refuses addresses other tools on the network could reach.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("address %q is not on loopback: SellerDesk serves only 127.0.0.1", addr)
	}
	return nil
}

// shimJS stands in for the Wails runtime in a browser page.
const shimJS = `(function () {
  var token = document.currentScript.dataset.token;
  var call = function (name, args) {
    return fetch('/api/call', {method: 'POST', headers: {'Content-Type': 'application/json', '` + TokenHeader + `': token}, body: JSON.stringify({name: name, args: args})})
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw j.error; } return j.result; }); });
  };
  var level = function (path) {
    return new Proxy({}, {get: function (_, key) {
      if (path.length === 2) { return function () { return call(path.concat(key).join('.'), Array.prototype.slice.call(arguments)); }; }
      return level(path.concat(key));
    }});
  };
  window.go = level([]);
  var listeners = {};
  var source = new EventSource('/api/events?` + tokenParam + `=' + encodeURIComponent(token));
  source.onmessage = function (m) {
    var ev = JSON.parse(m.data);
    (listeners[ev.name] || []).slice().forEach(function (l) {
      l.cb.apply(null, ev.data);
      if (l.left > 0 && --l.left === 0) { listeners[ev.name] = listeners[ev.name].filter(function (x) { return x !== l; }); }
    });
  };
  var noop = function () {};
  window.runtime = {
    EventsOnMultiple: function (name, cb, max) {
      var l = {cb: cb, left: max};
      (listeners[name] = listeners[name] || []).push(l);
      return function () { listeners[name] = (listeners[name] || []).filter(function (x) { return x !== l; }); };
    },
    EventsOff: function () { Array.prototype.slice.call(arguments).forEach(function (n) { delete listeners[n]; }); },
    EventsOffAll: function () { listeners = {}; },
    EventsEmit: noop,
    LogPrint: noop, LogTrace: noop, LogDebug: noop, LogInfo: noop, LogWarning: noop, LogError: noop, LogFatal: noop,
    BrowserOpenURL: function (u) { call('app.Shell.OpenURL', [u]); },
    WindowSetTitle: function (t) { document.title = t; },
    WindowSetDarkTheme: noop, WindowSetLightTheme: noop, WindowSetSystemDefaultTheme: noop,
    WindowReload: function () { location.reload(); },
    Environment: function () { return Promise.resolve({buildType: 'web', platform: 'web', arch: ''}); },
    ClipboardSetText: function (t) { return navigator.clipboard ? navigator.clipboard.writeText(t).then(function () { return true; }) : Promise.resolve(false); },
    Quit: noop
  };
})();`
