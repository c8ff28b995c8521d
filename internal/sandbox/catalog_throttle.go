package sandbox

import (
	"net/http"
	"time"
)

// catalogQuotas are the Marketplace Catalog API's documented per-account rate
// quotas, in requests per second
// (https://docs.aws.amazon.com/marketplace/latest/APIReference/catalog-service-quotas.html).
// BatchDescribeEntities has no documented quota of its own; the sandbox gives
// it DescribeEntity's.
var catalogQuotas = map[string]float64{
	"ListEntities":          10,
	"DescribeEntity":        20,
	"BatchDescribeEntities": 20,
	"StartChangeSet":        5,
	"ListChangeSets":        5,
	"DescribeChangeSet":     10,
	"CancelChangeSet":       5,
	"TagResource":           5,
	"UntagResource":         5,
	"ListTagsForResource":   5,
	"GetResourcePolicy":     5,
	"PutResourcePolicy":     5,
	"DeleteResourcePolicy":  5,
}

// throttledQuotaScale is the fraction of the quotas the throttled scenario
// grants.
const throttledQuotaScale = 0.2

// tokenBucket is one operation's rate limiter: it holds up to one second's
// worth of requests (at least one) and refills continuously in real time.
type tokenBucket struct {
	tokens float64
	last   time.Time
}

// CatalogQuota is the rate quota (requests per second) this account grants
// the Catalog operation op, CatalogQuotaScale applied; 0 for an operation
// without a quota.
func (a *Account) CatalogQuota(op string) float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.catalogQuotaLocked(op)
}

func (a *Account) catalogQuotaLocked(op string) float64 {
	scale := a.CatalogQuotaScale
	if scale <= 0 {
		scale = 1
	}
	return catalogQuotas[op] * scale
}

// SetCatalogQuotaScale changes CatalogQuotaScale at run time (tests that make
// many calls lift the quotas; 0 restores the documented ones). Buckets start
// over full.
func (a *Account) SetCatalogQuotaScale(scale float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.CatalogQuotaScale = scale
	clear(a.catalogBuckets)
}

// catalogThrottle takes a token from op's bucket, or fails with 429
// ThrottlingException when the bucket is empty. Quotas are in real time,
// whatever the server's TimeScale.
func (a *Account) catalogThrottle(op string, now time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	rate := a.catalogQuotaLocked(op)
	if rate <= 0 {
		return nil
	}
	burst := max(rate, 1)
	b := a.catalogBuckets[op]
	if b == nil {
		b = &tokenBucket{tokens: burst, last: now}
		a.catalogBuckets[op] = b
	}
	if now.After(b.last) {
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
	}
	if b.tokens < 1 {
		return apiError(http.StatusTooManyRequests, "ThrottlingException",
			"Rate exceeded: %s is limited to %g requests per second per account", op, rate)
	}
	b.tokens--
	return nil
}

// catalogOp wraps a Catalog handler with the operation's rate quota.
func catalogOp(op, pattern string, h restHandler) restRoute {
	return restRoute{op, pattern, func(c *call) (any, error) {
		if err := c.acct.catalogThrottle(op, time.Now()); err != nil {
			return nil, err
		}
		return h(c)
	}}
}
