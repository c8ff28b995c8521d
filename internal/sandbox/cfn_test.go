package sandbox

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// engineTemplate exercises the intrinsics and every resource type the
// onboarding stack needs.
const engineTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Description: SellerDesk sandbox engine test
Parameters:
  PartnerAccountId:
    Type: String
    AllowedPattern: '^\d{12}$'
  ExternalId:
    Type: String
    MinLength: 2
    MaxLength: 1224
    AllowedPattern: '[\w+=,.@:/-]*'
    NoEcho: true
  Environment:
    Type: String
    Default: test
    AllowedValues: [test, prod]
  ReportUrl:
    Type: String
    Default: ""
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  HasReportUrl: !Not [!Equals [!Ref ReportUrl, ""]]
  ProdOrReport: !Or [!Condition IsProd, !Condition HasReportUrl]
Resources:
  PartnerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${AWS::StackName}-partner"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub "arn:aws:iam::${PartnerAccountId}:root" }
            Action: sts:AssumeRole
            Condition: { StringEquals: { "sts:ExternalId": !Ref ExternalId } }
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AWSMarketplaceSellerProductsReadOnly]
      Tags: [{ Key: env, Value: !If [IsProd, production, testing] }]
  RoleAccess:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: role-access
      Roles: [!Ref PartnerRole]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy]
            Resource: !GetAtt PartnerRole.Arn
          - Effect: Allow
            Action: "sqs:*"
            Resource: !GetAtt [Queue, Arn]
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: !Join [" ", [SellerDesk, key, for, !Ref "AWS::StackName"]]
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal: { AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" }
            Action: "kms:*"
            Resource: "*"
          - Sid: Reports
            Effect: Allow
            Principal: { Service: reports.marketplace.amazonaws.com }
            Action: [kms:Decrypt, kms:GenerateDataKey]
            Resource: "*"
            Condition: { StringEquals: { "aws:SourceAccount": !Ref "AWS::AccountId" } }
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub "alias/${AWS::StackName}"
      TargetKeyId: !Ref Key
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: KeyAlias
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: !GetAtt Key.Arn }
            BucketKeyEnabled: true
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: reports.marketplace.amazonaws.com }
            Action: [s3:PutObject, s3:GetObject]
            Resource: [!GetAtt Bucket.Arn, !Sub "${Bucket.Arn}/*"]
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !Select [0, !Split ["-", !Ref "AWS::StackName"]]
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Topic
      Protocol: sqs
      Endpoint: !GetAtt Queue.Arn
      RawMessageDelivery: true
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition: { ArnLike: { "aws:SourceArn": [!Ref Topic] } }
  ProdOnlyTopic:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Reporter:
    Type: Custom::Report
    Condition: ProdOrReport
    Properties:
      ServiceToken: !Sub "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:reporter"
      Url: !Ref ReportUrl
      RoleArn: !If [IsProd, !Ref "AWS::NoValue", !GetAtt PartnerRole.Arn]
Outputs:
  RoleArn: { Value: !GetAtt PartnerRole.Arn, Description: The partner role }
  RoleName: { Value: !Ref PartnerRole }
  QueueUrl: { Value: !Ref Queue }
  QueueArn: { Value: !GetAtt Queue.Arn }
  QueueName: { Value: !GetAtt Queue.QueueName }
  TopicArn: { Value: !Ref Topic }
  TopicName: { Value: !GetAtt Topic.TopicName }
  BucketName: { Value: !Ref Bucket }
  BucketArn:
    Value: !GetAtt Bucket.Arn
    Export: { Name: !Sub "${AWS::StackName}-bucket-arn" }
  BucketDomain: { Value: !GetAtt Bucket.RegionalDomainName }
  KeyArn: { Value: !GetAtt Key.Arn }
  KeyId: { Value: !Ref Key }
  Mode: { Value: !If [IsProd, prod-mode, !Sub "${Environment}-mode"] }
  ProdTopic: { Condition: IsProd, Value: !Ref ProdOnlyTopic }
  SecondAZ: { Value: !Select [1, !GetAZs ""] }
  Pseudo: { Value: !Sub "${AWS::Region}/${AWS::AccountId}/${AWS::Partition}/${AWS::URLSuffix}" }
  Literal: { Value: !Sub "${!NotAVariable}" }
  SubMap: { Value: !Sub ["${Name}@${AWS::Region}", { Name: !GetAtt Topic.TopicName }] }
  StackIdOut: { Value: !Ref "AWS::StackId" }
`

func engineParams() []cfntypes.Parameter {
	return params("PartnerAccountId", "123456789012", "ExternalId", "sellerdesk-test-external-id")
}

func TestCreateStackEndToEnd(t *testing.T) {
	srv, cfn, iamc := startFast(t, "fresh")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{
		StackName: aws.String("engine"), TemplateBody: aws.String(engineTemplate), Parameters: engineParams(),
		Capabilities:       []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
		ClientRequestToken: aws.String("token-1"),
	})
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("status %s (%s)\n%s", st.StackStatus, aws.ToString(st.StackStatusReason), dumpEvents(allEvents(t, cfn, "engine")))
	}
	if aws.ToString(st.Description) != "SellerDesk sandbox engine test" {
		t.Errorf("Description = %q", aws.ToString(st.Description))
	}
	for _, p := range st.Parameters {
		if aws.ToString(p.ParameterKey) == "ExternalId" && aws.ToString(p.ParameterValue) != "****" {
			t.Errorf("NoEcho parameter shown as %q", aws.ToString(p.ParameterValue))
		}
	}

	// Outputs, resolved.
	out := outputsOf(st)
	acct, stackID := "111122223333", aws.ToString(st.StackId)
	a := srv.Account()
	keys := a.Keys()
	if len(keys) != 1 {
		t.Fatalf("keys = %+v", keys)
	}
	key := keys[0]
	exact := map[string]string{
		"RoleName":   "engine-partner",
		"RoleArn":    "arn:aws:iam::" + acct + ":role/engine-partner",
		"KeyArn":     "arn:aws:kms:us-east-1:" + acct + ":key/" + key.KeyID,
		"KeyId":      key.KeyID,
		"Mode":       "test-mode",
		"SecondAZ":   "us-east-1b",
		"Pseudo":     "us-east-1/" + acct + "/aws/amazonaws.com",
		"Literal":    "${NotAVariable}",
		"StackIdOut": stackID,
	}
	for k, want := range exact {
		if out[k] != want {
			t.Errorf("output %s = %q, want %q", k, out[k], want)
		}
	}
	patterns := map[string]string{
		"QueueUrl":     "^" + regexp.QuoteMeta(srv.URL()) + "/" + acct + "/engine-Queue-[A-Z0-9]{12}$",
		"QueueArn":     "^arn:aws:sqs:us-east-1:" + acct + ":engine-Queue-[A-Z0-9]{12}$",
		"QueueName":    "^engine-Queue-[A-Z0-9]{12}$",
		"TopicArn":     "^arn:aws:sns:us-east-1:" + acct + ":engine-Topic-[A-Z0-9]{12}$",
		"TopicName":    "^engine-Topic-[A-Z0-9]{12}$",
		"BucketName":   "^engine-bucket-[a-z0-9]{12}$",
		"BucketArn":    "^arn:aws:s3:::engine-bucket-[a-z0-9]{12}$",
		"BucketDomain": `^engine-bucket-[a-z0-9]{12}\.s3\.us-east-1\.amazonaws\.com$`,
		"SubMap":       "^engine-Topic-[A-Z0-9]{12}@us-east-1$",
	}
	for k, p := range patterns {
		if !regexp.MustCompile(p).MatchString(out[k]) {
			t.Errorf("output %s = %q, want match for %s", k, out[k], p)
		}
	}
	if _, ok := out["ProdTopic"]; ok {
		t.Error("output ProdTopic present although its condition is false")
	}
	for _, o := range st.Outputs {
		if aws.ToString(o.OutputKey) == "BucketArn" && aws.ToString(o.ExportName) != "engine-bucket-arn" {
			t.Errorf("BucketArn ExportName = %q", aws.ToString(o.ExportName))
		}
		if aws.ToString(o.OutputKey) == "RoleArn" && aws.ToString(o.Description) != "The partner role" {
			t.Errorf("RoleArn Description = %q", aws.ToString(o.Description))
		}
	}

	// The event sequence.
	events := allEvents(t, cfn, "engine")
	if len(events) < 2 || eventLine(events[0]) != "engine CREATE_IN_PROGRESS User Initiated" ||
		eventLine(events[len(events)-1]) != "engine CREATE_COMPLETE" {
		t.Fatalf("first/last stack events wrong:\n%s", dumpEvents(events))
	}
	if aws.ToString(events[0].PhysicalResourceId) != stackID || aws.ToString(events[0].ResourceType) != "AWS::CloudFormation::Stack" {
		t.Errorf("stack event = %+v", events[0])
	}
	for _, e := range events {
		if aws.ToString(e.ClientRequestToken) != "token-1" || aws.ToString(e.StackId) != stackID || aws.ToString(e.EventId) == "" {
			t.Errorf("event %s lacks token, stack ID or event ID: %+v", eventLine(e), e)
			break
		}
	}
	created := []string{"PartnerRole", "RoleAccess", "Key", "KeyAlias", "Bucket", "BucketPolicy", "Queue", "Topic", "Subscription", "QueuePolicy"}
	for _, id := range created {
		var seq []string
		for _, e := range events {
			if aws.ToString(e.LogicalResourceId) == id {
				seq = append(seq, strings.TrimPrefix(eventLine(e), id+" "))
			}
		}
		want := []string{"CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS Resource creation Initiated", "CREATE_COMPLETE"}
		if id == "QueuePolicy" { // a legacy type: no "Initiated" event
			want = []string{"CREATE_IN_PROGRESS", "CREATE_COMPLETE"}
		}
		if !slices.Equal(seq, want) {
			t.Errorf("%s events = %q, want %q", id, seq, want)
		}
	}
	for _, id := range []string{"ProdOnlyTopic", "Reporter"} {
		if indexOf(events, id, "CREATE_IN_PROGRESS") >= 0 {
			t.Errorf("%s was created although its condition is false", id)
		}
	}
	deps := map[string][]string{
		"RoleAccess":   {"PartnerRole", "Queue"},
		"KeyAlias":     {"Key"},
		"Bucket":       {"KeyAlias", "Key"},
		"BucketPolicy": {"Bucket"},
		"Subscription": {"Topic", "Queue"},
		"QueuePolicy":  {"Queue", "Topic"},
	}
	for dependent, on := range deps {
		start := indexOf(events, dependent, "CREATE_IN_PROGRESS")
		for _, dep := range on {
			if done := indexOf(events, dep, "CREATE_COMPLETE"); done < 0 || done > start {
				t.Errorf("%s started (event %d) before %s completed (event %d)", dependent, start, dep, done)
			}
		}
	}
	// Independent resources run in parallel, as on AWS: the role and the
	// queue both start before either completes.
	if indexOf(events, "Queue", "CREATE_IN_PROGRESS") > indexOf(events, "PartnerRole", "CREATE_COMPLETE") {
		t.Errorf("Queue did not start in parallel with PartnerRole:\n%s", dumpEvents(events))
	}
	// ResourceProperties carry the resolved properties.
	if i := indexOf(events, "Topic", "CREATE_IN_PROGRESS"); i < 0 || !strings.Contains(aws.ToString(events[i].ResourceProperties), `"DisplayName":"engine"`) {
		t.Errorf("Topic CREATE_IN_PROGRESS ResourceProperties = %q", aws.ToString(events[i].ResourceProperties))
	}

	// DescribeStackResources.
	res, err := cfn.DescribeStackResources(t.Context(), &cloudformation.DescribeStackResourcesInput{StackName: aws.String("engine")})
	if err != nil {
		t.Fatal(err)
	}
	phys := map[string]string{}
	for _, r := range res.StackResources {
		phys[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
		if r.ResourceStatus != cfntypes.ResourceStatusCreateComplete {
			t.Errorf("%s is %s", aws.ToString(r.LogicalResourceId), r.ResourceStatus)
		}
	}
	if len(phys) != len(created) || phys["PartnerRole"] != "engine-partner" || phys["Queue"] != out["QueueUrl"] ||
		phys["Topic"] != out["TopicArn"] || phys["Bucket"] != out["BucketName"] || phys["Key"] != key.KeyID ||
		phys["KeyAlias"] != "alias/engine" {
		t.Errorf("physical IDs = %v", phys)
	}
	lr, err := cfn.ListStackResources(t.Context(), &cloudformation.ListStackResourcesInput{StackName: aws.String("engine")})
	if err != nil || len(lr.StackResourceSummaries) != len(created) {
		t.Errorf("ListStackResources = %d resources, %v", len(lr.StackResourceSummaries), err)
	}
	one, err := cfn.DescribeStackResource(t.Context(), &cloudformation.DescribeStackResourceInput{StackName: aws.String("engine"), LogicalResourceId: aws.String("Queue")})
	if err != nil || aws.ToString(one.StackResourceDetail.PhysicalResourceId) != out["QueueUrl"] {
		t.Errorf("DescribeStackResource = %+v, %v", one, err)
	}

	// Recorded state, through IAM.
	role, err := iamc.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("engine-partner")})
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	if aws.ToString(role.Role.Arn) != out["RoleArn"] || !regexp.MustCompile(`^AROA[A-Z2-7]{17}$`).MatchString(aws.ToString(role.Role.RoleId)) {
		t.Errorf("role = %+v", role.Role)
	}
	trust := decodeDoc(t, aws.ToString(role.Role.AssumeRolePolicyDocument))
	if !strings.Contains(trust, `"AWS":"arn:aws:iam::123456789012:root"`) || !strings.Contains(trust, `"sts:ExternalId":"sellerdesk-test-external-id"`) {
		t.Errorf("trust policy = %s", trust)
	}
	names, err := iamc.ListRolePolicies(t.Context(), &iam.ListRolePoliciesInput{RoleName: aws.String("engine-partner")})
	if err != nil || !slices.Equal(names.PolicyNames, []string{"role-access"}) {
		t.Errorf("ListRolePolicies = %v, %v", names, err)
	}
	pol, err := iamc.GetRolePolicy(t.Context(), &iam.GetRolePolicyInput{RoleName: aws.String("engine-partner"), PolicyName: aws.String("role-access")})
	if err != nil {
		t.Fatalf("GetRolePolicy: %v", err)
	}
	doc := decodeDoc(t, aws.ToString(pol.PolicyDocument))
	if !strings.Contains(doc, `"Resource":"`+out["RoleArn"]+`"`) || !strings.Contains(doc, `"Resource":"`+out["QueueArn"]+`"`) {
		t.Errorf("role-access policy = %s", doc)
	}
	att, err := iamc.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("engine-partner")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AWSMarketplaceSellerProductsReadOnly" {
		t.Errorf("ListAttachedRolePolicies = %+v, %v", att, err)
	}

	// Recorded state, through the account's accessors.
	b, ok := a.Bucket(out["BucketName"])
	if !ok || b.Encryption == nil || b.Encryption.SSEAlgorithm != "aws:kms" || b.Encryption.KMSMasterKeyID != out["KeyArn"] ||
		!b.Encryption.BucketKeyEnabled || !b.PublicAccessBlock.AllBlocked() || !strings.Contains(b.Policy, "reports.marketplace.amazonaws.com") {
		t.Errorf("bucket = %+v (encryption %+v)", b, b.Encryption)
	}
	q, ok := a.Queue(out["QueueUrl"])
	if !ok || q.Attributes["MessageRetentionPeriod"] != "1209600" || !strings.Contains(q.Attributes["Policy"], out["TopicArn"]) {
		t.Errorf("queue = %+v", q)
	}
	topic, ok := a.Topic(out["TopicArn"])
	if !ok || topic.Attributes["DisplayName"] != "engine" {
		t.Errorf("topic = %+v", topic)
	}
	subs := a.Subscriptions(out["TopicArn"])
	if len(subs) != 1 || subs[0].Protocol != "sqs" || subs[0].Endpoint != out["QueueArn"] || subs[0].Attributes["RawMessageDelivery"] != "true" {
		t.Errorf("subscriptions = %+v", subs)
	}
	if key.Description != "SellerDesk key for engine" || !strings.Contains(key.Policy, `"aws:SourceAccount":"111122223333"`) ||
		!slices.Equal(key.Aliases, []string{"alias/engine"}) || key.KeyState != "Enabled" {
		t.Errorf("key = %+v", key)
	}
	if k2, ok := a.Key("alias/engine"); !ok || k2.KeyID != key.KeyID {
		t.Errorf("Key(alias/engine) = %+v, %v", k2, ok)
	}
	info, ok := a.Stack("engine")
	if !ok || info.Status != "CREATE_COMPLETE" || info.Outputs["RoleArn"] != out["RoleArn"] || len(info.Resources) != len(created) ||
		info.Parameters["ExternalId"] != "sellerdesk-test-external-id" {
		t.Errorf("Stack(engine) = %+v", info)
	}

	// A second stack can import the first one's export.
	imp := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("importer"), TemplateBody: aws.String(`{
	  "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::ImportValue": "engine-bucket-arn"}}}},
	  "Outputs": {"Imported": {"Value": {"Fn::GetAtt": ["T", "TopicName"]}}}}`)})
	if imp.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("importer: %s %s", imp.StackStatus, aws.ToString(imp.StackStatusReason))
	}
	if tp, _ := a.Topic("arn:aws:sns:us-east-1:" + acct + ":" + outputsOf(imp)["Imported"]); tp.Attributes["DisplayName"] != out["BucketArn"] {
		t.Errorf("imported value = %q, want %q", tp.Attributes["DisplayName"], out["BucketArn"])
	}

	// Creating it again is refused, unless it is a retry with the same token.
	_, err = cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String("engine"), TemplateBody: aws.String(engineTemplate)})
	if code, msg := apiErrorCode(err); code != "AlreadyExistsException" || msg != "Stack [engine] already exists" {
		t.Errorf("second CreateStack: %v", err)
	}
	again, err := cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String("engine"), TemplateBody: aws.String(engineTemplate),
		Parameters: engineParams(), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}, ClientRequestToken: aws.String("token-1")})
	if err != nil || aws.ToString(again.StackId) != stackID {
		t.Errorf("retry with the same token = %v, %v", again, err)
	}
}

// decodeDoc URL-decodes an IAM policy document and re-encodes it compactly.
func decodeDoc(t *testing.T, enc string) string {
	t.Helper()
	s, err := url.PathUnescape(enc)
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", enc, err)
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("document %q is not JSON: %v", s, err)
	}
	return compactJSON(v)
}
