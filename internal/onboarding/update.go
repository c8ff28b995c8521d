package onboarding

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// ChangeSet is a prepared update.
type ChangeSet struct {
	ID      string
	Changes []Change
}

// Change is one resource change of a change set.
type Change struct {
	Action, LogicalID, Type, Replacement string
}

// PrepareUpdate creates a change set moving the stack to the app's template
// with the same parameters, waits until it is ready, and returns its changes.
// Nothing changes in the account until ExecuteUpdate.
func PrepareUpdate(ctx context.Context, cfn CFN, rec StackRecord) (ChangeSet, error) {
	name := fmt.Sprintf("sellerdesk-update-%d", time.Now().Unix())
	out, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
		StackName:     aws.String(rec.StackID),
		ChangeSetName: aws.String(name),
		ChangeSetType: cfntypes.ChangeSetTypeUpdate,
		TemplateBody:  aws.String(string(template.Body())),
		Parameters:    cfnParams(rec.Params),
		Capabilities:  capabilities(),
		Tags: []cfntypes.Tag{
			{Key: aws.String("sellerdesk:template-version"), Value: aws.String(template.Version)},
			{Key: aws.String("sellerdesk:managed"), Value: aws.String("true")},
		},
	})
	if err != nil {
		return ChangeSet{}, fmt.Errorf("creating the update change set: %w", err)
	}
	id := aws.ToString(out.Id)
	wait := 500 * time.Millisecond
	for {
		d, err := cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id), StackName: aws.String(rec.StackID)})
		if err != nil {
			return ChangeSet{}, fmt.Errorf("reading the update change set: %w", err)
		}
		switch d.Status {
		case cfntypes.ChangeSetStatusCreateComplete:
			cs := ChangeSet{ID: id}
			for _, c := range d.Changes {
				if rc := c.ResourceChange; rc != nil {
					cs.Changes = append(cs.Changes, Change{Action: string(rc.Action), LogicalID: aws.ToString(rc.LogicalResourceId),
						Type: aws.ToString(rc.ResourceType), Replacement: string(rc.Replacement)})
				}
			}
			return cs, nil
		case cfntypes.ChangeSetStatusFailed:
			return ChangeSet{}, fmt.Errorf("the update change set failed: %s", aws.ToString(d.StatusReason))
		}
		select {
		case <-ctx.Done():
			return ChangeSet{}, ctx.Err()
		case <-time.After(wait):
			wait = min(wait*2, 5*time.Second)
		}
	}
}

// ExecuteUpdate runs a prepared change set; Watch follows it.
func ExecuteUpdate(ctx context.Context, cfn CFN, rec StackRecord, changeSetID string) (StackRecord, error) {
	if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: aws.String(changeSetID), StackName: aws.String(rec.StackID)}); err != nil {
		return rec, fmt.Errorf("running the update change set: %w", err)
	}
	total, err := resourceCount(rec.Params)
	if err != nil {
		return rec, err
	}
	now := time.Now().UTC()
	rec.Phase, rec.Operation, rec.Status = PhaseLaunching, "update", "UPDATE_IN_PROGRESS"
	rec.Total, rec.Done, rec.Failure, rec.Checks, rec.StartedAt, rec.UpdatedAt = total, 0, nil, nil, now, now
	rec.Drift = nil // the update changes what drift detection would find
	return rec, nil
}
