package resale

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/policy"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

func TestEnsureIsIdempotentAndRepairsADetachedPolicy(t *testing.T) {
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := iam.NewFromConfig(testaws.Config(srv.URL()))
	account := srv.Account().ID

	first, err := Ensure(ctx, c, account)
	if err != nil {
		t.Fatal(err)
	}
	if first.InPlace() || len(first.Steps) != 3 {
		t.Fatalf("first run: %+v", first.Steps)
	}
	for _, s := range first.Steps {
		if s.Action != "created" && s.Action != "attached" {
			t.Errorf("first run step %+v", s)
		}
	}
	second, err := Ensure(ctx, c, account)
	if err != nil {
		t.Fatal(err)
	}
	if !second.InPlace() {
		t.Fatalf("second run must report already in place: %+v", second.Steps)
	}
	// The role trusts exactly the guide's service principal.
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(policy.ResaleRoleName)})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := policy.ResaleAuthorizationTrust().JSON()
	if !same(aws.ToString(role.Role.AssumeRolePolicyDocument), want) {
		t.Errorf("trust %s", aws.ToString(role.Role.AssumeRolePolicyDocument))
	}
	// Drift: someone detached the policy; the next run repairs it.
	if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(policy.ResaleRoleName), PolicyArn: aws.String(first.PolicyARN)}); err != nil {
		t.Fatal(err)
	}
	third, err := Ensure(ctx, c, account)
	if err != nil {
		t.Fatal(err)
	}
	if third.InPlace() || third.Steps[2].Action != "attached" {
		t.Fatalf("repair: %+v", third.Steps)
	}
	if _, err := Ensure(ctx, c, "12345"); err == nil {
		t.Error("a bad account ID was accepted")
	}
}

func TestSameIgnoresEncodingAndListForm(t *testing.T) {
	want := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"]}]}`)
	if !same("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D", want) {
		t.Error("URL-encoded single-value form should equal the list form")
	}
	if same(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole"}]}`, want) {
		t.Error("a different effect compared equal")
	}
}
