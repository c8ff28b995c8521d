package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The calls that change a resource policy outside CloudFormation (and that
// drift detection then sees): S3 PutBucketPolicy and DeleteBucketPolicy, SQS
// SetQueueAttributes, SNS SetTopicAttributes and KMS PutKeyPolicy, with
// their services' validation errors.

func s3PutBucketPolicy(c *call, bucket, _ string) (any, error) {
	raw, err := c.readBody()
	if err != nil {
		return nil, err
	}
	body, _, err := decodeS3Body(c.req, raw)
	if err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(string(body))
	if !strings.HasPrefix(text, "{") || !json.Valid([]byte(text)) {
		return nil, apiError(http.StatusBadRequest, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
	}
	b.Policy = text
	return &restResponse{status: http.StatusNoContent}, nil
}

func s3DeleteBucketPolicy(c *call, bucket, _ string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	b.Policy = ""
	return &restResponse{status: http.StatusNoContent}, nil
}

type sqsSetQueueAttributesInput struct {
	QueueUrl   *string
	Attributes map[string]string
}

// sqsSettable are the attributes SetQueueAttributes takes.
var sqsSettable = []string{"DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy", "ReceiveMessageWaitTimeSeconds",
	"VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
	"SqsManagedSseEnabled", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}

func sqsSetQueueAttributes(c *call, in *sqsSetQueueAttributesInput) (any, error) {
	if in.Attributes == nil {
		return nil, apiError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Attributes.")
	}
	for k, v := range in.Attributes {
		if !slices.Contains(sqsSettable, k) {
			return nil, apiError(http.StatusBadRequest, "InvalidAttributeName", "Unknown Attribute %s.", k)
		}
		if (k == "Policy" || k == "RedrivePolicy" || k == "RedriveAllowPolicy") && v != "" && !json.Valid([]byte(v)) {
			return nil, apiError(http.StatusBadRequest, "InvalidAttributeValue", "Invalid value for the parameter %s.", k)
		}
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	q, err := a.queueFor(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Attributes {
		if v == "" && k == "Policy" {
			delete(q.Attributes, k) // an empty policy removes it
			continue
		}
		q.Attributes[k] = v
	}
	q.Attributes["LastModifiedTimestamp"] = strconv.FormatInt(time.Now().Unix(), 10)
	return struct{}{}, nil
}

// snsSettable are the topic attributes SetTopicAttributes takes.
var snsSettable = []string{"Policy", "DisplayName", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
	"ContentBasedDeduplication", "ArchivePolicy"}

func snsSetTopicAttributes(c *call, p queryParams) (any, error) {
	arn, err := snsRequired(p, "TopicArn")
	if err != nil {
		return nil, err
	}
	name, err := snsRequired(p, "AttributeName")
	if err != nil {
		return nil, err
	}
	value := p.get("AttributeValue")
	if !slices.Contains(snsSettable, name) {
		return nil, apiError(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: AttributeName")
	}
	if name == "Policy" && !json.Valid([]byte(value)) {
		return nil, apiError(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: Policy Error: null")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	t, err := a.topicFor(arn)
	if err != nil {
		return nil, err
	}
	t.Attributes[name] = value
	return nil, nil
}

type kmsPutKeyPolicyInput struct {
	KeyId, PolicyName, Policy      *string
	BypassPolicyLockoutSafetyCheck bool
}

func kmsPutKeyPolicy(c *call, in *kmsPutKeyPolicyInput) (any, error) {
	switch {
	case in.KeyId == nil:
		return nil, kmsValidation("keyId")
	case in.Policy == nil:
		return nil, kmsValidation("policy")
	}
	if in.PolicyName != nil && *in.PolicyName != "default" {
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "No such policy exists: %s (the only key policy name is \"default\")", *in.PolicyName)
	}
	if !json.Valid([]byte(*in.Policy)) {
		return nil, apiError(http.StatusBadRequest, "MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	k, err := a.keyFor(*in.KeyId)
	if err != nil {
		return nil, err
	}
	k.Policy = *in.Policy
	return struct{}{}, nil
}
