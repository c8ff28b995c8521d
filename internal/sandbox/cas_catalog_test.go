package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

const casTarget = "MarketplaceCommerceAnalytics20150701.GenerateDataSet"

// casRequest is a GenerateDataSet body for the connected scenario's stack.
func casRequest(out map[string]string, edit func(m map[string]any)) string {
	m := map[string]any{
		"dataSetType":             "customer_subscriber_hourly_monthly_subscriptions",
		"dataSetPublicationDate":  time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).Unix(),
		"roleNameArn":             out["PartnerRoleArn"],
		"destinationS3BucketName": out["CasBucketName"],
		"destinationS3Prefix":     "test-prefix",
		"snsTopicArn":             out["CasTopicArn"],
	}
	if edit != nil {
		edit(m)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestGenerateDataSetDelivers: a successful GenerateDataSet writes the data set
// and its metadata into the bucket and its notification reaches the queue.
func TestGenerateDataSetDelivers(t *testing.T) {
	c := startClients(t, "connected")
	out := c.outputs(t)
	resp := signedJSON(t, c.srv, "marketplacecommerceanalytics", casTarget, casRequest(out, nil))
	var res struct {
		DataSetRequestID string `json:"dataSetRequestId"`
	}
	if resp.status != 200 || json.Unmarshal([]byte(resp.body), &res) != nil || res.DataSetRequestID == "" ||
		resp.header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("GenerateDataSet = %d %s", resp.status, resp.body)
	}
	key := "test-prefix/customer_subscriber_hourly_monthly_subscriptions_2026-11-20.csv"
	obj, err := c.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(out["CasBucketName"]), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject(%s): %v", key, err)
	}
	obj.Body.Close()
	meta, err := c.s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(out["CasBucketName"]),
		Key: aws.String(strings.TrimSuffix(key, ".csv") + ".meta.json")})
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		DataSetRequestID string `json:"dataSetRequestId"`
	}
	if json.NewDecoder(meta.Body).Decode(&md) != nil || md.DataSetRequestID != res.DataSetRequestID {
		t.Errorf("metadata request ID %q, want %q", md.DataSetRequestID, res.DataSetRequestID)
	}
	meta.Body.Close()

	rec, err := c.sqs.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(out["QueueUrl"]), WaitTimeSeconds: 1})
	if err != nil || len(rec.Messages) != 1 {
		t.Fatalf("ReceiveMessage = %+v, %v", rec, err)
	}
	var note struct {
		DataSetS3Location         struct{ BucketName, Key string }
		DataSetMetaDataS3Location struct{ BucketName, Key string }
		DataSetRequestID          string `json:"dataSetRequestId"`
		Success                   bool   `json:"success"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(rec.Messages[0].Body)), &note); err != nil || !note.Success ||
		note.DataSetRequestID != res.DataSetRequestID || note.DataSetS3Location.Key != key ||
		note.DataSetS3Location.BucketName != out["CasBucketName"] || !strings.HasSuffix(note.DataSetMetaDataS3Location.Key, ".meta.json") {
		t.Errorf("notification = %s", aws.ToString(rec.Messages[0].Body))
	}
}

func TestGenerateDataSetErrors(t *testing.T) {
	connected := startClients(t, "connected")
	out := connected.outputs(t)
	casBroken := startClients(t, "cas-broken")
	brokenOut := casBroken.outputs(t)
	notSeller := startClients(t, "not-seller")
	fresh := startClients(t, "fresh")

	tests := []struct {
		name   string
		srv    *Server
		body   string
		status int
		code   string
		msg    string
	}{
		{"missing fields", connected.srv, `{"dataSetType":"daily_business_fees","dataSetPublicationDate":1763596800}`, 400, "ValidationException",
			"3 validation errors detected: Value null at 'roleNameArn'"},
		{"unknown data set type", connected.srv, casRequest(out, func(m map[string]any) { m["dataSetType"] = "weekly_gossip" }), 400,
			"ValidationException", "Value 'weekly_gossip' at 'dataSetType' failed to satisfy constraint: Member must satisfy enum value set"},
		{"too many customer values", connected.srv, casRequest(out, func(m map[string]any) {
			m["customerDefinedValues"] = map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
		}), 400, "ValidationException", "customerDefinedValues"},
		{"malformed body", connected.srv, `{"dataSetPublicationDate":"yesterday"}`, 400, "SerializationException", ""},
		{"role of another account", connected.srv, casRequest(out, func(m map[string]any) {
			m["roleNameArn"] = "arn:aws:iam::999988887777:role/MarketplaceCommerceAnalyticsRole"
		}), 500, "MarketplaceCommerceAnalyticsException", "is not the ARN of an IAM role in account 111122223333"},
		{"missing bucket", connected.srv, casRequest(out, func(m map[string]any) { m["destinationS3BucketName"] = "no-such-bucket" }), 500,
			"MarketplaceCommerceAnalyticsException", `Unable to deliver the data set to S3 bucket "no-such-bucket" (NoSuchBucket`},
		{"missing topic", connected.srv, casRequest(out, func(m map[string]any) { m["snsTopicArn"] = "arn:aws:sns:us-east-1:111122223333:nope" }), 500,
			"MarketplaceCommerceAnalyticsException", "the topic does not exist"},
		{"topic policy without publish (cas-broken)", casBroken.srv, casRequest(brokenOut, nil), 500,
			"MarketplaceCommerceAnalyticsException", "the topic policy does not allow sns:Publish"},
		{"nothing launched (fresh)", fresh.srv, casRequest(map[string]string{"PartnerRoleArn": "arn:aws:iam::111122223333:role/CasRole",
			"CasBucketName": "sellerdesk-cas", "CasTopicArn": "arn:aws:sns:us-east-1:111122223333:cas"}, nil), 500,
			"MarketplaceCommerceAnalyticsException", "NoSuchBucket"},
		{"not a seller", notSeller.srv, casRequest(map[string]string{"PartnerRoleArn": "arn:aws:iam::444455556666:role/CasRole",
			"CasBucketName": "b", "CasTopicArn": "arn:aws:sns:us-east-1:444455556666:t"}, nil), 500,
			"MarketplaceCommerceAnalyticsException", "is not on its allow list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := signedJSON(t, tt.srv, "marketplacecommerceanalytics", casTarget, tt.body)
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal([]byte(resp.body), &e)
			if resp.status != tt.status || e.Type != tt.code || !strings.Contains(e.Message, tt.msg) || resp.header.Get("x-amzn-RequestId") == "" {
				t.Errorf("= %d %s, want %d %s containing %q", resp.status, resp.body, tt.status, tt.code, tt.msg)
			}
			if strings.Contains(e.Message, "is not authorized to perform") {
				t.Errorf("message %q reads like a missing IAM permission", e.Message)
			}
		})
	}
	// Nothing was delivered by the failures.
	b, _ := connected.srv.Account().Bucket(out["CasBucketName"])
	if len(b.Objects) != 0 || len(connected.srv.Account().QueueMessages(out["QueueUrl"])) != 0 {
		t.Errorf("failed requests delivered %d objects", len(b.Objects))
	}
}

func TestListEntities(t *testing.T) {
	c := startClients(t, "fresh")
	c.srv.Account().SetCatalogQuotaScale(1000) // not a throttling test
	ctx := t.Context()
	// want counts the scenario's entities of a type and ownership.
	want := func(typ string, shared bool) int {
		n := 0
		for _, e := range c.srv.Account().CatalogEntities() {
			if e.Type == typ && e.Shared == shared {
				n++
			}
		}
		return n
	}
	list := func(typ string, ownership mctypes.OwnershipType, max int32) ([]mctypes.EntitySummary, int, error) {
		in := &marketplacecatalog.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String(typ), OwnershipType: ownership}
		if max > 0 {
			in.MaxResults = aws.Int32(max)
		}
		var all []mctypes.EntitySummary
		pages := 0
		pg := marketplacecatalog.NewListEntitiesPaginator(c.catalog, in)
		for pg.HasMorePages() {
			p, err := pg.NextPage(ctx)
			if err != nil {
				return nil, pages, err
			}
			pages++
			all = append(all, p.EntitySummaryList...)
		}
		return all, pages, nil
	}
	saas, pages, err := list("SaaSProduct", mctypes.OwnershipTypeSelf, 7)
	if err != nil {
		t.Fatal(err)
	}
	if n := want("SaaSProduct", false); n < 50 || len(saas) != n || pages != (n+6)/7 {
		t.Fatalf("SaaSProduct SELF: %d entities in %d pages", len(saas), pages)
	}
	for i, e := range saas {
		if aws.ToString(e.EntityType) != "SaaSProduct" || !strings.HasPrefix(aws.ToString(e.EntityId), "prod-") ||
			aws.ToString(e.EntityArn) != "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/"+aws.ToString(e.EntityId) ||
			e.SaaSProductSummary == nil || aws.ToString(e.SaaSProductSummary.ProductTitle) != aws.ToString(e.Name) ||
			aws.ToString(e.Visibility) == "" || aws.ToString(e.LastModifiedDate) == "" {
			t.Errorf("entity %d = %+v", i, e)
		}
		if i > 0 && aws.ToString(e.LastModifiedDate) > aws.ToString(saas[i-1].LastModifiedDate) {
			t.Errorf("entities not sorted newest first: %v after %v", aws.ToString(e.LastModifiedDate), aws.ToString(saas[i-1].LastModifiedDate))
		}
	}
	counts := []struct {
		typ       string
		ownership mctypes.OwnershipType
		want      int
	}{
		{"SaaSProduct", "", want("SaaSProduct", false)},
		{"AmiProduct", mctypes.OwnershipTypeSelf, want("AmiProduct", false)},
		{"SaaSProduct", mctypes.OwnershipTypeShared, 1},
		{"ContainerProduct", mctypes.OwnershipTypeSelf, want("ContainerProduct", false)},
		{"DataProduct", mctypes.OwnershipTypeSelf, want("DataProduct", false)},
		{"Offer", mctypes.OwnershipTypeSelf, want("Offer", false)},
		{"ResaleAuthorization", mctypes.OwnershipTypeSelf, want("ResaleAuthorization", false)},
		{"Experience", mctypes.OwnershipTypeSelf, want("Experience", false)},
		{"MachineLearningProduct", mctypes.OwnershipTypeSelf, 0},
	}
	total := 0
	for _, tt := range counts {
		got, pages, err := list(tt.typ, tt.ownership, 50)
		total += len(got)
		if err != nil || len(got) != tt.want || pages != max(1, (tt.want+49)/50) {
			t.Errorf("ListEntities(%s, %s) = %d entities in %d pages, %v; want %d", tt.typ, tt.ownership, len(got), pages, err, tt.want)
		}
	}
	if total < 250 {
		t.Errorf("the fresh scenario lists %d entities, want a few hundred", total)
	}

	sorted, err := c.catalog.ListEntities(ctx, &marketplacecatalog.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"),
		EntityType: aws.String("AmiProduct"), Sort: &mctypes.Sort{SortBy: aws.String("Name"), SortOrder: mctypes.SortOrderAscending},
		FilterList: []mctypes.Filter{{Name: aws.String("Visibility"), ValueList: []string{"Public", "Restricted"}},
			{Name: aws.String("Name"), ValueList: []string{"SellerDesk Gateway for Arm", "SellerDesk Gateway"}}}})
	if err != nil || len(sorted.EntitySummaryList) != 2 || aws.ToString(sorted.EntitySummaryList[0].Name) != "SellerDesk Gateway" {
		t.Errorf("sorted by name: %+v, %v", sorted, err)
	}

	base := func(edit func(in *marketplacecatalog.ListEntitiesInput)) *marketplacecatalog.ListEntitiesInput {
		in := &marketplacecatalog.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"), EntityType: aws.String("SaaSProduct")}
		edit(in)
		return in
	}
	errorsTests := []struct {
		name string
		in   *marketplacecatalog.ListEntitiesInput
		msg  string
	}{
		{"wrong catalog", base(func(in *marketplacecatalog.ListEntitiesInput) { in.Catalog = aws.String("AWSMarketplaceTest") }), "Catalog 'AWSMarketplaceTest' is not valid"},
		{"versioned entity type", base(func(in *marketplacecatalog.ListEntitiesInput) { in.EntityType = aws.String("SaaSProduct@1.0") }), "EntityType 'SaaSProduct@1.0' is not valid"},
		{"unknown entity type", base(func(in *marketplacecatalog.ListEntitiesInput) { in.EntityType = aws.String("Spaceship") }), "EntityType 'Spaceship' is not valid"},
		{"max results too high", base(func(in *marketplacecatalog.ListEntitiesInput) { in.MaxResults = aws.Int32(51) }), "MaxResults must be between 1 and 50"},
		{"max results zero", base(func(in *marketplacecatalog.ListEntitiesInput) { in.MaxResults = aws.Int32(0) }), "MaxResults must be between 1 and 50"},
		{"ownership", base(func(in *marketplacecatalog.ListEntitiesInput) { in.OwnershipType = "MINE" }), "OwnershipType 'MINE' is not valid"},
		{"bad next token", base(func(in *marketplacecatalog.ListEntitiesInput) { in.NextToken = aws.String("not-a-token") }), "NextToken is not valid"},
	}
	// A token from another query is refused too.
	first, err := c.catalog.ListEntities(ctx, base(func(in *marketplacecatalog.ListEntitiesInput) { in.MaxResults = aws.Int32(1) }))
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	errorsTests = append(errorsTests, struct {
		name string
		in   *marketplacecatalog.ListEntitiesInput
		msg  string
	}{"token of another query", base(func(in *marketplacecatalog.ListEntitiesInput) {
		in.EntityType = aws.String("AmiProduct")
		in.NextToken = first.NextToken
	}), "NextToken is not valid"})
	for _, tt := range errorsTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.catalog.ListEntities(ctx, tt.in)
			wantAPIError(t, tt.name, err, "ValidationException", 422, tt.msg)
			var ve *mctypes.ValidationException
			if !errors.As(err, &ve) {
				t.Errorf("%T is not *types.ValidationException", err)
			}
		})
	}
}

// TestListEntitiesRefusals: a non-seller is refused by the service, a caller
// without IAM permission by IAM — with messages the Seller tile tells apart.
func TestListEntitiesRefusals(t *testing.T) {
	tests := []struct {
		scenario string
		msg      string
		iam      bool
	}{
		{"not-seller", "Seller account is not registered with AWS Marketplace", false},
		{"catalog-denied", "User: arn:aws:iam::111122223333:user/sandbox-seller is not authorized to perform: aws-marketplace:ListEntities " +
			"on resource: arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/AmiProduct/*", true},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			c := startClients(t, tt.scenario)
			_, err := c.catalog.ListEntities(t.Context(), &marketplacecatalog.ListEntitiesInput{Catalog: aws.String("AWSMarketplace"),
				EntityType: aws.String("AmiProduct"), OwnershipType: mctypes.OwnershipTypeSelf})
			wantAPIError(t, "ListEntities", err, "AccessDeniedException", 403, tt.msg)
			var ad *mctypes.AccessDeniedException
			if !errors.As(err, &ad) || strings.Contains(fmt.Sprint(err), "is not authorized to perform") != tt.iam {
				t.Errorf("%v: typed %T, IAM wording %v want %v", err, err, !tt.iam, tt.iam)
			}
		})
	}
}
