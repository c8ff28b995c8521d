package catalog

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func entity(typ string, i int, mod time.Time) fakeEntity {
	id := fmt.Sprintf("%s-%04d", typ, i)
	return fakeEntity{EntityType: typ, EntityId: id, Name: "name " + id,
		EntityArn:        "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/" + typ + "/" + id,
		LastModifiedDate: mod.UTC().Format(time.RFC3339), Visibility: "Public"}
}

func TestListEntitiesIncremental(t *testing.T) {
	clk := newFakeClock()
	f := newFakeAPI(clk, 1)
	base := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 120 {
		f.entities = append(f.entities, entity("SaaSProduct", i, base.Add(time.Duration(i)*time.Minute)))
	}
	for i := range 7 {
		f.entities = append(f.entities, entity("Offer", i, base))
	}
	st := openStore(t)
	c := fakeClient(t, f, clk)
	var opts []Option
	types2 := []string{"SaaSProduct", "Offer"}

	got, err := List(context.Background(), c, types2, st, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 127 || f.listCalls != 3+1 || f.throttled != 0 {
		t.Fatalf("first pass: %d entities, %d calls, %d throttled", len(got), f.listCalls, f.throttled)
	}

	// Entity 3 changes (newer date), entity 119 is renamed within the
	// high-water mark's second, entity 500 is added, an Offer is deleted.
	f.entities[3].Name = "renamed"
	f.entities[3].LastModifiedDate = base.Add(3 * time.Hour).Format(time.RFC3339)
	f.entities[119].Name = "same second"
	f.entities = f.entities[:len(f.entities)-1] // drop Offer-0006
	f.entities = append(f.entities, entity("SaaSProduct", 500, base.Add(3*time.Hour)))
	f.listCalls = 0
	got, err = List(context.Background(), c, types2, st, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if f.listCalls != 2 {
		t.Fatalf("incremental pass made %d calls, want 1 per type", f.listCalls)
	}
	byID := map[string]EntitySummary{}
	for _, e := range got {
		byID[e.ID] = e
	}
	if len(got) != 128 || byID["SaaSProduct-0003"].Name != "renamed" || byID["SaaSProduct-0119"].Name != "same second" || byID["SaaSProduct-0500"].ID == "" {
		t.Fatalf("incremental pass: %d entities, %+v %+v", len(got), byID["SaaSProduct-0003"], byID["SaaSProduct-0119"])
	}

	// Pacing: at 10 req/s, 4 + 2 calls took at least 0.6 s of fake time.
	if el := clk.Now().Sub(newFakeClock().Now()); el < 600*time.Millisecond {
		t.Fatalf("6 ListEntities calls took %v", el)
	}

	// A full refresh drops what AWS no longer lists.
	got, err = List(context.Background(), c, []string{"Offer"}, st, append(opts, WithFullRefresh())...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("full refresh kept %d offers, want 6", len(got))
	}
}
