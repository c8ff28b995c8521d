package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// catalogSandbox starts a sandbox for the CLI to reach with --profile
// static --endpoint-url, and returns it with n ARNs of entities the seller
// owns. The AWS files and SellerDesk's folder are the test's own.
func catalogSandbox(t *testing.T, n int) (*sandbox.Server, []string, string) {
	t.Helper()
	dir := isolate(t, "[profile static]\nregion = us-east-1\n",
		"[static]\naws_access_key_id = AKIASANDBOXTEST\naws_secret_access_key = sandbox\n")
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: "fresh", TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var arns []string
	for _, e := range srv.Account().CatalogEntities() {
		if !e.Shared && len(arns) < n {
			arns = append(arns, e.ARN)
		}
	}
	return srv, arns, dir
}

func writeJob(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func jobJSON(t *testing.T, arns []string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"kind": "add", "tags": []map[string]string{{"key": "campaign", "value": "q4"}}, "arns": arns})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// awsTags reads an entity's tags with the AWS CLI, straight from endpoint.
func awsTags(t *testing.T, endpoint, arn string) map[string]string {
	t.Helper()
	out := testaws.AWSCLI(t, endpoint, "marketplace-catalog", "list-tags-for-resource", "--resource-arn", arn)
	var got struct{ Tags []struct{ Key, Value string } }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("aws output %s: %v", out, err)
	}
	m := map[string]string{}
	for _, tg := range got.Tags {
		m[tg.Key] = tg.Value
	}
	return m
}

// TestTagsBulkThroughFaultProxy runs `tags bulk` through a network that
// drops, fails, loses and truncates a quarter of the requests, then checks
// every entity's tags with the AWS CLI against the sandbox directly.
func TestTagsBulkThroughFaultProxy(t *testing.T) {
	srv, arns, dir := catalogSandbox(t, 25)
	fp := testaws.StartFaultProxy(t, srv.URL(), testaws.Faults{Seed: 13, Drop: 0.10, ServerError: 0.05, LoseResponse: 0.05, Truncate: 0.05})
	file := writeJob(t, dir, "job.json", jobJSON(t, arns))
	code, out, errOut := runCLI(t, "tags", "bulk", "--profile", "static", "--endpoint-url", fp.URL, "--file", file, "--yes")
	t.Logf("fault proxy: %s", fp.Counts())
	if code != ExitOK || !strings.Contains(out, fmt.Sprintf("%d succeeded, 0 failed", len(arns))) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if c := fp.Counts(); c.Dropped+c.ServerErrors+c.LostResponses+c.Truncated == 0 {
		t.Fatalf("the proxy broke nothing: %s", c)
	}
	for _, a := range arns {
		if got := awsTags(t, srv.URL(), a); got["campaign"] != "q4" {
			t.Fatalf("the AWS CLI sees %s tagged %v, want campaign=q4", a, got)
		}
	}
}

// TestTagsBulkFileChecks: duplicate ARNs are reported as such, a file with
// keys repeated in another case is refused, and so is a job too large to
// run, with its size; nothing is sent for a refused file.
func TestTagsBulkFileChecks(t *testing.T) {
	srv, arns, dir := catalogSandbox(t, 3)
	var fifteen []string
	for i := range 15 {
		fifteen = append(fifteen, arns[i%3])
	}
	huge := make([]string, catalog.MaxJobARNs+1)
	for i := range huge {
		huge[i] = fmt.Sprintf("arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/Offer/offer-%06d", i)
	}
	tests := []struct {
		name     string
		body     string
		wantCode int
		want     []string // in stdout or stderr
	}{
		{"duplicates", jobJSON(t, fifteen), ExitOK,
			[]string{"15 ARNs given, 3 distinct (12 duplicates, e.g. " + arns[0], "Applying to 3 resource(s)", "3 succeeded, 0 failed"}},
		{"arns and ARNS", `{"kind":"add","tags":[{"key":"campaign","value":"q4"}],"arns":["` + arns[0] + `"],"ARNS":["` + arns[1] + `"]}`, ExitFailure,
			[]string{`both "arns" and "ARNS"`}},
		{"Kind and kind", `{"Kind":"remove","kind":"add","tags":[{"key":"campaign","value":"q4"}],"arns":["` + arns[0] + `"]}`, ExitFailure,
			[]string{`both "Kind" and "kind"`}},
		{"too large", jobJSON(t, huge), ExitFailure,
			[]string{"this job has 50001 entities; the most SellerDesk runs at once is 50000 — split the file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeJob(t, dir, "job.json", tc.body)
			code, out, errOut := runCLI(t, "tags", "bulk", "--profile", "static", "--endpoint-url", srv.URL(), "--file", file, "--yes")
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out+errOut, w) {
					t.Fatalf("output lacks %q\nstdout: %s\nstderr: %s", w, out, errOut)
				}
			}
		})
	}
	// The refused files sent nothing: only the duplicates job tagged.
	for _, e := range srv.Account().CatalogEntities() {
		tagged := slices.ContainsFunc(e.Tags, func(tg sandbox.Tag) bool { return tg.Key == "campaign" })
		if tagged != slices.Contains(arns, e.ARN) {
			t.Fatalf("%s tagged %v", e.ARN, e.Tags)
		}
	}
}

// TestResumeAfterCorruptCache: a damaged state.db is moved aside; the CLI
// says so once, as the window does, and `--resume ID` names the moved file
// instead of "job not found", also on later runs.
func TestResumeAfterCorruptCache(t *testing.T) {
	srv, _, dir := catalogSandbox(t, 1)
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "state.db"), []byte("this is not a bbolt file"), 0o600); err != nil {
		t.Fatal(err)
	}
	moved := regexp.MustCompile(`moved aside to (\S+state\.db\.corrupt-\d{8}T\d{6}Z) on `)
	args := []string{"tags", "bulk", "--profile", "static", "--endpoint-url", srv.URL(), "--resume", "20250101T000000Z-abcd1234"}
	for run, wantNotice := range []bool{true, false} {
		code, out, errOut := runCLI(t, args...)
		if code != ExitFailure {
			t.Fatalf("run %d: exit %d\nstdout: %s\nstderr: %s", run, code, out, errOut)
		}
		if got := strings.Count(errOut, "the local cache was damaged"); got != map[bool]int{true: 1, false: 0}[wantNotice] {
			t.Fatalf("run %d: the damage notice shown %d times\nstderr: %s", run, got, errOut)
		}
		m := moved.FindStringSubmatch(errOut)
		if m == nil || !strings.Contains(errOut, "job 20250101T000000Z-abcd1234 is not in the cache") || strings.Contains(errOut, "not found") {
			t.Fatalf("run %d: stderr %s", run, errOut)
		}
		if _, err := os.Stat(m[1]); err != nil {
			t.Fatalf("run %d: the named file %s: %v", run, m[1], err)
		}
	}
}
