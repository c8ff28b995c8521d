package iamdeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

const account = "111122223333"

// startSandbox runs the sandbox on loopback and returns an IAM client for it.
func startSandbox(t *testing.T) *iam.Client {
	t.Helper()
	srv, err := sandbox.Start(t.Context(), sandbox.Options{Scenario: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return iam.NewFromConfig(testaws.Config(srv.URL()))
}

func doc(actions ...string) []byte {
	return []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`)
}

func attachedTo(t *testing.T, c *iam.Client, p Principal) []string {
	t.Helper()
	var arns []string
	if p.Kind == KindRole {
		out, err := c.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(p.Name)})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.AttachedPolicies {
			arns = append(arns, aws.ToString(a.PolicyArn))
		}
		return arns
	}
	out, err := c.ListAttachedUserPolicies(t.Context(), &iam.ListAttachedUserPoliciesInput{UserName: aws.String(p.Name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.AttachedPolicies {
		arns = append(arns, aws.ToString(a.PolicyArn))
	}
	return arns
}

func defaultDocument(t *testing.T, c *iam.Client, arn string) string {
	t.Helper()
	pol, err := c.GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.GetPolicyVersion(t.Context(), &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: pol.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(v.PolicyVersion.Document)
}

// TestDeploy runs Deploy repeatedly against one sandbox account: each step
// starts from the state the previous one left.
func TestDeploy(t *testing.T) {
	c := startSandbox(t)
	ps, err := Principals(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	find := func(kind, name string) *Principal {
		for _, p := range ps {
			if p.Kind == kind && p.Name == name {
				return &p
			}
		}
		t.Fatalf("no %s %s among %+v", kind, name, ps)
		return nil
	}
	editor := find(KindUser, sandbox.SeedEditorUserName)
	admins := find(KindRole, sandbox.SeedRoleName)
	const arn = "arn:aws:iam::" + account + ":policy/catalog-writers"
	steps := []struct {
		name       string
		doc        []byte
		to         *Principal
		want       Result
		wantVers   int
		wantAttach []*Principal
	}{
		{"create and attach to a user", doc("aws-marketplace:StartChangeSet"), editor,
			Result{arn, ActionCreated, editor.ARN, AttachActionAttached, "Created policy catalog-writers and attached it to user catalog-editor."},
			1, []*Principal{editor}},
		{"second run", doc("aws-marketplace:StartChangeSet"), editor,
			Result{arn, ActionInPlace, editor.ARN, AttachActionAlready, "Policy catalog-writers is already in place and attached to user catalog-editor; nothing changed."},
			1, []*Principal{editor}},
		{"same policy in another form", []byte(`{
			"Version": "2012-10-17",
			"Statement": {"Effect": "Allow", "Action": "aws-marketplace:StartChangeSet", "Resource": ["*"]}
		}`), editor,
			Result{arn, ActionInPlace, editor.ARN, AttachActionAlready, "Policy catalog-writers is already in place and attached to user catalog-editor; nothing changed."},
			1, []*Principal{editor}},
		{"changed document", doc("aws-marketplace:StartChangeSet", "aws-marketplace:DescribeChangeSet"), editor,
			Result{arn, ActionUpdated, editor.ARN, AttachActionAlready, "Updated policy catalog-writers (version v2 is now the default); it was already attached to user catalog-editor."},
			2, []*Principal{editor}},
		{"attach to a role too", doc("aws-marketplace:StartChangeSet", "aws-marketplace:DescribeChangeSet"), admins,
			Result{arn, ActionInPlace, admins.ARN, AttachActionAttached, "Policy catalog-writers is already in place; attached it to role MarketplaceCatalogAdmins."},
			2, []*Principal{editor, admins}},
		{"no principal", doc("aws-marketplace:StartChangeSet", "aws-marketplace:DescribeChangeSet"), nil,
			Result{arn, ActionInPlace, "", "", "Policy catalog-writers is already in place; nothing changed."},
			2, []*Principal{editor, admins}},
		{"changed, no principal", doc("aws-marketplace:ListEntities"), nil,
			Result{arn, ActionUpdated, "", "", "Updated policy catalog-writers (version v3 is now the default)."},
			3, []*Principal{editor, admins}},
		{"principal without an ARN", doc("aws-marketplace:ListEntities"), &Principal{Kind: KindUser, Name: sandbox.SeedReaderUserName},
			Result{arn, ActionInPlace, "arn:aws:iam::" + account + ":user/catalog-reader", AttachActionAttached, "Policy catalog-writers is already in place; attached it to user catalog-reader."},
			3, []*Principal{editor, admins}},
	}
	for _, st := range steps {
		got, err := Deploy(t.Context(), c, account, "catalog-writers", st.doc, st.to)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s:\n got  %+v\n want %+v", st.name, got, st.want)
		}
		if d := defaultDocument(t, c, arn); !iampolicy.Same(d, string(st.doc)) {
			t.Errorf("%s: IAM has %s", st.name, d)
		}
		vs, err := c.ListPolicyVersions(t.Context(), &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
		if err != nil || len(vs.Versions) != st.wantVers {
			t.Errorf("%s: versions %+v, %v; want %d", st.name, vs, err, st.wantVers)
		}
		for _, p := range st.wantAttach {
			if arns := attachedTo(t, c, *p); !contains(arns, arn) {
				t.Errorf("%s: %s %s has %v", st.name, p.Kind, p.Name, arns)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDeployPrunesVersions: with five versions, the oldest non-default one
// goes to make room, whichever version is the default.
func TestDeployPrunesVersions(t *testing.T) {
	tests := []struct {
		name        string
		defaultVer  string // made the default before Deploy
		wantDeleted string
		wantLeft    string // newest first
	}{
		{"latest is the default", "v5", "v1", "v6 v5 v4 v3 v2"},
		{"first is the default", "v1", "v2", "v6 v5 v4 v3 v1"},
		{"middle is the default", "v3", "v1", "v6 v5 v4 v3 v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startSandbox(t)
			ctx := t.Context()
			pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("pruned"), PolicyDocument: aws.String(string(doc("s3:Get1")))})
			if err != nil {
				t.Fatal(err)
			}
			for i := 2; i <= MaxPolicyVersions; i++ {
				if _, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn,
					PolicyDocument: aws.String(string(doc("s3:Get" + string(rune('0'+i))))), SetAsDefault: true}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String(tt.defaultVer)}); err != nil {
				t.Fatal(err)
			}
			res, err := Deploy(ctx, c, account, "pruned", doc("s3:PutObject"), nil)
			if err != nil {
				t.Fatal(err)
			}
			wantMsg := "Updated policy pruned (version v6 is now the default; its oldest version, " + tt.wantDeleted + ", was deleted to stay within IAM's five versions)."
			if res.Action != ActionUpdated || res.Message != wantMsg {
				t.Errorf("Deploy = %+v\nwant message %s", res, wantMsg)
			}
			vs, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: pol.Policy.Arn})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, v := range vs.Versions {
				ids = append(ids, aws.ToString(v.VersionId))
			}
			if got := strings.Join(ids, " "); got != tt.wantLeft {
				t.Errorf("versions left %s, want %s", got, tt.wantLeft)
			}
			if d := defaultDocument(t, c, aws.ToString(pol.Policy.Arn)); !iampolicy.Same(d, string(doc("s3:PutObject"))) {
				t.Errorf("default document %s", d)
			}
		})
	}
}

func TestDeployAttachFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, c *iam.Client)
		to    Principal
		cause func(error) bool // checks the IAM error wrapped
		want  string
	}{
		{"missing role", nil, Principal{Kind: KindRole, Name: "gone"}, isNoSuchEntity,
			"reading the policies attached to role gone: it does not exist in account 111122223333 (it may have been deleted); refresh the list of roles and users and choose again"},
		{"missing user", nil, Principal{Kind: KindUser, Name: "gone"}, isNoSuchEntity,
			"reading the policies attached to user gone: it does not exist in account 111122223333 (it may have been deleted); refresh the list of roles and users and choose again"},
		{"user at the quota", func(t *testing.T, c *iam.Client) {
			for i := range 10 {
				if _, err := c.AttachUserPolicy(t.Context(), &iam.AttachUserPolicyInput{UserName: aws.String(sandbox.SeedEditorUserName),
					PolicyArn: aws.String(fmt.Sprintf("arn:aws:iam::aws:policy/Filler%d", i))}); err != nil {
					t.Fatal(err)
				}
			}
		}, Principal{Kind: KindUser, Name: sandbox.SeedEditorUserName}, func(err error) bool {
			var le *iamtypes.LimitExceededException
			return errors.As(err, &le)
		},
			"attaching the policy to user catalog-editor: it already has as many managed policies attached as IAM allows; detach one in the IAM console or choose another user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startSandbox(t)
			if tt.setup != nil {
				tt.setup(t, c)
			}
			res, err := Deploy(t.Context(), c, account, "orphan", doc("s3:GetObject"), &tt.to)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %s", err, tt.want)
			}
			// The cause stays reachable for callers.
			if !tt.cause(err) {
				t.Errorf("err = %v does not wrap the IAM error", err)
			}
			// The policy itself was created, and the result says so.
			if res.Action != ActionCreated || res.PolicyARN != "arn:aws:iam::111122223333:policy/orphan" || res.AttachAction != "" ||
				res.Message != "Created policy orphan, but attaching it failed." {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

// countingIAM fails every call and counts them.
type countingIAM struct{ calls atomic.Int32 }

var errCalled = errors.New("IAM was called")

func (f *countingIAM) call() error { f.calls.Add(1); return errCalled }

func (f *countingIAM) ListRoles(context.Context, *iam.ListRolesInput, ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) CreatePolicy(context.Context, *iam.CreatePolicyInput, ...func(*iam.Options)) (*iam.CreatePolicyOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) CreatePolicyVersion(context.Context, *iam.CreatePolicyVersionInput, ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) ListPolicyVersions(context.Context, *iam.ListPolicyVersionsInput, ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) DeletePolicyVersion(context.Context, *iam.DeletePolicyVersionInput, ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) AttachRolePolicy(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) AttachUserPolicy(context.Context, *iam.AttachUserPolicyInput, ...func(*iam.Options)) (*iam.AttachUserPolicyOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return nil, f.call()
}
func (f *countingIAM) ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	return nil, f.call()
}

func TestDeployValidatesBeforeCalling(t *testing.T) {
	big := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", MaxPolicySize) + `"}]}`)
	padded := []byte(strings.Replace(string(doc("s3:GetObject")), ",", ",\n"+strings.Repeat(" ", MaxPolicySize), 1))
	tests := []struct {
		name    string
		account string
		policy  string
		doc     []byte
		to      *Principal
		want    string // substring of the error; "" when the input is valid
	}{
		{"valid (reaches IAM)", account, "ok", doc("s3:GetObject"), nil, ""},
		{"whitespace is not counted", account, "ok", padded, nil, ""},
		{"128-character name", account, strings.Repeat("n", 128), doc("s3:GetObject"), nil, ""},
		{"empty name", account, "", doc("s3:GetObject"), nil, "the policy name is empty; enter 1 to 128 characters"},
		{"long name", account, strings.Repeat("n", 129), doc("s3:GetObject"), nil, "the policy name is 129 characters long; IAM allows at most 128, so shorten it"},
		{"name with a space", account, "my policy", doc("s3:GetObject"), nil, `the policy name "my policy" contains " ", which IAM does not allow; use only letters, digits and + = , . @ _ -`},
		{"name with a slash", account, "team/policy", doc("s3:GetObject"), nil, `contains "/"`},
		{"short account", "12345", "ok", doc("s3:GetObject"), nil, `account "12345" is not a 12-digit AWS account ID; connect to the account first`},
		{"empty account", "", "ok", doc("s3:GetObject"), nil, `account "" is not a 12-digit AWS account ID`},
		{"bad kind", account, "ok", doc("s3:GetObject"), &Principal{Kind: "group", Name: "admins"}, `cannot attach the policy to a "group": choose a role or a user from the list`},
		{"empty principal name", account, "ok", doc("s3:GetObject"), &Principal{Kind: KindRole}, "the role name is empty"},
		{"long user name", account, "ok", doc("s3:GetObject"), &Principal{Kind: KindUser, Name: strings.Repeat("u", 65)}, "the user name is 65 characters long; IAM allows at most 64"},
		{"not JSON", account, "ok", []byte(`{"Version":`), nil, "the policy document is not valid JSON (unexpected end of JSON input); fix it in the editor"},
		{"empty document", account, "ok", nil, nil, "the policy document is not valid JSON"},
		{"JSON array", account, "ok", []byte(`[]`), nil, `the policy document must be a JSON object with "Version" and "Statement"`},
		{"no Statement", account, "ok", []byte(`{"Version":"2012-10-17"}`), nil, `the policy document has no "Statement"; add at least one statement`},
		{"no Version", account, "ok", []byte(`{"Statement":[]}`), nil, `the policy document has no "Version"; add "Version": "2012-10-17"`},
		{"too large", account, "ok", big, nil, "the policy document has 6252 characters (whitespace not counted); IAM allows at most 6144 in a managed policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &countingIAM{}
			_, err := Deploy(t.Context(), f, tt.account, tt.policy, tt.doc, tt.to)
			if tt.want == "" {
				if !errors.Is(err, errCalled) || f.calls.Load() == 0 {
					t.Errorf("valid input: err = %v after %d calls, want IAM to be called", err, f.calls.Load())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
			if n := f.calls.Load(); n != 0 {
				t.Errorf("%d IAM calls were made for invalid input", n)
			}
		})
	}
}

// pagedIAM asks for one item per page, so Principals must follow markers.
type pagedIAM struct{ *iam.Client }

func (p pagedIAM) ListRoles(ctx context.Context, in *iam.ListRolesInput, o ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	in.MaxItems = aws.Int32(1)
	return p.Client.ListRoles(ctx, in, o...)
}

func (p pagedIAM) ListUsers(ctx context.Context, in *iam.ListUsersInput, o ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	in.MaxItems = aws.Int32(1)
	return p.Client.ListUsers(ctx, in, o...)
}

func TestPrincipals(t *testing.T) {
	c := startSandbox(t)
	ctx := t.Context()
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for _, in := range []iam.CreateRoleInput{
		{RoleName: aws.String("AWSServiceRoleForSupport"), Path: aws.String("/aws-service-role/support.amazonaws.com/"), AssumeRolePolicyDocument: aws.String(trust)},
		{RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(trust)},
	} {
		if _, err := c.CreateRole(ctx, &in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("auditor")}); err != nil {
		t.Fatal(err)
	}
	want := []Principal{
		{KindRole, "MarketplaceCatalogAdmins", "arn:aws:iam::111122223333:role/MarketplaceCatalogAdmins"},
		{KindRole, "app", "arn:aws:iam::111122223333:role/svc/app"},
		{KindUser, "auditor", "arn:aws:iam::111122223333:user/auditor"},
		{KindUser, "catalog-editor", "arn:aws:iam::111122223333:user/catalog-editor"},
		{KindUser, "catalog-reader", "arn:aws:iam::111122223333:user/catalog-reader"},
		{KindUser, "sandbox-seller", "arn:aws:iam::111122223333:user/sandbox-seller"},
	}
	for _, tt := range []struct {
		name   string
		client IAM
	}{{"one page", c}, {"one item per page", pagedIAM{c}}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Principals(ctx, tt.client)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("Principals = %+v\nwant %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("Principals[%d] = %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
	f := &countingIAM{}
	if _, err := Principals(ctx, f); !errors.Is(err, errCalled) || !strings.Contains(err.Error(), "listing IAM roles") {
		t.Errorf("Principals with a failing client: %v", err)
	}
}
