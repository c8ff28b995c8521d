package awsconn

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	fakeProcessSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPROCESSKEY"
	fakeProcessToken  = "IQoJb3JpZ2luX2VjEPROCESSTOKENxyz0123456789abcdefABCDEF+/=="
)

// processScript writes an executable shell script and returns its path.
func processScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "creds.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCredentialProcessErrorsNeverQuoteTheOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	// Valid but for a missing ':' before the SessionToken value.
	malformed := `{"Version": 1, "AccessKeyId": "ASIAFAKEPROCESSKEY01", "SecretAccessKey": "` + fakeProcessSecret + `", "SessionToken" "` + fakeProcessToken + `"}`
	var syn *json.SyntaxError
	if !errors.As(json.Unmarshal([]byte(malformed), &struct{}{}), &syn) {
		t.Fatal("test JSON is not malformed")
	}
	tests := []struct {
		name       string
		script     string
		command    string // credential_process itself, instead of a script
		timeout    time.Duration
		chained    bool
		wantReason []string // substrings of the message
		wantErr    func(error) bool
	}{
		{name: "malformed JSON", script: "cat <<'X'\n" + malformed + "\nX",
			wantReason: []string{"not valid credential JSON", "at offset " + itoa(syn.Offset), "does not show that output"},
			wantErr:    func(err error) bool { var s *json.SyntaxError; return errors.As(err, &s) && s.Offset == syn.Offset }},
		{name: "malformed JSON under a role", script: "cat <<'X'\n" + malformed + "\nX", chained: true,
			wantReason: []string{"not valid credential JSON", "at offset " + itoa(syn.Offset)},
			wantErr:    func(err error) bool { var s *json.SyntaxError; return errors.As(err, &s) }},
		{name: "wrong field type", script: `echo '{"Version": "1", "SecretAccessKey": "` + fakeProcessSecret + `"}'`,
			wantReason: []string{`field "Version"`},
			wantErr:    func(err error) bool { var u *json.UnmarshalTypeError; return errors.As(err, &u) }},
		{name: "missing fields", script: `echo '{"Version": 1, "SessionToken": "` + fakeProcessToken + `"}'`,
			wantReason: []string{`"AccessKeyId"`}, wantErr: func(err error) bool { return true }},
		{name: "exit status", script: "echo '" + fakeProcessSecret + "'; exit 3",
			wantReason: []string{"exit status 3"},
			wantErr:    func(err error) bool { var x *exec.ExitError; return errors.As(err, &x) && x.ExitCode() == 3 }},
		{name: "timeout", script: "echo '" + fakeProcessSecret + "'; exec sleep 5", timeout: 300 * time.Millisecond,
			wantReason: []string{"did not finish within 300ms"},
			wantErr:    func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{name: "timeout under a role", command: "exec sleep 5", // the SDK runs this one: no WaitDelay
			timeout: 300 * time.Millisecond, chained: true,
			wantReason: []string{"did not finish within 300ms"},
			wantErr:    func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{name: "50 MB of output", script: "echo '" + fakeProcessSecret + "'; head -c 52428800 /dev/zero | tr '\\0' 'A'",
			wantReason: []string{"more than 64 KiB"},
			wantErr:    func(err error) bool { return errors.Is(err, errCredentialProcessOutputTooLarge) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			if tc.timeout > 0 {
				old := credentialProcessTimeout
				credentialProcessTimeout = tc.timeout
				t.Cleanup(func() { credentialProcessTimeout = old })
			}
			script := tc.command
			if script == "" {
				script = processScript(t, tc.script)
			}
			config := "[profile proc]\nregion = us-east-1\ncredential_process = " + script + "\n"
			profile, wantProfile := "proc", "proc"
			if tc.chained {
				config += "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = proc\n"
				profile = "role"
			}
			files := writeFiles(t, config, "")
			cfg, err := Load(context.Background(), Target{Profile: profile, EndpointURL: "http://127.0.0.1:1"}, LoadOptions{Files: files})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = WhoAmI(context.Background(), cfg, profile)
			if tc.timeout > 0 && time.Since(start) > 10*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			var pe *CredentialProcessError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *CredentialProcessError", err, err)
			}
			if pe.Profile != wantProfile {
				t.Errorf("profile %q, want %q", pe.Profile, wantProfile)
			}
			if !tc.wantErr(err) {
				t.Errorf("error not classified: Err = %T %v", pe.Err, pe.Err)
			}
			for _, text := range []string{err.Error(), DescribeError(err), pe.Error()} {
				if !strings.Contains(text, `AWS profile "`+wantProfile+`"`) {
					t.Errorf("message does not name the profile: %s", text)
				}
				for _, w := range tc.wantReason {
					if !strings.Contains(text, w) {
						t.Errorf("message lacks %q: %s", w, text)
					}
				}
				for _, secret := range []string{fakeProcessSecret, fakeProcessToken, "ASIAFAKEPROCESSKEY01", "AAAAAAAA"} {
					if strings.Contains(text, secret) {
						t.Errorf("message quotes the output (%q): %.300s", secret, text)
					}
				}
				if len(text) > 1000 {
					t.Errorf("message is %d bytes long", len(text))
				}
			}
		})
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestSyntaxProblemNamesNoSecretByte: the JSON parser names the character it
// stopped at, which for an unquoted value is the secret's first byte.
func TestSyntaxProblemNamesNoSecretByte(t *testing.T) {
	tests := []struct {
		name, doc, want, never string
	}{
		{"unquoted secret", `{"SecretAccessKey": zSECRET}`, "unexpected character", "'z'"},
		{"missing colon", `{"SessionToken" "x"}`, "invalid character '\"' after object key", ""},
		{"stray brace", `{"Version": 1}}`, "invalid character '}' after top-level value", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var syn *json.SyntaxError
			if !errors.As(json.Unmarshal([]byte(tt.doc), &struct{}{}), &syn) {
				t.Fatal("not a syntax error")
			}
			got := syntaxProblem(syn)
			if got != tt.want || (tt.never != "" && strings.Contains(got, tt.never)) {
				t.Errorf("syntaxProblem = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCredentialProcessChildHoldingThePipe: a credential_process that
// prints valid credentials and exits, leaving a child that still holds its
// stdout, is a success, and does not wait for the child.
func TestCredentialProcessChildHoldingThePipe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	isolate(t)
	valid := `{"Version": 1, "AccessKeyId": "ASIAFAKEPROCESSKEY01", "SecretAccessKey": "` + fakeProcessSecret + `"}`
	script := processScript(t, "(exec sleep 20 2>/dev/null) &\necho '"+valid+"'")
	files := writeFiles(t, "[profile proc]\nregion = us-east-1\ncredential_process = "+script+"\n", "")
	cfg, err := Load(context.Background(), Target{Profile: "proc", EndpointURL: "http://127.0.0.1:1"}, LoadOptions{Files: files})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("Retrieve: %v", err)
	}
	if creds.AccessKeyID != "ASIAFAKEPROCESSKEY01" {
		t.Errorf("access key %q", creds.AccessKeyID)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("waited %s for the child that kept the pipe", took)
	}
}
