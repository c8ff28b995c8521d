package sandbox

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// chainTemplate creates a retained role, then a topic, then a bucket, one
// after the other, so the event sequence is fully determined.
const chainTemplate = `Resources:
  Role:
    Type: AWS::IAM::Role
    DeletionPolicy: Retain
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: Role
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: Topic
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Bucket
Outputs:
  Bucket: {Value: !Ref Bucket}
`

var bucketTakenReason = regexp.MustCompile(`^Resource handler returned message: "chain-bucket-[a-z0-9]{12} already exists \(Service: S3, Status Code: 409, Request ID: [0-9A-F]{16}\)" \(HandlerErrorCode: AlreadyExists\)$`)

func TestRollbackScenario(t *testing.T) {
	srv, cfn, _ := startFast(t, "rollback")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("chain"), TemplateBody: aws.String(chainTemplate),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	events := allEvents(t, cfn, "chain")
	if st.StackStatus != cfntypes.StackStatusRollbackComplete {
		t.Fatalf("status = %s\n%s", st.StackStatus, dumpEvents(events))
	}
	if len(st.Outputs) != 0 {
		t.Errorf("a rolled-back stack has outputs: %+v", st.Outputs)
	}
	lines := eventLines(events)
	want := []string{
		"chain CREATE_IN_PROGRESS User Initiated",
		"Role CREATE_IN_PROGRESS",
		"Role CREATE_IN_PROGRESS Resource creation Initiated",
		"Role CREATE_COMPLETE",
		"Topic CREATE_IN_PROGRESS",
		"Topic CREATE_IN_PROGRESS Resource creation Initiated",
		"Topic CREATE_COMPLETE",
		"Bucket CREATE_IN_PROGRESS",
		"Bucket CREATE_FAILED (reason)",
		"chain ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Bucket]. Rollback requested by user.",
		"Bucket DELETE_COMPLETE",
		"Topic DELETE_IN_PROGRESS",
		"Topic DELETE_COMPLETE",
		"Role DELETE_SKIPPED",
		"chain ROLLBACK_COMPLETE",
	}
	if i := indexOf(events, "Bucket", "CREATE_FAILED"); i >= 0 {
		if r := aws.ToString(events[i].ResourceStatusReason); !bucketTakenReason.MatchString(r) {
			t.Errorf("Bucket failure reason = %q", r)
		}
		lines[i] = "Bucket CREATE_FAILED (reason)"
	}
	if !slices.Equal(lines, want) {
		t.Errorf("events:\n%s\nwant:\n  %s", dumpEvents(events), strings.Join(want, "\n  "))
	}
	if st.StackStatusReason != nil && aws.ToString(st.StackStatusReason) != "" {
		t.Errorf("ROLLBACK_COMPLETE reason = %q", aws.ToString(st.StackStatusReason))
	}

	// The retained role survives; the topic is gone; no bucket exists.
	a := srv.Account()
	if roles := a.Roles(); len(roles) != 1 || !strings.HasPrefix(roles[0].Name, "chain-Role-") {
		t.Errorf("roles after rollback = %+v", roles)
	}
	if len(a.Topics()) != 0 || len(a.Buckets()) != 0 || len(a.Queues()) != 0 {
		t.Errorf("left behind: topics %v buckets %v queues %v", a.Topics(), a.Buckets(), a.Queues())
	}
	res, err := cfn.DescribeStackResources(t.Context(), &cloudformation.DescribeStackResourcesInput{StackName: aws.String("chain")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range res.StackResources {
		got[aws.ToString(r.LogicalResourceId)] = string(r.ResourceStatus)
	}
	if want := map[string]string{"Role": "DELETE_SKIPPED", "Topic": "DELETE_COMPLETE", "Bucket": "DELETE_COMPLETE"}; !mapsEqualStr(got, want) {
		t.Errorf("resources = %v, want %v", got, want)
	}

	// Updating a rolled-back stack is refused; it can only be deleted.
	_, err = cfn.UpdateStack(t.Context(), &cloudformation.UpdateStackInput{StackName: aws.String("chain"), UsePreviousTemplate: aws.Bool(true),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	if code, msg := apiErrorCode(err); code != "ValidationError" || !strings.HasSuffix(msg, "is in ROLLBACK_COMPLETE state and can not be updated.") {
		t.Errorf("UpdateStack on ROLLBACK_COMPLETE: %v", err)
	}
	if _, err := cfn.DeleteStack(t.Context(), &cloudformation.DeleteStackInput{StackName: aws.String("chain")}); err != nil {
		t.Fatal(err)
	}
	if st := waitStack(t, cfn, aws.ToString(st.StackId)); st.StackStatus != cfntypes.StackStatusDeleteComplete {
		t.Errorf("delete after rollback: %s", st.StackStatus)
	}
	if len(a.Roles()) != 1 {
		t.Error("deleting the rolled-back stack removed the retained role")
	}
}

func mapsEqualStr(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCreateFailures(t *testing.T) {
	const parallel = `Resources:
  Queue: {Type: AWS::SQS::Queue}
  Bucket: {Type: AWS::S3::Bucket}
`
	const unsupported = `{"Resources": {
	  "Topic": {"Type": "AWS::SNS::Topic"},
	  "Vpc": {"Type": "AWS::EC2::VPC", "DependsOn": "Topic", "Properties": {"CidrBlock": "10.0.0.0/16"}}}}`
	tests := []struct {
		name       string
		scenario   string
		template   string
		onFailure  cfntypes.OnFailure
		disable    bool
		wantStatus cfntypes.StackStatus
		wantReason string   // the stack's failure event (ROLLBACK_IN_PROGRESS or CREATE_FAILED)
		wantEvents []string // must appear, in this order
		wantGone   bool     // the stack ends deleted
	}{
		{
			name: "parallel resource is cancelled", scenario: "rollback", template: parallel,
			wantStatus: cfntypes.StackStatusRollbackComplete,
			wantReason: "The following resource(s) failed to create: [Bucket, Queue]. Rollback requested by user.",
			wantEvents: []string{"Bucket CREATE_FAILED", "Queue CREATE_FAILED Resource creation cancelled", "chain ROLLBACK_IN_PROGRESS",
				"Queue DELETE_IN_PROGRESS", "Queue DELETE_COMPLETE", "chain ROLLBACK_COMPLETE"},
		},
		{
			name: "unsupported type", scenario: "fresh", template: unsupported,
			wantStatus: cfntypes.StackStatusRollbackComplete,
			wantReason: "The following resource(s) failed to create: [Vpc]. Rollback requested by user.",
			wantEvents: []string{"Topic CREATE_COMPLETE", "Vpc CREATE_IN_PROGRESS", "Vpc CREATE_FAILED The SellerDesk sandbox does not implement AWS::EC2::VPC",
				"Topic DELETE_IN_PROGRESS", "Topic DELETE_COMPLETE", "chain ROLLBACK_COMPLETE"},
		},
		{
			name: "OnFailure DO_NOTHING", scenario: "rollback", template: chainTemplate, onFailure: cfntypes.OnFailureDoNothing,
			wantStatus: cfntypes.StackStatusCreateFailed,
			wantReason: "The following resource(s) failed to create: [Bucket]. ",
			wantEvents: []string{"Topic CREATE_COMPLETE", "Bucket CREATE_FAILED", "chain CREATE_FAILED"},
		},
		{
			name: "DisableRollback", scenario: "rollback", template: chainTemplate, disable: true,
			wantStatus: cfntypes.StackStatusCreateFailed,
			wantReason: "The following resource(s) failed to create: [Bucket]. ",
			wantEvents: []string{"Bucket CREATE_FAILED", "chain CREATE_FAILED"},
		},
		{
			name: "OnFailure DELETE", scenario: "rollback", template: chainTemplate, onFailure: cfntypes.OnFailureDelete,
			wantStatus: cfntypes.StackStatusDeleteComplete, wantGone: true,
			wantReason: "The following resource(s) failed to create: [Bucket]. Delete requested by user.",
			wantEvents: []string{"Bucket CREATE_FAILED", "chain ROLLBACK_IN_PROGRESS", "Topic DELETE_COMPLETE", "Role DELETE_SKIPPED",
				"chain ROLLBACK_COMPLETE", "chain DELETE_IN_PROGRESS", "chain DELETE_COMPLETE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cfn, _ := startFast(t, tt.scenario)
			in := &cloudformation.CreateStackInput{StackName: aws.String("chain"), TemplateBody: aws.String(tt.template),
				Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}, OnFailure: tt.onFailure}
			if tt.disable {
				in.DisableRollback = aws.Bool(true)
			}
			st := createStack(t, cfn, in)
			events := allEvents(t, cfn, aws.ToString(st.StackId))
			if st.StackStatus != tt.wantStatus {
				t.Fatalf("status = %s, want %s\n%s", st.StackStatus, tt.wantStatus, dumpEvents(events))
			}
			reasonAt := indexOf(events, "chain", "ROLLBACK_IN_PROGRESS")
			if reasonAt < 0 {
				reasonAt = indexOf(events, "chain", "CREATE_FAILED")
			}
			if reasonAt < 0 || aws.ToString(events[reasonAt].ResourceStatusReason) != tt.wantReason {
				t.Errorf("failure reason wrong, want %q:\n%s", tt.wantReason, dumpEvents(events))
			}
			at := 0
			for _, w := range tt.wantEvents {
				found := false
				for ; at < len(events); at++ {
					if strings.HasPrefix(eventLine(events[at]), w) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("event %q missing or out of order:\n%s", w, dumpEvents(events))
					break
				}
			}
			_, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String("chain")})
			if gone := err != nil; gone != tt.wantGone {
				t.Errorf("DescribeStacks by name after the failure: %v (want gone: %v)", err, tt.wantGone)
			}
		})
	}
}
