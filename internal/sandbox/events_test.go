package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	mctypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"
	"github.com/aws/smithy-go"
)

// awsCLI runs the AWS CLI against srv and decodes the JSON it prints (nil
// when it prints nothing).
func awsCLI(t *testing.T, srv *Server, args ...string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append(args, "--endpoint-url", srv.URL(), "--output", "json")...)
	cmd.Env = isolatedAWSEnv(t, "", staticKeys...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if strings.TrimSpace(string(out)) == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), out, err)
	}
	return m
}

// TestAWSCLIEventBridgeDeliversChangeSetEvents is the demo of issue 12,
// judged by the AWS CLI: on the connected scenario the stack's rule is
// listed, test-event-pattern agrees with it, and a change set started with
// the CLI ends with "Change Set Succeeded" in the partner's queue.
func TestAWSCLIEventBridgeDeliversChangeSetEvents(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, _, _ := startFast(t, "connected")
	st, ok := srv.Account().Stack(OnboardingStackName)
	if !ok {
		t.Fatal("no onboarding stack")
	}
	ruleArn, queueURL := st.Outputs["EventRuleArn"], st.Outputs["QueueUrl"]
	if ruleArn == "" {
		t.Fatalf("no EventRuleArn output: %v", st.Outputs)
	}
	ruleName := ruleArn[strings.LastIndex(ruleArn, "/")+1:]

	rules, _ := awsCLI(t, srv, "events", "list-rules")["Rules"].([]any)
	if len(rules) != 1 {
		t.Fatalf("list-rules = %v", rules)
	}
	rule := rules[0].(map[string]any)
	if rule["Name"] != ruleName || rule["Arn"] != ruleArn || rule["State"] != "ENABLED" || rule["EventBusName"] != "default" {
		t.Errorf("rule = %v", rule)
	}
	pattern, _ := rule["EventPattern"].(string)
	targets, _ := awsCLI(t, srv, "events", "list-targets-by-rule", "--rule", ruleName)["Targets"].([]any)
	if len(targets) != 1 || targets[0].(map[string]any)["Arn"] != st.Outputs["QueueArn"] ||
		targets[0].(map[string]any)["DeadLetterConfig"].(map[string]any)["Arn"] != st.Outputs["EventsDeadLetterQueueArn"] {
		t.Errorf("list-targets-by-rule = %v", targets)
	}

	event := func(source string) string {
		return `{"id":"1","account":"111122223333","source":"` + source + `","time":"2026-12-03T10:00:00Z","region":"us-east-1",` +
			`"resources":[],"detail-type":"Change Set Succeeded","detail":{}}`
	}
	for source, want := range map[string]bool{"aws.marketplacecatalog": true, "aws.agreement-marketplace": true, "aws.marketplace": true, "aws.ec2": false} {
		got := awsCLI(t, srv, "events", "test-event-pattern", "--event-pattern", pattern, "--event", event(source))["Result"]
		if got != want {
			t.Errorf("test-event-pattern for %s = %v, want %v", source, got, want)
		}
	}

	products, _ := awsCLI(t, srv, "marketplace-catalog", "list-entities", "--catalog", CatalogName, "--entity-type", "SaaSProduct", "--max-results", "1")["EntitySummaryList"].([]any)
	if len(products) == 0 {
		t.Fatal("no product")
	}
	id := products[0].(map[string]any)["EntityId"].(string)
	change := `[{"ChangeType":"UpdateInformation","Entity":{"Type":"SaaSProduct@1.0","Identifier":"` + id + `"},"Details":"{\"ProductTitle\":\"Evented\"}"}]`
	started := awsCLI(t, srv, "marketplace-catalog", "start-change-set", "--catalog", CatalogName, "--change-set", change, "--change-set-name", "evented")
	csID, _ := started["ChangeSetId"].(string)

	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && body == ""; {
		msgs, _ := awsCLI(t, srv, "sqs", "receive-message", "--queue-url", queueURL, "--wait-time-seconds", "2",
			"--attribute-names", "All")["Messages"].([]any)
		for _, m := range msgs {
			if b := m.(map[string]any)["Body"].(string); strings.Contains(b, "Change Set") {
				body = b
			}
		}
	}
	var ev struct {
		DetailType string   `json:"detail-type"`
		Source     string   `json:"source"`
		Account    string   `json:"account"`
		Region     string   `json:"region"`
		Resources  []string `json:"resources"`
		Detail     map[string]any
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("no change-set event in the queue (body %q): %v", body, err)
	}
	if ev.DetailType != "Change Set Succeeded" || ev.Source != "aws.marketplacecatalog" || ev.Account != "111122223333" ||
		ev.Region != "us-east-1" || ev.Detail["ChangeSetId"] != csID || ev.Detail["ChangeSetName"] != "evented" ||
		ev.Detail["Catalog"] != CatalogName || len(ev.Resources) != 1 || !strings.HasSuffix(ev.Resources[0], "/ChangeSet/"+csID) {
		t.Errorf("event = %+v", ev)
	}

	// A disabled rule delivers nothing.
	awsCLI(t, srv, "events", "disable-rule", "--name", ruleName)
	if d := awsCLI(t, srv, "events", "describe-rule", "--name", ruleName); d["State"] != "DISABLED" {
		t.Errorf("describe-rule after disable-rule = %v", d)
	}
	before := len(srv.Account().QueueMessages(queueURL))
	started = awsCLI(t, srv, "marketplace-catalog", "start-change-set", "--catalog", CatalogName, "--change-set", change)
	waitChangeSetEnd(t, srv, started["ChangeSetId"].(string))
	if n := len(srv.Account().QueueMessages(queueURL)); n != before {
		t.Errorf("a disabled rule delivered: %d messages, had %d", n, before)
	}
}

func waitChangeSetEnd(t *testing.T, srv *Server, id string) CatalogChangeSet {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cs, ok := srv.Account().CatalogChangeSet(id); ok && !cs.open() {
			return cs
		}
	}
	t.Fatalf("change set %s did not end", id)
	return CatalogChangeSet{}
}

// TestEventBridgeAPI drives the ten operations through the SDK: rule and
// target life cycle, the errors EventBridge gives, and delivery rules (the
// queue policy's aws:SourceArn, the dead-letter queue, the pattern, failed
// and cancelled change sets, Offer Released).
func TestEventBridgeAPI(t *testing.T) {
	c := startClients(t, "connected")
	eb := eventbridge.NewFromConfig(c.cfg)
	ctx := t.Context()
	out := c.outputs(t)
	queueArn, dlqArn, dlqURL, queueURL := out["QueueArn"], out["EventsDeadLetterQueueArn"], out["EventsDeadLetterQueueUrl"], out["QueueUrl"]
	a := c.srv.Account()

	wantCode := func(what string, err error, code string) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Errorf("%s: err = %v, want %s", what, err, code)
		}
	}
	_, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("no-pattern")})
	wantCode("PutRule without pattern", err, "ValidationException")
	_, err = eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad"), EventPattern: aws.String(`{"source":"x"}`)})
	wantCode("PutRule with a bad pattern", err, "InvalidEventPatternException")
	_, err = eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("missing")})
	wantCode("DescribeRule missing", err, "ResourceNotFoundException")
	_, err = eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":["x"]}`), EventBusName: aws.String("custom")})
	wantCode("PutRule on another bus", err, "ResourceNotFoundException")

	// A second rule of the user's, for failed and cancelled change sets
	// only, targeting the partner queue: its ARN is not in the queue policy,
	// so its events go to its dead-letter queue.
	put, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("failures"),
		EventPattern: aws.String(`{"source":["aws.marketplacecatalog"],"detail-type":[{"anything-but":"Change Set Succeeded"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.RuleArn) != "arn:aws:events:us-east-1:111122223333:rule/failures" {
		t.Errorf("RuleArn = %s", aws.ToString(put.RuleArn))
	}
	pt, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("failures"), Targets: []ebtypes.Target{
		{Id: aws.String("q"), Arn: aws.String(queueArn), DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqArn)}}}})
	if err != nil || pt.FailedEntryCount != 0 {
		t.Fatalf("PutTargets = %+v, %v", pt, err)
	}
	_, err = eb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("failures")})
	wantCode("DeleteRule with targets", err, "ValidationException")

	listed, err := eb.ListRules(ctx, &eventbridge.ListRulesInput{Limit: aws.Int32(1)})
	if err != nil || len(listed.Rules) != 1 || listed.NextToken == nil {
		t.Fatalf("ListRules limit 1 = %+v, %v", listed, err)
	}
	next, err := eb.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: listed.NextToken})
	if err != nil || len(next.Rules) != 1 || next.NextToken != nil || aws.ToString(next.Rules[0].Name) == aws.ToString(listed.Rules[0].Name) {
		t.Fatalf("ListRules page 2 = %+v, %v", next, err)
	}

	// Stopped stack rule: only "failures" sees the events now.
	stackRule := out["EventRuleArn"][strings.LastIndex(out["EventRuleArn"], "/")+1:]
	if _, err := eb.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String(stackRule)}); err != nil {
		t.Fatal(err)
	}
	queueBefore := len(a.QueueMessages(queueURL))
	dlqBefore := len(a.QueueMessages(dlqURL))
	a.mu.Lock()
	a.emitEvent(SourceMarketplaceCatalog, DetailChangeSetFailed, nil, map[string]any{"ChangeSetId": "x"}, time.Now())
	a.emitEvent(SourceMarketplaceCatalog, DetailChangeSetSucceeded, nil, map[string]any{"ChangeSetId": "y"}, time.Now())
	a.mu.Unlock()
	if n := len(a.QueueMessages(queueURL)); n != queueBefore {
		t.Errorf("the queue policy admitted a rule it does not name: %d messages, had %d", n, queueBefore)
	}
	dlq := a.QueueMessages(dlqURL)
	if len(dlq) != dlqBefore {
		// the dead-letter queue's policy names only the stack's rule, so
		// "failures" cannot use it either
		t.Errorf("dead-letter queue took a message from a rule its policy does not name: %+v", dlq)
	}

	// Enabled again, the stack's rule delivers both; a Failed event carries
	// FailureCode.
	if _, err := eb.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String(stackRule)}); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	a.emitEvent(SourceMarketplaceCatalog, DetailChangeSetFailed, nil, map[string]any{"ChangeSetId": "x"}, time.Now())
	a.mu.Unlock()
	if n := len(a.QueueMessages(queueURL)); n != queueBefore+1 {
		t.Errorf("enabled stack rule: %d messages, want %d", n, queueBefore+1)
	}

	// The stack rule's target loses its permission (the queue policy is
	// replaced): the event goes to the dead-letter queue with EventBridge's
	// attributes.
	a.mu.Lock()
	q := a.findQueue(queueURL)
	saved := q.Attributes["Policy"]
	q.Attributes["Policy"] = `{"Version":"2012-10-17","Statement":[]}`
	a.emitEvent(SourceMarketplaceCatalog, DetailChangeSetCancelled, nil, map[string]any{}, time.Now())
	q.Attributes["Policy"] = saved
	a.mu.Unlock()
	dlq = a.QueueMessages(dlqURL)
	if len(dlq) != dlqBefore+1 || dlq[len(dlq)-1].MessageAttributes["ERROR_CODE"] != "NO_PERMISSIONS" ||
		dlq[len(dlq)-1].MessageAttributes["RULE_ARN"] != out["EventRuleArn"] || !strings.Contains(dlq[len(dlq)-1].Body, "Change Set Cancelled") {
		t.Errorf("dead-letter queue = %+v", dlq)
	}

	// A change set cancelled with the Catalog API ends with "Change Set
	// Cancelled" in the queue.
	product := ""
	for _, e := range a.CatalogEntities() {
		if e.Type == "SaaSProduct" && !e.Shared {
			product = e.ID
			break
		}
	}
	started, err := c.catalog.StartChangeSet(ctx, &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
		ChangeSet: []mctypes.Change{{ChangeType: aws.String("UpdateInformation"), Entity: &mctypes.Entity{Type: aws.String("SaaSProduct@1.0"), Identifier: aws.String(product)},
			Details: aws.String(`{"ProductTitle":"Cancelled"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.catalog.CancelChangeSet(ctx, &marketplacecatalog.CancelChangeSetInput{Catalog: aws.String(CatalogName), ChangeSetId: started.ChangeSetId}); err != nil {
		t.Fatal(err)
	}
	msgs := a.QueueMessages(queueURL)
	last := msgs[len(msgs)-1].Body
	if !strings.Contains(last, `"detail-type":"Change Set Cancelled"`) || !strings.Contains(last, aws.ToString(started.ChangeSetId)) {
		t.Errorf("last message %s, want the Change Set Cancelled event", last)
	}

	rt, err := eb.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("failures"), Ids: []string{"q", "nope"}})
	if err != nil || rt.FailedEntryCount != 1 {
		t.Errorf("RemoveTargets = %+v, %v", rt, err)
	}
	if _, err := eb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("failures")}); err != nil {
		t.Errorf("DeleteRule: %v", err)
	}
	if got := len(a.EventRules()); got != 1 {
		t.Errorf("%d rules after DeleteRule, want 1", got)
	}
}

// TestEventsSurviveTheDocument: rules and targets are in the state document
// and come back from it.
func TestEventsSurviveTheDocument(t *testing.T) {
	sc, err := LookupScenario("connected")
	if err != nil {
		t.Fatal(err)
	}
	a, err := sc.build()
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown()
	b, err := EncodeState(a.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	s, err := DecodeState(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Events.Rules) != 1 || len(s.Events.Rules[0].Targets) != 1 || s.Events.Rules[0].Targets[0].DeadLetterConfig == nil {
		t.Fatalf("document events = %+v", s.Events)
	}
	back, err := NewAccountFromState(s)
	if err != nil {
		t.Fatal(err)
	}
	defer back.shutdown()
	if got, want := back.EventRules(), a.EventRules(); len(got) != 1 || got[0].ARN != want[0].ARN || got[0].EventPattern != want[0].EventPattern ||
		got[0].Targets[0].Arn != want[0].Targets[0].Arn {
		t.Errorf("restored rules %+v, want %+v", got, want)
	}
	// A document without the section (an older one) has no rules.
	var raw map[string]any
	_ = json.Unmarshal(b, &raw)
	delete(raw, "events")
	old, _ := json.Marshal(raw)
	s, err = DecodeState(old)
	if err != nil || len(s.Events.Rules) != 0 {
		t.Errorf("document without events: %+v, %v", s.Events, err)
	}
}

// motoMatcher asks moto's own event-pattern matcher (moto.events'
// EventPattern; moto_server's TestEventPattern is not implemented and
// always answers false) about each pattern.
const motoMatcher = `
import json, sys
from moto.events.models import EventPattern
event = json.loads(sys.argv[1])
print(json.dumps([EventPattern.load(p).matches_event(event) for p in json.loads(sys.stdin.read())]))
`

// TestEventPatternsAgreeWithMoto: an outside implementation of EventBridge
// pattern matching, moto's, agrees with the sandbox on the operators moto
// implements.
func TestEventPatternsAgreeWithMoto(t *testing.T) {
	requireTool(t, "moto", "python3", "-c", "import moto.events.models")
	ev, err := decodeEvent(docEvent)
	if err != nil {
		t.Fatal(err)
	}
	patterns := []string{
		`{"source":["aws.ec2"]}`,
		`{"source":["aws.s3"]}`,
		`{"detail":{"state":["terminated"]}}`,
		`{"detail":{"c-count":[5]}}`,
		`{"time":[{"prefix":"2017-12-22"}]}`,
		`{"time":[{"prefix":"2018"}]}`,
		`{"detail":{"state":[{"anything-but":"initializing"}]}}`,
		`{"detail":{"state":[{"anything-but":"terminated"}]}}`,
		`{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}`,
		`{"detail":{"state":[{"exists":true}]}}`,
		`{"detail":{"nothing":[{"exists":true}]}}`,
		`{"detail":{"nothing":[{"exists":false}]}}`,
		`{"detail":{"state":[{"exists":false}]}}`,
		`{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`,
		`{"detail":{"c-count":[{"numeric":[">",5]}]}}`,
		`{"detail":{"tags":["web"]}}`,
		`{"detail":{"tags":["db"]}}`,
		`{"detail":{"responseElements":[null]}}`,
		`{"source":["aws.marketplacecatalog","aws.agreement-marketplace","aws.marketplace"]}`,
	}
	in, _ := json.Marshal(patterns)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", "-c", motoMatcher, docEvent)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("moto's matcher: %v", err)
	}
	var want []bool
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(patterns) {
		t.Fatalf("moto printed %q: %v", out, err)
	}
	for i, p := range patterns {
		pat, err := parseEventPattern(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := pat.matches(ev); got != want[i] {
			t.Errorf("%s: sandbox %v, moto %v", p, got, want[i])
		}
	}
}

// TestChangeSetEventsFailedAndOfferReleased: a failing change set emits
// "Change Set Failed" with its FailureCode, and a ReleaseOffer change
// "Change Set Succeeded" then "Offer Released" with the offer.
func TestChangeSetEventsFailedAndOfferReleased(t *testing.T) {
	srv, _, _ := startFast(t, "connected")
	cat := marketplacecatalog.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	a := srv.Account()
	queueURL := a.Snapshot().CloudFormation.Stacks[0].Outputs
	var qURL string
	for _, o := range queueURL {
		if o.Key == "QueueUrl" {
			qURL = o.Value
		}
	}
	var product, offer string
	for _, e := range a.CatalogEntities() {
		switch {
		case e.Shared:
		case e.Type == "SaaSProduct" && product == "":
			product = e.ID
		case e.Type == "Offer" && offer == "":
			offer = e.ID
		}
	}
	start := func(typ, entityType, id, details string) string {
		t.Helper()
		out, err := cat.StartChangeSet(t.Context(), &marketplacecatalog.StartChangeSetInput{Catalog: aws.String(CatalogName),
			ChangeSet: []mctypes.Change{{ChangeType: aws.String(typ), Entity: &mctypes.Entity{Type: aws.String(entityType), Identifier: aws.String(id)},
				Details: aws.String(details)}}})
		if err != nil {
			t.Fatal(err)
		}
		waitChangeSetEnd(t, srv, aws.ToString(out.ChangeSetId))
		return aws.ToString(out.ChangeSetId)
	}
	events := func() []map[string]any {
		var out []map[string]any
		for _, m := range a.QueueMessages(qURL) {
			var ev map[string]any
			if json.Unmarshal([]byte(m.Body), &ev) == nil && ev["source"] == SourceMarketplaceCatalog {
				out = append(out, ev)
			}
		}
		return out
	}
	failed := start("UpdateInformation", "SaaSProduct@1.0", product, `{"ProductTitle":"FAIL"}`)
	evs := events()
	if len(evs) != 1 || evs[0]["detail-type"] != DetailChangeSetFailed {
		t.Fatalf("events after a failed change set: %v", evs)
	}
	if d := evs[0]["detail"].(map[string]any); d["ChangeSetId"] != failed || d["FailureCode"] != "CLIENT_ERROR" {
		t.Errorf("Change Set Failed detail = %v", d)
	}
	start("ReleaseOffer", "Offer@1.0", offer, `{}`)
	evs = events()
	if len(evs) != 3 || evs[1]["detail-type"] != DetailChangeSetSucceeded || evs[2]["detail-type"] != DetailOfferReleased {
		t.Fatalf("events after ReleaseOffer: %v", evs)
	}
	d := evs[2]["detail"].(map[string]any)
	o, _ := d["offer"].(map[string]any)
	if o["id"] != offer || !strings.HasSuffix(o["arn"].(string), "/Offer/"+offer) || d["catalog"] != CatalogName ||
		d["sellerOfRecord"].(map[string]any)["accountId"] != "111122223333" {
		t.Errorf("Offer Released detail = %v", d)
	}
}

const ruleTemplate = `
Parameters:
  State: {Type: String, Default: ENABLED}
  Source: {Type: String, Default: aws.marketplacecatalog}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: cfn-rule
      State: !Ref State
      EventPattern:
        source: [!Ref Source]
      Targets:
        - Id: q
          Arn: !GetAtt Queue.Arn
          InputPath: $.detail
Outputs:
  RuleArn:
    Value: !GetAtt Rule.Arn
  RuleName:
    Value: !Ref Rule
`

// TestEventsRuleResource: AWS::Events::Rule through the CloudFormation
// engine: created with its targets (Ref the name, Fn::GetAtt Arn), updated
// in place (state and pattern), deleted with the stack; a bad pattern fails
// the resource with EventBridge's reason.
func TestEventsRuleResource(t *testing.T) {
	srv, cfn, _ := startFast(t, "fresh")
	a := srv.Account()
	params := func(state, source string) []cfntypes.Parameter {
		return []cfntypes.Parameter{{ParameterKey: aws.String("State"), ParameterValue: aws.String(state)},
			{ParameterKey: aws.String("Source"), ParameterValue: aws.String(source)}}
	}
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("rules"), TemplateBody: aws.String(ruleTemplate),
		Parameters: params("ENABLED", "aws.marketplacecatalog")})
	out := map[string]string{}
	for _, o := range st.Outputs {
		out[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	if st.StackStatus != cfntypes.StackStatusCreateComplete || out["RuleName"] != "cfn-rule" ||
		out["RuleArn"] != "arn:aws:events:us-east-1:111122223333:rule/cfn-rule" {
		t.Fatalf("stack %s, outputs %v", st.StackStatus, out)
	}
	rules := a.EventRules()
	if len(rules) != 1 || rules[0].State != RuleEnabled || len(rules[0].Targets) != 1 || rules[0].Targets[0].InputPath != "$.detail" ||
		rules[0].EventPattern != `{"source":["aws.marketplacecatalog"]}` {
		t.Fatalf("rules = %+v", rules)
	}
	// The stack's rule delivers (InputPath: the detail only) once the queue
	// admits it; without a queue policy the event is not delivered.
	q := a.Queues()[0]
	a.mu.Lock()
	if n := a.emitEvent(SourceMarketplaceCatalog, DetailChangeSetSucceeded, nil, map[string]any{"ChangeSetId": "cs-1"}, time.Now()); n != 0 {
		t.Errorf("delivered %d without a queue policy", n)
	}
	a.findQueue(q.URL).Attributes["Policy"] = `{"Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` +
		q.ARN + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + out["RuleArn"] + `"}}}]}`
	n := a.emitEvent(SourceMarketplaceCatalog, DetailChangeSetSucceeded, nil, map[string]any{"ChangeSetId": "cs-1"}, time.Now())
	a.mu.Unlock()
	if msgs := a.QueueMessages(q.URL); n != 1 || len(msgs) != 1 || msgs[0].Body != `{"ChangeSetId":"cs-1"}` {
		t.Errorf("delivered %d: %+v", n, msgs)
	}

	up, err := cfn.UpdateStack(t.Context(), &cloudformation.UpdateStackInput{StackName: aws.String("rules"), TemplateBody: aws.String(ruleTemplate),
		Parameters: params("DISABLED", "aws.marketplace")})
	if err != nil {
		t.Fatal(err)
	}
	if st := waitStack(t, cfn, aws.ToString(up.StackId)); st.StackStatus != cfntypes.StackStatusUpdateComplete {
		t.Fatalf("update: %s %s", st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	if rules := a.EventRules(); len(rules) != 1 || rules[0].State != RuleDisabled || rules[0].EventPattern != `{"source":["aws.marketplace"]}` || len(rules[0].Targets) != 1 {
		t.Errorf("after update: %+v", rules)
	}

	if _, err := cfn.DeleteStack(t.Context(), &cloudformation.DeleteStackInput{StackName: aws.String("rules")}); err != nil {
		t.Fatal(err)
	}
	waitStack(t, cfn, aws.ToString(up.StackId))
	if rules := a.EventRules(); len(rules) != 0 {
		t.Errorf("after delete: %+v", rules)
	}

	bad := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("bad-rule"), TemplateBody: aws.String(ruleTemplate),
		Parameters: params("SOMETIMES", "aws.marketplace")})
	if bad.StackStatus != cfntypes.StackStatusRollbackComplete {
		t.Errorf("a rule with State SOMETIMES: stack %s", bad.StackStatus)
	}
	events, err := cfn.DescribeStackEvents(t.Context(), &cloudformation.DescribeStackEventsInput{StackName: bad.StackId})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events.StackEvents {
		if aws.ToString(e.LogicalResourceId) == "Rule" && e.ResourceStatus == cfntypes.ResourceStatusCreateFailed {
			found = strings.Contains(aws.ToString(e.ResourceStatusReason), "Member must satisfy enum value set")
		}
	}
	if !found {
		t.Error("no CREATE_FAILED event for the rule with EventBridge's reason")
	}
	if rules := a.EventRules(); len(rules) != 0 {
		t.Errorf("a failed rule was left behind: %+v", rules)
	}
}
