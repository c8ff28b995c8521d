package testaws

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFaultProxyFates(t *testing.T) {
	var hits int
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		_, _ = io.WriteString(w, strings.Repeat("x", 100))
	}))
	defer up.Close()
	tests := []struct {
		name     string
		f        Faults
		wantErr  bool
		wantCode int
		wantHits int
	}{
		{"pass", Faults{}, false, 200, 1},
		{"drop", Faults{Drop: 1}, true, 0, 0},
		{"server error", Faults{ServerError: 1}, false, 503, 0},
		{"lose response", Faults{LoseResponse: 1}, true, 0, 1},
		{"truncate", Faults{Truncate: 1}, true, 200, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits = 0
			p := StartFaultProxy(t, up.URL, tt.f)
			resp, err := http.Get(p.URL + "/x")
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				if tt.wantCode != resp.StatusCode {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.wantCode)
				}
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v (body %d bytes), want error %v", err, len(body), tt.wantErr)
			}
			if hits != tt.wantHits {
				t.Errorf("upstream saw %d requests, want %d", hits, tt.wantHits)
			}
		})
	}
}

func TestListenNeverAnswer(t *testing.T) {
	addr := ListenNeverAnswer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}
