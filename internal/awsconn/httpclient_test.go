package awsconn

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestDeadlinesUnreachable(t *testing.T) {
	isolate(t)
	never := testaws.ListenNeverAnswer(t)
	keys := &StaticKeys{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	tests := []struct {
		name string
		// endpoint returns the endpoint override.
		endpoint  string
		profile   bool // load through a profile (LoadDefaultConfig), not static keys
		deadlines Deadlines
		attempts  int           // SDK attempts; 0 = the SDK's default (retries on)
		callerTTL time.Duration // a deadline on the caller's context; 0 = none
		want      bool          // want *UnreachableError
		within    time.Duration // its Within
		deadline  bool          // errors.Is(err, context.DeadlineExceeded)
	}{
		{name: "whole call, static keys, retries on", endpoint: never, deadlines: Deadlines{Call: 300 * time.Millisecond},
			want: true, within: 300 * time.Millisecond, deadline: true},
		{name: "whole call, profile from the files", endpoint: never, profile: true, deadlines: Deadlines{Call: 300 * time.Millisecond},
			want: true, within: 300 * time.Millisecond, deadline: true},
		{name: "first byte", endpoint: never, deadlines: Deadlines{FirstByte: 100 * time.Millisecond, Call: time.Hour}, attempts: 1,
			want: true, within: 100 * time.Millisecond, deadline: true}, // net/http's header timeout Is DeadlineExceeded
		{name: "first byte, through a profile", endpoint: never, profile: true, deadlines: Deadlines{FirstByte: 100 * time.Millisecond, Call: time.Hour}, attempts: 1,
			want: true, within: 100 * time.Millisecond, deadline: true},
		{name: "connection refused", endpoint: closedPort(t), deadlines: Deadlines{Call: time.Hour}, attempts: 1,
			want: true},
		{name: "caller's earlier deadline is the caller's", endpoint: never, deadlines: Deadlines{Call: time.Hour}, callerTTL: 200 * time.Millisecond,
			deadline: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := Target{Region: "us-east-1", EndpointURL: tc.endpoint, StaticKeys: keys}
			o := LoadOptions{Deadlines: tc.deadlines, Files: Files{Config: "", Credentials: ""}}
			if tc.profile {
				target = Target{Profile: "p", Region: "us-east-1", EndpointURL: tc.endpoint}
				o.Files = writeFiles(t, "", "[p]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
			}
			ctx := context.Background()
			if tc.callerTTL > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.callerTTL)
				defer cancel()
			}
			cfg, err := Load(ctx, target, o)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sts.NewFromConfig(cfg, func(so *sts.Options) {
				if tc.attempts > 0 {
					so.RetryMaxAttempts = tc.attempts
				}
			}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err == nil {
				t.Fatal("GetCallerIdentity succeeded against an endpoint that never answers")
			}
			var ue *UnreachableError
			if got := errors.As(err, &ue); got != tc.want {
				t.Fatalf("errors.As(*UnreachableError) = %v, want %v: %v", got, tc.want, err)
			}
			if errors.Is(err, context.DeadlineExceeded) != tc.deadline {
				t.Errorf("errors.Is(DeadlineExceeded) = %v, want %v: %v", !tc.deadline, tc.deadline, err)
			}
			if ue == nil {
				return
			}
			if ue.Within != tc.within {
				t.Errorf("Within = %v, want %v", ue.Within, tc.within)
			}
			if ue.Endpoint == "" || ue.Endpoint != tc.endpoint[len("http://"):] {
				t.Errorf("Endpoint = %q, want the host of %s", ue.Endpoint, tc.endpoint)
			}
		})
	}
}

func TestDeadlinesDefaults(t *testing.T) {
	got := Deadlines{}.withDefaults()
	want := Deadlines{Connect: 5 * time.Second, TLS: 5 * time.Second, FirstByte: 15 * time.Second, Call: 30 * time.Second}
	if got != want {
		t.Fatalf("defaults %+v, want %+v", got, want)
	}
	ue := &UnreachableError{Endpoint: "sts.us-east-1.amazonaws.com", Within: got.Call}
	if ue.Error() != "could not reach AWS at sts.us-east-1.amazonaws.com within 30s: check your network, VPN or proxy (or --endpoint-url)" {
		t.Errorf("message %q", ue.Error())
	}
}

func TestDescribeErrorUnreachableTimeout(t *testing.T) {
	err := &UnreachableError{Endpoint: "sts.us-east-1.amazonaws.com", Within: 30 * time.Second, Err: context.DeadlineExceeded}
	got := DescribeError(errors.Join(errors.New("operation error STS: GetCallerIdentity"), err))
	want := "Could not reach AWS at sts.us-east-1.amazonaws.com within 30s: check your network, VPN or proxy (or --endpoint-url)."
	if got != want {
		t.Errorf("DescribeError = %q, want %q", got, want)
	}
}

// The MFA prompt waits for a person: the call deadline starts once the
// credentials are there, and the AssumeRole call has its own.
func TestDeadlineExcludesTheMFAPrompt(t *testing.T) {
	isolate(t)
	fake := newFakeSTS(t)
	f := writeFiles(t, mfaConfig, mfaCredentials)
	rec := &promptRecorder{delay: 300 * time.Millisecond} // the user types for three call deadlines
	cfg, err := Load(context.Background(), Target{Profile: "mfa", EndpointURL: fake.URL},
		LoadOptions{Files: f, MFA: rec.prompt, Deadlines: Deadlines{Call: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WhoAmI(context.Background(), cfg, "mfa"); err != nil {
		t.Fatalf("WhoAmI after a slow MFA prompt: %v", err)
	}
	if rec.count() != 1 || len(fake.assumed()) != 1 {
		t.Errorf("%d prompts, %d AssumeRole calls; want 1 and 1", rec.count(), len(fake.assumed()))
	}
}
