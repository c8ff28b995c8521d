package bundle

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
)

// ScenarioName is the sandbox scenario name a bundle's state carries.
func ScenarioName(b *Bundle) string { return "bundle-" + b.Header.Account }

// maxObjectBody bounds the zero-filled body an imported object gets (the
// content never leaves the customer's machine; the size and ETag do).
const maxObjectBody = 1 << 20

// ToState converts a bundle into a sandbox state document: the account
// and caller, the onboarding stack (template, parameters, status, events,
// resources, outputs) and the documents read of each of its resources, the
// seller's standing, and the Catalog's entities and change sets. A
// document whose read was refused or failed is left out (the sandbox then
// answers as if it were absent); the bundle still says how it was refused.
func ToState(b *Bundle) (sandbox.State, error) {
	if b.Identity.Value == nil {
		return sandbox.State{}, fmt.Errorf("support bundle: no caller identity")
	}
	id := b.Identity.Value
	s := sandbox.State{Schema: sandbox.StateSchema, Scenario: ScenarioName(b),
		Description: fmt.Sprintf("Support bundle of account %s (%s), exported %s by SellerDesk %s", id.Account, b.Header.Region, b.Header.Created.Format(time.RFC3339), b.Header.SellerDesk),
		Account:     sandbox.StateAccount{ID: id.Account, Region: b.Header.Region, CallerARN: id.ARN, UserID: id.UserID},
	}
	s.Flags.Seller = b.Seller.Outcome != tiles.SellerRefused
	s.Flags.CatalogDenied = b.Seller.Outcome == tiles.SellerAccessDenied
	s.IAM.Roles, s.IAM.Users, s.IAM.Policies = []sandbox.IAMRole{}, []sandbox.IAMUser{}, []sandbox.StatePolicy{}
	for _, r := range b.Roles {
		if !r.Role.OK() {
			continue
		}
		d := r.Role.Value
		role := sandbox.IAMRole{Name: r.Name, Path: d.Path, ARN: d.ARN, RoleID: d.RoleID, AssumeRolePolicyDocument: d.TrustPolicy,
			Description: d.Description, MaxSessionDuration: d.MaxSessionDuration, PermissionsBoundary: d.PermissionsBoundary,
			InlinePolicies: map[string]string{}, CreateDate: d.Created}
		for _, t := range d.Tags {
			role.Tags = append(role.Tags, sandbox.Tag{Key: t.Key, Value: t.Value})
		}
		if r.Inline.Value != nil {
			for _, p := range *r.Inline.Value {
				if p.Document.OK() {
					role.InlinePolicies[p.Name] = *p.Document.Value
				}
			}
		}
		if r.Attached.Value != nil {
			role.ManagedPolicyARNs = append(role.ManagedPolicyARNs, *r.Attached.Value...)
		}
		s.IAM.Roles = append(s.IAM.Roles, role)
	}
	for _, p := range b.Policies {
		if !p.Policy.OK() {
			continue
		}
		d := p.Policy.Value
		s.IAM.Policies = append(s.IAM.Policies, sandbox.StatePolicy{IAMManagedPolicy: sandbox.IAMManagedPolicy{Name: d.Name, Path: d.Path, ARN: p.ARN,
			PolicyID: d.PolicyID, DefaultVersionID: d.DefaultVersionID, AWSManaged: strings.HasPrefix(p.ARN, "arn:aws:iam::aws:"),
			Versions: []sandbox.IAMPolicyVersion{{VersionID: d.DefaultVersionID, Document: d.Document, CreateDate: d.Updated}}, CreateDate: d.Created, UpdateDate: d.Updated}})
	}
	s.S3.Buckets = []sandbox.S3Bucket{}
	for _, x := range b.Buckets {
		if x.Exists.Outcome != OutcomeOK {
			continue
		}
		bk := sandbox.S3Bucket{Name: x.Name, ARN: "arn:aws:s3:::" + x.Name, Region: b.Header.Region, Owner: id.Account, Objects: map[string]*sandbox.S3Object{}}
		if x.Policy.OK() {
			bk.Policy = *x.Policy.Value
		}
		if x.Encryption.OK() && x.Encryption.Value.SSEAlgorithm != "" {
			e := x.Encryption.Value
			bk.Encryption = &sandbox.S3Encryption{SSEAlgorithm: e.SSEAlgorithm, KMSMasterKeyID: e.KMSMasterKeyID, BucketKeyEnabled: e.BucketKeyEnabled}
		}
		if x.PublicAccessBlock.OK() {
			p := x.PublicAccessBlock.Value
			bk.PublicAccessBlock = &sandbox.S3PublicAccessBlock{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
				BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
		}
		if x.Objects.OK() {
			for _, o := range *x.Objects.Value {
				body := make([]byte, min(o.Size, maxObjectBody))
				etag := o.ETag
				if etag == "" {
					h := md5.Sum(body)
					etag = `"` + hex.EncodeToString(h[:]) + `"`
				}
				bk.Objects[o.Key] = &sandbox.S3Object{Key: o.Key, Body: body, ETag: etag, LastModified: o.LastModified}
			}
		}
		s.S3.Buckets = append(s.S3.Buckets, bk)
	}
	s.SNS.Topics, s.SNS.Subscriptions = []sandbox.SNSTopic{}, []sandbox.SNSSubscription{}
	for _, t := range b.Topics {
		if !t.Attributes.OK() {
			continue
		}
		attrs := map[string]string{}
		for k, v := range *t.Attributes.Value {
			if !computedTopicAttributes[k] {
				attrs[k] = v
			}
		}
		s.SNS.Topics = append(s.SNS.Topics, sandbox.SNSTopic{Name: t.ARN[strings.LastIndex(t.ARN, ":")+1:], ARN: t.ARN, Attributes: attrs})
		if t.Subscriptions.OK() {
			for _, sub := range *t.Subscriptions.Value {
				attrs := map[string]string{}
				for k, v := range sub.Attributes {
					attrs[k] = v
				}
				s.SNS.Subscriptions = append(s.SNS.Subscriptions, sandbox.SNSSubscription{ARN: sub.ARN, TopicARN: t.ARN, Protocol: sub.Protocol,
					Endpoint: sub.Endpoint, Owner: sub.Owner, Attributes: attrs})
			}
		}
	}
	s.SQS.Queues = []sandbox.StateQueue{}
	for _, q := range b.Queues {
		// The endpoint the queue URLs name, which a sandbox serving the
		// state elsewhere rewrites.
		if i := strings.Index(q.URL, "/"+id.Account+"/"); i > 0 && s.Endpoint == "" && !strings.HasPrefix(q.URL, "https://sqs.") {
			s.Endpoint = q.URL[:i]
		}
		if !q.Attributes.OK() {
			continue
		}
		attrs := map[string]string{}
		for k, v := range *q.Attributes.Value {
			if !strings.HasPrefix(k, "ApproximateNumberOfMessages") {
				attrs[k] = v
			}
		}
		s.SQS.Queues = append(s.SQS.Queues, sandbox.StateQueue{SQSQueue: sandbox.SQSQueue{Name: q.URL[strings.LastIndex(q.URL, "/")+1:], URL: q.URL,
			ARN: attrs["QueueArn"], Attributes: attrs, Tags: map[string]string{}}})
	}
	for _, r := range b.Rules {
		if !r.Rule.OK() {
			continue
		}
		d := r.Rule.Value
		rule := sandbox.EventRule{Name: r.Name, ARN: d.ARN, Region: b.Header.Region, EventPattern: d.EventPattern, State: d.State, Description: d.Description}
		if r.Targets.OK() {
			for _, t := range *r.Targets.Value {
				et := sandbox.EventTarget{Id: t.ID, Arn: t.ARN}
				if t.DeadLetterARN != "" {
					et.DeadLetterConfig = &sandbox.EventDeadLetterConfig{Arn: t.DeadLetterARN}
				}
				if t.MaxRetryAttempts != nil || t.MaxEventAgeInSeconds != nil {
					et.RetryPolicy = &sandbox.EventRetryPolicy{MaximumRetryAttempts: t.MaxRetryAttempts, MaximumEventAgeInSeconds: t.MaxEventAgeInSeconds}
				}
				rule.Targets = append(rule.Targets, et)
			}
		}
		s.Events.Rules = append(s.Events.Rules, rule)
	}
	s.KMS.Keys, s.KMS.Aliases = []sandbox.KMSKey{}, map[string]string{}
	for _, k := range b.Keys {
		if !k.Key.OK() {
			continue
		}
		d := k.Key.Value
		key := sandbox.KMSKey{KeyID: k.ID, ARN: d.ARN, Description: d.Description, KeyUsage: d.KeyUsage, KeySpec: d.KeySpec, KeyState: d.KeyState,
			Enabled: d.Enabled, MultiRegion: d.MultiRegion, CreationDate: d.Created, DeletionDate: d.DeletionDate}
		if k.Policy.OK() {
			key.Policy = *k.Policy.Value
		}
		if k.Rotation.OK() {
			key.RotationEnabled = *k.Rotation.Value
		}
		if k.Aliases.OK() {
			key.Aliases = append(key.Aliases, *k.Aliases.Value...)
			for _, a := range *k.Aliases.Value {
				s.KMS.Aliases[a] = k.ID
			}
		}
		s.KMS.Keys = append(s.KMS.Keys, key)
	}
	s.Lambda.Functions = []sandbox.LambdaFunction{}
	s.CloudFormation.Stacks, s.CloudFormation.Exports = []sandbox.StateStack{}, map[string]string{}
	if st := b.Stack.Value; st != nil && b.Stack.OK() {
		d := sandbox.StateStack{ID: st.ID, Name: st.Name, Status: st.Status, StatusReason: st.StatusReason, Created: st.Created, Updated: st.Updated,
			TemplateBody: *st.Template.Value, Parameters: map[string]string{}, Capabilities: st.Capabilities, NotificationARNs: st.NotificationARNs,
			RoleARN: st.RoleARN, DisableRollback: st.DisableRollback, TimeoutMinutes: st.TimeoutMinutes, TermProtection: st.TermProtection, Events: []sandbox.StateEvent{}}
		for _, p := range st.Parameters {
			d.Parameters[p.Key] = p.Value
			d.ParameterInput = append(d.ParameterInput, sandbox.StateParamInput{Key: p.Key, Value: p.Value})
		}
		for _, t := range st.Tags {
			d.Tags = append(d.Tags, sandbox.Tag{Key: t.Key, Value: t.Value})
		}
		for _, o := range st.Outputs {
			d.Outputs = append(d.Outputs, sandbox.StateOutput{Key: o.Key, Value: o.Value, Description: o.Description, ExportName: o.ExportName})
			if o.ExportName != "" {
				s.CloudFormation.Exports[o.ExportName] = o.Value
			}
		}
		if st.Resources.OK() {
			for _, r := range *st.Resources.Value {
				d.Resources = append(d.Resources, sandbox.StateResource{LogicalID: r.LogicalID, Type: r.Type, PhysicalID: r.PhysicalID, Status: r.Status,
					Reason: r.Reason, Updated: r.Updated})
				if r.Status != "" && !strings.HasSuffix(r.Status, "_IN_PROGRESS") {
					d.ResourceOrder = append(d.ResourceOrder, r.LogicalID)
				}
			}
		}
		if st.Events.OK() {
			for _, e := range *st.Events.Value {
				d.Events = append(d.Events, sandbox.StateEvent{ID: e.ID, Timestamp: e.Timestamp, LogicalID: e.LogicalID, PhysicalID: e.PhysicalID,
					Type: e.Type, Status: e.Status, Reason: e.Reason, Token: e.Token, Properties: e.Properties})
			}
		}
		s.CloudFormation.Stacks = append(s.CloudFormation.Stacks, d)
	}
	s.Catalog.Entities, s.Catalog.ChangeSets = []sandbox.CatalogEntity{}, []sandbox.StateChangeSet{}
	if b.Catalog == nil && b.Seller.Outcome == tiles.SellerFound {
		// The Catalog was left out, but AWS listed a product the account
		// owns: one stand-in entity keeps the seller detected.
		s.Catalog.Entities = append(s.Catalog.Entities, sandbox.CatalogEntity{ID: "prod-leftoutofbundle", Type: b.Seller.EntityType,
			Name: "(Catalog left out of the support bundle)", ARN: "arn:aws:aws-marketplace:us-east-1:" + id.Account + ":AWSMarketplace/" + b.Seller.EntityType + "/prod-leftoutofbundle",
			Visibility: "Public", Revision: 1, Details: "{}", LastModified: b.Header.Created})
	}
	if c := b.Catalog; c != nil {
		for _, l := range c.Entities {
			if !l.OK() {
				continue
			}
			for _, e := range *l.Value {
				ce := sandbox.CatalogEntity{ID: e.ID, Type: e.Type, Name: e.Name, ARN: e.ARN, Visibility: e.Visibility, Revision: 1, Details: "{}"}
				ce.LastModified, _ = time.Parse(time.RFC3339, e.LastModified)
				if e.Tags != nil && e.Tags.OK() {
					for _, t := range *e.Tags.Value {
						ce.Tags = append(ce.Tags, sandbox.Tag{Key: t.Key, Value: t.Value})
					}
				}
				s.Catalog.Entities = append(s.Catalog.Entities, ce)
			}
		}
		if c.ChangeSets.OK() {
			for _, cs := range *c.ChangeSets.Value {
				x := sandbox.CatalogChangeSet{ID: cs.ID, ARN: cs.ARN, Name: cs.Name, Intent: cs.Intent, Status: cs.Status, FailureCode: cs.FailureCode,
					FailureDescription: cs.Failure}
				x.Start, _ = time.Parse(time.RFC3339, cs.Start)
				x.End, _ = time.Parse(time.RFC3339, cs.End)
				for _, ch := range cs.Changes {
					cc := sandbox.CatalogChange{ChangeType: ch.ChangeType, ChangeName: ch.ChangeName, EntityType: ch.EntityType, EntityID: ch.EntityID, Details: ch.Details}
					for _, e := range ch.Errors {
						code, msg, _ := strings.Cut(e, ": ")
						cc.Errors = append(cc.Errors, sandbox.CatalogChangeError{Code: code, Message: msg})
					}
					x.Changes = append(x.Changes, cc)
				}
				s.Catalog.ChangeSets = append(s.Catalog.ChangeSets, sandbox.StateChangeSet{CatalogChangeSet: x})
			}
		}
		// The sandbox lists change sets oldest first.
		sort.SliceStable(s.Catalog.ChangeSets, func(i, j int) bool { return s.Catalog.ChangeSets[i].Start.Before(s.Catalog.ChangeSets[j].Start) })
	}
	return s, nil
}
