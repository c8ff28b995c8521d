package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// Discover reads an existing stack of that name (launched from the CLI,
// another machine, or the console) into a record, so the tiles can verify it
// without a launch from this copy of SellerDesk. found is false when there
// is no live stack of that name.
func Discover(ctx context.Context, cfn CFN, targetKey, stackName string) (rec StackRecord, found bool, err error) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stackName)}, retryReadCFN)
	if err != nil {
		if isNotFound(err) {
			return StackRecord{}, false, nil
		}
		return StackRecord{}, false, fmt.Errorf("looking for stack %s: %w", stackName, err)
	}
	if len(out.Stacks) == 0 || out.Stacks[0].StackStatus == cfntypes.StackStatusDeleteComplete {
		return StackRecord{}, false, nil
	}
	st := out.Stacks[0]
	rec = StackRecord{TargetKey: targetKey, StackName: stackName, StackID: aws.ToString(st.StackId), Status: string(st.StackStatus),
		StatusReason: aws.ToString(st.StackStatusReason), Outputs: map[string]string{}, UpdatedAt: time.Now().UTC(), Operation: "create"}
	for _, o := range st.Outputs {
		rec.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	for _, p := range st.Parameters {
		v := aws.ToString(p.ParameterValue)
		switch aws.ToString(p.ParameterKey) {
		case "PartnerAccountId":
			rec.Params.PartnerAccountID = v
		case "ExternalId":
			rec.Params.ExternalID = v
		case "PartnerRoleName":
			rec.Params.PartnerRoleName = v
		case "PartnerSnsPrefix":
			rec.Params.PartnerSnsPrefix = v
		case "ReportUrl":
			rec.Params.ReportURL = redact.StripURLUserinfo(v) // the record is stored
		case "LeastPrivilege":
			rec.Params.LeastPrivilege = v == "true"
		case "CasBucketName":
			rec.Params.CasBucketName = v
		case "SddsBucketName":
			rec.Params.SddsBucketName = v
		}
	}
	rec.TemplateVersion = rec.Outputs["TemplateVersion"]
	switch {
	case rec.Status == "CREATE_COMPLETE" || rec.Status == "UPDATE_COMPLETE":
		rec.Phase = PhaseConnected // VerifyRole decides whether it stays so
	case strings.HasSuffix(rec.Status, "_IN_PROGRESS"):
		rec.Phase = PhaseLaunching
		if strings.HasPrefix(rec.Status, "DELETE") {
			rec.Phase, rec.Operation = PhaseDeleting, "delete"
		} else if strings.HasPrefix(rec.Status, "UPDATE") {
			rec.Operation = "update"
		}
	default:
		rec.Phase = PhaseError
		rec.RolledBack = strings.Contains(rec.Status, "ROLLBACK")
		rec.Failure = &Failure{LogicalID: stackName, Type: "AWS::CloudFormation::Stack", Reason: rec.StatusReason,
			Plain: Explain(Event{Status: rec.Status, Reason: rec.StatusReason})}
	}
	if total, err := resourceCount(rec.Params); err == nil {
		rec.Total = total
		if rec.Phase == PhaseConnected {
			rec.Done = total
		}
	}
	return rec, true, nil
}
