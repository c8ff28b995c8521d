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
	// SDDSCheckLatest is AWS's evidence: a data feed it delivered. Until
	// there is one the line is "waiting", never passed.
	SDDSCheckLatest = "AWS delivered a data feed"
)

// sddsS3Grants are the bucket actions AWS's data-feed policy grants
// reports.marketplace.amazonaws.com (AWS Seller Guide, "Data feed
// policies"), s3:PutObject first: it is the delivery itself.
var sddsS3Grants = []struct {
	action string
	object bool
}{{"s3:PutObject", true}, {"s3:ListBucket", false}, {"s3:GetObject", true}, {"s3:GetEncryptionConfiguration", false}, {"s3:GetBucketAcl", false}, {"s3:PutObjectAcl", true}}

// sddsProbeObject is an object key where AWS delivers a data feed
// (<feed>_<version>/year=YYYY/month=MM/data.csv), for asking the bucket
// policy about object actions.
const sddsProbeObject = "billing_event_v1/year=2026/month=01/data.csv"

// sddsKMSActions are what S3 needs of the key when the service writes and
// reads SSE-KMS objects: a data key to encrypt a new object, and decryption
// to read one back (AWS's policy grants s3:GetObject so it can append).
var sddsKMSActions = []string{"kms:GenerateDataKey", "kms:Decrypt"}

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
	partition := arnPartition(arn)
	fix := fmt.Sprintf("Update the onboarding stack to restore the bucket policy, or use AWS's statement AwsMarketplaceDataFeedsAccess: Allow %s "+
		"s3:PutObject, s3:ListBucket, s3:GetObject, s3:GetEncryptionConfiguration, s3:GetBucketAcl and s3:PutObjectAcl on %s and %s/*, "+
		"with StringEquals aws:SourceAccount %s and aws:SourceArn %s.", SDDSPrincipal, arn, arn, account, SDDSSourceARN(partition, account))
	pol, r := bucketPolicy(ctx, s3c, name, bucket, fix)
	if r != nil {
		return *r
	}
	var need []scopedGrant
	for _, a := range sddsS3Grants {
		res := arn
		if a.object {
			res = arn + "/" + sddsProbeObject
		}
		need = append(need, scopedGrant{action: a.action, resource: res})
	}
	sc := checkScoping(pol, "bucket policy", partition, account, need)
	if !sc.ok() {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "bucket " + bucket + ": " + sc.problem("the bucket policy"), Fix: fix}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: fmt.Sprintf("bucket %s: %s grants %s the %d actions of AWS's data-feed policy, only for account %s and %s",
		bucket, strings.Join(sc.allowedBy, ", "), SDDSPrincipal, len(need), account, SDDSSourceARN(partition, account))}
}

func sddsKeyCheck(ctx context.Context, kmsc KMSAPI, key, account string) CheckResult {
	name := SDDSCheckKey
	if key == "" {
		return missingOutput(name, "SddsKeyArn")
	}
	partition := arnPartition(key)
	fix := fmt.Sprintf("Update the onboarding stack to restore the key policy, or add AWS's statement AwsMarketplaceDataFeedsAccess allowing %s kms:GenerateDataKey*, kms:Decrypt and kms:Encrypt, with StringEquals aws:SourceAccount %s and aws:SourceArn %s, to the key's policy.",
		SDDSPrincipal, account, SDDSSourceARN(partition, account))
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
	var need []scopedGrant
	for _, a := range sddsKMSActions {
		need = append(need, scopedGrant{action: a, resource: key})
	}
	sc := checkScoping(pol, "key policy", partition, account, need)
	if !sc.ok() {
		return CheckResult{Name: name, Status: StatusFailed, Detail: sc.problem("the key policy"), Fix: fix}
	}
	g := struct{ detail string }{fmt.Sprintf("%s grants %s %s, only for account %s and %s", strings.Join(sc.allowedBy, ", "), SDDSPrincipal,
		strings.Join(sddsKMSActions, " and "), account, SDDSSourceARN(partition, account))}
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
	partition := arnPartition(topic)
	fix := fmt.Sprintf("Update the onboarding stack to restore the topic policy, or add AWS's statement AwsMarketplaceDataFeedsAccess allowing %s sns:Publish on %s, with StringEquals aws:SourceAccount %s and aws:SourceArn %s.",
		SDDSPrincipal, topic, account, SDDSSourceARN(partition, account))
	pol, r := topicPolicy(ctx, deps.SNS, name, topic, fix)
	if r != nil {
		return *r
	}
	sc := checkScoping(pol, "topic policy", partition, account, []scopedGrant{{action: "sns:Publish", resource: topic}})
	if !sc.ok() {
		return CheckResult{Name: name, Status: StatusFailed, Detail: sc.problem("the topic policy"), Fix: fix}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: fmt.Sprintf("topic policy: %s grants %s sns:Publish, only for account %s and %s",
		strings.Join(sc.allowedBy, ", "), SDDSPrincipal, account, SDDSSourceARN(partition, account))}
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
// object AWS delivered. An empty bucket is not a failure (AWS delivers
// daily, once enrolled) but it is no evidence either: the line is waiting.
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
		return CheckResult{Name: name, Status: StatusWaiting,
			Detail: "no data feed delivered yet: bucket " + bucket + " is empty",
			Fix:    "Once you submitted AWS's \"Set up customer data storage\" form, AWS delivers daily: the first files appear within a day or so. Until then nothing shows that AWS accepted the enrolment."}
	}
	return CheckResult{Name: name, Status: StatusPassed,
		Detail: fmt.Sprintf("s3://%s/%s (%d bytes), delivered %s; %d object(s) in the bucket", bucket, aws.ToString(newest.Key),
			aws.ToInt64(newest.Size), aws.ToTime(newest.LastModified).UTC().Format(time.RFC3339), count)}
}

// SDDSTile builds the SDDS tile from the stack record, the user's "Enrolled
// in SDDS" and the last checks (nil: not checked yet). A check that failed
// or could not run shows whether or not the user ticked anything; with every
// configuration check passing, only AWS's delivery makes it Connected.
func SDDSTile(rec *onboarding.StackRecord, enrolled bool, checks []CheckResult, checkedAt time.Time) Tile {
	t, ready := stackTile(TileSDDS, "SDDS", rec, SDDSFields)
	if !ready {
		return t
	}
	t.Checks, t.CheckedAt = checks, checkedAt
	formNote := Note{Text: "Enroll with AWS's \"Set up customer data storage\" form (AWS Marketplace Management Portal), using the ARNs above.", Link: SDDSForm}
	if len(checks) == 0 {
		t.Summary = "Not checked yet: run Test Configuration to check the bucket, key and topic."
		t.Notes = append(t.Notes, formNote)
		return t
	}
	var config []CheckResult
	var delivered *CheckResult
	for i, c := range checks {
		if c.Name == SDDSCheckLatest {
			delivered = &checks[i]
			continue
		}
		config = append(config, c)
	}
	if c, bad := firstNotPassed(config); bad {
		if c.Status == StatusFailed {
			t.State = StateError
			t.Summary = "Error: " + c.Name + " — " + c.Detail + ". Fix: " + c.Fix
		} else {
			t.State = StateUnknown
			t.Summary = fmt.Sprintf("Not verified: %d check(s) could not be run by this endpoint, starting with %q; none failed.",
				countStatus(config, StatusCouldNotCheck), c.Name)
		}
		return t
	}
	switch {
	case delivered == nil:
		t.State = StateUnknown
		t.Summary = "Not verified: the checks did not look for a delivered data feed; run Test Configuration."
	case delivered.Passed():
		t.State = StateConnected
		t.Summary = fmt.Sprintf("Connected: AWS delivered a data feed (%s); all %d checks pass.", delivered.Detail, len(config))
	case delivered.Status == StatusFailed:
		t.State = StateError
		t.Summary = "Error: " + delivered.Name + " — " + delivered.Detail + ". Fix: " + delivered.Fix
	case delivered.Status == StatusCouldNotCheck:
		t.State = StateUnknown
		t.Summary = "Not verified: the bucket could not be listed for AWS's deliveries (" + delivered.Detail + ")."
	case enrolled:
		t.State = StateWaiting
		t.Summary = "Enrolled (your word) · checks pass · waiting for AWS's first delivery."
	default:
		t.State = StateNotEnrolled
		t.Summary = fmt.Sprintf("Not enrolled: all %d checks pass. Copy the ARNs into AWS's \"Set up customer data storage\" form, "+
			"then tick \"Enrolled in SDDS\"; the tile turns Connected when AWS delivers the first data feed.", len(config))
		t.Notes = append(t.Notes, formNote)
	}
	return t
}
