package cfntemplate

import (
	"reflect"
	"strings"
	"testing"
)

func TestDecodeShortForms(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want any
	}{
		{"Ref", `!Ref MyBucket`, ref("MyBucket")},
		{"Ref pseudo", `!Ref AWS::NoValue`, ref("AWS::NoValue")},
		{"Ref number stays text", `!Ref 123`, ref("123")},
		{"Sub string", `!Sub "arn:${AWS::Partition}:s3:::${B}/*"`, sub("arn:${AWS::Partition}:s3:::${B}/*")},
		{"Sub block", "!Sub |\n  line ${X}\n", sub("line ${X}\n")},
		{"Sub with vars", `!Sub ["${A}-x", {A: !Ref B}]`, map[string]any{"Fn::Sub": list("${A}-x", map[string]any{"A": ref("B")})}},
		{"GetAtt dotted", `!GetAtt Role.Arn`, getAtt("Role", "Arn")},
		{"GetAtt nested attribute", `!GetAtt Db.Endpoint.Address`, getAtt("Db", "Endpoint.Address")},
		{"GetAtt list", `!GetAtt [Role, Arn]`, getAtt("Role", "Arn")},
		{"If", `!If [C, !Ref A, !Ref AWS::NoValue]`, map[string]any{"Fn::If": list("C", ref("A"), ref("AWS::NoValue"))}},
		{"Join", `!Join ["", [a, !Ref B]]`, map[string]any{"Fn::Join": list("", list("a", ref("B")))}},
		{"Equals", `!Equals [!Ref P, "true"]`, map[string]any{"Fn::Equals": list(ref("P"), "true")}},
		{"Not Equals", `!Not [!Equals [!Ref P, ""]]`, map[string]any{"Fn::Not": list(map[string]any{"Fn::Equals": list(ref("P"), "")})}},
		{"And Or Condition", `!And [!Condition A, !Or [!Condition B, !Condition C]]`, map[string]any{"Fn::And": list(
			map[string]any{"Condition": "A"}, map[string]any{"Fn::Or": list(map[string]any{"Condition": "B"}, map[string]any{"Condition": "C"})})}},
		{"Select GetAZs", `!Select [0, !GetAZs ""]`, map[string]any{"Fn::Select": list(int64(0), map[string]any{"Fn::GetAZs": ""})}},
		{"Split", `!Split [",", !Ref L]`, map[string]any{"Fn::Split": list(",", ref("L"))}},
		{"FindInMap", `!FindInMap [M, !Ref AWS::Region, K]`, map[string]any{"Fn::FindInMap": list("M", ref("AWS::Region"), "K")}},
		{"Base64 of Sub", `!Base64 {"Fn::Sub": "x${Y}"}`, map[string]any{"Fn::Base64": sub("x${Y}")}},
		{"ImportValue", `!ImportValue shared-vpc`, map[string]any{"Fn::ImportValue": "shared-vpc"}},
		{"Cidr", `!Cidr [!Ref Block, 6, 5]`, map[string]any{"Fn::Cidr": list(ref("Block"), int64(6), int64(5))}},
		{"Transform mapping", `!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}`, map[string]any{"Fn::Transform": map[string]any{
			"Name": "AWS::Include", "Parameters": map[string]any{"Location": "s3://b/k"}}}},
		{"long form untouched", `{"Fn::GetAtt": ["R", "Arn"]}`, getAtt("R", "Arn")},
		{"nested in mapping", "Role: !GetAtt R.Arn\nName: !Ref N\n", map[string]any{"Role": getAtt("R", "Arn"), "Name": ref("N")}},
		// plain scalars
		{"bool", `true`, true},
		{"int", `42`, int64(42)},
		{"float", `1.5`, 1.5},
		{"quoted number", `"42"`, "42"},
		{"leading zero stays text", `012345678901`, "012345678901"},
		{"date stays text", `2010-09-09`, "2010-09-09"},
		{"null", `~`, nil},
		{"anchor and alias", "a: &x {k: !Ref V}\nb: *x\n", map[string]any{"a": map[string]any{"k": ref("V")}, "b": map[string]any{"k": ref("V")}}},
		{"merge key", "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", map[string]any{
			"base": map[string]any{"x": int64(1), "y": int64(2)}, "c": map[string]any{"x": int64(1), "y": int64(3)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeYAML([]byte(tc.yaml))
			if err != nil {
				t.Fatalf("DecodeYAML: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, yaml, msg string }{
		{"unknown tag", `!Bogus x`, "unknown tag !Bogus"},
		{"GetAtt without dot", `!GetAtt Role`, "Resource.Attribute"},
		{"duplicate key", "a: 1\na: 2\n", "duplicate key"},
		{"bad yaml", "a: [1, 2", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeYAML([]byte(tc.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
		})
	}
}

func TestIntrinsic(t *testing.T) {
	tests := []struct {
		v    any
		name string
		ok   bool
	}{
		{ref("X"), "Ref", true},
		{map[string]any{"Condition": "C"}, "Condition", true},
		{sub("x"), "Fn::Sub", true},
		{map[string]any{"Fn::Sub": "x", "Other": 1}, "", false},
		{map[string]any{"Key": "v"}, "", false},
		{"Ref", "", false},
		{nil, "", false},
	}
	for _, tc := range tests {
		name, _, ok := Intrinsic(tc.v)
		if name != tc.name || ok != tc.ok {
			t.Errorf("Intrinsic(%v) = %q, %v; want %q, %v", tc.v, name, ok, tc.name, tc.ok)
		}
	}
}

const genericYAML = `
AWSTemplateFormatVersion: 2010-09-09
Description: generic
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Size:
    Type: Number
    MinValue: 1
    MaxValue: "10"
  Secret:
    Type: String
    NoEcho: "true"
    MinLength: "4"
Mappings:
  M: {dev: {x: 1}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Zeta:
    Type: AWS::SNS::Topic
  Alpha:
    Type: AWS::SQS::Queue
    Condition: IsProd
    DependsOn: Zeta
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: !If [IsProd, Retain, Delete]
    Metadata: {Note: hi}
    Properties:
      QueueName: !Sub "${AWS::StackName}-q"
  Mid:
    Type: Custom::Thing
    DependsOn: [Zeta, Alpha]
    Properties: {ServiceToken: !GetAtt Fn.Arn}
Outputs:
  Out:
    Value: !Ref Zeta
    Export: {Name: !Sub "${AWS::StackName}-out"}
    Condition: IsProd
`

func TestParseGenericTemplate(t *testing.T) {
	tpl, err := Parse([]byte(genericYAML))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.FormatVersion != "2010-09-09" || tpl.Description != "generic" || tpl.Transform != "AWS::Serverless-2016-10-31" {
		t.Errorf("header = %q %q %v", tpl.FormatVersion, tpl.Description, tpl.Transform)
	}
	if got := tpl.ResourceIDs(); !reflect.DeepEqual(got, []string{"Zeta", "Alpha", "Mid"}) {
		t.Errorf("ResourceIDs = %v (template order expected)", got)
	}
	if got := tpl.ParameterNames(); !reflect.DeepEqual(got, []string{"Env", "Size", "Secret"}) {
		t.Errorf("ParameterNames = %v", got)
	}
	env, size, secret := tpl.Parameters["Env"], tpl.Parameters["Size"], tpl.Parameters["Secret"]
	if !env.HasDefault || env.Default != "dev" || !reflect.DeepEqual(env.AllowedValues, []any{"dev", "prod"}) {
		t.Errorf("Env = %+v", env)
	}
	if *size.MinValue != 1 || *size.MaxValue != 10 || size.HasDefault {
		t.Errorf("Size = %+v", size)
	}
	if !secret.NoEcho || *secret.MinLength != 4 {
		t.Errorf("Secret = %+v", secret)
	}
	a := tpl.Resources["Alpha"]
	if a.Type != "AWS::SQS::Queue" || a.Condition != "IsProd" || !reflect.DeepEqual(a.DependsOn, []string{"Zeta"}) ||
		a.DeletionPolicy != "Snapshot" || a.UpdateReplacePolicy != "" || a.Metadata["Note"] != "hi" {
		t.Errorf("Alpha = %+v", a)
	}
	if a.Raw["UpdateReplacePolicy"] == nil {
		t.Error("an intrinsic UpdateReplacePolicy must stay in Raw")
	}
	if !reflect.DeepEqual(a.Properties["QueueName"], sub("${AWS::StackName}-q")) {
		t.Errorf("QueueName = %v", a.Properties["QueueName"])
	}
	if z := tpl.Resources["Zeta"]; z.Properties == nil || len(z.Properties) != 0 {
		t.Errorf("Zeta.Properties = %#v, want empty map", z.Properties)
	}
	if got := tpl.Resources["Mid"].DependsOn; !reflect.DeepEqual(got, []string{"Zeta", "Alpha"}) {
		t.Errorf("Mid.DependsOn = %v", got)
	}
	o := tpl.Outputs["Out"]
	if !reflect.DeepEqual(o.Value, ref("Zeta")) || o.Condition != "IsProd" || o.Export == nil {
		t.Errorf("Out = %+v", o)
	}
	if !reflect.DeepEqual(tpl.Conditions["IsProd"], map[string]any{"Fn::Equals": list(ref("Env"), "prod")}) {
		t.Errorf("IsProd = %v", tpl.Conditions["IsProd"])
	}
}

func TestParseJSONTemplate(t *testing.T) {
	body := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}},
    "P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Q"}],
      "PolicyDocument": {"Statement": [{"Effect": "Allow", "Resource": {"Fn::GetAtt": ["Q", "Arn"]}}]}}}
  }
}`
	tpl, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := tpl.Resources["Q"].Properties["DelaySeconds"]; got != int64(5) {
		t.Errorf("DelaySeconds = %#v", got)
	}
	doc, _ := tpl.Resources["P"].Properties["PolicyDocument"].(map[string]any)
	stmts, _ := doc["Statement"].([]any)
	var got any
	if len(stmts) > 0 {
		got = stmts[0].(map[string]any)["Resource"]
	}
	if !reflect.DeepEqual(got, getAtt("Q", "Arn")) {
		t.Errorf("Resource = %v", got)
	}
	if got := tpl.ResourceIDs(); !reflect.DeepEqual(got, []string{"Q", "P"}) {
		t.Errorf("ResourceIDs = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, body, msg string }{
		{"empty", "", "empty"},
		{"not a mapping", "- a\n- b\n", "mapping"},
		{"no resources", "Description: x\n", "no Resources"},
		{"empty resources", "Resources: {}\n", "empty"},
		{"unknown section", "Resources: {A: {Type: X}}\nResource: {}\n", `unknown top-level section "Resource"`},
		{"resource without type", "Resources: {A: {Properties: {}}}\n", "resource A has no Type"},
		{"unknown attribute", "Resources: {A: {Type: X, Propertes: {}}}\n", `unknown attribute "Propertes"`},
		{"bad depends on", "Resources: {A: {Type: X, DependsOn: {B: 1}}}\n", "DependsOn"},
		{"properties not a map", "Resources: {A: {Type: X, Properties: [1]}}\n", "Properties must be a mapping"},
		{"parameter without type", "Parameters: {P: {Default: x}}\nResources: {A: {Type: X}}\n", "parameter P has no Type"},
		{"output without value", "Resources: {A: {Type: X}}\nOutputs: {O: {Description: d}}\n", "output O has no Value"},
		{"unknown tag", "Resources: {A: {Type: X, Properties: {P: !Reff B}}}\n", "unknown tag !Reff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.body))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
		})
	}
}
