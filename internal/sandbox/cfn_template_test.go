package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

func TestTemplateOperations(t *testing.T) {
	const jsonTemplate = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "JSON round trip",
  "Metadata": {"Owner": "sellerdesk"},
  "Parameters": {
    "Name": {"Type": "String", "Default": "n", "Description": "a name"},
    "Secret": {"Type": "String", "NoEcho": true, "AllowedValues": ["a", "b"], "Default": "a"}
  },
  "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "Name"}}}}
}
`
	_, cfn, _ := startFast(t, "fresh")
	for _, tt := range []struct{ name, body string }{{"yaml", engineTemplate}, {"json", jsonTemplate}} {
		t.Run("GetTemplate "+tt.name, func(t *testing.T) {
			in := &cloudformation.CreateStackInput{StackName: aws.String("rt-" + tt.name), TemplateBody: aws.String(tt.body),
				Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}}
			if tt.name == "yaml" {
				in.Parameters = engineParams()
			}
			st := createStack(t, cfn, in)
			for _, name := range []string{"rt-" + tt.name, aws.ToString(st.StackId)} {
				out, err := cfn.GetTemplate(t.Context(), &cloudformation.GetTemplateInput{StackName: aws.String(name)})
				if err != nil {
					t.Fatal(err)
				}
				if aws.ToString(out.TemplateBody) != tt.body {
					t.Errorf("GetTemplate(%s) body differs:\n%s", name, aws.ToString(out.TemplateBody))
				}
				if !slices.Equal(out.StagesAvailable, []cfntypes.TemplateStage{cfntypes.TemplateStageOriginal, cfntypes.TemplateStageProcessed}) {
					t.Errorf("StagesAvailable = %v", out.StagesAvailable)
				}
			}
		})
	}
	_, err := cfn.GetTemplate(t.Context(), &cloudformation.GetTemplateInput{StackName: aws.String("nope")})
	if code, msg := apiErrorCode(err); code != "ValidationError" || msg != "Stack with id nope does not exist" {
		t.Errorf("GetTemplate(nope): %v", err)
	}

	sum, err := cfn.GetTemplateSummary(t.Context(), &cloudformation.GetTemplateSummaryInput{TemplateBody: aws.String(engineTemplate)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, p := range sum.Parameters {
		keys = append(keys, aws.ToString(p.ParameterKey))
		switch aws.ToString(p.ParameterKey) {
		case "ExternalId":
			if !aws.ToBool(p.NoEcho) || aws.ToString(p.ParameterType) != "String" {
				t.Errorf("ExternalId = %+v", p)
			}
		case "Environment":
			if aws.ToString(p.DefaultValue) != "test" || !slices.Equal(p.ParameterConstraints.AllowedValues, []string{"test", "prod"}) {
				t.Errorf("Environment = %+v", p)
			}
		}
	}
	if !slices.Equal(keys, []string{"PartnerAccountId", "ExternalId", "Environment", "ReportUrl"}) {
		t.Errorf("parameters in document order = %v", keys)
	}
	if !slices.Equal(sum.Capabilities, []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}) ||
		aws.ToString(sum.CapabilitiesReason) != "The following resource(s) require capabilities: [AWS::IAM::Policy, AWS::IAM::Role]" {
		t.Errorf("capabilities = %v %q", sum.Capabilities, aws.ToString(sum.CapabilitiesReason))
	}
	wantTypes := []string{"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::S3::Bucket", "AWS::S3::BucketPolicy",
		"AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SQS::QueuePolicy", "Custom::Report"}
	if !slices.Equal(sum.ResourceTypes, wantTypes) || aws.ToString(sum.Version) != "2010-09-09" || aws.ToString(sum.Description) != "SellerDesk sandbox engine test" {
		t.Errorf("summary = %v %q %q", sum.ResourceTypes, aws.ToString(sum.Version), aws.ToString(sum.Description))
	}
	found := false
	for _, r := range sum.ResourceIdentifierSummaries {
		if aws.ToString(r.ResourceType) == "AWS::SNS::Topic" {
			found = slices.Equal(r.LogicalResourceIds, []string{"Topic", "ProdOnlyTopic"}) && slices.Equal(r.ResourceIdentifiers, []string{"TopicArn"})
		}
	}
	if !found {
		t.Errorf("ResourceIdentifierSummaries = %+v", sum.ResourceIdentifierSummaries)
	}
	bySt, err := cfn.GetTemplateSummary(t.Context(), &cloudformation.GetTemplateSummaryInput{StackName: aws.String("rt-json")})
	if err != nil || aws.ToString(bySt.Description) != "JSON round trip" || !strings.Contains(aws.ToString(bySt.Metadata), `"Owner":"sellerdesk"`) {
		t.Errorf("GetTemplateSummary(stack) = %+v, %v", bySt, err)
	}

	val, err := cfn.ValidateTemplate(t.Context(), &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(jsonTemplate)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(val.Description) != "JSON round trip" || len(val.Parameters) != 2 || aws.ToString(val.Parameters[0].ParameterKey) != "Name" ||
		aws.ToString(val.Parameters[0].DefaultValue) != "n" || !aws.ToBool(val.Parameters[1].NoEcho) || len(val.Capabilities) != 0 {
		t.Errorf("ValidateTemplate = %+v", val)
	}
	_, err = cfn.ValidateTemplate(t.Context(), &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(`{"Resources": {"A": {"Type": "AWS::SNS::Topic", "DependsOn": "B"}}}`)})
	if code, msg := apiErrorCode(err); code != "ValidationError" || msg != "Template format error: Unresolved resource dependencies [B] in the Resources block of the template" {
		t.Errorf("ValidateTemplate(bad): %v", err)
	}
}

// TestIntrinsics evaluates intrinsic functions directly.
func TestIntrinsics(t *testing.T) {
	const tmpl = `Parameters:
  Env: {Type: String, Default: prod}
  Subnets: {Type: CommaDelimitedList, Default: "a, b,c"}
  Count: {Type: Number, Default: 3}
Mappings:
  Regions:
    us-east-1: {Short: use1}
Conditions:
  IsProd: !Equals [prod, !Ref Env]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Count, 3]]
  Any: !Or [!Condition IsDev, !Equals [x, y]]
Resources:
  Res: {Type: AWS::SNS::Topic}
`
	t1, err := parseTemplate(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	ev := &cfnEval{tmpl: t1, params: paramValues(t1, map[string]string{"Env": "prod", "Subnets": "a, b,c", "Count": "3"}),
		pseudo: map[string]any{"AWS::Region": "us-east-1", "AWS::AccountId": "111122223333", "AWS::StackName": "st"},
		resource: func(id string) (string, map[string]any, bool) {
			if id == "Res" {
				return "arn:res", map[string]any{"TopicName": "res-name"}, true
			}
			return "", nil, false
		},
		resourceType: func(id string) string {
			if id == "Res" {
				return "AWS::SNS::Topic"
			}
			return ""
		},
	}
	if err := ev.evalConditions(); err != nil {
		t.Fatal(err)
	}
	if !ev.conditions["IsProd"] || ev.conditions["IsDev"] || !ev.conditions["Both"] || ev.conditions["Any"] {
		t.Errorf("conditions = %v", ev.conditions)
	}
	tests := []struct {
		expr string // YAML
		want string // JSON of the result
	}{
		{`!Ref Env`, `"prod"`},
		{`!Ref Subnets`, `["a","b","c"]`},
		{`!Ref Res`, `"arn:res"`},
		{`!GetAtt Res.TopicName`, `"res-name"`},
		{`!GetAtt [Res, TopicName]`, `"res-name"`},
		{`!Sub "${AWS::StackName}-${Env}-${Res}-${Res.TopicName}-${!Literal}"`, `"st-prod-arn:res-res-name-${Literal}"`},
		{`!Sub ["${A}/${B}", {A: !Ref Env, B: x}]`, `"prod/x"`},
		{`!Join ["", [a, !Ref Env, 1]]`, `"aprod1"`},
		{`!Join [",", !Ref Subnets]`, `"a,b,c"`},
		{`!Select [2, !Ref Subnets]`, `"c"`},
		{`!Select ["0", !Split [":", "x:y"]]`, `"x"`},
		{`!If [IsProd, yes, no]`, `"yes"`},
		{`!If [IsDev, yes, !Ref "AWS::NoValue"]`, `{}`},
		{`{Keep: 1, Drop: !Ref "AWS::NoValue", List: [a, !Ref "AWS::NoValue", b]}`, `{"Keep":1,"List":["a","b"]}`},
		{`!FindInMap [Regions, !Ref "AWS::Region", Short]`, `"use1"`},
		{`!GetAZs ""`, `["us-east-1a","us-east-1b","us-east-1c","us-east-1d","us-east-1e","us-east-1f"]`},
		{`!Base64 hi`, `"aGk="`},
		{`!Equals [!Ref Count, "3"]`, `true`},
		{`!Length [a, b]`, `2`},
		{`{"Fn::ToJsonString": {b: 1, a: [x]}}`, `"{\"a\":[\"x\"],\"b\":1}"`},
		{"!Sub |\n  line ${Env}\n", `"line prod\n"`},
	}
	for _, tt := range tests {
		d, err := decodeTemplate("V: " + tt.expr + "\n")
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		v, err := ev.eval(d.body["V"])
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if _, nv := v.(noValue); nv {
			v = map[string]any{}
		}
		b, _ := json.Marshal(v)
		if string(b) != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, b, tt.want)
		}
	}
	for expr, wantErr := range map[string]string{
		`!GetAtt Res.Nope`:        "Template error: resource Res does not support attribute type Nope in Fn::GetAtt",
		`!Select [5, [a]]`:        "Template error: Fn::Select cannot select nonexistent value at index 5",
		`!ImportValue missing`:    "No export named missing found",
		`{"Fn::Cidr": [a, 1, 2]}`: "the SellerDesk sandbox does not support the intrinsic function Fn::Cidr",
	} {
		d, _ := decodeTemplate("V: " + expr + "\n")
		if _, err := ev.eval(d.body["V"]); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want %q", expr, err, wantErr)
		}
	}
}

func TestDescribeStackEventsPaging(t *testing.T) {
	old := cfnPageSize
	cfnPageSize = 4
	t.Cleanup(func() { cfnPageSize = old })
	_, cfn, _ := startFast(t, "fresh")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("paged"), TemplateBody: aws.String(engineTemplate),
		Parameters: engineParams(), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}})
	first, err := cfn.DescribeStackEvents(t.Context(), &cloudformation.DescribeStackEventsInput{StackName: st.StackId})
	if err != nil || len(first.StackEvents) != 4 || first.NextToken == nil {
		t.Fatalf("first page = %d events, token %v, %v", len(first.StackEvents), first.NextToken, err)
	}
	events := allEvents(t, cfn, "paged")
	if len(events) != 31 {
		t.Errorf("paged through %d events, want 31", len(events))
	}
	seen := map[string]bool{}
	for _, e := range events {
		if seen[aws.ToString(e.EventId)] {
			t.Errorf("event %s returned twice", aws.ToString(e.EventId))
		}
		seen[aws.ToString(e.EventId)] = true
	}
	pages := 0
	pg := cloudformation.NewListStackResourcesPaginator(cfn, &cloudformation.ListStackResourcesInput{StackName: aws.String("paged")})
	n := 0
	for pg.HasMorePages() {
		out, err := pg.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		n += len(out.StackResourceSummaries)
	}
	if n != 10 || pages != 3 {
		t.Errorf("ListStackResources: %d resources in %d pages", n, pages)
	}
}
