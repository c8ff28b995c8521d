package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sellerdesk/sellerdesk/internal/cfntemplate"
)

// This file is the seam between template text and the engine: decodeTemplate
// turns a JSON or YAML template (with CloudFormation's short-form tags such as
// !Ref and !GetAtt) into plain Go values — map[string]any, []any, string,
// numbers, bool and nil — plus the key order of the sections whose order
// matters to a reader. Everything else in the engine works on those values.
//
// The decoding itself is the app's general template parser
// (internal/cfntemplate), so the sandbox reads a template exactly as the
// app does. Where cfntemplate.Parse rejects a template's structure, the
// code below decodes it without those checks (YAML with
// cfntemplate.DecodeNode, JSON with encoding/json), so that the engine
// describes the problem in CloudFormation's own words ("Template format
// error: JSON not well-formed. (line 3, column 5)"), or accepts what
// CloudFormation accepts but the app's stricter parser does not.

// decodedTemplate is a template's text decoded into plain values.
type decodedTemplate struct {
	body   map[string]any
	format string              // "JSON" or "YAML"
	order  map[string][]string // section name → its keys in document order
}

// orderedSections are the top-level sections whose key order is recorded.
var orderedSections = []string{"Parameters", "Resources", "Outputs", "Conditions", "Mappings"}

// decodeTemplate decodes a template body. Errors carry CloudFormation's
// wording.
func decodeTemplate(text string) (*decodedTemplate, error) {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return nil, errors.New("Template format error: unsupported structure.")
	}
	format := "YAML"
	if strings.HasPrefix(trimmed, "{") {
		format = "JSON"
	}
	t, err := cfntemplate.Parse([]byte(text))
	if err == nil {
		return &decodedTemplate{body: t.Raw, format: format, order: map[string][]string{
			"Parameters": t.ParameterNames(), "Resources": t.ResourceIDs(), "Outputs": t.OutputNames(),
			"Conditions": t.ConditionNames(),
		}}, nil
	}
	// Past the decoding bounds (an alias bomb, absurd nesting) there is
	// nothing for the fallback decoders to try: they would expand it too.
	var limit *cfntemplate.LimitError
	if errors.As(err, &limit) {
		return nil, limitError(format, limit)
	}
	if format == "JSON" {
		return decodeJSONTemplate(text)
	}
	return decodeYAMLTemplate(text)
}

// limitError words a template past the decoding bounds as CloudFormation
// words a template its parser gives up on.
func limitError(format string, e *cfntemplate.LimitError) error {
	var why string
	switch e.Limit {
	case cfntemplate.LimitSize:
		return fmt.Errorf("Template format error: the template is larger than %d bytes", e.Max)
	case cfntemplate.LimitDepth:
		why = fmt.Sprintf("the template nests more than %d levels deep", e.Max)
	default:
		why = fmt.Sprintf("aliases expand the template by more than %d nodes", e.Max)
	}
	return fmt.Errorf("Template format error: %s not well-formed. (line %d, column %d): %s", format, e.Line, e.Column, why)
}

func decodeJSONTemplate(text string) (*decodedTemplate, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&v); err != nil {
		line, col := jsonErrorPosition(text, err)
		return nil, fmt.Errorf("Template format error: JSON not well-formed. (line %d, column %d)", line, col)
	}
	if _, err := dec.Token(); err == nil {
		line, col := offsetPosition(text, int(dec.InputOffset()))
		return nil, fmt.Errorf("Template format error: JSON not well-formed. (line %d, column %d)", line, col)
	}
	body, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("Template format error: unsupported structure.")
	}
	return &decodedTemplate{body: body, format: "JSON", order: jsonSectionOrder(text)}, nil
}

// jsonErrorPosition finds the line and column of a JSON decoding error.
func jsonErrorPosition(text string, err error) (line, col int) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return offsetPosition(text, int(se.Offset))
	case errors.As(err, &te):
		return offsetPosition(text, int(te.Offset))
	}
	return offsetPosition(text, len(text))
}

func offsetPosition(text string, off int) (line, col int) {
	if off > len(text) {
		off = len(text)
	}
	line, col = 1, 1
	for _, r := range text[:off] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// jsonSectionOrder records the key order of the ordered sections by walking
// the token stream (encoding/json's maps forget it).
func jsonSectionOrder(text string) map[string][]string {
	order := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(text))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return order
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return order
		}
		key, _ := t.(string)
		want := false
		for _, s := range orderedSections {
			want = want || s == key
		}
		if !want {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return order
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return order // not an object; validation will say so
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return order
			}
			k, _ := t.(string)
			order[key] = append(order[key], k)
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return order
			}
		}
		if _, err := dec.Token(); err != nil { // closing }
			return order
		}
	}
	return order
}

var yamlLinePattern = regexp.MustCompile(`line (\d+)`)

func decodeYAMLTemplate(text string) (*decodedTemplate, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		line := 1
		if m := yamlLinePattern.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return nil, fmt.Errorf("Template format error: YAML not well-formed. (line %d, column 1)", line)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("Template format error: unsupported structure.")
	}
	// Decoding copies aliases as cfntemplate.Parse does: the same bounds.
	var limit *cfntemplate.LimitError
	if err := cfntemplate.CheckBounds(&doc); errors.As(err, &limit) {
		return nil, limitError("YAML", limit)
	} else if err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("Template format error: unsupported structure.")
	}
	v, err := cfntemplate.DecodeNode(root)
	if err != nil {
		return nil, fmt.Errorf("Template format error: YAML not well-formed. (%w)", err)
	}
	return &decodedTemplate{body: v.(map[string]any), format: "YAML", order: cfntemplate.KeyOrder(root)}, nil
}

// scalarString renders a decoded scalar the way CloudFormation reads it as a
// string: numbers without exponent or trailing zeros, booleans as true/false.
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	case json.Number:
		return x.String()
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// compactJSON renders v as compact JSON without HTML escaping, the way policy
// documents written as template objects reach the services.
func compactJSON(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
