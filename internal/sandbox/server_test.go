package sandbox

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestGetCallerIdentityPerScenario(t *testing.T) {
	tests := []struct {
		scenario    string
		wantAccount string
		wantARN     string
	}{
		{"fresh", "111122223333", "arn:aws:iam::111122223333:user/sandbox-seller"},
		{"not-seller", "444455556666", "arn:aws:iam::444455556666:user/sandbox-user"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			srv, logs := startSandbox(t, tt.scenario)
			if got := srv.Scenario(); got != tt.scenario {
				t.Errorf("Scenario() = %q, want %q", got, tt.scenario)
			}
			client := sts.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
			out, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity: %v", err)
			}
			if got := *out.Account; got != tt.wantAccount {
				t.Errorf("Account = %q, want %q", got, tt.wantAccount)
			}
			if got := *out.Arn; got != tt.wantARN {
				t.Errorf("Arn = %q, want %q", got, tt.wantARN)
			}
			if got := *out.UserId; !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(got) {
				t.Errorf("UserId = %q, want AIDA + 17 characters", got)
			}
			if acct := srv.Account(); acct.ID != tt.wantAccount || acct.Region != "us-east-1" || *out.UserId != acct.UserID {
				t.Errorf("Account() = %s/%s/%s, does not match the response", acct.ID, acct.Region, acct.UserID)
			}
			if !strings.Contains(logs.all(), "sts GetCallerIdentity 200 request-id=") {
				t.Errorf("no request log line; logs:\n%s", logs.all())
			}
		})
	}
}

func TestResetChangesIdentity(t *testing.T) {
	srv, _ := startSandbox(t, "")
	client := sts.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	account := func() string {
		t.Helper()
		out, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity: %v", err)
		}
		return *out.Account
	}
	steps := []struct {
		reset string // "" = no reset
		want  string
	}{
		{"", "111122223333"},
		{"not-seller", "444455556666"},
		{"fresh", "111122223333"},
	}
	for _, st := range steps {
		if st.reset != "" {
			if err := srv.Reset(st.reset); err != nil {
				t.Fatalf("Reset(%q): %v", st.reset, err)
			}
			if srv.Scenario() != st.reset {
				t.Errorf("Scenario() = %q after Reset(%q)", srv.Scenario(), st.reset)
			}
		}
		if got := account(); got != st.want {
			t.Errorf("after Reset(%q): account %s, want %s", st.reset, got, st.want)
		}
	}
	err := srv.Reset("no-such-scenario")
	if err == nil || !strings.Contains(err.Error(), "fresh, not-seller") {
		t.Errorf("Reset(unknown) = %v, want an error listing the known scenarios", err)
	}
	if srv.Scenario() != "fresh" {
		t.Errorf("failed Reset changed the scenario to %q", srv.Scenario())
	}
}

// queryError is the awsquery error shape.
type queryError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

func TestQueryProtocolErrors(t *testing.T) {
	srv, logs := startSandbox(t, "fresh")
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range form {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	tests := []struct {
		name       string
		header     map[string]string
		body       string
		wantStatus int
		wantType   string
		wantCode   string
		wantMsg    string
	}{
		{"no authorization", form, "Action=GetCallerIdentity&Version=2011-06-15",
			403, "Sender", "MissingAuthenticationToken", "missing Authentication Token"},
		{"not sigv4", with(map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}), "Action=GetCallerIdentity&Version=2011-06-15",
			403, "Sender", "IncompleteSignature", "unsupported algorithm"},
		{"credential scope too short", with(map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/sts, SignedHeaders=host, Signature=abc"}), "Action=GetCallerIdentity",
			403, "Sender", "IncompleteSignature", "AKID/YYYYMMDD/REGION/SERVICE/aws4_request"},
		{"no signature", with(map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sts/aws4_request, SignedHeaders=host"}), "Action=GetCallerIdentity",
			403, "Sender", "IncompleteSignature", "'Signature'"},
		{"unknown action", with(map[string]string{"Authorization": fakeAuth("sts")}), "Action=GetSessionTokenPlease&Version=2011-06-15",
			400, "Sender", "InvalidAction", "Could not find operation GetSessionTokenPlease for version 2011-06-15"},
		{"wrong version", with(map[string]string{"Authorization": fakeAuth("sts")}), "Action=GetCallerIdentity&Version=2010-05-08",
			400, "Sender", "InvalidAction", "for version 2010-05-08"},
		{"missing action", with(map[string]string{"Authorization": fakeAuth("sts")}), "Version=2011-06-15",
			400, "Sender", "MissingAction", "Action"},
		{"unknown service", with(map[string]string{"Authorization": fakeAuth("ec2")}), "Action=DescribeInstances&Version=2016-11-15",
			501, "Receiver", "NotImplemented", `the SellerDesk sandbox does not implement service "ec2"`},
		{"assume role without role", with(map[string]string{"Authorization": fakeAuth("sts")}), "Action=AssumeRole&Version=2011-06-15&RoleSessionName=x1",
			400, "Sender", "ValidationError", "'roleArn'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := rawRequest(t, srv, http.MethodPost, "/", tt.header, tt.body)
			if resp.status != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if ct := resp.header.Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type = %q", ct)
			}
			var e queryError
			if err := xml.Unmarshal([]byte(resp.body), &e); err != nil {
				t.Fatalf("body is not an awsquery ErrorResponse: %v\n%s", err, resp.body)
			}
			if e.Error.Type != tt.wantType || e.Error.Code != tt.wantCode || !strings.Contains(e.Error.Message, tt.wantMsg) {
				t.Errorf("error = %+v, want type %s code %s message containing %q", e.Error, tt.wantType, tt.wantCode, tt.wantMsg)
			}
			id := resp.header.Get("x-amzn-RequestId")
			if !uuidPattern.MatchString(id) || e.RequestID != id {
				t.Errorf("request ID header %q / body %q: want the same UUID", id, e.RequestID)
			}
		})
	}
	for _, want := range []string{"- GetCallerIdentity 403 request-id=", "sts GetSessionTokenPlease 400", "ec2 DescribeInstances 501"} {
		if !strings.Contains(logs.all(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.all())
		}
	}
	if l := logs.all(); strings.Contains(l, "Signature=") || strings.Contains(l, "Basic ") || strings.Contains(l, "AKID") {
		t.Errorf("logs leak the Authorization header:\n%s", l)
	}
}

func TestRequestIDsAreFresh(t *testing.T) {
	srv, _ := startSandbox(t, "fresh")
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": fakeAuth("sts")}
	seen := map[string]bool{}
	for range 5 {
		resp := rawRequest(t, srv, http.MethodPost, "/", h, "Action=GetCallerIdentity&Version=2011-06-15")
		if resp.status != 200 {
			t.Fatalf("status %d: %s", resp.status, resp.body)
		}
		id := resp.header.Get("x-amzn-RequestId")
		if seen[id] || !uuidPattern.MatchString(id) {
			t.Fatalf("request ID %q is repeated or malformed", id)
		}
		seen[id] = true
		if !strings.Contains(resp.body, "<RequestId>"+id+"</RequestId>") ||
			!strings.HasPrefix(resp.body, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`) {
			t.Errorf("unexpected response body: %s", resp.body)
		}
	}
}

func TestQueryOverGET(t *testing.T) {
	srv, _ := startSandbox(t, "not-seller")
	resp := rawRequest(t, srv, http.MethodGet, "/?Action=GetCallerIdentity&Version=2011-06-15",
		map[string]string{"Authorization": fakeAuth("sts")}, "")
	if resp.status != 200 || !strings.Contains(resp.body, "<Account>444455556666</Account>") {
		t.Errorf("GET query: status %d body %s", resp.status, resp.body)
	}
}

func TestStartOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string // "" = must start
	}{
		{"default", Options{}, ""},
		{"explicit loopback", Options{Addr: "127.0.0.1:0"}, ""},
		{"localhost", Options{Addr: "localhost:0"}, ""},
		{"all interfaces", Options{Addr: "0.0.0.0:0"}, "only listens on loopback"},
		{"empty host", Options{Addr: ":0"}, "only listens on loopback"},
		{"ipv6 any", Options{Addr: "[::]:0"}, "only listens on loopback"},
		{"lan address", Options{Addr: "192.168.1.10:4566"}, "only listens on loopback"},
		{"hostname", Options{Addr: "example.com:80"}, "only listens on loopback"},
		{"no port", Options{Addr: "127.0.0.1"}, "invalid listen address"},
		{"unknown scenario", Options{Scenario: "launched-everything"}, `unknown sandbox scenario "launched-everything" (known scenarios: cas-broken, catalog-bench, catalog-denied, catalog-large, connected, fresh, not-seller, rollback, sdds-broken, throttled)`},
		{"negative time scale", Options{TimeScale: -1}, "TimeScale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := Start(t.Context(), tt.opts)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Start: %v", err)
				}
				defer srv.Close()
				if !regexp.MustCompile(`^http://(127\.0\.0\.1|\[::1\]):[0-9]+$`).MatchString(srv.URL()) {
					t.Errorf("URL() = %q", srv.URL())
				}
				if srv.Scenario() != "fresh" || srv.TimeScale() != 1 {
					t.Errorf("defaults: scenario %q time scale %v", srv.Scenario(), srv.TimeScale())
				}
				return
			}
			if err == nil {
				srv.Close()
				t.Fatalf("Start(%+v) succeeded, want error containing %q", tt.opts, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestScenarioRegistry(t *testing.T) {
	names := ScenarioNames()
	if strings.Join(names, ",") != "cas-broken,catalog-bench,catalog-denied,catalog-large,connected,fresh,not-seller,rollback,sdds-broken,throttled" {
		t.Errorf("ScenarioNames() = %v", names)
	}
	for _, sc := range Scenarios() {
		if sc.Description == "" || sc.Setup == nil {
			t.Errorf("scenario %q lacks a description or setup", sc.Name)
		}
		a, err := sc.build()
		if err != nil {
			t.Errorf("scenario %q: %v", sc.Name, err)
			continue
		}
		a.shutdown()
	}
	tests := []struct {
		name    string
		wantErr bool
	}{{"fresh", false}, {"not-seller", false}, {"", true}, {"Fresh", true}}
	for _, tt := range tests {
		sc, err := LookupScenario(tt.name)
		switch {
		case tt.wantErr && (err == nil || !strings.Contains(err.Error(), "known scenarios: cas-broken, catalog-bench, catalog-denied, catalog-large, connected, fresh, not-seller, rollback, sdds-broken")):
			t.Errorf("LookupScenario(%q) error = %v, want one listing the known names", tt.name, err)
		case !tt.wantErr && (err != nil || sc.Name != tt.name):
			t.Errorf("LookupScenario(%q) = %q, %v", tt.name, sc.Name, err)
		}
	}
	fresh, _ := LookupScenario("fresh")
	notSeller, _ := LookupScenario("not-seller")
	a, _ := fresh.build()
	b, _ := notSeller.build()
	if !a.Seller || b.Seller {
		t.Errorf("Seller: fresh %v, not-seller %v", a.Seller, b.Seller)
	}
}

func TestContextCancelStopsServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after its context was cancelled")
	}
	if _, err := http.Get(srv.URL()); err == nil {
		t.Error("server still answers after its context was cancelled")
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// apiErrorCode unwraps the SDK's smithy.APIError.
func apiErrorCode(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

func TestSDKSeesUnknownService(t *testing.T) {
	srv, _ := startSandbox(t, "fresh")
	cfg := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	// Sign STS's request with another service's name, as a client for a
	// service the sandbox lacks would.
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, withSigningName("ec2"))
	})
	_, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	code, msg := apiErrorCode(err)
	if code != "NotImplemented" || !strings.Contains(msg, `does not implement service "ec2"`) {
		t.Errorf("err = %v; want NotImplemented naming ec2", err)
	}
}
