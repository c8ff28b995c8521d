package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Parse decodes a policy document as IAM's policy editor reads it:
// Statement may be an object or an array, Action, NotAction, Resource and
// NotResource a string or an array of strings, a Principal "*" or a map of
// kinds to a string or an array. Invalid JSON yields an error naming the
// line and column; a wrong shape yields an error naming the statement
// (1-based) and field. Element names are matched exactly; others are
// ignored.
func Parse(raw []byte) (Document, error) {
	v, err := decodeValue(raw)
	if err != nil {
		return Document{}, positionError(raw, err)
	}
	return parser{}.document(v)
}

// ParseLenient reads a policy document as AWS returns it: plain JSON, or
// URL-encoded JSON (as IAM's GetRolePolicy, GetRole and GetPolicyVersion
// return it); element names in any case ("statement" is Statement); a Sid
// and the values of lists and conditions may be numbers or booleans, read
// as their text.
func ParseLenient(raw string) (Document, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Document{}, errors.New("the policy is empty")
	}
	text, ok := Unescape(raw)
	if !ok {
		text = raw
	}
	v, err := decodeValue([]byte(text))
	if err != nil {
		return Document{}, fmt.Errorf("the policy is not a JSON policy document: %w", err)
	}
	d, err := parser{lenient: true}.document(v)
	if err != nil {
		return Document{}, fmt.Errorf("the policy is not a JSON policy document: %w", err)
	}
	return d, nil
}

// Unescape returns a policy document's JSON text: s itself when it is JSON
// as it stands, otherwise s URL-decoded when that is JSON (IAM's
// GetPolicyVersion, GetRole and GetRolePolicy encode documents; some fakes
// do not). ok is false when neither is JSON.
func Unescape(s string) (string, bool) {
	if json.Valid([]byte(s)) {
		return s, true
	}
	u, err := url.QueryUnescape(s)
	if err != nil || !json.Valid([]byte(u)) {
		return "", false
	}
	return u, true
}

// decodeValue decodes JSON with numbers kept as written (json.Number), so
// that an account ID written as a number is not rounded.
func decodeValue(b []byte) (any, error) {
	var check json.RawMessage
	if err := json.Unmarshal(b, &check); err != nil {
		return nil, err // a *json.SyntaxError with its offset
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func positionError(raw []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 {
		return fmt.Errorf("policy: invalid JSON: %w", err)
	}
	if off > int64(len(raw)) {
		off = int64(len(raw))
	}
	line, col := 1, 1
	for _, c := range raw[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	// Offset points just past the offending byte; report that byte.
	if col > 1 {
		col--
	}
	return fmt.Errorf("policy: invalid JSON at line %d, column %d: %w", line, col, err)
}

// parser reads decoded JSON values into the model; lenient selects
// ParseLenient's rules.
type parser struct{ lenient bool }

// get looks key up in m: exactly, or (lenient) in any case.
func (p parser) get(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	if p.lenient {
		for k, v := range m {
			if strings.EqualFold(k, key) {
				return v, true
			}
		}
	}
	return nil, false
}

func (p parser) document(v any) (Document, error) {
	top, ok := v.(map[string]any)
	if !ok {
		return Document{}, fmt.Errorf("policy: document must be a JSON object, got %s", jsonKind(v))
	}
	var d Document
	if ver, ok := p.get(top, "Version"); ok {
		s, ok := ver.(string)
		if !ok {
			return Document{}, fmt.Errorf("policy: Version must be a string, got %s", jsonKind(ver))
		}
		d.Version = s
	}
	raw, ok := p.get(top, "Statement")
	if !ok || raw == nil {
		return Document{}, fmt.Errorf("policy: document has no Statement")
	}
	var list []any
	switch t := raw.(type) {
	case map[string]any:
		list = []any{t}
	case []any:
		list = t
	default:
		return Document{}, fmt.Errorf("policy: Statement must be an object or an array, got %s", jsonKind(raw))
	}
	for i, e := range list {
		st, err := p.statement(e, i+1)
		if err != nil {
			return Document{}, err
		}
		d.Statement = append(d.Statement, st)
	}
	return d, nil
}

func (p parser) statement(v any, n int) (Statement, error) {
	where := "statement"
	if n > 0 {
		where = fmt.Sprintf("statement %d", n)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Statement{}, fmt.Errorf("policy: %s must be an object, got %s", where, jsonKind(v))
	}
	var s Statement
	if x, ok := p.get(m, "Sid"); ok {
		if p.lenient {
			if l := Values(x); len(l) > 0 {
				s.Sid = l[0]
			}
		} else if str, ok := x.(string); ok {
			s.Sid = str
		} else {
			return Statement{}, fmt.Errorf("policy: %s: Sid must be a string, got %s", where, jsonKind(x))
		}
	}
	if x, ok := p.get(m, "Effect"); ok {
		str, ok := x.(string)
		if !ok {
			return Statement{}, fmt.Errorf("policy: %s: Effect must be a string, got %s", where, jsonKind(x))
		}
		s.Effect = str
	}
	var err error
	for _, f := range []struct {
		key      string
		dst      *[]string
		asString *bool
	}{
		{"Action", &s.Action, &s.ActionAsString}, {"NotAction", &s.NotAction, nil},
		{"Resource", &s.Resource, &s.ResourceAsString}, {"NotResource", &s.NotResource, nil},
	} {
		x, ok := p.get(m, f.key)
		if !ok {
			continue
		}
		var one bool
		if *f.dst, one, err = p.stringList(x, f.key, where); err != nil {
			return Statement{}, err
		}
		if f.asString != nil {
			*f.asString = one
		}
	}
	for _, f := range []struct {
		key string
		dst **Principal
	}{{"Principal", &s.Principal}, {"NotPrincipal", &s.NotPrincipal}} {
		x, ok := p.get(m, f.key)
		if !ok || x == nil {
			continue
		}
		pr, err := principalFromValue(x, p)
		if err != nil {
			return Statement{}, fmt.Errorf("policy: %s: %s: %w", where, f.key, err)
		}
		*f.dst = &pr
	}
	if c, ok := p.get(m, "Condition"); ok {
		cm, ok := c.(map[string]any)
		if !ok {
			return Statement{}, fmt.Errorf("policy: %s: Condition must be an object, got %s", where, jsonKind(c))
		}
		s.Condition = map[string]map[string]any{}
		for op, body := range cm {
			bm, ok := body.(map[string]any)
			if !ok {
				return Statement{}, fmt.Errorf("policy: %s: Condition operator %q must map to an object, got %s", where, op, jsonKind(body))
			}
			if p.lenient {
				for k, val := range bm {
					if _, _, err := p.stringList(val, "Condition "+op+" "+k, where); err != nil {
						return Statement{}, err
					}
				}
			}
			s.Condition[op] = bm
		}
	}
	return s, nil
}

// stringList reads a string or an array of strings (lenient: numbers and
// booleans too); one reports the plain-string form.
func (p parser) stringList(x any, key, where string) (list []string, one bool, err error) {
	scalar := func(e any) (string, bool) {
		switch t := e.(type) {
		case string:
			return t, true
		case json.Number, bool:
			if p.lenient {
				return scalarString(t), true
			}
		}
		return "", false
	}
	if t, ok := x.([]any); ok {
		out := make([]string, 0, len(t))
		for i, e := range t {
			s, ok := scalar(e)
			if !ok {
				return nil, false, fmt.Errorf("policy: %s: %s[%d] must be a string, got %s", where, key, i, jsonKind(e))
			}
			out = append(out, s)
		}
		return out, false, nil
	}
	if s, ok := scalar(x); ok {
		return []string{s}, true, nil
	}
	return nil, false, fmt.Errorf("policy: %s: %s must be a string or an array of strings, got %s", where, key, jsonKind(x))
}

func principalFromValue(v any, p parser) (Principal, error) {
	var pr Principal
	switch t := v.(type) {
	case string:
		if t != "*" {
			return pr, fmt.Errorf("a principal written as a string must be \"*\", not %q", t)
		}
		pr.All = true
		return pr, nil
	case map[string]any:
		for k, x := range t {
			vals, _, err := p.stringList(x, k, "principal")
			if err != nil {
				return pr, err
			}
			switch strings.ToLower(k) {
			case "aws":
				pr.AWS = append(pr.AWS, vals...)
				for _, a := range vals {
					if a == "*" {
						pr.All = true
					}
				}
			case "service":
				pr.Service = append(pr.Service, vals...)
			case "federated":
				pr.Federated = append(pr.Federated, vals...)
			case "canonicaluser":
				pr.CanonicalUser = append(pr.CanonicalUser, vals...)
			}
		}
		return pr, nil
	}
	return pr, fmt.Errorf("a principal must be \"*\" or an object, got %s", jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
