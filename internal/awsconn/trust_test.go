package awsconn

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
)

// TestAssumeRoleProfilesPassTheExternalID: an assume-role profile's
// external_id reaches STS, which the sandbox now holds to the role's trust
// policy: the partner's chain of profiles gets the onboarding role with the
// agreed external ID, and is refused without it or with another.
func TestAssumeRoleProfilesPassTheExternalID(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "connected"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const role = "arn:aws:iam::111122223333:role/SellerDeskPartnerRole"
	config := `[profile base]
region = us-east-1
[profile partner-ops]
region = us-east-1
role_arn = arn:aws:iam::` + sandbox.DemoPartnerAccountID + `:role/PartnerOps
source_profile = base
[profile with-id]
region = us-east-1
role_arn = ` + role + `
source_profile = partner-ops
external_id = ` + sandbox.DemoExternalID + `
[profile without-id]
region = us-east-1
role_arn = ` + role + `
source_profile = partner-ops
[profile wrong-id]
region = us-east-1
role_arn = ` + role + `
source_profile = partner-ops
external_id = not-the-agreed-one
`
	files := writeFiles(t, config, "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
	tests := []struct {
		profile, wantARN, wantErr string
	}{
		{"with-id", "arn:aws:sts::111122223333:assumed-role/SellerDeskPartnerRole/", ""},
		{"without-id", "", "AccessDenied"},
		{"wrong-id", "", "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			cfg, err := Load(ctx, Target{Profile: tt.profile, EndpointURL: srv.URL()}, LoadOptions{Files: files})
			if err != nil {
				t.Fatal(err)
			}
			out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "is not authorized to perform: sts:AssumeRole on resource: "+role) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !strings.HasPrefix(aws.ToString(out.Arn), tt.wantARN) {
				t.Fatalf("identity %v, %v; want %s…", out, err, tt.wantARN)
			}
		})
	}
}
