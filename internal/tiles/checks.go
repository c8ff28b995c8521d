package tiles

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// fixUpdateStack is the usual remedy when a resource no longer matches the
// onboarding template.
const fixUpdateStack = "Update the onboarding stack (Role and access tile) so CloudFormation restores it as the template defines it."

// missingOutput is the result when the stack outputs lack a value.
func missingOutput(name string, keys ...string) CheckResult {
	return CheckResult{Name: name, Status: StatusFailed,
		Detail: "the onboarding stack outputs have no " + strings.Join(keys, " or "),
		Fix:    "Launch the onboarding stack (or update it to the current template), then test again."}
}

// isNotFound: the resource itself is missing.
func isNotFound(err error) bool {
	switch errorCode(err) {
	case "NotFound", "NoSuchBucket", "NotFoundException", "ResourceNotFoundException", "NoSuchEntity":
		return true
	}
	return httpStatus(err) == http.StatusNotFound && errorCode(err) == ""
}

// bucketExists runs HeadBucket; a non-nil result is the check's outcome.
func bucketExists(ctx context.Context, s3c S3API, name, bucket string) *CheckResult {
	_, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return nil
	}
	if isNotFound(err) {
		return &CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err),
			Detail: "bucket " + bucket + " does not exist (s3:HeadBucket answered " + errorCode(err) + ")",
			Fix:    "The bucket was deleted: delete and launch the onboarding stack again (its buckets are kept on delete, so empty and remove any leftover first), or update it with a new bucket name."}
	}
	r := errorResult(name, "s3:HeadBucket", bucket, err, fixUpdateStack)
	return &r
}

// bucketPolicy reads and parses a bucket's policy; a non-nil result is the
// check's outcome.
func bucketPolicy(ctx context.Context, s3c S3API, name, bucket, fix string) (Policy, *CheckResult) {
	out, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		switch {
		case errorCode(err) == "NoSuchBucketPolicy":
			return Policy{}, &CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err),
				Detail: "bucket " + bucket + " has no bucket policy", Fix: fix}
		case isNotFound(err):
			return Policy{}, &CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err),
				Detail: "bucket " + bucket + " does not exist (" + errorCode(err) + ")",
				Fix:    "The bucket was deleted: delete and launch the onboarding stack again, or update it with a new bucket name."}
		}
		r := errorResult(name, "s3:GetBucketPolicy", bucket, err, fix)
		return Policy{}, &r
	}
	p, err := ParsePolicy(aws.ToString(out.Policy))
	if err != nil {
		return Policy{}, &CheckResult{Name: name, Status: StatusFailed, Detail: "the policy of bucket " + bucket + ": " + err.Error(), Fix: fix}
	}
	return p, nil
}

// topicPolicy checks the topic exists and reads its Policy attribute; a
// non-nil result is the check's outcome.
func topicPolicy(ctx context.Context, snsc SNSAPI, name, topicArn, fix string) (Policy, *CheckResult) {
	out, err := snsc.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topicArn)})
	if err != nil {
		if isNotFound(err) {
			return Policy{}, &CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err),
				Detail: "topic " + topicArn + " does not exist (sns:GetTopicAttributes answered " + errorCode(err) + ")",
				Fix:    fixUpdateStack}
		}
		r := errorResult(name, "sns:GetTopicAttributes", topicArn, err, fixUpdateStack)
		return Policy{}, &r
	}
	raw := out.Attributes["Policy"]
	if strings.TrimSpace(raw) == "" {
		return Policy{}, &CheckResult{Name: name, Status: StatusFailed, Detail: "topic " + topicArn + " has no access policy", Fix: fix}
	}
	p, err := ParsePolicy(raw)
	if err != nil {
		return Policy{}, &CheckResult{Name: name, Status: StatusFailed, Detail: "the policy of topic " + topicArn + ": " + err.Error(), Fix: fix}
	}
	return p, nil
}

// maxPages bounds paginated listings of a check.
const maxPages = 50

// subscribedCheck: the topic has an sqs subscription whose endpoint is the
// onboarding queue (ListSubscriptionsByTopic, all pages).
func subscribedCheck(ctx context.Context, snsc SNSAPI, name, topicArn, queueArn string) CheckResult {
	if topicArn == "" || queueArn == "" {
		keys := []string{}
		if topicArn == "" {
			keys = append(keys, "topic ARN")
		}
		if queueArn == "" {
			keys = append(keys, "QueueArn")
		}
		return missingOutput(name, keys...)
	}
	var token *string
	seen := 0
	var others []string
	for page := 0; page < maxPages; page++ {
		out, err := snsc.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicArn), NextToken: token})
		if err != nil {
			if isNotFound(err) {
				return CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err),
					Detail: "topic " + topicArn + " does not exist (" + errorCode(err) + ")", Fix: fixUpdateStack}
			}
			return errorResult(name, "sns:ListSubscriptionsByTopic", topicArn, err, fixUpdateStack)
		}
		for _, s := range out.Subscriptions {
			seen++
			proto, ep, arn := aws.ToString(s.Protocol), aws.ToString(s.Endpoint), aws.ToString(s.SubscriptionArn)
			if strings.EqualFold(proto, "sqs") && ep == queueArn {
				if strings.EqualFold(arn, "PendingConfirmation") {
					return CheckResult{Name: name, Status: StatusFailed,
						Detail: "the subscription of queue " + queueArn + " is pending confirmation",
						Fix:    "Confirm the subscription, or update the onboarding stack to re-create it."}
				}
				return CheckResult{Name: name, Status: StatusPassed, Detail: "subscription " + arn + " delivers to queue " + queueArn}
			}
			others = append(others, proto+" "+ep)
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		token = out.NextToken
	}
	detail := fmt.Sprintf("topic %s has no sqs subscription to queue %s", topicArn, queueArn)
	if seen > 0 {
		detail += fmt.Sprintf(" (its %d subscription(s): %s)", seen, strings.Join(others, ", "))
	} else {
		detail += " (it has no subscription at all)"
	}
	return CheckResult{Name: name, Status: StatusFailed, Detail: detail,
		Fix: "Update the onboarding stack to re-create the subscription, or subscribe the queue to the topic (protocol sqs, endpoint " + queueArn + ")."}
}

// arnAccount is the account field of an ARN ("" when absent).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// arnPartition is the partition of an ARN, "aws" by default.
func arnPartition(arns ...string) string {
	for _, a := range arns {
		if parts := strings.SplitN(a, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
			return parts[1]
		}
	}
	return "aws"
}

// bucketARN is the bucket's ARN from the outputs, or built from its name.
func bucketARN(arn, name, partition string) string {
	if arn != "" {
		return arn
	}
	return "arn:" + partition + ":s3:::" + name
}

// accountFrom is the account ID given, else the first ARN's account.
func accountFrom(accountID string, arns ...string) string {
	if accountID != "" {
		return accountID
	}
	for _, a := range arns {
		if acct := arnAccount(a); acct != "" {
			return acct
		}
	}
	return ""
}
