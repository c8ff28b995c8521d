package tiles

import (
	"fmt"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// Policy is an IAM-style policy document (bucket, key, topic or role
// policy) in the shared model, parsed leniently (iampolicy.ParseLenient).
type Policy = iampolicy.Document

// Principal is a statement's principal in the shared model.
type Principal = iampolicy.Principal

// ParsePolicy reads a policy document, plain JSON or URL-encoded JSON (as
// IAM returns it).
func ParsePolicy(raw string) (Policy, error) { return iampolicy.ParseLenient(raw) }

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
	return principalMatcher{who: service, match: func(p Principal) bool { return p.NamesService(service) }}
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
		return p.NamesAccount(account) || p.NamesAccount(casDeliveryAccount)
	}}
}

func principalMatches(s iampolicy.Statement, m principalMatcher) bool {
	if s.NotPrincipal != nil {
		return !m.match(*s.NotPrincipal)
	}
	return s.Principal != nil && m.match(*s.Principal)
}

// coversResource reports whether the statement applies to resource; an
// empty resource is not checked.
func coversResource(s iampolicy.Statement, resource string) bool {
	return resource == "" || s.CoversResource(resource)
}

// conditionOn evaluates the statement's conditions on key for value:
// constrained says whether any condition names the key, ok whether all of
// them admit value. Operators may carry ForAnyValue:/ForAllValues: and
// IfExists; keys are case-insensitive. Numeric, date, bool and IP operators
// are not about these keys and are ignored.
func conditionOn(s iampolicy.Statement, key, value string, like func(pattern, value string) bool) (constrained, ok bool) {
	ok = true
	for _, c := range s.Conditions() {
		if !strings.EqualFold(c.Key, key) {
			continue
		}
		op := iampolicy.ParseOperator(c.Operator)
		if op.IsNull() {
			constrained = true
			for _, v := range c.Values {
				if strings.EqualFold(v, "true") {
					ok = false // the key must be absent, and the service sends it
				}
			}
			continue
		}
		if !op.IsStringOrARN() {
			continue
		}
		neg := op.Negated()
		if neg && like != nil {
			continue // an exclusion of other ARNs says nothing about this account
		}
		constrained = true
		matched := false
		for _, v := range c.Values {
			var m bool
			if like != nil {
				m = like(v, value)
			} else {
				m, _ = op.Match(v, value)
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
func grants(p Policy, q grantQuery) grantResult {
	var reasons []string
	var found grantResult
	for _, st := range p.Statement {
		if !strings.EqualFold(st.Effect, "Allow") || !principalMatches(st, q.principal) || !coversResource(st, q.resource) {
			continue
		}
		action := ""
		for _, a := range q.actions {
			if st.CoversAction(a) {
				action = a
				break
			}
		}
		if action == "" {
			continue
		}
		name := statementName(st)
		if q.account != "" {
			if c, ok := conditionOn(st, "aws:SourceOwner", q.account, nil); c && !ok {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but its aws:SourceOwner condition does not admit account %s", name, action, q.account))
				continue
			}
			if c, ok := conditionOn(st, "aws:SourceAccount", q.account, nil); c && !ok {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but its aws:SourceAccount condition does not admit account %s", name, action, q.account))
				continue
			} else if !c && q.requireSourceAccount {
				reasons = append(reasons, fmt.Sprintf("%s allows %s, but without an aws:SourceAccount condition limiting it to account %s", name, action, q.account))
				continue
			}
			if c, ok := conditionOn(st, "aws:SourceArn", q.account, arnNamesAccount); c && !ok {
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
	for _, st := range p.Statement {
		denied := principalMatches(st, q.principal) || (st.NotPrincipal == nil && st.Principal != nil && st.Principal.All)
		if strings.EqualFold(st.Effect, "Deny") && len(st.Conditions()) == 0 && denied &&
			st.CoversAction(found.action) && coversResource(st, q.resource) {
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
	return parts[4] == account || iampolicy.Match(parts[4], account)
}

func statementName(st iampolicy.Statement) string {
	if st.Sid != "" {
		return "statement " + st.Sid
	}
	return "a statement"
}
