package sandbox

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestAssumeRole(t *testing.T) {
	const roleARN = "arn:aws:iam::111122223333:role/MarketplaceCatalogAdmins"
	tests := []struct {
		name        string
		in          sts.AssumeRoleInput
		wantCode    string // "" = success
		wantMessage string
		wantARN     string
		wantExpiry  time.Duration
	}{
		{
			name:       "no MFA",
			in:         sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("sellerdesk")},
			wantARN:    "arn:aws:sts::111122223333:assumed-role/MarketplaceCatalogAdmins/sellerdesk",
			wantExpiry: time.Hour,
		},
		{
			name: "valid MFA code",
			in: sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("mfa-session"),
				SerialNumber: aws.String("arn:aws:iam::111122223333:mfa/sandbox-seller"), TokenCode: aws.String("123456")},
			wantARN:    "arn:aws:sts::111122223333:assumed-role/MarketplaceCatalogAdmins/mfa-session",
			wantExpiry: time.Hour,
		},
		{
			name: "cross-account role with path and duration",
			in: sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999988887777:role/ops/Deployer"),
				RoleSessionName: aws.String("deploy"), DurationSeconds: aws.Int32(900)},
			wantARN:    "arn:aws:sts::999988887777:assumed-role/Deployer/deploy",
			wantExpiry: 15 * time.Minute,
		},
		{
			name: "MFA code with letters",
			in: sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("mfa-session"),
				SerialNumber: aws.String("arn:aws:iam::111122223333:mfa/sandbox-seller"), TokenCode: aws.String("12ab56")},
			wantCode:    "AccessDenied",
			wantMessage: "MultiFactorAuthentication failed with invalid MFA one time pass code",
		},
		{
			name: "MFA serial without code",
			in: sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("mfa-session"),
				SerialNumber: aws.String("arn:aws:iam::111122223333:mfa/sandbox-seller")},
			wantCode:    "AccessDenied",
			wantMessage: "MultiFactorAuthentication failed with invalid MFA one time pass code",
		},
		{
			name:        "not a role ARN",
			in:          sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:user/bob"), RoleSessionName: aws.String("s1")},
			wantCode:    "ValidationError",
			wantMessage: "'roleArn'",
		},
		{
			name:        "bad duration",
			in:          sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(60)},
			wantCode:    "ValidationError",
			wantMessage: "'durationSeconds'",
		},
	}
	srv, _ := startSandbox(t, "fresh")
	client := sts.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			out, err := client.AssumeRole(t.Context(), &tt.in)
			if tt.wantCode != "" {
				code, msg := apiErrorCode(err)
				if code != tt.wantCode || !strings.Contains(msg, tt.wantMessage) {
					t.Fatalf("err = %v; want %s containing %q", err, tt.wantCode, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("AssumeRole: %v", err)
			}
			c := out.Credentials
			if !regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`).MatchString(*c.AccessKeyId) || len(*c.SecretAccessKey) != 40 || *c.SessionToken == "" {
				t.Errorf("credentials look wrong: %q %q %q", *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
			}
			if d := c.Expiration.Sub(before); d < tt.wantExpiry-time.Minute || d > tt.wantExpiry+time.Minute {
				t.Errorf("expiration %v is %v ahead, want about %v", c.Expiration, d, tt.wantExpiry)
			}
			if got := *out.AssumedRoleUser.Arn; got != tt.wantARN {
				t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, tt.wantARN)
			}
			if got := *out.AssumedRoleUser.AssumedRoleId; !regexp.MustCompile(`^AROA[A-Z2-7]{17}:` + *tt.in.RoleSessionName + `$`).MatchString(got) {
				t.Errorf("AssumedRoleId = %q", got)
			}

			// The temporary credentials now identify as the assumed role.
			roleClient := sts.NewFromConfig(sdkConfig(t, srv, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
			who, err := roleClient.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity with role credentials: %v", err)
			}
			if *who.Arn != tt.wantARN || *who.UserId != *out.AssumedRoleUser.AssumedRoleId {
				t.Errorf("role identity = %s / %s, want %s", *who.Arn, *who.UserId, tt.wantARN)
			}
		})
	}
}

// TestProfileChain runs the SDK's own assume-role credential provider (what a
// "role_arn + source_profile + mfa_serial" profile uses) against the sandbox.
func TestProfileChain(t *testing.T) {
	tests := []struct {
		name     string
		mfaCode  string // "" = no MFA device
		wantCode string
	}{
		{"plain role", "", ""},
		{"role with MFA", "654321", ""},
		{"role with bad MFA", "65432", "AccessDenied"},
	}
	srv, _ := startSandbox(t, "fresh")
	base := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::111122223333:role/MarketplaceCatalogAdmins",
				func(o *stscreds.AssumeRoleOptions) {
					o.RoleSessionName = "chain"
					if tt.mfaCode != "" || tt.wantCode != "" {
						o.SerialNumber = aws.String("arn:aws:iam::111122223333:mfa/sandbox-seller")
						code := tt.mfaCode
						o.TokenProvider = func() (string, error) { return code, nil }
					}
				})
			cfg := base.Copy()
			cfg.Credentials = aws.NewCredentialsCache(provider)
			who, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			if tt.wantCode != "" {
				if code, _ := apiErrorCode(err); code != tt.wantCode && !strings.Contains(errString(err), tt.wantCode) {
					t.Fatalf("err = %v, want %s", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetCallerIdentity through the role: %v", err)
			}
			if want := "arn:aws:sts::111122223333:assumed-role/MarketplaceCatalogAdmins/chain"; *who.Arn != want {
				t.Errorf("Arn = %s, want %s", *who.Arn, want)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestExpiredSessionCredentials(t *testing.T) {
	srv, _ := startSandbox(t, "fresh")
	a := srv.Account()
	a.mu.Lock()
	a.sessions["ASIAEXPIREDEXAMPLE00"] = &session{
		identity:   Identity{Account: a.ID, ARN: "arn:aws:sts::111122223333:assumed-role/Old/s", UserID: "AROAOLD:s"},
		expiration: time.Now().Add(-time.Minute),
	}
	a.mu.Unlock()
	_, err := sts.NewFromConfig(sdkConfig(t, srv, "ASIAEXPIREDEXAMPLE00", "x", "token")).
		GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if code, _ := apiErrorCode(err); code != "ExpiredToken" {
		t.Errorf("err = %v, want ExpiredToken", err)
	}
}

// TestAssumeRoleTrust: AssumeRole of a role in the sandbox's account is
// decided by its trust policy, as IAM decides it. The onboarding role trusts
// the partner account only with the external ID: a partner session without
// it, or with another, is denied (the confused-deputy protection), and the
// seller's own user is not the partner.
func TestAssumeRoleTrust(t *testing.T) {
	srv, _ := startSandbox(t, "connected")
	seller := sts.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	// A session in the partner's account (which the sandbox does not model,
	// so any role there may be assumed): the partner calling.
	ops, err := seller.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + DemoPartnerAccountID + ":role/PartnerOps"),
		RoleSessionName: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	c := ops.Credentials
	partner := sts.NewFromConfig(sdkConfig(t, srv, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
	const role = "arn:aws:iam::111122223333:role/SellerDeskPartnerRole"
	partnerARN := "arn:aws:sts::" + DemoPartnerAccountID + ":assumed-role/PartnerOps/ops"
	tests := []struct {
		name     string
		client   *sts.Client
		roleARN  string
		ext      *string
		wantDeny string // "" = allowed
	}{
		{"partner with the external ID", partner, role, aws.String(DemoExternalID), ""},
		{"partner without the external ID", partner, role, nil, "User: " + partnerARN + " is not authorized to perform: sts:AssumeRole on resource: " + role},
		{"partner with another external ID", partner, role, aws.String("guessed-id"), "User: " + partnerARN + " is not authorized to perform: sts:AssumeRole on resource: " + role},
		{"the seller itself, with the external ID", seller, role, aws.String(DemoExternalID),
			"User: arn:aws:iam::111122223333:user/sandbox-seller is not authorized to perform: sts:AssumeRole on resource: " + role},
		{"a role that does not exist", seller, "arn:aws:iam::111122223333:role/Nope", nil,
			"User: arn:aws:iam::111122223333:user/sandbox-seller is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Nope"},
		{"the right role name under another path", partner, "arn:aws:iam::111122223333:role/ops/SellerDeskPartnerRole", aws.String(DemoExternalID), "not authorized"},
		{"the seed role trusts the account", seller, "arn:aws:iam::111122223333:role/" + SeedRoleName, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.client.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(tt.roleARN), RoleSessionName: aws.String("s1"), ExternalId: tt.ext})
			if tt.wantDeny == "" {
				if err != nil || out.AssumedRoleUser == nil {
					t.Fatalf("AssumeRole: %v", err)
				}
				return
			}
			code, msg := apiErrorCode(err)
			if code != "AccessDenied" || !strings.Contains(msg, tt.wantDeny) {
				t.Fatalf("err = %v; want AccessDenied %q", err, tt.wantDeny)
			}
		})
	}
	// A malformed external ID is a validation error, as on AWS.
	_, err = partner.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s1"), ExternalId: aws.String("x")})
	if code, msg := apiErrorCode(err); code != "ValidationError" || !strings.Contains(msg, "'externalId'") {
		t.Errorf("one-character external ID: %v", err)
	}
}

// TestAWSCLIAssumeRoleWithoutExternalId is the confused-deputy demo the
// README shows, judged by the AWS CLI: the partner's session is denied
// without the external ID and admitted with it.
func TestAWSCLIAssumeRoleWithoutExternalId(t *testing.T) {
	requireTool(t, "aws cli", "aws", "--version")
	srv, _ := startSandbox(t, "connected")
	env := isolatedAWSEnv(t, "", staticKeys...)
	var ops struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	runJSON(t, env, &ops, "aws", "sts", "assume-role", "--role-arn", "arn:aws:iam::"+DemoPartnerAccountID+":role/PartnerOps",
		"--role-session-name", "ops", "--endpoint-url", srv.URL(), "--output", "json")
	partnerEnv := isolatedAWSEnv(t, "", "AWS_ACCESS_KEY_ID="+ops.Credentials.AccessKeyId,
		"AWS_SECRET_ACCESS_KEY="+ops.Credentials.SecretAccessKey, "AWS_SESSION_TOKEN="+ops.Credentials.SessionToken)
	assume := func(extra ...string) (string, error) {
		args := append([]string{"sts", "assume-role", "--role-arn", "arn:aws:iam::111122223333:role/SellerDeskPartnerRole",
			"--role-session-name", "partner", "--endpoint-url", srv.URL(), "--output", "json"}, extra...)
		c := exec.CommandContext(t.Context(), "aws", args...)
		c.Env = partnerEnv
		out, err := c.CombinedOutput()
		return string(out), err
	}
	out, err := assume()
	if err == nil || !strings.Contains(out, "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::"+
		DemoPartnerAccountID+":assumed-role/PartnerOps/ops is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/SellerDeskPartnerRole") {
		t.Errorf("without --external-id: %v\n%s", err, out)
	}
	if out, err := assume("--external-id", DemoExternalID); err != nil || !strings.Contains(out, "assumed-role/SellerDeskPartnerRole/partner") {
		t.Errorf("with --external-id: %v\n%s", err, out)
	}
}
