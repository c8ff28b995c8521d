// Package cli is SellerDesk's command-line face: the same binary, the same
// services as the window. With no subcommand the window opens.
//
// Exit codes: 0 success, 1 failure, 2 usage error.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	Bundle      string // support bundle file; "" = none
	JSON        bool
	TimeScale   float64 // sandbox pacing: 1 realistic, larger faster
}

// Target resolves the globals (and AWS_* variables) to a session target.
func (g Globals) Target() session.Target {
	if g.Bundle != "" {
		return session.Target{Kind: session.KindBundle, Name: g.Bundle, Region: g.Region}
	}
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
	for _, f := range []struct{ name, v string }{{"bundle", g.Bundle}, {"sandbox", g.Sandbox}, {"profile", g.Profile}, {"region", g.Region}, {"endpoint-url", g.EndpointURL}} {
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

// env is one invocation.
type env struct {
	Deps
	g Globals
	// catalogScope keys the entity cache by connection target.
	catalogScope string
	// endpoint is the --endpoint-url flag: it records a value that cannot
	// be used, to refuse it before any command runs.
	endpoint endpointFlag
}

// usageError marks a mistake in the command line (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

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
	root := newRoot(e)
	root.SetArgs(doubleDash(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	name := cmd.CommandPath()
	var (
		ue usageError
		te *session.TargetError
	)
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(e.Stderr, "%s: %s\nRun '%s --help' for usage.\n", name, redact.String(ue.msg), name)
		return ExitUsage
	case errors.As(err, &te):
		fmt.Fprintf(e.Stderr, "%s: %s\n", name, redact.String(te.Error()))
		return ExitUsage
	default:
		// Every failure leaves through here: no credential may (an
		// endpoint can echo the signed headers back in its message).
		awserr.Render(e.Stderr, name, err, awserr.Sandbox(e.g.Sandbox != "" || e.g.Bundle != ""), awserr.Endpoint(e.g.Target().Endpoint))
		return ExitFailure
	}
}

// doubleDash rewrites "-name" and "-name=v" to "--name" and "--name=v"
// when name is a flag of the command line, as the flag package the CLI
// used before accepted both. It leaves alone everything after "--", the
// value of a flag that takes one ("--external-id -abc"), and words that
// name no flag.
func doubleDash(root *cobra.Command, args []string) []string {
	takesValue := map[string]bool{}
	walkFlags(root, func(f *pflag.Flag) { takesValue[f.Name] = f.NoOptDefVal == "" })
	out := make([]string, 0, len(args))
	valueNext := false
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if valueNext {
			valueNext = false
			out = append(out, a)
			continue
		}
		name, hasValue := strings.TrimLeft(a, "-"), false
		if k, _, ok := strings.Cut(name, "="); ok {
			name, hasValue = k, true
		}
		single := len(a) > 2 && a[0] == '-' && a[1] != '-'
		if tv, known := takesValue[name]; known && strings.HasPrefix(a, "-") {
			if single && len(name) > 1 {
				a = "-" + a
			}
			valueNext = tv && !hasValue
		}
		out = append(out, a)
	}
	return out
}

// walkFlags calls f on every flag of c and of the commands under it.
func walkFlags(c *cobra.Command, f func(*pflag.Flag)) {
	c.Flags().VisitAll(f)
	c.PersistentFlags().VisitAll(f)
	for _, s := range c.Commands() {
		walkFlags(s, f)
	}
}

// flagError turns a flag parsing error into a usage error, in the words
// the flag package used before (scripts match on them).
func flagError(_ *cobra.Command, err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "unknown flag: "); ok {
		msg = "flag provided but not defined: " + rest
	} else if strings.HasPrefix(msg, "unknown shorthand flag: ") {
		msg = "flag provided but not defined: " + msg[len("unknown shorthand flag: "):]
	}
	return usageError{msg}
}

// checkTarget refuses, before any command runs, a target the command line
// names but that could not be honoured: a bad --endpoint-url, or --sandbox
// and --endpoint-url together. Neither is ever replaced by other
// credentials or endpoints.
func (e *env) checkTarget() error {
	if e.endpoint.err != nil {
		return usageError{e.endpoint.err.Error()}
	}
	if e.g.Sandbox != "" && e.endpoint.given {
		return usagef("--sandbox and --endpoint-url cannot be used together: the sandbox has its own endpoint (leave out one of them)")
	}
	if e.g.Bundle != "" {
		for _, f := range []struct {
			name  string
			given bool
		}{{"--sandbox", e.g.Sandbox != ""}, {"--endpoint-url", e.endpoint.given}, {"--profile", e.g.Profile != ""}} {
			if f.given {
				return usagef("--bundle and %s cannot be used together: a support bundle is served by its own sandbox (leave out one of them)", f.name)
			}
		}
	}
	return nil
}

// endpointFlag is --endpoint-url: it records that the flag was given, so
// that an explicit empty value is refused instead of meaning real AWS. Set
// never fails: the error would quote the value, which may hold a password.
type endpointFlag struct {
	v     *string
	given bool
	err   error // why the value given cannot be used
}

func (f *endpointFlag) String() string {
	if f == nil || f.v == nil {
		return ""
	}
	return *f.v
}

func (f *endpointFlag) Set(s string) error {
	*f.v = strings.TrimSpace(s)
	f.given = true
	f.err = awsconn.ValidateEndpointURL(s)
	return nil
}

func (f *endpointFlag) Type() string { return "URL" }

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runVersion(e *env) error {
	if e.g.JSON {
		return e.printJSON(map[string]string{"version": version.Version, "full": version.String()})
	}
	fmt.Fprintln(e.Stdout, "sellerdesk "+version.String())
	return nil
}
