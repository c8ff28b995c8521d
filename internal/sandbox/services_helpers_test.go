package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// clients are SDK clients pointed at one sandbox, as SellerDesk builds them.
type clients struct {
	srv     *Server
	logs    *logSink
	cfg     aws.Config
	s3      *s3.Client
	sns     *sns.Client
	sqs     *sqs.Client
	kms     *kms.Client
	catalog *marketplacecatalog.Client
}

// startClients starts a sandbox on scenario and builds the clients. S3 uses
// path-style addressing (with an IP endpoint the SDK would anyway).
func startClients(t *testing.T, scenario string) *clients {
	t.Helper()
	srv, logs := startSandbox(t, scenario)
	cfg := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	return &clients{srv: srv, logs: logs, cfg: cfg,
		s3:      s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		sns:     sns.NewFromConfig(cfg),
		sqs:     sqs.NewFromConfig(cfg),
		kms:     kms.NewFromConfig(cfg),
		catalog: marketplacecatalog.NewFromConfig(cfg),
	}
}

// outputs returns the onboarding stack's outputs in a connected scenario.
func (c *clients) outputs(t *testing.T) map[string]string {
	t.Helper()
	st, ok := c.srv.Account().Stack(OnboardingStackName)
	if !ok {
		t.Fatalf("no %s stack", OnboardingStackName)
	}
	return st.Outputs
}

// httpStatus is the HTTP status of an SDK error (0 if none).
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// wantAPIError checks that err is the AWS error code with the HTTP status and
// a message containing msg.
func wantAPIError(t *testing.T, what string, err error, code string, status int, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: err = %v, want %s (%d)", what, err, code, status)
		return
	}
	if ae.ErrorCode() != code || httpStatus(err) != status || !bytes.Contains([]byte(ae.ErrorMessage()), []byte(msg)) {
		t.Errorf("%s: got %s (%d) %q, want %s (%d) containing %q", what, ae.ErrorCode(), httpStatus(err), ae.ErrorMessage(), code, status, msg)
	}
}

// signedJSON sends a hand-built AWS JSON 1.1 request signed with the SDK's
// SigV4 signer, as SellerDesk calls CAS (whose SDK module is not served).
func signedJSON(t *testing.T, srv *Server, service, target, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIDSANDBOX", SecretAccessKey: "sandbox-secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResponse{resp.StatusCode, resp.Header, string(b)}
}
