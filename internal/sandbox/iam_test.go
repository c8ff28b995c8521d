package sandbox

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 0 {
		t.Errorf("ListRoles after delete = %+v, %v", roles, err)
	}
}
