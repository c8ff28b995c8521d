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
				if err := l.Wait(context.Background()); err != nil {
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
		_ = l.Wait(context.Background())
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
	if err := NewLimiter(1).Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on cancelled ctx = %v", err)
	}
	// A wait interrupted by the context returns promptly (real clock).
	slow := NewLimiter(0.01) // one call per 100s
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	if err := slow.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
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

func TestBackoff(t *testing.T) {
	base, maxW := 100*time.Millisecond, time.Second
	tests := []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0, 50 * time.Millisecond},
		{1, 0.999999, 99999 * time.Microsecond},
		{2, 0, 100 * time.Millisecond},
		{3, 0.5, 300 * time.Millisecond}, // 400ms step: 200 + 100
		{10, 0, 500 * time.Millisecond},  // capped at 1s
		{60, 0.5, 750 * time.Millisecond},
	}
	for _, tc := range tests {
		got := Backoff(tc.attempt, base, maxW, tc.r)
		if d := got - tc.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("Backoff(%d, r=%v) = %v, want %v", tc.attempt, tc.r, got, tc.want)
		}
	}
}

func TestRetry(t *testing.T) {
	throttle := &types.ThrottlingException{Message: new("Rate exceeded")}
	validation := &types.ValidationException{Message: new("bad tag")}
	cutShort := &smithy.DeserializationError{Err: io.ErrUnexpectedEOF}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("read: connection reset by peer")}
	unavailable := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("unavailable")}
	tests := []struct {
		name      string
		errs      []error // returned by successive calls; nil afterwards
		attempts  int
		wantCalls int
		wantErr   error
		wantSlept time.Duration
	}{
		{"success", nil, 5, 1, nil, 0},
		{"throttled twice then ok", []error{throttle, throttle}, 5, 3, nil, 50*time.Millisecond + 100*time.Millisecond},
		{"validation not retried", []error{validation}, 5, 1, validation, 0},
		{"throttle then validation", []error{throttle, validation}, 5, 2, validation, 50 * time.Millisecond},
		{"attempts exhausted", []error{throttle, throttle, throttle, throttle}, 3, 3, throttle, 150 * time.Millisecond},
		{"response cut short, then ok", []error{cutShort}, 5, 2, nil, 50 * time.Millisecond},
		{"connection reset, then ok", []error{reset}, 5, 2, nil, 50 * time.Millisecond},
		{"503 then ok", []error{unavailable}, 5, 2, nil, 50 * time.Millisecond},
		{"cancelled is not retried", []error{context.Canceled}, 5, 1, context.Canceled, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			start := clk.Now()
			calls, retries := 0, 0
			err := Retry(context.Background(), func(context.Context) error {
				calls++
				if calls <= len(tc.errs) {
					return tc.errs[calls-1]
				}
				return nil
			}, WithRetryClock(clk), WithJitter(func() float64 { return 0 }),
				WithBackoff(100*time.Millisecond, time.Second), WithMaxAttempts(tc.attempts),
				WithOnRetry(func(int, error, time.Duration) { retries++ }))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if calls != tc.wantCalls || retries != calls-1 {
				t.Fatalf("calls = %d, retries = %d, want %d calls", calls, retries, tc.wantCalls)
			}
			if slept := clk.Now().Sub(start); slept != tc.wantSlept {
				t.Fatalf("slept %v, want %v", slept, tc.wantSlept)
			}
		})
	}
}

func TestRetryStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := Retry(ctx, func(context.Context) error {
		calls++
		cancel()
		return &types.ThrottlingException{}
	}, WithRetryClock(newFakeClock()))
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
}
