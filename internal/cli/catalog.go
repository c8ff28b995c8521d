package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

// catalogClient returns the Catalog client for the target the globals name
// (catalog.NewClient: the SDK's retries with each attempt paced under its
// operation's quota), and the function that closes the connection.
func (e *env) catalogClient(ctx context.Context, opts ...catalog.ClientOption) (*catalog.Client, *session.Manager, func(), error) {
	m, err := e.connect(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	t, cfg, err := m.Current()
	if err != nil {
		m.Close()
		return nil, nil, nil, err
	}
	e.catalogScope = t.CacheScope()
	return catalog.NewClient(cfg, opts...), m, func() { m.Close() }, nil
}

// oneCallAttempts bounds the attempts of a command that makes one Catalog
// call (tags list, add, remove). catalog.DefaultMaxAttempts suits a process
// whose limiter has learnt the account's rate over many calls; several
// such commands run at once (a script's loop in the background, eight
// terminals) each start at the full quota, and against a throttled account
// five attempts can all land on an empty bucket. The call's deadline (30 s,
// retries included) still bounds the wait.
const oneCallAttempts = 12

// openStore opens the cache for commands that journal their work. A cache
// that was damaged and moved aside is said once, on stderr, as the window
// says it.
func (e *env) openStore(ctx context.Context) (*store.Store, error) {
	dir, err := store.DefaultDir()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dir)
	if errors.Is(err, store.ErrAlreadyRunning) {
		return nil, fmt.Errorf("%w: close the SellerDesk window (it holds the job journal), or run this from the window", err)
	}
	if err != nil {
		return nil, err
	}
	if r := st.Recovered(); r != nil {
		fmt.Fprintf(e.Stderr, "sellerdesk: the local cache was damaged (%s) and has been reset; the damaged file was kept as %s for support.\n", r.Reason, r.MovedTo)
	}
	return st, nil
}

func runEntities(ctx context.Context, e *env, typ string) error {
	var types []string
	if typ != "" {
		types = []string{typ}
	}
	c, _, done, err := e.catalogClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := catalog.List(ctx, c, types, st, catalog.WithScope(e.catalogScope))
	if err != nil {
		return err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].LastModified > list[j].LastModified })
	if e.g.JSON {
		if list == nil {
			list = []catalog.EntitySummary{}
		}
		return e.printJSON(list)
	}
	tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tNAME\tVISIBILITY\tLAST MODIFIED\tARN")
	for _, en := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", en.Type, en.Name, en.Visibility, en.LastModified, en.ARN)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "%d entities\n", len(list))
	return nil
}

func runTagsList(ctx context.Context, e *env, arn string) error {
	c, _, done, err := e.catalogClient(ctx, catalog.WithMaxAttempts(oneCallAttempts))
	if err != nil {
		return err
	}
	defer done()
	tags, err := c.ListTags(ctx, arn)
	if err != nil {
		return err
	}
	if e.g.JSON {
		// The API's names, as `aws marketplace-catalog list-tags-for-resource` prints them.
		out := make([]struct{ Key, Value string }, len(tags))
		for i, t := range tags {
			out[i].Key, out[i].Value = t.Key, t.Value
		}
		return e.printJSON(out)
	}
	for _, t := range tags {
		fmt.Fprintf(e.Stdout, "%s=%s\n", t.Key, t.Value)
	}
	return nil
}

func runTagsAdd(ctx context.Context, e *env, arn string, args []string) error {
	tags, err := catalog.ParseTagArgs(args)
	if err != nil {
		return err
	}
	if err := catalog.ValidateTags(tags); err != nil {
		return err // names the offending key; nothing was sent
	}
	c, _, done, err := e.catalogClient(ctx, catalog.WithMaxAttempts(oneCallAttempts))
	if err != nil {
		return err
	}
	defer done()
	if err := c.AddTags(ctx, arn, tags); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Tagged %s with %d tag(s).\n", arn, len(tags))
	return nil
}

func runTagsRemove(ctx context.Context, e *env, arn string, keys []string) error {
	if err := catalog.ValidateTagKeys(keys); err != nil {
		return err
	}
	c, _, done, err := e.catalogClient(ctx, catalog.WithMaxAttempts(oneCallAttempts))
	if err != nil {
		return err
	}
	defer done()
	if err := c.RemoveTags(ctx, arn, keys); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Removed %d tag key(s) from %s.\n", len(keys), arn)
	return nil
}

func runTagsBulk(ctx context.Context, e *env, file, resume string, yes bool) error {
	if resume == "" && file == "" {
		return usagef("tags bulk needs --file F (or --resume ID)")
	}
	c, _, done, err := e.catalogClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	return e.runBulk(ctx, c, file, resume, yes)
}

func (e *env) runBulk(ctx context.Context, c *catalog.Client, file, resumeID string, yes bool) error {
	if resumeID == "" && file == "" {
		return usagef("tags bulk needs --file F (or --resume ID)")
	}
	var job catalog.Job
	if resumeID == "" {
		// Read and check the file before opening the journal.
		raw, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("reading the bulk job: %w", err)
		}
		var dups catalog.Duplicates
		job, dups, err = catalog.ParseJobFile(raw)
		if err != nil {
			return fmt.Errorf("%s is not a bulk job: %w", file, err)
		}
		if dups.Count() > 0 {
			fmt.Fprintf(e.Stderr, "%s: %s; each is tagged once.\n", file, dups)
		}
		if len(job.ARNs) > catalog.MaxJobARNs {
			return &catalog.JobTooLargeError{N: len(job.ARNs), Max: catalog.MaxJobARNs}
		}
	}
	st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	progress := func(p catalog.Progress) {
		fmt.Fprintf(e.Stderr, "\r%d of %d done, %d failed, %.1f req/s, %d throttled, ETA %s   ", p.Done, p.Total, p.Failed, p.Rate, p.Throttled, p.ETA.Round(1e9))
	}
	var res catalog.Result
	if resumeID != "" {
		res, err = catalog.Resume(ctx, c, st, resumeID, progress)
		if err != nil {
			fmt.Fprintln(e.Stderr)
			var moved *catalog.NotInCacheError
			if errors.As(err, &moved) || errors.Is(err, catalog.ErrJobNotFound) {
				return err // resuming again cannot help
			}
			return fmt.Errorf("%w (resume again with: sellerdesk tags bulk --resume %s)", err, resumeID)
		}
		return e.bulkResult(res)
	}
	if yes {
		// --yes asks for no confirmation, so the diff would only be
		// informational: skip reading every tag set first (that would
		// double the time at the 5 req/s quota). TagResource and
		// UntagResource are idempotent, so resources already as asked
		// are simply written again. Run without --yes to see the diff.
		fmt.Fprintf(e.Stdout, "Applying to %d resource(s) without a preview (--yes): %s.\n", len(job.ARNs), catalog.EstimateJob(job.Kind, len(job.ARNs), len(job.ARNs)))
		res, err = catalog.Run(ctx, c, st, job, progress)
		if err != nil {
			fmt.Fprintln(e.Stderr)
			if res.JobID == "" {
				return err
			}
			return fmt.Errorf("%w (resume with: sellerdesk tags bulk --resume %s)", err, res.JobID)
		}
		return e.bulkResult(res)
	}
	// The same estimate the window shows before a job (internal/catalog).
	fmt.Fprintf(e.Stdout, "Reading the tags of %d resource(s) for the preview: %s.\n", len(job.ARNs), catalog.EstimateReads(len(job.ARNs)))
	preview, err := catalog.Plan(ctx, c, job)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Preview: %d resource(s) change, %d already as asked.\n", len(preview.Changes), len(preview.Unchanged))
	for _, d := range preview.Changes {
		fmt.Fprintf(e.Stdout, "  %s  +%d ~%d -%d\n", d.ARN, len(d.Added), len(d.Changed), len(d.Removed))
	}
	for _, f := range preview.Errors {
		fmt.Fprintf(e.Stdout, "  could not read %s: %s %s\n", f.ARN, f.Code, f.Message)
	}
	fmt.Fprintf(e.Stdout, "Nothing applied: re-run with --yes to apply, %s.\n", catalog.EstimateJob(job.Kind, len(preview.Changes), len(preview.Changes)))
	if len(preview.Errors) > 0 {
		return fmt.Errorf("the tags of %d resource(s) could not be read", len(preview.Errors))
	}
	return nil
}

// bulkResult prints a finished job's outcome; it fails when any resource failed.
func (e *env) bulkResult(res catalog.Result) error {
	fmt.Fprintln(e.Stderr)
	if res.Rechecked > 0 {
		fmt.Fprintf(e.Stdout, "Re-checked %d resource(s) done near an earlier error; %d were no longer as asked and were applied again.\n", res.Rechecked, res.Reapplied)
	}
	fmt.Fprintf(e.Stdout, "Job %s: %d succeeded, %d failed.\n", res.JobID, res.Done, len(res.Failed))
	for _, f := range res.Failed {
		fmt.Fprintf(e.Stdout, "  failed %s: %s %s\n", f.ARN, f.Code, f.Message)
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%d resource(s) failed", len(res.Failed))
	}
	return nil
}
