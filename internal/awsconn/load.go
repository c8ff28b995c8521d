package awsconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultRegion is used when neither the flags, the environment nor the
// profile set a region.
const DefaultRegion = "us-east-1"

// Target says which profile, region and endpoint to use.
type Target struct {
	Profile     string
	Region      string
	EndpointURL string
	// StaticKeys, when set, replace every other credential source. Used for
	// the embedded sandbox, which accepts any key.
	StaticKeys *StaticKeys
}

// ResolveTarget applies the environment the way the AWS CLI does; non-empty
// flags win. Profile: AWS_PROFILE, then AWS_DEFAULT_PROFILE. Region:
// AWS_REGION, then AWS_DEFAULT_REGION. Endpoint: AWS_ENDPOINT_URL (unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true). Service-specific
// AWS_ENDPOINT_URL_<SERVICE> variables are left to the SDK.
func ResolveTarget(flagProfile, flagRegion, flagEndpoint string) Target {
	t := Target{
		Profile:     firstNonEmpty(flagProfile, os.Getenv("AWS_PROFILE"), os.Getenv("AWS_DEFAULT_PROFILE")),
		Region:      firstNonEmpty(flagRegion, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")),
		EndpointURL: strings.TrimSpace(flagEndpoint),
	}
	if t.EndpointURL == "" && !strings.EqualFold(strings.TrimSpace(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")), "true") {
		t.EndpointURL = strings.TrimSpace(os.Getenv("AWS_ENDPOINT_URL"))
	}
	return t
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// ErrMFACancelled is what an MFAPrompter returns when the user declined to
// enter a code. The SDK's error keeps it (errors.Is), so the caller can say
// "you cancelled" rather than "assuming the role failed".
var ErrMFACancelled = errors.New("MFA code entry was cancelled")

// MFAPrompter asks the user for the current code of the MFA device serial
// configured (mfa_serial) for profile.
type MFAPrompter func(ctx context.Context, profile, serial string) (string, error)

// LoadOptions tune Load.
type LoadOptions struct {
	// MFA is called when a role with mfa_serial is assumed. Calls are
	// serialised process-wide: one prompt at a time.
	MFA MFAPrompter
	// Files overrides DefaultFiles() when non-zero. An empty field then
	// means "no such file".
	Files Files
	// Deadlines bound every AWS call made with the config (zero fields:
	// the defaults).
	Deadlines Deadlines
}

// ErrNoCredentials means no credentials are configured at all.
var ErrNoCredentials = errors.New("no AWS credentials found: run `aws configure` to set up access keys (or `aws configure sso`), or pick a profile with --profile (see `sellerdesk profiles`)")

// ProfileNotFoundError is returned when the requested profile is in none of
// the files.
type ProfileNotFoundError struct {
	Name  string
	Files []string // the files looked at
}

func (e *ProfileNotFoundError) Error() string {
	where := "no config or credentials file"
	if len(e.Files) > 0 {
		where = strings.Join(e.Files, " and ")
	}
	return fmt.Sprintf("AWS profile %q not found (looked in %s); run `sellerdesk profiles` to list the profiles available", e.Name, where)
}

// ProfileProblemError is returned when the profile exists but its
// configuration cannot work (see Profile.Problem).
type ProfileProblemError struct {
	Profile string
	Problem string
}

func (e *ProfileProblemError) Error() string {
	return fmt.Sprintf("AWS profile %q cannot be used: %s", e.Profile, e.Problem)
}

// SSOLoginRequiredError is returned when an SSO profile has no usable cached
// token: the user has to sign in (SSODeviceLogin or `aws sso login`).
type SSOLoginRequiredError struct {
	Profile  string // the profile that needs the sign-in
	StartURL string
	Session  string // sso_session name, empty for legacy profiles
	Region   string // SSO region
	Expired  bool   // a token was cached but has expired
}

func (e *SSOLoginRequiredError) Error() string {
	state, action := "you are not signed in to AWS IAM Identity Center (SSO)", "sign in"
	if e.Expired {
		state, action = "your AWS IAM Identity Center (SSO) sign-in has expired", "sign in again"
	}
	return fmt.Sprintf("%s for profile %q (%s): %s from SellerDesk, or run `aws sso login --profile %s`",
		state, e.Profile, e.StartURL, action, e.Profile)
}

// mfaMu makes sure only one MFA prompt is shown at a time, across every
// config loaded by this process.
var mfaMu sync.Mutex

// Load returns an aws.Config for t. It fails fast, before any network
// call, when the profile does not exist (*ProfileNotFoundError), when there
// are no credentials at all (ErrNoCredentials), when the profile cannot work
// (*ProfileProblemError) and when an SSO sign-in is needed
// (*SSOLoginRequiredError). EC2 instance metadata is never used.
func Load(ctx context.Context, t Target, o LoadOptions) (aws.Config, error) {
	if t.StaticKeys != nil {
		return loadStatic(ctx, t, o)
	}
	files := o.Files
	if files == (Files{}) {
		files = DefaultFiles()
	}
	ps, err := loadProfileSet(files)
	if err != nil {
		return aws.Config{}, err
	}
	profiles := ps.classifyAll()

	name := strings.TrimSpace(t.Profile)
	explicit := name != ""
	if name == "" {
		name = firstNonEmpty(os.Getenv("AWS_PROFILE"), os.Getenv("AWS_DEFAULT_PROFILE"))
	}
	named := name != ""
	if name == "" {
		name = "default"
	}
	prof, found := profiles[name]
	if named && !found {
		return aws.Config{}, &ProfileNotFoundError{Name: name, Files: filesLookedAt(files)}
	}

	if err := checkCredentials(profiles, prof, found, explicit); err != nil {
		return aws.Config{}, err
	}

	opts := []func(*config.LoadOptions) error{
		config.WithSharedConfigFiles(nonEmpty(files.Config)),
		config.WithSharedCredentialsFiles(nonEmpty(files.Credentials)),
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
		config.WithDefaultRegion(DefaultRegion),
		config.WithAssumeRoleCredentialOptions(assumeRoleOptions(ctx, profiles, name, t.EndpointURL, o.MFA)),
		config.WithProcessCredentialOptions(func(po *processcreds.Options) { po.Timeout = credentialProcessTimeout }),
	}
	if explicit {
		opts = append(opts, config.WithSharedConfigProfile(name))
	}
	if t.Region != "" {
		opts = append(opts, config.WithRegion(t.Region))
	}
	if t.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(t.EndpointURL))
	}
	cfg, creds, err := loadDefaultConfigWithDeadlines(ctx, o.Deadlines, opts...)
	// Pre-resolution (see callDeadline) uses the provider handed out, after
	// any wrapping of cfg.Credentials below.
	defer func() { creds.set(cfg.Credentials) }()
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration for profile %q: %w", name, err)
	}
	// credential_process errors quote its output (credentials): see process.go.
	command := ""
	if r := ps.raw[name]; r != nil {
		command = r.get(keyCredentialProcess)
	}
	base := baseProfile(profiles, name)
	guardCredentialProcess(&cfg, name, command, base.Name, base.CredentialProcess && base.Name != name)
	return cfg, nil
}

// loadStatic builds a config from explicit keys alone (the embedded sandbox):
// the user's AWS files and AWS_PROFILE play no part, so a broken
// ~/.aws/config cannot stop an offline demo.
func loadStatic(_ context.Context, t Target, o LoadOptions) (aws.Config, error) {
	k := t.StaticKeys
	cfg := aws.NewConfig()
	cfg.Region = firstNonEmpty(t.Region, DefaultRegion)
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, k.SessionToken))
	applyDeadlines(cfg, o.Deadlines)
	if t.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(t.EndpointURL)
	}
	return *cfg, nil
}

func nonEmpty(path string) []string {
	if path == "" {
		return []string{}
	}
	return []string{path}
}

func filesLookedAt(f Files) []string {
	var out []string
	for _, p := range []string{f.Config, f.Credentials} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func envSet(keys ...string) bool {
	for _, k := range keys {
		if strings.TrimSpace(os.Getenv(k)) != "" {
			return true
		}
	}
	return false
}

func envStaticKeys() bool {
	return envSet("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY") && envSet("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")
}

func envContainerCredentials() bool {
	return envSet("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
}

// checkCredentials mirrors the SDK's credential chain closely enough to
// fail fast, without network calls, when nothing can work.
func checkCredentials(profiles map[string]Profile, prof Profile, found, explicit bool) error {
	// Without a programmatic profile the SDK prefers environment keys and
	// web identity from the environment.
	if !explicit && (envStaticKeys() || envSet("AWS_WEB_IDENTITY_TOKEN_FILE")) {
		return nil
	}
	if !found {
		if envContainerCredentials() {
			return nil
		}
		return ErrNoCredentials
	}
	if prof.Kind == KindIncomplete {
		if envContainerCredentials() {
			return nil
		}
		return fmt.Errorf("AWS profile %q has no credentials: %w", prof.Name, ErrNoCredentials)
	}
	if prof.Problem != "" {
		return &ProfileProblemError{Profile: prof.Name, Problem: prof.Problem}
	}
	base := baseProfile(profiles, prof.Name)
	if base.CredentialSource == "Environment" && !base.HasStaticKeys && !envStaticKeys() {
		return fmt.Errorf("AWS profile %q uses credential_source = Environment but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set: %w", base.Name, ErrNoCredentials)
	}
	if base.CredentialSource == "EcsContainer" && !base.HasStaticKeys && !envContainerCredentials() {
		return &ProfileProblemError{Profile: base.Name, Problem: "credential_source EcsContainer needs AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI"}
	}
	if base.Kind == KindSSO && !base.HasStaticKeys {
		if err := checkSSOCache(base); err != nil {
			return err
		}
	}
	return nil
}

// ssoCacheKey is what the SDK hashes to name the token cache file.
func ssoCacheKey(p Profile) string {
	if p.SSOSession != "" {
		return p.SSOSession
	}
	return p.SSOStartURL
}

// cachedToken is the JSON layout of ~/.aws/sso/cache/<sha1>.json shared by
// the AWS CLI and the SDK.
type cachedToken struct {
	StartURL              string `json:"startUrl,omitempty"`
	Region                string `json:"region,omitempty"`
	AccessToken           string `json:"accessToken,omitempty"`
	ExpiresAt             string `json:"expiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
}

var nowFunc = time.Now

// checkSSOCache returns *SSOLoginRequiredError when the SDK would not be
// able to use or refresh the cached SSO token for p.
func checkSSOCache(p Profile) error {
	need := &SSOLoginRequiredError{Profile: p.Name, StartURL: p.SSOStartURL, Session: p.SSOSession, Region: p.SSORegion}
	path, err := ssocreds.StandardCachedTokenFilepath(ssoCacheKey(p))
	if err != nil {
		return need
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return need
	}
	var tok cachedToken
	if json.Unmarshal(data, &tok) != nil || tok.AccessToken == "" {
		return need
	}
	exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil {
		return need
	}
	now := nowFunc()
	if now.Before(exp) {
		return nil
	}
	// Expired. With an sso-session the SDK refreshes the token itself if
	// the cache holds a refresh token and a still-valid client registration.
	if p.SSOSession != "" && tok.RefreshToken != "" && tok.ClientID != "" && tok.ClientSecret != "" {
		if tok.RegistrationExpiresAt == "" {
			return nil
		}
		if regExp, err := time.Parse(time.RFC3339, tok.RegistrationExpiresAt); err == nil && now.Before(regExp) {
			return nil
		}
	}
	need.Expired = true
	return need
}

// assumeRoleOptions installs the MFA prompt (serialised by mfaMu) and makes
// the STS client used for AssumeRole honour the endpoint override, which the
// SDK does not apply to the clients it builds while resolving credentials.
func assumeRoleOptions(ctx context.Context, profiles map[string]Profile, name, endpoint string, prompt MFAPrompter) func(*stscreds.AssumeRoleOptions) {
	pctx := context.WithoutCancel(ctx)
	return func(ao *stscreds.AssumeRoleOptions) {
		if serial := aws.ToString(ao.SerialNumber); serial != "" {
			ao.TokenProvider = mfaTokenProvider(pctx, prompt, profileForSerial(profiles, name, serial), serial)
		}
		if endpoint != "" && ao.Client != nil {
			ao.Client = endpointSTSClient{inner: ao.Client, endpoint: endpoint}
		}
	}
}

// profileForSerial finds which profile of name's source_profile chain
// declares mfa_serial serial.
func profileForSerial(profiles map[string]Profile, name, serial string) string {
	seen := map[string]bool{}
	for cur := name; cur != "" && !seen[cur]; {
		seen[cur] = true
		p, ok := profiles[cur]
		if !ok {
			break
		}
		if p.MFASerial == serial {
			return cur
		}
		cur = p.SourceProfile
	}
	return name
}

func mfaTokenProvider(ctx context.Context, prompt MFAPrompter, profile, serial string) func() (string, error) {
	return func() (string, error) {
		if prompt == nil {
			return "", fmt.Errorf("AWS profile %q needs an MFA code for %s, but no MFA prompt is available", profile, serial)
		}
		mfaMu.Lock()
		defer mfaMu.Unlock()
		code, err := prompt(ctx, profile, serial)
		if err != nil {
			return "", fmt.Errorf("reading the MFA code for profile %q: %w", profile, err)
		}
		return strings.TrimSpace(code), nil
	}
}

type endpointSTSClient struct {
	inner    stscreds.AssumeRoleAPIClient
	endpoint string
}

func (c endpointSTSClient) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	optFns = append(optFns, func(o *sts.Options) {
		// AWS_ENDPOINT_URL_STS (already applied by the SDK) wins.
		if o.BaseEndpoint == nil {
			o.BaseEndpoint = aws.String(c.endpoint)
		}
	})
	return c.inner.AssumeRole(ctx, in, optFns...)
}
