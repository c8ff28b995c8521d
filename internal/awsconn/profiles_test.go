package awsconn

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func td(parts ...string) string { return filepath.Join(append([]string{"testdata"}, parts...)...) }

func filesIn(dir string) Files {
	return Files{Config: td(dir, "config"), Credentials: td(dir, "credentials")}
}

func byName(t *testing.T, ps []Profile) map[string]Profile {
	t.Helper()
	m := map[string]Profile{}
	for _, p := range ps {
		if _, dup := m[p.Name]; dup {
			t.Fatalf("profile %q listed twice", p.Name)
		}
		m[p.Name] = p
	}
	return m
}

func TestListProfilesBasic(t *testing.T) {
	f := filesIn("basic")
	ps, err := ListProfiles(f)
	if err != nil {
		t.Fatal(err)
	}
	both := []string{f.Config, f.Credentials}
	cfgOnly := []string{f.Config}
	credOnly := []string{f.Credentials}

	tests := []struct {
		name string
		want Profile
	}{
		{"default", Profile{Name: "default", Kind: KindStatic, Region: "us-west-2", Sources: both, HasStaticKeys: true}},
		{"static-creds", Profile{Name: "static-creds", Kind: KindStatic, Sources: credOnly, HasStaticKeys: true}},
		{"static-config", Profile{Name: "static-config", Kind: KindStatic, Region: "eu-west-1", Sources: cfgOnly, HasStaticKeys: true}},
		{"sso-new", Profile{Name: "sso-new", Kind: KindSSO, Region: "us-east-1", Sources: cfgOnly,
			SSOSession: "corp", SSOStartURL: "https://corp.awsapps.com/start", SSORegion: "us-east-1",
			SSOAccountID: "123456789012", SSORoleName: "SellerAdmin"}},
		{"sso-legacy", Profile{Name: "sso-legacy", Kind: KindSSO, Sources: cfgOnly,
			SSOStartURL: "https://legacy.awsapps.com/start#/", SSORegion: "eu-central-1",
			SSOAccountID: "210987654321", SSORoleName: "ReadOnly"}},
		{"role-src", Profile{Name: "role-src", Kind: KindAssumeRole, Region: "us-east-1", Sources: cfgOnly,
			RoleARN: "arn:aws:iam::123456789012:role/Seller", SourceProfile: "static-creds"}},
		{"role-credsource", Profile{Name: "role-credsource", Kind: KindAssumeRole, Sources: cfgOnly,
			RoleARN: "arn:aws:iam::123456789012:role/Ci", CredentialSource: "Environment"}},
		{"role-mfa", Profile{Name: "role-mfa", Kind: KindAssumeRoleMFA, Sources: cfgOnly,
			RoleARN: "arn:aws:iam::123456789012:role/Admin", SourceProfile: "default",
			MFASerial: "arn:aws:iam::123456789012:mfa/alice"}},
		{"process", Profile{Name: "process", Kind: KindCredentialProcess, Region: "ap-southeast-2", Sources: cfgOnly, CredentialProcess: true}},
		{"webid", Profile{Name: "webid", Kind: KindWebIdentity, Sources: cfgOnly, RoleARN: "arn:aws:iam::123456789012:role/Web"}},
		{"region-only", Profile{Name: "region-only", Kind: KindIncomplete, Region: "sa-east-1", Sources: cfgOnly,
			Problem: "no credentials are configured for this profile (no keys, SSO, role or credential_process)"}},
		{"with-services", Profile{Name: "with-services", Kind: KindCredentialProcess, Region: "us-east-1", Sources: cfgOnly, CredentialProcess: true}},
		{"Prod", Profile{Name: "Prod", Kind: KindCredentialProcess, Region: "eu-west-3", Sources: cfgOnly, CredentialProcess: true}},
	}
	got := byName(t, ps)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := got[tc.name]
			if !ok {
				t.Fatalf("profile %q missing; have %v", tc.name, names(ps))
			}
			if !reflect.DeepEqual(p, tc.want) {
				t.Errorf("got  %+v\nwant %+v", p, tc.want)
			}
		})
	}

	// Not profiles: "[x]" in the config file, "[sso-session x]",
	// "[services x]", "[profile x]" in the credentials file, and no
	// lower-case twin of "[profile Prod]".
	for _, n := range []string{"ignored-no-prefix", "corp", "sso-session corp", "local", "services local", "not-a-creds-profile", "profile not-a-creds-profile", "prod"} {
		if _, ok := got[n]; ok {
			t.Errorf("%q must not be a profile", n)
		}
	}
	if len(ps) != len(tests) {
		t.Errorf("got %d profiles %v, want %d", len(ps), names(ps), len(tests))
	}

	// Sorted, default first.
	wantOrder := []string{"default", "Prod", "process", "region-only", "role-credsource", "role-mfa", "role-src", "sso-legacy", "sso-new", "static-config", "static-creds", "webid", "with-services"}
	if !reflect.DeepEqual(names(ps), wantOrder) {
		t.Errorf("order = %v, want %v", names(ps), wantOrder)
	}

	// No secret ever reaches a Profile.
	dump := fmt.Sprintf("%#v", ps)
	for _, secret := range []string{"DO-NOT-COPY", "AKID", "/usr/local/bin/get-creds", "/opt/creds"} {
		if strings.Contains(dump, secret) {
			t.Errorf("profiles leak %q: %s", secret, dump)
		}
	}
}

func names(ps []Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestListProfilesProblems(t *testing.T) {
	ps, err := ListProfiles(filesIn("problems"))
	if err != nil {
		t.Fatal(err)
	}
	got := byName(t, ps)
	tests := []struct {
		name    string
		kind    Kind
		problem string // substring; "" means no problem
	}{
		{"sso-missing-session", KindSSO, `sso_session "nope" refers to a missing [sso-session nope] section`},
		{"role-missing-source", KindAssumeRole, `source_profile "ghost" does not exist`},
		{"cycle-a", KindAssumeRole, "source_profile chain has a cycle: cycle-a -> cycle-b -> cycle-a"},
		{"cycle-b", KindAssumeRole, "source_profile chain has a cycle: cycle-b -> cycle-a -> cycle-b"},
		{"self-source", KindAssumeRole, ""},
		{"role-no-source", KindAssumeRole, "role_arn is set but neither source_profile nor credential_source is"},
		{"source-without-role", KindAssumeRole, "source_profile is set but role_arn is missing"},
		{"partial-keys", KindIncomplete, "aws_secret_access_key is missing in " + td("problems", "config")},
		{"sso-legacy-incomplete", KindSSO, "SSO profile is missing sso_region, sso_account_id, sso_role_name"},
		{"bad-credsource", KindAssumeRole, `credential_source "Laptop" is not one of`},
		{"imds-credsource", KindAssumeRole, "credential_source Ec2InstanceMetadata needs the EC2 instance metadata service"},
		{"two-kinds", KindAssumeRole, "only one of source_profile, credential_source, credential_process and web_identity_token_file may be set"},
		{"via-broken", KindAssumeRole, `source_profile "ghost" does not exist`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := got[tc.name]
			if !ok {
				t.Fatalf("profile %q missing", tc.name)
			}
			if p.Kind != tc.kind {
				t.Errorf("kind = %q, want %q", p.Kind, tc.kind)
			}
			if tc.problem == "" && p.Problem != "" {
				t.Errorf("unexpected problem %q", p.Problem)
			}
			if !strings.Contains(p.Problem, tc.problem) {
				t.Errorf("problem = %q, want it to contain %q", p.Problem, tc.problem)
			}
			if strings.Contains(p.Problem, "DO-NOT-COPY") || strings.Contains(p.Problem, "AKID") {
				t.Errorf("problem leaks a secret: %q", p.Problem)
			}
		})
	}
}

func TestListProfilesTricky(t *testing.T) {
	f := Files{Config: td("tricky", "config"), Credentials: td("tricky", "missing-credentials")}
	ps, err := ListProfiles(f)
	if err != nil {
		t.Fatal(err)
	}
	got := byName(t, ps)
	tests := []struct {
		name string
		want Profile
	}{
		// "[profile default]" replaces "[default]", as in the SDK.
		{"default", Profile{Name: "default", Kind: KindCredentialProcess, Region: "ca-central-1", Sources: []string{f.Config}, CredentialProcess: true}},
		{"spaced", Profile{Name: "spaced", Kind: KindSSO, Sources: []string{f.Config},
			SSOStartURL: "https://x.awsapps.com/start#/", SSORegion: "us-east-1", SSOAccountID: "123456789012", SSORoleName: "Dev"}},
		// "[profile a.b]" does not inherit from "[profile a]".
		{"a.b", Profile{Name: "a.b", Kind: KindIncomplete, Region: "us-east-1", Sources: []string{f.Config},
			Problem: "no credentials are configured for this profile (no keys, SSO, role or credential_process)"}},
		{"a", Profile{Name: "a", Kind: KindStatic, Sources: []string{f.Config}, HasStaticKeys: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if p := got[tc.name]; !reflect.DeepEqual(p, tc.want) {
				t.Errorf("got  %+v\nwant %+v", p, tc.want)
			}
		})
	}
	if len(ps) != len(tests) {
		t.Errorf("profiles = %v", names(ps))
	}
}

func TestListProfilesTrickyValues(t *testing.T) {
	// Inline comments, quotes and ":" are handled like the SDK does.
	secs, _, err := parseINIFile(td("tricky", "config"), "AWS_CONFIG_FILE")
	if err != nil {
		t.Fatal(err)
	}
	var def map[string]string
	for _, s := range secs {
		if s.name == "default" {
			def = s.vals
		}
	}
	want := map[string]string{"region": "eu-north-1", "aws_access_key_id": "AKIDTRICKY", "aws_secret_access_key": "tricky-secret-DO-NOT-COPY"}
	if !reflect.DeepEqual(def, want) {
		t.Errorf("[default] = %v, want %v", def, want)
	}
}

func TestListProfilesMissingFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		files Files
		want  []string
	}{
		{"none", Files{Config: filepath.Join(dir, "nope"), Credentials: filepath.Join(dir, "nope2")}, []string{}},
		{"empty names", Files{}, []string{}},
		{"config only", Files{Config: td("configonly", "config"), Credentials: td("configonly", "credentials")}, []string{"only-config"}},
		{"credentials only", Files{Config: filepath.Join(dir, "nope"), Credentials: td("basic", "credentials")}, []string{"default", "static-creds"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := ListProfiles(tc.files)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(ps); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("profiles = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestListProfilesMalformed(t *testing.T) {
	tests := []struct {
		dir, file string
		line      int
		msg       string
	}{
		{"outside", "config", 3, "line is outside any [section]"},
		{"unterminated", "config", 4, "unterminated section header"},
		{"noequals", "credentials", 3, `expected "key = value"`},
		{"emptyname", "config", 3, "empty section name"},
		{"junkheader", "config", 1, "unexpected text after section header"},
		{"nokey", "config", 2, "missing key name"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			f := filesIn(filepath.Join("malformed", tc.dir))
			_, err := ListProfiles(f)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want *ParseError", err, err)
			}
			wantFile := td("malformed", tc.dir, tc.file)
			if pe.File != wantFile || pe.Line != tc.line {
				t.Errorf("at %s:%d, want %s:%d", pe.File, pe.Line, wantFile, tc.line)
			}
			if !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("msg = %q, want %q", pe.Msg, tc.msg)
			}
			if want := fmt.Sprintf("%s:%d: %s", wantFile, tc.line, pe.Msg); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if strings.Contains(err.Error(), "DO-NOT-COPY") {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
}

func TestListProfilesUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A directory where a file is expected is an error, not "missing".
	_, err := ListProfiles(Files{Config: dir})
	if err == nil {
		t.Fatal("want an error for a directory")
	}
}

func TestDefaultFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	tests := []struct {
		name      string
		cfg, cred string
		want      Files
	}{
		{"defaults", "", "", Files{Config: filepath.Join(home, ".aws", "config"), Credentials: filepath.Join(home, ".aws", "credentials")}},
		{"env", "/etc/aws/cfg", "/etc/aws/creds", Files{Config: "/etc/aws/cfg", Credentials: "/etc/aws/creds"}},
		{"tilde", "~/x/cfg", "", Files{Config: filepath.Join(home, "x", "cfg"), Credentials: filepath.Join(home, ".aws", "credentials")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_CONFIG_FILE", tc.cfg)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", tc.cred)
			if got := DefaultFiles(); got != tc.want {
				t.Errorf("DefaultFiles() = %+v, want %+v", got, tc.want)
			}
		})
	}
}
