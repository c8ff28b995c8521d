package sandbox

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// topics is a template of n SNS topics, padded with a comment to pad bytes
// when pad is larger.
func topics(n, pad int) string {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  T%d: {Type: AWS::SNS::Topic}\n", i)
	}
	if rest := pad - b.Len(); rest > 0 {
		b.WriteString("#" + strings.Repeat("x", rest-2) + "\n")
	}
	return b.String()
}

// billionLaughs is the 9-level alias bomb: 9^9 strings once expanded.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("Metadata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	b.WriteString("Resources:\n  T: {Type: AWS::SNS::Topic}\n")
	return b.String()
}

// TestTemplateLimits: every operation that takes a template refuses the
// ones past CloudFormation's quotas and the decoding bounds with
// ValidationError, and runs nothing; templates at the quotas are accepted.
func TestTemplateLimits(t *testing.T) {
	_, cfn, _ := startFast(t, "fresh")
	ctx := t.Context()
	existing := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("existing"), TemplateBody: aws.String(topics(1, 0))})
	if existing.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("setup stack: %s", existing.StackStatus)
	}
	deep := func(n int) string {
		return "Metadata: " + strings.Repeat("[", n) + "x" + strings.Repeat("]", n) + "\n" + topics(1, 0)
	}
	bomb := billionLaughs()
	if len(bomb) > 1024 {
		t.Fatalf("the bomb is %d bytes; it should be a small one", len(bomb))
	}
	ops := []struct {
		name string
		run  func(body string) error
	}{
		{"CreateStack", func(body string) error {
			_, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("limits"), TemplateBody: aws.String(body)})
			return err
		}},
		{"UpdateStack", func(body string) error {
			_, err := cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("existing"), TemplateBody: aws.String(body)})
			return err
		}},
		{"CreateChangeSet", func(body string) error {
			_, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("limits-cs"), ChangeSetName: aws.String("cs"),
				ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(body)})
			return err
		}},
		{"ValidateTemplate", func(body string) error {
			_, err := cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(body)})
			return err
		}},
		{"GetTemplateSummary", func(body string) error {
			_, err := cfn.GetTemplateSummary(ctx, &cloudformation.GetTemplateSummaryInput{TemplateBody: aws.String(body)})
			return err
		}},
	}
	refused := []struct {
		name string
		body string
		msg  string
	}{
		{"alias bomb", bomb, "Template format error: YAML not well-formed. (line 6, column 12): aliases expand the template by more than 10000 nodes"},
		{"51,201 bytes", topics(1, 51201), "Member must have length less than or equal to 51200"},
		{"501 resources", topics(501, 0), "Template format error: Number of resources, 501, is greater than maximum allowed, 500"},
		{"nested 101 deep", deep(101), "nests more than 100 levels deep"},
	}
	for _, op := range ops {
		for _, tc := range refused {
			t.Run(op.name+"/"+tc.name, func(t *testing.T) {
				err := op.run(tc.body)
				wantAPIError(t, op.name, err, "ValidationError", 400, tc.msg)
			})
		}
	}
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Stacks) != 1 || aws.ToString(out.Stacks[0].StackName) != "existing" || out.Stacks[0].StackStatus != cfntypes.StackStatusCreateComplete {
		t.Errorf("a refused template ran: stacks %+v", out.Stacks)
	}

	accepted := []struct{ name, body string }{
		{"51,200 bytes", topics(1, 51200)},
		{"500 resources", topics(500, 0)},
		{"nested 97 deep", deep(97)},
	}
	for _, tc := range accepted {
		t.Run("accepted/"+tc.name, func(t *testing.T) {
			if n := len(tc.body); tc.name == "51,200 bytes" && n != 51200 {
				t.Fatalf("the body is %d bytes", n)
			}
			if _, err := cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(tc.body)}); err != nil {
				t.Errorf("ValidateTemplate: %v", err)
			}
		})
	}
}
