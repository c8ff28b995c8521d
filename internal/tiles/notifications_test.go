package tiles

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

const (
	ruleArn   = "arn:aws:events:us-east-1:111122223333:rule/SellerDesk-Onboarding-MarketplaceEventsRule-ABC"
	dlqArn    = "arn:aws:sqs:us-east-1:111122223333:SellerDesk-Onboarding-MarketplaceEventsDeadLetterQueue-ABC"
	dlqURL    = "https://sqs.us-east-1.amazonaws.com/111122223333/SellerDesk-Onboarding-MarketplaceEventsDeadLetterQueue-ABC"
	goodQueue = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowMarketplaceEventRuleToSend","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},` +
		`"Action":"sqs:SendMessage","Resource":"` + queueArn + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + ruleArn + `"}}}]}`
	marketplacePattern = `{"source":["aws.marketplacecatalog","aws.agreement-marketplace","aws.marketplace"]}`
)

type fakeEvents struct {
	rule       *eventbridge.DescribeRuleOutput
	ruleErr    error
	targets    []ebtypes.Target
	targetsErr error
}

func (f *fakeEvents) DescribeRule(_ context.Context, in *eventbridge.DescribeRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error) {
	if aws.ToString(in.Name) != ruleName(ruleArn) {
		return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Rule " + aws.ToString(in.Name) + " does not exist on EventBus default."}
	}
	return f.rule, f.ruleErr
}

func (f *fakeEvents) ListTargetsByRule(context.Context, *eventbridge.ListTargetsByRuleInput, ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	return &eventbridge.ListTargetsByRuleOutput{Targets: f.targets}, f.targetsErr
}

type fakeSQS struct {
	attrs map[string]map[string]string // by queue URL
	err   error
}

func (f *fakeSQS) GetQueueAttributes(_ context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	a, ok := f.attrs[aws.ToString(in.QueueUrl)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "The specified queue does not exist."}
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if v, ok := a[string(n)]; ok {
			out[string(n)] = v
		}
	}
	return &sqs.GetQueueAttributesOutput{Attributes: out}, nil
}

func notifOutputs() map[string]string {
	o := outputs()
	o["EventRuleArn"], o["EventsDeadLetterQueueArn"], o["EventsDeadLetterQueueUrl"] = ruleArn, dlqArn, dlqURL
	return o
}

func goodNotifDeps() (*fakeEvents, *fakeSQS) {
	ev := &fakeEvents{rule: &eventbridge.DescribeRuleOutput{Name: aws.String(ruleName(ruleArn)), Arn: aws.String(ruleArn),
		State: ebtypes.RuleStateEnabled, EventPattern: aws.String(marketplacePattern)},
		targets: []ebtypes.Target{{Id: aws.String("PartnerQueue"), Arn: aws.String(queueArn), DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqArn)}}}}
	q := &fakeSQS{attrs: map[string]map[string]string{
		outputs()["QueueUrl"]: {"Policy": goodQueue, "ApproximateNumberOfMessages": "2", "ApproximateNumberOfMessagesNotVisible": "1",
			"ApproximateNumberOfMessagesDelayed": "0", "MessageRetentionPeriod": "1209600"},
		dlqURL: {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"},
	}}
	return ev, q
}

func TestNotificationChecks(t *testing.T) {
	notImpl := &smithy.GenericAPIError{Code: "UnknownOperationException", Message: "not implemented"}
	tests := []struct {
		name    string
		mutate  func(ev *fakeEvents, q *fakeSQS, out map[string]string)
		failing string // first check not passed ("" = all pass)
		status  string
		detail  string
		n       int // number of checks (default 6)
	}{
		{name: "all good", mutate: func(*fakeEvents, *fakeSQS, map[string]string) {}},
		{name: "rule disabled", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) { ev.rule.State = ebtypes.RuleStateDisabled },
			failing: NotifCheckRule, status: StatusFailed, detail: "DISABLED"},
		{name: "rule deleted", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) {
			ev.rule, ev.ruleErr = nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Rule does not exist"}
		}, failing: NotifCheckRule, status: StatusFailed, detail: "does not exist"},
		{name: "DescribeRule not implemented", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) { ev.rule, ev.ruleErr = nil, notImpl },
			failing: NotifCheckRule, status: StatusCouldNotCheck, detail: "does not implement"},
		{name: "pattern misses a source", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) {
			ev.rule.EventPattern = aws.String(`{"source":["aws.marketplacecatalog"]}`)
		}, failing: NotifCheckPattern, status: StatusFailed, detail: "aws.agreement-marketplace, aws.marketplace"},
		{name: "prefix pattern covers, detail-type narrows", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) {
			ev.rule.EventPattern = aws.String(`{"source":[{"prefix":"aws."}],"detail-type":["Change Set Succeeded"]}`)
		}},
		{name: "target is another queue", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) {
			ev.targets[0].Arn = aws.String("arn:aws:sqs:us-east-1:111122223333:other")
		}, failing: NotifCheckTarget, status: StatusFailed, detail: "its targets: arn:aws:sqs:us-east-1:111122223333:other"},
		{name: "target without dead-letter queue", mutate: func(ev *fakeEvents, _ *fakeSQS, _ map[string]string) { ev.targets[0].DeadLetterConfig = nil },
			failing: NotifCheckTarget, status: StatusFailed, detail: "no dead-letter queue"},
		{name: "queue policy missing", mutate: func(_ *fakeEvents, q *fakeSQS, out map[string]string) { delete(q.attrs[out["QueueUrl"]], "Policy") },
			failing: NotifCheckQueuePolicy, status: StatusFailed, detail: "has no policy"},
		{name: "queue policy without SourceArn", mutate: func(_ *fakeEvents, q *fakeSQS, out map[string]string) {
			q.attrs[out["QueueUrl"]]["Policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"Any","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + queueArn + `"}]}`
		}, failing: NotifCheckQueuePolicy, status: StatusFailed, detail: "any EventBridge rule"},
		{name: "queue policy for another rule", mutate: func(_ *fakeEvents, q *fakeSQS, out map[string]string) {
			q.attrs[out["QueueUrl"]]["Policy"] = strings.ReplaceAll(goodQueue, ruleArn, ruleArn+"-OLD")
		}, failing: NotifCheckQueuePolicy, status: StatusFailed, detail: "does not allow events.amazonaws.com"},
		{name: "failed deliveries", mutate: func(_ *fakeEvents, q *fakeSQS, _ map[string]string) {
			q.attrs[dlqURL]["ApproximateNumberOfMessages"], q.attrs[dlqURL]["ApproximateNumberOfMessagesNotVisible"] = "3", "1"
		}, failing: NotifCheckDeadLetter, status: StatusFailed, detail: "4 event(s) could not be delivered"},
		{name: "SQS not implemented", mutate: func(_ *fakeEvents, q *fakeSQS, _ map[string]string) { q.err = notImpl },
			failing: NotifCheckQueuePolicy, status: StatusCouldNotCheck, detail: "does not implement"},
		{name: "stack outside us-east-1", mutate: func(_ *fakeEvents, _ *fakeSQS, out map[string]string) {
			delete(out, "EventRuleArn")
			out["QueueArn"] = strings.Replace(out["QueueArn"], "us-east-1", "eu-west-1", 1)
		}, failing: NotifCheckRule, status: StatusFailed, detail: "only to the default event bus in us-east-1", n: 1},
		{name: "older stack without the rule", mutate: func(_ *fakeEvents, _ *fakeSQS, out map[string]string) { delete(out, "EventRuleArn") },
			failing: NotifCheckRule, status: StatusFailed, detail: "no EventRuleArn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, q := goodNotifDeps()
			out := notifOutputs()
			tt.mutate(ev, q, out)
			checks := TestNotifications(context.Background(), NotificationsDeps{Events: ev, SQS: q}, out)
			n := tt.n
			if n == 0 {
				n = 6
			}
			if len(checks) != n {
				t.Fatalf("%d checks, want %d: %+v", len(checks), n, checks)
			}
			c, bad := firstNotPassed(checks)
			switch {
			case tt.failing == "" && bad:
				t.Fatalf("want every check passed, %s: %s (%s)", c.Name, c.Status, c.Detail)
			case tt.failing == "":
				if d := checks[5].Detail; !strings.Contains(d, "2 message(s) waiting, 1 being read") || !strings.Contains(d, "14 days") || !strings.Contains(d, "CloudWatch") {
					t.Errorf("queue depth detail %q", d)
				}
				if strings.Contains(tt.name, "narrows") && !strings.Contains(checks[1].Detail, "also filters on detail-type") {
					t.Errorf("pattern detail %q does not name the narrowing filter", checks[1].Detail)
				}
				return
			}
			if c.Name != tt.failing || c.Status != tt.status || !strings.Contains(c.Detail, tt.detail) {
				t.Errorf("first not passed: %s %s %q; want %s %s containing %q", c.Name, c.Status, c.Detail, tt.failing, tt.status, tt.detail)
			}
			if c.Status == StatusFailed && c.Fix == "" {
				t.Errorf("%s failed without a fix", c.Name)
			}
			for _, x := range checks {
				if x.Status == StatusPassed && strings.Contains(x.Detail, "could not") {
					t.Errorf("%s passed with %q", x.Name, x.Detail)
				}
			}
		})
	}
}

func TestNotificationsTileStates(t *testing.T) {
	ev, q := goodNotifDeps()
	checks := TestNotifications(context.Background(), NotificationsDeps{Events: ev, SQS: q}, notifOutputs())
	connected := &onboarding.StackRecord{Phase: onboarding.PhaseConnected, Outputs: notifOutputs()}
	failing := append([]CheckResult{}, checks...)
	failing[4] = CheckResult{Name: NotifCheckDeadLetter, Status: StatusFailed, Detail: "2 event(s) could not be delivered", Fix: "read them"}
	unknown := append([]CheckResult{}, checks...)
	unknown[0] = CheckResult{Name: NotifCheckRule, Status: StatusCouldNotCheck, Detail: "not implemented"}
	tests := []struct {
		name    string
		rec     *onboarding.StackRecord
		checks  []CheckResult
		want    State
		summary string
	}{
		{"no stack", nil, nil, StateNotConnected, "launch the onboarding stack"},
		{"launching", &onboarding.StackRecord{Phase: onboarding.PhaseLaunching, Done: 3, Total: 30}, nil, StateLaunching, "3 of 30"},
		{"connected, not tested", connected, nil, StateNotConnected, "Run Test Configuration"},
		{"all pass", connected, checks, StateConnected, "all 6 checks passed"},
		{"a failure", connected, failing, StateError, "Dead-letter queue is empty"},
		{"could not check", connected, unknown, StateUnknown, "could not be run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tile := NotificationsTile(tt.rec, tt.checks, time.Now())
			if tile.ID != TileNotifications || tile.State != tt.want || !strings.Contains(tile.Summary, tt.summary) {
				t.Errorf("tile %s %s %q; want %s containing %q", tile.ID, tile.State, tile.Summary, tt.want, tt.summary)
			}
			if tt.want == StateConnected && len(tile.Fields) != 3 {
				t.Errorf("fields %+v", tile.Fields)
			}
		})
	}
}

// TestNotificationsOnSandbox: the sandbox's connected scenario passes every
// check; then what a user could break with the AWS CLI shows, one at a
// time: a disabled rule, a failed delivery waiting in the dead-letter
// queue, a removed target.
func TestNotificationsOnSandbox(t *testing.T) {
	w := startSandbox(t, "connected")
	ctx := context.Background()
	rec := w.existingStack(ctx, t)
	out := maps.Clone(rec.Outputs)
	deps := NotificationsDeps{Events: w.eb, SQS: w.sqs}
	run := func() (CheckResult, bool) {
		checks := TestNotifications(ctx, deps, out)
		return firstNotPassed(checks)
	}
	if c, bad := run(); bad {
		t.Fatalf("connected: %s %s (%s)", c.Name, c.Status, c.Detail)
	}
	name := aws.String(ruleName(out["EventRuleArn"]))
	if _, err := w.eb.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	if c, _ := run(); c.Name != NotifCheckRule || c.Status != StatusFailed {
		t.Errorf("disabled rule: %s %s (%s)", c.Name, c.Status, c.Detail)
	}
	if _, err := w.eb.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(out["EventsDeadLetterQueueUrl"]), MessageBody: aws.String(`{"detail-type":"Change Set Succeeded"}`)}); err != nil {
		t.Fatal(err)
	}
	if c, _ := run(); c.Name != NotifCheckDeadLetter || !strings.Contains(c.Detail, "1 event(s)") {
		t.Errorf("a dead letter: %s %s (%s)", c.Name, c.Status, c.Detail)
	}
	m, err := w.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(out["EventsDeadLetterQueueUrl"])})
	if err != nil || len(m.Messages) != 1 {
		t.Fatalf("ReceiveMessage: %v, %v", m, err)
	}
	if _, err := w.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(out["EventsDeadLetterQueueUrl"]), ReceiptHandle: m.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eb.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: name, Ids: []string{"PartnerQueue"}}); err != nil {
		t.Fatal(err)
	}
	if c, _ := run(); c.Name != NotifCheckTarget || c.Status != StatusFailed {
		t.Errorf("no target: %s %s (%s)", c.Name, c.Status, c.Detail)
	}
}
