package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isolate points the AWS files at a temp folder and clears AWS_* variables.
func isolate(t *testing.T, config, credentials string) string {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
	}
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	_ = os.WriteFile(cfg, []byte(config), 0o600)
	_ = os.WriteFile(creds, []byte(credentials), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("SELLERDESK_HOME", filepath.Join(dir, "home"))
	return dir
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &env{Deps: Deps{Stdout: &out, Stderr: &errb}, g: Globals{TimeScale: 1}}, args)
	return code, out.String(), errb.String()
}

func TestExitCodesAndMessages(t *testing.T) {
	isolate(t, "[profile broken\n", "")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout or stderr
	}{
		{"version flag", []string{"--version"}, ExitOK, "sellerdesk "},
		{"version command", []string{"version", "--json"}, ExitOK, `"version"`},
		{"help", []string{"help"}, ExitOK, "whoami"},
		{"no subcommand without a window", nil, ExitUsage, "Usage:"},
		{"unknown command", []string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{"bad flag", []string{"whoami", "--nope"}, ExitUsage, "flag provided but not defined"},
		{"extra argument", []string{"whoami", "extra"}, ExitUsage, "takes no arguments"},
		{"unknown scenario", []string{"whoami", "--sandbox", "nope"}, ExitFailure, `unknown sandbox scenario "nope"`},
		{"malformed config names file and line", []string{"profiles"}, ExitFailure, "config:1"},
		{"global flags before the command", []string{"--sandbox", "fresh", "--json", "whoami"}, ExitOK, `"account": "111122223333"`},
		{"policy pattern prints JSON", []string{"policy", "enforce-tags-on-create", "--tag", "product-team=team-xyz"}, ExitOK, `"aws:ResourceTag/product-team": "team-xyz"`},
		{"policy with a bad entity ARN", []string{"policy", "entities", "--entity", "bogus"}, ExitFailure, `"bogus"`},
		{"policy unknown pattern", []string{"policy", "nope"}, ExitUsage, "all-resources"},
		{"non-loopback sandbox", []string{"sandbox", "--addr", "0.0.0.0:0"}, ExitFailure, "loopback"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
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

func TestWhoAmIJSONOnSandbox(t *testing.T) {
	isolate(t, "", "")
	code, out, errOut := runCLI(t, "whoami", "--sandbox", "fresh", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got["account"] != "111122223333" || !strings.HasPrefix(got["arn"], "arn:aws:iam::111122223333:") || got["region"] != "us-east-1" {
		t.Errorf("got %v", got)
	}
}

func TestNoCredentialsIsImmediateAndClear(t *testing.T) {
	isolate(t, "", "")
	code, _, errOut := runCLI(t, "whoami")
	if code != ExitFailure || !strings.Contains(errOut, "aws configure") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestProfilesJSON(t *testing.T) {
	isolate(t, "[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
		"[static]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
	code, out, errOut := runCLI(t, "profiles", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "K7MDENG") {
		t.Fatal("profiles printed a secret")
	}
	var ps []struct{ Name, Kind string }
	if err := json.Unmarshal([]byte(out), &ps); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, p := range ps {
		kinds[p.Name] = p.Kind
	}
	if kinds["sso-dev"] != "sso" || kinds["static"] != "static" {
		t.Errorf("kinds %v", kinds)
	}
}
