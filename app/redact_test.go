package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

// Error views reach the window as data (returned and emitted), not through
// Wails' ErrorFormatter: they must be redacted too.
func TestErrorViewsAreRedacted(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		if len(tc.Secrets) == 0 {
			continue
		}
		for name, explainFn := range map[string]func(error) *ErrorView{
			"explain":     func(err error) *ErrorView { return explain(err) },
			"FormatError": func(err error) *ErrorView { return (&Services{}).FormatError(err).(*ErrorView) },
		} {
			t.Run(name+"/"+tc.Name, func(t *testing.T) {
				v := explainFn(fmt.Errorf("listing entities: %w", errors.New(tc.Text)))
				for _, s := range tc.Secrets {
					if strings.Contains(v.Message, s) {
						t.Errorf("message holds %q: %s", s, v.Message)
					}
				}
			})
		}
	}
}

// Every event payload is redacted on its way to the page; payloads without
// credentials go out as they are (same value, same type).
func TestEmittedEventsAreRedacted(t *testing.T) {
	rec := &RecordingPlatform{}
	p := redactingPlatform{rec}
	plain := ErrorView{Kind: "other", Message: "no network"}
	p.Emit("plain", plain)
	for _, tc := range redacttest.Cases() {
		p.Emit(tc.Name, ErrorView{Kind: "other", Message: "check failed: " + tc.Text})
	}
	evs := rec.Events
	if len(evs) == 0 {
		t.Fatal("nothing recorded")
	}
	if got, ok := evs[0].Data.(ErrorView); !ok || got != plain {
		t.Errorf("a plain payload changed: %#v", evs[0].Data)
	}
	for i, tc := range redacttest.Cases() {
		b, err := json.Marshal(evs[i+1].Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tc.Secrets {
			esc, _ := json.Marshal(s)
			if strings.Contains(string(b), strings.Trim(string(esc), `"`)) {
				t.Errorf("%s: event holds %q: %s", tc.Name, s, b)
			}
		}
		if !strings.Contains(string(b), `"kind":"other"`) {
			t.Errorf("%s: payload lost its shape: %s", tc.Name, b)
		}
	}
}

// The stack view (returned by the bound methods and emitted) carries AWS
// text: the stack's status reason and the role checks' details.
func TestStackViewIsRedacted(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		if len(tc.Secrets) == 0 {
			continue
		}
		t.Run(tc.Name, func(t *testing.T) {
			rec := onboarding.StackRecord{StackName: "s", StatusReason: "Resource creation failed: " + tc.Text,
				Checks: []onboarding.Check{{Name: "Role policies attached", Detail: "iam:GetRole: " + tc.Text}}}
			o := &Onboarding{rec: &rec}
			v := o.State()
			b, _ := json.Marshal(v)
			for _, s := range tc.Secrets {
				esc, _ := json.Marshal(s)
				if strings.Contains(string(b), strings.Trim(string(esc), `"`)) {
					t.Errorf("view holds %q: %s", s, b)
				}
			}
			if rec.Checks[0].Detail != "iam:GetRole: "+tc.Text {
				t.Error("the record itself was changed")
			}
		})
	}
}
