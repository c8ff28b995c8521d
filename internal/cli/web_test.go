package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestServeWebPrintedURL: the URL serve-web prints is the way in, used as
// is (issue 13.4); a call another page forges gets a refusal and no result.
func TestServeWebPrintedURL(t *testing.T) {
	isolate(t, "", "")
	pr, pw := io.Pipe()
	assets := fstest.MapFS{"index.html": {Data: []byte("<html><head><title>t</title></head><body></body></html>")}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		e := &env{Deps: Deps{Stdout: pw, Stderr: io.Discard, Assets: assets}, g: Globals{TimeScale: 1}}
		done <- run(ctx, e, []string{"serve-web", "--sandbox", "fresh", "--addr", "127.0.0.1:0"})
		_ = pw.Close()
	}()
	defer func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve-web exited %d", code)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve-web did not stop")
		}
	}()
	printed := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`^SellerDesk web UI: (http://\S+)$`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				printed <- m[1]
			}
		}
	}()
	var raw string
	select {
	case raw = <-printed:
	case <-time.After(20 * time.Second):
		t.Fatal("serve-web printed no URL")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(u.Query().Get("token")) < 43 {
		t.Fatalf("printed URL %q carries no token (%v)", raw, err)
	}
	tok := u.Query().Get("token")

	resp, err := http.Get(raw)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `data-token="`+tok+`"`) {
		t.Fatalf("the printed URL: %d %s", resp.StatusCode, page)
	}

	callURL := "http://" + u.Host + "/api/call"
	body := `{"name":"app.Session.State","args":[]}`
	tests := []struct {
		name       string
		header     map[string]string
		wantStatus int
	}{
		{"the page's call", map[string]string{"Content-Type": "application/json", "Origin": "http://" + u.Host, "X-SellerDesk-Token": tok}, 200},
		{"a foreign page's text/plain call", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}, 403},
		{"a foreign Origin with the token", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example", "X-SellerDesk-Token": tok}, 403},
		{"no token", map[string]string{"Content-Type": "application/json"}, 403},
		{"text/plain with the token", map[string]string{"Content-Type": "text/plain", "X-SellerDesk-Token": tok}, 415},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, callURL, strings.NewReader(body))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tc.wantStatus, out)
			}
			if _, hasResult := out["result"]; hasResult != (tc.wantStatus == 200) {
				t.Errorf("result given: %v", out)
			}
		})
	}
}
