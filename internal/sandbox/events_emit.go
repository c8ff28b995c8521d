package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The events AWS Marketplace sends to EventBridge, as the sandbox emits
// them: "Change Set Succeeded", "Change Set Failed" and "Change Set
// Cancelled" when a Catalog change set ends, and "Offer Released" when a
// ReleaseOffer change succeeds (source aws.marketplacecatalog; AWS Seller
// Guide, "Amazon EventBridge events"). AWS delivers them only to the default
// bus in us-east-1, so only rules there receive them. Each matching enabled
// rule delivers to its SQS targets when the queue's policy admits
// events.amazonaws.com from that rule (aws:SourceArn), and otherwise to the
// target's dead-letter queue (with EventBridge's ERROR_CODE, ERROR_MESSAGE,
// RULE_ARN and TARGET_ARN message attributes) when one is set and admits it.

// Marketplace event sources and detail types.
const (
	SourceMarketplaceCatalog = "aws.marketplacecatalog"
	DetailChangeSetSucceeded = "Change Set Succeeded"
	DetailChangeSetFailed    = "Change Set Failed"
	DetailChangeSetCancelled = "Change Set Cancelled"
	DetailOfferReleased      = "Offer Released"
)

// marketplaceEventRegion is the only region AWS Marketplace sends events to.
const marketplaceEventRegion = "us-east-1"

// eventsSenderID is the SenderId of the messages the sandbox's EventBridge
// puts in a queue (the sandbox's own ID, stable across runs).
var eventsSenderID = stableID("AIDA", "events.amazonaws.com")

// marketplaceEvent is an EventBridge event envelope, fields in AWS's order.
type marketplaceEvent struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Detail     any      `json:"detail"`
}

// changeSetEnded emits the event of a change set that reached SUCCEEDED,
// FAILED or CANCELLED, and for a succeeded one an "Offer Released" per
// ReleaseOffer change (caller holds a.mu).
func (a *Account) changeSetEnded(cs *CatalogChangeSet) {
	detailType := map[string]string{ChangeSetSucceeded: DetailChangeSetSucceeded, ChangeSetFailed: DetailChangeSetFailed,
		ChangeSetCancelled: DetailChangeSetCancelled}[cs.Status]
	if detailType == "" {
		return
	}
	detail := map[string]any{"requestId": newUUID(), "Catalog": CatalogName, "ChangeSetId": cs.ID, "ChangeSetArn": cs.ARN,
		"ChangeSetName": cs.Name, "StartTime": cs.Start.UTC().Format(catalogTimeFormat), "EndTime": cs.End.UTC().Format(catalogTimeFormat)}
	if cs.Status == ChangeSetFailed {
		detail["FailureCode"] = cs.FailureCode
	}
	a.emitEvent(SourceMarketplaceCatalog, detailType, []string{cs.ARN}, detail, cs.End)
	if cs.Status != ChangeSetSucceeded || cs.Intent == "VALIDATE" {
		return
	}
	for _, ch := range cs.Changes {
		if ch.ChangeType != "ReleaseOffer" {
			continue
		}
		if e := a.entityByID(ch.EntityID); e != nil && e.Type == "Offer" {
			a.emitEvent(SourceMarketplaceCatalog, DetailOfferReleased, []string{e.ARN}, a.offerReleasedDetail(e), cs.End)
		}
	}
}

// offerReleasedDetail is the detail of "Offer Released" for offer e
// (caller holds a.mu).
func (a *Account) offerReleasedDetail(e *CatalogEntity) map[string]any {
	var d map[string]any
	_ = json.Unmarshal([]byte(e.Details), &d)
	offer := map[string]any{"id": e.ID, "arn": e.ARN, "name": e.Name}
	if end, ok := d["AvailabilityEndDate"].(string); ok && end != "" {
		offer["expirationDate"] = end
	}
	detail := map[string]any{"requestId": newUUID(), "catalog": CatalogName, "offer": offer,
		"manufacturer": map[string]any{"accountId": a.ID}, "sellerOfRecord": map[string]any{"accountId": a.ID}}
	if pid, ok := d["ProductId"].(string); ok && pid != "" {
		product := map[string]any{"id": pid}
		if p := a.entityByID(pid); p != nil {
			product["arn"], product["title"] = p.ARN, p.Name
		}
		detail["product"] = product
	}
	if buyers, ok := d["BuyerAccounts"].([]any); ok && len(buyers) > 0 {
		detail["targetedBuyerAccountIds"] = buyers
	}
	return detail
}

// emitEvent sends an AWS service event to the us-east-1 default bus: every
// enabled rule there whose pattern matches delivers it to its targets. It
// returns how many targets received it (caller holds a.mu).
func (a *Account) emitEvent(source, detailType string, resources []string, detail any, at time.Time) int {
	if at.IsZero() {
		at = time.Now()
	}
	ev := marketplaceEvent{Version: "0", ID: newUUID(), DetailType: detailType, Source: source, Account: a.ID,
		Time: at.UTC().Format(catalogTimeFormat), Region: marketplaceEventRegion, Resources: resources, Detail: detail}
	if ev.Resources == nil {
		ev.Resources = []string{}
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		a.logf("sandbox: events: cannot encode %s event: %v", detailType, err)
		return 0
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return 0
	}
	delivered := 0
	for _, k := range sortedKeys(a.eventRules) {
		r := a.eventRules[k]
		if r.Region != marketplaceEventRegion || r.State == RuleDisabled || r.EventPattern == "" {
			continue
		}
		p, err := parseEventPattern(r.EventPattern)
		if err != nil || !p.matches(doc) {
			continue
		}
		for _, t := range r.Targets {
			if a.deliverEvent(r, t, raw, doc) {
				delivered++
			}
		}
	}
	return delivered
}

// deliverEvent puts the event in the target's queue, or, when it cannot,
// in the target's dead-letter queue (caller holds a.mu).
func (a *Account) deliverEvent(r *EventRule, t EventTarget, raw []byte, doc map[string]any) bool {
	body, err := targetInput(t, raw, doc)
	if err != nil {
		return a.deadLetter(r, t, raw, "INVALID_PARAMETER", err.Error())
	}
	q := a.findQueue(t.Arn)
	switch {
	case !strings.Contains(t.Arn, ":sqs:"):
		a.logf("sandbox: events: rule %s cannot deliver to %s: the sandbox delivers only to SQS queues", r.ARN, t.Arn)
		return a.deadLetter(r, t, raw, "UNSUPPORTED_TARGET", "The SellerDesk sandbox delivers events only to SQS queues.")
	case q == nil:
		return a.deadLetter(r, t, raw, "RESOURCE_NOT_FOUND", "The specified queue does not exist.")
	case !a.ruleAdmits(q, r):
		a.logf("sandbox: events: rule %s cannot deliver to %s: the queue policy does not allow events.amazonaws.com to send from the rule", r.ARN, q.ARN)
		return a.deadLetter(r, t, raw, "NO_PERMISSIONS",
			fmt.Sprintf("Access to the resource %s is denied: its policy does not allow events.amazonaws.com sqs:SendMessage from %s.", q.URL, r.ARN))
	}
	a.enqueue(q, body, nil, eventsSenderID, time.Now(), 0)
	return true
}

// deadLetter sends the event to the target's dead-letter queue, as
// EventBridge does after a failed delivery; it reports false (the target
// did not get the event) in every case.
func (a *Account) deadLetter(r *EventRule, t EventTarget, raw []byte, code, msg string) bool {
	if t.DeadLetterConfig == nil || t.DeadLetterConfig.Arn == "" {
		return false
	}
	dlq := a.findQueue(t.DeadLetterConfig.Arn)
	if dlq == nil || !a.ruleAdmits(dlq, r) {
		a.logf("sandbox: events: rule %s cannot send to its dead-letter queue %s either", r.ARN, t.DeadLetterConfig.Arn)
		return false
	}
	str := func(s string) sqsAttributeValue { return sqsAttributeValue{DataType: "String", StringValue: &s} }
	attrs := map[string]sqsAttributeValue{"ERROR_CODE": str(code), "ERROR_MESSAGE": str(msg), "RULE_ARN": str(r.ARN),
		"TARGET_ARN": str(t.Arn), "EXHAUSTED_RETRY_CONDITION": str("MaximumRetryAttempts"), "RETRY_ATTEMPTS": str("0")}
	a.enqueue(dlq, string(raw), attrs, eventsSenderID, time.Now(), 0)
	return false
}

// targetInput is what a target receives: Input as given, the part of the
// event InputPath selects, InputTransformer's template filled in, or else
// the whole event.
func targetInput(t EventTarget, raw []byte, doc map[string]any) (string, error) {
	switch {
	case t.Input != "":
		return t.Input, nil
	case t.InputPath != "":
		v, ok := jsonPath(doc, t.InputPath)
		if !ok {
			return "", fmt.Errorf("InputPath %s selects nothing in the event", t.InputPath)
		}
		if str, isStr := v.(string); isStr {
			return jsonString(str), nil
		}
		return compactJSON(v), nil
	case t.InputTransformer != nil:
		out := t.InputTransformer.InputTemplate
		for name, path := range t.InputTransformer.InputPathsMap {
			v, ok := jsonPath(doc, path)
			val := ""
			if ok {
				if s, isStr := v.(string); isStr {
					val = s
				} else {
					val = compactJSON(v)
				}
			}
			out = strings.ReplaceAll(out, "<"+name+">", val)
		}
		return out, nil
	}
	return string(raw), nil
}

// jsonPath resolves the simple JSONPath forms EventBridge documents for
// InputPath ("$", "$.detail", "$.detail.state", "$.resources[0]").
func jsonPath(doc map[string]any, path string) (any, bool) {
	if path == "$" {
		return doc, true
	}
	rest, ok := strings.CutPrefix(path, "$.")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, part := range strings.Split(rest, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			if _, err := fmt.Sscanf(part[i:], "[%d]", &idx); err != nil {
				return nil, false
			}
			part = part[:i]
		}
		m, isMap := cur.(map[string]any)
		if !isMap {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
		if idx >= 0 {
			l, isList := cur.([]any)
			if !isList || idx >= len(l) {
				return nil, false
			}
			cur = l[idx]
		}
	}
	return cur, true
}
