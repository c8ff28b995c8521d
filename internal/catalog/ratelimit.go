package catalog

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/smithy-go"
)

// Operation names, as used in Quotas and Limiters.For.
const (
	OpTagResource         = "TagResource"
	OpUntagResource       = "UntagResource"
	OpListTagsForResource = "ListTagsForResource"
	OpListEntities        = "ListEntities"
	OpDescribeEntity      = "DescribeEntity"
	OpStartChangeSet      = "StartChangeSet"
	OpListChangeSets      = "ListChangeSets"
	OpDescribeChangeSet   = "DescribeChangeSet"
	OpCancelChangeSet     = "CancelChangeSet"
)

// Quotas are the documented per-account request rates (requests per second)
// of the Catalog API (catalog-service-quotas.html).
var Quotas = map[string]float64{
	OpTagResource:         5,
	OpUntagResource:       5,
	OpListTagsForResource: 5,
	OpListEntities:        10,
	OpDescribeEntity:      20,
	OpStartChangeSet:      5,
	OpListChangeSets:      5,
	OpDescribeChangeSet:   10,
	OpCancelChangeSet:     5,
}

// defaultQuota applies to an operation missing from Quotas (the resource
// policy calls are 5/s too).
const defaultQuota = 5

// Clock is the time source of limiters and retries; tests inject a fake.
type Clock interface {
	Now() time.Time
	// SleepUntil returns when the clock reaches t, or early with ctx's
	// error.
	SleepUntil(ctx context.Context, t time.Time) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// RealClock is the wall clock.
var RealClock Clock = realClock{}

// Limiter is a token bucket pacing one operation. It starts empty and holds
// at most Burst tokens, so a fresh limiter (say, a job resumed right after a
// crash that had just spent the account's quota) never bursts above the
// quota: n calls take at least n/rate seconds. Safe for concurrent use.
type Limiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second, time scale applied
	burst  float64
	tokens float64
	last   time.Time
	clock  Clock
}

// LimiterOption configures NewLimiter and NewLimiters.
type LimiterOption func(*limiterConfig)

type limiterConfig struct {
	clock Clock
	scale float64
	burst float64
}

// WithClock makes the limiter read and sleep on c.
func WithClock(c Clock) LimiterOption { return func(o *limiterConfig) { o.clock = c } }

// WithTimeScale runs the limiter k times faster than real time (k > 1), so
// benchmarks against a fake that enforces the same scaled quota finish in
// seconds. Values <= 0 are ignored.
func WithTimeScale(k float64) LimiterOption {
	return func(o *limiterConfig) {
		if k > 0 {
			o.scale = k
		}
	}
}

// WithBurst sets the bucket size in requests (default 1: strict pacing).
func WithBurst(n float64) LimiterOption {
	return func(o *limiterConfig) {
		if n >= 1 {
			o.burst = n
		}
	}
}

func limiterOptions(opts []LimiterOption) limiterConfig {
	o := limiterConfig{clock: RealClock, scale: 1, burst: 1}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// NewLimiter returns a limiter allowing perSecond requests per second.
func NewLimiter(perSecond float64, opts ...LimiterOption) *Limiter {
	o := limiterOptions(opts)
	if perSecond <= 0 {
		perSecond = defaultQuota
	}
	return &Limiter{rate: perSecond * o.scale, burst: o.burst, clock: o.clock, last: o.clock.Now()}
}

// Rate is the limiter's rate in requests per second of its clock.
func (l *Limiter) Rate() float64 { return l.rate }

// Wait blocks until the caller may send one request, or returns ctx's
// error. A cancelled wait gives its reservation back.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := l.clock.Now()
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
	l.tokens--
	if l.tokens >= 0 {
		l.mu.Unlock()
		return nil
	}
	deadline := now.Add(time.Duration(-l.tokens / l.rate * float64(time.Second)))
	l.mu.Unlock()
	if err := l.clock.SleepUntil(ctx, deadline); err != nil {
		l.mu.Lock()
		l.tokens++
		l.mu.Unlock()
		return err
	}
	return nil
}

// Limiters holds one Limiter per operation, at the documented quotas. The
// quotas are per account: share one Limiters between everything that calls
// the same account.
type Limiters struct {
	mu   sync.Mutex
	opts []LimiterOption
	m    map[string]*Limiter
}

// NewLimiters returns an empty set; limiters are created on first use.
func NewLimiters(opts ...LimiterOption) *Limiters {
	return &Limiters{opts: opts, m: map[string]*Limiter{}}
}

// For returns the limiter of op, at Quotas[op] (5/s if unlisted).
func (ls *Limiters) For(op string) *Limiter {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l, ok := ls.m[op]
	if !ok {
		q, ok := Quotas[op]
		if !ok {
			q = defaultQuota
		}
		l = NewLimiter(q, ls.opts...)
		ls.m[op] = l
	}
	return l
}

// Clock returns the clock the limiters use.
func (ls *Limiters) Clock() Clock { return limiterOptions(ls.opts).clock }

// sharedLimiters is used when a caller gives none, so that two jobs in one
// process share the account's quota.
var sharedLimiters = NewLimiters()

// IsThrottle reports whether err is the Catalog API's ThrottlingException
// (HTTP 429).
func IsThrottle(err error) bool {
	if err == nil {
		return false
	}
	var te *types.ThrottlingException
	if errors.As(err, &te) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ThrottlingException" {
		return true
	}
	var he interface{ HTTPStatusCode() int }
	return errors.As(err, &he) && he.HTTPStatusCode() == 429
}

// IsTransient reports whether err is a failure of the connection or of the
// service that a repeat of the same call can fix: a reset or closed
// connection, a response cut short, or HTTP 500/502/503/504. The calls
// Retry wraps are reads or idempotent writes (TagResource, UntagResource),
// so repeating them is safe. A cancelled context is never transient.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if (retry.RetryableConnectionError{}).IsErrorRetryable(err) == aws.TrueTernary {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var he interface{ HTTPStatusCode() int }
	if errors.As(err, &he) {
		switch he.HTTPStatusCode() {
		case 500, 502, 503, 504:
			return true
		}
	}
	return false
}

// RetryOption configures Retry.
type RetryOption func(*retryConfig)

type retryConfig struct {
	attempts  int
	base, max time.Duration
	clock     Clock
	rand      func() float64
	onRetry   func(attempt int, err error, wait time.Duration)
}

// WithMaxAttempts sets how many calls Retry makes at most (default 8).
func WithMaxAttempts(n int) RetryOption {
	return func(c *retryConfig) {
		if n >= 1 {
			c.attempts = n
		}
	}
}

// WithBackoff sets the first backoff and its cap (default 250ms and 20s).
func WithBackoff(base, maxWait time.Duration) RetryOption {
	return func(c *retryConfig) {
		if base > 0 {
			c.base = base
		}
		if maxWait >= base {
			c.max = maxWait
		}
	}
}

// WithRetryClock makes Retry sleep on c.
func WithRetryClock(c Clock) RetryOption { return func(r *retryConfig) { r.clock = c } }

// WithJitter replaces the random source (values in [0,1)).
func WithJitter(f func() float64) RetryOption { return func(r *retryConfig) { r.rand = f } }

// WithOnRetry is called before each backoff sleep, e.g. to count throttles.
func WithOnRetry(f func(attempt int, err error, wait time.Duration)) RetryOption {
	return func(r *retryConfig) { r.onRetry = f }
}

// Backoff is the sleep before retry number attempt (1-based): the capped
// exponential base·2^(attempt-1), of which the upper half is jittered
// ("equal jitter": never less than half the step, so throttled callers
// spread out but still back off). r is in [0,1).
func Backoff(attempt int, base, maxWait time.Duration, r float64) time.Duration {
	d := base
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	return d/2 + time.Duration(r*float64(d/2))
}

// Retry calls fn until it succeeds, returns an error that is neither
// ThrottlingException nor transient (IsTransient), or the attempts run out;
// retried calls back off exponentially with jitter. Validation and other
// 4xx errors are returned at once: repeating them cannot help. The last
// error is returned as is.
func Retry(ctx context.Context, fn func(context.Context) error, opts ...RetryOption) error {
	c := retryConfig{attempts: 8, base: 250 * time.Millisecond, max: 20 * time.Second, clock: RealClock, rand: rand.Float64}
	for _, o := range opts {
		o(&c)
	}
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil || (!IsThrottle(err) && !IsTransient(err)) || attempt >= c.attempts {
			return err
		}
		wait := Backoff(attempt, c.base, c.max, c.rand())
		if c.onRetry != nil {
			c.onRetry(attempt, err, wait)
		}
		if serr := c.clock.SleepUntil(ctx, c.clock.Now().Add(wait)); serr != nil {
			return errors.Join(serr, err)
		}
	}
}
