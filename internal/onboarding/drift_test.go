package onboarding

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// TestDriftDetectAndRestore changes the connected stack's resources outside
// CloudFormation, reads the drift in plain words, restores it, and finds
// the stack in sync again.
func TestDriftDetectAndRestore(t *testing.T) {
	const partner = "arn:aws:iam::" + sandbox.DemoPartnerAccountID + ":root"
	tests := []struct {
		name      string
		change    func(ctx context.Context, cfg aws.Config, out map[string]string) error
		wantLines []string // each must be a line of the report
		restores  bool     // Restore brings the stack back in sync
	}{
		{"trust principal", func(ctx context.Context, cfg aws.Config, out map[string]string) error {
			doc := `{"Version":"2012-10-17","Statement":[{"Sid":"PartnerAssumeRoleWithExternalId","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + sandbox.DemoExternalID + `"}}}]}`
			_, err := iam.NewFromConfig(cfg).UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyDocument: aws.String(doc)})
			return err
		}, []string{"PartnerRole: the trust policy's principal changed from " + partner + " to arn:aws:iam::444455556666:root"}, true},
		{"external ID removed", func(ctx context.Context, cfg aws.Config, out map[string]string) error {
			doc := `{"Version":"2012-10-17","Statement":[{"Sid":"PartnerAssumeRoleWithExternalId","Effect":"Allow","Principal":{"AWS":"` + partner + `"},"Action":"sts:AssumeRole"}]}`
			_, err := iam.NewFromConfig(cfg).UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyDocument: aws.String(doc)})
			return err
		}, []string{`PartnerRole: the trust policy's condition lost {"StringEquals":{"sts:ExternalId":"` + sandbox.DemoExternalID + `"}}`}, true},
		{"inline policy deleted", func(ctx context.Context, cfg aws.Config, out map[string]string) error {
			_, err := iam.NewFromConfig(cfg).DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyName: aws.String("PartnerRolePolicyAccess")})
			return err
		}, []string{"PartnerRolePolicyAccess: deleted outside CloudFormation (AWS::IAM::Policy "}, true},
		{"queue policy emptied", func(ctx context.Context, cfg aws.Config, out map[string]string) error {
			_, err := sqs.NewFromConfig(cfg).SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(out["QueueUrl"]),
				Attributes: map[string]string{"Policy": `{"Version":"2012-10-17","Statement":[]}`}})
			return err
		}, []string{"PartnerQueueSendPolicy: the queue policy's statement 1 lost "}, true},
		{"key policy replaced", func(ctx context.Context, cfg aws.Config, out map[string]string) error {
			_, err := kms.NewFromConfig(cfg).PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(out["SddsKeyArn"]), PolicyName: aws.String("default"),
				Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`)})
			return err
		}, []string{"SddsKey: the key policy's statement 2 lost "}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "connected", TimeScale: 1000})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			cfg := testaws.Config(srv.URL())
			cfn := cloudformation.NewFromConfig(cfg)
			st, _ := srv.Account().Stack(DefaultStackName)

			before, err := DetectDrift(ctx, cfn, DefaultStackName, nil)
			if err != nil || before.Drifted() || len(before.Resources) != 0 {
				t.Fatalf("before the change: %+v, %v", before, err)
			}
			if err := tt.change(ctx, cfg, st.Outputs); err != nil {
				t.Fatal(err)
			}
			var ticks int
			rep, err := DetectDrift(ctx, cfn, DefaultStackName, func(DriftProgress) { ticks++ })
			if err != nil {
				t.Fatal(err)
			}
			lines := rep.Lines()
			if !rep.Drifted() || !strings.HasPrefix(rep.Summary(), "Drifted: 1 resource differs") {
				t.Errorf("report %s: %q", rep.Summary(), lines)
			}
			for _, w := range tt.wantLines {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, w) }) {
					t.Errorf("no line %q among %q", w, lines)
				}
			}
			res, err := Restore(ctx, NewRestoreClients(cfg), rep)
			if err != nil {
				t.Fatalf("Restore: %v (%+v)", err, res)
			}
			after, err := DetectDrift(ctx, cfn, DefaultStackName, nil)
			if err != nil {
				t.Fatal(err)
			}
			if after.Drifted() == tt.restores {
				t.Errorf("after Restore (%s): %s %q", res.Summary(), after.Summary(), after.Lines())
			}
		})
	}
}

// TestDriftDeletedRoleIsNotRestored: a role deleted outside CloudFormation
// cannot be written back; Restore says so and what to do.
func TestDriftDeletedRoleIsNotRestored(t *testing.T) {
	rep := DriftReport{StackName: "s", Status: DriftDrifted, Resources: []ResourceDrift{{LogicalID: "PartnerRole", Type: "AWS::IAM::Role", Status: "DELETED", Expected: `{"RoleName":"r"}`}}}
	res, err := Restore(t.Context(), RestoreClients{}, rep)
	if err != nil || len(res.Restored) != 0 || len(res.Left) != 1 || !strings.Contains(res.Left[0], "delete the stack and launch it again") {
		t.Errorf("Restore = %+v, %v", res, err)
	}
}

func TestPlainDifference(t *testing.T) {
	exp := map[string]any{"Policies": []any{map[string]any{"PolicyName": "Read"}}}
	tests := []struct {
		typ  string
		d    Difference
		want string
	}{
		{"AWS::IAM::Role", Difference{Path: "/AssumeRolePolicyDocument/Statement/0/Condition/StringEquals/sts:ExternalId", Expected: "a", Actual: "b", Kind: "NOT_EQUAL"},
			"the trust policy's external ID condition changed from a to b"},
		{"AWS::IAM::Role", Difference{Path: "/Policies/0/PolicyDocument/Statement/0/Action/1", Expected: "s3:GetObject", Actual: "null", Kind: "REMOVE"},
			"the inline policy Read's actions lost s3:GetObject"},
		{"AWS::IAM::Role", Difference{Path: "/ManagedPolicyArns/0", Expected: "null", Actual: "arn:aws:iam::aws:policy/AdministratorAccess", Kind: "ADD"},
			"the attached managed policies gained arn:aws:iam::aws:policy/AdministratorAccess"},
		{"AWS::S3::BucketPolicy", Difference{Path: "/PolicyDocument/Statement/1/Principal/Service", Expected: "a", Actual: "b", Kind: "NOT_EQUAL"},
			"the bucket policy's principal (statement 2) changed from a to b"},
		{"AWS::SNS::TopicPolicy", Difference{Path: "/PolicyDocument/Version", Expected: "2012-10-17", Actual: "2008-10-17", Kind: "NOT_EQUAL"},
			"the topic policy's version changed from 2012-10-17 to 2008-10-17"},
		{"AWS::SQS::Queue", Difference{Path: "/VisibilityTimeout", Expected: "60", Actual: "30", Kind: "NOT_EQUAL"},
			"the property VisibilityTimeout changed from 60 to 30"},
	}
	for _, tt := range tests {
		t.Run(tt.d.Path, func(t *testing.T) {
			if got := plainDifference(tt.typ, tt.d, exp, nil); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// stuckCFN starts a detection that never ends.
type stuckCFN struct{ DriftCFN }

func (stuckCFN) DetectStackDrift(context.Context, *cloudformation.DetectStackDriftInput, ...func(*cloudformation.Options)) (*cloudformation.DetectStackDriftOutput, error) {
	return &cloudformation.DetectStackDriftOutput{StackDriftDetectionId: aws.String("d1")}, nil
}

func (stuckCFN) DescribeStackDriftDetectionStatus(ctx context.Context, _ *cloudformation.DescribeStackDriftDetectionStatusInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackDriftDetectionStatusOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &cloudformation.DescribeStackDriftDetectionStatusOutput{DetectionStatus: cfntypes.StackDriftDetectionStatusDetectionInProgress}, nil
}

func TestDriftDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
	defer cancel()
	start := time.Now()
	var ticks int
	_, err := DetectDrift(ctx, stuckCFN{}, "s", func(DriftProgress) { ticks++ })
	var te *DriftTimeoutError
	if !errors.As(err, &te) || time.Since(start) > 3*time.Second || ticks == 0 {
		t.Fatalf("err = %v after %v with %d progress reports; want a DriftTimeoutError within the deadline", err, time.Since(start), ticks)
	}
	if !strings.Contains(err.Error(), "CloudFormation carries on") {
		t.Errorf("message %q", err)
	}
}
