package tiles

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	cattypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
)

const (
	acct     = "111122223333"
	region   = "us-east-1"
	queueArn = "arn:aws:sqs:us-east-1:111122223333:SellerDesk-Onboarding-PartnerQueue-ABC"
	casBkt   = "sellerdesk-onboarding-casbucket-abc"
	casTopic = "arn:aws:sns:us-east-1:111122223333:SellerDesk-Onboarding-CasTopic-ABC"
	sddsBkt  = "sellerdesk-onboarding-sddsbucket-abc"
	sddsTop  = "arn:aws:sns:us-east-1:111122223333:SellerDesk-Onboarding-SddsTopic-ABC"
	theKeyID = "1234abcd-12ab-34cd-56ef-1234567890ab"
	keyArn   = "arn:aws:kms:us-east-1:111122223333:key/" + theKeyID
	roleArn  = "arn:aws:iam::111122223333:role/SellerDeskPartnerRole"
)

// outputs are the onboarding stack's outputs, as the template names them.
func outputs() map[string]string {
	return map[string]string{
		"PartnerRoleArn": roleArn, "PartnerRoleName": "SellerDeskPartnerRole", "ExternalId": "ext-123",
		"QueueArn": queueArn, "QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/SellerDesk-Onboarding-PartnerQueue-ABC",
		"CasBucketName": casBkt, "CasBucketArn": "arn:aws:s3:::" + casBkt, "CasTopicArn": casTopic,
		"SddsBucketName": sddsBkt, "SddsBucketArn": "arn:aws:s3:::" + sddsBkt, "SddsKeyArn": keyArn, "SddsTopicArn": sddsTop,
		"TemplateVersion": "2026-11-22.1",
	}
}

// The policies the onboarding template creates, as AWS returns them.
var (
	casBucketPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"AllowAccountDelivery","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
  "Action":["s3:PutObject","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::` + casBkt + `","arn:aws:s3:::` + casBkt + `/*"]},
 {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::` + casBkt + `","arn:aws:s3:::` + casBkt + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	casTopicPolicy = `{"Version":"2008-10-17","Statement":[
 {"Sid":"AllowAccountPublish","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["sns:Publish","sns:GetTopicAttributes"],"Resource":"` + casTopic + `"},
 {"Sid":"AllowMarketplaceReportsPublish","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},"Action":"sns:Publish","Resource":"` + casTopic + `",
  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`
	sddsBucketPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"AwsMarketplaceDataFeedsAccess","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},
  "Action":["s3:ListBucket","s3:GetObject","s3:PutObject","s3:GetEncryptionConfiguration","s3:GetBucketAcl","s3:PutObjectAcl"],
  "Resource":["arn:aws:s3:::` + sddsBkt + `","arn:aws:s3:::` + sddsBkt + `/*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}}},
 {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::` + sddsBkt + `","arn:aws:s3:::` + sddsBkt + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	sddsKeyPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"AccountAdministersKey","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"AwsMarketplaceDataFeedsAccess","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},
  "Action":["kms:GenerateDataKey*","kms:Decrypt","kms:Encrypt"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}}}]}`
	sddsTopicPolicy = `{"Version":"2008-10-17","Statement":[
 {"Sid":"AwsMarketplaceDataFeedsAccess","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},"Action":"sns:Publish","Resource":"` + sddsTop + `",
  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}}}]}`
)

// apiErr is an AWS error answer as the SDK surfaces it.
func apiErr(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// statusErr is an error with an HTTP status and no code (a bare 501).
type statusErr struct{ status int }

func (e statusErr) Error() string       { return fmt.Sprintf("http response error StatusCode: %d", e.status) }
func (e statusErr) HTTPStatusCode() int { return e.status }

// httpAPIErr is an AWS error with an HTTP status, like the SDK's
// ResponseError wrapping an APIError.
type httpAPIErr struct {
	status int
	smithy.GenericAPIError
}

func (e *httpAPIErr) HTTPStatusCode() int { return e.status }

func httpErr(status int, code, msg string) error {
	return &httpAPIErr{status, smithy.GenericAPIError{Code: code, Message: msg}}
}
func (e *httpAPIErr) Unwrap() error { return &e.GenericAPIError }

// fakeS3 serves one bucket per name.
type fakeS3 struct {
	buckets map[string]*fakeBucket
	calls   []string
}

type fakeBucket struct {
	headErr   error
	policy    string
	policyErr error
	enc       *s3types.ServerSideEncryptionConfiguration
	encErr    error
	pab       *s3types.PublicAccessBlockConfiguration
	pabErr    error
	objects   []s3types.Object
	listErr   error
	pageSize  int
}

func (f *fakeS3) bucket(name string) (*fakeBucket, error) {
	b := f.buckets[name]
	if b == nil {
		return nil, &httpAPIErr{404, smithy.GenericAPIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist"}}
	}
	return b, nil
}

func (f *fakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	f.calls = append(f.calls, "HeadBucket "+aws.ToString(in.Bucket))
	b := f.buckets[aws.ToString(in.Bucket)]
	if b == nil {
		return nil, &httpAPIErr{404, smithy.GenericAPIError{Code: "NotFound", Message: "Not Found"}}
	}
	return &s3.HeadBucketOutput{}, b.headErr
}

func (f *fakeS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	f.calls = append(f.calls, "GetBucketPolicy "+aws.ToString(in.Bucket))
	b, err := f.bucket(aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	if b.policyErr != nil {
		return nil, b.policyErr
	}
	if b.policy == "" {
		return nil, apiErr("NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(b.policy)}, nil
}

func (f *fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	b, err := f.bucket(aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	if b.encErr != nil {
		return nil, b.encErr
	}
	if b.enc == nil {
		return nil, apiErr("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: b.enc}, nil
}

func (f *fakeS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	b, err := f.bucket(aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	if b.pabErr != nil {
		return nil, b.pabErr
	}
	if b.pab == nil {
		return nil, apiErr("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.pab}, nil
}

func (f *fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	b, err := f.bucket(aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	if b.listErr != nil {
		return nil, b.listErr
	}
	size := b.pageSize
	if size == 0 {
		size = 1000
	}
	start := 0
	if in.ContinuationToken != nil {
		_, _ = fmt.Sscan(*in.ContinuationToken, &start)
	}
	end := min(start+size, len(b.objects))
	out := &s3.ListObjectsV2Output{Contents: b.objects[start:end], IsTruncated: aws.Bool(end < len(b.objects))}
	if end < len(b.objects) {
		out.NextContinuationToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func kmsEncryption(alg s3types.ServerSideEncryption, key string) *s3types.ServerSideEncryptionConfiguration {
	def := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: alg}
	if key != "" {
		def.KMSMasterKeyID = aws.String(key)
	}
	return &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: def, BucketKeyEnabled: aws.Bool(true)}}}
}

func allBlocked() *s3types.PublicAccessBlockConfiguration {
	return &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
		IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
}

// fakeSNS serves topics by ARN.
type fakeSNS struct {
	topics map[string]*fakeTopic
}

type fakeTopic struct {
	policy   string
	attrErr  error
	subs     []snstypes.Subscription
	subsErr  error
	pageSize int
}

func sqsSub(topic, endpoint string) snstypes.Subscription {
	return snstypes.Subscription{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(endpoint),
		SubscriptionArn: aws.String(topic + ":0b1c2d3e"), Owner: aws.String(acct)}
}

func (f *fakeSNS) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	t := f.topics[aws.ToString(in.TopicArn)]
	if t == nil {
		return nil, &httpAPIErr{404, smithy.GenericAPIError{Code: "NotFound", Message: "Topic does not exist"}}
	}
	if t.attrErr != nil {
		return nil, t.attrErr
	}
	attrs := map[string]string{"TopicArn": aws.ToString(in.TopicArn), "Owner": acct}
	if t.policy != "" {
		attrs["Policy"] = t.policy
	}
	return &sns.GetTopicAttributesOutput{Attributes: attrs}, nil
}

func (f *fakeSNS) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	t := f.topics[aws.ToString(in.TopicArn)]
	if t == nil {
		return nil, &httpAPIErr{404, smithy.GenericAPIError{Code: "NotFound", Message: "Topic does not exist"}}
	}
	if t.subsErr != nil {
		return nil, t.subsErr
	}
	size := t.pageSize
	if size == 0 {
		size = 100
	}
	start := 0
	if in.NextToken != nil {
		_, _ = fmt.Sscan(*in.NextToken, &start)
	}
	end := min(start+size, len(t.subs))
	out := &sns.ListSubscriptionsByTopicOutput{Subscriptions: t.subs[start:end]}
	if end < len(t.subs) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

// fakeKMS serves keys by ID, ARN or alias.
type fakeKMS struct {
	policy      string
	policyErr   error
	state       kmstypes.KeyState
	describeErr error
	aliases     map[string]string // alias → key ARN
	policyNames []string
}

func (f *fakeKMS) GetKeyPolicy(_ context.Context, in *kms.GetKeyPolicyInput, _ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	f.policyNames = append(f.policyNames, aws.ToString(in.PolicyName))
	if f.policyErr != nil {
		return nil, f.policyErr
	}
	if aws.ToString(in.KeyId) != keyArn && aws.ToString(in.KeyId) != theKeyID {
		return nil, apiErr("NotFoundException", "Key '"+aws.ToString(in.KeyId)+"' does not exist")
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(f.policy), PolicyName: aws.String("default")}, nil
}

func (f *fakeKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if f.describeErr != nil {
		return nil, f.describeErr
	}
	id := aws.ToString(in.KeyId)
	if target, ok := f.aliases[id]; ok {
		id = target
	}
	arn := id
	if !strings.HasPrefix(arn, "arn:") {
		arn = "arn:aws:kms:us-east-1:111122223333:key/" + id
	}
	state := f.state
	if state == "" {
		state = kmstypes.KeyStateEnabled
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: aws.String(keyIDOf(arn)), Arn: aws.String(arn),
		Enabled: state == kmstypes.KeyStateEnabled, KeyState: state}}, nil
}

func keyIDOf(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// fakeGenerator records the GenerateDataSet request.
type fakeGenerator struct {
	id  string
	err error
	got *GenerateDataSetInput
}

func (f *fakeGenerator) GenerateDataSet(_ context.Context, in GenerateDataSetInput) (string, error) {
	f.got = &in
	return f.id, f.err
}

// fakeCatalog answers ListEntities per entity type.
type fakeCatalog struct {
	count map[string]int
	err   map[string]error
	calls []*marketplacecatalog.ListEntitiesInput
}

func (f *fakeCatalog) ListEntities(_ context.Context, in *marketplacecatalog.ListEntitiesInput, _ ...func(*marketplacecatalog.Options)) (*marketplacecatalog.ListEntitiesOutput, error) {
	f.calls = append(f.calls, in)
	et := aws.ToString(in.EntityType)
	if err := f.err[et]; err != nil {
		return nil, err
	}
	out := &marketplacecatalog.ListEntitiesOutput{}
	for i := 0; i < f.count[et] && i < int(aws.ToInt32(in.MaxResults)); i++ {
		out.EntitySummaryList = append(out.EntitySummaryList, cattypes.EntitySummary{EntityType: aws.String(et), EntityId: aws.String(fmt.Sprintf("prod-%d", i))})
	}
	return out, nil
}

// casWorld is a CAS setup as the template creates it, every check passing.
func casWorld() (*fakeS3, *fakeSNS, *fakeGenerator) {
	s3f := &fakeS3{buckets: map[string]*fakeBucket{casBkt: {policy: casBucketPolicy, enc: kmsEncryption(s3types.ServerSideEncryptionAes256, ""), pab: allBlocked()}}}
	snsf := &fakeSNS{topics: map[string]*fakeTopic{casTopic: {policy: casTopicPolicy, subs: []snstypes.Subscription{sqsSub(casTopic, queueArn)}}}}
	return s3f, snsf, &fakeGenerator{id: "8c7c0c4e-1d6a-4b8a-9a1e-4d3f2b1a0c9d"}
}

// sddsWorld is an SDDS setup as the template creates it, every check passing.
func sddsWorld() (*fakeS3, *fakeKMS, *fakeSNS) {
	delivered := s3types.Object{Key: aws.String("billing_event_v1/year=2026/month=03/data.csv"), LastModified: aws.Time(fixedNow.Add(-time.Hour)), Size: aws.Int64(120)}
	s3f := &fakeS3{buckets: map[string]*fakeBucket{sddsBkt: {policy: sddsBucketPolicy, enc: kmsEncryption(s3types.ServerSideEncryptionAwsKms, keyArn), pab: allBlocked(),
		objects: []s3types.Object{delivered}}}}
	snsf := &fakeSNS{topics: map[string]*fakeTopic{sddsTop: {policy: sddsTopicPolicy, subs: []snstypes.Subscription{sqsSub(sddsTop, queueArn)}}}}
	return s3f, &fakeKMS{policy: sddsKeyPolicy}, snsf
}

// urlEncoded is a policy as IAM returns it.
func urlEncoded(p string) string { return url.QueryEscape(p) }

var fixedNow = time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC)
