package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
)

// Credentials the tests sign with; checkNoCredentials looks for each in
// every bundle the tests produce.
const (
	testAccessKey    = "AKIAEXPORTTEST000001"
	testSecretKey    = "bundleTestSecret/Key+Value0123456789abcd"
	testSessionToken = "IQoJb3JpZ2luX2VjEBundleTestSessionTokenValue0123456789abcdefghijklmnopqrstuvwxyz=="
)

var testCredentials = []string{testAccessKey, testSecretKey, testSessionToken, "SANDBOXACCESSKEY"}

// checkNoCredentials fails when any credential the tests used is in data.
func checkNoCredentials(t *testing.T, data []byte, extra ...string) {
	t.Helper()
	for _, c := range append(append([]string{}, testCredentials...), extra...) {
		if bytes.Contains(data, []byte(c)) {
			t.Errorf("the bundle contains the credential %q", c)
		}
	}
	if regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`).Match(data) {
		t.Errorf("the bundle contains an access key ID")
	}
}

func sdkConfig(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, testSessionToken)}
}

func startSandbox(t *testing.T, o sandbox.Options) *sandbox.Server {
	t.Helper()
	o.TimeScale = 1000
	srv, err := sandbox.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func export(t *testing.T, url string, o Options) (*Bundle, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if o.MaxTaggedEntities == 0 {
		o.MaxTaggedEntities = 10
	}
	o.CatalogLimiters = catalog.NewLimiters()
	o.TargetKind = "endpoint"
	b, err := Export(ctx, sdkConfig(url), o)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	checkNoCredentials(t, data)
	return b, data
}

// comparable encodes what must be equal between two exports, with the
// sandbox endpoints in queue URLs made alike.
func comparableJSON(t *testing.T, b *Bundle, endpoint string) string {
	t.Helper()
	c, err := Comparable(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(out), endpoint, "http://SANDBOX")
}

// TestRoundTrip: every built-in scenario → bundle → sandbox → bundle is
// identical apart from what Comparable clears.
func TestRoundTrip(t *testing.T) {
	for _, sc := range sandbox.Scenarios() {
		if strings.HasPrefix(sc.Name, "catalog-bench") {
			continue // a benchmark, not a scenario a customer has
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			first := startSandbox(t, sandbox.Options{Scenario: sc.Name})
			b1, data := export(t, first.URL(), Options{})
			dec, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			st, err := ToState(dec)
			if err != nil {
				t.Fatal(err)
			}
			second := startSandbox(t, sandbox.Options{State: &st})
			b2, _ := export(t, second.URL(), Options{})
			j1, j2 := comparableJSON(t, b1, first.URL()), comparableJSON(t, b2, second.URL())
			if j1 != j2 {
				t.Errorf("the second bundle differs from the first:\n%s", diffLines(j1, j2))
			}
			for i := range b1.Tiles {
				if b1.Tiles[i].State != b2.Tiles[i].State {
					t.Errorf("tile %s: %s, then %s", b1.Tiles[i].ID, b1.Tiles[i].State, b2.Tiles[i].State)
				}
			}
		})
	}
}

func diffLines(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(la), len(lb)) && len(out) < 40; i++ {
		x, y := "", ""
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

// TestExportConnected: what the connected scenario's bundle holds, and the
// external ID replaced consistently, so that the imported role verifies.
func TestExportConnected(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "connected"})
	tests := []struct {
		name      string
		keep      bool
		noCatalog bool
	}{
		{"redacted", false, false},
		{"external ID kept", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, data := export(t, srv.URL(), Options{IncludeExternalID: tc.keep, NoCatalog: tc.noCatalog})
			if got := bytes.Contains(data, []byte(sandbox.DemoExternalID)); got != tc.keep {
				t.Errorf("external ID %q in the bundle: %v, want %v", sandbox.DemoExternalID, got, tc.keep)
			}
			if got := bytes.Contains(data, []byte(ExternalIDMarker(1))); got == tc.keep {
				t.Errorf("marker in the bundle: %v, want %v", got, !tc.keep)
			}
			if (b.Catalog == nil) != tc.noCatalog {
				t.Errorf("catalog present %v with NoCatalog %v", b.Catalog != nil, tc.noCatalog)
			}
			if !b.Stack.OK() || b.Stack.Value.Status != "CREATE_COMPLETE" || !b.Stack.Value.Events.OK() || len(*b.Stack.Value.Events.Value) == 0 {
				t.Fatalf("stack: %+v", b.Stack)
			}
			if len(b.Roles) == 0 || len(b.Buckets) != 2 || len(b.Keys) != 1 || len(b.Topics) != 2 || len(b.Queues) != 2 || len(b.Rules) != 1 {
				t.Errorf("resources: %d roles, %d buckets, %d keys, %d topics, %d queues, %d rules", len(b.Roles), len(b.Buckets), len(b.Keys), len(b.Topics), len(b.Queues), len(b.Rules))
			}
			for _, tile := range b.Tiles {
				if tile.Required && !tile.Connected() {
					t.Errorf("tile %s %s in the bundle: %s", tile.ID, tile.State, tile.Summary)
				}
			}
			// Imported, the tiles verify the same way (the marker matches in
			// the parameter and the trust policy alike).
			dec, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			st, err := ToState(dec)
			if err != nil {
				t.Fatal(err)
			}
			again := startSandbox(t, sandbox.Options{State: &st})
			b2, _ := export(t, again.URL(), Options{IncludeExternalID: true, NoCatalog: true})
			for i, tile := range b2.Tiles {
				if tile.State != b.Tiles[i].State {
					t.Errorf("imported tile %s: %s, was %s (%s)", tile.ID, tile.State, b.Tiles[i].State, tile.Summary)
				}
			}
		})
	}
}

// TestRefusedReadRecorded: a read AWS refuses is in the bundle as refused,
// with its code.
func TestRefusedReadRecorded(t *testing.T) {
	srv := startSandbox(t, sandbox.Options{Scenario: "catalog-denied"})
	b, _ := export(t, srv.URL(), Options{})
	if b.Catalog == nil || len(b.Catalog.Entities) == 0 {
		t.Fatal("no catalog section")
	}
	l := b.Catalog.Entities[0]
	if l.Outcome != OutcomeRefused || l.Code != "AccessDeniedException" || l.RequestID == "" {
		t.Errorf("ListEntities refused recorded as %+v", l.Read)
	}
	if b.Seller.Outcome != tiles.SellerAccessDenied {
		t.Errorf("seller probe %s", b.Seller.Outcome)
	}
}

func validBundle(t *testing.T) []byte {
	t.Helper()
	b := &Bundle{Header: Header{SellerDesk: "test", Created: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), OS: "linux/amd64", TargetKind: "profile",
		Target: "Profile seller", Account: "111122223333", Region: "us-east-1", StackName: "SellerDesk-Onboarding"},
		Identity: got("sts:GetCallerIdentity", Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/x", UserID: "AIDAX"}, nil),
		Stack:    Got[Stack]{Read: Read{Call: "cloudformation:DescribeStacks", Outcome: OutcomeAbsent}}, Log: []string{}}
	data, err := Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeRefuses: bad files are refused with the problem named.
func TestDecodeRefuses(t *testing.T) {
	good := validBundle(t)
	if _, err := Decode(good); err != nil {
		t.Fatalf("a valid bundle: %v", err)
	}
	edit := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	var newer map[string]any
	_ = json.Unmarshal(good, &newer)
	newer["schema"] = 99
	delete(newer, "checksum")
	nb, _ := json.Marshal(newer)
	sum, _ := checksumOf(nb)
	newer["checksum"] = sum
	newerData, _ := json.Marshal(newer)
	state, _ := sandbox.EncodeState(sandbox.State{Account: sandbox.StateAccount{ID: "111122223333"}})
	tests := []struct {
		name string
		data []byte
		kind string
		says string
	}{
		{"empty", nil, ProblemTruncated, "empty"},
		{"truncated", good[:len(good)/2], ProblemTruncated, "truncated"},
		{"edited value", edit("111122223333", "111122223334"), ProblemEdited, "changed after it was exported"},
		{"checksum removed", edit(`"checksum": "sha256:`, `"checksum": "x`), ProblemEdited, "no valid checksum"},
		{"trailing data", append(append([]byte{}, good...), []byte("{}")...), ProblemEdited, "after the end"},
		{"foreign JSON", []byte(`{"hello":"world"}`), ProblemNotBundle, "not a SellerDesk support bundle"},
		{"not JSON", []byte("PK\x03\x04zip"), ProblemNotBundle, "not a JSON document"},
		{"sandbox state", state, ProblemNotBundle, "sandbox state file"},
		{"newer format", newerData, ProblemVersion, "bundle format 99"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data)
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("Decode: %v, want a *Problem", err)
			}
			if p.Kind != tc.kind || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Decode: %s %q, want %s saying %q", p.Kind, err, tc.kind, tc.says)
			}
		})
	}
}

func TestReadFileRefusesFolder(t *testing.T) {
	if _, err := ReadFile(t.TempDir()); err == nil {
		t.Fatal("a folder was read as a bundle")
	}
	p := filepath.Join(t.TempDir(), "b"+Ext)
	if err := WriteFile(p, validBundle(t)); err != nil {
		t.Fatal(err)
	}
	data, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"format":"sellerdesk-support-bundle","schema":1}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Decode(data)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("Decode error is not a *Problem: %v", err)
			}
			return
		}
		// What decodes converts and encodes again.
		if _, err := ToState(b); err != nil {
			t.Fatalf("ToState of a decoded bundle: %v", err)
		}
		if _, err := Encode(b); err != nil {
			t.Fatal(err)
		}
	})
}
