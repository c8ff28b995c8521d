package tiles

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/testaws"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// TestTilesAgainstMoto launches the onboarding stack on moto_server, then
// builds every tile from real SDK calls. Whatever moto cannot answer must
// come out as "could not check" (or a failure), never as passed.
func TestTilesAgainstMoto(t *testing.T) {
	url := testaws.StartMoto(t)
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cfn, iamc := cloudformation.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-moto-external-id"}
	rec, err := onboarding.Launch(ctx, cfn, "moto", onboarding.DefaultStackName, p)
	if err != nil {
		t.Fatal(err)
	}
	if tile := RoleTile(&rec); tile.State != StateLaunching || !strings.Contains(tile.Summary, "of") {
		t.Errorf("role tile right after launch: %s %q", tile.State, tile.Summary)
	}
	w := &onboarding.Watcher{CFN: cfn, IAM: iamc,
		Polling: onboarding.Polling{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, ThrottleMax: time.Second, Backoff: 1.5}}
	rec, err = w.Watch(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	rec = RefreshRole(ctx, iamc, rec)
	role := RoleTile(&rec)
	if role.State != StateConnected {
		t.Fatalf("role tile %s: %s (%+v)", role.State, role.Summary, role.Checks)
	}
	account := strings.Split(rec.Outputs["QueueArn"], ":")[4]

	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	snsc, kmsc := sns.NewFromConfig(cfg), kms.NewFromConfig(cfg)
	tiles := []Tile{role}

	probe, err := ProbeSeller(ctx, marketplacecatalog.NewFromConfig(cfg))
	t.Logf("seller probe on moto: %+v (err %v)", probe, err)
	seller := SellerTile(probe, false, time.Time{})
	if seller.State == StateCompleted {
		t.Errorf("moto cannot tell a seller, yet the tile is Completed: %+v", seller)
	}
	tiles = append(tiles, seller)

	casChecks := TestCAS(ctx, CASDeps{S3: s3c, SNS: snsc, CAS: NewCASClient(cfg)}, rec.Outputs, account, "")
	sddsChecks := TestSDDS(ctx, SDDSDeps{S3: s3c, KMS: kmsc, SNS: snsc}, rec.Outputs, account)
	logChecks(t, "after the launch", casChecks, sddsChecks)
	// moto's CloudFormation (at the time of writing) applies neither bucket
	// policies nor public access blocks, topic policies or subscriptions, so
	// several checks fail here, truthfully: they read moto's state as it is.
	// The SNS default policy moto leaves is not a grant to AWS Marketplace's
	// service principal (see TestGrants).

	// Apply what moto's CloudFormation skipped, as the template defines it,
	// straight through the SDK; then every check moto can answer must pass.
	applyTemplatePolicies(ctx, t, s3c, snsc, rec.Outputs, account)
	casChecks = TestCAS(ctx, CASDeps{S3: s3c, SNS: snsc, CAS: NewCASClient(cfg)}, rec.Outputs, account, "")
	sddsChecks = TestSDDS(ctx, SDDSDeps{S3: s3c, KMS: kmsc, SNS: snsc}, rec.Outputs, account)
	logChecks(t, "after applying the policies", casChecks, sddsChecks)
	cannot := map[string]bool{
		CASCheckGenerate: true, // moto has no Commerce Analytics Service
		SDDSCheckKey:     true, // moto's GetKeyPolicy answers an object where the protocol has a string
	}
	for _, c := range append(append([]CheckResult{}, casChecks...), sddsChecks...) {
		switch {
		case c.Name == SDDSCheckLatest:
			// Nothing delivered on moto: AWS's evidence is missing, which is never a pass.
			if c.Status != StatusWaiting {
				t.Errorf("%s on moto: %s (%s), want waiting", c.Name, c.Status, c.Detail)
			}
		case cannot[c.Name] && c.Status != StatusCouldNotCheck:
			t.Errorf("%s on moto: %s (%s), want could-not-check", c.Name, c.Status, c.Detail)
		case !cannot[c.Name] && !c.Passed():
			t.Errorf("%s on moto: %s (%s), want passed", c.Name, c.Status, c.Detail)
		}
	}
	cas := CASTile(&rec, casChecks, time.Now())
	sdds := SDDSTile(&rec, true, sddsChecks, time.Now())
	for _, tile := range []Tile{cas, sdds} {
		// Some checks could not be run and none failed: not verified, never Connected.
		if tile.State != StateUnknown {
			t.Errorf("%s tile on moto: %s (%s), want unknown", tile.ID, tile.State, tile.Summary)
		}
		t.Logf("%s tile: %s — %s", tile.ID, tile.State, tile.Summary)
	}
	tiles = append(tiles, cas, sdds)

	// Notifications: moto implements the rule calls; its CloudFormation does
	// not apply queue policies, so that check fails, truthfully, until the
	// template's policy is put in place through the SDK.
	sqsc := sqs.NewFromConfig(cfg)
	deps := NotificationsDeps{Events: eventbridge.NewFromConfig(cfg), SQS: sqsc}
	notif := TestNotifications(ctx, deps, rec.Outputs)
	logChecks(t, "notifications", notif)
	for _, c := range notif {
		if want := c.Name != NotifCheckQueuePolicy; c.Passed() != want {
			t.Errorf("%s on moto before the queue policy: %s (%s)", c.Name, c.Status, c.Detail)
		}
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowMarketplaceEventRuleToSend","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},` +
		`"Action":"sqs:SendMessage","Resource":"` + rec.Outputs["QueueArn"] + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + rec.Outputs["EventRuleArn"] + `"}}}]}`
	if _, err := sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(rec.Outputs["QueueUrl"]),
		Attributes: map[string]string{"Policy": policy}}); err != nil {
		t.Fatal(err)
	}
	notif = TestNotifications(ctx, deps, rec.Outputs)
	logChecks(t, "notifications with the queue policy", notif)
	nt := NotificationsTile(&rec, notif, time.Now())
	if nt.State != StateConnected || len(notif) != 6 {
		t.Errorf("notifications tile on moto with the queue policy: %s — %s", nt.State, nt.Summary)
	}
	tiles = append(tiles, nt)
	if s := Summarize(tiles); s.RequiredConnected != 2 || s.Done() {
		t.Errorf("progress on moto %q, want only the role and the notifications connected", s.Text)
	}
}

func logChecks(t *testing.T, when string, lists ...[]CheckResult) {
	t.Helper()
	for _, l := range lists {
		for _, c := range l {
			t.Logf("%s: %-15s %s: %.200s", when, c.Status, c.Name, c.Detail)
			if c.Status == "" {
				t.Errorf("%s has no status", c.Name)
			}
		}
	}
}

// applyTemplatePolicies puts the template's bucket policies, public access
// blocks, topic policies and subscriptions in place through the SDK.
func applyTemplatePolicies(ctx context.Context, t *testing.T, s3c *s3.Client, snsc *sns.Client, out map[string]string, account string) {
	t.Helper()
	root := "arn:aws:iam::" + account + ":root"
	cb, sb := out["CasBucketArn"], out["SddsBucketArn"]
	deny := func(arn string) string {
		return `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	}
	policies := map[string]string{
		out["CasBucketName"]: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountDelivery","Effect":"Allow","Principal":{"AWS":"` + root +
			`"},"Action":["s3:PutObject","s3:GetBucketLocation"],"Resource":["` + cb + `","` + cb + `/*"]},` + deny(cb) + `]}`,
		out["SddsBucketName"]: `{"Version":"2012-10-17","Statement":[{"Sid":"AwsMarketplaceDataFeedsAccess","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},` +
			`"Action":["s3:ListBucket","s3:GetObject","s3:PutObject","s3:GetEncryptionConfiguration","s3:GetBucketAcl","s3:PutObjectAcl"],"Resource":["` + sb + `","` + sb + `/*"],` +
			`"Condition":{"StringEquals":{"aws:SourceAccount":"` + account + `","aws:SourceArn":"` + SDDSSourceARN("aws", account) + `"}}},` + deny(sb) + `]}`,
	}
	for bucket, pol := range policies {
		if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(pol)}); err != nil {
			t.Fatalf("PutBucketPolicy %s: %v", bucket, err)
		}
		if _, err := s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
				BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
			t.Fatalf("PutPublicAccessBlock %s: %v", bucket, err)
		}
	}
	service := func(topic string) string {
		return `{"Sid":"AwsMarketplaceDataFeedsAccess","Effect":"Allow","Principal":{"Service":"reports.marketplace.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic +
			`","Condition":{"StringEquals":{"aws:SourceAccount":"` + account + `","aws:SourceArn":"` + SDDSSourceARN("aws", account) + `"}}}`
	}
	topics := map[string]string{
		out["CasTopicArn"]: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountPublish","Effect":"Allow","Principal":{"AWS":"` + root +
			`"},"Action":["sns:Publish","sns:GetTopicAttributes"],"Resource":"` + out["CasTopicArn"] + `"},` + service(out["CasTopicArn"]) + `]}`,
		out["SddsTopicArn"]: `{"Version":"2012-10-17","Statement":[` + service(out["SddsTopicArn"]) + `]}`,
	}
	for topic, pol := range topics {
		if _, err := snsc.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("Policy"), AttributeValue: aws.String(pol)}); err != nil {
			t.Fatalf("SetTopicAttributes %s: %v", topic, err)
		}
		if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(out["QueueArn"]),
			Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
			t.Fatalf("Subscribe %s: %v", topic, err)
		}
	}
}
