package awsconn

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// TestParityWithSDK checks that the profiles found by ListProfiles are the
// ones the SDK can load, with the same basic settings.
func TestParityWithSDK(t *testing.T) {
	for _, dir := range []string{"basic", "tricky"} {
		t.Run(dir, func(t *testing.T) {
			f := filesIn(dir)
			ps, err := ListProfiles(f)
			if err != nil {
				t.Fatal(err)
			}
			load := func(name string) (config.SharedConfig, error) {
				return config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
					o.ConfigFiles = []string{f.Config}
					o.CredentialsFiles = []string{f.Credentials}
				})
			}
			for _, p := range ps {
				sc, err := load(p.Name)
				if err != nil {
					t.Errorf("SDK cannot load %q: %v", p.Name, err)
					continue
				}
				if sc.Region != p.Region || sc.RoleARN != p.RoleARN || sc.MFASerial != p.MFASerial || sc.CredentialSource != p.CredentialSource || sc.SSOSessionName != p.SSOSession {
					t.Errorf("%q: SDK region=%q role=%q mfa=%q credsrc=%q session=%q; we have %+v", p.Name, sc.Region, sc.RoleARN, sc.MFASerial, sc.CredentialSource, sc.SSOSessionName, p)
				}
				if sc.SourceProfileName != p.SourceProfile {
					t.Errorf("%q: SDK source_profile=%q, we have %q", p.Name, sc.SourceProfileName, p.SourceProfile)
				}
				if (sc.Source == nil && sc.Credentials.HasKeys()) != (p.Kind == KindStatic) {
					t.Errorf("%q: SDK static keys=%v, our kind %q", p.Name, sc.Credentials.HasKeys(), p.Kind)
				}
			}
			for _, name := range []string{"ignored-no-prefix", "not-a-creds-profile", "corp", "local", "prod"} {
				_, err := load(name)
				var nf config.SharedConfigProfileNotExistError
				if !errors.As(err, &nf) {
					t.Errorf("SDK loads %q (err %v), but it is not a profile", name, err)
				}
			}
		})
	}
}
