package sandbox

import (
	"encoding/json"
	"path"
	"strings"
)

// A small evaluator for resource policies (bucket, topic, queue and key
// policies). The sandbox uses it where AWS itself consults a resource policy
// on a service's behalf: SNS delivering to an SQS queue, and CAS publishing
// its notification to the seller's topic. It understands Effect, Principal
// ("*", AWS account IDs / account root ARNs / principal ARNs, Service),
// Action and Resource with wildcards, and the String*, Arn* and Bool condition
// operators (with IfExists). An explicit Deny wins over any Allow; NotAction,
// NotResource and NotPrincipal never match.

// policyRequest is what a policy is asked about.
type policyRequest struct {
	// awsPrincipal is the ARN of the calling IAM principal ("" for a service).
	awsPrincipal string
	// service is the calling service principal, e.g. "sns.amazonaws.com".
	service  string
	action   string // e.g. "sqs:SendMessage"
	resource string // ARN
	// context holds the request's condition keys (aws:SourceArn, …);
	// matching is case-insensitive on the key.
	context map[string]string
}

type policyDoc struct {
	Statement policyList[policyStatement]
}

type policyStatement struct {
	Sid       string
	Effect    string
	Principal json.RawMessage
	Action    policyList[string]
	NotAction policyList[string]
	Resource  policyList[string]
	Condition map[string]map[string]policyList[string]
}

// policyList decodes a policy element that may be a single value or a list.
type policyList[T any] []T

func (l *policyList[T]) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		var many []T
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = policyList[T]{one}
	return nil
}

// parsePolicy decodes a policy document; ok is false when doc is not a policy.
func parsePolicy(doc string) (policyDoc, bool) {
	var p policyDoc
	if strings.TrimSpace(doc) == "" || json.Unmarshal([]byte(doc), &p) != nil {
		return policyDoc{}, false
	}
	return p, true
}

// policyAllows reports whether doc allows req: some Allow statement matches
// and no Deny statement does.
func policyAllows(doc string, req policyRequest) bool {
	p, ok := parsePolicy(doc)
	if !ok {
		return false
	}
	allowed := false
	for _, s := range p.Statement {
		if !s.matches(req) {
			continue
		}
		switch {
		case strings.EqualFold(s.Effect, "Deny"):
			return false
		case strings.EqualFold(s.Effect, "Allow"):
			allowed = true
		}
	}
	return allowed
}

func (s policyStatement) matches(req policyRequest) bool {
	if len(s.NotAction) > 0 || len(s.Action) == 0 {
		return false
	}
	if !anyMatch(s.Action, req.action, true) {
		return false
	}
	if len(s.Resource) > 0 && !anyMatch(s.Resource, req.resource, false) {
		return false
	}
	return principalMatches(s.Principal, req) && conditionsHold(s.Condition, req.context)
}

// anyMatch reports whether value matches one of the patterns (* and ?
// wildcards); actions compare case-insensitively.
func anyMatch(patterns []string, value string, fold bool) bool {
	for _, p := range patterns {
		if wildcardMatch(p, value, fold) {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM-style patterns, where * and ? may span ":" and "/".
func wildcardMatch(pattern, value string, fold bool) bool {
	if fold {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	// path.Match treats "/" specially and "[" as a class: escape and split.
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '*', '?':
			b.WriteRune(r)
		case '[', ']', '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return globMatch(b.String(), value)
}

// globMatch is path.Match without the special meaning of "/".
func globMatch(pattern, value string) bool {
	const sep = "\x00"
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", sep), strings.ReplaceAll(value, "/", sep))
	return err == nil && ok
}

func principalMatches(raw json.RawMessage, req policyRequest) bool {
	if len(raw) == 0 {
		return true // identity policies and key policy statements without one
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var p map[string]policyList[string]
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	for kind, values := range p {
		for _, v := range values {
			switch {
			case strings.EqualFold(kind, "AWS") && req.awsPrincipal != "":
				if v == "*" || v == req.awsPrincipal || v == arnAccount(req.awsPrincipal) ||
					v == "arn:aws:iam::"+arnAccount(req.awsPrincipal)+":root" {
					return true
				}
			case strings.EqualFold(kind, "AWS") && v == "*":
				return true // "AWS": "*" is anyone, services included
			case strings.EqualFold(kind, "Service") && req.service != "":
				if strings.EqualFold(v, req.service) {
					return true
				}
			}
		}
	}
	return false
}

// arnAccount returns the account field of an ARN ("" if none).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

func conditionsHold(conds map[string]map[string]policyList[string], ctx map[string]string) bool {
	for op, keys := range conds {
		for key, values := range keys {
			if !conditionHolds(op, key, values, ctx) {
				return false
			}
		}
	}
	return true
}

func conditionHolds(op, key string, values []string, ctx map[string]string) bool {
	base, ifExists := strings.CutSuffix(op, "IfExists")
	actual, present := "", false
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			actual, present = v, true
			break
		}
	}
	negated := strings.Contains(base, "Not")
	if !present {
		return ifExists || negated
	}
	var match func(want string) bool
	switch strings.Replace(base, "Not", "", 1) {
	case "StringEquals", "ArnEquals":
		match = func(want string) bool { return want == actual }
	case "StringEqualsIgnoreCase":
		match = func(want string) bool { return strings.EqualFold(want, actual) }
	case "StringLike", "ArnLike":
		match = func(want string) bool { return wildcardMatch(want, actual, false) }
	case "Bool":
		match = func(want string) bool { return strings.EqualFold(want, actual) }
	default:
		return false // an operator the sandbox does not evaluate never holds
	}
	found := false
	for _, v := range values {
		if match(v) {
			found = true
			break
		}
	}
	return found != negated
}

// removeFromPolicy rewrites doc without the actions matching drop (case-
// insensitive) and without statements that drop matches entirely; a statement
// whose Action list only loses some entries keeps the rest. It returns doc
// unchanged when it is not a JSON policy.
func removeFromPolicy(doc string, drop func(s map[string]any) bool, dropAction string) string {
	var p map[string]any
	if json.Unmarshal([]byte(doc), &p) != nil {
		return doc
	}
	stmts, _ := p["Statement"].([]any)
	if st, ok := p["Statement"].(map[string]any); ok {
		stmts = []any{st}
	}
	var kept []any
	for _, raw := range stmts {
		s, ok := raw.(map[string]any)
		if !ok {
			kept = append(kept, raw)
			continue
		}
		if drop != nil && drop(s) {
			continue
		}
		if dropAction != "" {
			var actions []any
			switch a := s["Action"].(type) {
			case string:
				actions = []any{a}
			case []any:
				actions = a
			}
			var left []any
			for _, a := range actions {
				if str, _ := a.(string); !strings.EqualFold(str, dropAction) {
					left = append(left, a)
				}
			}
			if len(left) == 0 {
				continue
			}
			if len(left) == 1 {
				s["Action"] = left[0]
			} else {
				s["Action"] = left
			}
		}
		kept = append(kept, s)
	}
	if kept == nil {
		kept = []any{}
	}
	p["Statement"] = kept
	if out := compactJSON(p); out != "" {
		return out
	}
	return doc
}

// grantsService reports whether statement s names service as a principal.
func grantsService(s map[string]any, service string) bool {
	p, _ := s["Principal"].(map[string]any)
	switch v := p["Service"].(type) {
	case string:
		return strings.EqualFold(v, service)
	case []any:
		for _, e := range v {
			if str, _ := e.(string); strings.EqualFold(str, service) {
				return true
			}
		}
	}
	return false
}
