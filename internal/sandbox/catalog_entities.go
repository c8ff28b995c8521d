package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Marketplace Catalog: DescribeEntity, BatchDescribeEntities, the tag calls
// (on entity and change-set ARNs) and the resource-policy calls.

const catalogTimeFormat = "2006-01-02T15:04:05Z"

// Tag rules of the Catalog API (TagResource, UntagResource, StartChangeSet's
// ChangeSetTags and EntityTags).
const (
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
	maxTagsPerRequest  = 50  // TagResource, ChangeSetTags, EntityTags
	maxUntagKeys       = 256 // UntagResource
	maxTagsPerResource = 50
)

var (
	tagPattern         = regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
	catalogARNPattern  = regexp.MustCompile(`^arn:[\w+=/,.@-]+:aws-marketplace:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*$`)
	entityIDPattern    = regexp.MustCompile(`^[\w\-@]+$`)
	maxCatalogARNLen   = 255
	maxDetailsLen      = 16384
	maxResourcePolicy  = 10240
	catalogNotFoundFmt = "Requested resource %s was not found"
)

// defaultEntityDetails is the details document a seeded entity describes
// with: a product's Description, an offer's name and state, ….
func defaultEntityDetails(e *CatalogEntity) string {
	var d map[string]any
	switch e.Type {
	case "AmiProduct", "ContainerProduct", "DataProduct", "SaaSProduct", "MachineLearningProduct":
		d = map[string]any{
			"Description": map[string]any{"ProductTitle": e.Name, "ShortDescription": e.Name + " on AWS Marketplace",
				"Visibility": e.Visibility, "ProductState": "Active"},
			"Versions": []any{},
		}
	case "Offer":
		d = map[string]any{"Name": e.Name, "State": "Released"}
	case "ResaleAuthorization":
		d = map[string]any{"Name": e.Name, "Status": "Active"}
	case "Experience":
		d = map[string]any{"Name": e.Name, "Status": "Enabled"}
	default:
		d = map[string]any{"Name": e.Name}
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// checkCatalog validates a Catalog parameter.
func checkCatalog(name, v string) error {
	switch {
	case v == "":
		return catalogValidation("%s is required", name)
	case v != CatalogName:
		return catalogValidation("Catalog '%s' is not valid. The only valid catalog is %s", v, CatalogName)
	}
	return nil
}

// entityByID finds an entity the account owns or is shared (caller holds a.mu).
func (a *Account) entityByID(id string) *CatalogEntity {
	for _, e := range a.entities {
		if e.ID == id {
			return e
		}
	}
	return nil
}

func catalogNotFound(what string) *APIError {
	return apiError(http.StatusNotFound, "ResourceNotFoundException", catalogNotFoundFmt, what)
}

// entityDescription is DescribeEntity's answer and BatchDescribeEntities'
// EntityDetail (which has no Details string).
type entityDescription struct {
	EntityType       string
	EntityIdentifier string
	EntityArn        string
	LastModifiedDate string
	Details          string `json:",omitempty"`
	DetailsDocument  json.RawMessage
}

func (e *CatalogEntity) describe(withString bool) entityDescription {
	d := entityDescription{EntityType: e.Type + "@1.0", EntityIdentifier: fmt.Sprintf("%s@%d", e.ID, e.Revision),
		EntityArn: e.ARN, LastModifiedDate: e.LastModified.UTC().Format(catalogTimeFormat), DetailsDocument: json.RawMessage(e.Details)}
	if withString {
		d.Details = e.Details
	}
	return d
}

func catalogDescribeEntity(c *call) (any, error) {
	q := c.req.URL.Query()
	id := q.Get("entityId")
	a := c.acct
	if err := catalogAuthorize(c, "DescribeEntity", entityARN(a.Region, a.ID, "*", orStar(id))); err != nil {
		return nil, err
	}
	if err := checkCatalog("catalog", q.Get("catalog")); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, catalogValidation("entityId is required")
	}
	if len(id) > 255 || !entityIDPattern.MatchString(id) {
		return nil, catalogValidation("entityId '%s' is not valid", id)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	e := a.entityByID(strings.SplitN(id, "@", 2)[0])
	if e == nil {
		return nil, catalogNotFound("entity " + id)
	}
	return e.describe(true), nil
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

func catalogBatchDescribeEntities(c *call) (any, error) {
	var in struct {
		EntityRequestList []struct{ Catalog, EntityId string }
	}
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	a := c.acct
	if err := catalogAuthorize(c, "DescribeEntity", entityARN(a.Region, a.ID, "*", "*")); err != nil {
		return nil, err
	}
	if n := len(in.EntityRequestList); n < 1 || n > 20 {
		return nil, catalogValidation("EntityRequestList must have between 1 and 20 items, got %d", n)
	}
	for i, r := range in.EntityRequestList {
		if err := checkCatalog(fmt.Sprintf("EntityRequestList[%d].Catalog", i), r.Catalog); err != nil {
			return nil, err
		}
		if r.EntityId == "" || len(r.EntityId) > 255 || !entityIDPattern.MatchString(r.EntityId) {
			return nil, catalogValidation("EntityRequestList[%d].EntityId '%s' is not valid", i, r.EntityId)
		}
	}
	type errorDetail struct{ ErrorCode, ErrorMessage string }
	details, errs := map[string]entityDescription{}, map[string]errorDetail{}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range in.EntityRequestList {
		if e := a.entityByID(strings.SplitN(r.EntityId, "@", 2)[0]); e != nil {
			details[r.EntityId] = e.describe(false)
		} else {
			errs[r.EntityId] = errorDetail{"ResourceNotFoundException", fmt.Sprintf(catalogNotFoundFmt, "entity "+r.EntityId)}
		}
	}
	return map[string]any{"EntityDetails": details, "Errors": errs}, nil
}

// --- tags -----------------------------------------------------------------

// checkTagKey validates a tag key against the Catalog API's rules.
func checkTagKey(field, k string) error {
	n := utf8.RuneCountInString(k)
	switch {
	case n < 1 || n > maxTagKeyLen:
		return catalogValidation("%s: tag key '%s' must be 1 to %d characters long (it has %d)", field, k, maxTagKeyLen, n)
	case !tagPattern.MatchString(k):
		return catalogValidation("%s: tag key '%s' is not valid: it must match the pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", field, k)
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return catalogValidation("%s: tag key '%s' is not valid: the prefix 'aws:' is reserved for AWS use", field, k)
	}
	return nil
}

// checkTags validates a list of tags given in one request.
func checkTags(field string, tags []Tag, minN int) error {
	if len(tags) < minN || len(tags) > maxTagsPerRequest {
		return catalogValidation("%s must have between %d and %d tags, got %d", field, minN, maxTagsPerRequest, len(tags))
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if err := checkTagKey(field, t.Key); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(t.Value); n > maxTagValueLen {
			return catalogValidation("%s: the value of tag key '%s' must be at most %d characters long (it has %d)", field, t.Key, maxTagValueLen, n)
		}
		if !tagPattern.MatchString(t.Value) {
			return catalogValidation("%s: the value of tag key '%s' is not valid: it must match the pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", field, t.Key)
		}
		if seen[t.Key] {
			return catalogValidation("%s: tag key '%s' appears more than once", field, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// mergeTags returns tags with add applied (existing keys get the new value).
func mergeTags(tags, add []Tag) []Tag {
	out := slices.Clone(tags)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(x Tag) bool { return x.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}

// checkTagCount fails when merging add into tags would exceed the
// per-resource limit.
func checkTagCount(arn string, tags, add []Tag) error {
	if n := len(mergeTags(tags, add)); n > maxTagsPerResource {
		return catalogValidation("Tag limit exceeded: resource %s would have %d tags; a resource can have at most %d", arn, n, maxTagsPerResource)
	}
	return nil
}

// checkResourceARN validates a ResourceArn parameter's shape.
func checkResourceARN(arn string) error {
	switch {
	case arn == "":
		return catalogValidation("ResourceArn is required")
	case len(arn) > maxCatalogARNLen || !catalogARNPattern.MatchString(arn):
		return catalogValidation("ResourceArn '%s' is not valid", arn)
	}
	return nil
}

// catalogResourceTags returns a pointer to the tags of the entity or change
// set named by arn, or nil (caller holds a.mu).
func (a *Account) catalogResourceTags(arn string) *[]Tag {
	for _, e := range a.entities {
		if e.ARN == arn {
			return &e.Tags
		}
	}
	for _, cs := range a.changeSets {
		if cs.ARN == arn {
			return &cs.Tags
		}
	}
	return nil
}

type tagJSON struct{ Key, Value string }

func toTags(in []tagJSON) []Tag {
	out := make([]Tag, len(in))
	for i, t := range in {
		out[i] = Tag(t)
	}
	return out
}

func fromTags(in []Tag) []tagJSON {
	out := make([]tagJSON, len(in))
	for i, t := range in {
		out[i] = tagJSON(t)
	}
	return out
}

func catalogTagResource(c *call) (any, error) {
	var in struct {
		ResourceArn string
		Tags        []tagJSON
	}
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	if err := catalogAuthorize(c, "TagResource", orStar(in.ResourceArn)); err != nil {
		return nil, err
	}
	if err := checkResourceARN(in.ResourceArn); err != nil {
		return nil, err
	}
	tags := toTags(in.Tags)
	if err := checkTags("Tags", tags, 1); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := a.catalogResourceTags(in.ResourceArn)
	if cur == nil {
		return nil, catalogNotFound("resource " + in.ResourceArn)
	}
	if err := checkTagCount(in.ResourceArn, *cur, tags); err != nil {
		return nil, err
	}
	*cur = mergeTags(*cur, tags)
	return struct{}{}, nil
}

func catalogUntagResource(c *call) (any, error) {
	var in struct {
		ResourceArn string
		TagKeys     []string
	}
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	if err := catalogAuthorize(c, "UntagResource", orStar(in.ResourceArn)); err != nil {
		return nil, err
	}
	if err := checkResourceARN(in.ResourceArn); err != nil {
		return nil, err
	}
	if len(in.TagKeys) > maxUntagKeys {
		return nil, catalogValidation("TagKeys must have at most %d keys, got %d", maxUntagKeys, len(in.TagKeys))
	}
	for _, k := range in.TagKeys {
		if err := checkTagKey("TagKeys", k); err != nil {
			return nil, err
		}
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := a.catalogResourceTags(in.ResourceArn)
	if cur == nil {
		return nil, catalogNotFound("resource " + in.ResourceArn)
	}
	*cur = slices.DeleteFunc(slices.Clone(*cur), func(t Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
	return struct{}{}, nil
}

func catalogListTagsForResource(c *call) (any, error) {
	var in struct{ ResourceArn string }
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	if err := catalogAuthorize(c, "ListTagsForResource", orStar(in.ResourceArn)); err != nil {
		return nil, err
	}
	if err := checkResourceARN(in.ResourceArn); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := a.catalogResourceTags(in.ResourceArn)
	if cur == nil {
		return nil, catalogNotFound("resource " + in.ResourceArn)
	}
	return map[string]any{"ResourceArn": in.ResourceArn, "Tags": fromTags(*cur)}, nil
}

// --- resource policies ----------------------------------------------------

// policyResource validates the resourceArn of a resource-policy call and
// checks the entity exists (caller holds a.mu).
func (a *Account) policyResource(arn string) error {
	if err := checkResourceARN(arn); err != nil {
		return err
	}
	for _, e := range a.entities {
		if e.ARN == arn {
			return nil
		}
	}
	return catalogNotFound("resource " + arn)
}

func catalogGetResourcePolicy(c *call) (any, error) {
	arn := c.req.URL.Query().Get("resourceArn")
	if err := catalogAuthorize(c, "GetResourcePolicy", orStar(arn)); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.policyResource(arn); err != nil {
		return nil, err
	}
	p, ok := a.catalogPolicies[arn]
	if !ok {
		return nil, catalogNotFound("resource policy of " + arn)
	}
	return map[string]string{"Policy": p}, nil
}

func catalogPutResourcePolicy(c *call) (any, error) {
	var in struct{ ResourceArn, Policy string }
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	if err := catalogAuthorize(c, "PutResourcePolicy", orStar(in.ResourceArn)); err != nil {
		return nil, err
	}
	switch {
	case in.Policy == "":
		return nil, catalogValidation("Policy is required")
	case len(in.Policy) > maxResourcePolicy:
		return nil, catalogValidation("Policy must be at most %d characters long", maxResourcePolicy)
	}
	var doc map[string]any
	if json.Unmarshal([]byte(in.Policy), &doc) != nil {
		return nil, catalogValidation("Policy is not a valid JSON policy document")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.policyResource(in.ResourceArn); err != nil {
		return nil, err
	}
	a.catalogPolicies[in.ResourceArn] = in.Policy
	return struct{}{}, nil
}

func catalogDeleteResourcePolicy(c *call) (any, error) {
	arn := c.req.URL.Query().Get("resourceArn")
	if err := catalogAuthorize(c, "DeleteResourcePolicy", orStar(arn)); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.policyResource(arn); err != nil {
		return nil, err
	}
	if _, ok := a.catalogPolicies[arn]; !ok {
		return nil, catalogNotFound("resource policy of " + arn)
	}
	delete(a.catalogPolicies, arn)
	return struct{}{}, nil
}

// CatalogResourcePolicy returns the resource policy PutResourcePolicy stored
// for the entity arn.
func (a *Account) CatalogResourcePolicy(arn string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.catalogPolicies[arn]
	return p, ok
}
