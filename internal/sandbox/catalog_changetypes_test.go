package sandbox

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// TestChangeTypeRules: StartChangeSet refuses a change type the entity type
// does not take, and a change whose Details break its change type's rules
// fails the change set with CLIENT_ERROR and the reasons in its
// ErrorDetailList; a change within the rules succeeds.
func TestChangeTypeRules(t *testing.T) {
	srv, mc := startCatalog(t, "fresh", 1000)
	srv.Account().SetCatalogQuotaScale(1000)
	product := firstEntity(t, srv.Account(), "SaaSProduct")
	offer := firstEntity(t, srv.Account(), "Offer")
	future := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	tests := []struct {
		name           string
		changeType     string
		entityType, id string
		details        string
		wantRefused    string   // a ValidationException at StartChangeSet
		wantErrors     []string // FAILED, with these in the ErrorDetailList
	}{
		{"a change type products do not take", "CreateOffer", "SaaSProduct@1.0", product.ID, `{}`,
			"ChangeType CreateOffer is not valid for entity type SaaSProduct@1.0", nil},
		{"a change type offers do not take", "UpdateVisibility", "Offer@1.0", offer.ID, `{"TargetVisibility":"Public"}`,
			"ChangeType UpdateVisibility is not valid for entity type Offer@1.0", nil},
		{"UpdateVisibility without TargetVisibility", "UpdateVisibility", "SaaSProduct@1.0", product.ID, `{"Visibility":"Public"}`, "",
			[]string{"Visibility is not a field of UpdateVisibility", "TargetVisibility is required"}},
		{"UpdateVisibility to an unknown visibility", "UpdateVisibility", "SaaSProduct@1.0", product.ID, `{"TargetVisibility":"Everyone"}`, "",
			[]string{"TargetVisibility 'Everyone' is not valid"}},
		{"UpdateInformation with four highlights and a plain-http logo", "UpdateInformation", "SaaSProduct@1.0", product.ID,
			`{"Highlights":["a","b","c","d"],"LogoUrl":"http://example.com/logo.png"}`, "",
			[]string{"Highlights must have 1 to 3 entries (it has 4)", "LogoUrl must be an https URL"}},
		{"CreateOffer without a product", "CreateOffer", "Offer@1.0", "", `{"Name":"x"}`, "", []string{"ProductId is required"}},
		{"CreateOffer on a product that is not there", "CreateOffer", "Offer@1.0", "", `{"ProductId":"prod-aaaaaaaaaaaaa"}`, "",
			[]string{"ProductId prod-aaaaaaaaaaaaa is not a product of this account"}},
		{"UpdateAvailability in the past", "UpdateAvailability", "Offer@1.0", offer.ID, `{"AvailabilityEndDate":"2020-01-01"}`, "",
			[]string{"AvailabilityEndDate 2020-01-01 must be in the future"}},
		{"UpdateTargeting with a malformed account", "UpdateTargeting", "Offer@1.0", offer.ID, `{"PositiveTargeting":{"BuyerAccounts":["12345"]}}`, "",
			[]string{"BuyerAccounts entry 12345 is not a 12-digit AWS account ID"}},
		{"ReleaseOffer with details", "ReleaseOffer", "Offer@1.0", offer.ID, `{"Now":true}`, "", []string{"Details must be an empty object"}},
		{"CreateOffer on the account's product", "CreateOffer", "Offer@1.0", "", `{"ProductId":"` + product.ID + `","Name":"New offer"}`, "", nil},
		{"UpdateAvailability in the future", "UpdateAvailability", "Offer@1.0", offer.ID, `{"AvailabilityEndDate":"` + future + `"}`, "", nil},
		{"an experience's change types are not modelled", "UpdateStatus", "Experience@1.0", "", `{"Status":"Enabled"}`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := mctypes.Change{ChangeType: aws.String(tt.changeType), Entity: &mctypes.Entity{Type: aws.String(tt.entityType)}, Details: aws.String(tt.details)}
			if tt.id != "" {
				ch.Entity.Identifier = aws.String(tt.id)
			}
			if tt.changeType == "UpdateStatus" { // not a Create: it needs an entity
				exp := firstEntity(t, srv.Account(), "Experience")
				ch.Entity.Identifier = aws.String(exp.ID)
			}
			start, err := mc.StartChangeSet(t.Context(), &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName), ChangeSet: []mctypes.Change{ch}})
			if tt.wantRefused != "" {
				var ve *mctypes.ValidationException
				if !errors.As(err, &ve) || !strings.Contains(aws.ToString(ve.Message), tt.wantRefused) {
					t.Fatalf("err = %v, want ValidationException %q", err, tt.wantRefused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, _ := waitCatalogChangeSet(t, mc, aws.ToString(start.ChangeSetId), mctypes.ChangeStatusSucceeded)
			if len(tt.wantErrors) == 0 {
				if out.Status != mctypes.ChangeStatusSucceeded {
					t.Fatalf("status %s: %+v", out.Status, out.ChangeSet[0].ErrorDetailList)
				}
				return
			}
			if out.Status != mctypes.ChangeStatusFailed || out.FailureCode != mctypes.FailureCodeClientError {
				t.Fatalf("status %s %s, want FAILED CLIENT_ERROR", out.Status, out.FailureCode)
			}
			var msgs []string
			for _, e := range out.ChangeSet[0].ErrorDetailList {
				if aws.ToString(e.ErrorCode) != "INVALID_INPUT" {
					t.Errorf("ErrorCode %q", aws.ToString(e.ErrorCode))
				}
				msgs = append(msgs, aws.ToString(e.ErrorMessage))
			}
			all := strings.Join(msgs, "\n")
			for _, w := range tt.wantErrors {
				if !strings.Contains(all, w) {
					t.Errorf("ErrorDetailList %q lacks %q", msgs, w)
				}
			}
		})
	}
}
