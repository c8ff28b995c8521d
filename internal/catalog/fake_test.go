package catalog

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/sellerdesk/sellerdesk/internal/store"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// fakeAPI is an in-memory Catalog behind a real HTTP server speaking the
// API's rest-json, so calls go through the SDK client NewClient builds
// (retryer and quota pacer included): tags per ARN, a server-side token
// bucket per operation at the documented quota (ThrottlingException when
// empty), plus injectable failures.
type fakeAPI struct {
	mu      sync.Mutex
	clock   Clock
	scale   float64
	tags    map[string]map[string]string
	buckets map[string]*serverBucket

	entities     []fakeEntity // for ListEntities
	listCalls    int
	reads        int // ListTagsForResource calls answered
	throttleEach int // throttle every n-th write call (0: never), besides the quota
	writes       int
	writeAt      []time.Time // when each write attempt arrived (past the quota)
	throttled    int
	applied      map[string]int  // calls that took effect, per ARN (the SDK's retries of one call count once)
	appliedBy    map[string]bool // invocation IDs of the calls that took effect
	// beforeWrite may refuse a write with an API error (nil: go on).
	beforeWrite func(arn string) *apiErr
	// afterWrite runs after a write took effect; true loses the answer
	// (the connection closes, as when the process dies mid-call).
	afterWrite   func(arn string) bool
	validationOn map[string]bool // ARNs the API refuses with ValidationException
}

type apiErr struct {
	status int
	code   string
	msg    string
}

type fakeEntity struct {
	Name, EntityType, EntityId, EntityArn, LastModifiedDate, Visibility string //nolint:revive // the API's names
}

func newFakeAPI(clock Clock, scale float64, arns ...string) *fakeAPI {
	f := &fakeAPI{clock: clock, scale: scale, tags: map[string]map[string]string{},
		buckets: map[string]*serverBucket{}, applied: map[string]int{}, appliedBy: map[string]bool{}, validationOn: map[string]bool{}}
	for _, a := range arns {
		f.tags[a] = map[string]string{}
	}
	return f
}

// serverBucket holds one second of quota and starts full, as AWS's does.
type serverBucket struct {
	rate, tokens float64
	last         time.Time
}

func (f *fakeAPI) admit(op string) *apiErr {
	now := f.clock.Now()
	b := f.buckets[op]
	q := Quotas[op] * f.scale
	if b == nil {
		b = &serverBucket{rate: q, tokens: Quotas[op], last: now}
		f.buckets[op] = b
	}
	if now.After(b.last) {
		b.tokens = min(Quotas[op], b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	// Small tolerance for float rounding at exact slot boundaries.
	if b.tokens < 1-1e-6 {
		f.throttled++
		return &apiErr{429, "ThrottlingException", "Rate exceeded"}
	}
	b.tokens--
	return nil
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.URL.Path, "/")
	// Retries of a call (the SDK's amz-sdk-request header says which
	// attempt this is) are not new calls: loopback connections under load
	// sometimes fail mid-read, and the SDK rightly retries.
	firstAttempt := !strings.HasPrefix(r.Header.Get("amz-sdk-request"), "attempt=") || strings.HasPrefix(r.Header.Get("amz-sdk-request"), "attempt=1;")
	call := r.Header.Get("amz-sdk-invocation-id") // one per call, the same for its retries
	var in struct {
		ResourceArn string
		Tags        []struct{ Key, Value string }
		TagKeys     []string
		EntityType  string
		NextToken   *string
		MaxResults  int
		Sort        *struct{ SortBy, SortOrder string }
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, &apiErr{400, "ValidationException", err.Error()})
		return
	}
	var out any
	var e *apiErr
	switch op {
	case OpListTagsForResource:
		out, e = f.listTags(in.ResourceArn)
	case OpTagResource:
		e = f.write(w, op, in.ResourceArn, call, func(m map[string]string) {
			for _, t := range in.Tags {
				m[t.Key] = t.Value
			}
		})
		out = struct{}{}
	case OpUntagResource:
		e = f.write(w, op, in.ResourceArn, call, func(m map[string]string) {
			for _, k := range in.TagKeys {
				delete(m, k)
			}
		})
		out = struct{}{}
	case OpListEntities:
		asc := in.Sort != nil && in.Sort.SortOrder == "ASCENDING"
		out, e = f.listEntities(in.EntityType, in.NextToken, in.MaxResults, asc, firstAttempt)
	default:
		e = &apiErr{404, "UnknownOperationException", op}
	}
	if e == errLost {
		return
	}
	if e != nil {
		fail(w, e)
		return
	}
	body, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// errLost marks a write whose answer the fake threw away.
var errLost = &apiErr{}

func fail(w http.ResponseWriter, e *apiErr) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", e.code)
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": e.msg})
}

func (f *fakeAPI) listTags(arn string) (any, *apiErr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.admit(OpListTagsForResource); e != nil {
		return nil, e
	}
	f.reads++
	m, ok := f.tags[arn]
	if !ok {
		return nil, &apiErr{404, "ResourceNotFoundException", "no such resource"}
	}
	type tag struct{ Key, Value string }
	out := struct {
		ResourceArn string
		Tags        []tag
	}{ResourceArn: arn, Tags: []tag{}}
	for k, v := range m {
		out.Tags = append(out.Tags, tag{k, v})
	}
	return out, nil
}

func (f *fakeAPI) write(w http.ResponseWriter, op, arn, call string, apply func(map[string]string)) *apiErr {
	f.mu.Lock()
	if e := f.admit(op); e != nil {
		f.mu.Unlock()
		return e
	}
	f.writes++
	f.writeAt = append(f.writeAt, f.clock.Now())
	if f.throttleEach > 0 && f.writes%f.throttleEach == 0 {
		f.throttled++
		f.mu.Unlock()
		return &apiErr{429, "ThrottlingException", "Rate exceeded"}
	}
	if f.validationOn[arn] {
		f.mu.Unlock()
		return &apiErr{422, "ValidationException", "refused"}
	}
	before := f.beforeWrite
	f.mu.Unlock()
	if before != nil {
		if e := before(arn); e != nil {
			return e
		}
	}
	f.mu.Lock()
	m, ok := f.tags[arn]
	if !ok {
		f.mu.Unlock()
		return &apiErr{404, "ResourceNotFoundException", "no such resource"}
	}
	apply(m)
	if !f.appliedBy[call] {
		f.appliedBy[call] = true
		f.applied[arn]++
	}
	after := f.afterWrite
	f.mu.Unlock()
	if after != nil && after(arn) {
		// The caller never hears the answer.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		return errLost
	}
	return nil
}

// listEntities pages f.entities of the asked type, sorted by
// LastModifiedDate (DESCENDING unless asked otherwise); NextToken is the
// offset.
func (f *fakeAPI) listEntities(typ string, token *string, n int, asc, firstAttempt bool) (any, *apiErr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.admit(OpListEntities); e != nil {
		return nil, e
	}
	if firstAttempt {
		f.listCalls++
	}
	var sel []fakeEntity
	for _, e := range f.entities {
		if e.EntityType == typ {
			sel = append(sel, e)
		}
	}
	slices.SortStableFunc(sel, func(a, b fakeEntity) int {
		c := strings.Compare(a.LastModifiedDate, b.LastModifiedDate)
		if asc {
			return c
		}
		return -c
	})
	off := 0
	if token != nil {
		off, _ = strconv.Atoi(*token)
	}
	if n <= 0 {
		n = 20
	}
	end := min(off+n, len(sel))
	out := struct {
		EntitySummaryList []fakeEntity
		NextToken         *string `json:",omitempty"`
	}{EntitySummaryList: sel[off:end]}
	if end < len(sel) {
		t := strconv.Itoa(end)
		out.NextToken = &t
	}
	return out, nil
}

// noBackoff retries at once: the fake clock, not the SDK's sleeps, carries
// the time in these tests.
var noBackoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

// fakeClient serves f on loopback and returns the Catalog client for it,
// with limiters on clk.
func fakeClient(tb testing.TB, f *fakeAPI, clk Clock, opts ...LimiterOption) *Client {
	tb.Helper()
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	return NewClient(testaws.Config(srv.URL), WithLimiters(NewLimiters(append([]LimiterOption{WithClock(clk)}, opts...)...)),
		func(c *clientConfig) { c.backoff = noBackoff })
}

func openStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}
