package tiles

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

func TestTestCAS(t *testing.T) {
	type world struct {
		s3  *fakeS3
		sns *fakeSNS
		gen *fakeGenerator
		out map[string]string
	}
	tests := []struct {
		name       string
		mutate     func(w *world)
		failing    string // the check that does not pass; "" all pass
		alsoFail   []string
		status     string
		code       string
		detailHas  []string
		fixHas     string
		wantState  State
		summaryHas string
	}{
		{name: "every check passes", wantState: StateConnected, summaryHas: "all 4 checks pass"},
		{name: "policies returned URL-encoded", mutate: func(w *world) {
			w.s3.buckets[casBkt].policy = urlEncoded(casBucketPolicy)
			w.sns.topics[casTopic].policy = urlEncoded(casTopicPolicy)
		}, wantState: StateConnected},
		{name: "bucket missing", mutate: func(w *world) { delete(w.s3.buckets, casBkt) },
			failing: CASCheckBucket, status: StatusFailed, code: "NotFound", detailHas: []string{"does not exist"}, fixHas: "launch the onboarding stack again", wantState: StateError},
		{name: "bucket without a policy", mutate: func(w *world) { w.s3.buckets[casBkt].policy = "" },
			failing: CASCheckBucket, status: StatusFailed, code: "NoSuchBucketPolicy", detailHas: []string{"has no bucket policy"}, wantState: StateError},
		{name: "bucket policy without PutObject", mutate: func(w *world) {
			w.s3.buckets[casBkt].policy = strings.Replace(casBucketPolicy, `"s3:PutObject",`, "", 1)
		}, failing: CASCheckBucket, status: StatusFailed, detailHas: []string{"does not allow delivery", "no Allow statement grants s3:PutObject"}, fixHas: "s3:PutObject", wantState: StateError},
		{name: "bucket policy grants PutObject to another account only", mutate: func(w *world) {
			w.s3.buckets[casBkt].policy = strings.Replace(casBucketPolicy, "111122223333", "999988887777", 1)
		}, failing: CASCheckBucket, status: StatusFailed, wantState: StateError},
		{name: "bucket policy denies PutObject unconditionally", mutate: func(w *world) {
			w.s3.buckets[casBkt].policy = strings.Replace(casBucketPolicy, `"Condition":{"Bool":{"aws:SecureTransport":"false"}}`, `"Sid2":"x"`, 1)
		}, failing: CASCheckBucket, status: StatusFailed, detailHas: []string{"denies it unconditionally"}, wantState: StateError},
		{name: "topic missing", mutate: func(w *world) { delete(w.sns.topics, casTopic) },
			failing: CASCheckTopic, status: StatusFailed, code: "NotFound", detailHas: []string{"does not exist"}, wantState: StateError,
			alsoFail: []string{CASCheckSubscribe}},
		{name: "topic policy without Publish", mutate: func(w *world) {
			w.sns.topics[casTopic].policy = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["sns:GetTopicAttributes","sns:Subscribe"],"Resource":"` + casTopic + `"}]}`
		}, failing: CASCheckTopic, status: StatusFailed, detailHas: []string{"does not allow publishing", "sns:Publish"}, fixHas: "sns:Publish", wantState: StateError},
		{name: "topic without any policy", mutate: func(w *world) { w.sns.topics[casTopic].policy = "" },
			failing: CASCheckTopic, status: StatusFailed, detailHas: []string{"has no access policy"}, wantState: StateError},
		{name: "topic not subscribed to the queue", mutate: func(w *world) {
			w.sns.topics[casTopic].subs = []snstypes.Subscription{sqsSub(casTopic, "arn:aws:sqs:us-east-1:111122223333:other")}
		}, failing: CASCheckSubscribe, status: StatusFailed, detailHas: []string{"no sqs subscription to queue", "other"}, fixHas: "subscribe the queue", wantState: StateError},
		{name: "subscription found on a later page", mutate: func(w *world) {
			tp := w.sns.topics[casTopic]
			tp.subs = []snstypes.Subscription{sqsSub(casTopic, "arn:x:1"), sqsSub(casTopic, "arn:x:2"), sqsSub(casTopic, queueArn)}
			tp.pageSize = 1
		}, wantState: StateConnected},
		{name: "subscription pending confirmation", mutate: func(w *world) {
			s := sqsSub(casTopic, queueArn)
			s.SubscriptionArn = aws.String("PendingConfirmation")
			w.sns.topics[casTopic].subs = []snstypes.Subscription{s}
		}, failing: CASCheckSubscribe, status: StatusFailed, detailHas: []string{"pending confirmation"}, wantState: StateError},
		{name: "GenerateDataSet refused with MarketplaceCommerceAnalyticsException", mutate: func(w *world) {
			w.gen.err = httpErr(500, "MarketplaceCommerceAnalyticsException", "account is not on the allow list")
		}, failing: CASCheckGenerate, status: StatusFailed, code: "MarketplaceCommerceAnalyticsException",
			detailHas: []string{"30 August 2024", "most likely that discontinuation", "account is not on the allow list"}, fixHas: CASDiscontinuedSource, wantState: StateError},
		{name: "GenerateDataSet denied by IAM", mutate: func(w *world) {
			w.gen.err = apiErr("AccessDeniedException", "User is not authorized to perform: marketplacecommerceanalytics:GenerateDataSet")
		}, failing: CASCheckGenerate, status: StatusFailed, code: "AccessDeniedException", detailHas: []string{"discontinued", "GenerateDataSet"}, wantState: StateError},
		{name: "CAS endpoint gone", mutate: func(w *world) {
			w.gen.err = &CASServiceGoneError{Endpoint: CASDefaultEndpoint, Err: errors.New("dial tcp: lookup marketplacecommerceanalytics.us-east-1.amazonaws.com: no such host")}
		}, failing: CASCheckGenerate, status: StatusFailed, detailHas: []string{"did not serve GenerateDataSet", "most likely that discontinuation"}, wantState: StateError},
		{name: "GenerateDataSet NotImplemented is could-not-check, never passed", mutate: func(w *world) {
			w.gen.err = httpErr(501, "NotImplemented", "the endpoint does not implement marketplacecommerceanalytics")
		}, failing: CASCheckGenerate, status: StatusCouldNotCheck, code: "NotImplemented", detailHas: []string{"could not be checked"}, wantState: StateUnknown, summaryHas: "could not be run"},
		{name: "S3 answers a bare 501", mutate: func(w *world) { w.s3.buckets[casBkt].headErr = statusErr{501} },
			failing: CASCheckBucket, status: StatusCouldNotCheck, wantState: StateUnknown},
		{name: "GenerateDataSet answered with another error", mutate: func(w *world) {
			w.gen.err = apiErr("ValidationException", "roleNameArn is invalid")
		}, failing: CASCheckGenerate, status: StatusFailed, code: "ValidationException", fixHas: "MarketplaceCommerceAnalyticsRole", wantState: StateError},
		{name: "stack outputs without the CAS bucket", mutate: func(w *world) { delete(w.out, "CasBucketName") },
			failing: CASCheckBucket, status: StatusFailed, detailHas: []string{"outputs have no CasBucketName"}, wantState: StateError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s3f, snsf, gen := casWorld()
			w := &world{s3f, snsf, gen, outputs()}
			if tt.mutate != nil {
				tt.mutate(w)
			}
			deps := CASDeps{S3: w.s3, SNS: w.sns, CAS: w.gen, Now: func() time.Time { return fixedNow }}
			got := TestCAS(context.Background(), deps, w.out, acct, "")
			if len(got) != 4 {
				t.Fatalf("%d checks, want 4: %+v", len(got), got)
			}
			for _, c := range got {
				if c.Name == tt.failing {
					if c.Status != tt.status {
						t.Errorf("%s: status %s, want %s (%s)", c.Name, c.Status, tt.status, c.Detail)
					}
					if c.Code != tt.code {
						t.Errorf("%s: code %q, want %q", c.Name, c.Code, tt.code)
					}
					for _, s := range tt.detailHas {
						if !strings.Contains(c.Detail, s) {
							t.Errorf("%s: detail %q lacks %q", c.Name, c.Detail, s)
						}
					}
					if !strings.Contains(c.Fix, tt.fixHas) {
						t.Errorf("%s: fix %q lacks %q", c.Name, c.Fix, tt.fixHas)
					}
					if c.Fix == "" {
						t.Errorf("%s: no fix", c.Name)
					}
				} else if c.Status != StatusPassed && c.Name != CASCheckGenerate && !slices.Contains(tt.alsoFail, c.Name) {
					// Only the check under test may fail (the data-set request
					// depends on the others only on AWS's side).
					t.Errorf("%s: %s (%s), want passed", c.Name, c.Status, c.Detail)
				}
			}
			tile := CASTile(&onboarding.StackRecord{Phase: onboarding.PhaseConnected, Outputs: w.out}, got, fixedNow)
			if tile.State != tt.wantState {
				t.Errorf("tile state %s, want %s: %s", tile.State, tt.wantState, tile.Summary)
			}
			if tt.wantState == StateError && (!strings.Contains(tile.Summary, tt.failing) || !strings.Contains(tile.Summary, "Fix:")) {
				t.Errorf("summary %q does not name the failing check %q and its fix", tile.Summary, tt.failing)
			}
			if !strings.Contains(tile.Summary, tt.summaryHas) {
				t.Errorf("summary %q lacks %q", tile.Summary, tt.summaryHas)
			}
			// CAS is legacy and optional: whatever its state, it never counts.
			if s := Summarize([]Tile{tile}); s.RequiredConnected != 0 || !strings.HasSuffix(s.Text, " · CAS legacy") {
				t.Errorf("a %s CAS tile changes the count: %q", tile.State, s.Text)
			}
		})
	}
}

func TestTestCASRequest(t *testing.T) {
	s3f, snsf, gen := casWorld()
	deps := CASDeps{S3: s3f, SNS: snsf, CAS: gen, Now: func() time.Time { return fixedNow }}
	TestCAS(context.Background(), deps, outputs(), acct, "")
	if gen.got == nil {
		t.Fatal("GenerateDataSet was not called")
	}
	want := GenerateDataSetInput{
		DataSetType: "customer_subscriber_hourly_monthly_subscriptions", DataSetPublicationDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
		RoleNameArn: "arn:aws:iam::111122223333:role/MarketplaceCommerceAnalyticsRole", DestinationS3BucketName: casBkt,
		DestinationS3Prefix: "sellerdesk-test", SnsTopicArn: casTopic,
	}
	if g := *gen.got; g.DataSetType != want.DataSetType || !g.DataSetPublicationDate.Equal(want.DataSetPublicationDate) ||
		g.RoleNameArn != want.RoleNameArn || g.DestinationS3BucketName != want.DestinationS3BucketName ||
		g.DestinationS3Prefix != want.DestinationS3Prefix || g.SnsTopicArn != want.SnsTopicArn {
		t.Errorf("request %+v, want %+v", g, want)
	}
	// The role is a parameter; then the outputs; then the enrollment default.
	TestCAS(context.Background(), deps, outputs(), acct, "arn:aws:iam::111122223333:role/Custom")
	if gen.got.RoleNameArn != "arn:aws:iam::111122223333:role/Custom" {
		t.Errorf("roleNameArn %s, want the one passed", gen.got.RoleNameArn)
	}
	o := outputs()
	o["CasRoleArn"] = "arn:aws:iam::111122223333:role/FromStack"
	TestCAS(context.Background(), deps, o, "", "")
	if gen.got.RoleNameArn != "arn:aws:iam::111122223333:role/FromStack" {
		t.Errorf("roleNameArn %s, want the stack output", gen.got.RoleNameArn)
	}
	// Without an account ID, it is read from the topic ARN.
	if got := CASRoleARN(outputs(), accountFrom("", casTopic), ""); got != want.RoleNameArn {
		t.Errorf("CASRoleARN %s", got)
	}
}

func TestCASFieldsAndTileStates(t *testing.T) {
	f := CASFields(outputs())
	want := []Field{{"S3 bucket name (legacy CAS form)", casBkt, true}, {"SNS topic ARN (legacy CAS form)", casTopic, true}, {"Role ARN", roleArn, true}}
	if len(f) != len(want) {
		t.Fatalf("fields %+v", f)
	}
	for i := range want {
		if f[i] != want[i] {
			t.Errorf("field %d: %+v, want %+v", i, f[i], want[i])
		}
	}
	passed := []CheckResult{{Name: CASCheckBucket, Status: StatusPassed}, {Name: CASCheckTopic, Status: StatusPassed}}
	generated := append(append([]CheckResult{}, passed...), CheckResult{Name: CASCheckGenerate, Status: StatusPassed})
	refused := append(append([]CheckResult{}, passed...), CheckResult{Name: CASCheckGenerate, Status: StatusFailed, Detail: "refused", Fix: "use SDDS"})
	broken := []CheckResult{{Name: CASCheckTopic, Status: StatusFailed, Detail: "no publish", Fix: "update the stack"}}
	connected := &onboarding.StackRecord{Phase: onboarding.PhaseConnected, Outputs: outputs()}
	tests := []struct {
		name   string
		rec    *onboarding.StackRecord
		checks []CheckResult
		state  State
		fields bool
	}{
		{"no stack", nil, nil, StateNotConnected, false},
		{"stack launching", &onboarding.StackRecord{Phase: onboarding.PhaseLaunching, Done: 3, Total: 20}, nil, StateLaunching, false},
		{"stack failed", &onboarding.StackRecord{Phase: onboarding.PhaseError}, passed, StateNotConnected, false},
		{"connected, not checked", connected, nil, StateLegacy, true},
		{"resources in place: legacy, nothing to enrol in", connected, passed, StateLegacy, true},
		{"a broken resource shows without a test", connected, broken, StateError, true},
		{"CAS refused the data set (AWS: discontinued)", connected, refused, StateError, true},
		{"an endpoint that still serves CAS", connected, generated, StateConnected, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tile := CASTile(tt.rec, tt.checks, fixedNow)
			for _, f := range tile.Fields {
				if f.Label != "Role ARN" && !strings.Contains(f.Label, "legacy") {
					t.Errorf("field %q is not marked legacy", f.Label)
				}
			}
			for _, n := range tile.Notes {
				if strings.HasPrefix(n.Text, "Enroll") {
					t.Errorf("the legacy tile asks for enrolment as if it were a live step: %q", n.Text)
				}
			}
			if tt.state == StateLegacy && (!strings.Contains(tile.Summary, "30 August 2024") || !strings.Contains(tile.Summary, "data feeds")) {
				t.Errorf("legacy summary %q does not say CAS was discontinued and replaced by data feeds", tile.Summary)
			}
			if tile.ID != TileCAS || tile.State != tt.state {
				t.Errorf("tile %s state %s, want %s (%s)", tile.ID, tile.State, tt.state, tile.Summary)
			}
			if (len(tile.Fields) > 0) != tt.fields {
				t.Errorf("fields %+v", tile.Fields)
			}
			hasNote := false
			for _, n := range tile.Notes {
				if n.Link == CASDiscontinuedSource && strings.Contains(n.Text, "30 August 2024") {
					hasNote = true
				}
			}
			if !hasNote {
				t.Errorf("the tile does not mention the discontinuation with its source: %+v", tile.Notes)
			}
			if tile.Summary == "" {
				t.Error("empty summary")
			}
		})
	}
}
