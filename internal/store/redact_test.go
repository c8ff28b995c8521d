package store

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

// Cached error text (a failed check, a bulk job's failure) may quote a
// signed request: the credentials in it never reach the file.
func TestPutRedactsEmbeddedCredentials(t *testing.T) {
	type failure struct {
		ARN     string   `json:"arn"`
		Message string   `json:"message"`
		Lines   []string `json:"lines"`
	}
	for _, tc := range redacttest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			in := failure{ARN: "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/prod-1",
				Message: "tagging failed: " + tc.Text, Lines: []string{"first", "then: " + tc.Text}}
			if err := st.Put(ctx, "tiles", "k", in); err != nil {
				t.Fatal(err)
			}
			var got failure
			if ok, err := st.Get(ctx, "tiles", "k", &got); !ok || err != nil {
				t.Fatalf("get: %v %v", ok, err)
			}
			path := st.Path()
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.Secrets {
				if bytes.Contains(raw, []byte(s)) || strings.Contains(got.Message, s) || strings.Contains(got.Lines[1], s) {
					t.Errorf("stored %q", s)
				}
			}
			for _, k := range tc.Keep {
				if !strings.Contains(got.Message, k) {
					t.Errorf("lost %q: %s", k, got.Message)
				}
			}
			if got.ARN != in.ARN || got.Lines[0] != "first" {
				t.Errorf("ordinary data changed: %+v", got)
			}
		})
	}
}
