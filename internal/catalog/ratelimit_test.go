package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeClock advances only when someone sleeps on it: SleepUntil jumps
// straight to the deadline.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	return nil
}

func TestLimiterPacing(t *testing.T) {
	for op, q := range Quotas {
		t.Run(op, func(t *testing.T) {
			clk := newFakeClock()
			l := NewLimiters(WithClock(clk)).For(op)
			start := clk.Now()
			n := int(q) * 3
			for range n {
				if _, err := l.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			// Starts empty: n calls need n/q seconds.
			want := time.Duration(float64(n) / q * float64(time.Second))
			if got := clk.Now().Sub(start); got < want-time.Millisecond || got > want+time.Millisecond {
				t.Fatalf("%d calls at %v/s took %v, want %v", n, q, got, want)
			}
		})
	}
}

func TestLimiterSlidingWindow(t *testing.T) {
	// No 1-second window may see more than the quota of call starts.
	clk := newFakeClock()
	l := NewLimiter(5, WithClock(clk))
	var at []time.Time
	for range 40 {
		_, _ = l.Wait(context.Background())
		at = append(at, clk.Now())
	}
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < time.Second; j++ {
			n++
		}
		if n > 5 {
			t.Fatalf("%d calls within 1s starting at call %d", n, i)
		}
	}
}

func TestLimiterTimeScaleAndCancel(t *testing.T) {
	l := NewLimiter(5, WithTimeScale(1000))
	if l.Rate() != 5000 {
		t.Fatalf("rate = %v", l.Rate())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLimiter(1).Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on cancelled ctx = %v", err)
	}
	// A wait interrupted by the context returns promptly (real clock).
	slow := NewLimiter(0.01) // one call per 100s
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	if _, err := slow.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(t0) > 2*time.Second {
		t.Fatal("Wait ignored the context")
	}
}

func TestIsThrottle(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&types.ThrottlingException{}, true},
		{fmt.Errorf("wrapped: %w", &types.ThrottlingException{}), true},
		{&smithy.GenericAPIError{Code: "ThrottlingException"}, true},
		{&types.ValidationException{}, false},
		{&types.AccessDeniedException{}, false},
		{&types.ResourceInUseException{}, false},
		{errors.New("boom"), false},
	}
	for _, tc := range tests {
		if got := IsThrottle(tc.err); got != tc.want {
			t.Errorf("IsThrottle(%T %v) = %v", tc.err, tc.err, got)
		}
	}
}

func TestIsRetryable(t *testing.T) {
	throttle := &types.ThrottlingException{Message: new("Rate exceeded")}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"throttled", throttle, true},
		{"throttled, attempts exhausted", &retry.MaxAttemptsError{Attempt: 5, Err: throttle}, true},
		{"validation", &types.ValidationException{}, false},
		{"not found", &types.ResourceNotFoundException{}, false},
		{"access denied", &types.AccessDeniedException{}, false},
		{"response cut short", &smithy.DeserializationError{Err: io.ErrUnexpectedEOF}, true},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("read: connection reset by peer")}, true},
		{"503", &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("unavailable")}, true},
		{"cancelled", fmt.Errorf("tagging: %w", context.Canceled), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsRetryable(tc.err); got != tc.want {
				t.Fatalf("IsRetryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// serverAt is an account's token bucket for one operation: it refills at
// rate and holds burst requests, on the fake clock.
type serverAt struct {
	rate, burst, tokens float64
	last                time.Time
}

func (s *serverAt) admit(now time.Time) bool {
	if s.last.IsZero() {
		s.tokens, s.last = s.burst, now
	}
	s.tokens = min(s.burst, s.tokens+now.Sub(s.last).Seconds()*s.rate)
	s.last = now
	if s.tokens < 1-1e-9 {
		return false
	}
	s.tokens--
	return true
}

// TestLimiterAdaptsToTheAccountsRate: a client that believes the documented
// 5 req/s, against an account granting less (the throttled scenario grants
// a fifth), soon stops being throttled, and keeps most of the rate granted.
func TestLimiterAdaptsToTheAccountsRate(t *testing.T) {
	tests := []struct {
		name          string
		quota, grants float64
		burst         float64
		calls         int
		maxThrottled  float64 // share of attempts answered 429
		minThroughput float64 // successes per second, share of what is granted
	}{
		{"account grants the quota", 5, 5, 5, 500, 0, 0.99},
		{"throttled scenario: a fifth", 5, 1, 1, 300, 0.04, 0.9},
		{"half, with a burst", 10, 5, 5, 500, 0.03, 0.95},
		{"a tenth", 5, 0.5, 1, 200, 0.07, 0.85},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			l := NewLimiter(tc.quota, WithClock(clk))
			srv := &serverAt{rate: tc.grants, burst: tc.burst}
			start := clk.Now()
			attempts, throttled := 0, 0
			for ok := 0; ok < tc.calls; {
				sent, err := l.Wait(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				attempts++
				admitted := srv.admit(clk.Now())
				if admitted {
					ok++
				} else {
					throttled++
				}
				l.Observe(sent, !admitted)
			}
			share := float64(throttled) / float64(attempts)
			throughput := float64(tc.calls) / clk.Now().Sub(start).Seconds() / tc.grants
			t.Logf("%d of %d attempts throttled (%.1f%%); throughput %.3f of the granted rate; rate now %.3f", throttled, attempts, 100*share, throughput, l.Rate())
			if share > tc.maxThrottled || throughput < tc.minThroughput {
				t.Fatalf("%d of %d attempts throttled (%.1f%%, at most %.0f%%); throughput %.2f of the granted rate (at least %.2f); rate now %.2f",
					throttled, attempts, 100*share, 100*tc.maxThrottled, throughput, tc.minThroughput, l.Rate())
			}
			if l.Rate() > tc.quota {
				t.Fatalf("rate %.2f above the quota %.2f", l.Rate(), tc.quota)
			}
		})
	}
}

// TestLimiterRecoversTheQuota: once the account grants the quota again, the
// limiter probes its way back up to it.
func TestLimiterRecoversTheQuota(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(5, WithClock(clk))
	sent, _ := l.Wait(context.Background())
	l.Observe(sent, true)
	l.Observe(sent, true) // the same signal: one cut
	if r := l.Rate(); r != 2.5 {
		t.Fatalf("rate after one throttle = %v, want 2.5", r)
	}
	for range 5000 {
		sent, _ := l.Wait(context.Background())
		l.Observe(sent, false)
	}
	if r := l.Rate(); r != 5 {
		t.Fatalf("rate after %v without throttling = %v, want the quota 5", clk.Now().Sub(newFakeClock().Now()), r)
	}
}
