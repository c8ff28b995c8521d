package app

import (
	"sync/atomic"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// ErrorView is a failure explained for a person: internal/awserr's
// classification, as the page gets it in a state (ConnectionState.error…)
// and as a rejected bound call (Services.FormatError). Redacted.
type ErrorView struct {
	Kind      string `json:"kind"`      // one of awserr.Kinds (frontend/src/api/errorKinds.ts)
	Message   string `json:"message"`   // what failed and why
	Next      string `json:"next"`      // what to do next
	Code      string `json:"code"`      // AWS's error code, "" when AWS did not answer
	RequestID string `json:"requestId"` // AWS's request ID, "" when AWS did not answer
	Action    string `json:"action"`    // the IAM action refused, for access-denied
	Field     string `json:"field"`     // the field refused, for validation
}

func errorView(e *awserr.Error) *ErrorView {
	if e == nil {
		return nil
	}
	v := e.View()
	return &ErrorView{Kind: string(v.Kind), Message: v.Message, Next: v.Next, Code: v.Code, RequestID: v.RequestID, Action: v.Action, Field: v.Field}
}

// explain classifies err (once) and returns it for the page.
func explain(err error, opts ...awserr.Option) *ErrorView {
	return errorView(awserr.Classify(err, opts...))
}

// targetNow is the selected target as the error words need it (sandbox or
// not, the endpoint override), readable without the session's lock.
type targetNow struct {
	t atomic.Pointer[session.Target]
}

func (w *targetNow) set(t session.Target) {
	if w != nil {
		w.t.Store(&t)
	}
}

// options are Classify's options for the selected target.
func (w *targetNow) options() []awserr.Option {
	if w == nil {
		return nil
	}
	t := w.t.Load()
	if t == nil {
		return nil
	}
	return targetOptions(*t)
}

func targetOptions(t session.Target) []awserr.Option {
	if t.Kind == session.KindSandbox {
		return []awserr.Option{awserr.Sandbox(true)}
	}
	return []awserr.Option{awserr.Endpoint(t.Endpoint)}
}

// classify is what a bound method returns for a failure: the typed error,
// which Services.FormatError turns into {kind, message, next, code, requestId}.
func (w *targetNow) classify(err error) error {
	if err == nil {
		return nil
	}
	return awserr.Classify(err, w.options()...)
}

// withNext returns err classified, with next as its next step.
func (w *targetNow) withNext(err error, next string) error {
	e := *awserr.Classify(err, w.options()...)
	e.Next = next
	return &e
}

// FormatError is Wails' ErrorFormatter: a bound method's error reaches the
// page as an ErrorView, classified for the selected target and redacted.
func (s *Services) FormatError(err error) any {
	var w *targetNow
	if s != nil {
		w = s.target
	}
	return explain(err, w.options()...)
}
