package awserr

import (
	"fmt"
	"io"
	"strings"
)

// View is an *Error as the page gets it: what Wails' ErrorFormatter returns
// and the serve-web bridge sends, so a rejected bound call carries
// {kind, message, next, code, requestId}. Everything in it is redacted.
type View struct {
	Kind      Kind   `json:"kind"`
	Message   string `json:"message"`
	Next      string `json:"next"`
	Code      string `json:"code,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Action    string `json:"action,omitempty"`
	Field     string `json:"field,omitempty"`
}

// View returns e for the page.
func (e *Error) View() View {
	return View{Kind: e.Kind, Message: e.Message, Next: e.Next, Code: e.Code, RequestID: e.RequestID, Action: e.Action, Field: e.Field}
}

// Format classifies err and returns it for the page (nil for nil).
func Format(err error, opts ...Option) *View {
	if err == nil {
		return nil
	}
	v := Classify(err, opts...).View()
	return &v
}

// Reference is the line beneath the message: AWS's code and request ID,
// "" when AWS did not answer.
func (e *Error) Reference() string {
	var parts []string
	if e.Code != "" {
		parts = append(parts, "AWS code: "+e.Code)
	}
	if e.RequestID != "" {
		parts = append(parts, "request ID: "+e.RequestID)
	}
	return strings.Join(parts, " · ")
}

// terminalNext is the next step in the CLI's words where the window's
// names a button or a list the terminal does not have.
var terminalNext = map[Kind]string{
	SSOLogin:       "Run `aws sso login --profile NAME` (or sign in from the SellerDesk window), then run the command again.",
	UnknownProfile: "Run `sellerdesk profiles` to list the profiles, then pass one with --profile.",
	NoCredentials:  "Run `aws configure` (or `aws configure sso`) to create a profile, or use --sandbox SCENARIO.",
}

// Lines are what the CLI prints: the message, the next step, and AWS's code
// and request ID beneath.
func (e *Error) Lines() []string {
	out := []string{e.Message}
	next := e.Next
	if t, ok := terminalNext[e.Kind]; ok {
		next = t
	}
	next = strings.ReplaceAll(next, ", then refresh.", ", then run the command again.")
	if next != "" {
		out = append(out, "Next: "+next)
	}
	if ref := e.Reference(); ref != "" {
		out = append(out, ref)
	}
	return out
}

// Render writes err to w the CLI's way:
//
//	sellerdesk onboard: SellerDesk cannot reach AWS at sts.us-east-1.amazonaws.com (no answer within 10s).
//	  Next: Check your network connection, VPN or proxy, then try again.
//	  AWS code: … · request ID: …
//
// prefix is "sellerdesk <command>"; opts as for Classify.
func Render(w io.Writer, prefix string, err error, opts ...Option) {
	if err == nil {
		return
	}
	for i, l := range Classify(err, opts...).Lines() {
		if i == 0 {
			_, _ = fmt.Fprintf(w, "%s: %s\n", prefix, l)
			continue
		}
		_, _ = fmt.Fprintf(w, "  %s\n", l)
	}
}
