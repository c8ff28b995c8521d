package tiles

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

// A check's detail quotes the AWS error, which an endpoint may fill with the
// signed request's headers: none of its credentials survive.
func TestErrorResultIsRedacted(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		if len(tc.Secrets) == 0 {
			continue
		}
		for name, err := range map[string]error{
			"API error":   apiErr("InvalidRequest", "Request rejected. "+tc.Text),
			"plain error": errors.New("sending the request: " + tc.Text),
		} {
			t.Run(tc.Name+"/"+name, func(t *testing.T) {
				r := errorResult("Bucket policy", "s3:GetBucketPolicy", "my-bucket", err, "fix it")
				for _, s := range tc.Secrets {
					if strings.Contains(r.Detail, s) {
						t.Errorf("detail holds %q: %s", s, r.Detail)
					}
				}
				if !strings.HasPrefix(r.Detail, "s3:GetBucketPolicy on my-bucket: ") {
					t.Errorf("detail: %s", r.Detail)
				}
			})
		}
	}
}

// The seller probe's message is AWS's own ("AWS said: …" on the tile),
// returned to the page as it is: none of the credentials survive, whatever
// the refusal is classified as.
func TestSellerProbeMessageIsRedacted(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		if len(tc.Secrets) == 0 {
			continue
		}
		for _, code := range []string{"ValidationException", "AccessDeniedException", "NotImplemented"} {
			t.Run(tc.Name+"/"+code, func(t *testing.T) {
				cat := &fakeCatalog{err: map[string]error{ProbedEntityTypes[0]: apiErr(code, "Request rejected. "+tc.Text)}}
				probe, err := ProbeSeller(context.Background(), cat)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(probe.Message, "Request rejected.") {
					t.Fatalf("the message was lost: %+v", probe)
				}
				for _, s := range tc.Secrets {
					if strings.Contains(probe.Message, s) {
						t.Errorf("probe message holds %q: %s", s, probe.Message)
					}
				}
			})
		}
	}
}
