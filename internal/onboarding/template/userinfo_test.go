package template

import (
	"strings"
	"testing"
)

func TestReportURLWithUserinfoIsRefused(t *testing.T) {
	tests := []struct {
		url     string
		refused bool
	}{
		{"https://partner:SECRETVALUE@hooks.example.com/onboard", true},
		{"https://SECRETVALUE@hooks.example.com/onboard", true},
		{"https://hooks.example.com/onboard/a@b", false},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			msg := checkReportURL(tc.url)
			if got := strings.Contains(msg, "user name or password"); got != tc.refused {
				t.Fatalf("checkReportURL(%q) = %q", tc.url, msg)
			}
			if strings.Contains(msg, "SECRETVALUE") {
				t.Errorf("message quotes the password: %s", msg)
			}
		})
	}
}
