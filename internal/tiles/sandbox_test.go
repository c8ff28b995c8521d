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

// tiles builds all the tiles from real calls, as a refresh with both
// "Enrolled" toggles ticked does.
func (w *sandboxWorld) tiles(ctx context.Context, t *testing.T, rec *onboarding.StackRecord) []Tile {
	t.Helper()
	probe, err := ProbeSeller(ctx, w.cat)
	if err != nil {
		t.Logf("seller probe: %v", err)
	}
	out := []Tile{SellerTile(probe, false, time.Time{})}
	if rec != nil {
		*rec = RefreshRole(ctx, w.iam, *rec)
	}
	out = append(out, RoleTile(rec))
	var casChecks, sddsChecks, notifChecks []CheckResult
	if rec != nil && rec.Phase == onboarding.PhaseConnected {
		account := strings.Split(rec.Outputs["QueueArn"], ":")[4]
		casChecks = TestCAS(ctx, CASDeps{S3: w.s3, SNS: w.sns, CAS: NewCASClient(w.cfg)}, rec.Outputs, account, "")
		sddsChecks = TestSDDS(ctx, SDDSDeps{S3: w.s3, KMS: w.kms, SNS: w.sns}, rec.Outputs, account)
		notifChecks = TestNotifications(ctx, NotificationsDeps{Events: w.eb, SQS: w.sqs}, rec.Outputs)
	}
	now := time.Now()
	out = append(out, CASTile(rec, true, casChecks, now), SDDSTile(rec, true, sddsChecks, now), NotificationsTile(rec, notifChecks, now))
	for _, tile := range out {
		t.Logf("%-6s %-14s %s", tile.ID, tile.State, tile.Summary)
	}
	return out
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
		want     string // seller, role, cas, sdds, notifications
		failing  map[string]string
	}{
		{"not-seller", false, "not-registered,not-connected,not-connected,not-connected,not-connected", nil},
		{"catalog-denied", false, "unknown,not-connected,not-connected,not-connected,not-connected", nil},
		{"connected", true, "completed,connected,connected,connected,connected", nil},
		{"cas-broken", true, "completed,connected,error,connected,connected", map[string]string{TileCAS: CASCheckTopic}},
		{"sdds-broken", true, "completed,connected,connected,error,connected", map[string]string{TileSDDS: SDDSCheckKey}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			w := startSandbox(t, tt.scenario)
			ctx := context.Background()
			var rec *onboarding.StackRecord
			if tt.stack {
				rec = w.existingStack(ctx, t)
			}
			tiles := w.tiles(ctx, t, rec)
			if got := states(tiles); got != tt.want {
				t.Errorf("states %s, want %s", got, tt.want)
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

// fresh → launch → every tile Connected.
func TestFreshLaunchToConnectedOnSandbox(t *testing.T) {
	w := startSandbox(t, "fresh")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	before := w.tiles(ctx, t, nil)
	if got := states(before); got != "completed,not-connected,not-connected,not-connected,not-connected" {
		t.Errorf("before the launch: %s", got)
	}
	if c, n := Progress(before); c != 1 || n != 5 {
		t.Errorf("before the launch: %d of %d", c, n)
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
	after := w.tiles(ctx, t, &rec)
	if got := states(after); got != "completed,connected,connected,connected,connected" {
		t.Errorf("after the launch: %s", got)
	}
	if c, n := Progress(after); c != 5 || n != 5 {
		t.Errorf("after the launch: %d of %d connected", c, n)
	}
}
