// Package iampolicy is SellerDesk's one model of an IAM policy document:
// the types (Document, Statement, Principal and the Condition block), a
// parser that reads them as IAM does (strictly, for the policy builder and
// lint, or leniently, for policies as AWS returns them: URL-encoded, keys in
// any case, values as a string or a list), IAM's wildcard matching, the
// condition operators, and evaluation (an explicit Deny wins over an Allow,
// and without an Allow a request is implicitly denied).
//
// It is a leaf package: the sandbox, the tiles' checks, onboarding's role
// verification, the policy builder and lint, and iamdeploy all use it.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Version is the IAM policy language version every generated document carries.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement. Fields are marshalled in the order
// Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
// NotResource, Condition; empty ones are omitted.
//
// Action, NotAction, Resource and NotResource may be written as a string or
// a list: every one is a list here. Principal and NotPrincipal are nil when
// the statement has none (identity policies).
type Statement struct {
	Sid          string
	Effect       string
	Principal    *Principal
	NotPrincipal *Principal
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	// Condition maps an operator ("StringEquals", "ForAnyValue:StringLike",
	// "ArnLikeIfExists", …) to condition keys and their value: a string,
	// number, boolean, or a list of them, as written. Values and Conditions
	// read it as strings.
	Condition map[string]map[string]any

	// ActionAsString / ResourceAsString: when true and the list holds exactly
	// one value, it is marshalled as a plain JSON string (as the guide writes
	// "Resource": "*" and "Action": "sts:AssumeRole"); otherwise as an array.
	// Parse sets them when the input used a string, so that a parsed document
	// marshals back to the same shape.
	ActionAsString   bool `json:"-"`
	ResourceAsString bool `json:"-"`
}

// Principal is a statement's principal: "*" (All) or a map of kinds to one
// or more values. {"AWS": "*"} is everyone as well: All is set and AWS holds
// the "*".
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

// Conditions returns the statement's Condition block as operator/key pairs,
// sorted by operator, then key, with the values as strings.
func (s Statement) Conditions() []Condition {
	ops := make([]string, 0, len(s.Condition))
	for op := range s.Condition {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var out []Condition
	for _, op := range ops {
		keys := make([]string, 0, len(s.Condition[op]))
		for k := range s.Condition[op] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, Condition{Operator: op, Key: k, Values: Values(s.Condition[op][k])})
		}
	}
	return out
}

// Values reads a condition value (a string, number, boolean, or a list of
// them) as strings.
func Values(v any) []string {
	switch t := v.(type) {
	case nil:
		return nil
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			out = append(out, scalarString(e))
		}
		return out
	}
	return []string{scalarString(v)}
}

func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		if t {
			return "true"
		}
		return "false"
	case json.Number:
		return t.String()
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

type wireStatement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Principal    *Principal                `json:"Principal,omitempty"`
	NotPrincipal *Principal                `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
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
		Sid:          s.Sid,
		Effect:       s.Effect,
		Principal:    s.Principal,
		NotPrincipal: s.NotPrincipal,
		Action:       stringOrList(s.Action, s.ActionAsString),
		NotAction:    stringOrList(s.NotAction, false),
		Resource:     stringOrList(s.Resource, s.ResourceAsString),
		NotResource:  stringOrList(s.NotResource, false),
	}
	if len(s.Condition) > 0 {
		w.Condition = s.Condition
	}
	return marshalNoEscape(w, "")
}

// MarshalJSON writes "*" for everyone, otherwise a map of the kinds, each a
// string when it has one value.
func (p Principal) MarshalJSON() ([]byte, error) {
	kinds := []struct {
		name string
		vals []string
	}{{"AWS", p.AWS}, {"CanonicalUser", p.CanonicalUser}, {"Federated", p.Federated}, {"Service", p.Service}}
	m := map[string]any{}
	for _, k := range kinds {
		if len(k.vals) > 0 {
			m[k.name] = stringOrList(k.vals, true)
		}
	}
	if len(m) == 0 && p.All {
		return []byte(`"*"`), nil
	}
	return marshalNoEscape(m, "")
}

// UnmarshalJSON accepts every form Parse accepts for a principal.
func (p *Principal) UnmarshalJSON(b []byte) error {
	v, err := decodeValue(b)
	if err != nil {
		return err
	}
	pr, err := principalFromValue(v, parser{})
	if err != nil {
		return err
	}
	*p = pr
	return nil
}

// UnmarshalJSON accepts the statement forms Parse accepts (see Parse for a
// version whose errors carry positions).
func (s *Statement) UnmarshalJSON(b []byte) error {
	v, err := decodeValue(b)
	if err != nil {
		return err
	}
	st, err := parser{}.statement(v, 0)
	if err != nil {
		return err
	}
	*s = st
	return nil
}

// UnmarshalJSON accepts Statement as a single object or an array of objects.
func (d *Document) UnmarshalJSON(b []byte) error {
	v, err := decodeValue(b)
	if err != nil {
		return err
	}
	doc, err := parser{}.document(v)
	if err != nil {
		return err
	}
	*d = doc
	return nil
}

// JSON returns the document as indented JSON (two spaces, no trailing newline).
func (d Document) JSON() ([]byte, error) { return marshalNoEscape(d, "  ") }

// String returns the indented JSON, or an error text if it cannot be marshalled.
func (d Document) String() string {
	b, err := d.JSON()
	if err != nil {
		return "policy: " + err.Error()
	}
	return string(b)
}

func marshalNoEscape(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
