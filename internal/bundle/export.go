package bundle

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/redact"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
	"github.com/sellerdesk/sellerdesk/internal/version"
)

// Options say what Export reads and how it labels the bundle.
type Options struct {
	TargetKind string // profile, endpoint or sandbox
	Target     string // the target's label
	Region     string // the target's region (cfg.Region when empty)
	StackName  string // default onboarding.DefaultStackName
	// NoCatalog leaves the Catalog's entities, tags and change sets out.
	NoCatalog bool
	// IncludeExternalID keeps the external ID; by default it is replaced
	// by a marker everywhere it appears.
	IncludeExternalID bool
	// LogPath is the log file whose last LogLines lines are included.
	LogPath  string
	LogLines int // default 200
	// MaxTaggedEntities bounds the entities whose tags are read (the
	// Catalog's tag quota is 5 requests a second); default 100.
	MaxTaggedEntities int
	// CatalogLimiters pace the Catalog calls (default: the process's).
	CatalogLimiters *catalog.Limiters
	Now             func() time.Time
}

// absentCodes are the answers that say a document does not exist, where
// the services have no not-found code of the usual kind.
var absentCodes = map[string]bool{
	"NoSuchBucketPolicy": true, "ServerSideEncryptionConfigurationNotFoundError": true,
	"NoSuchPublicAccessBlockConfiguration": true,
}

// readOf records the outcome of a call.
func readOf(call string, err error) Read {
	if err == nil {
		return Read{Call: call, Outcome: OutcomeOK}
	}
	e := awserr.Classify(err)
	r := Read{Call: call, Code: e.Code, RequestID: e.RequestID, Message: redact.String(e.Message)}
	var api smithy.APIError
	switch {
	case e.Kind == awserr.NotFound || errors.As(err, &api) && absentCodes[api.ErrorCode()]:
		r.Outcome = OutcomeAbsent
	case e.Code != "":
		r.Outcome = OutcomeRefused
	default:
		r.Outcome = OutcomeFailed
	}
	return r
}

func got[T any](call string, v T, err error) Got[T] {
	g := Got[T]{Read: readOf(call, err)}
	if err == nil {
		g.Value = &v
	}
	return g
}

// Export reads the current target through cfg's SDK clients into a
// redacted bundle. It fails only when the caller's identity cannot be read;
// every other read's outcome is recorded in the bundle.
func Export(ctx context.Context, cfg aws.Config, o Options) (*Bundle, error) {
	if o.StackName == "" {
		o.StackName = onboarding.DefaultStackName
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LogLines == 0 {
		o.LogLines = 200
	}
	if o.MaxTaggedEntities == 0 {
		o.MaxTaggedEntities = 100
	}
	region := o.Region
	if region == "" {
		region = cfg.Region
	}
	b := &Bundle{Header: Header{SellerDesk: version.String(), Created: o.Now().UTC().Truncate(time.Second), OS: runtime.GOOS + "/" + runtime.GOARCH,
		TargetKind: o.TargetKind, Target: o.Target, Region: region, StackName: o.StackName, ExternalIDIncluded: o.IncludeExternalID}}

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	b.Identity = got("sts:GetCallerIdentity", Identity{Account: aws.ToString(id.Account), ARN: aws.ToString(id.Arn), UserID: aws.ToString(id.UserId)}, nil)
	b.Header.Account = aws.ToString(id.Account)

	cfn := cloudformation.NewFromConfig(cfg)
	b.Stack = readStack(ctx, cfn, o.StackName)
	if s := b.Stack.Value; s != nil && s.Resources.Value != nil {
		readResources(ctx, cfg, b, *s.Resources.Value)
	}

	// The tiles, as `sellerdesk status` computes them.
	var recp *onboarding.StackRecord
	if rec, found, err := onboarding.Discover(ctx, cfn, o.TargetKind, o.StackName); err == nil && found {
		recp = &rec
	}
	res := tiles.Run(ctx, cfg, recp, tiles.RunOptions{AccountID: b.Header.Account, TestCAS: true})
	b.Tiles = res.Tiles
	if p, err := tiles.ProbeSeller(ctx, catalog.NewClient(cfg, catalog.WithLimiters(o.CatalogLimiters)).API()); err == nil {
		b.Seller = p
	} else {
		b.Seller = tiles.SellerProbe{Outcome: tiles.SellerProbeFailed, Message: redact.String(err.Error()), CheckedAt: o.Now().UTC()}
	}

	if !o.NoCatalog {
		b.Catalog = readCatalog(ctx, cfg, o)
	}
	if o.LogPath != "" {
		b.Log = tailLog(o.LogPath, o.LogLines)
	}
	if b.Log == nil {
		b.Log = []string{}
	}
	redactBundle(b, o.IncludeExternalID)
	return b, nil
}

func readStack(ctx context.Context, cfn *cloudformation.Client, name string) Got[Stack] {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return got("cloudformation:DescribeStacks", Stack{}, err)
	}
	if len(out.Stacks) == 0 {
		return Got[Stack]{Read: Read{Call: "cloudformation:DescribeStacks", Outcome: OutcomeAbsent}}
	}
	st := out.Stacks[0]
	s := Stack{Name: aws.ToString(st.StackName), ID: aws.ToString(st.StackId), Status: string(st.StackStatus),
		StatusReason: aws.ToString(st.StackStatusReason), Description: aws.ToString(st.Description),
		Created: aws.ToTime(st.CreationTime).UTC(), Updated: aws.ToTime(st.LastUpdatedTime).UTC(),
		DisableRollback: aws.ToBool(st.DisableRollback), TermProtection: aws.ToBool(st.EnableTerminationProtection),
		RoleARN: aws.ToString(st.RoleARN), NotificationARNs: st.NotificationARNs, TimeoutMinutes: int(aws.ToInt32(st.TimeoutInMinutes)),
		Parameters: []KV{}, Outputs: []Output{}}
	for _, p := range st.Parameters {
		s.Parameters = append(s.Parameters, KV{Key: aws.ToString(p.ParameterKey), Value: aws.ToString(p.ParameterValue)})
	}
	for _, x := range st.Outputs {
		s.Outputs = append(s.Outputs, Output{Key: aws.ToString(x.OutputKey), Value: aws.ToString(x.OutputValue), Description: aws.ToString(x.Description), ExportName: aws.ToString(x.ExportName)})
	}
	sort.Slice(s.Parameters, func(i, j int) bool { return s.Parameters[i].Key < s.Parameters[j].Key })
	sort.Slice(s.Outputs, func(i, j int) bool { return s.Outputs[i].Key < s.Outputs[j].Key })
	for _, c := range st.Capabilities {
		s.Capabilities = append(s.Capabilities, string(c))
	}
	for _, t := range st.Tags {
		s.Tags = append(s.Tags, Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	id := aws.String(s.ID)
	tpl, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: id})
	body := ""
	if err == nil {
		body = aws.ToString(tpl.TemplateBody)
	}
	s.Template = got("cloudformation:GetTemplate", body, err)

	var events []Event
	var token *string
	for page := 0; page < 100; page++ {
		out, err := cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: id, NextToken: token})
		if err != nil {
			s.Events = got[[]Event]("cloudformation:DescribeStackEvents", nil, err)
			break
		}
		for _, e := range out.StackEvents {
			events = append(events, Event{ID: aws.ToString(e.EventId), Timestamp: aws.ToTime(e.Timestamp).UTC(), LogicalID: aws.ToString(e.LogicalResourceId),
				PhysicalID: aws.ToString(e.PhysicalResourceId), Type: aws.ToString(e.ResourceType), Status: string(e.ResourceStatus),
				Reason: aws.ToString(e.ResourceStatusReason), Token: aws.ToString(e.ClientRequestToken), Properties: aws.ToString(e.ResourceProperties)})
		}
		if token = out.NextToken; token == nil {
			// DescribeStackEvents is newest first; the bundle keeps them oldest first.
			for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
				events[i], events[j] = events[j], events[i]
			}
			if events == nil {
				events = []Event{}
			}
			s.Events = got("cloudformation:DescribeStackEvents", events, nil)
			break
		}
	}
	var resources []Resource
	token = nil
	for page := 0; page < 100; page++ {
		out, err := cfn.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: id, NextToken: token})
		if err != nil {
			s.Resources = got[[]Resource]("cloudformation:ListStackResources", nil, err)
			break
		}
		for _, r := range out.StackResourceSummaries {
			resources = append(resources, Resource{LogicalID: aws.ToString(r.LogicalResourceId), PhysicalID: aws.ToString(r.PhysicalResourceId),
				Type: aws.ToString(r.ResourceType), Status: string(r.ResourceStatus), Reason: aws.ToString(r.ResourceStatusReason),
				Updated: aws.ToTime(r.LastUpdatedTimestamp).UTC()})
		}
		if token = out.NextToken; token == nil {
			if resources == nil {
				resources = []Resource{}
			}
			s.Resources = got("cloudformation:ListStackResources", resources, nil)
			break
		}
	}
	return got("cloudformation:DescribeStacks", s, nil)
}

// readResources reads the live documents of the stack's resources.
func readResources(ctx context.Context, cfg aws.Config, b *Bundle, rs []Resource) {
	iamc := iam.NewFromConfig(cfg)
	s3c := s3.NewFromConfig(cfg, func(so *s3.Options) { so.UsePathStyle = cfg.BaseEndpoint != nil })
	kmsc, snsc, sqsc := kms.NewFromConfig(cfg), sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	ebc := eventbridge.NewFromConfig(cfg)
	managed := map[string]bool{}
	b.Roles, b.Policies, b.Buckets, b.Keys, b.Topics, b.Queues = []Role{}, []ManagedPolicy{}, []Bucket{}, []Key{}, []Topic{}, []Queue{}
	for _, r := range rs {
		if r.PhysicalID == "" || strings.HasPrefix(r.Status, "DELETE_COMPLETE") {
			continue
		}
		switch r.Type {
		case "AWS::IAM::Role":
			role := readRole(ctx, iamc, r.PhysicalID)
			if role.Attached.Value != nil {
				for _, arn := range *role.Attached.Value {
					managed[arn] = true
				}
			}
			b.Roles = append(b.Roles, role)
		case "AWS::IAM::ManagedPolicy":
			managed[r.PhysicalID] = true
		case "AWS::S3::Bucket":
			b.Buckets = append(b.Buckets, readBucket(ctx, s3c, r.PhysicalID))
		case "AWS::KMS::Key":
			b.Keys = append(b.Keys, readKey(ctx, kmsc, r.PhysicalID))
		case "AWS::SNS::Topic":
			b.Topics = append(b.Topics, readTopic(ctx, snsc, r.PhysicalID))
		case "AWS::Events::Rule":
			b.Rules = append(b.Rules, readRule(ctx, ebc, r.PhysicalID))
		case "AWS::SQS::Queue":
			out, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(r.PhysicalID), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
			var attrs map[string]string
			if err == nil {
				attrs = out.Attributes
			}
			b.Queues = append(b.Queues, Queue{URL: r.PhysicalID, Attributes: got("sqs:GetQueueAttributes", attrs, err)})
		}
	}
	arns := make([]string, 0, len(managed))
	for a := range managed {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		b.Policies = append(b.Policies, ManagedPolicy{ARN: arn, Policy: readPolicy(ctx, iamc, arn)})
	}
}

// readRule reads an EventBridge rule (its physical ID is its name on the
// default bus) and its targets.
func readRule(ctx context.Context, c *eventbridge.Client, name string) Rule {
	r := Rule{Name: name}
	out, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(name)})
	var doc RuleDoc
	if err == nil {
		doc = RuleDoc{ARN: aws.ToString(out.Arn), EventBusName: aws.ToString(out.EventBusName), EventPattern: aws.ToString(out.EventPattern),
			State: string(out.State), Description: aws.ToString(out.Description)}
	}
	r.Rule = got("events:DescribeRule", doc, err)
	targets := []RuleTarget{}
	var terr error
	in := &eventbridge.ListTargetsByRuleInput{Rule: aws.String(name)}
	for page := 0; page < 100; page++ { // EventBridge allows 5 targets a rule; the bound is for a wrong answer
		out, err := c.ListTargetsByRule(ctx, in)
		if err != nil {
			terr = err
			break
		}
		for _, t := range out.Targets {
			rt := RuleTarget{ID: aws.ToString(t.Id), ARN: aws.ToString(t.Arn)}
			if t.DeadLetterConfig != nil {
				rt.DeadLetterARN = aws.ToString(t.DeadLetterConfig.Arn)
			}
			if rp := t.RetryPolicy; rp != nil {
				if rp.MaximumRetryAttempts != nil {
					n := int(*rp.MaximumRetryAttempts)
					rt.MaxRetryAttempts = &n
				}
				if rp.MaximumEventAgeInSeconds != nil {
					n := int(*rp.MaximumEventAgeInSeconds)
					rt.MaxEventAgeInSeconds = &n
				}
			}
			targets = append(targets, rt)
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	r.Targets = got("events:ListTargetsByRule", targets, terr)
	return r
}

func decodeDoc(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

func readRole(ctx context.Context, c *iam.Client, name string) Role {
	role := Role{Name: name}
	out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		role.Role = got("iam:GetRole", RoleDoc{}, err)
	} else {
		r := out.Role
		d := RoleDoc{ARN: aws.ToString(r.Arn), RoleID: aws.ToString(r.RoleId), Path: aws.ToString(r.Path), Description: aws.ToString(r.Description),
			MaxSessionDuration: int(aws.ToInt32(r.MaxSessionDuration)), TrustPolicy: decodeDoc(aws.ToString(r.AssumeRolePolicyDocument)),
			Created: aws.ToTime(r.CreateDate).UTC()}
		if r.PermissionsBoundary != nil {
			d.PermissionsBoundary = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
		}
		for _, t := range r.Tags {
			d.Tags = append(d.Tags, Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
		}
		role.Role = got("iam:GetRole", d, nil)
	}
	list, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		role.Inline = got[[]InlinePolicy]("iam:ListRolePolicies", nil, err)
	} else {
		ps := []InlinePolicy{}
		names := append([]string(nil), list.PolicyNames...)
		sort.Strings(names)
		for _, n := range names {
			doc, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n)})
			v := ""
			if err == nil {
				v = decodeDoc(aws.ToString(doc.PolicyDocument))
			}
			ps = append(ps, InlinePolicy{Name: n, Document: got("iam:GetRolePolicy", v, err)})
		}
		role.Inline = got("iam:ListRolePolicies", ps, nil)
	}
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	arns := []string{}
	if err == nil {
		for _, p := range att.AttachedPolicies {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
	}
	role.Attached = got("iam:ListAttachedRolePolicies", arns, err)
	return role
}

func readPolicy(ctx context.Context, c *iam.Client, arn string) Got[PolicyDoc] {
	out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return got("iam:GetPolicy", PolicyDoc{}, err)
	}
	p := out.Policy
	d := PolicyDoc{Name: aws.ToString(p.PolicyName), Path: aws.ToString(p.Path), PolicyID: aws.ToString(p.PolicyId),
		DefaultVersionID: aws.ToString(p.DefaultVersionId), Created: aws.ToTime(p.CreateDate).UTC(), Updated: aws.ToTime(p.UpdateDate).UTC()}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.DefaultVersionId})
	if err != nil {
		return got("iam:GetPolicyVersion", PolicyDoc{}, err)
	}
	d.Document = decodeDoc(aws.ToString(v.PolicyVersion.Document))
	return got("iam:GetPolicy", d, nil)
}

func readBucket(ctx context.Context, c *s3.Client, name string) Bucket {
	b := Bucket{Name: name}
	_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	b.Exists = readOf("s3:HeadBucket", err)
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)})
	p := ""
	if err == nil {
		p = aws.ToString(pol.Policy)
	}
	b.Policy = got("s3:GetBucketPolicy", p, err)
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)})
	e := Encryption{}
	if err == nil && enc.ServerSideEncryptionConfiguration != nil && len(enc.ServerSideEncryptionConfiguration.Rules) > 0 {
		r := enc.ServerSideEncryptionConfiguration.Rules[0]
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			e.SSEAlgorithm, e.KMSMasterKeyID = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
		}
		e.BucketKeyEnabled = aws.ToBool(r.BucketKeyEnabled)
	}
	b.Encryption = got("s3:GetBucketEncryption", e, err)
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)})
	x := PublicAccessBlock{}
	if err == nil && pab.PublicAccessBlockConfiguration != nil {
		q := pab.PublicAccessBlockConfiguration
		x = PublicAccessBlock{BlockPublicAcls: aws.ToBool(q.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(q.IgnorePublicAcls),
			BlockPublicPolicy: aws.ToBool(q.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(q.RestrictPublicBuckets)}
	}
	b.PublicAccessBlock = got("s3:GetPublicAccessBlock", x, err)
	objs := []Object{}
	var token *string
	for page := 0; page < 10; page++ {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(name), ContinuationToken: token})
		if err != nil {
			b.Objects = got[[]Object]("s3:ListObjectsV2", nil, err)
			return b
		}
		for _, o := range out.Contents {
			objs = append(objs, Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified).UTC()})
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			break
		}
		token = out.NextContinuationToken
	}
	b.Objects = got("s3:ListObjectsV2", objs, nil)
	return b
}

func readKey(ctx context.Context, c *kms.Client, id string) Key {
	k := Key{ID: id}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	doc := KeyDoc{}
	if err == nil && d.KeyMetadata != nil {
		m := d.KeyMetadata
		doc = KeyDoc{ARN: aws.ToString(m.Arn), Description: aws.ToString(m.Description), KeyUsage: string(m.KeyUsage), KeySpec: string(m.KeySpec),
			KeyState: string(m.KeyState), Enabled: m.Enabled, MultiRegion: aws.ToBool(m.MultiRegion), Created: aws.ToTime(m.CreationDate).UTC(),
			DeletionDate: aws.ToTime(m.DeletionDate).UTC()}
	}
	k.Key = got("kms:DescribeKey", doc, err)
	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
	p := ""
	if err == nil {
		p = aws.ToString(pol.Policy)
	}
	k.Policy = got("kms:GetKeyPolicy", p, err)
	rot, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
	on := false
	if err == nil {
		on = rot.KeyRotationEnabled
	}
	k.Rotation = got("kms:GetKeyRotationStatus", on, err)
	al, err := c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: aws.String(id)})
	names := []string{}
	if err == nil {
		for _, a := range al.Aliases {
			names = append(names, aws.ToString(a.AliasName))
		}
		sort.Strings(names)
	}
	k.Aliases = got("kms:ListAliases", names, err)
	return k
}

// computedTopicAttributes are worked out by SNS, not set.
var computedTopicAttributes = map[string]bool{"SubscriptionsConfirmed": true, "SubscriptionsPending": true, "SubscriptionsDeleted": true, "EffectiveDeliveryPolicy": true}

func readTopic(ctx context.Context, c *sns.Client, arn string) Topic {
	t := Topic{ARN: arn}
	out, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	var attrs map[string]string
	if err == nil {
		attrs = out.Attributes
	}
	t.Attributes = got("sns:GetTopicAttributes", attrs, err)
	subs := []Subscription{}
	var token *string
	for page := 0; page < 10; page++ {
		out, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn), NextToken: token})
		if err != nil {
			t.Subscriptions = got[[]Subscription]("sns:ListSubscriptionsByTopic", nil, err)
			return t
		}
		for _, s := range out.Subscriptions {
			sub := Subscription{ARN: aws.ToString(s.SubscriptionArn), Protocol: aws.ToString(s.Protocol), Endpoint: aws.ToString(s.Endpoint), Owner: aws.ToString(s.Owner)}
			if a, err := c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: s.SubscriptionArn}); err == nil {
				for _, k := range []string{"RawMessageDelivery", "FilterPolicy", "PendingConfirmation"} {
					if v, ok := a.Attributes[k]; ok {
						if sub.Attributes == nil {
							sub.Attributes = map[string]string{}
						}
						sub.Attributes[k] = v
					}
				}
			}
			subs = append(subs, sub)
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].ARN < subs[j].ARN })
	t.Subscriptions = got("sns:ListSubscriptionsByTopic", subs, nil)
	return t
}

func readCatalog(ctx context.Context, cfg aws.Config, o Options) *Catalog {
	cat := &Catalog{Entities: []EntityList{}}
	catCfg := cfg.Copy()
	catCfg.Region = "us-east-1"
	// The one Catalog client: paced per operation and retried through
	// throttling, so a throttled account exports what it holds.
	cl := catalog.NewClient(catCfg, catalog.WithLimiters(o.CatalogLimiters))
	api := cl.API()
	for _, typ := range catalog.EntityTypes {
		l := EntityList{Type: typ}
		ents := []Entity{}
		var token *string
		var err error
		for page := 0; page < 200; page++ {
			var out *marketplacecatalog.ListEntitiesOutput
			out, err = api.ListEntities(ctx, &marketplacecatalog.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String(typ),
				MaxResults: aws.Int32(50), NextToken: token})
			if err != nil {
				break
			}
			for _, e := range out.EntitySummaryList {
				ents = append(ents, Entity{ID: aws.ToString(e.EntityId), Type: aws.ToString(e.EntityType), Name: aws.ToString(e.Name),
					ARN: aws.ToString(e.EntityArn), Visibility: aws.ToString(e.Visibility), LastModified: aws.ToString(e.LastModifiedDate)})
			}
			if token = out.NextToken; token == nil {
				break
			}
		}
		sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
		l.Got = got("aws-marketplace:ListEntities", ents, err)
		if err != nil {
			l.Value = nil
		}
		cat.Entities = append(cat.Entities, l)
	}
	for i := range cat.Entities {
		if cat.Entities[i].Value == nil {
			continue
		}
		for j := range *cat.Entities[i].Value {
			if cat.TagsRead >= o.MaxTaggedEntities {
				break
			}
			e := &(*cat.Entities[i].Value)[j]
			tags, err := cl.ListTags(ctx, e.ARN)
			ts := []Tag{}
			for _, t := range tags {
				ts = append(ts, Tag{Key: t.Key, Value: t.Value})
			}
			g := got("aws-marketplace:ListTagsForResource", ts, err)
			e.Tags = &g
			cat.TagsRead++
		}
	}
	list, err := cl.ListChangeSets(ctx, catalog.ChangeSetFilter{})
	sets := []ChangeSet{}
	if err == nil {
		for _, s := range list {
			cs := ChangeSet{ID: s.ID, ARN: s.ARN, Name: s.Name, Status: s.Status, FailureCode: s.FailureCode, Start: s.StartTime, End: s.EndTime}
			d, derr := api.DescribeChangeSet(ctx, &marketplacecatalog.DescribeChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetId: aws.String(s.ID)})
			cs.Describe = readOf("aws-marketplace:DescribeChangeSet", derr)
			if derr == nil {
				cs.Intent, cs.Failure = string(d.Intent), aws.ToString(d.FailureDescription)
				for _, ch := range d.ChangeSet {
					cs.Changes = append(cs.Changes, changeOf(ch))
				}
			}
			sets = append(sets, cs)
		}
	}
	cat.ChangeSets = got("aws-marketplace:ListChangeSets", sets, err)
	return cat
}

func changeOf(ch mctypes.ChangeSummary) Change {
	c := Change{ChangeType: aws.ToString(ch.ChangeType), ChangeName: aws.ToString(ch.ChangeName), Details: aws.ToString(ch.Details)}
	if ch.Entity != nil {
		c.EntityType, c.EntityID = aws.ToString(ch.Entity.Type), aws.ToString(ch.Entity.Identifier)
	}
	for _, e := range ch.ErrorDetailList {
		c.Errors = append(c.Errors, aws.ToString(e.ErrorCode)+": "+aws.ToString(e.ErrorMessage))
	}
	return c
}

// tailLog returns the last n lines of the log (read from its last 256 KiB).
func tailLog(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	const window = 256 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > window {
		_, _ = f.Seek(fi.Size()-window, io.SeekStart)
	}
	data, _ := io.ReadAll(io.LimitReader(f, window))
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
