package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

func TestCreateStackValidation(t *testing.T) {
	const unnamedRole = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
`
	const paramTemplate = `Parameters:
  PartnerAccountId: {Type: String, AllowedPattern: '^\d{12}$'}
  ExternalId: {Type: String, MinLength: 2, MaxLength: 10}
  Tier: {Type: String, Default: basic, AllowedValues: [basic, premium]}
  Count: {Type: Number, Default: 3, MinValue: 1, MaxValue: 5}
  Described: {Type: String, Default: ok, AllowedPattern: '[a-z]+', ConstraintDescription: must be lower-case letters}
Resources:
  Topic: {Type: AWS::SNS::Topic}
`
	named, iamCap := []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}, []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}
	tests := []struct {
		name     string
		stack    string
		template string
		params   []cfntypes.Parameter
		caps     []cfntypes.Capability
		wantCode string // "" = accepted
		wantMsg  string // exact message
	}{
		{"named IAM without capability", "s1", engineTemplate, engineParams(), nil,
			"InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]"},
		{"named IAM with only CAPABILITY_IAM", "s1", engineTemplate, engineParams(), iamCap,
			"InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]"},
		{"unnamed IAM without capability", "s1", unnamedRole, nil, nil,
			"InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]"},
		{"unnamed IAM with CAPABILITY_IAM", "s1", unnamedRole, nil, iamCap, "", ""},
		{"unnamed IAM with CAPABILITY_NAMED_IAM", "s2", unnamedRole, nil, named, "", ""},
		{"pattern", "p1", paramTemplate, params("PartnerAccountId", "12345", "ExternalId", "abc"), nil,
			"ValidationError", `Parameter 'PartnerAccountId' must match pattern ^\d{12}$`},
		{"too short", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "a"), nil,
			"ValidationError", "Parameter 'ExternalId' must contain at least 2 characters"},
		{"too long", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abcdefghijk"), nil,
			"ValidationError", "Parameter 'ExternalId' must contain at most 10 characters"},
		{"missing", "p1", paramTemplate, params("ExternalId", "abc"), nil,
			"ValidationError", "Parameters: [PartnerAccountId] must have values"},
		{"all missing", "p1", paramTemplate, nil, nil,
			"ValidationError", "Parameters: [PartnerAccountId, ExternalId] must have values"},
		{"unknown", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abc", "Nope", "x"), nil,
			"ValidationError", "Parameters: [Nope] do not exist in the template"},
		{"allowed values", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abc", "Tier", "gold"), nil,
			"ValidationError", "Parameter 'Tier' must be one of AllowedValues"},
		{"number bound", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abc", "Count", "9"), nil,
			"ValidationError", "Parameter 'Count' must be a number not greater than 5"},
		{"not a number", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abc", "Count", "x"), nil,
			"ValidationError", "Parameter 'Count' must be a number"},
		{"constraint description", "p1", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abc", "Described", "ABC"), nil,
			"ValidationError", "Parameter 'Described' failed to satisfy constraint: must be lower-case letters"},
		{"valid parameters", "s3", paramTemplate, params("PartnerAccountId", "123456789012", "ExternalId", "abc"), nil, "", ""},
		{"stack name with underscore", "bad_name", unnamedRole, nil, iamCap, "ValidationError",
			"1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"},
		{"stack name starting with a digit", "1stack", unnamedRole, nil, iamCap, "ValidationError",
			"1 validation error detected: Value '1stack' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"},
		{"stack name too long", strings.Repeat("a", 129), unnamedRole, nil, iamCap, "ValidationError",
			"1 validation error detected: Value '" + strings.Repeat("a", 129) + "' at 'stackName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"already exists", "s1", unnamedRole, nil, iamCap, "AlreadyExistsException", "Stack [s1] already exists"},
		{"malformed JSON", "s4", `{"Resources": {`, nil, nil, "ValidationError", "Template format error: JSON not well-formed. (line 1, column 16)"},
		{"malformed YAML", "s4", "Resources:\n  A: [\n", nil, nil, "ValidationError", "Template format error: YAML not well-formed. (line 2, column 1)"},
		{"no resources", "s4", `{"Resources": {}}`, nil, nil, "ValidationError", "Template format error: At least one Resources member must be defined."},
		{"unresolved Ref", "s4", "Resources:\n  T: {Type: AWS::SNS::Topic, Properties: {DisplayName: !Ref Missing}}\n", nil, nil,
			"ValidationError", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template"},
		{"unresolved GetAtt", "s4", "Resources:\n  T: {Type: AWS::SNS::Topic, Properties: {DisplayName: !GetAtt Missing.Arn}}\n", nil, nil,
			"ValidationError", "Template error: instance of Fn::GetAtt references undefined resource Missing"},
		{"circular", "s4", "Resources:\n  A: {Type: AWS::SNS::Topic, DependsOn: B}\n  B: {Type: AWS::SNS::Topic, Properties: {DisplayName: !Ref A}}\n", nil, nil,
			"ValidationError", "Circular dependency between resources: [A, B]"},
		{"bad type", "s4", "Resources:\n  A: {Type: NotAType}\n", nil, nil, "ValidationError", "Template format error: Unrecognized resource types: [NotAType]"},
		{"unrecognized AWS types", "s4", "Resources:\n  A: {Type: AWS::SNS::Topics}\n  B: {Type: AWS::Foo::Bar}\n  C: {Type: AWS::SNS::Topic}\n", nil, nil,
			"ValidationError", "Template format error: Unrecognized resource types: [AWS::SNS::Topics, AWS::Foo::Bar]"},
		{"unknown GetAtt attribute", "s4", "Resources:\n  T: {Type: AWS::SNS::Topic}\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt T.Arn}}\n", nil, nil,
			"ValidationError", "Template error: resource T does not support attribute type Arn in Fn::GetAtt"},
		{"unknown attribute in an output", "s4", "Resources:\n  Q: {Type: AWS::SQS::Queue}\nOutputs:\n  O: {Value: !GetAtt [Q, Url]}\n", nil, nil,
			"ValidationError", "Template error: resource Q does not support attribute type Url in Fn::GetAtt"},
		{"unknown attribute in Fn::Sub", "s4", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n  T: {Type: AWS::SNS::Topic, Properties: {DisplayName: !Sub '${Q.Name}'}}\n", nil, nil,
			"ValidationError", "Template error: resource Q does not support attribute type Name in Fn::GetAtt"},
		{"known attributes and a custom resource's", "s5", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n  C: {Type: Custom::Thing, Properties: {ServiceToken: x}}\n" +
			"  T: {Type: AWS::SNS::Topic, Properties: {DisplayName: !Sub '${Q.QueueName}-${C.Anything}', TopicName: !GetAtt Q.QueueName}}\n", nil, nil, "", ""},
		{"unknown section", "s4", "Resources:\n  A: {Type: AWS::SNS::Topic}\nOutput: {}\n", nil, nil,
			"ValidationError", "Template format error: Invalid template property or properties [Output]"},
	}
	_, cfn, _ := startFast(t, "fresh")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String(tt.stack),
				TemplateBody: aws.String(tt.template), Parameters: tt.params, Capabilities: tt.caps})
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("CreateStack: %v", err)
				}
				return
			}
			if code, msg := apiErrorCode(err); code != tt.wantCode || msg != tt.wantMsg {
				t.Errorf("err = %v\nwant %s: %s", err, tt.wantCode, tt.wantMsg)
			}
		})
	}
}
