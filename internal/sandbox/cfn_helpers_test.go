package sandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// fastScale is the time scale the CloudFormation tests run at: a 60-second
// SQS queue takes 60 ms.
const fastScale = 1000

// startFast starts a sandbox whose stack operations run at fastScale.
func startFast(t *testing.T, scenario string) (*Server, *cloudformation.Client, *iam.Client) {
	t.Helper()
	logs := &logSink{}
	srv, err := Start(t.Context(), Options{Scenario: scenario, TimeScale: fastScale, Logf: logs.logf})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	return srv, cloudformation.NewFromConfig(cfg), iam.NewFromConfig(cfg)
}

// waitStack polls DescribeStacks (by stack ID, so deleted stacks are found)
// until the stack's status is no longer *_IN_PROGRESS, and returns it.
func waitStack(t *testing.T, cfn *cloudformation.Client, stackID string) cfntypes.Stack {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String(stackID)})
		if err != nil {
			t.Fatalf("DescribeStacks(%s): %v", stackID, err)
		}
		st := out.Stacks[0]
		if s := string(st.StackStatus); !strings.HasSuffix(s, "_IN_PROGRESS") {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack %s still %s after 30s", stackID, st.StackStatus)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// createStack creates a stack and waits for it to settle.
func createStack(t *testing.T, cfn *cloudformation.Client, in *cloudformation.CreateStackInput) cfntypes.Stack {
	t.Helper()
	out, err := cfn.CreateStack(t.Context(), in)
	if err != nil {
		t.Fatalf("CreateStack(%s): %v", aws.ToString(in.StackName), err)
	}
	return waitStack(t, cfn, aws.ToString(out.StackId))
}

// allEvents reads every event of a stack through the SDK's paginator and
// returns them oldest first.
func allEvents(t *testing.T, cfn *cloudformation.Client, stack string) []cfntypes.StackEvent {
	t.Helper()
	var events []cfntypes.StackEvent
	pg := cloudformation.NewDescribeStackEventsPaginator(cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stack)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(t.Context())
		if err != nil {
			t.Fatalf("DescribeStackEvents(%s): %v", stack, err)
		}
		events = append(events, out.StackEvents...)
	}
	for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
		events[i], events[j] = events[j], events[i]
	}
	return events
}

// eventLine renders an event as "Logical STATUS reason" for comparisons.
func eventLine(e cfntypes.StackEvent) string {
	s := aws.ToString(e.LogicalResourceId) + " " + string(e.ResourceStatus)
	if r := aws.ToString(e.ResourceStatusReason); r != "" {
		s += " " + r
	}
	return s
}

func eventLines(events []cfntypes.StackEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = eventLine(e)
	}
	return out
}

// indexOf returns the index of the first event of logical with status (and
// reason prefix, if given), or -1.
func indexOf(events []cfntypes.StackEvent, logical, status string, reason ...string) int {
	for i, e := range events {
		if aws.ToString(e.LogicalResourceId) == logical && string(e.ResourceStatus) == status &&
			(len(reason) == 0 || strings.HasPrefix(aws.ToString(e.ResourceStatusReason), reason[0])) {
			return i
		}
	}
	return -1
}

func outputsOf(st cfntypes.Stack) map[string]string {
	out := map[string]string{}
	for _, o := range st.Outputs {
		out[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return out
}

func params(kv ...string) []cfntypes.Parameter {
	var out []cfntypes.Parameter
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, cfntypes.Parameter{ParameterKey: aws.String(kv[i]), ParameterValue: aws.String(kv[i+1])})
	}
	return out
}

func dumpEvents(events []cfntypes.StackEvent) string {
	var b strings.Builder
	for i, e := range events {
		fmt.Fprintf(&b, "  %2d %s\n", i, eventLine(e))
	}
	return b.String()
}
