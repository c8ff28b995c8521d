package catalog

import (
	"context"
	"math"
	"sync"
	"time"
)

// Operation names, as the SDK reports them (middleware.GetOperationName)
// and as used in Quotas and Limiters.For.
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

// How a Limiter adapts to throttling. An account may grant less than the
// documented quota (another tool shares it, or AWS lowered it: the sandbox's
// "throttled" scenario grants a fifth), so the documented rate is only the
// ceiling.
const (
	// cutFactor is the multiplicative decrease on a throttle. The SDK's
	// adaptive mode uses 0.7; a half reaches a fifth of the quota in three
	// steps instead of five, and each step costs a 429.
	cutFactor = 0.5
	// safeFactor keeps the rate this far below the rate last throttled
	// at: the account's bucket refills continuously and holds about one
	// request, so a client pacing at exactly its rate is throttled by every
	// millisecond of jitter.
	safeFactor = 0.95
	// recoverTau is the time constant with which the rate climbs back
	// toward the safe rate after a cut (real seconds, time scale applied).
	recoverTau = 2 * time.Second
	// probeAfter is how long the rate must go unthrottled before the
	// limiter probes 5% above the last throttled rate (quotas can be
	// raised, and the other client may have stopped). A probe that is
	// throttled doubles the wait before the next one, up to probeMax.
	probeAfter = 30 * time.Second
	probeMax   = 10 * time.Minute
	probeStep  = 1.05
	// minFraction bounds the cut: never below this share of the quota.
	minFraction = 0.05
)

// Clock is the time source of limiters; tests inject a fake.
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
// quota: n calls take at least n/rate seconds.
//
// Its rate adapts to the account's answers (Observe): a throttled attempt
// halves it, and it climbs back toward 95% of the rate that was throttled,
// probing higher only after a quiet spell, never above the documented quota.
// Safe for concurrent use.
type Limiter struct {
	mu       sync.Mutex
	quota    float64 // documented rate, time scale applied: the ceiling
	rate     float64 // current rate
	ceil     float64 // rate last throttled at; 0 = never throttled
	burst    float64
	tokens   float64
	last     time.Time // of the token count
	grown    time.Time // last rate growth
	lastSend time.Time // when the last Wait returned
	cut      time.Time // last decrease: attempts sent before it were paced by the old rate
	quiet    time.Time // start of the spell without throttling (last cut or probe)
	probe    time.Duration
	probed   bool // a probe raised ceil since the last cut
	scale    float64
	clock    Clock

	throttles int
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
	now := o.clock.Now()
	q := perSecond * o.scale
	return &Limiter{quota: q, rate: q, burst: o.burst, clock: o.clock, last: now, grown: now,
		probe: probeAfter, scale: o.scale}
}

// Rate is the limiter's current rate in requests per second of its clock.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// Quota is the documented rate the limiter never exceeds.
func (l *Limiter) Quota() float64 { return l.quota }

// Throttles counts the throttled attempts Observe was told of.
func (l *Limiter) Throttles() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.throttles
}

// Wait blocks until the caller may send one request, or returns ctx's
// error, and returns when the request may go (the time Observe wants). A
// cancelled wait gives its reservation back.
//
// Once throttled, with a bucket of one request (the default), it also keeps
// sends at least 1/rate apart as they actually happen, not only as
// scheduled: callers woken late and early together would otherwise arrive
// closer than an account bucket of one request allows, and be throttled
// again. (At the documented quota, AWS's bucket holds about a second of
// requests, so such jitter does no harm there.)
func (l *Limiter) Wait(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	l.mu.Lock()
	now := l.clock.Now()
	l.refillLocked(now)
	l.tokens--
	deadline := now
	if l.tokens < 0 {
		deadline = now.Add(time.Duration(-l.tokens / l.rate * float64(time.Second)))
	}
	l.mu.Unlock()
	for {
		if err := l.clock.SleepUntil(ctx, deadline); err != nil {
			l.mu.Lock()
			l.tokens++
			l.mu.Unlock()
			return time.Time{}, err
		}
		l.mu.Lock()
		now = l.clock.Now()
		if l.burst <= 1 && l.ceil > 0 && !l.lastSend.IsZero() {
			if next := l.lastSend.Add(time.Duration(float64(time.Second) / l.rate)); now.Before(next) {
				deadline = next
				l.mu.Unlock()
				continue
			}
		}
		l.lastSend = now
		l.mu.Unlock()
		return now, nil
	}
}

func (l *Limiter) refillLocked(now time.Time) {
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
}

// Observe adapts the rate to the answer of one attempt sent at sent (as
// Wait returned it): a throttle halves the rate, once for all the attempts
// that were sent at the old rate; any other answer lets the rate recover.
func (l *Limiter) Observe(sent time.Time, throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.refillLocked(now)
	if throttled {
		l.throttles++
		if !sent.After(l.cut) {
			return // paced by the rate already cut: the same signal again
		}
		if l.probed {
			// A probe above the last ceiling failed: wait longer next time.
			l.probe = min(2*l.probe, probeMax)
			l.probed = false
		}
		// The rate that was too fast bounds the account's rate from above;
		// probes (below) raise it again when it was a stray 429.
		l.ceil = l.rate
		l.rate = max(l.quota*minFraction, l.rate*cutFactor)
		l.tokens = min(l.tokens, 0) // no burst right after a throttle
		l.cut, l.grown, l.quiet = now, now, now
		return
	}
	dt := now.Sub(l.grown)
	if dt <= 0 {
		return
	}
	l.grown = now
	if l.ceil == 0 {
		l.rate = l.quota
		return
	}
	if now.Sub(l.quiet) >= time.Duration(float64(l.probe)/l.scale) {
		// Probe: allow a little more than what was last throttled.
		l.ceil = min(l.ceil*probeStep, l.quota/safeFactor)
		l.quiet, l.probed = now, true
		if l.ceil*safeFactor >= l.quota {
			l.ceil = 0 // back at the documented quota: forget the throttle
			l.rate = l.quota
			l.probe, l.probed = probeAfter, false
			return
		}
	}
	target := l.ceil * safeFactor
	if l.rate < target {
		tau := recoverTau.Seconds() / l.scale
		l.rate += (target - l.rate) * (1 - math.Exp(-dt.Seconds()/tau))
	}
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

// TimeScale returns how many times faster than real time the limiters run.
func (ls *Limiters) TimeScale() float64 { return limiterOptions(ls.opts).scale }

// sharedLimiters is used when a caller gives none, so that two clients in
// one process share the account's quota.
var sharedLimiters = NewLimiters()
