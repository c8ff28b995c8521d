package tiles

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

// SDDS facts.
const (
	// SDDSPrincipal is the service principal AWS Marketplace delivers data
	// feeds as; the bucket, key and topic policies must grant it.
	SDDSPrincipal = "reports.marketplace.amazonaws.com"
	// SDDSForm is AWS's "Set up customer data storage" form.
	SDDSForm = "https://aws.amazon.com/marketplace/management/reports/data-feed-configuration"
)

// Names of the SDDS checks, in order.
const (
	SDDSCheckBucketPolicy = "Bucket policy grants AWS Marketplace reporting"
	SDDSCheckKey          = "KMS key policy grants AWS Marketplace reporting, and the key is enabled"
	SDDSCheckTopicPolicy  = "Topic policy grants AWS Marketplace reporting"
	SDDSCheckEncryption   = "Bucket default encryption uses the key"
	SDDSCheckPublicAccess = "Bucket blocks all public access"
	SDDSCheckSubscribe    = "SDDS topic is subscribed to the queue"
	SDDSCheckLatest       = "Latest delivered data feed"
)

// sddsRecommendedS3Actions are the bucket actions AWS's data-feed setup
// grants; only s3:PutObject is required for delivery.
var sddsRecommendedS3Actions = []struct {
	action string
	object bool
}{{"s3:ListBucket", false}, {"s3:GetObject", true}, {"s3:GetEncryptionConfiguration", false}, {"s3:GetBucketAcl", false}, {"s3:PutObjectAcl", true}}

// SDDSDeps are the clients Test Configuration of SDDS uses, all in the
// stack's region.
type SDDSDeps struct {
	S3  S3API
	KMS KMSAPI
	SNS SNSAPI
}

// SDDSFields are what AWS's "Set up customer data storage" form asks for,
// from the stack outputs, each copyable.
func SDDSFields(outputs map[string]string) []Field {
	var f []Field
	add := func(label, key string) {
		if v := outputs[key]; v != "" {
			f = append(f, Field{Label: label, Value: v, Copy: true})
		}
	}
	add("S3 bucket ARN", "SddsBucketArn")
	add("KMS key ARN", "SddsKeyArn")
	add("SNS topic ARN", "SddsTopicArn")
	return f
}

// TestSDDS runs Test Configuration for SDDS, one result per check, in
// order: bucket policy, key policy and state, topic policy, default
// encryption, public access block, subscription to the queue, and the
// latest delivered data feed. accountID may be empty (it is then read from
// the topic or key ARN).
func TestSDDS(ctx context.Context, deps SDDSDeps, outputs map[string]string, accountID string) []CheckResult {
	topic, key := outputs["SddsTopicArn"], outputs["SddsKeyArn"]
	partition := arnPartition(outputs["SddsBucketArn"], topic, key)
	bucket := outputs["SddsBucketName"]
	if bucket == "" {
		if arn := outputs["SddsBucketArn"]; strings.Contains(arn, ":s3:::") {
			bucket = arn[strings.Index(arn, ":s3:::")+len(":s3:::"):]
		}
	}
	arn := ""
	if bucket != "" {
		arn = bucketARN(outputs["SddsBucketArn"], bucket, partition)
	}
	account := accountFrom(accountID, topic, key, outputs["PartnerRoleArn"], outputs["QueueArn"])
	return []CheckResult{
		sddsBucketPolicyCheck(ctx, deps.S3, bucket, arn, account),
		sddsKeyCheck(ctx, deps.KMS, key, account),
		sddsTopicCheck(ctx, deps, topic, account),
		sddsEncryptionCheck(ctx, deps, bucket, key),
		publicAccessCheck(ctx, deps.S3, bucket),
		subscribedCheck(ctx, deps.SNS, SDDSCheckSubscribe, topic, outputs["QueueArn"]),
		latestFeedCheck(ctx, deps.S3, bucket),
	}
}

func sddsBucketPolicyCheck(ctx context.Context, s3c S3API, bucket, arn, account string) CheckResult {
	name := SDDSCheckBucketPolicy
	if bucket == "" {
		return missingOutput(name, "SddsBucketName", "SddsBucketArn")
	}
	fix := fmt.Sprintf("Update the onboarding stack to restore the bucket policy, or add AWS's statement AwsMarketplaceDataFeedsAccess: Allow %s s3:PutObject (and s3:ListBucket, s3:GetObject, s3:GetEncryptionConfiguration, s3:GetBucketAcl, s3:PutObjectAcl) on %s and %s/*, with StringEquals aws:SourceAccount %s.",
		SDDSPrincipal, arn, arn, account)
	pol, r := bucketPolicy(ctx, s3c, name, bucket, fix)
	if r != nil {
		return *r
	}
	q := grantQuery{principal: servicePrincipal(SDDSPrincipal), actions: []string{"s3:PutObject"}, resource: arn + "/feed/data.csv",
		account: account, requireSourceAccount: true}
	g := grants(pol, q)
	if !g.ok {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "bucket " + bucket + ": " + g.detail, Fix: fix}
	}
	detail := "bucket " + bucket + ": " + g.detail + " for account " + account
	var missing []string
	for _, a := range sddsRecommendedS3Actions {
		q.actions, q.resource = []string{a.action}, arn
		if a.object {
			q.resource = arn + "/feed/data.csv"
		}
		if !grants(pol, q).ok {
			missing = append(missing, a.action)
		}
	}
	if len(missing) > 0 {
		detail += "; not granted (AWS's setup also grants them): " + strings.Join(missing, ", ")
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: detail}
}

func sddsKeyCheck(ctx context.Context, kmsc KMSAPI, key, account string) CheckResult {
	name := SDDSCheckKey
	if key == "" {
		return missingOutput(name, "SddsKeyArn")
	}
	fix := fmt.Sprintf("Update the onboarding stack to restore the key policy, or add a statement allowing %s kms:GenerateDataKey* and kms:Encrypt (with aws:SourceAccount %s) to the key's policy.", SDDSPrincipal, account)
	out, err := kmsc.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(key), PolicyName: aws.String("default")})
	if err != nil {
		if isNotFound(err) {
			return CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err), Detail: "key " + key + " does not exist (" + errorCode(err) + ")",
				Fix: "The key is gone: delete and launch the onboarding stack again, and re-submit the new key ARN in AWS's data-feed form."}
		}
		return errorResult(name, "kms:GetKeyPolicy", key, err, fix)
	}
	pol, err := ParsePolicy(aws.ToString(out.Policy))
	if err != nil {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "the policy of key " + key + ": " + err.Error(), Fix: fix}
	}
	g := grants(pol, grantQuery{principal: servicePrincipal(SDDSPrincipal), actions: []string{"kms:GenerateDataKey", "kms:Encrypt"}, account: account})
	if !g.ok {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "key policy: " + g.detail, Fix: fix}
	}
	d, err := kmsc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(key)})
	if err != nil {
		r := errorResult(name, "kms:DescribeKey", key, err, "Check the key in the KMS console, then test again.")
		r.Detail = "key policy: " + g.detail + "; but " + r.Detail
		return r
	}
	if md := d.KeyMetadata; md == nil || !md.Enabled || (md.KeyState != "" && md.KeyState != kmstypes.KeyStateEnabled) {
		state := "unknown"
		if md != nil {
			state = string(md.KeyState)
			if state == "" {
				state = "Disabled"
			}
		}
		return CheckResult{Name: name, Status: StatusFailed, Detail: "key policy: " + g.detail + "; but the key is not enabled (state " + state + ")",
			Fix: "Enable the key in the KMS console (cancel its deletion first if it is pending deletion): AWS cannot encrypt data feeds with a disabled key."}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "key policy: " + g.detail + "; the key is enabled"}
}

func sddsTopicCheck(ctx context.Context, deps SDDSDeps, topic, account string) CheckResult {
	name := SDDSCheckTopicPolicy
	if topic == "" {
		return missingOutput(name, "SddsTopicArn")
	}
	fix := fmt.Sprintf("Update the onboarding stack to restore the topic policy, or add a statement allowing %s sns:Publish on %s (with aws:SourceAccount %s).", SDDSPrincipal, topic, account)
	pol, r := topicPolicy(ctx, deps.SNS, name, topic, fix)
	if r != nil {
		return *r
	}
	g := grants(pol, grantQuery{principal: servicePrincipal(SDDSPrincipal), actions: []string{"sns:Publish"}, resource: topic, account: account})
	if !g.ok {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "topic policy: " + g.detail, Fix: fix}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "topic policy: " + g.detail}
}

func sddsEncryptionCheck(ctx context.Context, deps SDDSDeps, bucket, key string) CheckResult {
	name := SDDSCheckEncryption
	switch {
	case bucket == "":
		return missingOutput(name, "SddsBucketName", "SddsBucketArn")
	case key == "":
		return missingOutput(name, "SddsKeyArn")
	}
	fix := "Update the onboarding stack so the bucket's default encryption is SSE-KMS with " + key + " again (AWS's data-feed form names this key)."
	out, err := deps.S3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		if errorCode(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err), Detail: "bucket " + bucket + " has no default encryption", Fix: fix}
		}
		return errorResult(name, "s3:GetBucketEncryption", bucket, err, fix)
	}
	var rules []s3types.ServerSideEncryptionRule
	if out.ServerSideEncryptionConfiguration != nil {
		rules = out.ServerSideEncryptionConfiguration.Rules
	}
	var seen []string
	for _, rule := range rules {
		def := rule.ApplyServerSideEncryptionByDefault
		if def == nil {
			continue
		}
		alg, configured := string(def.SSEAlgorithm), aws.ToString(def.KMSMasterKeyID)
		switch {
		case alg != string(s3types.ServerSideEncryptionAwsKms):
			seen = append(seen, alg)
			continue
		case configured == "":
			seen = append(seen, "aws:kms with the AWS managed key aws/s3")
			continue
		}
		same, resolved, err := sameKey(ctx, deps.KMS, configured, key)
		if err != nil {
			r := errorResult(name, "kms:DescribeKey", configured, err, fix)
			r.Detail = "bucket " + bucket + " uses aws:kms with " + configured + ", which could not be resolved: " + r.Detail
			return r
		}
		if same {
			return CheckResult{Name: name, Status: StatusPassed, Detail: "bucket " + bucket + " encrypts with aws:kms and key " + configured}
		}
		seen = append(seen, "aws:kms with another key, "+configured+resolved)
	}
	detail := "bucket " + bucket + " has no default encryption rule"
	if len(seen) > 0 {
		detail = "bucket " + bucket + " encrypts with " + strings.Join(seen, "; ") + ", not with " + key
	}
	return CheckResult{Name: name, Status: StatusFailed, Detail: detail, Fix: fix}
}

// sameKey compares a bucket's configured key (ID, ARN, alias name or alias
// ARN) with the stack's key ARN. Aliases are resolved with kms:DescribeKey;
// resolved describes what an alias pointed at.
func sameKey(ctx context.Context, kmsc KMSAPI, configured, keyArn string) (same bool, resolved string, err error) {
	if keyID(configured) != "" {
		return keyMatches(configured, keyArn), "", nil
	}
	if kmsc == nil {
		return false, "", fmt.Errorf("no KMS client to resolve %s", configured)
	}
	out, err := kmsc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(configured)})
	if err != nil {
		return false, "", err
	}
	if out.KeyMetadata == nil {
		return false, "", fmt.Errorf("kms:DescribeKey %s returned no key", configured)
	}
	target := aws.ToString(out.KeyMetadata.Arn)
	if target == "" {
		target = aws.ToString(out.KeyMetadata.KeyId)
	}
	return keyMatches(target, keyArn), " (key " + target + ")", nil
}

// keyID is the key ID of a key ID or key ARN; "" for an alias.
func keyID(k string) string {
	if strings.HasPrefix(k, "alias/") || strings.Contains(k, ":alias/") {
		return ""
	}
	if i := strings.Index(k, ":key/"); i >= 0 {
		return k[i+len(":key/"):]
	}
	if strings.HasPrefix(k, "arn:") {
		return ""
	}
	return k
}

// keyMatches compares two key references: by key ID, and when both are
// ARNs, by the whole ARN (same account and region).
func keyMatches(a, b string) bool {
	if strings.HasPrefix(a, "arn:") && strings.HasPrefix(b, "arn:") {
		return a == b
	}
	ia, ib := keyID(a), keyID(b)
	return ia != "" && ia == ib
}

func publicAccessCheck(ctx context.Context, s3c S3API, bucket string) CheckResult {
	name := SDDSCheckPublicAccess
	if bucket == "" {
		return missingOutput(name, "SddsBucketName", "SddsBucketArn")
	}
	fix := "Turn on all four settings of \"Block public access\" for bucket " + bucket + " (or update the onboarding stack to restore them)."
	out, err := s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		if errorCode(err) == "NoSuchPublicAccessBlockConfiguration" {
			return CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err), Detail: "bucket " + bucket + " has no public access block", Fix: fix}
		}
		return errorResult(name, "s3:GetPublicAccessBlock", bucket, err, fix)
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "bucket " + bucket + " has no public access block", Fix: fix}
	}
	var off []string
	for _, s := range []struct {
		name string
		v    *bool
	}{{"BlockPublicAcls", c.BlockPublicAcls}, {"IgnorePublicAcls", c.IgnorePublicAcls}, {"BlockPublicPolicy", c.BlockPublicPolicy}, {"RestrictPublicBuckets", c.RestrictPublicBuckets}} {
		if !aws.ToBool(s.v) {
			off = append(off, s.name)
		}
	}
	if len(off) > 0 {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "bucket " + bucket + " does not block all public access: " + strings.Join(off, ", ") + " off", Fix: fix}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "bucket " + bucket + ": BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are on"}
}

// latestFeedCheck lists the bucket (all pages, bounded) for the newest
// object. An empty bucket is not a failure: AWS delivers daily.
func latestFeedCheck(ctx context.Context, s3c S3API, bucket string) CheckResult {
	name := SDDSCheckLatest
	if bucket == "" {
		return missingOutput(name, "SddsBucketName", "SddsBucketArn")
	}
	var (
		token  *string
		newest s3types.Object
		count  int
	)
	for page := 0; page < maxPages; page++ {
		out, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), ContinuationToken: token})
		if err != nil {
			return errorResult(name, "s3:ListObjectsV2", bucket, err, "Check that your profile may list bucket "+bucket+", then test again.")
		}
		for _, o := range out.Contents {
			if strings.HasSuffix(aws.ToString(o.Key), "/") {
				continue // a folder marker, not a delivery
			}
			count++
			if newest.Key == nil || aws.ToTime(o.LastModified).After(aws.ToTime(newest.LastModified)) {
				newest = o
			}
		}
		if !aws.ToBool(out.IsTruncated) || aws.ToString(out.NextContinuationToken) == "" {
			break
		}
		token = out.NextContinuationToken
	}
	if count == 0 {
		return CheckResult{Name: name, Status: StatusPassed,
			Detail: "no data feed delivered yet — AWS delivers daily, so the first files appear within a day or so of enrolling"}
	}
	return CheckResult{Name: name, Status: StatusPassed,
		Detail: fmt.Sprintf("s3://%s/%s (%d bytes), delivered %s; %d object(s) in the bucket", bucket, aws.ToString(newest.Key),
			aws.ToInt64(newest.Size), aws.ToTime(newest.LastModified).UTC().Format(time.RFC3339), count)}
}

// SDDSTile builds the SDDS tile from the stack record, the "Enrolled in
// SDDS" toggle and the last Test Configuration (nil: not tested yet).
func SDDSTile(rec *onboarding.StackRecord, enrolled bool, checks []CheckResult, checkedAt time.Time) Tile {
	t := serviceTile(TileSDDS, "SDDS", rec, enrolled, checks, checkedAt, SDDSFields)
	if t.State == StateNotEnrolled {
		t.Notes = append(t.Notes, Note{Text: "Enroll with AWS's \"Set up customer data storage\" form (AWS Marketplace Management Portal), using the ARNs above.", Link: SDDSForm})
	}
	return t
}
