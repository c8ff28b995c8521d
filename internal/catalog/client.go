package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/smithy-go/middleware"
)

// Retry policy of every Catalog call (the SDK's standard retryer).
const (
	// DefaultMaxAttempts bounds one call: the first attempt and four
	// retries. Throttling needs no more, since every attempt waits for the
	// operation's limiter, which slows down on each 429; a bulk job keeps an
	// entity that ran out of attempts on throttling pending and tries it
	// again later (bulk.go), so no entity fails for throttling alone.
	DefaultMaxAttempts = 5
	// DefaultMaxBackoff caps the SDK's jittered exponential backoff
	// (attempt n waits up to 2^n s): 2 s, 4 s, then 5 s, so one call gives
	// up after at most 16 s of backoff. Long enough for a restarting
	// endpoint or a 503 spell; longer waits are the bulk job's to make.
	DefaultMaxBackoff = 5 * time.Second
)

// Client is SellerDesk's one way to the Marketplace Catalog API, used by
// the window and the CLI alike: the SDK client in us-east-1 (the API's only
// Region) with the SDK's standard retryer and, inside its retry loop, each
// attempt paced by the operation's quota limiter.
type Client struct {
	api      *marketplacecatalog.Client
	limiters *Limiters
}

// ClientOption configures NewClient.
type ClientOption func(*clientConfig)

type clientConfig struct {
	limiters    *Limiters
	maxAttempts int
	maxBackoff  time.Duration
	backoff     retry.BackoffDelayer // tests: replaces the SDK's jittered backoff
}

// WithLimiters sets the per-operation limiters (default: one set shared by
// the whole process). Their time scale applies to the retry backoff too.
func WithLimiters(ls *Limiters) ClientOption {
	return func(c *clientConfig) {
		if ls != nil {
			c.limiters = ls
		}
	}
}

// WithMaxAttempts sets how many attempts one call makes at most (default
// DefaultMaxAttempts).
func WithMaxAttempts(n int) ClientOption {
	return func(c *clientConfig) {
		if n >= 1 {
			c.maxAttempts = n
		}
	}
}

// NewClient returns the Catalog client for cfg's credentials and endpoint.
//
// Retries are the SDK's standard retryer (its throttle and transient error
// codes, DefaultMaxAttempts, DefaultMaxBackoff) with two changes: its
// client-side retry quota is off, because the quota limiter already bounds
// every attempt to the account's rate, and the retry quota would only turn a
// long throttled spell into permanent failures; and a response cut short
// (io.ErrUnexpectedEOF) is retried too, as every Catalog call SellerDesk
// repeats is a read, an idempotent tag write, or StartChangeSet, whose
// ClientRequestToken the SDK fills once for all attempts. AWS_MAX_ATTEMPTS
// and AWS_RETRY_MODE do not apply: pacing and retries are designed together.
//
// The limiter waits per attempt, not per call (the middleware sits after
// the SDK's Retry in the finalize step), since the quota counts every
// request AWS receives, retries included.
func NewClient(cfg aws.Config, opts ...ClientOption) *Client {
	cc := clientConfig{limiters: sharedLimiters, maxAttempts: DefaultMaxAttempts, maxBackoff: DefaultMaxBackoff}
	for _, o := range opts {
		o(&cc)
	}
	scale := cc.limiters.TimeScale()
	cfg.Region = "us-east-1"
	c := &Client{limiters: cc.limiters}
	c.api = marketplacecatalog.NewFromConfig(cfg, func(o *marketplacecatalog.Options) {
		o.RetryMaxAttempts = 0 // else the SDK wraps our retryer with AWS_MAX_ATTEMPTS
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = cc.maxAttempts
			so.MaxBackoff = cc.maxBackoff
			so.Backoff = scaledBackoff{inner: retry.NewExponentialJitterBackoff(cc.maxBackoff), scale: scale}
			if cc.backoff != nil {
				so.Backoff = cc.backoff
			}
			so.RateLimiter = ratelimit.None
			so.Retryables = append(so.Retryables, retry.IsErrorRetryableFunc(cutShort))
		})
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Insert(&quotaPacer{limiters: cc.limiters}, "Retry", middleware.After)
		})
	})
	return c
}

// API is the paced and retried SDK client itself, for the reads this package
// does not wrap (a support bundle's ListEntities pages, say).
func (c *Client) API() *marketplacecatalog.Client { return c.api }

// Limiters returns the client's per-operation limiters.
func (c *Client) Limiters() *Limiters { return c.limiters }

// scaledBackoff runs the SDK's backoff faster under a time scale (tests and
// benchmarks against a time-scaled fake).
type scaledBackoff struct {
	inner retry.BackoffDelayer
	scale float64
}

func (b scaledBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	d, derr := b.inner.BackoffDelay(attempt, err)
	if b.scale > 1 {
		d = time.Duration(float64(d) / b.scale)
	}
	return d, derr
}

func cutShort(err error) aws.Ternary {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// quotaPacer waits, before each attempt, for the limiter of the attempt's
// operation, and tells the limiter whether AWS throttled it.
type quotaPacer struct{ limiters *Limiters }

func (*quotaPacer) ID() string { return "SellerDeskQuotaPacer" }

func (p *quotaPacer) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	op := awsmiddleware.GetOperationName(ctx)
	lim := p.limiters.For(op)
	sent, err := lim.Wait(ctx)
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("waiting for the %s quota: %w", op, err)
	}
	out, md, err := next.HandleFinalize(ctx, in)
	lim.Observe(sent, IsThrottle(err))
	return out, md, err
}

var (
	throttles  = retry.IsErrorThrottles(retry.DefaultThrottles)
	retryables = retry.IsErrorRetryables(append(append([]retry.IsErrorRetryable{}, retry.DefaultRetryables...), retry.IsErrorRetryableFunc(cutShort)))
)

// IsThrottle reports whether err is a throttling answer, by the SDK's own
// list of throttle error codes (the Catalog's is ThrottlingException, 429).
func IsThrottle(err error) bool {
	return err != nil && throttles.IsErrorThrottle(err) == aws.TrueTernary
}

// IsRetryable reports whether a later repeat of the same call may succeed:
// what the SDK retries (throttling, connection failures, HTTP 5xx) and a
// response cut short. A cancelled call is not.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	return retryables.IsErrorRetryable(err) == aws.TrueTernary
}

// ListTags reads a resource's tags, sorted by key.
func (c *Client) ListTags(ctx context.Context, arn string) ([]Tag, error) {
	out, err := c.api.ListTagsForResource(ctx, &marketplacecatalog.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
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

// AddTags adds (or overwrites) tags on a resource, 50 per TagResource call,
// after checking them against the guide's rules.
func (c *Client) AddTags(ctx context.Context, arn string, tags []Tag) error {
	if err := ValidateTagSet(tags); err != nil {
		return err
	}
	for start := 0; start < len(tags); start += MaxTagsPerCall {
		chunk := sdkTags(tags[start:min(start+MaxTagsPerCall, len(tags))])
		if _, err := c.api.TagResource(ctx, &marketplacecatalog.TagResourceInput{ResourceArn: aws.String(arn), Tags: chunk}); err != nil {
			return fmt.Errorf("tagging %s: %w", arn, err)
		}
	}
	return nil
}

// RemoveTags removes tag keys from a resource, 256 per UntagResource call.
// Absent keys are not an error.
func (c *Client) RemoveTags(ctx context.Context, arn string, keys []string) error {
	for start := 0; start < len(keys); start += MaxTagKeysPerCall {
		chunk := keys[start:min(start+MaxTagKeysPerCall, len(keys))]
		if err := ValidateTagKeys(chunk); err != nil {
			return err
		}
		if _, err := c.api.UntagResource(ctx, &marketplacecatalog.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: chunk}); err != nil {
			return fmt.Errorf("removing tags %v from %s: %w", chunk, arn, err)
		}
	}
	return nil
}

// ChangeSetFilter narrows ListChangeSets; empty fields match anything.
type ChangeSetFilter struct {
	Status   string // PREPARING, APPLYING, SUCCEEDED, CANCELLED or FAILED
	Name     string // exact ChangeSetName
	EntityID string // change sets touching this entity
}

// ChangeSetSummary is one row of ListChangeSets. Its JSON names are the
// API's, so `sellerdesk changeset list --json` prints what AWS sends.
type ChangeSetSummary struct {
	ID          string   `json:"ChangeSetId"`
	ARN         string   `json:"ChangeSetArn"`
	Name        string   `json:"ChangeSetName"`
	Status      string   `json:"Status"`
	FailureCode string   `json:"FailureCode,omitempty"`
	StartTime   string   `json:"StartTime"`
	EndTime     string   `json:"EndTime,omitempty"`
	EntityIDs   []string `json:"EntityIdList"`
}

// ListChangeSets lists the newest change sets matching f (one page, the
// API's 20 at most), newest first.
func (c *Client) ListChangeSets(ctx context.Context, f ChangeSetFilter) ([]ChangeSetSummary, error) {
	in := &marketplacecatalog.ListChangeSetsInput{Catalog: aws.String(catalogName), MaxResults: aws.Int32(20),
		Sort: &types.Sort{SortBy: aws.String("StartTime"), SortOrder: types.SortOrderDescending}}
	add := func(name, value string) {
		if value != "" {
			in.FilterList = append(in.FilterList, types.Filter{Name: aws.String(name), ValueList: []string{value}})
		}
	}
	add("Status", f.Status)
	add("ChangeSetName", f.Name)
	add("EntityId", f.EntityID)
	out, err := c.api.ListChangeSets(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("listing change sets: %w", err)
	}
	list := make([]ChangeSetSummary, 0, len(out.ChangeSetSummaryList))
	for _, s := range out.ChangeSetSummaryList {
		list = append(list, ChangeSetSummary{ID: aws.ToString(s.ChangeSetId), ARN: aws.ToString(s.ChangeSetArn),
			Name: aws.ToString(s.ChangeSetName), Status: string(s.Status), FailureCode: string(s.FailureCode),
			StartTime: aws.ToString(s.StartTime), EndTime: aws.ToString(s.EndTime), EntityIDs: append([]string{}, s.EntityIdList...)})
	}
	return list, nil
}

// CancelChangeSet cancels a change set; AWS allows it only before it is
// APPLYING.
func (c *Client) CancelChangeSet(ctx context.Context, id string) error {
	_, err := c.api.CancelChangeSet(ctx, &marketplacecatalog.CancelChangeSetInput{Catalog: aws.String(catalogName), ChangeSetId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("cancelling change set %s (only a PREPARING change set can be cancelled): %w", id, err)
	}
	return nil
}

// IsResourceInUse reports AWS's ResourceInUseException (423): another change
// set holds the entity, or the change set is in a state that refuses this.
func IsResourceInUse(err error) bool {
	var e *types.ResourceInUseException
	return errors.As(err, &e)
}

// IsQuotaExceeded reports ServiceQuotaExceededException (402): too many
// change sets open at once.
func IsQuotaExceeded(err error) bool {
	var e *types.ServiceQuotaExceededException
	return errors.As(err, &e)
}

// IsAccessDenied reports AccessDeniedException (403).
func IsAccessDenied(err error) bool {
	var e *types.AccessDeniedException
	return errors.As(err, &e)
}
