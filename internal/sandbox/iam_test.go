package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestIAM(t *testing.T) {
	_, _, c := startFast(t, "fresh")
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	ctx := t.Context()

	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(role.Role.Arn) != "arn:aws:iam::111122223333:role/svc/app" || aws.ToString(role.Role.Path) != "/svc/" {
		t.Errorf("CreateRole = %+v", role.Role)
	}
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("read"), PolicyDocument: aws.String(doc), Description: aws.String("reads")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(pol.Policy.Arn)
	if arn != "arn:aws:iam::111122223333:policy/read" || aws.ToString(pol.Policy.DefaultVersionId) != "v1" {
		t.Errorf("CreatePolicy = %+v", pol.Policy)
	}
	for _, p := range []string{arn, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"} {
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String(p)}); err != nil {
			t.Fatalf("AttachRolePolicy(%s): %v", p, err)
		}
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}

	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	// IAM returns documents URL-encoded (RFC 3986), exactly as AWS does.
	raw := aws.ToString(got.Role.AssumeRolePolicyDocument)
	if !strings.HasPrefix(raw, "%7B%22Version%22%3A%222012-10-17%22") || strings.Contains(raw, "+") {
		t.Errorf("AssumeRolePolicyDocument not encoded like AWS: %s", raw)
	}
	if dec, _ := url.PathUnescape(raw); dec != trust {
		t.Errorf("decoded trust policy = %s", dec)
	}
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("app")})
	if err != nil || len(att.AttachedPolicies) != 2 || aws.ToString(att.AttachedPolicies[1].PolicyName) != "AWSLambdaBasicExecutionRole" {
		t.Errorf("ListAttachedRolePolicies = %+v, %v", att, err)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || aws.ToInt32(gp.Policy.AttachmentCount) != 1 || aws.ToString(gp.Policy.Description) != "reads" {
		t.Errorf("GetPolicy = %+v, %v", gp, err)
	}
	pv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := url.PathUnescape(aws.ToString(pv.PolicyVersion.Document)); !strings.Contains(d, "logs:PutLogEvents") || !pv.PolicyVersion.IsDefaultVersion {
		t.Errorf("AWS managed policy version = %s", d)
	}
	rp, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("inline")})
	if d, _ := url.PathUnescape(aws.ToString(rp.PolicyDocument)); err != nil || d != doc {
		t.Errorf("GetRolePolicy = %s, %v", d, err)
	}

	errs := []struct {
		name     string
		call     func() error
		wantCode string
		wantMsg  string
	}{
		{"GetRole missing", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity", "The role with name nope cannot be found."},
		{"GetRolePolicy missing", func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("nope")})
			return err
		}, "NoSuchEntity", "The role policy with name nope cannot be found."},
		{"ListRolePolicies missing role", func() error {
			_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity", "The role with name nope cannot be found."},
		{"GetPolicy missing", func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111122223333:policy/nope")})
			return err
		}, "NoSuchEntity", "Policy arn:aws:iam::111122223333:policy/nope was not found."},
		{"GetPolicyVersion missing", func() error {
			_, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
			return err
		}, "NoSuchEntity", "Policy " + arn + " version v9 does not exist or is not attachable."},
		{"AttachRolePolicy missing policy", func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::111122223333:policy/nope")})
			return err
		}, "NoSuchEntity", "Policy arn:aws:iam::111122223333:policy/nope does not exist or is not attachable."},
		{"CreateRole duplicate", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trust)})
			return err
		}, "EntityAlreadyExists", "Role with name app already exists."},
		{"CreatePolicy malformed", func() error {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String("{nope")})
			return err
		}, "MalformedPolicyDocument", "Syntax errors in policy."},
		{"DeleteRole with policies", func() error {
			_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})
			return err
		}, "DeleteConflict", "Cannot delete entity, must delete policies first."},
		{"DeleteRolePolicy missing", func() error {
			_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("nope")})
			return err
		}, "NoSuchEntity", "The role policy with name nope cannot be found."},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if code, msg := apiErrorCode(tt.call()); code != tt.wantCode || msg != tt.wantMsg {
				t.Errorf("got %s %q, want %s %q", code, msg, tt.wantCode, tt.wantMsg)
			}
		})
	}

	// Tear down in the order IAM insists on.
	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("inline")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})
	if code, msg := apiErrorCode(err); code != "DeleteConflict" || msg != "Cannot delete entity, must detach all policies first." {
		t.Errorf("DeleteRole with attached policies: %v", err)
	}
	for _, p := range []string{arn, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"} {
		if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")}); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	// Only the seeded role is left.
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 1 || aws.ToString(roles.Roles[0].RoleName) != SeedRoleName {
		t.Errorf("ListRoles after delete = %+v, %v", roles, err)
	}
}

// allowDoc is a valid managed policy document allowing action.
func allowDoc(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

// bigDoc is a policy document of exactly n non-whitespace characters, padded
// with pad spaces (which IAM does not count).
func bigDoc(n, pad int) string {
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	return head + strings.Repeat("b", n-len(head)-len(tail)) + tail + strings.Repeat(" ", pad)
}

// iamErrCase is one call expected to fail with an IAM error.
type iamErrCase struct {
	name       string
	call       func() error
	wantCode   string
	wantStatus int
	wantMsg    string
}

func runIAMErrors(t *testing.T, cases []iamErrCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			code, msg := apiErrorCode(err)
			if code != tt.wantCode || msg != tt.wantMsg || httpStatus(err) != tt.wantStatus {
				t.Errorf("got %s (%d) %q, want %s (%d) %q", code, httpStatus(err), msg, tt.wantCode, tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

func TestIAMSeededPrincipals(t *testing.T) {
	tests := []struct {
		scenario, account, caller string
	}{
		{"fresh", "111122223333", "sandbox-seller"},
		{"connected", "111122223333", "sandbox-seller"},
		{"not-seller", "444455556666", "sandbox-user"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			srv, _, c := startFast(t, tt.scenario)
			ctx := t.Context()
			role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(SeedRoleName)})
			if err != nil {
				t.Fatal(err)
			}
			trust, _ := url.PathUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
			if want := `"Principal":{"AWS":"arn:aws:iam::` + tt.account + `:root"}`; !strings.Contains(trust, want) {
				t.Errorf("trust %s lacks %s", trust, want)
			}
			if arn := aws.ToString(role.Role.Arn); arn != "arn:aws:iam::"+tt.account+":role/"+SeedRoleName {
				t.Errorf("role ARN %s", arn)
			}
			users, err := c.ListUsers(ctx, &iam.ListUsersInput{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, u := range users.Users {
				names = append(names, aws.ToString(u.UserName))
			}
			want := []string{SeedEditorUserName, SeedReaderUserName, tt.caller}
			if strings.Join(names, ",") != strings.Join(want, ",") {
				t.Errorf("ListUsers = %v, want %v", names, want)
			}
			// GetUser without a name is the caller, with the ID STS reports.
			me, err := c.GetUser(ctx, &iam.GetUserInput{})
			if err != nil {
				t.Fatal(err)
			}
			caller := srv.Account().Caller()
			if aws.ToString(me.User.Arn) != caller.ARN || aws.ToString(me.User.UserId) != caller.UserID {
				t.Errorf("GetUser() = %s %s, want %s %s", aws.ToString(me.User.Arn), aws.ToString(me.User.UserId), caller.ARN, caller.UserID)
			}
			att, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(SeedReaderUserName)})
			if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AWSMarketplaceSellerProductsReadOnly" {
				t.Errorf("reader's policies = %+v, %v", att, err)
			}
			if u := srv.Account().Users(); len(u) != 3 {
				t.Errorf("Account.Users() = %+v", u)
			}
		})
	}
}

func TestIAMGetUserAsRole(t *testing.T) {
	srv, _, c := startFast(t, "fresh")
	ctx := t.Context()
	out, err := sts.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111122223333:role/" + SeedRoleName), RoleSessionName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	cr := out.Credentials
	asRole := iam.NewFromConfig(sdkConfig(t, srv, aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)))
	runIAMErrors(t, []iamErrCase{
		{"GetUser without a name as a role", func() error {
			_, err := asRole.GetUser(ctx, &iam.GetUserInput{})
			return err
		}, "ValidationError", 400, "Must specify userName when calling with non-User credentials"},
		{"CreatePolicyVersion on an AWS managed policy", func() error {
			_, err := asRole.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), PolicyDocument: aws.String(allowDoc("s3:*"))})
			return err
		}, "AccessDenied", 403, "User: arn:aws:sts::111122223333:assumed-role/MarketplaceCatalogAdmins/admin is not authorized to perform: iam:CreatePolicyVersion on resource: policy arn:aws:iam::aws:policy/ReadOnlyAccess"},
	})
	if _, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(SeedEditorUserName)}); err != nil {
		t.Errorf("GetUser(%s): %v", SeedEditorUserName, err)
	}
}

func TestIAMPolicyVersions(t *testing.T) {
	_, _, c := startFast(t, "fresh")
	ctx := t.Context()
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("versions"), PolicyDocument: aws.String(allowDoc("s3:GetObject"))})
	if err != nil {
		t.Fatal(err)
	}
	arn := pol.Policy.Arn
	newVersion := func(action string, setDefault bool) string {
		t.Helper()
		out, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowDoc(action)), SetAsDefault: setDefault})
		if err != nil {
			t.Fatalf("CreatePolicyVersion(%s): %v", action, err)
		}
		if out.PolicyVersion.IsDefaultVersion != setDefault || out.PolicyVersion.CreateDate == nil {
			t.Errorf("CreatePolicyVersion = %+v", out.PolicyVersion)
		}
		return aws.ToString(out.PolicyVersion.VersionId)
	}
	defaultVersion := func() string {
		t.Helper()
		got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(got.Policy.DefaultVersionId)
	}
	versions := func(in iam.ListPolicyVersionsInput) []string {
		t.Helper()
		in.PolicyArn = arn
		var ids []string
		p := iam.NewListPolicyVersionsPaginator(c, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range page.Versions {
				id := aws.ToString(v.VersionId)
				if v.IsDefaultVersion {
					id += "*"
				}
				ids = append(ids, id)
			}
		}
		return ids
	}

	steps := []struct {
		name         string
		do           func()
		wantDefault  string
		wantVersions string // newest first, * marks the default
	}{
		{"created", func() {}, "v1", "v1*"},
		{"new default version", func() {
			if id := newVersion("s3:PutObject", true); id != "v2" {
				t.Errorf("version %s, want v2", id)
			}
		}, "v2", "v2* v1"},
		{"new non-default version", func() {
			if id := newVersion("s3:ListBucket", false); id != "v3" {
				t.Errorf("version %s, want v3", id)
			}
		}, "v2", "v3 v2* v1"},
		{"set default", func() {
			if _, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")}); err != nil {
				t.Fatal(err)
			}
		}, "v3", "v3* v2 v1"},
		{"delete the latest non-default", func() {
			newVersion("s3:DeleteObject", false) // v4
			if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v4")}); err != nil {
				t.Fatal(err)
			}
		}, "v3", "v3* v2 v1"},
		{"IDs are not reused", func() {
			if id := newVersion("s3:DeleteObject", false); id != "v5" {
				t.Errorf("version %s, want v5 (v4 was deleted)", id)
			}
			newVersion("s3:GetBucketTagging", true) // v6: five versions now
		}, "v6", "v6* v5 v3 v2 v1"},
	}
	for _, st := range steps {
		st.do()
		if got := defaultVersion(); got != st.wantDefault {
			t.Errorf("%s: default version %s, want %s", st.name, got, st.wantDefault)
		}
		if got := strings.Join(versions(iam.ListPolicyVersionsInput{MaxItems: aws.Int32(2)}), " "); got != st.wantVersions {
			t.Errorf("%s: versions %s, want %s", st.name, got, st.wantVersions)
		}
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v6")})
	if d, _ := url.PathUnescape(aws.ToString(v.PolicyVersion.Document)); err != nil || d != allowDoc("s3:GetBucketTagging") || !v.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion(v6) = %s, %v", d, err)
	}

	aws1 := aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
	runIAMErrors(t, []iamErrCase{
		{"CreatePolicyVersion beyond five", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowDoc("s3:*"))})
			return err
		}, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."},
		{"CreatePolicyVersion missing policy", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::111122223333:policy/nope"), PolicyDocument: aws.String(allowDoc("s3:*"))})
			return err
		}, "NoSuchEntity", 404, "Policy arn:aws:iam::111122223333:policy/nope was not found."},
		{"CreatePolicyVersion not JSON", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(`{"Version":`)})
			return err
		}, "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"CreatePolicyVersion without Statement", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
			return err
		}, "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"CreatePolicyVersion without Version", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400, "The policy failed legacy parsing"},
		{"CreatePolicyVersion too large", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(bigDoc(6145, 0))})
			return err
		}, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
		{"CreatePolicyVersion on an AWS managed policy", func() error {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws1, PolicyDocument: aws.String(allowDoc("s3:*"))})
			return err
		}, "AccessDenied", 403, "User: arn:aws:iam::111122223333:user/sandbox-seller is not authorized to perform: iam:CreatePolicyVersion on resource: policy arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"DeletePolicyVersion of the default", func() error {
			_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v6")})
			return err
		}, "DeleteConflict", 409, "Cannot delete the default version of a policy."},
		{"DeletePolicyVersion missing version", func() error {
			_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v4")})
			return err
		}, "NoSuchEntity", 404, "Policy " + aws.ToString(arn) + " version v4 does not exist or is not attachable."},
		{"DeletePolicyVersion malformed version", func() error {
			_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("4")})
			return err
		}, "ValidationError", 400, `1 validation error detected: Value '4' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`},
		{"SetDefaultPolicyVersion missing version", func() error {
			_, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
			return err
		}, "NoSuchEntity", 404, "Policy " + aws.ToString(arn) + " version v9 does not exist or is not attachable."},
		{"SetDefaultPolicyVersion missing policy", func() error {
			_, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::111122223333:policy/nope"), VersionId: aws.String("v1")})
			return err
		}, "NoSuchEntity", 404, "Policy arn:aws:iam::111122223333:policy/nope was not found."},
		{"DeletePolicy with versions", func() error {
			_, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
			return err
		}, "DeleteConflict", 409, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."},
	})

	// Once the other versions are gone, the policy can be deleted.
	for _, id := range []string{"v1", "v2", "v3", "v5"} {
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String(id)}); err != nil {
			t.Fatalf("DeletePolicyVersion(%s): %v", id, err)
		}
	}
	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn}); err != nil {
		t.Fatalf("DeletePolicy: %v", err)
	}
}

func TestIAMCreatePolicyValidation(t *testing.T) {
	_, _, c := startFast(t, "fresh")
	ctx := t.Context()
	create := func(name, doc string) func() error {
		return func() error {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
			return err
		}
	}
	// Whitespace does not count towards the quota.
	if err := create("padded", bigDoc(6144, 500))(); err != nil {
		t.Errorf("a 6144-character document with whitespace: %v", err)
	}
	if err := create(strings.Repeat("p", 128), allowDoc("s3:*"))(); err != nil {
		t.Errorf("a 128-character name: %v", err)
	}
	if _, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("pathed"), Path: aws.String("/team/"), PolicyDocument: aws.String(allowDoc("s3:*"))}); err != nil {
		t.Fatal(err)
	}
	nameErr := func(name string) string {
		return "1 validation error detected: Value '" + name + "' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
	}
	runIAMErrors(t, []iamErrCase{
		{"name with a space", create("my policy", allowDoc("s3:*")), "ValidationError", 400, nameErr("my policy")},
		{"name of 129 characters", create(strings.Repeat("p", 129), allowDoc("s3:*")), "ValidationError", 400, nameErr(strings.Repeat("p", 129))},
		{"empty name", create("", allowDoc("s3:*")), "ValidationError", 400, nameErr("")},
		{"duplicate", create("padded", allowDoc("s3:*")), "EntityAlreadyExists", 409, "A policy called padded already exists. Duplicate names are not allowed."},
		{"duplicate on another path", create("pathed", allowDoc("s3:*")), "EntityAlreadyExists", 409, "A policy called pathed already exists. Duplicate names are not allowed."},
		{"not JSON", create("bad", "{nope"), "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"JSON array", create("bad", "[]"), "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"no Statement", create("bad", `{"Version":"2012-10-17"}`), "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"unknown Version", create("bad", `{"Version":"2024-01-01","Statement":[]}`), "MalformedPolicyDocument", 400, "The policy failed legacy parsing"},
		{"6145 characters", create("big", bigDoc(6145, 0)), "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
	})
}

func TestIAMUpdateAssumeRolePolicy(t *testing.T) {
	_, _, c := startFast(t, "fresh")
	ctx := t.Context()
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"resale-authorization.marketplace.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(SeedRoleName), PolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(SeedRoleName)})
	if d, _ := url.PathUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)); err != nil || d != trust {
		t.Errorf("trust after update = %s, %v", d, err)
	}
	update := func(role, doc string) func() error {
		return func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(doc)})
			return err
		}
	}
	runIAMErrors(t, []iamErrCase{
		{"missing role", update("nope", trust), "NoSuchEntity", 404, "The role with name nope cannot be found."},
		{"malformed", update(SeedRoleName, "{"), "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"too large", update(SeedRoleName, bigDoc(2049, 10)), "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048"},
	})
}

func TestIAMUsers(t *testing.T) {
	srv, _, c := startFast(t, "fresh")
	ctx := t.Context()
	out, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ops"), Path: aws.String("/team/"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("catalog")}}})
	if err != nil {
		t.Fatal(err)
	}
	if u := out.User; aws.ToString(u.Arn) != "arn:aws:iam::111122223333:user/team/ops" || !strings.HasPrefix(aws.ToString(u.UserId), "AIDA") || u.CreateDate == nil {
		t.Errorf("CreateUser = %+v", u)
	}
	got, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("OPS")}) // names match case-insensitively
	if err != nil || aws.ToString(got.User.UserName) != "ops" || len(got.User.Tags) != 1 || aws.ToString(got.User.Tags[0].Value) != "catalog" {
		t.Errorf("GetUser = %+v, %v", got, err)
	}

	// Listing: paging and path prefix.
	listUsers := func(in iam.ListUsersInput) []string {
		t.Helper()
		var names []string
		p := iam.NewListUsersPaginator(c, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range page.Users {
				names = append(names, aws.ToString(u.UserName))
			}
		}
		return names
	}
	for _, tt := range []struct {
		name string
		in   iam.ListUsersInput
		want string
	}{
		{"all", iam.ListUsersInput{}, "catalog-editor catalog-reader ops sandbox-seller"},
		{"one per page", iam.ListUsersInput{MaxItems: aws.Int32(1)}, "catalog-editor catalog-reader ops sandbox-seller"},
		{"path prefix", iam.ListUsersInput{PathPrefix: aws.String("/team/")}, "ops"},
	} {
		if got := strings.Join(listUsers(tt.in), " "); got != tt.want {
			t.Errorf("ListUsers %s = %s, want %s", tt.name, got, tt.want)
		}
	}

	// Attach a customer managed policy to a user and a role: both count.
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("shared"), PolicyDocument: aws.String(allowDoc("s3:*"))})
	if err != nil {
		t.Fatal(err)
	}
	arn := pol.Policy.Arn
	for i := 0; i < 2; i++ { // attaching twice is a no-op
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(SeedRoleName), PolicyArn: arn}); err != nil {
		t.Fatal(err)
	}
	att, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("ops")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != aws.ToString(arn) {
		t.Errorf("ListAttachedUserPolicies = %+v, %v", att, err)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	if err != nil || aws.ToInt32(gp.Policy.AttachmentCount) != 2 {
		t.Errorf("AttachmentCount = %+v, %v", gp, err)
	}
	if u, ok := srv.Account().User("ops"); !ok || len(u.ManagedPolicyARNs) != 1 {
		t.Errorf("Account.User(ops) = %+v, %v", u, ok)
	}

	// The quota of ten attached policies (AWS managed ones included).
	for i := 1; i < 10; i++ {
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String(fmt.Sprintf("arn:aws:iam::aws:policy/Sandbox%d", i))}); err != nil {
			t.Fatalf("attaching policy %d: %v", i+1, err)
		}
	}
	for i := 1; i <= 8; i++ { // the role has AWSMarketplaceSellerFullAccess and shared already
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(SeedRoleName), PolicyArn: aws.String(fmt.Sprintf("arn:aws:iam::aws:policy/Sandbox%d", i))}); err != nil {
			t.Fatalf("attaching role policy %d: %v", i+2, err)
		}
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: arn}); err != nil {
		t.Errorf("re-attaching at the quota: %v", err)
	}

	nope := aws.String("arn:aws:iam::111122223333:policy/nope")
	runIAMErrors(t, []iamErrCase{
		{"CreateUser duplicate", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Ops")})
			return err
		}, "EntityAlreadyExists", 409, "User with name Ops already exists."},
		{"CreateUser bad name", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("a/b")})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value 'a/b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
		{"GetUser missing", func() error {
			_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404, "The user with name nope cannot be found."},
		{"DeleteUser missing", func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404, "The user with name nope cannot be found."},
		{"DeleteUser with policies", func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ops")})
			return err
		}, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first."},
		{"AttachUserPolicy missing policy", func() error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(SeedEditorUserName), PolicyArn: nope})
			return err
		}, "NoSuchEntity", 404, "Policy arn:aws:iam::111122223333:policy/nope does not exist or is not attachable."},
		{"AttachUserPolicy missing user", func() error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("nope"), PolicyArn: arn})
			return err
		}, "NoSuchEntity", 404, "The user with name nope cannot be found."},
		{"AttachUserPolicy invalid ARN", func() error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(SeedEditorUserName), PolicyArn: aws.String("shared")})
			return err
		}, "InvalidInput", 400, "ARN shared is not valid."},
		{"AttachUserPolicy beyond ten", func() error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerUser: 10"},
		{"AttachRolePolicy beyond ten", func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(SeedRoleName), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10"},
		{"DetachUserPolicy not attached", func() error {
			_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(SeedEditorUserName), PolicyArn: arn})
			return err
		}, "NoSuchEntity", 404, "Policy " + aws.ToString(arn) + " was not found."},
		{"ListAttachedUserPolicies missing user", func() error {
			_, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404, "The user with name nope cannot be found."},
		{"DeletePolicy attached", func() error {
			_, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
			return err
		}, "DeleteConflict", 409, "Cannot delete a policy attached to entities."},
	})

	// Detach everything, then the user can go.
	for _, a := range srv.Account().Users() {
		if a.Name != "ops" {
			continue
		}
		for _, p := range a.ManagedPolicyARNs {
			if _, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String(p)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ops")}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, ok := srv.Account().User("ops"); ok {
		t.Error("the deleted user is still there")
	}
	if gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn}); err != nil || aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Errorf("AttachmentCount after the user went = %+v, %v", gp, err)
	}
}

func TestIAMListPolicies(t *testing.T) {
	_, _, c := startFast(t, "fresh")
	ctx := t.Context()
	for _, in := range []iam.CreatePolicyInput{
		{PolicyName: aws.String("local-attached"), PolicyDocument: aws.String(allowDoc("s3:*"))},
		{PolicyName: aws.String("local-idle"), PolicyDocument: aws.String(allowDoc("s3:*")), Description: aws.String("not listed")},
		{PolicyName: aws.String("local-team"), Path: aws.String("/team/"), PolicyDocument: aws.String(allowDoc("s3:*"))},
	} {
		if _, err := c.CreatePolicy(ctx, &in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(SeedEditorUserName), PolicyArn: aws.String("arn:aws:iam::111122223333:policy/local-attached")}); err != nil {
		t.Fatal(err)
	}
	list := func(in iam.ListPoliciesInput) []string {
		t.Helper()
		var names []string
		p := iam.NewListPoliciesPaginator(c, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, pol := range page.Policies {
				if pol.Description != nil {
					t.Errorf("ListPolicies returned a description for %s", aws.ToString(pol.PolicyName))
				}
				names = append(names, aws.ToString(pol.PolicyName))
			}
		}
		return names
	}
	const awsPolicies = "AdministratorAccess AWSLambdaBasicExecutionRole AWSMarketplaceSellerFullAccess AWSMarketplaceSellerProductsReadOnly ReadOnlyAccess"
	for _, tt := range []struct {
		name string
		in   iam.ListPoliciesInput
		want string
	}{
		{"local", iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}, "local-attached local-idle local-team"},
		{"local attached", iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, OnlyAttached: true}, "local-attached"},
		{"aws", iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws}, awsPolicies},
		{"aws attached (seeded principals)", iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, OnlyAttached: true}, "AWSMarketplaceSellerFullAccess AWSMarketplaceSellerProductsReadOnly"},
		{"all, two per page", iam.ListPoliciesInput{MaxItems: aws.Int32(2)}, strings.Replace(awsPolicies, "AWSMarketplaceSellerProductsReadOnly", "AWSMarketplaceSellerProductsReadOnly local-attached local-idle local-team", 1)},
		{"path prefix", iam.ListPoliciesInput{PathPrefix: aws.String("/team/")}, "local-team"},
		{"service-role path", iam.ListPoliciesInput{PathPrefix: aws.String("/service-role/")}, "AWSLambdaBasicExecutionRole"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(list(tt.in), " "); got != tt.want {
				t.Errorf("ListPolicies = %s\nwant            %s", got, tt.want)
			}
		})
	}
	page, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, MaxItems: aws.Int32(2)})
	if err != nil || !page.IsTruncated || aws.ToString(page.Marker) == "" || len(page.Policies) != 2 {
		t.Errorf("first page = %+v, %v", page, err)
	}
	if p := page.Policies[0]; aws.ToInt32(p.AttachmentCount) != 1 || aws.ToString(p.DefaultVersionId) != "v1" || !p.IsAttachable {
		t.Errorf("listed policy = %+v", p)
	}
	runIAMErrors(t, []iamErrCase{
		{"bad scope", func() error {
			_, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Mine"})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"},
		{"bad marker", func() error {
			_, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Marker: aws.String("x")})
			return err
		}, "ValidationError", 400, "Invalid Marker"},
	})
}

// TestAWSCLIIAM drives the new IAM operations with the AWS CLI, whose
// parsers are independent of aws-sdk-go-v2's.
func TestAWSCLIIAM(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, _, _ := startFast(t, "fresh")
	env := isolatedAWSEnv(t, "", staticKeys...)
	dir := t.TempDir()
	file := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return "file://" + path
	}
	cli := func(args ...string) []string {
		return append(append([]string{"aws", "iam"}, args...), "--endpoint-url", srv.URL(), "--output", "json")
	}
	// quiet runs a command that prints nothing on success.
	quiet := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		cmd := cli(args...)
		c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
		c.Env = env
		if out, err := c.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "" {
			t.Fatalf("aws iam %s: %v\n%s", args[0], err, out)
		}
	}

	var created struct {
		Policy struct{ Arn, DefaultVersionId string }
	}
	runJSON(t, env, &created, cli("create-policy", "--policy-name", "cli-policy", "--policy-document", file("v1.json", allowDoc("s3:GetObject")))...)
	arn := created.Policy.Arn
	if arn != "arn:aws:iam::111122223333:policy/cli-policy" || created.Policy.DefaultVersionId != "v1" {
		t.Fatalf("create-policy printed %+v", created)
	}
	var version struct {
		PolicyVersion struct {
			VersionId        string
			IsDefaultVersion bool
			CreateDate       string
		}
	}
	runJSON(t, env, &version, cli("create-policy-version", "--policy-arn", arn, "--policy-document", file("v2.json", allowDoc("s3:PutObject")), "--set-as-default")...)
	if v := version.PolicyVersion; v.VersionId != "v2" || !v.IsDefaultVersion || v.CreateDate == "" {
		t.Errorf("create-policy-version printed %+v", v)
	}

	var users struct {
		Users []struct{ UserName, Arn string }
	}
	runJSON(t, env, &users, cli("list-users")...)
	var names []string
	for _, u := range users.Users {
		names = append(names, u.UserName)
	}
	if got := strings.Join(names, " "); got != "catalog-editor catalog-reader sandbox-seller" {
		t.Errorf("list-users printed %s", got)
	}

	quiet("attach-user-policy", "--user-name", SeedEditorUserName, "--policy-arn", arn)
	var attached struct {
		AttachedPolicies []struct{ PolicyName, PolicyArn string }
	}
	runJSON(t, env, &attached, cli("list-attached-user-policies", "--user-name", SeedEditorUserName)...)
	if len(attached.AttachedPolicies) != 1 || attached.AttachedPolicies[0].PolicyArn != arn {
		t.Errorf("list-attached-user-policies printed %+v", attached)
	}

	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	quiet("update-assume-role-policy", "--role-name", SeedRoleName, "--policy-document", file("trust.json", trust))
	var role struct {
		Role struct{ AssumeRolePolicyDocument map[string]any }
	}
	runJSON(t, env, &role, cli("get-role", "--role-name", SeedRoleName)...) // the CLI decodes the document
	if b, _ := json.Marshal(role.Role.AssumeRolePolicyDocument); !strings.Contains(string(b), "123456789012:root") {
		t.Errorf("get-role trust = %s", b)
	}

	// --page-size 1 makes the CLI follow Marker page by page.
	var pols struct {
		Policies []struct{ PolicyName, Arn string }
	}
	runJSON(t, env, &pols, cli("list-policies", "--scope", "Local", "--only-attached", "--page-size", "1")...)
	if len(pols.Policies) != 1 || pols.Policies[0].Arn != arn {
		t.Errorf("list-policies --scope Local --only-attached printed %+v", pols)
	}
	runJSON(t, env, &pols, cli("list-policies", "--scope", "All", "--page-size", "1")...)
	if len(pols.Policies) != 6 {
		t.Errorf("list-policies --scope All listed %d policies: %+v", len(pols.Policies), pols)
	}
}
