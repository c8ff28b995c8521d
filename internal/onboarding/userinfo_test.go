package onboarding

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// describeOnlyCFN answers DescribeStacks; any other call panics (nil CFN).
type describeOnlyCFN struct {
	CFN
	stack cfntypes.Stack
}

func (f describeOnlyCFN) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{f.stack}}, nil
}

// A stack launched elsewhere with a password in its report URL: the record
// (which is stored) keeps the URL without it.
func TestDiscoverStripsReportURLUserinfo(t *testing.T) {
	tests := []struct{ reportURL, want string }{
		{"https://partner:SECRETVALUE@hooks.example.com/onboard?id=7", "https://hooks.example.com/onboard?id=7"},
		{"https://hooks.example.com/onboard", "https://hooks.example.com/onboard"},
		{"https://partner:SECRETVALUE@hooks example.com/", ""},
	}
	for _, tc := range tests {
		cfn := describeOnlyCFN{stack: cfntypes.Stack{StackName: aws.String("s"), StackId: aws.String("id"), StackStatus: cfntypes.StackStatusCreateComplete,
			Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("ReportUrl"), ParameterValue: aws.String(tc.reportURL)}}}}
		rec, found, err := Discover(context.Background(), cfn, "profile:p", "s")
		if err != nil || !found {
			t.Fatalf("Discover: %v %v", found, err)
		}
		if rec.Params.ReportURL != tc.want || strings.Contains(rec.Params.ReportURL, "SECRETVALUE") {
			t.Errorf("ReportURL %q, want %q", rec.Params.ReportURL, tc.want)
		}
	}
}
