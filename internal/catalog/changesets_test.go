package catalog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

func TestStartRequestValidate(t *testing.T) {
	ok := ChangeRequest{ChangeType: "UpdateInformation", EntityType: "AmiProduct@1.0", EntityID: "e1", Details: `{"ProductTitle":"x"}`}
	tests := []struct {
		name string
		r    StartRequest
		want string
	}{
		{"valid", StartRequest{Changes: []ChangeRequest{ok}}, ""},
		{"no changes", StartRequest{}, "1 to 20"},
		{"lower-case change type", StartRequest{Changes: []ChangeRequest{{ChangeType: "updateInformation", EntityType: "AmiProduct@1.0", Details: "{}"}}}, "capital"},
		{"entity type without version", StartRequest{Changes: []ChangeRequest{{ChangeType: "UpdateInformation", EntityType: "AmiProduct", Details: "{}"}}}, "@1.0"},
		{"details not JSON", StartRequest{Changes: []ChangeRequest{{ChangeType: "UpdateInformation", EntityType: "AmiProduct@1.0", EntityID: "e1", Details: "{"}}}, "JSON"},
		{"update without an entity ID", StartRequest{Changes: []ChangeRequest{{ChangeType: "UpdateInformation", EntityType: "AmiProduct@1.0", Details: "{}"}}}, "give its entity ID"},
		{"create without an entity ID", StartRequest{Changes: []ChangeRequest{{ChangeType: "CreateExperience", EntityType: "Experience@1.0", Details: "{}"}}}, ""},
		{"entity ID with a space", StartRequest{Changes: []ChangeRequest{{ChangeType: "UpdateInformation", EntityType: "AmiProduct@1.0", EntityID: "prod 1", Details: "{}"}}}, "not valid"},
		{"same change twice", StartRequest{Changes: []ChangeRequest{ok, ok}}, "twice"},
		{"bad change set tag", StartRequest{Changes: []ChangeRequest{ok}, ChangeSetTags: []Tag{{Key: "bad#", Value: "v"}}}, "bad#"},
	}
	for _, tc := range tests {
		err := tc.r.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

// The guide's example: a tagged change set updating a product, watched to
// SUCCEEDED; and a CreateExperience with entity and change-set tags.
func TestStartAndWatchOnSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh", TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := NewClient(testaws.Config(srv.URL()), WithLimiters(NewLimiters()))
	ents := srv.Account().CatalogEntities()
	var target string
	for _, e := range ents {
		if e.Type == "SaaSProduct" {
			target = e.ID
			break
		}
	}
	team := []Tag{{Key: "product-team", Value: "team-xyz"}}
	id, arn, err := c.Start(ctx, StartRequest{Changes: []ChangeRequest{{ChangeType: "UpdateInformation", EntityType: "SaaSProduct@1.0", EntityID: target,
		Details: `{"ProductTitle":"My updated title"}`}}, ChangeSetTags: team})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	st, err := c.Watch(ctx, id, 10*time.Millisecond, func(s ChangeSet) { seen = append(seen, s.Status) })
	if err != nil || st.Status != "SUCCEEDED" {
		t.Fatalf("watch: %v %+v (seen %v)", err, st, seen)
	}
	tags, err := c.ListTags(ctx, arn)
	if err != nil || len(tags) != 1 || tags[0].Key != "product-team" {
		t.Fatalf("change set tags: %v %+v", err, tags)
	}

	id, _, err = c.Start(ctx, StartRequest{Changes: []ChangeRequest{{ChangeType: "CreateExperience", EntityType: "Experience@1.0",
		Details: `{"Name":"ExamplePrivateMarketplace"}`, EntityTags: team}}, ChangeSetTags: team})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := c.Watch(ctx, id, 10*time.Millisecond, nil); err != nil || st.Status != "SUCCEEDED" {
		t.Fatalf("create experience: %v %+v", err, st)
	}

	// A failing change reports its ErrorDetailList.
	id, _, err = c.Start(ctx, StartRequest{Changes: []ChangeRequest{{ChangeType: "UpdateInformation", EntityType: "SaaSProduct@1.0", EntityID: target, Details: `{"ProductTitle":"FAIL"}`}}})
	if err != nil {
		t.Fatal(err)
	}
	st, err = c.Watch(ctx, id, 10*time.Millisecond, nil)
	if err != nil || st.Status != "FAILED" || len(st.ErrorLines()) == 0 {
		t.Fatalf("failing change: %v %+v", err, st)
	}
}
