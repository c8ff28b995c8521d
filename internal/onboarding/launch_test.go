package onboarding

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// startSandbox serves the embedded sandbox for the test.
func startSandbox(t *testing.T, scale float64) string {
	t.Helper()
	srv, err := sandbox.Start(t.Context(), sandbox.Options{Scenario: "fresh", TimeScale: scale})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv.URL()
}

// quickClients reach endpoint with the standard retryer, its backoff
// shortened so that a test exhausting the retries stays fast.
func quickClients(endpoint string) (*cloudformation.Client, *iam.Client) {
	cfg := testaws.Config(endpoint)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 20 * time.Millisecond })
	}
	return cloudformation.NewFromConfig(cfg), iam.NewFromConfig(cfg)
}

// action matches the requests of one query-protocol action; first limits
// it to the first n of them (0: all).
func action(name string, first int64) func(*http.Request, []byte) bool {
	var seen atomic.Int64
	return func(_ *http.Request, body []byte) bool {
		if !bytes.Contains(body, []byte("Action="+name+"&")) {
			return false
		}
		return first == 0 || seen.Add(1) <= first
	}
}

// TestCreateStackThroughALostAnswer: CreateStack is not idempotent, but its
// ClientRequestToken makes the SDK's retry after a lost or cut-short answer
// the same request: Launch returns the one stack created.
func TestCreateStackThroughALostAnswer(t *testing.T) {
	tests := []struct {
		name   string
		faults testaws.Faults
	}{
		{"answer lost", testaws.Faults{LoseResponse: 1, Match: action("CreateStack", 1)}},
		{"answer cut short", testaws.Faults{Truncate: 1, Match: action("CreateStack", 1)}},
		{"dropped before it arrived", testaws.Faults{Drop: 1, Match: action("CreateStack", 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sandboxURL := startSandbox(t, 1000)
			proxy := testaws.StartFaultProxy(t, sandboxURL, tc.faults)
			cfn, _ := quickClients(proxy.URL)
			p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-token-external-id"}
			rec, err := Launch(t.Context(), cfn, "test", "Once", p)
			if err != nil {
				t.Fatalf("launch: %v (proxy %s)", err, proxy.Counts())
			}
			direct, _ := quickClients(sandboxURL)
			out, err := direct.ListStacks(t.Context(), &cloudformation.ListStacksInput{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.StackSummaries) != 1 || aws.ToString(out.StackSummaries[0].StackId) != rec.StackID {
				t.Errorf("stacks %+v, want the one Launch returned (%s)", out.StackSummaries, rec.StackID)
			}
		})
	}
}

// tokenlessCFN is a CloudFormation that does not recognise a retry: the
// repeated CreateStack is refused with AlreadyExistsException.
type tokenlessCFN struct {
	CFN
	creatorToken string // the token the stack's creation event carries
	lastToken    string
}

func (f *tokenlessCFN) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return nil, notFoundErr{}
}

func (f *tokenlessCFN) CreateStack(_ context.Context, in *cloudformation.CreateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error) {
	f.lastToken = aws.ToString(in.ClientRequestToken)
	return nil, &cfntypes.AlreadyExistsException{Message: aws.String("Stack [S] already exists")}
}

func (f *tokenlessCFN) DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	token := f.creatorToken
	if token == "" {
		token = f.lastToken
	}
	return &cloudformation.DescribeStackEventsOutput{StackEvents: []cfntypes.StackEvent{
		{StackId: aws.String("arn:stack/S/1"), LogicalResourceId: aws.String("S"), ResourceStatus: cfntypes.ResourceStatusCreateInProgress, ClientRequestToken: aws.String(token)},
	}}, nil
}

type notFoundErr struct{}

func (notFoundErr) Error() string                 { return "api error ValidationError: Stack with id S does not exist" }
func (notFoundErr) ErrorCode() string             { return "ValidationError" }
func (notFoundErr) ErrorMessage() string          { return "Stack with id S does not exist" }
func (notFoundErr) ErrorFault() smithy.ErrorFault { return 0 }

// TestLaunchAdoptsItsOwnCreate: AlreadyExistsException on Launch's own
// create (its token on the creation event) is that create; someone else's
// stack is refused.
func TestLaunchAdoptsItsOwnCreate(t *testing.T) {
	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-token-external-id"}
	tests := []struct {
		name    string
		creator string // "" = the token Launch sent
		wantErr bool
	}{
		{"created by this launch", "", false},
		{"created by another request", "someone-else", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Launch(t.Context(), &tokenlessCFN{creatorToken: tc.creator}, "test", "S", p)
			if tc.wantErr {
				var ae *cfntypes.AlreadyExistsException
				if !errors.As(err, &ae) {
					t.Fatalf("err %v, want the AlreadyExistsException", err)
				}
				return
			}
			if err != nil || rec.StackID != "arn:stack/S/1" || rec.Phase != PhaseLaunching {
				t.Fatalf("rec %+v, err %v", rec, err)
			}
		})
	}
}

// TestWatchOfAVanishedStack: a stack CloudFormation no longer knows ends a
// delete as deleted, and any other watch with a *StackNotFoundError (the
// window then shows it gone, not an error).
func TestWatchOfAVanishedStack(t *testing.T) {
	sandboxURL := startSandbox(t, 1000)
	cfn, iamc := quickClients(sandboxURL)
	tests := []struct {
		op        string
		wantGone  bool // *StackNotFoundError
		wantPhase Phase
	}{
		{"delete", false, PhaseNotConnected},
		{"create", true, ""},
		{"update", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			rec := StackRecord{StackName: "Vanished", StackID: "arn:aws:cloudformation:us-east-1:111122223333:stack/Vanished/1", Operation: tc.op}
			got, err := (&Watcher{CFN: cfn, IAM: iamc, Polling: fastPolling}).Watch(t.Context(), rec)
			var gone *StackNotFoundError
			if errors.As(err, &gone) != tc.wantGone {
				t.Fatalf("err %v, want a *StackNotFoundError: %v", err, tc.wantGone)
			}
			if !tc.wantGone && (err != nil || got.Phase != tc.wantPhase) {
				t.Errorf("phase %s err %v, want %s", got.Phase, err, tc.wantPhase)
			}
		})
	}
}
