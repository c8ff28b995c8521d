package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSandboxRemembersAcrossRuns: the sandbox of a SellerDesk folder keeps
// its state there. `launch` without --wait in one run, then `stack events`
// and `status` in later runs (each its own sandbox, as separate processes
// are) follow the same stack to CREATE_COMPLETE and Connected; `sandbox
// reset fresh` brings back the built-in state, with no stack.
func TestSandboxRemembersAcrossRuns(t *testing.T) {
	dir := isolate(t, "", "")
	sb := []string{"--sandbox", "fresh", "--time-scale", "50"}
	code, out, errOut := runCLI(t, append([]string{"launch", "--partner-account", "210987654321", "--external-id", "ext-123456"}, sb...)...)
	if code != ExitOK {
		t.Fatalf("launch: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "home", "sandbox", "fresh.json")); err != nil {
		t.Fatalf("no state file after launch: %v", err)
	}
	var events string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		code, events, errOut = runCLI(t, append([]string{"stack", "events"}, sb...)...)
		if code != ExitOK {
			t.Fatalf("stack events: exit %d\n%s%s", code, events, errOut)
		}
		if strings.Contains(events, "SellerDesk-Onboarding") && strings.Contains(lastLineWith(events, "SellerDesk-Onboarding"), "CREATE_COMPLETE") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stack never completed:\n%s%s", events, errOut)
		}
	}
	for _, want := range []string{"CREATE_IN_PROGRESS", "PartnerRole"} {
		if !strings.Contains(events, want) {
			t.Errorf("stack events lack %q:\n%s", want, events)
		}
	}
	code, out, errOut = runCLI(t, append([]string{"status"}, sb...)...)
	// The stack is remembered: the role is Connected; SDDS waits for AWS's
	// first delivery, so status exits 1.
	if code != ExitFailure || !strings.Contains(out, "Role and access  CONNECTED") || !strings.Contains(out, "3 of 4 required connected") {
		t.Fatalf("status: exit %d, want the role Connected and 2 of 3\n%s%s", code, out, errOut)
	}
	t.Logf("status:\n%s", out)

	code, out, errOut = runCLI(t, "sandbox", "reset", "fresh")
	if code != ExitOK || !strings.Contains(out, "Reset sandbox scenario fresh to its built-in state") {
		t.Fatalf("sandbox reset: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, append([]string{"stack", "events"}, sb...)...)
	if code == ExitOK && strings.Contains(out, "CREATE_COMPLETE") {
		t.Fatalf("after reset, stack events still shows the stack:\n%s%s", out, errOut)
	}
	t.Logf("after reset: exit %d\n%s%s", code, out, errOut)
}

// lastLineWith is the last line of s containing sub.
func lastLineWith(s, sub string) string {
	last := ""
	for l := range strings.Lines(s) {
		if strings.Contains(l, sub) {
			last = l
		}
	}
	return last
}

// TestSandboxStateFlagAndResetAll: `sandbox --state FILE` creates FILE from
// --scenario and says so; `sandbox reset` without NAME resets every
// scenario saved in the folder.
func TestSandboxStateFlagAndResetAll(t *testing.T) {
	dir := isolate(t, "", "")
	file := filepath.Join(dir, "demo.json")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{Deps: Deps{Stdout: &out, Stderr: &errb}, g: Globals{TimeScale: 1}}, []string{"sandbox", "--state", file, "--scenario", "connected"})
	}()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), "State: "+file); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sandbox --state never said it serves the file\n%s%s", out.String(), errb.String())
		}
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("sandbox --state: exit %d\n%s%s", code, out.String(), errb.String())
	}
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), `"scenario": "connected"`) || !strings.Contains(string(b), "SellerDesk-Onboarding") {
		t.Fatalf("state file: %v\n%.300s", err, b)
	}

	for _, sc := range []string{"fresh", "rollback"} {
		if code, o, e := runCLI(t, "whoami", "--sandbox", sc); code != ExitOK {
			t.Fatalf("whoami --sandbox %s: exit %d\n%s%s", sc, code, o, e)
		}
	}
	code, o, e := runCLI(t, "sandbox", "reset")
	if code != ExitOK || !strings.Contains(o, "Reset sandbox scenario fresh") || !strings.Contains(o, "Reset sandbox scenario rollback") {
		t.Fatalf("sandbox reset: exit %d\n%s%s", code, o, e)
	}
	if code, o, e := runCLI(t, "sandbox", "reset", "nope"); code != ExitFailure || !strings.Contains(o+e, `unknown sandbox scenario "nope"`) {
		t.Fatalf("sandbox reset nope: exit %d\n%s%s", code, o, e)
	}
}
