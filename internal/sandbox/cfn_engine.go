package sandbox

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// The CloudFormation engine: stacks, their resources and events, and the
// background operations (create, update, delete, rollback) that move them
// through AWS's states with AWS's event sequences. Every field below is
// guarded by Account.mu; operations run in goroutines tied to the account's
// lifetime (Account.goBackground) and take the lock for each step, releasing
// it while they wait out a resource's simulated duration.

const stackResourceType = "AWS::CloudFormation::Stack"

type cfnStack struct {
	id, name       string
	status, reason string
	created        time.Time
	updated        time.Time
	deletedAt      time.Time
	deleted        bool // DELETE_COMPLETE: only reachable by stack ID

	tmpl       *cfnTemplate
	params     map[string]string // resolved values, every template parameter
	paramIn    []cfnParamInput   // as submitted
	conditions map[string]bool

	capabilities     []string
	notificationARNs []string
	tags             []Tag
	roleARN          string
	disableRollback  bool
	onFailure        string // ROLLBACK, DO_NOTHING or DELETE
	timeout          int
	termProtection   bool

	outputs     []cfnOutputValue
	resources   map[string]*cfnResource
	resOrder    []string // logical IDs in the order they were first created
	events      []*cfnEvent
	changeSets  []*cfnChangeSet
	changeSetID string // the change set last executed

	op *cfnOp // the operation under way, nil when idle

	// Drift detection (cfn_drift.go): recent detections, oldest first, and
	// the result of the last whole-stack one.
	drifts       []*cfnDriftDetection
	driftStatus  string // "" (never checked), DRIFTED or IN_SYNC
	driftChecked time.Time
}

type cfnOutputValue struct{ key, value, description, exportName string }

type cfnResource struct {
	id, typ    string
	physicalID string
	status     string
	reason     string
	updated    time.Time
	props      map[string]any // resolved properties in effect
	attrs      map[string]any // Fn::GetAtt values
	decl       *cfnResourceDecl
	deleted    bool              // physically gone (DELETE_COMPLETE) or never created
	drift      *cfnResourceDrift // the last drift check, nil when never checked

	// During an update: the state before it, for rollback and cleanup.
	prev *cfnResource
}

// live reports whether the resource exists (has been created and not deleted).
func (r *cfnResource) live() bool { return r != nil && r.physicalID != "" && !r.deleted }

type cfnEvent struct {
	id, logicalID, physicalID, typ, status, reason, token, props string
	ts                                                           time.Time
}

// cfnOp is a stack operation under way.
type cfnOp struct {
	kind            string // CREATE, UPDATE, DELETE
	token           string // ClientRequestToken
	cancel          context.CancelFunc
	deleteRequested bool // DeleteStack arrived during a create
}

func (st *cfnStack) info() StackInfo {
	si := StackInfo{ID: st.id, Name: st.name, Status: st.status, StatusReason: st.reason, Description: st.tmpl.description,
		Created: st.created, LastUpdated: st.updated, Deleted: st.deletedAt, Parameters: maps.Clone(st.params),
		Outputs: map[string]string{}, Capabilities: slices.Clone(st.capabilities), TemplateBody: st.tmpl.text}
	for _, o := range st.outputs {
		si.Outputs[o.key] = o.value
	}
	for _, id := range st.resOrder {
		r := st.resources[id]
		si.Resources = append(si.Resources, StackResourceInfo{LogicalID: r.id, PhysicalID: r.physicalID, Type: r.typ, Status: r.status, StatusReason: r.reason})
	}
	for _, e := range st.events {
		si.Events = append(si.Events, StackEventInfo{Timestamp: e.ts, LogicalID: e.logicalID, PhysicalID: e.physicalID,
			Type: e.typ, Status: e.status, StatusReason: e.reason, ID: e.id})
	}
	return si
}

// inProgress reports whether a stack status is an operation under way.
func inProgress(status string) bool { return strings.HasSuffix(status, "_IN_PROGRESS") }

// findStack returns the live stack named nameOrID, or any stack by ID.
func (a *Account) findStack(nameOrID string) *cfnStack {
	if strings.HasPrefix(nameOrID, "arn:") {
		for _, st := range a.stacks {
			if st.id == nameOrID {
				return st
			}
		}
		return nil
	}
	for _, st := range a.stacks {
		if st.name == nameOrID && !st.deleted {
			return st
		}
	}
	return nil
}

// --- events -------------------------------------------------------------------

func (a *Account) addEvent(st *cfnStack, e *cfnEvent) {
	e.ts = time.Now().UTC()
	if n := len(st.events); n > 0 && e.ts.Before(st.events[n-1].ts) {
		e.ts = st.events[n-1].ts
	}
	if st.op != nil && e.token == "" {
		e.token = st.op.token
	}
	st.events = append(st.events, e)
}

// setStackStatus moves the stack to status and records the stack event.
func (a *Account) setStackStatus(st *cfnStack, status, reason string) {
	st.status, st.reason = status, reason
	a.addEvent(st, &cfnEvent{id: newUUID(), logicalID: st.name, physicalID: st.id, typ: stackResourceType, status: status, reason: reason})
}

// setResourceStatus moves a resource to status and records its event.
func (a *Account) setResourceStatus(st *cfnStack, r *cfnResource, status, reason string, withProps bool) {
	r.status, r.reason, r.updated = status, reason, time.Now().UTC()
	e := &cfnEvent{id: r.id + "-" + newUUID(), logicalID: r.id, physicalID: r.physicalID, typ: r.typ, status: status, reason: reason}
	if withProps && r.props != nil {
		e.props = compactJSON(r.props)
	}
	a.addEvent(st, e)
}

// --- pacing ---------------------------------------------------------------------

// pause waits a simulated duration (seconds on real AWS) scaled by the time
// scale; it returns ctx's error if ctx ends first.
func (a *Account) pause(ctx context.Context, seconds float64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if seconds <= 0 || ctx.Value(instantKey{}) != nil {
		return nil
	}
	// The speed may change during the wait (SetTimeScale): what is left of
	// it then goes at the new pace.
	for {
		scale, changed := a.env.pace.get()
		if math.IsInf(scale, 1) {
			return nil
		}
		start := time.Now()
		t := time.NewTimer(time.Duration(seconds / scale * float64(time.Second)))
		select {
		case <-t.C:
			return nil
		case <-changed:
			t.Stop()
			seconds -= time.Since(start).Seconds() * scale
			if seconds <= 0 {
				return nil
			}
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// instantKey marks a context whose operation runs without pacing.
type instantKey struct{}

// launchStack creates a stack synchronously and without pacing, for scenario
// setups that start with a stack already launched (the caller must not hold
// a.mu). The stack goes through the same engine, events included, as one
// created with CreateStack; it returns the stack as it ended.
func (a *Account) launchStack(name, body string, params map[string]string, capabilities ...string) (StackInfo, error) {
	if err := checkStackName(name); err != nil {
		return StackInfo{}, err
	}
	tmpl, err := parseTemplate(body)
	if err != nil {
		return StackInfo{}, err
	}
	var in []cfnParamInput
	for _, k := range sortedKeys(params) {
		in = append(in, cfnParamInput{key: k, value: params[k]})
	}
	values, err := resolveParams(tmpl, in, nil)
	if err != nil {
		return StackInfo{}, err
	}
	if err := checkCapabilities(tmpl, capabilities); err != nil {
		return StackInfo{}, err
	}
	a.mu.Lock()
	if a.findStack(name) != nil {
		a.mu.Unlock()
		return StackInfo{}, apiError(400, "AlreadyExistsException", "Stack [%s] already exists", name)
	}
	st := a.newStack(name, tmpl, values, in, capabilities, queryParams{})
	ev := a.evaluator(st, tmpl, values)
	if err := ev.evalConditions(); err != nil {
		a.mu.Unlock()
		return StackInfo{}, cfnValidation("%s", err.Error())
	}
	st.conditions = ev.conditions
	a.stacks = append(a.stacks, st)
	ctx, cancel := context.WithCancel(context.WithValue(a.ctx, instantKey{}, true))
	defer cancel()
	st.op = &cfnOp{kind: "CREATE", cancel: cancel}
	a.setStackStatus(st, "CREATE_IN_PROGRESS", "User Initiated")
	a.mu.Unlock()
	a.runCreate(ctx, st)
	a.mu.Lock()
	defer a.mu.Unlock()
	st.op = nil
	return st.info(), nil
}

// shuttingDown reports whether the account is being thrown away.
func (a *Account) shuttingDown() bool { return a.ctx.Err() != nil }

// --- evaluation -----------------------------------------------------------------

func (a *Account) pseudoParams(st *cfnStack) map[string]any {
	arns := make([]any, len(st.notificationARNs))
	for i, n := range st.notificationARNs {
		arns[i] = n
	}
	return map[string]any{"AWS::AccountId": a.ID, "AWS::Region": a.Region, "AWS::StackName": st.name,
		"AWS::StackId": st.id, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NotificationARNs": arns}
}

// evaluator resolves intrinsics for st with template t and parameter values.
func (a *Account) evaluator(st *cfnStack, t *cfnTemplate, params map[string]string) *cfnEval {
	return &cfnEval{
		tmpl:   t,
		params: paramValues(t, params),
		pseudo: a.pseudoParams(st),
		resource: func(id string) (string, map[string]any, bool) {
			r := st.resources[id]
			if !r.live() {
				return "", nil, false
			}
			return r.physicalID, r.attrs, true
		},
		resourceType: func(id string) string {
			if d := t.resource(id); d != nil {
				return d.typ
			}
			return ""
		},
		exports: func(name string) (string, bool) {
			v, ok := a.exports[name]
			return v, ok
		},
	}
}

// evalOutputs resolves the template's outputs against the stack's resources.
func (a *Account) evalOutputs(st *cfnStack, ev *cfnEval) ([]cfnOutputValue, error) {
	var out []cfnOutputValue
	for _, o := range ev.tmpl.outputs {
		if o.condition != "" && !ev.conditions[o.condition] {
			continue
		}
		v, err := ev.eval(o.value)
		if err != nil {
			return nil, err
		}
		ov := cfnOutputValue{key: o.key, value: stringify(v)}
		if o.description != nil {
			d, err := ev.eval(o.description)
			if err != nil {
				return nil, err
			}
			ov.description = stringify(d)
		}
		if o.exportName != nil {
			n, err := ev.eval(o.exportName)
			if err != nil {
				return nil, err
			}
			ov.exportName = stringify(n)
		}
		out = append(out, ov)
	}
	return out, nil
}

// publishExports replaces the stack's exports in the account's export table.
func (a *Account) publishExports(old, new []cfnOutputValue) {
	for _, o := range old {
		if o.exportName != "" {
			delete(a.exports, o.exportName)
		}
	}
	for _, o := range new {
		if o.exportName != "" {
			a.exports[o.exportName] = o.value
		}
	}
}

// --- the task graph -----------------------------------------------------------------

// cfnTask is one resource operation in a dependency graph.
type cfnTask struct {
	id    string
	deps  []string // tasks that must succeed first (others are ignored)
	begin func()   // called with a.mu held, right before run starts: emits the first event
	run   func(context.Context) error
}

// runTasks runs tasks as AWS does: each as soon as its dependencies are done,
// in parallel. With stopOnFailure, the first failure cancels the tasks still
// running (they report themselves cancelled) and starts no new ones. It
// returns the IDs of the tasks that failed or were cancelled, in the order
// they ended. ctx ending (a delete request, or the account shutting down)
// stops it the same way.
func (a *Account) runTasks(ctx context.Context, tasks []*cfnTask, stopOnFailure bool) (failed []string) {
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	inSet := map[string]bool{}
	for _, t := range tasks {
		inSet[t.id] = true
	}
	type result struct {
		id  string
		err error
	}
	results := make(chan result)
	started, succeeded := map[string]bool{}, map[string]bool{}
	running, stopped := 0, false
	for {
		if !stopped && opCtx.Err() == nil {
			for _, t := range tasks {
				if started[t.id] {
					continue
				}
				ready := true
				for _, d := range t.deps {
					if inSet[d] && !succeeded[d] {
						ready = false
						break
					}
				}
				if !ready {
					continue
				}
				started[t.id] = true
				running++
				if t.begin != nil {
					a.mu.Lock()
					t.begin()
					a.mu.Unlock()
				}
				go func(t *cfnTask) { results <- result{t.id, t.run(opCtx)} }(t)
			}
		}
		if running == 0 {
			return failed
		}
		r := <-results
		running--
		if r.err == nil {
			succeeded[r.id] = true
			continue
		}
		failed = append(failed, r.id)
		if stopOnFailure && !stopped {
			stopped = true
			cancel()
		}
	}
}

// reverseDeps returns, for each resource in ids, the resources in ids that
// depend on it under template t: what must be deleted before it.
func reverseDeps(t *cfnTemplate, ids []string) map[string][]string {
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	out := map[string][]string{}
	for _, id := range ids {
		d := t.resource(id)
		if d == nil {
			continue
		}
		for _, dep := range t.deps(d) {
			if in[dep] {
				out[dep] = append(out[dep], id)
			}
		}
	}
	return out
}

// --- operations ---------------------------------------------------------------------

// startOp marks st busy with a new operation and runs f in the background.
func (a *Account) startOp(st *cfnStack, kind, token string, f func(ctx context.Context)) {
	opCtx, cancel := context.WithCancel(a.ctx)
	st.op = &cfnOp{kind: kind, token: token, cancel: cancel}
	op := st.op
	a.goBackground(func(context.Context) {
		defer cancel()
		f(opCtx)
		a.mu.Lock()
		// An operation cut short by shutdown stays recorded, so that the
		// state document carries it and a restored sandbox resumes it.
		if st.op == op && (!a.shuttingDown() || !inProgress(st.status)) {
			st.op = nil
		}
		a.mu.Unlock()
	})
}

// runCreate creates every resource of a stack in CREATE_IN_PROGRESS (the
// stack event was recorded when the request was accepted), then finishes it
// as CREATE_COMPLETE, or fails and rolls back as OnFailure says.
func (a *Account) runCreate(ctx context.Context, st *cfnStack) {
	if a.pause(ctx, 1) != nil && !a.deleteRequested(st) {
		return
	}
	a.mu.Lock()
	ev := a.evaluator(st, st.tmpl, st.params)
	ev.conditions = st.conditions
	var tasks []*cfnTask
	for _, d := range st.tmpl.resources {
		if d.condition != "" && !st.conditions[d.condition] {
			continue
		}
		r := &cfnResource{id: d.id, typ: d.typ, decl: d, status: "NOT_STARTED"}
		st.resources[d.id] = r
		tasks = append(tasks, a.createTask(st, ev, r, st.tmpl.deps(d), "CREATE"))
	}
	a.mu.Unlock()

	a.finishCreate(ctx, st, ev, a.runTasks(ctx, tasks, true))
}

// finishCreate ends a create whose resource tasks have run (failed lists
// those that failed): CREATE_COMPLETE, or the rollback OnFailure says.
func (a *Account) finishCreate(ctx context.Context, st *cfnStack, ev *cfnEval, failed []string) {
	if a.shuttingDown() {
		return
	}
	if a.deleteRequested(st) {
		a.runDelete(a.ctx, st)
		return
	}
	a.mu.Lock()
	if len(failed) == 0 {
		outputs, err := a.evalOutputs(st, ev)
		if err == nil {
			st.outputs = outputs
			a.publishExports(nil, outputs)
			a.mu.Unlock()
			_ = a.pause(ctx, 1)
			a.mu.Lock()
			a.setStackStatus(st, "CREATE_COMPLETE", "")
			a.mu.Unlock()
			return
		}
		a.mu.Unlock() // no resource failed; the outputs did
		a.failCreate(ctx, st, err.Error())
		return
	}
	a.mu.Unlock()
	a.failCreate(ctx, st, fmt.Sprintf("The following resource(s) failed to create: [%s]. ", strings.Join(sortedStrings(failed), ", ")))
}

// failCreate finishes a failed create as st.onFailure says.
func (a *Account) failCreate(ctx context.Context, st *cfnStack, reason string) {
	a.mu.Lock()
	onFailure := st.onFailure
	if onFailure == "DO_NOTHING" {
		a.setStackStatus(st, "CREATE_FAILED", reason)
		a.mu.Unlock()
		return
	}
	if onFailure == "DELETE" {
		a.setStackStatus(st, "ROLLBACK_IN_PROGRESS", reason+"Delete requested by user.")
	} else {
		a.setStackStatus(st, "ROLLBACK_IN_PROGRESS", reason+"Rollback requested by user.")
	}
	a.mu.Unlock()
	a.continueRollback(ctx, st, onFailure)
}

// continueRollback deletes what a failed create made (the stack is in
// ROLLBACK_IN_PROGRESS) and ends the stack as onFailure says.
func (a *Account) continueRollback(ctx context.Context, st *cfnStack, onFailure string) {
	failedDeletes := a.deleteResources(ctx, st, st.tmpl, a.createdResources(st), true)
	if a.shuttingDown() {
		return
	}
	a.mu.Lock()
	if len(failedDeletes) > 0 {
		a.setStackStatus(st, "ROLLBACK_FAILED", fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", strings.Join(sortedStrings(failedDeletes), ", ")))
		a.mu.Unlock()
		return
	}
	a.setStackStatus(st, "ROLLBACK_COMPLETE", "")
	if onFailure != "DELETE" {
		a.mu.Unlock()
		return
	}
	a.setStackStatus(st, "DELETE_IN_PROGRESS", "User Initiated")
	a.mu.Unlock()
	_ = a.pause(ctx, 1)
	a.mu.Lock()
	a.finishDelete(st)
	a.mu.Unlock()
}

// needsDelete reports whether a delete or rollback must still deal with r.
func needsDelete(r *cfnResource) bool {
	switch r.status {
	case "NOT_STARTED", "DELETE_COMPLETE", "DELETE_SKIPPED":
		return false
	}
	return true
}

func (a *Account) deleteRequested(st *cfnStack) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return st.op != nil && st.op.deleteRequested
}

// createdResources lists the stack's resources that were started and not yet
// deleted, in template order.
func (a *Account) createdResources(st *cfnStack) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids []string
	for _, id := range st.resOrder {
		if r := st.resources[id]; r != nil && needsDelete(r) {
			ids = append(ids, id)
		}
	}
	return ids
}

// createTask creates one resource. verb is CREATE, or UPDATE when an update
// adds the resource (it still reports CREATE_* events).
func (a *Account) createTask(st *cfnStack, ev *cfnEval, r *cfnResource, deps []string, verb string) *cfnTask {
	var evalErr error
	x := &cfnResCtx{a: a, st: st, r: r}
	return &cfnTask{
		id:   r.id,
		deps: deps,
		begin: func() {
			if !slices.Contains(st.resOrder, r.id) {
				st.resOrder = append(st.resOrder, r.id)
			}
			st.resources[r.id] = r
			r.props, evalErr = ev.evalProps(r.decl.properties)
			a.setResourceStatus(st, r, "CREATE_IN_PROGRESS", "", true)
		},
		run: func(ctx context.Context) error {
			h := handlerFor(r.typ)
			a.mu.Lock()
			var err error
			switch {
			case evalErr != nil:
				err = evalErr
			case h == nil:
				err = fmt.Errorf("The SellerDesk sandbox does not implement %s (it implements %s)", r.typ, strings.Join(supportedTypes(), ", "))
			default:
				r.physicalID, r.attrs, err = h.create(x, cfnProps(r.props))
				if err != nil {
					r.physicalID = ""
				}
			}
			a.mu.Unlock()
			if err != nil {
				if a.pause(ctx, 2) != nil && a.shuttingDown() {
					return err
				}
				a.mu.Lock()
				a.setResourceStatus(st, r, "CREATE_FAILED", err.Error(), false)
				a.mu.Unlock()
				return err
			}
			remaining := h.createSecs
			if h.initiated {
				if err := a.pause(ctx, 1); err != nil {
					return a.cancelled(st, r, "CREATE")
				}
				remaining--
				a.mu.Lock()
				a.setResourceStatus(st, r, "CREATE_IN_PROGRESS", "Resource creation Initiated", true)
				a.mu.Unlock()
			}
			if err := a.pause(ctx, remaining); err != nil {
				return a.cancelled(st, r, "CREATE")
			}
			a.completeCreate(st, r)
			return nil
		},
	}
}

const customResourceNote = "The SellerDesk sandbox does not invoke custom resource functions: recorded the resource without calling its ServiceToken"

// cancelled records a resource operation cut short by another's failure
// (verb CREATE or UPDATE) and returns errCancelled.
func (a *Account) cancelled(st *cfnStack, r *cfnResource, verb string) error {
	if a.shuttingDown() {
		return errCancelled
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	what := "creation"
	if verb == "UPDATE" {
		what = "update"
	}
	a.setResourceStatus(st, r, verb+"_FAILED", "Resource "+what+" cancelled", false)
	return errCancelled
}

// deleteResources deletes the given resources of st in reverse dependency
// order (under template t). onCreateRollback applies RetainExceptOnCreate as
// Delete. It returns the resources whose deletion failed.
func (a *Account) deleteResources(ctx context.Context, st *cfnStack, t *cfnTemplate, ids []string, onCreateRollback bool) []string {
	a.mu.Lock()
	dependents := reverseDeps(t, ids)
	var tasks []*cfnTask
	for i := len(ids) - 1; i >= 0; i-- {
		r := st.resources[ids[i]]
		if r == nil {
			continue
		}
		tasks = append(tasks, a.deleteTask(st, r, dependents[r.id], onCreateRollback))
	}
	a.mu.Unlock()
	return a.runTasks(ctx, tasks, false)
}

// deleteTask deletes (or retains) one resource.
func (a *Account) deleteTask(st *cfnStack, r *cfnResource, deps []string, onCreateRollback bool) *cfnTask {
	x := &cfnResCtx{a: a, st: st, r: r}
	return &cfnTask{
		id:   r.id,
		deps: deps,
		run: func(ctx context.Context) error {
			a.mu.Lock()
			policy := ""
			if r.decl != nil {
				policy = r.decl.deletionPolicy
			}
			retain := policy == "Retain" || policy == "Snapshot" || (policy == "RetainExceptOnCreate" && !onCreateRollback)
			if !r.live() {
				// Never created (it failed, or was cancelled before it
				// existed): nothing to delete.
				r.deleted = true
				a.setResourceStatus(st, r, "DELETE_COMPLETE", "", false)
				a.mu.Unlock()
				return nil
			}
			if retain {
				r.deleted = true
				a.setResourceStatus(st, r, "DELETE_SKIPPED", "", false)
				a.mu.Unlock()
				return nil
			}
			// A delete restored from a state document mid-way carries on
			// from its DELETE_IN_PROGRESS event rather than starting again.
			started := time.Now()
			if e := lastEvent(st, r.id, "DELETE_IN_PROGRESS", ""); r.status == "DELETE_IN_PROGRESS" && e != nil {
				started = e.ts
			} else {
				a.setResourceStatus(st, r, "DELETE_IN_PROGRESS", "", false)
			}
			h := handlerFor(r.typ)
			a.mu.Unlock()
			secs := 2.0
			if h != nil {
				secs = h.deleteSecs
			}
			if err := a.pauseSince(ctx, started, secs); err != nil {
				return err
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			if h != nil {
				if err := h.delete(x, r.physicalID, cfnProps(r.props)); err != nil {
					a.setResourceStatus(st, r, "DELETE_FAILED", err.Error(), false)
					return err
				}
			}
			r.deleted = true
			a.setResourceStatus(st, r, "DELETE_COMPLETE", "", false)
			return nil
		},
	}
}

// runDelete deletes a stack: its resources in reverse dependency order, then
// the stack itself (DELETE_COMPLETE, reachable only by ID from then on).
func (a *Account) runDelete(ctx context.Context, st *cfnStack) {
	a.mu.Lock()
	if st.status != "DELETE_IN_PROGRESS" {
		a.setStackStatus(st, "DELETE_IN_PROGRESS", "User Initiated")
	}
	a.mu.Unlock()
	if a.pause(ctx, 1) != nil {
		return
	}
	var ids []string
	a.mu.Lock()
	for _, id := range st.resOrder {
		if r := st.resources[id]; r != nil && needsDelete(r) {
			ids = append(ids, id)
		}
	}
	a.mu.Unlock()
	failed := a.deleteResources(ctx, st, st.tmpl, ids, false)
	if a.shuttingDown() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(failed) > 0 {
		a.setStackStatus(st, "DELETE_FAILED", fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", strings.Join(sortedStrings(failed), ", ")))
		return
	}
	a.finishDelete(st)
}

// finishDelete marks st DELETE_COMPLETE (caller holds a.mu).
func (a *Account) finishDelete(st *cfnStack) {
	a.publishExports(st.outputs, nil)
	a.setStackStatus(st, "DELETE_COMPLETE", "")
	st.deleted = true
	st.deletedAt = time.Now().UTC()
	st.changeSets = nil
}

// --- updates ----------------------------------------------------------------------------

// cfnUpdate is an update being applied: the new template and parameters and
// the plan computed from them.
type cfnUpdate struct {
	tmpl       *cfnTemplate
	params     map[string]string
	paramIn    []cfnParamInput
	conditions map[string]bool
	changes    []*cfnChange
	tags       []Tag
	setTags    bool
	caps       []string
	notifARNs  []string
	setNotif   bool
	disableRB  bool
	roleARN    string
}

// runUpdate applies an update (UPDATE_IN_PROGRESS was recorded when the
// request was accepted) and rolls it back if a resource fails.
func (a *Account) runUpdate(ctx context.Context, st *cfnStack, u *cfnUpdate) {
	if a.pause(ctx, 1) != nil {
		return
	}
	a.mu.Lock()
	ev := a.evaluator(st, u.tmpl, u.params)
	ev.conditions = u.conditions
	byID := map[string]*cfnChange{}
	for _, c := range u.changes {
		byID[c.id] = c
	}
	var tasks []*cfnTask
	for _, d := range u.tmpl.resources {
		c := byID[d.id]
		if c == nil || c.action == "Remove" {
			continue
		}
		deps := u.tmpl.deps(d)
		if c.action == "Add" {
			r := &cfnResource{id: d.id, typ: d.typ, decl: d, status: "NOT_STARTED"}
			tasks = append(tasks, a.createTask(st, ev, r, deps, "UPDATE"))
			continue
		}
		tasks = append(tasks, a.modifyTask(st, ev, st.resources[d.id], d, deps))
	}
	a.mu.Unlock()

	failed := a.runTasks(ctx, tasks, true)
	if a.shuttingDown() {
		return
	}
	if len(failed) > 0 {
		a.rollbackUpdate(ctx, st, u, failed)
		return
	}

	a.mu.Lock()
	outputs, err := a.evalOutputs(st, ev)
	if err != nil {
		a.mu.Unlock()
		a.rollbackUpdate(ctx, st, u, nil)
		return
	}
	oldTmpl := st.tmpl
	a.publishExports(st.outputs, outputs)
	st.outputs = outputs
	st.tmpl, st.params, st.paramIn, st.conditions = u.tmpl, u.params, u.paramIn, u.conditions
	st.capabilities = u.caps
	if u.setTags {
		st.tags = u.tags
	}
	if u.setNotif {
		st.notificationARNs = u.notifARNs
	}
	st.disableRollback = u.disableRB
	if u.roleARN != "" {
		st.roleARN = u.roleARN
	}
	st.updated = time.Now().UTC()
	a.setStackStatus(st, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "")
	// Cleanup: resources the new template removed, and the old physical
	// resources of replaced ones.
	var removed []string
	var replaced []*cfnResource
	for _, c := range u.changes {
		r := st.resources[c.id]
		switch {
		case c.action == "Remove":
			removed = append(removed, c.id)
		case r != nil && r.prev != nil && r.prev.physicalID != r.physicalID:
			replaced = append(replaced, r)
		}
	}
	a.mu.Unlock()

	// Dependents were replaced after what they depend on: delete the old
	// physical resources newest first.
	slices.SortStableFunc(replaced, func(x, y *cfnResource) int { return y.updated.Compare(x.updated) })
	_ = a.pause(ctx, 1)
	for _, r := range replaced {
		a.deleteOldPhysical(ctx, st, r)
	}
	order := a.orderFor(st, removed)
	failedDeletes := a.deleteResources(ctx, st, oldTmpl, order, false)
	if a.shuttingDown() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range removed {
		if r := st.resources[id]; r != nil && r.deleted {
			delete(st.resources, id)
			st.resOrder = slices.DeleteFunc(st.resOrder, func(s string) bool { return s == id })
		}
	}
	for _, r := range st.resources {
		r.prev = nil
		if r.decl != nil {
			if d := u.tmpl.resource(r.id); d != nil {
				r.decl = d
			}
		}
	}
	_ = failedDeletes // AWS finishes UPDATE_COMPLETE even when cleanup fails
	a.setStackStatus(st, "UPDATE_COMPLETE", "")
}

// orderFor returns ids in the stack's resource order.
func (a *Account) orderFor(st *cfnStack, ids []string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, id := range st.resOrder {
		if slices.Contains(ids, id) {
			out = append(out, id)
		}
	}
	return out
}

// deleteOldPhysical deletes the physical resource a replacement superseded.
func (a *Account) deleteOldPhysical(ctx context.Context, st *cfnStack, r *cfnResource) {
	a.mu.Lock()
	old := r.prev
	h := handlerFor(old.typ)
	policy := ""
	if r.decl != nil {
		policy = r.decl.updateReplacePolicy
	}
	ev := &cfnEvent{id: r.id + "-" + newUUID(), logicalID: r.id, physicalID: old.physicalID, typ: r.typ}
	if policy == "Retain" || policy == "Snapshot" {
		ev.status = "DELETE_SKIPPED"
		a.addEvent(st, ev)
		a.mu.Unlock()
		return
	}
	ev.status = "DELETE_IN_PROGRESS"
	a.addEvent(st, ev)
	a.mu.Unlock()
	if a.pause(ctx, h.deleteSecs) != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	done := &cfnEvent{id: r.id + "-" + newUUID(), logicalID: r.id, physicalID: old.physicalID, typ: r.typ, status: "DELETE_COMPLETE"}
	if err := h.delete(&cfnResCtx{a: a, st: st, r: old}, old.physicalID, cfnProps(old.props)); err != nil {
		done.status, done.reason = "DELETE_FAILED", err.Error()
	}
	a.addEvent(st, done)
}

// modifyTask updates one resource in place, or replaces it.
func (a *Account) modifyTask(st *cfnStack, ev *cfnEval, r *cfnResource, d *cfnResourceDecl, deps []string) *cfnTask {
	var newProps map[string]any
	var evalErr error
	return &cfnTask{
		id:   r.id,
		deps: deps,
		begin: func() {
			newProps, evalErr = ev.evalProps(d.properties)
			prev := *r
			r.prev = &prev
			a.setResourceStatus(st, r, "UPDATE_IN_PROGRESS", "", false)
		},
		run: func(ctx context.Context) error {
			h := handlerFor(r.typ)
			fail := func(err error) error {
				if a.pause(ctx, 2) != nil && a.shuttingDown() {
					return err
				}
				a.mu.Lock()
				a.setResourceStatus(st, r, "UPDATE_FAILED", err.Error(), false)
				a.mu.Unlock()
				return err
			}
			if evalErr != nil {
				return fail(evalErr)
			}
			if h == nil {
				return fail(fmt.Errorf("The SellerDesk sandbox does not implement %s", r.typ))
			}
			a.mu.Lock()
			oldProps := r.props
			a.mu.Unlock()
			x := &cfnResCtx{a: a, st: st, r: r}
			if h.update == nil || h.needsReplacement(oldProps, newProps) {
				if name := h.customName(oldProps, newProps); name != "" {
					return fail(fmt.Errorf("CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename %s and update the stack again.", name))
				}
				if err := a.pause(ctx, 1); err != nil {
					return a.cancelled(st, r, "UPDATE")
				}
				a.mu.Lock()
				a.setResourceStatus(st, r, "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new physical resource; hence creating one.", false)
				phys, attrs, err := h.create(x, cfnProps(newProps))
				a.mu.Unlock()
				if err != nil {
					return fail(err)
				}
				a.mu.Lock()
				r.physicalID, r.attrs, r.props, r.decl = phys, attrs, newProps, d
				a.mu.Unlock()
				if err := a.pause(ctx, 1); err != nil {
					return a.cancelled(st, r, "UPDATE")
				}
				a.mu.Lock()
				a.setResourceStatus(st, r, "UPDATE_IN_PROGRESS", "Resource creation Initiated", true)
				a.mu.Unlock()
				if err := a.pause(ctx, h.createSecs-1); err != nil {
					return a.cancelled(st, r, "UPDATE")
				}
			} else {
				a.mu.Lock()
				attrs, err := h.update(x, r.physicalID, cfnProps(r.props), cfnProps(newProps))
				if err == nil {
					r.attrs, r.props, r.decl = attrs, newProps, d
				}
				a.mu.Unlock()
				if err != nil {
					return fail(err)
				}
				if err := a.pause(ctx, h.updateSecs); err != nil {
					return a.cancelled(st, r, "UPDATE")
				}
			}
			a.mu.Lock()
			a.setResourceStatus(st, r, "UPDATE_COMPLETE", "", false)
			a.mu.Unlock()
			return nil
		},
	}
}

// rollbackUpdate undoes a failed update: modified resources go back to their
// previous properties, replacements back to the old physical resource, and
// what the update created is deleted in the cleanup phase.
func (a *Account) rollbackUpdate(ctx context.Context, st *cfnStack, u *cfnUpdate, failed []string) {
	a.mu.Lock()
	var createdFailed, updateFailed []string
	for _, id := range failed {
		if r := st.resources[id]; r != nil && strings.HasPrefix(r.status, "CREATE") {
			createdFailed = append(createdFailed, id)
		} else {
			updateFailed = append(updateFailed, id)
		}
	}
	var reason string
	if len(updateFailed) > 0 {
		reason += fmt.Sprintf("The following resource(s) failed to update: [%s]. ", strings.Join(sortedStrings(updateFailed), ", "))
	}
	if len(createdFailed) > 0 {
		reason += fmt.Sprintf("The following resource(s) failed to create: [%s]. ", strings.Join(sortedStrings(createdFailed), ", "))
	}
	if reason == "" {
		reason = "Stack outputs could not be resolved. "
	}
	a.setStackStatus(st, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
	// Resources the update touched, newest first.
	var touched []*cfnResource
	var added []string
	for i := len(st.resOrder) - 1; i >= 0; i-- {
		r := st.resources[st.resOrder[i]]
		switch {
		case r.prev != nil:
			touched = append(touched, r)
		case r.status == "CREATE_COMPLETE" || r.status == "CREATE_FAILED" || r.status == "CREATE_IN_PROGRESS":
			if c := changeFor(u.changes, r.id); c != nil && c.action == "Add" {
				added = append(added, r.id)
			}
		}
	}
	a.mu.Unlock()

	var replacedNew []*cfnResource
	for _, r := range touched {
		if a.pause(ctx, 1) != nil {
			return
		}
		a.mu.Lock()
		a.setResourceStatus(st, r, "UPDATE_IN_PROGRESS", "", false)
		h := handlerFor(r.typ)
		prev := r.prev
		switch {
		case prev.physicalID != r.physicalID && r.physicalID != "":
			// Go back to the old physical resource; the new one is cleaned up.
			newOne := *r
			newOne.prev = nil
			replacedNew = append(replacedNew, &newOne)
			r.physicalID, r.attrs, r.props, r.decl = prev.physicalID, prev.attrs, prev.props, prev.decl
		case h != nil && h.update != nil && !mapsEqual(prev.props, r.props):
			if attrs, err := h.update(&cfnResCtx{a: a, st: st, r: r}, r.physicalID, cfnProps(r.props), cfnProps(prev.props)); err == nil {
				r.attrs = attrs
			}
			r.props, r.decl = prev.props, prev.decl
		}
		a.mu.Unlock()
		if a.pause(ctx, 2) != nil {
			return
		}
		a.mu.Lock()
		a.setResourceStatus(st, r, "UPDATE_COMPLETE", "", false)
		r.prev = nil
		a.mu.Unlock()
	}

	a.mu.Lock()
	a.setStackStatus(st, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "")
	a.mu.Unlock()
	_ = a.pause(ctx, 1)
	for _, n := range replacedNew {
		a.mu.Lock()
		a.addEvent(st, &cfnEvent{id: n.id + "-" + newUUID(), logicalID: n.id, physicalID: n.physicalID, typ: n.typ, status: "DELETE_IN_PROGRESS"})
		a.mu.Unlock()
		h := handlerFor(n.typ)
		if a.pause(ctx, h.deleteSecs) != nil {
			return
		}
		a.mu.Lock()
		_ = h.delete(&cfnResCtx{a: a, st: st, r: n}, n.physicalID, cfnProps(n.props))
		a.addEvent(st, &cfnEvent{id: n.id + "-" + newUUID(), logicalID: n.id, physicalID: n.physicalID, typ: n.typ, status: "DELETE_COMPLETE"})
		a.mu.Unlock()
	}
	a.deleteResources(ctx, st, u.tmpl, added, true)
	if a.shuttingDown() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range added {
		delete(st.resources, id)
		st.resOrder = slices.DeleteFunc(st.resOrder, func(s string) bool { return s == id })
	}
	a.setStackStatus(st, "UPDATE_ROLLBACK_COMPLETE", "")
}

func changeFor(changes []*cfnChange, id string) *cfnChange {
	for _, c := range changes {
		if c.id == id {
			return c
		}
	}
	return nil
}

func mapsEqual(a, b map[string]any) bool { return compactJSON(a) == compactJSON(b) }

// sortedStackIDs is a helper for deterministic listings.
func sortedStackIDs(stacks []*cfnStack) []*cfnStack {
	out := slices.Clone(stacks)
	sort.SliceStable(out, func(i, j int) bool { return out[i].created.After(out[j].created) })
	return out
}

// completeCreate marks r created (custom resources carry their note); the
// straight run and a resumed one end a create the same way.
func (a *Account) completeCreate(st *cfnStack, r *cfnResource) {
	a.mu.Lock()
	defer a.mu.Unlock()
	reason := ""
	if isCustomType(r.typ) {
		reason = customResourceNote
	}
	a.setResourceStatus(st, r, "CREATE_COMPLETE", reason, false)
}
