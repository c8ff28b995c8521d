package sandbox

import (
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// noValue is what {"Ref": "AWS::NoValue"} evaluates to: the enclosing
// property or list element disappears.
type noValue struct{}

// cfnEval resolves intrinsic functions against one stack's parameters,
// conditions and resources.
type cfnEval struct {
	tmpl       *cfnTemplate
	params     map[string]any // string, or []any of strings for list types
	conditions map[string]bool
	pseudo     map[string]any
	// resource returns a created resource's Ref value (its physical ID) and
	// attributes; ok is false for resources that do not exist (yet).
	resource func(id string) (ref string, attrs map[string]any, ok bool)
	// resourceType returns a resource's type ("" if not declared).
	resourceType func(id string) string
	exports      func(name string) (string, bool)
	// dynamic names resources whose values are not known yet (a change
	// set's planned additions and replacements): Ref and Fn::GetAtt yield a
	// placeholder for them instead of failing.
	dynamic map[string]bool
}

// dynamicValue is the placeholder for a value known only once a change set
// runs.
func dynamicValue(name string) string { return "{{sandbox-resolved-at-execution:" + name + "}}" }

// evalError is an intrinsic function failure, in CloudFormation's words.
type evalError struct{ msg string }

func (e *evalError) Error() string { return e.msg }

func evalErrorf(format string, args ...any) error { return &evalError{fmt.Sprintf(format, args...)} }

// evalConditions evaluates every condition of the template.
func (ev *cfnEval) evalConditions() error {
	ev.conditions = map[string]bool{}
	visiting := map[string]bool{}
	var cond func(name string) (bool, error)
	var expr func(v any) (bool, error)
	cond = func(name string) (bool, error) {
		if b, ok := ev.conditions[name]; ok {
			return b, nil
		}
		def, ok := ev.tmpl.conditions[name]
		if !ok {
			return false, evalErrorf("Template format error: Unresolved condition dependencies [%s] in the Conditions block of the template", name)
		}
		if visiting[name] {
			return false, evalErrorf("Template format error: Circular condition dependency on %s", name)
		}
		visiting[name] = true
		b, err := expr(def)
		if err != nil {
			return false, err
		}
		ev.conditions[name] = b
		return b, nil
	}
	expr = func(v any) (bool, error) {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 {
			if b, ok := v.(bool); ok {
				return b, nil
			}
			if s, ok := v.(string); ok && (s == "true" || s == "false") {
				return s == "true", nil
			}
			return false, evalErrorf("Template format error: Conditions can only be boolean operations on parameters and other conditions")
		}
		for fn, arg := range m {
			switch fn {
			case "Condition":
				name, _ := arg.(string)
				return cond(name)
			case "Fn::Equals":
				l, ok := arg.([]any)
				if !ok || len(l) != 2 {
					return false, evalErrorf("Template error: every Fn::Equals object requires a list of 2 string parameters.")
				}
				a, err := ev.evalCondValue(l[0], cond)
				if err != nil {
					return false, err
				}
				b, err := ev.evalCondValue(l[1], cond)
				if err != nil {
					return false, err
				}
				return stringify(a) == stringify(b), nil
			case "Fn::Not":
				l, ok := arg.([]any)
				if !ok || len(l) != 1 {
					return false, evalErrorf("Template error: Fn::Not requires a list argument with one function token")
				}
				b, err := expr(l[0])
				return !b, err
			case "Fn::And", "Fn::Or":
				l, ok := arg.([]any)
				if !ok || len(l) < 2 || len(l) > 10 {
					return false, evalErrorf("Template error: every %s object requires a list of at least 2 and at most 10 boolean parameters.", fn)
				}
				all, any_ := true, false
				for _, x := range l {
					b, err := expr(x)
					if err != nil {
						return false, err
					}
					all, any_ = all && b, any_ || b
				}
				if fn == "Fn::And" {
					return all, nil
				}
				return any_, nil
			}
			return false, evalErrorf("Template format error: Conditions can only be boolean operations on parameters and other conditions")
		}
		return false, nil
	}
	for _, name := range ev.tmpl.condOrder {
		if _, err := cond(name); err != nil {
			return err
		}
	}
	return nil
}

// evalCondValue evaluates an operand of Fn::Equals inside Conditions.
func (ev *cfnEval) evalCondValue(v any, cond func(string) (bool, error)) (any, error) {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if c, ok := m["Condition"].(string); ok {
			return cond(c)
		}
	}
	return ev.eval(v)
}

// cond returns a condition's value (evalConditions must have run).
func (ev *cfnEval) cond(name string) (bool, error) {
	b, ok := ev.conditions[name]
	if !ok {
		return false, evalErrorf("Template error: unresolved condition dependency %s in Fn::If", name)
	}
	return b, nil
}

// evalProps evaluates a resource's Properties.
func (ev *cfnEval) evalProps(props map[string]any) (map[string]any, error) {
	v, err := ev.eval(props)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// eval resolves every intrinsic function in v.
func (ev *cfnEval) eval(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for fn, arg := range x {
				if fn == "Ref" || strings.HasPrefix(fn, "Fn::") {
					return ev.call(fn, arg)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := ev.eval(e)
			if err != nil {
				return nil, err
			}
			if _, drop := r.(noValue); !drop {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			r, err := ev.eval(e)
			if err != nil {
				return nil, err
			}
			if _, drop := r.(noValue); !drop {
				out = append(out, r)
			}
		}
		return out, nil
	default:
		return v, nil
	}
}

func (ev *cfnEval) evalString(fn string, v any) (string, error) {
	r, err := ev.eval(v)
	if err != nil {
		return "", err
	}
	switch r.(type) {
	case map[string]any, []any, noValue:
		return "", evalErrorf("Template error: every %s object requires string arguments", fn)
	}
	return stringify(r), nil
}

func (ev *cfnEval) evalList(fn string, v any) ([]any, error) {
	r, err := ev.eval(v)
	if err != nil {
		return nil, err
	}
	l, ok := r.([]any)
	if !ok {
		return nil, evalErrorf("Template error: every %s object requires a list argument", fn)
	}
	return l, nil
}

// ref resolves Ref name.
func (ev *cfnEval) ref(name string) (any, error) {
	if name == "AWS::NoValue" {
		return noValue{}, nil
	}
	if v, ok := ev.pseudo[name]; ok {
		return v, nil
	}
	if v, ok := ev.params[name]; ok {
		return v, nil
	}
	if ev.dynamic[name] {
		return dynamicValue(name), nil
	}
	if ref, _, ok := ev.resource(name); ok {
		return ref, nil
	}
	if ev.resourceType != nil && ev.resourceType(name) != "" {
		return nil, evalErrorf("Template error: resource %s is not created (its Condition is false or it has not been created yet)", name)
	}
	return nil, evalErrorf("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", name)
}

// getAtt resolves Fn::GetAtt res.attr.
func (ev *cfnEval) getAtt(res, attr string) (any, error) {
	if ev.dynamic[res] {
		return dynamicValue(res + "." + attr), nil
	}
	_, attrs, ok := ev.resource(res)
	if !ok {
		if ev.resourceType != nil && ev.resourceType(res) != "" {
			return nil, evalErrorf("Template error: resource %s is not created (its Condition is false or it has not been created yet)", res)
		}
		return nil, evalErrorf("Template error: instance of Fn::GetAtt references undefined resource %s", res)
	}
	v, ok := attrs[attr]
	if !ok {
		typ := ""
		if ev.resourceType != nil {
			typ = ev.resourceType(res)
		}
		if isCustomType(typ) {
			return "", nil // the sandbox does not run the function that would return it
		}
		return nil, evalErrorf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", res, attr)
	}
	return v, nil
}

func (ev *cfnEval) call(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, evalErrorf("Template format error: Every Ref object must have a single String value.")
		}
		return ev.ref(name)

	case "Fn::GetAtt":
		res, attrArg, ok := getAttTarget(arg)
		if !ok {
			return nil, evalErrorf("Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute")
		}
		attr, err := ev.evalString(fn, attrArg)
		if err != nil {
			return nil, err
		}
		return ev.getAtt(res, attr)

	case "Fn::Sub":
		str, vars := subParts(arg)
		if str == "" {
			if _, isStr := arg.(string); !isStr {
				if l, ok := arg.([]any); !ok || len(l) == 0 || len(l) > 2 {
					return nil, evalErrorf("Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string")
				}
			}
		}
		local := map[string]string{}
		for k, v := range vars {
			s, err := ev.evalString(fn, v)
			if err != nil {
				return nil, err
			}
			local[k] = s
		}
		var firstErr error
		out := subVarPattern.ReplaceAllStringFunc(str, func(m string) string {
			name := strings.TrimSpace(m[2 : len(m)-1])
			if strings.HasPrefix(name, "!") {
				return "${" + name[1:] + "}"
			}
			if firstErr != nil {
				return ""
			}
			if v, ok := local[name]; ok {
				return v
			}
			var r any
			var err error
			if res, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
				r, err = ev.getAtt(res, attr)
			} else {
				r, err = ev.ref(name)
			}
			if err != nil {
				firstErr = err
				return ""
			}
			if l, ok := r.([]any); ok {
				parts := make([]string, len(l))
				for i, e := range l {
					parts[i] = stringify(e)
				}
				return strings.Join(parts, ",")
			}
			return stringify(r)
		})
		if firstErr != nil {
			return nil, firstErr
		}
		return out, nil

	case "Fn::Join":
		l, ok := arg.([]any)
		if !ok || len(l) != 2 {
			return nil, evalErrorf("Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.")
		}
		delim, err := ev.evalString(fn, l[0])
		if err != nil {
			return nil, err
		}
		items, err := ev.evalList(fn, l[1])
		if err != nil {
			return nil, err
		}
		parts := make([]string, 0, len(items))
		for _, it := range items {
			switch it.(type) {
			case map[string]any, []any:
				return nil, evalErrorf("Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.")
			}
			parts = append(parts, stringify(it))
		}
		return strings.Join(parts, delim), nil

	case "Fn::Select":
		l, ok := arg.([]any)
		if !ok || len(l) != 2 {
			return nil, evalErrorf("Template error: Fn::Select requires a list argument with two elements: an integer index and a list")
		}
		idxStr, err := ev.evalString(fn, l[0])
		if err != nil {
			return nil, err
		}
		idx, err := strconv.Atoi(idxStr)
		if err != nil {
			return nil, evalErrorf("Template error: Fn::Select requires a list argument with two elements: an integer index and a list")
		}
		items, err := ev.evalList(fn, l[1])
		if err != nil {
			return nil, err
		}
		if idx < 0 || idx >= len(items) {
			return nil, evalErrorf("Template error: Fn::Select cannot select nonexistent value at index %d", idx)
		}
		return items[idx], nil

	case "Fn::Split":
		l, ok := arg.([]any)
		if !ok || len(l) != 2 {
			return nil, evalErrorf("Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.")
		}
		delim, err := ev.evalString(fn, l[0])
		if err != nil {
			return nil, err
		}
		s, err := ev.evalString(fn, l[1])
		if err != nil {
			return nil, err
		}
		var out []any
		for _, p := range strings.Split(s, delim) {
			out = append(out, p)
		}
		return out, nil

	case "Fn::If":
		l, ok := arg.([]any)
		if !ok || len(l) != 3 {
			return nil, evalErrorf("Template error: Fn::If requires a list argument with three elements")
		}
		name, _ := l[0].(string)
		b, err := ev.cond(name)
		if err != nil {
			return nil, err
		}
		if b {
			return ev.eval(l[1])
		}
		return ev.eval(l[2])

	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or":
		b, err := ev.boolFn(fn, arg)
		if err != nil {
			return nil, err
		}
		return b, nil

	case "Fn::FindInMap":
		l, ok := arg.([]any)
		if !ok || len(l) < 3 {
			return nil, evalErrorf("Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value")
		}
		var keys [3]string
		for i := range keys {
			s, err := ev.evalString(fn, l[i])
			if err != nil {
				return nil, err
			}
			keys[i] = s
		}
		m1, ok := ev.tmpl.mappings[keys[0]].(map[string]any)
		if !ok {
			return nil, evalErrorf("Template error: Unable to get mapping for %s", keys[0])
		}
		m2, ok := m1[keys[1]].(map[string]any)
		if !ok {
			return nil, evalErrorf("Template error: Unable to get mapping for %s::%s", keys[0], keys[1])
		}
		v, ok := m2[keys[2]]
		if !ok {
			return nil, evalErrorf("Template error: Unable to get mapping for %s::%s::%s", keys[0], keys[1], keys[2])
		}
		return v, nil

	case "Fn::GetAZs":
		region, err := ev.evalString(fn, arg)
		if err != nil {
			return nil, err
		}
		if region == "" {
			region = stringify(ev.pseudo["AWS::Region"])
		}
		letters := "abc"
		if region == "us-east-1" {
			letters = "abcdef"
		}
		var out []any
		for _, c := range letters {
			out = append(out, region+string(c))
		}
		return out, nil

	case "Fn::Base64":
		s, err := ev.evalString(fn, arg)
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil

	case "Fn::ImportValue":
		name, err := ev.evalString(fn, arg)
		if err != nil {
			return nil, err
		}
		if ev.exports != nil {
			if v, ok := ev.exports(name); ok {
				return v, nil
			}
		}
		return nil, evalErrorf("No export named %s found. Rollback requested by user.", name)

	case "Fn::Length":
		l, err := ev.evalList(fn, arg)
		if err != nil {
			return nil, err
		}
		return float64(len(l)), nil

	case "Fn::ToJsonString":
		v, err := ev.eval(arg)
		if err != nil {
			return nil, err
		}
		return compactJSON(v), nil
	}
	return nil, evalErrorf("Template error: the SellerDesk sandbox does not support the intrinsic function %s", fn)
}

// boolFn evaluates a condition function used inside Properties or Outputs.
func (ev *cfnEval) boolFn(fn string, arg any) (bool, error) {
	l, ok := arg.([]any)
	if !ok {
		return false, evalErrorf("Template error: %s requires a list argument", fn)
	}
	asBool := func(v any) (bool, error) {
		if m, ok := v.(map[string]any); ok && len(m) == 1 {
			if c, ok := m["Condition"].(string); ok {
				return ev.cond(c)
			}
		}
		r, err := ev.eval(v)
		if err != nil {
			return false, err
		}
		switch b := r.(type) {
		case bool:
			return b, nil
		case string:
			return b == "true", nil
		}
		return false, evalErrorf("Template error: %s requires boolean arguments", fn)
	}
	switch fn {
	case "Fn::Equals":
		if len(l) != 2 {
			return false, evalErrorf("Template error: every Fn::Equals object requires a list of 2 string parameters.")
		}
		a, err := ev.eval(l[0])
		if err != nil {
			return false, err
		}
		b, err := ev.eval(l[1])
		if err != nil {
			return false, err
		}
		return stringify(a) == stringify(b), nil
	case "Fn::Not":
		if len(l) != 1 {
			return false, evalErrorf("Template error: Fn::Not requires a list argument with one function token")
		}
		b, err := asBool(l[0])
		return !b, err
	default:
		all, some := true, false
		for _, x := range l {
			b, err := asBool(x)
			if err != nil {
				return false, err
			}
			all, some = all && b, some || b
		}
		if fn == "Fn::And" {
			return all, nil
		}
		return some, nil
	}
}

// stringify renders an evaluated scalar as CloudFormation passes it on.
func stringify(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = stringify(e)
		}
		return strings.Join(parts, ",")
	case noValue:
		return ""
	}
	return scalarString(v)
}

// resolveParams checks the submitted parameters against the template's
// declarations and returns every parameter's value (defaults filled in).
// previous holds the current values for UsePreviousValue.
func resolveParams(t *cfnTemplate, in []cfnParamInput, previous map[string]string) (map[string]string, error) {
	given := map[string]cfnParamInput{}
	var unknown []string
	for _, p := range in {
		if t.param(p.key) == nil {
			unknown = append(unknown, p.key)
			continue
		}
		given[p.key] = p
	}
	if len(unknown) > 0 {
		return nil, cfnValidation("Parameters: [%s] do not exist in the template", strings.Join(unknown, ", "))
	}
	values := map[string]string{}
	var missing []string
	for _, d := range t.params {
		p, ok := given[d.key]
		switch {
		case ok && p.usePrevious:
			prev, had := previous[d.key]
			if !had {
				return nil, cfnValidation("Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", d.key)
			}
			values[d.key] = prev
		case ok:
			values[d.key] = p.value
		case d.def != nil:
			values[d.key] = *d.def
		default:
			missing = append(missing, d.key)
		}
	}
	if len(missing) > 0 {
		return nil, cfnValidation("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	for _, d := range t.params {
		if err := d.check(values[d.key]); err != nil {
			return nil, err
		}
	}
	return values, nil
}

// paramValues converts resolved parameter strings into the values Ref yields.
func paramValues(t *cfnTemplate, values map[string]string) map[string]any {
	out := map[string]any{}
	for _, d := range t.params {
		v := values[d.key]
		if d.isList() {
			var l []any
			if v != "" {
				for _, s := range strings.Split(v, ",") {
					l = append(l, strings.TrimSpace(s))
				}
			}
			if l == nil {
				l = []any{}
			}
			out[d.key] = l
		} else {
			out[d.key] = v
		}
	}
	return out
}

// cfnParamInput is one submitted parameter.
type cfnParamInput struct {
	key, value  string
	usePrevious bool
}

func sortedStrings(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

var errCancelled = errors.New("cancelled")
