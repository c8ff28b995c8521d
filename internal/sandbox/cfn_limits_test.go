package sandbox

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// aliasBomb is the "billion laughs" in YAML: nine levels of nine aliases,
// 9^9 (387 million) strings from under 600 bytes.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("Resources:\n  T: {Type: AWS::SNS::Topic}\nMetadata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, strings.Repeat(p+", ", 8)+p)
	}
	return b.String()
}

func deepTemplate(depth int) string {
	return "Resources:\n  T: {Type: AWS::SNS::Topic}\nMetadata:\n  deep: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"
}

func manyResources(n int) string {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  T%d: {Type: AWS::SNS::Topic}\n", i)
	}
	return b.String()
}

// TestTemplateLimits: a template beyond CloudFormation's limits gets AWS's
// ValidationError from every operation that takes one, and an alias bomb is
// refused without being expanded.
func TestTemplateLimits(t *testing.T) {
	tests := []struct {
		name, body, wantMsg string
	}{
		{"alias bomb", aliasBomb(), "Template format error: line 4: the template expands to more than 200000 values (YAML aliases repeat what they name)"},
		{"nesting", deepTemplate(150), "Template format error: line 4: the template nests deeper than 100 levels"},
		{"501 resources", manyResources(501), "Template format error: Number of resources, 501, is greater than maximum allowed, 500"},
		{"body over 51,200 bytes", manyResources(1) + "Description: " + strings.Repeat("x", 51200) + "\n",
			"1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200"},
	}
	_, cfn, _ := startFast(t, "fresh")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String(fmt.Sprintf("limits%d", i)), TemplateBody: aws.String(tt.body)})
			if code, msg := apiErrorCode(err); code != "ValidationError" || msg != tt.wantMsg {
				t.Errorf("CreateStack: err = %v\nwant ValidationError: %s", err, tt.wantMsg)
			}
			_, err = cfn.ValidateTemplate(t.Context(), &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(tt.body)})
			if code, msg := apiErrorCode(err); code != "ValidationError" || msg != tt.wantMsg {
				t.Errorf("ValidateTemplate: err = %v\nwant ValidationError: %s", err, tt.wantMsg)
			}
		})
	}
	// Right at the limits is accepted.
	if _, err := cfn.ValidateTemplate(t.Context(), &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(manyResources(500))}); err != nil {
		t.Errorf("500 resources: %v", err)
	}
	if _, err := cfn.ValidateTemplate(t.Context(), &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(deepTemplate(90))}); err != nil {
		t.Errorf("nesting of 90: %v", err)
	}
}
