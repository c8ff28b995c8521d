package tiles

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

// The Notifications tile: AWS Marketplace's events reach the partner's
// queue through the onboarding stack's EventBridge rule (us-east-1 default
// bus). Its Test Configuration reads the rule, its targets, the queue's
// policy and the dead-letter queue, and reports the queue's depth.

// TileNotifications is the Notifications tile's ID.
const TileNotifications = "notifications"

// MarketplaceEventSources are the sources AWS Marketplace sends its events
// from (aws-marketplace-facts §7).
var MarketplaceEventSources = []string{"aws.marketplacecatalog", "aws.agreement-marketplace", "aws.marketplace"}

// MarketplaceEventRegion is the only region AWS Marketplace sends events to.
const MarketplaceEventRegion = "us-east-1"

// MarketplaceEventsGuide is AWS's page on the Marketplace events.
const MarketplaceEventsGuide = "https://docs.aws.amazon.com/marketplace/latest/userguide/notifications-eventbridge.html"

// Names of the Notifications checks, in order.
const (
	NotifCheckRule        = "Marketplace event rule exists and is enabled"
	NotifCheckPattern     = "Rule's pattern covers the Marketplace sources"
	NotifCheckTarget      = "Rule's target is the notification queue, with a dead-letter queue"
	NotifCheckQueuePolicy = "Queue policy admits the rule, and only the stack's rules"
	NotifCheckDeadLetter  = "Dead-letter queue is empty"
	NotifCheckQueue       = "Notification queue depth"
)

// EventsAPI is the part of the EventBridge client the checks use
// (*eventbridge.Client satisfies it).
type EventsAPI interface {
	DescribeRule(ctx context.Context, in *eventbridge.DescribeRuleInput, o ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error)
	ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, o ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
}

// SQSAPI is the part of the SQS client the checks use (*sqs.Client
// satisfies it).
type SQSAPI interface {
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, o ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
}

// NotificationsDeps are the clients of the Notifications checks, in the
// stack's region.
type NotificationsDeps struct {
	Events EventsAPI
	SQS    SQSAPI
}

// NotificationsFields are the stack outputs the tile shows.
func NotificationsFields(outputs map[string]string) []Field {
	var f []Field
	add := func(label, key string) {
		if v := outputs[key]; v != "" {
			f = append(f, Field{Label: label, Value: v, Copy: true})
		}
	}
	add("Event rule ARN", "EventRuleArn")
	add("Queue URL", "QueueUrl")
	add("Dead-letter queue URL", "EventsDeadLetterQueueUrl")
	return f
}

// ruleName is the rule's name from its ARN (…:rule/NAME, or
// …:rule/BUS/NAME on a custom bus).
func ruleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// stackRegion is the region of the stack's queue ARN.
func stackRegion(outputs map[string]string) string {
	if parts := strings.SplitN(outputs["QueueArn"], ":", 6); len(parts) == 6 {
		return parts[3]
	}
	return ""
}

// TestNotifications runs the Notifications Test Configuration, one result
// per check, in order. A stack outside us-east-1 has no rule (AWS sends
// Marketplace events only there): every check says so.
func TestNotifications(ctx context.Context, deps NotificationsDeps, outputs map[string]string) []CheckResult {
	ruleArn := outputs["EventRuleArn"]
	if ruleArn == "" {
		region := stackRegion(outputs)
		if region != "" && region != MarketplaceEventRegion {
			detail := "the onboarding stack is in " + region + "; AWS Marketplace sends its events only to the default event bus in " + MarketplaceEventRegion +
				", and a rule delivers only to a queue in its own region, so the stack has no event rule"
			fix := "Delete the onboarding stack and launch it again with a profile whose region is us-east-1 (its buckets are kept on delete, so give new bucket names or remove the old ones)."
			return []CheckResult{{Name: NotifCheckRule, Status: StatusFailed, Detail: detail, Fix: fix}}
		}
	}
	rule, ruleResult := ruleCheck(ctx, deps.Events, ruleArn)
	return []CheckResult{
		ruleResult,
		patternCheck(rule, ruleArn),
		targetCheck(ctx, deps.Events, ruleArn, outputs["QueueArn"]),
		queuePolicyCheck(ctx, deps.SQS, outputs["QueueUrl"], outputs["QueueArn"], ruleArn),
		deadLetterCheck(ctx, deps.SQS, outputs["EventsDeadLetterQueueUrl"]),
		queueDepthCheck(ctx, deps.SQS, outputs["QueueUrl"]),
	}
}

func ruleCheck(ctx context.Context, ev EventsAPI, ruleArn string) (*eventbridge.DescribeRuleOutput, CheckResult) {
	name := NotifCheckRule
	if ruleArn == "" {
		return nil, missingOutput(name, "EventRuleArn")
	}
	out, err := ev.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(ruleName(ruleArn))})
	if err != nil {
		if isNotFound(err) {
			return nil, CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err), Detail: "rule " + ruleArn + " does not exist (" + errorCode(err) + ")", Fix: fixUpdateStack}
		}
		return nil, errorResult(name, "events:DescribeRule", ruleArn, err, fixUpdateStack)
	}
	if out.State == ebtypes.RuleStateDisabled {
		return out, CheckResult{Name: name, Status: StatusFailed, Detail: "rule " + ruleArn + " is DISABLED: no event reaches the queue",
			Fix: "Enable the rule (aws events enable-rule --name " + ruleName(ruleArn) + " --region us-east-1), or update the onboarding stack."}
	}
	return out, CheckResult{Name: name, Status: StatusPassed, Detail: "rule " + ruleArn + " is " + string(out.State)}
}

// patternCheck reads the rule's pattern: its "source" must let every
// Marketplace source through (exactly or by prefix). Other filters are
// named, since they narrow what arrives.
func patternCheck(rule *eventbridge.DescribeRuleOutput, ruleArn string) CheckResult {
	name := NotifCheckPattern
	if rule == nil {
		return CheckResult{Name: name, Status: StatusCouldNotCheck, Detail: "the rule could not be read (see the check above)",
			Fix: "Fix the rule check first, then test again."}
	}
	fix := "Update the onboarding stack so the rule's pattern is {\"source\": [\"" + strings.Join(MarketplaceEventSources, "\", \"") + "\"]} again."
	raw := aws.ToString(rule.EventPattern)
	var p map[string]any
	if err := json.Unmarshal([]byte(raw), &p); err != nil || p == nil {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "rule " + ruleArn + " has no readable event pattern (" + raw + ")", Fix: fix}
	}
	matchers, _ := p["source"].([]any)
	var missing []string
	for _, src := range MarketplaceEventSources {
		if !slices.ContainsFunc(matchers, func(m any) bool { return sourceMatcherLets(m, src) }) {
			missing = append(missing, src)
		}
	}
	if len(missing) > 0 {
		return CheckResult{Name: name, Status: StatusFailed,
			Detail: "the pattern does not let through " + strings.Join(missing, ", ") + " (pattern " + raw + ")", Fix: fix}
	}
	detail := "the pattern lets through " + strings.Join(MarketplaceEventSources, ", ")
	var others []string
	for k := range p {
		if k != "source" {
			others = append(others, k)
		}
	}
	if len(others) > 0 {
		slices.Sort(others)
		detail += "; it also filters on " + strings.Join(others, ", ") + ", so only some of their events arrive"
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: detail}
}

// sourceMatcherLets reports whether one matcher of a pattern's "source"
// list matches src: the value itself, or {"prefix": p} with src starting
// with p.
func sourceMatcherLets(m any, src string) bool {
	switch x := m.(type) {
	case string:
		return x == src
	case map[string]any:
		if pre, ok := x["prefix"].(string); ok {
			return strings.HasPrefix(src, pre)
		}
	}
	return false
}

func targetCheck(ctx context.Context, ev EventsAPI, ruleArn, queueArn string) CheckResult {
	name := NotifCheckTarget
	switch {
	case ruleArn == "":
		return missingOutput(name, "EventRuleArn")
	case queueArn == "":
		return missingOutput(name, "QueueArn")
	}
	var (
		token *string
		seen  []string
	)
	for page := 0; page < maxPages; page++ {
		out, err := ev.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(ruleName(ruleArn)), NextToken: token})
		if err != nil {
			if isNotFound(err) {
				return CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err), Detail: "rule " + ruleArn + " does not exist", Fix: fixUpdateStack}
			}
			return errorResult(name, "events:ListTargetsByRule", ruleArn, err, fixUpdateStack)
		}
		for _, t := range out.Targets {
			arn := aws.ToString(t.Arn)
			if arn != queueArn {
				seen = append(seen, arn)
				continue
			}
			if t.DeadLetterConfig == nil || aws.ToString(t.DeadLetterConfig.Arn) == "" {
				return CheckResult{Name: name, Status: StatusFailed,
					Detail: "target " + aws.ToString(t.Id) + " delivers to the queue but has no dead-letter queue: an event it cannot deliver is dropped",
					Fix:    fixUpdateStack}
			}
			return CheckResult{Name: name, Status: StatusPassed,
				Detail: "target " + aws.ToString(t.Id) + " delivers to " + queueArn + ", failed deliveries go to " + aws.ToString(t.DeadLetterConfig.Arn)}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		token = out.NextToken
	}
	detail := "rule " + ruleArn + " has no target delivering to " + queueArn
	if len(seen) > 0 {
		detail += " (its targets: " + strings.Join(seen, ", ") + ")"
	}
	return CheckResult{Name: name, Status: StatusFailed, Detail: detail, Fix: fixUpdateStack}
}

// queueAttributes reads a queue's attributes; a non-nil result is the
// check's outcome.
func queueAttributes(ctx context.Context, q SQSAPI, name, url string, attrs ...sqstypes.QueueAttributeName) (map[string]string, *CheckResult) {
	out, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: attrs})
	if err != nil {
		if isNotFound(err) || errorCode(err) == "AWS.SimpleQueueService.NonExistentQueue" || errorCode(err) == "QueueDoesNotExist" {
			return nil, &CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err), Detail: "queue " + url + " does not exist", Fix: fixUpdateStack}
		}
		r := errorResult(name, "sqs:GetQueueAttributes", url, err, fixUpdateStack)
		return nil, &r
	}
	return out.Attributes, nil
}

func queuePolicyCheck(ctx context.Context, q SQSAPI, url, queueArn, ruleArn string) CheckResult {
	name := NotifCheckQueuePolicy
	switch {
	case url == "" || queueArn == "":
		return missingOutput(name, "QueueUrl", "QueueArn")
	case ruleArn == "":
		return missingOutput(name, "EventRuleArn")
	}
	attrs, r := queueAttributes(ctx, q, name, url, sqstypes.QueueAttributeNamePolicy)
	if r != nil {
		return *r
	}
	fix := "Update the onboarding stack to restore the queue policy: Allow events.amazonaws.com sqs:SendMessage on " + queueArn + " with ArnEquals aws:SourceArn " + ruleArn + "."
	raw := attrs[string(sqstypes.QueueAttributeNamePolicy)]
	if strings.TrimSpace(raw) == "" {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "queue " + url + " has no policy: EventBridge cannot deliver to it", Fix: fix}
	}
	pol, err := ParsePolicy(raw)
	if err != nil {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "the policy of queue " + url + ": " + err.Error(), Fix: fix}
	}
	req := func(source string) iampolicy.Request {
		return iampolicy.Request{Service: "events.amazonaws.com", Action: "sqs:SendMessage", Resource: queueArn,
			Context: map[string]string{"aws:SourceArn": source, "aws:SourceAccount": arnAccount(queueArn)}}
	}
	if !pol.Allows(req(ruleArn)) {
		return CheckResult{Name: name, Status: StatusFailed,
			Detail: "the queue policy does not allow events.amazonaws.com sqs:SendMessage from " + ruleArn + ": events are sent to the dead-letter queue instead", Fix: fix}
	}
	other := ruleArn[:strings.LastIndex(ruleArn, "/")+1] + "any-other-rule"
	if pol.Allows(req(other)) {
		return CheckResult{Name: name, Status: StatusFailed,
			Detail: "the queue policy lets any EventBridge rule send to the queue (no aws:SourceArn condition), not only the stack's",
			Fix:    "Scope the statement with ArnEquals aws:SourceArn " + ruleArn + " (update the onboarding stack to restore it)."}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "events.amazonaws.com may send to the queue only from " + ruleArn}
}

func deadLetterCheck(ctx context.Context, q SQSAPI, url string) CheckResult {
	name := NotifCheckDeadLetter
	if url == "" {
		return missingOutput(name, "EventsDeadLetterQueueUrl")
	}
	attrs, r := queueAttributes(ctx, q, name, url, sqstypes.QueueAttributeNameApproximateNumberOfMessages,
		sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
	if r != nil {
		return *r
	}
	n, ok1 := attrInt(attrs, sqstypes.QueueAttributeNameApproximateNumberOfMessages)
	inFlight, ok2 := attrInt(attrs, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
	if !ok1 || !ok2 {
		return CheckResult{Name: name, Status: StatusCouldNotCheck, Detail: "sqs:GetQueueAttributes on " + url + " did not report the message counts",
			Fix: "Run Test Configuration against AWS (or the SellerDesk sandbox) to check this."}
	}
	if total := n + inFlight; total > 0 {
		return CheckResult{Name: name, Status: StatusFailed,
			Detail: fmt.Sprintf("%d event(s) could not be delivered to the queue and wait in the dead-letter queue", total),
			Fix: "Read them (aws sqs receive-message --queue-url " + url + " --message-attribute-names All): ERROR_CODE and ERROR_MESSAGE say why; " +
				"fix the cause (usually the queue policy), then move or delete them."}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "no failed delivery: the dead-letter queue is empty"}
}

func queueDepthCheck(ctx context.Context, q SQSAPI, url string) CheckResult {
	name := NotifCheckQueue
	if url == "" {
		return missingOutput(name, "QueueUrl")
	}
	attrs, r := queueAttributes(ctx, q, name, url, sqstypes.QueueAttributeNameApproximateNumberOfMessages,
		sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible, sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
		sqstypes.QueueAttributeNameMessageRetentionPeriod)
	if r != nil {
		return *r
	}
	n, ok := attrInt(attrs, sqstypes.QueueAttributeNameApproximateNumberOfMessages)
	if !ok {
		return CheckResult{Name: name, Status: StatusCouldNotCheck, Detail: "sqs:GetQueueAttributes on " + url + " did not report the message count",
			Fix: "Run Test Configuration against AWS (or the SellerDesk sandbox) to check this."}
	}
	inFlight, _ := attrInt(attrs, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
	detail := fmt.Sprintf("%d message(s) waiting, %d being read", n, inFlight)
	if secs, ok := attrInt(attrs, sqstypes.QueueAttributeNameMessageRetentionPeriod); ok && secs > 0 {
		kept := (time.Duration(secs) * time.Second).String()
		if secs%86400 == 0 {
			kept = fmt.Sprintf("%d days", secs/86400)
		}
		detail += "; messages are kept " + kept
	}
	detail += ". The oldest message's age is not an SQS attribute (it is the CloudWatch metric ApproximateAgeOfOldestMessage), so it is not shown"
	return CheckResult{Name: name, Status: StatusPassed, Detail: detail}
}

func attrInt(attrs map[string]string, name sqstypes.QueueAttributeName) (int, bool) {
	v, ok := attrs[string(name)]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// NotificationsTile builds the Notifications tile from the stack record and
// the last Test Configuration (nil: not tested yet). There is nothing to
// enrol in: the stack's rule is the whole setup.
func NotificationsTile(rec *onboarding.StackRecord, checks []CheckResult, checkedAt time.Time) Tile {
	t := Tile{ID: TileNotifications, State: StateNotConnected,
		Notes: []Note{{Text: "AWS Marketplace sends its events (change sets, offers, agreements, licenses, disbursements) through Amazon EventBridge, only in us-east-1; the per-product SNS topics are the legacy channel.", Link: MarketplaceEventsGuide}}}
	switch {
	case rec == nil || rec.Phase == onboarding.PhaseNotConnected:
		t.Summary = "Not connected: launch the onboarding stack (Role and access) first; it creates the Marketplace event rule."
		return t
	case rec.Phase == onboarding.PhaseLaunching || rec.Phase == onboarding.PhaseVerifying:
		t.State = StateLaunching
		t.Summary = fmt.Sprintf("Waiting for the onboarding stack (%d of %d resources); it creates the Marketplace event rule.", rec.Done, rec.Total)
		return t
	case rec.Phase != onboarding.PhaseConnected:
		t.Summary = "Not connected: the Role and access tile must be Connected first."
		return t
	}
	t.Fields = NotificationsFields(rec.Outputs)
	t.Checks, t.CheckedAt = checks, checkedAt
	t.State = stateOfChecks(checks)
	switch t.State {
	case StateNotConnected:
		t.Summary = "Run Test Configuration to check that Marketplace events reach the queue."
	case StateConnected:
		t.Summary = fmt.Sprintf("Connected: all %d checks passed; Marketplace events reach the queue.", len(checks))
	case StateError:
		c, _ := firstNotPassed(checks)
		t.Summary = "Error: " + c.Name + " — " + c.Detail + ". Fix: " + c.Fix
	case StateUnknown:
		c, _ := firstNotPassed(checks)
		t.Summary = fmt.Sprintf("Not verified: %d check(s) could not be run by this endpoint, starting with %q; none failed.",
			countStatus(checks, StatusCouldNotCheck), c.Name)
	}
	return t
}
