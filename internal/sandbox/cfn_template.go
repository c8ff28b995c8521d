package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cfnTemplate is a decoded and structurally validated template.
type cfnTemplate struct {
	text        string // the body exactly as submitted (GetTemplate returns it)
	format      string // JSON or YAML
	body        map[string]any
	version     string
	description string
	metadata    any
	transforms  []string
	params      []*cfnParamDecl // in document order
	mappings    map[string]any
	conditions  map[string]any
	condOrder   []string
	resources   []*cfnResourceDecl // in document order
	outputs     []*cfnOutputDecl   // in document order
}

type cfnParamDecl struct {
	key                   string
	typ                   string
	def                   *string
	noEcho                bool
	description           string
	allowedValues         []string
	allowedPattern        string
	constraintDescription string
	minLength, maxLength  *int
	minValue, maxValue    *float64
}

type cfnResourceDecl struct {
	id                  string
	typ                 string
	properties          map[string]any
	dependsOn           []string
	condition           string
	deletionPolicy      string
	updateReplacePolicy string
	metadata            any
	raw                 map[string]any
}

type cfnOutputDecl struct {
	key         string
	value       any
	description any
	condition   string
	exportName  any
}

func (t *cfnTemplate) param(key string) *cfnParamDecl {
	for _, p := range t.params {
		if p.key == key {
			return p
		}
	}
	return nil
}

func (t *cfnTemplate) resource(id string) *cfnResourceDecl {
	for _, r := range t.resources {
		if r.id == id {
			return r
		}
	}
	return nil
}

// cfnValidation is CloudFormation's ValidationError.
func cfnValidation(format string, args ...any) *APIError {
	return apiError(http.StatusBadRequest, "ValidationError", format, args...)
}

var (
	resourceTypePattern = regexp.MustCompile(`^(AWS|Alexa|Custom)::[A-Za-z0-9]+(::[A-Za-z0-9]+)*$|^Custom::[A-Za-z0-9_@-]+$|^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(::MODULE)?$`)
	logicalIDPattern    = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	resourceAttributes  = map[string]bool{"Type": true, "Properties": true, "DependsOn": true, "Condition": true, "Metadata": true,
		"DeletionPolicy": true, "UpdateReplacePolicy": true, "CreationPolicy": true, "UpdatePolicy": true, "Version": true}
	knownParamTypes = map[string]bool{"String": true, "Number": true, "List<Number>": true, "CommaDelimitedList": true}
	topLevelKeys    = map[string]bool{"AWSTemplateFormatVersion": true, "Description": true, "Metadata": true, "Parameters": true,
		"Rules": true, "Mappings": true, "Conditions": true, "Transform": true, "Resources": true, "Outputs": true, "Hooks": true}
)

// CloudFormation's quotas on a template: TemplateBody bytes (1 MB by
// TemplateURL, which the sandbox does not fetch) and resources.
const (
	maxTemplateBodyBytes = 51200
	maxTemplateResources = 500
)

// parseTemplate decodes and validates a template body the way CloudFormation
// does before it accepts a stack operation. The size is checked before
// anything is decoded, and decoding is bounded (cfntemplate.CheckBounds).
func parseTemplate(text string) (*cfnTemplate, error) {
	if len(text) > maxTemplateBodyBytes {
		return nil, cfnValidation("1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to %d", maxTemplateBodyBytes)
	}
	dec, err := decodeTemplate(text)
	if err != nil {
		return nil, cfnValidation("%s", err.Error())
	}
	t := &cfnTemplate{text: text, format: dec.format, body: dec.body}
	var unknown []string
	for k := range dec.body {
		if !topLevelKeys[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, cfnValidation("Template format error: Invalid template property or properties [%s]", strings.Join(unknown, ", "))
	}
	if v, ok := dec.body["AWSTemplateFormatVersion"]; ok {
		t.version = scalarString(v)
		if t.version != "2010-09-09" {
			return nil, cfnValidation("Template format error: '%s' is not a valid template version.", t.version)
		}
	}
	if v, ok := dec.body["Description"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, cfnValidation("Template format error: Every Description member must be a string.")
		}
		t.description = s
	}
	t.metadata = dec.body["Metadata"]
	switch tr := dec.body["Transform"].(type) {
	case nil:
	case string:
		t.transforms = []string{tr}
	case []any:
		for _, x := range tr {
			t.transforms = append(t.transforms, scalarString(x))
		}
	}
	for _, tr := range t.transforms {
		if tr != "AWS::LanguageExtensions" {
			return nil, cfnValidation("Template format error: the SellerDesk sandbox does not run transforms (%s)", tr)
		}
	}

	section := func(name string) (map[string]any, error) {
		v, ok := dec.body[name]
		if !ok || v == nil {
			return nil, nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, cfnValidation("Template format error: %s section must be an object", name)
		}
		return m, nil
	}
	ordered := func(name string, m map[string]any) []string {
		keys := dec.order[name]
		if len(keys) != len(m) {
			keys = sortedKeys(m)
		}
		return keys
	}

	params, err := section("Parameters")
	if err != nil {
		return nil, err
	}
	for _, key := range ordered("Parameters", params) {
		p, err := parseParamDecl(key, params[key])
		if err != nil {
			return nil, err
		}
		t.params = append(t.params, p)
	}
	if t.mappings, err = section("Mappings"); err != nil {
		return nil, err
	}
	if t.conditions, err = section("Conditions"); err != nil {
		return nil, err
	}
	t.condOrder = ordered("Conditions", t.conditions)

	resources, err := section("Resources")
	if err != nil {
		return nil, err
	}
	if len(resources) == 0 {
		return nil, cfnValidation("Template format error: At least one Resources member must be defined.")
	}
	if len(resources) > maxTemplateResources {
		return nil, cfnValidation("Template format error: Number of resources, %d, is greater than maximum allowed, %d", len(resources), maxTemplateResources)
	}
	var badTypes []string
	for _, id := range ordered("Resources", resources) {
		raw, ok := resources[id].(map[string]any)
		if !ok {
			return nil, cfnValidation("Template format error: [/Resources/%s] resource definition is malformed", id)
		}
		if !logicalIDPattern.MatchString(id) {
			return nil, cfnValidation("Template format error: Resource name %s is non alphanumeric.", id)
		}
		for k := range raw {
			if !resourceAttributes[k] {
				return nil, cfnValidation("Invalid template resource property '%s'", k)
			}
		}
		r := &cfnResourceDecl{id: id, raw: raw, metadata: raw["Metadata"]}
		typ, ok := raw["Type"].(string)
		if !ok || typ == "" {
			return nil, cfnValidation("Template format error: [/Resources/%s] Every Resources object must contain a Type member.", id)
		}
		r.typ = typ
		if !resourceTypePattern.MatchString(typ) || !recognizedType(typ) {
			badTypes = append(badTypes, typ)
		}
		switch p := raw["Properties"].(type) {
		case nil:
			r.properties = map[string]any{}
		case map[string]any:
			r.properties = p
		default:
			return nil, cfnValidation("Template format error: [/Resources/%s/Properties] Every Properties member must be an object.", id)
		}
		switch d := raw["DependsOn"].(type) {
		case nil:
		case string:
			r.dependsOn = []string{d}
		case []any:
			for _, x := range d {
				s, ok := x.(string)
				if !ok {
					return nil, cfnValidation("Template format error: DependsOn must be a string or list of strings.")
				}
				r.dependsOn = append(r.dependsOn, s)
			}
		default:
			return nil, cfnValidation("Template format error: DependsOn must be a string or list of strings.")
		}
		if c, ok := raw["Condition"]; ok {
			s, ok := c.(string)
			if !ok {
				return nil, cfnValidation("Template format error: [/Resources/%s/Condition] Condition must be a string.", id)
			}
			r.condition = s
		}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"DeletionPolicy", &r.deletionPolicy}, {"UpdateReplacePolicy", &r.updateReplacePolicy}} {
			if v, ok := raw[f.name]; ok {
				s, _ := v.(string)
				switch s {
				case "Delete", "Retain", "RetainExceptOnCreate", "Snapshot":
					*f.dst = s
				default:
					return nil, cfnValidation("Template format error: Unrecognized %s %v for resource %s", f.name, v, id)
				}
			}
		}
		t.resources = append(t.resources, r)
	}
	if len(badTypes) > 0 {
		return nil, cfnValidation("Template format error: Unrecognized resource types: [%s]", strings.Join(badTypes, ", "))
	}

	outputs, err := section("Outputs")
	if err != nil {
		return nil, err
	}
	for _, key := range ordered("Outputs", outputs) {
		raw, ok := outputs[key].(map[string]any)
		if !ok {
			return nil, cfnValidation("Template format error: Every Outputs member must be an object")
		}
		o := &cfnOutputDecl{key: key, value: raw["Value"], description: raw["Description"]}
		if _, ok := raw["Value"]; !ok {
			return nil, cfnValidation("Template format error: Every Outputs member must contain a Value object")
		}
		if c, ok := raw["Condition"].(string); ok {
			o.condition = c
		}
		if e, ok := raw["Export"].(map[string]any); ok {
			o.exportName = e["Name"]
		}
		t.outputs = append(t.outputs, o)
	}
	if err := t.checkReferences(); err != nil {
		return nil, err
	}
	return t, nil
}

func parseParamDecl(key string, v any) (*cfnParamDecl, error) {
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, cfnValidation("Template format error: Parameter '%s' must be an object", key)
	}
	p := &cfnParamDecl{key: key}
	p.typ, _ = raw["Type"].(string)
	if p.typ == "" {
		return nil, cfnValidation("Template format error: Every Parameters object must contain a Type member.")
	}
	if !knownParamTypes[p.typ] && !strings.HasPrefix(p.typ, "AWS::") && !strings.HasPrefix(p.typ, "List<AWS::") {
		return nil, cfnValidation("Template format error: Unrecognized parameter type: %s", p.typ)
	}
	if d, ok := raw["Default"]; ok {
		s := scalarString(d)
		if l, ok := d.([]any); ok {
			parts := make([]string, len(l))
			for i, x := range l {
				parts[i] = scalarString(x)
			}
			s = strings.Join(parts, ",")
		}
		p.def = &s
	}
	switch ne := raw["NoEcho"].(type) {
	case bool:
		p.noEcho = ne
	case string:
		p.noEcho = strings.EqualFold(ne, "true")
	}
	p.description, _ = raw["Description"].(string)
	if av, ok := raw["AllowedValues"].([]any); ok {
		for _, x := range av {
			p.allowedValues = append(p.allowedValues, scalarString(x))
		}
	}
	if ap, ok := raw["AllowedPattern"]; ok {
		p.allowedPattern = scalarString(ap)
		if _, err := regexp.Compile(p.allowedPattern); err != nil {
			return nil, cfnValidation("Template format error: AllowedPattern for parameter '%s' is not a valid regular expression", key)
		}
	}
	p.constraintDescription, _ = raw["ConstraintDescription"].(string)
	intField := func(name string) (*int, error) {
		x, ok := raw[name]
		if !ok {
			return nil, nil
		}
		n, err := strconv.Atoi(scalarString(x))
		if err != nil {
			return nil, cfnValidation("Template format error: %s for parameter '%s' must be an integer", name, key)
		}
		return &n, nil
	}
	floatField := func(name string) (*float64, error) {
		x, ok := raw[name]
		if !ok {
			return nil, nil
		}
		f, err := strconv.ParseFloat(scalarString(x), 64)
		if err != nil {
			return nil, cfnValidation("Template format error: %s for parameter '%s' must be a number", name, key)
		}
		return &f, nil
	}
	var err error
	if p.minLength, err = intField("MinLength"); err != nil {
		return nil, err
	}
	if p.maxLength, err = intField("MaxLength"); err != nil {
		return nil, err
	}
	if p.minValue, err = floatField("MinValue"); err != nil {
		return nil, err
	}
	if p.maxValue, err = floatField("MaxValue"); err != nil {
		return nil, err
	}
	return p, nil
}

// isList reports whether values of the parameter type are lists.
func (p *cfnParamDecl) isList() bool {
	return p.typ == "CommaDelimitedList" || strings.HasPrefix(p.typ, "List<")
}

// check validates one value against the declaration's constraints and returns
// the error CloudFormation gives.
func (p *cfnParamDecl) check(value string) *APIError {
	items := []string{value}
	if p.isList() {
		items = strings.Split(value, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
	}
	fail := func(reason string) *APIError {
		if p.constraintDescription != "" {
			return cfnValidation("Parameter '%s' failed to satisfy constraint: %s", p.key, p.constraintDescription)
		}
		return cfnValidation("Parameter '%s' %s", p.key, reason)
	}
	for _, v := range items {
		if len(p.allowedValues) > 0 {
			found := false
			for _, a := range p.allowedValues {
				found = found || a == v
			}
			if !found {
				return fail("must be one of AllowedValues")
			}
		}
		if p.typ == "Number" || p.typ == "List<Number>" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) {
				return fail("must be a number")
			}
			if p.minValue != nil && f < *p.minValue {
				return fail("must be a number not less than " + scalarString(*p.minValue))
			}
			if p.maxValue != nil && f > *p.maxValue {
				return fail("must be a number not greater than " + scalarString(*p.maxValue))
			}
			continue
		}
		n := utf8.RuneCountInString(v)
		if p.minLength != nil && n < *p.minLength {
			return fail(fmt.Sprintf("must contain at least %d characters", *p.minLength))
		}
		if p.maxLength != nil && n > *p.maxLength {
			return fail(fmt.Sprintf("must contain at most %d characters", *p.maxLength))
		}
		if p.allowedPattern != "" {
			re, err := regexp.Compile(`^(?:` + p.allowedPattern + `)$`)
			if err == nil && !re.MatchString(v) {
				return fail("must match pattern " + p.allowedPattern)
			}
		}
	}
	return nil
}

// pseudoParams are the AWS:: names Ref accepts besides parameters and resources.
var pseudoParams = map[string]bool{"AWS::AccountId": true, "AWS::Region": true, "AWS::StackName": true, "AWS::StackId": true,
	"AWS::Partition": true, "AWS::URLSuffix": true, "AWS::NoValue": true, "AWS::NotificationARNs": true}

// checkReferences rejects templates whose Refs, GetAtts, Subs, DependsOn and
// Conditions name things that do not exist, and dependency cycles.
func (t *cfnTemplate) checkReferences() error {
	isParam := func(n string) bool { return t.param(n) != nil || pseudoParams[n] }
	isResource := func(n string) bool { return t.resource(n) != nil }

	checkCondRefs := func(where string, v any) error {
		var missing []string
		walkIntrinsics(v, func(fn string, arg any) {
			if fn == "Fn::If" {
				if l, ok := arg.([]any); ok && len(l) == 3 {
					if c, ok := l[0].(string); ok {
						if _, ok := t.conditions[c]; !ok {
							missing = append(missing, c)
						}
					}
				}
			}
		})
		if len(missing) > 0 {
			return cfnValidation("Template error: unresolved condition dependency %s in Fn::If", missing[0])
		}
		return nil
	}
	// Conditions may only reference parameters and other conditions.
	for _, name := range t.condOrder {
		var bad []string
		walkIntrinsics(t.conditions[name], func(fn string, arg any) {
			switch fn {
			case "Ref":
				if s, ok := arg.(string); ok && !isParam(s) {
					bad = append(bad, s)
				}
			case "Condition":
				if s, ok := arg.(string); ok {
					if _, ok := t.conditions[s]; !ok {
						bad = append(bad, s)
					}
				}
			}
		})
		if len(bad) > 0 {
			return cfnValidation("Template format error: Unresolved dependencies [%s]. Cannot reference resources in the Conditions block of the template", strings.Join(uniqueSorted(bad), ", "))
		}
	}
	for _, r := range t.resources {
		if r.condition != "" {
			if _, ok := t.conditions[r.condition]; !ok {
				return cfnValidation("Template format error: Unresolved condition dependencies [%s] in the Resources block of the template", r.condition)
			}
		}
		refs, getAtts := templateRefs(r.properties)
		var missing []string
		for _, n := range append(refs, r.dependsOn...) {
			if !isParam(n) && !isResource(n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return cfnValidation("Template format error: Unresolved resource dependencies [%s] in the Resources block of the template", strings.Join(uniqueSorted(missing), ", "))
		}
		for _, n := range getAtts {
			if !isResource(n) {
				return cfnValidation("Template error: instance of Fn::GetAtt references undefined resource %s", n)
			}
		}
		if err := checkCondRefs("Resources", r.properties); err != nil {
			return err
		}
	}
	for _, o := range t.outputs {
		if o.condition != "" {
			if _, ok := t.conditions[o.condition]; !ok {
				return cfnValidation("Template format error: Unresolved condition dependencies [%s] in the Outputs block of the template", o.condition)
			}
		}
		refs, getAtts := templateRefs([]any{o.value, o.exportName, o.description})
		var missing []string
		for _, n := range refs {
			if !isParam(n) && !isResource(n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return cfnValidation("Template format error: Unresolved resource dependencies [%s] in the Outputs block of the template", strings.Join(uniqueSorted(missing), ", "))
		}
		for _, n := range getAtts {
			if !isResource(n) {
				return cfnValidation("Template error: instance of Fn::GetAtt references undefined resource %s", n)
			}
		}
		if err := checkCondRefs("Outputs", o.value); err != nil {
			return err
		}
	}
	if err := t.checkAttributes(); err != nil {
		return err
	}
	if cycle := t.cycle(); len(cycle) > 0 {
		return cfnValidation("Circular dependency between resources: [%s]", strings.Join(cycle, ", "))
	}
	return nil
}

// checkAttributes rejects a Fn::GetAtt (or a ${Res.Attr} in Fn::Sub) whose
// attribute the resource's type does not have, as CloudFormation does
// before it creates anything. An attribute given by another intrinsic is
// only known at run time.
func (t *cfnTemplate) checkAttributes() error {
	var bad error
	check := func(res, attr string) {
		if d := t.resource(res); d != nil && bad == nil && !supportsAttribute(d.typ, attr) {
			bad = cfnValidation("Template error: resource %s does not support attribute type %s in Fn::GetAtt", res, attr)
		}
	}
	visit := func(v any) {
		walkIntrinsics(v, func(fn string, arg any) {
			switch fn {
			case "Fn::GetAtt":
				if res, attr, ok := getAttTarget(arg); ok {
					if s, ok := attr.(string); ok {
						check(res, s)
					}
				}
			case "Fn::Sub":
				str, vars := subParts(arg)
				for _, name := range subNames(str) {
					if _, local := vars[name]; local || strings.HasPrefix(name, "AWS::") {
						continue
					}
					if res, attr, ok := strings.Cut(name, "."); ok {
						check(res, attr)
					}
				}
			}
		})
	}
	for _, r := range t.resources {
		visit(r.properties)
	}
	for _, o := range t.outputs {
		visit([]any{o.value, o.exportName, o.description})
	}
	return bad
}

// deps returns the resources r depends on, explicitly or through Ref, GetAtt
// and Sub, in template order.
func (t *cfnTemplate) deps(r *cfnResourceDecl) []string {
	refs, getAtts := templateRefs(r.properties)
	want := map[string]bool{}
	for _, n := range append(append(refs, getAtts...), r.dependsOn...) {
		want[n] = true
	}
	var out []string
	for _, o := range t.resources {
		if want[o.id] && o.id != r.id {
			out = append(out, o.id)
		}
	}
	return out
}

// cycle returns the resources on a dependency cycle, sorted, or nil.
func (t *cfnTemplate) cycle() []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	onCycle := map[string]bool{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		color[id] = grey
		stack = append(stack, id)
		for _, d := range t.deps(t.resource(id)) {
			switch color[d] {
			case white:
				visit(d)
			case grey:
				for i := len(stack) - 1; i >= 0; i-- {
					onCycle[stack[i]] = true
					if stack[i] == d {
						break
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
	}
	for _, r := range t.resources {
		if color[r.id] == white {
			visit(r.id)
		}
	}
	if len(onCycle) == 0 {
		return nil
	}
	return sortedKeys(onCycle)
}

// requiredCapabilities returns the capability the template needs (IAM
// resources, named or not) and the resource types that need it.
func (t *cfnTemplate) requiredCapabilities() (capability string, types []string) {
	nameProps := map[string]string{"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
		"AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName", "AWS::IAM::InstanceProfile": "InstanceProfileName"}
	seen := map[string]bool{}
	for _, r := range t.resources {
		if !strings.HasPrefix(r.typ, "AWS::IAM::") {
			continue
		}
		seen[r.typ] = true
		if capability == "" {
			capability = "CAPABILITY_IAM"
		}
		if np, ok := nameProps[r.typ]; ok {
			if _, named := r.properties[np]; named {
				capability = "CAPABILITY_NAMED_IAM"
			}
		}
	}
	return capability, sortedKeys(seen)
}

// templateRefs lists the names used by Ref, the resources used by Fn::GetAtt
// and the names used in Fn::Sub strings, anywhere in v.
func templateRefs(v any) (refs, getAtts []string) {
	walkIntrinsics(v, func(fn string, arg any) {
		switch fn {
		case "Ref":
			if s, ok := arg.(string); ok {
				refs = append(refs, s)
			}
		case "Fn::GetAtt":
			if res, _, ok := getAttTarget(arg); ok {
				getAtts = append(getAtts, res)
			}
		case "Fn::Sub":
			str, vars := subParts(arg)
			for _, name := range subNames(str) {
				if _, local := vars[name]; local {
					continue
				}
				if res, _, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
					getAtts = append(getAtts, res)
				} else {
					refs = append(refs, name)
				}
			}
		}
	})
	return refs, getAtts
}

// walkIntrinsics calls f for every intrinsic function ({"Ref": x},
// {"Fn::X": y}, {"Condition": c}) found in v, recursing into everything.
func walkIntrinsics(v any, f func(fn string, arg any)) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
					f(k, arg)
				}
			}
		}
		for _, k := range sortedKeys(x) {
			walkIntrinsics(x[k], f)
		}
	case []any:
		for _, e := range x {
			walkIntrinsics(e, f)
		}
	}
}

// getAttTarget reads Fn::GetAtt's argument: ["Res", "Attr"] or "Res.Attr".
func getAttTarget(arg any) (res string, attr any, ok bool) {
	switch a := arg.(type) {
	case string:
		r, at, found := strings.Cut(a, ".")
		return r, at, found
	case []any:
		if len(a) == 2 {
			if r, ok := a[0].(string); ok {
				return r, a[1], true
			}
		}
	}
	return "", nil, false
}

// subParts splits Fn::Sub's argument into its string and variable map.
func subParts(arg any) (string, map[string]any) {
	switch a := arg.(type) {
	case string:
		return a, nil
	case []any:
		if len(a) >= 1 {
			s, _ := a[0].(string)
			var vars map[string]any
			if len(a) == 2 {
				vars, _ = a[1].(map[string]any)
			}
			return s, vars
		}
	}
	return "", nil
}

var subVarPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// subNames lists the ${Name} placeholders of a Fn::Sub string, skipping the
// ${!Literal} escapes.
func subNames(s string) []string {
	var out []string
	for _, m := range subVarPattern.FindAllStringSubmatch(s, -1) {
		name := strings.TrimSpace(m[1])
		if name == "" || strings.HasPrefix(name, "!") {
			continue
		}
		out = append(out, name)
	}
	return out
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	for _, s := range in {
		seen[s] = true
	}
	return sortedKeys(seen)
}
