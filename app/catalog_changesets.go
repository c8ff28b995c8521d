package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
)

// ChangeView is one change of a change set, as the window edits it.
type ChangeView struct {
	ChangeType string        `json:"changeType"`
	EntityType string        `json:"entityType"` // with version, e.g. AmiProduct@1.0
	EntityID   string        `json:"entityId"`   // "" when the change creates the entity
	Details    string        `json:"details"`    // JSON
	EntityTags []catalog.Tag `json:"entityTags"`
}

// ChangeSetRequest is a change set to start.
type ChangeSetRequest struct {
	Name          string        `json:"name"`
	Changes       []ChangeView  `json:"changes"`
	ChangeSetTags []catalog.Tag `json:"changeSetTags"`
}

// ChangeSetTemplate is one of the guide's examples, to start from.
type ChangeSetTemplate struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	NeedsEntity string           `json:"needsEntity"` // entity type the user picks, "" = none
	Request     ChangeSetRequest `json:"request"`
}

// ChangeResultView is a change of a started change set, with its errors.
type ChangeResultView struct {
	ChangeType string   `json:"changeType"`
	EntityType string   `json:"entityType"`
	EntityID   string   `json:"entityId"`
	Errors     []string `json:"errors"` // "CODE: message" per ErrorDetailList entry
}

// ChangeSetView is a change set as DescribeChangeSet tells it, sent as
// catalog:changeset whenever its status moves.
type ChangeSetView struct {
	ID                 string             `json:"id"`
	ARN                string             `json:"arn"`
	Name               string             `json:"name"`
	Status             string             `json:"status"` // PREPARING, APPLYING, SUCCEEDED, FAILED, CANCELLED
	FailureCode        string             `json:"failureCode"`
	FailureDescription string             `json:"failureDescription"`
	StartTime          string             `json:"startTime"`
	EndTime            string             `json:"endTime"`
	Changes            []ChangeResultView `json:"changes"`
	Watching           bool               `json:"watching"`
}

// ChangeSetFilter narrows the recent change sets.
type ChangeSetFilter struct {
	Status   string `json:"status"`   // "" = any
	Name     string `json:"name"`     // exact ChangeSetName
	EntityID string `json:"entityId"` // change sets touching this entity
}

// ChangeSetSummaryView is one row of the recent change sets.
type ChangeSetSummaryView struct {
	ID        string   `json:"id"`
	ARN       string   `json:"arn"`
	Name      string   `json:"name"`
	Status    string   `json:"status"`
	StartTime string   `json:"startTime"`
	EndTime   string   `json:"endTime"`
	EntityIDs []string `json:"entityIds"`
}

var guideTags = []catalog.Tag{{Key: "product-team", Value: "team-xyz"}}

// ChangeSetTemplates are the guide's two StartChangeSet examples.
func (c *Catalog) ChangeSetTemplates() []ChangeSetTemplate {
	return []ChangeSetTemplate{
		{ID: "update-information", Title: "Update product information, with a change-set tag",
			Description: "UpdateInformation on an existing product, tagging the change set it creates (guide: “Adding tags to a change set when creating a change set”).",
			NeedsEntity: "product",
			Request: ChangeSetRequest{Changes: []ChangeView{{ChangeType: "UpdateInformation", EntityType: "AmiProduct@1.0",
				Details: `{"ProductTitle":"My updated title"}`, EntityTags: []catalog.Tag{}}}, ChangeSetTags: guideTags}},
		{ID: "create-experience", Title: "Create a private marketplace experience, tagging entity and change set",
			Description: "CreateExperience with EntityTags and ChangeSetTags (guide: “Adding tags to an entity and change set during creation”).",
			Request: ChangeSetRequest{Changes: []ChangeView{{ChangeType: "CreateExperience", EntityType: "Experience@1.0",
				Details: `{"Name": "ExamplePrivateMarketplace"}`, EntityTags: guideTags}}, ChangeSetTags: guideTags}},
	}
}

func (r ChangeSetRequest) start() catalog.StartRequest {
	out := catalog.StartRequest{Name: r.Name, ChangeSetTags: r.ChangeSetTags}
	for _, ch := range r.Changes {
		out.Changes = append(out.Changes, catalog.ChangeRequest{ChangeType: ch.ChangeType, EntityType: ch.EntityType,
			EntityID: ch.EntityID, Details: ch.Details, EntityTags: ch.EntityTags})
	}
	return out
}

// ValidateChangeSet checks a change set as StartChangeSet would be checked,
// without calling AWS; "" when it is fine.
func (c *Catalog) ValidateChangeSet(req ChangeSetRequest) string {
	if err := req.start().Validate(); err != nil {
		return err.Error()
	}
	return ""
}

// StartChangeSet starts the change set and follows it (catalog:changeset
// events) to SUCCEEDED, FAILED or CANCELLED.
func (c *Catalog) StartChangeSet(req ChangeSetRequest) (ChangeSetView, error) {
	sr := req.start()
	if err := sr.Validate(); err != nil {
		return ChangeSetView{Changes: []ChangeResultView{}}, err
	}
	_, api, err := c.client()
	if err != nil {
		return ChangeSetView{Changes: []ChangeResultView{}}, err
	}
	ctx, cancel := context.WithTimeout(c.life.context(), time.Minute)
	defer cancel()
	id, _, err := api.Start(ctx, sr)
	if err != nil {
		return ChangeSetView{Changes: []ChangeResultView{}}, explainStart(err)
	}
	v, err := c.describe(ctx, api, id)
	if err != nil {
		return v, err
	}
	c.watch(id)
	v.Watching = !isTerminal(v.Status)
	return v, nil
}

// explainStart adds the next step to the Catalog's refusals of a start.
func explainStart(err error) error {
	switch {
	case catalog.IsResourceInUse(err):
		return fmt.Errorf("%w: another change set is PREPARING or APPLYING on this entity; wait for it to end (Change sets list), then start again", err)
	case catalog.IsQuotaExceeded(err):
		return fmt.Errorf("%w: too many change sets are running at once; wait for one to end", err)
	}
	return err
}

func isTerminal(status string) bool {
	return status == "SUCCEEDED" || status == "FAILED" || status == "CANCELLED"
}

// watch follows a change set in the background until it ends.
func (c *Catalog) watch(id string) {
	c.csMu.Lock()
	if _, ok := c.watching[id]; ok {
		c.csMu.Unlock()
		return
	}
	ctx, cancel := context.WithTimeout(c.life.context(), 2*time.Hour)
	c.watching[id] = cancel
	c.csMu.Unlock()
	c.life.goWork(func() {
		defer func() {
			cancel()
			c.csMu.Lock()
			delete(c.watching, id)
			c.csMu.Unlock()
		}()
		_, api, err := c.client()
		if err != nil {
			return
		}
		_, err = api.Watch(ctx, id, c.changeSetPoll(), func(cs catalog.ChangeSet) {
			v := changeSetView(cs)
			v.Watching = !cs.Terminal()
			c.p.Emit(EventCatalogChangeSet, v)
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			c.log.Warn("change set watch ended", "id", id, "err", err)
		}
	})
}

func (c *Catalog) stopWatches() {
	c.csMu.Lock()
	defer c.csMu.Unlock()
	for id, cancel := range c.watching {
		cancel()
		delete(c.watching, id)
	}
}

func (c *Catalog) describe(ctx context.Context, api *catalog.Client, id string) (ChangeSetView, error) {
	cs, err := api.DescribeChangeSet(ctx, id)
	if err != nil {
		return ChangeSetView{ID: id, Changes: []ChangeResultView{}}, err
	}
	return changeSetView(cs), nil
}

func changeSetView(cs catalog.ChangeSet) ChangeSetView {
	v := ChangeSetView{ID: cs.ID, ARN: cs.ARN, Name: cs.Name, Status: cs.Status,
		FailureCode: cs.FailureCode, FailureDescription: cs.FailureDescription,
		StartTime: cs.StartTime, EndTime: cs.EndTime, Changes: []ChangeResultView{}}
	for _, ch := range cs.Changes {
		r := ChangeResultView{ChangeType: ch.ChangeType, EntityType: ch.EntityType, EntityID: ch.EntityID, Errors: []string{}}
		for _, e := range ch.Errors {
			r.Errors = append(r.Errors, e.Code+": "+e.Message)
		}
		v.Changes = append(v.Changes, r)
	}
	return v
}

// DescribeChangeSet reads one change set (and follows it if it runs).
func (c *Catalog) DescribeChangeSet(id string) (ChangeSetView, error) {
	if strings.TrimSpace(id) == "" {
		return ChangeSetView{Changes: []ChangeResultView{}}, errors.New("no change set ID given")
	}
	_, api, err := c.client()
	if err != nil {
		return ChangeSetView{Changes: []ChangeResultView{}}, err
	}
	ctx, cancel := context.WithTimeout(c.life.context(), time.Minute)
	defer cancel()
	v, err := c.describe(ctx, api, id)
	if err == nil && !isTerminal(v.Status) {
		c.watch(id)
		v.Watching = true
	}
	return v, err
}

// CancelChangeSet cancels a change set; AWS allows it only while PREPARING.
func (c *Catalog) CancelChangeSet(id string) (ChangeSetView, error) {
	_, api, err := c.client()
	if err != nil {
		return ChangeSetView{Changes: []ChangeResultView{}}, err
	}
	ctx, cancel := context.WithTimeout(c.life.context(), time.Minute)
	defer cancel()
	if err := api.CancelChangeSet(ctx, id); err != nil {
		return ChangeSetView{ID: id, Changes: []ChangeResultView{}}, err
	}
	v, err := c.describe(ctx, api, id)
	if err == nil {
		c.p.Emit(EventCatalogChangeSet, v)
	}
	return v, err
}

// ChangeSets lists recent change sets (newest first, up to 20 (the API's page)) matching f.
func (c *Catalog) ChangeSets(f ChangeSetFilter) ([]ChangeSetSummaryView, error) {
	out := []ChangeSetSummaryView{}
	_, api, err := c.client()
	if err != nil {
		return out, err
	}
	ctx, cancel := context.WithTimeout(c.life.context(), time.Minute)
	defer cancel()
	list, err := api.ListChangeSets(ctx, catalog.ChangeSetFilter{Status: strings.TrimSpace(f.Status),
		Name: strings.TrimSpace(f.Name), EntityID: strings.TrimSpace(f.EntityID)})
	if err != nil {
		return out, err
	}
	for _, s := range list {
		out = append(out, ChangeSetSummaryView{ID: s.ID, ARN: s.ARN, Name: s.Name, Status: s.Status,
			StartTime: s.StartTime, EndTime: s.EndTime, EntityIDs: s.EntityIDs})
	}
	return out, nil
}
