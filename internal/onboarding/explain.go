package onboarding

import (
	"strings"
)

// explanations turn CloudFormation's failure reasons into what to do next.
// Ordered: the first match wins.
var explanations = []struct{ match, plain string }{
	{"already exists", "A resource with this name already exists. S3 bucket names are global, so another account may own it. Delete the old resource or choose other names, then Retry."},
	{"AccessDenied", "Your profile is not allowed to create this resource. Use a profile with administrator rights (or CloudFormation, IAM, S3, SNS, SQS and KMS create rights), then Retry."},
	{"not authorized", "Your profile is not allowed to create this resource. Use a profile with administrator rights (or CloudFormation, IAM, S3, SNS, SQS and KMS create rights), then Retry."},
	{"Requires capabilities", "The stack creates named IAM roles, which needs the IAM acknowledgement. Tick it on the review screen, then Retry."},
	{"LimitExceeded", "An AWS account limit was reached (for example the number of IAM roles or S3 buckets). Remove unused resources or ask AWS for a higher limit, then Retry."},
	{"Throttling", "AWS throttled the requests. Wait a minute, then Retry."},
	{"does not implement", "The offline sandbox does not simulate this resource type."},
	{"MalformedPolicyDocument", "AWS rejected a policy in the template. Update SellerDesk; if it persists, send the support bundle."},
	{"Invalid principal", "AWS rejected an account in a policy: check the partner account ID, then Retry."},
}

// Explain gives a failed event's reason in plain words with the next step,
// keeping AWS's own text so nothing is lost.
func Explain(e Event) string {
	for _, x := range explanations {
		if strings.Contains(e.Reason, x.match) {
			return x.plain + " (AWS said: " + e.Reason + ")"
		}
	}
	if e.Reason == "" {
		return "The stack ended in " + e.Status + "."
	}
	return "AWS said: " + e.Reason
}
