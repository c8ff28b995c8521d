package app

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// noNetwork is net/http's client on a machine whose network is down.
var noNetwork = &http.Client{Transport: &http.Transport{DialContext: func(_ context.Context, network, _ string) (net.Conn, error) {
	return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}
}}}

// whoAmIOffline is what the SDK itself returns for GetCallerIdentity when
// the machine has no network: "operation error STS: GetCallerIdentity,
// https response error StatusCode: 0, RequestID: , request send failed, …".
func whoAmIOffline(t *testing.T) error {
	t.Helper()
	cfg := aws.Config{Region: "eu-west-1", HTTPClient: noNetwork, Retryer: func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("the call succeeded")
	}
	return err
}

// A real profile with no network says it cannot reach AWS and what to
// check, never "is the sandbox running?", and no raw SDK text.
func TestFormatErrorRealProfileWithoutNetwork(t *testing.T) {
	err := whoAmIOffline(t)
	s := &Services{target: &targetNow{}}
	s.target.set(session.Target{Kind: session.KindProfile, Name: "work"})
	v, ok := s.FormatError(err).(*ErrorView)
	if !ok {
		t.Fatalf("FormatError gave %T", s.FormatError(err))
	}
	if v.Kind != string(awserr.Unreachable) {
		t.Fatalf("kind %q, want unreachable (%+v)", v.Kind, v)
	}
	b, _ := json.Marshal(v)
	for _, bad := range []string{"sandbox", "operation error", "StatusCode", "RequestID: ,", "https response error"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("%q in %s", bad, b)
		}
	}
	if !strings.Contains(v.Message, "cannot reach AWS at sts.eu-west-1.amazonaws.com") || !strings.Contains(v.Next, "VPN") {
		t.Errorf("words: %s", b)
	}
	for _, k := range []string{`"kind"`, `"message"`, `"next"`, `"code"`, `"requestId"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("%s lacks %s", b, k)
		}
	}
}

// The same failure on the sandbox asks about the sandbox.
func TestFormatErrorSandbox(t *testing.T) {
	s := &Services{target: &targetNow{}}
	s.target.set(session.Target{Kind: session.KindSandbox, Name: "fresh-seller"})
	v := s.FormatError(whoAmIOffline(t)).(*ErrorView)
	if v.Kind != string(awserr.Unreachable) || !strings.Contains(v.Next, "sandbox") {
		t.Errorf("%+v", v)
	}
}

// A bound method's own error (not AWS's) keeps its words.
func TestFormatErrorPlain(t *testing.T) {
	v := (&Services{}).FormatError(errors.New("no job ID given to resume")).(*ErrorView)
	if v.Kind != string(awserr.Other) || v.Message != "no job ID given to resume" {
		t.Errorf("%+v", v)
	}
}

// Launch refuses an invalid form with the field named.
func TestLaunchValidationNamesTheField(t *testing.T) {
	o := &Onboarding{}
	_, err := o.Launch(LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "12", Acknowledged: true})
	var e *awserr.Error
	if !errors.As(err, &e) || e.Kind != awserr.Validation || e.Field != "partnerAccountId" {
		t.Fatalf("%#v", err)
	}
}
