// Package policy builds and lints the IAM policies that the AWS Marketplace
// Catalog API access-control guide describes
// (shared/reference/seed-catalog-api-access-control.txt):
//
//   - Build produces the policy of every pattern of the guide;
//   - ManagedPolicyAdvice lists the AWS managed policies the guide recommends;
//   - ResaleAuthorizationPolicy / ResaleAuthorizationTrust reproduce the
//     FullResaleAuthorizationAccess policy and role trust policy verbatim;
//   - Lint explains each rule of the guide that a hand-edited policy breaks.
//
// Output is deterministic. Action and Resource are emitted as JSON arrays,
// except where the guide's own example uses a plain string: a statement
// records that in ActionAsString / ResourceAsString (set by the builders for
// "Resource": "*", by the resale documents where the guide uses strings, and
// by Parse when the input used a string), so that a parsed document
// marshals back to the same shape. Condition maps are emitted with sorted
// keys (encoding/json's map order).
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the IAM policy language version every generated document carries.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement. Fields are marshalled in the order
// Sid, Effect, Principal, Action, Resource, Condition; empty ones are omitted.
type Statement struct {
	Sid       string
	Effect    string
	Principal any
	Action    []string
	Resource  []string
	Condition map[string]map[string]any

	// ActionAsString / ResourceAsString: when true and the list holds exactly
	// one value, it is marshalled as a plain JSON string (as the guide writes
	// "Resource": "*" and "Action": "sts:AssumeRole"); otherwise as an array.
	ActionAsString   bool `json:"-"`
	ResourceAsString bool `json:"-"`
}

type wireStatement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal,omitempty"`
	Action    any                       `json:"Action,omitempty"`
	Resource  any                       `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

func stringOrList(v []string, asString bool) any {
	switch {
	case len(v) == 0:
		return nil
	case len(v) == 1 && asString:
		return v[0]
	default:
		return v
	}
}

// MarshalJSON implements json.Marshaler with the field order and the
// string-or-array choice documented on Statement.
func (s Statement) MarshalJSON() ([]byte, error) {
	w := wireStatement{
		Sid:       s.Sid,
		Effect:    s.Effect,
		Principal: s.Principal,
		Action:    stringOrList(s.Action, s.ActionAsString),
		Resource:  stringOrList(s.Resource, s.ResourceAsString),
	}
	if len(s.Condition) > 0 {
		w.Condition = s.Condition
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// UnmarshalJSON accepts Action and Resource as a string or an array of
// strings (see Parse for a version whose errors carry positions).
func (s *Statement) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	st, err := statementFromValue(v, 0)
	if err != nil {
		return err
	}
	*s = st
	return nil
}

// UnmarshalJSON accepts Statement as a single object or an array of objects.
func (d *Document) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	doc, err := documentFromValue(v)
	if err != nil {
		return err
	}
	*d = doc
	return nil
}

// JSON returns the document as indented JSON (two spaces, no trailing newline).
func (d Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// String returns the indented JSON, or an error text if it cannot be marshalled.
func (d Document) String() string {
	b, err := d.JSON()
	if err != nil {
		return "policy: " + err.Error()
	}
	return string(b)
}

// Parse decodes a policy document leniently as IAM does: Statement may be an
// object or an array, Action and Resource a string or an array of strings.
// Invalid JSON yields an error naming the line and column; a wrong shape
// yields an error naming the statement (1-based) and field. Keys other than
// Version, Statement, Sid, Effect, Principal, Action, Resource and Condition
// are ignored.
func Parse(raw []byte) (Document, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return Document{}, positionError(raw, err)
	}
	return documentFromValue(v)
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

func documentFromValue(v any) (Document, error) {
	top, ok := v.(map[string]any)
	if !ok {
		return Document{}, fmt.Errorf("policy: document must be a JSON object, got %s", jsonKind(v))
	}
	var d Document
	if ver, ok := top["Version"]; ok {
		s, ok := ver.(string)
		if !ok {
			return Document{}, fmt.Errorf("policy: Version must be a string, got %s", jsonKind(ver))
		}
		d.Version = s
	}
	raw, ok := top["Statement"]
	if !ok {
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
		st, err := statementFromValue(e, i+1)
		if err != nil {
			return Document{}, err
		}
		d.Statement = append(d.Statement, st)
	}
	return d, nil
}

func statementFromValue(v any, n int) (Statement, error) {
	where := "statement"
	if n > 0 {
		where = fmt.Sprintf("statement %d", n)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Statement{}, fmt.Errorf("policy: %s must be an object, got %s", where, jsonKind(v))
	}
	var s Statement
	for _, f := range []struct {
		key string
		dst *string
	}{{"Sid", &s.Sid}, {"Effect", &s.Effect}} {
		if x, ok := m[f.key]; ok {
			str, ok := x.(string)
			if !ok {
				return Statement{}, fmt.Errorf("policy: %s: %s must be a string, got %s", where, f.key, jsonKind(x))
			}
			*f.dst = str
		}
	}
	var err error
	if s.Action, s.ActionAsString, err = stringList(m, "Action", where); err != nil {
		return Statement{}, err
	}
	if s.Resource, s.ResourceAsString, err = stringList(m, "Resource", where); err != nil {
		return Statement{}, err
	}
	if p, ok := m["Principal"]; ok {
		s.Principal = p
	}
	if c, ok := m["Condition"]; ok {
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
			s.Condition[op] = bm
		}
	}
	return s, nil
}

func stringList(m map[string]any, key, where string) ([]string, bool, error) {
	x, ok := m[key]
	if !ok {
		return nil, false, nil
	}
	switch t := x.(type) {
	case string:
		return []string{t}, true, nil
	case []any:
		out := make([]string, 0, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false, fmt.Errorf("policy: %s: %s[%d] must be a string, got %s", where, key, i, jsonKind(e))
			}
			out = append(out, s)
		}
		return out, false, nil
	default:
		return nil, false, fmt.Errorf("policy: %s: %s must be a string or an array of strings, got %s", where, key, jsonKind(x))
	}
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
