// Package resale puts the FullResaleAuthorizationAccess policy and role of
// the Catalog API access-control guide in place, idempotently: a second run
// reports "already in place", and what drifted is repaired.
package resale

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sellerdesk/sellerdesk/internal/iamdeploy"
	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
	"github.com/sellerdesk/sellerdesk/internal/policy"
)

// IAM is the part of the IAM client used here.
type IAM interface {
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, o ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput, o ...func(*iam.Options)) (*iam.CreatePolicyOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, o ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
	ListPolicyVersions(ctx context.Context, in *iam.ListPolicyVersionsInput, o ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error)
	DeletePolicyVersion(ctx context.Context, in *iam.DeletePolicyVersionInput, o ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error)
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
		if iampolicy.Same(aws.ToString(v.PolicyVersion.Document), string(polDoc)) {
			rep.Steps = append(rep.Steps, Step{Name: "Policy " + policy.ResalePolicyName, Action: "already in place"})
		} else {
			// A new default version, making room first when the policy
			// already has the five versions IAM allows.
			created, deleted, err := iamdeploy.NewDefaultVersion(ctx, c, aws.ToString(got.Policy.Arn), polDoc)
			if err != nil {
				return rep, fmt.Errorf("repairing policy %s (it differs from the guide's): %w", policy.ResalePolicyName, err)
			}
			detail := "its document differed from the guide's; a new default version (" + created + ") restores it"
			if deleted != "" {
				detail += ", and its oldest version (" + deleted + ") was deleted to stay within IAM's five versions"
			}
			rep.Steps = append(rep.Steps, Step{Name: "Policy " + policy.ResalePolicyName, Action: "repaired", Detail: detail})
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
		if iampolicy.Same(aws.ToString(role.Role.AssumeRolePolicyDocument), string(trustDoc)) {
			rep.Steps = append(rep.Steps, Step{Name: "Role " + policy.ResaleRoleName + " trust", Action: "already in place"})
		} else {
			if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(policy.ResaleRoleName), PolicyDocument: aws.String(string(trustDoc))}); err != nil {
				return rep, fmt.Errorf("repairing the trust of role %s: %w", policy.ResaleRoleName, err)
			}
			rep.Steps = append(rep.Steps, Step{Name: "Role " + policy.ResaleRoleName + " trust", Action: "repaired", Detail: "trust now names " + policy.ResaleServicePrincipal + " only"})
		}
	}

	// The attachment.
	var att []iamtypes.AttachedPolicy
	pages := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(policy.ResaleRoleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return rep, fmt.Errorf("listing the policies of role %s: %w", policy.ResaleRoleName, err)
		}
		att = append(att, page.AttachedPolicies...)
	}
	if attached(att, rep.PolicyARN) {
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

func isNoSuchEntity(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}
