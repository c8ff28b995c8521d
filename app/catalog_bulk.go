package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
)

// BulkRequest is a bulk tagging job as the window builds it.
type BulkRequest struct {
	Kind string        `json:"kind"` // "add" or "remove"
	Tags []catalog.Tag `json:"tags"` // add
	Keys []string      `json:"keys"` // remove
	ARNs []string      `json:"arns"`
	// ReadAll makes the preview read every resource's tags again, instead
	// of using the tags already read (marked with their age).
	ReadAll bool `json:"readAll"`
}

func (r BulkRequest) job() catalog.Job {
	return catalog.Job{Kind: r.Kind, Tags: r.Tags, Keys: r.Keys, ARNs: r.ARNs}
}

// TagChangeView is one tag whose value a job overwrites.
type TagChangeView struct {
	Key string `json:"key"`
	Old string `json:"old"`
	New string `json:"new"`
}

// DiffView is what a job does to one resource.
type DiffView struct {
	ARN     string          `json:"arn"`
	Added   []catalog.Tag   `json:"added"`
	Changed []TagChangeView `json:"changed"`
	Removed []catalog.Tag   `json:"removed"`
	// ReadAt is when the tags this diff comes from were read, RFC 3339, when
	// that was before the preview (the tags already read); "" = read by it.
	ReadAt string `json:"readAt"`
}

// BulkPreviewView is the diff shown before a bulk job runs.
type BulkPreviewView struct {
	Changes     []DiffView        `json:"changes"`
	Unchanged   []string          `json:"unchanged"`
	Errors      []catalog.Failure `json:"errors"`
	ChangedARNs []string          `json:"changedArns"`
	// Known counts the resources whose tags were already read and used as
	// they were, not read again; Oldest (RFC 3339) is the oldest such read.
	Known  int    `json:"known"`
	Oldest string `json:"oldest"`
}

// BulkEstimateView is how long a bulk job on a selection takes at the
// quotas (catalog.EstimateJob), before anything is read.
type BulkEstimateView struct {
	Count   int     `json:"count"`
	Known   int     `json:"known"` // tags already read, not read again by the preview
	Reads   int     `json:"reads"`
	Writes  int     `json:"writes"`
	Seconds float64 `json:"seconds"`
	Text    string  `json:"text"` // "about 17 min (…)"
}

// EstimateBulk says how long a bulk job of kind on arns takes: the preview
// reads only the tags not read yet, then every resource may be written,
// each at its quota. Nothing is called.
func (c *Catalog) EstimateBulk(kind string, arns []string) BulkEstimateView {
	known := 0
	c.mu.Lock()
	for _, a := range arns {
		if t, ok := c.tags[a]; ok && !t.At.IsZero() {
			known++
		}
	}
	c.mu.Unlock()
	e := catalog.EstimateJob(kind, len(arns), known)
	return BulkEstimateView{Count: len(arns), Known: known, Reads: e.Reads, Writes: e.Writes, Seconds: e.Total().Seconds(), Text: e.String()}
}

// knownTags is what the preview may use instead of reading: the tags of
// this target already read (this run or from the cache), with their time.
func (c *Catalog) knownTags(scope string) func(arn string) ([]catalog.Tag, time.Time, bool) {
	c.mu.Lock()
	snapshot := make(map[string]cachedTags, len(c.tags))
	if c.scope == scope {
		for a, t := range c.tags {
			snapshot[a] = t
		}
	}
	c.mu.Unlock()
	return func(arn string) ([]catalog.Tag, time.Time, bool) {
		t, ok := snapshot[arn]
		return t.Tags, t.At, ok
	}
}

// BulkView is the running (or last) bulk job, sent as catalog:bulk.
type BulkView struct {
	Phase      string            `json:"phase"` // idle, previewing, running, done, stopped, failed
	JobID      string            `json:"jobId"`
	Kind       string            `json:"kind"`
	Read       int               `json:"read"` // previewing: tag lists read
	Done       int               `json:"done"` // succeeded, earlier runs included
	Failed     int               `json:"failed"`
	Total      int               `json:"total"`
	Throttled  int               `json:"throttled"`
	Rate       float64           `json:"rate"`
	ETASeconds float64           `json:"etaSeconds"`
	Succeeded  []string          `json:"succeeded"`
	Failures   []catalog.Failure `json:"failures"`
	Error      *ErrorView        `json:"error"`
}

// BulkJobView is a journalled job, for "Resume" after a crash or quit.
type BulkJobView struct {
	JobID    string `json:"jobId"`
	Kind     string `json:"kind"`
	Created  string `json:"created"`
	Finished bool   `json:"finished"`
	Total    int    `json:"total"`
	Done     int    `json:"done"`
	Failed   int    `json:"failed"`
	Pending  int    `json:"pending"` // not yet done, in flight included
	Summary  string `json:"summary"` // e.g. "add team=x"
}

type bulkState struct {
	view   BulkView
	cancel context.CancelFunc
}

func (c *Catalog) bulkView() BulkView {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.bulk.view
	if v.Phase == "" {
		v.Phase = "idle"
	}
	if v.Succeeded == nil {
		v.Succeeded = []string{}
	}
	if v.Failures == nil {
		v.Failures = []catalog.Failure{}
	}
	return v
}

func (c *Catalog) setBulk(f func(v *BulkView)) {
	c.mu.Lock()
	f(&c.bulk.view)
	c.mu.Unlock()
	c.p.Emit(EventCatalogBulk, c.bulkView())
}

// BulkState is the running or last bulk job.
func (c *Catalog) BulkState() BulkView { return c.bulkView() }

func (c *Catalog) bulkBusy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bulk.cancel != nil
}

// PreviewBulk reads the current tags of every selected resource (under the
// 5 req/s quota, progress as catalog:bulk "previewing") and returns what the
// job would add, change and remove. Nothing is written.
func (c *Catalog) PreviewBulk(req BulkRequest) (BulkPreviewView, error) {
	empty := BulkPreviewView{Changes: []DiffView{}, Unchanged: []string{}, Errors: []catalog.Failure{}, ChangedARNs: []string{}}
	for _, a := range req.ARNs {
		if err := CheckARN(a); err != nil {
			return empty, err
		}
	}
	if c.bulkBusy() {
		return empty, errors.New("a bulk job is running; wait for it to finish or stop it first")
	}
	scope, err := c.ensureLoaded(c.life.context())
	if err != nil {
		return empty, err
	}
	_, api, err := c.client()
	if err != nil {
		return empty, err
	}
	ctx, cancel := context.WithCancel(c.life.context())
	c.mu.Lock()
	c.bulk.cancel = cancel
	c.mu.Unlock()
	defer func() {
		cancel()
		c.mu.Lock()
		c.bulk.cancel = nil
		c.mu.Unlock()
	}()
	c.setBulk(func(v *BulkView) { *v = BulkView{Phase: "previewing", Kind: req.Kind, Total: len(req.ARNs)} })
	opts := []catalog.Option{catalog.WithReadProgress(func(done, total int) {
		c.setBulk(func(v *BulkView) { v.Read, v.Total = done, total })
	})}
	if !req.ReadAll {
		opts = append(opts, catalog.WithKnownTags(c.knownTags(scope)))
	}
	p, err := catalog.Plan(ctx, api, req.job(), opts...)
	if err != nil {
		c.setBulk(func(v *BulkView) { v.Phase, v.Error = "idle", explain(err, c.where.options()...) })
		return empty, fmt.Errorf("previewing the bulk job: %w", err)
	}
	c.setBulk(func(v *BulkView) { v.Phase = "idle" })
	out := empty
	for _, d := range p.Changes {
		dv := DiffView{ARN: d.ARN, Added: nonNilTags(d.Added), Removed: nonNilTags(d.Removed), Changed: []TagChangeView{}}
		if !d.ReadAt.IsZero() {
			dv.ReadAt = d.ReadAt.UTC().Format(time.RFC3339)
		}
		for _, ch := range d.Changed {
			dv.Changed = append(dv.Changed, TagChangeView{Key: ch.Key, Old: ch.Old, New: ch.New})
		}
		out.Changes = append(out.Changes, dv)
	}
	out.Unchanged = append(out.Unchanged, p.Unchanged...)
	out.Errors = append(out.Errors, p.Errors...)
	out.ChangedARNs = append(out.ChangedARNs, p.ChangedARNs()...)
	out.Known = p.Known
	if !p.Oldest.IsZero() {
		out.Oldest = p.Oldest.UTC().Format(time.RFC3339)
	}
	return out, nil
}

// StartBulk journals the job and runs it in the background, paced under the
// 5 req/s quota (slower when AWS throttles), with throttled entities kept
// pending until they succeed; progress arrives as catalog:bulk.
// Pass the preview's changed ARNs. A quit or crash leaves it resumable.
func (c *Catalog) StartBulk(req BulkRequest) (BulkView, error) {
	for _, a := range req.ARNs {
		if err := CheckARN(a); err != nil {
			return c.bulkView(), err
		}
	}
	job := req.job()
	job.Created = time.Now().UTC()
	return c.runBulk(job, "")
}

// ResumeBulk carries on a journalled job: what was done is not redone
// (except done entities around an earlier error that are no longer as
// asked), what was in flight is sent again.
func (c *Catalog) ResumeBulk(jobID string) (BulkView, error) {
	if jobID == "" {
		return c.bulkView(), errors.New("no job ID given to resume")
	}
	return c.runBulk(catalog.Job{}, jobID)
}

func (c *Catalog) runBulk(job catalog.Job, resumeID string) (BulkView, error) {
	if c.st == nil {
		return c.bulkView(), errors.New("bulk jobs are journalled in the local cache, which another SellerDesk holds; close it and try again")
	}
	scope, err := c.ensureLoaded(c.life.context())
	if err != nil {
		return c.bulkView(), err
	}
	_, api, err := c.client()
	if err != nil {
		return c.bulkView(), err
	}
	ctx, cancel := context.WithCancel(c.life.context())
	c.mu.Lock()
	if c.bulk.cancel != nil {
		c.mu.Unlock()
		cancel()
		return c.bulkView(), errors.New("a bulk job is already running; wait for it or stop it first")
	}
	c.bulk.cancel = cancel
	c.bulk.view = BulkView{Phase: "running", JobID: resumeID, Kind: job.Kind, Total: len(job.ARNs)}
	c.mu.Unlock()
	c.p.Emit(EventCatalogBulk, c.bulkView())

	progress := func(p catalog.Progress) {
		c.setBulk(func(v *BulkView) {
			v.JobID, v.Done, v.Failed, v.Total, v.Throttled, v.Rate = p.JobID, p.Done, p.Failed, p.Total, p.Throttled, p.Rate
			v.ETASeconds = p.ETA.Seconds()
		})
	}
	c.life.goWork(func() {
		defer cancel()
		var res catalog.Result
		var err error
		if resumeID != "" {
			res, err = catalog.Resume(ctx, api, c.st, resumeID, progress)
		} else {
			res, err = catalog.Run(ctx, api, c.st, job, progress)
		}
		if resumeID != "" || job.Kind == "" {
			job = c.journalledJob(res.JobID)
		}
		c.applyBulkToTags(scope, job, res.Succeeded)
		c.mu.Lock()
		c.bulk.cancel = nil
		c.mu.Unlock()
		c.setBulk(func(v *BulkView) {
			v.JobID, v.Succeeded, v.Failures = res.JobID, res.Succeeded, res.Failed
			v.Done, v.Failed = res.Done, len(res.Failed)
			if res.Total > 0 {
				v.Total = res.Total
			}
			switch {
			case errors.Is(err, context.Canceled):
				v.Phase = "stopped"
			case err != nil:
				v.Phase, v.Error = "failed", explain(err, c.where.options()...)
			default:
				v.Phase, v.ETASeconds = "done", 0
			}
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			c.log.Warn("bulk job failed", "job", res.JobID, "err", err)
		}
	})
	return c.bulkView(), nil
}

func (c *Catalog) journalledJob(id string) catalog.Job {
	jobs, err := catalog.Jobs(c.life.context(), c.st)
	if err != nil {
		return catalog.Job{}
	}
	for _, j := range jobs {
		if j.Job.ID == id {
			return j.Job
		}
	}
	return catalog.Job{}
}

// applyBulkToTags updates the cached tags of the resources a job changed,
// as the job changed them, so the list shows them without a re-read.
func (c *Catalog) applyBulkToTags(scope string, job catalog.Job, succeeded []string) {
	for _, arn := range succeeded {
		c.mu.Lock()
		cur, ok := c.tags[arn]
		c.mu.Unlock()
		if !ok {
			continue // never read; the list reads it when shown
		}
		m := map[string]string{}
		for _, t := range cur.Tags {
			m[t.Key] = t.Value
		}
		switch job.Kind {
		case catalog.KindAdd:
			for _, t := range job.Tags {
				m[t.Key] = t.Value
			}
		case catalog.KindRemove:
			for _, k := range job.Keys {
				delete(m, k)
			}
		default:
			continue
		}
		tags := make([]catalog.Tag, 0, len(m))
		for k, v := range m {
			tags = append(tags, catalog.Tag{Key: k, Value: v})
		}
		c.rememberTags(c.life.context(), scope, arn, tags)
	}
}

// StopBulk stops the running preview or job; a job stays in the journal
// and can be resumed.
func (c *Catalog) StopBulk() {
	c.mu.Lock()
	cancel := c.bulk.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// BulkJobs lists the journalled jobs, newest first; unfinished ones are
// offered for resuming.
func (c *Catalog) BulkJobs() ([]BulkJobView, error) {
	out := []BulkJobView{}
	if c.st == nil {
		return out, nil
	}
	jobs, err := catalog.Jobs(c.life.context(), c.st)
	if err != nil {
		return out, fmt.Errorf("reading the bulk job journal: %w", err)
	}
	for i := len(jobs) - 1; i >= 0; i-- {
		j := jobs[i]
		v := BulkJobView{JobID: j.Job.ID, Kind: j.Job.Kind, Created: j.Job.Created.UTC().Format(time.RFC3339), Finished: j.Finished,
			Total: j.Total, Done: j.Done, Failed: j.FailedARNs, Pending: j.Pending + j.InFlight}
		switch j.Job.Kind {
		case catalog.KindAdd:
			v.Summary = "add"
			for _, t := range j.Job.Tags {
				v.Summary += " " + t.Key + "=" + t.Value
			}
		case catalog.KindRemove:
			v.Summary = "remove"
			for _, k := range j.Job.Keys {
				v.Summary += " " + k
			}
		}
		out = append(out, v)
	}
	return out, nil
}
