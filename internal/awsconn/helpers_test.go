package awsconn

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// isolate clears every AWS_* variable and points HOME at a temp dir, so no
// test ever sees the developer's real AWS setup.
func isolate(t *testing.T) string {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // restores the old value after the test
			os.Unsetenv(k)
		}
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	return home
}

func writeFiles(t *testing.T, config, credentials string) Files {
	t.Helper()
	dir := t.TempDir()
	f := Files{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	if err := os.WriteFile(f.Config, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.Credentials, []byte(credentials), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// fakeSTS is a loopback STS speaking the awsquery protocol.
type fakeSTS struct {
	*httptest.Server
	mu          sync.Mutex
	assumeCalls []assumeCall
	identities  []string // access key ids seen by GetCallerIdentity
}

type assumeCall struct{ RoleArn, SerialNumber, TokenCode string }

var credRE = regexp.MustCompile(`Credential=([^/]+)/`)

func newFakeSTS(t *testing.T) *fakeSTS {
	t.Helper()
	f := &fakeSTS{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSTS) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	akid := ""
	if m := credRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		akid = m[1]
	}
	w.Header().Set("Content-Type", "text/xml")
	switch r.Form.Get("Action") {
	case "AssumeRole":
		f.mu.Lock()
		f.assumeCalls = append(f.assumeCalls, assumeCall{r.Form.Get("RoleArn"), r.Form.Get("SerialNumber"), r.Form.Get("TokenCode")})
		n := len(f.assumeCalls)
		f.mu.Unlock()
		if akid == "" {
			w.WriteHeader(403)
			fmt.Fprint(w, stsError("Sender", "InvalidClientTokenId", "unsigned"))
			return
		}
		if r.Form.Get("SerialNumber") != "" && r.Form.Get("TokenCode") == "" {
			w.WriteHeader(403)
			fmt.Fprint(w, stsError("Sender", "AccessDenied", "MultiFactorAuthentication failed"))
			return
		}
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/Admin/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAASSUMED%d</AccessKeyId>
      <SecretAccessKey>assumed-secret</SecretAccessKey>
      <SessionToken>assumed-token</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>11111111-2222-3333-4444-555555555555</RequestId></ResponseMetadata>
</AssumeRoleResponse>`, n, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	case "GetCallerIdentity":
		f.mu.Lock()
		f.identities = append(f.identities, akid)
		f.mu.Unlock()
		switch akid {
		case "AKIDEXPIRED":
			w.WriteHeader(403)
			fmt.Fprint(w, stsError("Sender", "ExpiredToken", "The security token included in the request is expired"))
			return
		case "":
			w.WriteHeader(403)
			fmt.Fprint(w, stsError("Sender", "MissingAuthenticationToken", "unsigned"))
			return
		}
		arn := "arn:aws:iam::123456789012:user/alice"
		if strings.HasPrefix(akid, "ASIAASSUMED") {
			arn = "arn:aws:sts::123456789012:assumed-role/Admin/session"
		}
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>AIDAEXAMPLEUSERID</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`, arn)
	default:
		w.WriteHeader(400)
		fmt.Fprint(w, stsError("Sender", "InvalidAction", "unknown action"))
	}
}

func stsError(typ, code, msg string) string {
	return fmt.Sprintf(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>99999999-2222-3333-4444-555555555555</RequestId>
</ErrorResponse>`, typ, code, msg)
}

func (f *fakeSTS) assumed() []assumeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]assumeCall(nil), f.assumeCalls...)
}
