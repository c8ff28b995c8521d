package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// servedSandbox runs a sandbox the CLI reaches by --endpoint-url, as a
// second terminal running `sellerdesk sandbox` would, so that one test can
// drive several CLI invocations against the same stacks.
func servedSandbox(t *testing.T, scale float64) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh", TimeScale: scale})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	return srv.URL()
}

// TestStackWatchAndDeleteFollowToTheEnd: at a pace where a delete spans
// several polls, `stack delete --yes` returns only when the stack is gone;
// a second launch on an in-progress stack says how to follow it, and
// `stack watch` follows it to Connected.
func TestStackWatchAndDeleteFollowToTheEnd(t *testing.T) {
	isolate(t, "", "")
	url := servedSandbox(t, 20)
	target := []string{"--endpoint-url", url, "--region", "us-east-1"}
	launch := append([]string{"launch", "--partner-account", "210987654321", "--external-id", "ext-123456"}, target...)

	if code, out, errOut := runCLI(t, launch...); code != ExitOK {
		t.Fatalf("launch: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, launch...)
	if code != ExitFailure || !strings.Contains(errOut, "stack SellerDesk-Onboarding is already being created (CREATE_IN_PROGRESS since ") ||
		!strings.Contains(errOut, "Follow it with: sellerdesk stack watch --stack-name SellerDesk-Onboarding --region us-east-1 --endpoint-url "+url) {
		t.Fatalf("second launch: exit %d, want %d and the follow hint\n%s%s", code, ExitFailure, out, errOut)
	}
	if code, out, errOut := runCLI(t, append([]string{"stack", "watch"}, target...)...); code != ExitOK || !strings.Contains(out, "Connected:") {
		t.Fatalf("stack watch: exit %d\n%s%s", code, out, errOut)
	}
	start := time.Now()
	code, out, errOut = runCLI(t, append([]string{"stack", "delete", "--yes"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "Stack SellerDesk-Onboarding deleted.") {
		t.Fatalf("stack delete: exit %d\n%s%s", code, out, errOut)
	}
	// It followed the delete, event by event, rather than returning at once.
	if n := strings.Count(out, "DELETE_COMPLETE"); n < 5 || !strings.Contains(errOut, "deleting:") {
		t.Errorf("stack delete printed %d DELETE_COMPLETE events in %v, want the delete followed\n%s%s", n, time.Since(start), out, errOut)
	}
	t.Logf("the delete took %v", time.Since(start))
	// The judge: the AWS CLI sees no live stack at the moment delete returned.
	list := string(testaws.AWSCLI(t, url, "cloudformation", "list-stacks", "--stack-status-filter", "CREATE_COMPLETE", "DELETE_IN_PROGRESS"))
	if strings.Contains(list, "SellerDesk-Onboarding") {
		t.Errorf("the stack is still there after delete returned:\n%s", list)
	}
	gone := string(testaws.AWSCLI(t, url, "cloudformation", "list-stacks", "--stack-status-filter", "DELETE_COMPLETE"))
	if !strings.Contains(gone, "SellerDesk-Onboarding") {
		t.Errorf("the AWS CLI lists no deleted SellerDesk-Onboarding:\n%s", gone)
	}
	cfn := cloudformation.NewFromConfig(testaws.Config(url))
	out2, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String("SellerDesk-Onboarding")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" {
		t.Errorf("DescribeStacks after the delete = %+v, %v; want ValidationError (does not exist)", out2, err)
	}
}

// runCLIUntil runs the CLI as runCLI does and interrupts it (Ctrl-C) once
// stderr contains marker.
func runCLIUntil(t *testing.T, marker string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{Deps: Deps{Stdout: &out, Stderr: &errb}, g: Globals{TimeScale: 1}}, args)
	}()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(errb.String(), marker); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never appeared\n%s%s", marker, out.String(), errb.String())
		}
	}
	cancel()
	code := <-done
	return code, out.String(), errb.String()
}

// syncBuffer is a bytes.Buffer safe to read while the CLI writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStackDeleteInterruptedThenWatched: Ctrl-C during `stack delete` stops
// following (CloudFormation carries on) and names the command that follows
// it again; `stack watch` then follows the delete to its end.
func TestStackDeleteInterruptedThenWatched(t *testing.T) {
	isolate(t, "", "")
	url := servedSandbox(t, 10)
	target := []string{"--endpoint-url", url, "--region", "us-east-1"}
	if code, out, errOut := runCLI(t, append([]string{"launch", "--wait", "--partner-account", "210987654321", "--external-id", "ext-123456"}, target...)...); code != ExitOK {
		t.Fatalf("launch: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runCLIUntil(t, "Deleting stack", append([]string{"stack", "delete", "--yes"}, target...)...)
	if code != ExitFailure || !strings.Contains(errOut, "CloudFormation carries on. Follow it again with: sellerdesk stack watch --stack-name SellerDesk-Onboarding --region us-east-1 --endpoint-url "+url) {
		t.Fatalf("interrupted delete: exit %d, want %d and how to follow it\n%s%s", code, ExitFailure, out, errOut)
	}
	code, out, errOut = runCLI(t, append([]string{"stack", "watch"}, target...)...)
	if code != ExitOK || !strings.Contains(errOut, "Following stack SellerDesk-Onboarding (DELETE_IN_PROGRESS)") || !strings.Contains(out, "Stack SellerDesk-Onboarding deleted.") {
		t.Fatalf("stack watch of the delete: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, append([]string{"stack", "watch"}, target...)...); code != ExitFailure || !strings.Contains(errOut, `there is no stack named "SellerDesk-Onboarding"`) {
		t.Errorf("stack watch of a deleted stack: exit %d\n%s", code, errOut)
	}
}

// TestStackDeleteFailedSaysWhy: a delete that fails (a bucket that is not
// empty) exits 1 with the status and AWS's reason, once the delete ended.
func TestStackDeleteFailedSaysWhy(t *testing.T) {
	isolate(t, "", "")
	url := servedSandbox(t, 50)
	cfg := testaws.Config(url)
	cfn := cloudformation.NewFromConfig(cfg)
	ctx := t.Context()
	const tmpl = `{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}, "Outputs": {"Name": {"Value": {"Ref": "Bucket"}}}}`
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("Leftovers"), TemplateBody: aws.String(tmpl)}); err != nil {
		t.Fatal(err)
	}
	w := cloudformation.NewStackCreateCompleteWaiter(cfn, func(o *cloudformation.StackCreateCompleteWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	desc, err := w.WaitForOutput(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("Leftovers")}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	bucket := aws.ToString(desc.Stacks[0].Outputs[0].OutputValue)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("report.csv"), Body: strings.NewReader("a,b\n")}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "stack", "delete", "--yes", "--stack-name", "Leftovers", "--endpoint-url", url, "--region", "us-east-1")
	if code != ExitFailure || !strings.Contains(errOut, "ended in DELETE_FAILED") || !strings.Contains(errOut, "not empty") {
		t.Fatalf("delete of a stack with a full bucket: exit %d, want %d with the reason\n%s%s", code, ExitFailure, out, errOut)
	}
	got, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("Leftovers")})
	if err != nil || got.Stacks[0].StackStatus != "DELETE_FAILED" {
		t.Errorf("after the failed delete: %+v, %v", got, err)
	}
}

// TestLaunchWaitWhenTheRoleCannotBeRead: through a network that cuts every
// GetRolePolicy answer short, `launch --wait` says the role could not be
// checked and how to test again: exit 1, and no verdict on the role.
func TestLaunchWaitWhenTheRoleCannotBeRead(t *testing.T) {
	isolate(t, "", "")
	url := servedSandbox(t, 200)
	proxy := testaws.StartFaultProxy(t, url, testaws.Faults{Truncate: 1, Match: func(_ *http.Request, body []byte) bool {
		return bytes.Contains(body, []byte("Action=GetRolePolicy&"))
	}})
	code, out, errOut := runCLI(t, "launch", "--wait", "--partner-account", "210987654321", "--external-id", "ext-123456", "--endpoint-url", proxy.URL, "--region", "us-east-1")
	if code != ExitFailure || !strings.Contains(errOut, "the partner role could not be checked") ||
		!strings.Contains(errOut, "Test again with: sellerdesk status --stack-name SellerDesk-Onboarding --region us-east-1 --endpoint-url "+proxy.URL) {
		t.Fatalf("exit %d, want %d and the could-not-check message\n%s%s", code, ExitFailure, out, errOut)
	}
	if strings.Contains(out+errOut, "not as the template defines it") || strings.Contains(out+errOut, "failing resource") {
		t.Errorf("a cut-short read became a verdict:\n%s%s", out, errOut)
	}
	if n := proxy.Counts().Truncated; n < 2 {
		t.Errorf("the proxy cut %d answers short: GetRolePolicy was not retried", n)
	}
}
