package onboarding

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// TestRetryAfterRollback: on the rollback scenario a stack with
// CloudFormation-generated bucket names fails; Retry with explicit names
// deletes it, waits for the delete, creates it again, and keeps the failed
// attempt as Previous. Bad new values or a stack that did not fail are
// refused before anything is deleted.
func TestRetryAfterRollback(t *testing.T) {
	srv, err := sandbox.Start(t.Context(), sandbox.Options{Scenario: "rollback", TimeScale: 200})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := testaws.Config(srv.URL())
	cfn := cloudformation.NewFromConfig(cfg)
	w := &Watcher{CFN: cfn, IAM: iam.NewFromConfig(cfg), Polling: Polling{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond}}
	ctx := t.Context()

	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-retry-external-id"}
	rec, err := Launch(ctx, cfn, "k", DefaultStackName, p)
	if err != nil {
		t.Fatal(err)
	}
	failed, err := w.Watch(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if failed.Phase != PhaseError {
		t.Fatalf("the rollback scenario's first launch ended %s (%s), want Error", failed.Phase, failed.Status)
	}

	refusals := []struct {
		name  string
		rec   StackRecord
		stack string
		p     template.Parameters
		want  func(error) bool
	}{
		{"a stack that did not fail", StackRecord{StackName: DefaultStackName, Phase: PhaseConnected, Status: "CREATE_COMPLETE"}, DefaultStackName, p,
			func(err error) bool { var e *NotRetryableError; return errors.As(err, &e) }},
		{"a bad stack name", failed, "1-not valid", p, func(err error) bool { return err != nil }},
		{"a bad partner account", failed, DefaultStackName, template.Parameters{PartnerAccountID: "12", ExternalID: p.ExternalID},
			func(err error) bool { var ve template.ValidationErrors; return errors.As(err, &ve) }},
	}
	for _, tt := range refusals {
		if _, err := Retry(ctx, cfn, w, tt.rec, tt.stack, tt.p); !tt.want(err) {
			t.Errorf("%s: Retry error = %v", tt.name, err)
		}
	}
	// None of the refusals touched the failed stack.
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(failed.StackID)})
	if err != nil || len(out.Stacks) == 0 || string(out.Stacks[0].StackStatus) != failed.Status {
		t.Fatalf("after the refused retries the failed stack is %v (err %v), want still %s", out, err, failed.Status)
	}

	fixed := p
	fixed.CasBucketName, fixed.SddsBucketName = "sellerdesk-retry-cas-bucket", "sellerdesk-retry-sdds-bucket"
	next, err := Retry(ctx, cfn, w, failed, DefaultStackName, fixed)
	if err != nil {
		t.Fatal(err)
	}
	if next.Previous == nil || next.Previous.StackID != failed.StackID || next.Previous.Failure == nil {
		t.Fatalf("Previous = %+v, want the failed attempt with its failure", next.Previous)
	}
	if next.StackID == failed.StackID {
		t.Fatalf("the retry reused stack ID %s: it should be a new stack", next.StackID)
	}
	end, err := w.Watch(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if end.Status != "CREATE_COMPLETE" || end.Phase != PhaseConnected {
		t.Fatalf("the retried stack ended %s, %s (%s), want CREATE_COMPLETE and Connected", end.Status, end.Phase, end.StatusReason)
	}
}
