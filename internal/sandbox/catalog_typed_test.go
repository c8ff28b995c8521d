package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// typedListScript runs ListEntities with boto3 (which checks the request
// against botocore's model before sending it) and prints the answer.
const typedListScript = `
import json, sys, boto3
c = boto3.client("marketplace-catalog", endpoint_url=sys.argv[1], region_name="us-east-1")
args = json.loads(sys.argv[2])
try:
    out = c.list_entities(Catalog="AWSMarketplace", **args)
    out.pop("ResponseMetadata", None)
    print(json.dumps(out, default=str))
except c.exceptions.ValidationException as e:
    print(json.dumps({"Error": e.response["Error"]["Code"], "Message": e.response["Error"]["Message"]}))
`

// TestListEntitiesTypedFiltersAndSort: EntityTypeFilters and EntityTypeSort
// select and order offers and resale authorizations by the fields of their
// typed summaries, which ListEntities returns (OfferSummary,
// ResaleAuthorizationSummary); judged by boto3.
func TestListEntitiesTypedFiltersAndSort(t *testing.T) {
	requireTool(t, "boto3", "python3", "-c", "import boto3")
	srv, _ := startSandbox(t, "fresh")
	a := srv.Account()
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	a.mu.Lock()
	a.insertEntity("Offer", "offer-zzdraftexample1", "Zeta draft offer", "", at, a.ID,
		`{"Name":"Zeta draft offer","State":"Draft","ProductId":"prod-typedexample01"}`)
	a.insertEntity("Offer", "offer-zzprivateexam1", "Alpha private offer", "", at.Add(time.Hour), a.ID,
		`{"Name":"Alpha private offer","State":"Released","ProductId":"prod-typedexample01","Targeting":{"PositiveTargeting":{"BuyerAccounts":["444455556666"]}}}`)
	a.insertEntity("ResaleAuthorization", "resaleauthz-zztypedexam1", "Typed resale", "", at, a.ID,
		`{"Name":"Typed resale","Status":"Draft","ProductId":"prod-typedexample01","ResellerAccountID":"444455556666"}`)
	a.mu.Unlock()
	env := isolatedAWSEnv(t, "", staticKeys...)
	list := func(args map[string]any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(args)
		var out map[string]any
		runJSON(t, env, &out, "python3", "-c", typedListScript, srv.URL(), string(b))
		return out
	}
	ids := func(out map[string]any) []string {
		var ids []string
		l, _ := out["EntitySummaryList"].([]any)
		for _, e := range l {
			ids = append(ids, e.(map[string]any)["EntityId"].(string))
		}
		return ids
	}
	tests := []struct {
		name    string
		args    map[string]any
		wantIDs []string // nil: check wantErr
		wantErr string
	}{
		{"offers of a product, by name", map[string]any{"EntityType": "Offer",
			"EntityTypeFilters": map[string]any{"OfferFilters": map[string]any{"ProductId": map[string]any{"ValueList": []string{"prod-typedexample01"}}}},
			"EntityTypeSort":    map[string]any{"OfferSort": map[string]any{"SortBy": "Name", "SortOrder": "ASCENDING"}}},
			[]string{"offer-zzprivateexam1", "offer-zzdraftexample1"}, ""},
		{"draft offers", map[string]any{"EntityType": "Offer",
			"EntityTypeFilters": map[string]any{"OfferFilters": map[string]any{"State": map[string]any{"ValueList": []string{"Draft"}}}}},
			[]string{"offer-zzdraftexample1"}, ""},
		{"offers targeting a buyer", map[string]any{"EntityType": "Offer",
			"EntityTypeFilters": map[string]any{"OfferFilters": map[string]any{"BuyerAccounts": map[string]any{"WildCardValue": "4444"},
				"Targeting": map[string]any{"ValueList": []string{"BuyerAccounts"}}}}},
			[]string{"offer-zzprivateexam1"}, ""},
		{"offers changed in a date range", map[string]any{"EntityType": "Offer",
			"EntityTypeFilters": map[string]any{"OfferFilters": map[string]any{"LastModifiedDate": map[string]any{"DateRange": map[string]any{
				"AfterValue": "2026-05-01T00:30:00Z", "BeforeValue": "2026-05-02T00:00:00Z"}}}}},
			[]string{"offer-zzprivateexam1"}, ""},
		{"resale authorizations by reseller", map[string]any{"EntityType": "ResaleAuthorization",
			"EntityTypeFilters": map[string]any{"ResaleAuthorizationFilters": map[string]any{"ResellerAccountID": map[string]any{"ValueList": []string{"444455556666"}}}}},
			[]string{"resaleauthz-zztypedexam1"}, ""},
		{"filters of another type", map[string]any{"EntityType": "Offer",
			"EntityTypeFilters": map[string]any{"SaaSProductFilters": map[string]any{"ProductTitle": map[string]any{"ValueList": []string{"x"}}}}},
			nil, "does not match the EntityType Offer"},
		{"sort of another type", map[string]any{"EntityType": "Offer",
			"EntityTypeSort": map[string]any{"ResaleAuthorizationSort": map[string]any{"SortBy": "Name"}}},
			nil, "does not match the EntityType Offer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := list(tt.args)
			if tt.wantIDs == nil {
				if out["Error"] != "ValidationException" || !strings.Contains(out["Message"].(string), tt.wantErr) {
					t.Fatalf("got %v, want ValidationException %q", out, tt.wantErr)
				}
				return
			}
			if got := ids(out); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("entities %v, want %v", got, tt.wantIDs)
			}
		})
	}
	// The typed summaries, as botocore's model names their fields.
	out := list(map[string]any{"EntityType": "Offer", "EntityTypeFilters": map[string]any{"OfferFilters": map[string]any{
		"EntityId": map[string]any{"ValueList": []string{"offer-zzprivateexam1"}}}}})
	l, _ := out["EntitySummaryList"].([]any)
	if len(l) != 1 {
		t.Fatalf("%v", out)
	}
	sum, _ := l[0].(map[string]any)["OfferSummary"].(map[string]any)
	if sum["Name"] != "Alpha private offer" || sum["State"] != "Released" || sum["ProductId"] != "prod-typedexample01" ||
		!slices.Equal(toStrings(sum["BuyerAccounts"]), []string{"444455556666"}) || !slices.Equal(toStrings(sum["Targeting"]), []string{"BuyerAccounts"}) {
		t.Errorf("OfferSummary = %v", sum)
	}
	out = list(map[string]any{"EntityType": "ResaleAuthorization", "MaxResults": 50})
	for _, e := range out["EntitySummaryList"].([]any) {
		m := e.(map[string]any)
		ra, _ := m["ResaleAuthorizationSummary"].(map[string]any)
		if ra == nil || ra["Name"] != m["Name"] || ra["ManufacturerAccountId"] != sellerAccountID {
			t.Errorf("ResaleAuthorizationSummary of %v = %v", m["EntityId"], ra)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, s := range l {
		out = append(out, s.(string))
	}
	return out
}
