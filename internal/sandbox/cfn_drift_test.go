package sandbox

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

const otherTrust = `{"Version":"2012-10-17","Statement":[{"Sid":"PartnerAssumeRoleWithExternalId","Effect":"Allow",` +
	`"Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole",` +
	`"Condition":{"StringEquals":{"sts:ExternalId":"` + DemoExternalID + `"}}}]}`

// TestAWSCLIDrift changes the partner role's trust policy with the AWS CLI
// and reads the drift back with it, as CloudFormation reports it.
func TestAWSCLIDrift(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, _, _ := startFast(t, "connected")
	env := isolatedAWSEnv(t, "", staticKeys...)
	cli := func(args ...string) []string {
		return append(append([]string{"aws"}, args...), "--endpoint-url", srv.URL(), "--output", "json")
	}
	run := func(args ...string) {
		t.Helper()
		c := exec.CommandContext(t.Context(), "aws", cli(args...)[1:]...)
		c.Env = env
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	detect := func() (status string, count int) {
		t.Helper()
		var d struct{ StackDriftDetectionId string }
		runJSON(t, env, &d, cli("cloudformation", "detect-stack-drift", "--stack-name", OnboardingStackName)...)
		for range 50 {
			var s struct {
				StackDriftStatus, DetectionStatus string
				DriftedStackResourceCount         int
			}
			runJSON(t, env, &s, cli("cloudformation", "describe-stack-drift-detection-status", "--stack-drift-detection-id", d.StackDriftDetectionId)...)
			if s.DetectionStatus != "DETECTION_IN_PROGRESS" {
				if s.DetectionStatus != "DETECTION_COMPLETE" {
					t.Fatalf("detection ended %+v", s)
				}
				return s.StackDriftStatus, s.DriftedStackResourceCount
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("drift detection did not end")
		return "", 0
	}
	if status, n := detect(); status != "IN_SYNC" || n != 0 {
		t.Fatalf("fresh stack: %s with %d drifted", status, n)
	}
	run("iam", "update-assume-role-policy", "--role-name", "SellerDeskPartnerRole", "--policy-document", otherTrust)
	if status, n := detect(); status != "DRIFTED" || n != 1 {
		t.Fatalf("after the trust change: %s with %d drifted", status, n)
	}
	var drifts struct {
		StackResourceDrifts []struct {
			LogicalResourceId, ResourceType, StackResourceDriftStatus string
			ExpectedProperties, ActualProperties                      string
			PropertyDifferences                                       []struct{ PropertyPath, ExpectedValue, ActualValue, DifferenceType string }
		}
	}
	runJSON(t, env, &drifts, cli("cloudformation", "describe-stack-resource-drifts", "--stack-name", OnboardingStackName,
		"--stack-resource-drift-status-filters", "MODIFIED", "DELETED")...)
	if len(drifts.StackResourceDrifts) != 1 {
		t.Fatalf("drifts = %+v", drifts)
	}
	d := drifts.StackResourceDrifts[0]
	want := []struct{ PropertyPath, ExpectedValue, ActualValue, DifferenceType string }{{
		"/AssumeRolePolicyDocument/Statement/0/Principal/AWS", "arn:aws:iam::" + DemoPartnerAccountID + ":root",
		"arn:aws:iam::999988887777:root", "NOT_EQUAL"}}
	if d.LogicalResourceId != "PartnerRole" || d.ResourceType != "AWS::IAM::Role" || d.StackResourceDriftStatus != "MODIFIED" ||
		!slices.Equal(d.PropertyDifferences, want) {
		t.Errorf("drift = %+v", d)
	}
	var expected, actual map[string]any
	if json.Unmarshal([]byte(d.ExpectedProperties), &expected) != nil || json.Unmarshal([]byte(d.ActualProperties), &actual) != nil ||
		expected["RoleName"] != "SellerDeskPartnerRole" || actual["RoleName"] != "SellerDeskPartnerRole" {
		t.Errorf("ExpectedProperties %s, ActualProperties %s", d.ExpectedProperties, d.ActualProperties)
	}
	var described struct {
		Stacks []struct {
			DriftInformation struct{ StackDriftStatus, LastCheckTimestamp string }
		}
	}
	runJSON(t, env, &described, cli("cloudformation", "describe-stacks", "--stack-name", OnboardingStackName)...)
	if di := described.Stacks[0].DriftInformation; di.StackDriftStatus != "DRIFTED" || di.LastCheckTimestamp == "" {
		t.Errorf("DriftInformation = %+v", di)
	}
	var one struct {
		StackResourceDrift struct{ StackResourceDriftStatus string }
	}
	runJSON(t, env, &one, cli("cloudformation", "detect-stack-resource-drift", "--stack-name", OnboardingStackName,
		"--logical-resource-id", "CasBucketPolicy")...)
	if one.StackResourceDrift.StackResourceDriftStatus != "IN_SYNC" {
		t.Errorf("detect-stack-resource-drift CasBucketPolicy = %+v", one)
	}
}

// TestDriftByService changes each kind of resource through its own API and
// checks the drift CloudFormation then reports for it.
func TestDriftByService(t *testing.T) {
	type diff struct{ path, expected, actual, kind string }
	tests := []struct {
		name     string
		change   func(t *testing.T, srv *Server, out map[string]string)
		logical  string
		status   string
		contains []diff // each must be among the differences ("" matches anything)
	}{
		{"inline policy document", func(t *testing.T, srv *Server, out map[string]string) {
			c := iam.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			doc := `{"Version":"2012-10-17","Statement":[{"Sid":"InspectOwnRole","Effect":"Allow","Action":["iam:GetRole","iam:ListRolePolicies"],"Resource":"` + out["PartnerRoleArn"] + `"}]}`
			must(t)(c.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyName: aws.String("PartnerRolePolicyAccess"), PolicyDocument: aws.String(doc)}))
		}, "PartnerRolePolicyAccess", "MODIFIED", []diff{
			{"/PolicyDocument/Statement/0/Action/2", "iam:GetRolePolicy", "null", "REMOVE"},
			{"/PolicyDocument/Statement/0/Action/3", "iam:PassRole", "null", "REMOVE"}}},
		{"inline policy deleted", func(t *testing.T, srv *Server, out map[string]string) {
			c := iam.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			must(t)(c.DeleteRolePolicy(t.Context(), &iam.DeleteRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyName: aws.String("PartnerRolePolicyAccess")}))
		}, "PartnerRolePolicyAccess", "DELETED", nil},
		{"external ID condition", func(t *testing.T, srv *Server, out map[string]string) {
			c := iam.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			doc := strings.Replace(otherTrust, "999988887777", DemoPartnerAccountID, 1)
			doc = strings.Replace(doc, `,"Condition":{"StringEquals":{"sts:ExternalId":"`+DemoExternalID+`"}}`, "", 1)
			must(t)(c.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyDocument: aws.String(doc)}))
		}, "PartnerRole", "MODIFIED", []diff{{"/AssumeRolePolicyDocument/Statement/0/Condition", `{"StringEquals":{"sts:ExternalId":"` + DemoExternalID + `"}}`, "null", "REMOVE"}}},
		{"managed policy attached to the role", func(t *testing.T, srv *Server, out map[string]string) {
			c := iam.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			must(t)(c.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String(out["PartnerRoleName"]), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))
		}, "PartnerRole", "IN_SYNC", nil}, // the template sets no ManagedPolicyArns: CloudFormation does not compare them
		{"bucket policy", func(t *testing.T, srv *Server, out map[string]string) {
			c := s3.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""), func(o *s3.Options) { o.UsePathStyle = true })
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + out["CasBucketArn"] + `/*"}]}`
			must(t)(c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(out["CasBucketName"]), Policy: aws.String(doc)}))
		}, "CasBucketPolicy", "MODIFIED", []diff{{"/PolicyDocument/Statement/0/Action", "", "s3:GetObject", "NOT_EQUAL"}}},
		{"queue policy", func(t *testing.T, srv *Server, out map[string]string) {
			c := sqs.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			must(t)(c.SetQueueAttributes(t.Context(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(out["QueueUrl"]),
				Attributes: map[string]string{"Policy": `{"Version":"2012-10-17","Statement":[]}`}}))
		}, "PartnerQueueSendPolicy", "MODIFIED", []diff{{"/PolicyDocument/Statement/0", "", "null", "REMOVE"}}},
		{"topic policy", func(t *testing.T, srv *Server, out map[string]string) {
			c := sns.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			must(t)(c.SetTopicAttributes(t.Context(), &sns.SetTopicAttributesInput{TopicArn: aws.String(out["CasTopicArn"]), AttributeName: aws.String("Policy"),
				AttributeValue: aws.String(defaultTopicPolicy(out["CasTopicArn"], sellerAccountID))}))
		}, "CasTopicPolicy", "MODIFIED", []diff{{"/PolicyDocument/Version", "2012-10-17", "2008-10-17", "NOT_EQUAL"}}},
		{"key policy", func(t *testing.T, srv *Server, out map[string]string) {
			c := kms.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "s", ""))
			must(t)(c.PutKeyPolicy(t.Context(), &kms.PutKeyPolicyInput{KeyId: aws.String(out["SddsKeyArn"]), PolicyName: aws.String("default"),
				Policy: aws.String(defaultKeyPolicy(sellerAccountID))}))
		}, "SddsKey", "MODIFIED", []diff{{"/KeyPolicy/Id", "null", "key-default-1", "ADD"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, cfn, _ := startFast(t, "connected")
			st, _ := srv.Account().Stack(OnboardingStackName)
			tt.change(t, srv, st.Outputs)
			det, err := cfn.DetectStackDrift(t.Context(), &cloudformation.DetectStackDriftInput{StackName: aws.String(OnboardingStackName)})
			if err != nil {
				t.Fatal(err)
			}
			for {
				s, err := cfn.DescribeStackDriftDetectionStatus(t.Context(), &cloudformation.DescribeStackDriftDetectionStatusInput{StackDriftDetectionId: det.StackDriftDetectionId})
				if err != nil {
					t.Fatal(err)
				}
				if s.DetectionStatus != cfntypes.StackDriftDetectionStatusDetectionInProgress {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			out, err := cfn.DescribeStackResourceDrifts(t.Context(), &cloudformation.DescribeStackResourceDriftsInput{StackName: aws.String(OnboardingStackName)})
			if err != nil {
				t.Fatal(err)
			}
			var drifted []string
			for _, d := range out.StackResourceDrifts {
				id := aws.ToString(d.LogicalResourceId)
				if d.StackResourceDriftStatus != cfntypes.StackResourceDriftStatusInSync {
					drifted = append(drifted, id)
				}
				if id != tt.logical {
					continue
				}
				if string(d.StackResourceDriftStatus) != tt.status {
					t.Errorf("%s is %s, want %s: %+v", id, d.StackResourceDriftStatus, tt.status, d.PropertyDifferences)
				}
				for _, w := range tt.contains {
					if !slices.ContainsFunc(d.PropertyDifferences, func(p cfntypes.PropertyDifference) bool {
						return aws.ToString(p.PropertyPath) == w.path && (w.expected == "" || aws.ToString(p.ExpectedValue) == w.expected) &&
							aws.ToString(p.ActualValue) == w.actual && string(p.DifferenceType) == w.kind
					}) {
						t.Errorf("no difference %+v among %s", w, diffsString(d.PropertyDifferences))
					}
				}
			}
			wantDrifted := []string{}
			if tt.status != "IN_SYNC" {
				wantDrifted = []string{tt.logical}
			}
			if !slices.Equal(append([]string{}, drifted...), wantDrifted) {
				t.Errorf("drifted resources %v, want %v", drifted, wantDrifted)
			}
		})
	}
}

// must fails the test when the call it is given failed.
func must(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func diffsString(ds []cfntypes.PropertyDifference) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(aws.ToString(d.PropertyPath) + " " + string(d.DifferenceType) + " " + aws.ToString(d.ExpectedValue) + " → " + aws.ToString(d.ActualValue) + "; ")
	}
	return b.String()
}
