package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

func runTemplate(e *env) error {
	if e.g.JSON {
		sum, err := template.Describe()
		if err != nil {
			return err
		}
		return e.printJSON(sum)
	}
	_, err := e.Stdout.Write(template.Body())
	return err
}

// eventPrinter prints each new event once, as it arrives.
type eventPrinter struct {
	e       *env
	printed int
	last    onboarding.Phase
}

func (p *eventPrinter) update(r onboarding.StackRecord) {
	for _, ev := range r.Events[min(p.printed, len(r.Events)):] {
		if p.e.g.JSON {
			_ = p.e.printJSON(ev)
		} else {
			reason := ""
			if ev.Reason != "" {
				reason = "  " + ev.Reason
			}
			fmt.Fprintf(p.e.Stdout, "%s  %-28s %-32s %s%s\n", ev.Time.Local().Format("15:04:05"), ev.Status, ev.LogicalID, ev.Type, reason)
		}
	}
	p.printed = len(r.Events)
	if r.Phase != p.last && !p.e.g.JSON {
		switch r.Phase {
		case onboarding.PhaseLaunching:
			fmt.Fprintf(p.e.Stderr, "… %d of %d resources complete\n", r.Done, r.Total)
		case onboarding.PhaseDeleting:
			fmt.Fprintf(p.e.Stderr, "… deleting: %d of %d resources removed\n", r.Done, r.Total)
		case onboarding.PhaseVerifying:
			fmt.Fprintln(p.e.Stderr, "Stack complete; verifying the partner role (iam:GetRole, ListRolePolicies, GetRolePolicy)…")
		}
		p.last = r.Phase
	}
}

// stackConn is what the stack commands talk to.
type stackConn struct {
	cfn     *cloudformation.Client
	iam     *iam.Client
	key     string             // the target's cache key
	polling onboarding.Polling // paced for the target by the session
	close   func()
}

func (e *env) stackClients(ctx context.Context) (stackConn, error) {
	m, err := e.connect(ctx)
	if err != nil {
		return stackConn{}, err
	}
	t, cfg, err := m.Current()
	if err != nil {
		m.Close()
		return stackConn{}, err
	}
	return stackConn{cfn: cloudformation.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), key: t.Key(),
		polling: onboarding.PollingFrom(m.PollInterval()), close: func() { m.Close() }}, nil
}

func runLaunch(ctx context.Context, e *env, p template.Parameters, stackName string, wait bool) error {
	if p.PartnerAccountID == "" || p.ExternalID == "" {
		return usagef("--partner-account and --external-id are required")
	}
	c, err := e.stackClients(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	fmt.Fprintf(e.Stderr, "Creating stack %s. It creates IAM roles and policies with custom names (%s): see 'sellerdesk template --json' for every permission.\n",
		stackName, strings.Join(template.Capabilities, ", "))
	rec, err := onboarding.Launch(ctx, c.cfn, c.key, stackName, p)
	if exists := (*onboarding.StackExistsError)(nil); errors.As(err, &exists) && exists.InProgress() {
		// A refusal like any other (exit 1), with the command that follows it.
		return fmt.Errorf("%w.\nFollow it with: sellerdesk stack watch --stack-name %s%s", err, exists.Name, e.g.targetFlags())
	}
	if err != nil {
		return err
	}
	if !wait {
		if e.g.JSON {
			return e.printJSON(rec)
		}
		fmt.Fprintf(e.Stdout, "Stack %s is being created: %s\nFollow it with: sellerdesk stack events --stack-name %s\n", rec.StackName, rec.StackID, rec.StackName)
		return nil
	}
	return e.follow(ctx, c, rec)
}

// follow watches rec, printing events, and turns the end into an exit code.
func (e *env) follow(ctx context.Context, c stackConn, rec onboarding.StackRecord) error {
	pr := &eventPrinter{e: e}
	w := &onboarding.Watcher{CFN: c.cfn, IAM: c.iam, OnUpdate: pr.update, Polling: c.polling}
	final, err := w.Watch(ctx, rec)
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("stopped following stack %s; CloudFormation carries on. Follow it again with: sellerdesk stack watch --stack-name %s%s",
			rec.StackName, rec.StackName, e.g.targetFlags())
	}
	if err != nil {
		return err
	}
	switch final.Phase {
	case onboarding.PhaseConnected:
		if !e.g.JSON {
			fmt.Fprintf(e.Stdout, "\nConnected: %s\n", final.Outputs["PartnerRoleArn"])
			for _, c := range final.Checks {
				fmt.Fprintf(e.Stdout, "  ✓ %s — %s\n", c.Name, c.Detail)
			}
		} else {
			_ = e.printJSON(final)
		}
		return nil
	case onboarding.PhaseNotConnected:
		fmt.Fprintf(e.Stdout, "\nStack %s deleted.\n", final.StackName)
		return nil
	}
	if f := final.Failure; f != nil && f.Unverified {
		// No verdict: the stack is complete and nothing is known to be wrong.
		return fmt.Errorf("stack %s is complete (%s), but the partner role could not be checked.\n  %s\nTest again with: sellerdesk status --stack-name %s%s",
			final.StackName, final.Status, f.Plain, final.StackName, e.g.targetFlags())
	}
	msg := "Error: stack " + final.StackName + " ended in " + final.Status
	if final.Failure != nil {
		msg += "\n  failing resource: " + final.Failure.LogicalID + " (" + final.Failure.Type + ")\n  " + final.Failure.Plain
	}
	if final.RolledBack {
		msg += "\n  The stack was rolled back; remove it with: sellerdesk stack delete --yes --stack-name " + final.StackName
	}
	return errors.New(msg)
}

func runStack(ctx context.Context, e *env, sub, stackName string, yes, wait bool) error {
	if sub == "delete" && !yes {
		return usagef("deleting stack %s removes the partner role and access; add --yes to confirm (the CAS and SDDS buckets are kept)", stackName)
	}
	c, err := e.stackClients(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	if sub == "events" {
		return e.printEvents(ctx, c.cfn, stackName)
	}
	// watch and delete both follow the stack's operation with the watcher
	// launch uses, to its end.
	rec, err := onboarding.Follow(ctx, c.cfn, c.key, stackName)
	if err != nil {
		return err
	}
	if sub == "watch" {
		fmt.Fprintf(e.Stderr, "Following stack %s (%s)…\n", rec.StackName, rec.Status)
		return e.follow(ctx, c, rec)
	}
	rec.StartedAt = time.Now().UTC()
	rec, err = onboarding.Delete(ctx, c.cfn, rec)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "Deleting stack %s…\n", stackName)
	if !wait {
		return nil
	}
	return e.follow(ctx, c, rec)
}

// runStackRetry deletes the failed stack and creates it again with the
// values it was launched with, changed by set (flag name → value).
func runStackRetry(ctx context.Context, e *env, stackName string, set map[string]string, wait bool) error {
	c, err := e.stackClients(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	failed, found, err := onboarding.Discover(ctx, c.cfn, c.key, stackName)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("retrying stack %s: %w", stackName, &onboarding.StackNotFoundError{Name: stackName})
	}
	p := failed.Params
	for flag, v := range set {
		switch flag {
		case "partner-account":
			p.PartnerAccountID = v
		case "external-id":
			p.ExternalID = v
		case "cas-bucket-name":
			p.CasBucketName = v
		case "sdds-bucket-name":
			p.SddsBucketName = v
		}
	}
	if failed.Phase == onboarding.PhaseError {
		fmt.Fprintf(e.Stderr, "Deleting the failed stack %s (%s), then creating it again…\n", stackName, failed.Status)
	}
	w := &onboarding.Watcher{CFN: c.cfn, IAM: c.iam, Polling: c.polling}
	rec, err := onboarding.Retry(ctx, c.cfn, w, failed, stackName, p)
	if err != nil {
		return err
	}
	if !wait {
		fmt.Fprintf(e.Stdout, "Stack %s is being created again: %s\nFollow it with: sellerdesk stack watch --stack-name %s%s\n",
			rec.StackName, rec.StackID, rec.StackName, e.g.targetFlags())
		return nil
	}
	return e.follow(ctx, c, rec)
}

func (e *env) printEvents(ctx context.Context, cfn *cloudformation.Client, name string) error {
	var all []onboarding.Event
	p := cloudformation.NewDescribeStackEventsPaginator(cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("reading events of stack %s: %w", name, err)
		}
		for _, se := range page.StackEvents {
			all = append(all, onboarding.Event{ID: aws.ToString(se.EventId), Time: aws.ToTime(se.Timestamp), LogicalID: aws.ToString(se.LogicalResourceId),
				PhysicalID: aws.ToString(se.PhysicalResourceId), Type: aws.ToString(se.ResourceType), Status: string(se.ResourceStatus), Reason: aws.ToString(se.ResourceStatusReason)})
		}
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	if e.g.JSON {
		if all == nil {
			all = []onboarding.Event{}
		}
		return e.printJSON(all)
	}
	pr := &eventPrinter{e: e}
	pr.update(onboarding.StackRecord{Events: all, Phase: "events"})
	return nil
}
