package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

func scenarioNames() []string {
	var out []string
	for _, s := range sandbox.Scenarios() {
		out = append(out, s.Name)
	}
	return out
}

func runProfiles(_ context.Context, e *env) error {
	files := awsconn.DefaultFiles()
	ps, err := awsconn.ListProfiles(files)
	if err != nil {
		return err
	}
	if e.g.JSON {
		if ps == nil {
			ps = []awsconn.Profile{}
		}
		return e.printJSON(ps)
	}
	if len(ps) == 0 {
		fmt.Fprintf(e.Stdout, "No AWS profiles in %s or %s.\nRun 'aws configure' to create one, or use --sandbox fresh.\n", files.Config, files.Credentials)
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tKIND\tREGION\tNOTE")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, p.Kind, dash(p.Region), p.Problem)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// connect selects the target the globals name.
func (e *env) connect(ctx context.Context) (*session.Manager, error) {
	if e.g.Sandbox == "" && e.g.Bundle == "" && e.g.EndpointURL == "" {
		// AWS_ENDPOINT_URL set to blanks must not silently mean real AWS.
		if err := awsconn.CheckEndpointEnv(); err != nil {
			return nil, usagef("%v", err)
		}
	}
	if e.endpoint.given && e.g.Sandbox == "" && e.g.Bundle == "" {
		if err := serviceEndpointOverride(); err != nil {
			return nil, err
		}
		if err := profileEndpointOverride(ctx, e.g.Target().Name); err != nil {
			return nil, err
		}
	}
	// The sandbox keeps its state in the SellerDesk folder, shared with the
	// window and later commands.
	sbDir, err := sandboxDir()
	if err != nil {
		return nil, err
	}
	o := session.Options{Files: awsconn.DefaultFiles(), MFA: stdinMFA(e), TimeScale: e.g.TimeScale, SandboxDir: sbDir}
	if e.g.Bundle != "" {
		if log := folderLog(); log != nil {
			defer log.Close() // the import is logged in Use
			o.Logger = log.Logger
		}
	}
	m := session.New(o)
	if err := m.Use(ctx, e.g.Target()); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func runWhoAmI(ctx context.Context, e *env) error {
	m, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	id, err := m.WhoAmI(ctx)
	if err != nil {
		return err
	}
	t, _, _ := m.Current()
	if e.g.JSON {
		return e.printJSON(map[string]string{"account": id.Account, "arn": id.ARN, "userId": id.UserID, "region": id.Region, "profile": id.Profile, "target": t.Label()})
	}
	tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Target\t%s\n", t.Label())
	fmt.Fprintf(tw, "Account\t%s\n", id.Account)
	fmt.Fprintf(tw, "ARN\t%s\n", id.ARN)
	fmt.Fprintf(tw, "Region\t%s\n", id.Region)
	return tw.Flush()
}

// stdinMFA asks for an MFA code on the terminal.
func stdinMFA(e *env) awsconn.MFAPrompter {
	return func(ctx context.Context, profile, serial string) (string, error) {
		fmt.Fprintf(e.Stderr, "MFA code for %s (%s): ", profile, serial)
		var code string
		if _, err := fmt.Scanln(&code); err != nil {
			return "", fmt.Errorf("reading the MFA code: %w", err)
		}
		return code, nil
	}
}

// serviceEndpointOverride refuses --endpoint-url when the environment
// would make the SDK send calls elsewhere: an AWS_ENDPOINT_URL_<SERVICE>
// variable replaces the endpoint for that service, and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops the endpoint, so that the
// calls go to AWS. (Values are not quoted: they may hold a password.)
func serviceEndpointOverride() error {
	if ignoresEndpoints(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
		return usagef("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true: the AWS SDK would then send every call to AWS instead of --endpoint-url; unset it, or leave out --endpoint-url")
	}
	var names []string
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_ENDPOINT_URL_") && strings.TrimSpace(v) != "" {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	verb := " are"
	if len(names) == 1 {
		verb = " is"
	}
	return usagef("%s set: it would send that service's calls elsewhere than --endpoint-url; unset it, or leave out --endpoint-url", strings.Join(names, " and ")+verb)
}

func ignoresEndpoints(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }

// profileEndpointOverride is serviceEndpointOverride for the profile's own
// settings: a services section with an endpoint_url, or
// ignore_configured_endpoint_urls = true. A profile that cannot be read is
// left for the connection to report.
func profileEndpointOverride(ctx context.Context, profile string) error {
	if profile == "" {
		profile = "default"
	}
	files := awsconn.DefaultFiles()
	sc, readErr := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = nonEmptyList(files.Config), nonEmptyList(files.Credentials)
	})
	if readErr != nil {
		sc = config.SharedConfig{} // the connection reports it, in its words
	}
	if sc.IgnoreConfiguredEndpoints != nil && *sc.IgnoreConfiguredEndpoints {
		return usagef("profile %q sets ignore_configured_endpoint_urls = true: the AWS SDK would then send every call to AWS instead of --endpoint-url; remove it, or leave out --endpoint-url", profile)
	}
	var services []string
	for svc, kv := range sc.Services.ServiceValues {
		if _, ok := kv["endpoint_url"]; ok {
			services = append(services, svc)
		}
	}
	if len(services) > 0 {
		sort.Strings(services)
		return usagef("profile %q has a services section giving %s its own endpoint_url: those calls would go there instead of --endpoint-url; remove it, or leave out --endpoint-url", profile, strings.Join(services, ", "))
	}
	return nil
}

func nonEmptyList(s string) []string {
	if s == "" {
		return []string{}
	}
	return []string{s}
}
