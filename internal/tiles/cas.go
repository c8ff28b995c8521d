package tiles

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

// CAS facts shown on the tile, with their sources.
const (
	// CASDiscontinuedSource is the AWS Seller Guide "Reporting" page, which
	// announces the end of the CAS API on 30 August 2024.
	CASDiscontinuedSource = "https://docs.aws.amazon.com/marketplace/latest/userguide/Reporting.html"
	CASDiscontinuedNote   = "AWS Marketplace discontinued the Commerce Analytics Service (CAS) API, with the legacy seller reports, on 30 August 2024 (AWS Seller Guide, \"Reporting\"). Seller data feeds (the SDDS tile) replaced it."
	// CASGuide is AWS's CAS page, where enrollment is described.
	CASGuide = "https://docs.aws.amazon.com/marketplace/latest/userguide/commerce-analytics-service.html"
	// CASRoleName is the role AWS creates when a seller enrolls in CAS; CAS
	// acts through it (passed as roleNameArn).
	CASRoleName = "MarketplaceCommerceAnalyticsRole"
	// CASTestDataSetType is the data set requested by Test Configuration.
	CASTestDataSetType = "customer_subscriber_hourly_monthly_subscriptions"
	// CASTestPrefix is where the test data set is delivered in the bucket.
	CASTestPrefix = "sellerdesk-test"
	// casDeliveryAccount is the account AWS Marketplace uses to act through
	// the CAS role (AWS Seller Guide, CAS page, 2023).
	casDeliveryAccount = "452565589796"
)

// Names of the CAS checks, in order.
const (
	CASCheckBucket    = "CAS bucket exists and its policy allows delivery"
	CASCheckTopic     = "CAS topic exists and its policy allows publishing"
	CASCheckSubscribe = "CAS topic is subscribed to the queue"
	CASCheckGenerate  = "CAS GenerateDataSet test request"
)

// CASDeps are the clients Test Configuration of CAS uses. SNS must be in the
// stack's region; CAS is always us-east-1.
type CASDeps struct {
	S3  S3API
	SNS SNSAPI
	CAS DataSetGenerator
	// Now is the clock (time.Now when nil); the test data set is yesterday's.
	Now func() time.Time
}

// CASFields are what AWS's CAS enrollment asks for, from the stack outputs,
// each copyable: the S3 bucket name, the SNS topic ARN, and the role ARN.
func CASFields(outputs map[string]string) []Field {
	var f []Field
	add := func(label, key string) {
		if v := outputs[key]; v != "" {
			f = append(f, Field{Label: label, Value: v, Copy: true})
		}
	}
	add("S3 bucket name (legacy CAS form)", "CasBucketName")
	add("SNS topic ARN (legacy CAS form)", "CasTopicArn")
	add("Role ARN", "PartnerRoleArn")
	return f
}

// CASRoleARN is the role passed to GenerateDataSet as roleNameArn: roleArn
// when given, else the stack output CasRoleArn when present, else the role
// CAS enrollment creates, arn:<partition>:iam::<account>:role/MarketplaceCommerceAnalyticsRole.
func CASRoleARN(outputs map[string]string, accountID, roleArn string) string {
	switch {
	case roleArn != "":
		return roleArn
	case outputs["CasRoleArn"] != "":
		return outputs["CasRoleArn"]
	case accountID == "":
		return ""
	}
	return "arn:" + arnPartition(outputs["CasTopicArn"], outputs["CasBucketArn"]) + ":iam::" + accountID + ":role/" + CASRoleName
}

// TestCAS runs Test Configuration for CAS, one result per check, in order:
// the bucket and its policy, the topic and its policy, the subscription to
// the queue, and a GenerateDataSet request. accountID may be empty (it is
// then read from the topic ARN); roleArn may be empty (see CASRoleARN).
func TestCAS(ctx context.Context, deps CASDeps, outputs map[string]string, accountID, roleArn string) []CheckResult {
	account := accountFrom(accountID, outputs["CasTopicArn"], outputs["PartnerRoleArn"], outputs["QueueArn"])
	return append(CheckCAS(ctx, deps, outputs, account),
		casGenerateCheck(ctx, deps, outputs["CasBucketName"], outputs["CasTopicArn"], CASRoleARN(outputs, account, roleArn)))
}

// CheckCAS runs the checks of TestCAS that only read what AWS already holds
// (the bucket and its policy, the topic and its policy, the subscription),
// without asking CAS for a data set: what every refresh runs, so a broken
// setup shows before anyone tests.
func CheckCAS(ctx context.Context, deps CASDeps, outputs map[string]string, accountID string) []CheckResult {
	bucket, topic := outputs["CasBucketName"], outputs["CasTopicArn"]
	account := accountFrom(accountID, topic, outputs["PartnerRoleArn"], outputs["QueueArn"])
	partition := arnPartition(topic, outputs["CasBucketArn"])
	return []CheckResult{
		casBucketCheck(ctx, deps.S3, bucket, bucketARN(outputs["CasBucketArn"], bucket, partition), account),
		casTopicCheck(ctx, deps.SNS, topic, account),
		subscribedCheck(ctx, deps.SNS, CASCheckSubscribe, topic, outputs["QueueArn"]),
	}
}

func casBucketCheck(ctx context.Context, s3c S3API, bucket, arn, account string) CheckResult {
	name := CASCheckBucket
	if bucket == "" {
		return missingOutput(name, "CasBucketName")
	}
	if r := bucketExists(ctx, s3c, name, bucket); r != nil {
		return *r
	}
	fix := fmt.Sprintf("Update the onboarding stack to restore the bucket policy, or add a statement allowing s3:PutObject on %s/* to arn:aws:iam::%s:root.", arn, account)
	pol, r := bucketPolicy(ctx, s3c, name, bucket, fix)
	if r != nil {
		return *r
	}
	g := grants(pol, grantQuery{principal: accountOrMarketplacePrincipal(account), actions: []string{"s3:PutObject"},
		resource: arn + "/" + CASTestPrefix + "/object", account: account})
	if !g.ok {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "bucket " + bucket + " exists, but its policy does not allow delivery: " + g.detail, Fix: fix}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "bucket " + bucket + " exists; " + g.detail}
}

func casTopicCheck(ctx context.Context, snsc SNSAPI, topic, account string) CheckResult {
	name := CASCheckTopic
	if topic == "" {
		return missingOutput(name, "CasTopicArn")
	}
	fix := fmt.Sprintf("Update the onboarding stack to restore the topic policy, or add a statement allowing sns:Publish on %s to arn:aws:iam::%s:root.", topic, account)
	pol, r := topicPolicy(ctx, snsc, name, topic, fix)
	if r != nil {
		return *r
	}
	g := grants(pol, grantQuery{principal: accountOrMarketplacePrincipal(account), actions: []string{"sns:Publish"}, resource: topic, account: account})
	if !g.ok {
		return CheckResult{Name: name, Status: StatusFailed, Detail: "topic exists, but its policy does not allow publishing: " + g.detail, Fix: fix}
	}
	return CheckResult{Name: name, Status: StatusPassed, Detail: "topic exists; " + g.detail}
}

// casRefusalCodes are AWS refusing GenerateDataSet: the service's only
// modelled error, and a permission or allow-list refusal.
var casRefusalCodes = map[string]bool{
	"MarketplaceCommerceAnalyticsException": true,
	"AccessDeniedException":                 true,
	"AccessDenied":                          true,
}

func casGenerateCheck(ctx context.Context, deps CASDeps, bucket, topic, roleArn string) CheckResult {
	name := CASCheckGenerate
	switch {
	case bucket == "":
		return missingOutput(name, "CasBucketName")
	case topic == "":
		return missingOutput(name, "CasTopicArn")
	case roleArn == "":
		return CheckResult{Name: name, Status: StatusFailed, Detail: "the account ID is unknown, so the CAS role ARN cannot be formed",
			Fix: "Refresh the connection (the account comes from STS), then test again."}
	case deps.CAS == nil:
		return CheckResult{Name: name, Status: StatusCouldNotCheck, Detail: "no CAS client is configured for this target"}
	}
	now := time.Now
	if deps.Now != nil {
		now = deps.Now
	}
	y := now().UTC().AddDate(0, 0, -1)
	in := GenerateDataSetInput{
		DataSetType:             CASTestDataSetType,
		DataSetPublicationDate:  time.Date(y.Year(), y.Month(), y.Day(), 0, 0, 0, 0, time.UTC),
		RoleNameArn:             roleArn,
		DestinationS3BucketName: bucket,
		DestinationS3Prefix:     CASTestPrefix,
		SnsTopicArn:             topic,
	}
	id, err := deps.CAS.GenerateDataSet(ctx, in)
	if err == nil {
		return CheckResult{Name: name, Status: StatusPassed,
			Detail: fmt.Sprintf("CAS accepted the request (dataSetRequestId %s): %s for %s goes to s3://%s/%s/ and is announced on the topic",
				id, CASTestDataSetType, in.DataSetPublicationDate.Format("2006-01-02"), bucket, CASTestPrefix)}
	}
	var gone *CASServiceGoneError
	onAWS := true
	if e, ok := deps.CAS.(interface{ IsAWSEndpoint() bool }); ok {
		onAWS = e.IsAWSEndpoint()
	}
	switch {
	case errors.As(err, &gone):
		return casDiscontinued(name, err, "AWS's CAS endpoint did not serve GenerateDataSet", true)
	case notSupported(err):
		return errorResult(name, "marketplacecommerceanalytics:GenerateDataSet", "", err, "")
	case casRefusalCodes[errorCode(err)]:
		return casDiscontinued(name, err, "GenerateDataSet was refused", onAWS)
	case httpStatus(err) == http.StatusNotFound || httpStatus(err) == http.StatusGone:
		return casDiscontinued(name, err, "the CAS endpoint answered that GenerateDataSet is not there", onAWS)
	}
	return errorResult(name, "marketplacecommerceanalytics:GenerateDataSet", "", err,
		"Check that CAS enrollment created "+roleArn+" and that your profile may call marketplacecommerceanalytics:GenerateDataSet, then test again.")
}

// casDiscontinued is the service refusing the call, explained, with its own
// code and message kept. On AWS's endpoint the refusal is most likely the
// discontinuation of CAS; on another endpoint (the sandbox, an override)
// the message is what to act on, and the discontinuation is mentioned.
func casDiscontinued(name string, err error, what string, onAWS bool) CheckResult {
	r := CheckResult{Name: name, Status: StatusFailed, Code: errorCode(err)}
	said := what + ": " + awserr.Classify(err).Message
	if onAWS {
		r.Detail = said + ". " + CASDiscontinuedNote +
			" This refusal is most likely that discontinuation; it can also mean the account is not on CAS's allow list (not a registered seller) or may not call marketplacecommerceanalytics:GenerateDataSet."
		r.Fix = "CAS data sets can no longer be requested from AWS; use the Seller Data Feeds (SDDS tile) for reporting. Source: " + CASDiscontinuedSource
		return r
	}
	r.Detail = said + ". (This endpoint is not AWS's own. " + CASDiscontinuedNote + " On AWS, such a refusal is most likely that discontinuation.)"
	r.Fix = "Correct what the service reported, then test again; on AWS itself CAS is discontinued, so use the Seller Data Feeds (SDDS tile). Source: " + CASDiscontinuedSource
	return r
}

// CASTile builds the CAS tile from the stack record and the last checks
// (nil: not checked yet). CAS is legacy: there is no enrolment to tick, and
// the tile never counts towards the required tiles. A failed check shows as
// Error; CAS accepting a GenerateDataSet request (only an endpoint other
// than AWS's still does) shows as Connected; otherwise the tile is Legacy.
func CASTile(rec *onboarding.StackRecord, checks []CheckResult, checkedAt time.Time) Tile {
	t, ready := stackTile(TileCAS, "CAS", rec, CASFields)
	t.Notes = append(t.Notes, Note{Text: CASDiscontinuedNote, Link: CASDiscontinuedSource})
	if !ready {
		return t
	}
	t.Checks, t.CheckedAt = checks, checkedAt
	t.Notes = append(t.Notes, Note{Text: "Legacy: the guide's CAS enrolment took the bucket name and topic ARN above; AWS no longer offers it, so there is nothing to enrol in.", Link: CASGuide})
	generated := false
	for _, c := range checks {
		generated = generated || (c.Name == CASCheckGenerate && c.Passed())
	}
	c, bad := firstNotPassed(checks)
	switch {
	case bad && c.Status == StatusFailed:
		t.State = StateError
		t.Summary = "Error: " + c.Name + " — " + c.Detail + ". Fix: " + c.Fix
	case bad:
		t.State = StateUnknown
		t.Summary = fmt.Sprintf("Legacy, not verified: %d check(s) could not be run by this endpoint, starting with %q; none failed.",
			countStatus(checks, StatusCouldNotCheck), c.Name)
	case generated:
		t.State = StateConnected
		t.Summary = fmt.Sprintf("Connected (legacy): all %d checks pass and this endpoint accepted a GenerateDataSet request. On AWS itself the CAS API is discontinued.", len(checks))
	case len(checks) == 0:
		t.State = StateLegacy
		t.Summary = "Legacy: AWS discontinued the CAS API on 30 August 2024; data feeds (SDDS) replaced it. Not checked yet."
	default:
		t.State = StateLegacy
		t.Summary = fmt.Sprintf("Legacy: AWS discontinued the CAS API on 30 August 2024; data feeds (SDDS) replaced it. "+
			"The bucket, topic and subscription the guide describes are in place (%d checks pass); Test Configuration asks CAS for a data set.", len(checks))
	}
	return t
}

// stackTile is the part of the CAS and SDDS tiles that follows the
// onboarding stack: ready is true once the stack is connected, with the
// fields filled in from its outputs.
func stackTile(id, label string, rec *onboarding.StackRecord, fields func(map[string]string) []Field) (t Tile, ready bool) {
	t = Tile{ID: id, State: StateNotConnected}
	switch {
	case rec == nil || rec.Phase == onboarding.PhaseNotConnected:
		t.Summary = "Not connected: launch the onboarding stack (Role and access) first; its outputs fill in the " + label + " fields."
		return t, false
	case rec.Phase == onboarding.PhaseLaunching || rec.Phase == onboarding.PhaseVerifying:
		t.State = StateLaunching
		t.Summary = fmt.Sprintf("Waiting for the onboarding stack (%d of %d resources); its outputs fill in the %s fields.", rec.Done, rec.Total, label)
		return t, false
	case rec.Phase != onboarding.PhaseConnected:
		t.Summary = "Not connected: the Role and access tile must be Connected first; its outputs fill in the " + label + " fields."
		return t, false
	}
	t.Fields = fields(rec.Outputs)
	return t, true
}
