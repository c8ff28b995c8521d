package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/iamdeploy"
	"github.com/sellerdesk/sellerdesk/internal/policy"
)

// listFlag collects a repeatable or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func policyUsage() string {
	var b strings.Builder
	b.WriteString("policy needs a pattern or 'lint FILE'. Patterns:\n")
	for _, p := range policy.Patterns() {
		fmt.Fprintf(&b, "  %-24s %s\n", p, p.Description())
	}
	b.WriteString("Options: --account ID --entity ARN (repeatable) --change-type T (repeatable) --tag KEY=VALUE --actions A,B\n")
	b.WriteString("         --create NAME [--attach-role ROLE | --attach-user USER]   create it in IAM (idempotent)")
	return b.String()
}

func runPolicy(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("%s", policyUsage())
	}
	if args[0] == "lint" {
		return runPolicyLint(e, args[1:])
	}
	if args[0] == "managed" {
		for _, a := range policy.ManagedPolicyAdvice() {
			fmt.Fprintf(e.Stdout, "%s\n  %s\n  %s\n", a.Name, a.ARN, a.Purpose)
		}
		return nil
	}
	pat, err := policy.ParsePattern(args[0])
	if err != nil {
		return usagef("%v\n%s", err, policyUsage())
	}
	fs := newFlagSet("policy "+args[0], &e.g)
	var o policy.Options
	var entities, changeTypes, actions listFlag
	fs.StringVar(&o.Account, "account", "", "12-digit seller account ID")
	fs.Var(&entities, "entity", "entity ARN (repeatable)")
	fs.Var(&changeTypes, "change-type", "allowed ChangeType (repeatable)")
	fs.Var(&actions, "actions", "actions instead of the pattern's default (comma-separated)")
	tag := fs.String("tag", "", "tag condition KEY=VALUE")
	create := fs.String("create", "", "create (or update) this customer managed policy in IAM")
	attachRole := fs.String("attach-role", "", "with --create: attach the policy to this IAM role")
	attachUser := fs.String("attach-user", "", "with --create: attach the policy to this IAM user")
	if err := parseCommand(fs, args[1:]); err != nil {
		return err
	}
	if (*attachRole != "" || *attachUser != "") && *create == "" {
		return usagef("--attach-role and --attach-user need --create NAME")
	}
	if *attachRole != "" && *attachUser != "" {
		return usagef("attach to a role or a user, not both")
	}
	o.EntityARNs, o.ChangeTypes, o.Actions = entities, changeTypes, actions
	if *tag != "" {
		k, v, ok := strings.Cut(*tag, "=")
		if !ok {
			return usagef("--tag takes KEY=VALUE, got %q", *tag)
		}
		o.TagKey, o.TagValue = k, v
	}
	doc, err := policy.Build(pat, o)
	if err != nil {
		return err
	}
	out, err := doc.JSON()
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, string(out))
	if *create == "" {
		return nil
	}
	var to *iamdeploy.Principal
	switch {
	case *attachRole != "":
		to = &iamdeploy.Principal{Kind: iamdeploy.KindRole, Name: *attachRole}
	case *attachUser != "":
		to = &iamdeploy.Principal{Kind: iamdeploy.KindUser, Name: *attachUser}
	}
	return e.deployPolicy(ctx, *create, out, to)
}

// deployPolicy creates the policy in the account of the current target and
// attaches it where asked; re-running it changes nothing.
func (e *env) deployPolicy(ctx context.Context, name string, doc []byte, to *iamdeploy.Principal) error {
	m, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	id, err := m.WhoAmI(ctx)
	if err != nil {
		return err
	}
	_, cfg, err := m.Current()
	if err != nil {
		return err
	}
	if to != nil {
		to.ARN = fmt.Sprintf("arn:aws:iam::%s:%s/%s", id.Account, to.Kind, to.Name)
	}
	res, err := iamdeploy.Deploy(ctx, iam.NewFromConfig(cfg), id.Account, name, doc, to)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stderr, res.Message)
	return nil
}

func runPolicyLint(e *env, args []string) error {
	fs := newFlagSet("policy lint", &e.g)
	if err := parseCommand(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("policy lint takes one FILE (or - for standard input)")
	}
	var raw []byte
	var err error
	if name := fs.Arg(0); name == "-" {
		raw, err = readAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("reading the policy: %w", err)
	}
	findings, err := policy.Lint(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	if e.g.JSON {
		if findings == nil {
			findings = []policy.Finding{}
		}
		if err := e.printJSON(findings); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(e.Stdout, f.String())
		}
		if len(findings) == 0 {
			fmt.Fprintln(e.Stdout, "No problems found.")
		}
	}
	if policy.HasErrors(findings) {
		return fmt.Errorf("the policy breaks the Catalog API access-control rules above")
	}
	return nil
}

func readAll(f *os.File) ([]byte, error) { return io.ReadAll(f) }
