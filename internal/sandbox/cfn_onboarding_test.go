package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestOnboardingTemplate launches SellerDesk's real onboarding template (the
// one the app embeds) on the sandbox.
func TestOnboardingTemplate(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "stacktemplate", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params []cfntypes.Parameter
		custom bool // the reporter (Lambda + custom resource) is created
	}{
		{"default", params("PartnerAccountId", "123456789012", "ExternalId", "sellerdesk-test-external-id"), false},
		{"with report URL", params("PartnerAccountId", "123456789012", "ExternalId", "sellerdesk-test-external-id",
			"ReportUrl", "https://partner.example.com/report"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, cfn, iamc := startFast(t, "fresh")
			st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("sellerdesk-onboarding"),
				TemplateBody: aws.String(string(body)), Parameters: tt.params,
				Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}})
			events := allEvents(t, cfn, aws.ToString(st.StackId))
			if st.StackStatus != cfntypes.StackStatusCreateComplete {
				t.Fatalf("status %s (%s)\n%s", st.StackStatus, aws.ToString(st.StackStatusReason), dumpEvents(events))
			}
			if len(st.Outputs) == 0 {
				t.Fatal("no outputs")
			}
			for _, o := range st.Outputs {
				if aws.ToString(o.OutputValue) == "" {
					t.Errorf("output %s is empty", aws.ToString(o.OutputKey))
				}
			}
			out := outputsOf(st)
			a := srv.Account()
			if arn := out["PartnerRoleArn"]; arn != "" {
				name := arn[strings.LastIndex(arn, "/")+1:]
				if _, err := iamc.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name)}); err != nil {
					t.Errorf("GetRole(%s): %v", name, err)
				}
				pols, err := iamc.ListRolePolicies(t.Context(), &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
				if err != nil || len(pols.PolicyNames) == 0 {
					t.Errorf("ListRolePolicies(%s) = %v, %v", name, pols, err)
				}
			}
			if len(a.Buckets()) != 2 || len(a.Topics()) != 2 || len(a.Queues()) != 2 || len(a.Keys()) != 1 || len(a.Subscriptions()) != 2 {
				t.Errorf("state: %d buckets, %d topics, %d queues, %d keys, %d subscriptions",
					len(a.Buckets()), len(a.Topics()), len(a.Queues()), len(a.Keys()), len(a.Subscriptions()))
			}
			if got := len(a.CustomResources()) > 0 && len(a.Functions()) > 0; got != tt.custom {
				t.Errorf("reporter created = %v, want %v", got, tt.custom)
			}
			if tt.custom {
				return
			}

			// The app's "Update" path: a change set that switches to least
			// privilege and adds the reporter, previewed then executed.
			n := len(events)
			cs, err := cfn.CreateChangeSet(t.Context(), &cloudformation.CreateChangeSetInput{StackName: aws.String("sellerdesk-onboarding"),
				ChangeSetName: aws.String("least-privilege"), UsePreviousTemplate: aws.Bool(true),
				Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
				Parameters: append(params("LeastPrivilege", "true", "ReportUrl", "https://partner.example.com/report"),
					cfntypes.Parameter{ParameterKey: aws.String("PartnerAccountId"), UsePreviousValue: aws.Bool(true)},
					cfntypes.Parameter{ParameterKey: aws.String("ExternalId"), UsePreviousValue: aws.Bool(true)})})
			if err != nil {
				t.Fatalf("CreateChangeSet: %v", err)
			}
			d := waitChangeSet(t, cfn, aws.ToString(cs.Id))
			actions := map[string]string{}
			for _, c := range d.Changes {
				actions[aws.ToString(c.ResourceChange.LogicalResourceId)] = string(c.ResourceChange.Action)
			}
			if d.Status != cfntypes.ChangeSetStatusCreateComplete || !strings.Contains(strings.Join(mapValues(actions), ","), "Add") ||
				!strings.Contains(strings.Join(mapValues(actions), ","), "Modify") {
				t.Fatalf("change set %s %q: %v", d.Status, aws.ToString(d.StatusReason), actions)
			}
			if _, err := cfn.ExecuteChangeSet(t.Context(), &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs.Id}); err != nil {
				t.Fatal(err)
			}
			st = waitStack(t, cfn, aws.ToString(st.StackId))
			if st.StackStatus != cfntypes.StackStatusUpdateComplete {
				t.Fatalf("update: %s\n%s", st.StackStatus, dumpEvents(allEvents(t, cfn, aws.ToString(st.StackId))[n:]))
			}
			if len(a.CustomResources()) != 1 || len(a.Functions()) != 1 {
				t.Errorf("reporter not added: %v %v", a.CustomResources(), a.Functions())
			}
		})
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

// TestLaunchStackInScenario shows how a scenario can start with a stack
// already launched: Account.launchStack runs the engine synchronously.
func TestLaunchStackInScenario(t *testing.T) {
	var launchErr error
	scenarios["test-launched"] = Scenario{Name: "test-launched", Description: "test only", Setup: func(a *Account) {
		a.setIAMUser("111122223333", "sandbox-seller")
		_, launchErr = a.launchStack("engine", engineTemplate,
			map[string]string{"PartnerAccountId": "123456789012", "ExternalId": "sellerdesk-test-external-id"}, "CAPABILITY_NAMED_IAM")
	}}
	t.Cleanup(func() { delete(scenarios, "test-launched") })

	srv, err := Start(t.Context(), Options{Scenario: "test-launched"}) // realistic pace: launchStack does not wait anyway
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if launchErr != nil {
		t.Fatalf("launchStack: %v", launchErr)
	}
	cfn := cloudformation.NewFromConfig(sdkConfig(t, srv, "AKID", "secret", ""))
	out, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String("engine")})
	if err != nil {
		t.Fatal(err)
	}
	st := out.Stacks[0]
	if st.StackStatus != cfntypes.StackStatusCreateComplete || !strings.HasPrefix(outputsOf(st)["QueueUrl"], srv.URL()+"/111122223333/") {
		t.Errorf("launched stack = %s, outputs %v", st.StackStatus, outputsOf(st))
	}
	if ev := allEvents(t, cfn, "engine"); len(ev) != 31 {
		t.Errorf("launched stack has %d events, want 31", len(ev))
	}

	// Outside a server, queue URLs fall back to AWS's own host.
	sc, _ := LookupScenario("fresh")
	a, err := sc.build()
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown()
	info, err := a.launchStack("bare", engineTemplate, map[string]string{"PartnerAccountId": "123456789012", "ExternalId": "x1"}, "CAPABILITY_NAMED_IAM")
	if err != nil || info.Status != "CREATE_COMPLETE" || !strings.HasPrefix(info.Outputs["QueueUrl"], "https://sqs.us-east-1.amazonaws.com/111122223333/bare-Queue-") {
		t.Errorf("launchStack without a server = %s %v, %v", info.Status, info.Outputs, err)
	}
	if _, err := a.launchStack("bare", engineTemplate, nil); err == nil {
		t.Error("launchStack accepted missing parameters and a duplicate name")
	}
}
