// Package awsconn discovers the local AWS profiles the way the AWS CLI does,
// loads an aws.Config for one of them and verifies the caller identity.
//
// Nothing in this package ever copies secret material (secret access keys,
// session tokens, credential_process command lines) into the values it
// returns or into error messages.
package awsconn

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
)

// Files names the shared AWS config and credentials files. An empty field
// means "no such file".
type Files struct {
	Config      string
	Credentials string
}

// DefaultFiles returns the files the AWS CLI would read: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/config and
// ~/.aws/credentials.
func DefaultFiles() Files {
	f := Files{
		Config:      strings.TrimSpace(os.Getenv("AWS_CONFIG_FILE")),
		Credentials: strings.TrimSpace(os.Getenv("AWS_SHARED_CREDENTIALS_FILE")),
	}
	if f.Config == "" {
		f.Config = config.DefaultSharedConfigFilename()
	}
	if f.Credentials == "" {
		f.Credentials = config.DefaultSharedCredentialsFilename()
	}
	f.Config = expandHome(f.Config)
	f.Credentials = expandHome(f.Credentials)
	return f
}

// expandHome expands a leading "~" the way the AWS CLI does for the
// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE variables.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	return filepath.Join(home, p[1:])
}

// Kind says how a profile obtains credentials.
type Kind string

// Profile kinds.
const (
	// KindStatic: aws_access_key_id / aws_secret_access_key in a file.
	KindStatic Kind = "static"
	// KindSSO: IAM Identity Center (sso_session or legacy sso_start_url).
	KindSSO Kind = "sso"
	// KindAssumeRole: role_arn with source_profile or credential_source.
	KindAssumeRole Kind = "assume-role"
	// KindAssumeRoleMFA: like KindAssumeRole, with mfa_serial.
	KindAssumeRoleMFA Kind = "assume-role-mfa"
	// KindCredentialProcess: credential_process.
	KindCredentialProcess Kind = "credential-process"
	// KindWebIdentity: web_identity_token_file with role_arn.
	KindWebIdentity Kind = "web-identity"
	// KindLogin: login_session (credentials from "aws login").
	KindLogin Kind = "login"
	// KindIncomplete: no credentials of any kind (e.g. only a region).
	KindIncomplete Kind = "incomplete"
)

// Profile describes one named profile. It never holds secret values.
type Profile struct {
	Name   string
	Kind   Kind
	Region string
	// Sources lists the files the profile was found in (config first).
	Sources []string

	SSOSession   string
	SSOStartURL  string // from the profile, or from its [sso-session]
	SSORegion    string // from the profile, or from its [sso-session]
	SSOAccountID string
	SSORoleName  string

	RoleARN          string
	SourceProfile    string
	CredentialSource string
	MFASerial        string

	HasStaticKeys     bool
	CredentialProcess bool

	// Problem says why the profile cannot be used, if known.
	Problem string
}

// StaticKeys are literal credentials (used for the embedded sandbox, which
// accepts any key).
type StaticKeys struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}
