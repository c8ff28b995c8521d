package tiles

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

func TestTestSDDS(t *testing.T) {
	type world struct {
		s3  *fakeS3
		kms *fakeKMS
		sns *fakeSNS
		out map[string]string
	}
	bucket := func(w *world) *fakeBucket { return w.s3.buckets[sddsBkt] }
	tests := []struct {
		name      string
		mutate    func(w *world)
		failing   string
		alsoFail  []string
		status    string
		code      string
		detailHas []string
		fixHas    string
		wantState State
	}{
		{name: "every check passes", wantState: StateConnected},
		{name: "policies returned URL-encoded", mutate: func(w *world) {
			bucket(w).policy = urlEncoded(sddsBucketPolicy)
			w.kms.policy = urlEncoded(sddsKeyPolicy)
			w.sns.topics[sddsTop].policy = urlEncoded(sddsTopicPolicy)
		}, wantState: StateConnected},
		{name: "bucket missing", mutate: func(w *world) { delete(w.s3.buckets, sddsBkt) },
			failing: SDDSCheckBucketPolicy, alsoFail: []string{SDDSCheckEncryption, SDDSCheckPublicAccess, SDDSCheckLatest},
			status: StatusFailed, code: "NoSuchBucket", detailHas: []string{"does not exist"}, wantState: StateError},
		{name: "bucket policy without PutObject", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"s3:PutObject",`, "", 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed, detailHas: []string{"does not grant s3:PutObject to reports.marketplace.amazonaws.com"}, fixHas: "s3:PutObject", wantState: StateError},
		{name: "bucket policy without s3:GetEncryptionConfiguration", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"s3:GetEncryptionConfiguration",`, "", 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed, detailHas: []string{"does not grant s3:GetEncryptionConfiguration to"}, fixHas: "s3:GetEncryptionConfiguration", wantState: StateError},
		{name: "bucket policy for another service principal", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, "reports.marketplace.amazonaws.com", "logging.s3.amazonaws.com", 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed, wantState: StateError},
		{name: "bucket policy without aws:SourceAccount", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"aws:SourceAccount":"111122223333",`, "", 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed,
			detailHas: []string{"bucket policy statement AwsMarketplaceDataFeedsAccess grants s3:PutObject to reports.marketplace.amazonaws.com without aws:SourceAccount"},
			fixHas:    "aws:SourceAccount 111122223333", wantState: StateError},
		{name: "bucket policy without aws:SourceArn", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `,"aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"`, "", 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed,
			detailHas: []string{"bucket policy statement AwsMarketplaceDataFeedsAccess grants s3:PutObject to reports.marketplace.amazonaws.com without aws:SourceArn"},
			fixHas:    "aws:SourceArn arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1", wantState: StateError},
		{name: "bucket policy without any condition", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}}`, `"Sid2":"x"`, 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed, detailHas: []string{"without aws:SourceArn", "without aws:SourceAccount"}, wantState: StateError},
		{name: "bucket policy with aws:SourceArn only if it exists", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333",`,
				`"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"StringEqualsIfExists":{`, 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed, detailHas: []string{"without aws:SourceArn"}, wantState: StateError},
		{name: "a second statement grants PutObject unscoped", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `{"Sid":"DenyInsecureTransport"`,
				`{"Sid":"LegacyDelivery","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::`+sddsBkt+`/*"},{"Sid":"DenyInsecureTransport"`, 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed,
			detailHas: []string{"statement LegacyDelivery grants s3:PutObject to reports.marketplace.amazonaws.com without aws:SourceArn"}, wantState: StateError},
		{name: "scoped with ArnLike to the account's subscriptions", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"StringEquals":{"aws:SourceAccount":"111122223333","aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}`,
				`"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/*"}`, 1)
		}, wantState: StateConnected},
		{name: "bucket policy for another source account", mutate: func(w *world) {
			bucket(w).policy = strings.Replace(sddsBucketPolicy, `"aws:SourceAccount":"111122223333"`, `"aws:SourceAccount":["999988887777"]`, 1)
		}, failing: SDDSCheckBucketPolicy, status: StatusFailed, detailHas: []string{"does not grant s3:PutObject, s3:ListBucket"}, wantState: StateError},
		{name: "key missing", mutate: func(w *world) { w.kms.policyErr = apiErr("NotFoundException", "Key does not exist") },
			failing: SDDSCheckKey, status: StatusFailed, code: "NotFoundException", detailHas: []string{"does not exist"}, wantState: StateError},
		{name: "key policy without the principal", mutate: func(w *world) {
			w.kms.policy = `{"Version":"2012-10-17","Statement":[{"Sid":"AccountAdministersKey","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
		}, failing: SDDSCheckKey, status: StatusFailed, detailHas: []string{"does not grant kms:GenerateDataKey, kms:Decrypt to reports.marketplace.amazonaws.com"}, fixHas: "kms:GenerateDataKey*", wantState: StateError},
		{name: "key policy granting only Encrypt is not enough for S3", mutate: func(w *world) {
			w.kms.policy = strings.Replace(sddsKeyPolicy, `["kms:GenerateDataKey*","kms:Decrypt","kms:Encrypt"]`, `"kms:Encrypt"`, 1)
		}, failing: SDDSCheckKey, status: StatusFailed, detailHas: []string{"does not grant kms:GenerateDataKey, kms:Decrypt"}, wantState: StateError},
		{name: "key policy without aws:SourceArn", mutate: func(w *world) {
			w.kms.policy = strings.Replace(sddsKeyPolicy, `,"aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"`, "", 1)
		}, failing: SDDSCheckKey, status: StatusFailed,
			detailHas: []string{"key policy statement AwsMarketplaceDataFeedsAccess grants kms:GenerateDataKey to reports.marketplace.amazonaws.com without aws:SourceArn"}, wantState: StateError},
		{name: "key disabled", mutate: func(w *world) { w.kms.state = kmstypes.KeyStatePendingDeletion },
			failing: SDDSCheckKey, status: StatusFailed, detailHas: []string{"not enabled (state PendingDeletion)"}, fixHas: "Enable the key", wantState: StateError},
		{name: "topic missing", mutate: func(w *world) { delete(w.sns.topics, sddsTop) },
			failing: SDDSCheckTopicPolicy, alsoFail: []string{SDDSCheckSubscribe}, status: StatusFailed, code: "NotFound", wantState: StateError},
		{name: "topic policy without Publish", mutate: func(w *world) {
			w.sns.topics[sddsTop].policy = strings.Replace(sddsTopicPolicy, `"sns:Publish"`, `"sns:Subscribe"`, 1)
		}, failing: SDDSCheckTopicPolicy, status: StatusFailed, detailHas: []string{"sns:Publish"}, fixHas: "sns:Publish", wantState: StateError},
		{name: "topic policy without aws:SourceArn", mutate: func(w *world) {
			w.sns.topics[sddsTop].policy = strings.Replace(sddsTopicPolicy, `,"aws:SourceArn":"arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"`, "", 1)
		}, failing: SDDSCheckTopicPolicy, status: StatusFailed,
			detailHas: []string{"topic policy statement AwsMarketplaceDataFeedsAccess grants sns:Publish to reports.marketplace.amazonaws.com without aws:SourceArn"}, wantState: StateError},
		{name: "nothing delivered yet: waiting, never passed", mutate: func(w *world) { bucket(w).objects = nil },
			failing: SDDSCheckLatest, status: StatusWaiting, detailHas: []string{"no data feed delivered yet"}, fixHas: "Set up customer data storage", wantState: StateWaiting},
		{name: "encryption with another key", mutate: func(w *world) {
			bucket(w).enc = kmsEncryption(s3types.ServerSideEncryptionAwsKms, "arn:aws:kms:us-east-1:111122223333:key/ffffffff-0000-0000-0000-000000000000")
		}, failing: SDDSCheckEncryption, status: StatusFailed, detailHas: []string{"another key", "ffffffff"}, fixHas: keyArn, wantState: StateError},
		{name: "encryption with AES256", mutate: func(w *world) { bucket(w).enc = kmsEncryption(s3types.ServerSideEncryptionAes256, "") },
			failing: SDDSCheckEncryption, status: StatusFailed, detailHas: []string{"AES256"}, wantState: StateError},
		{name: "encryption with the AWS managed key", mutate: func(w *world) { bucket(w).enc = kmsEncryption(s3types.ServerSideEncryptionAwsKms, "") },
			failing: SDDSCheckEncryption, status: StatusFailed, detailHas: []string{"aws/s3"}, wantState: StateError},
		{name: "no default encryption", mutate: func(w *world) { bucket(w).enc = nil },
			failing: SDDSCheckEncryption, status: StatusFailed, code: "ServerSideEncryptionConfigurationNotFoundError", wantState: StateError},
		{name: "encryption names the key by ID", mutate: func(w *world) { bucket(w).enc = kmsEncryption(s3types.ServerSideEncryptionAwsKms, theKeyID) },
			wantState: StateConnected},
		{name: "encryption names the key by alias", mutate: func(w *world) {
			bucket(w).enc = kmsEncryption(s3types.ServerSideEncryptionAwsKms, "alias/sellerdesk-sdds")
			w.kms.aliases = map[string]string{"alias/sellerdesk-sdds": keyArn}
		}, wantState: StateConnected},
		{name: "encryption names another key by alias", mutate: func(w *world) {
			bucket(w).enc = kmsEncryption(s3types.ServerSideEncryptionAwsKms, "alias/other")
			w.kms.aliases = map[string]string{"alias/other": "arn:aws:kms:us-east-1:111122223333:key/other"}
		}, failing: SDDSCheckEncryption, status: StatusFailed, detailHas: []string{"alias/other (key arn:aws:kms:us-east-1:111122223333:key/other)"}, wantState: StateError},
		{name: "public access not fully blocked", mutate: func(w *world) { bucket(w).pab.RestrictPublicBuckets = aws.Bool(false) },
			failing: SDDSCheckPublicAccess, status: StatusFailed, detailHas: []string{"RestrictPublicBuckets off"}, fixHas: "Block public access", wantState: StateError},
		{name: "no public access block", mutate: func(w *world) { bucket(w).pab = nil },
			failing: SDDSCheckPublicAccess, status: StatusFailed, code: "NoSuchPublicAccessBlockConfiguration", wantState: StateError},
		{name: "topic not subscribed to the queue", mutate: func(w *world) { w.sns.topics[sddsTop].subs = nil },
			failing: SDDSCheckSubscribe, status: StatusFailed, detailHas: []string{"no subscription at all"}, wantState: StateError},
		{name: "topic subscribed over another protocol", mutate: func(w *world) {
			w.sns.topics[sddsTop].subs = []snstypes.Subscription{{Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com"), SubscriptionArn: aws.String(sddsTop + ":1")}}
		}, failing: SDDSCheckSubscribe, status: StatusFailed, detailHas: []string{"email ops@example.com"}, wantState: StateError},
		{name: "public access block not implemented", mutate: func(w *world) { bucket(w).pabErr = httpErr(501, "NotImplemented", "not implemented") },
			failing: SDDSCheckPublicAccess, status: StatusCouldNotCheck, code: "NotImplemented", wantState: StateUnknown},
		{name: "listing denied", mutate: func(w *world) { bucket(w).listErr = httpErr(403, "AccessDenied", "Access Denied") },
			failing: SDDSCheckLatest, status: StatusFailed, code: "AccessDenied", fixHas: "not allowed s3:ListObjectsV2", wantState: StateError},
		{name: "stack outputs without the key", mutate: func(w *world) { delete(w.out, "SddsKeyArn") },
			failing: SDDSCheckKey, alsoFail: []string{SDDSCheckEncryption}, status: StatusFailed, detailHas: []string{"outputs have no SddsKeyArn"}, wantState: StateError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s3f, kmsf, snsf := sddsWorld()
			w := &world{s3f, kmsf, snsf, outputs()}
			if tt.mutate != nil {
				tt.mutate(w)
			}
			got := TestSDDS(context.Background(), SDDSDeps{S3: w.s3, KMS: w.kms, SNS: w.sns}, w.out, acct)
			if len(got) != 7 {
				t.Fatalf("%d checks, want 7", len(got))
			}
			for _, c := range got {
				switch {
				case c.Name == tt.failing:
					if c.Status != tt.status || c.Code != tt.code {
						t.Errorf("%s: %s/%q, want %s/%q (%s)", c.Name, c.Status, c.Code, tt.status, tt.code, c.Detail)
					}
					for _, s := range tt.detailHas {
						if !strings.Contains(c.Detail, s) {
							t.Errorf("%s: detail %q lacks %q", c.Name, c.Detail, s)
						}
					}
					if c.Fix == "" || !strings.Contains(c.Fix, tt.fixHas) {
						t.Errorf("%s: fix %q lacks %q", c.Name, c.Fix, tt.fixHas)
					}
				case slices.Contains(tt.alsoFail, c.Name):
					if c.Passed() {
						t.Errorf("%s passed, want not passed", c.Name)
					}
				case !c.Passed():
					t.Errorf("%s: %s (%s), want passed", c.Name, c.Status, c.Detail)
				}
			}
			if slices.Contains(kmsf.policyNames, "") || (len(kmsf.policyNames) > 0 && kmsf.policyNames[0] != "default") {
				t.Errorf("GetKeyPolicy asked for %v, want the policy named default", kmsf.policyNames)
			}
			tile := SDDSTile(&onboarding.StackRecord{Phase: onboarding.PhaseConnected, Outputs: w.out}, true, got, fixedNow)
			if tile.State != tt.wantState {
				t.Errorf("tile state %s, want %s: %s", tile.State, tt.wantState, tile.Summary)
			}
			if tt.wantState == StateError && !strings.Contains(tile.Summary, tt.failing) {
				t.Errorf("summary %q does not name %q", tile.Summary, tt.failing)
			}
		})
	}
}

func TestLatestDataFeed(t *testing.T) {
	day := func(d int) *time.Time { x := time.Date(2026, 3, d, 0, 5, 0, 0, time.UTC); return &x }
	objs := []s3types.Object{
		{Key: aws.String("seller-data-feeds/"), LastModified: day(20), Size: aws.Int64(0)},
		{Key: aws.String("account_v1/year=2026/month=03/data.csv"), LastModified: day(13), Size: aws.Int64(10)},
		{Key: aws.String("billingevent_v1/year=2026/month=03/data.csv"), LastModified: day(14), Size: aws.Int64(2048)},
		{Key: aws.String("offer_v1/year=2026/month=02/data.csv"), LastModified: day(2), Size: aws.Int64(5)},
	}
	tests := []struct {
		name    string
		objects []s3types.Object
		page    int
		want    string
		status  string
	}{
		{"nothing delivered yet is no evidence", nil, 0, "no data feed delivered yet", StatusWaiting},
		{"folder markers are not deliveries", objs[:1], 0, "no data feed delivered yet", StatusWaiting},
		{"newest object across pages", objs, 1, "s3://" + sddsBkt + "/billingevent_v1/year=2026/month=03/data.csv (2048 bytes), delivered 2026-03-14T00:05:00Z; 3 object(s)", StatusPassed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s3f := &fakeS3{buckets: map[string]*fakeBucket{sddsBkt: {objects: tt.objects, pageSize: tt.page}}}
			c := latestFeedCheck(context.Background(), s3f, sddsBkt)
			if c.Status != tt.status || !strings.Contains(c.Detail, tt.want) {
				t.Errorf("%s: %s, want %s with %q", c.Status, c.Detail, tt.status, tt.want)
			}
		})
	}
}

func TestSDDSFields(t *testing.T) {
	f := SDDSFields(outputs())
	want := []Field{{"S3 bucket ARN", "arn:aws:s3:::" + sddsBkt, true}, {"KMS key ARN", keyArn, true}, {"SNS topic ARN", sddsTop, true}}
	if !slices.Equal(f, want) {
		t.Errorf("fields %+v, want %+v", f, want)
	}
	pass := []CheckResult{{Name: SDDSCheckKey, Status: StatusPassed}, {Name: SDDSCheckLatest, Status: StatusWaiting}}
	tile := SDDSTile(&onboarding.StackRecord{Phase: onboarding.PhaseConnected, Outputs: outputs()}, false, pass, time.Time{})
	if tile.State != StateNotEnrolled || !slices.Equal(tile.Fields, want) {
		t.Errorf("not-enrolled tile %+v", tile)
	}
	if len(tile.Notes) == 0 || tile.Notes[0].Link != SDDSForm {
		t.Errorf("notes %+v lack the data-feed form", tile.Notes)
	}
	// Only outputs that exist become fields: nothing is invented.
	if f := SDDSFields(map[string]string{"SddsKeyArn": keyArn}); len(f) != 1 {
		t.Errorf("fields from a partial output: %+v", f)
	}
}

func TestKeyMatching(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{keyArn, keyArn, true},
		{theKeyID, keyArn, true},
		{keyArn, theKeyID, true},
		{"arn:aws:kms:eu-west-1:111122223333:key/" + theKeyID, keyArn, false},
		{"other", keyArn, false},
		{"alias/x", keyArn, false},
	}
	for _, tt := range tests {
		if got := keyMatches(tt.a, tt.b); got != tt.want {
			t.Errorf("keyMatches(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

// The SDDS tile is Connected only on AWS's evidence, a delivered data feed;
// "Enrolled" is the user's word and changes the words, never the count; a
// failed check shows whether or not anything was ticked.
func TestSDDSTileStates(t *testing.T) {
	ok := CheckResult{Name: SDDSCheckKey, Status: StatusPassed}
	broken := CheckResult{Name: SDDSCheckKey, Status: StatusFailed, Detail: "the key policy does not grant kms:GenerateDataKey", Fix: "update the stack"}
	unknown := CheckResult{Name: SDDSCheckKey, Status: StatusCouldNotCheck, Detail: "not implemented"}
	waiting := CheckResult{Name: SDDSCheckLatest, Status: StatusWaiting, Detail: "no data feed delivered yet"}
	delivered := CheckResult{Name: SDDSCheckLatest, Status: StatusPassed, Detail: "s3://b/billing_event_v1/year=2026/month=03/data.csv"}
	listDenied := CheckResult{Name: SDDSCheckLatest, Status: StatusFailed, Detail: "s3:ListObjectsV2 denied", Fix: "allow listing"}
	connected := &onboarding.StackRecord{Phase: onboarding.PhaseConnected, Outputs: outputs()}
	tests := []struct {
		name       string
		rec        *onboarding.StackRecord
		enrolled   bool
		checks     []CheckResult
		state      State
		summaryHas string
	}{
		{"no stack", nil, true, nil, StateNotConnected, "launch the onboarding stack"},
		{"not checked yet", connected, true, nil, StateNotConnected, "Not checked yet"},
		{"checks pass, nothing delivered, not ticked", connected, false, []CheckResult{ok, waiting}, StateNotEnrolled, "Not enrolled"},
		{"checks pass, nothing delivered, ticked", connected, true, []CheckResult{ok, waiting}, StateWaiting, "Enrolled (your word) · checks pass · waiting for AWS's first delivery"},
		{"delivered, not ticked: AWS's evidence is enough", connected, false, []CheckResult{ok, delivered}, StateConnected, "AWS delivered"},
		{"delivered, ticked", connected, true, []CheckResult{ok, delivered}, StateConnected, "AWS delivered"},
		{"broken, not ticked: shows at once", connected, false, []CheckResult{broken, waiting}, StateError, "update the stack"},
		{"broken, delivered: still an error", connected, true, []CheckResult{broken, delivered}, StateError, SDDSCheckKey},
		{"could not check, ticked: never Connected", connected, true, []CheckResult{unknown, delivered}, StateUnknown, "could not be run"},
		{"the bucket cannot be listed", connected, true, []CheckResult{ok, listDenied}, StateError, "allow listing"},
		{"no delivery line at all", connected, true, []CheckResult{ok}, StateUnknown, "did not look for a delivered data feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tile := SDDSTile(tt.rec, tt.enrolled, tt.checks, fixedNow)
			if tile.State != tt.state || !strings.Contains(tile.Summary, tt.summaryHas) {
				t.Errorf("%s %q, want %s with %q", tile.State, tile.Summary, tt.state, tt.summaryHas)
			}
			if got := Summarize([]Tile{tile}).RequiredConnected == 1; got != (tt.state == StateConnected) {
				t.Errorf("a %s SDDS tile counts as connected=%v", tile.State, got)
			}
		})
	}
}
