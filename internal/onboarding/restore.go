package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Restoring drift. CloudFormation cannot do it: an update with the same
// template is "No updates are to be performed." and leaves drifted
// resources as they are, because CloudFormation compares templates, not
// resources. So SellerDesk's Update writes each drifted property back to
// the value CloudFormation reports it expects (the template's), with the
// resource's own API, and then detects drift again. It restores the
// policies the onboarding depends on: the role's trust policy, inline
// policies and managed policy attachments, inline policy resources, and
// the bucket, queue, topic and key policies. Anything else (a deleted role,
// bucket or key, another property) it names, with what to do instead.

// RestoreClients are the calls Restore makes.
type RestoreClients struct {
	IAM interface {
		UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, o ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
		PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, o ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
		DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, o ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
		AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, o ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
		DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, o ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	}
	S3 interface {
		PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, o ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	}
	SQS interface {
		SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput, o ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error)
	}
	SNS interface {
		SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, o ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	}
	KMS interface {
		PutKeyPolicy(ctx context.Context, in *kms.PutKeyPolicyInput, o ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error)
	}
}

// RestoreResult says what Restore wrote and what it left.
type RestoreResult struct {
	Restored []string `json:"restored"` // "PartnerRole: the trust policy"
	Left     []string `json:"left"`     // what it could not restore, with what to do
}

// Restore writes the expected value of every drifted property it knows how
// to restore. It stops at the first failed call (wrapped with what it was
// writing); what it restored before stays restored.
func Restore(ctx context.Context, c RestoreClients, rep DriftReport) (RestoreResult, error) {
	res := RestoreResult{Restored: []string{}, Left: []string{}}
	for _, r := range rep.Resources {
		var exp, act map[string]any
		_ = json.Unmarshal([]byte(r.Expected), &exp)
		_ = json.Unmarshal([]byte(r.Actual), &act)
		props := map[string]bool{}
		for _, d := range r.Differences {
			props[pathSegments(d.Path)[0]] = true
		}
		restored, left, err := restoreResource(ctx, c, r, exp, act, props)
		for _, s := range restored {
			res.Restored = append(res.Restored, r.LogicalID+": "+s)
		}
		for _, s := range left {
			res.Left = append(res.Left, r.LogicalID+": "+s)
		}
		if err != nil {
			return res, fmt.Errorf("restoring %s (%s): %w", r.LogicalID, r.Type, err)
		}
	}
	return res, nil
}

func docString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func strList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func namedPolicies(props map[string]any) map[string]string {
	out := map[string]string{}
	l, _ := props["Policies"].([]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			if n, ok := m["PolicyName"].(string); ok {
				out[n] = docString(m["PolicyDocument"])
			}
		}
	}
	return out
}

const relaunch = "delete the stack and launch it again (the CAS and SDDS buckets and the key are kept)"

func restoreResource(ctx context.Context, c RestoreClients, r ResourceDrift, exp, act map[string]any, props map[string]bool) (restored, left []string, err error) {
	if r.Status == "DELETED" && r.Type != "AWS::IAM::Policy" && r.Type != "AWS::S3::BucketPolicy" &&
		r.Type != "AWS::SQS::QueuePolicy" && r.Type != "AWS::SNS::TopicPolicy" {
		return nil, []string{"was deleted outside CloudFormation; SellerDesk cannot recreate it: " + relaunch}, nil
	}
	if exp == nil {
		return nil, []string{"CloudFormation did not report its expected properties; " + relaunch}, nil
	}
	if r.Status == "DELETED" {
		props = map[string]bool{"PolicyDocument": true}
	}
	for _, prop := range sortedProps(props) {
		done, e := restoreProperty(ctx, c, r, exp, act, prop)
		switch {
		case e != nil:
			return restored, left, e
		case done:
			restored = append(restored, noun(r.Type, prop))
		default:
			left = append(left, noun(r.Type, prop)+" is not restored by SellerDesk: change it back in the AWS console, or "+relaunch)
		}
	}
	return restored, left, nil
}

func sortedProps(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func noun(typ, prop string) string {
	if n := documentNoun(typ, prop); n != "" {
		return n
	}
	switch prop {
	case "Policies":
		return "the inline policies"
	case "ManagedPolicyArns":
		return "the attached managed policies"
	}
	return "the property " + prop
}

// restoreProperty writes prop of r back to its expected value; done is false
// when SellerDesk does not restore that property.
func restoreProperty(ctx context.Context, c RestoreClients, r ResourceDrift, exp, act map[string]any, prop string) (bool, error) {
	phys := r.PhysicalID
	switch r.Type + "." + prop {
	case "AWS::IAM::Role.AssumeRolePolicyDocument":
		_, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(phys), PolicyDocument: aws.String(docString(exp[prop]))})
		return err == nil, wrap("iam:UpdateAssumeRolePolicy", err)
	case "AWS::IAM::Role.Policies":
		want, have := namedPolicies(exp), namedPolicies(act)
		for _, name := range sortedKeys(want) {
			if _, err := c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(phys), PolicyName: aws.String(name), PolicyDocument: aws.String(want[name])}); err != nil {
				return false, wrap("iam:PutRolePolicy "+name, err)
			}
		}
		for _, name := range sortedKeys(have) {
			if _, ok := want[name]; !ok {
				if _, err := c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(phys), PolicyName: aws.String(name)}); err != nil {
					return false, wrap("iam:DeleteRolePolicy "+name, err)
				}
			}
		}
		return true, nil
	case "AWS::IAM::Role.ManagedPolicyArns":
		want, have := strList(exp[prop]), strList(act[prop])
		for _, arn := range want {
			if !slices.Contains(have, arn) {
				if _, err := c.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(phys), PolicyArn: aws.String(arn)}); err != nil {
					return false, wrap("iam:AttachRolePolicy", err)
				}
			}
		}
		for _, arn := range have {
			if !slices.Contains(want, arn) {
				if _, err := c.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(phys), PolicyArn: aws.String(arn)}); err != nil {
					return false, wrap("iam:DetachRolePolicy", err)
				}
			}
		}
		return true, nil
	case "AWS::IAM::Policy.PolicyDocument", "AWS::IAM::Policy.Roles":
		name, _ := exp["PolicyName"].(string)
		for _, role := range strList(exp["Roles"]) {
			if _, err := c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: aws.String(docString(exp["PolicyDocument"]))}); err != nil {
				return false, wrap("iam:PutRolePolicy "+name, err)
			}
		}
		return true, nil
	case "AWS::S3::BucketPolicy.PolicyDocument":
		bucket, _ := exp["Bucket"].(string)
		_, err := c.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(docString(exp["PolicyDocument"]))})
		return err == nil, wrap("s3:PutBucketPolicy", err)
	case "AWS::SQS::QueuePolicy.PolicyDocument":
		for _, q := range strList(exp["Queues"]) {
			if _, err := c.SQS.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(q),
				Attributes: map[string]string{"Policy": docString(exp["PolicyDocument"])}}); err != nil {
				return false, wrap("sqs:SetQueueAttributes", err)
			}
		}
		return true, nil
	case "AWS::SNS::TopicPolicy.PolicyDocument":
		for _, t := range strList(exp["Topics"]) {
			if _, err := c.SNS.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(t), AttributeName: aws.String("Policy"),
				AttributeValue: aws.String(docString(exp["PolicyDocument"]))}); err != nil {
				return false, wrap("sns:SetTopicAttributes", err)
			}
		}
		return true, nil
	case "AWS::KMS::Key.KeyPolicy":
		_, err := c.KMS.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(phys), PolicyName: aws.String("default"), Policy: aws.String(docString(exp[prop]))})
		return err == nil, wrap("kms:PutKeyPolicy", err)
	}
	return false, nil
}

func wrap(call string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", call, err)
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// RestoreSummary words a restore for the tile and the CLI.
func (r RestoreResult) Summary() string {
	switch {
	case len(r.Restored) == 0 && len(r.Left) == 0:
		return "Nothing to restore."
	case len(r.Left) == 0:
		return "Restored from the template: " + strings.Join(r.Restored, "; ") + "."
	case len(r.Restored) == 0:
		return "Nothing restored. " + strings.Join(r.Left, "; ") + "."
	}
	return "Restored from the template: " + strings.Join(r.Restored, "; ") + ". Not restored: " + strings.Join(r.Left, "; ") + "."
}

// NewRestoreClients builds the clients Restore uses from cfg (path-style S3
// when cfg names an endpoint, as the sandbox and other fakes need).
func NewRestoreClients(cfg aws.Config) RestoreClients {
	return RestoreClients{IAM: iam.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = cfg.BaseEndpoint != nil }),
		SQS: sqs.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg), KMS: kms.NewFromConfig(cfg)}
}
