package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/spf13/cobra"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

func driftCommand(e *env) *cobra.Command {
	var stackName string
	var restore bool
	c := &cobra.Command{
		Use:   "drift",
		Short: "detect drift on the onboarding stack with CloudFormation (exit 1 when anything drifted)",
		Long: `Run CloudFormation's drift detection on the onboarding stack and print each
resource that no longer matches the template, in plain words. Exit status 1 when
anything drifted.

With --restore, SellerDesk writes the drifted policies back to the template's
values (trust policy, inline and managed policies of the role, bucket, queue,
topic and key policies) with their own APIs, then detects drift again. An update
of the stack with the same template would not do it: CloudFormation answers "No
updates are to be performed" and leaves drift as it is.`,
		Example: "  sellerdesk drift\n  sellerdesk drift --sandbox connected --json\n  sellerdesk drift --restore --profile seller",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runDrift(c.Context(), e, stackName, restore) },
	}
	c.Flags().StringVar(&stackName, "stack-name", onboarding.DefaultStackName, "onboarding stack name")
	c.Flags().BoolVar(&restore, "restore", false, "write the drifted policies back to the template's values, then check again")
	return c
}

// driftOutput is what --json prints.
type driftOutput struct {
	Report   onboarding.DriftReport    `json:"report"`
	Lines    []string                  `json:"lines"`
	Restore  *onboarding.RestoreResult `json:"restore,omitempty"`
	Before   *onboarding.DriftReport   `json:"before,omitempty"` // the drift --restore found
	Restored bool                      `json:"restored"`
}

func runDrift(ctx context.Context, e *env, stackName string, restore bool) error {
	m, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	_, cfg, err := m.Current()
	if err != nil {
		return err
	}
	cfn := cloudformation.NewFromConfig(cfg)
	progress := func(p onboarding.DriftProgress) {
		if !e.g.JSON {
			fmt.Fprintf(e.Stderr, "… CloudFormation is checking the stack's resources (%s)\n", p.Elapsed.Round(1e9))
		}
	}
	rep, err := onboarding.DetectDrift(ctx, cfn, stackName, progress)
	if err != nil {
		return err
	}
	out := driftOutput{Report: rep, Lines: rep.Lines()}
	if restore && rep.Drifted() {
		before := rep
		res, rerr := onboarding.Restore(ctx, onboarding.NewRestoreClients(cfg), rep)
		out.Restore, out.Before = &res, &before
		if rerr != nil {
			e.printDrift(out)
			return rerr
		}
		if rep, err = onboarding.DetectDrift(ctx, cfn, stackName, progress); err != nil {
			return err
		}
		out.Report, out.Lines, out.Restored = rep, rep.Lines(), !rep.Drifted()
	}
	e.printDrift(out)
	if rep.Drifted() {
		if restore {
			return fmt.Errorf("stack %s still differs from its template after the restore", stackName)
		}
		return errors.New("stack " + stackName + " has drifted from its template: write the template's values back with: sellerdesk drift --restore" + e.g.targetFlags())
	}
	return nil
}

func (e *env) printDrift(out driftOutput) {
	if e.g.JSON {
		_ = e.printJSON(out)
		return
	}
	if out.Restore != nil {
		fmt.Fprintln(e.Stdout, "Before: "+out.Before.Summary())
		for _, l := range out.Before.Lines() {
			fmt.Fprintln(e.Stdout, "  "+l)
		}
		fmt.Fprintln(e.Stdout, out.Restore.Summary())
	}
	fmt.Fprintln(e.Stdout, out.Report.Summary())
	for _, l := range out.Lines {
		fmt.Fprintln(e.Stdout, "  "+l)
	}
}
