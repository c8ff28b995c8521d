package catalog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
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

func TestPlanDiffs(t *testing.T) {
	arns := arnsN(4)
	clk := newFakeClock()
	f := newFakeAPI(clk, 1, arns...)
	f.tags[arns[0]] = map[string]string{}
	f.tags[arns[1]] = map[string]string{"team": "xyz", "env": "prod"}
	f.tags[arns[2]] = map[string]string{"team": "old", "keep": "1"}
	missing := "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/gone"
	c := fakeClient(t, f, clk)

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
			p, err := Plan(context.Background(), c, tc.job)
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
	clk := newFakeClock()
	f := newFakeAPI(clk, 1)
	c := fakeClient(t, f, clk)
	tests := []struct {
		name string
		job  Job
		want string
	}{
		{"unknown kind", Job{Kind: "rename", ARNs: arnsN(1)}, "neither"},
		{"bad tag key", Job{Kind: KindAdd, Tags: []Tag{{"a#", "v"}}, ARNs: arnsN(1)}, `"a#"`},
		{"no ARNs", Job{Kind: KindAdd, Tags: []Tag{{"a", "v"}}}, "no ARNs"},
		{"remove without keys", Job{Kind: KindRemove, ARNs: arnsN(1)}, "at least one key"},
		{"slash in ID", Job{ID: "a/b", Kind: KindAdd, Tags: []Tag{{"a", "v"}}, ARNs: arnsN(1)}, "'/'"},
		{"too large", Job{Kind: KindAdd, Tags: []Tag{{"a", "v"}}, ARNs: arnsN(MaxJobARNs + 1)},
			"this job has 50001 entities; the most SellerDesk runs at once is 50000 — split the file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), c, st, tc.job, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run: err %v, want %q", err, tc.want)
			}
		})
	}
	var tooLarge *JobTooLargeError
	if _, err := Run(context.Background(), c, st, tests[len(tests)-1].job, nil); !errors.As(err, &tooLarge) || tooLarge.N != MaxJobARNs+1 {
		t.Fatalf("too large: %v", err)
	}
	if f.writes != 0 {
		t.Fatalf("%d calls made for invalid jobs", f.writes)
	}
	// Exactly MaxJobARNs distinct (with repeats on top) is accepted: the
	// limit counts what would run.
	j := Job{Kind: KindAdd, Tags: []Tag{{"a", "v"}}, ARNs: append(arnsN(MaxJobARNs), arnsN(10)...)}
	if err := j.validate(); err != nil || len(j.ARNs) != MaxJobARNs {
		t.Fatalf("validate: %v, %d ARNs", err, len(j.ARNs))
	}
}

func TestParseJobFile(t *testing.T) {
	a, b, c := arnsN(3)[0], arnsN(3)[1], arnsN(3)[2]
	tests := []struct {
		name    string
		file    string
		wantErr string
		want    Job
		dups    string
	}{
		{"plain", `{"kind":"add","tags":[{"key":"k","value":"v"}],"arns":["` + a + `","` + b + `"]}`, "",
			Job{Kind: KindAdd, Tags: []Tag{{"k", "v"}}, ARNs: []string{a, b}}, "2 ARNs given, all distinct"},
		{"duplicates reported", `{"kind":"add","tags":[{"key":"k","value":"v"}],"arns":["` + a + `","` + b + `","` + a + `","` + c + `","` + a + `","` + b + `"]}`, "",
			Job{Kind: KindAdd, Tags: []Tag{{"k", "v"}}, ARNs: []string{a, b, c}}, "6 ARNs given, 3 distinct (3 duplicates, e.g. " + a + ", " + b + ")"},
		{"arns and ARNS", `{"kind":"add","tags":[{"key":"k","value":"v"}],"arns":["` + a + `"],"ARNS":["` + b + `"]}`,
			`both "arns" and "ARNS"`, Job{}, ""},
		{"same key twice", `{"kind":"add","kind":"remove","keys":["k"],"arns":["` + a + `"]}`, `both "kind" and "kind"`, Job{}, ""},
		{"nested, in another case", `{"kind":"add","tags":[{"key":"k","Key":"x","value":"v"}],"arns":["` + a + `"]}`,
			`both "key" and "Key" in tags[0]`, Job{}, ""},
		{"unknown key", `{"kind":"add","tags":[{"key":"k","value":"v"}],"arn":["` + a + `"]}`, `unknown field "arn"`, Job{}, ""},
		{"two documents", `{"kind":"add"} {"kind":"remove"}`, "more than one JSON value", Job{}, ""},
		{"not JSON", `kind: add`, "reading the bulk job", Job{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job, d, err := ParseJobFile([]byte(tc.file))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", job) != fmt.Sprintf("%+v", tc.want) || d.String() != tc.dups {
				t.Fatalf("got %+v, %q\nwant %+v, %q", job, d.String(), tc.want, tc.dups)
			}
		})
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
			c := fakeClient(t, f, clk)
			st := openStore(t)
			var last Progress
			var calls int
			start := clk.Now()
			res, err := Run(context.Background(), c, st, Job{Kind: KindAdd, Tags: []Tag{{"team", "xyz"}}, ARNs: arns},
				func(p Progress) { last = p; calls++ }, WithWorkers(workers))
			if err != nil {
				t.Fatal(err)
			}
			if el := clk.Now().Sub(start); el < 10*time.Second {
				t.Fatalf("50 calls took %v of fake time, quota allows no less than 10s", el)
			}
			if f.throttled != 0 {
				t.Fatalf("server throttled %d calls", f.throttled)
			}
			if res.Done != 50 || len(res.Succeeded) != 50 || len(res.Failed) != 0 || calls != 50 {
				t.Fatalf("result %d ok %d failed, %d progress calls", res.Done, len(res.Failed), calls)
			}
			if last.Done != 50 || last.Total != 50 || last.ETA != 0 || last.Rate < 4.9 || last.Rate > 5.01 {
				t.Fatalf("last progress %+v", last)
			}
		})
	}
}

// TestClientPacesEveryAttempt: the quota counts every request AWS receives,
// so retries wait for the limiter too (the pacer sits inside the SDK's
// retry loop). With retries that do not back off at all, attempts are
// still never closer than the quota allows.
func TestClientPacesEveryAttempt(t *testing.T) {
	clk := newFakeClock()
	arn := arnsN(1)[0]
	f := newFakeAPI(clk, 1, arn)
	f.throttleEach = 2 // every other write is throttled: each call retries once
	c := fakeClient(t, f, clk)
	for i := range 10 {
		if err := c.AddTags(context.Background(), arn, []Tag{{"n", fmt.Sprint(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if f.writes < 15 {
		t.Fatalf("%d attempts for 10 calls, want retries", f.writes)
	}
	// Every attempt, retries included, waited its turn: none came sooner
	// than 1/5 s after the one before (a pacer outside the retry loop would
	// send each retry at once).
	at := f.writeAt
	for i := 1; i < len(at); i++ {
		if d := at[i].Sub(at[i-1]); d < 200*time.Millisecond-time.Microsecond {
			t.Fatalf("attempts %d and %d %v apart, quota allows 200ms", i-1, i, d)
		}
	}
	if lim := c.Limiters().For(OpTagResource); lim.Throttles() == 0 || lim.Rate() >= 5 {
		t.Fatalf("limiter saw %d throttles, rate %v", lim.Throttles(), lim.Rate())
	}
}

func TestBulkRetriesThrottlingAndReportsFailures(t *testing.T) {
	clk := newFakeClock()
	arns := arnsN(12)
	f := newFakeAPI(clk, 1, arns...)
	f.throttleEach = 3
	f.validationOn[arns[5]] = true
	delete(f.tags, arns[7]) // ResourceNotFound
	// arns[2] is throttled far more often than one call's attempts: it must
	// stay pending and end done, never failed for throttling.
	stubborn := 3*DefaultMaxAttempts + 1
	f.beforeWrite = func(arn string) *apiErr {
		if arn == arns[2] && stubborn > 0 {
			stubborn--
			return &apiErr{429, "ThrottlingException", "Rate exceeded"}
		}
		return nil
	}
	c := fakeClient(t, f, clk)
	st := openStore(t)
	var last Progress
	res, err := Run(context.Background(), c, st, Job{ID: "j1", Kind: KindAdd, Tags: []Tag{{"k", "v"}}, ARNs: arns},
		func(p Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 10 || len(res.Failed) != 2 || stubborn != 0 || f.tags[arns[2]]["k"] != "v" {
		t.Fatalf("result %+v (stubborn throttles left %d)", res, stubborn)
	}
	if res.Failed[0].ARN != arns[5] || res.Failed[0].Code != "ValidationException" ||
		res.Failed[1].ARN != arns[7] || res.Failed[1].Code != "ResourceNotFoundException" {
		t.Fatalf("failures %+v", res.Failed)
	}
	if last.Throttled < 3*DefaultMaxAttempts || last.Failed != 2 || last.Done != 10 {
		t.Fatalf("last progress %+v", last)
	}
	jobs, err := Jobs(context.Background(), st)
	if err != nil || len(jobs) != 1 || !jobs[0].Finished || jobs[0].Done != 10 || jobs[0].FailedARNs != 2 || jobs[0].Total != 12 {
		t.Fatalf("Jobs = %+v, %v", jobs, err)
	}
}

// journalStatus reads one ARN's journalled status.
func journalStatus(t *testing.T, st *store.Store, jobID string, i int) string {
	t.Helper()
	var r arnRecord
	if _, err := st.Get(context.Background(), store.BucketJobs, arnKey(jobID, i), &r); err != nil {
		t.Error(err)
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
		kill    string // "cancel" after the Nth write took effect, or "deny" from the Nth write on
		n       int
	}{
		{"add, cancelled after 1", KindAdd, 1, "cancel", 1},
		{"add, cancelled after 17", KindAdd, 1, "cancel", 17},
		{"add, cancelled after 17, 4 workers", KindAdd, 4, "cancel", 17},
		{"remove, cancelled after 9", KindRemove, 2, "cancel", 9},
		{"add, access denied from 20", KindAdd, 1, "deny", 20},
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
			inFlight := func(arn, when string) {
				// The journal must say in_flight before any call.
				if s := journalStatus(t, st, job.ID, idx[arn]); s != StatusInFlight {
					mu.Lock()
					violations = append(violations, fmt.Sprintf("%s %s while journalled %s", arn, when, s))
					mu.Unlock()
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			written := 0
			f.beforeWrite = func(arn string) *apiErr { inFlight(arn, "written"); return nil }
			switch tc.kill {
			case "cancel":
				f.afterWrite = func(string) bool {
					mu.Lock()
					defer mu.Unlock()
					if written++; written == tc.n {
						cancel() // the process dies before hearing the answer
						return true
					}
					return false
				}
			case "deny":
				f.beforeWrite = func(arn string) *apiErr {
					inFlight(arn, "written")
					mu.Lock()
					defer mu.Unlock()
					if written++; written >= tc.n {
						return &apiErr{403, "AccessDeniedException", "not allowed"}
					}
					return nil
				}
			}
			c1 := fakeClient(t, f, clk)
			res1, err := Run(ctx, c1, st, job, nil, WithWorkers(tc.workers))
			switch tc.kill {
			case "cancel":
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("first run err = %v", err)
				}
			case "deny":
				if err != nil || len(res1.Failed) != len(arns)-tc.n+1 || res1.Failed[0].Code != "AccessDeniedException" {
					t.Fatalf("first run: %d failed, err %v", len(res1.Failed), err)
				}
			}
			// What the first run left in flight, by its journal: a call
			// whose answer was lost may still land at the fake after Run
			// returned, so f.applied is no measure of it.
			leftInFlight := map[string]bool{}
			for i, a := range arns {
				if journalStatus(t, st, job.ID, i) == StatusInFlight {
					leftInFlight[a] = true
				}
			}

			// "Restart": healthy API, fresh limiters, same store.
			f.mu.Lock()
			f.afterWrite = nil
			f.beforeWrite = func(arn string) *apiErr { inFlight(arn, "resume wrote"); return nil }
			f.mu.Unlock()
			c2 := fakeClient(t, f, clk)
			var last Progress
			res, err := Resume(context.Background(), c2, st, job.ID, func(p Progress) { last = p }, WithWorkers(tc.workers))
			if err != nil {
				t.Fatal(err)
			}
			if len(violations) > 0 {
				t.Fatalf("journal violations: %v", violations)
			}
			// The first run of the deny case finished, so its done ARNs were
			// compacted to a count, but for those around the failures:
			// Succeeded names what the journal still held.
			wantNamed := arns
			if tc.kill == "deny" {
				wantNamed = arns[max(0, tc.n-1-recheckSpan(tc.workers)):]
			}
			if res.Done != len(arns) || len(res.Failed) != 0 || !slices.Equal(res.Succeeded, wantNamed) {
				t.Fatalf("resume result: %d ok, failures %+v", res.Done, res.Failed)
			}
			if tc.n < len(arns) && (last.Total != len(arns) || last.Done != len(arns)) {
				t.Fatalf("last progress %+v", last)
			}
			// Nothing changed behind the journal's back: the re-checks
			// find every done ARN as asked and apply nothing again.
			if res.Reapplied != 0 {
				t.Fatalf("resume re-applied %d", res.Reapplied)
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
					if !leftInFlight[a] {
						t.Fatalf("%s applied twice but the first run did not leave it in flight", a)
					}
					twice++
				default:
					t.Fatalf("%s applied %d times", a, f.applied[a])
				}
			}
			if tc.kill == "cancel" && twice > tc.workers {
				t.Fatalf("%d ARNs repeated, at most %d can have been in flight", twice, tc.workers)
			}
			// The finished job is compacted: a second resume has nothing
			// left to do or check, and still reports the whole job.
			before, reads := f.writes, f.reads
			if res, err := Resume(context.Background(), c2, st, job.ID, nil); err != nil || f.writes != before || f.reads != reads || res.Done != len(arns) {
				t.Fatalf("second resume made %d writes and %d reads, done %d, err %v", f.writes-before, f.reads-reads, res.Done, err)
			}
			// Run with the same ID and definition resumes; a different one is refused.
			if _, err := Run(context.Background(), c2, st, job, nil); err != nil || f.writes != before {
				t.Fatalf("rerun made %d calls, err %v", f.writes-before, err)
			}
			other := job
			other.ARNs = arns[:3]
			if _, err := Run(context.Background(), c2, st, other, nil); !errors.Is(err, ErrJobConflict) {
				t.Fatalf("conflicting Run err = %v", err)
			}
		})
	}
}

// TestResumeRechecksAroundErrors: a resume reads again the done ARNs around
// an error of the last run, and applies again those someone changed since
// (here: untagged behind the journal's back); done ARNs far from any error
// are trusted and not read.
func TestResumeRechecksAroundErrors(t *testing.T) {
	tests := []struct {
		name      string
		errAt     int   // index whose write is denied in the first run
		untag     []int // done ARNs untagged before the resume
		wantFixed []int // ARNs the resume must tag again
	}{
		{"neighbour of the error", 30, []int{27}, []int{27}},
		{"neighbour on the far side", 30, []int{40}, []int{40}},
		{"far from the error: trusted", 30, []int{2}, nil},
		{"several", 50, []int{35, 49, 51, 66, 5}, []int{35, 49, 51, 66}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			arns := arnsN(80)
			f := newFakeAPI(clk, 1, arns...)
			f.beforeWrite = func(arn string) *apiErr {
				if arn == arns[tc.errAt] {
					return &apiErr{403, "AccessDeniedException", "not yet"}
				}
				return nil
			}
			st := openStore(t)
			job := Job{ID: "recheck", Kind: KindAdd, Tags: []Tag{{"team", "xyz"}}, ARNs: arns}
			// Stop the first run before it finishes: cancel once the ARNs
			// after the error are done too.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res, err := Run(ctx, fakeClient(t, f, clk), st, job, func(p Progress) {
				if p.Done == 75 {
					cancel()
				}
			}, WithWorkers(1))
			if !errors.Is(err, context.Canceled) || len(res.Failed) != 1 {
				t.Fatalf("first run: %v, %+v", err, res.Failed)
			}
			f.mu.Lock()
			f.beforeWrite = nil
			for _, i := range tc.untag {
				delete(f.tags[arns[i]], "team") // the outside change
			}
			f.applied = map[string]int{}
			f.mu.Unlock()
			reads := f.reads
			res, err = Resume(context.Background(), fakeClient(t, f, clk), st, job.ID, nil, WithWorkers(1))
			if err != nil || res.Done != len(arns) {
				t.Fatalf("resume: %v, %+v", err, res)
			}
			span := recheckSpan(1)
			wantReads := 0
			for i := range arns[:76] { // done in the first run, within the span of the error
				if i != tc.errAt && i >= tc.errAt-span && i <= tc.errAt+span {
					wantReads++
				}
			}
			if got := f.reads - reads; res.Rechecked != wantReads || got < wantReads {
				t.Fatalf("rechecked %d (%d reads), want %d", res.Rechecked, got, wantReads)
			}
			if res.Reapplied != len(tc.wantFixed) {
				t.Fatalf("re-applied %d, want %d", res.Reapplied, len(tc.wantFixed))
			}
			for _, i := range tc.wantFixed {
				if f.tags[arns[i]]["team"] != "xyz" || f.applied[arns[i]] != 1 {
					t.Fatalf("%s: tags %v after resume, applied %d", arns[i], f.tags[arns[i]], f.applied[arns[i]])
				}
			}
			for _, i := range tc.untag {
				if !slices.Contains(tc.wantFixed, i) && f.applied[arns[i]] != 0 {
					t.Fatalf("%s far from any error was re-applied", arns[i])
				}
			}
		})
	}
}

func TestResumeUnknownJob(t *testing.T) {
	clk := newFakeClock()
	_, err := Resume(context.Background(), fakeClient(t, newFakeAPI(clk, 1), clk), openStore(t), "nope", nil)
	if !errors.Is(err, ErrJobNotFound) {
		t.Fatalf("err = %v", err)
	}
}

// TestFinishedJobsCompactedAndPruned: a finished job keeps only its result
// (counts and failures), and is deleted after Retention; an unfinished one
// is kept however old.
func TestFinishedJobsCompactedAndPruned(t *testing.T) {
	clk := newFakeClock()
	arns := arnsN(30)
	f := newFakeAPI(clk, 1, arns...)
	f.validationOn[arns[4]] = true
	c := fakeClient(t, f, clk)
	st := openStore(t)
	ctx := context.Background()
	if _, err := Run(ctx, c, st, Job{ID: "done", Kind: KindAdd, Tags: []Tag{{"k", "v"}}, ARNs: arns}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, c, st, Job{ID: "clean", Kind: KindAdd, Tags: []Tag{{"k", "v"}}, ARNs: arns[10:]}, nil); err != nil {
		t.Fatal(err)
	}
	clean := 0
	_ = st.List(ctx, store.BucketJobs, arnPrefix("clean"), func(string, []byte) error { clean++; return nil })
	if clean != 0 {
		t.Fatalf("%d ARN records kept after a job finished without failures, want none", clean)
	}
	keys := 0
	_ = st.List(ctx, store.BucketJobs, arnPrefix("done"), func(string, []byte) error { keys++; return nil })
	// Kept: the failure (index 4) and the done ARNs within the re-check
	// span of it, for a resume that retries the failure to check.
	if want := 1 + 4 + recheckSpan(4); keys != want {
		t.Fatalf("%d ARN records kept after the job finished, want %d (its failure and the ARNs around it)", keys, want)
	}
	jobs, _ := Jobs(ctx, st)
	if len(jobs) != 2 || !jobs[1].Finished || jobs[1].Done != 29 || jobs[1].FailedARNs != 1 || jobs[1].Total != 30 || jobs[1].FinishedAt.IsZero() {
		t.Fatalf("compacted job: %+v", jobs)
	}
	// An unfinished job, started long before.
	stopCtx, stop := context.WithCancel(ctx)
	_, _ = Run(stopCtx, c, st, Job{ID: "open", Kind: KindAdd, Tags: []Tag{{"k", "w"}}, ARNs: arns[:10]}, func(Progress) { stop() })
	stop()

	tests := []struct {
		after      time.Duration
		wantPruned int
		wantLeft   []string
	}{
		{Retention - time.Hour, 0, []string{"clean", "done", "open"}},
		{Retention + time.Hour, 2, []string{"open"}},
		{10 * Retention, 0, []string{"open"}},
	}
	for _, tc := range tests {
		n, err := PruneJobs(ctx, st, clk.Now().Add(tc.after))
		if err != nil || n != tc.wantPruned {
			t.Fatalf("PruneJobs after %v: %d, %v; want %d", tc.after, n, err, tc.wantPruned)
		}
		jobs, _ := Jobs(ctx, st)
		var ids []string
		for _, j := range jobs {
			ids = append(ids, j.Job.ID)
		}
		if !slices.Equal(ids, tc.wantLeft) {
			t.Fatalf("after %v: jobs %v, want %v", tc.after, ids, tc.wantLeft)
		}
	}
	keys = 0
	_ = st.List(ctx, store.BucketJobs, journalPrefix+"done", func(string, []byte) error { keys++; return nil })
	if keys != 0 {
		t.Fatalf("%d records of the pruned job left", keys)
	}
}

// BenchmarkBulkTagQuotaBound tags 1,000 ARNs against a fake enforcing
// 5 req/s, with time scaled up 50× (250 req/s of real time) so it runs in
// seconds, and reports the achieved rate as a fraction of the quota-bound
// ideal (1.0 = exactly at quota; journal writes and scheduling cost the
// rest). Every call goes through the SDK client NewClient builds.
func BenchmarkBulkTagQuotaBound(b *testing.B) {
	const scale, n = 50.0, 1000
	arns := arnsN(n)
	for i := 0; b.Loop(); i++ {
		st := openStore(b)
		f := newFakeAPI(RealClock, scale, arns...)
		c := fakeClient(b, f, RealClock, WithTimeScale(scale))
		start := time.Now()
		res, err := Run(context.Background(), c, st, Job{ID: fmt.Sprintf("bench-%d", i), Kind: KindAdd, Tags: []Tag{{"team", "xyz"}}, ARNs: arns}, nil)
		el := time.Since(start)
		if err != nil || res.Done != n {
			b.Fatalf("%d succeeded, err %v", res.Done, err)
		}
		ideal := time.Duration(float64(n) / (Quotas[OpTagResource] * scale) * float64(time.Second))
		b.ReportMetric(ideal.Seconds()/el.Seconds(), "ratio-to-ideal")
		b.ReportMetric(float64(n)/el.Seconds()/scale, "req/s-unscaled")
		b.ReportMetric(float64(f.throttled), "throttled")
	}
}
