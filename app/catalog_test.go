package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// catalogServices starts the services on a sandbox scenario, fast-paced.
func catalogServices(t *testing.T, scenario string, p *RecordingPlatform) (*Services, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none2"))
	home := filepath.Join(dir, "home")
	svc, err := Build(context.Background(), Options{DataDir: home, Platform: p, Started: time.Now(), TimeScale: 1000, Polling: testPolling})
	if err != nil {
		t.Fatal(err)
	}
	svc.Start(context.Background(), &session.Target{Kind: session.KindSandbox, Name: scenario})
	svc.Session.Refresh()
	return svc, home
}

func waitBulk(t *testing.T, c *Catalog, within time.Duration) BulkView {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if v := c.BulkState(); v.Phase != "running" && v.Phase != "previewing" {
			return v
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("bulk job still %s after %v", c.BulkState().Phase, within)
	return BulkView{}
}

// waitBulkDone waits until the running bulk job has done at least n entities.
func waitBulkDone(t *testing.T, c *Catalog, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for c.BulkState().Done < n {
		if time.Now().After(deadline) {
			v := c.BulkState()
			t.Fatalf("bulk job did %d of %d entities after %v, want at least %d (phase %s)", v.Done, v.Total, within, n, v.Phase)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCatalogEntitiesTagsAndBulk(t *testing.T) {
	p := &RecordingPlatform{}
	svc, home := catalogServices(t, "connected", p)
	c := svc.Catalog

	v, err := c.Entities()
	if err != nil || v.Count != 0 || !v.Stale {
		t.Fatalf("before any refresh: %+v %v", v, err)
	}
	v, err = c.RefreshEntities(false)
	if err != nil || v.Count < 200 || v.Stale || v.RefreshedAt == "" {
		t.Fatalf("after refresh: count %d stale %v err %v", v.Count, v.Stale, err)
	}
	var offers []string
	for _, e := range v.Entities {
		if e.Type == "Offer" {
			offers = append(offers, e.ARN)
		}
	}
	if len(offers) < 12 {
		t.Fatalf("scenario has %d offers", len(offers))
	}

	// The tag rules are checked before any call, naming the key.
	if probs := c.CheckTags([]catalog.Tag{{Key: "ok", Value: "v"}, {Key: "bad#key", Value: "v"}}); len(probs) != 1 || probs[0].Key != "bad#key" || probs[0].Index != 1 {
		t.Fatalf("CheckTags: %+v", probs)
	}
	if _, err := c.SaveTags(offers[0], []catalog.Tag{{Key: strings.Repeat("k", 129), Value: ""}}); err == nil || !strings.Contains(err.Error(), "key length") {
		t.Fatalf("long key: %v", err)
	}
	if _, err := c.SaveTags("arn:aws:s3:::bucket", nil); err == nil {
		t.Fatal("a non-Catalog ARN was accepted")
	}

	// Add two tags, then edit one and remove the other.
	u, err := c.SaveTags(offers[0], []catalog.Tag{{Key: "team", Value: "a"}, {Key: "stage", Value: "beta"}})
	if err != nil || len(u.Tags) != 2 {
		t.Fatalf("add: %+v %v", u, err)
	}
	u, err = c.SaveTags(offers[0], []catalog.Tag{{Key: "team", Value: "b"}})
	if err != nil || len(u.Tags) != 1 || u.Tags[0] != (catalog.Tag{Key: "team", Value: "b"}) {
		t.Fatalf("edit: %+v %v", u, err)
	}
	if got, _ := c.Tags(offers[0]); len(got.Tags) != 1 || got.Tags[0].Value != "b" {
		t.Fatalf("read back: %+v", got)
	}

	// Bulk: preview, run, and the result and the cached tags agree.
	req := BulkRequest{Kind: catalog.KindAdd, Tags: []catalog.Tag{{Key: "team", Value: "b"}}, ARNs: offers[:12]}
	prev, err := c.PreviewBulk(req)
	if err != nil || len(prev.Unchanged) != 1 || len(prev.Changes) != 11 || len(prev.ChangedARNs) != 11 {
		t.Fatalf("preview: %+v %v", prev, err)
	}
	req.ARNs = prev.ChangedARNs
	if _, err := c.StartBulk(req); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartBulk(req); err == nil {
		t.Error("a second bulk job started while one runs")
	}
	done := waitBulk(t, c, time.Minute)
	if done.Phase != "done" || done.Done != 11 || len(done.Failures) != 0 || done.JobID == "" {
		t.Fatalf("bulk: %+v", done)
	}
	if len(p.Named(EventCatalogBulk)) < 11 {
		t.Errorf("only %d progress events", len(p.Named(EventCatalogBulk)))
	}
	jobs, err := c.BulkJobs()
	if err != nil || len(jobs) != 1 || !jobs[0].Finished || jobs[0].Done != 11 {
		t.Fatalf("journal: %+v %v", jobs, err)
	}
	all, _ := c.AllTags()
	if tags := all[offers[0]]; len(tags) != 1 || tags[0].Value != "b" {
		t.Fatalf("cached tags of the first offer: %+v", tags)
	}
	svc.Close()

	// Next start: the list is there from the cache, offline-ready and stale.
	svc2, err := Build(context.Background(), Options{DataDir: home, Platform: &RecordingPlatform{}, Started: time.Now(), TimeScale: 1000, Polling: testPolling})
	if err != nil {
		t.Fatal(err)
	}
	defer svc2.Close()
	svc2.Start(context.Background(), &session.Target{Kind: session.KindSandbox, Name: "connected"})
	v2, err := svc2.Catalog.Entities()
	if err != nil || v2.Count != v.Count || !v2.Stale || v2.RefreshedAt == "" {
		t.Fatalf("from the cache: count %d (want %d) stale %v err %v", v2.Count, v.Count, v2.Stale, err)
	}
	all2, _ := svc2.Catalog.AllTags()
	if len(all2[offers[0]]) != 1 {
		t.Fatalf("cached tags after restart: %+v", all2[offers[0]])
	}
}

func TestCatalogBulkStopAndResume(t *testing.T) {
	svc, _ := catalogServices(t, "connected", &RecordingPlatform{})
	defer svc.Close()
	c := svc.Catalog
	v, err := c.RefreshEntities(false)
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, e := range v.Entities {
		if e.Type == "Offer" && len(arns) < 15 {
			arns = append(arns, e.ARN)
		}
	}
	if _, err := c.StartBulk(BulkRequest{Kind: catalog.KindAdd, Tags: []catalog.Tag{{Key: "wave", Value: "1"}}, ARNs: arns}); err != nil {
		t.Fatal(err)
	}
	waitBulkDone(t, c, 3, 30*time.Second)
	c.StopBulk()
	stopped := waitBulk(t, c, 10*time.Second)
	if stopped.Phase != "stopped" || stopped.Done >= len(arns) {
		t.Fatalf("stop: %+v", stopped)
	}
	jobs, _ := c.BulkJobs()
	if len(jobs) != 1 || jobs[0].Finished || jobs[0].Pending == 0 {
		t.Fatalf("journal after stop: %+v", jobs)
	}
	if _, err := c.ResumeBulk(jobs[0].JobID); err != nil {
		t.Fatal(err)
	}
	res := waitBulk(t, c, time.Minute)
	if res.Phase != "done" || res.Done != len(arns) || len(res.Failures) != 0 {
		t.Fatalf("resume: %+v", res)
	}
	for _, a := range arns {
		got, err := c.Tags(a)
		wave := 0
		for _, tg := range got.Tags {
			if tg.Key == "wave" {
				wave++
			}
		}
		if err != nil || wave != 1 {
			t.Fatalf("%s after resume: %+v %v", a, got, err)
		}
	}
}

func TestCatalogChangeSetTaggedToSucceeded(t *testing.T) {
	p := &RecordingPlatform{}
	svc, _ := catalogServices(t, "connected", p)
	defer svc.Close()
	c := svc.Catalog
	tpls := c.ChangeSetTemplates()
	if len(tpls) != 2 {
		t.Fatalf("templates: %+v", tpls)
	}
	var create ChangeSetRequest
	for _, tp := range tpls {
		if tp.ID == "create-experience" {
			create = tp.Request
		}
	}
	if msg := c.ValidateChangeSet(ChangeSetRequest{Changes: []ChangeView{{ChangeType: "CreateExperience", EntityType: "Experience", Details: "{}"}}}); !strings.Contains(msg, "@1.0") {
		t.Errorf("validation: %q", msg)
	}
	v, err := c.StartChangeSet(create)
	// At the sandbox's pace the change set may have ended by the first read.
	if err != nil || v.ID == "" || v.Watching == isTerminal(v.Status) {
		t.Fatalf("start: %+v %v", v, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	var last ChangeSetView
	for time.Now().Before(deadline) {
		if evs := p.Named(EventCatalogChangeSet); len(evs) > 0 {
			last = evs[len(evs)-1].Data.(ChangeSetView)
			if isTerminal(last.Status) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if last.Status != "SUCCEEDED" {
		t.Fatalf("change set ended %+v", last)
	}
	tags, err := c.Tags(last.ARN)
	if err != nil || len(tags.Tags) != 1 || tags.Tags[0].Key != "product-team" {
		t.Fatalf("change-set tags: %+v %v", tags, err)
	}
	list, err := c.ChangeSets(ChangeSetFilter{Status: "SUCCEEDED"})
	if err != nil || len(list) == 0 || list[0].ID != v.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	if none, err := c.ChangeSets(ChangeSetFilter{Status: "FAILED"}); err != nil || len(none) != 0 {
		t.Fatalf("FAILED filter: %+v %v", none, err)
	}
	if _, err := c.CancelChangeSet(v.ID); err == nil || !strings.Contains(err.Error(), "PREPARING") {
		t.Errorf("cancel of a finished change set: %v", err)
	}
}

// Quitting mid-job leaves it journalled; the next start offers it and
// resuming finishes it. The sandbox starts afresh, so the entities tagged
// before the quit are untagged again behind the journal's back: the resume
// re-checks the done entities around the interruption and tags them again,
// so every entity ends as asked.
func TestCatalogBulkQuitMidJobResumesAfterRestart(t *testing.T) {
	svc, home := catalogServices(t, "connected", &RecordingPlatform{})
	v, err := svc.Catalog.RefreshEntities(false)
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, e := range v.Entities {
		if e.Type == "Offer" && len(arns) < 12 {
			arns = append(arns, e.ARN)
		}
	}
	if _, err := svc.Catalog.StartBulk(BulkRequest{Kind: catalog.KindAdd, Tags: []catalog.Tag{{Key: "quit", Value: "test"}}, ARNs: arns}); err != nil {
		t.Fatal(err)
	}
	waitBulkDone(t, svc.Catalog, 2, 30*time.Second)
	svc.Close() // the window closes mid-job
	waitBulk(t, svc.Catalog, 10*time.Second)

	// Next start, on the same cache, on a fresh sandbox.
	svc2, err := Build(context.Background(), Options{DataDir: home, Platform: &RecordingPlatform{}, Started: time.Now(), TimeScale: 1000, Polling: testPolling})
	if err != nil {
		t.Fatal(err)
	}
	defer svc2.Close()
	svc2.Start(context.Background(), &session.Target{Kind: session.KindSandbox, Name: "connected"})
	jobs, err := svc2.Catalog.BulkJobs()
	if err != nil || len(jobs) != 1 || jobs[0].Finished || jobs[0].Pending == 0 || jobs[0].Done < 2 {
		t.Fatalf("after restart: %+v %v", jobs, err)
	}
	doneBefore := jobs[0].Done
	if _, err := svc2.Catalog.ResumeBulk(jobs[0].JobID); err != nil {
		t.Fatal(err)
	}
	res := waitBulk(t, svc2.Catalog, time.Minute)
	if res.Phase != "done" || res.Done != len(arns) || len(res.Failures) != 0 {
		t.Fatalf("resume: %+v", res)
	}
	tagged := 0
	for _, a := range arns {
		got, err := svc2.Catalog.Tags(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range got.Tags {
			if tg.Key == "quit" {
				tagged++
			}
		}
	}
	if tagged != len(arns) {
		t.Fatalf("%d of %d tagged on the fresh sandbox after resume (%d were done before the quit)", tagged, len(arns), doneBefore)
	}
}

// Catalog at scale: the estimate counts only the tags not yet read; the
// preview uses the tags read, marked with their age, and reads only the
// rest; ReadAllTags reads every entity not read yet.
func TestCatalogPreviewUsesTagsReadAndReadsTheRest(t *testing.T) {
	p := &RecordingPlatform{}
	svc, _ := catalogServices(t, "connected", p)
	c := svc.Catalog
	v, err := c.RefreshEntities(false)
	if err != nil {
		t.Fatal(err)
	}
	var offers []string
	for _, e := range v.Entities {
		if e.Type == "Offer" {
			offers = append(offers, e.ARN)
		}
	}
	sel := offers[:10]
	est := c.EstimateBulk(catalog.KindAdd, sel)
	if est.Count != 10 || est.Known != 0 || est.Reads != 10 || est.Writes != 10 || est.Seconds != 4 || !strings.HasPrefix(est.Text, "about 4 s") {
		t.Fatalf("estimate before any read: %+v", est)
	}
	// Read four of them (as the list does for the rows on screen).
	for _, a := range sel[:4] {
		if _, err := c.Tags(a); err != nil {
			t.Fatal(err)
		}
	}
	est = c.EstimateBulk(catalog.KindAdd, sel)
	if est.Known != 4 || est.Reads != 6 || est.Seconds != 3.2 {
		t.Fatalf("estimate with four read: %+v", est)
	}
	req := BulkRequest{Kind: catalog.KindAdd, Tags: []catalog.Tag{{Key: "wave", Value: "1"}}, ARNs: sel}
	prev, err := c.PreviewBulk(req)
	if err != nil {
		t.Fatal(err)
	}
	if prev.Known != 4 || prev.Oldest == "" || len(prev.Changes) != 10 {
		t.Fatalf("preview: known %d oldest %q, %d changes", prev.Known, prev.Oldest, len(prev.Changes))
	}
	aged := 0
	for _, d := range prev.Changes {
		if d.ReadAt != "" {
			aged++
		}
	}
	if aged != 4 {
		t.Errorf("%d diffs marked with the age of their tags, want 4", aged)
	}
	// ReadAll reads them all again: nothing marked.
	req.ReadAll = true
	prev, err = c.PreviewBulk(req)
	if err != nil || prev.Known != 0 || prev.Changes[0].ReadAt != "" {
		t.Fatalf("read-all preview: known %d, %v", prev.Known, err)
	}

	// ReadAllTags queues every entity not read and reads them.
	r, err := c.ReadAllTags()
	if err != nil || r.Queued != v.Count-4 || r.Text == "" {
		t.Fatalf("ReadAllTags: %+v %v (want %d queued)", r, err, v.Count-4)
	}
	// At 5/s the whole list takes a minute: see the first 20 arrive, in the
	// background, and a second call queue only what is still unread.
	deadline := time.Now().Add(30 * time.Second)
	var read int
	for read < 24 {
		all, _ := c.AllTags()
		read = len(all)
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s %d of %d tag sets read", read, v.Count)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r2, _ := c.ReadAllTags(); r2.Queued > v.Count-24 || r2.Queued == 0 {
		t.Errorf("a second ReadAllTags queued %d, want at most %d (and some)", r2.Queued, v.Count-24)
	}
	// The backlog goes in list order: the first ten entities are read now.
	var first []string
	for _, e := range v.Entities[:10] {
		first = append(first, e.ARN)
	}
	if est := c.EstimateBulk(catalog.KindAdd, first); est.Reads != 0 || est.Known != 10 {
		t.Errorf("estimate once their tags are read: %+v", est)
	}
}
