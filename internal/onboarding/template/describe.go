package template

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/cfntemplate"
	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// Summary is the plain-words review of the onboarding template that the app
// shows before launch. It is generated from the embedded template, so it
// cannot drift from what is deployed.
type Summary struct {
	Version      string             `json:"version"`
	Description  string             `json:"description"`
	Capabilities []string           `json:"capabilities"`
	Parameters   []ParameterSummary `json:"parameters"`
	Conditions   []ConditionSummary `json:"conditions"`
	Resources    []ResourceSummary  `json:"resources"`
	Outputs      []OutputSummary    `json:"outputs"`
}

// ParameterSummary describes one template parameter. Value is set only by
// DescribeFor.
type ParameterSummary struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Description string `json:"description"`
	Default     string `json:"default"`
	HasDefault  bool   `json:"hasDefault"`
	Value       string `json:"value,omitempty"`
}

// ConditionSummary describes one template condition in words. Value is set
// only by DescribeFor.
type ConditionSummary struct {
	Name  string `json:"name"`
	Text  string `json:"text"` // e.g. `Report URL is not empty`
	Value *bool  `json:"value,omitempty"`
}

// ResourceSummary describes one resource.
type ResourceSummary struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type"`
	Title     string `json:"title"` // from Metadata.SellerDesk.Title
	Why       string `json:"why"`   // from Metadata.SellerDesk.Why
	// Condition is the template condition the resource depends on ("" when
	// it is always created) and When says it in words.
	Condition string `json:"condition,omitempty"`
	When      string `json:"when,omitempty"`
	// Skipped is set by DescribeFor when the condition is false for the
	// given parameters, so the resource will not be created.
	Skipped bool `json:"skipped,omitempty"`
	// Name is the physical name the template gives the resource, if any.
	Name string `json:"name,omitempty"`
	// Retained: the resource is kept when the stack is deleted or the
	// resource replaced.
	Retained        bool               `json:"retained"`
	ManagedPolicies []string           `json:"managedPolicies,omitempty"`
	Statements      []StatementSummary `json:"statements,omitempty"`
}

// StatementSummary is one policy statement, rendered with ${...}
// placeholders for values only known at launch (parameters, other
// resources), plus a sentence in plain words.
type StatementSummary struct {
	// Policy names the document the statement belongs to: "Trust policy",
	// "Permissions policy MarketplaceAccessPolicy", "Bucket policy", …
	Policy string `json:"policy"`
	// Condition/When are set when the statement exists only in one branch of
	// a template condition (Fn::If): Condition is the condition name, prefixed
	// with "!" for the "false" branch.
	Condition    string   `json:"condition,omitempty"`
	When         string   `json:"when,omitempty"`
	Sid          string   `json:"sid"`
	Effect       string   `json:"effect"`
	Actions      []string `json:"actions,omitempty"`
	NotActions   []string `json:"notActions,omitempty"`
	Resources    []string `json:"resources,omitempty"`
	NotResources []string `json:"notResources,omitempty"`
	// Principals are "AWS: arn…", "Service: sns.amazonaws.com" or "*".
	Principals []string `json:"principals,omitempty"`
	// Conditions are "StringEquals sts:ExternalId = ${ExternalId}".
	Conditions []string `json:"conditions,omitempty"`
	Text       string   `json:"text"`
}

// OutputSummary describes one stack output.
type OutputSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Value       string `json:"value"`
}

// Describe returns the review of the embedded template with ${...}
// placeholders for parameter values, and both branches of every Fn::If
// (for example the full and the LeastPrivilege marketplace access).
func Describe() (Summary, error) {
	t, err := cfntemplate.Parse(Body())
	if err != nil {
		return Summary{}, err
	}
	return describe(t, nil)
}

// DescribeFor returns the review for concrete launch parameters: parameter
// placeholders are replaced by their values, the branches of Fn::If that do
// not apply are left out, and resources whose condition is false are marked
// Skipped. It returns the validation error if p is not valid.
func DescribeFor(p Parameters) (Summary, error) {
	return DescribeIn(p, Where{})
}

// Where is what is known of the place a stack will be launched: the
// account, region and stack name. DescribeIn replaces ${AWS::AccountId},
// ${AWS::Region} and ${AWS::StackName} by what is known, and the ARNs of
// resources whose names are known (a role, queue, topic or bucket named by
// the template) by the ARN CloudFormation will give them. Unknown parts stay
// placeholders.
type Where struct {
	AccountID string
	Region    string
	StackName string
}

// DescribeIn is DescribeFor with the launch's account, region and stack
// name resolved where they are known.
func DescribeIn(p Parameters, w Where) (Summary, error) {
	if err := p.Validate(); err != nil {
		return Summary{}, err
	}
	t, err := cfntemplate.Parse(Body())
	if err != nil {
		return Summary{}, err
	}
	values := p.values()
	for k, v := range map[string]string{"AWS::AccountId": w.AccountID, "AWS::Region": w.Region, "AWS::StackName": w.StackName} {
		if v != "" {
			values[k] = v
		}
	}
	return describe(t, values)
}

type describer struct {
	t       *cfntemplate.Template
	resolve bool              // substitute parameter values and pick branches
	params  map[string]string // parameter values (resolve only)
	conds   map[string]bool   // evaluated conditions (resolve only)
	// unknown are the conditions that depend on what is not known before
	// launch (the region, when Where does not say): both of their branches
	// stay in the review, as when not resolving.
	unknown map[string]bool
	labels  map[string]string // parameter labels from AWS::CloudFormation::Interface
	raw     *describer        // the same without resolution (classification)
}

func describe(t *cfntemplate.Template, values map[string]string) (Summary, error) {
	d := &describer{t: t, labels: parameterLabels(t)}
	d.raw = d
	if values != nil {
		raw := *d
		d = &describer{t: t, resolve: true, params: map[string]string{}, conds: map[string]bool{}, unknown: map[string]bool{}, labels: d.labels, raw: &raw}
		for _, name := range []string{"AWS::AccountId", "AWS::Region", "AWS::StackName"} {
			if v, ok := values[name]; ok {
				d.params[name] = v
			}
		}
		for _, name := range t.ParameterNames() {
			if v, ok := values[name]; ok {
				d.params[name] = v
			} else if p := t.Parameters[name]; p.HasDefault {
				d.params[name] = scalarString(p.Default)
			} else {
				return Summary{}, fmt.Errorf("no value for parameter %s", name)
			}
		}
		for _, name := range t.ConditionNames() {
			v, err := d.evalCondition(name, nil)
			if errors.Is(err, errBeforeLaunch) {
				d.unknown[name] = true
				continue
			}
			if err != nil {
				return Summary{}, err
			}
			d.conds[name] = v
		}
	}

	s := Summary{Description: t.Description, Capabilities: append([]string(nil), Capabilities...)}
	if v, ok := t.Metadata["SellerDeskTemplateVersion"].(string); ok {
		s.Version = v
	}
	for _, name := range t.ParameterNames() {
		p := t.Parameters[name]
		ps := ParameterSummary{Name: name, Label: d.label(name), Description: p.Description, HasDefault: p.HasDefault}
		if p.HasDefault {
			ps.Default = scalarString(p.Default)
		}
		if d.resolve {
			ps.Value = d.params[name]
		}
		s.Parameters = append(s.Parameters, ps)
	}
	for _, name := range t.ConditionNames() {
		cs := ConditionSummary{Name: name, Text: d.condText(t.Conditions[name], false, 0)}
		if d.known(name) {
			v := d.conds[name]
			cs.Value = &v
		}
		s.Conditions = append(s.Conditions, cs)
	}
	var missing []string
	for _, id := range t.ResourceIDs() {
		rs, ok := d.resource(id, t.Resources[id])
		if !ok {
			missing = append(missing, id)
		}
		s.Resources = append(s.Resources, rs)
	}
	if len(missing) > 0 {
		return Summary{}, fmt.Errorf("resources without Metadata.SellerDesk Title and Why: %s", strings.Join(missing, ", "))
	}
	for _, name := range t.OutputNames() {
		o := t.Outputs[name]
		s.Outputs = append(s.Outputs, OutputSummary{Name: name, Description: o.Description, Value: d.render(o.Value)})
	}
	return s, nil
}

// ResourceText returns the Metadata.SellerDesk Title and Why of a resource.
func ResourceText(r cfntemplate.Resource) (title, why string) {
	sd, _ := r.Metadata["SellerDesk"].(map[string]any)
	title, _ = sd["Title"].(string)
	why, _ = sd["Why"].(string)
	return strings.TrimSpace(title), strings.TrimSpace(why)
}

func (d *describer) resource(id string, r cfntemplate.Resource) (ResourceSummary, bool) {
	rs := ResourceSummary{LogicalID: id, Type: r.Type, Condition: r.Condition}
	rs.Title, rs.Why = ResourceText(r)
	if r.Condition != "" {
		rs.When = "only if " + d.condText(Ref(r.Condition, true), false, 0)
		if d.known(r.Condition) && !d.conds[r.Condition] {
			rs.Skipped = true
		}
	}
	rs.Retained = r.DeletionPolicy == "Retain" || r.DeletionPolicy == "RetainExceptOnCreate"
	for _, key := range []string{"RoleName", "BucketName", "AliasName", "QueueName", "TopicName", "FunctionName", "PolicyName", "ManagedPolicyName"} {
		if v, ok := r.Properties[key]; ok {
			rs.Name = d.nameWords(v)
			break
		}
	}
	for _, m := range asList(r.Properties["ManagedPolicyArns"]) {
		rs.ManagedPolicies = append(rs.ManagedPolicies, d.managedPolicyWords(d.render(m)))
	}
	for _, doc := range d.policyDocuments(id, r) {
		rs.Statements = append(rs.Statements, d.statements(doc)...)
	}
	return rs, rs.Title != "" && rs.Why != ""
}

// nameWords phrases a physical name, which may be left to CloudFormation
// (AWS::NoValue) in one branch of an Fn::If.
func (d *describer) nameWords(v any) string {
	const generated = "generated by CloudFormation"
	if n, arg, ok := cfntemplate.Intrinsic(v); ok && n == "Fn::If" && !d.known(ifCondition(arg)) {
		if a, ok := arg.([]any); ok && len(a) == 3 {
			c, _ := a[0].(string)
			return d.nameWords(a[1]) + " if " + d.condText(Ref(c, true), false, 0) + ", otherwise " + d.nameWords(a[2])
		}
	}
	if s := d.render(v); s != "" {
		return s
	}
	return generated
}

// Ref builds {"Ref": name}, or {"Condition": name} when condition is true.
func Ref(name string, condition bool) map[string]any {
	if condition {
		return map[string]any{"Condition": name}
	}
	return map[string]any{"Ref": name}
}

// ---------------------------------------------------------------- policies

type policyDoc struct {
	label    string
	doc      any
	actor    string // identity policies: who gets the permissions
	resource bool   // a resource policy (statements name principals)
	self     string // what "*" means in a resource policy ("this key")
}

func (d *describer) policyDocuments(id string, r cfntemplate.Resource) []policyDoc {
	p := r.Properties
	var docs []policyDoc
	switch r.Type {
	case "AWS::IAM::Role":
		if v, ok := p["AssumeRolePolicyDocument"]; ok {
			docs = append(docs, policyDoc{label: "Trust policy", doc: v, resource: true, self: "this role"})
		}
		for _, pol := range asList(p["Policies"]) {
			pm, _ := pol.(map[string]any)
			docs = append(docs, policyDoc{label: "Inline policy " + d.render(pm["PolicyName"]), doc: pm["PolicyDocument"], actor: "the role " + id})
		}
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
		name := d.render(p["PolicyName"])
		if name == "" {
			name = d.render(p["ManagedPolicyName"])
		}
		if name == "" {
			name = id
		}
		docs = append(docs, policyDoc{label: "Permissions policy " + name, doc: p["PolicyDocument"], actor: d.identities(p)})
	case "AWS::S3::BucketPolicy":
		docs = append(docs, policyDoc{label: "Bucket policy of " + d.render(p["Bucket"]), doc: p["PolicyDocument"], resource: true})
	case "AWS::SNS::TopicPolicy":
		docs = append(docs, policyDoc{label: "Topic policy of " + d.joinRendered(p["Topics"]), doc: p["PolicyDocument"], resource: true})
	case "AWS::SQS::QueuePolicy":
		docs = append(docs, policyDoc{label: "Queue policy of " + d.joinRendered(p["Queues"]), doc: p["PolicyDocument"], resource: true})
	case "AWS::KMS::Key":
		docs = append(docs, policyDoc{label: "Key policy", doc: p["KeyPolicy"], resource: true, self: "this key"})
	default:
		keys := make([]string, 0, len(p))
		for k := range p {
			if strings.HasSuffix(k, "PolicyDocument") || k == "KeyPolicy" || k == "PolicyText" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			docs = append(docs, policyDoc{label: k, doc: p[k], resource: true})
		}
	}
	return docs
}

// identities names who an identity policy is attached to.
func (d *describer) identities(p map[string]any) string {
	var parts []string
	for _, k := range []struct{ prop, word string }{{"Roles", "role"}, {"Users", "user"}, {"Groups", "group"}, {"RoleName", "role"}, {"UserName", "user"}, {"GroupName", "group"}} {
		for _, v := range asList(p[k.prop]) {
			parts = append(parts, "the "+k.word+" "+d.entityName(v))
		}
	}
	if len(parts) == 0 {
		return "whoever it is attached to"
	}
	return joinWords(parts)
}

// entityName renders a reference to a resource by its logical ID.
func (d *describer) entityName(v any) string {
	if name, arg, ok := cfntemplate.Intrinsic(v); ok && name == "Ref" {
		if s, ok := arg.(string); ok {
			if _, isRes := d.t.Resources[s]; isRes {
				return s
			}
		}
	}
	return d.render(v)
}

type branch struct {
	v         any
	condition string
	when      string
}

// expandIf splits a value on Fn::If into the branches that apply: both (with
// their conditions) when not resolving, the chosen one when resolving.
// AWS::NoValue branches disappear.
func (d *describer) expandIf(v any, cond, when string) []branch {
	if name, arg, ok := cfntemplate.Intrinsic(v); ok {
		if name == "Ref" && arg == "AWS::NoValue" {
			return nil
		}
		if name == "Fn::If" {
			l, _ := arg.([]any)
			if len(l) == 3 {
				c, _ := l[0].(string)
				if d.known(c) {
					if d.conds[c] {
						return d.expandIf(l[1], cond, when)
					}
					return d.expandIf(l[2], cond, when)
				}
				yes := d.condText(Ref(c, true), false, 0)
				no := d.condText(Ref(c, true), true, 0)
				out := d.expandIf(l[1], joinCond(cond, c), joinWhen(when, yes))
				return append(out, d.expandIf(l[2], joinCond(cond, "!"+c), joinWhen(when, no))...)
			}
		}
	}
	return []branch{{v: v, condition: cond, when: when}}
}

func joinCond(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}

func joinWhen(a, b string) string {
	if a == "" {
		return "only when " + b
	}
	return a + " and " + b
}

func (d *describer) statements(pd policyDoc) []StatementSummary {
	var out []StatementSummary
	for _, db := range d.expandIf(pd.doc, "", "") {
		dm, _ := db.v.(map[string]any)
		for _, sb := range d.expandIf(dm["Statement"], db.condition, db.when) {
			list, isList := sb.v.([]any)
			if !isList {
				list = []any{sb.v}
			}
			for _, item := range list {
				for _, ib := range d.expandIf(item, sb.condition, sb.when) {
					sm, ok := ib.v.(map[string]any)
					if !ok {
						continue
					}
					out = append(out, d.statement(pd, sm, ib.condition, ib.when))
				}
			}
		}
	}
	return out
}

func (d *describer) statement(pd policyDoc, sm map[string]any, cond, when string) StatementSummary {
	st := StatementSummary{
		Policy:       pd.label,
		Condition:    cond,
		When:         when,
		Sid:          d.render(sm["Sid"]),
		Effect:       d.render(sm["Effect"]),
		Actions:      d.renderList(sm["Action"]),
		NotActions:   d.renderList(sm["NotAction"]),
		Resources:    d.renderList(sm["Resource"]),
		NotResources: d.renderList(sm["NotResource"]),
	}
	type principal struct{ kind, raw, shown string }
	var principals []principal
	shown, raw := d.modelStatement(sm), d.raw.modelStatement(sm)
	if shown.Principal != nil && raw.Principal != nil {
		kinds := func(p *iampolicy.Principal) [][]string {
			return [][]string{p.AWS, p.CanonicalUser, p.Federated, p.Service}
		}
		rawKinds := kinds(raw.Principal)
		for i, kind := range []string{"AWS", "CanonicalUser", "Federated", "Service"} {
			for j, v := range kinds(shown.Principal)[i] {
				pr := principal{kind, rawKinds[i][j], v}
				principals = append(principals, pr)
				st.Principals = append(st.Principals, kind+": "+pr.shown)
			}
		}
		if len(principals) == 0 && shown.Principal.All {
			principals = append(principals, principal{"*", "*", "*"})
			st.Principals = append(st.Principals, "*")
		}
	}
	var condWords []string
	rawConds := raw.Conditions()
	for i, c := range shown.Conditions() {
		if len(c.Values) == 1 {
			st.Conditions = append(st.Conditions, fmt.Sprintf("%s %s = %s", c.Operator, c.Key, c.Values[0]))
		} else {
			st.Conditions = append(st.Conditions, fmt.Sprintf("%s %s = any of [%s]", c.Operator, c.Key, strings.Join(c.Values, ", ")))
		}
		condWords = append(condWords, d.conditionWords(c.Operator, c.Key, rawConds[i].Values, c.Values))
	}

	// The sentence.
	var subject string
	if len(principals) > 0 {
		var words []string
		for _, p := range principals {
			words = append(words, d.principalWords(p.kind, p.raw, p.shown))
		}
		subject = joinWords(words)
	} else if pd.actor != "" {
		subject = pd.actor
	} else {
		subject = "the principal it is attached to"
	}
	verb := "Allows"
	if strings.EqualFold(st.Effect, "Deny") {
		verb = "Denies"
	}
	var b strings.Builder
	b.WriteString(verb + " " + subject + " ")
	b.WriteString(actionWords(st.Actions, st.NotActions, verb == "Denies"))
	if on := d.resourceWords(st.Resources, st.NotResources, pd); on != "" {
		b.WriteString(" " + on)
	}
	if len(condWords) > 0 {
		if verb == "Denies" {
			b.WriteString(" when " + joinWords(condWords))
		} else {
			b.WriteString(", only " + joinWords(condWords))
		}
	}
	b.WriteString(".")
	st.Text = b.String()
	return st
}

// modelStatement reads a template's policy statement into the shared IAM
// policy model, its principals and condition values rendered as d renders
// them (${...} placeholders or parameter values); Fn::If branches of
// values are picked or dropped as renderList does.
func (d *describer) modelStatement(sm map[string]any) iampolicy.Statement {
	strs := func(v any) []any {
		out := []any{}
		for _, s := range d.renderList(v) {
			out = append(out, s)
		}
		return out
	}
	plain := map[string]any{}
	switch p := sm["Principal"].(type) {
	case string:
		plain["Principal"] = p
	case map[string]any:
		pm := map[string]any{}
		for kind, v := range p {
			pm[kind] = strs(v)
		}
		plain["Principal"] = pm
	}
	if cm, ok := sm["Condition"].(map[string]any); ok {
		out := map[string]any{}
		for op, body := range cm {
			km, _ := body.(map[string]any)
			keys := map[string]any{}
			for k, v := range km {
				keys[k] = strs(v)
			}
			out[op] = keys
		}
		plain["Condition"] = out
	}
	var st iampolicy.Statement
	if b, err := json.Marshal(plain); err == nil {
		_ = json.Unmarshal(b, &st) // a statement the model cannot read has no principals or conditions to describe
	}
	return st
}

var accountRootRE = regexp.MustCompile(`^arn:[^:]*:iam::(.+):root$`)

func (d *describer) principalWords(kind, raw, shown string) string {
	switch kind {
	case "*":
		return "anyone"
	case "AWS":
		if raw == "*" {
			return "any AWS principal"
		}
		acct := raw
		if m := accountRootRE.FindStringSubmatch(raw); m != nil {
			acct = m[1]
		} else if !isPlaceholder(raw) && !allIn(raw, isDigit) {
			return "the AWS principal " + shown
		}
		shownAcct := shown
		if m := accountRootRE.FindStringSubmatch(shown); m != nil {
			shownAcct = m[1]
		}
		switch acct {
		case "${AWS::AccountId}":
			return "IAM users and roles of your own account (as far as their IAM policies allow)"
		case "${PartnerAccountId}":
			return "the partner's AWS account " + shownAcct
		}
		return "the AWS account " + shownAcct
	case "Service":
		if name, ok := knownServicePrincipals[raw]; ok {
			return name + " (" + shown + ")"
		}
		return "the AWS service " + shown
	case "Federated":
		return "users federated through " + shown
	}
	return kind + " " + shown
}

var knownServicePrincipals = map[string]string{
	"lambda.amazonaws.com":              "the AWS Lambda service",
	"sns.amazonaws.com":                 "Amazon SNS",
	"reports.marketplace.amazonaws.com": "AWS Marketplace reporting",
	"s3.amazonaws.com":                  "Amazon S3",
	"events.amazonaws.com":              "Amazon EventBridge",
}

var serviceNames = map[string]string{
	"sts":                          "AWS STS",
	"iam":                          "IAM",
	"sqs":                          "Amazon SQS",
	"sns":                          "Amazon SNS",
	"s3":                           "Amazon S3",
	"kms":                          "AWS KMS",
	"lambda":                       "AWS Lambda",
	"logs":                         "CloudWatch Logs",
	"events":                       "Amazon EventBridge",
	"aws-marketplace":              "AWS Marketplace",
	"aws-marketplace-management":   "AWS Marketplace Management Portal",
	"vendor-insights":              "AWS Marketplace Vendor Insights",
	"marketplacecommerceanalytics": "AWS Marketplace Commerce Analytics Service",
}

func serviceName(prefix string) string {
	if n, ok := serviceNames[strings.ToLower(prefix)]; ok {
		return n
	}
	return prefix
}

// actionWords phrases an action list: "to assume this role", "to call Amazon
// SQS ReceiveMessage and DeleteMessage", "to perform every AWS Marketplace
// action".
func actionWords(actions, notActions []string, deny bool) string {
	if len(actions) == 1 && strings.EqualFold(actions[0], "sts:AssumeRole") {
		if deny {
			return "from assuming this role"
		}
		return "to assume this role"
	}
	if len(notActions) > 0 {
		return "every action except " + strings.Join(notActions, ", ")
	}
	if len(actions) == 1 && actions[0] == "*" {
		return "every action of every service"
	}
	type group struct {
		service string
		names   []string
		all     bool
	}
	var groups []*group
	idx := map[string]*group{}
	for _, a := range actions {
		prefix, name, ok := strings.Cut(a, ":")
		if !ok {
			prefix, name = "", a
		}
		key := strings.ToLower(prefix)
		g := idx[key]
		if g == nil {
			g = &group{service: serviceName(prefix)}
			idx[key] = g
			groups = append(groups, g)
		}
		if name == "*" {
			g.all = true
		} else {
			g.names = append(g.names, name)
		}
	}
	var every, calls []string
	for _, g := range groups {
		if g.all {
			every = append(every, "every "+g.service+" action")
		}
		if len(g.names) > 0 {
			calls = append(calls, g.service+" "+joinWords(g.names))
		}
	}
	var parts []string
	if len(every) > 0 {
		parts = append(parts, "to perform "+joinWords(every))
	}
	if len(calls) > 0 {
		parts = append(parts, "to call "+strings.Join(calls, "; "))
	}
	s := strings.Join(parts, " and ")
	if deny {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "to perform "), "to call ")
	}
	return s
}

func (d *describer) resourceWords(resources, notResources []string, pd policyDoc) string {
	if len(notResources) > 0 {
		return "on every resource except " + strings.Join(notResources, ", ")
	}
	if len(resources) == 0 {
		if pd.self != "" {
			return "" // trust policies: the resource is the role itself
		}
		return ""
	}
	if len(resources) == 1 && resources[0] == "*" {
		if pd.self != "" {
			return "on " + pd.self
		}
		return "on any resource"
	}
	return "on " + joinWords(resources)
}

func (d *describer) conditionWords(op, key string, rawVals, vals []string) string {
	switch strings.ToLower(key) {
	case "sts:externalid":
		return "when it presents the external ID " + joinOr(vals)
	case "aws:sourceaccount":
		if len(rawVals) == 1 && rawVals[0] == "${AWS::AccountId}" {
			return "when acting on behalf of your account"
		}
		return "when acting on behalf of account " + joinOr(vals)
	case "aws:sourcearn":
		return "for messages or requests coming from " + joinOr(vals)
	case "aws:securetransport":
		if len(vals) == 1 && strings.EqualFold(vals[0], "false") {
			return "the request does not use HTTPS"
		}
		return "over HTTPS"
	case "kms:encryptioncontext:aws:s3:arn":
		return "when used by Amazon S3 for " + joinOr(vals)
	}
	opWords := map[string]string{
		"stringequals": "is", "stringlike": "matches", "arnlike": "matches", "arnequals": "is",
		"stringnotequals": "is not", "stringnotlike": "does not match", "bool": "is",
	}
	w, ok := opWords[strings.ToLower(op)]
	if !ok {
		w = op
	}
	return "when " + key + " " + w + " " + joinOr(vals)
}

func (d *describer) managedPolicyWords(arn string) string {
	name := arn[strings.LastIndex(arn, "/")+1:]
	switch name {
	case "AWSLambdaBasicExecutionRole":
		return "AWS managed policy " + name + " (write its own logs to CloudWatch Logs)"
	}
	return "managed policy " + arn
}

// ---------------------------------------------------------------- rendering

// render turns a template value into readable text: references become
// ${Name} / ${Resource.Attribute}, Fn::Sub keeps its placeholders,
// ${AWS::Partition} is shown as "aws" (AWS Marketplace exists only in the
// commercial partition), and other functions are shown compactly. When
// resolving, parameter references are replaced by their values and Fn::If
// takes the applicable branch.
func (d *describer) render(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		return strings.Join(d.renderList(x), ", ")
	}
	name, arg, ok := cfntemplate.Intrinsic(v)
	if !ok {
		b, _ := json.Marshal(v)
		return string(b)
	}
	switch name {
	case "Ref":
		s, _ := arg.(string)
		return d.placeholder(s)
	case "Condition":
		s, _ := arg.(string)
		return s
	case "Fn::GetAtt":
		switch a := arg.(type) {
		case []any:
			parts := make([]string, len(a))
			for i, p := range a {
				parts[i] = d.render(p)
			}
			if len(parts) == 2 {
				if arn, ok := d.knownAttr(parts[0], parts[1]); ok {
					return arn
				}
			}
			return "${" + strings.Join(parts, ".") + "}"
		case string:
			if res, attr, ok := strings.Cut(a, "."); ok {
				if arn, ok := d.knownAttr(res, attr); ok {
					return arn
				}
			}
			return "${" + a + "}"
		}
	case "Fn::Sub":
		switch a := arg.(type) {
		case string:
			return d.sub(a, nil)
		case []any:
			if len(a) == 2 {
				s, _ := a[0].(string)
				vars, _ := a[1].(map[string]any)
				return d.sub(s, vars)
			}
		}
	case "Fn::Join":
		if a, ok := arg.([]any); ok && len(a) == 2 {
			sep := d.render(a[0])
			return strings.Join(d.renderList(a[1]), sep)
		}
	case "Fn::If":
		if a, ok := arg.([]any); ok && len(a) == 3 {
			c, _ := a[0].(string)
			if d.known(c) {
				if d.conds[c] {
					return d.render(a[1])
				}
				return d.render(a[2])
			}
			yes, no := d.render(a[1]), d.render(a[2])
			cond := d.condText(Ref(c, true), false, 0)
			if no == "" {
				return yes + " (only if " + cond + ")"
			}
			if yes == "" {
				return no + " (unless " + cond + ")"
			}
			return yes + " if " + cond + ", otherwise " + no
		}
	case "Fn::Select":
		if a, ok := arg.([]any); ok && len(a) == 2 {
			if l, ok := a[1].([]any); ok {
				if i, err := strconv.Atoi(d.render(a[0])); err == nil && i >= 0 && i < len(l) {
					return d.render(l[i])
				}
			}
		}
	}
	var args []string
	for _, a := range asList(arg) {
		args = append(args, d.render(a))
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

// renderList renders a scalar or a list as a list, dropping AWS::NoValue.
func (d *describer) renderList(v any) []string {
	if v == nil {
		return nil
	}
	var out []string
	for _, e := range asList(v) {
		if n, a, ok := cfntemplate.Intrinsic(e); ok && n == "Ref" && a == "AWS::NoValue" {
			continue
		}
		if n, a, ok := cfntemplate.Intrinsic(e); ok && n == "Fn::If" && d.resolve && d.known(ifCondition(a)) {
			out = append(out, d.renderList(d.pick(e))...)
			continue
		}
		out = append(out, d.render(e))
	}
	return out
}

// known reports whether condition c has a value in this review.
func (d *describer) known(c string) bool { return d.resolve && !d.unknown[c] }

// ifCondition is the condition name of an Fn::If's arguments.
func ifCondition(arg any) string {
	a, _ := arg.([]any)
	if len(a) != 3 {
		return ""
	}
	c, _ := a[0].(string)
	return c
}

// errBeforeLaunch: a condition depends on what is known only at launch.
var errBeforeLaunch = errors.New("not known before launch")

// pick returns the applicable branch of an Fn::If when resolving.
func (d *describer) pick(v any) any {
	_, arg, _ := cfntemplate.Intrinsic(v)
	a, _ := arg.([]any)
	if len(a) != 3 {
		return v
	}
	c, _ := a[0].(string)
	if d.conds[c] {
		return a[1]
	}
	return a[2]
}

func (d *describer) joinRendered(v any) string { return joinWords(d.renderList(v)) }

func (d *describer) placeholder(name string) string {
	switch name {
	case "AWS::Partition":
		return "aws"
	case "AWS::NoValue":
		return ""
	}
	if d.resolve {
		if v, ok := d.params[name]; ok {
			return v
		}
	}
	return "${" + name + "}"
}

var subVarRE = regexp.MustCompile(`\$\{([^}]*)\}`)

func (d *describer) sub(s string, vars map[string]any) string {
	return subVarRE.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}" // ${!Literal}
		}
		if v, ok := vars[name]; ok {
			return d.render(v)
		}
		if res, attr, ok := strings.Cut(name, "."); ok {
			if arn, ok := d.knownAttr(res, attr); ok {
				return arn
			}
			return m // ${Resource.Attribute}
		}
		return d.placeholder(name)
	})
}

// knownAttr gives the ARN of resource res, when resolving and the account,
// region and the resource's name are all known: the ARN CloudFormation will
// report. Only the resource types whose ARN is built from their name.
func (d *describer) knownAttr(res, attr string) (string, bool) {
	if !d.resolve || attr != "Arn" {
		return "", false
	}
	r, ok := d.t.Resources[res]
	if !ok {
		return "", false
	}
	acct, region := d.params["AWS::AccountId"], d.params["AWS::Region"]
	name := func(prop string) string {
		v, ok := r.Properties[prop]
		if !ok {
			return ""
		}
		n := d.render(v)
		if n == "" || strings.Contains(n, "${") {
			return ""
		}
		return n
	}
	switch r.Type {
	case "AWS::IAM::Role":
		if n := name("RoleName"); n != "" && acct != "" {
			path := "/"
			if p := name("Path"); p != "" {
				path = p
			}
			return "arn:aws:iam::" + acct + ":role" + path + n, true
		}
	case "AWS::SQS::Queue":
		if n := name("QueueName"); n != "" && acct != "" && region != "" {
			return "arn:aws:sqs:" + region + ":" + acct + ":" + n, true
		}
	case "AWS::SNS::Topic":
		if n := name("TopicName"); n != "" && acct != "" && region != "" {
			return "arn:aws:sns:" + region + ":" + acct + ":" + n, true
		}
	case "AWS::S3::Bucket":
		if n := name("BucketName"); n != "" {
			return "arn:aws:s3:::" + n, true
		}
	}
	return "", false
}

// ---------------------------------------------------------------- conditions

// condText phrases a condition expression; negate phrases its opposite.
func (d *describer) condText(expr any, negate bool, depth int) string {
	if depth > 20 {
		return "(condition too deep)"
	}
	name, arg, ok := cfntemplate.Intrinsic(expr)
	if !ok {
		s := d.render(expr)
		if negate {
			return "not " + s
		}
		return s
	}
	args, _ := arg.([]any)
	switch name {
	case "Condition":
		c, _ := arg.(string)
		if e, ok := d.t.Conditions[c]; ok {
			return d.condText(e, negate, depth+1)
		}
		if negate {
			return "not " + c
		}
		return c
	case "Fn::Not":
		if len(args) == 1 {
			return d.condText(args[0], !negate, depth+1)
		}
	case "Fn::And", "Fn::Or":
		var parts []string
		for _, a := range args {
			parts = append(parts, d.condText(a, negate, depth+1))
		}
		// De Morgan: not (a and b) = not a or not b.
		if (name == "Fn::And") != negate {
			return strings.Join(parts, " and ")
		}
		return strings.Join(parts, " or ")
	case "Fn::Equals":
		if len(args) == 2 {
			a, b := args[0], args[1]
			if _, _, isFn := cfntemplate.Intrinsic(a); !isFn {
				if _, _, isFn2 := cfntemplate.Intrinsic(b); isFn2 {
					a, b = b, a
				}
			}
			left := d.condOperand(a)
			right := d.render(b)
			is := " is "
			if negate {
				is = " is not "
			}
			if right == "" {
				return left + is + "empty"
			}
			return left + is + strconv.Quote(right)
		}
	}
	s := d.render(expr)
	if negate {
		return "not " + s
	}
	return s
}

// condOperand names a parameter by its label ("Report URL") in conditions.
func (d *describer) condOperand(v any) string {
	if name, arg, ok := cfntemplate.Intrinsic(v); ok && name == "Ref" {
		if s, ok := arg.(string); ok {
			if _, isParam := d.t.Parameters[s]; isParam {
				return d.label(s)
			}
			if strings.HasPrefix(s, "AWS::") {
				// A pseudo parameter: its value when known, else in words.
				if r := d.render(v); !isPlaceholder(r) {
					return r
				}
				if s == "AWS::Region" {
					return "the stack's region"
				}
			}
		}
	}
	return d.raw.render(v)
}

func (d *describer) label(param string) string {
	if l, ok := d.labels[param]; ok && l != "" {
		return l
	}
	return param
}

// evalCondition evaluates a named condition with the resolved parameters.
func (d *describer) evalCondition(name string, seen map[string]bool) (bool, error) {
	if v, ok := d.conds[name]; ok {
		return v, nil
	}
	if seen[name] {
		return false, fmt.Errorf("condition %s refers to itself", name)
	}
	if seen == nil {
		seen = map[string]bool{}
	}
	seen[name] = true
	expr, ok := d.t.Conditions[name]
	if !ok {
		return false, fmt.Errorf("unknown condition %s", name)
	}
	v, err := d.evalExpr(expr, seen)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	d.conds[name] = v
	return v, nil
}

func (d *describer) evalExpr(expr any, seen map[string]bool) (bool, error) {
	name, arg, ok := cfntemplate.Intrinsic(expr)
	if !ok {
		if b, isBool := expr.(bool); isBool {
			return b, nil
		}
		return false, fmt.Errorf("cannot evaluate %v", expr)
	}
	args, _ := arg.([]any)
	switch name {
	case "Condition":
		c, _ := arg.(string)
		if d.unknown[c] {
			return false, fmt.Errorf("condition %s: %w", c, errBeforeLaunch)
		}
		return d.evalCondition(c, seen)
	case "Fn::Not":
		if len(args) != 1 {
			return false, errors.New("Fn::Not needs one argument")
		}
		v, err := d.evalExpr(args[0], seen)
		return !v, err
	case "Fn::And", "Fn::Or":
		and := name == "Fn::And"
		result := and
		for _, a := range args {
			v, err := d.evalExpr(a, seen)
			if err != nil {
				return false, err
			}
			if and {
				result = result && v
			} else {
				result = result || v
			}
		}
		return result, nil
	case "Fn::Equals":
		if len(args) != 2 {
			return false, errors.New("Fn::Equals needs two arguments")
		}
		a, b := d.render(args[0]), d.render(args[1])
		if strings.Contains(a+b, "${") {
			return false, fmt.Errorf("cannot evaluate %s = %s: %w", a, b, errBeforeLaunch)
		}
		return a == b, nil
	}
	return false, fmt.Errorf("cannot evaluate %s", name)
}

// ---------------------------------------------------------------- helpers

func parameterLabels(t *cfntemplate.Template) map[string]string {
	out := map[string]string{}
	iface, _ := t.Metadata["AWS::CloudFormation::Interface"].(map[string]any)
	labels, _ := iface["ParameterLabels"].(map[string]any)
	for name, v := range labels {
		if m, ok := v.(map[string]any); ok {
			if s, ok := m["default"].(string); ok {
				out[name] = s
			}
		}
	}
	return out
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func isPlaceholder(s string) bool { return strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") }

// joinWords joins "a", "a and b", "a, b and c".
func joinWords(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func joinOr(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return "one of " + strings.Join(parts, ", ")
}
