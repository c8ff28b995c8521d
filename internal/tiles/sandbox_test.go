package tiles

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
)

// sandboxWorld is a running sandbox and SDK clients pointed at it.
type sandboxWorld struct {
	cfg aws.Config
	cfn *cloudformation.Client
	iam *iam.Client
	s3  *s3.Client
	sns *sns.Client
	kms *kms.Client
	cat *marketplacecatalog.Client
	eb  *eventbridge.Client
	sqs *sqs.Client
}

func startSandbox(t *testing.T, scenario string) *sandboxWorld {
	t.Helper()
	for _, sc := range []string{scenario, "connected"} {
		if _, err := sandbox.LookupScenario(sc); err != nil {
			t.Fatalf("the sandbox has no %q scenario: %v", sc, err)
		}
	}
	srv, err := sandbox.Start(context.Background(), sandbox.Options{Scenario: scenario, TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "sandbox-secret", "")}
	return &sandboxWorld{cfg: cfg, cfn: cloudformation.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), sns: sns.NewFromConfig(cfg),
		kms: kms.NewFromConfig(cfg), cat: marketplacecatalog.NewFromConfig(cfg), eb: eventbridge.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg)}
}

// tiles builds every tile with Run, as the window's refresh and
// `sellerdesk status` do.
func (w *sandboxWorld) tiles(ctx context.Context, t *testing.T, rec *onboarding.StackRecord, o RunOptions) []Tile {
	t.Helper()
	res := Run(ctx, w.cfg, rec, o)
	for _, tile := range res.Tiles {
		t.Logf("%-6s %-14s %s", tile.ID, tile.State, tile.Summary)
	}
	return res.Tiles
}

// existingStack reads a stack the scenario launched, as the app finds it.
func (w *sandboxWorld) existingStack(ctx context.Context, t *testing.T) *onboarding.StackRecord {
	t.Helper()
	rec, found, err := onboarding.Discover(ctx, w.cfn, "test", onboarding.DefaultStackName)
	if err != nil || !found {
		t.Fatalf("the scenario's stack: found %v, %v", found, err)
	}
	return &rec
}

func states(tiles []Tile) string {
	var s []string
	for _, t := range tiles {
		s = append(s, string(t.State))
	}
	return strings.Join(s, ",")
}

func TestTilesOnSandboxScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		stack    bool
		opts     RunOptions
		want     string // seller, role, cas, sdds, notifications
		words    string
		failing  map[string]string
	}{
		{"not-seller", false, RunOptions{}, "not-registered,not-connected,not-connected,not-connected,not-connected", "0 of 4 required connected · CAS legacy", nil},
		// The user's word never overrides AWS refusing the account.
		{"not-seller", false, RunOptions{SellerConfirmed: true, SellerConfirmedAt: time.Now()}, "not-registered,not-connected,not-connected,not-connected,not-connected", "0 of 4 required connected · CAS legacy", nil},
		{"catalog-denied", false, RunOptions{}, "unknown,not-connected,not-connected,not-connected,not-connected", "0 of 4 required connected · CAS legacy", nil},
		// A delivered data feed is AWS's evidence: Connected without any tick.
		{"connected", true, RunOptions{}, "completed,connected,legacy,connected,connected", "4 of 4 required connected · CAS legacy", nil},
		{"connected", true, RunOptions{TestCAS: true}, "completed,connected,connected,connected,connected", "4 of 4 required connected · CAS legacy", nil},
		// Broken scenarios show their failure when they open, nothing ticked.
		{"cas-broken", true, RunOptions{}, "completed,connected,error,connected,connected", "4 of 4 required connected · CAS legacy", map[string]string{TileCAS: CASCheckTopic}},
		{"sdds-broken", true, RunOptions{}, "completed,connected,legacy,error,connected", "3 of 4 required connected · CAS legacy", map[string]string{TileSDDS: SDDSCheckKey}},
		{"sdds-broken", true, RunOptions{SDDSEnrolled: true}, "completed,connected,legacy,error,connected", "3 of 4 required connected · CAS legacy", map[string]string{TileSDDS: SDDSCheckKey}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			w := startSandbox(t, tt.scenario)
			ctx := context.Background()
			var rec *onboarding.StackRecord
			if tt.stack {
				rec = w.existingStack(ctx, t)
			}
			tiles := w.tiles(ctx, t, rec, tt.opts)
			if got := states(tiles); got != tt.want {
				t.Errorf("states %s, want %s", got, tt.want)
			}
			if got := Summarize(tiles).Text; got != tt.words {
				t.Errorf("summary %q, want %q", got, tt.words)
			}
			for _, tile := range tiles {
				if check, ok := tt.failing[tile.ID]; ok {
					if c, bad := firstNotPassed(tile.Checks); !bad || c.Name != check || !strings.Contains(tile.Summary, check) || !strings.Contains(tile.Summary, "Fix:") {
						t.Errorf("%s: first failing check %q, summary %q; want %q named with its fix", tile.ID, c.Name, tile.Summary, check)
					}
				}
			}
		})
	}
}

// fresh → launch → SDDS waits for AWS's first delivery whatever the user
// ticks, and turns Connected once a data feed is in the bucket.
func TestFreshLaunchToConnectedOnSandbox(t *testing.T) {
	w := startSandbox(t, "fresh")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	before := w.tiles(ctx, t, nil, RunOptions{})
	if got := states(before); got != "completed,not-connected,not-connected,not-connected,not-connected" {
		t.Errorf("before the launch: %s", got)
	}
	if s := Summarize(before); s.RequiredConnected != 1 || s.Required != 4 || s.Done() {
		t.Errorf("before the launch: %+v", s)
	}
	rec, err := onboarding.Launch(ctx, w.cfn, "sandbox", onboarding.DefaultStackName,
		template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-sandbox-external-id"})
	if err != nil {
		t.Fatal(err)
	}
	if tile := RoleTile(&rec); tile.State != StateLaunching {
		t.Errorf("right after the launch the role tile is %s", tile.State)
	}
	watcher := &onboarding.Watcher{CFN: w.cfn, IAM: w.iam,
		Polling: onboarding.Polling{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond, ThrottleMax: time.Second, Backoff: 1.5}}
	if rec, err = watcher.Watch(ctx, rec); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		enrolled bool
		deliver  bool
		want     string
		summary  string
	}{
		{"launched, not enrolled", false, false, "completed,connected,legacy,not-enrolled,connected", "Not enrolled"},
		{"enrolled on the user's word", true, false, "completed,connected,legacy,waiting,connected", "Enrolled (your word) · checks pass · waiting for AWS's first delivery"},
		{"AWS delivered", true, true, "completed,connected,legacy,connected,connected", "Connected: AWS delivered"},
		{"AWS delivered, the tick gone", false, false, "completed,connected,legacy,connected,connected", "Connected: AWS delivered"},
	}
	for _, st := range steps {
		if st.deliver {
			if _, err := w.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(rec.Outputs["SddsBucketName"]),
				Key: aws.String("billing_event_v1/year=2026/month=12/data.csv"), Body: strings.NewReader("billing_event_id\n")}); err != nil {
				t.Fatal(err)
			}
		}
		r := rec
		after := w.tiles(ctx, t, &r, RunOptions{SDDSEnrolled: st.enrolled})
		if got := states(after); got != st.want {
			t.Errorf("%s: %s, want %s", st.name, got, st.want)
		}
		if sdds := after[3]; !strings.Contains(sdds.Summary, st.summary) {
			t.Errorf("%s: SDDS says %q, want %q", st.name, sdds.Summary, st.summary)
		}
		for _, c := range after[3].Checks {
			if c.Name == SDDSCheckLatest && !st.deliver && st.want != "completed,connected,legacy,connected,connected" && c.Status != StatusWaiting {
				t.Errorf("%s: the missing delivery is %s, want waiting (never passed)", st.name, c.Status)
			}
		}
	}
}
