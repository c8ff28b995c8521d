package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Marketplace Catalog change sets: StartChangeSet, DescribeChangeSet,
// ListChangeSets and CancelChangeSet.
//
// A change set runs in the background, paced by the server's TimeScale:
// PREPARING for changeSetPrepareSeconds, then APPLYING for
// changeSetApplySeconds, then SUCCEEDED, when its changes take effect
// (UpdateInformation renames the entity and merges its details,
// UpdateVisibility sets the visibility, Create* creates the entity, and
// EntityTags are applied; every change bumps LastModifiedDate and the
// revision). A change whose Details break its change type's rules
// (catalog_changetypes.go), or contain "FAIL" (for demos), makes the change
// set FAILED (FailureCode CLIENT_ERROR, with an ErrorDetailList on the
// change) at the end of PREPARING; Intent VALIDATE succeeds there without
// applying. A change type the entity type does not accept is refused at
// once (ValidationException).
// While a change set is PREPARING or APPLYING its entities are locked.

// Realistic durations of the change-set phases, in seconds (divided by the
// server's TimeScale).
const (
	changeSetPrepareSeconds = 30
	changeSetApplySeconds   = 45
)

// maxOpenChangeSets is how many change sets may be PREPARING or APPLYING at
// once before StartChangeSet fails with ServiceQuotaExceededException.
const maxOpenChangeSets = 10

// Change-set statuses.
const (
	ChangeSetPreparing = "PREPARING"
	ChangeSetApplying  = "APPLYING"
	ChangeSetSucceeded = "SUCCEEDED"
	ChangeSetCancelled = "CANCELLED"
	ChangeSetFailed    = "FAILED"
)

// CatalogChangeSet is a Marketplace Catalog change set.
type CatalogChangeSet struct {
	ID, ARN, Name string
	Intent        string // APPLY or VALIDATE
	Status        string // ChangeSetPreparing, …
	// FailureCode (CLIENT_ERROR or SERVER_FAULT) and FailureDescription are
	// set when Status is FAILED.
	FailureCode, FailureDescription string
	Start, End                      time.Time // End is zero until the change set ends
	Changes                         []CatalogChange
	Tags                            []Tag
}

// CatalogChange is one change of a change set.
type CatalogChange struct {
	ChangeType string
	ChangeName string
	EntityType string // as given, e.g. "SaaSProduct@1.0"
	EntityID   string // for Create* changes, the ID the new entity gets
	// Details is the change's details (a JSON document); DetailsDocument
	// reports it was given as DetailsDocument rather than a string.
	Details         string
	DetailsDocument bool
	EntityTags      []Tag
	Errors          []CatalogChangeError
	create          bool
}

// CatalogChangeError is an entry of a change's ErrorDetailList.
type CatalogChangeError struct{ Code, Message string }

func (cs *CatalogChangeSet) clone() CatalogChangeSet {
	x := *cs
	x.Tags = slices.Clone(cs.Tags)
	x.Changes = slices.Clone(cs.Changes)
	for i := range x.Changes {
		x.Changes[i].EntityTags = slices.Clone(x.Changes[i].EntityTags)
		x.Changes[i].Errors = slices.Clone(x.Changes[i].Errors)
	}
	return x
}

func (cs *CatalogChangeSet) open() bool {
	return cs.Status == ChangeSetPreparing || cs.Status == ChangeSetApplying
}

func (cs *CatalogChangeSet) touches(entityID string) bool {
	return slices.ContainsFunc(cs.Changes, func(ch CatalogChange) bool { return ch.EntityID == entityID })
}

// CatalogChangeSets returns the account's change sets, oldest first.
func (a *Account) CatalogChangeSets() []CatalogChangeSet {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]CatalogChangeSet, 0, len(a.changeSets))
	for _, cs := range a.changeSets {
		out = append(out, cs.clone())
	}
	return out
}

// CatalogChangeSet returns the change set with the given ID.
func (a *Account) CatalogChangeSet(id string) (CatalogChangeSet, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if cs := a.changeSetByID(id); cs != nil {
		return cs.clone(), true
	}
	return CatalogChangeSet{}, false
}

func (a *Account) changeSetByID(id string) *CatalogChangeSet {
	for _, cs := range a.changeSets {
		if cs.ID == id {
			return cs
		}
	}
	return nil
}

var (
	changeTypePattern      = regexp.MustCompile(`^[A-Z][\w]*$`)
	changeEntityType       = regexp.MustCompile(`^([a-zA-Z]+)(@[0-9]+\.[0-9]+)?$`)
	catalogChangeSetNameRE = regexp.MustCompile(`^[\w\s+=.:@-]+$`)
	changeSetIDPattern     = regexp.MustCompile(`^[\w\-]+$`)
	clientTokenPattern     = regexp.MustCompile(`^[!-~]+$`)
)

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

type changeJSON struct {
	ChangeType      string
	ChangeName      string
	Entity          *struct{ Type, Identifier string }
	EntityTags      []tagJSON
	Details         *string
	DetailsDocument json.RawMessage
}

func catalogStartChangeSet(c *call) (any, error) {
	var in struct {
		Catalog            string
		ChangeSet          []changeJSON
		ChangeSetName      string
		ChangeSetTags      []tagJSON
		ClientRequestToken string
		Intent             string
	}
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	a := c.acct
	if err := catalogAuthorize(c, "StartChangeSet", entityARN(a.Region, a.ID, "ChangeSet", "*")); err != nil {
		return nil, err
	}
	if err := checkCatalog("Catalog", in.Catalog); err != nil {
		return nil, err
	}
	if n := len(in.ChangeSet); n < 1 || n > 20 {
		return nil, catalogValidation("ChangeSet must have between 1 and 20 changes, got %d", n)
	}
	if in.ChangeSetName != "" && (len(in.ChangeSetName) > 100 || !catalogChangeSetNameRE.MatchString(in.ChangeSetName)) {
		return nil, catalogValidation("ChangeSetName '%s' is not valid: it must be 1 to 100 characters matching ^[\\w\\s+=.:@-]+$", in.ChangeSetName)
	}
	if in.ClientRequestToken != "" && (len(in.ClientRequestToken) > 64 || !clientTokenPattern.MatchString(in.ClientRequestToken)) {
		return nil, catalogValidation("ClientRequestToken is not valid: it must be 1 to 64 printable characters")
	}
	intent := in.Intent
	if intent == "" {
		intent = "APPLY"
	}
	if intent != "APPLY" && intent != "VALIDATE" {
		return nil, catalogValidation("Intent '%s' is not valid. Valid values are VALIDATE and APPLY", in.Intent)
	}
	csTags := toTags(in.ChangeSetTags)
	if len(csTags) > 0 {
		if err := checkTags("ChangeSetTags", csTags, 1); err != nil {
			return nil, err
		}
	}
	changes := make([]CatalogChange, len(in.ChangeSet))
	for i, ch := range in.ChangeSet {
		field := fmt.Sprintf("ChangeSet[%d]", i)
		if ch.ChangeType == "" || len(ch.ChangeType) > 255 || !changeTypePattern.MatchString(ch.ChangeType) {
			return nil, catalogValidation("%s.ChangeType '%s' is not valid: it must match ^[A-Z][\\w]*$", field, ch.ChangeType)
		}
		if ch.Entity == nil || ch.Entity.Type == "" {
			return nil, catalogValidation("%s.Entity.Type is required", field)
		}
		m := changeEntityType.FindStringSubmatch(ch.Entity.Type)
		if m == nil || !slices.Contains(catalogEntityTypes, m[1]) {
			return nil, catalogValidation("%s.Entity.Type '%s' is not valid: give a known entity type and version, e.g. SaaSProduct@1.0", field, ch.Entity.Type)
		}
		if err := checkChangeType(field, ch.Entity.Type, ch.ChangeType); err != nil {
			return nil, err
		}
		out := CatalogChange{ChangeType: ch.ChangeType, ChangeName: ch.ChangeName, EntityType: ch.Entity.Type}
		docGiven := len(ch.DetailsDocument) > 0 && string(ch.DetailsDocument) != "null"
		switch {
		case ch.Details != nil && docGiven:
			return nil, catalogValidation("%s: give either Details or DetailsDocument, not both", field)
		case ch.Details != nil:
			if len(*ch.Details) > maxDetailsLen {
				return nil, catalogValidation("%s.Details must be at most %d characters long", field, maxDetailsLen)
			}
			var obj map[string]any
			if json.Unmarshal([]byte(*ch.Details), &obj) != nil {
				return nil, catalogValidation("%s.Details is not a valid JSON object", field)
			}
			out.Details = *ch.Details
		case docGiven:
			var buf bytes.Buffer
			if json.Compact(&buf, ch.DetailsDocument) != nil {
				return nil, catalogValidation("%s.DetailsDocument is not valid JSON", field)
			}
			out.Details, out.DetailsDocument = buf.String(), true
		default:
			return nil, catalogValidation("%s: Details or DetailsDocument is required", field)
		}
		out.EntityTags = toTags(ch.EntityTags)
		if len(out.EntityTags) > 0 {
			if err := checkTags(field+".EntityTags", out.EntityTags, 1); err != nil {
				return nil, err
			}
		}
		id := strings.SplitN(ch.Entity.Identifier, "@", 2)[0]
		switch {
		case id == "" && strings.HasPrefix(ch.ChangeType, "Create"):
			out.create = true
			out.EntityID = entityIDPrefix(m[1]) + randomString(13, lowerAlnum)
		case id == "":
			return nil, catalogValidation("%s.Entity.Identifier is required for %s", field, ch.ChangeType)
		case len(ch.Entity.Identifier) > 255 || !entityIDPattern.MatchString(ch.Entity.Identifier):
			return nil, catalogValidation("%s.Entity.Identifier '%s' is not valid", field, ch.Entity.Identifier)
		default:
			out.EntityID = id
		}
		for _, prev := range changes[:i] {
			if !out.create && prev.EntityID == out.EntityID && prev.ChangeType == out.ChangeType {
				return nil, catalogValidation("%s: the change type %s is applied to entity %s more than once in this change set", field, out.ChangeType, out.EntityID)
			}
		}
		changes[i] = out
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	if in.ClientRequestToken != "" {
		if id, ok := a.changeSetTokens[in.ClientRequestToken]; ok {
			if cs := a.changeSetByID(id); cs != nil {
				return map[string]string{"ChangeSetId": cs.ID, "ChangeSetArn": cs.ARN}, nil
			}
		}
	}
	for i, ch := range changes {
		if ch.create {
			continue
		}
		e := a.entityByID(ch.EntityID)
		if e == nil || e.Shared {
			return nil, catalogNotFound("entity " + ch.EntityID)
		}
		if base := strings.SplitN(ch.EntityType, "@", 2)[0]; base != e.Type {
			return nil, catalogValidation("ChangeSet[%d].Entity.Type '%s' does not match entity %s, which is a %s", i, ch.EntityType, e.ID, e.Type)
		}
		if len(ch.EntityTags) > 0 {
			if err := checkTagCount(e.ARN, e.Tags, ch.EntityTags); err != nil {
				return nil, err
			}
		}
		for _, cs := range a.changeSets {
			if cs.open() && cs.touches(ch.EntityID) {
				return nil, apiError(http.StatusLocked, "ResourceInUseException",
					"The resource is currently in use: entity %s is locked by change set %s, which is %s", ch.EntityID, cs.ID, cs.Status)
			}
		}
	}
	open := 0
	for _, cs := range a.changeSets {
		if cs.open() {
			open++
		}
	}
	if open >= maxOpenChangeSets {
		return nil, apiError(http.StatusPaymentRequired, "ServiceQuotaExceededException",
			"The maximum number of open requests per account has been exceeded: %d change sets are in progress (the limit is %d)", open, maxOpenChangeSets)
	}
	id := randomString(25, lowerAlnum)
	cs := &CatalogChangeSet{ID: id, ARN: entityARN(a.Region, a.ID, "ChangeSet", id), Name: in.ChangeSetName, Intent: intent,
		Status: ChangeSetPreparing, Start: c.now().UTC(), Changes: changes, Tags: csTags}
	a.changeSets = append(a.changeSets, cs)
	if in.ClientRequestToken != "" {
		a.changeSetTokens[in.ClientRequestToken] = id
	}
	a.goBackground(func(ctx context.Context) { a.runChangeSet(ctx, cs) })
	return map[string]string{"ChangeSetId": cs.ID, "ChangeSetArn": cs.ARN}, nil
}

// runChangeSet moves cs through its states (background; a.mu not held).
func (a *Account) runChangeSet(ctx context.Context, cs *CatalogChangeSet) {
	a.continueChangeSet(ctx, cs, 0)
}

// continueChangeSet moves cs on from where it is (PREPARING or APPLYING),
// elapsed simulated seconds after it started (a change set restored from a
// state document).
func (a *Account) continueChangeSet(ctx context.Context, cs *CatalogChangeSet, elapsed float64) {
	a.mu.Lock()
	applying := cs.Status == ChangeSetApplying
	a.mu.Unlock()
	if !applying {
		if a.pause(ctx, changeSetPrepareSeconds-elapsed) != nil {
			return
		}
		if !a.prepareChangeSet(cs) {
			return
		}
	}
	if a.pause(ctx, changeSetApplySeconds-max(0, elapsed-changeSetPrepareSeconds)) != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now().UTC().Truncate(time.Second)
	for i := range cs.Changes {
		a.applyChange(&cs.Changes[i], now)
	}
	cs.Status, cs.End = ChangeSetSucceeded, now
	a.changeSetEnded(cs)
}

// prepareChangeSet validates cs's changes at the end of PREPARING; it
// reports whether cs goes on to APPLYING.
func (a *Account) prepareChangeSet(cs *CatalogChangeSet) bool {
	a.mu.Lock()
	if cs.Status != ChangeSetPreparing { // cancelled
		a.mu.Unlock()
		return false
	}
	now := time.Now().UTC().Truncate(time.Second)
	failed := false
	for i := range cs.Changes {
		ch := &cs.Changes[i]
		if strings.Contains(ch.Details, "FAIL") {
			ch.Errors = append(ch.Errors, CatalogChangeError{"INVALID_INPUT",
				fmt.Sprintf("The details of change %s on entity %s are not valid (they contain \"FAIL\")", ch.ChangeType, ch.EntityID)})
			failed = true
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(ch.Details), &d)
		for _, msg := range a.changeErrors(ch, d) {
			ch.Errors = append(ch.Errors, CatalogChangeError{"INVALID_INPUT", ch.ChangeType + " on " + ch.EntityID + ": " + msg})
			failed = true
		}
	}
	switch {
	case failed:
		cs.Status, cs.End = ChangeSetFailed, now
		cs.FailureCode, cs.FailureDescription = "CLIENT_ERROR", "One or more changes failed validation; see each change's ErrorDetailList."
		a.changeSetEnded(cs)
		a.mu.Unlock()
		return false
	case cs.Intent == "VALIDATE":
		cs.Status, cs.End = ChangeSetSucceeded, now
		a.changeSetEnded(cs)
		a.mu.Unlock()
		return false
	}
	cs.Status = ChangeSetApplying
	a.mu.Unlock()
	return true
}

// applyChange makes one change take effect (caller holds a.mu).
func (a *Account) applyChange(ch *CatalogChange, now time.Time) {
	var d map[string]any
	_ = json.Unmarshal([]byte(ch.Details), &d)
	str := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := d[k].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	e := a.entityByID(ch.EntityID)
	if e == nil {
		if !ch.create {
			return // the entity went away meanwhile
		}
		typ := strings.SplitN(ch.EntityType, "@", 2)[0]
		name := str("Name", "ProductTitle", "DisplayName")
		if name == "" {
			name = ch.EntityID
		}
		e = a.insertEntity(typ, ch.EntityID, name, "Draft", now, a.ID, "")
		if typ == "Experience" {
			e.Visibility = ""
		}
		var base map[string]any
		_ = json.Unmarshal([]byte(e.Details), &base)
		for k, v := range d {
			base[k] = v
		}
		b, _ := json.Marshal(base)
		e.Details = string(b)
	} else {
		switch ch.ChangeType {
		case "UpdateInformation":
			var doc map[string]any
			_ = json.Unmarshal([]byte(e.Details), &doc)
			if doc == nil {
				doc = map[string]any{}
			}
			target := doc
			if desc, ok := doc["Description"].(map[string]any); ok {
				target = desc
			}
			for k, v := range d {
				target[k] = v
			}
			b, _ := json.Marshal(doc)
			e.Details = string(b)
			if name := str("ProductTitle", "Name"); name != "" {
				e.Name = name
			}
		case "UpdateVisibility":
			if v := str("TargetVisibility", "Visibility"); v != "" {
				e.Visibility = v
			}
		case "ReleaseOffer":
			var doc map[string]any
			if json.Unmarshal([]byte(e.Details), &doc) == nil && doc != nil {
				doc["State"] = "Released"
				b, _ := json.Marshal(doc)
				e.Details = string(b)
			}
		}
		e.Revision++
	}
	e.Tags = mergeTags(e.Tags, ch.EntityTags)
	e.LastModified = now
}

type changeSummaryJSON struct {
	ChangeType      string
	ChangeName      string `json:",omitempty"`
	Entity          struct{ Type, Identifier string }
	Details         string          `json:",omitempty"`
	DetailsDocument json.RawMessage `json:",omitempty"`
	ErrorDetailList []struct{ ErrorCode, ErrorMessage string }
}

func catalogDescribeChangeSet(c *call) (any, error) {
	q := c.req.URL.Query()
	id := q.Get("changeSetId")
	a := c.acct
	if err := catalogAuthorize(c, "DescribeChangeSet", entityARN(a.Region, a.ID, "ChangeSet", orStar(id))); err != nil {
		return nil, err
	}
	if err := checkCatalog("catalog", q.Get("catalog")); err != nil {
		return nil, err
	}
	if err := checkChangeSetID(id); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	cs := a.changeSetByID(id)
	if cs == nil {
		return nil, catalogNotFound("change set " + id)
	}
	changes := make([]changeSummaryJSON, len(cs.Changes))
	for i, ch := range cs.Changes {
		s := changeSummaryJSON{ChangeType: ch.ChangeType, ChangeName: ch.ChangeName,
			ErrorDetailList: []struct{ ErrorCode, ErrorMessage string }{}}
		s.Entity.Type, s.Entity.Identifier = ch.EntityType, ch.EntityID
		if ch.DetailsDocument {
			s.DetailsDocument = json.RawMessage(ch.Details)
		} else {
			s.Details = ch.Details
		}
		for _, e := range ch.Errors {
			s.ErrorDetailList = append(s.ErrorDetailList, struct{ ErrorCode, ErrorMessage string }{e.Code, e.Message})
		}
		changes[i] = s
	}
	out := map[string]any{"ChangeSetId": cs.ID, "ChangeSetArn": cs.ARN, "ChangeSetName": cs.Name, "Intent": cs.Intent,
		"StartTime": cs.Start.Format(catalogTimeFormat), "Status": cs.Status, "ChangeSet": changes}
	if !cs.End.IsZero() {
		out["EndTime"] = cs.End.Format(catalogTimeFormat)
	}
	if cs.FailureCode != "" {
		out["FailureCode"], out["FailureDescription"] = cs.FailureCode, cs.FailureDescription
	}
	return out, nil
}

func checkChangeSetID(id string) error {
	switch {
	case id == "":
		return catalogValidation("changeSetId is required")
	case len(id) > 255 || !changeSetIDPattern.MatchString(id):
		return catalogValidation("changeSetId '%s' is not valid", id)
	}
	return nil
}

func catalogCancelChangeSet(c *call) (any, error) {
	q := c.req.URL.Query()
	id := q.Get("changeSetId")
	a := c.acct
	if err := catalogAuthorize(c, "CancelChangeSet", entityARN(a.Region, a.ID, "ChangeSet", orStar(id))); err != nil {
		return nil, err
	}
	if err := checkCatalog("catalog", q.Get("catalog")); err != nil {
		return nil, err
	}
	if err := checkChangeSetID(id); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	cs := a.changeSetByID(id)
	if cs == nil {
		return nil, catalogNotFound("change set " + id)
	}
	if cs.Status != ChangeSetPreparing {
		return nil, apiError(http.StatusLocked, "ResourceInUseException",
			"The resource is currently in use: change set %s is %s and can only be cancelled while PREPARING", id, cs.Status)
	}
	cs.Status, cs.End = ChangeSetCancelled, c.now().UTC().Truncate(time.Second)
	a.changeSetEnded(cs)
	return map[string]string{"ChangeSetId": cs.ID, "ChangeSetArn": cs.ARN}, nil
}

type changeSetSummaryJSON struct {
	ChangeSetId   string
	ChangeSetArn  string
	ChangeSetName string `json:",omitempty"`
	StartTime     string
	EndTime       string `json:",omitempty"`
	Status        string
	EntityIdList  []string
	FailureCode   string `json:",omitempty"`
}

var changeSetFilters = []string{"ChangeSetName", "Status", "EntityId", "BeforeStartTime", "AfterStartTime", "BeforeEndTime", "AfterEndTime"}

func catalogListChangeSets(c *call) (any, error) {
	var in struct {
		Catalog    string
		FilterList []catalogFilter
		Sort       *struct{ SortBy, SortOrder string }
		MaxResults *int
		NextToken  *string
	}
	if err := c.decodeJSONBody(&in); err != nil {
		return nil, err
	}
	a := c.acct
	if err := catalogAuthorize(c, "ListChangeSets", entityARN(a.Region, a.ID, "ChangeSet", "*")); err != nil {
		return nil, err
	}
	if err := checkCatalog("Catalog", in.Catalog); err != nil {
		return nil, err
	}
	limit := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 20 {
			return nil, catalogValidation("MaxResults must be between 1 and 20")
		}
		limit = *in.MaxResults
	}
	if len(in.FilterList) > 8 {
		return nil, catalogValidation("FilterList can have at most 8 filters")
	}
	times := map[string]time.Time{}
	for _, f := range in.FilterList {
		if !slices.Contains(changeSetFilters, f.Name) {
			return nil, catalogValidation("Filter name '%s' is not valid. Valid names are: %s", f.Name, strings.Join(changeSetFilters, ", "))
		}
		if len(f.ValueList) < 1 || len(f.ValueList) > 10 {
			return nil, catalogValidation("Filter %s must have between 1 and 10 values", f.Name)
		}
		if strings.HasSuffix(f.Name, "Time") {
			t, err := time.Parse(time.RFC3339, f.ValueList[0])
			if err != nil {
				return nil, catalogValidation("Filter %s value '%s' is not an ISO 8601 date-time", f.Name, f.ValueList[0])
			}
			times[f.Name] = t
		}
	}
	sortBy, order := "StartTime", "DESCENDING"
	if in.Sort != nil {
		if in.Sort.SortBy != "" {
			sortBy = in.Sort.SortBy
		}
		if in.Sort.SortOrder != "" {
			order = in.Sort.SortOrder
		}
	}
	if !slices.Contains([]string{"ChangeSetId", "ChangeSetName", "StartTime", "EndTime", "Status"}, sortBy) {
		return nil, catalogValidation("SortBy '%s' is not valid. Valid values are ChangeSetId, ChangeSetName, StartTime, EndTime and Status", sortBy)
	}
	if order != "ASCENDING" && order != "DESCENDING" {
		return nil, catalogValidation("SortOrder '%s' is not valid. Valid values are ASCENDING and DESCENDING", order)
	}
	query, _ := json.Marshal([]any{in.FilterList, sortBy, order})
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

	a.mu.Lock()
	var matched []*CatalogChangeSet
	for _, cs := range a.changeSets {
		if changeSetMatches(cs, in.FilterList, times) {
			matched = append(matched, cs)
		}
	}
	slices.SortStableFunc(matched, func(x, y *CatalogChangeSet) int {
		var n int
		switch sortBy {
		case "ChangeSetId":
			n = strings.Compare(x.ID, y.ID)
		case "ChangeSetName":
			n = strings.Compare(x.Name, y.Name)
		case "Status":
			n = strings.Compare(x.Status, y.Status)
		case "EndTime":
			n = x.End.Compare(y.End)
		default:
			n = x.Start.Compare(y.Start)
		}
		if order == "DESCENDING" {
			return -n
		}
		return n
	})
	start = min(start, len(matched))
	end := min(start+limit, len(matched))
	list := []changeSetSummaryJSON{}
	for _, cs := range matched[start:end] {
		s := changeSetSummaryJSON{ChangeSetId: cs.ID, ChangeSetArn: cs.ARN, ChangeSetName: cs.Name,
			StartTime: cs.Start.Format(catalogTimeFormat), Status: cs.Status, FailureCode: cs.FailureCode, EntityIdList: []string{}}
		if !cs.End.IsZero() {
			s.EndTime = cs.End.Format(catalogTimeFormat)
		}
		for _, ch := range cs.Changes {
			if !slices.Contains(s.EntityIdList, ch.EntityID) {
				s.EntityIdList = append(s.EntityIdList, ch.EntityID)
			}
		}
		list = append(list, s)
	}
	a.mu.Unlock()

	out := map[string]any{"ChangeSetSummaryList": list}
	if end < len(matched) {
		tok, _ := json.Marshal(catalogToken{Offset: end, Query: queryKey})
		out["NextToken"] = base64.RawURLEncoding.EncodeToString(tok)
	}
	return out, nil
}

func changeSetMatches(cs *CatalogChangeSet, filters []catalogFilter, times map[string]time.Time) bool {
	for _, f := range filters {
		switch f.Name {
		case "ChangeSetName":
			if !slices.Contains(f.ValueList, cs.Name) {
				return false
			}
		case "Status":
			if !slices.Contains(f.ValueList, cs.Status) {
				return false
			}
		case "EntityId":
			if !slices.ContainsFunc(f.ValueList, cs.touches) {
				return false
			}
		case "BeforeStartTime":
			if !cs.Start.Before(times[f.Name]) {
				return false
			}
		case "AfterStartTime":
			if !cs.Start.After(times[f.Name]) {
				return false
			}
		case "BeforeEndTime":
			if cs.End.IsZero() || !cs.End.Before(times[f.Name]) {
				return false
			}
		case "AfterEndTime":
			if cs.End.IsZero() || !cs.End.After(times[f.Name]) {
				return false
			}
		}
	}
	return true
}
