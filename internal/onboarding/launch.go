package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// StackExistsError says a stack of that name is already there.
type StackExistsError struct {
	Name, Status string
	Since        time.Time // when its current (or last) operation began; zero: unknown
}

func (e *StackExistsError) Error() string {
	if e.InProgress() {
		return fmt.Sprintf("stack %s is already being %s (%s%s): nothing was launched; follow it instead of launching again", e.Name, e.Doing(), e.Status, e.since())
	}
	return fmt.Sprintf("a stack named %q already exists (status %s): open it to follow or update it, delete it first, or choose another stack name", e.Name, e.Status)
}

func (e *StackExistsError) since() string {
	if e.Since.IsZero() {
		return ""
	}
	return " since " + e.Since.Local().Format("15:04:05")
}

// InProgress says the stack is being created, updated, rolled back or
// deleted right now: following it is the next step.
func (e *StackExistsError) InProgress() bool { return strings.HasSuffix(e.Status, "_IN_PROGRESS") }

// Doing names the operation under way: "created", "deleted", …
func (e *StackExistsError) Doing() string {
	switch {
	case strings.Contains(e.Status, "ROLLBACK"):
		return "rolled back"
	case strings.HasPrefix(e.Status, "DELETE_"):
		return "deleted"
	case strings.HasPrefix(e.Status, "UPDATE_"):
		return "updated"
	case strings.HasPrefix(e.Status, "REVIEW_"):
		return "reviewed"
	}
	return "created"
}

// Follow returns the record to watch a stack that is already there through
// the operation it is in (or its last one), so that `stack watch` and the
// window follow it with the same watcher as a launch.
func Follow(ctx context.Context, cfn CFN, targetKey, stackName string) (StackRecord, error) {
	rec, found, err := Discover(ctx, cfn, targetKey, stackName)
	if err != nil {
		return StackRecord{}, err
	}
	if !found {
		return StackRecord{}, fmt.Errorf("following stack %s: %w", stackName, &StackNotFoundError{Name: stackName})
	}
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(rec.StackID)}, retryReadCFN)
	if err != nil {
		return StackRecord{}, fmt.Errorf("reading stack %s: %w", stackName, err)
	}
	if len(out.Stacks) == 0 {
		return StackRecord{}, fmt.Errorf("following stack %s: %w", stackName, &StackNotFoundError{Name: stackName})
	}
	rec.Operation, rec.Phase, rec.Failure, rec.Done = operationOf(rec.Status), PhaseLaunching, nil, 0
	if rec.Operation == "delete" {
		rec.Phase = PhaseDeleting
	}
	// Events before the operation began are history: the watcher skips them.
	rec.StartedAt = operationStart(out.Stacks[0])
	return rec, nil
}

// StackNotFoundError says there is no live stack of that name (it was
// deleted, or never created here). Err is AWS's answer, when there was one.
type StackNotFoundError struct {
	Name string
	Err  error
}

func (e *StackNotFoundError) Error() string {
	return fmt.Sprintf("there is no stack named %q in this account and region", e.Name)
}

func (e *StackNotFoundError) Unwrap() error { return e.Err }

// operationOf names the operation a stack status belongs to.
func operationOf(status string) string {
	switch {
	case strings.HasPrefix(status, "DELETE_"):
		return "delete"
	case strings.HasPrefix(status, "UPDATE_"):
		return "update"
	}
	return "create" // CREATE_* and ROLLBACK_* (a create rolling back)
}

// Launch validates the parameters and creates the stack. It returns the
// record to watch; nothing is created when validation fails.
func Launch(ctx context.Context, cfn CFN, targetKey, stackName string, p template.Parameters) (StackRecord, error) {
	if err := template.ValidateStackName(stackName); err != nil {
		return StackRecord{}, err
	}
	if err := p.Validate(); err != nil {
		return StackRecord{}, err
	}
	if st, ok, err := liveStack(ctx, cfn, stackName); err != nil {
		return StackRecord{}, fmt.Errorf("checking whether stack %s exists: %w", stackName, err)
	} else if ok {
		return StackRecord{}, &StackExistsError{Name: stackName, Status: string(st.StackStatus), Since: operationStart(st)}
	}
	total, err := resourceCount(p)
	if err != nil {
		return StackRecord{}, err
	}
	in := &cloudformation.CreateStackInput{
		StackName:    aws.String(stackName),
		TemplateBody: aws.String(string(template.Body())),
		Parameters:   cfnParams(p),
		Capabilities: capabilities(),
		// Roll back on failure, as the guide describes, so nothing is left
		// half-created; retained buckets are reported by the events.
		OnFailure: cfntypes.OnFailureRollback,
		Tags: []cfntypes.Tag{
			{Key: aws.String("sellerdesk:template-version"), Value: aws.String(template.Version)},
			{Key: aws.String("sellerdesk:managed"), Value: aws.String("true")},
		},
		// The token makes a repeat of this request (its answer lost or cut
		// short on the way back) the same request: CloudFormation answers
		// with the stack it created, instead of a second stack or a refusal.
		ClientRequestToken: aws.String(fmt.Sprintf("sellerdesk-create-%d", time.Now().UnixNano())),
	}
	// CreateStack changes the account, but with its token repeating it is
	// safe, so it is retried like a read, a cut-short answer included.
	out, err := cfn.CreateStack(ctx, in, retryReadCFN)
	var stackID string
	if err == nil {
		stackID = aws.ToString(out.StackId)
	} else {
		// An endpoint that does not recognise the repeat answers
		// AlreadyExistsException: the stack is ours when its creation
		// carries our token.
		id, ours, oerr := createdWithToken(ctx, cfn, stackName, aws.ToString(in.ClientRequestToken))
		if !isAlreadyExists(err) || oerr != nil || !ours {
			return StackRecord{}, fmt.Errorf("creating stack %s: %w", stackName, err)
		}
		stackID = id
	}
	now := time.Now().UTC()
	return StackRecord{
		TargetKey: targetKey, StackName: stackName, StackID: stackID,
		Phase: PhaseLaunching, Status: "CREATE_IN_PROGRESS", Operation: "create",
		TemplateVersion: template.Version, Params: p, Total: total, StartedAt: now, UpdatedAt: now,
	}, nil
}

// resourceCount is how many resources the template creates for p.
func resourceCount(p template.Parameters) (int, error) {
	sum, err := template.DescribeFor(p)
	if err != nil {
		return 0, fmt.Errorf("reading the onboarding template: %w", err)
	}
	n := 0
	for _, r := range sum.Resources {
		if !r.Skipped {
			n++
		}
	}
	return n, nil
}

func cfnParams(p template.Parameters) []cfntypes.Parameter {
	var out []cfntypes.Parameter
	for _, kv := range p.CFN() {
		out = append(out, cfntypes.Parameter{ParameterKey: aws.String(kv.Key), ParameterValue: aws.String(kv.Value)})
	}
	return out
}

func capabilities() []cfntypes.Capability {
	var out []cfntypes.Capability
	for _, c := range template.Capabilities {
		out = append(out, cfntypes.Capability(c))
	}
	return out
}

// liveStack returns the live stack of that name, if any.
func liveStack(ctx context.Context, cfn CFN, name string) (cfntypes.Stack, bool, error) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)}, retryReadCFN)
	if err != nil {
		if isNotFound(err) {
			return cfntypes.Stack{}, false, nil
		}
		return cfntypes.Stack{}, false, err
	}
	for _, s := range out.Stacks {
		if s.StackStatus != cfntypes.StackStatusDeleteComplete {
			return s, true, nil
		}
	}
	return cfntypes.Stack{}, false, nil
}

// operationStart is when the stack's current (or last) operation began.
func operationStart(s cfntypes.Stack) time.Time {
	switch operationOf(string(s.StackStatus)) {
	case "delete":
		if s.DeletionTime != nil {
			return *s.DeletionTime
		}
	case "update":
		if s.LastUpdatedTime != nil {
			return *s.LastUpdatedTime
		}
	}
	return aws.ToTime(s.CreationTime)
}

// createdWithToken reports whether the creation event of stack name
// carries token, and the stack's ID.
func createdWithToken(ctx context.Context, cfn CFN, name, token string) (string, bool, error) {
	p := cloudformation.NewDescribeStackEventsPaginator(cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, retryReadCFN)
		if err != nil {
			return "", false, err
		}
		for _, e := range page.StackEvents {
			if aws.ToString(e.LogicalResourceId) == name && e.ResourceStatus == cfntypes.ResourceStatusCreateInProgress {
				return aws.ToString(e.StackId), token != "" && aws.ToString(e.ClientRequestToken) == token, nil
			}
		}
	}
	return "", false, nil
}

func isAlreadyExists(err error) bool {
	var ae *cfntypes.AlreadyExistsException
	return errors.As(err, &ae)
}

// isNotFound: the stack does not exist (CloudFormation's ValidationError
// "… does not exist", classified in internal/awserr, the one place that
// reads that message).
func isNotFound(err error) bool {
	return awserr.Of(err) == awserr.NotFound
}

// Delete starts deleting the stack; Watch follows it.
func Delete(ctx context.Context, cfn CFN, rec StackRecord) (StackRecord, error) {
	id := rec.StackID
	if id == "" {
		id = rec.StackName
	}
	// Deleting a stack that is being deleted, or is gone, succeeds: a
	// repeat after a lost answer is safe, so it is retried like a read.
	if _, err := cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}, retryReadCFN); err != nil {
		return rec, fmt.Errorf("deleting stack %s: %w", rec.StackName, err)
	}
	rec.Phase, rec.Operation, rec.Status = PhaseDeleting, "delete", "DELETE_IN_PROGRESS"
	rec.Done, rec.Failure, rec.Checks = 0, nil, nil
	rec.UpdatedAt = time.Now().UTC()
	return rec, nil
}
