package template

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/cfntemplate"
)

// guideItems are the items of the partner cloud-setup guide's "Permissions
// and Roles" section (seed-cloud-setup.txt; "Clazar" read as "Partner"),
// followed by the Seller Data Feed (SDDS) resources of the marketplace facts
// §2 and the CAS delivery details of §1.
var guideItems = []string{
	"Partner Role",
	"Partner Role Policy Access",
	"Partner Reporter Function Role",
	"Partner Reporter Function",
	"Partner SQS Queue",
	"Partner SQS Access",
	"Partner MarketplaceAccessPolicy",
	"Partner Marketplace SNS Access Policy",
	"CAS Bucket",
	"CAS SNS Topic",
	"Partner Generate CAS Policy",
	"Partner Analytics SNS Access Policy",
	"Partner S3 Access Policy",
	"Partner KMS Key Access Policy",
	"CAS SNS Subscription",
	"SDDS SNS Subscription",
	"Partner SQS Send Policy",
	// facts §2 (SDDS) and §1 (CAS delivery)
	"SDDS KMS key",
	"SDDS bucket",
	"SDDS bucket policy",
	"SDDS SNS topic",
	"SDDS topic policy",
	"CAS bucket policy",
	"CAS topic policy",
	// facts §7 (EventBridge, us-east-1) and issue 12.1
	"Marketplace event rule",
	"Marketplace events dead-letter queue",
	"Marketplace events dead-letter queue policy",
	"Partner events read policy",
}

// requirement maps one guide item to the resource (and, for policies, the
// statement) that implements it. All checks parse the template.
type requirement struct {
	item      string
	logicalID string
	typ       string
	condition string // resource Condition
	// Statement checks (doc == "" means the item has no statement).
	doc       []any // path to the policy document within Properties
	branch    int   // Fn::If branch of the Statement list: 1 true, 2 false
	sid       string
	effect    string
	actions   []string
	resources any // expected long-form value(s), order ignored
	principal any
	cond      map[string]any
	// Extra property checks.
	check func(t *testing.T, r cfntemplate.Resource)
}

var marketplaceSNSPatterns = list(
	sub("arn:${AWS::Partition}:sns:*:*:aws-mp-subscription-notification-*"),
	sub("arn:${AWS::Partition}:sns:*:*:aws-mp-entitlement-notification-*"),
	sub("arn:${AWS::Partition}:sns:*:*:${PartnerSnsPrefix}*"),
)

var snsSubscribeActions = []string{"sns:Subscribe", "sns:Unsubscribe", "sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"}

var accountRoot = map[string]any{"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}
var marketplaceReports = map[string]any{"Service": "reports.marketplace.amazonaws.com"}
var sourceAccount = map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": ref("AWS::AccountId")}}

// sddsScoped is how AWS recommends scoping the data-feed delivery principal
// today (aws-marketplace-facts.md §2.3): the account and the data-feed
// subscription's ARN. The facts win over the guide's SourceAccount alone.
var sddsScoped = map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": ref("AWS::AccountId"),
	"aws:SourceArn": sub("arn:${AWS::Partition}:marketplace::${AWS::AccountId}:AWSMarketplace/SellerDataSubscription/DataFeeds_V1")}}
var insecureTransport = map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}

func attachedToPartnerRole(t *testing.T, r cfntemplate.Resource) {
	t.Helper()
	if !reflect.DeepEqual(r.Properties["Roles"], list(ref("PartnerRole"))) {
		t.Errorf("Roles = %v, want [PartnerRole]", r.Properties["Roles"])
	}
}

func retainedPrivateBucket(t *testing.T, r cfntemplate.Resource) {
	t.Helper()
	if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
		t.Errorf("DeletionPolicy/UpdateReplacePolicy = %q/%q, want Retain/Retain", r.DeletionPolicy, r.UpdateReplacePolicy)
	}
	pab, _ := r.Properties["PublicAccessBlockConfiguration"].(map[string]any)
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if pab[k] != true {
			t.Errorf("PublicAccessBlockConfiguration.%s = %v, want true", k, pab[k])
		}
	}
}

func subscribesQueueTo(topic string) func(t *testing.T, r cfntemplate.Resource) {
	return func(t *testing.T, r cfntemplate.Resource) {
		t.Helper()
		want := map[string]any{
			"Protocol": "sqs", "TopicArn": ref(topic), "Endpoint": getAtt("PartnerQueue", "Arn"), "RawMessageDelivery": true,
		}
		if !reflect.DeepEqual(r.Properties, want) {
			t.Errorf("Properties = %v, want %v", r.Properties, want)
		}
	}
}

var requirements = []requirement{
	{
		item: "Partner Role", logicalID: "PartnerRole", typ: "AWS::IAM::Role",
		doc: []any{"AssumeRolePolicyDocument"}, sid: "PartnerAssumeRoleWithExternalId", effect: "Allow",
		actions:   []string{"sts:AssumeRole"},
		principal: map[string]any{"AWS": sub("arn:${AWS::Partition}:iam::${PartnerAccountId}:root")},
		cond:      map[string]any{"StringEquals": map[string]any{"sts:ExternalId": ref("ExternalId")}},
		check: func(t *testing.T, r cfntemplate.Resource) {
			if !reflect.DeepEqual(r.Properties["RoleName"], ref("PartnerRoleName")) {
				t.Errorf("RoleName = %v, want Ref PartnerRoleName", r.Properties["RoleName"])
			}
		},
	},
	{
		item: "Partner Role Policy Access", logicalID: "PartnerRolePolicyAccess", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "InspectOwnRole", effect: "Allow",
		actions:   []string{"iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PassRole"},
		resources: getAtt("PartnerRole", "Arn"),
		check:     attachedToPartnerRole,
	},
	{
		item: "Partner Reporter Function Role", logicalID: "ReporterFunctionRole", typ: "AWS::IAM::Role", condition: "HasReportUrl",
		doc: []any{"AssumeRolePolicyDocument"}, sid: "LambdaAssumeRole", effect: "Allow",
		actions: []string{"sts:AssumeRole"}, principal: map[string]any{"Service": "lambda.amazonaws.com"},
		check: func(t *testing.T, r cfntemplate.Resource) {
			want := list(sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
			if !reflect.DeepEqual(r.Properties["ManagedPolicyArns"], want) {
				t.Errorf("ManagedPolicyArns = %v, want %v", r.Properties["ManagedPolicyArns"], want)
			}
		},
	},
	{
		item: "Partner Reporter Function", logicalID: "ReporterFunction", typ: "AWS::Lambda::Function", condition: "HasReportUrl",
		check: func(t *testing.T, r cfntemplate.Resource) {
			if r.Properties["Runtime"] != "python3.12" || r.Properties["Handler"] != "index.handler" {
				t.Errorf("Runtime/Handler = %v/%v", r.Properties["Runtime"], r.Properties["Handler"])
			}
			if !reflect.DeepEqual(r.Properties["Role"], getAtt("ReporterFunctionRole", "Arn")) {
				t.Errorf("Role = %v", r.Properties["Role"])
			}
			code, _ := get(r.Properties, "Code", "ZipFile").(string)
			for _, s := range []string{"ResponseURL", `"Status": "SUCCESS"`, "finally:", `== "Create"`} {
				if !strings.Contains(code, s) {
					t.Errorf("inline code lacks %q", s)
				}
			}
		},
	},
	{
		item: "Partner Reporter Function (invocation)", logicalID: "ReporterInvocation", typ: "Custom::PartnerReport", condition: "HasReportUrl",
		check: func(t *testing.T, r cfntemplate.Resource) {
			if !reflect.DeepEqual(r.Properties["ServiceToken"], getAtt("ReporterFunction", "Arn")) {
				t.Errorf("ServiceToken = %v", r.Properties["ServiceToken"])
			}
			if !reflect.DeepEqual(r.Properties["ReportUrl"], ref("ReportUrl")) {
				t.Errorf("ReportUrl = %v", r.Properties["ReportUrl"])
			}
		},
	},
	{
		item: "Partner SQS Queue", logicalID: "PartnerQueue", typ: "AWS::SQS::Queue",
		check: func(t *testing.T, r cfntemplate.Resource) {
			if r.Properties["SqsManagedSseEnabled"] != true {
				t.Errorf("SqsManagedSseEnabled = %v, want true", r.Properties["SqsManagedSseEnabled"])
			}
		},
	},
	{
		item: "Partner SQS Access", logicalID: "PartnerQueueAccess", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "ConsumePartnerQueue", effect: "Allow",
		actions:   []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ChangeMessageVisibility"},
		resources: getAtt("PartnerQueue", "Arn"),
		check:     attachedToPartnerRole,
	},
	{
		item: "Partner MarketplaceAccessPolicy", logicalID: "MarketplaceAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, branch: 2, sid: "MarketplaceFullSellerAccess", effect: "Allow",
		actions:   []string{"aws-marketplace:*", "aws-marketplace-management:*", "vendor-insights:*"},
		resources: "*",
		check: func(t *testing.T, r cfntemplate.Resource) {
			attachedToPartnerRole(t, r)
			if c := get(r.Properties, "PolicyDocument", "Statement", "Fn::If", 0); c != "IsLeastPrivilege" {
				t.Errorf("Statement is not chosen by Fn::If IsLeastPrivilege (got %v)", c)
			}
		},
	},
	{
		item: "Partner MarketplaceAccessPolicy (LeastPrivilege)", logicalID: "MarketplaceAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, branch: 1, sid: "MarketplaceReadAndTag", effect: "Allow",
		// BatchDescribeEntities is authorized by aws-marketplace:DescribeEntity.
		actions: []string{"aws-marketplace:ListEntities", "aws-marketplace:DescribeEntity", "aws-marketplace:ListChangeSets",
			"aws-marketplace:DescribeChangeSet", "aws-marketplace:ListTagsForResource", "aws-marketplace:TagResource",
			"aws-marketplace:UntagResource", "aws-marketplace:GetResourcePolicy"},
		resources: "*",
	},
	{
		item: "Partner MarketplaceAccessPolicy (LeastPrivilege reports)", logicalID: "MarketplaceAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, branch: 1, sid: "MarketplaceViewReports", effect: "Allow",
		actions: []string{"aws-marketplace-management:viewReports"}, resources: "*",
	},
	{
		item: "Partner Marketplace SNS Access Policy", logicalID: "MarketplaceSnsAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "SubscribeMarketplaceTopics", effect: "Allow",
		actions: snsSubscribeActions, resources: marketplaceSNSPatterns, check: attachedToPartnerRole,
	},
	{
		item: "CAS Bucket", logicalID: "CasBucket", typ: "AWS::S3::Bucket",
		check: func(t *testing.T, r cfntemplate.Resource) {
			retainedPrivateBucket(t, r)
			want := map[string]any{"Fn::If": list("HasCasBucketName", ref("CasBucketName"), ref("AWS::NoValue"))}
			if !reflect.DeepEqual(r.Properties["BucketName"], want) {
				t.Errorf("BucketName = %v, want %v", r.Properties["BucketName"], want)
			}
			if get(r.Properties, "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm") == nil {
				t.Error("CAS bucket has no default encryption")
			}
		},
	},
	{
		item: "CAS bucket policy", logicalID: "CasBucketPolicy", typ: "AWS::S3::BucketPolicy",
		doc: []any{"PolicyDocument"}, sid: "AllowAccountDelivery", effect: "Allow",
		actions:   []string{"s3:PutObject", "s3:GetBucketLocation"},
		resources: list(getAtt("CasBucket", "Arn"), sub("${CasBucket.Arn}/*")), principal: accountRoot,
	},
	{
		item: "CAS bucket policy (TLS only)", logicalID: "CasBucketPolicy", typ: "AWS::S3::BucketPolicy",
		doc: []any{"PolicyDocument"}, sid: "DenyInsecureTransport", effect: "Deny", actions: []string{"s3:*"},
		resources: list(getAtt("CasBucket", "Arn"), sub("${CasBucket.Arn}/*")), principal: "*", cond: insecureTransport,
	},
	{item: "CAS SNS Topic", logicalID: "CasTopic", typ: "AWS::SNS::Topic"},
	{
		item: "CAS topic policy", logicalID: "CasTopicPolicy", typ: "AWS::SNS::TopicPolicy",
		doc: []any{"PolicyDocument"}, sid: "AllowAccountPublish", effect: "Allow",
		actions: []string{"sns:Publish", "sns:GetTopicAttributes"}, resources: ref("CasTopic"), principal: accountRoot,
	},
	{
		item: "CAS topic policy (marketplace reports)", logicalID: "CasTopicPolicy", typ: "AWS::SNS::TopicPolicy",
		doc: []any{"PolicyDocument"}, sid: "AllowMarketplaceReportsPublish", effect: "Allow",
		actions: []string{"sns:Publish"}, resources: ref("CasTopic"), principal: marketplaceReports, cond: sourceAccount,
	},
	{
		item: "Partner Generate CAS Policy", logicalID: "GenerateCasPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "GenerateCasDataSets", effect: "Allow",
		actions: []string{"marketplacecommerceanalytics:GenerateDataSet"}, resources: "*", check: attachedToPartnerRole,
	},
	{
		item: "Partner Analytics SNS Access Policy", logicalID: "AnalyticsSnsAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "SubscribeReportTopics", effect: "Allow", actions: snsSubscribeActions,
		resources: list(ref("CasTopic"), ref("SddsTopic"), sub("arn:${AWS::Partition}:sns:*:*:${PartnerSnsPrefix}*")),
		check:     attachedToPartnerRole,
	},
	{
		// The guide's s3:GetBucketRegion is not an IAM action: s3:GetBucketLocation.
		item: "Partner S3 Access Policy", logicalID: "S3AccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "ListReportBuckets", effect: "Allow",
		actions:   []string{"s3:ListBucket", "s3:GetBucketLocation"},
		resources: list(getAtt("CasBucket", "Arn"), getAtt("SddsBucket", "Arn")), check: attachedToPartnerRole,
	},
	{
		item: "Partner S3 Access Policy (objects)", logicalID: "S3AccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "ReadReportObjects", effect: "Allow", actions: []string{"s3:GetObject"},
		resources: list(sub("${CasBucket.Arn}/*"), sub("${SddsBucket.Arn}/*")),
	},
	{
		item: "Partner KMS Key Access Policy", logicalID: "KmsKeyAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "UseReportKeyThroughS3", effect: "Allow",
		actions:   []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"},
		resources: getAtt("SddsKey", "Arn"),
		cond: map[string]any{"StringLike": map[string]any{"kms:EncryptionContext:aws:s3:arn": list(
			sub("arn:${AWS::Partition}:s3:::${SddsBucket}/*"), sub("arn:${AWS::Partition}:s3:::${CasBucket}/*"),
			sub("arn:${AWS::Partition}:s3:::${SddsBucket}"), sub("arn:${AWS::Partition}:s3:::${CasBucket}"),
		)}},
		check: attachedToPartnerRole,
	},
	{
		item: "Partner KMS Key Access Policy (DescribeKey)", logicalID: "KmsKeyAccessPolicy", typ: "AWS::IAM::Policy",
		doc: []any{"PolicyDocument"}, sid: "DescribeReportKey", effect: "Allow",
		actions: []string{"kms:DescribeKey"}, resources: getAtt("SddsKey", "Arn"),
	},
	{item: "CAS SNS Subscription", logicalID: "CasTopicSubscription", typ: "AWS::SNS::Subscription", check: subscribesQueueTo("CasTopic")},
	{item: "SDDS SNS Subscription", logicalID: "SddsTopicSubscription", typ: "AWS::SNS::Subscription", check: subscribesQueueTo("SddsTopic")},
	{
		item: "Partner SQS Send Policy", logicalID: "PartnerQueueSendPolicy", typ: "AWS::SQS::QueuePolicy",
		doc: []any{"PolicyDocument"}, sid: "AllowNotificationTopicsToSend", effect: "Allow",
		actions: []string{"sqs:SendMessage"}, resources: getAtt("PartnerQueue", "Arn"),
		principal: map[string]any{"Service": "sns.amazonaws.com"},
		cond: map[string]any{"ArnLike": map[string]any{"aws:SourceArn": list(
			ref("CasTopic"), ref("SddsTopic"),
			sub("arn:${AWS::Partition}:sns:us-east-1:287250355862:aws-mp-subscription-notification-*"),
			sub("arn:${AWS::Partition}:sns:us-east-1:287250355862:aws-mp-entitlement-notification-*"),
		)}},
		check: func(t *testing.T, r cfntemplate.Resource) {
			if !reflect.DeepEqual(r.Properties["Queues"], list(ref("PartnerQueue"))) {
				t.Errorf("Queues = %v", r.Properties["Queues"])
			}
		},
	},
	{
		item: "Partner SQS Send Policy (Marketplace event rule)", logicalID: "PartnerQueueSendPolicy", typ: "AWS::SQS::QueuePolicy",
		doc: []any{"PolicyDocument"}, sid: "AllowMarketplaceEventRuleToSend", effect: "Allow",
		actions: []string{"sqs:SendMessage"}, resources: getAtt("PartnerQueue", "Arn"),
		principal: map[string]any{"Service": "events.amazonaws.com"},
		cond:      map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": getAtt("MarketplaceEventsRule", "Arn")}},
	},
	{
		item: "Marketplace event rule", logicalID: "MarketplaceEventsRule", typ: "AWS::Events::Rule", condition: "IsMarketplaceEventRegion",
		check: func(t *testing.T, r cfntemplate.Resource) {
			want := map[string]any{"source": list("aws.marketplacecatalog", "aws.agreement-marketplace", "aws.marketplace")}
			if !reflect.DeepEqual(r.Properties["EventPattern"], want) || r.Properties["State"] != "ENABLED" {
				t.Errorf("EventPattern = %v, State = %v", r.Properties["EventPattern"], r.Properties["State"])
			}
			target := get(r.Properties, "Targets", 0)
			if !reflect.DeepEqual(get(target, "Arn"), getAtt("PartnerQueue", "Arn")) ||
				!reflect.DeepEqual(get(target, "DeadLetterConfig", "Arn"), getAtt("MarketplaceEventsDeadLetterQueue", "Arn")) {
				t.Errorf("target = %v, want the partner queue with the dead-letter queue", target)
			}
			if n := len(asList(r.Properties["Targets"])); n != 1 {
				t.Errorf("%d targets, want 1", n)
			}
		},
	},
	{item: "Marketplace events dead-letter queue", logicalID: "MarketplaceEventsDeadLetterQueue", typ: "AWS::SQS::Queue", condition: "IsMarketplaceEventRegion"},
	{
		item: "Marketplace events dead-letter queue policy", logicalID: "MarketplaceEventsDeadLetterQueuePolicy", typ: "AWS::SQS::QueuePolicy",
		condition: "IsMarketplaceEventRegion", doc: []any{"PolicyDocument"}, sid: "AllowMarketplaceEventRuleDeadLetters", effect: "Allow",
		actions: []string{"sqs:SendMessage"}, resources: getAtt("MarketplaceEventsDeadLetterQueue", "Arn"),
		principal: map[string]any{"Service": "events.amazonaws.com"},
		cond:      map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": getAtt("MarketplaceEventsRule", "Arn")}},
	},
	{
		item: "Partner events read policy", logicalID: "PartnerEventsReadPolicy", typ: "AWS::IAM::Policy", condition: "IsMarketplaceEventRegion",
		doc: []any{"PolicyDocument"}, sid: "ReadMarketplaceEventRule", effect: "Allow",
		actions: []string{"events:DescribeRule", "events:ListTargetsByRule"}, resources: getAtt("MarketplaceEventsRule", "Arn"),
		check: attachedToPartnerRole,
	},
	{
		item: "Partner events read policy (ListRules)", logicalID: "PartnerEventsReadPolicy", typ: "AWS::IAM::Policy", condition: "IsMarketplaceEventRegion",
		doc: []any{"PolicyDocument"}, sid: "ListEventRules", effect: "Allow", actions: []string{"events:ListRules"}, resources: "*",
	},
	{
		item: "Partner events read policy (dead-letter queue)", logicalID: "PartnerEventsReadPolicy", typ: "AWS::IAM::Policy", condition: "IsMarketplaceEventRegion",
		doc: []any{"PolicyDocument"}, sid: "ReadEventsDeadLetterQueue", effect: "Allow",
		actions: []string{"sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, resources: getAtt("MarketplaceEventsDeadLetterQueue", "Arn"),
	},
	{
		item: "SDDS KMS key", logicalID: "SddsKey", typ: "AWS::KMS::Key",
		doc: []any{"KeyPolicy"}, sid: "AwsMarketplaceDataFeedsAccess", effect: "Allow",
		actions: []string{"kms:GenerateDataKey*", "kms:Decrypt", "kms:Encrypt"}, resources: "*",
		principal: marketplaceReports, cond: sddsScoped,
		check: func(t *testing.T, r cfntemplate.Resource) {
			if r.Properties["EnableKeyRotation"] != true {
				t.Error("EnableKeyRotation is not true")
			}
			if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
				t.Error("the key must be retained with the bucket it encrypts")
			}
		},
	},
	{
		item: "SDDS KMS key (administration)", logicalID: "SddsKey", typ: "AWS::KMS::Key",
		doc: []any{"KeyPolicy"}, sid: "AccountAdministersKey", effect: "Allow",
		actions: []string{"kms:*"}, resources: "*", principal: accountRoot,
	},
	{
		item: "SDDS KMS key alias", logicalID: "SddsKeyAlias", typ: "AWS::KMS::Alias",
		check: func(t *testing.T, r cfntemplate.Resource) {
			if !reflect.DeepEqual(r.Properties["TargetKeyId"], ref("SddsKey")) {
				t.Errorf("TargetKeyId = %v", r.Properties["TargetKeyId"])
			}
		},
	},
	{
		item: "SDDS bucket", logicalID: "SddsBucket", typ: "AWS::S3::Bucket",
		check: func(t *testing.T, r cfntemplate.Resource) {
			retainedPrivateBucket(t, r)
			rule := get(r.Properties, "BucketEncryption", "ServerSideEncryptionConfiguration", 0)
			if get(rule, "ServerSideEncryptionByDefault", "SSEAlgorithm") != "aws:kms" ||
				!reflect.DeepEqual(get(rule, "ServerSideEncryptionByDefault", "KMSMasterKeyID"), getAtt("SddsKey", "Arn")) ||
				get(rule, "BucketKeyEnabled") != true {
				t.Errorf("encryption rule = %v, want aws:kms with SddsKey.Arn and BucketKeyEnabled", rule)
			}
			want := map[string]any{"Fn::If": list("HasSddsBucketName", ref("SddsBucketName"), ref("AWS::NoValue"))}
			if !reflect.DeepEqual(r.Properties["BucketName"], want) {
				t.Errorf("BucketName = %v", r.Properties["BucketName"])
			}
		},
	},
	{
		item: "SDDS bucket policy", logicalID: "SddsBucketPolicy", typ: "AWS::S3::BucketPolicy",
		doc: []any{"PolicyDocument"}, sid: "AwsMarketplaceDataFeedsAccess", effect: "Allow",
		actions:   []string{"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:GetEncryptionConfiguration", "s3:GetBucketAcl", "s3:PutObjectAcl"},
		resources: list(getAtt("SddsBucket", "Arn"), sub("${SddsBucket.Arn}/*")), principal: marketplaceReports, cond: sddsScoped,
	},
	{
		item: "SDDS bucket policy (TLS only)", logicalID: "SddsBucketPolicy", typ: "AWS::S3::BucketPolicy",
		doc: []any{"PolicyDocument"}, sid: "DenyInsecureTransport", effect: "Deny", actions: []string{"s3:*"},
		resources: list(getAtt("SddsBucket", "Arn"), sub("${SddsBucket.Arn}/*")), principal: "*", cond: insecureTransport,
	},
	{item: "SDDS SNS topic", logicalID: "SddsTopic", typ: "AWS::SNS::Topic"},
	{
		item: "SDDS topic policy", logicalID: "SddsTopicPolicy", typ: "AWS::SNS::TopicPolicy",
		doc: []any{"PolicyDocument"}, sid: "AwsMarketplaceDataFeedsAccess", effect: "Allow",
		actions: []string{"sns:Publish"}, resources: ref("SddsTopic"), principal: marketplaceReports, cond: sddsScoped,
	},
}

func TestGuideRequirements(t *testing.T) {
	tpl := mustParseBody(t)
	for _, req := range requirements {
		t.Run(req.item, func(t *testing.T) {
			r, ok := tpl.Resources[req.logicalID]
			if !ok {
				t.Fatalf("resource %s is missing", req.logicalID)
			}
			if r.Type != req.typ {
				t.Errorf("type = %s, want %s", r.Type, req.typ)
			}
			if r.Condition != req.condition {
				t.Errorf("condition = %q, want %q", r.Condition, req.condition)
			}
			if req.doc != nil {
				branch := req.branch
				if branch == 0 {
					branch = 1
				}
				doc := get(r.Properties, req.doc...)
				st, ok := findStatement(doc, branch, req.sid)
				if !ok {
					t.Fatalf("no statement with Sid %s in %v", req.sid, req.doc)
				}
				if st["Effect"] != req.effect {
					t.Errorf("Effect = %v, want %s", st["Effect"], req.effect)
				}
				if !sameStrings(st["Action"], req.actions) {
					t.Errorf("Action = %v, want %v", st["Action"], req.actions)
				}
				if req.resources != nil && !sameValues(st["Resource"], req.resources) {
					t.Errorf("Resource = %v, want %v", st["Resource"], req.resources)
				}
				if req.resources == nil && st["Resource"] != nil && req.doc[0] != "AssumeRolePolicyDocument" {
					t.Errorf("unexpected Resource %v", st["Resource"])
				}
				if !reflect.DeepEqual(st["Principal"], req.principal) {
					t.Errorf("Principal = %v, want %v", st["Principal"], req.principal)
				}
				var wantCond any
				if req.cond != nil {
					wantCond = req.cond
				}
				if !reflect.DeepEqual(normalizeCondition(st["Condition"]), normalizeCondition(wantCond)) {
					t.Errorf("Condition = %v, want %v", st["Condition"], wantCond)
				}
			}
			if req.check != nil {
				req.check(t, r)
			}
		})
	}
}

// normalizeCondition makes condition value lists order-insensitive.
func normalizeCondition(c any) any {
	m, ok := c.(map[string]any)
	if !ok {
		return c
	}
	out := map[string]any{}
	for op, v := range m {
		km, _ := v.(map[string]any)
		inner := map[string]any{}
		for k, vals := range km {
			l := asList(vals)
			keys := make([]string, len(l))
			for i, e := range l {
				keys[i] = (&describer{}).render(e)
			}
			inner[k] = stringSet(keys)
		}
		out[op] = inner
	}
	return out
}

// Every guide item has at least one requirement row, and every resource of
// the template is claimed by one: nothing in the stack is unexplained.
func TestGuideRequirementsAreComplete(t *testing.T) {
	covered := map[string]bool{}
	for _, req := range requirements {
		base, _, _ := strings.Cut(req.item, " (")
		covered[strings.ToLower(base)] = true
	}
	for _, item := range guideItems {
		if !covered[strings.ToLower(item)] {
			t.Errorf("guide item %q has no requirement row", item)
		}
	}
	claimed := map[string]bool{}
	for _, req := range requirements {
		claimed[req.logicalID] = true
	}
	tpl := mustParseBody(t)
	for _, id := range tpl.ResourceIDs() {
		if !claimed[id] {
			t.Errorf("resource %s implements no listed requirement", id)
		}
	}
}

// Every Policy resource is attached to the partner role and every statement
// of every policy document has a Sid.
func TestPoliciesAttachedAndStatementsHaveSids(t *testing.T) {
	tpl := mustParseBody(t)
	for _, id := range tpl.ResourceIDs() {
		r := tpl.Resources[id]
		if r.Type == "AWS::IAM::Policy" && !reflect.DeepEqual(r.Properties["Roles"], list(ref("PartnerRole"))) {
			t.Errorf("%s: policy not attached to PartnerRole only: %v", id, r.Properties["Roles"])
		}
		for _, st := range allStatements(r.Properties) {
			if sid, _ := st["Sid"].(string); sid == "" {
				t.Errorf("%s: statement without Sid: %v", id, st)
			}
		}
	}
}

// allStatements walks any value and returns every policy statement found in
// a map with a "Statement" key, through both branches of Fn::If.
func allStatements(v any) []map[string]any {
	var out []map[string]any
	var collect func(st any)
	collect = func(st any) {
		if name, arg, ok := cfntemplate.Intrinsic(st); ok && name == "Fn::If" {
			for _, b := range asList(arg)[1:] {
				collect(b)
			}
			return
		}
		for _, s := range asList(st) {
			if name, arg, ok := cfntemplate.Intrinsic(s); ok && name == "Fn::If" {
				for _, b := range asList(arg)[1:] {
					collect(b)
				}
				continue
			}
			if n, a, ok := cfntemplate.Intrinsic(s); ok && n == "Ref" && a == "AWS::NoValue" {
				continue // the branch without a statement
			}
			if m, ok := s.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if st, ok := x["Statement"]; ok {
				collect(st)
				return
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
