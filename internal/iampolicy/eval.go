package iampolicy

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Match reports whether s matches the IAM wildcard pattern p (* = any run of
// characters, ? = one character; both may span ":" and "/"). It is case-
// sensitive, as IAM compares resources and condition values.
func Match(p, s string) bool {
	pr, sr := []rune(p), []rune(s)
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(sr) {
		switch {
		case pi < len(pr) && (pr[pi] == '?' || pr[pi] == sr[si]):
			pi++
			si++
		case pi < len(pr) && pr[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '*' {
		pi++
	}
	return pi == len(pr)
}

// MatchAction reports whether the action pattern p covers action: IAM
// actions compare case-insensitively.
func MatchAction(p, action string) bool {
	return Match(strings.ToLower(p), strings.ToLower(action))
}

func anyMatch(patterns []string, value string, match func(p, s string) bool) bool {
	for _, p := range patterns {
		if match(p, value) {
			return true
		}
	}
	return false
}

// CoversAction reports whether the statement applies to action: one of its
// Action patterns matches, or it has NotAction and none of those does.
func (s Statement) CoversAction(action string) bool {
	if anyMatch(s.Action, action, MatchAction) {
		return true
	}
	return len(s.NotAction) > 0 && !anyMatch(s.NotAction, action, MatchAction)
}

// CoversResource reports whether the statement applies to resource: one of
// its Resource patterns matches, or it has NotResource and none of those
// does. A statement with neither (a trust policy) covers every resource.
func (s Statement) CoversResource(resource string) bool {
	switch {
	case len(s.NotResource) > 0:
		return !anyMatch(s.NotResource, resource, Match)
	case len(s.Resource) == 0:
		return true
	}
	return anyMatch(s.Resource, resource, Match)
}

// NamesService reports whether the principal names the service principal
// (case-insensitive). A wildcard principal does not name it.
func (p Principal) NamesService(service string) bool {
	for _, s := range p.Service {
		if strings.EqualFold(s, service) {
			return true
		}
	}
	return false
}

// NamesAccount reports whether one of the principal's AWS values is in the
// account: its ID, its root ARN or any principal ARN of it.
func (p Principal) NamesAccount(account string) bool {
	for _, a := range p.AWS {
		if InAccount(a, account) {
			return true
		}
	}
	return false
}

// InAccount reports whether an AWS principal value ("123456789012",
// "arn:aws:iam::123456789012:root" or any ARN) is in the account.
func InAccount(principal, account string) bool {
	if account == "" {
		return false
	}
	return principal == account || ARNAccount(principal) == account
}

// ARNAccount returns the account field of an ARN ("" if s is none).
func ARNAccount(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// Request is what a policy is asked about.
type Request struct {
	// Principal is the ARN of the calling IAM principal ("" for a service).
	Principal string
	// Service is the calling service principal, e.g. "sns.amazonaws.com".
	Service  string
	Action   string // e.g. "sqs:SendMessage"
	Resource string // an ARN
	// Context holds the request's condition keys (aws:SourceArn, …);
	// keys compare case-insensitively.
	Context map[string]string
}

// Includes reports whether the principal includes the caller of r: "*"
// (or {"AWS": "*"}) is anyone, services included; an AWS value is the
// caller's ARN, its account ID or the account's root; a Service value the
// calling service.
func (p Principal) Includes(r Request) bool {
	if p.All {
		return true
	}
	if r.Principal != "" {
		acct := ARNAccount(r.Principal)
		for _, v := range p.AWS {
			if v == r.Principal || (acct != "" && (v == acct || v == "arn:aws:iam::"+acct+":root")) {
				return true
			}
		}
	}
	return r.Service != "" && p.NamesService(r.Service)
}

// Applies reports whether the statement applies to r: principal (a
// statement without Principal or NotPrincipal applies to whoever it is
// attached to), action, resource and every condition.
func (s Statement) Applies(r Request) bool {
	switch {
	case s.NotPrincipal != nil && s.NotPrincipal.Includes(r):
		return false
	case s.Principal != nil && !s.Principal.Includes(r):
		return false
	case !s.CoversAction(r.Action) || !s.CoversResource(r.Resource):
		return false
	}
	for _, c := range s.Conditions() {
		actual, present := lookup(r.Context, c.Key)
		if !ParseOperator(c.Operator).Holds(c.Values, actual, present) {
			return false
		}
	}
	return true
}

func lookup(ctx map[string]string, key string) (string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// Decision is the outcome of an evaluation.
type Decision int

// Decisions, weakest first.
const (
	ImplicitDeny Decision = iota // no statement allows the request
	Allow
	ExplicitDeny // a Deny statement applies: it wins over every Allow
)

func (d Decision) String() string {
	return [...]string{"implicit deny", "allow", "explicit deny"}[d]
}

// Evaluate decides r: an applying Deny statement is an explicit deny, else an
// applying Allow statement allows, else the request is implicitly denied.
func (d Document) Evaluate(r Request) Decision {
	out := ImplicitDeny
	for _, s := range d.Statement {
		if !s.Applies(r) {
			continue
		}
		switch {
		case strings.EqualFold(s.Effect, "Deny"):
			return ExplicitDeny
		case strings.EqualFold(s.Effect, "Allow"):
			out = Allow
		}
	}
	return out
}

// Allows reports whether the document allows r.
func (d Document) Allows(r Request) bool { return d.Evaluate(r) == Allow }

// Same reports whether got, a policy document as IAM returns it
// (URL-encoded, possibly reformatted), is the same policy as want. It
// compares JSON values, treating a one-element list and its element alike,
// as IAM does ("Action": "s3:GetObject" is "Action": ["s3:GetObject"]).
func Same(got, want string) bool {
	a, ok := normalized(got)
	if !ok {
		return false
	}
	b, ok := normalized(want)
	return ok && reflect.DeepEqual(a, b)
}

func normalized(s string) (any, bool) {
	text, ok := Unescape(s)
	if !ok {
		return nil, false
	}
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		return nil, false
	}
	return normalize(v), true
}

// normalize replaces each one-element list by its element.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		if len(x) == 1 {
			return normalize(x[0])
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}
