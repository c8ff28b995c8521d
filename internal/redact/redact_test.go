package redact_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact"
	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

func TestString(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			got := redact.String(tc.Text)
			for _, s := range tc.Secrets {
				if strings.Contains(got, s) {
					t.Errorf("kept %q:\n%s", s, got)
				}
			}
			for _, k := range tc.Keep {
				if !strings.Contains(got, k) {
					t.Errorf("lost %q:\n%s", k, got)
				}
			}
			if len(tc.Secrets) > 0 && !strings.Contains(got, redact.Replacement) {
				t.Errorf("no %s marker:\n%s", redact.Replacement, got)
			}
		})
	}
}

func TestErrorKeepsTheChain(t *testing.T) {
	inner := fmt.Errorf("calling STS (X-Amz-Security-Token: %s): %w", redacttest.SessionToken, context.DeadlineExceeded)
	err := redact.Error(fmt.Errorf("checking identity: %w", inner))
	if strings.Contains(err.Error(), redacttest.SessionToken[16:60]) {
		t.Errorf("token kept: %s", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "checking identity: calling STS") {
		t.Errorf("chain or text lost: %v", err)
	}
	if redact.Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
	if redact.Error(err) != err { //nolint:errorlint // identity: no second wrapper
		t.Error("double wrap")
	}
}

func TestLooksLike(t *testing.T) {
	tests := []struct {
		s          string
		key, token bool
	}{
		{redacttest.SecretAccessKey, true, false},
		{redacttest.SessionToken, false, true},
		{"  " + redacttest.FwoToken, false, true},
		{"5d672d79c15b13162d9279b0855cfba6789a8edb", false, false}, // hex digest
		{redacttest.AccessKeyID, false, false},
	}
	for _, tc := range tests {
		if got := redact.LooksLikeSecretAccessKey(tc.s); got != tc.key {
			t.Errorf("LooksLikeSecretAccessKey(%.20q) = %v", tc.s, got)
		}
		if got := redact.LooksLikeSessionToken(tc.s); got != tc.token {
			t.Errorf("LooksLikeSessionToken(%.20q) = %v", tc.s, got)
		}
	}
}

func TestHasURLUserinfo(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"http://AKIAFAKE:SECRETVALUE@127.0.0.1:4566", true},
		{"https://user@example.com/path", true},
		{"user:pass@localhost:4566", true},
		{"http://a:b@ho st/", true}, // does not parse, still refused
		{"http://127.0.0.1:4566", false},
		{"https://example.com/path/a@b?x=c@d#e@f", false},
		{"https://hooks.example.com/report", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := redact.HasURLUserinfo(tc.url); got != tc.want {
			t.Errorf("HasURLUserinfo(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}

func TestStripURLUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://AKIAFAKE:SECRETVALUE@hooks.example.com/r?x=1", "https://hooks.example.com/r?x=1"},
		{"https://hooks.example.com/r@x", "https://hooks.example.com/r@x"},
		{"http://a:SECRETVALUE@ho st/", ""},
		{"AKIAFAKE:SECRETVALUE@host", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := redact.StripURLUserinfo(tc.in); got != tc.want {
			t.Errorf("StripURLUserinfo(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
