package webbridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// forged is one request another web page (or a DNS-rebound name) could make,
// or the page's own; unset fields get the page's own values.
type forged struct {
	name        string
	method      string // default POST
	path        string // default /api/call
	host        string // "" the bound address; "evil:" → evil.example:<port>
	origin      string // "" none; "self" the bridge's own
	contentType string // default application/json; "-" none
	header      string // the token header: "" none, "ok" the token, else that value
	cookie      string // the token cookie: likewise
	query       string // ?token=: likewise
	fetchSite   string // Sec-Fetch-Site
	body        string // default a call of Greeter.Hello

	wantStatus int
	wantCode   string // the refusal's code ("" for a served request)
}

func (f forged) request(t *testing.T, b *Bridge, srv *httptest.Server) *http.Request {
	t.Helper()
	addr := srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	tok := func(v string) string {
		if v == "ok" {
			return b.Token()
		}
		return v
	}
	method, path, body := f.method, f.path, f.body
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/api/call"
	}
	if body == "" && method == http.MethodPost {
		body = `{"name":"webbridge.Greeter.Hello","args":["eve",1]}`
	}
	if f.query != "" {
		path += "?token=" + tok(f.query)
	}
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.HasPrefix(f.host, "evil:"):
		req.Host = "evil.example:" + port
	case f.host != "":
		req.Host = strings.ReplaceAll(f.host, "PORT", port)
	}
	switch f.origin {
	case "":
	case "self":
		req.Header.Set("Origin", "http://"+addr)
	default:
		req.Header.Set("Origin", strings.ReplaceAll(f.origin, "PORT", port))
	}
	switch {
	case method != http.MethodPost:
	case f.contentType == "":
		req.Header.Set("Content-Type", "application/json")
	case f.contentType != "-":
		req.Header.Set("Content-Type", f.contentType)
	}
	if f.header != "" {
		req.Header.Set(TokenHeader, tok(f.header))
	}
	if f.cookie != "" {
		req.AddCookie(&http.Cookie{Name: b.cookieName(), Value: tok(f.cookie)})
	}
	if f.fetchSite != "" {
		req.Header.Set("Sec-Fetch-Site", f.fetchSite)
	}
	return req
}

// TestForgedCallsRefused: issue 13.4. Any page the user visited could POST
// text/plain to /api/call (no preflight) and run app.Onboarding.Launch; a
// DNS-rebound name could even read the answers. Each forged request must be
// refused before the bound method runs; the page's own requests must work.
func TestForgedCallsRefused(t *testing.T) {
	tests := []forged{
		{name: "the page's own call", origin: "self", header: "ok", wantStatus: 200},
		{name: "own call without Origin (same-origin fetch)", header: "ok", wantStatus: 200},
		{name: "own call with the cookie", origin: "self", cookie: "ok", wantStatus: 200},
		{name: "json with charset", origin: "self", header: "ok", contentType: "application/json; charset=utf-8", wantStatus: 200},
		{name: "same-origin fetch metadata", header: "ok", fetchSite: "same-origin", wantStatus: 200},

		{name: "forged Host (DNS rebinding)", host: "evil:", header: "ok", wantStatus: 403, wantCode: "WrongHost"},
		{name: "forged Host and Origin", host: "evil:", origin: "http://evil.example:PORT", header: "ok", wantStatus: 403, wantCode: "WrongHost"},
		{name: "Host localhost, not the bound name", host: "localhost:PORT", header: "ok", wantStatus: 403, wantCode: "WrongHost"},
		{name: "Host without the port", host: "127.0.0.1", header: "ok", wantStatus: 403, wantCode: "WrongHost"},
		{name: "forged Origin", origin: "http://evil.example", header: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "Origin of another loopback port", origin: "http://127.0.0.1:1", header: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "opaque Origin null", origin: "null", header: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "https Origin of the same host", origin: "https://127.0.0.1:PORT", header: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "cross-site fetch metadata", header: "ok", fetchSite: "cross-site", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "same-site fetch metadata", header: "ok", fetchSite: "same-site", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "no token", origin: "self", wantStatus: 403, wantCode: "BadToken"},
		{name: "wrong token", origin: "self", header: "x" + strings.Repeat("A", 42), wantStatus: 403, wantCode: "BadToken"},
		{name: "wrong cookie", origin: "self", cookie: "nope", wantStatus: 403, wantCode: "BadToken"},
		{name: "token in the query is not for calls", origin: "self", query: "ok", wantStatus: 403, wantCode: "BadToken"},
		{name: "text/plain (no preflight)", origin: "self", header: "ok", contentType: "text/plain", wantStatus: 415, wantCode: "UnsupportedMediaType"},
		{name: "text/plain from a foreign page with the cookie", origin: "http://evil.example", cookie: "ok", contentType: "text/plain;charset=UTF-8", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "text/plain with the cookie", cookie: "ok", contentType: "text/plain;charset=UTF-8", wantStatus: 415, wantCode: "UnsupportedMediaType"},
		{name: "form-encoded", header: "ok", contentType: "application/x-www-form-urlencoded", body: `{"name":"webbridge.Greeter.Hello","args":["eve",1]}=`, wantStatus: 415, wantCode: "UnsupportedMediaType"},
		{name: "multipart", header: "ok", contentType: "multipart/form-data; boundary=x", wantStatus: 415, wantCode: "UnsupportedMediaType"},
		{name: "no Content-Type", header: "ok", contentType: "-", wantStatus: 415, wantCode: "UnsupportedMediaType"},
		{name: "GET is no call", method: http.MethodGet, header: "ok", wantStatus: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, srv, g := newTestBridgeGreeter(t)
			resp, err := http.DefaultClient.Do(tc.request(t, b, srv))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tc.wantStatus, out)
			}
			if code, _ := out["code"].(string); code != tc.wantCode {
				t.Errorf("code %q, want %q (%v)", code, tc.wantCode, out)
			}
			wantCalls := int32(0)
			if tc.wantStatus == 200 {
				wantCalls = 1
			}
			if got := g.calls.Load(); got != wantCalls {
				t.Errorf("Greeter ran %d times, want %d", got, wantCalls)
			}
		})
	}
}

// TestForgedEventStreamsRefused: the event stream carries the session's
// events (identities, stack progress); only the page may subscribe.
func TestForgedEventStreamsRefused(t *testing.T) {
	tests := []forged{
		{name: "the page's own stream", query: "ok", wantStatus: 200},
		{name: "own stream with the cookie", cookie: "ok", wantStatus: 200},
		{name: "own stream with own Origin", origin: "self", query: "ok", wantStatus: 200},
		{name: "foreign Origin", origin: "http://evil.example", query: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "foreign Origin with the cookie", origin: "http://evil.example", cookie: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "cross-site fetch metadata", fetchSite: "cross-site", cookie: "ok", wantStatus: 403, wantCode: "ForeignOrigin"},
		{name: "forged Host", host: "evil:", query: "ok", wantStatus: 403, wantCode: "WrongHost"},
		{name: "no token", wantStatus: 403, wantCode: "BadToken"},
		{name: "wrong token", query: "nope", wantStatus: 403, wantCode: "BadToken"},
		{name: "token header is not for streams", header: "ok", wantStatus: 403, wantCode: "BadToken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.method, tc.path = http.MethodGet, "/api/events"
			b, srv, _ := newTestBridgeGreeter(t)
			resp, err := http.DefaultClient.Do(tc.request(t, b, srv))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if tc.wantStatus == 200 {
				expectEvent(t, b, resp)
				return
			}
			var out map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out["code"] != tc.wantCode {
				t.Errorf("refusal %v (%v), want code %s", out, err, tc.wantCode)
			}
			b.mu.Lock()
			n := len(b.subs)
			b.mu.Unlock()
			if n != 0 {
				t.Errorf("%d subscribers after a refused stream", n)
			}
		})
	}
}

// TestIndexNeedsToken: index.html carries the boot state (identity, target);
// the built JS and CSS carry nothing and load without the token.
func TestIndexNeedsToken(t *testing.T) {
	tests := []forged{
		{name: "the printed URL", path: "/", query: "ok", wantStatus: 200},
		{name: "index.html with the cookie (a reload)", path: "/index.html", cookie: "ok", wantStatus: 200},
		{name: "no token", path: "/", wantStatus: 403, wantCode: "BadToken"},
		{name: "index.html without token", path: "/index.html", wantStatus: 403, wantCode: "BadToken"},
		{name: "wrong token", path: "/", query: "nope", wantStatus: 403, wantCode: "BadToken"},
		{name: "forged Host with the token", path: "/", host: "evil:", query: "ok", wantStatus: 403, wantCode: "WrongHost"},
		{name: "an asset without token", path: "/assets/a.js", wantStatus: 200},
		{name: "the shim without token", path: "/api/shim.js", wantStatus: 200},
		{name: "an asset for a forged Host", path: "/assets/a.js", host: "evil:", wantStatus: 403, wantCode: "WrongHost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.method = http.MethodGet
			b, srv, _ := newTestBridgeGreeter(t)
			booted := false
			b.Page = func(p []byte) []byte { booted = true; return p }
			resp, err := http.DefaultClient.Do(tc.request(t, b, srv))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.wantStatus, body)
			}
			isIndex := tc.path == "/" || tc.path == "/index.html"
			if booted != (isIndex && tc.wantStatus == 200) {
				t.Errorf("boot state written: %v", booted)
			}
			if tc.wantStatus != 200 {
				var out map[string]string
				if err := json.Unmarshal(body, &out); err != nil || out["code"] != tc.wantCode {
					t.Errorf("refusal %s, want code %s", body, tc.wantCode)
				}
				if strings.Contains(string(body), b.Token()) {
					t.Error("a refusal shows the token")
				}
				return
			}
			if !isIndex {
				return
			}
			var cookie *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == b.cookieName() {
					cookie = c
				}
			}
			if cookie == nil || cookie.Value != b.Token() || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" {
				t.Errorf("token cookie %+v, want HttpOnly SameSite=Strict Path=/", cookie)
			}
			if resp.Header.Get("Referrer-Policy") != "same-origin" {
				t.Errorf("Referrer-Policy %q: the token would leak in Referer", resp.Header.Get("Referrer-Policy"))
			}
		})
	}
}

func TestUnboundBridgeRefuses(t *testing.T) {
	b := New(testAssets, nil)
	srv := httptest.NewServer(b) // SetAddr never called
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/assets/a.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
}

func TestTokenAndURL(t *testing.T) {
	a, b := New(testAssets, nil), New(testAssets, nil)
	if a.Token() == b.Token() {
		t.Fatal("two bridges share a token")
	}
	if len(a.Token()) != 43 { // 32 bytes, unpadded base64url
		t.Errorf("token %q is not 32 random bytes", a.Token())
	}
	a.SetAddr("127.0.0.1:4242")
	if want := "http://127.0.0.1:4242/?token=" + a.Token(); a.URL() != want {
		t.Errorf("URL %s, want %s", a.URL(), want)
	}
	if a.cookieName() != "sellerdesk_token_4242" {
		t.Errorf("cookie %s", a.cookieName())
	}
}

func TestRefusalKinds(t *testing.T) {
	tests := []struct {
		kind   RefusalKind
		status int
		name   string
	}{
		{RefuseHost, 403, "WrongHost"},
		{RefuseOrigin, 403, "ForeignOrigin"},
		{RefuseToken, 403, "BadToken"},
		{RefuseContentType, 415, "UnsupportedMediaType"},
		{RefuseUnbound, 503, "NotListening"},
	}
	for _, tc := range tests {
		r := refuse(tc.kind, "x")
		var asErr error = r
		var got *Refusal
		if !errors.As(asErr, &got) || got.Status() != tc.status || tc.kind.String() != tc.name {
			t.Errorf("%v: status %d name %s, want %d %s", tc.kind, r.Status(), tc.kind, tc.status, tc.name)
		}
	}
	if s := fmt.Sprint(RefusalKind(99)); s != "RefusalKind(99)" {
		t.Errorf("unknown kind %s", s)
	}
}

// startServer serves b the way serve-web does, with timeouts t.
func startServer(t *testing.T, b *Bridge, to Timeouts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := b.Server(ln, to)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestTricklingBodyCut: issue 13.8. A client sending its body one byte per
// 100 ms must lose the connection once ReadTimeout (here 200 ms) has passed,
// not hold it (and a goroutine) for as long as it likes.
func TestTricklingBodyCut(t *testing.T) {
	b := New(testAssets, nil)
	g := &Greeter{}
	b.Bind(g)
	addr := startServer(t, b, Timeouts{Read: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const bodyLen = 1000 // 100 s at this pace
	head := fmt.Sprintf("POST /api/call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%s: %s\r\nContent-Length: %d\r\n\r\n", addr, TokenHeader, b.Token(), bodyLen)
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for range bodyLen {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	// The safety net only: the server must close long before the body ends.
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still holds a trickling connection (read so far %q)", got)
	}
	// Closed by the server: EOF (ReadAll's nil) or a reset, after at most an
	// error response; never a served call.
	if strings.Contains(string(got), "200 OK") || g.calls.Load() != 0 {
		t.Errorf("a trickled call was served: %q", got)
	}
}

// TestEventStreamOutlivesTimeouts: the read and write timeouts that cut slow
// clients must not cut the page's event stream.
func TestEventStreamOutlivesTimeouts(t *testing.T) {
	b := New(testAssets, nil)
	addr := startServer(t, b, Timeouts{Read: 150 * time.Millisecond, Write: 150 * time.Millisecond})
	resp, err := http.Get("http://" + addr + "/api/events?token=" + b.Token())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	time.Sleep(500 * time.Millisecond) // past both deadlines
	expectEvent(t, b, resp)
}
