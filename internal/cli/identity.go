package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

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
	if e.g.Sandbox == "" && e.g.EndpointURL == "" {
		// AWS_ENDPOINT_URL set to blanks must not silently mean real AWS.
		if err := awsconn.CheckEndpointEnv(); err != nil {
			return nil, usagef("%v", err)
		}
	}
	if e.endpoint.given && e.g.Sandbox == "" {
		if err := serviceEndpointOverride(); err != nil {
			return nil, err
		}
	}
	m := session.New(session.Options{Files: awsconn.DefaultFiles(), MFA: stdinMFA(e), TimeScale: e.g.TimeScale})
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

// serviceEndpointOverride refuses --endpoint-url when an
// AWS_ENDPOINT_URL_<SERVICE> variable is set: the SDK would send that
// service's calls there instead of to the endpoint asked for. (The value
// is not quoted: it may hold a password.)
func serviceEndpointOverride() error {
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
	return usagef("%s set: it would send that service's calls elsewhere than --endpoint-url; unset it, or leave out --endpoint-url", strings.Join(names, " and ")+map[bool]string{true: " is", false: " are"}[len(names) == 1])
}
