// Package cli is SellerDesk's command-line face: the same binary, the same
// services as the window. With no subcommand the window opens.
//
// Exit codes: 0 success, 1 failure, 2 usage error.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/redact"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/version"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Globals are the flags every command takes, like the AWS CLI's.
type Globals struct {
	Profile     string
	Region      string
	EndpointURL string
	Sandbox     string // scenario name; "" = use a profile
	JSON        bool
	TimeScale   float64 // sandbox pacing: 1 realistic, larger faster
}

// Target resolves the globals (and AWS_* variables) to a session target.
func (g Globals) Target() session.Target {
	if g.Sandbox != "" {
		return session.Target{Kind: session.KindSandbox, Name: g.Sandbox, Region: g.Region}
	}
	t := awsconn.ResolveTarget(g.Profile, g.Region, g.EndpointURL)
	return session.Target{Kind: session.KindProfile, Name: t.Profile, Region: t.Region, Endpoint: t.EndpointURL}
}

// targetFlags repeats the flags that chose the target, for a command the
// user is told to run next (" --sandbox fresh", " --profile p --region r").
func (g Globals) targetFlags() string {
	var b strings.Builder
	for _, f := range []struct{ name, v string }{{"sandbox", g.Sandbox}, {"profile", g.Profile}, {"region", g.Region}, {"endpoint-url", g.EndpointURL}} {
		if f.v != "" {
			fmt.Fprintf(&b, " --%s %s", f.name, f.v)
		}
	}
	return b.String()
}

// Deps are what the CLI needs from main.
type Deps struct {
	Stdout, Stderr io.Writer
	// Assets is the built frontend (for serve-web).
	Assets fs.FS
	// RunGUI opens the window; nil in tests.
	RunGUI func(g Globals) error
}

type command struct {
	name, summary string
	hidden        bool
	run           func(ctx context.Context, e *env, args []string) error
}

// env is one invocation.
type env struct {
	Deps
	g Globals
	// catalogScope keys the entity cache by connection target.
	catalogScope string
}

// usageError marks a mistake in the command line (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func commands() []command {
	return []command{
		{name: "profiles", summary: "list the local AWS profiles and their kinds", run: runProfiles},
		{name: "whoami", summary: "verify credentials with STS and print account, ARN and region", run: runWhoAmI},
		{name: "sandbox", summary: "serve the embedded AWS sandbox to other clients until interrupted", run: runSandbox},
		{name: "template", summary: "print the onboarding CloudFormation template (--json: every permission in plain words)", run: runTemplate},
		{name: "launch", summary: "create the onboarding stack: --partner-account ID --external-id X [--stack-name N] [--report-url URL] [--least-privilege] [--wait]", run: runLaunch},
		{name: "stack", summary: "the onboarding stack: 'stack events', 'stack watch' or 'stack delete --yes' [--stack-name N]", run: runStack},
		{name: "status", summary: "the four tiles: seller account, role and access, CAS, SDDS (exit 0 only when all are connected)", run: runStatus},
		{name: "test", summary: "run Test Configuration: 'test cas' or 'test sdds' (exit 0 only when every check passed)", run: runTest},
		{name: "entities", summary: "list the seller's Marketplace Catalog entities [--type T] (cached, refreshed incrementally)", run: runEntities},
		{name: "tags", summary: "Catalog tags: 'tags list ARN', 'tags add ARN K=V ...', 'tags remove ARN K ...', 'tags bulk --file F [--yes] | --resume ID'", run: runTags},
		{name: "changeset", summary: "Catalog change sets: 'changeset start --type T --entity-type E@1.0 [--entity-id ID] --details JSON [--changeset-tag K=V] [--entity-tag K=V] [--watch]', 'changeset watch|cancel ID', 'changeset list [--status S]'", run: runChangeSet},
		{name: "policy", summary: "Catalog API access policies: 'policy PATTERN [options]' prints the IAM JSON, 'policy lint FILE' explains broken rules, 'policy managed' the AWS managed policies", run: runPolicy},
		{name: "resale-role", summary: "create or repair the FullResaleAuthorizationAccess policy and role (idempotent; --steps shows the console steps it replaces)", run: runResaleRole},
		{name: "version", summary: "print the version", run: runVersion},
		{name: "serve-web", summary: "serve the UI and its services to a browser on loopback (tests, demos)", hidden: true, run: runServeWeb},
	}
}

// Main runs the command line and returns the exit code.
func Main(args []string, d Deps) int {
	if d.Stdout == nil {
		d.Stdout = os.Stdout
	}
	if d.Stderr == nil {
		d.Stderr = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{Deps: d, g: Globals{TimeScale: 1}}
	code := run(ctx, e, args)
	return code
}

func run(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet("sellerdesk", &e.g)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() { printUsage(e.Stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if err := checkFlags(fs); err != nil {
		fmt.Fprintf(e.Stderr, "sellerdesk: %s\nRun 'sellerdesk help' for usage.\n", err)
		return ExitUsage
	}
	if *showVersion {
		fmt.Fprintln(e.Stdout, "sellerdesk "+version.String())
		return ExitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		if e.RunGUI == nil {
			printUsage(e.Stderr)
			return ExitUsage
		}
		if e.g.Sandbox == "" && e.g.EndpointURL == "" {
			if err := awsconn.CheckEndpointEnv(); err != nil {
				fmt.Fprintf(e.Stderr, "sellerdesk: %s\n", err)
				return ExitUsage
			}
		}
		if err := e.RunGUI(e.g); err != nil {
			fmt.Fprintln(e.Stderr, "sellerdesk: "+redact.String(err.Error()))
			return ExitFailure
		}
		return ExitOK
	}
	if rest[0] == "help" {
		printUsage(e.Stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != rest[0] {
			continue
		}
		err := c.run(ctx, e, rest[1:])
		var (
			ue usageError
			te *session.TargetError
		)
		switch {
		case err == nil:
			return ExitOK
		case errors.As(err, &ue):
			fmt.Fprintf(e.Stderr, "sellerdesk %s: %s\nRun 'sellerdesk help' for usage.\n", c.name, redact.String(ue.msg))
			return ExitUsage
		case errors.As(err, &te):
			fmt.Fprintf(e.Stderr, "sellerdesk %s: %s\n", c.name, redact.String(te.Error()))
			return ExitUsage
		case errors.Is(err, flag.ErrHelp):
			return ExitOK
		default:
			// Every failure leaves through here: no credential may (an
			// endpoint can echo the signed headers back in its message).
			awserr.Render(e.Stderr, "sellerdesk "+c.name, err, awserr.Sandbox(e.g.Sandbox != ""), awserr.Endpoint(e.g.Target().Endpoint))
			return ExitFailure
		}
	}
	fmt.Fprintf(e.Stderr, "sellerdesk: unknown command %q\nRun 'sellerdesk help' for usage.\n", rest[0])
	return ExitUsage
}

// newFlagSet returns a flag set that also accepts the global flags, so they
// may come before or after the command name, as with the AWS CLI.
func newFlagSet(name string, g *Globals) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.Profile, "profile", g.Profile, "AWS profile (default: $AWS_PROFILE, then default)")
	fs.StringVar(&g.Region, "region", g.Region, "AWS region (default: $AWS_REGION, then the profile's)")
	fs.Var(&endpointFlag{v: &g.EndpointURL}, "endpoint-url", "send every AWS call to this endpoint (default: $AWS_ENDPOINT_URL)")
	fs.StringVar(&g.Sandbox, "sandbox", g.Sandbox, "run against the embedded sandbox with this scenario")
	fs.BoolVar(&g.JSON, "json", g.JSON, "print JSON")
	fs.Float64Var(&g.TimeScale, "time-scale", g.TimeScale, "sandbox pacing: 1 is as slow as AWS, 100 is a hundred times faster")
	return fs
}

// parseCommand parses a command's flags, turning flag errors into usage errors.
func parseCommand(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if err := checkFlags(fs); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// endpointFlag is --endpoint-url: it records that the flag was given, so
// that an explicit empty value is refused instead of meaning real AWS.
type endpointFlag struct {
	v   *string
	err error // why the value given cannot be used
}

func (f *endpointFlag) String() string {
	if f == nil || f.v == nil {
		return ""
	}
	return *f.v
}

func (f *endpointFlag) Set(s string) error {
	*f.v = strings.TrimSpace(s)
	f.err = awsconn.ValidateEndpointURL(s)
	return nil
}

// checkFlags returns the problem with a flag given on this command line
// that the flag package itself cannot report in plain words.
func checkFlags(fs *flag.FlagSet) error {
	if fl := fs.Lookup("endpoint-url"); fl != nil {
		if ef, ok := fl.Value.(*endpointFlag); ok && ef.err != nil {
			return ef.err
		}
	}
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, `SellerDesk %s — onboard an AWS Marketplace seller.

Usage:
  sellerdesk [global flags]             open the window
  sellerdesk COMMAND [flags]

Commands:
`, version.String())
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range cmds {
		if !c.hidden {
			fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
		}
	}
	_ = tw.Flush()
	fmt.Fprint(w, `
Global flags:
  --profile NAME        AWS profile (default: $AWS_PROFILE, then "default")
  --region REGION       AWS region (default: $AWS_REGION, then the profile's)
  --endpoint-url URL    send every AWS call here (default: $AWS_ENDPOINT_URL)
  --sandbox SCENARIO    use the embedded offline sandbox (scenarios: `+strings.Join(scenarioNames(), ", ")+`)
  --time-scale N        sandbox pacing: 1 is as slow as AWS, 100 a hundred times faster
  --json                print JSON
  --version             print the version

Exit status: 0 success, 1 failure, 2 usage error.
`)
}

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("version", &e.g)
	if err := parseCommand(fs, args); err != nil {
		return err
	}
	if e.g.JSON {
		return e.printJSON(map[string]string{"version": version.Version, "full": version.String()})
	}
	fmt.Fprintln(e.Stdout, "sellerdesk "+version.String())
	return nil
}
