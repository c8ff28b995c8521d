package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/catalog"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/policy"
	"github.com/sellerdesk/sellerdesk/internal/redact"
	"github.com/sellerdesk/sellerdesk/internal/version"
)

// newRoot builds the command tree of one invocation; the flags write to e.
//
// Global flags are persistent flags of the root, so they are accepted
// before or after the command name, as with the AWS CLI; after "--"
// everything is an argument.
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "sellerdesk",
		Short: "Onboard an AWS Marketplace seller from local AWS profiles",
		Long: `SellerDesk ` + version.String() + ` — onboard an AWS Marketplace seller.

Run with no command, SellerDesk opens its window (the global flags choose
what it connects to first). With a command, it runs that command and exits.

The global flags are accepted before or after the command. A command given
--sandbox or --endpoint-url talks only to that sandbox or endpoint: when it
cannot, it fails; it never falls back to other credentials or to AWS.

Exit status: 0 success, 1 failure, 2 usage error.`,
		Example: `  sellerdesk                                   # open the window
  sellerdesk whoami --sandbox fresh
  sellerdesk status --profile seller --region us-east-1
  sellerdesk tags add ARN owner=ann --sandbox connected`,
		Version:       version.String(),
		Args:          rootArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return e.checkTarget()
		},
		RunE: func(c *cobra.Command, _ []string) error { return e.runWindow(c) },
	}
	root.SetVersionTemplate("sellerdesk {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(e.Stdout)
	root.SetErr(e.Stderr)
	root.SetFlagErrorFunc(flagError)
	root.Flags().Bool("version", false, "print the version and exit")

	pf := root.PersistentFlags()
	pf.StringVar(&e.g.Profile, "profile", e.g.Profile, "AWS profile `NAME` (default: $AWS_PROFILE, then \"default\")")
	pf.StringVar(&e.g.Region, "region", e.g.Region, "AWS `REGION` (default: $AWS_REGION, then the profile's)")
	e.endpoint.v = &e.g.EndpointURL
	pf.Var(&e.endpoint, "endpoint-url", "send every AWS call to this endpoint (default: $AWS_ENDPOINT_URL)")
	pf.StringVar(&e.g.Sandbox, "sandbox", e.g.Sandbox, "use the embedded offline sandbox with this `SCENARIO`: "+strings.Join(scenarioNames(), ", "))
	pf.StringVar(&e.g.Bundle, "bundle", e.g.Bundle, "use a sandbox seeded from this support bundle `FILE` (see 'sellerdesk bundle')")
	pf.Float64Var(&e.g.TimeScale, "time-scale", e.g.TimeScale, "sandbox pacing `N`: 1 is as slow as AWS, 100 is a hundred times faster")
	pf.BoolVar(&e.g.JSON, "json", e.g.JSON, "print JSON")

	root.SetHelpCommand(helpCommand())
	root.AddCommand(
		profilesCommand(e),
		whoamiCommand(e),
		sandboxCommand(e),
		bundleCommand(e),
		templateCommand(e),
		launchCommand(e),
		stackCommand(e),
		statusCommand(e),
		driftCommand(e),
		testCommand(e),
		entitiesCommand(e),
		tagsCommand(e),
		changeSetCommand(e),
		policyCommand(e),
		resaleRoleCommand(e),
		versionCommand(e),
		serveWebCommand(e),
	)
	return root
}

// rootArgs: the root takes no arguments; a word that is not a command is
// a usage error naming it.
func rootArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += " (did you mean " + strings.Join(s, " or ") + "?)"
	}
	return usageError{msg}
}

// runWindow opens the window, or prints the usage when this build has none.
func (e *env) runWindow(c *cobra.Command) error {
	if e.RunGUI == nil {
		fmt.Fprint(e.Stderr, c.UsageString())
		return usagef("no command given")
	}
	if e.g.Sandbox == "" && e.g.Bundle == "" && e.g.EndpointURL == "" {
		if err := awsconn.CheckEndpointEnv(); err != nil {
			return usagef("%v", err)
		}
	}
	if err := e.RunGUI(e.g); err != nil {
		return fmt.Errorf("%s", redact.String(err.Error()))
	}
	return nil
}

func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "help [COMMAND ...]",
		Short:   "print the help of any command",
		Example: "  sellerdesk help\n  sellerdesk help tags add",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 && cmd == c.Root() {
				return usagef("unknown help topic %q", strings.Join(args, " "))
			}
			return cmd.Help()
		},
	}
}

// noArgs refuses positional arguments in the words the CLI always used.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", commandName(c), args)
	}
	return nil
}

// commandName is the command path without the program name ("tags add").
func commandName(c *cobra.Command) string {
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// group is a command that only holds subcommands: without one, or with a
// word that is not one, it is a usage error (exit 2).
func group(name, want string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("%s needs %s", name, want)
			}
			return usagef("unknown %s subcommand %q (want %s)", name, args[0], want)
		},
	}
	c.AddCommand(subs...)
	return c
}

func profilesCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "profiles",
		Short:   "list the local AWS profiles and their kinds",
		Long:    "List the profiles of the AWS config and credentials files and their kinds (static keys, SSO, assumed role, credential process), the way the AWS CLI reads them.",
		Example: "  sellerdesk profiles\n  sellerdesk profiles --json",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runProfiles(c.Context(), e) },
	}
}

func whoamiCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "whoami",
		Short:   "verify credentials with STS and print account, ARN and region",
		Example: "  sellerdesk whoami\n  sellerdesk whoami --profile seller --json\n  sellerdesk whoami --sandbox fresh",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runWhoAmI(c.Context(), e) },
	}
}

func sandboxCommand(e *env) *cobra.Command {
	var addr, scenario, state string
	c := &cobra.Command{
		Use:   "sandbox",
		Short: "serve the embedded AWS sandbox to other clients until interrupted",
		Long: `Serve the embedded AWS sandbox on loopback until Ctrl+C, and print its
endpoint and the environment variables for the AWS CLI, boto3 or another
SellerDesk to use it. With --state FILE it serves the state in FILE (created
from --scenario when missing) and saves every change back to it; without,
the state is forgotten when it stops.

"sellerdesk sandbox reset [NAME]" restores a scenario's built-in state in
this SellerDesk folder (every scenario without NAME).

Scenarios: ` + strings.Join(scenarioNames(), ", ") + ".",
		Example: "  sellerdesk sandbox\n  sellerdesk sandbox --addr 127.0.0.1:4566 --scenario throttled\n  sellerdesk sandbox --state demo.json --scenario connected\n  sellerdesk sandbox reset fresh",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runSandbox(c.Context(), e, addr, scenario, state) },
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	c.Flags().StringVar(&scenario, "scenario", "fresh", "scenario that sets the account's state")
	c.Flags().StringVar(&state, "state", "", "serve the sandbox state in `FILE` and save changes back to it")
	c.AddCommand(&cobra.Command{
		Use:     "reset [NAME]",
		Short:   "restore a sandbox scenario's built-in state in this SellerDesk folder (all scenarios without NAME)",
		Example: "  sellerdesk sandbox reset fresh\n  sellerdesk sandbox reset",
		Args:    maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return runSandboxReset(e, name)
		},
	})
	return c
}

func templateCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "template",
		Short:   "print the onboarding CloudFormation template (--json: every permission in plain words)",
		Example: "  sellerdesk template > onboarding.yaml\n  sellerdesk template --json",
		Args:    noArgs,
		RunE:    func(*cobra.Command, []string) error { return runTemplate(e) },
	}
}

func launchCommand(e *env) *cobra.Command {
	var (
		p         template.Parameters
		stackName string
		wait      bool
	)
	c := &cobra.Command{
		Use:   "launch --partner-account ID --external-id X",
		Short: "create the onboarding stack",
		Long: `Create the onboarding CloudFormation stack. With --wait, print its events as
they arrive and exit 0 only when the partner role is Connected.`,
		Example: "  sellerdesk launch --partner-account 210987654321 --external-id ext-123456 --wait\n" +
			"  sellerdesk launch --sandbox fresh --time-scale 1000 --partner-account 210987654321 --external-id ext-123456 --least-privilege",
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runLaunch(c.Context(), e, p, stackName, wait) },
	}
	f := c.Flags()
	f.StringVar(&p.PartnerAccountID, "partner-account", "", "the partner's 12-digit AWS account ID (required)")
	f.StringVar(&p.ExternalID, "external-id", "", "the external ID the partner gave you (required)")
	f.StringVar(&stackName, "stack-name", onboarding.DefaultStackName, "CloudFormation stack name")
	f.StringVar(&p.ReportURL, "report-url", "", "optional URL the stack reports its outputs to, once")
	f.BoolVar(&p.LeastPrivilege, "least-privilege", false, "grant the partner only the read and tag actions it needs")
	bucketFlags(c, &p)
	f.BoolVar(&wait, "wait", false, "follow the stack until Connected or Error; exit 0 only on Connected")
	return c
}

// bucketFlags are the optional bucket names of launch and stack retry (a
// failure on a bucket name that is taken is fixed by choosing another).
func bucketFlags(c *cobra.Command, p *template.Parameters) {
	c.Flags().StringVar(&p.CasBucketName, "cas-bucket-name", "", "name of the CAS bucket (default: CloudFormation generates one)")
	c.Flags().StringVar(&p.SddsBucketName, "sdds-bucket-name", "", "name of the SDDS bucket (default: CloudFormation generates one)")
}

func stackCommand(e *env) *cobra.Command {
	sub := func(name, short, example string) (*cobra.Command, *string) {
		stackName := new(string)
		c := &cobra.Command{Use: name, Short: short, Example: example, Args: noArgs}
		c.Flags().StringVar(stackName, "stack-name", onboarding.DefaultStackName, "CloudFormation stack name")
		return c, stackName
	}
	events, evName := sub("events", "print the stack's events, oldest first", "  sellerdesk stack events\n  sellerdesk stack events --stack-name MyOnboarding --json")
	events.RunE = func(c *cobra.Command, _ []string) error {
		return runStack(c.Context(), e, "events", *evName, false, false)
	}
	watch, wName := sub("watch", "follow a stack being created, updated or deleted to its end",
		"  sellerdesk stack watch\n  sellerdesk stack watch --stack-name MyOnboarding --profile seller")
	watch.Long = `Follow a stack that is already being created, updated or deleted (from another
terminal, machine or the console) to its end, with the checks of 'launch --wait'.
Ctrl+C stops following; CloudFormation carries on.`
	watch.RunE = func(c *cobra.Command, _ []string) error {
		return runStack(c.Context(), e, "watch", *wName, false, false)
	}
	del, dName := sub("delete", "delete the stack (needs --yes); the CAS and SDDS buckets are kept",
		"  sellerdesk stack delete --yes\n  sellerdesk stack delete --yes --wait=false --stack-name MyOnboarding")
	yes := del.Flags().Bool("yes", false, "confirm deleting the stack")
	wait := del.Flags().Bool("wait", true, "follow the delete until it ends")
	del.RunE = func(c *cobra.Command, _ []string) error {
		return runStack(c.Context(), e, "delete", *dName, *yes, *wait)
	}

	retry, rName := sub("retry", "delete a failed stack and create it again, with the values you change",
		"  sellerdesk stack retry --cas-bucket-name my-cas-bucket-2026\n  sellerdesk stack retry --stack-name MyOnboarding --wait=false")
	retry.Long = `Delete a stack that failed (rolled back, or failed to create or delete), wait for
the delete, and create it again with the values it was launched with, except
the ones given as flags (for example another bucket name when a name was taken).
The new values are checked before anything is deleted. With --wait (the
default), follow the new stack and exit 0 only when it is Connected.`
	var changed template.Parameters
	rf := retry.Flags()
	rf.StringVar(&changed.PartnerAccountID, "partner-account", "", "another partner account ID (default: as launched)")
	rf.StringVar(&changed.ExternalID, "external-id", "", "another external ID (default: as launched)")
	bucketFlags(retry, &changed)
	rWait := rf.Bool("wait", true, "follow the new stack until Connected or Error")
	retry.RunE = func(c *cobra.Command, _ []string) error {
		set := map[string]string{}
		for flag, v := range map[string]string{"partner-account": changed.PartnerAccountID, "external-id": changed.ExternalID,
			"cas-bucket-name": changed.CasBucketName, "sdds-bucket-name": changed.SddsBucketName} {
			if c.Flags().Changed(flag) {
				set[flag] = v
			}
		}
		return runStackRetry(c.Context(), e, *rName, set, *rWait)
	}

	c := group("stack", "a subcommand: events, watch, retry or delete", events, watch, retry, del)
	c.Use = "stack events|watch|retry|delete"
	c.Short = "the onboarding stack: events, watch, retry or delete"
	c.Example = "  sellerdesk stack events\n  sellerdesk stack watch --stack-name MyOnboarding\n  sellerdesk stack retry --cas-bucket-name my-cas-bucket-2026\n  sellerdesk stack delete --yes"
	c.RunE = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("stack needs a subcommand: events, watch, retry or delete")
		}
		return usagef("unknown stack subcommand %q (want events, watch, retry or delete)", args[0])
	}
	return c
}

func statusCommand(e *env) *cobra.Command {
	var stackName string
	c := &cobra.Command{
		Use:     "status",
		Short:   "the tiles: seller account, role and access, SDDS, notifications, CAS (legacy) (exit 0 only when every required tile is connected)",
		Example: "  sellerdesk status\n  sellerdesk status --sandbox connected --json",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runStatus(c.Context(), e, stackName) },
	}
	c.Flags().StringVar(&stackName, "stack-name", onboarding.DefaultStackName, "onboarding stack name")
	return c
}

func testCommand(e *env) *cobra.Command {
	sub := func(which, what string) *cobra.Command {
		var stackName string
		c := &cobra.Command{
			Use:     which,
			Short:   "run Test Configuration for " + what + " and print each check",
			Example: "  sellerdesk test " + which + "\n  sellerdesk test " + which + " --sandbox connected",
			Args:    noArgs,
			RunE:    func(c *cobra.Command, _ []string) error { return runTest(c.Context(), e, which, stackName) },
		}
		c.Flags().StringVar(&stackName, "stack-name", onboarding.DefaultStackName, "onboarding stack name")
		return c
	}
	c := group("test", "cas, sdds or notifications", sub("cas", "CAS"), sub("sdds", "SDDS"),
		sub("notifications", "the Notifications tile (the Marketplace event rule, its queue and dead-letter queue)"))
	c.Use = "test cas|sdds|notifications"
	c.Short = "run Test Configuration: 'test cas', 'test sdds' or 'test notifications' (exit 0 only when every check passed)"
	c.Example = "  sellerdesk test cas\n  sellerdesk test sdds --profile seller\n  sellerdesk test notifications --sandbox connected"
	c.RunE = func(*cobra.Command, []string) error { return usagef("test needs cas, sdds or notifications") }
	return c
}

func entitiesCommand(e *env) *cobra.Command {
	var typ string
	c := &cobra.Command{
		Use:     "entities",
		Short:   "list the seller's Marketplace Catalog entities (cached, refreshed incrementally)",
		Example: "  sellerdesk entities\n  sellerdesk entities --type Offer --json",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runEntities(c.Context(), e, typ) },
	}
	c.Flags().StringVar(&typ, "type", "", "entity type: "+strings.Join(catalog.EntityTypes, ", ")+" (default: all)")
	return c
}

func tagsCommand(e *env) *cobra.Command {
	arnArgs := func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("%s needs a resource ARN", commandName(c))
		}
		return nil
	}
	list := &cobra.Command{
		Use:     "list ARN",
		Short:   "print the tags of an entity or change set",
		Example: "  sellerdesk tags list arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-1\n  sellerdesk tags list ARN --json --sandbox connected",
		Args: func(c *cobra.Command, args []string) error {
			if err := arnArgs(c, args); err != nil {
				return err
			}
			if len(args) > 1 {
				return usagef("tags list takes one resource ARN, got %q", args)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return runTagsList(c.Context(), e, args[0]) },
	}
	add := &cobra.Command{
		Use:   "add ARN KEY=VALUE ...",
		Short: "add or change tags on an entity or change set",
		Long: `Add or change tags on an entity or change set. The tag rules are checked
before any call. KEY= gives an empty value. A value may look like a flag
(note=--sandbox); after "--" every word is a tag.`,
		Example: "  sellerdesk tags add ARN owner=ann tier=gold\n  sellerdesk tags add ARN owner=ann --sandbox connected\n  sellerdesk tags add --profile seller ARN note=--sandbox",
		Args:    arnArgs,
		RunE:    func(c *cobra.Command, args []string) error { return runTagsAdd(c.Context(), e, args[0], args[1:]) },
	}
	remove := &cobra.Command{
		Use:     "remove ARN KEY ...",
		Short:   "remove tag keys from an entity or change set",
		Example: "  sellerdesk tags remove ARN tier\n  sellerdesk tags remove ARN owner tier --profile seller",
		Args:    arnArgs,
		RunE:    func(c *cobra.Command, args []string) error { return runTagsRemove(c.Context(), e, args[0], args[1:]) },
	}
	var file, resume string
	var yes bool
	bulk := &cobra.Command{
		Use:   "bulk --file F [--yes] | --resume ID",
		Short: "tag many resources from a job file, under the quota, resumable",
		Long: `Preview the tags a job file would change; with --yes, apply them under the
5 req/s quota, slowing to the rate AWS grants when throttled. Every step is
journaled: --resume ID continues a job after a crash or Ctrl+C.

The job file is JSON: {"kind":"add"|"remove","tags":[{"key":..,"value":..}],"keys":[..],"arns":[..]}`,
		Example: "  sellerdesk tags bulk --file job.json\n  sellerdesk tags bulk --file job.json --yes\n  sellerdesk tags bulk --resume 20250101T000000Z-abcd1234",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runTagsBulk(c.Context(), e, file, resume, yes) },
	}
	bulk.Flags().StringVar(&file, "file", "", "bulk job file (JSON)")
	bulk.Flags().StringVar(&resume, "resume", "", "resume the bulk job with this ID")
	bulk.Flags().BoolVar(&yes, "yes", false, "apply the bulk job without asking after the preview")

	c := group("tags", "list, add, remove or bulk", list, add, remove, bulk)
	c.Use = "tags list|add|remove|bulk"
	c.Short = "Catalog tags: list, add, remove, bulk"
	c.Example = "  sellerdesk tags list ARN\n  sellerdesk tags add ARN owner=ann\n  sellerdesk tags remove ARN owner\n  sellerdesk tags bulk --file job.json --yes"
	c.RunE = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("tags needs list, add, remove or bulk")
		}
		return usagef("unknown tags subcommand %q (want list, add, remove or bulk)", args[0])
	}
	return c
}

func changeSetCommand(e *env) *cobra.Command {
	var o changeSetStart
	start := &cobra.Command{
		Use:   "start --type T --entity-type E@1.0 [--entity-id ID] --details JSON",
		Short: "start a change set",
		Example: `  sellerdesk changeset start --type UpdateInformation --entity-type SaaSProduct@1.0 \
    --entity-id prod-d91ac31927815 --details '{"ProductTitle":"My updated title"}' \
    --changeset-tag product-team=team-xyz --watch`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runChangeSetStart(c.Context(), e, o) },
	}
	f := start.Flags()
	f.StringVar(&o.changeType, "type", "", "ChangeType, e.g. UpdateInformation or CreateExperience")
	f.StringVar(&o.entityType, "entity-type", "", "entity type with version, e.g. SaaSProduct@1.0")
	f.StringVar(&o.entityID, "entity-id", "", "entity ID; omit when the change creates the entity")
	f.StringVar(&o.details, "details", "{}", "Details JSON")
	f.StringVar(&o.name, "name", "", "change set name")
	f.Var(&o.csTags, "changeset-tag", "KEY=VALUE tag on the change set (repeatable)")
	f.Var(&o.entTags, "entity-tag", "KEY=VALUE tag on the entity (repeatable)")
	f.BoolVar(&o.watch, "watch", false, "follow the change set until it ends")

	oneID := func(c *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s takes one change set ID", commandName(c))
		}
		return nil
	}
	watch := &cobra.Command{
		Use:     "watch ID",
		Short:   "follow a change set to SUCCEEDED, FAILED or CANCELLED, with its errors",
		Example: "  sellerdesk changeset watch 4kx8hv0xuvl2zm3cqwa7dp8dk",
		Args:    oneID,
		RunE:    func(c *cobra.Command, args []string) error { return runChangeSetWatch(c.Context(), e, args[0]) },
	}
	cancel := &cobra.Command{
		Use:     "cancel ID",
		Short:   "cancel a change set",
		Example: "  sellerdesk changeset cancel 4kx8hv0xuvl2zm3cqwa7dp8dk",
		Args:    oneID,
		RunE:    func(c *cobra.Command, args []string) error { return runChangeSetCancel(c.Context(), e, args[0]) },
	}
	var status string
	list := &cobra.Command{
		Use:     "list",
		Short:   "list recent change sets",
		Example: "  sellerdesk changeset list\n  sellerdesk changeset list --status FAILED --json",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runChangeSetList(c.Context(), e, status) },
	}
	list.Flags().StringVar(&status, "status", "", "filter: PREPARING, APPLYING, SUCCEEDED, CANCELLED or FAILED")

	c := group("changeset", "start, watch, cancel or list", start, watch, cancel, list)
	c.Use = "changeset start|watch|cancel|list"
	c.Short = "Catalog change sets: start, watch, cancel, list"
	c.Example = "  sellerdesk changeset list\n  sellerdesk changeset watch ID\n  sellerdesk changeset cancel ID"
	c.RunE = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("changeset needs start, watch, cancel or list")
		}
		return usagef("unknown changeset subcommand %q (want start, watch, cancel or list)", args[0])
	}
	return c
}

func policyCommand(e *env) *cobra.Command {
	var o policyOptions
	var b strings.Builder
	for _, p := range policy.Patterns() {
		fmt.Fprintf(&b, "  %-24s %s\n", p, p.Description())
	}
	c := &cobra.Command{
		Use:   "policy PATTERN [flags] | lint FILE | managed",
		Short: "Catalog API access policies: print the IAM JSON of a pattern, lint a policy, list the AWS managed ones",
		Long: `Print the IAM policy for one of the guide's Catalog API access patterns;
with --create, also create (or update) it in IAM and attach it. A second run
changes nothing.

Patterns:
` + b.String(),
		Example: "  sellerdesk policy start-by-tag --tag product-team=team-xyz\n" +
			"  sellerdesk policy entities --entity ARN --create TeamXyzEntities --attach-role CatalogEditor\n" +
			"  sellerdesk policy lint my-policy.json",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("%s", policyUsage())
			}
			if len(args) > 1 {
				return usagef("policy takes one PATTERN, got %q", args)
			}
			return runPolicy(c.Context(), e, args[0], o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.opts.Account, "account", "", "12-digit seller account ID")
	f.Var(&o.entities, "entity", "entity ARN (repeatable)")
	f.Var(&o.changeTypes, "change-type", "allowed ChangeType (repeatable)")
	f.Var(&o.actions, "actions", "actions instead of the pattern's default (comma-separated)")
	f.StringVar(&o.tag, "tag", "", "tag condition KEY=VALUE")
	f.StringVar(&o.create, "create", "", "create (or update) this customer managed policy in IAM")
	f.StringVar(&o.attachRole, "attach-role", "", "with --create: attach the policy to this IAM role")
	f.StringVar(&o.attachUser, "attach-user", "", "with --create: attach the policy to this IAM user")

	lint := &cobra.Command{
		Use:     "lint FILE",
		Short:   "explain each Catalog API access rule a policy breaks (FILE - reads standard input)",
		Example: "  sellerdesk policy lint my-policy.json\n  sellerdesk policy start-by-tag --tag k=v | sellerdesk policy lint -",
		Args:    cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("policy lint takes one FILE (or - for standard input)")
			}
			return runPolicyLint(e, args[0])
		},
	}
	managed := &cobra.Command{
		Use:     "managed",
		Short:   "list the AWS managed policies for Marketplace and what each is for",
		Example: "  sellerdesk policy managed",
		Args:    noArgs,
		RunE:    func(*cobra.Command, []string) error { return runPolicyManaged(e) },
	}
	c.AddCommand(lint, managed)
	return c
}

func resaleRoleCommand(e *env) *cobra.Command {
	var steps bool
	c := &cobra.Command{
		Use:     "resale-role",
		Short:   "create or repair the FullResaleAuthorizationAccess policy and role (idempotent)",
		Example: "  sellerdesk resale-role --profile seller\n  sellerdesk resale-role --steps",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runResaleRole(c.Context(), e, steps) },
	}
	c.Flags().BoolVar(&steps, "steps", false, "print the 10 console steps this command replaces, and exit")
	return c
}

func versionCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "print the version",
		Example: "  sellerdesk version\n  sellerdesk version --json",
		Args:    noArgs,
		RunE:    func(*cobra.Command, []string) error { return runVersion(e) },
	}
}

func serveWebCommand(e *env) *cobra.Command {
	var addr string
	c := &cobra.Command{
		Use:     "serve-web",
		Short:   "serve the UI and its services to a browser on loopback (tests, demos)",
		Example: "  sellerdesk serve-web --sandbox fresh --addr 127.0.0.1:8080",
		Hidden:  true,
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runServeWeb(c.Context(), e, addr) },
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback address")
	return c
}
