package tiles

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

func TestRoleTile(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	connected := &onboarding.StackRecord{StackName: "SellerDesk-Onboarding", Phase: onboarding.PhaseConnected, Status: "CREATE_COMPLETE",
		Outputs: outputs(), UpdatedAt: at, Done: 20, Total: 20,
		Checks: []onboarding.Check{{Name: "Partner role exists", OK: true, Detail: roleArn}}}
	tests := []struct {
		name       string
		rec        *onboarding.StackRecord
		state      State
		summaryHas []string
		fields     int
		checks     []string // statuses
	}{
		{"nothing launched", nil, StateNotConnected, []string{"launch the onboarding stack"}, 0, nil},
		{"deleted", &onboarding.StackRecord{Phase: onboarding.PhaseNotConnected}, StateNotConnected, []string{"Not connected"}, 0, nil},
		{"launching shows n of m", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseLaunching, Operation: "create", Done: 7, Total: 23},
			StateLaunching, []string{"Launching: 7 of 23 resources"}, 1, nil},
		{"updating", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseLaunching, Operation: "update", Done: 2, Total: 5},
			StateLaunching, []string{"Updating: 2 of 5"}, 1, nil},
		{"verifying", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseVerifying, Done: 23, Total: 23},
			StateLaunching, []string{"23 of 23", "verified"}, 1, nil},
		{"connected", connected, StateConnected, []string{"Connected", "SellerDesk-Onboarding"}, 4, []string{StatusPassed}},
		{"stack rolled back", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseError, Status: "ROLLBACK_COMPLETE", RolledBack: true,
			Failure: &onboarding.Failure{LogicalID: "CasBucket", Type: "AWS::S3::Bucket", Reason: "x already exists", Plain: "A resource with this name already exists. Retry."}},
			StateError, []string{"Error: Create resource CasBucket (AWS::S3::Bucket) failed", "rolled back", "already exists"}, 1, []string{StatusFailed}},
		{"role check failed", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseError, Status: "CREATE_COMPLETE", Outputs: outputs(),
			Checks:  []onboarding.Check{{Name: "Partner role exists", OK: true}, {Name: "Trust: only the partner account, only with the external ID", Detail: "the trust policy names x but without the external ID condition"}},
			Failure: &onboarding.Failure{LogicalID: "PartnerRole", Reason: "…", Plain: "…"}},
			StateError, []string{"Error: Trust: only the partner account", "without the external ID", "Update the onboarding stack"}, 4, []string{StatusPassed, StatusFailed}},
		{"role check not implemented by the endpoint", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseError, Status: "CREATE_COMPLETE",
			Checks:  []onboarding.Check{{Name: "Role policies attached", Unknown: true, Code: "NotImplemented", Detail: "iam:ListRolePolicies failed: AWS returned an error (NotImplemented): nope"}},
			Failure: &onboarding.Failure{LogicalID: "PartnerRole", Reason: "r", Unverified: true, Plain: "The stack finished, but SellerDesk could not read the partner role to check it."}},
			StateUnknown, []string{"Not verified", "Role policies attached"}, 1, []string{StatusCouldNotCheck}},
		// Issue 13.9: a read cut short is no verdict; the tile says it could
		// not check and to test again.
		{"role read cut short", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseError, Status: "CREATE_COMPLETE", Outputs: outputs(),
			Checks: []onboarding.Check{{Name: "Partner role exists", OK: true}, {Name: "Role can read its own policies", Unknown: true,
				Detail: "iam:GetRolePolicy PartnerRolePolicyAccess failed: deserialization failed, failed to decode response body, unexpected EOF"}},
			Failure: &onboarding.Failure{LogicalID: "PartnerRole", Reason: "r", Unverified: true, Plain: "The stack finished, but SellerDesk could not read the partner role to check it."}},
			StateUnknown, []string{"Not verified", "Role can read its own policies", "Test again"}, 4, []string{StatusPassed, StatusCouldNotCheck}},
		{"a real difference wins over a read that failed", &onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseError, Status: "CREATE_COMPLETE", Outputs: outputs(),
			Checks: []onboarding.Check{{Name: "Partner role exists", OK: true}, {Name: "Trust: only the partner account, only with the external ID", Unknown: true, Detail: "could not be read"},
				{Name: "Role policies attached", Detail: "missing: PartnerRolePolicyAccess"}},
			Failure: &onboarding.Failure{LogicalID: "PartnerRole", Reason: "missing", Plain: "The stack finished, but the partner role is not as the template defines it."}},
			StateError, []string{"Error: Role policies attached", "missing: PartnerRolePolicyAccess"}, 4, []string{StatusPassed, StatusCouldNotCheck, StatusFailed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tile := RoleTile(tt.rec)
			if tile.ID != TileRole || tile.State != tt.state {
				t.Errorf("tile %s %s, want %s: %s", tile.ID, tile.State, tt.state, tile.Summary)
			}
			for _, s := range tt.summaryHas {
				if !strings.Contains(tile.Summary, s) {
					t.Errorf("summary %q lacks %q", tile.Summary, s)
				}
			}
			if len(tile.Fields) != tt.fields {
				t.Errorf("fields %+v, want %d", tile.Fields, tt.fields)
			}
			var got []string
			for _, c := range tile.Checks {
				got = append(got, c.Status)
			}
			if strings.Join(got, ",") != strings.Join(tt.checks, ",") {
				t.Errorf("check statuses %v, want %v (%+v)", got, tt.checks, tile.Checks)
			}
		})
	}
	tile := RoleTile(connected)
	if !tile.CheckedAt.Equal(at) {
		t.Errorf("checkedAt %v, want the record's %v", tile.CheckedAt, at)
	}
	for _, f := range tile.Fields {
		if f.Label == "Role ARN" && (f.Value != roleArn || !f.Copy) {
			t.Errorf("role ARN field %+v", f)
		}
	}
}

// fakeIAM answers as the template's partner role would.
type fakeIAM struct {
	p        template.Parameters
	missing  bool
	policies []string
}

func (f *fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if f.missing {
		return nil, httpErr(404, "NoSuchEntity", "The role with name "+aws.ToString(in.RoleName)+" cannot be found.")
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + f.p.PartnerAccountID +
		`:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + f.p.ExternalID + `"}}}]}`
	return &iam.GetRoleOutput{Role: &iamtypes.Role{Arn: aws.String(roleArn), RoleName: in.RoleName, AssumeRolePolicyDocument: aws.String(url.QueryEscape(trust))}}, nil
}

func (f *fakeIAM) ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return &iam.ListRolePoliciesOutput{PolicyNames: f.policies}, nil
}

func (f *fakeIAM) GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	doc := `{"Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:ListRolePolicies","iam:GetRolePolicy","iam:PassRole"],"Resource":"` + roleArn + `"}]}`
	return &iam.GetRolePolicyOutput{PolicyDocument: aws.String(url.QueryEscape(doc))}, nil
}

func (f *fakeIAM) ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return &iam.ListAttachedRolePoliciesOutput{}, nil
}

func TestRefreshRole(t *testing.T) {
	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-ext-id"}
	sum, err := template.DescribeFor(p)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range sum.Resources {
		if r.Type == "AWS::IAM::Policy" && !r.Skipped {
			n := r.Name
			if n == "" {
				n = r.LogicalID
			}
			names = append(names, n)
		}
	}
	complete := onboarding.StackRecord{StackName: "S", Phase: onboarding.PhaseConnected, Status: "CREATE_COMPLETE", Params: p, Outputs: outputs()}

	// The role is deleted behind the stack's back: Connected → Error.
	got := RefreshRole(context.Background(), &fakeIAM{p: p, missing: true, policies: names}, complete)
	if got.Phase != onboarding.PhaseError || got.Failure == nil || got.Failure.LogicalID != "PartnerRole" {
		t.Fatalf("after the role vanished: phase %s failure %+v", got.Phase, got.Failure)
	}
	if tile := RoleTile(&got); tile.State != StateError || !strings.Contains(tile.Summary, "Partner role exists") {
		t.Errorf("tile %s: %s", tile.State, tile.Summary)
	}

	// Repaired: Error → Connected again.
	got = RefreshRole(context.Background(), &fakeIAM{p: p, policies: names}, got)
	if got.Phase != onboarding.PhaseConnected || got.Failure != nil {
		t.Fatalf("after repair: phase %s failure %+v checks %+v", got.Phase, got.Failure, got.Checks)
	}
	if RoleTile(&got).State != StateConnected {
		t.Error("the repaired role's tile is not Connected")
	}

	// A missing inline policy is an error naming it.
	got = RefreshRole(context.Background(), &fakeIAM{p: p, policies: names[1:]}, complete)
	if got.Phase != onboarding.PhaseError || !strings.Contains(got.Failure.Reason, names[0]) {
		t.Errorf("missing policy %s: phase %s failure %+v", names[0], got.Phase, got.Failure)
	}

	// A rolled-back or launching stack is left alone: the role is not the problem.
	for _, rec := range []onboarding.StackRecord{
		{Phase: onboarding.PhaseError, Status: "ROLLBACK_COMPLETE", Failure: &onboarding.Failure{LogicalID: "CasBucket"}},
		{Phase: onboarding.PhaseLaunching, Status: "CREATE_IN_PROGRESS"},
	} {
		if out := RefreshRole(context.Background(), &fakeIAM{p: p, missing: true}, rec); out.Phase != rec.Phase || out.Checks != nil {
			t.Errorf("record %s/%s changed to %s", rec.Phase, rec.Status, out.Phase)
		}
	}
}

func TestRoleTileDrift(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	drifted := &onboarding.DriftReport{StackName: "S", Status: onboarding.DriftDrifted, CheckedAt: at, Resources: []onboarding.ResourceDrift{
		{LogicalID: "PartnerRole", Status: "MODIFIED", Differences: []onboarding.Difference{{Plain: "the trust policy's principal changed from a to b"}}}}}
	tests := []struct {
		name  string
		phase onboarding.Phase
		drift *onboarding.DriftReport
		want  []string // the notes, each by its start
	}{
		{"never checked", onboarding.PhaseConnected, nil, nil},
		{"in sync", onboarding.PhaseConnected, &onboarding.DriftReport{StackName: "S", Status: onboarding.DriftInSync, CheckedAt: at},
			[]string{"In sync: every resource of stack S is as the template defines it."}},
		{"drifted", onboarding.PhaseConnected, drifted, []string{"Drifted: 1 resource differs from the template of stack S.",
			"PartnerRole: the trust policy's principal changed from a to b", "Update writes the template's values back"}},
		{"drifted, tile in error", onboarding.PhaseError, drifted, []string{"Drifted: 1 resource differs", "PartnerRole: the trust policy's principal", "Update writes"}},
		{"being updated: no drift shown", onboarding.PhaseLaunching, drifted, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &onboarding.StackRecord{StackName: "S", Phase: tt.phase, Status: "UPDATE_COMPLETE", Outputs: outputs(), Drift: tt.drift, Operation: "update"}
			tile := RoleTile(rec)
			var notes []string
			for _, n := range tile.Notes {
				notes = append(notes, n.Text)
			}
			if len(notes) != len(tt.want) {
				t.Fatalf("notes %q, want %d starting %q", notes, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(notes[i], w) {
					t.Errorf("note %d = %q, want it to start %q", i, notes[i], w)
				}
			}
		})
	}
}
