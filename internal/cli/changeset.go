package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
)

func runChangeSet(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("changeset needs start, watch, cancel or list")
	}
	sub := args[0]
	fs := newFlagSet("changeset "+sub, &e.g)
	changeType := fs.String("type", "", "ChangeType, e.g. UpdateInformation or CreateExperience (start)")
	entityType := fs.String("entity-type", "", "entity type with version, e.g. SaaSProduct@1.0 (start)")
	entityID := fs.String("entity-id", "", "entity ID; omit when the change creates the entity (start)")
	details := fs.String("details", "{}", "Details JSON (start)")
	name := fs.String("name", "", "change set name (start)")
	var csTags, entTags listFlag
	fs.Var(&csTags, "changeset-tag", "KEY=VALUE tag on the change set (repeatable; start)")
	fs.Var(&entTags, "entity-tag", "KEY=VALUE tag on the entity (repeatable; start)")
	watch := fs.Bool("watch", false, "follow the change set until it ends (start)")
	status := fs.String("status", "", "filter: PREPARING, APPLYING, SUCCEEDED, CANCELLED or FAILED (list)")
	if err := parseCommand(fs, args[1:]); err != nil {
		return err
	}
	switch sub {
	case "start", "list":
	case "watch", "cancel":
		if fs.NArg() != 1 {
			return usagef("changeset %s takes one change set ID", sub)
		}
	default:
		return usagef("unknown changeset subcommand %q (want start, watch, cancel or list)", sub)
	}
	var req catalog.StartRequest
	if sub == "start" {
		var ct, et []catalog.Tag
		var err error
		if len(csTags) > 0 {
			if ct, err = catalog.ParseTagArgs(csTags); err != nil {
				return err
			}
		}
		if len(entTags) > 0 {
			if et, err = catalog.ParseTagArgs(entTags); err != nil {
				return err
			}
		}
		req = catalog.StartRequest{Name: *name, ChangeSetTags: ct, Changes: []catalog.ChangeRequest{{ChangeType: *changeType, EntityType: *entityType, EntityID: *entityID, Details: *details, EntityTags: et}}}
		if err := req.Validate(); err != nil {
			return err // nothing was sent
		}
	}
	c, m, done, err := e.catalogClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	// The sandbox paces change sets by its time scale; AWS's is 1.
	every := max(time.Duration(float64(5*time.Second)/m.TimeScale()), 100*time.Millisecond)
	switch sub {
	case "start":
		id, arn, err := c.Start(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Started change set %s (%s)\n", id, arn)
		if !*watch {
			return nil
		}
		return e.watchChangeSet(ctx, c, id, every)
	case "watch":
		return e.watchChangeSet(ctx, c, fs.Arg(0), every)
	case "cancel":
		if err := c.CancelChangeSet(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Cancelled change set %s.\n", fs.Arg(0))
		return nil
	}
	list, err := c.ListChangeSets(ctx, catalog.ChangeSetFilter{Status: *status})
	if err != nil {
		return err
	}
	if e.g.JSON {
		return e.printJSON(list)
	}
	for _, s := range list {
		fmt.Fprintf(e.Stdout, "%s  %-10s %s  %s\n", s.StartTime, s.Status, s.ID, s.Name)
	}
	return nil
}

func (e *env) watchChangeSet(ctx context.Context, c *catalog.Client, id string, every time.Duration) error {
	st, err := c.Watch(ctx, id, every, func(s catalog.ChangeSet) {
		fmt.Fprintf(e.Stdout, "%s  %s\n", time.Now().Format("15:04:05"), s.Status)
	})
	if err != nil {
		return err
	}
	if st.Status != "SUCCEEDED" {
		msg := fmt.Sprintf("change set %s ended %s", id, st.Status)
		if st.FailureCode != "" {
			msg += " (" + st.FailureCode + ": " + st.FailureDescription + ")"
		}
		for _, er := range st.ErrorLines() {
			msg += "\n  " + er
		}
		return fmt.Errorf("%s", msg)
	}
	return nil
}
