package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
)

const canaryKeyID = "AKIACANARY0000000000"

// canary is an endpoint that looks real to the SDK and records every
// request that reaches it: a command told to use the sandbox or an
// endpoint must send it nothing.
type canary struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newCanary(t *testing.T) *canary {
	t.Helper()
	c := &canary{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.seen = append(c.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Target")+" "+r.Header.Get("Authorization"))
		c.mu.Unlock()
		w.WriteHeader(http.StatusForbidden)
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *canary) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

// defaultCredentialsPointAt makes every default source of credentials and
// endpoints name the canary: environment keys, AWS_ENDPOINT_URL and the
// per-service variables, and a default profile.
func defaultCredentialsPointAt(t *testing.T, c *canary) {
	t.Helper()
	isolate(t, "[default]\nregion = us-east-1\nendpoint_url = "+c.URL+"\n",
		"[default]\naws_access_key_id = "+canaryKeyID+"\naws_secret_access_key = canary-secret\n"+
			"[static]\naws_access_key_id = AKIASANDBOXTEST\naws_secret_access_key = sandbox\n")
	t.Setenv("AWS_ACCESS_KEY_ID", canaryKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "canary-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", c.URL)
	t.Setenv("AWS_ENDPOINT_URL_MARKETPLACE_CATALOG", c.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", c.URL)
}

// TestSandboxNeverFallsBack: a command given --sandbox, wherever the flag
// is on the command line, talks to the sandbox and never to the default
// credentials' endpoint. Before the command tree, `tags list ARN --sandbox
// connected` read "--sandbox connected" as extra words and listed the tags
// with the default credentials.
func TestSandboxNeverFallsBack(t *testing.T) {
	c := newCanary(t)
	defaultCredentialsPointAt(t, c)
	const arn = "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-d91ac31927815"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tags", "list", arn, "--sandbox", "connected"}, "product-team=team-xyz"},
		{[]string{"tags", "list", arn, "--json", "--sandbox=connected"}, `"Key": "product-team"`},
		{[]string{"tags", "add", arn, "owner=ann", "--sandbox", "connected"}, "with 1 tag(s)"},
		{[]string{"tags", "remove", arn, "env", "--sandbox", "connected"}, "Removed 1 tag key(s)"},
		{[]string{"whoami", "--sandbox", "fresh"}, "111122223333"},
		{[]string{"changeset", "list", "--sandbox", "connected"}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != ExitOK || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, want 0 and %q\nstdout: %s\nstderr: %s", code, tc.want, out, errOut)
			}
			if strings.Contains(out+errOut, canaryKeyID) {
				t.Errorf("the output names the default credentials:\n%s%s", out, errOut)
			}
		})
	}
	if seen := c.requests(); len(seen) > 0 {
		t.Fatalf("%d request(s) reached the default credentials' endpoint, e.g. %s", len(seen), seen[0])
	}
}

// TestEndpointFlagNeverFallsBack: --endpoint-url sends every call there.
// The SDK lets AWS_ENDPOINT_URL_<SERVICE> and a profile's endpoint_url
// override the base endpoint for that service; with the flag given,
// SellerDesk refuses (exit 2) rather than send a call elsewhere.
func TestEndpointFlagNeverFallsBack(t *testing.T) {
	c := newCanary(t)
	defaultCredentialsPointAt(t, c)
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: "connected", TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	const arn = "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-d91ac31927815"
	for _, args := range [][]string{
		{"tags", "list", arn, "--profile", "static", "--endpoint-url", srv.URL()},
		{"--endpoint-url", srv.URL(), "whoami"},
		{"entities", "--endpoint-url", srv.URL()},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, args...)
			if code != ExitUsage || !strings.Contains(errOut, "AWS_ENDPOINT_URL_") {
				t.Errorf("exit %d, want %d naming the variable\nstdout: %s\nstderr: %s", code, ExitUsage, out, errOut)
			}
		})
	}
	// Without the per-service variables the flag is honoured.
	t.Setenv("AWS_ENDPOINT_URL_MARKETPLACE_CATALOG", "")
	t.Setenv("AWS_ENDPOINT_URL_STS", "")
	code, out, errOut := runCLI(t, "tags", "list", arn, "--profile", "static", "--endpoint-url", srv.URL())
	if code != ExitOK || !strings.Contains(out, "product-team=team-xyz") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if seen := c.requests(); len(seen) > 0 {
		t.Fatalf("%d request(s) reached the default credentials' endpoint, e.g. %s", len(seen), seen[0])
	}
}

// TestEndpointFlagRefusesConfiguredOverrides: the other settings with
// which the SDK would not send a call to --endpoint-url (to AWS itself,
// for ignore_configured_endpoint_urls) are refused before any call.
func TestEndpointFlagRefusesConfiguredOverrides(t *testing.T) {
	c := newCanary(t)
	for _, tc := range []struct {
		name, config, env, want string
	}{
		{"environment ignores configured endpoints", "[profile static]\nregion = us-east-1\n", "true", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true"},
		{"profile ignores configured endpoints", "[profile static]\nregion = us-east-1\nignore_configured_endpoint_urls = true\n", "", `profile "static" sets ignore_configured_endpoint_urls = true`},
		{"profile services section", "[profile static]\nregion = us-east-1\nservices = elsewhere\n[services elsewhere]\nmarketplace_catalog =\n  endpoint_url = " + c.URL + "\n", "", `giving marketplace_catalog its own endpoint_url`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, tc.config, "[static]\naws_access_key_id = "+canaryKeyID+"\naws_secret_access_key = canary-secret\n")
			t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", tc.env)
			code, out, errOut := runCLI(t, "tags", "list", "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-1", "--profile", "static", "--endpoint-url", "http://127.0.0.1:9")
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, want %d and %q\nstdout: %s\nstderr: %s", code, ExitUsage, tc.want, out, errOut)
			}
		})
	}
	if seen := c.requests(); len(seen) > 0 {
		t.Fatalf("%d request(s) reached the profile's service endpoint, e.g. %s", len(seen), seen[0])
	}
}
