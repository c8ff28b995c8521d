package webbridge

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

// Greeter is the bound service; calls counts the methods that ran, so a
// refused request can be shown not to have reached it.
type Greeter struct{ calls atomic.Int32 }

type Greeting struct {
	Text string `json:"text"`
}

func (g *Greeter) Hello(name string, n int) (Greeting, error) {
	g.calls.Add(1)
	return Greeting{Text: strings.Repeat("hi "+name+" ", n)}, nil
}

func (g *Greeter) Fail() error { g.calls.Add(1); return errors.New("it broke") }

func (g *Greeter) NoResult() { g.calls.Add(1) }

var testAssets = fstest.MapFS{"index.html": {Data: []byte("<html><head><title>x</title></head><body></body></html>")}, "assets/a.js": {Data: []byte("1")}}

func newTestBridge(t *testing.T) (*Bridge, *httptest.Server) {
	b, srv, _ := newTestBridgeGreeter(t)
	return b, srv
}

func newTestBridgeGreeter(t *testing.T) (*Bridge, *httptest.Server, *Greeter) {
	t.Helper()
	b := New(testAssets, nil)
	g := &Greeter{}
	b.Bind(g)
	srv := httptest.NewServer(b)
	b.SetAddr(srv.Listener.Addr().String())
	t.Cleanup(srv.Close)
	return b, srv, g
}

// call is the page's own call: its origin, its token.
func call(t *testing.T, b *Bridge, url, name string, args ...any) (int, map[string]any) {
	t.Helper()
	if args == nil {
		args = []any{}
	}
	body, _ := json.Marshal(map[string]any{"name": name, "args": args})
	req, _ := http.NewRequest(http.MethodPost, url+"/api/call", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", url)
	req.Header.Set(TokenHeader, b.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestCalls(t *testing.T) {
	b, srv := newTestBridge(t)
	tests := []struct {
		name     string
		method   string
		args     []any
		wantCode int
		want     string
	}{
		{"result", "webbridge.Greeter.Hello", []any{"ann", 2}, 200, `{"result":{"text":"hi ann hi ann "}}`},
		{"error becomes a rejection", "webbridge.Greeter.Fail", nil, 500, `{"error":{"kind":"other","message":"it broke","next":""}}`},
		{"no result", "webbridge.Greeter.NoResult", nil, 200, `{"result":null}`},
		{"unknown method", "webbridge.Greeter.Nope", nil, 404, `{"error":"no bound method webbridge.Greeter.Nope"}`},
		{"wrong arity", "webbridge.Greeter.Hello", []any{"ann"}, 400, `{"error":"webbridge.Greeter.Hello takes 2 arguments, got 1"}`},
		{"wrong type", "webbridge.Greeter.Hello", []any{"ann", "two"}, 400, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := call(t, b, srv.URL, tc.method, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d (%v)", code, tc.wantCode, out)
			}
			if tc.want != "" {
				got, _ := json.Marshal(out)
				if string(got) != tc.want {
					t.Errorf("got %s, want %s", got, tc.want)
				}
			}
		})
	}
}

func TestIndexGetsShimAndAssetsServed(t *testing.T) {
	b, srv := newTestBridge(t)
	resp, err := http.Get(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `<head><script src="/api/shim.js" data-token="`+b.Token()+`"></script>`) {
		t.Errorf("index.html lacks the shim: %s", page)
	}
	resp, err = http.Get(srv.URL + "/assets/a.js")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("asset: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestEventsStream(t *testing.T) {
	b, srv := newTestBridge(t)
	resp, err := http.Get(srv.URL + "/api/events?token=" + b.Token())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	expectEvent(t, b, resp)
}

// expectEvent reads the stream's greeting, emits one event and reads it.
func expectEvent(t *testing.T, b *Bridge, resp *http.Response) {
	t.Helper()
	r := bufio.NewReader(resp.Body)
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, ": connected") {
		t.Fatalf("first line %q", line)
	}
	// The subscriber is registered before the comment is flushed.
	b.Emit("session:changed", map[string]string{"a": "b"})
	done := make(chan string, 1)
	go func() {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				done <- "error: " + err.Error()
				return
			}
			if strings.HasPrefix(line, "data: ") {
				done <- strings.TrimSpace(strings.TrimPrefix(line, "data: "))
				return
			}
		}
	}()
	select {
	case got := <-done:
		if got != `{"data":[{"a":"b"}],"name":"session:changed"}` {
			t.Errorf("event %s", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:0": true, "localhost:80": true, "[::1]:1": true, "0.0.0.0:0": false, "10.0.0.1:1": false, "nonsense": false} {
		if err := CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("%s: err=%v, want ok=%v", addr, err, ok)
		}
	}
}

func TestIndexRewrittenByPage(t *testing.T) {
	b, srv := newTestBridge(t)
	b.Page = func(p []byte) []byte {
		return []byte(strings.Replace(string(p), "</head>", "<meta name=boot></head>", 1))
	}
	for _, path := range []string{"/", "/index.html"} {
		resp, err := http.Get(srv.URL + path + "?token=" + b.Token())
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), "<meta name=boot></head>") || !strings.Contains(string(page), "/api/shim.js") {
			t.Errorf("%s: Page not applied after the shim: %s", path, page)
		}
	}
}
