package tiles

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cattypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/smithy-go"
)

func TestProbeSeller(t *testing.T) {
	iamDenied := httpErr(403, "AccessDeniedException",
		"User: arn:aws:iam::111122223333:user/dev is not authorized to perform: aws-marketplace:ListEntities on resource: arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/* because no identity-based policy allows the aws-marketplace:ListEntities action")
	tests := []struct {
		name      string
		cat       *fakeCatalog
		outcome   SellerOutcome
		entity    string
		code      string
		calls     int
		wantErr   bool
		msgHas    string
		tileState State
		source    string
	}{
		{name: "found: a SaaS product", cat: &fakeCatalog{count: map[string]int{"SaaSProduct": 3}},
			outcome: SellerFound, entity: "SaaSProduct", calls: 1, tileState: StateCompleted, source: SourceDetected},
		{name: "found on a later type", cat: &fakeCatalog{count: map[string]int{"ContainerProduct": 1}},
			outcome: SellerFound, entity: "ContainerProduct", calls: 3, tileState: StateCompleted, source: SourceDetected},
		{name: "empty everywhere is inconclusive", cat: &fakeCatalog{},
			outcome: SellerEmpty, calls: 4, tileState: StateUnknown},
		{name: "AccessDenied: missing IAM permission", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": iamDenied}},
			outcome: SellerAccessDenied, entity: "SaaSProduct", code: "AccessDeniedException", calls: 1, msgHas: "not authorized to perform", tileState: StateUnknown},
		{name: "AccessDenied without a message is IAM", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": apiErr("AccessDeniedException", "")}},
			outcome: SellerAccessDenied, code: "AccessDeniedException", entity: "SaaSProduct", calls: 1, tileState: StateUnknown},
		{name: "refused: not a registered seller", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": httpErr(403, "AccessDeniedException", "Seller account is not registered with AWS Marketplace")}},
			outcome: SellerRefused, entity: "SaaSProduct", code: "AccessDeniedException", calls: 1, msgHas: "not registered", tileState: StateNotRegistered},
		{name: "refused with another code", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": httpErr(422, "ValidationException", "Account is not onboarded as a seller")}},
			outcome: SellerRefused, entity: "SaaSProduct", code: "ValidationException", calls: 1, tileState: StateNotRegistered},
		{name: "not implemented by the endpoint", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": httpErr(501, "NotImplemented", "no catalog here")}},
			outcome: SellerNotChecked, entity: "SaaSProduct", code: "NotImplemented", calls: 1, tileState: StateUnknown},
		{name: "throttled is an error, not a refusal", cat: &fakeCatalog{err: map[string]error{"AmiProduct": httpErr(429, "ThrottlingException", "Rate exceeded")}},
			outcome: SellerProbeFailed, entity: "AmiProduct", code: "ThrottlingException", calls: 2, wantErr: true, tileState: StateUnknown},
		{name: "expired credentials are an error", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": apiErr("ExpiredTokenException", "expired")}},
			outcome: SellerProbeFailed, entity: "SaaSProduct", code: "ExpiredTokenException", calls: 1, wantErr: true, msgHas: "expired", tileState: StateUnknown},
		{name: "network failure is an error", cat: &fakeCatalog{err: map[string]error{"SaaSProduct": errors.New("dial tcp 127.0.0.1:1: connection refused")}},
			outcome: SellerProbeFailed, entity: "SaaSProduct", calls: 1, wantErr: true, tileState: StateUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ProbeSeller(context.Background(), tt.cat)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "ListEntities") {
				t.Errorf("error %q does not say what was being done", err)
			}
			if p.Outcome != tt.outcome || p.EntityType != tt.entity || p.Code != tt.code {
				t.Errorf("probe %+v, want outcome %s entity %q code %q", p, tt.outcome, tt.entity, tt.code)
			}
			if !strings.Contains(p.Message, tt.msgHas) {
				t.Errorf("message %q lacks %q", p.Message, tt.msgHas)
			}
			if p.CheckedAt.IsZero() {
				t.Error("CheckedAt not set")
			}
			if len(tt.cat.calls) != tt.calls {
				t.Errorf("%d ListEntities calls, want %d", len(tt.cat.calls), tt.calls)
			}
			for i, in := range tt.cat.calls {
				if aws.ToString(in.Catalog) != "AWSMarketplace" || in.OwnershipType != cattypes.OwnershipTypeSelf ||
					aws.ToInt32(in.MaxResults) != 1 || aws.ToString(in.EntityType) != ProbedEntityTypes[i] {
					t.Errorf("call %d: %+v", i, in)
				}
			}
			tile := SellerTile(p, false, time.Time{})
			if tile.State != tt.tileState || tile.Source != tt.source {
				t.Errorf("tile %s/%q, want %s/%q: %s", tile.State, tile.Source, tt.tileState, tt.source, tile.Summary)
			}
		})
	}
}

func TestSellerTile(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	found := SellerProbe{Outcome: SellerFound, EntityType: "AmiProduct", Count: 1, CheckedAt: at}
	empty := SellerProbe{Outcome: SellerEmpty, CheckedAt: at}
	denied := SellerProbe{Outcome: SellerAccessDenied, EntityType: "SaaSProduct", Code: "AccessDeniedException", Message: "not authorized to perform", CheckedAt: at}
	refused := SellerProbe{Outcome: SellerRefused, EntityType: "SaaSProduct", Code: "AccessDeniedException", Message: "Seller account is not registered with AWS Marketplace", CheckedAt: at}
	tests := []struct {
		name       string
		probe      SellerProbe
		confirmed  bool
		state      State
		source     string
		summaryHas string
		check      string
		fixHas     string
	}{
		{"detected", found, false, StateCompleted, SourceDetected, "AmiProduct", StatusPassed, ""},
		{"detected wins over confirmation", found, true, StateCompleted, SourceDetected, "lists", StatusPassed, ""},
		{"empty, not confirmed", empty, false, StateUnknown, "", "inconclusive", StatusPassed, "I completed seller registration"},
		{"empty, confirmed", empty, true, StateCompleted, SourceConfirmed, "you confirmed", StatusPassed, ""},
		{"access denied", denied, false, StateUnknown, "", "aws-marketplace:ListEntities", StatusFailed, SellerReadOnlyPolicy},
		{"access denied, confirmed", denied, true, StateCompleted, SourceConfirmed, "you confirmed", StatusFailed, SellerReadOnlyPolicy},
		{"refused", refused, false, StateNotRegistered, "", "Seller account is not registered", StatusFailed, "Register"},
		// The user's word never overrides AWS refusing the account.
		{"refused, confirmed by the user", refused, true, StateNotRegistered, "", "AWS's answer decides", StatusFailed, "Register"},
		{"never probed", SellerProbe{}, false, StateUnknown, "", "not checked", "", ""},
		{"not implemented", SellerProbe{Outcome: SellerNotChecked, Code: "NotImplemented"}, false, StateUnknown, "", "does not implement", StatusCouldNotCheck, "Confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tile := SellerTile(tt.probe, tt.confirmed, at.Add(time.Hour))
			if tile.ID != TileSeller || tile.State != tt.state || tile.Source != tt.source {
				t.Errorf("tile %s %s/%q, want %s/%q", tile.ID, tile.State, tile.Source, tt.state, tt.source)
			}
			if !strings.Contains(tile.Summary, tt.summaryHas) {
				t.Errorf("summary %q lacks %q", tile.Summary, tt.summaryHas)
			}
			if tt.check == "" {
				if len(tile.Checks) != 0 {
					t.Errorf("checks %+v for a probe never run", tile.Checks)
				}
			} else if len(tile.Checks) != 1 || tile.Checks[0].Status != tt.check || !strings.Contains(tile.Checks[0].Fix, tt.fixHas) {
				t.Errorf("checks %+v, want one %s with fix containing %q", tile.Checks, tt.check, tt.fixHas)
			}
			if len(tile.Notes) == 0 || tile.Notes[0].Link != SellerRegistrationGuide {
				t.Errorf("notes %+v lack the registration guide", tile.Notes)
			}
			if tt.confirmed && !tile.CheckedAt.Equal(at.Add(time.Hour)) {
				t.Errorf("checkedAt %v, want the confirmation time", tile.CheckedAt)
			}
			if n, _ := Progress([]Tile{tile}); (n == 1) != (tt.state == StateCompleted) {
				t.Errorf("a %s seller tile counts as connected=%v", tile.State, n == 1)
			}
		})
	}
}

// The SDK wraps service errors in a ResponseError; the probe must see
// through it to the code and HTTP status.
func TestProbeSeesThroughWrapping(t *testing.T) {
	wrapped := &wrapErr{msg: "operation error Marketplace Catalog: ListEntities", err: httpErr(403, "AccessDeniedException", "Seller account is not registered with AWS Marketplace")}
	p, err := ProbeSeller(context.Background(), &fakeCatalog{err: map[string]error{"SaaSProduct": wrapped}})
	if err != nil || p.Outcome != SellerRefused || p.Code != "AccessDeniedException" {
		t.Errorf("probe %+v, err %v", p, err)
	}
	var ae smithy.APIError
	if !errors.As(wrapped, &ae) {
		t.Fatal("test error does not wrap an APIError")
	}
}

type wrapErr struct {
	msg string
	err error
}

func (e *wrapErr) Error() string { return e.msg + ": " + e.err.Error() }
func (e *wrapErr) Unwrap() error { return e.err }

// TestSummarize is the one counting rule the header and `sellerdesk
// status` share: required tiles only, in the same words.
func TestSummarize(t *testing.T) {
	all := func(seller, role, cas, sdds, notif State) []Tile {
		return []Tile{{ID: TileSeller, State: seller}, {ID: TileRole, State: role}, {ID: TileCAS, State: cas}, {ID: TileSDDS, State: sdds},
			{ID: TileNotifications, State: notif}}
	}
	const on = StateConnected
	tests := []struct {
		name    string
		tiles   []Tile
		want    string
		done    bool
		missing []string
	}{
		{"everything required connected, CAS legacy", all(StateCompleted, on, StateLegacy, on, on), "4 of 4 required connected · CAS legacy", true, []string{}},
		{"CAS never counts, broken or connected", all(StateCompleted, on, StateError, on, on), "4 of 4 required connected · CAS legacy", true, []string{}},
		{"CAS connected does not add", all(StateCompleted, on, on, StateWaiting, on), "3 of 4 required connected · CAS legacy", false, []string{"SDDS"}},
		{"waiting for AWS is not connected", all(StateCompleted, on, StateLegacy, StateWaiting, on), "3 of 4 required connected · CAS legacy", false, []string{"SDDS"}},
		{"could not check is never connected", all(StateCompleted, StateUnknown, StateLegacy, on, StateUnknown), "2 of 4 required connected · CAS legacy", false, []string{"Role and access", "Notifications"}},
		{"completed is the seller's word only", all(StateUnknown, on, StateLegacy, StateCompleted, on), "2 of 4 required connected · CAS legacy", false, []string{"Seller account", "SDDS"}},
		{"not registered", all(StateNotRegistered, StateNotConnected, StateNotConnected, StateNotConnected, StateNotConnected), "0 of 4 required connected · CAS legacy", false, []string{"Seller account", "Role and access", "SDDS", "Notifications"}},
		{"no tiles yet: every required kind still counts", nil, "0 of 4 required connected · CAS legacy", false, []string{"Seller account", "Role and access", "SDDS", "Notifications"}},
		{"a tile not built yet is missing", all(StateCompleted, on, StateLegacy, on, on)[:2], "2 of 4 required connected · CAS legacy", false, []string{"SDDS", "Notifications"}},
		{"an unknown tile id does not count", append(all(StateCompleted, on, StateLegacy, on, on), Tile{ID: "other", State: on}), "4 of 4 required connected · CAS legacy", true, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize(tt.tiles)
			if s.Text != tt.want || Words(s) != tt.want || s.Done() != tt.done || !slices.Equal(s.Missing, tt.missing) {
				t.Errorf("%q done=%v missing=%v, want %q done=%v missing=%v", s.Text, s.Done(), s.Missing, tt.want, tt.done, tt.missing)
			}
			if c, n := Progress(tt.tiles); c != s.RequiredConnected || n != s.Required {
				t.Errorf("Progress %d of %d disagrees with Summarize %+v", c, n, s)
			}
			if len(s.Optional) != 1 || s.Optional[0].ID != TileCAS || s.Optional[0].Tag != "legacy" {
				t.Errorf("optional %+v, want CAS legacy", s.Optional)
			}
		})
	}
	// Each tile knows whether it counts.
	for _, tile := range Annotate(all(StateCompleted, StateConnected, StateLegacy, StateConnected, StateConnected)) {
		if k, _ := KindOf(tile.ID); tile.Required != k.Required || (tile.ID == TileCAS) == tile.Required {
			t.Errorf("tile %s required=%v", tile.ID, tile.Required)
		}
	}
}

func TestMarkStale(t *testing.T) {
	tiles := []Tile{{ID: TileSeller, State: StateCompleted}}
	stale := MarkStale(tiles)
	if !stale[0].Stale || tiles[0].Stale {
		t.Error("MarkStale must mark copies, not the originals")
	}
}
