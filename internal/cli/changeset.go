package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
)

// changeSetStart holds the flags of `changeset start`.
type changeSetStart struct {
	changeType, entityType, entityID, details, name string
	csTags, entTags                                 listFlag
	watch                                           bool
}

// changeSetClient connects, and returns how often the sandbox or AWS is
// polled for a change set (the sandbox paces change sets by its time
// scale; AWS's is 1).
func (e *env) changeSetClient(ctx context.Context) (*catalog.Client, time.Duration, func(), error) {
	c, m, done, err := e.catalogClient(ctx)
	if err != nil {
		return nil, 0, nil, err
	}
	return c, max(time.Duration(float64(5*time.Second)/m.TimeScale()), 100*time.Millisecond), done, nil
}

func runChangeSetStart(ctx context.Context, e *env, o changeSetStart) error {
	var ct, et []catalog.Tag
	var err error
	if len(o.csTags) > 0 {
		if ct, err = catalog.ParseTagArgs(o.csTags); err != nil {
			return err
		}
	}
	if len(o.entTags) > 0 {
		if et, err = catalog.ParseTagArgs(o.entTags); err != nil {
			return err
		}
	}
	req := catalog.StartRequest{Name: o.name, ChangeSetTags: ct, Changes: []catalog.ChangeRequest{{ChangeType: o.changeType, EntityType: o.entityType, EntityID: o.entityID, Details: o.details, EntityTags: et}}}
	if err := req.Validate(); err != nil {
		return err // nothing was sent
	}
	c, every, done, err := e.changeSetClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	id, arn, err := c.Start(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Started change set %s (%s)\n", id, arn)
	if !o.watch {
		return nil
	}
	return e.watchChangeSet(ctx, c, id, every)
}

func runChangeSetWatch(ctx context.Context, e *env, id string) error {
	c, every, done, err := e.changeSetClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	return e.watchChangeSet(ctx, c, id, every)
}

func runChangeSetCancel(ctx context.Context, e *env, id string) error {
	c, _, done, err := e.changeSetClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	if err := c.CancelChangeSet(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Cancelled change set %s.\n", id)
	return nil
}

func runChangeSetList(ctx context.Context, e *env, status string) error {
	c, _, done, err := e.changeSetClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	list, err := c.ListChangeSets(ctx, catalog.ChangeSetFilter{Status: status})
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
