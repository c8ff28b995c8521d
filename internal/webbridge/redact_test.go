package webbridge

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

type leaker struct{ text string }

func (l *leaker) Fail() error { return errors.New("calling STS: " + l.text) }

// The page gets a bound method's error as {kind, message, next…}: never its credentials.
func TestCallErrorsAreRedacted(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		if len(tc.Secrets) == 0 {
			continue
		}
		t.Run(tc.Name, func(t *testing.T) {
			b := New(fstest.MapFS{"index.html": {Data: []byte("<html></html>")}}, nil)
			b.Bind(&leaker{text: tc.Text})
			srv := httptest.NewServer(b)
			defer srv.Close()
			b.SetAddr(srv.Listener.Addr().String())
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/call", strings.NewReader(`{"name":"webbridge.leaker.Fail","args":[]}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(TokenHeader, b.Token())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "calling STS") {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			for _, s := range tc.Secrets {
				// JSON escapes '+', '<', '>' and '&': compare with both spellings.
				esc := strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`).Replace(s)
				if strings.Contains(string(body), s) || strings.Contains(string(body), esc) {
					t.Errorf("page got %q: %s", s, body)
				}
			}
		})
	}
}
