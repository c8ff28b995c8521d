package sandbox

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

const reportsPrincipal = "reports.marketplace.amazonaws.com"

// TestConnectedScenario resolves every output of the onboarding stack the
// connected scenario launched through the services' APIs, as the tiles do.
func TestConnectedScenario(t *testing.T) {
	c := startClients(t, "connected")
	ctx := t.Context()
	st, ok := c.srv.Account().Stack(OnboardingStackName)
	if !ok || st.Status != "CREATE_COMPLETE" || st.Parameters["PartnerAccountId"] != DemoPartnerAccountID ||
		st.Parameters["ExternalId"] != DemoExternalID {
		t.Fatalf("stack = %s %v", st.Status, st.Parameters)
	}
	out := st.Outputs
	acct := "111122223333"
	reports := func(action, resource string) iampolicy.Request {
		return iampolicy.Request{Service: reportsPrincipal, Action: action, Resource: resource,
			Context: map[string]string{"aws:SourceAccount": acct, "aws:SecureTransport": "true",
				"aws:SourceArn": "arn:aws:marketplace::" + acct + ":AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}}
	}

	// Seller account: the Catalog lists the seller's own products.
	ents, err := c.catalog.ListEntities(ctx, &marketplacecatalog.ListEntitiesInput{Catalog: aws.String(CatalogName),
		EntityType: aws.String("SaaSProduct"), OwnershipType: "SELF"})
	if err != nil || len(ents.EntitySummaryList) == 0 {
		t.Errorf("ListEntities = %+v, %v", ents, err)
	}

	// Role and access: the role trusts the partner with the external ID.
	iamc := iam.NewFromConfig(c.cfg)
	role, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(out["PartnerRoleName"])})
	if err != nil {
		t.Fatal(err)
	}
	trust := decodeDoc(t, aws.ToString(role.Role.AssumeRolePolicyDocument))
	if aws.ToString(role.Role.Arn) != out["PartnerRoleArn"] || !strings.Contains(trust, DemoExternalID) || !strings.Contains(trust, DemoPartnerAccountID) {
		t.Errorf("role %s trust %s", aws.ToString(role.Role.Arn), trust)
	}
	pols, err := iamc.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(out["PartnerRoleName"])})
	if err != nil || len(pols.PolicyNames) < 5 {
		t.Errorf("role policies = %v, %v", pols, err)
	}

	// Buckets: policies, encryption with the key, public access blocked.
	for _, b := range []string{out["CasBucketName"], out["SddsBucketName"]} {
		if _, err := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Errorf("HeadBucket(%s): %v", b, err)
		}
		pab, err := c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b)})
		if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
			t.Errorf("GetPublicAccessBlock(%s) = %+v, %v", b, pab, err)
		}
	}
	casPolicy, err := c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(out["CasBucketName"])})
	if err != nil || !policyAllows(aws.ToString(casPolicy.Policy), iampolicy.Request{Principal: "arn:aws:iam::" + acct + ":role/MarketplaceCommerceAnalyticsRole",
		Action: "s3:PutObject", Resource: out["CasBucketArn"] + "/data.csv", Context: map[string]string{"aws:SecureTransport": "true"}}) {
		t.Errorf("CAS bucket policy does not allow delivery: %v %v", casPolicy, err)
	}
	sddsPolicy, err := c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(out["SddsBucketName"])})
	if err != nil || !policyAllows(aws.ToString(sddsPolicy.Policy), reports("s3:PutObject", out["SddsBucketArn"]+"/x")) {
		t.Errorf("SDDS bucket policy does not grant %s: %v", reportsPrincipal, err)
	}
	enc, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(out["SddsBucketName"])})
	if err != nil || aws.ToString(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != out["SddsKeyArn"] {
		t.Errorf("SDDS bucket encryption = %+v, %v", enc, err)
	}
	objs, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(out["SddsBucketName"]), Prefix: aws.String(DemoDataFeed + "_v1/")})
	if err != nil || len(objs.Contents) != 1 || !strings.HasSuffix(aws.ToString(objs.Contents[0].Key), "/data.csv") {
		t.Errorf("data feed objects = %+v, %v", objs, err)
	}
	casObjs, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(out["CasBucketName"])})
	if err != nil || len(casObjs.Contents) != 0 {
		t.Errorf("the CAS bucket is not empty: %+v, %v", casObjs, err)
	}

	// Key: enabled, its policy grants the reports principal.
	key, err := c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(out["SddsKeyArn"])})
	if err != nil || key.KeyMetadata.KeyState != "Enabled" {
		t.Errorf("DescribeKey = %+v, %v", key, err)
	}
	kp, err := c.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(out["SddsKeyArn"])})
	if err != nil || !policyAllows(aws.ToString(kp.Policy), reports("kms:GenerateDataKey", out["SddsKeyArn"])) {
		t.Errorf("key policy does not grant %s: %v", reportsPrincipal, err)
	}

	// Topics: their policies allow publishing and each is subscribed to the queue.
	for _, topic := range []string{out["CasTopicArn"], out["SddsTopicArn"]} {
		attrs, err := c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
		if err != nil || !policyAllows(attrs.Attributes["Policy"], reports("sns:Publish", topic)) {
			t.Errorf("topic %s policy does not let %s publish: %v", topic, reportsPrincipal, err)
		}
		subs, err := c.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
		if err != nil || len(subs.Subscriptions) != 1 || aws.ToString(subs.Subscriptions[0].Endpoint) != out["QueueArn"] {
			t.Errorf("subscriptions of %s = %+v, %v", topic, subs, err)
		}
	}

	// Queue: found by name, policy admits both topics, empty.
	name := out["QueueUrl"][strings.LastIndex(out["QueueUrl"], "/")+1:]
	u, err := c.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil || aws.ToString(u.QueueUrl) != out["QueueUrl"] {
		t.Errorf("GetQueueUrl = %v, %v", u, err)
	}
	qa, err := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"All"}})
	if err != nil || qa.Attributes["QueueArn"] != out["QueueArn"] || qa.Attributes["ApproximateNumberOfMessages"] != "0" {
		t.Fatalf("GetQueueAttributes = %+v, %v", qa, err)
	}
	for _, topic := range []string{out["CasTopicArn"], out["SddsTopicArn"]} {
		if !policyAllows(qa.Attributes["Policy"], iampolicy.Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: out["QueueArn"],
			Context: map[string]string{"aws:SourceArn": topic}}) {
			t.Errorf("queue policy does not admit %s", topic)
		}
	}
}

// policySnapshot collects every policy document of an account that launched
// the onboarding stack, with physical names replaced by ${Output} so that
// accounts of different scenarios compare.
func policySnapshot(t *testing.T, scenario string) map[string]string {
	t.Helper()
	sc, err := LookupScenario(scenario)
	if err != nil {
		t.Fatal(err)
	}
	a, err := sc.build()
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown()
	st, _ := a.Stack(OnboardingStackName)
	keys := sortedKeys(st.Outputs)
	sort.SliceStable(keys, func(i, j int) bool { return len(st.Outputs[keys[i]]) > len(st.Outputs[keys[j]]) })
	norm := func(s string) string {
		for _, k := range keys {
			if v := st.Outputs[k]; len(v) > 3 {
				s = strings.ReplaceAll(s, v, "${"+k+"}")
			}
		}
		return s
	}
	snap := map[string]string{}
	for _, b := range a.Buckets() {
		snap[norm("bucket "+b.Name)] = norm(b.Policy)
	}
	for _, tp := range a.Topics() {
		snap[norm("topic "+tp.ARN)] = norm(tp.Attributes["Policy"])
	}
	for _, k := range a.Keys() {
		snap[norm("key "+k.ARN)] = norm(k.Policy)
	}
	for _, q := range a.Queues() {
		snap[norm("queue "+q.ARN)] = norm(q.Attributes["Policy"])
	}
	for _, r := range a.Roles() {
		snap[norm("role "+r.Name)] = norm(r.AssumeRolePolicyDocument)
		for n, d := range r.InlinePolicies {
			snap[norm("role "+r.Name+" policy "+n)] = norm(d)
		}
	}
	return snap
}

// TestBrokenScenarios: cas-broken and sdds-broken differ from connected in
// exactly the one policy each is meant to break, and in the intended way.
func TestBrokenScenarios(t *testing.T) {
	connected := policySnapshot(t, "connected")
	tests := []struct {
		scenario, changed string
		check             func(t *testing.T, before, after string)
	}{
		{"cas-broken", "topic ${CasTopicArn}", func(t *testing.T, before, after string) {
			ctx := map[string]string{"aws:SourceAccount": "111122223333", "aws:SourceOwner": "111122223333"}
			req := iampolicy.Request{Principal: "arn:aws:iam::111122223333:role/CasRole", Action: "sns:Publish", Resource: "${CasTopicArn}", Context: ctx}
			svc := iampolicy.Request{Service: reportsPrincipal, Action: "sns:Publish", Resource: "${CasTopicArn}", Context: ctx}
			get := req
			get.Action = "sns:GetTopicAttributes"
			if !policyAllows(before, req) || !policyAllows(before, svc) || policyAllows(after, req) || policyAllows(after, svc) || !policyAllows(after, get) {
				t.Errorf("CAS topic policy\nbefore %s\nafter  %s", before, after)
			}
		}},
		{"sdds-broken", "key ${SddsKeyArn}", func(t *testing.T, before, after string) {
			svc := iampolicy.Request{Service: reportsPrincipal, Action: "kms:GenerateDataKey", Resource: "${SddsKeyArn}",
				Context: map[string]string{"aws:SourceAccount": "111122223333",
					"aws:SourceArn": "arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"}}
			admin := iampolicy.Request{Principal: "arn:aws:iam::111122223333:root", Action: "kms:PutKeyPolicy", Resource: "${SddsKeyArn}"}
			if !policyAllows(before, svc) || policyAllows(after, svc) || !policyAllows(after, admin) || strings.Contains(after, reportsPrincipal) {
				t.Errorf("SDDS key policy\nbefore %s\nafter  %s", before, after)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			broken := policySnapshot(t, tt.scenario)
			if len(broken) != len(connected) {
				t.Fatalf("%d policies, connected has %d", len(broken), len(connected))
			}
			var diff []string
			for k, v := range connected {
				if broken[k] != v {
					diff = append(diff, k)
				}
			}
			if len(diff) != 1 || diff[0] != tt.changed {
				t.Fatalf("policies that differ: %v, want only %s", diff, tt.changed)
			}
			tt.check(t, connected[tt.changed], broken[tt.changed])
		})
	}
}

// TestAWSCLIReadsConnected reads the connected scenario's bucket, topic, key,
// role and queue with the AWS CLI, and checks the CLI reports SQS's legacy
// error code.
func TestAWSCLIReadsConnected(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, _ := startSandbox(t, "connected")
	st, _ := srv.Account().Stack(OnboardingStackName)
	out := st.Outputs
	env := isolatedAWSEnv(t, "", staticKeys...)
	ep := []string{"--endpoint-url", srv.URL(), "--output", "json", "--region", "us-east-1"}
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, v map[string]any)
	}{
		{"s3api get-bucket-policy", []string{"s3api", "get-bucket-policy", "--bucket", out["SddsBucketName"]}, func(t *testing.T, v map[string]any) {
			if p, _ := v["Policy"].(string); !strings.Contains(p, reportsPrincipal) {
				t.Errorf("Policy = %v", v)
			}
		}},
		{"s3api get-bucket-encryption", []string{"s3api", "get-bucket-encryption", "--bucket", out["SddsBucketName"]}, func(t *testing.T, v map[string]any) {
			if !strings.Contains(strings.Join(flatten(v), " "), out["SddsKeyArn"]) {
				t.Errorf("encryption = %v", v)
			}
		}},
		{"s3api list-objects-v2", []string{"s3api", "list-objects-v2", "--bucket", out["SddsBucketName"]}, func(t *testing.T, v map[string]any) {
			if c, _ := v["Contents"].([]any); len(c) != 1 || !strings.Contains(strings.Join(flatten(v), " "), "/data.csv") {
				t.Errorf("listing = %v", v)
			}
		}},
		{"sns get-topic-attributes", []string{"sns", "get-topic-attributes", "--topic-arn", out["CasTopicArn"]}, func(t *testing.T, v map[string]any) {
			a, _ := v["Attributes"].(map[string]any)
			if a["TopicArn"] != out["CasTopicArn"] || !strings.Contains(a["Policy"].(string), "sns:Publish") {
				t.Errorf("attributes = %v", v)
			}
		}},
		{"kms describe-key", []string{"kms", "describe-key", "--key-id", out["SddsKeyArn"]}, func(t *testing.T, v map[string]any) {
			md, _ := v["KeyMetadata"].(map[string]any)
			if md["Arn"] != out["SddsKeyArn"] || md["KeyState"] != "Enabled" || md["KeyManager"] != "CUSTOMER" {
				t.Errorf("KeyMetadata = %v", v)
			}
		}},
		{"iam get-role", []string{"iam", "get-role", "--role-name", out["PartnerRoleName"]}, func(t *testing.T, v map[string]any) {
			r, _ := v["Role"].(map[string]any)
			if r["Arn"] != out["PartnerRoleArn"] || !strings.Contains(strings.Join(flatten(v), " "), DemoExternalID) {
				t.Errorf("Role = %v", v)
			}
		}},
		{"sqs get-queue-attributes", []string{"sqs", "get-queue-attributes", "--queue-url", out["QueueUrl"], "--attribute-names", "All"}, func(t *testing.T, v map[string]any) {
			a, _ := v["Attributes"].(map[string]any)
			if a["QueueArn"] != out["QueueArn"] || a["ApproximateNumberOfMessages"] != "0" {
				t.Errorf("attributes = %v", v)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v map[string]any
			runJSON(t, env, &v, append(append([]string{"aws"}, tt.args...), ep...)...)
			tt.check(t, v)
		})
	}
	t.Run("sqs error code", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "aws", append([]string{"sqs", "get-queue-url", "--queue-name", "no-such-queue"}, ep...)...)
		cmd.Env = env
		b, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(b), "AWS.SimpleQueueService.NonExistentQueue") {
			t.Errorf("aws sqs get-queue-url (missing) = %v: %s", err, b)
		}
	})
}

// flatten lists every string value in a decoded JSON document.
func flatten(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case map[string]any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return nil
}

// buildScenario builds the named scenario's account outside any server.
func buildScenario(t *testing.T, name string) *Account {
	t.Helper()
	sc, err := LookupScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := sc.build()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.shutdown)
	return a
}

// TestCatalogLargeScenario: catalog-large is the connected seller with
// exactly LargeCatalogSize entities, largeCatalog's count of each type, all
// IDs and names different, dates varied, some entities tagged, and the same
// catalog on every build.
func TestCatalogLargeScenario(t *testing.T) {
	a := buildScenario(t, "catalog-large")
	if st, ok := a.Stack(OnboardingStackName); !ok || st.Status != "CREATE_COMPLETE" {
		t.Errorf("onboarding stack = %v %s, want CREATE_COMPLETE", ok, st.Status)
	}
	ents := a.CatalogEntities()
	if len(ents) != LargeCatalogSize {
		t.Fatalf("%d entities, want %d", len(ents), LargeCatalogSize)
	}
	want := map[string]int{}
	sum := 0
	for _, c := range largeCatalog {
		want[c.typ] = c.n
		sum += c.n
	}
	if sum != LargeCatalogSize || len(want) != 7 {
		t.Fatalf("largeCatalog sums to %d over %d types", sum, len(want))
	}
	types, shared, tagged, teamXYZ := map[string]int{}, 0, 0, 0
	ids, arns, names, dates := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range ents {
		types[e.Type]++
		if ids[e.ID] || arns[e.ARN] || names[e.Type+"/"+e.Name] {
			t.Errorf("duplicate entity %s %s %q", e.Type, e.ID, e.Name)
		}
		ids[e.ID], arns[e.ARN], names[e.Type+"/"+e.Name] = true, true, true
		dates[e.LastModified.Format(catalogTimeFormat)] = true
		if e.Shared {
			shared++
		}
		if len(e.Tags) > 0 {
			tagged++
		}
		if slices.Contains(e.Tags, Tag{SeededTeamTag, "team-xyz"}) {
			teamXYZ++
		}
		if !strings.HasPrefix(e.ID, entityIDPrefix(e.Type)) || !strings.HasSuffix(e.ARN, "/"+e.Type+"/"+e.ID) {
			t.Errorf("entity %s %s has ARN %s", e.Type, e.ID, e.ARN)
		}
		// Seeded entities are what addEntity would have made of them.
		if d := defaultEntityDetails(&e); e.Details != d {
			t.Errorf("entity %s details\n%s\nwant\n%s", e.ID, e.Details, d)
		}
		if x := (&Account{ID: a.ID, Region: a.Region}).addEntity(e.Type, e.Name, e.Visibility, e.LastModified, ""); !e.Shared && x.ID != e.ID {
			t.Errorf("entity %q has ID %s, addEntity gives %s", e.Name, e.ID, x.ID)
		}
	}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("entities per type = %v, want %v", types, want)
	}
	products := want["SaaSProduct"] + want["AmiProduct"] + want["ContainerProduct"] + want["DataProduct"]
	if shared != 1 || tagged < (products+want["Offer"])*9/10 || tagged >= LargeCatalogSize ||
		teamXYZ < (products+want["Offer"])/3-10 || len(dates) < LargeCatalogSize*9/10 {
		t.Errorf("%d shared, %d tagged, %d tagged team-xyz, %d different dates", shared, tagged, teamXYZ, len(dates))
	}
	if b := buildScenario(t, "catalog-large"); fmt.Sprint(b.CatalogEntities()) != fmt.Sprint(ents) {
		t.Error("the catalog differs between builds")
	}
}

// TestCatalogLargeSeedingIsFast: the 5,000 entities are seeded at sandbox
// start, so they must take a small fraction of 100 ms (best of five, to
// ignore a busy machine; BenchmarkSeedLargeCatalog measures it).
func TestCatalogLargeSeedingIsFast(t *testing.T) {
	best := time.Hour
	for range 5 {
		a := newAccount("catalog-large", accountEnv{})
		start := time.Now()
		setupSellerAccount(a)
		seedLargeCatalog(a)
		best = min(best, time.Since(start))
		if len(a.entities) != LargeCatalogSize {
			t.Fatalf("%d entities", len(a.entities))
		}
		a.shutdown()
	}
	t.Logf("seeding %d entities took %v", LargeCatalogSize, best)
	// The race detector's instrumentation slows the seeding several times over.
	if limit := 100 * time.Millisecond * raceSlowdown; best > limit {
		t.Errorf("seeding %d entities took %v, want well under %v", LargeCatalogSize, best, limit)
	}
}

// TestCatalogLargePagination: ListEntities through the SDK's paginator, type
// by type and for both ownership types, returns every one of the 5,000
// entities exactly once, newest first within each listing.
func TestCatalogLargePagination(t *testing.T) {
	srv, mc := startCatalog(t, "catalog-large", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	// This test is about paging, not faults: a connection torn down under a
	// loaded machine (seen under -race) is retried as any client would.
	mc = marketplacecatalog.New(mc.Options(), func(o *marketplacecatalog.Options) { o.RetryMaxAttempts = 3 })
	ctx := t.Context()
	seen := map[string]int{}
	pages := 0
	for _, c := range largeCatalog {
		for _, own := range []mctypes.OwnershipType{mctypes.OwnershipTypeSelf, mctypes.OwnershipTypeShared} {
			p := marketplacecatalog.NewListEntitiesPaginator(mc, &marketplacecatalog.ListEntitiesInput{
				Catalog: aws.String(CatalogName), EntityType: aws.String(c.typ), OwnershipType: own, MaxResults: aws.Int32(50),
				Sort: &mctypes.Sort{SortBy: aws.String("LastModifiedDate"), SortOrder: mctypes.SortOrderDescending}})
			last := ""
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatalf("%s %s page %d: %v", c.typ, own, pages, err)
				}
				pages++
				if len(out.EntitySummaryList) > 50 {
					t.Errorf("%s page of %d entities", c.typ, len(out.EntitySummaryList))
				}
				for _, e := range out.EntitySummaryList {
					seen[aws.ToString(e.EntityArn)]++
					if d := aws.ToString(e.LastModifiedDate); last != "" && d > last {
						t.Errorf("%s: %s listed after %s", c.typ, d, last)
					}
					last = aws.ToString(e.LastModifiedDate)
					if aws.ToString(e.EntityType) != c.typ {
						t.Errorf("listing %s returned a %s", c.typ, aws.ToString(e.EntityType))
					}
				}
			}
		}
	}
	for arn, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", arn, n)
		}
	}
	if len(seen) != LargeCatalogSize {
		t.Errorf("listed %d different entities, want %d", len(seen), LargeCatalogSize)
	}
	for _, e := range srv.Account().CatalogEntities() {
		if seen[e.ARN] != 1 {
			t.Errorf("%s %s not listed", e.Type, e.ARN)
		}
	}
	// 100 full pages and a partial one or two per type (and the shared one).
	if pages < LargeCatalogSize/50 || pages > LargeCatalogSize/50+2*len(largeCatalog) {
		t.Errorf("%d pages", pages)
	}
}

// TestCatalogBenchScenarios: catalog-bench has the named products and
// DefaultBenchOffers offers, catalog-bench-N has N; malformed or out-of-range
// counts are unknown scenarios, and only catalog-bench is listed.
func TestCatalogBenchScenarios(t *testing.T) {
	for name, offers := range map[string]int{"catalog-bench": DefaultBenchOffers, "catalog-bench-50": 50, "catalog-bench-1": 1,
		fmt.Sprintf("catalog-bench-%d", MaxBenchOffers): MaxBenchOffers} {
		a := buildScenario(t, name)
		types := map[string]int{}
		for _, e := range a.CatalogEntities() {
			types[e.Type]++
		}
		if want := fmt.Sprint(map[string]int{"AmiProduct": 2, "Offer": offers, "SaaSProduct": 4}); fmt.Sprint(types) != want {
			t.Errorf("%s: entities per type %v, want %v", name, types, want)
		}
		if !a.Seller || a.CatalogQuota("TagResource") != 5 || a.CatalogQuota("ListEntities") != 10 {
			t.Errorf("%s: seller %v, quotas TagResource %g ListEntities %g", name, a.Seller, a.CatalogQuota("TagResource"), a.CatalogQuota("ListEntities"))
		}
	}
	for _, name := range []string{"catalog-bench-0", "catalog-bench-050", "catalog-bench-+5", "catalog-bench-", "catalog-bench-x",
		fmt.Sprintf("catalog-bench-%d", MaxBenchOffers+1)} {
		if _, err := LookupScenario(name); err == nil || !strings.Contains(err.Error(), "unknown sandbox scenario") {
			t.Errorf("LookupScenario(%q) error = %v, want unknown", name, err)
		}
	}
	names := ScenarioNames()
	if !slices.Contains(names, "catalog-bench") || !slices.Contains(names, "catalog-large") ||
		slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "catalog-bench-") }) {
		t.Errorf("ScenarioNames() = %v", names)
	}
}
