package sandbox

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// Resuming operations restored from a state document. A stack's progress is
// in the document as data: its status, each resource's status and the
// events with their timestamps (when each resource started). resumeOperations
// continues each operation from there: a resource whose simulated duration
// has passed since it started completes at once, in dependency order,
// emitting the events a straight run gives; the others wait out what is
// left of theirs.

// resumeOperations restarts the background work of a restored account: stack
// creates, rollbacks and deletes, and Catalog change sets under way. The
// caller must not hold a.mu.
func (a *Account) resumeOperations() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, st := range a.stacks {
		for _, cs := range st.changeSets {
			a.resumeChangeSetCreation(cs)
		}
		if st.deleted || !inProgress(st.status) || st.status == "REVIEW_IN_PROGRESS" {
			st.op = nil
			continue
		}
		token := ""
		deleteRequested := false
		if st.op != nil {
			token, deleteRequested = st.op.token, st.op.deleteRequested
		}
		switch st.status {
		case "CREATE_IN_PROGRESS":
			a.startOp(st, "CREATE", token, func(ctx context.Context) { a.resumeCreate(ctx, st) })
		case "ROLLBACK_IN_PROGRESS":
			onFailure := st.onFailure
			a.startOp(st, "CREATE", token, func(ctx context.Context) { a.continueRollback(ctx, st, onFailure) })
		case "DELETE_IN_PROGRESS":
			a.startOp(st, "DELETE", token, func(ctx context.Context) { a.runDelete(ctx, st) })
		default:
			// UPDATE_IN_PROGRESS and the update rollbacks need the update's
			// plan, which the document does not carry: such a stack stays
			// where it was.
			a.logf("sandbox: stack %s restored in %s, which the sandbox cannot resume", st.name, st.status)
			continue
		}
		st.op.deleteRequested = deleteRequested
	}
	now := time.Now()
	for _, cs := range a.changeSets {
		if cs.open() {
			elapsed := a.simulatedSince(cs.Start, now)
			a.goBackground(func(ctx context.Context) { a.continueChangeSet(ctx, cs, elapsed) })
		}
	}
}

// simulatedSince is how many simulated seconds have passed from t to now.
func (a *Account) simulatedSince(t, now time.Time) float64 {
	scale, _ := a.env.pace.get()
	if t.IsZero() || math.IsInf(scale, 1) {
		return math.Inf(1)
	}
	return now.Sub(t).Seconds() * scale
}

// pauseSince waits until seconds simulated seconds have passed since t.
func (a *Account) pauseSince(ctx context.Context, t time.Time, seconds float64) error {
	return a.pause(ctx, seconds-a.simulatedSince(t, time.Now()))
}

// lastEvent returns the latest event of logical resource id with status (and,
// unless reason is "", that reason), or nil.
func lastEvent(st *cfnStack, id, status, reason string) *cfnEvent {
	for i := len(st.events) - 1; i >= 0; i-- {
		e := st.events[i]
		if e.logicalID == id && e.status == status && (reason == "" || e.reason == reason) {
			return e
		}
	}
	return nil
}

// resumeCreate continues a create restored in CREATE_IN_PROGRESS.
func (a *Account) resumeCreate(ctx context.Context, st *cfnStack) {
	a.mu.Lock()
	if e := lastEvent(st, st.name, "CREATE_IN_PROGRESS", ""); e != nil && len(st.resOrder) == 0 {
		a.mu.Unlock()
		if a.pauseSince(ctx, e.ts, 1) != nil && !a.deleteRequested(st) {
			return
		}
		a.mu.Lock()
	}
	ev := a.evaluator(st, st.tmpl, st.params)
	ev.conditions = st.conditions
	var tasks []*cfnTask
	var failedBefore []string
	var running []*cfnResource
	for _, d := range st.tmpl.resources {
		if d.condition != "" && !st.conditions[d.condition] {
			continue
		}
		r := st.resources[d.id]
		if r == nil {
			r = &cfnResource{id: d.id, typ: d.typ, decl: d, status: "NOT_STARTED"}
			st.resources[d.id] = r
		}
		r.decl = d
		switch r.status {
		case "NOT_STARTED":
			tasks = append(tasks, a.createTask(st, ev, r, st.tmpl.deps(d), "CREATE"))
		case "CREATE_IN_PROGRESS":
			tasks = append(tasks, a.resumeCreateTask(st, r, st.tmpl.deps(d)))
			running = append(running, r)
		case "CREATE_COMPLETE":
			// done: a dependency outside the task set counts as met
		default:
			failedBefore = append(failedBefore, d.id)
		}
	}
	if len(failedBefore) > 0 {
		// A resource had failed: the others under way were being cancelled.
		for _, r := range running {
			a.setResourceStatus(st, r, "CREATE_FAILED", "Resource creation cancelled", false)
		}
		a.mu.Unlock()
		a.finishCreate(ctx, st, ev, failedBefore)
		return
	}
	a.mu.Unlock()
	a.finishCreate(ctx, st, ev, a.runTasks(ctx, tasks, true))
}

// resumeCreateTask finishes creating a resource restored in
// CREATE_IN_PROGRESS: what createTask's run does after the resource started.
func (a *Account) resumeCreateTask(st *cfnStack, r *cfnResource, deps []string) *cfnTask {
	x := &cfnResCtx{a: a, st: st, r: r}
	return &cfnTask{
		id:   r.id,
		deps: deps,
		run: func(ctx context.Context) error {
			h := handlerFor(r.typ)
			a.mu.Lock()
			started := time.Now()
			if e := lastEvent(st, r.id, "CREATE_IN_PROGRESS", ""); e != nil {
				started = e.ts
			}
			var err error
			switch {
			case h == nil:
				err = fmt.Errorf("The SellerDesk sandbox does not implement %s (it implements %s)", r.typ, strings.Join(supportedTypes(), ", "))
			case !r.live():
				// The document was written before the resource was made (or
				// its failure recorded): make it now.
				r.physicalID, r.attrs, err = h.create(x, cfnProps(r.props))
				if err != nil {
					r.physicalID = ""
				}
			}
			initiated := h != nil && h.initiated && lastEvent(st, r.id, "CREATE_IN_PROGRESS", "Resource creation Initiated") != nil
			a.mu.Unlock()
			if err != nil {
				if a.pauseSince(ctx, started, 2) != nil && a.shuttingDown() {
					return err
				}
				a.mu.Lock()
				a.setResourceStatus(st, r, "CREATE_FAILED", err.Error(), false)
				a.mu.Unlock()
				return err
			}
			if h.initiated && !initiated {
				if err := a.pauseSince(ctx, started, 1); err != nil {
					return a.cancelled(st, r, "CREATE")
				}
				a.mu.Lock()
				a.setResourceStatus(st, r, "CREATE_IN_PROGRESS", "Resource creation Initiated", true)
				a.mu.Unlock()
			}
			if err := a.pauseSince(ctx, started, h.createSecs); err != nil {
				return a.cancelled(st, r, "CREATE")
			}
			a.completeCreate(st, r)
			return nil
		},
	}
}
