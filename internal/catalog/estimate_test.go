package catalog

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestEstimateJob(t *testing.T) {
	tests := []struct {
		name          string
		kind          string
		n, known      int
		reads, writes int
		total         time.Duration
		words         string
	}{
		{"5,000 unknown", KindAdd, 5000, 0, 5000, 5000, 2000 * time.Second, "about 34 min (5,000 tag lists to read at 5/s, then up to 5,000 writes at 5/s)"},
		{"5,000 after one earlier read", KindAdd, 5000, 5000, 0, 5000, 1000 * time.Second, "about 17 min (up to 5,000 writes at 5/s; no tags to read first)"},
		{"some known", KindRemove, 1000, 400, 600, 1000, 320 * time.Second, "about 6 min (600 tag lists to read at 5/s, then up to 1,000 writes at 5/s)"},
		{"one", KindAdd, 1, 0, 1, 1, 400 * time.Millisecond, "under a second (1 tag list to read at 5/s, then up to 1 write at 5/s)"},
		{"known beyond n is capped", KindAdd, 10, 50, 0, 10, 2 * time.Second, "about 2 s (up to 10 writes at 5/s; no tags to read first)"},
		{"nothing", KindAdd, 0, 0, 0, 0, 0, "under a second"},
		{"hours", KindAdd, 50000, 0, 50000, 50000, 20000 * time.Second, "about 5 h 34 min (50,000 tag lists to read at 5/s, then up to 50,000 writes at 5/s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := EstimateJob(tt.kind, tt.n, tt.known)
			if e.Reads != tt.reads || e.Writes != tt.writes || e.Total() != tt.total {
				t.Errorf("EstimateJob(%s, %d, %d) = %+v (total %v), want %d reads, %d writes, %v", tt.kind, tt.n, tt.known, e, e.Total(), tt.reads, tt.writes, tt.total)
			}
			if got := e.String(); got != tt.words {
				t.Errorf("words %q, want %q", got, tt.words)
			}
		})
	}
}

func TestEstimateReads(t *testing.T) {
	if e := EstimateReads(4705); e.Total() != 941*time.Second || e.String() != "about 16 min (4,705 tag lists to read at 5/s)" {
		t.Errorf("EstimateReads(4705) = %v, %q", e.Total(), e.String())
	}
}

// A preview with tags already read uses them, marked with when they were
// read, and reads only the ARNs it does not know.
func TestPlanUsesKnownTags(t *testing.T) {
	arns := arnsN(4)
	clk := newFakeClock()
	f := newFakeAPI(clk, 1, arns...)
	f.tags[arns[0]] = map[string]string{"team": "new-on-aws"} // the cache below is older
	f.tags[arns[2]] = map[string]string{}
	f.tags[arns[3]] = map[string]string{"team": "xyz"}
	c := fakeClient(t, f, clk)
	old := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	older := old.Add(-time.Hour)
	known := map[string]struct {
		tags []Tag
		at   time.Time
	}{
		arns[0]: {[]Tag{{"team", "old"}}, old},
		arns[1]: {[]Tag{{"team", "xyz"}}, older},
		arns[2]: {nil, time.Time{}}, // no time: not known
	}
	lookup := func(arn string) ([]Tag, time.Time, bool) {
		k, ok := known[arn]
		return k.tags, k.at, ok
	}
	job := Job{Kind: KindAdd, Tags: []Tag{{"team", "xyz"}}, ARNs: arns}
	before := f.reads
	p, err := Plan(t.Context(), c, job, WithKnownTags(lookup))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.reads - before; got != 2 {
		t.Errorf("%d tag lists read, want 2 (the two not known)", got)
	}
	if p.Known != 2 || !p.Oldest.Equal(older) {
		t.Errorf("Known %d, Oldest %v; want 2, %v", p.Known, p.Oldest, older)
	}
	want := []ARNDiff{
		{ARN: arns[0], Changed: []TagChange{{"team", "old", "xyz"}}, ReadAt: old}, // as the cache says, marked with its age
		{ARN: arns[2], Added: []Tag{{"team", "xyz"}}},                             // read now
	}
	if fmt.Sprintf("%+v", p.Changes) != fmt.Sprintf("%+v", want) {
		t.Errorf("changes\n got %+v\nwant %+v", p.Changes, want)
	}
	if !slices.Equal(p.Unchanged, []string{arns[1], arns[3]}) {
		t.Errorf("unchanged %v", p.Unchanged)
	}
	// Without known tags every ARN is read.
	before = f.reads
	if _, err := Plan(t.Context(), c, job); err != nil {
		t.Fatal(err)
	}
	if got := f.reads - before; got != 4 {
		t.Errorf("%d tag lists read without known tags, want 4", got)
	}
}
