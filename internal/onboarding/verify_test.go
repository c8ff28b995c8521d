package onboarding

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// launchConnected launches the onboarding stack on the sandbox at endpoint
// and follows it to Connected.
func launchConnected(t *testing.T, endpoint, name string, p template.Parameters) StackRecord {
	t.Helper()
	cfn, iamc := quickClients(endpoint)
	rec, err := Launch(t.Context(), cfn, "test", name, p)
	if err != nil {
		t.Fatal(err)
	}
	rec, err = (&Watcher{CFN: cfn, IAM: iamc, Polling: fastPolling}).Watch(t.Context(), rec)
	if err != nil || rec.Phase != PhaseConnected {
		t.Fatalf("launching %s: %v, %s %+v", name, err, rec.Phase, rec.Failure)
	}
	return rec
}

// TestVerifyTellsCouldNotReadFromDiffers: a role check fails only on IAM's
// answer. A GetRolePolicy (or GetRole) answer cut short, a 503 or a drop on
// every attempt leaves the role unchecked — "test again" — never "not as
// the template defines it"; one cut short once is retried and passes; a
// policy really missing is the verdict.
func TestVerifyTellsCouldNotReadFromDiffers(t *testing.T) {
	quickReadRetries(t)
	sandboxURL := startSandbox(t, 1000)
	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-verify-external-id"}
	rec := launchConnected(t, sandboxURL, "Verify", p)

	const unverified, verdict = "unverified", "verdict"
	tests := []struct {
		name       string
		faults     testaws.Faults
		breakRole  bool // delete the role's inline access policy first
		wantPhase  Phase
		wantKind   string // unverified, verdict, or "" when Connected
		wantFailed string // the first check that did not pass
	}{
		{"GetRolePolicy cut short on every attempt", testaws.Faults{Truncate: 1, Match: action("GetRolePolicy", 0)},
			false, PhaseError, unverified, "Role can read its own policies"},
		{"GetRole cut short on every attempt", testaws.Faults{Truncate: 1, Match: action("GetRole", 0)},
			false, PhaseError, unverified, "Partner role exists"},
		{"GetRole 503 on every attempt", testaws.Faults{ServerError: 1, Match: action("GetRole", 0)},
			false, PhaseError, unverified, "Partner role exists"},
		{"ListRolePolicies dropped on every attempt", testaws.Faults{Drop: 1, Match: action("ListRolePolicies", 0)},
			false, PhaseError, unverified, "Role policies attached"},
		{"GetRolePolicy cut short once: retried", testaws.Faults{Truncate: 1, Match: action("GetRolePolicy", 1)},
			false, PhaseConnected, "", ""},
		{"GetRole answer lost once: retried", testaws.Faults{LoseResponse: 1, Match: action("GetRole", 1)},
			false, PhaseConnected, "", ""},
		{"the access policy really missing", testaws.Faults{}, true, PhaseError, verdict, "Role policies attached"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.breakRole {
				_, direct := quickClients(sandboxURL)
				if _, err := direct.DeleteRolePolicy(t.Context(), &iam.DeleteRolePolicyInput{RoleName: aws.String(template.DefaultPartnerRoleName),
					PolicyName: aws.String("PartnerRolePolicyAccess")}); err != nil {
					t.Fatal(err)
				}
			}
			proxy := testaws.StartFaultProxy(t, sandboxURL, tc.faults)
			_, iamc := quickClients(proxy.URL)
			got := Reverify(t.Context(), iamc, rec)
			if got.Phase != tc.wantPhase {
				t.Fatalf("phase %s, want %s; failure %+v; checks %+v; proxy %s", got.Phase, tc.wantPhase, got.Failure, got.Checks, proxy.Counts())
			}
			if tc.wantPhase == PhaseConnected {
				if got.Failure != nil {
					t.Errorf("connected with a failure: %+v", got.Failure)
				}
				return
			}
			if got.Failure == nil || got.Failure.Unverified != (tc.wantKind == unverified) {
				t.Fatalf("failure %+v, want %s", got.Failure, tc.wantKind)
			}
			said := strings.Contains(got.Failure.Plain, "not as the template defines it")
			if said != (tc.wantKind == verdict) {
				t.Errorf("verdict on the role = %v, want %v: %s", said, tc.wantKind == verdict, got.Failure.Plain)
			}
			var bad *Check
			for i := range got.Checks {
				if !got.Checks[i].OK {
					bad = &got.Checks[i]
					break
				}
			}
			if bad == nil || bad.Name != tc.wantFailed || bad.Unknown != (tc.wantKind == unverified) {
				t.Errorf("first check not passed = %+v, want %q (unchecked %v)", bad, tc.wantFailed, tc.wantKind == unverified)
			}
		})
	}
}
