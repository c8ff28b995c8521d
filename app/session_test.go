package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// newServices builds the real services over a temp folder and empty AWS files.
func newServices(t *testing.T, config, credentials string) (*Services, *RecordingPlatform, string) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "aws-config")
	creds := filepath.Join(dir, "aws-credentials")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, []byte(credentials), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	p := &RecordingPlatform{}
	svc, err := Build(context.Background(), Options{DataDir: filepath.Join(dir, "home"), Platform: p, Started: time.Now(), TimeScale: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	return svc, p, dir
}

func TestStartsOnSandboxAndVerifies(t *testing.T) {
	svc, p, _ := newServices(t, "", "")
	svc.Start(context.Background(), nil)
	st := svc.Session.State()
	if st.Target == nil || st.Target.Kind != "sandbox" || st.Target.Name != "fresh" {
		t.Fatalf("target %+v, want sandbox fresh", st.Target)
	}
	if !strings.Contains(st.Target.Label, "Sandbox — offline") {
		t.Errorf("label %q is not marked offline", st.Target.Label)
	}
	if st.Identity != nil {
		t.Errorf("nothing cached yet, got identity %+v", st.Identity)
	}
	st = svc.Session.Refresh()
	if st.Error != nil || st.Identity == nil || st.Identity.Account != "111122223333" || st.Identity.Stale {
		t.Fatalf("after refresh: %+v %+v", st.Identity, st.Error)
	}
	if len(p.Named(EventSessionChanged)) == 0 {
		t.Error("no session:changed event")
	}
}

func TestSwitchingScenarioChangesIdentity(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Start(context.Background(), nil)
	st := svc.Session.UseSandbox("not-seller")
	if st.Identity == nil || st.Identity.Account != "444455556666" {
		t.Fatalf("identity %+v err %+v", st.Identity, st.Error)
	}
	st = svc.Session.UseSandbox("no-such-scenario")
	if st.Error == nil || !strings.Contains(st.Error.Message, "no-such-scenario") {
		t.Fatalf("want an error naming the scenario, got %+v", st.Error)
	}
}

func TestRestoreShowsCachedIdentityStaleAndRemembersTarget(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none2"))
	home := filepath.Join(dir, "home")
	build := func() *Services {
		svc, err := Build(context.Background(), Options{DataDir: home, Platform: &RecordingPlatform{}, Started: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := build()
	svc.Start(context.Background(), nil)
	if st := svc.Session.UseSandbox("not-seller"); st.Error != nil {
		t.Fatal(st.Error)
	}
	svc.Close()

	svc = build()
	defer svc.Close()
	svc.Start(context.Background(), nil)
	st := svc.Session.State()
	if st.Target.Name != "not-seller" {
		t.Errorf("remembered target %q, want not-seller", st.Target.Name)
	}
	if st.Identity == nil || st.Identity.Account != "444455556666" || !st.Identity.Stale {
		t.Errorf("cached identity %+v, want 444455556666 marked stale", st.Identity)
	}
}

func TestUnknownProfileFallsBackOnRestoreAndExplainsOnSwitch(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Start(context.Background(), &session.Target{Kind: session.KindProfile, Name: "ghost"})
	st := svc.Session.State()
	if st.Target == nil || st.Target.Kind != "sandbox" {
		t.Fatalf("an unusable profile at start must fall back to the sandbox, got %+v", st.Target)
	}
	st = svc.Session.UseProfile("ghost")
	if st.Error == nil || st.Error.Kind != "unknown-profile" || !strings.Contains(st.Error.Message, "ghost") {
		t.Fatalf("error %+v", st.Error)
	}
}

func TestNoSecretReachesTheCacheOrLog(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	svc, _, dir := newServices(t, "[profile demo]\nregion = us-east-1\n", "[demo]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = "+secret+"\n")
	svc.Start(context.Background(), nil)
	// The profile points at the embedded sandbox so identity is verified for real.
	url := svc.Manager.Sandbox().URL()
	t.Setenv("AWS_ENDPOINT_URL", url)
	st := svc.Session.UseProfile("demo")
	if st.Error != nil || st.Identity == nil {
		t.Fatalf("use profile: %+v", st.Error)
	}
	svc.Close()
	for _, f := range []string{filepath.Join(dir, "home", "state.db"), filepath.Join(dir, "home", "sellerdesk.log")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte("K7MDENG")) {
			t.Errorf("%s contains the secret access key", f)
		}
	}
}

func TestMFAPromptRoundTrip(t *testing.T) {
	p := &RecordingPlatform{}
	s := NewSession(nil, awsconn.Files{}, p, nil)
	p.OnEmit = func(event string, data any) {
		if event != EventMFAPrompt {
			return
		}
		req := data.(MFAPrompt)
		go func() {
			if err := s.SubmitMFACode(req.RequestID, "12a456"); err == nil {
				t.Error("a code with a letter was accepted")
			}
			if err := s.SubmitMFACode(req.RequestID, "123456"); err != nil {
				t.Error(err)
			}
		}()
	}
	code, err := s.mfaPrompter()(context.Background(), "prod-admin", "arn:aws:iam::123456789012:mfa/ann")
	if err != nil || code != "123456" {
		t.Fatalf("code %q err %v", code, err)
	}
	if err := s.SubmitMFACode("mfa-999", "123456"); err == nil {
		t.Error("answering a prompt that is not waiting must fail")
	}
}

func TestMFAPromptCancel(t *testing.T) {
	p := &RecordingPlatform{}
	s := NewSession(nil, awsconn.Files{}, p, nil)
	p.OnEmit = func(event string, data any) {
		if req, ok := data.(MFAPrompt); ok {
			go func() { _ = s.CancelMFA(req.RequestID) }()
		}
	}
	if _, err := s.mfaPrompter()(context.Background(), "p", "serial"); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err %v, want cancelled", err)
	}
}

// TestMFACancelIsHeard: the SDK asks again for every call still waiting on
// credentials; after Cancel none of those may reopen the dialog, until the
// user asks again (Refresh). Pending prompts of the profile close with it.
func TestMFACancelIsHeard(t *testing.T) {
	p := &RecordingPlatform{}
	s := NewSession(nil, awsconn.Files{}, p, nil)
	prompts := make(chan MFAPrompt, 8)
	p.OnEmit = func(event string, data any) {
		if req, ok := data.(MFAPrompt); ok {
			prompts <- req
		}
	}
	prompt := s.mfaPrompter()
	type result struct{ err error }
	results := make(chan result, 2)
	for range 2 {
		go func() { _, err := prompt(context.Background(), "admin", "serial"); results <- result{err} }()
	}
	first := <-prompts
	<-prompts
	if err := s.CancelMFA(first.RequestID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case r := <-results:
			if !errors.Is(r.err, awsconn.ErrMFACancelled) {
				t.Fatalf("err %v, want ErrMFACancelled", r.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a prompt of the cancelled profile still waits")
		}
	}
	if n := len(p.Named(EventMFAClosed)); n != 2 {
		t.Errorf("%d mfa:closed events, want 2 (both prompts of the profile)", n)
	}
	// A call retried after the cancel is refused without asking.
	before := len(p.Named(EventMFAPrompt))
	if _, err := prompt(context.Background(), "admin", "serial"); !errors.Is(err, awsconn.ErrMFACancelled) {
		t.Fatalf("retry err %v", err)
	}
	if len(p.Named(EventMFAPrompt)) != before {
		t.Error("the dialog was opened again after Cancel")
	}
	// Another profile is still asked.
	go func() { _, err := prompt(context.Background(), "audit", "serial2"); results <- result{err} }()
	other := <-prompts
	if other.Profile != "audit" {
		t.Fatalf("prompt %+v", other)
	}
	if err := s.SubmitMFACode(other.RequestID, "123456"); err != nil {
		t.Fatal(err)
	}
	if r := <-results; r.err != nil {
		t.Fatal(r.err)
	}
}

// TestMFAPromptClosedWhenItsCallerGivesUp: a prompt whose call timed out
// is closed in the window too.
func TestMFAPromptClosedWhenItsCallerGivesUp(t *testing.T) {
	p := &RecordingPlatform{}
	s := NewSession(nil, awsconn.Files{}, p, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.mfaPrompter()(ctx, "admin", "serial"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	closed := p.Named(EventMFAClosed)
	if len(closed) != 1 || closed[0].Data.(MFAClosed).RequestID != p.Named(EventMFAPrompt)[0].Data.(MFAPrompt).RequestID {
		t.Fatalf("closed %v", closed)
	}
}

// The demo speed starts at --time-scale and changes the running sandbox's
// pace; the change-set poll follows it; a bad speed changes nothing.
func TestSetDemoSpeed(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Start(context.Background(), nil)
	if got := svc.Session.DemoSpeed(); got != 100 {
		t.Fatalf("DemoSpeed() = %v, want the 100 it was built with", got)
	}
	tests := []struct {
		set     float64
		wantErr bool
		want    float64
		poll    time.Duration
	}{
		{1, false, 1, 5 * time.Second},
		{5, false, 5, time.Second},
		{20, false, 20, 250 * time.Millisecond},
		{0, true, 20, 250 * time.Millisecond},
		{-3, true, 20, 250 * time.Millisecond},
		{500, false, 500, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		got, err := svc.Session.SetDemoSpeed(tt.set)
		if (err != nil) != tt.wantErr {
			t.Fatalf("SetDemoSpeed(%v): %v, want error %v", tt.set, err, tt.wantErr)
		}
		if got != tt.want || svc.Manager.Sandbox().TimeScale() != tt.want {
			t.Errorf("SetDemoSpeed(%v) = %v, sandbox at %v; want %v", tt.set, got, svc.Manager.Sandbox().TimeScale(), tt.want)
		}
		if p := svc.Catalog.changeSetPoll(); p != tt.poll {
			t.Errorf("at %v× the change-set poll is %v, want %v", tt.want, p, tt.poll)
		}
	}
}
