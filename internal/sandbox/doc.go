// Package sandbox is SellerDesk's embedded fake AWS: an HTTP server on a
// loopback address that speaks the real AWS wire protocols (awsquery, JSON
// 1.0/1.1, REST-JSON and REST-XML), so the very same aws-sdk-go-v2 clients,
// the AWS CLI and boto3 can be pointed at it with an endpoint override.
//
// Requests are routed by the service named in the SigV4 credential scope of
// the Authorization header (signatures are never verified). Each service is a
// small file that registers its operations from an init function with one of
// handleQuery, handleJSON, handleRESTJSON or handleRESTXML; the protocol codecs
// take care of decoding requests, encoding results and errors, and stamping
// request IDs. All state lives in an *Account built by a Scenario, which can be
// swapped at run time with (*Server).Reset.
//
// CloudFormation (cfn_*.go) is a real engine: templates (JSON, or YAML with
// short-form tags) are parsed and validated, parameters checked, intrinsic
// functions and conditions resolved, and resources created, updated and
// deleted in dependency order by background operations that emit AWS's event
// sequences (rollback included), paced by Options.TimeScale. Each supported
// resource type (cfn_resources.go) records typed state on the Account — IAM
// roles and policies, SQS queues, SNS topics and subscriptions, S3 buckets,
// KMS keys and aliases, Lambda functions, custom resources — which the other
// services (IAM in iam.go) serve and which other packages and tests read
// through the Account's snapshot accessors (state.go). Stack operations stop
// when the server closes or its account is Reset.
//
// Over that state the sandbox serves what SellerDesk's status tiles read: S3
// (s3.go; path-style and *.localhost virtual-hosted addressing, aws-chunked
// uploads), SNS (sns.go; Publish delivers to SQS subscriptions, raw or in
// SNS's envelope, when the queue policy admits the topic), SQS (sqs.go; JSON
// 1.0 with the x-amzn-query-error header, long polling capped at
// sqsMaxWait), KMS (kms.go), the Commerce Analytics Service's
// GenerateDataSet (cas.go; delivers a data set to the bucket and a
// notification through the topic) and the Marketplace Catalog API
// (catalog*.go): ListEntities, DescribeEntity, BatchDescribeEntities, the tag
// and resource-policy calls on entities and change sets, and change sets that
// StartChangeSet runs in the background through PREPARING, APPLYING and
// SUCCEEDED (or FAILED, or CANCELLED by CancelChangeSet), paced by
// Options.TimeScale, locking their entities meanwhile; every Catalog
// operation is rate limited per account at its documented quota, in real
// time (ThrottlingException). Where AWS consults a
// resource policy on a service's behalf, policy.go evaluates it. The
// scenarios (scenarios.go) range from a fresh seller to one whose onboarding
// stack is launched ("connected"), variants with one policy broken, and one
// whose Catalog quotas are a fifth of AWS's ("throttled"); every seller
// scenario has a few hundred Catalog entities of mixed types.
package sandbox
