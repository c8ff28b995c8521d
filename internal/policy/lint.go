package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// Severities of a Finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Lint rules, one per rule of the guide.
const (
	// RuleChangeSetARNMissing (a): StartChangeSet on specific entity ARNs
	// without AWSMarketplace/ChangeSet/* among the resources.
	RuleChangeSetARNMissing = "changeset-arn-missing"
	// RuleChangeSetARNWildcard (b): a ChangeSet ARN without the /* wildcard in
	// a StartChangeSet statement.
	RuleChangeSetARNWildcard = "changeset-arn-wildcard"
	// RuleTagConditionNeedsTagResource (c): StartChangeSet under an
	// aws:ResourceTag condition without TagResource in the same statement.
	RuleTagConditionNeedsTagResource = "tag-condition-needs-tagresource"
	// RuleAPIOnly (d): resource-level permissions or condition keys on
	// StartChangeSet are honoured by the Catalog API only, not by the AWS
	// Marketplace Management Portal. Severity info: the guide's own examples
	// carry it, it is a caveat rather than a mistake.
	RuleAPIOnly = "api-only"
	// RuleChangeTypeScope (e): catalog:ChangeType on actions other than StartChangeSet.
	RuleChangeTypeScope = "changetype-scope"
	// RuleUnknownAction (f): an aws-marketplace: action that is not a Catalog API action.
	RuleUnknownAction = "unknown-action"
	// RuleEntityARN (g): an aws-marketplace ARN outside us-east-1 or malformed.
	RuleEntityARN = "entity-arn"
	// RuleTagRules (h): an aws:ResourceTag condition key or value breaking the tag rules.
	RuleTagRules = "tag-rules"
	// RuleVersion: a Version other than 2012-10-17 (warning).
	RuleVersion = "version"
)

// Finding is one broken rule of a linted policy.
type Finding struct {
	Rule     string // one of the Rule* constants
	Severity string // "error", "warning" or "info"
	// Statement is the 1-based index of the statement (as shown to users);
	// 0 for findings about the whole document.
	Statement int
	Sid       string
	Message   string // what is wrong and the guide's reason
	Fix       string // how to fix it
}

func (f Finding) String() string {
	where := "document"
	if f.Statement > 0 {
		where = fmt.Sprintf("statement %d", f.Statement)
		if f.Sid != "" {
			where += " (" + f.Sid + ")"
		}
	}
	return fmt.Sprintf("%s: %s [%s] %s Fix: %s", where, f.Severity, f.Rule, f.Message, f.Fix)
}

// HasErrors reports whether any finding has severity error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Lint parses raw (see Parse: invalid JSON is an error with line and column)
// and returns the findings in statement order, then rule order.
func Lint(raw []byte) ([]Finding, error) {
	d, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	return LintDocument(d), nil
}

var ruleOrder = map[string]int{
	RuleVersion: 0, RuleUnknownAction: 1, RuleEntityARN: 2, RuleChangeSetARNMissing: 3,
	RuleChangeSetARNWildcard: 4, RuleTagConditionNeedsTagResource: 5, RuleChangeTypeScope: 6,
	RuleTagRules: 7, RuleAPIOnly: 8,
}

// LintDocument lints an already parsed document.
func LintDocument(d Document) []Finding {
	var out []Finding
	if d.Version != "" && d.Version != Version {
		out = append(out, Finding{Rule: RuleVersion, Severity: SeverityWarning,
			Message: fmt.Sprintf("Version %q is not the current policy language version; policy variables and some features are unavailable", d.Version),
			Fix:     fmt.Sprintf("set \"Version\": %q", Version)})
	}
	for i, s := range d.Statement {
		out = append(out, lintStatement(i+1, s)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Statement != out[j].Statement {
			return out[i].Statement < out[j].Statement
		}
		if out[i].Rule != out[j].Rule {
			return ruleOrder[out[i].Rule] < ruleOrder[out[j].Rule]
		}
		return out[i].Message < out[j].Message
	})
	return out
}

const startChangeSet = ActionPrefix + "StartChangeSet"

// actionCovers reports whether the IAM action pattern a covers action
// (case-insensitive, wildcards allowed).
func actionCovers(a, action string) bool {
	return iampolicy.MatchAction(a, action)
}

func anyActionCovers(actions []string, action string) bool {
	for _, a := range actions {
		if actionCovers(a, action) {
			return true
		}
	}
	return false
}

// mpARN is an aws-marketplace ARN split into its parts.
type mpARN struct {
	raw, partition, region, account, resource string
}

func splitMarketplaceARN(r string) (mpARN, bool) {
	p := strings.SplitN(r, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[2] != "aws-marketplace" {
		return mpARN{}, false
	}
	return mpARN{raw: r, partition: p[1], region: p[3], account: p[4], resource: p[5]}, true
}

// isChangeSet reports whether the ARN names change sets (AWSMarketplace/ChangeSet...).
func (a mpARN) isChangeSet() bool {
	return a.resource == "AWSMarketplace/ChangeSet" || strings.HasPrefix(a.resource, "AWSMarketplace/ChangeSet/")
}

func lintStatement(n int, s Statement) []Finding {
	var out []Finding
	add := func(rule, sev, msg, fix string) {
		out = append(out, Finding{Rule: rule, Severity: sev, Statement: n, Sid: s.Sid, Message: msg, Fix: fix})
	}
	allow := strings.EqualFold(s.Effect, "Allow")
	hasStart := anyActionCovers(s.Action, startChangeSet)

	// (f) unknown aws-marketplace actions.
	for _, a := range s.Action {
		if len(a) < len(ActionPrefix) || !strings.EqualFold(a[:len(ActionPrefix)], ActionPrefix) {
			continue
		}
		name := a[len(ActionPrefix):]
		if strings.ContainsAny(name, "*?") {
			continue
		}
		if _, err := NormalizeAction(a); err != nil {
			c := closestAction(name)
			add(RuleUnknownAction, SeverityWarning,
				fmt.Sprintf("action %q is not a Catalog API action (known: %s); if it is not another AWS Marketplace action, it grants nothing", a, strings.Join(CatalogActions, ", ")),
				fmt.Sprintf("did you mean %q?", ActionPrefix+c))
		}
	}

	// (g) aws-marketplace ARNs: us-east-1 only, well formed.
	var entityARNs, changeSetARNs []mpARN
	for _, r := range s.Resource {
		if r == "*" {
			continue
		}
		a, ok := splitMarketplaceARN(r)
		if !ok {
			if strings.Contains(r, "aws-marketplace") && strings.HasPrefix(r, "arn:") {
				add(RuleEntityARN, SeverityError,
					fmt.Sprintf("resource %q is a malformed AWS Marketplace ARN", r),
					"use arn:aws:aws-marketplace:us-east-1:<account>:AWSMarketplace/<EntityType>/<id>")
			}
			continue
		}
		if msg := marketplaceARNProblem(a); msg != "" {
			add(RuleEntityARN, SeverityError, fmt.Sprintf("resource %q: %s", r, msg),
				"use arn:aws:aws-marketplace:us-east-1:<12-digit account>:AWSMarketplace/<EntityType>/<id> (the Catalog API is only in us-east-1)")
		}
		if a.isChangeSet() {
			changeSetARNs = append(changeSetARNs, a)
		} else if a.resource != "*" && !strings.HasPrefix(a.resource, "AWSMarketplace/*") {
			entityARNs = append(entityARNs, a)
		}
	}

	if allow && hasStart {
		// (b) ChangeSet ARNs must end in /*.
		badCS := false
		for _, cs := range changeSetARNs {
			if !strings.HasSuffix(cs.resource, "/*") {
				badCS = true
				add(RuleChangeSetARNWildcard, SeverityError,
					fmt.Sprintf("change set ARN %q has no /* wildcard: StartChangeSet creates a change set with a new ID, which this ARN cannot match", cs.raw),
					fmt.Sprintf("use %q", changeSetBase(cs)+"/*"))
			}
		}
		// (a) entity ARNs need AWSMarketplace/ChangeSet/* beside them.
		if len(entityARNs) > 0 && !badCS && !coversNewChangeSet(s.Resource, entityARNs) {
			acct := entityARNs[0].account
			if !accountRE.MatchString(acct) {
				acct = "<account>"
			}
			add(RuleChangeSetARNMissing, SeverityError,
				"StartChangeSet is limited to specific entity ARNs but no resource matches the new change set: resource-level permissions on actions that create change sets also need the ChangeSet ARN with the /* wildcard",
				fmt.Sprintf("add %q to Resource", ChangeSetWildcardARN(acct)))
		}
		// (c) tag condition needs TagResource.
		if hasResourceTagCondition(s.Condition) && !anyActionCovers(s.Action, ActionPrefix+"TagResource") {
			add(RuleTagConditionNeedsTagResource, SeverityError,
				"StartChangeSet is allowed under an aws:ResourceTag condition but TagResource is not: the condition must match the tag of the new change set too, so the caller must be allowed to tag it",
				fmt.Sprintf("add %q to Action of this statement", ActionPrefix+"TagResource"))
		}
		// (d) API only.
		if hasSpecificResource(s.Resource) || len(s.Condition) > 0 {
			add(RuleAPIOnly, SeverityInfo,
				"resource-level permissions and condition keys on StartChangeSet are only supported through the Catalog API, not the AWS Marketplace Management Portal: portal users under this statement cannot make these changes",
				"use the Catalog API (or this app) for these changes, or grant portal users a separate statement on \"*\" without conditions")
		}
	}

	// (e) catalog:ChangeType on other actions; (h) tag rules.
	ctReported := false
	for op, kv := range s.Condition {
		for key, val := range kv {
			if strings.EqualFold(key, "catalog:ChangeType") && !ctReported {
				if others := nonStartActions(s.Action); len(others) > 0 {
					ctReported = true
					add(RuleChangeTypeScope, SeverityWarning,
						fmt.Sprintf("catalog:ChangeType is only present in StartChangeSet requests, but this statement also covers %s: with %s those actions never match (or, with ...IfExists, ignore the condition)", strings.Join(others, ", "), op),
						"move the other actions to a separate statement without the catalog:ChangeType condition")
				}
			}
			if isResourceTagKey(key) {
				out = append(out, tagRuleFindings(n, s.Sid, op, key, val)...)
			}
		}
	}
	return out
}

func marketplaceARNProblem(a mpARN) string {
	switch {
	case a.partition != "aws" && a.partition != "*":
		return fmt.Sprintf("partition %q is not aws", a.partition)
	case !iampolicy.Match(a.region, Region):
		return fmt.Sprintf("region %q is not us-east-1: the Catalog API is only in us-east-1", a.region)
	case !accountRE.MatchString(a.account) && !strings.ContainsAny(a.account, "*?"):
		return fmt.Sprintf("account %q is not 12 digits", a.account)
	case a.resource == "*" || a.resource == "AWSMarketplace/*":
		return ""
	case !strings.HasPrefix(a.resource, "AWSMarketplace/"):
		return fmt.Sprintf("resource part %q does not start with AWSMarketplace/", a.resource)
	}
	rest := strings.TrimPrefix(a.resource, "AWSMarketplace/")
	typ, id, ok := strings.Cut(rest, "/")
	if typ == "" || !ok || id == "" {
		if strings.HasSuffix(typ, "*") && !ok {
			return ""
		}
		return fmt.Sprintf("resource part %q is not AWSMarketplace/<EntityType>/<id>", a.resource)
	}
	if strings.Contains(id, "/") {
		return fmt.Sprintf("resource part %q has more than an entity type and an id", a.resource)
	}
	return ""
}

func changeSetBase(a mpARN) string {
	region := a.region
	if !iampolicy.Match(region, Region) {
		region = Region
	}
	return "arn:" + "aws" + ":aws-marketplace:" + region + ":" + a.account + ":AWSMarketplace/ChangeSet"
}

// coversNewChangeSet reports whether some resource matches a change set that
// StartChangeSet would create in the account of the entity ARNs.
func coversNewChangeSet(resources []string, entities []mpARN) bool {
	for _, e := range entities {
		acct := e.account
		if !accountRE.MatchString(acct) {
			acct = "123456789012"
		}
		probe := ChangeSetWildcardARN(acct)
		probe = strings.TrimSuffix(probe, "*") + "cs0newchangesetid0000000"
		covered := false
		for _, r := range resources {
			if iampolicy.Match(r, probe) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

func hasSpecificResource(rs []string) bool {
	for _, r := range rs {
		if r != "*" {
			return true
		}
	}
	return false
}

func hasResourceTagCondition(c map[string]map[string]any) bool {
	for _, kv := range c {
		for k := range kv {
			if isResourceTagKey(k) {
				return true
			}
		}
	}
	return false
}

func nonStartActions(actions []string) []string {
	var out []string
	for _, a := range actions {
		if !strings.EqualFold(a, startChangeSet) {
			out = append(out, a)
		}
	}
	return out
}

func tagRuleFindings(n int, sid, op, key string, val any) []Finding {
	var out []Finding
	add := func(msg, fix string) {
		out = append(out, Finding{Rule: RuleTagRules, Severity: SeverityError, Statement: n, Sid: sid, Message: msg, Fix: fix})
	}
	const fix = "tag keys have 1–128 and values 0–256 characters, letters, digits, spaces and _ . : / = + - @ only"
	tagKey := key[len("aws:ResourceTag/"):]
	like := strings.Contains(strings.ToLower(op), "like")
	// Condition keys are never wildcards, so the key is checked as written.
	if err := ValidateTagKey(tagKey); err != nil {
		add(fmt.Sprintf("condition key %q: %v, so no resource can carry this tag", key, err), fix)
	}
	if strings.HasPrefix(strings.ToLower(op), "null") {
		return out
	}
	var values []string
	switch t := val.(type) {
	case []any:
		for _, e := range t {
			values = append(values, fmt.Sprint(e))
		}
	case []string:
		values = t
	default:
		values = []string{fmt.Sprint(t)}
	}
	for _, v := range values {
		if err := ValidateTagValue(stripWildcards(v, like)); err != nil {
			add(fmt.Sprintf("condition %s %q: %v, so no resource can carry this tag value", op, key, err), fix)
		}
	}
	return out
}

// stripWildcards removes * and ? under a ...Like operator, where they are
// wildcards rather than characters of the tag.
func stripWildcards(s string, like bool) string {
	if !like {
		return s
	}
	return strings.NewReplacer("*", "", "?", "").Replace(s)
}

func isResourceTagKey(k string) bool {
	const p = "aws:ResourceTag/"
	return len(k) >= len(p) && strings.EqualFold(k[:len(p)], p)
}
