package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// entityIDPattern is StartChangeSet's Entity.Identifier pattern (botocore's
// model: 1–255 characters of ^[\w\-@]+$).
var entityIDPattern = regexp.MustCompile(`^[\w\-@]+$`)

// ChangeRequest is one change of a change set, as the guide's examples.
type ChangeRequest struct {
	ChangeType string // e.g. UpdateInformation, CreateExperience
	EntityType string // e.g. AmiProduct@1.0
	EntityID   string // empty when the change creates the entity
	Details    string // JSON
	EntityTags []Tag
}

// StartRequest is a change set to start.
type StartRequest struct {
	Name          string
	Changes       []ChangeRequest
	ChangeSetTags []Tag
}

// Validate checks the request before any call, naming what is wrong.
func (r StartRequest) Validate() error {
	if len(r.Changes) < 1 || len(r.Changes) > 20 {
		return fmt.Errorf("a change set holds 1 to 20 changes; got %d", len(r.Changes))
	}
	if len(r.ChangeSetTags) > 0 {
		if err := ValidateTags(r.ChangeSetTags); err != nil {
			return fmt.Errorf("change set tags: %w", err)
		}
	}
	seen := map[string]bool{}
	for i, c := range r.Changes {
		if c.ChangeType == "" || c.ChangeType[0] < 'A' || c.ChangeType[0] > 'Z' {
			return fmt.Errorf("change %d: ChangeType %q must start with a capital letter (e.g. UpdateInformation)", i+1, c.ChangeType)
		}
		if !strings.Contains(c.EntityType, "@") {
			return fmt.Errorf("change %d: entity type %q needs its version, e.g. SaaSProduct@1.0", i+1, c.EntityType)
		}
		switch {
		case c.EntityID == "" && !strings.HasPrefix(c.ChangeType, "Create"):
			// Only a Create… change makes a new entity; any other acts on one
			// that exists, and AWS refuses it (422) without its ID.
			return fmt.Errorf("change %d: %s acts on an existing entity: give its entity ID (only a Create… change makes a new one)", i+1, c.ChangeType)
		case c.EntityID != "" && (len(c.EntityID) > 255 || !entityIDPattern.MatchString(c.EntityID)):
			return fmt.Errorf("change %d: entity ID %q is not valid: 1 to 255 letters, digits, _ - or @", i+1, c.EntityID)
		}
		if !json.Valid([]byte(c.Details)) {
			return fmt.Errorf("change %d: Details is not valid JSON", i+1)
		}
		if len(c.EntityTags) > 0 {
			if err := ValidateTags(c.EntityTags); err != nil {
				return fmt.Errorf("change %d entity tags: %w", i+1, err)
			}
		}
		k := c.ChangeType + "/" + c.EntityID
		if c.EntityID != "" && seen[k] {
			return fmt.Errorf("change %d: the same ChangeType %s on entity %s twice in one change set is not allowed", i+1, c.ChangeType, c.EntityID)
		}
		seen[k] = true
	}
	return nil
}

func sdkTags(ts []Tag) []mctypes.Tag {
	var out []mctypes.Tag
	for _, t := range ts {
		out = append(out, mctypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return out
}

// Start validates and starts a change set; it returns its ID and ARN.
func (c *Client) Start(ctx context.Context, r StartRequest) (id, arn string, err error) {
	if err := r.Validate(); err != nil {
		return "", "", err
	}
	in := &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(catalogName), ChangeSetTags: sdkTags(r.ChangeSetTags)}
	if r.Name != "" {
		in.ChangeSetName = aws.String(r.Name)
	}
	for _, ch := range r.Changes {
		change := mctypes.Change{ChangeType: aws.String(ch.ChangeType), Entity: &mctypes.Entity{Type: aws.String(ch.EntityType)},
			Details: aws.String(ch.Details), EntityTags: sdkTags(ch.EntityTags)}
		if ch.EntityID != "" {
			change.Entity.Identifier = aws.String(ch.EntityID)
		}
		in.ChangeSet = append(in.ChangeSet, change)
	}
	out, err := c.api.StartChangeSet(ctx, in)
	if err != nil {
		return "", "", fmt.Errorf("starting the change set: %w", err)
	}
	return aws.ToString(out.ChangeSetId), aws.ToString(out.ChangeSetArn), nil
}

// ChangeSet is a change set as DescribeChangeSet tells it.
type ChangeSet struct {
	ID, ARN, Name                   string
	Status                          string // PREPARING, APPLYING, SUCCEEDED, FAILED, CANCELLED
	FailureCode, FailureDescription string
	StartTime, EndTime              string // ISO 8601, as AWS sends them
	Changes                         []ChangeResult
}

// ChangeResult is one change of a change set, with the errors AWS found.
type ChangeResult struct {
	ChangeType, EntityType, EntityID string
	Errors                           []ErrorDetail
}

// ErrorDetail is one entry of a change's ErrorDetailList.
type ErrorDetail struct{ Code, Message string }

// Terminal reports whether the change set has ended.
func (s ChangeSet) Terminal() bool {
	return s.Status == "SUCCEEDED" || s.Status == "FAILED" || s.Status == "CANCELLED"
}

// ErrorLines are the changes' errors, one "ENTITY: CODE message" each.
func (s ChangeSet) ErrorLines() []string {
	var out []string
	for _, ch := range s.Changes {
		for _, e := range ch.Errors {
			out = append(out, fmt.Sprintf("%s: %s %s", ch.EntityID, e.Code, e.Message))
		}
	}
	return out
}

// DescribeChangeSet reads one change set.
func (c *Client) DescribeChangeSet(ctx context.Context, id string) (ChangeSet, error) {
	out, err := c.api.DescribeChangeSet(ctx, &marketplacecatalog.DescribeChangeSetInput{Catalog: aws.String(catalogName), ChangeSetId: aws.String(id)})
	if err != nil {
		return ChangeSet{ID: id}, fmt.Errorf("reading change set %s: %w", id, err)
	}
	cs := ChangeSet{ID: id, ARN: aws.ToString(out.ChangeSetArn), Name: aws.ToString(out.ChangeSetName), Status: string(out.Status),
		FailureCode: string(out.FailureCode), FailureDescription: aws.ToString(out.FailureDescription),
		StartTime: aws.ToString(out.StartTime), EndTime: aws.ToString(out.EndTime)}
	for _, ch := range out.ChangeSet {
		r := ChangeResult{ChangeType: aws.ToString(ch.ChangeType)}
		if ch.Entity != nil {
			r.EntityType, r.EntityID = aws.ToString(ch.Entity.Type), aws.ToString(ch.Entity.Identifier)
		}
		for _, e := range ch.ErrorDetailList {
			r.Errors = append(r.Errors, ErrorDetail{Code: aws.ToString(e.ErrorCode), Message: aws.ToString(e.ErrorMessage)})
		}
		cs.Changes = append(cs.Changes, r)
	}
	return cs, nil
}

// Watch follows a change set until it ends, reading it every `every` and
// calling onChange (may be nil) at each status change; the reads are paced
// under the DescribeChangeSet quota and retried by the client.
func (c *Client) Watch(ctx context.Context, id string, every time.Duration, onChange func(ChangeSet)) (ChangeSet, error) {
	last := ""
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ChangeSet{ID: id}, fmt.Errorf("following change set %s: %w", id, ctx.Err())
		case <-timer.C:
		}
		cs, err := c.DescribeChangeSet(ctx, id)
		if err != nil {
			return cs, err
		}
		if cs.Status != last && onChange != nil {
			onChange(cs)
		}
		last = cs.Status
		if cs.Terminal() {
			return cs, nil
		}
		timer.Reset(every)
	}
}
