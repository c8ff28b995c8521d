package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
)

// Polling paces DescribeStackEvents: fast while events flow, slower when
// idle, much slower when CloudFormation throttles.
type Polling struct {
	Min, Max, ThrottleMax time.Duration
	Backoff               float64
}

// DefaultPolling suits real AWS: a stack takes minutes and DescribeStackEvents
// is throttled per account.
var DefaultPolling = Polling{Min: 1 * time.Second, Max: 10 * time.Second, ThrottleMax: 30 * time.Second, Backoff: 1.5}

// PollingFrom paces polls from the shortest interval worth waiting on the
// target (session.Manager.PollInterval): DefaultPolling for a second.
func PollingFrom(shortest time.Duration) Polling {
	if shortest <= 0 {
		return DefaultPolling
	}
	return Polling{Min: shortest, Max: 10 * shortest, ThrottleMax: 30 * shortest, Backoff: DefaultPolling.Backoff}
}

// next returns the interval after a poll that saw n new events.
func (p Polling) next(cur time.Duration, n int, throttled bool) time.Duration {
	switch {
	case throttled:
		return min(max(cur*2, p.Min), p.ThrottleMax)
	case n > 0:
		return p.Min
	default:
		return min(time.Duration(float64(cur)*p.Backoff), p.Max)
	}
}

// Watcher follows one stack to a terminal phase.
type Watcher struct {
	CFN     CFN
	IAM     IAM
	Polling Polling
	// Save persists each new state (the cache); errors are reported, not fatal.
	Save func(ctx context.Context, r StackRecord) error
	// OnUpdate is called after each change, for the window.
	OnUpdate func(r StackRecord)
}

// Watch follows rec until it is Connected, Error or deleted, or ctx ends.
// It can resume a record loaded from the cache: events already seen are not
// repeated.
func (w *Watcher) Watch(ctx context.Context, rec StackRecord) (StackRecord, error) {
	pol := w.Polling
	if pol.Min == 0 {
		pol = DefaultPolling
	}
	seen := map[string]bool{}
	for _, e := range rec.Events {
		seen[e.ID] = true
	}
	interval := pol.Min
	idle := 0
	for {
		fresh, err := w.newEvents(ctx, rec, seen)
		// A blip of the network is not the end of the watch: poll again later.
		throttled := isThrottle(err) || transientRead(err)
		if err != nil && !throttled {
			if isNotFound(err) {
				return w.gone(ctx, rec, err)
			}
			return rec, fmt.Errorf("reading events of stack %s: %w", rec.StackName, err)
		}
		if len(fresh) > 0 {
			idle = 0
			rec = apply(rec, fresh)
			w.publish(ctx, &rec)
		} else {
			idle++
		}
		done, err := w.stackSettled(ctx, &rec, fresh, idle)
		if err != nil && !isThrottle(err) && !transientRead(err) {
			if isNotFound(err) {
				return w.gone(ctx, rec, err)
			}
			return rec, err
		}
		if done {
			return w.finish(ctx, rec)
		}
		interval = pol.next(interval, len(fresh), throttled || isThrottle(err) || transientRead(err))
		select {
		case <-ctx.Done():
			return rec, ctx.Err()
		case <-time.After(interval):
		}
	}
}

// newEvents pages DescribeStackEvents (newest first) back to the first
// event already seen and returns the new ones oldest first.
func (w *Watcher) newEvents(ctx context.Context, rec StackRecord, seen map[string]bool) ([]Event, error) {
	id := rec.StackID
	if id == "" {
		id = rec.StackName
	}
	var fresh []Event
	var token *string
	for {
		out, err := w.CFN.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(id), NextToken: token}, retryReadCFN)
		if err != nil {
			return nil, err
		}
		reachedSeen := false
		for _, se := range out.StackEvents {
			eid := aws.ToString(se.EventId)
			if seen[eid] {
				reachedSeen = true
				break
			}
			e := Event{ID: eid, Time: aws.ToTime(se.Timestamp), LogicalID: aws.ToString(se.LogicalResourceId),
				PhysicalID: aws.ToString(se.PhysicalResourceId), Type: aws.ToString(se.ResourceType),
				Status: string(se.ResourceStatus), Reason: aws.ToString(se.ResourceStatusReason)}
			// Events of an earlier operation on the same stack (a previous
			// create before this update) are history, not progress.
			if !rec.StartedAt.IsZero() && e.Time.Before(rec.StartedAt.Add(-2*time.Second)) {
				reachedSeen = true
				break
			}
			fresh = append(fresh, e)
		}
		if reachedSeen || out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	for i, j := 0, len(fresh)-1; i < j; i, j = i+1, j-1 {
		fresh[i], fresh[j] = fresh[j], fresh[i]
	}
	for _, e := range fresh {
		seen[e.ID] = true
	}
	return fresh, nil
}

// apply folds new events into the record: progress, status, first failure.
func apply(rec StackRecord, fresh []Event) StackRecord {
	rec.Events = append(rec.Events, fresh...)
	for _, e := range fresh {
		if e.IsStack() && e.LogicalID == rec.StackName {
			rec.Status, rec.StatusReason = e.Status, e.Reason
			if strings.Contains(e.Status, "ROLLBACK") {
				rec.RolledBack = true
			}
			continue
		}
		if rec.Failure == nil && strings.HasSuffix(e.Status, "_FAILED") && !cancelled(e.Reason) {
			rec.Failure = &Failure{LogicalID: e.LogicalID, Type: e.Type, Reason: e.Reason, Plain: Explain(e)}
		}
	}
	rec.Done = countDone(rec)
	rec.UpdatedAt = time.Now().UTC()
	return rec
}

// cancelled events are the consequence of another resource failing.
func cancelled(reason string) bool {
	return strings.Contains(reason, "Resource creation cancelled") || strings.Contains(reason, "Resource update cancelled")
}

// countDone counts resources whose latest event completes the operation.
func countDone(rec StackRecord) int {
	want := map[string]string{"create": "CREATE_COMPLETE", "update": "UPDATE_COMPLETE", "delete": "DELETE_COMPLETE"}[rec.Operation]
	latest := map[string]string{}
	for _, e := range rec.Events {
		if !e.IsStack() {
			latest[e.LogicalID] = e.Status
		}
	}
	n := 0
	for _, st := range latest {
		if st == want || (rec.Operation == "update" && st == "CREATE_COMPLETE") || (rec.Operation == "delete" && st == "DELETE_SKIPPED") {
			n++
		}
	}
	return n
}

// terminalStatuses end an operation.
var terminalStatuses = map[string]bool{
	"CREATE_COMPLETE": true, "CREATE_FAILED": true, "ROLLBACK_COMPLETE": true, "ROLLBACK_FAILED": true,
	"DELETE_COMPLETE": true, "DELETE_FAILED": true, "UPDATE_COMPLETE": true, "UPDATE_FAILED": true,
	"UPDATE_ROLLBACK_COMPLETE": true, "UPDATE_ROLLBACK_FAILED": true,
}

// endsOperation says status is terminal for the operation being followed
// (any terminal status when the record does not say which).
func endsOperation(op, status string) bool {
	if !terminalStatuses[status] {
		return false
	}
	return op == "" || operationOf(status) == op
}

// stackSettled decides whether the operation ended: from a stack-level
// event, or, as a safety net when idle, from DescribeStacks.
func (w *Watcher) stackSettled(ctx context.Context, rec *StackRecord, fresh []Event, idle int) (bool, error) {
	// Only the latest stack status counts, and only if it ends this
	// operation: the CREATE_COMPLETE of the create before a delete is
	// history even when it arrives in the same page as DELETE_IN_PROGRESS.
	for _, e := range fresh {
		if e.IsStack() && e.LogicalID == rec.StackName && endsOperation(rec.Operation, rec.Status) {
			return true, nil
		}
	}
	if idle == 0 || idle%4 != 0 {
		return false, nil
	}
	id := rec.StackID
	if id == "" {
		id = rec.StackName
	}
	out, err := w.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(id)}, retryReadCFN)
	if err != nil {
		return false, err
	}
	if len(out.Stacks) == 0 {
		return false, nil
	}
	st := string(out.Stacks[0].StackStatus)
	if endsOperation(rec.Operation, st) {
		rec.Status, rec.StatusReason = st, aws.ToString(out.Stacks[0].StackStatusReason)
		return true, nil
	}
	return false, nil
}

// finish reads the outputs and, when the stack is complete, verifies the role.
func (w *Watcher) finish(ctx context.Context, rec StackRecord) (StackRecord, error) {
	switch rec.Status {
	case "DELETE_COMPLETE":
		return w.finishDeleted(ctx, rec), nil
	case "CREATE_COMPLETE", "UPDATE_COMPLETE":
	default:
		rec.Phase = PhaseError
		if rec.Failure == nil {
			rec.Failure = &Failure{LogicalID: rec.StackName, Type: "AWS::CloudFormation::Stack", Reason: rec.StatusReason,
				Plain: Explain(Event{Status: rec.Status, Reason: rec.StatusReason})}
		}
		w.publish(ctx, &rec)
		return rec, nil
	}
	// Some implementations (moto) report no per-resource events; a complete
	// stack has, by definition, completed every resource.
	rec.Done = rec.Total
	rec.Phase = PhaseVerifying
	w.publish(ctx, &rec)
	id := rec.StackID
	if id == "" {
		id = rec.StackName
	}
	out, err := w.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(id)}, retryReadCFN)
	if transientRead(err) {
		rec = rec.WithRoleChecks([]Check{{Name: "Stack outputs read", Unknown: true, Detail: "cloudformation:DescribeStacks failed: " + awserr.Classify(err).Message}})
		w.publish(ctx, &rec)
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("reading the outputs of stack %s: %w", rec.StackName, err)
	}
	rec.Outputs = map[string]string{}
	if len(out.Stacks) > 0 {
		for _, o := range out.Stacks[0].Outputs {
			rec.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
		for _, t := range out.Stacks[0].Tags {
			if aws.ToString(t.Key) == "sellerdesk:template-version" {
				rec.TemplateVersion = aws.ToString(t.Value)
			}
		}
		if v := rec.Outputs["TemplateVersion"]; v != "" {
			rec.TemplateVersion = v
		}
	}
	rec = rec.WithRoleChecks(VerifyRole(ctx, w.IAM, rec))
	w.publish(ctx, &rec)
	return rec, nil
}

// gone ends the watch of a stack CloudFormation no longer knows: the end of
// a delete, or (*StackNotFoundError) a stack deleted elsewhere.
func (w *Watcher) gone(ctx context.Context, rec StackRecord, err error) (StackRecord, error) {
	if rec.Operation == "delete" {
		return w.finishDeleted(ctx, rec), nil
	}
	return rec, fmt.Errorf("following stack %s: %w", rec.StackName, &StackNotFoundError{Name: rec.StackName, Err: err})
}

func (w *Watcher) finishDeleted(ctx context.Context, rec StackRecord) StackRecord {
	rec.Phase, rec.Status = PhaseNotConnected, "DELETE_COMPLETE"
	rec.Outputs, rec.Checks, rec.Failure = nil, nil, nil
	rec.Done = rec.Total
	w.publish(ctx, &rec)
	return rec
}

func (w *Watcher) publish(ctx context.Context, rec *StackRecord) {
	rec.UpdatedAt = time.Now().UTC()
	if w.Save != nil {
		if err := w.Save(ctx, *rec); err != nil && w.OnUpdate == nil {
			_ = err // the watch goes on; the window reports cache problems separately
		}
	}
	if w.OnUpdate != nil {
		w.OnUpdate(*rec)
	}
}

func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return true
	}
	return false
}
