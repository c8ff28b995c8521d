package tiles

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// RunOptions say what the user stated and whether to ask CAS for a data
// set. The checks that only read AWS's state (CAS's resources, every SDDS
// check) run whenever the stack is connected: a broken setup shows without
// anyone ticking or testing first.
type RunOptions struct {
	AccountID         string // from STS; read from the stack outputs when empty
	SellerConfirmed   bool
	SellerConfirmedAt time.Time
	// SDDSEnrolled is the user's word that they submitted AWS's data-feed
	// form; it changes the SDDS tile's words, never its count.
	SDDSEnrolled bool
	// TestCAS also sends CAS a GenerateDataSet request; otherwise the last
	// answer (in PreviousCAS) is kept beside the fresh checks.
	TestCAS       bool
	PreviousCAS   []CheckResult
	PreviousCASAt time.Time
}

// Result is the tiles plus the role record as re-verified.
type Result struct {
	Tiles           []Tile
	Record          *onboarding.StackRecord // nil when no stack
	CAS, SDDS       []CheckResult
	CASAt, SDDSAt   time.Time
	Notifications   []CheckResult
	NotificationsAt time.Time
}

// Run builds the tiles from real calls with the clients of cfg: the Catalog
// probe (us-east-1, where the Catalog API lives), the role
// re-verification, CAS's and SDDS's checks and, when asked, CAS's
// GenerateDataSet. The tiles carry Required (Annotate).
func Run(ctx context.Context, cfg aws.Config, rec *onboarding.StackRecord, o RunOptions) Result {
	now := time.Now().UTC()
	catCfg := cfg.Copy()
	catCfg.Region = "us-east-1"
	probe, err := ProbeSeller(ctx, marketplacecatalog.NewFromConfig(catCfg))
	if err != nil {
		probe = SellerProbe{Outcome: SellerProbeFailed, Message: redact.String(err.Error()), CheckedAt: now}
	}
	res := Result{}
	res.Tiles = append(res.Tiles, SellerTile(probe, o.SellerConfirmed, o.SellerConfirmedAt))
	if rec != nil && (rec.Phase == onboarding.PhaseConnected || rec.Phase == onboarding.PhaseError) && rec.Outputs != nil {
		r := RefreshRole(ctx, iam.NewFromConfig(cfg), *rec)
		rec = &r
	}
	res.Record = rec
	res.Tiles = append(res.Tiles, RoleTile(rec))
	account := o.AccountID
	if account == "" && rec != nil {
		if parts := strings.Split(rec.Outputs["QueueArn"], ":"); len(parts) > 4 {
			account = parts[4]
		}
	}
	connected := rec != nil && rec.Phase == onboarding.PhaseConnected
	s3c := s3.NewFromConfig(cfg, func(so *s3.Options) { so.UsePathStyle = cfg.BaseEndpoint != nil })
	if connected {
		deps := CASDeps{S3: s3c, SNS: sns.NewFromConfig(cfg), CAS: NewCASClient(cfg)}
		if o.TestCAS {
			res.CAS = TestCAS(ctx, deps, rec.Outputs, account, "")
		} else {
			res.CAS = append(CheckCAS(ctx, deps, rec.Outputs, account), previousGenerate(o.PreviousCAS)...)
		}
		res.CASAt = now
		res.SDDS, res.SDDSAt = TestSDDS(ctx, SDDSDeps{S3: s3c, KMS: kms.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}, rec.Outputs, account), now
	}
	res.Tiles = append(res.Tiles, CASTile(rec, res.CAS, res.CASAt), SDDSTile(rec, o.SDDSEnrolled, res.SDDS, res.SDDSAt))
	// The Notifications checks only read, so every refresh runs them.
	if connected {
		res.Notifications, res.NotificationsAt = TestNotifications(ctx,
			NotificationsDeps{Events: eventbridge.NewFromConfig(cfg), SQS: sqs.NewFromConfig(cfg)}, rec.Outputs), now
	}
	res.Tiles = append(res.Tiles, NotificationsTile(rec, res.Notifications, res.NotificationsAt))
	res.Tiles = Annotate(res.Tiles)
	return res
}

// previousGenerate is the GenerateDataSet line of an earlier CAS test, if
// any: a refresh does not ask CAS again, and keeps what it last answered.
func previousGenerate(checks []CheckResult) []CheckResult {
	for _, c := range checks {
		if c.Name == CASCheckGenerate {
			return []CheckResult{c}
		}
	}
	return nil
}
