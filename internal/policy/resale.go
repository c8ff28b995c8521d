package policy

import "github.com/sellerdesk/sellerdesk/internal/iampolicy"

// Names of the Resale Authorization policy and role ("Creating a custom IAM role").
const (
	ResalePolicyName = "FullResaleAuthorizationAccess"
	ResaleRoleName   = "FullResaleAuthorizationAccess"
	// ResaleServicePrincipal is the service trusted by the role.
	ResaleServicePrincipal = "resale-authorization.marketplace.amazonaws.com"
)

// ResaleAuthorizationPolicy returns the guide's FullResaleAuthorizationAccess
// permission policy, with the guide's string/array choices.
func ResaleAuthorizationPolicy() Document {
	const resaleARN = "arn:aws:aws-marketplace:*:*:AWSMarketplace/ResaleAuthorization/*"
	return Document{Version: Version, Statement: []Statement{
		{
			Sid:      "AllowResaleAuthorizationShareActionsRAMCreate",
			Effect:   "Allow",
			Action:   []string{"ram:CreateResourceShare", "ram:AssociateResourceShare"},
			Resource: []string{"arn:aws:ram:*:*:*"},
			Condition: map[string]map[string]any{
				"StringLikeIfExists":   {"ram:ResourceArn": resaleARN},
				"StringEqualsIfExists": {"ram:RequestedResourceType": "aws-marketplace:Entity"},
			},
		},
		{
			Sid:    "AllowResaleAuthorizationShareActionsRAMAccept",
			Effect: "Allow",
			Action: []string{
				"ram:AcceptResourceShareInvitation", "ram:GetResourceShareInvitations",
				"ram:GetResourcePolicies", "ram:GetResourceShareAssociations",
			},
			Resource: []string{"arn:aws:ram:*:*:*"},
		},
		{
			Sid:              "AllowResaleAuthorizationShareActionsMarketplace",
			Effect:           "Allow",
			Action:           []string{"aws-marketplace:PutResourcePolicy", "aws-marketplace:GetResourcePolicy", "aws-marketplace:DescribeEntity"},
			Resource:         []string{resaleARN},
			ResourceAsString: true,
		},
	}}
}

// ResaleAuthorizationTrust returns the guide's custom trust policy of the
// FullResaleAuthorizationAccess role.
func ResaleAuthorizationTrust() Document {
	return Document{Version: Version, Statement: []Statement{{
		Effect:         "Allow",
		Principal:      &iampolicy.Principal{Service: []string{ResaleServicePrincipal}},
		Action:         []string{"sts:AssumeRole"},
		ActionAsString: true,
	}}}
}

// ResaleConsoleSteps summarises, one line per step, the 10 IAM console steps
// of the guide that creating the policy and role replaces.
func ResaleConsoleSteps() []string {
	return []string{
		"Sign in to the IAM console (https://console.aws.amazon.com/iam/).",
		"Under Access management, choose Policies.",
		"Choose Create policy.",
		"Step 1: Specify permissions — in the Policy editor choose JSON, paste the FullResaleAuthorizationAccess policy, and choose Next.",
		"Step 2: Review and create — enter FullResaleAuthorizationAccess as the policy name (optional description and tags), review the permissions and choose Create policy.",
		"Under Access management, choose Roles.",
		"Choose Create role.",
		"Step 1: Select trusted entity — choose Custom trust policy, paste the trust policy for resale-authorization.marketplace.amazonaws.com, and choose Next.",
		"Step 2: Add permissions — search for FullResaleAuthorizationAccess, select that policy, and choose Next.",
		"Step 3: Name, review, and create — enter FullResaleAuthorizationAccess as the role name, check the trusted entity and the attached policy, add optional tags, and choose Create role.",
	}
}
