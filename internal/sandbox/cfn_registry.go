package sandbox

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// The CloudFormation type registry the sandbox checks templates against: every
// public AWS resource type and the attributes its Fn::GetAtt accepts
// (data/cfn_types.txt, from the resource schemas cfn-lint carries; see
// scripts/cfn-types.py). A type outside it is "Unrecognized" at CreateStack,
// as on AWS; a type in it that the sandbox does not implement is accepted
// and fails when its resource is created, saying so.

//go:embed data/cfn_types.txt
var cfnTypesText string

var cfnRegistry = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(cfnTypesText, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		out[f[0]] = f[1:]
	}
	return out
})

// recognizedType reports whether CloudFormation knows typ.
func recognizedType(typ string) bool {
	if isCustomType(typ) {
		return true
	}
	_, ok := cfnRegistry()[typ]
	return ok
}

// supportsAttribute reports whether Fn::GetAtt accepts attr on a resource of
// typ (custom resources return whatever their function sends back).
func supportsAttribute(typ, attr string) bool {
	if isCustomType(typ) {
		return true
	}
	attrs, ok := cfnRegistry()[typ]
	return !ok || slices.Contains(attrs, attr) || slices.Contains(attrs, ".*")
}
