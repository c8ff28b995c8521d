package onboarding

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// VerifyRole checks the partner role the way the guide's "role policy
// access" describes: the role exists (iam:GetRole), its trust names the
// partner account with the external ID, and its policies are attached
// (iam:ListRolePolicies, iam:GetRolePolicy).
func VerifyRole(ctx context.Context, client IAM, rec StackRecord) []Check {
	name := rec.Outputs["PartnerRoleName"]
	if name == "" {
		name = rec.Params.PartnerRoleName
	}
	if name == "" {
		name = template.DefaultPartnerRoleName
	}
	var checks []Check
	role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}, retryReadIAM)
	if err != nil {
		return append(checks, Check{Name: "Partner role exists", Unknown: !isNoSuchEntity(err), Code: errorCode(err), Detail: fmt.Sprintf("iam:GetRole %s failed: %s", name, awserr.Classify(err).Message)})
	}
	checks = append(checks, Check{Name: "Partner role exists", OK: true, Detail: aws.ToString(role.Role.Arn)})
	checks = append(checks, checkTrust(aws.ToString(role.Role.AssumeRolePolicyDocument), rec.Params))

	want, err := expectedPolicies(rec.Params)
	if err != nil {
		return append(checks, Check{Name: "Role policies attached", Unknown: true, Detail: "reading the onboarding template: " + err.Error()})
	}
	listed, err := client.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name)}, retryReadIAM)
	if err != nil {
		return append(checks, Check{Name: "Role policies attached", Unknown: !isNoSuchEntity(err), Code: errorCode(err), Detail: "iam:ListRolePolicies failed: " + awserr.Classify(err).Message})
	}
	have := map[string]bool{}
	for _, p := range listed.PolicyNames {
		have[p] = true
	}
	var missing []string
	for _, p := range want {
		if !have[p] {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		checks = append(checks, Check{Name: "Role policies attached", Detail: "missing: " + strings.Join(missing, ", ")})
	} else {
		checks = append(checks, Check{Name: "Role policies attached", OK: true, Detail: fmt.Sprintf("%d policies: %s", len(want), strings.Join(want, ", "))})
	}
	// The guide's role-policy access: the role may read its own policies.
	doc, err := client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("PartnerRolePolicyAccess")}, retryReadIAM)
	if err != nil {
		checks = append(checks, Check{Name: "Role can read its own policies", Unknown: !isNoSuchEntity(err), Code: errorCode(err), Detail: "iam:GetRolePolicy PartnerRolePolicyAccess failed: " + awserr.Classify(err).Message})
	} else {
		checks = append(checks, checkActions("Role can read its own policies", aws.ToString(doc.PolicyDocument),
			[]string{"iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PassRole"}))
	}
	return checks
}

// expectedPolicies are the inline policies the template puts on the role.
func expectedPolicies(p template.Parameters) ([]string, error) {
	sum, err := template.DescribeFor(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range sum.Resources {
		if r.Type == "AWS::IAM::Policy" && !r.Skipped {
			n := r.Name
			if n == "" {
				n = r.LogicalID
			}
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func checkTrust(raw string, p template.Parameters) Check {
	c := Check{Name: "Trust: only the partner account, only with the external ID"}
	d, err := iampolicy.ParseLenient(raw)
	if err != nil {
		// IAM returns a policy document: one that is not was not read,
		// which says nothing about the role.
		c.Unknown, c.Detail = true, "the trust policy IAM returned could not be read: "+err.Error()
		return c
	}
	wantPrincipal := "arn:aws:iam::" + p.PartnerAccountID + ":root"
	for _, st := range d.Statement {
		if st.Effect != "Allow" || st.Principal == nil || !st.Principal.NamesAccount(p.PartnerAccountID) {
			continue
		}
		for _, cond := range st.Conditions() {
			// IAM may return the value as a string or a one-element list.
			if strings.HasPrefix(cond.Operator, "StringEquals") && strings.EqualFold(cond.Key, "sts:ExternalId") &&
				len(cond.Values) == 1 && cond.Values[0] == p.ExternalID {
				c.OK = true
				c.Detail = "trusts " + wantPrincipal + " with the external ID"
				return c
			}
		}
		c.Detail = "the trust policy names " + wantPrincipal + " but without the external ID condition"
		return c
	}
	c.Detail = "the trust policy does not name " + wantPrincipal
	return c
}

func checkActions(name, raw string, want []string) Check {
	c := Check{Name: name}
	d, err := iampolicy.ParseLenient(raw)
	if err != nil {
		c.Unknown, c.Detail = true, "the policy IAM returned could not be read: "+err.Error()
		return c
	}
	have := map[string]bool{}
	for _, st := range d.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			have[strings.ToLower(a)] = true
		}
	}
	var missing []string
	for _, w := range want {
		if !have[strings.ToLower(w)] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		c.Detail = "missing actions: " + strings.Join(missing, ", ")
		return c
	}
	c.OK, c.Detail = true, strings.Join(want, ", ")
	return c
}

// WithRoleChecks sets the verification result on a complete stack: Connected
// when every check passed, otherwise Error naming the first failing check.
//
// A check that could not be made (Unknown: the read failed) is no verdict:
// the record is then Error with an Unverified failure saying to test again,
// unless another check found a real difference, which wins.
func (r StackRecord) WithRoleChecks(checks []Check) StackRecord {
	r.Checks = checks
	r.Phase, r.Failure = PhaseConnected, nil
	for _, c := range checks {
		if !c.OK && c.Unknown && r.Failure == nil {
			r.Phase = PhaseError
			r.Failure = &Failure{LogicalID: "PartnerRole", Type: "AWS::IAM::Role", Reason: c.Detail, Unverified: true,
				Plain: "The stack finished, but SellerDesk could not read the partner role to check it (" + c.Name + "): nothing is known to be wrong with it. Check the network and Test again. " + c.Detail}
		}
	}
	for _, c := range checks {
		if !c.OK && !c.Unknown {
			r.Phase = PhaseError
			r.Failure = &Failure{LogicalID: "PartnerRole", Type: "AWS::IAM::Role", Reason: c.Detail,
				Plain: "The stack finished, but the partner role is not as the template defines it: " + c.Name + ". " + c.Detail}
			break
		}
	}
	r.UpdatedAt = time.Now().UTC()
	return r
}

// Reverify checks the partner role of a complete stack again (every
// refresh does). A stack that failed for another reason is left as it is.
func Reverify(ctx context.Context, client IAM, r StackRecord) StackRecord {
	complete := r.Status == "CREATE_COMPLETE" || r.Status == "UPDATE_COMPLETE"
	roleFailure := r.Failure == nil || r.Failure.LogicalID == "PartnerRole"
	if !complete || !roleFailure || (r.Phase != PhaseConnected && r.Phase != PhaseError) {
		return r
	}
	return r.WithRoleChecks(VerifyRole(ctx, client, r))
}

// isNoSuchEntity: IAM says the role or policy is not there, a real answer
// about the role (every other failure to read is not).
//
// By the error code, which *iamtypes.NoSuchEntityException carries, so an
// endpoint whose error the SDK does not model as that type is read the same.
func isNoSuchEntity(err error) bool {
	return errorCode(err) == "NoSuchEntity"
}

// errorCode is the AWS error code of err, if it carries one.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
