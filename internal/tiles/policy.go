package tiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/policy"
)

// Policy is an IAM-style policy document (bucket, key, topic or role
// policy), parsed leniently: every field that may be a string or a list is
// a list here.
type Policy struct {
	Statements []Statement
}

// Statement is one policy statement.
type Statement struct {
	Sid                     string
	Effect                  string
	Principal               Principal
	NotPrincipal            *Principal
	Actions, NotActions     []string
	Resources, NotResources []string
	Conditions              []Condition
	hasPrincipal            bool
}

// Principal is a statement's principal: "*" (All) or a map of kinds to
// one or more values.
type Principal struct {
	All           bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Condition is one operator/key pair of a statement's Condition block.
type Condition struct {
	Operator string // as written, e.g. "StringEquals", "ForAnyValue:StringLike", "ArnLikeIfExists"
	Key      string
	Values   []string
}

// ParsePolicy reads a policy document, plain JSON or URL-encoded JSON (as
// IAM returns it).
func ParsePolicy(raw string) (Policy, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Policy{}, errors.New("the policy is empty")
	}
	p, err := parsePolicyJSON(raw)
	if err == nil {
		return p, nil
	}
	if dec, uerr := url.QueryUnescape(raw); uerr == nil && dec != raw {
		if p, err2 := parsePolicyJSON(strings.TrimSpace(dec)); err2 == nil {
			return p, nil
		}
	}
	return Policy{}, fmt.Errorf("the policy is not a JSON policy document: %w", err)
}

type rawStatement struct {
	Sid          json.RawMessage
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       json.RawMessage
	NotAction    json.RawMessage
	Resource     json.RawMessage
	NotResource  json.RawMessage
	Condition    map[string]map[string]json.RawMessage
}

func parsePolicyJSON(raw string) (Policy, error) {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return Policy{}, err
	}
	var rs []rawStatement
	switch s := strings.TrimSpace(string(doc.Statement)); {
	case s == "" || s == "null":
		return Policy{}, errors.New("the policy has no Statement")
	case strings.HasPrefix(s, "{"):
		var one rawStatement
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return Policy{}, fmt.Errorf("reading the statement: %w", err)
		}
		rs = []rawStatement{one}
	default:
		if err := json.Unmarshal(doc.Statement, &rs); err != nil {
			return Policy{}, fmt.Errorf("reading the statements: %w", err)
		}
	}
	var p Policy
	for i, r := range rs {
		st, err := r.statement()
		if err != nil {
			return Policy{}, fmt.Errorf("statement %d: %w", i+1, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func (r rawStatement) statement() (Statement, error) {
	st := Statement{Effect: r.Effect}
	if sids, err := stringList(r.Sid); err == nil && len(sids) > 0 {
		st.Sid = sids[0]
	}
	var err error
	if st.Principal, st.hasPrincipal, err = parsePrincipal(r.Principal); err != nil {
		return st, fmt.Errorf("Principal: %w", err)
	}
	if np, has, err := parsePrincipal(r.NotPrincipal); err != nil {
		return st, fmt.Errorf("NotPrincipal: %w", err)
	} else if has {
		st.NotPrincipal = &np
	}
	for _, f := range []struct {
		raw json.RawMessage
		dst *[]string
		nm  string
	}{{r.Action, &st.Actions, "Action"}, {r.NotAction, &st.NotActions, "NotAction"},
		{r.Resource, &st.Resources, "Resource"}, {r.NotResource, &st.NotResources, "NotResource"}} {
		if *f.dst, err = stringList(f.raw); err != nil {
			return st, fmt.Errorf("%s: %w", f.nm, err)
		}
	}
	ops := make([]string, 0, len(r.Condition))
	for op := range r.Condition {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		keys := make([]string, 0, len(r.Condition[op]))
		for k := range r.Condition[op] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			vals, err := stringList(r.Condition[op][k])
			if err != nil {
				return st, fmt.Errorf("Condition %s %s: %w", op, k, err)
			}
			st.Conditions = append(st.Conditions, Condition{Operator: op, Key: k, Values: vals})
		}
	}
	return st, nil
}

// stringList reads a JSON string, number, boolean or list of them.
func stringList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	scalar := func(x any) (string, error) {
		switch t := x.(type) {
		case string:
			return t, nil
		case float64, bool:
			return fmt.Sprint(t), nil
		}
		return "", fmt.Errorf("unexpected %T", x)
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, x := range list {
			s, err := scalar(x)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func parsePrincipal(raw json.RawMessage) (Principal, bool, error) {
	var p Principal
	if len(raw) == 0 || string(raw) == "null" {
		return p, false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s != "*" {
			return p, true, fmt.Errorf("a principal written as a string must be \"*\", not %q", s)
		}
		p.All = true
		return p, true, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return p, true, err
	}
	for k, v := range m {
		vals, err := stringList(v)
		if err != nil {
			return p, true, fmt.Errorf("%s: %w", k, err)
		}
		switch strings.ToLower(k) {
		case "aws":
			p.AWS = append(p.AWS, vals...)
			for _, x := range vals {
				if x == "*" {
					p.All = true
				}
			}
		case "service":
			p.Service = append(p.Service, vals...)
		case "federated":
			p.Federated = append(p.Federated, vals...)
		case "canonicaluser":
			p.CanonicalUser = append(p.CanonicalUser, vals...)
		}
	}
	return p, true, nil
}

// principalMatcher tells whether a principal includes the one looked for.
type principalMatcher struct {
	who   string // in words, for details
	match func(Principal) bool
}

// servicePrincipal matches a statement that names the service principal.
// A wildcard principal does not count as a grant to it: AWS's data-feed
// setup names the principal, and a topic's default policy ({"AWS":"*"}
// limited to the owner) would otherwise read as one. For Deny statements
// the wildcard does apply (see grants).
func servicePrincipal(service string) principalMatcher {
	return principalMatcher{who: service, match: func(p Principal) bool {
		for _, s := range p.Service {
			if strings.EqualFold(s, service) {
				return true
			}
		}
		return false
	}}
}

// accountOrMarketplacePrincipal matches the account itself (its ID, its root
// or any principal ARN in it), any AWS Marketplace service principal, or the
// account AWS Marketplace uses to deliver CAS data sets.
func accountOrMarketplacePrincipal(account string) principalMatcher {
	return principalMatcher{who: "your account " + account + " or AWS Marketplace", match: func(p Principal) bool {
		if p.All {
			return true
		}
		for _, s := range p.Service {
			if strings.HasSuffix(strings.ToLower(s), "marketplace.amazonaws.com") {
				return true
			}
		}
		for _, a := range p.AWS {
			if awsPrincipalInAccount(a, account) || awsPrincipalInAccount(a, casDeliveryAccount) {
				return true
			}
		}
		return false
	}}
}

// awsPrincipalInAccount: "123456789012", "arn:aws:iam::123456789012:root" or
// any ARN of that account.
func awsPrincipalInAccount(principal, account string) bool {
	if account == "" {
		return false
	}
	if principal == account {
		return true
	}
	parts := strings.SplitN(principal, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[4] == account
}

func (s Statement) principalMatches(m principalMatcher) bool {
	if s.NotPrincipal != nil {
		return !m.match(*s.NotPrincipal)
	}
	return s.hasPrincipal && m.match(s.Principal)
}

// allowsAction reports whether the statement's Action (or NotAction) covers
// action; IAM actions are case-insensitive and may use * and ? wildcards.
func (s Statement) allowsAction(action string) bool {
	for _, a := range s.Actions {
		if wildcardMatch(strings.ToLower(a), strings.ToLower(action)) {
			return true
		}
	}
	if len(s.NotActions) > 0 {
		for _, a := range s.NotActions {
			if wildcardMatch(strings.ToLower(a), strings.ToLower(action)) {
				return false
			}
		}
		return true
	}
	return false
}

// coversResource reports whether the statement applies to resource; an
// empty resource, or a statement without Resource, is not checked.
func (s Statement) coversResource(resource string) bool {
	if resource == "" {
		return true
	}
	if len(s.NotResources) > 0 {
		for _, r := range s.NotResources {
			if wildcardMatch(r, resource) {
				return false
			}
		}
		return true
	}
	if len(s.Resources) == 0 {
		return true
	}
	for _, r := range s.Resources {
		if wildcardMatch(r, resource) {
			return true
		}
	}
	return false
}

// conditionOn evaluates the statement's conditions on key for value:
// constrained says whether any condition names the key, ok whether all of
// them admit value. Operators may carry ForAnyValue:/ForAllValues: and
// IfExists; keys are case-insensitive. Numeric, date, bool and IP operators
// are not about these keys and are ignored.
func (s Statement) conditionOn(key, value string, like func(pattern, value string) bool) (constrained, ok bool) {
	ok = true
	for _, c := range s.Conditions {
		if !strings.EqualFold(c.Key, key) {
			continue
		}
		op := c.Operator
		if i := strings.LastIndex(op, ":"); i >= 0 {
			op = op[i+1:]
		}
		op = strings.TrimSuffix(op, "IfExists")
		if op == "Null" {
			constrained = true
			for _, v := range c.Values {
				if strings.EqualFold(v, "true") {
					ok = false // the key must be absent, and the service sends it
				}
			}
			continue
		}
		if !strings.HasPrefix(op, "String") && !strings.HasPrefix(op, "Arn") {
			continue
		}
		neg := strings.Contains(op, "Not")
		if neg && like != nil {
			continue // an exclusion of other ARNs says nothing about this account
		}
		constrained = true
		fold := strings.HasSuffix(op, "IgnoreCase")
		wild := strings.Contains(op, "Like") || strings.HasPrefix(op, "Arn")
		matched := false
		for _, v := range c.Values {
			var m bool
			switch {
			case like != nil:
				m = like(v, value)
			case wild:
				m = wildcardMatch(v, value)
			case fold:
				m = strings.EqualFold(v, value)
			default:
				m = v == value
			}
			matched = matched || m
		}
		if matched == neg {
			ok = false
		}
	}
	return constrained, ok
}

// grantQuery asks whether a resource policy lets a principal do one of some
// actions on a resource for an account.
type grantQuery struct {
	principal principalMatcher
	actions   []string // any one of them is enough
	resource  string   // "" not checked
	account   string   // checked against aws:SourceAccount / aws:SourceArn conditions
	// requireSourceAccount: the Allow must limit aws:SourceAccount to the
	// account (AWS's confused-deputy hardening for service principals).
	requireSourceAccount bool
}

type grantResult struct {
	ok     bool
	sid    string
	action string
	detail string
}

// grants evaluates q: an Allow statement matching the principal, an action
// and the resource, whose source conditions admit the account; and no
// unconditional Deny of the same. Conditional Denies (such as the template's
// "deny non-HTTPS requests") do not apply to AWS's own HTTPS deliveries and
// are not evaluated.
func (p Policy) grants(q grantQuery) grantResult {
	var reasons []string
	var found grantResult
	for _, st := range p.Statements {
		if !strings.EqualFold(st.Effect, "Allow") || !st.principalMatches(q.principal) || !st.coversResource(q.resource) {
			continue
		}
		action := ""
		for _, a := range q.actions {
			if st.allowsAction(a) {
				action = a
				break
			}
		}
		if action == "" {
			continue
		}
		name := statementName(st)
		if q.account != "" {
			if c, ok := st.conditionOn("aws:SourceOwner", q.account, nil); c && !ok {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but its aws:SourceOwner condition does not admit account %s", name, action, q.account))
				continue
			}
			if c, ok := st.conditionOn("aws:SourceAccount", q.account, nil); c && !ok {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but its aws:SourceAccount condition does not admit account %s", name, action, q.account))
				continue
			} else if !c && q.requireSourceAccount {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but without an aws:SourceAccount condition limiting it to account %s", name, action, q.account))
				continue
			}
			if c, ok := st.conditionOn("aws:SourceArn", q.account, arnNamesAccount); c && !ok {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but its aws:SourceArn condition names another account", name, action))
				continue
			}
		}
		found = grantResult{ok: true, sid: st.Sid, action: action,
			detail: fmt.Sprintf("%s allows %s to %s", name, action, q.principal.who)}
		break
	}
	if !found.ok {
		if len(reasons) > 0 {
			return grantResult{detail: strings.Join(reasons, "; ")}
		}
		return grantResult{detail: fmt.Sprintf("no Allow statement grants %s to %s", strings.Join(q.actions, " or "), q.principal.who)}
	}
	for _, st := range p.Statements {
		denied := st.principalMatches(q.principal) || (st.NotPrincipal == nil && st.Principal.All)
		if strings.EqualFold(st.Effect, "Deny") && len(st.Conditions) == 0 && denied &&
			st.allowsAction(found.action) && st.coversResource(q.resource) {
			return grantResult{detail: fmt.Sprintf("%s, but %s denies it unconditionally", found.detail, statementName(st))}
		}
	}
	return found
}

// arnNamesAccount: an aws:SourceArn value admits the account when it names
// it, or leaves the account open with a wildcard.
func arnNamesAccount(pattern, account string) bool {
	parts := strings.SplitN(pattern, ":", 6)
	if len(parts) < 5 {
		return pattern == "*"
	}
	return parts[4] == account || wildcardMatch(parts[4], account)
}

func statementName(st Statement) string {
	if st.Sid != "" {
		return "statement " + st.Sid
	}
	return "a statement"
}

// wildcardMatch matches s against pattern with * and ?, as IAM does.
func wildcardMatch(pattern, s string) bool { return policy.WildcardMatch(pattern, s) }
