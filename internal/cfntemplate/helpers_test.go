package cfntemplate

// Long-form builders for expected values.
func ref(name string) map[string]any { return map[string]any{"Ref": name} }
func sub(s string) map[string]any    { return map[string]any{"Fn::Sub": s} }
func getAtt(res, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{res, attr}}
}
func list(v ...any) []any { return v }
