package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// ChangeSetAPI is the part of the Catalog client change sets use.
type ChangeSetAPI interface {
	StartChangeSet(ctx context.Context, in *marketplacecatalog.StartChangeSetInput, o ...func(*marketplacecatalog.Options)) (*marketplacecatalog.StartChangeSetOutput, error)
	DescribeChangeSet(ctx context.Context, in *marketplacecatalog.DescribeChangeSetInput, o ...func(*marketplacecatalog.Options)) (*marketplacecatalog.DescribeChangeSetOutput, error)
	CancelChangeSet(ctx context.Context, in *marketplacecatalog.CancelChangeSetInput, o ...func(*marketplacecatalog.Options)) (*marketplacecatalog.CancelChangeSetOutput, error)
	ListChangeSets(ctx context.Context, in *marketplacecatalog.ListChangeSetsInput, o ...func(*marketplacecatalog.Options)) (*marketplacecatalog.ListChangeSetsOutput, error)
}

var _ ChangeSetAPI = (*marketplacecatalog.Client)(nil)

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
func Start(ctx context.Context, api ChangeSetAPI, r StartRequest) (id, arn string, err error) {
	if err := r.Validate(); err != nil {
		return "", "", err
	}
	in := &marketplacecatalog.StartChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetTags: sdkTags(r.ChangeSetTags)}
	if r.Name != "" {
		in.ChangeSetName = aws.String(r.Name)
	}
	for _, c := range r.Changes {
		ch := mctypes.Change{ChangeType: aws.String(c.ChangeType), Entity: &mctypes.Entity{Type: aws.String(c.EntityType)},
			Details: aws.String(c.Details), EntityTags: sdkTags(c.EntityTags)}
		if c.EntityID != "" {
			ch.Entity.Identifier = aws.String(c.EntityID)
		}
		in.ChangeSet = append(in.ChangeSet, ch)
	}
	out, err := api.StartChangeSet(ctx, in)
	if err != nil {
		return "", "", fmt.Errorf("starting the change set: %w", err)
	}
	return aws.ToString(out.ChangeSetId), aws.ToString(out.ChangeSetArn), nil
}

// ChangeSetState is what Watch reports.
type ChangeSetState struct {
	ID, Status, FailureCode, FailureDescription string
	Errors                                      []string // "Entity: CODE message" per ErrorDetailList entry
}

// Terminal reports whether the change set has ended.
func (s ChangeSetState) Terminal() bool {
	return s.Status == "SUCCEEDED" || s.Status == "FAILED" || s.Status == "CANCELLED"
}

// Watch follows a change set until it ends, calling onChange at each status
// change, paced under the DescribeChangeSet quota with throttling retried.
func Watch(ctx context.Context, api ChangeSetAPI, id string, every time.Duration, onChange func(ChangeSetState)) (ChangeSetState, error) {
	lim := NewLimiters().For(OpDescribeChangeSet)
	last := ""
	for {
		var out *marketplacecatalog.DescribeChangeSetOutput
		err := Retry(ctx, func(ctx context.Context) error {
			if err := lim.Wait(ctx); err != nil {
				return err
			}
			var err error
			out, err = api.DescribeChangeSet(ctx, &marketplacecatalog.DescribeChangeSetInput{Catalog: aws.String("AWSMarketplace"), ChangeSetId: aws.String(id)})
			return err
		})
		if err != nil {
			return ChangeSetState{ID: id}, fmt.Errorf("reading change set %s: %w", id, err)
		}
		st := ChangeSetState{ID: id, Status: string(out.Status), FailureCode: string(out.FailureCode), FailureDescription: aws.ToString(out.FailureDescription)}
		for _, ch := range out.ChangeSet {
			for _, e := range ch.ErrorDetailList {
				ent := ""
				if ch.Entity != nil {
					ent = aws.ToString(ch.Entity.Identifier)
				}
				st.Errors = append(st.Errors, fmt.Sprintf("%s: %s %s", ent, aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage)))
			}
		}
		if st.Status != last && onChange != nil {
			onChange(st)
		}
		last = st.Status
		if st.Terminal() {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(every):
		}
	}
}
