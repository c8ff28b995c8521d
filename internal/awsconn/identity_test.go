package awsconn

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestWhoAmI(t *testing.T) {
	isolate(t)
	sts := newFakeSTS(t)
	ctx := context.Background()
	load := func(key string) Target {
		return Target{Region: "eu-west-1", EndpointURL: sts.URL, StaticKeys: &StaticKeys{AccessKeyID: key, SecretAccessKey: "test"}}
	}
	tests := []struct {
		name    string
		key     string
		want    Identity
		wantErr string // substring of DescribeError
	}{
		{name: "ok", key: "AKIDTEST", want: Identity{Account: "123456789012", ARN: "arn:aws:iam::123456789012:user/alice",
			UserID: "AIDAEXAMPLEUSERID", Region: "eu-west-1", Profile: "sandbox"}},
		{name: "expired token", key: "AKIDEXPIRED", wantErr: "ExpiredToken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(ctx, load(tc.key), LoadOptions{Files: writeFilesNoT()})
			if err != nil {
				t.Fatal(err)
			}
			id, err := WhoAmI(ctx, cfg, "sandbox")
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), "checking identity with STS: ") {
					t.Fatalf("err = %v", err)
				}
				if d := DescribeError(err); !strings.Contains(d, tc.wantErr) {
					t.Errorf("DescribeError = %q, want %q", d, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id != tc.want {
				t.Errorf("got %+v, want %+v", id, tc.want)
			}
		})
	}
}

func TestDescribeErrorUnreachable(t *testing.T) {
	isolate(t)
	srv := httptest.NewServer(nil)
	endpoint := srv.URL
	srv.Close() // nothing listens there any more
	cfg, err := Load(context.Background(), Target{EndpointURL: endpoint, StaticKeys: &StaticKeys{AccessKeyID: "a", SecretAccessKey: "b"}},
		LoadOptions{Files: writeFilesNoT()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.RetryMaxAttempts = 1
	_, err = WhoAmI(context.Background(), cfg, "")
	if err == nil {
		t.Fatal("want an error")
	}
	want := "could not reach " + endpoint + " ("
	if d := DescribeError(err); !strings.HasPrefix(d, want) || !strings.Contains(d, "check your network, VPN or proxy") || strings.Contains(d, "sandbox") {
		t.Errorf("DescribeError = %q, want prefix %q, the network to check and no sandbox", d, want)
	}
}

func TestDescribeError(t *testing.T) {
	api := func(code string) error {
		return fmt.Errorf("checking identity with STS: %w", &smithy.GenericAPIError{Code: code, Message: "msg from aws"})
	}
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"nil", nil, []string{""}},
		{"no credentials", fmt.Errorf("x: %w", ErrNoCredentials), []string{"aws configure", "profile"}},
		{"sso expired", &SSOLoginRequiredError{Profile: "dev", StartURL: "https://x/start", Expired: true}, []string{"expired", "aws sso login --profile dev"}},
		{"sso missing", &SSOLoginRequiredError{Profile: "dev", StartURL: "https://x/start"}, []string{"not signed in", "aws sso login --profile dev"}},
		{"profile not found", &ProfileNotFoundError{Name: "x", Files: []string{"/a/config"}}, []string{`"x" not found`, "/a/config", "sellerdesk profiles"}},
		{"parse error", &ParseError{File: "/a/config", Line: 3, Msg: "empty section name"}, []string{"/a/config:3: empty section name"}},
		{"expired token", api("ExpiredToken"), []string{"expired", "(ExpiredToken)", "msg from aws"}},
		{"invalid key", api("InvalidClientTokenId"), []string{"does not recognise the access key", "(InvalidClientTokenId)"}},
		{"bad secret", api("SignatureDoesNotMatch"), []string{"secret access key does not match", "(SignatureDoesNotMatch)"}},
		{"access denied", api("AccessDenied"), []string{"Access denied (AccessDenied)", "not allowed"}},
		{"access denied exception", api("AccessDeniedException"), []string{"(AccessDeniedException)"}},
		{"other api error", api("Throttling"), []string{"(Throttling)", "msg from aws"}},
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), []string{"timed out"}},
		{"plain", errors.New("boom"), []string{"boom"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DescribeError(tc.err)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("DescribeError = %q, want it to contain %q", got, w)
				}
			}
		})
	}
}
