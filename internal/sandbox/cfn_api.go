package sandbox

import (
	"context"
	"encoding/base64"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CloudFormation: awsquery, version 2010-05-15.
func init() {
	handleQuery("cloudformation", "2010-05-15", "http://cloudformation.amazonaws.com/doc/2010-05-15/", map[string]queryHandler{
		"CreateStack":                 cfnCreateStack,
		"UpdateStack":                 cfnUpdateStack,
		"DeleteStack":                 cfnDeleteStack,
		"DescribeStacks":              cfnDescribeStacks,
		"ListStacks":                  cfnListStacks,
		"DescribeStackEvents":         cfnDescribeStackEvents,
		"DescribeStackResources":      cfnDescribeStackResources,
		"DescribeStackResource":       cfnDescribeStackResource,
		"ListStackResources":          cfnListStackResources,
		"CreateChangeSet":             cfnCreateChangeSet,
		"DescribeChangeSet":           cfnDescribeChangeSet,
		"ExecuteChangeSet":            cfnExecuteChangeSet,
		"DeleteChangeSet":             cfnDeleteChangeSet,
		"ListChangeSets":              cfnListChangeSets,
		"GetTemplate":                 cfnGetTemplate,
		"GetTemplateSummary":          cfnGetTemplateSummary,
		"ValidateTemplate":            cfnValidateTemplate,
		"UpdateTerminationProtection": cfnUpdateTerminationProtection,
		// Drift detection (cfn_drift.go).
		"DetectStackDrift":                  cfnDetectStackDrift,
		"DetectStackResourceDrift":          cfnDetectStackResourceDrift,
		"DescribeStackDriftDetectionStatus": cfnDescribeStackDriftDetectionStatus,
		"DescribeStackResourceDrifts":       cfnDescribeStackResourceDrifts,
	})
}

// cfnPageSize is how many items a page of DescribeStackEvents, ListStacks,
// DescribeStacks, ListStackResources and DescribeChangeSet holds.
var cfnPageSize = 100

func cfnTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func cfnTimeOpt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return cfnTime(t)
}

var (
	stackNamePattern     = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]*$`)
	changeSetNamePattern = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]*$`)
)

func checkStackName(name string) error {
	switch {
	case name == "":
		return cfnValidation("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	case len(name) > 128:
		return cfnValidation("1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: Member must have length less than or equal to 128", name)
	case !stackNamePattern.MatchString(name):
		return cfnValidation("1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", name)
	}
	return nil
}

// templateFrom reads TemplateBody (TemplateURL is refused: the sandbox has
// no network).
func templateFrom(p queryParams, allowNone bool) (string, bool, error) {
	body, url := p.get("TemplateBody"), p.get("TemplateURL")
	switch {
	case p.has("TemplateBody") && p.has("TemplateURL"):
		return "", false, cfnValidation("You cannot specify both TemplateURL and TemplateBody in the same request.")
	case p.has("TemplateURL"):
		return "", false, cfnValidation("TemplateURL must be a supported URL: the SellerDesk sandbox cannot fetch %s; pass the template as TemplateBody", url)
	case !p.has("TemplateBody"):
		if allowNone {
			return "", false, nil
		}
		return "", false, cfnValidation("Either Template URL or Template Body must be specified.")
	}
	return body, true, nil
}

func paramInputs(p queryParams) []cfnParamInput {
	var out []cfnParamInput
	for _, s := range p.structs("Parameters.member") {
		out = append(out, cfnParamInput{key: s.get("ParameterKey"), value: s.get("ParameterValue"),
			usePrevious: strings.EqualFold(s.get("UsePreviousValue"), "true")})
	}
	return out
}

func tagInputs(p queryParams) []Tag {
	var out []Tag
	for _, s := range p.structs("Tags.member") {
		out = append(out, Tag{Key: s.get("Key"), Value: s.get("Value")})
	}
	return out
}

// checkCapabilities fails when the template needs a capability the request
// did not acknowledge.
func checkCapabilities(t *cfnTemplate, caps []string) error {
	need, _ := t.requiredCapabilities()
	switch need {
	case "":
		return nil
	case "CAPABILITY_IAM":
		if slices.Contains(caps, "CAPABILITY_IAM") || slices.Contains(caps, "CAPABILITY_NAMED_IAM") {
			return nil
		}
	case "CAPABILITY_NAMED_IAM":
		if slices.Contains(caps, "CAPABILITY_NAMED_IAM") {
			return nil
		}
	}
	return apiError(http.StatusBadRequest, "InsufficientCapabilitiesException", "Requires capabilities : [%s]", need)
}

func validCapabilities(caps []string) error {
	for _, c := range caps {
		switch c {
		case "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND":
		default:
			return cfnValidation("1 validation error detected: Value '[%s]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM, CAPABILITY_IAM]]", c)
		}
	}
	return nil
}

func boolParam(p queryParams, name string) bool { return strings.EqualFold(p.get(name), "true") }

// stackFor returns the stack named (or identified) by nameOrID, or the
// "does not exist" error in the wording operation uses.
func (a *Account) stackFor(nameOrID string, bracketed bool) (*cfnStack, error) {
	if nameOrID == "" {
		return nil, cfnValidation("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	}
	if st := a.findStack(nameOrID); st != nil {
		return st, nil
	}
	if bracketed {
		return nil, cfnValidation("Stack [%s] does not exist", nameOrID)
	}
	return nil, cfnValidation("Stack with id %s does not exist", nameOrID)
}

// --- CreateStack -----------------------------------------------------------------------

type cfnStackIDResult struct {
	StackId     string
	OperationId string `xml:",omitempty"`
}

func cfnCreateStack(c *call, p queryParams) (any, error) {
	name := p.get("StackName")
	if err := checkStackName(name); err != nil {
		return nil, err
	}
	body, _, err := templateFrom(p, false)
	if err != nil {
		return nil, err
	}
	caps := p.list("Capabilities.member")
	if err := validCapabilities(caps); err != nil {
		return nil, err
	}
	onFailure := p.get("OnFailure")
	switch {
	case onFailure != "" && p.has("DisableRollback"):
		return nil, cfnValidation("You cannot specify both DisableRollback and OnFailure.")
	case onFailure == "":
		onFailure = "ROLLBACK"
		if boolParam(p, "DisableRollback") {
			onFailure = "DO_NOTHING"
		}
	case onFailure != "ROLLBACK" && onFailure != "DO_NOTHING" && onFailure != "DELETE":
		return nil, cfnValidation("1 validation error detected: Value '%s' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]", onFailure)
	}
	token := p.get("ClientRequestToken")

	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if st := a.findStack(name); st != nil {
		if token != "" && len(st.events) > 0 && st.events[0].token == token {
			return &cfnStackIDResult{StackId: st.id}, nil // a retry of the same request
		}
		return nil, apiError(http.StatusBadRequest, "AlreadyExistsException", "Stack [%s] already exists", name)
	}
	tmpl, err := parseTemplate(body)
	if err != nil {
		return nil, err
	}
	in := paramInputs(p)
	for _, pi := range in {
		if pi.usePrevious {
			return nil, cfnValidation("Invalid input for parameter key %s. Cannot specify usePreviousValue as true for non-existent stack", pi.key)
		}
	}
	params, err := resolveParams(tmpl, in, nil)
	if err != nil {
		return nil, err
	}
	if err := checkCapabilities(tmpl, caps); err != nil {
		return nil, err
	}
	st := a.newStack(name, tmpl, params, in, caps, p)
	st.onFailure = onFailure
	st.disableRollback = onFailure == "DO_NOTHING"
	ev := a.evaluator(st, tmpl, params)
	if err := ev.evalConditions(); err != nil {
		return nil, cfnValidation("%s", err.Error())
	}
	st.conditions = ev.conditions
	a.stacks = append(a.stacks, st)
	a.startOp(st, "CREATE", token, func(ctx context.Context) { a.runCreate(ctx, st) })
	a.setStackStatus(st, "CREATE_IN_PROGRESS", "User Initiated")
	return &cfnStackIDResult{StackId: st.id}, nil
}

// newStack builds a stack record from a request's common fields.
func (a *Account) newStack(name string, tmpl *cfnTemplate, params map[string]string, in []cfnParamInput, caps []string, p queryParams) *cfnStack {
	st := &cfnStack{
		id:   "arn:aws:cloudformation:" + a.Region + ":" + a.ID + ":stack/" + name + "/" + newUUID(),
		name: name, created: time.Now().UTC(), tmpl: tmpl, params: params, paramIn: in, capabilities: caps,
		notificationARNs: p.list("NotificationARNs.member"), tags: tagInputs(p), roleARN: p.get("RoleARN"),
		termProtection: boolParam(p, "EnableTerminationProtection"), resources: map[string]*cfnResource{},
		onFailure: "ROLLBACK", conditions: map[string]bool{},
	}
	st.timeout, _ = strconv.Atoi(p.get("TimeoutInMinutes"))
	return st
}

// --- UpdateStack ------------------------------------------------------------------------

// updatable reports why a stack in its current status cannot be updated.
func updatable(st *cfnStack) error {
	switch {
	case st.op != nil || inProgress(st.status):
		return cfnValidation("Stack:%s is in %s state and can not be updated.", st.id, st.status)
	case st.status == "CREATE_FAILED", st.status == "ROLLBACK_COMPLETE", st.status == "ROLLBACK_FAILED",
		st.status == "DELETE_FAILED", st.status == "UPDATE_ROLLBACK_FAILED", st.deleted:
		return cfnValidation("Stack:%s is in %s state and can not be updated.", st.id, st.status)
	}
	return nil
}

// updateFromRequest builds the update an UpdateStack or CreateChangeSet
// request describes against st.
func (a *Account) updateFromRequest(st *cfnStack, p queryParams) (*cfnUpdate, error) {
	body, given, err := templateFrom(p, true)
	if err != nil {
		return nil, err
	}
	usePrevious := boolParam(p, "UsePreviousTemplate")
	var tmpl *cfnTemplate
	switch {
	case given && usePrevious:
		return nil, cfnValidation("You cannot specify both usePreviousTemplate and Template Body/Template URL.")
	case given:
		if tmpl, err = parseTemplate(body); err != nil {
			return nil, err
		}
	case usePrevious:
		tmpl = st.tmpl
	default:
		return nil, cfnValidation("Either Template URL or Template Body must be specified.")
	}
	in := paramInputs(p)
	params, err := resolveParams(tmpl, in, st.params)
	if err != nil {
		return nil, err
	}
	caps := p.list("Capabilities.member")
	if err := validCapabilities(caps); err != nil {
		return nil, err
	}
	if err := checkCapabilities(tmpl, caps); err != nil {
		return nil, err
	}
	u := &cfnUpdate{tmpl: tmpl, params: params, paramIn: in, caps: caps, roleARN: p.get("RoleARN"),
		disableRB: boolParam(p, "DisableRollback")}
	if p.has("Tags.member.1.Key") {
		u.tags, u.setTags = tagInputs(p), true
	}
	if p.has("NotificationARNs.member.1") {
		u.notifARNs, u.setNotif = p.list("NotificationARNs.member"), true
	}
	return u, nil
}

func cfnUpdateStack(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	if err := updatable(st); err != nil {
		return nil, err
	}
	if st.status == "REVIEW_IN_PROGRESS" {
		return nil, cfnValidation("Stack [%s] does not exist", p.get("StackName"))
	}
	u, err := a.updateFromRequest(st, p)
	if err != nil {
		return nil, err
	}
	if err := a.planUpdate(st, u); err != nil {
		return nil, err
	}
	if nothingChanged(st, u) {
		return nil, cfnValidation("No updates are to be performed.")
	}
	a.startOp(st, "UPDATE", p.get("ClientRequestToken"), func(ctx context.Context) { a.runUpdate(ctx, st, u) })
	a.setStackStatus(st, "UPDATE_IN_PROGRESS", "User Initiated")
	return &cfnStackIDResult{StackId: st.id}, nil
}

// --- DeleteStack ------------------------------------------------------------------------

func cfnDeleteStack(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	name := p.get("StackName")
	st := a.findStack(name)
	if st == nil || st.deleted {
		return nil, nil // deleting a stack that does not exist succeeds
	}
	if st.termProtection {
		return nil, cfnValidation("Stack [%s] cannot be deleted while TerminationProtection is enabled", st.name)
	}
	retain := p.list("RetainResources.member")
	for _, id := range retain {
		if r := st.resources[id]; r != nil {
			d := *r.decl
			d.deletionPolicy = "Retain"
			r.decl = &d
		}
	}
	switch {
	case st.status == "DELETE_IN_PROGRESS":
		return nil, nil
	case st.status == "REVIEW_IN_PROGRESS":
		a.setStackStatus(st, "DELETE_IN_PROGRESS", "User Initiated")
		a.finishDelete(st)
		return nil, nil
	case st.status == "CREATE_IN_PROGRESS" && st.op != nil:
		// Cancel the create; its operation then deletes what it made.
		st.op.deleteRequested = true
		st.op.cancel()
		a.setStackStatus(st, "DELETE_IN_PROGRESS", "User Initiated")
		return nil, nil
	case st.op != nil || inProgress(st.status):
		return nil, cfnValidation("Stack [%s] cannot be deleted while in status %s", st.id, st.status)
	}
	a.startOp(st, "DELETE", p.get("ClientRequestToken"), func(ctx context.Context) { a.runDelete(ctx, st) })
	a.setStackStatus(st, "DELETE_IN_PROGRESS", "User Initiated")
	return nil, nil
}

func cfnUpdateTerminationProtection(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	st.termProtection = boolParam(p, "EnableTerminationProtection")
	return &cfnStackIDResult{StackId: st.id}, nil
}

// --- DescribeStacks / ListStacks ---------------------------------------------------------

type cfnXMLParameter struct {
	ParameterKey   string
	ParameterValue string
}

type cfnXMLOutput struct {
	OutputKey   string
	OutputValue string
	Description string `xml:",omitempty"`
	ExportName  string `xml:",omitempty"`
}

type cfnXMLTag struct{ Key, Value string }

type cfnXMLStack struct {
	StackId                     string
	StackName                   string
	ChangeSetId                 string            `xml:",omitempty"`
	Description                 string            `xml:",omitempty"`
	Parameters                  []cfnXMLParameter `xml:"Parameters>member"`
	CreationTime                string
	DeletionTime                string `xml:",omitempty"`
	LastUpdatedTime             string `xml:",omitempty"`
	RollbackConfiguration       struct{}
	StackStatus                 string
	StackStatusReason           string `xml:",omitempty"`
	DisableRollback             bool
	NotificationARNs            []string       `xml:"NotificationARNs>member"`
	TimeoutInMinutes            int            `xml:",omitempty"`
	Capabilities                []string       `xml:"Capabilities>member"`
	Outputs                     []cfnXMLOutput `xml:"Outputs>member"`
	RoleARN                     string         `xml:",omitempty"`
	Tags                        []cfnXMLTag    `xml:"Tags>member"`
	EnableTerminationProtection bool
	DriftInformation            cfnXMLStackDrift
}

// xmlParams lists every template parameter with its value (NoEcho masked).
func xmlParams(t *cfnTemplate, values map[string]string) []cfnXMLParameter {
	var out []cfnXMLParameter
	for _, d := range t.params {
		v := values[d.key]
		if d.noEcho {
			v = "****"
		}
		out = append(out, cfnXMLParameter{d.key, v})
	}
	return out
}

func stackXML(st *cfnStack) cfnXMLStack {
	x := cfnXMLStack{StackId: st.id, StackName: st.name, ChangeSetId: st.changeSetID, Description: st.tmpl.description,
		Parameters: xmlParams(st.tmpl, st.params), CreationTime: cfnTime(st.created), DeletionTime: cfnTimeOpt(st.deletedAt),
		LastUpdatedTime: cfnTimeOpt(st.updated), StackStatus: st.status, StackStatusReason: st.reason,
		DisableRollback: st.disableRollback, NotificationARNs: st.notificationARNs, TimeoutInMinutes: st.timeout,
		Capabilities: st.capabilities, RoleARN: st.roleARN, EnableTerminationProtection: st.termProtection}
	x.DriftInformation = stackDriftInfo(st)
	if !strings.HasPrefix(st.status, "DELETE_") && !strings.HasPrefix(st.status, "ROLLBACK_") {
		for _, o := range st.outputs {
			x.Outputs = append(x.Outputs, cfnXMLOutput{o.key, o.value, o.description, o.exportName})
		}
	}
	for _, t := range st.tags {
		x.Tags = append(x.Tags, cfnXMLTag(t))
	}
	return x
}

// pageToken encodes and decodes paging positions.
func pageToken(n int) string {
	return base64.StdEncoding.EncodeToString([]byte("sandbox-page:" + strconv.Itoa(n)))
}

func pageStart(p queryParams) (int, error) {
	tok := p.get("NextToken")
	if tok == "" {
		return 0, nil
	}
	b, err := base64.StdEncoding.DecodeString(tok)
	if err == nil {
		if s, ok := strings.CutPrefix(string(b), "sandbox-page:"); ok {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	return 0, cfnValidation("Invalid NextToken")
}

// page returns the window [start, end) of n items and the next token.
func page(p queryParams, n int) (start, end int, next string, err error) {
	if start, err = pageStart(p); err != nil {
		return
	}
	start = min(start, n)
	end = min(n, start+cfnPageSize)
	if end < n {
		next = pageToken(end)
	}
	return
}

func cfnDescribeStacks(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settleAllDrifts(c.now())
	var stacks []*cfnStack
	if name := p.get("StackName"); name != "" {
		st, err := a.stackFor(name, false)
		if err != nil {
			return nil, err
		}
		stacks = []*cfnStack{st}
	} else {
		for _, st := range sortedStackIDs(a.stacks) {
			if !st.deleted {
				stacks = append(stacks, st)
			}
		}
	}
	start, end, next, err := page(p, len(stacks))
	if err != nil {
		return nil, err
	}
	res := struct {
		Stacks    []cfnXMLStack `xml:"Stacks>member"`
		NextToken string        `xml:",omitempty"`
	}{NextToken: next}
	for _, st := range stacks[start:end] {
		res.Stacks = append(res.Stacks, stackXML(st))
	}
	return &res, nil
}

type cfnXMLStackSummary struct {
	StackId             string
	StackName           string
	TemplateDescription string `xml:",omitempty"`
	CreationTime        string
	LastUpdatedTime     string `xml:",omitempty"`
	DeletionTime        string `xml:",omitempty"`
	StackStatus         string
	StackStatusReason   string `xml:",omitempty"`
	DriftInformation    cfnXMLStackDrift
}

func cfnListStacks(c *call, p queryParams) (any, error) {
	filter := p.list("StackStatusFilter.member")
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settleAllDrifts(c.now())
	var sums []cfnXMLStackSummary
	for _, st := range sortedStackIDs(a.stacks) {
		if len(filter) > 0 && !slices.Contains(filter, st.status) {
			continue
		}
		s := cfnXMLStackSummary{StackId: st.id, StackName: st.name, TemplateDescription: st.tmpl.description,
			CreationTime: cfnTime(st.created), LastUpdatedTime: cfnTimeOpt(st.updated), DeletionTime: cfnTimeOpt(st.deletedAt),
			StackStatus: st.status, StackStatusReason: st.reason}
		s.DriftInformation = stackDriftInfo(st)
		sums = append(sums, s)
	}
	start, end, next, err := page(p, len(sums))
	if err != nil {
		return nil, err
	}
	return &struct {
		StackSummaries []cfnXMLStackSummary `xml:"StackSummaries>member"`
		NextToken      string               `xml:",omitempty"`
	}{sums[start:end], next}, nil
}

// --- events and resources ------------------------------------------------------------------

type cfnXMLEvent struct {
	StackId              string
	EventId              string
	StackName            string
	LogicalResourceId    string
	PhysicalResourceId   string
	ResourceType         string
	Timestamp            string
	ResourceStatus       string
	ResourceStatusReason string `xml:",omitempty"`
	ResourceProperties   string `xml:",omitempty"`
	ClientRequestToken   string `xml:",omitempty"`
}

func cfnDescribeStackEvents(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	n := len(st.events)
	// Newest first. The token names the next event to return, so pages stay
	// put while new events arrive.
	start := 0
	if tok := p.get("NextToken"); tok != "" {
		b, err := base64.StdEncoding.DecodeString(tok)
		id, ok := strings.CutPrefix(string(b), "sandbox-event:")
		if err != nil || !ok {
			return nil, cfnValidation("Invalid NextToken")
		}
		start = -1
		for i := n - 1; i >= 0; i-- {
			if st.events[i].id == id {
				start = n - 1 - i
				break
			}
		}
		if start < 0 {
			return nil, cfnValidation("Invalid NextToken")
		}
	}
	end := min(n, start+cfnPageSize)
	res := struct {
		StackEvents []cfnXMLEvent `xml:"StackEvents>member"`
		NextToken   string        `xml:",omitempty"`
	}{}
	for i := start; i < end; i++ {
		e := st.events[n-1-i]
		res.StackEvents = append(res.StackEvents, cfnXMLEvent{StackId: st.id, EventId: e.id, StackName: st.name,
			LogicalResourceId: e.logicalID, PhysicalResourceId: e.physicalID, ResourceType: e.typ, Timestamp: cfnTime(e.ts),
			ResourceStatus: e.status, ResourceStatusReason: e.reason, ResourceProperties: e.props, ClientRequestToken: e.token})
	}
	if end < n {
		res.NextToken = base64.StdEncoding.EncodeToString([]byte("sandbox-event:" + st.events[n-1-end].id))
	}
	return &res, nil
}

type cfnXMLStackResource struct {
	StackName            string
	StackId              string
	LogicalResourceId    string
	PhysicalResourceId   string
	ResourceType         string
	Timestamp            string
	ResourceStatus       string
	ResourceStatusReason string `xml:",omitempty"`
	DriftInformation     cfnXMLResourceDriftInfo
}

// listedResources are the resources of st that have events (started ones).
func listedResources(st *cfnStack) []*cfnResource {
	var out []*cfnResource
	for _, id := range st.resOrder {
		if r := st.resources[id]; r != nil && r.status != "NOT_STARTED" {
			out = append(out, r)
		}
	}
	return out
}

func cfnDescribeStackResources(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settleAllDrifts(c.now())
	name, phys := p.get("StackName"), p.get("PhysicalResourceId")
	var st *cfnStack
	switch {
	case name != "":
		var err error
		if st, err = a.stackFor(name, false); err != nil {
			return nil, err
		}
	case phys != "":
		for _, s := range a.stacks {
			for _, r := range s.resources {
				if r.physicalID == phys && !s.deleted {
					st = s
				}
			}
		}
		if st == nil {
			return nil, cfnValidation("Stack for %s does not exist", phys)
		}
	default:
		return nil, cfnValidation("Either StackName or PhysicalResourceId must be specified.")
	}
	logical := p.get("LogicalResourceId")
	res := struct {
		StackResources []cfnXMLStackResource `xml:"StackResources>member"`
	}{}
	for _, r := range listedResources(st) {
		if logical != "" && r.id != logical {
			continue
		}
		x := cfnXMLStackResource{StackName: st.name, StackId: st.id, LogicalResourceId: r.id, PhysicalResourceId: r.physicalID,
			ResourceType: r.typ, Timestamp: cfnTime(r.updated), ResourceStatus: r.status, ResourceStatusReason: r.reason}
		x.DriftInformation = resourceDriftInfo(r)
		res.StackResources = append(res.StackResources, x)
	}
	return &res, nil
}

func cfnDescribeStackResource(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settleAllDrifts(c.now())
	st, err := a.stackFor(p.get("StackName"), false)
	if err != nil {
		return nil, err
	}
	id := p.get("LogicalResourceId")
	r := st.resources[id]
	if r == nil || r.status == "NOT_STARTED" {
		return nil, cfnValidation("Resource %s does not exist for stack %s", id, p.get("StackName"))
	}
	type detail struct {
		StackName            string
		StackId              string
		LogicalResourceId    string
		PhysicalResourceId   string
		ResourceType         string
		LastUpdatedTimestamp string
		ResourceStatus       string
		ResourceStatusReason string `xml:",omitempty"`
		Metadata             string `xml:",omitempty"`
		DriftInformation     cfnXMLResourceDriftInfo
	}
	d := detail{StackName: st.name, StackId: st.id, LogicalResourceId: r.id, PhysicalResourceId: r.physicalID,
		ResourceType: r.typ, LastUpdatedTimestamp: cfnTime(r.updated), ResourceStatus: r.status, ResourceStatusReason: r.reason}
	if r.decl != nil && r.decl.metadata != nil {
		d.Metadata = compactJSON(r.decl.metadata)
	}
	d.DriftInformation = resourceDriftInfo(r)
	return &struct{ StackResourceDetail detail }{d}, nil
}

func cfnListStackResources(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	a.settleAllDrifts(c.now())
	st, err := a.stackFor(p.get("StackName"), false)
	if err != nil {
		return nil, err
	}
	type summary struct {
		LogicalResourceId    string
		PhysicalResourceId   string
		ResourceType         string
		LastUpdatedTimestamp string
		ResourceStatus       string
		ResourceStatusReason string `xml:",omitempty"`
		DriftInformation     cfnXMLResourceDriftInfo
	}
	all := listedResources(st)
	start, end, next, err := page(p, len(all))
	if err != nil {
		return nil, err
	}
	res := struct {
		StackResourceSummaries []summary `xml:"StackResourceSummaries>member"`
		NextToken              string    `xml:",omitempty"`
	}{NextToken: next}
	for _, r := range all[start:end] {
		s := summary{LogicalResourceId: r.id, PhysicalResourceId: r.physicalID, ResourceType: r.typ,
			LastUpdatedTimestamp: cfnTime(r.updated), ResourceStatus: r.status, ResourceStatusReason: r.reason}
		s.DriftInformation = resourceDriftInfo(r)
		res.StackResourceSummaries = append(res.StackResourceSummaries, s)
	}
	return &res, nil
}

// --- change sets ----------------------------------------------------------------------------

func cfnCreateChangeSet(c *call, p queryParams) (any, error) {
	stackName, csName := p.get("StackName"), p.get("ChangeSetName")
	if err := checkStackName(stackName); err != nil && !strings.HasPrefix(stackName, "arn:") {
		return nil, err
	}
	switch {
	case csName == "":
		return nil, cfnValidation("1 validation error detected: Value null at 'changeSetName' failed to satisfy constraint: Member must not be null")
	case len(csName) > 128 || !changeSetNamePattern.MatchString(csName):
		return nil, cfnValidation("1 validation error detected: Value '%s' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", csName)
	}
	typ := p.get("ChangeSetType")
	if typ == "" {
		typ = "UPDATE"
	}
	if typ != "UPDATE" && typ != "CREATE" {
		return nil, cfnValidation("the SellerDesk sandbox supports ChangeSetType CREATE and UPDATE, not %s", typ)
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.findStack(stackName)
	switch {
	case typ == "UPDATE" && (st == nil || st.status == "REVIEW_IN_PROGRESS"):
		return nil, cfnValidation("Stack [%s] does not exist", stackName)
	case typ == "CREATE" && st != nil && st.status != "REVIEW_IN_PROGRESS":
		return nil, apiError(http.StatusBadRequest, "AlreadyExistsException", "Stack [%s] already exists and cannot be created again with the changeSet [%s].", stackName, csName)
	}
	if st != nil {
		for _, cs := range st.changeSets {
			if cs.name == csName {
				return nil, apiError(http.StatusBadRequest, "AlreadyExistsException", "ChangeSet [%s] already exists", csName)
			}
		}
	}
	var u *cfnUpdate
	var err error
	if typ == "CREATE" {
		body, _, err := templateFrom(p, false)
		if err != nil {
			return nil, err
		}
		tmpl, err := parseTemplate(body)
		if err != nil {
			return nil, err
		}
		in := paramInputs(p)
		params, err := resolveParams(tmpl, in, nil)
		if err != nil {
			return nil, err
		}
		caps := p.list("Capabilities.member")
		if err := validCapabilities(caps); err != nil {
			return nil, err
		}
		if err := checkCapabilities(tmpl, caps); err != nil {
			return nil, err
		}
		u = &cfnUpdate{tmpl: tmpl, params: params, paramIn: in, caps: caps, tags: tagInputs(p), setTags: true,
			notifARNs: p.list("NotificationARNs.member"), setNotif: true, roleARN: p.get("RoleARN")}
		if st == nil {
			st = a.newStack(stackName, tmpl, params, in, caps, p)
			a.stacks = append(a.stacks, st)
			a.setStackStatus(st, "REVIEW_IN_PROGRESS", "User Initiated")
		}
	} else {
		if err := updatable(st); err != nil {
			return nil, err
		}
		if u, err = a.updateFromRequest(st, p); err != nil {
			return nil, err
		}
	}
	cs := &cfnChangeSet{
		id:   "arn:aws:cloudformation:" + a.Region + ":" + a.ID + ":changeSet/" + csName + "/" + newUUID(),
		name: csName, stack: st, typ: typ, description: p.get("Description"), status: "CREATE_PENDING",
		executionStatus: "UNAVAILABLE", created: time.Now().UTC(), update: u, onStackFailure: p.get("OnStackFailure"),
		includeNested: boolParam(p, "IncludeNestedStacks"), clientToken: p.get("ClientToken"),
	}
	st.changeSets = append(st.changeSets, cs)
	a.goBackground(func(ctx context.Context) { a.runChangeSetCreation(ctx, cs) })
	return &struct{ Id, StackId string }{cs.id, st.id}, nil
}

type cfnXMLChangeDetail struct {
	Target struct {
		Attribute           string
		Name                string `xml:",omitempty"`
		RequiresRecreation  string `xml:",omitempty"`
		AttributeChangeType string `xml:",omitempty"`
	}
	Evaluation    string
	ChangeSource  string
	CausingEntity string `xml:",omitempty"`
}

type cfnXMLChange struct {
	Type           string
	ResourceChange struct {
		Action             string
		LogicalResourceId  string
		PhysicalResourceId string `xml:",omitempty"`
		ResourceType       string
		Replacement        string               `xml:",omitempty"`
		Scope              []string             `xml:"Scope>member"`
		Details            []cfnXMLChangeDetail `xml:"Details>member"`
	}
}

func cfnDescribeChangeSet(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	cs, err := a.findChangeSet(p.get("ChangeSetName"), p.get("StackName"))
	if err != nil {
		return nil, err
	}
	var changes []cfnXMLChange
	if cs.status == "CREATE_COMPLETE" {
		for _, ch := range cs.update.changes {
			var x cfnXMLChange
			x.Type = "Resource"
			rc := &x.ResourceChange
			rc.Action, rc.LogicalResourceId, rc.PhysicalResourceId, rc.ResourceType = ch.action, ch.id, ch.physicalID, ch.typ
			rc.Replacement, rc.Scope = ch.replacement, ch.scope
			if rc.Scope == nil {
				rc.Scope = []string{}
			}
			for _, d := range ch.details {
				var xd cfnXMLChangeDetail
				xd.Target.Attribute, xd.Target.Name, xd.Target.RequiresRecreation = d.attribute, d.name, d.requiresRecreation
				xd.Target.AttributeChangeType = "Modify"
				xd.Evaluation, xd.ChangeSource, xd.CausingEntity = d.evaluation, d.changeSource, d.causingEntity
				rc.Details = append(rc.Details, xd)
			}
			changes = append(changes, x)
		}
	}
	start, end, next, err := page(p, len(changes))
	if err != nil {
		return nil, err
	}
	st := cs.stack
	res := struct {
		ChangeSetName         string
		ChangeSetId           string
		StackId               string
		StackName             string
		Description           string            `xml:",omitempty"`
		Parameters            []cfnXMLParameter `xml:"Parameters>member"`
		CreationTime          string
		ExecutionStatus       string
		Status                string
		StatusReason          string   `xml:",omitempty"`
		NotificationARNs      []string `xml:"NotificationARNs>member"`
		RollbackConfiguration struct{}
		Capabilities          []string       `xml:"Capabilities>member"`
		Tags                  []cfnXMLTag    `xml:"Tags>member"`
		Changes               []cfnXMLChange `xml:"Changes>member"`
		IncludeNestedStacks   bool
		OnStackFailure        string `xml:",omitempty"`
		NextToken             string `xml:",omitempty"`
	}{ChangeSetName: cs.name, ChangeSetId: cs.id, StackId: st.id, StackName: st.name, Description: cs.description,
		Parameters: xmlParams(cs.update.tmpl, cs.update.params), CreationTime: cfnTime(cs.created),
		ExecutionStatus: cs.executionStatus, Status: cs.status, StatusReason: cs.reason,
		NotificationARNs: cs.update.notifARNs, Capabilities: cs.update.caps, Changes: changes[start:end],
		IncludeNestedStacks: cs.includeNested, OnStackFailure: cs.onStackFailure, NextToken: next}
	tags := cs.update.tags
	if !cs.update.setTags {
		tags = st.tags
	}
	for _, t := range tags {
		res.Tags = append(res.Tags, cfnXMLTag(t))
	}
	return &res, nil
}

func cfnExecuteChangeSet(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	cs, err := a.findChangeSet(p.get("ChangeSetName"), p.get("StackName"))
	if err != nil {
		return nil, err
	}
	st := cs.stack
	if cs.status != "CREATE_COMPLETE" || cs.executionStatus != "AVAILABLE" {
		return nil, apiError(http.StatusBadRequest, "InvalidChangeSetStatus",
			"ChangeSet [%s] cannot be executed in its current execution status of [%s]", cs.id, cs.executionStatus)
	}
	if st.op != nil || (inProgress(st.status) && st.status != "REVIEW_IN_PROGRESS") {
		return nil, apiError(http.StatusBadRequest, "InvalidChangeSetStatus",
			"ChangeSet [%s] cannot be executed in its current status of [%s]", cs.id, st.status)
	}
	for _, other := range st.changeSets {
		if other != cs {
			other.executionStatus = "OBSOLETE"
		}
	}
	cs.executionStatus = "EXECUTE_IN_PROGRESS"
	st.changeSetID = cs.id
	token := p.get("ClientRequestToken")
	u := cs.update
	finish := func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		switch st.status {
		case "CREATE_COMPLETE", "UPDATE_COMPLETE":
			cs.executionStatus = "EXECUTE_COMPLETE"
		default:
			cs.executionStatus = "EXECUTE_FAILED"
		}
	}
	if cs.typ == "CREATE" {
		st.tmpl, st.params, st.paramIn, st.conditions = u.tmpl, u.params, u.paramIn, u.conditions
		st.capabilities, st.tags, st.notificationARNs, st.roleARN = u.caps, u.tags, u.notifARNs, u.roleARN
		switch {
		case boolParam(p, "DisableRollback"):
			st.onFailure, st.disableRollback = "DO_NOTHING", true
		case cs.onStackFailure != "":
			st.onFailure, st.disableRollback = cs.onStackFailure, cs.onStackFailure == "DO_NOTHING"
		}
		a.startOp(st, "CREATE", token, func(ctx context.Context) { a.runCreate(ctx, st); finish() })
		a.setStackStatus(st, "CREATE_IN_PROGRESS", "User Initiated")
		return &struct{}{}, nil
	}
	// The stack may have changed since the change set was made: plan again.
	if err := a.planUpdate(st, u); err != nil {
		return nil, err
	}
	if p.has("DisableRollback") {
		u.disableRB = boolParam(p, "DisableRollback")
	}
	a.startOp(st, "UPDATE", token, func(ctx context.Context) { a.runUpdate(ctx, st, u); finish() })
	a.setStackStatus(st, "UPDATE_IN_PROGRESS", "User Initiated")
	return &struct{}{}, nil // ExecuteChangeSet has an (empty) result element
}

func cfnDeleteChangeSet(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	cs, err := a.findChangeSet(p.get("ChangeSetName"), p.get("StackName"))
	if err != nil {
		return nil, err
	}
	if cs.executionStatus == "EXECUTE_IN_PROGRESS" {
		return nil, apiError(http.StatusBadRequest, "InvalidChangeSetStatus", "ChangeSet [%s] cannot be deleted in its current status of [EXECUTE_IN_PROGRESS]", cs.id)
	}
	st := cs.stack
	st.changeSets = slices.DeleteFunc(st.changeSets, func(x *cfnChangeSet) bool { return x == cs })
	if st.status == "REVIEW_IN_PROGRESS" && len(st.changeSets) == 0 {
		a.setStackStatus(st, "DELETE_IN_PROGRESS", "User Initiated")
		a.finishDelete(st)
	}
	return &struct{}{}, nil // DeleteChangeSet has an (empty) result element
}

func cfnListChangeSets(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	type summary struct {
		StackId             string
		StackName           string
		ChangeSetId         string
		ChangeSetName       string
		ExecutionStatus     string
		Status              string
		StatusReason        string `xml:",omitempty"`
		CreationTime        string
		Description         string `xml:",omitempty"`
		IncludeNestedStacks bool
	}
	var all []summary
	for _, cs := range st.changeSets {
		all = append(all, summary{st.id, st.name, cs.id, cs.name, cs.executionStatus, cs.status, cs.reason,
			cfnTime(cs.created), cs.description, cs.includeNested})
	}
	start, end, next, err := page(p, len(all))
	if err != nil {
		return nil, err
	}
	return &struct {
		Summaries []summary `xml:"Summaries>member"`
		NextToken string    `xml:",omitempty"`
	}{all[start:end], next}, nil
}

// --- templates ---------------------------------------------------------------------------------

func cfnGetTemplate(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	var tmpl *cfnTemplate
	if cs := p.get("ChangeSetName"); cs != "" {
		set, err := a.findChangeSet(cs, p.get("StackName"))
		if err != nil {
			return nil, err
		}
		tmpl = set.update.tmpl
	} else {
		st, err := a.stackFor(p.get("StackName"), false)
		if err != nil {
			return nil, err
		}
		tmpl = st.tmpl
	}
	if stage := p.get("TemplateStage"); stage != "" && stage != "Original" && stage != "Processed" {
		return nil, cfnValidation("1 validation error detected: Value '%s' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]", stage)
	}
	return &struct {
		TemplateBody    string
		StagesAvailable []string `xml:"StagesAvailable>member"`
	}{tmpl.text, []string{"Original", "Processed"}}, nil
}

type cfnXMLParamDecl struct {
	ParameterKey         string
	DefaultValue         string `xml:",omitempty"`
	ParameterType        string `xml:",omitempty"`
	NoEcho               bool
	Description          string `xml:",omitempty"`
	ParameterConstraints *struct {
		AllowedValues []string `xml:"AllowedValues>member"`
	} `xml:",omitempty"`
}

// capabilitiesFor returns the capabilities a template needs and why.
func capabilitiesFor(t *cfnTemplate) ([]string, string) {
	capability, types := t.requiredCapabilities()
	if capability == "" {
		return nil, ""
	}
	return []string{capability}, "The following resource(s) require capabilities: [" + strings.Join(types, ", ") + "]"
}

// resourceIdentifiers names the property that identifies each type (for
// GetTemplateSummary's ResourceIdentifierSummaries).
var resourceIdentifiers = map[string]string{
	"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "PolicyArn", "AWS::Lambda::Function": "FunctionName",
	"AWS::SQS::Queue": "QueueUrl", "AWS::SNS::Topic": "TopicArn", "AWS::SNS::Subscription": "Arn",
	"AWS::S3::Bucket": "BucketName", "AWS::S3::BucketPolicy": "Bucket", "AWS::KMS::Key": "KeyId", "AWS::KMS::Alias": "AliasName",
}

func cfnGetTemplateSummary(c *call, p queryParams) (any, error) {
	var tmpl *cfnTemplate
	body, given, err := templateFrom(p, true)
	if err != nil {
		return nil, err
	}
	switch {
	case given && p.get("StackName") != "":
		return nil, cfnValidation("Exactly one of TemplateBody, TemplateUrl, StackName or StackSetName must be specified.")
	case given:
		if tmpl, err = parseTemplate(body); err != nil {
			return nil, err
		}
	case p.get("StackName") != "":
		a := c.acct
		a.mu.Lock()
		st, err := a.stackFor(p.get("StackName"), false)
		if err == nil {
			tmpl = st.tmpl
		}
		a.mu.Unlock()
		if err != nil {
			return nil, err
		}
	default:
		return nil, cfnValidation("Exactly one of TemplateBody, TemplateUrl, StackName or StackSetName must be specified.")
	}
	caps, reason := capabilitiesFor(tmpl)
	type idSummary struct {
		ResourceType        string
		LogicalResourceIds  []string `xml:"LogicalResourceIds>member"`
		ResourceIdentifiers []string `xml:"ResourceIdentifiers>member"`
	}
	res := struct {
		Parameters                  []cfnXMLParamDecl `xml:"Parameters>member"`
		Description                 string            `xml:",omitempty"`
		Capabilities                []string          `xml:"Capabilities>member"`
		CapabilitiesReason          string            `xml:",omitempty"`
		ResourceTypes               []string          `xml:"ResourceTypes>member"`
		Version                     string            `xml:",omitempty"`
		Metadata                    string            `xml:",omitempty"`
		DeclaredTransforms          []string          `xml:"DeclaredTransforms>member"`
		ResourceIdentifierSummaries []idSummary       `xml:"ResourceIdentifierSummaries>member"`
	}{Description: tmpl.description, Capabilities: caps, CapabilitiesReason: reason, Version: tmpl.version,
		DeclaredTransforms: tmpl.transforms}
	for _, d := range tmpl.params {
		x := cfnXMLParamDecl{ParameterKey: d.key, ParameterType: d.typ, NoEcho: d.noEcho, Description: d.description}
		if d.def != nil {
			x.DefaultValue = *d.def
		}
		x.ParameterConstraints = &struct {
			AllowedValues []string `xml:"AllowedValues>member"`
		}{d.allowedValues}
		res.Parameters = append(res.Parameters, x)
	}
	if tmpl.metadata != nil {
		res.Metadata = compactJSON(tmpl.metadata)
	}
	byType := map[string]*idSummary{}
	var typeOrder []string
	for _, r := range tmpl.resources {
		if !slices.Contains(res.ResourceTypes, r.typ) {
			res.ResourceTypes = append(res.ResourceTypes, r.typ)
		}
		id, ok := resourceIdentifiers[r.typ]
		if !ok {
			continue
		}
		if byType[r.typ] == nil {
			byType[r.typ] = &idSummary{ResourceType: r.typ, ResourceIdentifiers: []string{id}}
			typeOrder = append(typeOrder, r.typ)
		}
		byType[r.typ].LogicalResourceIds = append(byType[r.typ].LogicalResourceIds, r.id)
	}
	for _, t := range typeOrder {
		res.ResourceIdentifierSummaries = append(res.ResourceIdentifierSummaries, *byType[t])
	}
	return &res, nil
}

func cfnValidateTemplate(c *call, p queryParams) (any, error) {
	body, _, err := templateFrom(p, false)
	if err != nil {
		return nil, err
	}
	tmpl, err := parseTemplate(body)
	if err != nil {
		return nil, err
	}
	caps, reason := capabilitiesFor(tmpl)
	type param struct {
		ParameterKey string
		DefaultValue string `xml:",omitempty"`
		NoEcho       bool
		Description  string `xml:",omitempty"`
	}
	res := struct {
		Parameters         []param  `xml:"Parameters>member"`
		Description        string   `xml:",omitempty"`
		Capabilities       []string `xml:"Capabilities>member"`
		CapabilitiesReason string   `xml:",omitempty"`
		DeclaredTransforms []string `xml:"DeclaredTransforms>member"`
	}{Description: tmpl.description, Capabilities: caps, CapabilitiesReason: reason, DeclaredTransforms: tmpl.transforms}
	for _, d := range tmpl.params {
		x := param{ParameterKey: d.key, NoEcho: d.noEcho, Description: d.description}
		if d.def != nil {
			x.DefaultValue = *d.def
		}
		res.Parameters = append(res.Parameters, x)
	}
	return &res, nil
}
