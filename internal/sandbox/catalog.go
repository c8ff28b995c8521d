package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// AWS Marketplace Catalog API: REST-JSON, signing name "aws-marketplace",
// over the account's Catalog entities (Account.entities) and change sets
// (Account.changeSets): ListEntities here; DescribeEntity,
// BatchDescribeEntities, the tag and resource-policy calls in
// catalog_entities.go; the change sets in catalog_changesets.go. Every
// operation is rate limited at its documented per-account quota
// (catalog_throttle.go).
//
// Two kinds of refusal, told apart by their messages as SellerDesk's Seller
// account tile does:
//
//   - missing IAM permission (Account.CatalogDenied): 403 AccessDeniedException
//     "User: <caller ARN> is not authorized to perform: aws-marketplace:<Action>
//     on resource: … because no identity-based policy allows …", IAM's wording;
//   - an account that is not a registered seller (Account.Seller false): 403
//     AccessDeniedException "Seller account is not registered with AWS
//     Marketplace". AWS documents no exact error for this case; the sandbox
//     models it as a service refusal with a message that never contains "is
//     not authorized to perform".
func init() {
	handleRESTJSON("aws-marketplace",
		catalogOp("ListEntities", "POST /ListEntities", catalogListEntities),
		catalogOp("DescribeEntity", "GET /DescribeEntity", catalogDescribeEntity),
		catalogOp("BatchDescribeEntities", "POST /BatchDescribeEntities", catalogBatchDescribeEntities),
		catalogOp("TagResource", "POST /TagResource", catalogTagResource),
		catalogOp("UntagResource", "POST /UntagResource", catalogUntagResource),
		catalogOp("ListTagsForResource", "POST /ListTagsForResource", catalogListTagsForResource),
		catalogOp("GetResourcePolicy", "GET /GetResourcePolicy", catalogGetResourcePolicy),
		catalogOp("PutResourcePolicy", "POST /PutResourcePolicy", catalogPutResourcePolicy),
		catalogOp("DeleteResourcePolicy", "DELETE /DeleteResourcePolicy", catalogDeleteResourcePolicy),
		catalogOp("StartChangeSet", "POST /StartChangeSet", catalogStartChangeSet),
		catalogOp("DescribeChangeSet", "GET /DescribeChangeSet", catalogDescribeChangeSet),
		catalogOp("ListChangeSets", "POST /ListChangeSets", catalogListChangeSets),
		catalogOp("CancelChangeSet", "PATCH /CancelChangeSet", catalogCancelChangeSet),
	)
}

// CatalogName is the only catalog of the Catalog API.
const CatalogName = "AWSMarketplace"

// catalogEntityTypes are the documented EntityType values of ListEntities.
var catalogEntityTypes = []string{"AmiProduct", "ContainerProduct", "DataProduct", "SaaSProduct", "MachineLearningProduct",
	"ProcurementPolicy", "Experience", "Audience", "BrandingSettings", "Offer", "OfferSet", "Seller", "ResaleAuthorization",
	"Solution", "ExpressPrivateOfferConfiguration", "SubsidiaryAuthorization"}

var entityTypePattern = regexp.MustCompile(`^[a-zA-Z]+$`)

func catalogValidation(format string, args ...any) *APIError {
	return apiError(http.StatusUnprocessableEntity, "ValidationException", format, args...)
}

// catalogAuthorize applies the scenario's refusals to a Catalog call on
// resource (an entity ARN or pattern).
func catalogAuthorize(c *call, action, resource string) error {
	a := c.acct
	id, expired := c.caller()
	if expired {
		return apiError(http.StatusForbidden, "ExpiredTokenException", "The security token included in the request is expired")
	}
	if a.CatalogDenied {
		return apiError(http.StatusForbidden, "AccessDeniedException",
			"User: %s is not authorized to perform: aws-marketplace:%s on resource: %s because no identity-based policy allows the aws-marketplace:%s action",
			id.ARN, action, resource, action)
	}
	if !a.Seller {
		return apiError(http.StatusForbidden, "AccessDeniedException", "Seller account is not registered with AWS Marketplace")
	}
	return nil
}

// entityARN is the ARN of an entity of the given type owned by account.
func entityARN(region, account, typ, id string) string {
	return "arn:aws:aws-marketplace:" + region + ":" + account + ":" + CatalogName + "/" + typ + "/" + id
}

// addEntity records a Catalog entity with a stable ID derived from its
// owner, type and name (scenarios; caller holds a.mu or owns a).
func (a *Account) addEntity(typ, name, visibility string, modified time.Time, owner string) *CatalogEntity {
	if owner == "" {
		owner = a.ID
	}
	sum := sha256.Sum256([]byte(owner + "/" + typ + "/" + name))
	id := entityIDPrefix(typ) + strings.ToLower(hex.EncodeToString(sum[:]))[:13]
	return a.insertEntity(typ, id, name, visibility, modified, owner, "")
}

// entityIDPrefix is how IDs of entities of type typ begin.
func entityIDPrefix(typ string) string {
	switch typ {
	case "Offer":
		return "offer-"
	case "OfferSet":
		return "offerset-"
	case "ResaleAuthorization":
		return "resaleauthz-"
	case "Experience":
		return "exp-"
	}
	return "prod-"
}

// insertEntity records an entity; details "" gets a default document built
// from the name and visibility (caller holds a.mu or owns a).
func (a *Account) insertEntity(typ, id, name, visibility string, modified time.Time, owner, details string) *CatalogEntity {
	e := &CatalogEntity{ID: id, Type: typ, Name: name, ARN: entityARN(a.Region, owner, typ, id),
		LastModified: modified.UTC().Truncate(time.Second), Visibility: visibility, Shared: owner != a.ID,
		Details: details, Revision: 1}
	if e.Details == "" {
		e.Details = defaultEntityDetails(e)
	}
	a.entities = append(a.entities, e)
	return e
}

type catalogFilter struct {
	Name      string
	ValueList []string
}

type catalogListEntitiesInput struct {
	Catalog           *string
	EntityType        *string
	FilterList        []catalogFilter
	Sort              *struct{ SortBy, SortOrder string }
	NextToken         *string
	MaxResults        *int
	OwnershipType     string
	EntityTypeFilters json.RawMessage
	EntityTypeSort    json.RawMessage
}

type catalogProductSummary struct {
	ProductTitle string `json:",omitempty"`
	Visibility   string `json:",omitempty"`
}

type catalogEntitySummary struct {
	Name                          string                 `json:",omitempty"`
	EntityType                    string                 `json:",omitempty"`
	EntityId                      string                 `json:",omitempty"`
	EntityArn                     string                 `json:",omitempty"`
	LastModifiedDate              string                 `json:",omitempty"`
	Visibility                    string                 `json:",omitempty"`
	AmiProductSummary             *catalogProductSummary `json:",omitempty"`
	ContainerProductSummary       *catalogProductSummary `json:",omitempty"`
	DataProductSummary            *catalogProductSummary `json:",omitempty"`
	SaaSProductSummary            *catalogProductSummary `json:",omitempty"`
	MachineLearningProductSummary *catalogProductSummary `json:",omitempty"`
	// catalog_typed.go
	OfferSummary               *catalogOfferSummary               `json:",omitempty"`
	ResaleAuthorizationSummary *catalogResaleAuthorizationSummary `json:",omitempty"`
	OfferSetSummary            *catalogOfferSetSummary            `json:",omitempty"`
}

func (e *CatalogEntity) summary() catalogEntitySummary {
	s := catalogEntitySummary{Name: e.Name, EntityType: e.Type, EntityId: e.ID, EntityArn: e.ARN,
		LastModifiedDate: e.LastModified.UTC().Format("2006-01-02T15:04:05Z"), Visibility: e.Visibility}
	ps := &catalogProductSummary{ProductTitle: e.Name, Visibility: e.Visibility}
	switch e.Type {
	case "AmiProduct":
		s.AmiProductSummary = ps
	case "ContainerProduct":
		s.ContainerProductSummary = ps
	case "DataProduct":
		s.DataProductSummary = ps
	case "SaaSProduct":
		s.SaaSProductSummary = ps
	case "MachineLearningProduct":
		s.MachineLearningProductSummary = ps
	default:
		e.typedSummary(&s)
	}
	return s
}

// catalogToken is the (opaque) NextToken of ListEntities: where the next page
// starts, bound to the query it pages.
type catalogToken struct {
	Offset int    `json:"o"`
	Query  string `json:"q"`
}

func catalogListEntities(c *call) (any, error) {
	var in catalogListEntitiesInput
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	typ := ""
	if in.EntityType != nil {
		typ = *in.EntityType
	}
	resource := entityARN(c.acct.Region, c.acct.ID, "*", "*")
	if typ != "" {
		resource = entityARN(c.acct.Region, c.acct.ID, typ, "*")
	}
	if err := catalogAuthorize(c, "ListEntities", resource); err != nil {
		return nil, err
	}
	switch {
	case in.Catalog == nil || *in.Catalog == "":
		return nil, catalogValidation("Catalog is required")
	case *in.Catalog != CatalogName:
		return nil, catalogValidation("Catalog '%s' is not valid. The only valid catalog is %s", *in.Catalog, CatalogName)
	case typ == "":
		return nil, catalogValidation("EntityType is required")
	case !entityTypePattern.MatchString(typ) || !slices.Contains(catalogEntityTypes, typ):
		return nil, catalogValidation("EntityType '%s' is not valid. Valid entity types are: %s", typ, strings.Join(catalogEntityTypes, ", "))
	}
	ownership := in.OwnershipType
	if ownership == "" {
		ownership = "SELF"
	}
	if ownership != "SELF" && ownership != "SHARED" {
		return nil, catalogValidation("OwnershipType '%s' is not valid. Valid values are SELF and SHARED", in.OwnershipType)
	}
	limit := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, catalogValidation("MaxResults must be between 1 and 50")
		}
		limit = *in.MaxResults
	}
	if len(in.FilterList) > 8 {
		return nil, catalogValidation("FilterList can have at most 8 filters")
	}
	for _, f := range in.FilterList {
		if len(f.ValueList) > 10 {
			return nil, catalogValidation("Filter %s can have at most 10 values", f.Name)
		}
	}
	sortBy, order := "LastModifiedDate", "DESCENDING"
	if in.Sort != nil {
		if in.Sort.SortBy != "" {
			sortBy = in.Sort.SortBy
		}
		if in.Sort.SortOrder != "" {
			order = in.Sort.SortOrder
		}
		if order != "ASCENDING" && order != "DESCENDING" {
			return nil, catalogValidation("SortOrder '%s' is not valid. Valid values are ASCENDING and DESCENDING", in.Sort.SortOrder)
		}
	}
	typedFilters, err := parseTypedFilters(in.EntityTypeFilters, typ)
	if err != nil {
		return nil, err
	}
	typedSort, typedOrder, hasTypedSort, err := parseTypedSort(in.EntityTypeSort, typ)
	switch {
	case err != nil:
		return nil, err
	case typedFilters != nil && len(in.FilterList) > 0:
		return nil, catalogValidation("FilterList and EntityTypeFilters cannot be used together")
	case hasTypedSort && in.Sort != nil:
		return nil, catalogValidation("Sort and EntityTypeSort cannot be used together")
	case hasTypedSort:
		sortBy, order = typedSort, typedOrder
	}
	query, _ := json.Marshal([]any{typ, ownership, in.FilterList, sortBy, order, typedFilters, hasTypedSort})
	querySum := sha256.Sum256(query)
	queryKey := hex.EncodeToString(querySum[:8])
	start := 0
	if in.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		var tok catalogToken
		if err != nil || json.Unmarshal(raw, &tok) != nil || tok.Query != queryKey || tok.Offset < 0 {
			return nil, catalogValidation("The NextToken is not valid for this request")
		}
		start = tok.Offset
	}

	a := c.acct
	a.mu.Lock()
	var matched []*CatalogEntity
	values := map[*CatalogEntity]map[string]any{}
	for _, e := range a.entities {
		if e.Type != typ || e.Shared != (ownership == "SHARED") || !entityMatches(e, in.FilterList) {
			continue
		}
		if typedFilters != nil || hasTypedSort {
			values[e] = e.typedValues()
			if !typedMatches(values[e], typedFilters) {
				continue
			}
		}
		matched = append(matched, e)
	}
	slices.SortStableFunc(matched, func(x, y *CatalogEntity) int {
		var n int
		switch {
		case hasTypedSort && sortBy != "LastModifiedDate":
			// Any field of the typed summary; entities without it sort first.
			n = strings.Compare(typedSortKey(values[x], sortBy), typedSortKey(values[y], sortBy))
		case sortBy == "EntityId":
			n = strings.Compare(x.ID, y.ID)
		case sortBy == "Name", sortBy == "ProductTitle":
			n = strings.Compare(x.Name, y.Name)
		case sortBy == "Visibility":
			n = strings.Compare(x.Visibility, y.Visibility)
		default:
			n = x.LastModified.Compare(y.LastModified)
		}
		if n == 0 {
			n = strings.Compare(x.ID, y.ID) // a stable order across pages
		}
		if order == "DESCENDING" {
			return -n
		}
		return n
	})
	start = min(start, len(matched))
	end := min(start+limit, len(matched))
	list := []catalogEntitySummary{}
	for _, e := range matched[start:end] {
		list = append(list, e.summary())
	}
	a.mu.Unlock()

	out := map[string]any{"EntitySummaryList": list}
	if end < len(matched) {
		tok, _ := json.Marshal(catalogToken{Offset: end, Query: queryKey})
		out["NextToken"] = base64.RawURLEncoding.EncodeToString(tok)
	}
	return out, nil
}

// entityMatches applies the filters the sandbox understands (EntityId, Name,
// ProductTitle, Visibility); other filter names are ignored.
func entityMatches(e *CatalogEntity, filters []catalogFilter) bool {
	for _, f := range filters {
		if len(f.ValueList) == 0 {
			continue
		}
		var v string
		switch f.Name {
		case "EntityId":
			v = e.ID
		case "Name", "ProductTitle":
			v = e.Name
		case "Visibility":
			v = e.Visibility
		default:
			continue
		}
		if !slices.Contains(f.ValueList, v) {
			return false
		}
	}
	return true
}
