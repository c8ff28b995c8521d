package awsconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// fakeOIDC is a loopback SSO OIDC service (REST-JSON).
type fakeOIDC struct {
	*httptest.Server
	mu         sync.Mutex
	tokenPolls []time.Time
	registered map[string]any
	started    map[string]any
	token      map[string]any
	// tokenReplies are returned in order for /token; the last one repeats.
	tokenReplies []string
}

func newFakeOIDC(t *testing.T, replies ...string) *fakeOIDC {
	t.Helper()
	f := &fakeOIDC{tokenReplies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeOIDC) serve(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	w.Header().Set("Content-Type", "application/json")
	fail := func(code string) {
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"__type":%q,"error":"x","error_description":"test"}`, code)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/client/register":
		f.registered = body
		fmt.Fprintf(w, `{"clientId":"client-id","clientSecret":"client-secret","clientIdIssuedAt":%d,"clientSecretExpiresAt":%d}`,
			time.Now().Unix(), time.Now().Add(90*24*time.Hour).Unix())
	case r.Method == http.MethodPost && r.URL.Path == "/device_authorization":
		f.started = body
		fmt.Fprint(w, `{"deviceCode":"device-code","expiresIn":600,"interval":1,"userCode":"ABCD-EFGH",
			"verificationUri":"https://device.sso.us-east-1.amazonaws.com/",
			"verificationUriComplete":"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"}`)
	case r.Method == http.MethodPost && r.URL.Path == "/token":
		f.token = body
		f.tokenPolls = append(f.tokenPolls, time.Now())
		reply := f.tokenReplies[min(len(f.tokenPolls), len(f.tokenReplies))-1]
		if reply != "ok" {
			fail(reply)
			return
		}
		fmt.Fprint(w, `{"accessToken":"access-token","expiresIn":28800,"refreshToken":"refresh-token","tokenType":"Bearer"}`)
	default:
		w.WriteHeader(404)
		fmt.Fprint(w, `{"__type":"NotFound"}`)
	}
}

func fastPolling(t *testing.T) {
	old := pollUnit
	pollUnit = 10 * time.Millisecond
	t.Cleanup(func() { pollUnit = old })
}

func ssoProfile(t *testing.T, name string) Profile {
	t.Helper()
	ps, err := ListProfiles(filesIn("basic"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no profile %q", name)
	return Profile{}
}

func TestSSODeviceLogin(t *testing.T) {
	tests := []struct {
		profile    string
		cacheKey   string
		wantScopes bool
	}{
		{"sso-new", "corp", true},
		{"sso-legacy", "https://legacy.awsapps.com/start#/", false},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			isolate(t)
			fastPolling(t)
			oidc := newFakeOIDC(t, "AuthorizationPendingException", "SlowDownException", "ok")
			p := ssoProfile(t, tc.profile)
			ctx := context.Background()

			// Before: login required.
			_, err := Load(ctx, Target{Profile: p.Name}, LoadOptions{Files: filesIn("basic")})
			var need *SSOLoginRequiredError
			if !errors.As(err, &need) {
				t.Fatalf("before login: err = %v", err)
			}

			var shown []DeviceCode
			base := aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(oidc.URL)}
			if err := SSODeviceLogin(ctx, p, base, func(dc DeviceCode) { shown = append(shown, dc) }); err != nil {
				t.Fatal(err)
			}
			if len(shown) != 1 || shown[0].UserCode != "ABCD-EFGH" ||
				shown[0].VerificationURIComplete != "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH" ||
				time.Until(shown[0].ExpiresAt) < 9*time.Minute {
				t.Errorf("shown = %+v", shown)
			}
			if oidc.registered["clientType"] != "public" {
				t.Errorf("register body = %v", oidc.registered)
			}
			if _, hasScopes := oidc.registered["scopes"]; hasScopes != tc.wantScopes {
				t.Errorf("register scopes = %v, want present=%v", oidc.registered["scopes"], tc.wantScopes)
			}
			if oidc.started["startUrl"] != p.SSOStartURL || oidc.started["clientId"] != "client-id" {
				t.Errorf("device_authorization body = %v", oidc.started)
			}
			if oidc.token["grantType"] != deviceGrantType || oidc.token["deviceCode"] != "device-code" {
				t.Errorf("token body = %v", oidc.token)
			}
			polls := oidc.tokenPolls
			if len(polls) != 3 {
				t.Fatalf("token polls = %d, want 3", len(polls))
			}
			if gap := polls[2].Sub(polls[1]); gap < 6*pollUnit {
				t.Errorf("after SlowDown the interval was %v, want >= %v", gap, 6*pollUnit)
			}

			// The cache file, where and how the SDK expects it.
			path, err := ssocreds.StandardCachedTokenFilepath(tc.cacheKey)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" {
				if st.Mode().Perm() != 0o600 {
					t.Errorf("file mode %v", st.Mode().Perm())
				}
				dst, _ := os.Stat(filepath.Dir(path))
				if dst.Mode().Perm() != 0o700 {
					t.Errorf("dir mode %v", dst.Mode().Perm())
				}
			}
			var tok map[string]string
			data, _ := os.ReadFile(path)
			if err := json.Unmarshal(data, &tok); err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]string{"accessToken": "access-token", "refreshToken": "refresh-token",
				"clientId": "client-id", "clientSecret": "client-secret", "region": p.SSORegion, "startUrl": p.SSOStartURL} {
				if tok[k] != want {
					t.Errorf("cache %s = %q, want %q", k, tok[k], want)
				}
			}
			for _, k := range []string{"expiresAt", "registrationExpiresAt"} {
				ts, err := time.Parse(time.RFC3339, tok[k])
				if err != nil || time.Until(ts) < time.Hour {
					t.Errorf("cache %s = %q", k, tok[k])
				}
			}
			// The SDK's own reader accepts it.
			bt, err := ssocreds.NewSSOTokenProvider(ssooidc.New(ssooidc.Options{Region: "us-east-1"}), path).RetrieveBearerToken(ctx)
			if err != nil || bt.Value != "access-token" {
				t.Errorf("SDK token = %+v, %v", bt, err)
			}

			// After: Load succeeds, without any network call.
			if _, err := Load(ctx, Target{Profile: p.Name}, LoadOptions{Files: filesIn("basic")}); err != nil {
				t.Fatalf("after login: %v", err)
			}
		})
	}
}

func TestSSODeviceLoginFailures(t *testing.T) {
	tests := []struct {
		name    string
		replies []string
		want    string
	}{
		{"expired code", []string{"AuthorizationPendingException", "ExpiredTokenException"}, "ExpiredTokenException"},
		{"denied", []string{"AccessDeniedException"}, "AccessDeniedException"},
		{"other error", []string{"InvalidGrantException"}, "InvalidGrantException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			fastPolling(t)
			oidc := newFakeOIDC(t, tc.replies...)
			base := aws.Config{BaseEndpoint: aws.String(oidc.URL)}
			err := SSODeviceLogin(context.Background(), ssoProfile(t, "sso-new"), base, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			path, _ := ssocreds.StandardCachedTokenFilepath("corp")
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("cache written after a failure")
			}
		})
	}

	t.Run("cancelled", func(t *testing.T) {
		isolate(t)
		fastPolling(t)
		oidc := newFakeOIDC(t, "AuthorizationPendingException")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err := SSODeviceLogin(ctx, ssoProfile(t, "sso-new"), aws.Config{BaseEndpoint: aws.String(oidc.URL)}, nil)
		if err == nil || !strings.Contains(err.Error(), "cancelled") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("not an SSO profile", func(t *testing.T) {
		err := SSODeviceLogin(context.Background(), Profile{Name: "x"}, aws.Config{}, nil)
		if err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestAWSCLIAvailable(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if AWSCLIAvailable() {
		t.Error("aws found on an empty PATH")
	}
	if runtime.GOOS == "windows" {
		return
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "aws"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if !AWSCLIAvailable() {
		t.Error("aws not found")
	}
}
