package sandbox

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

func TestKMSOperations(t *testing.T) {
	c := startClients(t, "connected")
	out := c.outputs(t)
	ctx := t.Context()
	keyARN := out["SddsKeyArn"]
	keyID := keyARN[strings.LastIndex(keyARN, "/")+1:]
	alias := "alias/sellerdesk-" + OnboardingStackName + "-sdds"
	describe := func(ref string) func() (any, error) {
		return func() (any, error) { return c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)}) }
	}
	checkKey := func(t *testing.T, res any) {
		md := res.(*kms.DescribeKeyOutput).KeyMetadata
		if aws.ToString(md.Arn) != keyARN || aws.ToString(md.KeyId) != keyID || md.KeyState != kmstypes.KeyStateEnabled ||
			md.KeyManager != kmstypes.KeyManagerTypeCustomer || !md.Enabled || aws.ToString(md.AWSAccountId) != "111122223333" ||
			md.KeySpec != kmstypes.KeySpecSymmetricDefault || md.KeyUsage != kmstypes.KeyUsageTypeEncryptDecrypt ||
			md.Origin != kmstypes.OriginTypeAwsKms || md.CreationDate == nil || len(md.EncryptionAlgorithms) != 1 {
			t.Errorf("KeyMetadata = %+v", md)
		}
	}
	tests := []struct {
		name   string
		call   func() (any, error)
		check  func(t *testing.T, res any)
		code   string
		status int
		msg    string
	}{
		{name: "DescribeKey by ARN", call: describe(keyARN), check: checkKey},
		{name: "DescribeKey by ID", call: describe(keyID), check: checkKey},
		{name: "DescribeKey by alias", call: describe(alias), check: checkKey},
		{name: "DescribeKey by alias ARN", call: describe("arn:aws:kms:us-east-1:111122223333:" + alias), check: checkKey},
		{name: "DescribeKey missing", call: describe("00000000-0000-4000-8000-000000000000"), code: "NotFoundException", status: 400,
			msg: "Key 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000' does not exist"},
		{name: "DescribeKey missing alias", call: describe("alias/nope"), code: "NotFoundException", status: 400,
			msg: "Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found."},
		{name: "DescribeKey malformed", call: describe("nope"), code: "NotFoundException", status: 400, msg: "Invalid keyId 'nope'"},
		{name: "GetKeyPolicy", call: func() (any, error) { return c.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN)}) },
			check: func(t *testing.T, res any) {
				o := res.(*kms.GetKeyPolicyOutput)
				if aws.ToString(o.PolicyName) != "default" || !policyAllows(aws.ToString(o.Policy), iampolicy.Request{Service: "reports.marketplace.amazonaws.com",
					Action: "kms:GenerateDataKey", Resource: keyARN, Context: map[string]string{"aws:SourceAccount": "111122223333", "aws:SourceArn": sddsSourceARN}}) {
					t.Errorf("GetKeyPolicy = %s %s", aws.ToString(o.PolicyName), aws.ToString(o.Policy))
				}
			}},
		{name: "GetKeyPolicy other name", call: func() (any, error) {
			return c.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("custom")})
		}, code: "NotFoundException", status: 400, msg: "custom"},
		{name: "GetKeyPolicy missing", call: func() (any, error) {
			return c.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("alias/nope")})
		}, code: "NotFoundException", status: 400, msg: "is not found"},
		{name: "ListKeys", call: func() (any, error) { return c.kms.ListKeys(ctx, &kms.ListKeysInput{}) },
			check: func(t *testing.T, res any) {
				o := res.(*kms.ListKeysOutput)
				if len(o.Keys) != 1 || aws.ToString(o.Keys[0].KeyArn) != keyARN || aws.ToString(o.Keys[0].KeyId) != keyID || o.Truncated {
					t.Errorf("ListKeys = %+v", o)
				}
			}},
		{name: "ListKeys bad limit", call: func() (any, error) { return c.kms.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(1001)}) },
			code: "ValidationException", status: 400, msg: "limit"},
		{name: "ListKeys bad marker", call: func() (any, error) { return c.kms.ListKeys(ctx, &kms.ListKeysInput{Marker: aws.String("x")}) },
			code: "InvalidMarkerException", status: 400},
		{name: "ListAliases", call: func() (any, error) { return c.kms.ListAliases(ctx, &kms.ListAliasesInput{}) },
			check: func(t *testing.T, res any) {
				o := res.(*kms.ListAliasesOutput)
				if len(o.Aliases) != 1 || aws.ToString(o.Aliases[0].AliasName) != alias || aws.ToString(o.Aliases[0].TargetKeyId) != keyID ||
					aws.ToString(o.Aliases[0].AliasArn) != "arn:aws:kms:us-east-1:111122223333:"+alias {
					t.Errorf("ListAliases = %+v", o.Aliases)
				}
			}},
		{name: "ListAliases for key", call: func() (any, error) { return c.kms.ListAliases(ctx, &kms.ListAliasesInput{KeyId: aws.String(keyARN)}) },
			check: func(t *testing.T, res any) {
				if n := len(res.(*kms.ListAliasesOutput).Aliases); n != 1 {
					t.Errorf("%d aliases", n)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.call()
			if tt.code != "" {
				wantAPIError(t, tt.name, err, tt.code, tt.status, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
	_, err := c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/nope")})
	var nf *kmstypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("DescribeKey(missing) = %T, want *types.NotFoundException", err)
	}
}
