package resale

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
	"github.com/sellerdesk/sellerdesk/internal/policy"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// Step names as Ensure reports them once the role exists.
const (
	policyStep = "Policy " + policy.ResalePolicyName
	trustStep  = "Role " + policy.ResaleRoleName + " trust"
	attachStep = "Policy attached to the role"
)

// startSandbox runs the sandbox on loopback and returns an IAM client for it
// and the account ID.
func startSandbox(t *testing.T) (*iam.Client, string) {
	t.Helper()
	srv, err := sandbox.Start(t.Context(), sandbox.Options{Scenario: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return iam.NewFromConfig(testaws.Config(srv.URL())), srv.Account().ID
}

func ensure(t *testing.T, c *iam.Client, account string) Report {
	t.Helper()
	rep, err := Ensure(t.Context(), c, account)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	return rep
}

// actions summarises a report as "step=action" lines.
func actions(r Report) string {
	var out []string
	for _, s := range r.Steps {
		out = append(out, s.Name+"="+s.Action)
	}
	return strings.Join(out, "; ")
}

// checkGuide checks that IAM holds exactly what the guide asks for.
func checkGuide(t *testing.T, c *iam.Client, rep Report) {
	t.Helper()
	ctx := t.Context()
	wantPol, _ := policy.ResaleAuthorizationPolicy().JSON()
	wantTrust, _ := policy.ResaleAuthorizationTrust().JSON()
	pol, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(rep.PolicyARN)})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: pol.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	if !iampolicy.Same(aws.ToString(v.PolicyVersion.Document), string(wantPol)) {
		t.Errorf("policy document %s", aws.ToString(v.PolicyVersion.Document))
	}
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(policy.ResaleRoleName)})
	if err != nil {
		t.Fatal(err)
	}
	if !iampolicy.Same(aws.ToString(role.Role.AssumeRolePolicyDocument), string(wantTrust)) {
		t.Errorf("trust %s", aws.ToString(role.Role.AssumeRolePolicyDocument))
	}
	if aws.ToString(role.Role.Arn) != rep.RoleARN {
		t.Errorf("role ARN %s, report says %s", aws.ToString(role.Role.Arn), rep.RoleARN)
	}
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(policy.ResaleRoleName)})
	if err != nil || !attached(att.AttachedPolicies, rep.PolicyARN) {
		t.Errorf("attached policies %+v, %v", att, err)
	}
}

func TestEnsureCreatesThenReportsInPlace(t *testing.T) {
	c, account := startSandbox(t)
	first := ensure(t, c, account)
	want := "Policy FullResaleAuthorizationAccess=created; Role FullResaleAuthorizationAccess=created; Policy attached to the role=attached"
	if got := actions(first); first.InPlace() || got != want {
		t.Fatalf("first run: %s\nwant %s", got, want)
	}
	if first.PolicyARN != "arn:aws:iam::"+account+":policy/"+policy.ResalePolicyName || first.RoleARN != "arn:aws:iam::"+account+":role/"+policy.ResaleRoleName {
		t.Errorf("ARNs %s %s", first.PolicyARN, first.RoleARN)
	}
	checkGuide(t, c, first)
	second := ensure(t, c, account)
	want = policyStep + "=already in place; " + trustStep + "=already in place; " + attachStep + "=already in place"
	if got := actions(second); !second.InPlace() || got != want {
		t.Fatalf("second run: %s\nwant %s", got, want)
	}
	if second.PolicyARN != first.PolicyARN || second.RoleARN != first.RoleARN {
		t.Errorf("second run ARNs %s %s", second.PolicyARN, second.RoleARN)
	}
	if _, err := Ensure(t.Context(), c, "12345"); err == nil {
		t.Error("a bad account ID was accepted")
	}
}

// drifted is a document other than the guide's.
const drifted = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}]}`

// TestEnsureRepairsDrift puts everything in place, lets something drift the
// way someone editing in the console would, and checks that the next run
// repairs exactly that and the run after reports everything in place.
func TestEnsureRepairsDrift(t *testing.T) {
	tests := []struct {
		name       string
		drift      func(t *testing.T, c *iam.Client, rep Report)
		wantStep   string
		wantAction string
		wantDetail string
		// wantVersions are the policy's versions after the repair, newest first.
		wantVersions string
	}{
		{
			name: "policy document",
			drift: func(t *testing.T, c *iam.Client, rep Report) {
				newDefault(t, c, rep.PolicyARN, drifted)
			},
			wantStep: policyStep, wantAction: "repaired",
			wantDetail:   "its document differed from the guide's; a new default version (v3) restores it",
			wantVersions: "v3 v2 v1",
		},
		{
			name: "trust policy",
			drift: func(t *testing.T, c *iam.Client, rep Report) {
				const other = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}`
				if _, err := c.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(policy.ResaleRoleName), PolicyDocument: aws.String(other)}); err != nil {
					t.Fatal(err)
				}
			},
			wantStep: trustStep, wantAction: "repaired",
			wantDetail:   "trust now names " + policy.ResaleServicePrincipal + " only",
			wantVersions: "v1",
		},
		{
			name: "detached policy",
			drift: func(t *testing.T, c *iam.Client, rep Report) {
				if _, err := c.DetachRolePolicy(t.Context(), &iam.DetachRolePolicyInput{RoleName: aws.String(policy.ResaleRoleName), PolicyArn: aws.String(rep.PolicyARN)}); err != nil {
					t.Fatal(err)
				}
			},
			wantStep: attachStep, wantAction: "attached",
			wantVersions: "v1",
		},
		{
			// IAM keeps five versions: the repair must delete the oldest
			// non-default one (v1, the guide's own) before adding v6.
			name: "policy document with five versions",
			drift: func(t *testing.T, c *iam.Client, rep Report) {
				for i := 2; i <= 5; i++ {
					newDefault(t, c, rep.PolicyARN, strings.Replace(drifted, "aws-marketplace:*", "aws-marketplace:Describe"+strings.Repeat("X", i), 1))
				}
			},
			wantStep: policyStep, wantAction: "repaired",
			wantDetail:   "its document differed from the guide's; a new default version (v6) restores it, and its oldest version (v1) was deleted to stay within IAM's five versions",
			wantVersions: "v6 v5 v4 v3 v2",
		},
		{
			// Someone rolled the default back to a drifted middle version:
			// the oldest non-default one still goes, not the default.
			name: "five versions, an older one the default",
			drift: func(t *testing.T, c *iam.Client, rep Report) {
				for i := 2; i <= 5; i++ {
					newDefault(t, c, rep.PolicyARN, strings.Replace(drifted, "aws-marketplace:*", "aws-marketplace:Describe"+strings.Repeat("X", i), 1))
				}
				if _, err := c.SetDefaultPolicyVersion(t.Context(), &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(rep.PolicyARN), VersionId: aws.String("v3")}); err != nil {
					t.Fatal(err)
				}
			},
			wantStep: policyStep, wantAction: "repaired",
			wantDetail:   "its document differed from the guide's; a new default version (v6) restores it, and its oldest version (v1) was deleted to stay within IAM's five versions",
			wantVersions: "v6 v5 v4 v3 v2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, account := startSandbox(t)
			first := ensure(t, c, account)
			if second := ensure(t, c, account); !second.InPlace() {
				t.Fatalf("second run: %s", actions(second))
			}
			tt.drift(t, c, first)

			third := ensure(t, c, account)
			if third.InPlace() {
				t.Fatalf("the drift went unnoticed: %s", actions(third))
			}
			for _, s := range third.Steps {
				want := "already in place"
				if s.Name == tt.wantStep {
					want = tt.wantAction
					if s.Detail != tt.wantDetail {
						t.Errorf("detail %q\nwant   %q", s.Detail, tt.wantDetail)
					}
				}
				if s.Action != want {
					t.Errorf("repair run: %s=%s, want %s", s.Name, s.Action, want)
				}
			}
			checkGuide(t, c, third)
			if got := versions(t, c, first.PolicyARN); got != tt.wantVersions {
				t.Errorf("versions %s, want %s", got, tt.wantVersions)
			}
			if fourth := ensure(t, c, account); !fourth.InPlace() {
				t.Errorf("run after the repair: %s", actions(fourth))
			}
		})
	}
}

// newDefault adds doc as the policy's new default version.
func newDefault(t *testing.T, c *iam.Client, arn, doc string) {
	t.Helper()
	if _, err := c.CreatePolicyVersion(t.Context(), &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc), SetAsDefault: true}); err != nil {
		t.Fatalf("CreatePolicyVersion: %v", err)
	}
}

func versions(t *testing.T, c *iam.Client, arn string) string {
	t.Helper()
	out, err := c.ListPolicyVersions(t.Context(), &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range out.Versions {
		ids = append(ids, aws.ToString(v.VersionId))
	}
	return strings.Join(ids, " ")
}
