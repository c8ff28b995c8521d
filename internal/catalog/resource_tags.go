package catalog

import (
	"context"
	"errors"
	"fmt"
)

// catalogName is the Catalog every SellerDesk call names.
const catalogName = "AWSMarketplace"

// ValidateTagSet checks the whole tag set wanted on one resource (as an
// editor holds it): each key and value against the guide's rules and no key
// twice. Unlike ValidateTags it accepts an empty set (remove every tag) and
// more than 50 tags (SetTags sends them 50 per call).
func ValidateTagSet(tags []Tag) error {
	if len(tags) == 0 {
		return nil
	}
	var errs TagErrors
	for start := 0; start < len(tags); start += MaxTagsPerCall {
		end := min(start+MaxTagsPerCall, len(tags))
		var batch TagErrors
		if err := ValidateTags(tags[start:end]); errors.As(err, &batch) {
			for _, e := range batch {
				if e.Index >= 0 {
					e.Index += start
				}
				errs = append(errs, e)
			}
		}
	}
	// Duplicates across chunks.
	seen := map[string]int{}
	for i, t := range tags {
		if first, dup := seen[t.Key]; dup && first/MaxTagsPerCall != i/MaxTagsPerCall {
			errs = append(errs, TagError{Index: i, Key: t.Key, Rule: RuleDuplicate, Detail: fmt.Sprintf("key already given as tag %d", first+1)})
		} else if !dup {
			seen[t.Key] = i
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// SetTags makes the resource's tags exactly want and returns them as read
// back. New and changed tags go first (TagResource, 50 per call), then the
// keys no longer wanted (UntagResource, 256 per call), so a failure part-way
// never loses a tag the user kept; re-running it finishes the job.
func (c *Client) SetTags(ctx context.Context, arn string, want []Tag) ([]Tag, error) {
	if err := ValidateTagSet(want); err != nil {
		return nil, err
	}
	current, err := c.ListTags(ctx, arn)
	if err != nil {
		return nil, err
	}
	have := map[string]string{}
	for _, t := range current {
		have[t.Key] = t.Value
	}
	wanted := map[string]bool{}
	var put []Tag
	for _, t := range want {
		wanted[t.Key] = true
		if v, ok := have[t.Key]; !ok || v != t.Value {
			put = append(put, t)
		}
	}
	var drop []string
	for _, t := range current {
		if !wanted[t.Key] {
			drop = append(drop, t.Key)
		}
	}
	if err := c.AddTags(ctx, arn, put); err != nil {
		return nil, err
	}
	if err := c.RemoveTags(ctx, arn, drop); err != nil {
		return nil, err
	}
	if len(put)+len(drop) == 0 {
		return current, nil
	}
	return c.ListTags(ctx, arn)
}
