package sandbox

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runJSON runs an AWS CLI / python command and decodes the JSON it prints.
func runJSON(t *testing.T, env []string, v any, cmd ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Env = env
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s: %v\nstderr: %s", strings.Join(cmd[:3], " "), err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s printed %q: %v", strings.Join(cmd[:3], " "), out, err)
	}
}

// TestAWSCLICloudFormation creates a stack with the AWS CLI and reads its
// events and outputs back, as support does with a reproduced setup.
func TestAWSCLICloudFormation(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, cfn, _ := startFast(t, "fresh")
	tmpl := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(tmpl, []byte(engineTemplate), 0o600); err != nil {
		t.Fatal(err)
	}
	env := isolatedAWSEnv(t, "", staticKeys...)
	cli := func(args ...string) []string {
		return append(append([]string{"aws"}, args...), "--endpoint-url", srv.URL(), "--output", "json")
	}

	var created struct{ StackId string }
	runJSON(t, env, &created, cli("cloudformation", "create-stack", "--stack-name", "cli-stack",
		"--template-body", "file://"+tmpl, "--capabilities", "CAPABILITY_NAMED_IAM",
		"--parameters", "ParameterKey=PartnerAccountId,ParameterValue=123456789012",
		"ParameterKey=ExternalId,ParameterValue=sellerdesk-test-external-id")...)
	if !strings.HasPrefix(created.StackId, "arn:aws:cloudformation:us-east-1:111122223333:stack/cli-stack/") {
		t.Fatalf("create-stack printed StackId %q", created.StackId)
	}
	if st := waitStack(t, cfn, created.StackId); st.StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("stack ended %s", st.StackStatus)
	}

	var events struct {
		StackEvents []struct {
			LogicalResourceId, ResourceStatus, ResourceStatusReason, ResourceType, PhysicalResourceId, Timestamp, EventId string
		}
	}
	runJSON(t, env, &events, cli("cloudformation", "describe-stack-events", "--stack-name", "cli-stack")...)
	ev := events.StackEvents
	if len(ev) != 31 {
		t.Errorf("describe-stack-events returned %d events, want 31", len(ev))
	}
	if len(ev) > 0 {
		newest, oldest := ev[0], ev[len(ev)-1]
		if newest.LogicalResourceId != "cli-stack" || newest.ResourceStatus != "CREATE_COMPLETE" ||
			oldest.ResourceStatus != "CREATE_IN_PROGRESS" || oldest.ResourceStatusReason != "User Initiated" ||
			oldest.ResourceType != "AWS::CloudFormation::Stack" || oldest.PhysicalResourceId != created.StackId {
			t.Errorf("newest %+v, oldest %+v", newest, oldest)
		}
		if _, err := time.Parse(time.RFC3339, newest.Timestamp); err != nil {
			t.Errorf("Timestamp %q: %v", newest.Timestamp, err)
		}
	}

	var described struct {
		Stacks []struct {
			StackStatus string
			Outputs     []struct{ OutputKey, OutputValue string }
		}
	}
	runJSON(t, env, &described, cli("cloudformation", "describe-stacks", "--stack-name", "cli-stack")...)
	if len(described.Stacks) != 1 || described.Stacks[0].StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("describe-stacks = %+v", described)
	}
	outputs := map[string]string{}
	for _, o := range described.Stacks[0].Outputs {
		outputs[o.OutputKey] = o.OutputValue
	}
	if outputs["RoleName"] != "cli-stack-partner" || !strings.HasPrefix(outputs["QueueUrl"], srv.URL()+"/111122223333/cli-stack-Queue-") {
		t.Errorf("outputs = %v", outputs)
	}

	// botocore decodes IAM's URL-encoded policy documents into JSON.
	var role struct {
		Role struct {
			RoleName                 string
			AssumeRolePolicyDocument struct {
				Statement []struct {
					Principal struct{ AWS string }
				}
			}
		}
	}
	runJSON(t, env, &role, cli("iam", "get-role", "--role-name", "cli-stack-partner")...)
	if st := role.Role.AssumeRolePolicyDocument.Statement; len(st) != 1 || st[0].Principal.AWS != "arn:aws:iam::123456789012:root" {
		t.Errorf("get-role = %+v", role)
	}

	// And the rest of the lifecycle from the CLI.
	c := exec.CommandContext(t.Context(), "aws", cli("cloudformation", "delete-stack", "--stack-name", "cli-stack")[1:]...)
	c.Env = env
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("delete-stack: %v: %s", err, out)
	}
	if st := waitStack(t, cfn, created.StackId); st.StackStatus != "DELETE_COMPLETE" {
		t.Errorf("after delete-stack: %s", st.StackStatus)
	}
}

// TestAWSCLITemplateErrors: the AWS CLI reports the sandbox's refusal of an
// unrecognised type and of an unknown attribute as CloudFormation's
// ValidationError.
func TestAWSCLITemplateErrors(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, _, _ := startFast(t, "fresh")
	env := isolatedAWSEnv(t, "", staticKeys...)
	tests := []struct{ name, template, want string }{
		{"unrecognized type", "Resources:\n  A: {Type: AWS::SNS::Topik}\n",
			"An error occurred (ValidationError) when calling the CreateStack operation: Template format error: Unrecognized resource types: [AWS::SNS::Topik]"},
		{"unknown attribute", "Resources:\n  R: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}\nOutputs:\n  O: {Value: !GetAtt R.Name}\n",
			"An error occurred (ValidationError) when calling the CreateStack operation: Template error: resource R does not support attribute type Name in Fn::GetAtt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := exec.CommandContext(t.Context(), "aws", "cloudformation", "create-stack", "--stack-name", "bad", "--template-body", tt.template,
				"--endpoint-url", srv.URL())
			c.Env = env
			out, err := c.CombinedOutput()
			if err == nil || !strings.Contains(string(out), tt.want) {
				t.Errorf("create-stack: %v\n%s\nwant %q", err, out, tt.want)
			}
		})
	}
}
