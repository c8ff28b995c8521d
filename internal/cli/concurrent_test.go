package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// startSandboxProcess runs `sellerdesk sandbox --scenario scenario` as its
// own process, as a second terminal would, and returns its endpoint. It is
// interrupted (Ctrl+C) when the test ends.
func startSandboxProcess(t *testing.T, bin, scenario string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "sandbox", "--scenario", scenario, "--addr", addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	endpoint := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Endpoint: "); ok {
				endpoint <- u
			}
		}
	}()
	select {
	case u := <-endpoint:
		return u
	case <-time.After(30 * time.Second):
		t.Fatalf("the sandbox printed no endpoint\nstderr: %s", stderr.String())
		return ""
	}
}

// TestConcurrentTagsAddOnThrottledSandbox: eight `sellerdesk tags add`
// processes at once against one `sellerdesk sandbox --scenario throttled`
// (TagResource granted 1 request/s): each paces and retries with the
// catalog client's standard retryer, so all eight exit 0, and the AWS CLI
// then sees every tag.
func TestConcurrentTagsAddOnThrottledSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs nine processes against the real-time quota")
	}
	isolate(t, "[profile static]\nregion = us-east-1\n",
		"[static]\naws_access_key_id = AKIASANDBOXTEST\naws_secret_access_key = sandbox\n")
	bin, err := exec.LookPath("sellerdesk")
	if err != nil {
		t.Fatalf("testscript.Main put no sellerdesk in PATH: %v", err)
	}
	url := startSandboxProcess(t, bin, "throttled")
	const arn = "arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-d91ac31927815"
	const n = 8
	type result struct {
		code     int
		out, err string
		took     time.Duration
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			// The target flags after the tags, as users type them.
			cmd := exec.Command(bin, "tags", "add", arn, fmt.Sprintf("run-%d=ok", i), "--profile", "static", "--endpoint-url", url)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			t0 := time.Now()
			err := cmd.Run()
			r := result{out: out.String(), err: errb.String(), took: time.Since(t0)}
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				r.code = ee.ExitCode()
			} else if err != nil {
				r.code = -1
				r.err += err.Error()
			}
			results[i] = r
		})
	}
	wg.Wait()
	t.Logf("%d concurrent tags add took %v", n, time.Since(start))
	for i, r := range results {
		if r.code != ExitOK || !strings.Contains(r.out, "Tagged "+arn+" with 1 tag(s).") {
			t.Errorf("process %d: exit %d after %v\nstdout: %s\nstderr: %s", i, r.code, r.took, r.out, r.err)
		}
	}
	code, out, errOut := runCLI(t, "tags", "list", arn, "--profile", "static", "--endpoint-url", url)
	for i := range n {
		if code != ExitOK || !strings.Contains(out, fmt.Sprintf("run-%d=ok\n", i)) {
			t.Errorf("tags list: exit %d, want run-%d=ok\nstdout: %s\nstderr: %s", code, i, out, errOut)
		}
	}
	// The judge: the AWS CLI, straight from the sandbox (skipped, saying
	// so, when it is not installed).
	got := awsTags(t, url, arn)
	for i := range n {
		if got[fmt.Sprintf("run-%d", i)] != "ok" {
			t.Errorf("the AWS CLI sees tags %v, want run-%d=ok", got, i)
		}
	}
}
