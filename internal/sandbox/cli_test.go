package sandbox

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// isolatedAWSEnv is the environment for the AWS CLI / boto3: no inherited AWS_*
// settings, and config/credentials files of our own so the user's files
// cannot interfere. configText goes into the config file.
func isolatedAWSEnv(t *testing.T, configText string, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	configFile := filepath.Join(dir, "config")
	credsFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(configFile, []byte(configText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A private HOME keeps the CLI's assume-role cache (~/.aws/cli/cache) out
	// of the user's home; pyenv shims still need to find their root.
	var env []string
	if os.Getenv("PYENV_ROOT") == "" {
		if home, err := os.UserHomeDir(); err == nil {
			if _, err := os.Stat(filepath.Join(home, ".pyenv")); err == nil {
				env = append(env, "PYENV_ROOT="+filepath.Join(home, ".pyenv"))
			}
		}
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "BOTO_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{
		"HOME=" + dir,
		"AWS_CONFIG_FILE=" + configFile,
		"AWS_SHARED_CREDENTIALS_FILE=" + credsFile,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}, extra...)...)
}

var staticKeys = []string{"AWS_ACCESS_KEY_ID=sandbox", "AWS_SECRET_ACCESS_KEY=sandbox"}

// requireTool skips the test unless cmd runs; the Makefile installs the AWS
// CLI and boto3 for CI.
func requireTool(t *testing.T, what string, cmd ...string) {
	t.Helper()
	if _, err := exec.LookPath(cmd[0]); err != nil {
		t.Skipf("%s is not installed (%s not on PATH); `make` installs it for CI", what, cmd[0])
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Skipf("%s is not usable (%q failed: %v: %s); `make` installs it for CI", what, strings.Join(cmd, " "), err, lines[len(lines)-1])
	}
}

// runIdentity runs cmd and decodes the get-caller-identity JSON it prints.
func runIdentity(t *testing.T, env []string, cmd ...string) (account, arn string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Env = env
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s: %v\nstderr: %s", strings.Join(cmd, " "), err, stderr.String())
	}
	var id struct{ Account, Arn string }
	if err := json.Unmarshal(out, &id); err != nil {
		t.Fatalf("%s printed %q: %v", strings.Join(cmd, " "), out, err)
	}
	return id.Account, id.Arn
}

const chainedProfile = `[profile base]
aws_access_key_id = sandbox
aws_secret_access_key = sandbox

[profile chained]
role_arn = arn:aws:iam::111122223333:role/MarketplaceCatalogAdmins
source_profile = base
role_session_name = chain
`

const botoScript = `
import json, sys, boto3
session = boto3.Session(profile_name=sys.argv[2] or None)
print(json.dumps(session.client("sts", endpoint_url=sys.argv[1] or None).get_caller_identity()))
`

func TestAWSCLIAndBoto3(t *testing.T) {
	srv, logs := startSandbox(t, "fresh")
	tests := []struct {
		name     string
		tool     []string // availability probe
		cmd      []string
		env      []string
		wantARN  string
		wantLogs string
	}{
		{
			name:    "aws cli",
			tool:    []string{"aws", "--version"},
			cmd:     []string{"aws", "sts", "get-caller-identity", "--endpoint-url", srv.URL(), "--output", "json"},
			env:     isolatedAWSEnv(t, "", staticKeys...),
			wantARN: "arn:aws:iam::111122223333:user/sandbox-seller",
		},
		{
			name:    "boto3",
			tool:    []string{"python3", "-c", "import boto3"},
			cmd:     []string{"python3", "-c", botoScript, srv.URL(), ""},
			env:     isolatedAWSEnv(t, "", staticKeys...),
			wantARN: "arn:aws:iam::111122223333:user/sandbox-seller",
		},
		{
			// A role_arn/source_profile chain: the CLI's own assume-role
			// provider calls the sandbox's AssumeRole via AWS_ENDPOINT_URL.
			name:     "aws cli profile chain",
			tool:     []string{"aws", "--version"},
			cmd:      []string{"aws", "sts", "get-caller-identity", "--profile", "chained", "--output", "json"},
			env:      isolatedAWSEnv(t, chainedProfile, "AWS_ENDPOINT_URL="+srv.URL()),
			wantARN:  "arn:aws:sts::111122223333:assumed-role/MarketplaceCatalogAdmins/chain",
			wantLogs: "sts AssumeRole 200",
		},
		{
			name:    "boto3 profile chain",
			tool:    []string{"python3", "-c", "import boto3"},
			cmd:     []string{"python3", "-c", botoScript, "", "chained"},
			env:     isolatedAWSEnv(t, chainedProfile, "AWS_ENDPOINT_URL="+srv.URL()),
			wantARN: "arn:aws:sts::111122223333:assumed-role/MarketplaceCatalogAdmins/chain",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireTool(t, tt.name, tt.tool...)
			account, arn := runIdentity(t, tt.env, tt.cmd...)
			if account != "111122223333" || arn != tt.wantARN {
				t.Errorf("identity = %s %s, want 111122223333 %s", account, arn, tt.wantARN)
			}
			if tt.wantLogs != "" && !strings.Contains(logs.all(), tt.wantLogs) {
				t.Errorf("logs lack %q:\n%s", tt.wantLogs, logs.all())
			}
		})
	}
	if l := logs.all(); strings.Contains(l, "Signature=") || strings.Contains(l, "Credential=") {
		t.Errorf("logs leak the Authorization header:\n%s", l)
	}
}
