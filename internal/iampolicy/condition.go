package iampolicy

import "strings"

// Operator is a condition operator split into its parts:
// "ForAnyValue:StringNotLikeIfExists" is Set "ForAnyValue", Base
// "StringNotLike", IfExists.
type Operator struct {
	Name     string // as written
	Set      string // "ForAnyValue", "ForAllValues" or ""
	Base     string // e.g. "StringEquals", "ArnLike", "Bool", "Null"
	IfExists bool
}

// ParseOperator splits an operator as written.
func ParseOperator(op string) Operator {
	o := Operator{Name: op, Base: op}
	if set, base, ok := strings.Cut(op, ":"); ok {
		o.Set, o.Base = set, base
	}
	o.Base, o.IfExists = strings.CutSuffix(o.Base, "IfExists")
	return o
}

// Negated reports a negated operator (StringNotEquals, ArnNotLike, …).
func (o Operator) Negated() bool { return strings.Contains(o.Base, "Not") }

// IsNull reports the Null operator (is the key absent?).
func (o Operator) IsNull() bool { return o.Base == "Null" }

// IsStringOrARN reports a String* or Arn* operator.
func (o Operator) IsStringOrARN() bool {
	return strings.HasPrefix(o.Base, "String") || strings.HasPrefix(o.Base, "Arn")
}

// Match reports whether value matches the condition value want under the
// operator, negation aside: exact for StringEquals; case-insensitive for
// ...IgnoreCase and Bool; IAM wildcards for StringLike and the Arn
// operators (ArnEquals takes wildcards as ArnLike does). known is false for
// an operator this package does not evaluate (numeric, date, IP address,
// binary).
func (o Operator) Match(want, value string) (matched, known bool) {
	switch strings.Replace(o.Base, "Not", "", 1) {
	case "StringEquals":
		return want == value, true
	case "StringEqualsIgnoreCase", "Bool":
		return strings.EqualFold(want, value), true
	case "StringLike", "ArnEquals", "ArnLike":
		return Match(want, value), true
	}
	return false, false
}

// Holds evaluates the operator on a request whose key has the value actual
// (present false when the request lacks the key), against the condition's
// values (any one of them suffices). A missing key satisfies ...IfExists,
// negated operators and ForAllValues; Null holds when the key's absence is
// what its value says. An operator this package does not evaluate never
// holds.
func (o Operator) Holds(values []string, actual string, present bool) bool {
	if o.IsNull() {
		for _, v := range values {
			if strings.EqualFold(v, "true") == !present {
				return true
			}
		}
		return false
	}
	if !present {
		return o.IfExists || o.Negated() || o.Set == "ForAllValues"
	}
	found := false
	for _, v := range values {
		m, known := o.Match(v, actual)
		if !known {
			return false
		}
		found = found || m
	}
	return found != o.Negated()
}
