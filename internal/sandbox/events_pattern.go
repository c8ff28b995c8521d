package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
)

// EventBridge event patterns, as the EventBridge User Guide's "Creating
// event patterns" and "Content filtering" describe them:
//
//   - a pattern is a JSON object; each key names a field of the event, and
//     maps either to a nested object (a field of that field) or to an array
//     of matchers, any one of which may match (OR); every key must match
//     (AND);
//   - a matcher is a value (string, number, true, false or null: exact
//     match; numbers compare as numbers) or an object with one operator:
//     prefix, suffix, equals-ignore-case, wildcard, anything-but (a value,
//     a list, or {prefix|suffix|equals-ignore-case}), exists (true/false),
//     numeric (up to one lower and one upper bound, or "="), cidr;
//   - an event field that is an array matches when any of its elements
//     does; a missing field matches only {"exists": false}.
//
// Operators the guide lists that are not here ($or, anything-but wildcard)
// are refused as an invalid pattern, never silently ignored.

// maxEventPattern is EventBridge's limit on a pattern's length (the
// EventPattern shape's max).
const maxEventPattern = 4096

// eventPattern is a validated pattern.
type eventPattern struct{ root map[string]any }

func invalidPattern(format string, args ...any) *APIError {
	return apiError(http.StatusBadRequest, "InvalidEventPatternException", "Event pattern is not valid. Reason: "+format, args...)
}

// parseEventPattern decodes and validates a pattern.
func parseEventPattern(s string) (*eventPattern, error) {
	if len(s) > maxEventPattern {
		return nil, apiError(http.StatusBadRequest, "ValidationException",
			"1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to %d", maxEventPattern)
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&v); err != nil {
		return nil, invalidPattern("Filter is not an object: %v", err)
	}
	if dec.More() {
		return nil, invalidPattern("Unexpected content after the pattern's object")
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, invalidPattern("Filter is not an object")
	}
	if len(root) == 0 {
		return nil, invalidPattern("Empty objects are not allowed")
	}
	if err := validatePatternObject(root, ""); err != nil {
		return nil, err
	}
	return &eventPattern{root: root}, nil
}

func validatePatternObject(obj map[string]any, path string) error {
	for _, k := range sortedKeys(obj) {
		p := k
		if path != "" {
			p = path + "." + k
		}
		switch v := obj[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				return invalidPattern("Empty objects are not allowed (at %q)", p)
			}
			if err := validatePatternObject(v, p); err != nil {
				return err
			}
		case []any:
			if len(v) == 0 {
				return invalidPattern("Empty arrays are not allowed (at %q)", p)
			}
			for _, m := range v {
				if err := validateMatcher(m, p); err != nil {
					return err
				}
			}
		default:
			return invalidPattern("Match value must be an array or an object (at %q, found %s)", p, compactJSON(v))
		}
	}
	return nil
}

var numericOps = map[string]bool{"<": true, "<=": true, "=": true, ">": true, ">=": true}

func validateMatcher(m any, path string) error {
	obj, isObj := m.(map[string]any)
	if !isObj {
		switch m.(type) {
		case string, float64, bool, nil:
			return nil
		}
		return invalidPattern("Match value must be String, number, true, false, or null (at %q)", path)
	}
	if len(obj) != 1 {
		return invalidPattern("A matcher object must have exactly one operator (at %q)", path)
	}
	for op, arg := range obj {
		switch op {
		case "prefix", "suffix":
			if _, ok := arg.(string); ok {
				return nil
			}
			if sub, ok := arg.(map[string]any); ok && len(sub) == 1 {
				if s, ok := sub["equals-ignore-case"].(string); ok && s != "" {
					return nil
				}
			}
			return invalidPattern("%s match pattern must be a string (at %q)", op, path)
		case "equals-ignore-case", "wildcard":
			if _, ok := arg.(string); !ok {
				return invalidPattern("%s match pattern must be a string (at %q)", op, path)
			}
		case "exists":
			if _, ok := arg.(bool); !ok {
				return invalidPattern("exists match pattern must be either true or false (at %q)", path)
			}
		case "anything-but":
			switch a := arg.(type) {
			case string, float64:
			case []any:
				if len(a) == 0 {
					return invalidPattern("Inside anything-but list, the list must not be empty (at %q)", path)
				}
				for _, e := range a {
					switch e.(type) {
					case string, float64:
					default:
						return invalidPattern("Inside anything-but list, start|null|boolean is not supported (at %q)", path)
					}
				}
			case map[string]any:
				if len(a) != 1 {
					return invalidPattern("anything-but takes one operator (at %q)", path)
				}
				for sub, v := range a {
					if _, ok := v.(string); !ok || (sub != "prefix" && sub != "suffix" && sub != "equals-ignore-case") {
						return invalidPattern("Unsupported anything-but pattern: %s (at %q; the SellerDesk sandbox knows prefix, suffix and equals-ignore-case)", sub, path)
					}
				}
			default:
				return invalidPattern("Value of anything-but must be an array or single string/number value (at %q)", path)
			}
		case "numeric":
			if _, err := numericBounds(arg); err != nil {
				return invalidPattern("%s (at %q)", err.Error(), path)
			}
		case "cidr":
			s, ok := arg.(string)
			if !ok {
				return invalidPattern("cidr match pattern must be a string (at %q)", path)
			}
			if _, _, err := net.ParseCIDR(s); err != nil {
				return invalidPattern("Malformed CIDR, one '/' required (at %q)", path)
			}
		default:
			return invalidPattern("Unrecognized match type %s (at %q)", op, path)
		}
	}
	return nil
}

type numericBound struct {
	op  string
	val float64
}

// numericBounds validates a numeric matcher's [op, value, op, value] list.
func numericBounds(arg any) ([]numericBound, error) {
	l, ok := arg.([]any)
	if !ok || len(l) == 0 || len(l)%2 != 0 || len(l) > 4 {
		return nil, fmt.Errorf("Value of numeric must be an array of one or two operator and number pairs")
	}
	var out []numericBound
	lower, upper, eq := false, false, false
	for i := 0; i < len(l); i += 2 {
		op, ok := l[i].(string)
		if !ok || !numericOps[op] {
			return nil, fmt.Errorf("Unrecognized numeric range operator: %v", l[i])
		}
		v, ok := l[i+1].(float64)
		if !ok {
			return nil, fmt.Errorf("Value of %s must be numeric", op)
		}
		switch op {
		case ">", ">=":
			if lower || eq {
				return nil, fmt.Errorf("Bad numeric range operator: %s", op)
			}
			lower = true
		case "<", "<=":
			if upper || eq {
				return nil, fmt.Errorf("Bad numeric range operator: %s", op)
			}
			upper = true
		case "=":
			if lower || upper || len(l) > 2 {
				return nil, fmt.Errorf("Bad numeric range operator: =")
			}
			eq = true
		}
		out = append(out, numericBound{op, v})
	}
	if len(out) == 2 && out[0].op[0] == '<' {
		out[0], out[1] = out[1], out[0]
	}
	if len(out) == 2 && out[0].val >= out[1].val {
		return nil, fmt.Errorf("Bottom must be less than top")
	}
	return out, nil
}

// decodeEvent decodes an event document.
func decodeEvent(s string) (map[string]any, error) {
	var ev map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	if err := dec.Decode(&ev); err != nil || ev == nil {
		return nil, fmt.Errorf("the event is not a JSON object")
	}
	return ev, nil
}

// matches reports whether the event matches the pattern.
func (p *eventPattern) matches(event map[string]any) bool { return matchPatternObject(p.root, event) }

func matchPatternObject(pat map[string]any, ev map[string]any) bool {
	keys := make([]string, 0, len(pat))
	for k := range pat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, present := ev[k]
		switch pv := pat[k].(type) {
		case map[string]any:
			if !matchNested(pv, v) {
				return false
			}
		case []any:
			if !matchLeaf(pv, v, present) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// matchNested matches a nested pattern against a field that is an object
// (or an array of objects, any of which may match; or missing, which only
// patterns made of {"exists": false} match).
func matchNested(pat map[string]any, v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return matchPatternObject(pat, x)
	case []any:
		for _, e := range x {
			if o, ok := e.(map[string]any); ok && matchPatternObject(pat, o) {
				return true
			}
		}
		return false
	default:
		return matchPatternObject(pat, map[string]any{})
	}
}

// matchLeaf reports whether any matcher matches the field's value(s).
func matchLeaf(matchers []any, v any, present bool) bool {
	var values []any
	if arr, ok := v.([]any); ok {
		values = arr
	} else if present {
		values = []any{v}
	}
	for _, m := range matchers {
		if matchOne(m, values, present) {
			return true
		}
	}
	return false
}

func matchOne(m any, values []any, present bool) bool {
	obj, isObj := m.(map[string]any)
	if !isObj {
		for _, v := range values {
			if scalarEqual(m, v) {
				return true
			}
		}
		return false
	}
	for op, arg := range obj {
		if op == "exists" {
			want, _ := arg.(bool)
			has := present && len(values) > 0
			return has == want
		}
		for _, v := range values {
			if matchOperator(op, arg, v) {
				return true
			}
		}
	}
	return false
}

func scalarEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

func matchOperator(op string, arg, v any) bool {
	s, isStr := v.(string)
	switch op {
	case "prefix", "suffix":
		if !isStr {
			return false
		}
		want, fold := stringArg(arg)
		has := strings.HasPrefix
		if op == "suffix" {
			has = strings.HasSuffix
		}
		if fold {
			return has(strings.ToLower(s), strings.ToLower(want))
		}
		return has(s, want)
	case "equals-ignore-case":
		want, _ := arg.(string)
		return isStr && strings.EqualFold(s, want)
	case "wildcard":
		want, _ := arg.(string)
		return isStr && wildcardMatch(want, s)
	case "anything-but":
		switch a := arg.(type) {
		case []any:
			for _, e := range a {
				if scalarEqual(e, v) {
					return false
				}
			}
			return isStr || isNumber(v)
		case map[string]any:
			if !isStr {
				return false
			}
			for sub, w := range a {
				ws, _ := w.(string)
				switch sub {
				case "prefix":
					return !strings.HasPrefix(s, ws)
				case "suffix":
					return !strings.HasSuffix(s, ws)
				case "equals-ignore-case":
					return !strings.EqualFold(s, ws)
				}
			}
			return false
		default:
			return (isStr || isNumber(v)) && !scalarEqual(a, v)
		}
	case "numeric":
		n, ok := v.(float64)
		if !ok {
			return false
		}
		bounds, err := numericBounds(arg)
		if err != nil {
			return false
		}
		for _, b := range bounds {
			ok := false
			switch b.op {
			case "<":
				ok = n < b.val
			case "<=":
				ok = n <= b.val
			case "=":
				ok = n == b.val
			case ">":
				ok = n > b.val
			case ">=":
				ok = n >= b.val
			}
			if !ok {
				return false
			}
		}
		return true
	case "cidr":
		cidr, _ := arg.(string)
		_, network, err := net.ParseCIDR(cidr)
		ip := net.ParseIP(s)
		return isStr && err == nil && ip != nil && network.Contains(ip)
	}
	return false
}

func isNumber(v any) bool { _, ok := v.(float64); return ok }

// stringArg is a prefix/suffix argument: a string, or {"equals-ignore-case": s}.
func stringArg(arg any) (s string, fold bool) {
	if str, ok := arg.(string); ok {
		return str, false
	}
	if m, ok := arg.(map[string]any); ok {
		str, _ := m["equals-ignore-case"].(string)
		return str, true
	}
	return "", false
}

// wildcardMatch matches s against a pattern where * stands for any run of
// characters (and \* for a literal star).
func wildcardMatch(pattern, s string) bool {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch {
		case pattern[i] == '\\' && i+1 < len(pattern) && pattern[i+1] == '*':
			cur.WriteByte('*')
			i++
		case pattern[i] == '*':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(pattern[i])
		}
	}
	parts = append(parts, cur.String())
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}
