package awsconn

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
)

func TestResolveTarget(t *testing.T) {
	tests := []struct {
		name                string
		env                 map[string]string
		flagP, flagR, flagE string
		wantP, wantR, wantE string
	}{
		{name: "nothing"},
		{name: "env", env: map[string]string{"AWS_PROFILE": "p", "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://localhost:4566"},
			wantP: "p", wantR: "eu-west-1", wantE: "http://localhost:4566"},
		{name: "default env vars", env: map[string]string{"AWS_DEFAULT_PROFILE": "dp", "AWS_DEFAULT_REGION": "ap-south-1"},
			wantP: "dp", wantR: "ap-south-1"},
		{name: "primary env beats default env", env: map[string]string{"AWS_PROFILE": "p", "AWS_DEFAULT_PROFILE": "dp", "AWS_REGION": "r1", "AWS_DEFAULT_REGION": "r2"},
			wantP: "p", wantR: "r1"},
		{name: "flags win", env: map[string]string{"AWS_PROFILE": "p", "AWS_REGION": "r1", "AWS_ENDPOINT_URL": "http://env"},
			flagP: "fp", flagR: "fr", flagE: "http://flag", wantP: "fp", wantR: "fr", wantE: "http://flag"},
		{name: "ignore configured endpoints", env: map[string]string{"AWS_ENDPOINT_URL": "http://env", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			got := ResolveTarget(tc.flagP, tc.flagR, tc.flagE)
			want := Target{Profile: tc.wantP, Region: tc.wantR, EndpointURL: tc.wantE}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestLoadProfileNotFound(t *testing.T) {
	f := filesIn("basic")
	tests := []struct {
		name    string
		env     map[string]string
		target  Target
		profile string
	}{
		{name: "flag", target: Target{Profile: "nope"}, profile: "nope"},
		{name: "AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "ghost"}, profile: "ghost"},
		{name: "ignored [x] in config", target: Target{Profile: "ignored-no-prefix"}, profile: "ignored-no-prefix"},
		{name: "case-sensitive", target: Target{Profile: "prod"}, profile: "prod"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := Load(context.Background(), tc.target, LoadOptions{Files: f})
			var nf *ProfileNotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("err = %v (%T), want *ProfileNotFoundError", err, err)
			}
			if nf.Name != tc.profile || len(nf.Files) != 2 || nf.Files[0] != f.Config || nf.Files[1] != f.Credentials {
				t.Errorf("got %+v", nf)
			}
			for _, s := range []string{tc.profile, f.Config, f.Credentials, "sellerdesk profiles"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestLoadNoCredentials(t *testing.T) {
	tests := []struct {
		name   string
		files  func(t *testing.T) Files
		target Target
	}{
		{"empty files", func(t *testing.T) Files { return writeFiles(t, "", "") }, Target{}},
		{"missing files", func(t *testing.T) Files {
			d := t.TempDir()
			return Files{Config: filepath.Join(d, "c"), Credentials: filepath.Join(d, "k")}
		}, Target{}},
		{"default files in empty HOME", func(t *testing.T) Files { return Files{} }, Target{}},
		{"region-only default", func(t *testing.T) Files { return writeFiles(t, "[default]\nregion = eu-west-1\n", "") }, Target{}},
		{"region-only named", func(t *testing.T) Files { return filesIn("basic") }, Target{Profile: "region-only"}},
		{"credential_source Environment without env keys", func(t *testing.T) Files { return filesIn("basic") }, Target{Profile: "role-credsource"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			start := time.Now()
			_, err := Load(context.Background(), tc.target, LoadOptions{Files: tc.files(t)})
			if !errors.Is(err, ErrNoCredentials) {
				t.Fatalf("err = %v, want ErrNoCredentials", err)
			}
			if d := time.Since(start); d > 300*time.Millisecond {
				t.Errorf("took %v", d)
			}
			for _, s := range []string{"aws configure", "profile"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestLoadCredentialSources(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		env        map[string]string
		files      Files
		target     Target
		wantKey    string
		wantRegion string
		wantBase   string
	}{
		{name: "default profile", files: filesIn("basic"), wantKey: "AKIDDEFAULTEXAMPLE", wantRegion: "us-west-2"},
		{name: "credentials-file profile, default region", files: filesIn("basic"), target: Target{Profile: "static-creds"}, wantKey: "AKIDCREDSEXAMPLE", wantRegion: "us-east-1"},
		{name: "config-file keys", files: filesIn("basic"), target: Target{Profile: "static-config"}, wantKey: "AKIDCONFIGEXAMPLE", wantRegion: "eu-west-1"},
		{name: "region and endpoint override", files: filesIn("basic"), target: Target{Profile: "static-config", Region: "ap-northeast-1", EndpointURL: "http://127.0.0.1:1"},
			wantKey: "AKIDCONFIGEXAMPLE", wantRegion: "ap-northeast-1", wantBase: "http://127.0.0.1:1"},
		{name: "AWS_REGION", env: map[string]string{"AWS_REGION": "eu-south-1"}, files: filesIn("basic"), wantKey: "AKIDDEFAULTEXAMPLE", wantRegion: "eu-south-1"},
		{name: "env keys without files", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"}, files: writeFilesNoT(), wantKey: "AKIDENV", wantRegion: "us-east-1"},
		{name: "env keys beat AWS_PROFILE (like the CLI)", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "static-creds"}, files: filesIn("basic"), wantKey: "AKIDENV", wantRegion: "us-east-1"},
		{name: "explicit profile beats env keys", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"}, files: filesIn("basic"), target: Target{Profile: "static-creds"}, wantKey: "AKIDCREDSEXAMPLE", wantRegion: "us-east-1"},
		{name: "sandbox static keys, no files", files: writeFilesNoT(), target: Target{EndpointURL: "http://127.0.0.1:1", StaticKeys: &StaticKeys{AccessKeyID: "test", SecretAccessKey: "test"}},
			wantKey: "test", wantRegion: "us-east-1", wantBase: "http://127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := Load(ctx, tc.target, LoadOptions{Files: tc.files})
			if err != nil {
				t.Fatal(err)
			}
			creds, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if creds.AccessKeyID != tc.wantKey {
				t.Errorf("key = %q, want %q", creds.AccessKeyID, tc.wantKey)
			}
			if cfg.Region != tc.wantRegion {
				t.Errorf("region = %q, want %q", cfg.Region, tc.wantRegion)
			}
			if got := aws.ToString(cfg.BaseEndpoint); got != tc.wantBase {
				t.Errorf("base endpoint = %q, want %q", got, tc.wantBase)
			}
		})
	}
}

// writeFilesNoT names two files that do not exist.
func writeFilesNoT() Files {
	d := filepath.Join(os.TempDir(), "sellerdesk-awsconn-nonexistent")
	return Files{Config: filepath.Join(d, "config"), Credentials: filepath.Join(d, "credentials")}
}

func TestLoadProfileProblem(t *testing.T) {
	isolate(t)
	_, err := Load(context.Background(), Target{Profile: "role-missing-source"}, LoadOptions{Files: filesIn("problems")})
	var pe *ProfileProblemError
	if !errors.As(err, &pe) || !strings.Contains(pe.Problem, `source_profile "ghost" does not exist`) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadParseError(t *testing.T) {
	isolate(t)
	_, err := Load(context.Background(), Target{}, LoadOptions{Files: filesIn(filepath.Join("malformed", "unterminated"))})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 4 {
		t.Fatalf("err = %v", err)
	}
}

func writeToken(t *testing.T, key string, tok map[string]string) {
	t.Helper()
	path, err := ssocreds.StandardCachedTokenFilepath(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(tok)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadSSOLoginRequired(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	chainCfg := `[profile sso-new]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = SellerAdmin
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[profile via-sso]
role_arn = arn:aws:iam::123456789012:role/X
source_profile = sso-new
`
	tests := []struct {
		name     string
		files    func(t *testing.T) Files
		profile  string
		cacheKey string
		token    map[string]string // nil: no cache file
		want     *SSOLoginRequiredError
	}{
		{name: "session, no cache", profile: "sso-new",
			want: &SSOLoginRequiredError{Profile: "sso-new", StartURL: "https://corp.awsapps.com/start", Session: "corp", Region: "us-east-1"}},
		{name: "session, expired", profile: "sso-new", cacheKey: "corp", token: map[string]string{"accessToken": "x", "expiresAt": past},
			want: &SSOLoginRequiredError{Profile: "sso-new", StartURL: "https://corp.awsapps.com/start", Session: "corp", Region: "us-east-1", Expired: true}},
		{name: "session, expired, registration expired", profile: "sso-new", cacheKey: "corp",
			token: map[string]string{"accessToken": "x", "expiresAt": past, "refreshToken": "r", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": past},
			want:  &SSOLoginRequiredError{Profile: "sso-new", StartURL: "https://corp.awsapps.com/start", Session: "corp", Region: "us-east-1", Expired: true}},
		{name: "session, expired but refreshable", profile: "sso-new", cacheKey: "corp",
			token: map[string]string{"accessToken": "x", "expiresAt": past, "refreshToken": "r", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": future}},
		{name: "session, valid", profile: "sso-new", cacheKey: "corp", token: map[string]string{"accessToken": "x", "expiresAt": future}},
		{name: "session, cache under the wrong key", profile: "sso-new", cacheKey: "https://corp.awsapps.com/start", token: map[string]string{"accessToken": "x", "expiresAt": future},
			want: &SSOLoginRequiredError{Profile: "sso-new", StartURL: "https://corp.awsapps.com/start", Session: "corp", Region: "us-east-1"}},
		{name: "legacy, expired", profile: "sso-legacy", cacheKey: "https://legacy.awsapps.com/start#/",
			token: map[string]string{"accessToken": "x", "expiresAt": past, "refreshToken": "r", "clientId": "c", "clientSecret": "s"},
			want:  &SSOLoginRequiredError{Profile: "sso-legacy", StartURL: "https://legacy.awsapps.com/start#/", Region: "eu-central-1", Expired: true}},
		{name: "legacy, valid", profile: "sso-legacy", cacheKey: "https://legacy.awsapps.com/start#/", token: map[string]string{"accessToken": "x", "expiresAt": future}},
		{name: "role with SSO source", profile: "via-sso", files: func(t *testing.T) Files { return writeFiles(t, chainCfg, "") },
			cacheKey: "corp", token: map[string]string{"accessToken": "x", "expiresAt": past},
			want: &SSOLoginRequiredError{Profile: "sso-new", StartURL: "https://corp.awsapps.com/start", Session: "corp", Region: "us-east-1", Expired: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			f := filesIn("basic")
			if tc.files != nil {
				f = tc.files(t)
			}
			if tc.token != nil {
				writeToken(t, tc.cacheKey, tc.token)
			}
			start := time.Now()
			_, err := Load(context.Background(), Target{Profile: tc.profile}, LoadOptions{Files: f})
			if d := time.Since(start); d > 300*time.Millisecond {
				t.Errorf("took %v", d)
			}
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var got *SSOLoginRequiredError
			if !errors.As(err, &got) {
				t.Fatalf("err = %v (%T), want *SSOLoginRequiredError", err, err)
			}
			if *got != *tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if !strings.Contains(err.Error(), "aws sso login --profile "+tc.want.Profile) {
				t.Errorf("message %q does not offer the login", err)
			}
		})
	}
}

const mfaConfig = `[profile mfa]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = us-east-1
`

const mfaCredentials = `[base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = base-secret
`

type promptRecorder struct {
	mu      sync.Mutex
	calls   []string
	active  atomic.Int32
	maxSeen atomic.Int32
	delay   time.Duration
}

func (p *promptRecorder) prompt(ctx context.Context, profile, serial string) (string, error) {
	n := p.active.Add(1)
	defer p.active.Add(-1)
	for {
		m := p.maxSeen.Load()
		if n <= m || p.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	p.mu.Lock()
	p.calls = append(p.calls, profile+" "+serial)
	p.mu.Unlock()
	time.Sleep(p.delay)
	return " 123456\n", nil
}

func (p *promptRecorder) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

func TestLoadMFA(t *testing.T) {
	isolate(t)
	sts := newFakeSTS(t)
	f := writeFiles(t, mfaConfig, mfaCredentials)
	rec := &promptRecorder{}
	ctx := context.Background()
	target := Target{Profile: "mfa", EndpointURL: sts.URL}

	for i := 1; i <= 2; i++ {
		cfg, err := Load(ctx, target, LoadOptions{Files: f, MFA: rec.prompt})
		if err != nil {
			t.Fatal(err)
		}
		if rec.count() != i-1 {
			t.Fatalf("prompted during Load: %d", rec.count())
		}
		for j := 0; j < 2; j++ { // credentials are cached: one prompt per Load
			id, err := WhoAmI(ctx, cfg, "mfa")
			if err != nil {
				t.Fatal(err)
			}
			if id.ARN != "arn:aws:sts::123456789012:assumed-role/Admin/session" || id.Account != "123456789012" || id.Profile != "mfa" || id.Region != "us-east-1" {
				t.Errorf("identity = %+v", id)
			}
		}
		if rec.count() != i {
			t.Errorf("after Load #%d: %d prompts, want %d", i, rec.count(), i)
		}
	}
	if want := "mfa arn:aws:iam::111111111111:mfa/alice"; rec.calls[0] != want {
		t.Errorf("prompt got %q, want %q", rec.calls[0], want)
	}
	calls := sts.assumed()
	if len(calls) != 2 {
		t.Fatalf("AssumeRole calls = %+v", calls)
	}
	for _, c := range calls {
		if c.RoleArn != "arn:aws:iam::123456789012:role/Admin" || c.SerialNumber != "arn:aws:iam::111111111111:mfa/alice" || c.TokenCode != "123456" {
			t.Errorf("AssumeRole got %+v", c)
		}
	}
}

func TestLoadMFAConcurrentPromptsAreSerialised(t *testing.T) {
	isolate(t)
	sts := newFakeSTS(t)
	f := writeFiles(t, mfaConfig, mfaCredentials)
	rec := &promptRecorder{delay: 100 * time.Millisecond}
	ctx := context.Background()

	const n = 3
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg, err := Load(ctx, Target{Profile: "mfa", EndpointURL: sts.URL}, LoadOptions{Files: f, MFA: rec.prompt})
			if err == nil {
				_, err = WhoAmI(ctx, cfg, "mfa")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if rec.count() != n {
		t.Errorf("prompts = %d, want %d", rec.count(), n)
	}
	if m := rec.maxSeen.Load(); m != 1 {
		t.Errorf("%d prompts ran at the same time", m)
	}
}

func TestLoadMFAWithoutPrompter(t *testing.T) {
	isolate(t)
	sts := newFakeSTS(t)
	f := writeFiles(t, mfaConfig, mfaCredentials)
	cfg, err := Load(context.Background(), Target{Profile: "mfa", EndpointURL: sts.URL}, LoadOptions{Files: f})
	if err != nil {
		t.Fatal(err)
	}
	_, err = WhoAmI(context.Background(), cfg, "mfa")
	if err == nil || !strings.Contains(err.Error(), "no MFA prompt is available") {
		t.Fatalf("err = %v", err)
	}
	if len(sts.assumed()) != 0 {
		t.Errorf("AssumeRole was called without a code")
	}
}
