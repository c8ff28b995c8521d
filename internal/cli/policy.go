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
func (l *listFlag) Type() string   { return "list" }

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

// policyOptions holds the flags of `policy PATTERN`.
type policyOptions struct {
	opts                           policy.Options
	entities, changeTypes, actions listFlag
	tag, create                    string
	attachRole, attachUser         string
}

func runPolicyManaged(e *env) error {
	for _, a := range policy.ManagedPolicyAdvice() {
		fmt.Fprintf(e.Stdout, "%s\n  %s\n  %s\n", a.Name, a.ARN, a.Purpose)
	}
	return nil
}

func runPolicy(ctx context.Context, e *env, pattern string, po policyOptions) error {
	pat, err := policy.ParsePattern(pattern)
	if err != nil {
		return usagef("%v\n%s", err, policyUsage())
	}
	if (po.attachRole != "" || po.attachUser != "") && po.create == "" {
		return usagef("--attach-role and --attach-user need --create NAME")
	}
	if po.attachRole != "" && po.attachUser != "" {
		return usagef("attach to a role or a user, not both")
	}
	o := po.opts
	o.EntityARNs, o.ChangeTypes, o.Actions = po.entities, po.changeTypes, po.actions
	if po.tag != "" {
		k, v, ok := strings.Cut(po.tag, "=")
		if !ok {
			return usagef("--tag takes KEY=VALUE, got %q", po.tag)
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
	if po.create == "" {
		return nil
	}
	var to *iamdeploy.Principal
	switch {
	case po.attachRole != "":
		to = &iamdeploy.Principal{Kind: iamdeploy.KindRole, Name: po.attachRole}
	case po.attachUser != "":
		to = &iamdeploy.Principal{Kind: iamdeploy.KindUser, Name: po.attachUser}
	}
	return e.deployPolicy(ctx, po.create, out, to)
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

func runPolicyLint(e *env, name string) error {
	var raw []byte
	var err error
	if name == "-" {
		raw, err = readAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("reading the policy: %w", err)
	}
	findings, err := policy.Lint(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
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
