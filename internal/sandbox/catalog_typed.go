package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// ListEntities' typed filters and sort (EntityTypeFilters, EntityTypeSort),
// and the typed summaries of offers, offer sets and resale authorizations,
// as botocore's marketplace-catalog model defines them. The fields come from
// the entity itself (ID, name, visibility, last change) and from its details
// document (an offer's ProductId, State, Targeting…), where present.

// typedFields are the filterable fields of each EntityTypeFilters member,
// and typedSorts the SortBy values of each EntityTypeSort member.
var (
	typedFields = map[string][]string{
		"DataProduct":            {"EntityId", "ProductTitle", "Visibility", "LastModifiedDate"},
		"SaaSProduct":            {"EntityId", "ProductTitle", "Visibility", "LastModifiedDate"},
		"AmiProduct":             {"EntityId", "LastModifiedDate", "ProductTitle", "Visibility"},
		"ContainerProduct":       {"EntityId", "LastModifiedDate", "ProductTitle", "Visibility"},
		"MachineLearningProduct": {"EntityId", "LastModifiedDate", "ProductTitle", "Visibility"},
		"Offer": {"EntityId", "Name", "ProductId", "ResaleAuthorizationId", "ReleaseDate", "AvailabilityEndDate", "BuyerAccounts",
			"State", "Targeting", "LastModifiedDate", "OfferSetId"},
		"ResaleAuthorization": {"EntityId", "Name", "ProductId", "CreatedDate", "AvailabilityEndDate", "ManufacturerAccountId",
			"ProductName", "ManufacturerLegalName", "ResellerAccountID", "ResellerLegalName", "Status", "OfferExtendedStatus", "LastModifiedDate"},
		"OfferSet": {"EntityId", "Name", "State", "ReleaseDate", "AssociatedOfferIds", "SolutionId", "LastModifiedDate"},
	}
	typedSorts = map[string][]string{
		"DataProduct":            {"EntityId", "ProductTitle", "Visibility", "LastModifiedDate"},
		"SaaSProduct":            {"EntityId", "ProductTitle", "Visibility", "LastModifiedDate", "DeliveryOptionTypes"},
		"AmiProduct":             {"EntityId", "LastModifiedDate", "ProductTitle", "Visibility"},
		"ContainerProduct":       {"EntityId", "LastModifiedDate", "ProductTitle", "Visibility", "CompatibleAWSServices"},
		"MachineLearningProduct": {"EntityId", "LastModifiedDate", "ProductTitle", "Visibility"},
		"Offer": {"EntityId", "Name", "ProductId", "ResaleAuthorizationId", "ReleaseDate", "AvailabilityEndDate", "BuyerAccounts",
			"State", "Targeting", "LastModifiedDate", "OfferSetId"},
		"ResaleAuthorization": {"EntityId", "Name", "ProductId", "ProductName", "ManufacturerAccountId", "ManufacturerLegalName",
			"ResellerAccountID", "ResellerLegalName", "Status", "OfferExtendedStatus", "CreatedDate", "AvailabilityEndDate", "LastModifiedDate"},
		"OfferSet": {"Name", "State", "ReleaseDate", "SolutionId", "EntityId", "LastModifiedDate"},
	}
)

// typedFilter is one field's filter: a value list, a wildcard, a date range.
type typedFilter struct {
	ValueList     []string
	WildCardValue *string
	DateRange     *struct{ AfterValue, BeforeValue *string }
}

// parseTypedFilters reads EntityTypeFilters for entity type typ.
func parseTypedFilters(raw json.RawMessage, typ string) (map[string]typedFilter, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var union map[string]map[string]typedFilter
	if err := json.Unmarshal(raw, &union); err != nil || len(union) != 1 {
		return nil, catalogValidation("EntityTypeFilters must have exactly one member, the filters of the EntityType (%sFilters)", typ)
	}
	for member, fields := range union {
		if member != typ+"Filters" || typedFields[typ] == nil {
			return nil, catalogValidation("EntityTypeFilters %s does not match the EntityType %s", member, typ)
		}
		for name, f := range fields {
			if !slices.Contains(typedFields[typ], name) {
				return nil, catalogValidation("%s is not a valid filter of %s. Valid filters are: %s", name, member, strings.Join(typedFields[typ], ", "))
			}
			if f.ValueList != nil && (len(f.ValueList) < 1 || len(f.ValueList) > 10) {
				return nil, catalogValidation("%s.%s.ValueList must have between 1 and 10 values", member, name)
			}
			if f.DateRange != nil {
				for _, v := range []*string{f.DateRange.AfterValue, f.DateRange.BeforeValue} {
					if v != nil {
						if _, err := time.Parse("2006-01-02T15:04:05Z", *v); err != nil {
							return nil, catalogValidation("%s.%s.DateRange value '%s' is not an ISO 8601 date such as 2025-01-31T00:00:00Z", member, name, *v)
						}
					}
				}
			}
		}
		return fields, nil
	}
	return nil, nil
}

// parseTypedSort reads EntityTypeSort for entity type typ.
func parseTypedSort(raw json.RawMessage, typ string) (sortBy, order string, ok bool, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", false, nil
	}
	var union map[string]struct{ SortBy, SortOrder string }
	if json.Unmarshal(raw, &union) != nil || len(union) != 1 {
		return "", "", false, catalogValidation("EntityTypeSort must have exactly one member, the sort of the EntityType (%sSort)", typ)
	}
	for member, s := range union {
		if member != typ+"Sort" || typedSorts[typ] == nil {
			return "", "", false, catalogValidation("EntityTypeSort %s does not match the EntityType %s", member, typ)
		}
		if s.SortBy != "" && !slices.Contains(typedSorts[typ], s.SortBy) {
			return "", "", false, catalogValidation("SortBy '%s' is not valid for %s. Valid values are: %s", s.SortBy, member, strings.Join(typedSorts[typ], ", "))
		}
		if s.SortOrder != "" && s.SortOrder != "ASCENDING" && s.SortOrder != "DESCENDING" {
			return "", "", false, catalogValidation("SortOrder '%s' is not valid. Valid values are ASCENDING and DESCENDING", s.SortOrder)
		}
		sortBy, order = s.SortBy, s.SortOrder
	}
	if sortBy == "" {
		sortBy = "LastModifiedDate"
	}
	if order == "" {
		order = "DESCENDING"
	}
	return sortBy, order, true, nil
}

// typedValues are the entity's fields as the typed filters and sorts see
// them: strings, or lists of strings (BuyerAccounts, Targeting…).
func (e *CatalogEntity) typedValues() map[string]any {
	v := map[string]any{"EntityId": e.ID, "LastModifiedDate": e.LastModified.UTC().Format("2006-01-02T15:04:05Z")}
	var d map[string]any
	_ = json.Unmarshal([]byte(e.Details), &d)
	str := func(m map[string]any, k string) string {
		s, _ := m[k].(string)
		return s
	}
	obj := func(m map[string]any, k string) map[string]any {
		o, _ := m[k].(map[string]any)
		return o
	}
	strs := func(x any) []string {
		var out []string
		l, _ := x.([]any)
		for _, s := range l {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	set := func(k string, val any) {
		switch x := val.(type) {
		case string:
			if x != "" {
				v[k] = x
			}
		case []string:
			if len(x) > 0 {
				v[k] = x
			}
		}
	}
	switch e.Type {
	case "Offer":
		set("Name", e.Name)
		set("ProductId", str(d, "ProductId"))
		set("ResaleAuthorizationId", str(d, "ResaleAuthorizationId"))
		set("State", str(d, "State"))
		set("ReleaseDate", str(d, "ReleaseDate"))
		set("OfferSetId", str(d, "OfferSetId"))
		end := str(d, "AvailabilityEndDate")
		if end == "" {
			end = str(obj(d, "Availability"), "AvailabilityEndDate")
		}
		set("AvailabilityEndDate", end)
		pos := obj(obj(d, "Targeting"), "PositiveTargeting")
		buyers := strs(d["BuyerAccounts"])
		if len(buyers) == 0 {
			buyers = strs(pos["BuyerAccounts"])
		}
		set("BuyerAccounts", buyers)
		var targeting []string
		for _, k := range []string{"BuyerAccounts", "ParticipatingPrograms", "CountryCodes"} {
			if pos[k] != nil {
				targeting = append(targeting, k)
			}
		}
		if len(targeting) == 0 && pos != nil {
			targeting = []string{"None"}
		}
		set("Targeting", targeting)
	case "ResaleAuthorization":
		set("Name", e.Name)
		for _, k := range []string{"ProductId", "ProductName", "ManufacturerLegalName", "ResellerAccountID", "ResellerLegalName",
			"Status", "OfferExtendedStatus", "CreatedDate", "AvailabilityEndDate"} {
			set(k, str(d, k))
		}
		manufacturer := str(d, "ManufacturerAccountId")
		if manufacturer == "" {
			manufacturer = entityOwner(e.ARN)
		}
		set("ManufacturerAccountId", manufacturer)
	case "OfferSet":
		set("Name", e.Name)
		set("State", str(d, "State"))
		set("ReleaseDate", str(d, "ReleaseDate"))
		set("SolutionId", str(d, "SolutionId"))
		set("AssociatedOfferIds", strs(d["AssociatedOfferIds"]))
	default:
		set("ProductTitle", e.Name)
		set("Visibility", e.Visibility)
	}
	return v
}

// entityOwner is the account ID in an entity ARN.
func entityOwner(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// typedMatches applies EntityTypeFilters: every field filter must hold.
func typedMatches(values map[string]any, filters map[string]typedFilter) bool {
	for name, f := range filters {
		var have []string
		switch x := values[name].(type) {
		case string:
			have = []string{x}
		case []string:
			have = x
		}
		if len(have) == 0 {
			return false
		}
		if f.ValueList != nil && !slices.ContainsFunc(have, func(h string) bool { return slices.Contains(f.ValueList, h) }) {
			return false
		}
		if w := f.WildCardValue; w != nil && !slices.ContainsFunc(have, func(h string) bool {
			return strings.Contains(strings.ToLower(h), strings.ToLower(*w))
		}) {
			return false
		}
		if r := f.DateRange; r != nil {
			if (r.AfterValue != nil && have[0] < *r.AfterValue) || (r.BeforeValue != nil && have[0] > *r.BeforeValue) {
				return false
			}
		}
	}
	return true
}

// typedSortKey is the value an entity sorts by under EntityTypeSort.
func typedSortKey(values map[string]any, sortBy string) string {
	switch x := values[sortBy].(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	}
	return ""
}

type catalogOfferSummary struct {
	Name                  string   `json:",omitempty"`
	ProductId             string   `json:",omitempty"`
	ResaleAuthorizationId string   `json:",omitempty"`
	ReleaseDate           string   `json:",omitempty"`
	AvailabilityEndDate   string   `json:",omitempty"`
	BuyerAccounts         []string `json:",omitempty"`
	State                 string   `json:",omitempty"`
	Targeting             []string `json:",omitempty"`
	OfferSetId            string   `json:",omitempty"`
}

type catalogResaleAuthorizationSummary struct {
	Name                  string `json:",omitempty"`
	ProductId             string `json:",omitempty"`
	ProductName           string `json:",omitempty"`
	ManufacturerAccountId string `json:",omitempty"`
	ManufacturerLegalName string `json:",omitempty"`
	ResellerAccountID     string `json:",omitempty"`
	ResellerLegalName     string `json:",omitempty"`
	Status                string `json:",omitempty"`
	OfferExtendedStatus   string `json:",omitempty"`
	CreatedDate           string `json:",omitempty"`
	AvailabilityEndDate   string `json:",omitempty"`
}

type catalogOfferSetSummary struct {
	Name               string   `json:",omitempty"`
	State              string   `json:",omitempty"`
	ReleaseDate        string   `json:",omitempty"`
	AssociatedOfferIds []string `json:",omitempty"`
	SolutionId         string   `json:",omitempty"`
}

// typedSummary fills the offer, offer set or resale authorization summary of s.
func (e *CatalogEntity) typedSummary(s *catalogEntitySummary) {
	v := e.typedValues()
	str := func(k string) string { x, _ := v[k].(string); return x }
	list := func(k string) []string { x, _ := v[k].([]string); return x }
	switch e.Type {
	case "Offer":
		s.OfferSummary = &catalogOfferSummary{Name: str("Name"), ProductId: str("ProductId"), ResaleAuthorizationId: str("ResaleAuthorizationId"),
			ReleaseDate: str("ReleaseDate"), AvailabilityEndDate: str("AvailabilityEndDate"), BuyerAccounts: list("BuyerAccounts"),
			State: str("State"), Targeting: list("Targeting"), OfferSetId: str("OfferSetId")}
	case "ResaleAuthorization":
		s.ResaleAuthorizationSummary = &catalogResaleAuthorizationSummary{Name: str("Name"), ProductId: str("ProductId"),
			ProductName: str("ProductName"), ManufacturerAccountId: str("ManufacturerAccountId"), ManufacturerLegalName: str("ManufacturerLegalName"),
			ResellerAccountID: str("ResellerAccountID"), ResellerLegalName: str("ResellerLegalName"), Status: str("Status"),
			OfferExtendedStatus: str("OfferExtendedStatus"), CreatedDate: str("CreatedDate"), AvailabilityEndDate: str("AvailabilityEndDate")}
	case "OfferSet":
		s.OfferSetSummary = &catalogOfferSetSummary{Name: str("Name"), State: str("State"), ReleaseDate: str("ReleaseDate"),
			AssociatedOfferIds: list("AssociatedOfferIds"), SolutionId: str("SolutionId")}
	}
}
