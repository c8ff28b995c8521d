package testaws

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Faults says how often a FaultProxy breaks a request. Each probability is
// drawn independently per request, in the order the fields are listed; the
// first that fires decides the request's fate.
type Faults struct {
	// Seed makes a run reproducible (0 picks 1).
	Seed uint64
	// Drop closes the connection before the request reaches the endpoint:
	// nothing happened there.
	Drop float64
	// ServerError answers 503 without forwarding: nothing happened there.
	ServerError float64
	// LoseResponse forwards the request, then closes the connection instead
	// of answering: the request took effect but the caller cannot know.
	LoseResponse float64
	// Truncate forwards the request and sends the response's headers with
	// its full Content-Length but only half its body.
	Truncate float64
	// Delay is added before every forwarded request.
	Delay time.Duration
	// Match, when set, limits faults to the requests it returns true for
	// (the rest pass through untouched).
	Match func(r *http.Request, body []byte) bool
}

// FaultCounts counts what a FaultProxy did.
type FaultCounts struct {
	Requests, Dropped, ServerErrors, LostResponses, Truncated int64
}

// FaultProxy is a loopback reverse proxy in front of an AWS endpoint that
// breaks requests as Faults says: the faulty network SellerDesk's retry and
// verification must see through.
type FaultProxy struct {
	URL string

	target *url.URL
	faults Faults
	mu     sync.Mutex
	rng    *rand.Rand
	client *http.Client
	counts struct{ requests, dropped, serverErrors, lost, truncated atomic.Int64 }
	off    atomic.Bool
}

// StartFaultProxy serves a FaultProxy for target (an http:// URL) until the
// test ends.
func StartFaultProxy(t testing.TB, target string, f Faults) *FaultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("fault proxy target %q: not a URL", target)
	}
	seed := f.Seed
	if seed == 0 {
		seed = 1
	}
	p := &FaultProxy{target: u, faults: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		client: &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// SetEnabled turns faults on or off (on at start); a test turns them off to
// check the final state through the same proxy.
func (p *FaultProxy) SetEnabled(on bool) { p.off.Store(!on) }

// Counts returns what the proxy has done so far.
func (p *FaultProxy) Counts() FaultCounts {
	return FaultCounts{Requests: p.counts.requests.Load(), Dropped: p.counts.dropped.Load(),
		ServerErrors: p.counts.serverErrors.Load(), LostResponses: p.counts.lost.Load(), Truncated: p.counts.truncated.Load()}
}

func (c FaultCounts) String() string {
	return fmt.Sprintf("%d requests: %d dropped, %d 503s, %d responses lost, %d truncated",
		c.Requests, c.Dropped, c.ServerErrors, c.LostResponses, c.Truncated)
}

type fate int

const (
	pass fate = iota
	drop
	serverError
	loseResponse
	truncate
)

func (p *FaultProxy) decide(r *http.Request, body []byte) fate {
	if p.off.Load() || (p.faults.Match != nil && !p.faults.Match(r, body)) {
		return pass
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range []struct {
		prob float64
		f    fate
	}{{p.faults.Drop, drop}, {p.faults.ServerError, serverError}, {p.faults.LoseResponse, loseResponse}, {p.faults.Truncate, truncate}} {
		if c.prob > 0 && p.rng.Float64() < c.prob {
			return c.f
		}
	}
	return pass
}

func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.counts.requests.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "fault proxy: reading the request: "+err.Error(), http.StatusBadGateway)
		return
	}
	f := p.decide(r, body)
	switch f {
	case drop:
		p.counts.dropped.Add(1)
		hangUp(w)
		return
	case serverError:
		p.counts.serverErrors.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "Service Unavailable")
		return
	}
	if p.faults.Delay > 0 {
		time.Sleep(p.faults.Delay)
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target.Scheme+"://"+p.target.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host // the signature covers Host
	resp, err := p.client.Do(out)
	if err != nil {
		http.Error(w, "fault proxy: forwarding: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "fault proxy: reading the response: "+err.Error(), http.StatusBadGateway)
		return
	}
	switch f {
	case loseResponse:
		p.counts.lost.Add(1)
		hangUp(w)
		return
	case truncate:
		if len(rb) > 1 {
			p.counts.truncated.Add(1)
			writeTruncated(w, resp, rb)
			return
		}
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(rb)
}

// hangUp closes the client's connection without a response.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeTruncated promises the whole body and sends half of it, as a
// connection cut mid-response does.
func writeTruncated(w http.ResponseWriter, resp *http.Response, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	writeHead(buf.Writer, resp, len(body))
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}

func writeHead(bw *bufio.Writer, resp *http.Response, n int) {
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	for k, vs := range resp.Header {
		if strings.EqualFold(k, "Content-Length") || strings.EqualFold(k, "Transfer-Encoding") {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(bw, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(bw, "Content-Length: %d\r\nConnection: close\r\n\r\n", n)
}

// ListenNeverAnswer returns the address of a loopback listener that accepts
// connections and never answers: the hung endpoint deadlines are tested
// against.
func ListenNeverAnswer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}
