package catalog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/store"
)

func arnsN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/prod-%04d", i)
	}
	return out
}

// fastRetry keeps throttle backoffs short on the fake clock.
func fastRetry(clk Clock) Option {
	return WithRetry(WithRetryClock(clk), WithBackoff(50*time.Millisecond, time.Second))
}

func TestPlanDiffs(t *testing.T) {
	arns := arnsN(4)
	clk := newFakeClock()
	f := newFakeAPI(clk, 1, arns...)
	f.tags[arns[0]] = map[string]string{}
	f.tags[arns[1]] = map[string]string{"team": "xyz", "env": "prod"}
	f.tags[arns[2]] = map[string]string{"team": "old", "keep": "1"}
	missing := "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/gone"

	tests := []struct {
		name string
		job  Job
		want Preview
	}{
		{
			name: "add",
			job:  Job{Kind: KindAdd, Tags: []Tag{{"team", "xyz"}, {"env", "prod"}}, ARNs: append(slices.Clone(arns[:3]), missing)},
			want: Preview{
				Changes: []ARNDiff{
					{ARN: arns[0], Added: []Tag{{"team", "xyz"}, {"env", "prod"}}},
					{ARN: arns[2], Added: []Tag{{"env", "prod"}}, Changed: []TagChange{{"team", "old", "xyz"}}},
				},
				Unchanged: []string{arns[1]},
				Errors:    []Failure{{ARN: missing, Code: "ResourceNotFoundException", Message: "no such resource"}},
			},
		},
		{
			name: "remove",
			job:  Job{Kind: KindRemove, Keys: []string{"team", "absent"}, ARNs: arns[:3]},
			want: Preview{
				Changes: []ARNDiff{
					{ARN: arns[1], Removed: []Tag{{"team", "xyz"}}},
					{ARN: arns[2], Removed: []Tag{{"team", "old"}}},
				},
				Unchanged: []string{arns[0]},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Plan(context.Background(), f, tc.job, WithLimiters(NewLimiters(WithClock(clk))), fastRetry(clk))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", p) != fmt.Sprintf("%+v", tc.want) {
				t.Fatalf("preview\n got %+v\nwant %+v", p, tc.want)
			}
		})
	}
	if got := (Preview{Changes: []ARNDiff{{ARN: "a"}, {ARN: "b"}}}).ChangedARNs(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("ChangedARNs = %v", got)
	}
}

func TestRunRefusesInvalidJobs(t *testing.T) {
	st := openStore(t)
	f := newFakeAPI(newFakeClock(), 1)
	for _, job := range []Job{
		{Kind: "rename", ARNs: arnsN(1)},
		{Kind: KindAdd, Tags: []Tag{{"a#", "v"}}, ARNs: arnsN(1)},
		{Kind: KindAdd, Tags: []Tag{{"a", "v"}}},
		{Kind: KindRemove, ARNs: arnsN(1)},
		{ID: "a/b", Kind: KindAdd, Tags: []Tag{{"a", "v"}}, ARNs: arnsN(1)},
	} {
		if _, err := Run(context.Background(), f, st, job, nil); err == nil {
			t.Errorf("Run(%+v) accepted an invalid job", job)
		}
	}
	if f.writes != 0 {
		t.Fatalf("%d calls made for invalid jobs", f.writes)
	}
}

// TestBulkPacing: 50 ARNs at 5 req/s take at least 10 s of fake time, and
// the fake's server-side quota never throttles.
func TestBulkPacing(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			clk := newFakeClock()
			arns := arnsN(50)
			f := newFakeAPI(clk, 1, arns...)
			st := openStore(t)
			var last Progress
			var calls int
			start := clk.Now()
			res, err := Run(context.Background(), f, st, Job{Kind: KindAdd, Tags: []Tag{{"team", "xyz"}}, ARNs: arns},
				func(p Progress) { last = p; calls++ },
				WithLimiters(NewLimiters(WithClock(clk))), WithWorkers(workers), fastRetry(clk))
			if err != nil {
				t.Fatal(err)
			}
			if el := clk.Now().Sub(start); el < 10*time.Second {
				t.Fatalf("50 calls took %v of fake time, quota allows no less than 10s", el)
			}
			if f.throttled != 0 {
				t.Fatalf("server throttled %d calls", f.throttled)
			}
			if len(res.Succeeded) != 50 || len(res.Failed) != 0 || calls != 50 {
				t.Fatalf("result %d ok %d failed, %d progress calls", len(res.Succeeded), len(res.Failed), calls)
			}
			if last.Done != 50 || last.Total != 50 || last.ETA != 0 || last.Rate < 4.9 || last.Rate > 5.01 {
				t.Fatalf("last progress %+v", last)
			}
		})
	}
}

func TestBulkRetriesThrottlingAndReportsFailures(t *testing.T) {
	clk := newFakeClock()
	arns := arnsN(12)
	f := newFakeAPI(clk, 1, arns...)
	f.throttleEach = 3
	f.validationOn[arns[5]] = true
	delete(f.tags, arns[7]) // ResourceNotFound
	st := openStore(t)
	var last Progress
	res, err := Run(context.Background(), f, st, Job{ID: "j1", Kind: KindAdd, Tags: []Tag{{"k", "v"}}, ARNs: arns},
		func(p Progress) { last = p }, WithLimiters(NewLimiters(WithClock(clk))), fastRetry(clk))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Succeeded) != 10 || len(res.Failed) != 2 {
		t.Fatalf("result %+v", res)
	}
	if res.Failed[0].ARN != arns[5] || res.Failed[0].Code != "ValidationException" ||
		res.Failed[1].ARN != arns[7] || res.Failed[1].Code != "ResourceNotFoundException" {
		t.Fatalf("failures %+v", res.Failed)
	}
	if last.Throttled == 0 || last.Failed != 2 || last.Done != 10 {
		t.Fatalf("last progress %+v", last)
	}
	jobs, err := Jobs(context.Background(), st)
	if err != nil || len(jobs) != 1 || !jobs[0].Finished || jobs[0].Done != 10 || jobs[0].FailedARNs != 2 {
		t.Fatalf("Jobs = %+v, %v", jobs, err)
	}
}

// journalStatus reads one ARN's journalled status.
func journalStatus(t *testing.T, st *store.Store, jobID string, i int) string {
	t.Helper()
	var r arnRecord
	if _, err := st.Get(context.Background(), store.BucketJobs, arnKey(jobID, i), &r); err != nil {
		t.Fatal(err)
	}
	return r.Status
}

// TestBulkKilledAndResumed kills a job mid-way and resumes it: every ARN
// ends tagged as asked, none is written after its journal says done, and
// only ARNs interrupted in flight are written twice.
func TestBulkKilledAndResumed(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		workers int
		kill    string // "cancel" after the Nth write took effect, or "fail" hard from the Nth write on
		n       int
	}{
		{"add, cancelled after 1", KindAdd, 1, "cancel", 1},
		{"add, cancelled after 17", KindAdd, 1, "cancel", 17},
		{"add, cancelled after 17, 4 workers", KindAdd, 4, "cancel", 17},
		{"remove, cancelled after 9", KindRemove, 2, "cancel", 9},
		{"add, hard failures from 20", KindAdd, 1, "fail", 20},
		{"add, cancelled after last", KindAdd, 1, "cancel", 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			arns := arnsN(40)
			f := newFakeAPI(clk, 1, arns...)
			for _, a := range arns {
				f.tags[a]["team"] = "old"
				f.tags[a]["other"] = "1"
			}
			idx := map[string]int{}
			for i, a := range arns {
				idx[a] = i
			}
			st := openStore(t)
			job := Job{ID: "job-" + tc.kind, Kind: tc.kind, ARNs: arns}
			if tc.kind == KindAdd {
				job.Tags = []Tag{{"team", "xyz"}, {"env", "prod"}}
			} else {
				job.Keys = []string{"team"}
			}

			var mu sync.Mutex
			var violations []string
			f.beforeWrite = func(arn string) error {
				// The journal must say in_flight before any call.
				if s := journalStatus(t, st, job.ID, idx[arn]); s != StatusInFlight {
					mu.Lock()
					violations = append(violations, fmt.Sprintf("%s written while journalled %s", arn, s))
					mu.Unlock()
				}
				return nil
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			written := 0
			switch tc.kill {
			case "cancel":
				f.afterWrite = func(string) {
					mu.Lock()
					defer mu.Unlock()
					if written++; written == tc.n {
						cancel() // the process dies before hearing the answer
					}
				}
			case "fail":
				prev := f.beforeWrite
				f.beforeWrite = func(arn string) error {
					_ = prev(arn)
					mu.Lock()
					defer mu.Unlock()
					if written++; written >= tc.n {
						return errors.New("connection reset by peer")
					}
					return nil
				}
			}
			opts := []Option{WithLimiters(NewLimiters(WithClock(clk))), WithWorkers(tc.workers), fastRetry(clk)}
			res1, err := Run(ctx, f, st, job, nil, opts...)
			switch tc.kill {
			case "cancel":
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("first run err = %v", err)
				}
			case "fail":
				if err != nil || len(res1.Failed) != len(arns)-tc.n+1 || res1.Failed[0].Message != "connection reset by peer" {
					t.Fatalf("first run: %d failed, err %v", len(res1.Failed), err)
				}
			}
			firstApplied := maps.Clone(f.applied)

			// "Restart": healthy API, fresh limiters, same store.
			f.mu.Lock()
			f.afterWrite = nil
			f.mu.Unlock()
			f.beforeWrite = func(arn string) error {
				if s := journalStatus(t, st, job.ID, idx[arn]); s != StatusInFlight {
					mu.Lock()
					violations = append(violations, fmt.Sprintf("resume wrote %s journalled %s", arn, s))
					mu.Unlock()
				}
				return nil
			}
			var last Progress
			res, err := Resume(context.Background(), f, st, job.ID, func(p Progress) { last = p },
				WithLimiters(NewLimiters(WithClock(clk))), WithWorkers(tc.workers), fastRetry(clk))
			if err != nil {
				t.Fatal(err)
			}
			if len(violations) > 0 {
				t.Fatalf("journal violations: %v", violations)
			}
			if len(res.Succeeded) != len(arns) || len(res.Failed) != 0 || !slices.Equal(res.Succeeded, arns) {
				t.Fatalf("resume result: %d ok, failures %+v", len(res.Succeeded), res.Failed)
			}
			if last.Total != len(arns) || last.Done != len(arns) {
				t.Fatalf("last progress %+v", last)
			}
			twice := 0
			for _, a := range arns {
				want := map[string]string{"team": "xyz", "env": "prod", "other": "1"}
				if tc.kind == KindRemove {
					want = map[string]string{"other": "1"}
				}
				if !maps.Equal(f.tags[a], want) {
					t.Fatalf("%s tags %v, want %v", a, f.tags[a], want)
				}
				switch f.applied[a] {
				case 1:
				case 2:
					// Only a call that was in flight when the first run died
					// (applied, answer lost) may be repeated.
					if firstApplied[a] != 1 {
						t.Fatalf("%s applied twice but not in the first run", a)
					}
					twice++
				default:
					t.Fatalf("%s applied %d times", a, f.applied[a])
				}
			}
			if tc.kill == "cancel" && twice > tc.workers {
				t.Fatalf("%d ARNs repeated, at most %d can have been in flight", twice, tc.workers)
			}
			// A second resume has nothing left to do.
			before := f.writes
			if _, err := Resume(context.Background(), f, st, job.ID, nil, opts...); err != nil || f.writes != before {
				t.Fatalf("second resume made %d calls, err %v", f.writes-before, err)
			}
			// Run with the same ID and definition resumes; a different one is refused.
			if _, err := Run(context.Background(), f, st, job, nil, opts...); err != nil || f.writes != before {
				t.Fatalf("rerun made %d calls, err %v", f.writes-before, err)
			}
			other := job
			other.ARNs = arns[:3]
			if _, err := Run(context.Background(), f, st, other, nil, opts...); !errors.Is(err, ErrJobConflict) {
				t.Fatalf("conflicting Run err = %v", err)
			}
		})
	}
}

func TestResumeUnknownJob(t *testing.T) {
	_, err := Resume(context.Background(), newFakeAPI(newFakeClock(), 1), openStore(t), "nope", nil)
	if !errors.Is(err, ErrJobNotFound) {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkBulkTagQuotaBound tags 1,000 ARNs against a fake enforcing
// 5 req/s, with time scaled up 50× (250 req/s of real time) so it runs in
// seconds, and reports the achieved rate as a fraction of the quota-bound
// ideal (1.0 = exactly at quota; journal writes and scheduling cost the
// rest).
func BenchmarkBulkTagQuotaBound(b *testing.B) {
	const scale, n = 50.0, 1000
	arns := arnsN(n)
	for i := 0; b.Loop(); i++ {
		st := openStore(b)
		f := newFakeAPI(RealClock, scale, arns...)
		start := time.Now()
		res, err := Run(context.Background(), f, st, Job{ID: fmt.Sprintf("bench-%d", i), Kind: KindAdd, Tags: []Tag{{"team", "xyz"}}, ARNs: arns}, nil,
			WithLimiters(NewLimiters(WithTimeScale(scale))),
			WithRetry(WithBackoff(time.Duration(float64(250*time.Millisecond)/scale), time.Duration(float64(20*time.Second)/scale))))
		el := time.Since(start)
		if err != nil || len(res.Succeeded) != n {
			b.Fatalf("%d succeeded, err %v", len(res.Succeeded), err)
		}
		ideal := time.Duration(float64(n) / (Quotas[OpTagResource] * scale) * float64(time.Second))
		b.ReportMetric(ideal.Seconds()/el.Seconds(), "ratio-to-ideal")
		b.ReportMetric(float64(n)/el.Seconds()/scale, "req/s-unscaled")
		b.ReportMetric(float64(f.throttled), "throttled")
	}
}
