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

// RunOptions say which checks to run and what the user confirmed.
type RunOptions struct {
	AccountID         string // from STS; read from the stack outputs when empty
	SellerConfirmed   bool
	SellerConfirmedAt time.Time
	CASEnrolled       bool
	SDDSEnrolled      bool
	// TestCAS/TestSDDS run Test Configuration; otherwise Previous* are shown.
	TestCAS, TestSDDS             bool
	PreviousCAS, PreviousSDDS     []CheckResult
	PreviousCASAt, PreviousSDDSAt time.Time
	// TestNotifications runs the Notifications Test Configuration;
	// otherwise PreviousNotifications is shown.
	TestNotifications       bool
	PreviousNotifications   []CheckResult
	PreviousNotificationsAt time.Time
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

// Run builds the tiles from real calls with the clients of cfg: the
// Catalog probe (us-east-1, where the Catalog API lives), the role
// re-verification, and, when asked, CAS and SDDS Test Configuration.
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
	res.CAS, res.CASAt = o.PreviousCAS, o.PreviousCASAt
	if connected && o.TestCAS {
		res.CAS, res.CASAt = TestCAS(ctx, CASDeps{S3: s3c, SNS: sns.NewFromConfig(cfg), CAS: NewCASClient(cfg)}, rec.Outputs, account, ""), now
	}
	res.SDDS, res.SDDSAt = o.PreviousSDDS, o.PreviousSDDSAt
	if connected && o.TestSDDS {
		res.SDDS, res.SDDSAt = TestSDDS(ctx, SDDSDeps{S3: s3c, KMS: kms.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}, rec.Outputs, account), now
	}
	res.Tiles = append(res.Tiles, CASTile(rec, o.CASEnrolled, res.CAS, res.CASAt), SDDSTile(rec, o.SDDSEnrolled, res.SDDS, res.SDDSAt))
	res.Notifications, res.NotificationsAt = o.PreviousNotifications, o.PreviousNotificationsAt
	if connected && o.TestNotifications {
		res.Notifications, res.NotificationsAt = TestNotifications(ctx,
			NotificationsDeps{Events: eventbridge.NewFromConfig(cfg), SQS: sqs.NewFromConfig(cfg)}, rec.Outputs), now
	}
	res.Tiles = append(res.Tiles, NotificationsTile(rec, res.Notifications, res.NotificationsAt))
	return res
}
