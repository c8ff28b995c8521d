package sandbox

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// The change types StartChangeSet accepts for each entity type, and the
// rules on each one's Details that the sandbox checks when the change set
// is prepared (as AWS does: a change that breaks them fails the change set,
// FailureCode CLIENT_ERROR, with the reasons in the change's
// ErrorDetailList). Entity types whose change types the sandbox does not
// model (private marketplace experiences and procurement policies, offer
// sets, …) accept any well-formed change type.

// changeRule checks a change's Details; it returns what is wrong.
type changeRule func(a *Account, d map[string]any) []string

var (
	productChangeTypes = map[string]changeRule{
		"CreateProduct": productInformationRule, "UpdateInformation": productInformationRule, "UpdateVisibility": visibilityRule,
		"ReleaseProduct": emptyRule, "UpdateTargeting": nil, "AddDimensions": nil, "UpdateDimensions": nil, "RestrictDimensions": nil,
		"AddDeliveryOptions": nil, "UpdateDeliveryOptions": nil, "RestrictDeliveryOptions": nil, "AddRegions": nil,
		"RestrictRegions": nil, "UpdateFutureRegionSupport": nil, "UpdatePricingTerms": nil, "UpdateLegalTerms": nil,
	}
	catalogChangeTypes = map[string]map[string]changeRule{
		"AmiProduct":             productChangeTypes,
		"ContainerProduct":       productChangeTypes,
		"SaaSProduct":            productChangeTypes,
		"MachineLearningProduct": productChangeTypes,
		"DataProduct": {"CreateProduct": productInformationRule, "UpdateInformation": productInformationRule,
			"UpdateVisibility": visibilityRule, "AddDataSets": nil, "AddRevisions": nil, "ReleaseProduct": emptyRule},
		"Offer": {"CreateOffer": createOfferRule, "UpdateInformation": offerInformationRule, "UpdateAvailability": availabilityRule,
			"UpdateTargeting": targetingRule, "ReleaseOffer": emptyRule, "UpdatePricingTerms": termsRule, "UpdateLegalTerms": termsRule,
			"UpdateSupportTerms": termsRule, "UpdateValidityTerms": termsRule, "UpdatePaymentScheduleTerms": termsRule,
			"UpdateRenewalTerms": termsRule, "UpdateRecurringPaymentTerms": termsRule, "UpdateMarketplaceFilters": nil,
			"UpdateAnnualPricing": nil, "UpdateOfferSet": nil},
		"ResaleAuthorization": {"CreateResaleAuthorization": createResaleRule, "UpdateName": nameRule(255), "UpdateDescription": descriptionRule,
			"UpdateAvailability": availabilityRule, "ReleaseResaleAuthorization": emptyRule, "RestrictResaleAuthorization": emptyRule,
			"UpdatePricingTerms": termsRule, "UpdateLegalTerms": termsRule, "UpdateBuyerTargetingTerms": nil,
			"UpdateOffersMaxQuantity": nil, "UpdateResellerContractDocuments": nil},
	}
)

// checkChangeType refuses a change type the entity type does not accept.
func checkChangeType(field, entityType, changeType string) error {
	base := strings.SplitN(entityType, "@", 2)[0]
	accepted, modelled := catalogChangeTypes[base]
	if !modelled {
		return nil
	}
	if _, ok := accepted[changeType]; !ok {
		names := make([]string, 0, len(accepted))
		for n := range accepted {
			names = append(names, n)
		}
		sort.Strings(names)
		return catalogValidation("%s.ChangeType %s is not valid for entity type %s. Valid change types are: %s", field, changeType, entityType, strings.Join(names, ", "))
	}
	return nil
}

// changeErrors are the rule violations of ch's Details (caller holds a.mu).
func (a *Account) changeErrors(ch *CatalogChange, d map[string]any) []string {
	base := strings.SplitN(ch.EntityType, "@", 2)[0]
	rule := catalogChangeTypes[base][ch.ChangeType]
	if rule == nil {
		return nil
	}
	return rule(a, d)
}

func strField(d map[string]any, k string) (string, bool, bool) {
	v, present := d[k]
	s, isStr := v.(string)
	return s, present, isStr
}

// allowedFields reports the fields of d that the change type does not take.
func allowedFields(d map[string]any, changeType string, allowed ...string) []string {
	var out []string
	for _, k := range sortedKeys(d) {
		if !slices.Contains(allowed, k) {
			out = append(out, fmt.Sprintf("%s is not a field of %s (it takes %s)", k, changeType, strings.Join(allowed, ", ")))
		}
	}
	return out
}

func maxLen(d map[string]any, k string, n int) []string {
	s, present, isStr := strField(d, k)
	switch {
	case !present:
		return nil
	case !isStr:
		return []string{k + " must be a string"}
	case len(s) == 0 || len([]rune(s)) > n:
		return []string{fmt.Sprintf("%s must be 1 to %d characters long (it has %d)", k, n, len([]rune(s)))}
	}
	return nil
}

func listField(d map[string]any, k string, minN, maxN int) ([]any, []string) {
	v, present := d[k]
	if !present {
		return nil, nil
	}
	l, ok := v.([]any)
	switch {
	case !ok:
		return nil, []string{k + " must be a list"}
	case len(l) < minN || len(l) > maxN:
		return l, []string{fmt.Sprintf("%s must have %d to %d entries (it has %d)", k, minN, maxN, len(l))}
	}
	return l, nil
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

var productInformationFields = []string{"ProductTitle", "ShortDescription", "LongDescription", "Sku", "LogoUrl", "VideoUrls",
	"Highlights", "AdditionalResources", "SupportDescription", "Categories", "SearchKeywords", "Manufacturer"}

func productInformationRule(_ *Account, d map[string]any) []string {
	errs := allowedFields(d, "UpdateInformation", productInformationFields...)
	errs = append(errs, maxLen(d, "ProductTitle", 255)...)
	errs = append(errs, maxLen(d, "ShortDescription", 1000)...)
	errs = append(errs, maxLen(d, "LongDescription", 5000)...)
	errs = append(errs, maxLen(d, "SupportDescription", 2000)...)
	if s, present, _ := strField(d, "LogoUrl"); present && !httpsURL(s) {
		errs = append(errs, "LogoUrl must be an https URL")
	}
	if l, e := listField(d, "VideoUrls", 0, 1); e != nil {
		errs = append(errs, e...)
	} else {
		for _, v := range l {
			if s, _ := v.(string); !httpsURL(s) {
				errs = append(errs, "VideoUrls must hold https URLs")
			}
		}
	}
	if l, e := listField(d, "Highlights", 1, 3); e != nil {
		errs = append(errs, e...)
	} else {
		for _, v := range l {
			if s, _ := v.(string); s == "" || len([]rune(s)) > 250 {
				errs = append(errs, "each of Highlights must be 1 to 250 characters long")
			}
		}
	}
	if _, e := listField(d, "Categories", 1, 3); e != nil {
		errs = append(errs, e...)
	}
	if l, e := listField(d, "SearchKeywords", 1, 15); e != nil {
		errs = append(errs, e...)
	} else {
		total := 0
		for _, v := range l {
			s, _ := v.(string)
			total += len(s)
		}
		if total > 250 {
			errs = append(errs, fmt.Sprintf("SearchKeywords must total at most 250 characters (they have %d)", total))
		}
	}
	return errs
}

func visibilityRule(_ *Account, d map[string]any) []string {
	errs := allowedFields(d, "UpdateVisibility", "TargetVisibility")
	v, present, _ := strField(d, "TargetVisibility")
	switch {
	case !present:
		errs = append(errs, "TargetVisibility is required")
	case !slices.Contains([]string{"Public", "Limited", "Restricted"}, v):
		errs = append(errs, fmt.Sprintf("TargetVisibility '%s' is not valid: give Public, Limited or Restricted", v))
	}
	return errs
}

func emptyRule(_ *Account, d map[string]any) []string {
	if len(d) > 0 {
		return []string{"Details must be an empty object ({}) for this change type"}
	}
	return nil
}

var productIDPattern = regexp.MustCompile(`^prod-[a-z0-9]{13}$`)

// productRule checks a ProductId field: present, well-formed, one of the
// account's products (or one shared with it).
func productRule(a *Account, d map[string]any) []string {
	id, present, _ := strField(d, "ProductId")
	switch {
	case !present || id == "":
		return []string{"ProductId is required"}
	case !productIDPattern.MatchString(id):
		return []string{fmt.Sprintf("ProductId '%s' is not valid: a product ID looks like prod-abcdefghijklm", id)}
	}
	if e := a.entityByID(id); e == nil || !strings.HasSuffix(e.Type, "Product") {
		return []string{fmt.Sprintf("ProductId %s is not a product of this account", id)}
	}
	return nil
}

func createOfferRule(a *Account, d map[string]any) []string {
	errs := allowedFields(d, "CreateOffer", "ProductId", "Name", "Description")
	errs = append(errs, productRule(a, d)...)
	return append(errs, maxLen(d, "Name", 150)...)
}

func offerInformationRule(_ *Account, d map[string]any) []string {
	errs := allowedFields(d, "UpdateInformation", "Name", "Description")
	errs = append(errs, maxLen(d, "Name", 150)...)
	return append(errs, maxLen(d, "Description", 255)...)
}

func availabilityRule(_ *Account, d map[string]any) []string {
	errs := allowedFields(d, "UpdateAvailability", "AvailabilityEndDate")
	s, present, _ := strField(d, "AvailabilityEndDate")
	if !present {
		return append(errs, "AvailabilityEndDate is required")
	}
	t, err := time.Parse("2006-01-02", s)
	switch {
	case err != nil:
		errs = append(errs, fmt.Sprintf("AvailabilityEndDate '%s' is not a date in the form YYYY-MM-DD", s))
	case !t.After(time.Now().UTC()):
		errs = append(errs, fmt.Sprintf("AvailabilityEndDate %s must be in the future", s))
	}
	return errs
}

func targetingRule(_ *Account, d map[string]any) []string {
	errs := allowedFields(d, "UpdateTargeting", "PositiveTargeting")
	pos, ok := d["PositiveTargeting"].(map[string]any)
	if !ok {
		return append(errs, "PositiveTargeting is required (an object)")
	}
	l, e := listField(pos, "BuyerAccounts", 1, 26)
	errs = append(errs, e...)
	for _, v := range l {
		if s, _ := v.(string); !accountIDPattern.MatchString(s) {
			errs = append(errs, fmt.Sprintf("BuyerAccounts entry %v is not a 12-digit AWS account ID", v))
		}
	}
	return errs
}

func termsRule(_ *Account, d map[string]any) []string {
	if _, e := listField(d, "Terms", 1, 20); e != nil {
		return e
	}
	if _, ok := d["Terms"]; !ok {
		return []string{"Terms is required (a list of terms)"}
	}
	return nil
}

func createResaleRule(a *Account, d map[string]any) []string {
	errs := allowedFields(d, "CreateResaleAuthorization", "ProductId", "Name", "Description")
	return append(errs, productRule(a, d)...)
}

func nameRule(n int) changeRule {
	return func(_ *Account, d map[string]any) []string {
		if _, ok := d["Name"]; !ok {
			return []string{"Name is required"}
		}
		return append(allowedFields(d, "UpdateName", "Name"), maxLen(d, "Name", n)...)
	}
}

func descriptionRule(_ *Account, d map[string]any) []string {
	if _, ok := d["Description"]; !ok {
		return []string{"Description is required"}
	}
	return append(allowedFields(d, "UpdateDescription", "Description"), maxLen(d, "Description", 255)...)
}
