package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestEmptyEndpointIsAUsageError(t *testing.T) {
	const flagEmpty = "--endpoint-url is empty: leave it out to use AWS, or give the URL (e.g. http://127.0.0.1:4566)"
	const envEmpty = "AWS_ENDPOINT_URL is empty: unset it to use AWS, or give the URL (e.g. http://127.0.0.1:4566)"
	tests := []struct {
		name     string
		env      *string // AWS_ENDPOINT_URL; nil = unset
		args     []string
		wantCode int
		wantOut  string
	}{
		{"empty flag after the command", nil, []string{"whoami", "--endpoint-url", ""}, ExitUsage, flagEmpty},
		{"empty flag with =", nil, []string{"status", "--endpoint-url="}, ExitUsage, flagEmpty},
		{"blank flag before the command", nil, []string{"--endpoint-url", "  ", "entities"}, ExitUsage, flagEmpty},
		{"flag without a scheme", nil, []string{"whoami", "--endpoint-url", "localhost:4566"}, ExitUsage, "needs a scheme"},
		{"flag with a path", nil, []string{"launch", "--endpoint-url", "http://127.0.0.1:4566/sts"}, ExitUsage, "no path"},
		{"blank variable", ptr("  "), []string{"whoami"}, ExitUsage, envEmpty},
		{"blank variable, entities", ptr(" "), []string{"entities"}, ExitUsage, envEmpty},
		{"blank variable and a sandbox", ptr(" "), []string{"whoami", "--sandbox", "fresh"}, ExitOK, "111122223333"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t, "", "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
			if tc.env != nil {
				t.Setenv("AWS_ENDPOINT_URL", *tc.env)
			}
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.wantOut) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tc.wantOut, out, errOut)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestBlankEndpointVariableStopsTheWindow(t *testing.T) {
	isolate(t, "", "")
	t.Setenv("AWS_ENDPOINT_URL", " ")
	var out, errb bytes.Buffer
	opened := false
	e := &env{Deps: Deps{Stdout: &out, Stderr: &errb, RunGUI: func(Globals) error { opened = true; return nil }}, g: Globals{TimeScale: 1}}
	if code := run(context.Background(), e, nil); code != ExitUsage || opened || !strings.Contains(errb.String(), "AWS_ENDPOINT_URL is empty") {
		t.Fatalf("exit %d, window opened %v, stderr %q", code, opened, errb.String())
	}
}
