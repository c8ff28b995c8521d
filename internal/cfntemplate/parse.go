package cfntemplate

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is a parsed CloudFormation template (YAML or JSON).
//
// Parse is deliberately general: it accepts any CloudFormation template, not
// only SellerDesk's, so that other packages (for example the sandbox's
// CloudFormation engine) can reuse it. Values are plain Go data:
//
//   - mappings are map[string]any, sequences []any;
//   - strings are string, booleans bool, null nil; integers are int64 and other
//     numbers float64 (a plain number with a leading zero such as 0123 stays a
//     string, so an account ID like 012345678901 is not mangled; so do YAML
//     timestamps such as an unquoted 2010-09-09);
//   - the YAML short forms (!Ref, !Sub, !GetAtt, !If, …) are rewritten to their
//     long, JSON form: a map with one key such as {"Ref": "X"},
//     {"Fn::Sub": "…"} or {"Fn::GetAtt": ["Res", "Attr"]}. Intrinsic recognises
//     such maps.
//
// The top-level sections are exposed as fields; Raw holds the whole decoded
// document, and ResourceIDs, ParameterNames, OutputNames and ConditionNames
// give the names in the order the template lists them.
type Template struct {
	FormatVersion string         // AWSTemplateFormatVersion ("" when absent)
	Description   string         // Description ("" when absent)
	Metadata      map[string]any // template-level Metadata
	Parameters    map[string]Parameter
	Mappings      map[string]any
	Conditions    map[string]any // condition name → condition expression
	Rules         map[string]any
	Transform     any // string or list; nil when absent
	Resources     map[string]Resource
	Outputs       map[string]Output
	Raw           map[string]any // the whole document, decoded

	parameterOrder []string
	resourceOrder  []string
	outputOrder    []string
	conditionOrder []string
}

// Parameter is one entry of the Parameters section. Numeric constraints are
// nil when absent. Raw keeps the entry as written.
type Parameter struct {
	Type                  string
	Description           string
	Default               any // nil when HasDefault is false
	HasDefault            bool
	AllowedPattern        string
	AllowedValues         []any
	MinLength, MaxLength  *int
	MinValue, MaxValue    *float64
	NoEcho                bool
	ConstraintDescription string
	Raw                   map[string]any
}

// Resource is one entry of the Resources section.
//
// DeletionPolicy and UpdateReplacePolicy hold the policy when it is written as
// a plain string ("Delete", "Retain", "Snapshot", "RetainExceptOnCreate"); if
// a template uses an intrinsic function there, the field is "" and the value
// is in Raw.
type Resource struct {
	Type                string
	Properties          map[string]any // empty (not nil) when absent
	DependsOn           []string       // a single string is normalised to a one-element list
	Condition           string
	Metadata            map[string]any
	DeletionPolicy      string
	UpdateReplacePolicy string
	CreationPolicy      any
	UpdatePolicy        any
	Raw                 map[string]any
}

// Output is one entry of the Outputs section.
type Output struct {
	Description string
	Value       any
	Condition   string
	Export      any // {"Name": …} or nil
	Raw         map[string]any
}

// ParameterNames returns the parameter names in template order.
func (t *Template) ParameterNames() []string { return append([]string(nil), t.parameterOrder...) }

// ResourceIDs returns the logical IDs of the resources in template order.
func (t *Template) ResourceIDs() []string { return append([]string(nil), t.resourceOrder...) }

// OutputNames returns the output names in template order.
func (t *Template) OutputNames() []string { return append([]string(nil), t.outputOrder...) }

// ConditionNames returns the condition names in template order.
func (t *Template) ConditionNames() []string { return append([]string(nil), t.conditionOrder...) }

var topLevelSections = map[string]bool{
	"AWSTemplateFormatVersion": true, "Description": true, "Metadata": true,
	"Parameters": true, "Rules": true, "Mappings": true, "Conditions": true,
	"Transform": true, "Resources": true, "Outputs": true, "Hooks": true,
}

var resourceAttributes = map[string]bool{
	"Type": true, "Properties": true, "DependsOn": true, "Condition": true,
	"Metadata": true, "DeletionPolicy": true, "UpdateReplacePolicy": true,
	"CreationPolicy": true, "UpdatePolicy": true, "Version": true,
}

// Parse decodes a CloudFormation template written in YAML (with or without
// short-form tags) or JSON, and checks its structure: known top-level
// sections, a non-empty Resources section, and every resource having a Type.
// It does not check references or property schemas.
//
// Parse stays within the decoding bounds (see CheckBounds): a template past
// them gets a *LimitError.
func Parse(body []byte) (*Template, error) {
	if err := CheckSize(body); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("template is not valid YAML or JSON: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("template is empty")
	}
	if err := CheckBounds(&doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: a template must be a mapping of sections", root.Line)
	}
	rawAny, err := DecodeNode(root)
	if err != nil {
		return nil, err
	}
	raw := rawAny.(map[string]any)

	t := &Template{Raw: raw}
	for k := range raw {
		if !topLevelSections[k] {
			return nil, fmt.Errorf("unknown top-level section %q", k)
		}
	}
	if v, ok := raw["AWSTemplateFormatVersion"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, errors.New("AWSTemplateFormatVersion must be a string")
		}
		t.FormatVersion = s
	}
	if v, ok := raw["Description"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, errors.New("description must be a string")
		}
		t.Description = s
	}
	sections := map[string]*map[string]any{
		"Metadata": &t.Metadata, "Mappings": &t.Mappings, "Conditions": &t.Conditions, "Rules": &t.Rules,
	}
	for name, dst := range sections {
		if v, ok := raw[name]; ok && v != nil {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("section %s must be a mapping", name)
			}
			*dst = m
		}
	}
	t.Transform = raw["Transform"]

	order := KeyOrder(root)
	t.parameterOrder = order["Parameters"]
	t.resourceOrder = order["Resources"]
	t.outputOrder = order["Outputs"]
	t.conditionOrder = order["Conditions"]

	if t.Parameters, err = parseParameters(raw["Parameters"]); err != nil {
		return nil, err
	}
	if t.Resources, err = parseResources(raw["Resources"]); err != nil {
		return nil, err
	}
	if t.Outputs, err = parseOutputs(raw["Outputs"]); err != nil {
		return nil, err
	}
	return t, nil
}

// KeyOrder returns, for each top-level section of root (a template's
// mapping node) that is a mapping, the keys in document order.
func KeyOrder(root *yaml.Node) map[string][]string {
	out := map[string][]string{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		v := resolveAlias(root.Content[i+1])
		if v.Kind != yaml.MappingNode {
			continue
		}
		var keys []string
		for j := 0; j+1 < len(v.Content); j += 2 {
			keys = append(keys, v.Content[j].Value)
		}
		out[root.Content[i].Value] = keys
	}
	return out
}

func asMap(v any, what string) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a mapping", what)
	}
	return m, nil
}

func optString(m map[string]any, key, what string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: %s must be a string", what, key)
	}
	return s, nil
}

func optInt(m map[string]any, key, what string) (*int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	f, ok := number(v)
	if !ok || f != math.Trunc(f) {
		return nil, fmt.Errorf("%s: %s must be an integer", what, key)
	}
	n := int(f)
	return &n, nil
}

func optFloat(m map[string]any, key, what string) (*float64, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, nil
	}
	f, ok := number(v)
	if !ok {
		return nil, fmt.Errorf("%s: %s must be a number", what, key)
	}
	return &f, nil
}

// number accepts numbers and numeric strings (CloudFormation allows both).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func parseParameters(v any) (map[string]Parameter, error) {
	m, err := asMap(v, "section Parameters")
	if err != nil {
		return nil, err
	}
	out := make(map[string]Parameter, len(m))
	for name, pv := range m {
		what := "parameter " + name
		pm, err := asMap(pv, what)
		if err != nil {
			return nil, err
		}
		p := Parameter{Raw: pm}
		if p.Type, err = optString(pm, "Type", what); err != nil {
			return nil, err
		}
		if p.Type == "" {
			return nil, fmt.Errorf("%s has no Type", what)
		}
		if p.Description, err = optString(pm, "Description", what); err != nil {
			return nil, err
		}
		if p.AllowedPattern, err = optString(pm, "AllowedPattern", what); err != nil {
			return nil, err
		}
		if p.ConstraintDescription, err = optString(pm, "ConstraintDescription", what); err != nil {
			return nil, err
		}
		p.Default, p.HasDefault = pm["Default"]
		if av, ok := pm["AllowedValues"]; ok {
			l, ok := av.([]any)
			if !ok {
				return nil, fmt.Errorf("%s: AllowedValues must be a list", what)
			}
			p.AllowedValues = l
		}
		if p.MinLength, err = optInt(pm, "MinLength", what); err != nil {
			return nil, err
		}
		if p.MaxLength, err = optInt(pm, "MaxLength", what); err != nil {
			return nil, err
		}
		if p.MinValue, err = optFloat(pm, "MinValue", what); err != nil {
			return nil, err
		}
		if p.MaxValue, err = optFloat(pm, "MaxValue", what); err != nil {
			return nil, err
		}
		switch ne := pm["NoEcho"].(type) {
		case nil:
		case bool:
			p.NoEcho = ne
		case string:
			p.NoEcho = strings.EqualFold(ne, "true")
		default:
			return nil, fmt.Errorf("%s: NoEcho must be true or false", what)
		}
		out[name] = p
	}
	return out, nil
}

func parseResources(v any) (map[string]Resource, error) {
	if v == nil {
		return nil, errors.New("template has no Resources section")
	}
	m, err := asMap(v, "section Resources")
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, errors.New("the Resources section is empty")
	}
	out := make(map[string]Resource, len(m))
	for id, rv := range m {
		what := "resource " + id
		rm, err := asMap(rv, what)
		if err != nil {
			return nil, err
		}
		for k := range rm {
			if !resourceAttributes[k] {
				return nil, fmt.Errorf("%s: unknown attribute %q", what, k)
			}
		}
		r := Resource{Raw: rm, CreationPolicy: rm["CreationPolicy"], UpdatePolicy: rm["UpdatePolicy"]}
		if r.Type, err = optString(rm, "Type", what); err != nil {
			return nil, err
		}
		if r.Type == "" {
			return nil, fmt.Errorf("%s has no Type", what)
		}
		if r.Properties, err = asMap(rm["Properties"], what+": Properties"); err != nil {
			return nil, err
		}
		if rm["Metadata"] != nil {
			if r.Metadata, err = asMap(rm["Metadata"], what+": Metadata"); err != nil {
				return nil, err
			}
		}
		if r.Condition, err = optString(rm, "Condition", what); err != nil {
			return nil, err
		}
		r.DeletionPolicy, _ = rm["DeletionPolicy"].(string)
		r.UpdateReplacePolicy, _ = rm["UpdateReplacePolicy"].(string)
		switch d := rm["DependsOn"].(type) {
		case nil:
		case string:
			r.DependsOn = []string{d}
		case []any:
			for _, e := range d {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%s: DependsOn must list logical IDs", what)
				}
				r.DependsOn = append(r.DependsOn, s)
			}
		default:
			return nil, fmt.Errorf("%s: DependsOn must be a logical ID or a list of them", what)
		}
		out[id] = r
	}
	return out, nil
}

func parseOutputs(v any) (map[string]Output, error) {
	m, err := asMap(v, "section Outputs")
	if err != nil {
		return nil, err
	}
	out := make(map[string]Output, len(m))
	for name, ov := range m {
		what := "output " + name
		om, err := asMap(ov, what)
		if err != nil {
			return nil, err
		}
		o := Output{Raw: om, Export: om["Export"]}
		var ok bool
		if o.Value, ok = om["Value"]; !ok {
			return nil, fmt.Errorf("%s has no Value", what)
		}
		if o.Description, err = optString(om, "Description", what); err != nil {
			return nil, err
		}
		if o.Condition, err = optString(om, "Condition", what); err != nil {
			return nil, err
		}
		out[name] = o
	}
	return out, nil
}

// ---------------------------------------------------------------- decoding

// shortForms maps each CloudFormation YAML short-form tag to its long form.
var shortForms = map[string]string{
	"!Ref":          "Ref",
	"!Condition":    "Condition",
	"!Base64":       "Fn::Base64",
	"!Cidr":         "Fn::Cidr",
	"!FindInMap":    "Fn::FindInMap",
	"!GetAtt":       "Fn::GetAtt",
	"!GetAZs":       "Fn::GetAZs",
	"!ImportValue":  "Fn::ImportValue",
	"!Join":         "Fn::Join",
	"!Select":       "Fn::Select",
	"!Split":        "Fn::Split",
	"!Sub":          "Fn::Sub",
	"!Transform":    "Fn::Transform",
	"!And":          "Fn::And",
	"!Equals":       "Fn::Equals",
	"!If":           "Fn::If",
	"!Not":          "Fn::Not",
	"!Or":           "Fn::Or",
	"!Length":       "Fn::Length",
	"!ToJsonString": "Fn::ToJsonString",
	"!ForEach":      "Fn::ForEach",
}

// DecodeYAML decodes one YAML (or JSON) document into plain Go values the way
// Parse does, turning CloudFormation short-form tags into their long form.
// It is exported for tests and for tools that handle template fragments.
func DecodeYAML(body []byte) (any, error) {
	if err := CheckSize(body); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if err := CheckBounds(&doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return DecodeNode(doc.Content[0])
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// DecodeNode decodes a YAML node into plain Go values as Parse does (see
// Template), turning short-form tags into their long form. Callers that
// decode a node themselves must pass it through CheckBounds first.
func DecodeNode(n *yaml.Node) (any, error) {
	n = resolveAlias(n)
	if n == nil {
		return nil, nil
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		long, ok := shortForms[n.Tag]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
		}
		inner := *n
		inner.Tag = ""
		if n.Kind == yaml.ScalarNode {
			inner.Tag = "!!str" // the argument of a short form is never re-typed
		}
		arg, err := DecodeNode(&inner)
		if err != nil {
			return nil, err
		}
		if long == "Fn::GetAtt" {
			if s, ok := arg.(string); ok {
				res, attr, found := strings.Cut(s, ".")
				if !found || res == "" || attr == "" {
					return nil, fmt.Errorf("line %d: !GetAtt needs Resource.Attribute, got %q", n.Line, s)
				}
				arg = []any{res, attr}
			}
		}
		return map[string]any{long: arg}, nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return DecodeNode(n.Content[0])
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := DecodeNode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		explicit := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, vn := resolveAlias(n.Content[i]), n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: mapping keys must be scalars", k.Line)
			}
			if k.ShortTag() == "!!merge" {
				if err := mergeInto(out, vn); err != nil {
					return nil, err
				}
				continue
			}
			if explicit[k.Value] {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			v, err := DecodeNode(vn)
			if err != nil {
				return nil, err
			}
			explicit[k.Value] = true
			out[k.Value] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return decodeScalar(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// mergeInto applies a YAML merge key (<<: *anchor or a list of them); keys
// written explicitly in the mapping win, as in YAML.
func mergeInto(out map[string]any, vn *yaml.Node) error {
	vn = resolveAlias(vn)
	var sources []*yaml.Node
	switch vn.Kind {
	case yaml.MappingNode:
		sources = []*yaml.Node{vn}
	case yaml.SequenceNode:
		sources = vn.Content
	default:
		return fmt.Errorf("line %d: a merge key needs a mapping", vn.Line)
	}
	for _, s := range sources {
		v, err := DecodeNode(s)
		if err != nil {
			return err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("line %d: a merge key needs a mapping", s.Line)
		}
		for k, val := range m {
			if _, set := out[k]; !set { // explicit keys and earlier merges win
				out[k] = val
			}
		}
	}
	return nil
}

func decodeScalar(n *yaml.Node) (any, error) {
	tag := n.ShortTag()
	switch tag {
	case "!!str", "!!binary", "!!timestamp":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return b, nil
	case "!!int", "!!float":
		if n.Style == 0 && hasLeadingZero(n.Value) {
			return n.Value, nil
		}
		if tag == "!!int" {
			var i int64
			if err := n.Decode(&i); err == nil {
				return i, nil
			}
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return f, nil
	}
	return n.Value, nil
}

// hasLeadingZero reports whether a plain number is written with a leading
// zero (0123, -0123), which CloudFormation users almost always mean as text.
func hasLeadingZero(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return len(s) > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9'
}

// Intrinsic reports whether v is an intrinsic function or reference in long
// form — a map with exactly one key that is "Ref", "Condition" or starts with
// "Fn::" — and returns that key and its argument.
func Intrinsic(v any) (name string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, a, true
		}
	}
	return "", nil, false
}
