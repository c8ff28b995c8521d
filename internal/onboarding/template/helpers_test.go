package template

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/cfntemplate"
)

// Long-form builders for expected values.
func ref(name string) map[string]any { return map[string]any{"Ref": name} }
func sub(s string) map[string]any    { return map[string]any{"Fn::Sub": s} }
func getAtt(res, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{res, attr}}
}
func list(v ...any) []any { return v }

func mustParseBody(t *testing.T) *cfntemplate.Template {
	t.Helper()
	tpl, err := cfntemplate.Parse(Body())
	if err != nil {
		t.Fatalf("Parse(Body()): %v", err)
	}
	return tpl
}

// get walks maps (string keys) and lists (int indexes).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// statementsOf returns the statements of a policy document, choosing branch
// (1 = true, 2 = false) when the Statement list is an Fn::If.
func statementsOf(doc any, branch int) []any {
	st := get(doc, "Statement")
	if name, arg, ok := cfntemplate.Intrinsic(st); ok && name == "Fn::If" {
		st = get(arg, branch)
	}
	if l, ok := st.([]any); ok {
		return l
	}
	if st != nil {
		return []any{st}
	}
	return nil
}

func findStatement(doc any, branch int, sid string) (map[string]any, bool) {
	for _, s := range statementsOf(doc, branch) {
		// A statement of its own under Fn::If (present only in one region):
		// its true branch.
		if name, arg, ok := cfntemplate.Intrinsic(s); ok && name == "Fn::If" {
			s = get(arg, 1)
		}
		m, _ := s.(map[string]any)
		if m["Sid"] == sid {
			return m, true
		}
	}
	return nil, false
}

// stringSet turns a string or list of strings into a sorted, lower-cased set.
func stringSet(v any) []string {
	var out []string
	if ss, ok := v.([]string); ok {
		for _, e := range ss {
			out = append(out, strings.ToLower(e))
		}
		sort.Strings(out)
		return out
	}
	for _, e := range asList(v) {
		out = append(out, strings.ToLower(fmt.Sprint(e)))
	}
	sort.Strings(out)
	return out
}

func sameStrings(a, b any) bool { return reflect.DeepEqual(stringSet(a), stringSet(b)) }

// sameValues compares lists of values ignoring order.
func sameValues(got, want any) bool {
	g, w := asList(got), asList(want)
	if len(g) != len(w) {
		return false
	}
	used := make([]bool, len(g))
outer:
	for _, wv := range w {
		for i, gv := range g {
			if !used[i] && reflect.DeepEqual(gv, wv) {
				used[i] = true
				continue outer
			}
		}
		return false
	}
	return true
}
