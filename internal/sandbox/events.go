package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// Amazon EventBridge: AWS JSON 1.1 (X-Amz-Target AWSEvents.<Op>), signing
// name "events", the shapes of botocore's events/2015-10-07 model. Rules
// live on the default event bus of the region the request (or the stack)
// was made in; other buses do not exist. Events the sandbox itself emits
// (events_emit.go) reach the enabled rules whose pattern matches them.
func init() {
	handleJSON("events", "1.1", "AWSEvents", map[string]jsonHandler{
		"PutRule":           jsonOp(eventsPutRule),
		"DescribeRule":      jsonOp(eventsDescribeRule),
		"ListRules":         jsonOp(eventsListRules),
		"DeleteRule":        jsonOp(eventsDeleteRule),
		"EnableRule":        jsonOp(eventsEnableRule),
		"DisableRule":       jsonOp(eventsDisableRule),
		"PutTargets":        jsonOp(eventsPutTargets),
		"ListTargetsByRule": jsonOp(eventsListTargetsByRule),
		"RemoveTargets":     jsonOp(eventsRemoveTargets),
		"TestEventPattern":  jsonOp(eventsTestEventPattern),
	})
}

// Rule states.
const (
	RuleEnabled           = "ENABLED"
	RuleDisabled          = "DISABLED"
	ruleEnabledCloudTrail = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
)

// maxTargetsPerRule is EventBridge's quota of targets per rule.
const maxTargetsPerRule = 5

// EventRule is an EventBridge rule on a region's default bus, with its
// targets. JSON names are EventBridge's own.
type EventRule struct {
	Name               string        `json:"Name"`
	ARN                string        `json:"Arn"`
	Region             string        `json:"Region"`
	EventPattern       string        `json:"EventPattern,omitempty"`
	ScheduleExpression string        `json:"ScheduleExpression,omitempty"`
	State              string        `json:"State"`
	Description        string        `json:"Description,omitempty"`
	RoleArn            string        `json:"RoleArn,omitempty"`
	Tags               []Tag         `json:"Tags,omitempty"`
	Targets            []EventTarget `json:"Targets,omitempty"`
	Created            time.Time     `json:"Created,omitzero"`
}

// EventTarget is a target of a rule (the Target shape, less the parameters
// of target types the sandbox cannot deliver to).
type EventTarget struct {
	Id               string                           `json:"Id"`
	Arn              string                           `json:"Arn"`
	RoleArn          string                           `json:"RoleArn,omitempty"`
	Input            string                           `json:"Input,omitempty"`
	InputPath        string                           `json:"InputPath,omitempty"`
	InputTransformer *EventInputTransformer           `json:"InputTransformer,omitempty"`
	SqsParameters    *struct{ MessageGroupId string } `json:"SqsParameters,omitempty"`
	DeadLetterConfig *EventDeadLetterConfig           `json:"DeadLetterConfig,omitempty"`
	RetryPolicy      *EventRetryPolicy                `json:"RetryPolicy,omitempty"`
}

// EventInputTransformer is a target's InputTransformer.
type EventInputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate string            `json:"InputTemplate"`
}

// EventDeadLetterConfig names a target's dead-letter queue.
type EventDeadLetterConfig struct {
	Arn string `json:"Arn,omitempty"`
}

// EventRetryPolicy is a target's retry policy.
type EventRetryPolicy struct {
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
}

func (r *EventRule) clone() EventRule {
	c := *r
	c.Tags = slices.Clone(r.Tags)
	c.Targets = make([]EventTarget, len(r.Targets))
	for i, t := range r.Targets {
		c.Targets[i] = t.clone()
	}
	if len(c.Targets) == 0 {
		c.Targets = nil
	}
	return c
}

func (t EventTarget) clone() EventTarget {
	if t.InputTransformer != nil {
		x := *t.InputTransformer
		x.InputPathsMap = cloneStringMap(x.InputPathsMap)
		t.InputTransformer = &x
	}
	if t.SqsParameters != nil {
		x := *t.SqsParameters
		t.SqsParameters = &x
	}
	if t.DeadLetterConfig != nil {
		x := *t.DeadLetterConfig
		t.DeadLetterConfig = &x
	}
	if t.RetryPolicy != nil {
		x := *t.RetryPolicy
		t.RetryPolicy = &x
	}
	return t
}

func cloneStringMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ruleKey is the key of a rule in Account.eventRules.
func ruleKey(region, name string) string { return region + "/" + name }

// EventRules returns every EventBridge rule, sorted by region, then name.
func (a *Account) EventRules() []EventRule {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]EventRule, 0, len(a.eventRules))
	for _, k := range sortedKeys(a.eventRules) {
		out = append(out, a.eventRules[k].clone())
	}
	return out
}

var (
	ruleNamePattern = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
	targetIDPattern = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
)

func eventsValidation(format string, args ...any) *APIError {
	return apiError(http.StatusBadRequest, "ValidationException", format, args...)
}

func eventsNoRule(name, bus string) *APIError {
	return apiError(http.StatusBadRequest, "ResourceNotFoundException", "Rule %s does not exist on EventBus %s.", name, bus)
}

func checkRuleName(field, name string) error {
	if !ruleNamePattern.MatchString(name) {
		return eventsValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", name, field)
	}
	return nil
}

// eventsRegion is the region a request's rules live in.
func eventsRegion(c *call) string {
	if c.scope.Region != "" {
		return c.scope.Region
	}
	return c.acct.Region
}

// checkBus accepts the default bus by name or ARN; any other bus does not
// exist in the sandbox.
func checkBus(c *call, bus string) error {
	if bus == "" || bus == "default" {
		return nil
	}
	if bus == "arn:aws:events:"+eventsRegion(c)+":"+c.acct.ID+":event-bus/default" {
		return nil
	}
	return apiError(http.StatusBadRequest, "ResourceNotFoundException", "Event bus %s does not exist.", bus)
}

// --- rules ---------------------------------------------------------------------

type eventsPutRuleInput struct {
	Name               string
	ScheduleExpression string
	EventPattern       *string
	State              string
	Description        string
	RoleArn            string
	Tags               []Tag
	EventBusName       string
}

func eventsPutRule(c *call, in *eventsPutRuleInput) (any, error) {
	if err := checkRuleName("name", in.Name); err != nil {
		return nil, err
	}
	if err := checkBus(c, in.EventBusName); err != nil {
		return nil, err
	}
	region := eventsRegion(c)
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.putRule(region, ruleSpec{name: in.Name, pattern: in.EventPattern, schedule: in.ScheduleExpression, state: in.State,
		description: in.Description, roleArn: in.RoleArn, tags: in.Tags}, c.now())
	if err != nil {
		return nil, err
	}
	return map[string]string{"RuleArn": r.ARN}, nil
}

// ruleSpec is what PutRule (or AWS::Events::Rule) asks for.
type ruleSpec struct {
	name, schedule, state, description, roleArn string
	pattern                                     *string
	tags                                        []Tag
}

// putRule creates or updates a rule on region's default bus (caller holds
// a.mu). An update keeps the rule's targets, as EventBridge does.
func (a *Account) putRule(region string, s ruleSpec, now time.Time) (*EventRule, error) {
	pattern := ""
	if s.pattern != nil {
		pattern = *s.pattern
	}
	if pattern == "" && s.schedule == "" {
		return nil, eventsValidation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if pattern != "" {
		if _, err := parseEventPattern(pattern); err != nil {
			return nil, err
		}
	}
	if s.schedule != "" && !strings.HasPrefix(s.schedule, "rate(") && !strings.HasPrefix(s.schedule, "cron(") {
		return nil, eventsValidation("Parameter ScheduleExpression is not valid.")
	}
	state := s.state
	switch state {
	case "":
		state = RuleEnabled
	case RuleEnabled, RuleDisabled, ruleEnabledCloudTrail:
	default:
		return nil, eventsValidation("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, DISABLED]", state)
	}
	if len(s.description) > 512 {
		return nil, eventsValidation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512")
	}
	key := ruleKey(region, s.name)
	r := a.eventRules[key]
	if r == nil {
		r = &EventRule{Name: s.name, Region: region, ARN: "arn:aws:events:" + region + ":" + a.ID + ":rule/" + s.name, Created: now.UTC()}
		a.eventRules[key] = r
	}
	r.EventPattern, r.ScheduleExpression, r.State, r.Description, r.RoleArn = pattern, s.schedule, state, s.description, s.roleArn
	if s.tags != nil {
		r.Tags = slices.Clone(s.tags)
	}
	return r, nil
}

type eventsRuleRef struct {
	Name         string
	EventBusName string
	Force        bool
}

// ruleFor finds the rule a request names (caller holds a.mu).
func ruleFor(c *call, name, bus string) (*EventRule, error) {
	if err := checkRuleName("name", name); err != nil {
		return nil, err
	}
	if err := checkBus(c, bus); err != nil {
		return nil, err
	}
	r := c.acct.eventRules[ruleKey(eventsRegion(c), name)]
	if r == nil {
		return nil, eventsNoRule(name, "default")
	}
	return r, nil
}

// ruleJSON is the Rule shape (ListRules) and DescribeRule's output.
func ruleJSON(r *EventRule, account string, describe bool) map[string]any {
	out := map[string]any{"Name": r.Name, "Arn": r.ARN, "State": r.State, "EventBusName": "default"}
	if r.EventPattern != "" {
		out["EventPattern"] = r.EventPattern
	}
	if r.ScheduleExpression != "" {
		out["ScheduleExpression"] = r.ScheduleExpression
	}
	if r.Description != "" {
		out["Description"] = r.Description
	}
	if r.RoleArn != "" {
		out["RoleArn"] = r.RoleArn
	}
	if describe {
		out["CreatedBy"] = account
	}
	return out
}

func eventsDescribeRule(c *call, in *eventsRuleRef) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := ruleFor(c, in.Name, in.EventBusName)
	if err != nil {
		return nil, err
	}
	return ruleJSON(r, a.ID, true), nil
}

type eventsListInput struct {
	NamePrefix   string
	Rule         string
	EventBusName string
	NextToken    string
	Limit        *int
}

// page cuts a sorted list of names after NextToken (the last name of the
// previous page) to Limit.
func eventsPage(names []string, in *eventsListInput) (page []string, next string, err error) {
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, "", eventsValidation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", *in.Limit)
		}
		limit = *in.Limit
	}
	start := 0
	if in.NextToken != "" {
		i, convErr := strconv.Atoi(in.NextToken)
		if convErr != nil || i < 0 || i > len(names) {
			return nil, "", eventsValidation("The NextToken provided is invalid.")
		}
		start = i
	}
	end := min(start+limit, len(names))
	if end < len(names) {
		next = strconv.Itoa(end)
	}
	return names[start:end], next, nil
}

func eventsListRules(c *call, in *eventsListInput) (any, error) {
	if err := checkBus(c, in.EventBusName); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	region := eventsRegion(c)
	var names []string
	for _, k := range sortedKeys(a.eventRules) {
		r := a.eventRules[k]
		if r.Region == region && strings.HasPrefix(r.Name, in.NamePrefix) {
			names = append(names, k)
		}
	}
	page, next, err := eventsPage(names, in)
	if err != nil {
		return nil, err
	}
	rules := []map[string]any{}
	for _, k := range page {
		rules = append(rules, ruleJSON(a.eventRules[k], a.ID, false))
	}
	out := map[string]any{"Rules": rules}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func eventsDeleteRule(c *call, in *eventsRuleRef) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := checkRuleName("name", in.Name); err != nil {
		return nil, err
	}
	if err := checkBus(c, in.EventBusName); err != nil {
		return nil, err
	}
	key := ruleKey(eventsRegion(c), in.Name)
	r := a.eventRules[key]
	if r == nil {
		return struct{}{}, nil // deleting a rule that is not there succeeds, as on EventBridge
	}
	if len(r.Targets) > 0 && !in.Force {
		return nil, eventsValidation("Rule can't be deleted since it has targets.")
	}
	delete(a.eventRules, key)
	return struct{}{}, nil
}

func eventsEnableRule(c *call, in *eventsRuleRef) (any, error) {
	return setRuleState(c, in, RuleEnabled)
}
func eventsDisableRule(c *call, in *eventsRuleRef) (any, error) {
	return setRuleState(c, in, RuleDisabled)
}

func setRuleState(c *call, in *eventsRuleRef, state string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := ruleFor(c, in.Name, in.EventBusName)
	if err != nil {
		return nil, err
	}
	r.State = state
	return struct{}{}, nil
}

// --- targets ----------------------------------------------------------------------

type eventsPutTargetsInput struct {
	Rule         string
	EventBusName string
	Targets      []EventTarget
}

type targetFailure struct {
	TargetId, ErrorCode, ErrorMessage string
}

func eventsPutTargets(c *call, in *eventsPutTargetsInput) (any, error) {
	if len(in.Targets) == 0 || len(in.Targets) > 10 {
		return nil, eventsValidation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := ruleFor(c, in.Rule, in.EventBusName)
	if err != nil {
		return nil, err
	}
	failed, err := r.putTargets(in.Targets)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"FailedEntryCount": len(failed), "FailedEntries": failed}
	return out, nil
}

// putTargets adds or replaces targets by Id (caller holds a.mu).
func (r *EventRule) putTargets(targets []EventTarget) ([]targetFailure, error) {
	failed := []targetFailure{}
	for _, t := range targets {
		if !targetIDPattern.MatchString(t.Id) {
			return nil, eventsValidation("1 validation error detected: Value '%s' at 'targets.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", t.Id)
		}
		if !strings.HasPrefix(t.Arn, "arn:") || len(t.Arn) > 1600 {
			return nil, eventsValidation("Parameter %s is not valid.", t.Arn)
		}
		if t.DeadLetterConfig != nil && t.DeadLetterConfig.Arn != "" && !strings.Contains(t.DeadLetterConfig.Arn, ":sqs:") {
			return nil, eventsValidation("DeadLetterConfig Arn %s must be an SQS queue ARN.", t.DeadLetterConfig.Arn)
		}
		if n := t.Input; n != "" && !json.Valid([]byte(n)) {
			failed = append(failed, targetFailure{t.Id, "ValidationException", "Input is not valid JSON."})
			continue
		}
		i := slices.IndexFunc(r.Targets, func(x EventTarget) bool { return x.Id == t.Id })
		switch {
		case i >= 0:
			r.Targets[i] = t.clone()
		case len(r.Targets) >= maxTargetsPerRule:
			return nil, apiError(http.StatusBadRequest, "LimitExceededException", "The requested resource exceeds the maximum number allowed.")
		default:
			r.Targets = append(r.Targets, t.clone())
		}
	}
	return failed, nil
}

func eventsListTargetsByRule(c *call, in *eventsListInput) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := ruleFor(c, in.Rule, in.EventBusName)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(r.Targets))
	for i, t := range r.Targets {
		ids[i] = t.Id
	}
	page, next, err := eventsPage(ids, in)
	if err != nil {
		return nil, err
	}
	targets := []EventTarget{}
	for _, t := range r.Targets {
		if slices.Contains(page, t.Id) {
			targets = append(targets, t.clone())
		}
	}
	out := map[string]any{"Targets": targets}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

type eventsRemoveTargetsInput struct {
	Rule         string
	EventBusName string
	Ids          []string
	Force        bool
}

func eventsRemoveTargets(c *call, in *eventsRemoveTargetsInput) (any, error) {
	if len(in.Ids) == 0 || len(in.Ids) > 100 {
		return nil, eventsValidation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := ruleFor(c, in.Rule, in.EventBusName)
	if err != nil {
		return nil, err
	}
	failed := []targetFailure{}
	for _, id := range in.Ids {
		i := slices.IndexFunc(r.Targets, func(x EventTarget) bool { return x.Id == id })
		if i < 0 {
			failed = append(failed, targetFailure{id, "ResourceNotFoundException", "Target " + id + " does not exist on rule " + r.Name + "."})
			continue
		}
		r.Targets = slices.Delete(r.Targets, i, i+1)
	}
	return map[string]any{"FailedEntryCount": len(failed), "FailedEntries": failed}, nil
}

// --- TestEventPattern ------------------------------------------------------------------

type eventsTestInput struct {
	EventPattern *string
	Event        *string
}

// eventRequiredFields are the fields TestEventPattern requires of the event.
var eventRequiredFields = []string{"id", "account", "source", "time", "region", "resources", "detail-type"}

func eventsTestEventPattern(c *call, in *eventsTestInput) (any, error) {
	if in.EventPattern == nil {
		return nil, eventsValidation("1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null")
	}
	if in.Event == nil {
		return nil, eventsValidation("1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null")
	}
	p, err := parseEventPattern(*in.EventPattern)
	if err != nil {
		return nil, err
	}
	ev, err := decodeEvent(*in.Event)
	if err != nil {
		return nil, eventsValidation("Parameter Event is not valid.")
	}
	for _, f := range eventRequiredFields {
		if _, ok := ev[f]; !ok {
			return nil, eventsValidation("Parameter Event is not valid.")
		}
	}
	return map[string]bool{"Result": p.matches(ev)}, nil
}

// ruleAdmits reports whether the queue's policy lets EventBridge send the
// rule's events to it (caller holds a.mu).
func (a *Account) ruleAdmits(q *SQSQueue, r *EventRule) bool {
	return policyAllows(q.Attributes["Policy"], iampolicy.Request{Service: "events.amazonaws.com", Action: "sqs:SendMessage",
		Resource: q.ARN, Context: map[string]string{"aws:SourceArn": r.ARN, "aws:SourceAccount": a.ID}})
}

// --- AWS::Events::Rule ------------------------------------------------------------------

// ruleHandler implements AWS::Events::Rule on the default bus: Ref is the
// rule name, Fn::GetAtt Arn its ARN.
var ruleHandler = &cfnHandler{
	createSecs: 20, updateSecs: 15, deleteSecs: 15,
	nameProp: "Name", replaceProps: []string{"Name", "EventBusName"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		name := p.str("Name")
		if name == "" {
			name = x.generatedName(64, false)
		}
		if x.a.eventRules[ruleKey(x.a.Region, name)] != nil {
			return "", nil, handlerError("AlreadyExists", name+" already exists in stack "+x.st.id)
		}
		r, err := applyRuleProps(x, name, p)
		if err != nil {
			return "", nil, err
		}
		return name, map[string]any{"Arn": r.ARN}, nil
	},
	update: func(x *cfnResCtx, name string, _, new cfnProps) (map[string]any, error) {
		if x.a.eventRules[ruleKey(x.a.Region, name)] == nil {
			return nil, handlerError("NotFound", serviceMessage("EventBridge", 400, "Rule "+name+" does not exist on EventBus default."))
		}
		r, err := applyRuleProps(x, name, new)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Arn": r.ARN}, nil
	},
	delete: func(x *cfnResCtx, name string, _ cfnProps) error {
		delete(x.a.eventRules, ruleKey(x.a.Region, name))
		return nil
	},
}

// applyRuleProps puts the rule and sets its targets to exactly the
// template's (caller holds a.mu).
func applyRuleProps(x *cfnResCtx, name string, p cfnProps) (*EventRule, error) {
	if bus := p.str("EventBusName"); bus != "" && bus != "default" && !strings.HasSuffix(bus, ":event-bus/default") {
		return nil, handlerError("NotFound", serviceMessage("EventBridge", 400, "Event bus "+bus+" does not exist."))
	}
	var pattern *string
	if p.has("EventPattern") {
		s := p.doc("EventPattern")
		pattern = &s
	}
	targets := make([]EventTarget, 0, len(p.objs("Targets")))
	for _, t := range p.objs("Targets") {
		et := EventTarget{Id: t.str("Id"), Arn: t.str("Arn"), RoleArn: t.str("RoleArn"), Input: t.str("Input"), InputPath: t.str("InputPath")}
		if d := t.obj("DeadLetterConfig"); d != nil {
			et.DeadLetterConfig = &EventDeadLetterConfig{Arn: d.str("Arn")}
		}
		if rp := t.obj("RetryPolicy"); rp != nil {
			et.RetryPolicy = &EventRetryPolicy{}
			if rp.has("MaximumRetryAttempts") {
				n := rp.integer("MaximumRetryAttempts", 185)
				et.RetryPolicy.MaximumRetryAttempts = &n
			}
			if rp.has("MaximumEventAgeInSeconds") {
				n := rp.integer("MaximumEventAgeInSeconds", 86400)
				et.RetryPolicy.MaximumEventAgeInSeconds = &n
			}
		}
		if it := t.obj("InputTransformer"); it != nil {
			et.InputTransformer = &EventInputTransformer{InputTemplate: it.str("InputTemplate"), InputPathsMap: it.stringMap("InputPathsMap")}
		}
		if sp := t.obj("SqsParameters"); sp != nil {
			et.SqsParameters = &struct{ MessageGroupId string }{sp.str("MessageGroupId")}
		}
		targets = append(targets, et)
	}
	if len(targets) > maxTargetsPerRule {
		return nil, handlerError("ServiceLimitExceeded", serviceMessage("EventBridge", 400, "The requested resource exceeds the maximum number allowed."))
	}
	key := ruleKey(x.a.Region, name)
	old := x.a.eventRules[key]
	var oldCopy *EventRule
	if old != nil {
		c := old.clone()
		oldCopy = &c
	}
	r, err := x.a.putRule(x.a.Region, ruleSpec{name: name, pattern: pattern, schedule: p.str("ScheduleExpression"), state: p.str("State"),
		description: p.str("Description"), roleArn: p.str("RoleArn"), tags: p.tags()}, time.Now())
	if err == nil {
		r.Targets = nil
		_, err = r.putTargets(targets)
	}
	if err != nil {
		// Leave the account as it was: a failed create or update changes nothing.
		if oldCopy != nil {
			x.a.eventRules[key] = oldCopy
		} else {
			delete(x.a.eventRules, key)
		}
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, handlerError("InvalidRequest", serviceMessage("EventBridge", ae.Status, ae.Message))
		}
		return nil, err
	}
	return r, nil
}

func init() { cfnHandlers["AWS::Events::Rule"] = ruleHandler }
