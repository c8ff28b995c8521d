package awserr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
)

// answer is what the SDK returns when AWS answered: the operation error
// around the response error around the API error.
func answer(service, op string, status int, requestID string, api error) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: api},
		RequestID:     requestID,
	}}
}

// unanswered is what the SDK returns when the request never got a response:
// "operation error STS: GetCallerIdentity, https response error StatusCode: 0, RequestID: , request send failed, …".
func unanswered(service, op, rawURL string, cause error) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{}},
			Err: &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: rawURL, Err: cause}}},
	}}
}

func generic(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

func refused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(52, 94, 133, 131), Port: 443},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	const rid = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
	denied := "User: arn:aws:iam::123456789012:user/ana is not authorized to perform: cloudformation:CreateStack on resource: arn:aws:cloudformation:us-east-1:123456789012:stack/x/*"
	tests := []struct {
		name      string
		err       error
		opts      []Option
		kind      Kind
		code      string
		requestID string
		action    string
		field     string
		message   []string // substrings of Message
		next      []string // substrings of Next
		notIn     []string // in neither Message nor Next
	}{
		{name: "throttled by code", err: answer("Marketplace Catalog", "ListEntities", 400, rid, generic("ThrottlingException", "Rate exceeded")),
			kind: Throttled, code: "ThrottlingException", requestID: rid, next: []string{"Wait a minute"}},
		{name: "throttled after the retryer gave up", err: &retry.MaxAttemptsError{Attempt: 3, Err: answer("CloudFormation", "DescribeStacks", 400, rid, generic("Throttling", "Rate exceeded"))},
			kind: Throttled, code: "Throttling", requestID: rid},
		{name: "throttled by 429 alone", err: answer("Marketplace Catalog", "DescribeEntity", 429, rid, generic("", "")),
			kind: Throttled, requestID: rid},
		{name: "access denied names the action AWS gave", err: answer("CloudFormation", "CreateStack", 403, rid, generic("AccessDenied", denied)),
			kind: AccessDenied, code: "AccessDenied", requestID: rid, action: "cloudformation:CreateStack",
			message: []string{"cloudformation:CreateStack"}, next: []string{"allow cloudformation:CreateStack"}},
		{name: "access denied of the Catalog, typed, from the operation", err: answer("Marketplace Catalog", "ListEntities", 403, rid, &mctypes.AccessDeniedException{Message: strPtr("denied")}),
			kind: AccessDenied, code: "AccessDeniedException", requestID: rid, action: "aws-marketplace:ListEntities",
			next: []string{"Policies tab"}},
		{name: "not found by code", err: answer("IAM", "GetRole", 404, rid, generic("NoSuchEntity", "The role with name x cannot be found.")),
			kind: NotFound, code: "NoSuchEntity", requestID: rid, message: []string{"cannot be found"}},
		{name: "CloudFormation's missing stack", err: answer("CloudFormation", "DescribeStacks", 400, rid, generic("ValidationError", "Stack with id SellerDesk does not exist")),
			kind: NotFound, code: "ValidationError", requestID: rid, message: []string{"Stack with id SellerDesk does not exist"}},
		{name: "CloudFormation's other ValidationError", err: answer("CloudFormation", "CreateStack", 400, rid, generic("ValidationError", "Parameter 'ExternalId' must match pattern")),
			kind: Validation, code: "ValidationError", requestID: rid},
		{name: "insufficient capabilities, typed", err: answer("CloudFormation", "CreateStack", 400, rid, &cfntypes.InsufficientCapabilitiesException{Message: strPtr("Requires capabilities : [CAPABILITY_NAMED_IAM]")}),
			kind: Validation, code: "InsufficientCapabilitiesException"},
		{name: "expired token", err: answer("STS", "GetCallerIdentity", 400, rid, generic("ExpiredToken", "The security token included in the request is expired")),
			kind: ExpiredCredentials, code: "ExpiredToken", requestID: rid},
		{name: "unknown access key", err: answer("STS", "GetCallerIdentity", 403, rid, generic("InvalidClientTokenId", "The security token included in the request is invalid.")),
			kind: InvalidCredentials, code: "InvalidClientTokenId"},
		{name: "bad secret", err: answer("STS", "GetCallerIdentity", 403, rid, generic("SignatureDoesNotMatch", "…")),
			kind: InvalidCredentials, code: "SignatureDoesNotMatch", next: []string{"clock"}},
		{name: "server error", err: answer("CloudFormation", "CreateStack", 500, rid, generic("InternalFailure", "")),
			kind: Other, code: "InternalFailure", requestID: rid, next: []string{"few minutes"}},
		{name: "refused, a real profile: no sandbox", err: unanswered("STS", "GetCallerIdentity", "https://sts.us-east-1.amazonaws.com/", refused()),
			kind: Unreachable, message: []string{"cannot reach AWS at sts.us-east-1.amazonaws.com", "refused"}, next: []string{"network", "VPN", "proxy"},
			notIn: []string{"sandbox", "operation error", "StatusCode", "RequestID"}},
		{name: "no DNS, a real profile", err: unanswered("STS", "GetCallerIdentity", "https://sts.us-east-1.amazonaws.com/", &net.DNSError{Err: "no such host", Name: "sts.us-east-1.amazonaws.com", IsNotFound: true}),
			kind: Unreachable, message: []string{"sts.us-east-1.amazonaws.com", "looked up"}, notIn: []string{"sandbox", "StatusCode"}},
		{name: "awsconn's deadline", err: unanswered("CloudFormation", "DescribeStacks", "https://cloudformation.us-east-1.amazonaws.com/",
			&awsconn.UnreachableError{Endpoint: "cloudformation.us-east-1.amazonaws.com", Within: 10 * time.Second, Err: timeoutErr{}}),
			kind: Unreachable, message: []string{"within 10s"}, notIn: []string{"sandbox"}},
		{name: "dial timeout", err: unanswered("STS", "GetCallerIdentity", "https://sts.amazonaws.com/", &net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}),
			kind: Unreachable, message: []string{"in time"}},
		{name: "the sandbox, refused", err: unanswered("STS", "GetCallerIdentity", "http://127.0.0.1:41234/", refused()), opts: []Option{Sandbox(true)},
			kind: Unreachable, message: []string{"sandbox did not answer"}, next: []string{"Is the sandbox running?"}},
		{name: "an endpoint override, refused", err: unanswered("STS", "GetCallerIdentity", "http://localhost:4566/", refused()), opts: []Option{Endpoint("http://localhost:4566")},
			kind: Unreachable, message: []string{"endpoint override http://localhost:4566"}, notIn: []string{"sandbox"}},
		{name: "a caller's deadline", err: fmt.Errorf("following the stack: %w", context.DeadlineExceeded), kind: Unreachable},
		{name: "sso sign-in", err: &awsconn.SSOLoginRequiredError{Profile: "corp", StartURL: "https://x.awsapps.com/start"}, kind: SSOLogin, next: []string{"Sign in"}},
		{name: "sso portal 401", err: answer("SSO", "GetRoleCredentials", 401, rid, generic("UnauthorizedException", "Session token not found or invalid")), kind: SSOLogin, code: "UnauthorizedException"},
		{name: "no credentials", err: fmt.Errorf("loading: %w", awsconn.ErrNoCredentials), kind: NoCredentials},
		{name: "unknown profile", err: &awsconn.ProfileNotFoundError{Name: "gone"}, kind: UnknownProfile, next: []string{"listed profiles"}},
		{name: "config file", err: &awsconn.ParseError{File: "/home/a/.aws/config", Line: 3, Msg: "bad line"}, kind: ConfigFile, message: []string{"config:3"}},
		{name: "credential_process", err: &awsconn.CredentialProcessError{Profile: "p", Reason: "exited with status 1"}, kind: ProfileProblem},
		{name: "endpoint override refused", err: &awsconn.EndpointURLError{Source: "--endpoint-url", Value: "ftp://x", Reason: "must be http or https"},
			kind: Validation, field: "endpoint-url"},
		{name: "SellerDesk's own error", err: errors.New("only a stack in Error can be retried"), kind: Other, message: []string{"only a stack in Error can be retried"}},
		{name: "SDK error that is neither", err: &smithy.OperationError{ServiceID: "STS", OperationName: "GetCallerIdentity", Err: fmt.Errorf("failed to sign request: %w", errors.New("bad region"))},
			kind: Other, message: []string{"STS GetCallerIdentity failed: bad region"}, notIn: []string{"operation error"}},
		{name: "a field SellerDesk checked", err: fmt.Errorf("launch: %w", Invalid("externalId", "The external ID is empty.")), kind: Validation, field: "externalId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Classify(tt.err, tt.opts...)
			if e.Kind != tt.kind {
				t.Fatalf("Kind = %q, want %q (message %q)", e.Kind, tt.kind, e.Message)
			}
			if e.Code != tt.code && tt.code != "" {
				t.Errorf("Code = %q, want %q", e.Code, tt.code)
			}
			if e.RequestID != tt.requestID && tt.requestID != "" {
				t.Errorf("RequestID = %q, want %q", e.RequestID, tt.requestID)
			}
			if e.Action != tt.action {
				t.Errorf("Action = %q, want %q", e.Action, tt.action)
			}
			if e.Field != tt.field {
				t.Errorf("Field = %q, want %q", e.Field, tt.field)
			}
			if e.Message == "" || (e.Next == "" && e.Kind != Other) {
				t.Errorf("empty words: %+v", e)
			}
			for _, s := range tt.message {
				if !strings.Contains(e.Message, s) {
					t.Errorf("Message %q lacks %q", e.Message, s)
				}
			}
			for _, s := range tt.next {
				if !strings.Contains(e.Next, s) {
					t.Errorf("Next %q lacks %q", e.Next, s)
				}
			}
			for _, s := range tt.notIn {
				if strings.Contains(e.Message, s) || strings.Contains(e.Next, s) {
					t.Errorf("%q in %q / %q", s, e.Message, e.Next)
				}
			}
			if !errors.Is(e, tt.err) && !errors.As(tt.err, new(*Error)) {
				t.Errorf("the classified error does not unwrap to the original")
			}
			if again := Classify(e); again != e {
				t.Errorf("classifying twice gave a new error")
			}
			if again := Classify(fmt.Errorf("wrapped: %w", e)); again != e {
				t.Errorf("classifying a wrapped *Error gave a new error")
			}
		})
	}
}

func TestClassifyNil(t *testing.T) {
	if Classify(nil) != nil || Format(nil) != nil || Of(nil) != "" {
		t.Fatal("nil must stay nil")
	}
}

func TestEveryKindHasATitle(t *testing.T) {
	seen := map[Kind]bool{}
	for _, k := range Kinds {
		if Titles[k] == "" {
			t.Errorf("%q has no title", k)
		}
		if seen[k] {
			t.Errorf("%q twice in Kinds", k)
		}
		seen[k] = true
	}
	if len(Titles) != len(Kinds) {
		t.Errorf("Titles has %d entries, Kinds %d", len(Titles), len(Kinds))
	}
}

func TestRedacted(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	err := answer("STS", "GetCallerIdentity", 400, "r", generic("ValidationError", "bad header X-Amz-Security-Token: "+secret+" aws_secret_access_key="+secret))
	v := Format(err)
	b, _ := json.Marshal(v)
	if strings.Contains(string(b), secret) {
		t.Fatalf("secret in %s", b)
	}
	var buf bytes.Buffer
	Render(&buf, "sellerdesk status", err)
	if strings.Contains(buf.String(), secret) {
		t.Fatalf("secret in %s", buf.String())
	}
}

func TestViewJSON(t *testing.T) {
	v := Format(answer("CloudFormation", "CreateStack", 403, "req-1", generic("AccessDenied", "not authorized to perform: iam:CreateRole on resource: x")))
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	_ = json.Unmarshal(b, &got)
	for k, want := range map[string]string{"kind": "access-denied", "code": "AccessDenied", "requestId": "req-1", "action": "iam:CreateRole"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q (%s)", k, got[k], want, b)
		}
	}
	if got["message"] == "" || got["next"] == "" {
		t.Errorf("no words: %s", b)
	}
}

func TestRender(t *testing.T) {
	var buf bytes.Buffer
	Render(&buf, "sellerdesk status", unanswered("STS", "GetCallerIdentity", "https://sts.us-east-1.amazonaws.com/", refused()))
	want := "sellerdesk status: SellerDesk cannot reach AWS at sts.us-east-1.amazonaws.com (the connection was refused).\n" +
		"  Next: Check your network connection, VPN or proxy, then try again.\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	Render(&buf, "sellerdesk onboard", answer("CloudFormation", "CreateStack", 403, "req-9", generic("AccessDenied", "not authorized to perform: cloudformation:CreateStack on resource: x")))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || lines[2] != "  AWS code: AccessDenied · request ID: req-9" {
		t.Errorf("got %q", lines)
	}
}

// The CLI's next step names no button of the window.
func TestRenderTerminalWords(t *testing.T) {
	for _, err := range []error{
		&awsconn.SSOLoginRequiredError{Profile: "corp", StartURL: "https://x.awsapps.com/start"},
		&awsconn.ProfileNotFoundError{Name: "gone"},
		awsconn.ErrNoCredentials,
		&awsconn.ParseError{File: "/home/a/.aws/config", Line: 3, Msg: "bad line"},
		answer("STS", "GetCallerIdentity", 400, "r", generic("ExpiredToken", "expired")),
	} {
		var buf bytes.Buffer
		Render(&buf, "sellerdesk status", err)
		for _, window := range []string{"choose", "“", "refresh.", "listed profiles", "keep using the sandbox"} {
			if strings.Contains(buf.String(), window) {
				t.Errorf("%q in %s", window, buf.String())
			}
		}
	}
}

func strPtr(s string) *string { return &s }
