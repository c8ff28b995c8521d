package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/policy"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

// Catalog events. Entities and tags events carry only what changed; the
// window asks for the (possibly large) entity list when Version moves.
const (
	EventCatalogEntities  = "catalog:entities"  // EntitiesView without the list
	EventCatalogTags      = "catalog:tags"      // TagsUpdate
	EventCatalogBulk      = "catalog:bulk"      // BulkView
	EventCatalogChangeSet = "catalog:changeset" // ChangeSetView
)

// EntitiesView is the entity list of the current target.
type EntitiesView struct {
	Entities    []catalog.EntitySummary `json:"entities"`
	Count       int                     `json:"count"`
	Version     int64                   `json:"version"` // moves whenever Entities changes
	Refreshing  bool                    `json:"refreshing"`
	Stale       bool                    `json:"stale"`       // from the cache, not refreshed since start
	RefreshedAt string                  `json:"refreshedAt"` // RFC 3339; "" = never
	Error       *ErrorView              `json:"error"`
}

// TagsUpdate is the tags of one resource as last read or written.
type TagsUpdate struct {
	ARN  string        `json:"arn"`
	Tags []catalog.Tag `json:"tags"`
	At   string        `json:"at"` // RFC 3339
}

// TagProblem is one broken tag rule, for the editor to show at the field.
type TagProblem struct {
	Index   int    `json:"index"` // position in the list checked; -1 = the list
	Key     string `json:"key"`
	Message string `json:"message"`
}

type cachedTags struct {
	Tags []catalog.Tag `json:"tags"`
	At   time.Time     `json:"at"`
}

// Catalog is the bound service for entities, tags, bulk tagging and
// change sets of the AWS Marketplace Catalog API.
type Catalog struct {
	life  *lifetime  // shared; stopped by Services.Close
	where *targetNow // shared: the target the error words are for
	mgr   *session.Manager
	st    *store.Store
	p     Platform
	log   *slog.Logger

	mu          sync.Mutex
	scope       string // target whose data is loaded; "" = none yet
	entities    []catalog.EntitySummary
	version     int64
	refreshing  bool
	refreshed   bool // refreshed in this process for scope
	refreshedAt time.Time
	entErr      error
	tags        map[string]cachedTags
	tagQueue    []string
	tagQueued   map[string]bool
	tagsFresh   map[string]bool // read from AWS in this process
	tagWorker   bool
	// tagBacklog is every entity whose tags are not known, queued by
	// ReadAllTags: read after the rows on screen (tagQueue), in list order.
	tagBacklog []string

	refreshMu sync.Mutex // one entity refresh at a time

	bulk bulkState

	csMu     sync.Mutex
	watching map[string]context.CancelFunc

	// limiters pace the Catalog calls of each target: its quotas are per
	// account, and every call of this window to it shares them.
	limMu    sync.Mutex
	limiters map[string]*catalog.Limiters
}

// NewCatalog wires the service.
func NewCatalog(mgr *session.Manager, st *store.Store, p Platform, log *slog.Logger) *Catalog {
	return &Catalog{mgr: mgr, st: st, p: p, log: log, tags: map[string]cachedTags{},
		tagQueued: map[string]bool{}, tagsFresh: map[string]bool{}, watching: map[string]context.CancelFunc{},
		limiters: map[string]*catalog.Limiters{}}
}

// changeSetPoll paces change-set watching: 5 s on AWS, shorter on a fast
// sandbox, as fast as it runs now (the demo speed can change).
func (c *Catalog) changeSetPoll() time.Duration {
	poll := 5 * time.Second
	if k := c.mgr.TimeScale(); k > 1 {
		poll = max(time.Duration(float64(poll)/k), 100*time.Millisecond)
	}
	return poll
}

// client returns the Catalog API client for the current target, paced by
// the target's limiters and retried by the SDK (catalog.NewClient).
func (c *Catalog) client() (session.Target, *catalog.Client, error) {
	tgt, cfg, err := c.mgr.Current()
	if err != nil {
		return tgt, nil, err
	}
	c.limMu.Lock()
	ls, ok := c.limiters[tgt.CacheScope()]
	if !ok {
		ls = catalog.NewLimiters()
		c.limiters[tgt.CacheScope()] = ls
	}
	c.limMu.Unlock()
	return tgt, catalog.NewClient(cfg, catalog.WithLimiters(ls)), nil
}

func metaKey(scope string) string { return scope + "/meta/refreshedAt" }
func tagsKey(scope, arn string) string {
	return scope + "/" + arn
}

// targetChanged drops what was loaded for the previous target; the new
// target's cache is read when the Catalog screen first asks.
func (c *Catalog) targetChanged(_ context.Context, tgt session.Target) {
	c.stopWatches()
	c.mu.Lock()
	if c.scope != tgt.CacheScope() {
		c.scope, c.entities, c.refreshed, c.entErr, c.refreshedAt = "", nil, false, nil, time.Time{}
		c.tags, c.tagsFresh, c.tagQueue, c.tagQueued, c.tagBacklog = map[string]cachedTags{}, map[string]bool{}, nil, map[string]bool{}, nil
		c.version++
	}
	c.mu.Unlock()
	c.emitEntities()
}

// forget makes the next refresh of target key's entities a full one, which
// drops what the reset scenario no longer has.
func (c *Catalog) forget(_ context.Context, _ string) {
	c.mu.Lock()
	c.refreshed = false
	c.mu.Unlock()
}

// ensureLoaded reads the current target's cache into memory once.
func (c *Catalog) ensureLoaded(ctx context.Context) (string, error) {
	tgt, _, err := c.mgr.Current()
	if err != nil {
		return "", err
	}
	scope := tgt.CacheScope()
	c.mu.Lock()
	loaded := c.scope == scope
	c.mu.Unlock()
	if loaded || c.st == nil {
		c.mu.Lock()
		c.scope = scope
		c.mu.Unlock()
		return scope, nil
	}
	list, err := catalog.Cached(ctx, c.st, nil, catalog.WithScope(scope))
	if err != nil {
		return scope, err
	}
	var at time.Time
	_, _ = c.st.Get(ctx, store.BucketCatalogEntities, metaKey(scope), &at)
	tags := map[string]cachedTags{}
	err = c.st.List(ctx, store.BucketCatalogTags, scope+"/", func(key string, raw []byte) error {
		var t cachedTags
		if jerr := json.Unmarshal(raw, &t); jerr == nil {
			tags[strings.TrimPrefix(key, scope+"/")] = t
		}
		return nil
	})
	if err != nil {
		c.log.Warn("could not read the cached tags", "err", err)
	}
	c.mu.Lock()
	if c.scope != scope {
		c.scope, c.entities, c.refreshedAt, c.tags = scope, list, at, tags
		c.version++
	}
	c.mu.Unlock()
	return scope, nil
}

func (c *Catalog) entitiesViewLocked(withList bool) EntitiesView {
	v := EntitiesView{Count: len(c.entities), Version: c.version, Refreshing: c.refreshing, Stale: !c.refreshed}
	if withList {
		v.Entities = c.entities
		if v.Entities == nil {
			v.Entities = []catalog.EntitySummary{}
		}
	}
	if !c.refreshedAt.IsZero() {
		v.RefreshedAt = c.refreshedAt.UTC().Format(time.RFC3339)
	}
	if c.entErr != nil {
		v.Error = explain(c.entErr, c.where.options()...)
	}
	return v
}

func (c *Catalog) emitEntities() {
	c.mu.Lock()
	v := c.entitiesViewLocked(false)
	c.mu.Unlock()
	c.p.Emit(EventCatalogEntities, v)
}

// Entities returns the entity list as last known, from memory or the
// cache, without calling AWS; offline it is the last known list.
func (c *Catalog) Entities() (EntitiesView, error) {
	if _, err := c.ensureLoaded(c.life.context()); err != nil {
		return EntitiesView{Entities: []catalog.EntitySummary{}}, fmt.Errorf("reading the cached entities: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entitiesViewLocked(true), nil
}

// RefreshEntities reads what changed since the last pass from ListEntities
// (every type, paged, under its 10 req/s quota). full re-reads everything
// and drops entities AWS no longer lists; the first refresh of a sandbox is
// always full, as the sandbox starts afresh with each run.
func (c *Catalog) RefreshEntities(full bool) (EntitiesView, error) {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	ctx, cancel := context.WithTimeout(c.life.context(), 10*time.Minute)
	defer cancel()
	scope, err := c.ensureLoaded(ctx)
	if err != nil {
		return c.Entities()
	}
	tgt, api, err := c.client()
	if err != nil {
		return c.failEntities(err)
	}
	if c.st == nil {
		return c.failEntities(errors.New("the local cache is not open (another SellerDesk holds it), so the entity list cannot be kept; close the other window"))
	}
	c.mu.Lock()
	c.refreshing, c.entErr = true, nil
	if !c.refreshed && tgt.StartsEmpty() {
		full = true
	}
	c.mu.Unlock()
	c.emitEntities()
	opts := []catalog.Option{catalog.WithScope(scope)}
	if full {
		opts = append(opts, catalog.WithFullRefresh())
	}
	list, err := catalog.List(ctx, api, nil, c.st, opts...)
	c.mu.Lock()
	c.refreshing = false
	if c.scope == scope {
		if err != nil {
			c.entErr = err
		} else {
			c.entities, c.refreshed, c.refreshedAt = list, true, time.Now()
			c.version++
		}
	}
	c.mu.Unlock()
	if err == nil {
		_ = c.st.Put(ctx, store.BucketCatalogEntities, metaKey(scope), time.Now().UTC())
	} else {
		c.log.Warn("entity refresh failed", "err", err)
	}
	c.emitEntities()
	v, _ := c.Entities()
	if err != nil {
		return v, fmt.Errorf("refreshing the entity list: %w", err)
	}
	return v, nil
}

func (c *Catalog) failEntities(err error) (EntitiesView, error) {
	c.mu.Lock()
	c.entErr = err
	c.mu.Unlock()
	c.emitEntities()
	v, _ := c.Entities()
	return v, err
}

// AllTags returns every cached tag set of the current target, by ARN.
func (c *Catalog) AllTags() (map[string][]catalog.Tag, error) {
	if _, err := c.ensureLoaded(c.life.context()); err != nil {
		return map[string][]catalog.Tag{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string][]catalog.Tag, len(c.tags))
	for arn, t := range c.tags {
		out[arn] = nonNilTags(t.Tags)
	}
	return out, nil
}

func nonNilTags(ts []catalog.Tag) []catalog.Tag {
	if ts == nil {
		return []catalog.Tag{}
	}
	return ts
}

// CheckARN validates a Catalog resource ARN (entity or change set) at the edge.
func CheckARN(arn string) error { return policy.CheckResourceARN(arn) }

// Tags reads the tags of one entity or change set from AWS.
func (c *Catalog) Tags(arn string) (TagsUpdate, error) {
	if err := CheckARN(arn); err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	scope, err := c.ensureLoaded(c.life.context())
	if err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	_, api, err := c.client()
	if err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	ctx, cancel := context.WithTimeout(c.life.context(), time.Minute)
	defer cancel()
	tags, err := api.ListTags(ctx, arn) // its error names the ARN
	if err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	return c.rememberTags(ctx, scope, arn, tags), nil
}

func (c *Catalog) rememberTags(ctx context.Context, scope, arn string, tags []catalog.Tag) TagsUpdate {
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	ct := cachedTags{Tags: nonNilTags(tags), At: time.Now().UTC()}
	c.mu.Lock()
	if c.scope == scope {
		c.tags[arn] = ct
		c.tagsFresh[arn] = true
	}
	c.mu.Unlock()
	if c.st != nil {
		if err := c.st.Put(ctx, store.BucketCatalogTags, tagsKey(scope, arn), ct); err != nil {
			c.log.Warn("could not cache tags", "err", err)
		}
	}
	u := TagsUpdate{ARN: arn, Tags: ct.Tags, At: ct.At.Format(time.RFC3339)}
	c.p.Emit(EventCatalogTags, u)
	return u
}

// LoadTags reads, in the background and under the 5 req/s quota, the tags
// of the given resources not yet read in this run (the rows on screen).
// The newest request goes first; results arrive as catalog:tags events.
func (c *Catalog) LoadTags(arns []string) {
	scope, err := c.ensureLoaded(c.life.context())
	if err != nil {
		return
	}
	c.mu.Lock()
	var fresh []string
	for _, a := range arns {
		if !c.tagsFresh[a] && !c.tagQueued[a] && CheckARN(a) == nil {
			fresh = append(fresh, a)
			c.tagQueued[a] = true
		}
	}
	// What is on screen now matters more than what was scrolled past.
	c.tagQueue = append(fresh, c.tagQueue...)
	if len(c.tagQueue) > 200 {
		for _, a := range c.tagQueue[200:] {
			delete(c.tagQueued, a)
		}
		c.tagQueue = c.tagQueue[:200]
	}
	start := !c.tagWorker && len(c.tagQueue) > 0
	if start {
		c.tagWorker = true
	}
	c.mu.Unlock()
	if start {
		c.life.goWork(func() { c.tagLoader(scope) })
	}
}

func (c *Catalog) tagLoader(scope string) {
	defer func() {
		c.mu.Lock()
		c.tagWorker = false
		c.mu.Unlock()
	}()
	_, api, err := c.client()
	if err != nil {
		return
	}
	for {
		c.mu.Lock()
		// The rows on screen first, then the backlog of ReadAllTags
		// (skipping what was read meanwhile).
		for len(c.tagQueue) == 0 && len(c.tagBacklog) > 0 {
			if _, known := c.tags[c.tagBacklog[0]]; !known {
				c.tagQueue = append(c.tagQueue, c.tagBacklog[0])
				c.tagQueued[c.tagBacklog[0]] = true
			}
			c.tagBacklog = c.tagBacklog[1:]
		}
		if c.scope != scope || len(c.tagQueue) == 0 {
			c.mu.Unlock()
			return
		}
		arn := c.tagQueue[0]
		c.tagQueue = c.tagQueue[1:]
		delete(c.tagQueued, arn)
		c.mu.Unlock()
		ctx, cancel := context.WithTimeout(c.life.context(), time.Minute)
		tags, err := api.ListTags(ctx, arn)
		if err == nil {
			c.rememberTags(ctx, scope, arn, tags)
		} else {
			c.log.Warn("could not read tags", "arn", arn, "err", err)
		}
		cancel()
	}
}

// TagReadView is what ReadAllTags queued, and how long it takes.
type TagReadView struct {
	Queued  int     `json:"queued"`
	Seconds float64 `json:"seconds"`
	Text    string  `json:"text"` // "about 16 min (4,705 tag lists to read at 5/s)"
}

// ReadAllTags reads, in the background after the rows on screen, the tags
// of every entity not read yet, so that a tag search covers them all; they
// arrive as catalog:tags events at the ListTagsForResource quota.
func (c *Catalog) ReadAllTags() (TagReadView, error) {
	scope, err := c.ensureLoaded(c.life.context())
	if err != nil {
		return TagReadView{}, err
	}
	c.mu.Lock()
	var todo []string
	for _, e := range c.entities {
		if _, known := c.tags[e.ARN]; !known && !c.tagQueued[e.ARN] && CheckARN(e.ARN) == nil {
			todo = append(todo, e.ARN)
		}
	}
	c.tagBacklog = todo
	start := !c.tagWorker && len(todo) > 0
	if start {
		c.tagWorker = true
	}
	c.mu.Unlock()
	if start {
		c.life.goWork(func() { c.tagLoader(scope) })
	}
	e := catalog.EstimateReads(len(todo))
	return TagReadView{Queued: len(todo), Seconds: e.Total().Seconds(), Text: e.String()}, nil
}

// CheckTags checks tags against the guide's rules without calling AWS,
// one problem per broken rule, for the editor to show beside the field.
func (c *Catalog) CheckTags(tags []catalog.Tag) []TagProblem {
	return tagProblems(catalog.ValidateTagSet(tags))
}

func tagProblems(err error) []TagProblem {
	out := []TagProblem{}
	var tes catalog.TagErrors
	var te catalog.TagError
	switch {
	case err == nil:
	case errors.As(err, &tes):
		for _, e := range tes {
			out = append(out, TagProblem{Index: e.Index, Key: e.Key, Message: e.Error()})
		}
	case errors.As(err, &te):
		out = append(out, TagProblem{Index: te.Index, Key: te.Key, Message: te.Error()})
	default:
		out = append(out, TagProblem{Index: -1, Message: err.Error()})
	}
	return out
}

// SaveTags makes the resource's tags exactly want: TagResource for what is
// new or changed (first, so a failure part-way loses nothing), then
// UntagResource for keys no longer wanted. The rules are checked first.
func (c *Catalog) SaveTags(arn string, want []catalog.Tag) (TagsUpdate, error) {
	if err := CheckARN(arn); err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	if err := catalog.ValidateTagSet(want); err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	scope, err := c.ensureLoaded(c.life.context())
	if err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	_, api, err := c.client()
	if err != nil {
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	ctx, cancel := context.WithTimeout(c.life.context(), 2*time.Minute)
	defer cancel()
	got, err := api.SetTags(ctx, arn, want)
	if err != nil {
		// Show what is there now, whatever happened.
		if now, lerr := api.ListTags(ctx, arn); lerr == nil {
			c.rememberTags(ctx, scope, arn, now)
		}
		return TagsUpdate{ARN: arn, Tags: []catalog.Tag{}}, err
	}
	return c.rememberTags(ctx, scope, arn, got), nil
}
