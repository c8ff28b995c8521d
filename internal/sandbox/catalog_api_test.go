package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mcdoc "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/document"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// startCatalog starts a sandbox on scenario at timeScale and returns it with
// a Catalog client that never retries (so throttling shows).
func startCatalog(t *testing.T, scenario string, timeScale float64) (*Server, *marketplacecatalog.Client) {
	t.Helper()
	logs := &logSink{}
	srv, err := Start(t.Context(), Options{Scenario: scenario, TimeScale: timeScale, Logf: logs.logf})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	cfg.RetryMaxAttempts = 1
	return srv, marketplacecatalog.NewFromConfig(cfg)
}

// firstEntity returns the first owned entity of typ in the account.
func firstEntity(t *testing.T, a *Account, typ string) CatalogEntity {
	t.Helper()
	for _, e := range a.CatalogEntities() {
		if e.Type == typ && !e.Shared {
			return e
		}
	}
	t.Fatalf("no %s entity", typ)
	return CatalogEntity{}
}

func tagsOf(tags []mctypes.Tag) string {
	var s []string
	for _, t := range tags {
		s = append(s, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return strings.Join(s, ",")
}

func TestCatalogSeededScenarios(t *testing.T) {
	for _, name := range []string{"fresh", "connected", "throttled"} {
		sc, _ := LookupScenario(name)
		a, err := sc.build()
		if err != nil {
			t.Fatal(err)
		}
		ents := a.CatalogEntities()
		types, teamXYZ, ids := map[string]int{}, 0, map[string]bool{}
		for _, e := range ents {
			types[e.Type]++
			if ids[e.ID] {
				t.Errorf("%s: duplicate entity ID %s", name, e.ID)
			}
			ids[e.ID] = true
			for _, tg := range e.Tags {
				if tg.Key == SeededTeamTag && tg.Value == "team-xyz" {
					teamXYZ++
				}
			}
		}
		if len(ents) < 250 || len(types) < 7 || teamXYZ < 50 {
			t.Errorf("%s: %d entities, types %v, %d tagged team-xyz", name, len(ents), types, teamXYZ)
		}
		// Deterministic: the same scenario builds the same catalog.
		b, _ := sc.build()
		if fmt.Sprint(b.CatalogEntities()) != fmt.Sprint(ents) {
			t.Errorf("%s: the catalog differs between builds", name)
		}
		a.shutdown()
		b.shutdown()
	}
}

func TestCatalogDescribeEntity(t *testing.T) {
	srv, mc := startCatalog(t, "fresh", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	ctx := t.Context()
	e := firstEntity(t, srv.Account(), "SaaSProduct")
	out, err := mc.DescribeEntity(ctx, &marketplacecatalog.DescribeEntityInput{Catalog: aws.String(CatalogName), EntityId: aws.String(e.ID)})
	if err != nil {
		t.Fatal(err)
	}
	var details map[string]any
	if err := out.DetailsDocument.UnmarshalSmithyDocument(&details); err != nil {
		t.Fatal(err)
	}
	desc, _ := details["Description"].(map[string]any)
	if aws.ToString(out.EntityType) != "SaaSProduct@1.0" || aws.ToString(out.EntityIdentifier) != e.ID+"@1" ||
		aws.ToString(out.EntityArn) != e.ARN || aws.ToString(out.LastModifiedDate) != e.LastModified.Format(catalogTimeFormat) ||
		!strings.Contains(aws.ToString(out.Details), e.Name) || desc["ProductTitle"] != e.Name {
		t.Errorf("DescribeEntity = %+v (details %v)", out, details)
	}
	_, err = mc.DescribeEntity(ctx, &marketplacecatalog.DescribeEntityInput{Catalog: aws.String(CatalogName), EntityId: aws.String("prod-nope")})
	wantAPIError(t, "DescribeEntity unknown", err, "ResourceNotFoundException", 404, "prod-nope")
	var nf *mctypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("%T is not *types.ResourceNotFoundException", err)
	}
	_, err = mc.DescribeEntity(ctx, &marketplacecatalog.DescribeEntityInput{Catalog: aws.String("Other"), EntityId: aws.String(e.ID)})
	wantAPIError(t, "DescribeEntity catalog", err, "ValidationException", 422, "Catalog 'Other' is not valid")

	// BatchDescribeEntities: found ones in EntityDetails, others in Errors.
	offer := firstEntity(t, srv.Account(), "Offer")
	batch, err := mc.BatchDescribeEntities(ctx, &marketplacecatalog.BatchDescribeEntitiesInput{EntityRequestList: []mctypes.EntityRequest{
		{Catalog: aws.String(CatalogName), EntityId: aws.String(e.ID)},
		{Catalog: aws.String(CatalogName), EntityId: aws.String(offer.ID)},
		{Catalog: aws.String(CatalogName), EntityId: aws.String("offer-missing")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.EntityDetails) != 2 || aws.ToString(batch.EntityDetails[offer.ID].EntityType) != "Offer@1.0" ||
		aws.ToString(batch.Errors["offer-missing"].ErrorCode) != "ResourceNotFoundException" {
		t.Errorf("BatchDescribeEntities = %+v", batch)
	}
	var reqs []mctypes.EntityRequest
	for range 21 {
		reqs = append(reqs, mctypes.EntityRequest{Catalog: aws.String(CatalogName), EntityId: aws.String(e.ID)})
	}
	_, err = mc.BatchDescribeEntities(ctx, &marketplacecatalog.BatchDescribeEntitiesInput{EntityRequestList: reqs})
	wantAPIError(t, "BatchDescribeEntities 21", err, "ValidationException", 422, "between 1 and 20")

	// Resource policies.
	arn := firstEntity(t, srv.Account(), "ResaleAuthorization").ARN
	_, err = mc.GetResourcePolicy(ctx, &marketplacecatalog.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	wantAPIError(t, "GetResourcePolicy none", err, "ResourceNotFoundException", 404, "resource policy")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"aws-marketplace:DescribeEntity","Resource":"` + arn + `"}]}`
	if _, err := mc.PutResourcePolicy(ctx, &marketplacecatalog.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	got, err := mc.GetResourcePolicy(ctx, &marketplacecatalog.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	if err != nil || aws.ToString(got.Policy) != policy {
		t.Errorf("GetResourcePolicy = %+v, %v", got, err)
	}
	_, err = mc.PutResourcePolicy(ctx, &marketplacecatalog.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String("{not json")})
	wantAPIError(t, "PutResourcePolicy bad", err, "ValidationException", 422, "Policy")
	if _, err := mc.DeleteResourcePolicy(ctx, &marketplacecatalog.DeleteResourcePolicyInput{ResourceArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Account().CatalogResourcePolicy(arn); ok {
		t.Error("policy still stored after DeleteResourcePolicy")
	}
	_, err = mc.DeleteResourcePolicy(ctx, &marketplacecatalog.DeleteResourcePolicyInput{ResourceArn: aws.String(arn + "x")})
	wantAPIError(t, "DeleteResourcePolicy unknown", err, "ResourceNotFoundException", 404, arn+"x")
}

func TestCatalogTags(t *testing.T) {
	srv, mc := startCatalog(t, "fresh", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	ctx := t.Context()
	e := firstEntity(t, srv.Account(), "AmiProduct")
	arn := aws.String(e.ARN)
	list := func() string {
		t.Helper()
		out, err := mc.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.ResourceArn) != e.ARN {
			t.Errorf("ResourceArn = %s", aws.ToString(out.ResourceArn))
		}
		return tagsOf(out.Tags)
	}
	before := list()
	if before != tagsOf(toMCTags(e.Tags)) {
		t.Errorf("tags = %q, want %q", before, tagsOf(toMCTags(e.Tags)))
	}
	_, err := mc.TagResource(ctx, &marketplacecatalog.TagResourceInput{ResourceArn: arn, Tags: []mctypes.Tag{
		{Key: aws.String("product-team"), Value: aws.String("team-new")}, {Key: aws.String("Owner Name"), Value: aws.String("Zoë Müller")},
		{Key: aws.String("empty"), Value: aws.String("")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := list(); !strings.Contains(got, "product-team=team-new") || !strings.Contains(got, "Owner Name=Zoë Müller") || strings.Contains(got, "product-team=team-") && strings.Count(got, "product-team") != 1 {
		t.Errorf("after TagResource: %q", got)
	}
	if _, err := mc.UntagResource(ctx, &marketplacecatalog.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"product-team", "empty", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); strings.Contains(got, "product-team") || strings.Contains(got, "empty=") || !strings.Contains(got, "Owner Name") {
		t.Errorf("after UntagResource: %q", got)
	}

	tag := func(k, v string) mctypes.Tag { return mctypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
	many := func(n int) []mctypes.Tag {
		var out []mctypes.Tag
		for i := range n {
			out = append(out, tag(fmt.Sprintf("k%02d", i), "v"))
		}
		return out
	}
	tests := []struct {
		name string
		arn  string
		tags []mctypes.Tag
		code string
		msg  string
	}{
		{"key too long", e.ARN, []mctypes.Tag{tag(strings.Repeat("k", 129), "v")}, "ValidationException", "tag key '" + strings.Repeat("k", 129) + "' must be 1 to 128"},
		{"key 128 ok", e.ARN, []mctypes.Tag{tag(strings.Repeat("k", 128), strings.Repeat("v", 256))}, "", ""},
		{"value too long", e.ARN, []mctypes.Tag{tag("long", strings.Repeat("v", 257))}, "ValidationException", "tag key 'long' must be at most 256"},
		{"key bad character", e.ARN, []mctypes.Tag{tag("team#1", "x")}, "ValidationException", "tag key 'team#1' is not valid"},
		{"value bad character", e.ARN, []mctypes.Tag{tag("team", "a*b")}, "ValidationException", "value of tag key 'team' is not valid"},
		{"reserved prefix", e.ARN, []mctypes.Tag{tag("aws:owner", "x")}, "ValidationException", "'aws:owner'"},
		{"duplicate key", e.ARN, []mctypes.Tag{tag("dup", "1"), tag("dup", "2")}, "ValidationException", "tag key 'dup' appears more than once"},
		{"51 tags", e.ARN, many(51), "ValidationException", "between 1 and 50 tags"},
		{"no tags", e.ARN, []mctypes.Tag{}, "ValidationException", "between 1 and 50 tags"},
		{"over 50 on the resource", e.ARN, many(50), "ValidationException", "at most 50"},
		{"malformed ARN", "arn:aws:s3:::bucket", []mctypes.Tag{tag("a", "b")}, "ValidationException", "ResourceArn 'arn:aws:s3:::bucket' is not valid"},
		{"unknown ARN", "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-nope", []mctypes.Tag{tag("a", "b")}, "ResourceNotFoundException", "prod-nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mc.TagResource(ctx, &marketplacecatalog.TagResourceInput{ResourceArn: aws.String(tt.arn), Tags: tt.tags})
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			status := 422
			if tt.code == "ResourceNotFoundException" {
				status = 404
			}
			wantAPIError(t, tt.name, err, tt.code, status, tt.msg)
		})
	}
	var keys []string
	for i := range 257 {
		keys = append(keys, fmt.Sprintf("k%d", i))
	}
	_, err = mc.UntagResource(ctx, &marketplacecatalog.UntagResourceInput{ResourceArn: arn, TagKeys: keys})
	wantAPIError(t, "untag 257", err, "ValidationException", 422, "at most 256 keys")
	_, err = mc.UntagResource(ctx, &marketplacecatalog.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"bad#key"}})
	wantAPIError(t, "untag bad key", err, "ValidationException", 422, "'bad#key'")
	_, err = mc.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: aws.String(e.ARN + "0")})
	wantAPIError(t, "list unknown", err, "ResourceNotFoundException", 404, e.ARN+"0")
}

func toMCTags(tags []Tag) []mctypes.Tag {
	var out []mctypes.Tag
	for _, t := range tags {
		out = append(out, mctypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return out
}

// waitCatalogChangeSet polls DescribeChangeSet until the change set reaches want
// (or a final state), returning the statuses seen.
func waitCatalogChangeSet(t *testing.T, mc *marketplacecatalog.Client, id string, want mctypes.ChangeStatus) (*marketplacecatalog.DescribeChangeSetOutput, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := mc.DescribeChangeSet(t.Context(), &marketplacecatalog.DescribeChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != string(out.Status) {
			seen = append(seen, string(out.Status))
		}
		switch out.Status {
		case want, mctypes.ChangeStatusSucceeded, mctypes.ChangeStatusFailed, mctypes.ChangeStatusCancelled:
			return out, seen
		}
		time.Sleep(3 * time.Millisecond)
	}
	t.Fatalf("change set %s never reached %s (saw %v)", id, want, seen)
	return nil, nil
}

func TestCatalogChangeSets(t *testing.T) {
	srv, mc := startCatalog(t, "fresh", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	ctx := t.Context()
	e := firstEntity(t, srv.Account(), "SaaSProduct")
	ent := func(typ, id string) *mctypes.Entity {
		if id == "" {
			return &mctypes.Entity{Type: aws.String(typ)}
		}
		return &mctypes.Entity{Type: aws.String(typ), Identifier: aws.String(id)}
	}
	team := []mctypes.Tag{{Key: aws.String("product-team"), Value: aws.String("team-xyz")}}

	// UpdateInformation: PREPARING → APPLYING → SUCCEEDED, then the entity
	// has its new title, a newer LastModifiedDate and the entity tags.
	start, err := mc.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
		ChangeSetName: aws.String("retitle"), ChangeSetTags: team,
		ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateInformation"), Entity: ent("SaaSProduct@1.0", e.ID),
			Details:    aws.String(`{"ProductTitle":"Renamed product","ShortDescription":"new"}`),
			EntityTags: []mctypes.Tag{{Key: aws.String("reviewed"), Value: aws.String("yes")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(start.ChangeSetId)
	if aws.ToString(start.ChangeSetArn) != "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/ChangeSet/"+id {
		t.Errorf("ChangeSetArn = %s", aws.ToString(start.ChangeSetArn))
	}
	// While it runs, the entity is locked.
	_, err = mc.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
		ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateVisibility"), Entity: ent("SaaSProduct@1.0", e.ID), Details: aws.String(`{"TargetVisibility":"Public"}`)}}})
	wantAPIError(t, "locked entity", err, "ResourceInUseException", 423, e.ID)
	tags, err := mc.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: start.ChangeSetArn})
	if err != nil || tagsOf(tags.Tags) != "product-team=team-xyz" {
		t.Errorf("change set tags = %v, %v", tags, err)
	}
	out, seen := waitCatalogChangeSet(t, mc, id, mctypes.ChangeStatusSucceeded)
	if strings.Join(seen, ",") != "PREPARING,APPLYING,SUCCEEDED" && strings.Join(seen, ",") != "PREPARING,SUCCEEDED" {
		t.Errorf("statuses = %v", seen)
	}
	if !strings.Contains(strings.Join(seen, ","), "APPLYING") {
		t.Logf("APPLYING not observed (polling too slow); statuses %v", seen)
	}
	if aws.ToString(out.ChangeSetName) != "retitle" || out.Intent != mctypes.IntentApply || aws.ToString(out.StartTime) == "" ||
		aws.ToString(out.EndTime) == "" || len(out.ChangeSet) != 1 || aws.ToString(out.ChangeSet[0].Entity.Identifier) != e.ID ||
		!strings.Contains(aws.ToString(out.ChangeSet[0].Details), "Renamed") {
		t.Errorf("DescribeChangeSet = %+v", out)
	}
	desc, err := mc.DescribeEntity(ctx, &marketplacecatalog.DescribeEntityInput{Catalog: aws.String(CatalogName), EntityId: aws.String(e.ID)})
	if err != nil || !strings.Contains(aws.ToString(desc.Details), `"ProductTitle":"Renamed product"`) ||
		aws.ToString(desc.EntityIdentifier) != e.ID+"@2" || aws.ToString(desc.LastModifiedDate) <= e.LastModified.Format(catalogTimeFormat) {
		t.Errorf("after UpdateInformation: %+v, %v", desc, err)
	}
	after, _ := func() (CatalogEntity, bool) {
		for _, x := range srv.Account().CatalogEntities() {
			if x.ID == e.ID {
				return x, true
			}
		}
		return CatalogEntity{}, false
	}()
	if after.Name != "Renamed product" || !strings.Contains(fmt.Sprint(after.Tags), "reviewed yes") {
		t.Errorf("entity after = %+v", after)
	}

	// CreateExperience with a DetailsDocument creates an Experience entity
	// carrying the EntityTags.
	doc := mcdoc.NewLazyDocument(map[string]any{"Name": "Engineering private marketplace"})
	created, err := mc.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetTags: team,
		ChangeSet: []mctypes.Change{{ChangeType: aws.String("CreateExperience"), Entity: ent("Experience@1.0", ""), DetailsDocument: doc, EntityTags: team}}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ = waitCatalogChangeSet(t, mc, aws.ToString(created.ChangeSetId), mctypes.ChangeStatusSucceeded)
	expID := aws.ToString(out.ChangeSet[0].Entity.Identifier)
	if out.Status != mctypes.ChangeStatusSucceeded || !strings.HasPrefix(expID, "exp-") || out.ChangeSet[0].DetailsDocument == nil {
		t.Fatalf("CreateExperience change set = %+v", out)
	}
	exp, err := mc.DescribeEntity(ctx, &marketplacecatalog.DescribeEntityInput{Catalog: aws.String(CatalogName), EntityId: aws.String(expID)})
	if err != nil || aws.ToString(exp.EntityType) != "Experience@1.0" || !strings.Contains(aws.ToString(exp.Details), "Engineering private marketplace") {
		t.Errorf("DescribeEntity(new experience) = %+v, %v", exp, err)
	}
	etags, err := mc.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: exp.EntityArn})
	if err != nil || tagsOf(etags.Tags) != "product-team=team-xyz" {
		t.Errorf("experience tags = %+v, %v", etags, err)
	}

	// Details containing FAIL: FAILED with CLIENT_ERROR and an ErrorDetailList.
	failing, err := mc.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetName: aws.String("doomed"),
		ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateInformation"), Entity: ent("SaaSProduct@1.0", e.ID), Details: aws.String(`{"ProductTitle":"FAIL"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ = waitCatalogChangeSet(t, mc, aws.ToString(failing.ChangeSetId), mctypes.ChangeStatusFailed)
	if out.Status != mctypes.ChangeStatusFailed || out.FailureCode != mctypes.FailureCodeClientError ||
		len(out.ChangeSet[0].ErrorDetailList) != 1 || aws.ToString(out.ChangeSet[0].ErrorDetailList[0].ErrorCode) == "" {
		t.Errorf("failing change set = %+v", out)
	}

	// Cancel: fine while PREPARING, 423 afterwards.
	cancelSrv, cmc := startCatalog(t, "fresh", 1)
	cancelSrv.Account().SetCatalogQuotaScale(1000)
	ce := firstEntity(t, cancelSrv.Account(), "AmiProduct")
	cs, err := cmc.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
		ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateInformation"), Entity: ent("AmiProduct@1.0", ce.ID), Details: aws.String(`{}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	cancelled, err := cmc.CancelChangeSet(ctx, &marketplacecatalog.CancelChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: cs.ChangeSetId})
	if err != nil || aws.ToString(cancelled.ChangeSetId) != aws.ToString(cs.ChangeSetId) {
		t.Fatalf("CancelChangeSet = %+v, %v", cancelled, err)
	}
	got, _ := cancelSrv.Account().CatalogChangeSet(aws.ToString(cs.ChangeSetId))
	if got.Status != ChangeSetCancelled || got.End.IsZero() {
		t.Errorf("after cancel: %+v", got)
	}
	_, err = cmc.CancelChangeSet(ctx, &marketplacecatalog.CancelChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: cs.ChangeSetId})
	wantAPIError(t, "cancel cancelled", err, "ResourceInUseException", 423, "can only be cancelled while PREPARING")
	_, err = mc.CancelChangeSet(ctx, &marketplacecatalog.CancelChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: start.ChangeSetId})
	wantAPIError(t, "cancel succeeded", err, "ResourceInUseException", 423, "SUCCEEDED")
	_, err = mc.CancelChangeSet(ctx, &marketplacecatalog.CancelChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: aws.String("nope")})
	wantAPIError(t, "cancel unknown", err, "ResourceNotFoundException", 404, "nope")
	_, err = mc.DescribeChangeSet(ctx, &marketplacecatalog.DescribeChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: aws.String("nope")})
	wantAPIError(t, "describe unknown", err, "ResourceNotFoundException", 404, "nope")

	// More than 10 open change sets (at TimeScale 1 they stay PREPARING).
	var ids []string
	for _, x := range cancelSrv.Account().CatalogEntities() {
		if x.Type == "DataProduct" && len(ids) < 11 {
			ids = append(ids, x.ID)
		}
	}
	for i, eid := range ids {
		_, err := cmc.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
			ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateInformation"), Entity: ent("DataProduct@1.0", eid), Details: aws.String(`{}`)}}})
		if i < 10 && err != nil {
			t.Fatalf("change set %d: %v", i, err)
		}
		if i == 10 {
			wantAPIError(t, "11th open change set", err, "ServiceQuotaExceededException", 402, "maximum number of open requests")
			var q *mctypes.ServiceQuotaExceededException
			if !errors.As(err, &q) {
				t.Errorf("%T is not *types.ServiceQuotaExceededException", err)
			}
		}
	}

	// ListChangeSets: filters, sort, paging.
	all := func(in *marketplacecatalog.ListChangeSetsInput) ([]mctypes.ChangeSetSummaryListItem, int) {
		t.Helper()
		var items []mctypes.ChangeSetSummaryListItem
		pages := 0
		pg := marketplacecatalog.NewListChangeSetsPaginator(cmc, in)
		for pg.HasMorePages() {
			p, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			items = append(items, p.ChangeSetSummaryList...)
		}
		return items, pages
	}
	items, pages := all(&marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName), MaxResults: aws.Int32(4)})
	if len(items) != 11 || pages != 3 {
		t.Errorf("ListChangeSets = %d items in %d pages", len(items), pages)
	}
	prep, _ := all(&marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName),
		FilterList: []mctypes.Filter{{Name: aws.String("Status"), ValueList: []string{"PREPARING"}}}})
	byEntity, _ := all(&marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName),
		FilterList: []mctypes.Filter{{Name: aws.String("EntityId"), ValueList: []string{ce.ID}}}})
	if len(prep) != 10 || len(byEntity) != 1 || byEntity[0].Status != mctypes.ChangeStatusCancelled || byEntity[0].EntityIdList[0] != ce.ID {
		t.Errorf("filtered: %d PREPARING, by entity %+v", len(prep), byEntity)
	}
	named, err := mc.ListChangeSets(ctx, &marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName),
		FilterList: []mctypes.Filter{{Name: aws.String("ChangeSetName"), ValueList: []string{"doomed"}}}})
	if err != nil || len(named.ChangeSetSummaryList) != 1 || named.ChangeSetSummaryList[0].FailureCode != mctypes.FailureCodeClientError {
		t.Errorf("by name = %+v, %v", named, err)
	}
	asc, err := mc.ListChangeSets(ctx, &marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName),
		Sort: &mctypes.Sort{SortBy: aws.String("StartTime"), SortOrder: mctypes.SortOrderAscending}})
	if err != nil || len(asc.ChangeSetSummaryList) != 3 || aws.ToString(asc.ChangeSetSummaryList[0].ChangeSetId) != id {
		t.Errorf("ascending = %+v, %v", asc, err)
	}
	_, err = mc.ListChangeSets(ctx, &marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName), MaxResults: aws.Int32(21)})
	wantAPIError(t, "ListChangeSets 21", err, "ValidationException", 422, "MaxResults must be between 1 and 20")
	_, err = mc.ListChangeSets(ctx, &marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName),
		FilterList: []mctypes.Filter{{Name: aws.String("Colour"), ValueList: []string{"x"}}}})
	wantAPIError(t, "ListChangeSets filter", err, "ValidationException", 422, "Filter name 'Colour' is not valid")
}

func TestCatalogStartChangeSetValidation(t *testing.T) {
	srv, mc := startCatalog(t, "fresh", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	e := firstEntity(t, srv.Account(), "SaaSProduct")
	ok := func() mctypes.Change {
		return mctypes.Change{ChangeType: aws.String("UpdateInformation"), Entity: &mctypes.Entity{Type: aws.String("SaaSProduct@1.0"), Identifier: aws.String(e.ID)},
			Details: aws.String(`{"ProductTitle":"x"}`)}
	}
	with := func(f func(*mctypes.Change)) []mctypes.Change { c := ok(); f(&c); return []mctypes.Change{c} }
	var tooMany []mctypes.Change
	for range 21 {
		tooMany = append(tooMany, ok())
	}
	tests := []struct {
		name    string
		changes []mctypes.Change
		edit    func(*marketplacecatalog.StartChangeSetInput)
		code    string
		status  int
		msg     string
	}{
		{"no changes", []mctypes.Change{}, nil, "ValidationException", 422, "between 1 and 20 changes"},
		{"21 changes", tooMany, nil, "ValidationException", 422, "between 1 and 20 changes"},
		{"lower-case change type", with(func(c *mctypes.Change) { c.ChangeType = aws.String("updateInformation") }), nil, "ValidationException", 422, "ChangeType 'updateInformation' is not valid"},
		{"bad entity type", with(func(c *mctypes.Change) { c.Entity.Type = aws.String("Spaceship@1.0") }), nil, "ValidationException", 422, "Entity.Type 'Spaceship@1.0' is not valid"},
		{"type mismatch", with(func(c *mctypes.Change) { c.Entity.Type = aws.String("AmiProduct@1.0") }), nil, "ValidationException", 422, "does not match"},
		{"details not JSON", with(func(c *mctypes.Change) { c.Details = aws.String("{oops") }), nil, "ValidationException", 422, "Details is not a valid JSON object"},
		{"no details", with(func(c *mctypes.Change) { c.Details = nil }), nil, "ValidationException", 422, "Details or DetailsDocument is required"},
		{"same change twice", []mctypes.Change{ok(), ok()}, nil, "ValidationException", 422, "more than once"},
		{"bad entity tag", with(func(c *mctypes.Change) {
			c.EntityTags = []mctypes.Tag{{Key: aws.String("bad!"), Value: aws.String("v")}}
		}), nil, "ValidationException", 422, "tag key 'bad!' is not valid"},
		{"bad change set tag", []mctypes.Change{ok()}, func(in *marketplacecatalog.StartChangeSetInput) {
			in.ChangeSetTags = []mctypes.Tag{{Key: aws.String("t"), Value: aws.String(strings.Repeat("v", 257))}}
		}, "ValidationException", 422, "tag key 't' must be at most 256"},
		{"bad name", []mctypes.Change{ok()}, func(in *marketplacecatalog.StartChangeSetInput) { in.ChangeSetName = aws.String("no/slashes") }, "ValidationException", 422, "ChangeSetName 'no/slashes' is not valid"},
		{"unknown entity", with(func(c *mctypes.Change) { c.Entity.Identifier = aws.String("prod-nope") }), nil, "ResourceNotFoundException", 404, "prod-nope"},
		{"missing identifier", with(func(c *mctypes.Change) { c.Entity.Identifier = nil }), nil, "ValidationException", 422, "Entity.Identifier is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName), ChangeSet: tt.changes}
			if tt.edit != nil {
				tt.edit(in)
			}
			_, err := mc.StartChangeSet(t.Context(), in)
			wantAPIError(t, tt.name, err, tt.code, tt.status, tt.msg)
		})
	}
	if n := len(srv.Account().CatalogChangeSets()); n != 0 {
		t.Errorf("%d change sets recorded by failed calls", n)
	}
	// ClientRequestToken makes StartChangeSet idempotent.
	in := &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName), ChangeSet: []mctypes.Change{ok()}, ClientRequestToken: aws.String("token-1")}
	a, err1 := mc.StartChangeSet(t.Context(), in)
	b, err2 := mc.StartChangeSet(t.Context(), in)
	if err1 != nil || err2 != nil || aws.ToString(a.ChangeSetId) != aws.ToString(b.ChangeSetId) {
		t.Errorf("idempotent start: %v %v / %v %v", a, err1, b, err2)
	}
}

// throttleAfter calls op until it is throttled and returns how many calls
// succeeded first (-1 if it never was within limit calls).
func throttleAfter(t *testing.T, limit int, op func() error) int {
	t.Helper()
	for i := range limit {
		err := op()
		if err == nil {
			continue
		}
		wantAPIError(t, "throttled call", err, "ThrottlingException", 429, "Rate exceeded")
		var te *mctypes.ThrottlingException
		if !errors.As(err, &te) {
			t.Errorf("%T is not *types.ThrottlingException", err)
		}
		return i
	}
	return -1
}

func TestCatalogThrottling(t *testing.T) {
	ctx := t.Context()
	listIn := &marketplacecatalog.ListEntitiesInput{Catalog: aws.String(CatalogName), EntityType: aws.String("SaaSProduct"), MaxResults: aws.Int32(1)}
	for _, tt := range []struct {
		scenario       string
		list, tag, dsc int // the burst: one second's worth of each quota
	}{
		{"fresh", 10, 5, 20},
		{"throttled", 2, 1, 4},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			srv, mc := startCatalog(t, tt.scenario, 1000)
			e := firstEntity(t, srv.Account(), "SaaSProduct")
			if q := srv.Account().CatalogQuota("ListEntities"); q != float64(tt.list) {
				t.Errorf("CatalogQuota(ListEntities) = %g", q)
			}
			n := throttleAfter(t, 60, func() error { _, err := mc.ListEntities(ctx, listIn); return err })
			if n < tt.list || n > 3*tt.list+2 { // the burst always passes; slow machines refill a little
				t.Errorf("ListEntities throttled after %d calls, want about %d", n, tt.list)
			}
			n = throttleAfter(t, 60, func() error {
				_, err := mc.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: aws.String(e.ARN)})
				return err
			})
			if n < tt.tag || n > 3*tt.tag+2 { // the burst always passes; slow machines refill a little
				t.Errorf("ListTagsForResource throttled after %d calls, want about %d", n, tt.tag)
			}
			n = throttleAfter(t, 60, func() error {
				_, err := mc.DescribeEntity(ctx, &marketplacecatalog.DescribeEntityInput{Catalog: aws.String(CatalogName), EntityId: aws.String(e.ID)})
				return err
			})
			if n < tt.dsc || n > 3*tt.dsc+2 { // the burst always passes; slow machines refill a little
				t.Errorf("DescribeEntity throttled after %d calls, want about %d", n, tt.dsc)
			}
			// Quotas are per operation and refill in real time.
			if _, err := mc.ListChangeSets(ctx, &marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(CatalogName)}); err != nil {
				t.Errorf("ListChangeSets after ListEntities was throttled: %v", err)
			}
			time.Sleep(time.Duration(float64(time.Second) / float64(tt.list) * 1.5))
			if _, err := mc.ListEntities(ctx, listIn); err != nil {
				t.Errorf("ListEntities after backing off: %v", err)
			}
		})
	}
	// With retries on (the SDK's default), a throttled client backs off and
	// gets through.
	srv, _ := startCatalog(t, "throttled", 1000)
	cfg := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	cfg.RetryMaxAttempts = 10
	mc := marketplacecatalog.NewFromConfig(cfg)
	for i := range 4 {
		if _, err := mc.ListEntities(ctx, listIn); err != nil {
			t.Fatalf("call %d with retries: %v", i, err)
		}
	}
}

// TestCatalogAWSCLI runs the AWS CLI's marketplace-catalog commands against
// the sandbox; the CLI parses every response (--output json).
func TestCatalogAWSCLI(t *testing.T) {
	requireTool(t, "AWS CLI", "aws", "--version")
	srv, _ := startCatalog(t, "fresh", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	env := isolatedAWSEnv(t, "[default]\nregion = us-east-1\n", staticKeys...)
	aws := func(args ...string) map[string]any {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		full := append([]string{"marketplace-catalog"}, args...)
		full = append(full, "--endpoint-url", srv.URL(), "--region", "us-east-1", "--output", "json")
		cmd := execCommand(ctx, "aws", full...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %s: %v %s", strings.Join(args, " "), err, exitStderr(err))
		}
		var m map[string]any
		if len(strings.TrimSpace(string(out))) == 0 {
			return m
		}
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), out, err)
		}
		return m
	}
	list := aws("list-entities", "--catalog", CatalogName, "--entity-type", "SaaSProduct", "--max-results", "5")
	ents, _ := list["EntitySummaryList"].([]any)
	if len(ents) != 5 || list["NextToken"] == nil {
		t.Fatalf("list-entities = %v", list)
	}
	first := ents[0].(map[string]any)
	id, arn := first["EntityId"].(string), first["EntityArn"].(string)
	desc := aws("describe-entity", "--catalog", CatalogName, "--entity-id", id)
	if desc["EntityType"] != "SaaSProduct@1.0" || desc["EntityArn"] != arn || desc["DetailsDocument"] == nil {
		t.Errorf("describe-entity = %v", desc)
	}
	aws("tag-resource", "--resource-arn", arn, "--tags", "Key=cli-tag,Value=from-cli")
	tags := aws("list-tags-for-resource", "--resource-arn", arn)
	if !strings.Contains(fmt.Sprint(tags["Tags"]), "from-cli") {
		t.Errorf("list-tags-for-resource = %v", tags)
	}
	aws("untag-resource", "--resource-arn", arn, "--tag-keys", "cli-tag")
	tags = aws("list-tags-for-resource", "--resource-arn", arn)
	if strings.Contains(fmt.Sprint(tags["Tags"]), "from-cli") {
		t.Errorf("after untag-resource: %v", tags)
	}
	change := `[{"ChangeType":"UpdateInformation","Entity":{"Type":"SaaSProduct@1.0","Identifier":"` + id + `"},"Details":"{\"ProductTitle\":\"CLI title\"}"}]`
	started := aws("start-change-set", "--catalog", CatalogName, "--change-set", change, "--change-set-name", "cli-change",
		"--change-set-tags", "Key=product-team,Value=team-xyz")
	csID, _ := started["ChangeSetId"].(string)
	if csID == "" || started["ChangeSetArn"] == nil {
		t.Fatalf("start-change-set = %v", started)
	}
	var status any
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		d := aws("describe-change-set", "--catalog", CatalogName, "--change-set-id", csID)
		status = d["Status"]
		if status == "SUCCEEDED" {
			break
		}
	}
	if status != "SUCCEEDED" {
		t.Errorf("change set status = %v", status)
	}
	listed := aws("list-change-sets", "--catalog", CatalogName, "--filter-list", "Name=ChangeSetName,ValueList=cli-change")
	if l, _ := listed["ChangeSetSummaryList"].([]any); len(l) != 1 {
		t.Errorf("list-change-sets = %v", listed)
	}
	// cancel-change-set on a change set still PREPARING (a second server at
	// TimeScale 1 keeps it there).
	slow, _ := startCatalog(t, "fresh", 1)
	srv = slow
	started = aws("start-change-set", "--catalog", CatalogName, "--change-set", change)
	csID, _ = started["ChangeSetId"].(string)
	cancelled := aws("cancel-change-set", "--catalog", CatalogName, "--change-set-id", csID)
	if cancelled["ChangeSetId"] != csID {
		t.Errorf("cancel-change-set = %v", cancelled)
	}
	if d := aws("describe-change-set", "--catalog", CatalogName, "--change-set-id", csID); d["Status"] != "CANCELLED" {
		t.Errorf("after cancel-change-set: %v", d["Status"])
	}
}

func execCommand(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, name, args...)
}

func exitStderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// TestCatalogRefusals: the new operations refuse a non-seller and a caller
// without the IAM permission as ListEntities does.
func TestCatalogRefusals(t *testing.T) {
	for _, tt := range []struct{ scenario, msg string }{
		{"not-seller", "Seller account is not registered with AWS Marketplace"},
		{"catalog-denied", "is not authorized to perform: aws-marketplace:StartChangeSet"},
	} {
		_, mc := startCatalog(t, tt.scenario, 1000)
		_, err := mc.StartChangeSet(t.Context(), &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
			ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateInformation"),
				Entity: &mctypes.Entity{Type: aws.String("SaaSProduct@1.0"), Identifier: aws.String("prod-x")}, Details: aws.String("{}")}}})
		wantAPIError(t, tt.scenario+" StartChangeSet", err, "AccessDeniedException", 403, tt.msg)
		_, err = mc.ListTagsForResource(t.Context(), &marketplacecatalog.ListTagsForResourceInput{
			ResourceArn: aws.String("arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-x")})
		wantAPIError(t, tt.scenario+" ListTagsForResource", err, "AccessDeniedException", 403, strings.ReplaceAll(tt.msg, "StartChangeSet", "ListTagsForResource"))
	}
}
