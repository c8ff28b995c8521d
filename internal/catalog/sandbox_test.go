package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// sandboxProxy sits between a client and the sandbox: it counts the
// answers per operation and status, and can refuse one ARN's writes.
type sandboxProxy struct {
	URL string

	mu     sync.Mutex
	counts map[string]int // "TagResource 429" → n
	deny   string         // ARN whose TagResource is refused with 403
}

func startSandboxProxy(t *testing.T, target string) *sandboxProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &sandboxProxy{counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error {
		p.count(r.Request.URL.Path, r.StatusCode)
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		deny := p.deny
		p.mu.Unlock()
		if deny != "" && r.URL.Path == "/"+OpTagResource && bytes.Contains(body, []byte(`"`+deny+`"`)) {
			p.count(r.URL.Path, http.StatusForbidden)
			w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"not allowed (injected)"}`))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *sandboxProxy) count(path string, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[fmt.Sprintf("%s %d", strings.TrimPrefix(path, "/"), status)]++
}

// answers returns how many op calls were answered with status (0: any).
func (p *sandboxProxy) answers(op string, status int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for k, v := range p.counts {
		o, s, _ := strings.Cut(k, " ")
		if o == op && (status == 0 || s == fmt.Sprint(status)) {
			n += v
		}
	}
	return n
}

// ownEntities starts a sandbox scenario and returns it with the ARNs of n
// entities the account owns (it may tag them).
func ownEntities(t *testing.T, scenario string, n int) (*sandbox.Server, []string) {
	t.Helper()
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: scenario, TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var arns []string
	for _, e := range srv.Account().CatalogEntities() {
		if !e.Shared && len(arns) < n {
			arns = append(arns, e.ARN)
		}
	}
	if len(arns) < n {
		t.Fatalf("scenario %s has %d entities of its own, want %d", scenario, len(arns), n)
	}
	return srv, arns
}

// sandboxTags reads an entity's tags from the sandbox's state.
func sandboxTags(srv *sandbox.Server, arn string) map[string]string {
	for _, e := range srv.Account().CatalogEntities() {
		if e.ARN == arn {
			m := map[string]string{}
			for _, t := range e.Tags {
				m[t.Key] = t.Value
			}
			return m
		}
	}
	return nil
}

// TestBulkUnderThrottlingNoEntityFails: the account grants a fifth of the
// documented TagResource quota (the sandbox's throttled scenario: 1 req/s
// against the 5 the client assumes). The client adapts its rate to the
// 429s, so few calls are throttled, and the job keeps throttled entities
// pending, so all 100 are tagged and none fails.
func TestBulkUnderThrottlingNoEntityFails(t *testing.T) {
	tests := []struct {
		name       string
		quotaScale float64 // sandbox quotas, times the documented ones (0: the scenario's fifth)
		timeScale  float64 // client pacing, times real time
		n          int
		long       bool
	}{
		// The sandbox grants 10 req/s, the client believes 50: the same
		// fifth, ten times faster. Its bucket holds a second (10 calls), so
		// the client's first estimate overshoots; 200 entities show the
		// steady state past the descent's few 429s.
		{"a fifth of the quota, ten times faster", 2, 10, 200, false},
		// The issue's own numbers: 1 req/s granted, 5 assumed; about 2 min.
		{"throttled scenario at AWS's pace", 0, 1, 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("takes about 2 minutes (1 req/s); run without -short")
			}
			srv, arns := ownEntities(t, "throttled", tc.n)
			if tc.quotaScale > 0 {
				srv.Account().SetCatalogQuotaScale(tc.quotaScale)
			}
			p := startSandboxProxy(t, srv.URL())
			c := NewClient(testaws.Config(p.URL), WithLimiters(NewLimiters(WithTimeScale(tc.timeScale))))
			start := time.Now()
			res, err := Run(context.Background(), c, openStore(t), Job{Kind: KindAdd, Tags: []Tag{{"campaign", "q4"}}, ARNs: arns}, nil)
			if err != nil {
				t.Fatal(err)
			}
			throttled, all := p.answers(OpTagResource, 429), p.answers(OpTagResource, 0)
			share := float64(throttled) / float64(all)
			t.Logf("%d entities in %v: %d TagResource calls, %d answered 429 (%.1f%%); limiter now at %.2f req/s",
				len(arns), time.Since(start).Round(time.Millisecond), all, throttled, 100*share,
				c.Limiters().For(OpTagResource).Rate()/tc.timeScale)
			if res.Done != len(arns) || len(res.Failed) != 0 {
				t.Fatalf("%d of %d tagged, failures %+v", res.Done, len(arns), res.Failed)
			}
			for _, a := range arns {
				if sandboxTags(srv, a)["campaign"] != "q4" {
					t.Fatalf("%s not tagged in the sandbox", a)
				}
			}
			if share >= 0.10 {
				t.Fatalf("%.1f%% of TagResource calls throttled, want under 10%%", 100*share)
			}
		})
	}
}

// TestResumeRechecksOnSandbox: a job meets an error (one entity refused),
// then an entity done next to it loses its tag behind the journal's back
// (as a sandbox restart or another tool would do). The resume re-checks
// the done entities around the error and tags it again; the AWS CLI, an
// outside judge reading the sandbox directly, sees the final state.
func TestResumeRechecksOnSandbox(t *testing.T) {
	srv, arns := ownEntities(t, "fresh", 40)
	srv.Account().SetCatalogQuotaScale(10)
	p := startSandboxProxy(t, srv.URL())
	const failAt, changed = 20, 25
	p.deny = arns[failAt]
	newClient := func() *Client {
		return NewClient(testaws.Config(p.URL), WithLimiters(NewLimiters(WithTimeScale(10))))
	}
	st := openStore(t)
	ctx := context.Background()
	job := Job{ID: "recheck", Kind: KindAdd, Tags: []Tag{{"campaign", "q4"}}, ARNs: arns}
	res, err := Run(ctx, newClient(), st, job, nil)
	if err != nil || len(res.Failed) != 1 || res.Failed[0].ARN != arns[failAt] || res.Failed[0].Code != "AccessDeniedException" {
		t.Fatalf("first run: %v, failures %+v", err, res.Failed)
	}
	// The outside change, straight on the sandbox.
	direct := NewClient(testaws.Config(srv.URL()), WithLimiters(NewLimiters()))
	if err := direct.RemoveTags(ctx, arns[changed], []string{"campaign"}); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.deny = ""
	p.mu.Unlock()
	readsBefore := p.answers(OpListTagsForResource, 0)
	res, err = Resume(ctx, newClient(), st, job.ID, nil)
	if err != nil || res.Done != len(arns) || len(res.Failed) != 0 {
		t.Fatalf("resume: %v, %+v", err, res)
	}
	if res.Reapplied != 1 || res.Rechecked == 0 || p.answers(OpListTagsForResource, 0)-readsBefore < res.Rechecked {
		t.Fatalf("resume re-checked %d, re-applied %d (%d reads)", res.Rechecked, res.Reapplied, p.answers(OpListTagsForResource, 0)-readsBefore)
	}
	for _, i := range []int{failAt, changed, 0, len(arns) - 1} {
		out := testaws.AWSCLI(t, srv.URL(), "marketplace-catalog", "list-tags-for-resource", "--resource-arn", arns[i])
		var got struct{ Tags []struct{ Key, Value string } }
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("aws output %s: %v", out, err)
		}
		if !slices.Contains(got.Tags, struct{ Key, Value string }{"campaign", "q4"}) {
			t.Fatalf("the AWS CLI sees %s (entity %d) tagged %+v, want campaign=q4", arns[i], i, got.Tags)
		}
	}
}
