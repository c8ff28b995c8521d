package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// waitDrift waits until no drift detection is under way and returns the view.
func waitDrift(t *testing.T, o *Onboarding) StackView {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if v := o.State(); !v.Drift.Checking {
			return v
		}
	}
	t.Fatalf("drift detection never ended: %+v", o.State().Drift)
	return StackView{}
}

// The role's trust policy changed outside CloudFormation shows as drift on
// the Role tile's record; Update (RestoreDrift) writes it back and the
// stack is in sync again.
func TestDriftCheckAndUpdate(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Onboarding.polling = testPolling
	svc.Start(context.Background(), nil)
	if st := svc.Session.UseSandbox("fresh"); st.Error != nil {
		t.Fatal(st.Error)
	}
	if _, err := svc.Onboarding.CheckDrift(); err == nil {
		t.Error("CheckDrift without a stack was accepted")
	}
	form := LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "123456789012", ExternalID: "ext-drift", Acknowledged: true}
	if _, err := svc.Onboarding.Launch(form); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, svc.Onboarding, onboarding.PhaseConnected, 60*time.Second)
	if _, err := svc.Onboarding.CheckDrift(); err != nil {
		t.Fatal(err)
	}
	v := waitDrift(t, svc.Onboarding)
	if v.Drift.Error != nil || v.Record.Drift == nil || v.Record.Drift.Drifted() {
		t.Fatalf("fresh stack: %+v %+v", v.Drift, v.Record.Drift)
	}

	c := iam.NewFromConfig(testaws.Config(svc.Manager.Sandbox().URL()))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-drift"}}}]}`
	if _, err := c.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(v.Record.Outputs["PartnerRoleName"]), PolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Onboarding.CheckDrift(); err != nil {
		t.Fatal(err)
	}
	v = waitDrift(t, svc.Onboarding)
	if d := v.Record.Drift; d == nil || !d.Drifted() || !strings.Contains(strings.Join(d.Lines(), "\n"),
		"PartnerRole: the trust policy's principal changed from arn:aws:iam::123456789012:root to arn:aws:iam::444455556666:root") {
		t.Fatalf("after the change: %+v", d)
	}
	if _, err := svc.Onboarding.RestoreDrift(); err != nil {
		t.Fatal(err)
	}
	v = waitDrift(t, svc.Onboarding)
	if v.Drift.Error != nil || v.Drift.Restore == nil || len(v.Drift.Restore.Restored) != 1 || v.Record.Drift == nil || v.Record.Drift.Drifted() {
		t.Fatalf("after Update: %+v, record drift %+v", v.Drift, v.Record.Drift)
	}
	role, err := c.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(v.Record.Outputs["PartnerRoleName"])})
	if err != nil || !strings.Contains(aws.ToString(role.Role.AssumeRolePolicyDocument), "123456789012") {
		t.Errorf("role after Update: %v %v", role, err)
	}
}
