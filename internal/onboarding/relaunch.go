package onboarding

import (
	"context"
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// NotRetryableError says a Retry was asked of a stack that has not failed:
// there is nothing to delete and create again.
type NotRetryableError struct {
	Name   string
	Status string // "" when there is no stack at all
}

func (e *NotRetryableError) Error() string {
	if e.Status == "" {
		return "there is no failed onboarding stack to retry"
	}
	return fmt.Sprintf("stack %s is %s, not failed: only a failed stack can be retried", e.Name, e.Status)
}

// DeleteFailedError says the failed stack could not be removed, so the retry
// stopped before creating anything.
type DeleteFailedError struct {
	Name   string
	Status string
	Reason string
}

func (e *DeleteFailedError) Error() string {
	msg := fmt.Sprintf("deleting the failed stack %s ended in %s", e.Name, e.Status)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg + "; nothing was created again"
}

// Retry deletes the failed stack, follows the delete to its end with w, and
// creates the stack again as stackName with p. The new values are checked
// before anything is deleted, so a typo never costs the failed stack. The
// failed attempt (its events, failure and parameters) stays readable as the
// returned record's Previous. The window and `sellerdesk stack retry` both
// call it; the caller watches the returned record.
func Retry(ctx context.Context, cfn CFN, w *Watcher, failed StackRecord, stackName string, p template.Parameters) (StackRecord, error) {
	if failed.Phase != PhaseError {
		return StackRecord{}, &NotRetryableError{Name: failed.StackName, Status: failed.Status}
	}
	if err := template.ValidateStackName(stackName); err != nil {
		return StackRecord{}, err
	}
	if err := p.Validate(); err != nil {
		return StackRecord{}, err
	}
	prev := failed
	prev.Previous = nil // one attempt back is kept, not a chain
	if failed.Status != "DELETE_COMPLETE" {
		del, err := Delete(ctx, cfn, failed)
		if err != nil {
			return StackRecord{}, err
		}
		del.StartedAt = time.Now().UTC()
		end, err := w.Watch(ctx, del)
		if err != nil {
			return StackRecord{}, fmt.Errorf("following the delete of failed stack %s: %w", failed.StackName, err)
		}
		if end.Status != "DELETE_COMPLETE" {
			return StackRecord{}, &DeleteFailedError{Name: failed.StackName, Status: end.Status, Reason: end.StatusReason}
		}
	}
	rec, err := Launch(ctx, cfn, failed.TargetKey, stackName, p)
	if err != nil {
		return StackRecord{}, err
	}
	rec.Previous = &prev
	return rec, nil
}
