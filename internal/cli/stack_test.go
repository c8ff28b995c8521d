package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

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
	if code != ExitFailure || !strings.Contains(errOut, "Follow it with: sellerdesk stack watch --stack-name SellerDesk-Onboarding --region us-east-1 --endpoint-url "+url) {
		t.Fatalf("second launch: exit %d, want %d and the follow hint\n%s%s", code, ExitFailure, out, errOut)
	}
	if code, out, errOut := runCLI(t, append([]string{"stack", "watch"}, target...)...); code != ExitOK || !strings.Contains(out, "Connected:") {
		t.Fatalf("stack watch: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, append([]string{"stack", "delete", "--yes"}, target...)...); code != ExitOK || !strings.Contains(out, "deleted") {
		t.Fatalf("stack delete: exit %d\n%s%s", code, out, errOut)
	}
	// The judge: the AWS CLI sees no live stack at the moment delete returned.
	list := string(testaws.AWSCLI(t, url, "cloudformation", "list-stacks", "--stack-status-filter", "CREATE_COMPLETE", "DELETE_IN_PROGRESS"))
	if strings.Contains(list, "SellerDesk-Onboarding") {
		t.Errorf("the stack is still there after delete returned:\n%s", list)
	}
	cfn := cloudformation.NewFromConfig(testaws.Config(url))
	out2, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String("SellerDesk-Onboarding")})
	if err == nil && len(out2.Stacks) > 0 {
		t.Errorf("DescribeStacks still finds the stack: %s", out2.Stacks[0].StackStatus)
	}
}
