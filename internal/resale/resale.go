// Package resale puts the FullResaleAuthorizationAccess policy and role of
// the Catalog API access-control guide in place, idempotently: a second run
// reports "already in place", and what drifted is repaired.
package resale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sellerdesk/sellerdesk/internal/policy"
)

// IAM is the part of the IAM client used here.
type IAM interface {
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, o ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput, o ...func(*iam.Options)) (*iam.CreatePolicyOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, o ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
	GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, o ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, o ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, o ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
}

// Step is one thing checked, and what was done about it.
type Step struct {
	Name   string `json:"name"`
	Action string `json:"action"` // "already in place", "created", "repaired", "attached"
	Detail string `json:"detail"`
}

// Report is the outcome of Ensure.
type Report struct {
	PolicyARN string `json:"policyArn"`
	RoleARN   string `json:"roleArn"`
	Steps     []Step `json:"steps"`
}

// InPlace reports whether nothing had to change.
func (r Report) InPlace() bool {
	for _, s := range r.Steps {
		if s.Action != "already in place" {
			return false
		}
	}
	return true
}

// Ensure creates or repairs the policy, the role and the attachment in the
// account. Re-running it changes nothing when everything matches the guide.
func Ensure(ctx context.Context, c IAM, account string) (Report, error) {
	if err := policy.ValidateAccount(account); err != nil {
		return Report{}, err
	}
	polDoc, err := policy.ResaleAuthorizationPolicy().JSON()
	if err != nil {
		return Report{}, err
	}
	trustDoc, err := policy.ResaleAuthorizationTrust().JSON()
	if err != nil {
		return Report{}, err
	}
	rep := Report{PolicyARN: fmt.Sprintf("arn:aws:iam::%s:policy/%s", account, policy.ResalePolicyName)}

	// The policy.
	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(rep.PolicyARN)})
	switch {
	case isNoSuchEntity(err):
		out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(policy.ResalePolicyName), PolicyDocument: aws.String(string(polDoc)),
			Description: aws.String("Resale Authorization and CPPO change types (AWS Marketplace Catalog API access-control guide)")})
		if err != nil {
			return rep, fmt.Errorf("creating policy %s: %w", policy.ResalePolicyName, err)
		}
		rep.PolicyARN = aws.ToString(out.Policy.Arn)
		rep.Steps = append(rep.Steps, Step{Name: "Policy " + policy.ResalePolicyName, Action: "created"})
	case err != nil:
		return rep, fmt.Errorf("reading policy %s: %w", policy.ResalePolicyName, err)
	default:
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: got.Policy.Arn, VersionId: got.Policy.DefaultVersionId})
		if err != nil {
			return rep, fmt.Errorf("reading policy %s: %w", policy.ResalePolicyName, err)
		}
		if same(aws.ToString(v.PolicyVersion.Document), polDoc) {
			rep.Steps = append(rep.Steps, Step{Name: "Policy " + policy.ResalePolicyName, Action: "already in place"})
		} else {
			if _, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: got.Policy.Arn, PolicyDocument: aws.String(string(polDoc)), SetAsDefault: true}); err != nil {
				return rep, fmt.Errorf("repairing policy %s (it differs from the guide's): %w", policy.ResalePolicyName, err)
			}
			rep.Steps = append(rep.Steps, Step{Name: "Policy " + policy.ResalePolicyName, Action: "repaired", Detail: "its document differed from the guide's; a new default version restores it"})
		}
	}

	// The role and its trust.
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(policy.ResaleRoleName)})
	switch {
	case isNoSuchEntity(err):
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(policy.ResaleRoleName), AssumeRolePolicyDocument: aws.String(string(trustDoc)),
			Description: aws.String("Assumed by " + policy.ResaleServicePrincipal)})
		if err != nil {
			return rep, fmt.Errorf("creating role %s: %w", policy.ResaleRoleName, err)
		}
		rep.RoleARN = aws.ToString(out.Role.Arn)
		rep.Steps = append(rep.Steps, Step{Name: "Role " + policy.ResaleRoleName, Action: "created"})
	case err != nil:
		return rep, fmt.Errorf("reading role %s: %w", policy.ResaleRoleName, err)
	default:
		rep.RoleARN = aws.ToString(role.Role.Arn)
		if same(aws.ToString(role.Role.AssumeRolePolicyDocument), trustDoc) {
			rep.Steps = append(rep.Steps, Step{Name: "Role " + policy.ResaleRoleName + " trust", Action: "already in place"})
		} else {
			if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(policy.ResaleRoleName), PolicyDocument: aws.String(string(trustDoc))}); err != nil {
				return rep, fmt.Errorf("repairing the trust of role %s: %w", policy.ResaleRoleName, err)
			}
			rep.Steps = append(rep.Steps, Step{Name: "Role " + policy.ResaleRoleName + " trust", Action: "repaired", Detail: "trust now names " + policy.ResaleServicePrincipal + " only"})
		}
	}

	// The attachment.
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(policy.ResaleRoleName)})
	if err != nil {
		return rep, fmt.Errorf("listing the policies of role %s: %w", policy.ResaleRoleName, err)
	}
	if attached(att.AttachedPolicies, rep.PolicyARN) {
		rep.Steps = append(rep.Steps, Step{Name: "Policy attached to the role", Action: "already in place"})
	} else {
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(policy.ResaleRoleName), PolicyArn: aws.String(rep.PolicyARN)}); err != nil {
			return rep, fmt.Errorf("attaching %s to role %s: %w", policy.ResalePolicyName, policy.ResaleRoleName, err)
		}
		rep.Steps = append(rep.Steps, Step{Name: "Policy attached to the role", Action: "attached"})
	}
	return rep, nil
}

func attached(ps []iamtypes.AttachedPolicy, arn string) bool {
	for _, p := range ps {
		if aws.ToString(p.PolicyArn) == arn {
			return true
		}
	}
	return false
}

// same compares two policy documents as JSON values; IAM returns them
// URL-encoded and reformatted.
func same(got string, want []byte) bool {
	if s, err := url.QueryUnescape(got); err == nil {
		got = s
	}
	var a, b any
	if json.Unmarshal([]byte(got), &a) != nil || json.Unmarshal(want, &b) != nil {
		return false
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

// normalize treats a one-element list and its element alike, as IAM does.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		if len(x) == 1 {
			return normalize(x[0])
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

func isNoSuchEntity(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}
