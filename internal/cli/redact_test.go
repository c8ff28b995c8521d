package cli

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

// reflectingEndpoint answers every request with an AWS query-protocol error
// whose message quotes the request's signed headers, as some proxies and
// fakes do.
// It sends each request's signature to sigs.
func reflectingEndpoint(t *testing.T, sigs chan<- string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, sig, ok := strings.Cut(r.Header.Get("Authorization"), "Signature="); ok {
			select {
			case sigs <- sig:
			default:
			}
		}
		var msg bytes.Buffer
		_ = xml.EscapeText(&msg, []byte(fmt.Sprintf("Request rejected. Authorization: %s X-Amz-Security-Token: %s",
			r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token"))))
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`, msg.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// grepHome fails the test if any file under home holds one of secrets.
func grepHome(t *testing.T, home string, secrets ...string) {
	t.Helper()
	err := filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("reading %s: %v", path, err)
			return nil
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) { // no home: nothing was written
		t.Errorf("walking %s: %v", home, err)
	}
}

func TestReflectedCredentialsAreNeverPrinted(t *testing.T) {
	dir := isolate(t, "", "")
	sigs := make(chan string, 10)
	srv := reflectingEndpoint(t, sigs)
	t.Setenv("AWS_ACCESS_KEY_ID", redacttest.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", redacttest.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", redacttest.SessionToken)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")

	code, out, errOut := runCLI(t, "whoami")
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d\nstderr: %s", code, ExitFailure, errOut)
	}
	// The error itself still says what happened.
	for _, want := range []string{"InvalidParameterValue", "Request rejected", "AWS4-HMAC-SHA256", "[redacted]"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q: %s", want, errOut)
		}
	}
	secrets := []string{redacttest.SecretAccessKey, redacttest.SessionToken, redacttest.SessionToken[16:60]}
	close(sigs)
	for sig := range sigs {
		secrets = append(secrets, sig)
	}
	if len(secrets) == 3 {
		t.Fatal("the endpoint saw no signed request")
	}
	for name, text := range map[string]string{"stdout": out, "stderr": errOut} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds %q:\n%s", name, s, text)
			}
		}
	}
	grepHome(t, filepath.Join(dir, "home"), secrets...)
}

func TestEndpointWithUserinfoIsRefused(t *testing.T) {
	dir := isolate(t, "", "")
	// Answers everything with one Catalog entity, so a command that went
	// ahead would cache it under a key holding the endpoint (state.db).
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"EntitySummaryList":[{"EntityId":"prod-1","EntityArn":"arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/prod-1","EntityType":"SaaSProduct","Name":"x","Visibility":"Public","LastModifiedDate":"2026-01-01T00:00:00Z"}]}`)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", redacttest.SecretAccessKey)
	endpoint := strings.Replace(srv.URL, "http://", "http://AKIAFAKE:SECRETVALUE@", 1)
	tests := []struct {
		name string
		args []string
		env  string // AWS_ENDPOINT_URL
	}{
		{"flag, whoami", []string{"whoami", "--endpoint-url", endpoint}, ""},
		{"flag, entities", []string{"entities", "--endpoint-url", endpoint}, ""},
		{"environment, entities", []string{"entities"}, endpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_ENDPOINT_URL", tc.env)
			code, out, errOut := runCLI(t, tc.args...)
			if code != ExitUsage || !strings.Contains(errOut, "contains a user name or password") {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, ExitUsage, out, errOut)
			}
			if strings.Contains(out+errOut, "SECRETVALUE") {
				t.Errorf("output holds the password:\n%s%s", out, errOut)
			}
			grepHome(t, filepath.Join(dir, "home"), "SECRETVALUE")
		})
	}
	if calls != 0 {
		t.Errorf("%d requests reached the endpoint", calls)
	}
}
