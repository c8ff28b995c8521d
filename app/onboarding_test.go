package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
)

var testPolling = onboarding.Polling{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond, ThrottleMax: time.Second, Backoff: 1.5}

func waitPhase(t *testing.T, o *Onboarding, want onboarding.Phase, timeout time.Duration) StackView {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		v := o.State()
		if v.Record != nil && v.Record.Phase == want && !v.Watching {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	v := o.State()
	t.Fatalf("phase never became %s: %+v", want, v.Record)
	return v
}

func TestLaunchValidationLosesNothingAndCreatesNothing(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Start(context.Background(), nil)
	errs := svc.Onboarding.Validate(LaunchForm{StackName: "1bad", PartnerAccountID: "123", ExternalID: "x"})
	fields := map[string]bool{}
	for _, e := range errs {
		fields[e.Field] = true
	}
	for _, f := range []string{"stackName", "partnerAccountId", "externalId", "acknowledged"} {
		if !fields[f] {
			t.Errorf("no inline error for %s: %+v", f, errs)
		}
	}
	if _, err := svc.Onboarding.Launch(LaunchForm{StackName: "ok", PartnerAccountID: "123456789012", ExternalID: "ext-id"}); err == nil {
		t.Fatal("launch without the IAM acknowledgement was accepted")
	}
	if stacks := svc.Manager.Sandbox().Account().Stacks(); len(stacks) != 0 {
		t.Fatalf("a refused launch created %d stacks", len(stacks))
	}
}

// The watch survives a restart: the record lives in the cache, and the new
// process resumes following the same stack without repeating events.
func TestWatchResumesAfterRestart(t *testing.T) {
	ctx := context.Background()
	// The "AWS account" outlives both app processes: an external sandbox.
	remote, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh", TimeScale: 15})
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	_ = os.WriteFile(cfg, []byte("[profile demo]\nregion = us-east-1\nendpoint_url = "+remote.URL()+"\n"), 0o600)
	_ = os.WriteFile(creds, []byte("[demo]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example-not-secret\n"), 0o600)
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	home := filepath.Join(dir, "home")
	build := func() *Services {
		svc, err := Build(ctx, Options{DataDir: home, Platform: &RecordingPlatform{}, Started: time.Now(), Polling: testPolling})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}

	first := build()
	first.Start(ctx, nil)
	if st := first.Session.UseProfile("demo"); st.Error != nil {
		t.Fatal(st.Error)
	}
	if _, err := first.Onboarding.Launch(LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "123456789012", ExternalID: "ext-restart", Acknowledged: true}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		if v := first.Onboarding.State(); v.Record != nil && len(v.Record.Events) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no events before the restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.Close() // quit mid-launch

	second := build()
	defer second.Close()
	second.Start(ctx, nil) // restores the profile and resumes the watch
	v := second.Onboarding.State()
	if v.Record == nil || v.Record.Phase != onboarding.PhaseLaunching || len(v.Record.Events) < 3 {
		t.Fatalf("after restart the cached launch is not shown at once: %+v", v.Record)
	}
	v = waitPhase(t, second.Onboarding, onboarding.PhaseConnected, 60*time.Second)
	ids := map[string]bool{}
	for _, e := range v.Record.Events {
		if ids[e.ID] {
			t.Fatalf("event %s appears twice", e.ID)
		}
		ids[e.ID] = true
	}
	if last := v.Record.Events[len(v.Record.Events)-1]; last.Status != "CREATE_COMPLETE" || !last.IsStack() {
		t.Errorf("last event %+v", last)
	}
	if v.Record.Done != v.Record.Total || v.Record.Outputs["PartnerRoleArn"] == "" {
		t.Errorf("done %d of %d, outputs %v", v.Record.Done, v.Record.Total, v.Record.Outputs)
	}
}

func TestRollbackThenRetryAndDelete(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Onboarding.polling = testPolling
	svc.Start(context.Background(), nil)
	if st := svc.Session.UseSandbox("rollback"); st.Error != nil {
		t.Fatal(st.Error)
	}
	form := LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "123456789012", ExternalID: "ext-rollback", Acknowledged: true}
	if _, err := svc.Onboarding.Launch(form); err != nil {
		t.Fatal(err)
	}
	v := waitPhase(t, svc.Onboarding, onboarding.PhaseError, 60*time.Second)
	if v.Record.Failure == nil || v.Record.Status != "ROLLBACK_COMPLETE" || !v.Record.RolledBack {
		t.Fatalf("record %+v", v.Record)
	}
	// A second launch of the same name is refused with the next step.
	if _, err := svc.Onboarding.Launch(form); err == nil {
		t.Error("launching over a rolled-back stack was accepted")
	}
	// Retry opens the form as the failed attempt was launched, pointing at
	// the bucket name the failure is about.
	firstID := v.Record.StackID
	rf, err := svc.Onboarding.RetryForm()
	if err != nil {
		t.Fatal(err)
	}
	if rf.Form.StackName != form.StackName || rf.Form.PartnerAccountID != form.PartnerAccountID || rf.Form.ExternalID != form.ExternalID {
		t.Errorf("retry form %+v, want the launch's values", rf.Form)
	}
	if rf.Field != "casBucketName" && rf.Field != "sddsBucketName" {
		t.Errorf("retry field %q, want a bucket name (failure %+v)", rf.Field, v.Record.Failure)
	}
	if !strings.Contains(rf.Problem, "already exists") {
		t.Errorf("retry problem %q", rf.Problem)
	}
	// An invalid change is refused before anything is deleted.
	bad := rf.Form
	bad.CasBucketName = "Not_A_Bucket"
	if _, err := svc.Onboarding.Retry(bad); err == nil {
		t.Fatal("a retry with an invalid bucket name was accepted")
	}
	if cur := svc.Onboarding.State(); cur.Record.StackID != firstID || cur.Record.Status != "ROLLBACK_COMPLETE" {
		t.Fatalf("a refused retry touched the stack: %+v", cur.Record)
	}
	// Bucket names of the user's own: the retry deletes the failed stack,
	// launches a new one, and it completes; the failed attempt stays readable.
	rf.Form.CasBucketName, rf.Form.SddsBucketName, rf.Form.Acknowledged = "acme-cas-reports", "acme-seller-data-feeds", true
	if _, err := svc.Onboarding.Retry(rf.Form); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		cur := svc.Onboarding.State()
		if cur.Record != nil && cur.Record.StackID != firstID && cur.Record.Phase == onboarding.PhaseConnected {
			prev := cur.Record.Previous
			if prev == nil || prev.StackID != firstID || prev.Failure == nil || len(prev.Events) == 0 || prev.Status != "ROLLBACK_COMPLETE" {
				t.Fatalf("previous attempt %+v", prev)
			}
			if cur.Record.Params.CasBucketName != "acme-cas-reports" {
				t.Errorf("params %+v", cur.Record.Params)
			}
			break
		}
		if cur.Record != nil && cur.Record.StackID != firstID && cur.Record.Phase == onboarding.PhaseError && !cur.Watching {
			t.Fatalf("the retry failed: %+v", cur.Record.Failure)
		}
		if time.Now().After(deadline) {
			t.Fatalf("retry did not relaunch: %+v", cur.Record)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := svc.Onboarding.Delete(); err != nil {
		t.Fatal(err)
	}
	v = waitPhase(t, svc.Onboarding, onboarding.PhaseNotConnected, 60*time.Second)
	if v.Record.Status != "DELETE_COMPLETE" {
		t.Errorf("status %s", v.Record.Status)
	}
}

// A launch refused because the stack is already being created (from the
// CLI, say) names it in progress and offers Follow, which watches it to
// Connected with the launch's watcher (issue 13.10).
func TestLaunchOnAStackInProgressOffersFollow(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Onboarding.polling = testPolling
	svc.Start(context.Background(), nil)
	_, cfg, err := svc.Manager.Current()
	if err != nil {
		t.Fatal(err)
	}
	// Launched elsewhere: the same account, another client.
	p := template.Parameters{PartnerAccountID: "123456789012", ExternalID: "ext-follow"}
	if _, err := onboarding.Launch(context.Background(), cloudformation.NewFromConfig(cfg), "elsewhere", "SellerDesk-Onboarding", p); err != nil {
		t.Fatal(err)
	}
	form := LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "123456789012", ExternalID: "ext-follow", Acknowledged: true}
	v, err := svc.Onboarding.Launch(form)
	var ae *awserr.Error
	if !errors.As(err, &ae) || !strings.Contains(ae.Message, "already being created (CREATE_IN_PROGRESS since") || !strings.Contains(ae.Next, "Follow") {
		t.Fatalf("second launch: %v, want it refused as in progress with Follow", err)
	}
	if v.Existing == nil || !v.Existing.InProgress || v.Existing.StackName != "SellerDesk-Onboarding" || v.Existing.Since.IsZero() {
		t.Fatalf("existing %+v, want the stack in progress", v.Existing)
	}
	if stacks := svc.Manager.Sandbox().Account().Stacks(); len(stacks) != 1 {
		t.Fatalf("%d stacks, want the one", len(stacks))
	}
	if v, err = svc.Onboarding.Follow(""); err != nil || !v.Watching || v.Existing != nil {
		t.Fatalf("follow: %v, view %+v", err, v)
	}
	v = waitPhase(t, svc.Onboarding, onboarding.PhaseConnected, 60*time.Second)
	if v.Record.Outputs["PartnerRoleArn"] == "" || v.Record.Params.ExternalID != "ext-follow" {
		t.Errorf("followed record %+v", v.Record)
	}
}

// TestReviewResolvesTheTargetsAccount: on a verified target the review
// names the account, region and stack name instead of ${AWS::…}
// placeholders (issue 14.4).
func TestReviewResolvesTheTargetsAccount(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Start(context.Background(), nil)
	st := svc.Session.UseSandbox("fresh")
	if st.Error != nil || st.Identity == nil {
		t.Fatalf("state %+v", st)
	}
	r, err := svc.Onboarding.Review(LaunchForm{StackName: "Demo-Stack", PartnerAccountID: "210987654321", ExternalID: "ext-1234"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r.Summary)
	text := string(b)
	if strings.Contains(text, "${AWS::AccountId}") || strings.Contains(text, "${AWS::StackName}") {
		t.Errorf("placeholders left in the review")
	}
	if !strings.Contains(text, "arn:aws:iam::"+st.Identity.Account+":role/") {
		t.Errorf("the role ARN does not name the account %s", st.Identity.Account)
	}
}

// TestResetScenarioForgetsTheStack: Reset restores the scenario's built-in
// state, and the cache no longer shows the stack the reset removed (issue 10).
func TestResetScenarioForgetsTheStack(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Onboarding.polling = testPolling
	svc.Start(context.Background(), nil)
	if st := svc.Session.UseSandbox("fresh"); st.Error != nil {
		t.Fatal(st.Error)
	}
	form := LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "123456789012", ExternalID: "ext-reset", Acknowledged: true}
	if _, err := svc.Onboarding.Launch(form); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, svc.Onboarding, onboarding.PhaseConnected, 60*time.Second)
	if st := svc.Session.ResetScenario(); st.Error != nil {
		t.Fatalf("reset: %+v", st.Error)
	}
	if v := svc.Onboarding.State(); v.Record != nil {
		t.Fatalf("the stack is still shown after the reset: %+v", v.Record)
	}
	if _, ok := svc.Manager.Sandbox().Account().Stack("SellerDesk-Onboarding"); ok {
		t.Fatal("the sandbox still has the stack")
	}
	// Launching again works: nothing is left over.
	if _, err := svc.Onboarding.Launch(form); err != nil {
		t.Fatalf("launch after reset: %v", err)
	}
	waitPhase(t, svc.Onboarding, onboarding.PhaseConnected, 60*time.Second)
	// A profile cannot be reset.
	svc2, _, _ := newServices(t, "[profile dev]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:1\n", "[dev]\naws_access_key_id = AKIAEXAMPLEEXAMPLE1\naws_secret_access_key = x\n")
	svc2.Start(context.Background(), nil)
	svc2.Session.UseProfile("dev")
	if st := svc2.Session.ResetScenario(); st.Error == nil {
		t.Error("a profile was reset")
	}
}
