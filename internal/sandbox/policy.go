package sandbox

import (
	"encoding/json"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// Resource policies (bucket, topic, queue and key policies) are evaluated
// with the shared IAM policy model (internal/iampolicy) where AWS itself
// consults a resource policy on a service's behalf: SNS delivering to an SQS
// queue, and CAS publishing its notification to the seller's topic. An
// explicit Deny wins over any Allow; without an Allow the request is denied.

// policyAllows reports whether doc allows req: some Allow statement applies
// and no Deny statement does. A document that is not a policy allows
// nothing.
func policyAllows(doc string, req iampolicy.Request) bool {
	p, err := iampolicy.ParseLenient(doc)
	return err == nil && p.Allows(req)
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
	b, err := json.Marshal(s)
	if err != nil {
		return false
	}
	var st iampolicy.Statement
	return json.Unmarshal(b, &st) == nil && st.Principal != nil && st.Principal.NamesService(service)
}
