package sandbox

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestAssumeRole(t *testing.T) {
	const roleARN = "arn:aws:iam::111122223333:role/SellerDeskAdmin"
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
			wantARN:    "arn:aws:sts::111122223333:assumed-role/SellerDeskAdmin/sellerdesk",
			wantExpiry: time.Hour,
		},
		{
			name: "valid MFA code",
			in: sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("mfa-session"),
				SerialNumber: aws.String("arn:aws:iam::111122223333:mfa/sandbox-seller"), TokenCode: aws.String("123456")},
			wantARN:    "arn:aws:sts::111122223333:assumed-role/SellerDeskAdmin/mfa-session",
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
			provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), "arn:aws:iam::111122223333:role/Chained",
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
			if want := "arn:aws:sts::111122223333:assumed-role/Chained/chain"; *who.Arn != want {
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
