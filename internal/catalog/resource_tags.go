package catalog

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
)

// NewClient returns a Catalog API client for cfg's credentials in
// us-east-1, the API's only Region. The SDK's own retries are off: Retry in
// this package retries throttling and transient failures, paced by the
// limiters, and two layers would multiply the attempts.
func NewClient(cfg aws.Config) *marketplacecatalog.Client {
	cfg.Region = "us-east-1"
	return marketplacecatalog.NewFromConfig(cfg, func(o *marketplacecatalog.Options) { o.RetryMaxAttempts = 1 })
}

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

// ListTags reads a resource's tags, paced under the ListTagsForResource
// quota and retried when throttled.
func ListTags(ctx context.Context, api API, arn string, opts ...Option) ([]Tag, error) {
	c := runOptions(opts)
	lim := c.limiters.For(OpListTagsForResource)
	var out *marketplacecatalog.ListTagsForResourceOutput
	err := Retry(ctx, func(ctx context.Context) error {
		if err := lim.Wait(ctx); err != nil {
			return err
		}
		var err error
		out, err = api.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		return err
	}, c.retry...)
	if err != nil {
		return nil, fmt.Errorf("listing the tags of %s: %w", arn, err)
	}
	tags := make([]Tag, 0, len(out.Tags))
	for _, t := range out.Tags {
		tags = append(tags, Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags, nil
}

// SetTags makes the resource's tags exactly want and returns them as read
// back. New and changed tags go first (TagResource, 50 per call), then the
// keys no longer wanted (UntagResource, 256 per call), so a failure part-way
// never loses a tag the user kept; re-running it finishes the job.
func SetTags(ctx context.Context, api API, arn string, want []Tag, opts ...Option) ([]Tag, error) {
	if err := ValidateTagSet(want); err != nil {
		return nil, err
	}
	c := runOptions(opts)
	current, err := ListTags(ctx, api, arn, opts...)
	if err != nil {
		return nil, err
	}
	have := map[string]string{}
	for _, t := range current {
		have[t.Key] = t.Value
	}
	wanted := map[string]bool{}
	var put []types.Tag
	for _, t := range want {
		wanted[t.Key] = true
		if v, ok := have[t.Key]; !ok || v != t.Value {
			put = append(put, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
		}
	}
	var drop []string
	for _, t := range current {
		if !wanted[t.Key] {
			drop = append(drop, t.Key)
		}
	}
	for start := 0; start < len(put); start += MaxTagsPerCall {
		chunk := put[start:min(start+MaxTagsPerCall, len(put))]
		err := Retry(ctx, func(ctx context.Context) error {
			if err := c.limiters.For(OpTagResource).Wait(ctx); err != nil {
				return err
			}
			_, err := api.TagResource(ctx, &marketplacecatalog.TagResourceInput{ResourceArn: aws.String(arn), Tags: chunk})
			return err
		}, c.retry...)
		if err != nil {
			return nil, fmt.Errorf("tagging %s: %w", arn, err)
		}
	}
	for start := 0; start < len(drop); start += MaxTagKeysPerCall {
		keys := drop[start:min(start+MaxTagKeysPerCall, len(drop))]
		err := Retry(ctx, func(ctx context.Context) error {
			if err := c.limiters.For(OpUntagResource).Wait(ctx); err != nil {
				return err
			}
			_, err := api.UntagResource(ctx, &marketplacecatalog.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: keys})
			return err
		}, c.retry...)
		if err != nil {
			return nil, fmt.Errorf("removing tags %v from %s: %w", keys, arn, err)
		}
	}
	if len(put)+len(drop) == 0 {
		return current, nil
	}
	return ListTags(ctx, api, arn, opts...)
}
