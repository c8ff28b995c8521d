package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// logSink collects Logf output.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logSink) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startSandbox starts a server for the test on a random loopback port.
func startSandbox(t *testing.T, scenario string) (*Server, *logSink) {
	t.Helper()
	logs := &logSink{}
	srv, err := Start(t.Context(), Options{Scenario: scenario, Logf: logs.logf})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, logs
}

// sdkConfig is how SellerDesk itself points aws-sdk-go-v2 at the sandbox.
func sdkConfig(t *testing.T, srv *Server, akid, secret, token string) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(akid, secret, token)),
		config.WithBaseEndpoint(srv.URL()),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		t.Fatalf("LoadDefaultConfig: %v", err)
	}
	return cfg
}

// fakeAuth is a syntactically valid SigV4 Authorization header for service.
func fakeAuth(service string) string {
	return "AWS4-HMAC-SHA256 Credential=AKIDSANDBOXTEST/20250101/us-east-1/" + service +
		"/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + fakeSignature
}

// fakeSignature has the shape of a SigV4 signature (64 hex digits).
const fakeSignature = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// presignedQuery is a complete SigV4 presigned query for service.
func presignedQuery(service string) string {
	return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2F" + service +
		"%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + fakeSignature
}

type rawResponse struct {
	status int
	header http.Header
	body   string
}

// rawRequest sends an unsigned-but-shaped request straight at the sandbox.
func rawRequest(t *testing.T, srv *Server, method, path string, header map[string]string, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{resp.StatusCode, resp.Header, string(b)}
}

// withSigningName rewrites the credential scope of the SDK's signed request
// so it names service instead, as a client for that service would send it.
func withSigningName(service string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("sandboxTestSigningName",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					auth := req.Header.Get("Authorization")
					req.Header.Set("Authorization", regexp.MustCompile(`/[a-z0-9-]+/aws4_request`).ReplaceAllString(auth, "/"+service+"/aws4_request"))
				}
				return next.HandleFinalize(ctx, in)
			}), "Signing", middleware.After)
	}
}
