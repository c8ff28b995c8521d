package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// AWS Marketplace Commerce Analytics Service (CAS): AWS JSON 1.1, X-Amz-Target
// MarketplaceCommerceAnalytics20150701.GenerateDataSet, signing name
// "marketplacecommerceanalytics". (AWS announced the CAS API discontinued
// from 30 August 2024; the sandbox still answers so the CAS tile can be
// exercised.)
//
// GenerateDataSet validates its input (ValidationException, 400, in the
// coral "N validation errors detected" form), then refuses, with the one
// error CAS models — MarketplaceCommerceAnalyticsException, a fault (HTTP
// 500) — when the account is not a registered seller (CAS's allow list),
// when the role ARN is not a role of the account, when the destination bucket
// does not exist or is not the account's, and when the topic does not exist
// or its policy does not let the role (or reports.marketplace.amazonaws.com)
// publish. Otherwise it writes <prefix>/<dataSetType>_YYYY-MM-DD.csv and
// .meta.json into the bucket (with the bucket's default encryption) and
// publishes the delivery notification through the topic — reaching the
// topic's SQS subscriptions — before answering {"dataSetRequestId": …}.
func init() {
	handleJSON("marketplacecommerceanalytics", "1.1", "MarketplaceCommerceAnalytics20150701", map[string]jsonHandler{
		"GenerateDataSet": jsonOp(casGenerateDataSet),
	})
}

// casDataSetTypes is the dataSetType enum of the CAS model.
var casDataSetTypes = []string{
	"customer_subscriber_hourly_monthly_subscriptions", "customer_subscriber_annual_subscriptions",
	"daily_business_usage_by_instance_type", "daily_business_fees", "daily_business_free_trial_conversions",
	"daily_business_new_instances", "daily_business_new_product_subscribers", "daily_business_canceled_product_subscribers",
	"monthly_revenue_billing_and_revenue_data", "monthly_revenue_annual_subscriptions",
	"monthly_revenue_field_demonstration_usage", "monthly_revenue_flexible_payment_schedule",
	"disbursed_amount_by_product", "disbursed_amount_by_product_with_uncollected_funds",
	"disbursed_amount_by_instance_hours", "disbursed_amount_by_customer_geo",
	"disbursed_amount_by_age_of_uncollected_funds", "disbursed_amount_by_age_of_disbursed_funds",
	"disbursed_amount_by_age_of_past_due_funds", "disbursed_amount_by_uncollected_funds_breakdown",
	"customer_profile_by_industry", "customer_profile_by_revenue", "customer_profile_by_geography",
	"sales_compensation_billed_revenue", "us_sales_and_use_tax_records",
}

type casGenerateDataSetInput struct {
	DataSetType             *string           `json:"dataSetType"`
	DataSetPublicationDate  *float64          `json:"dataSetPublicationDate"`
	RoleNameArn             *string           `json:"roleNameArn"`
	DestinationS3BucketName *string           `json:"destinationS3BucketName"`
	DestinationS3Prefix     *string           `json:"destinationS3Prefix"`
	SnsTopicArn             *string           `json:"snsTopicArn"`
	CustomerDefinedValues   map[string]string `json:"customerDefinedValues"`
}

// casException is CAS's only modelled error: a server fault.
func casException(format string, args ...any) *APIError {
	return apiError(http.StatusInternalServerError, "MarketplaceCommerceAnalyticsException", format, args...)
}

// validate checks the model's constraints, coral style.
func (in *casGenerateDataSetInput) validate() error {
	var problems []string
	null := func(field string) {
		problems = append(problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", field))
	}
	length := func(field string, v *string, lo, hi int) {
		if v != nil && (len(*v) < lo || len(*v) > hi) {
			problems = append(problems, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length between %d and %d", *v, field, lo, hi))
		}
	}
	switch {
	case in.DataSetType == nil:
		null("dataSetType")
	case !slices.Contains(casDataSetTypes, *in.DataSetType):
		problems = append(problems, fmt.Sprintf("Value '%s' at 'dataSetType' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
			*in.DataSetType, strings.Join(casDataSetTypes, ", ")))
	}
	if in.DataSetPublicationDate == nil {
		null("dataSetPublicationDate")
	}
	if in.RoleNameArn == nil {
		null("roleNameArn")
	}
	length("roleNameArn", in.RoleNameArn, 1, 2048)
	if in.DestinationS3BucketName == nil {
		null("destinationS3BucketName")
	}
	length("destinationS3BucketName", in.DestinationS3BucketName, 1, 2147483647)
	if in.SnsTopicArn == nil {
		null("snsTopicArn")
	}
	length("snsTopicArn", in.SnsTopicArn, 1, 2147483647)
	if in.CustomerDefinedValues != nil && (len(in.CustomerDefinedValues) < 1 || len(in.CustomerDefinedValues) > 5) {
		problems = append(problems, "Value at 'customerDefinedValues' failed to satisfy constraint: Member must have length between 1 and 5")
	}
	for k, v := range in.CustomerDefinedValues {
		if len(k) < 1 || len(k) > 255 || len(v) < 1 || len(v) > 255 {
			problems = append(problems, fmt.Sprintf("Value at 'customerDefinedValues' failed to satisfy constraint: Map keys and values must have length between 1 and 255 (key '%s')", k))
		}
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return apiError(http.StatusBadRequest, "ValidationException", "1 validation error detected: %s", problems[0])
	default:
		return apiError(http.StatusBadRequest, "ValidationException", "%d validation errors detected: %s", len(problems), strings.Join(problems, "; "))
	}
}

// casS3Location is a bucket/key pair in CAS's notification and metadata.
type casS3Location struct {
	BucketName string `json:"bucketName"`
	Key        string `json:"key"`
}

func casGenerateDataSet(c *call, in *casGenerateDataSetInput) (any, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	a := c.acct
	if !a.Seller {
		id, _ := c.caller()
		return nil, casException("%s is not authorized to access the AWS Marketplace Commerce Analytics Service: account %s is not on its allow list. "+
			"Only registered AWS Marketplace sellers can use it: register as a seller in the AWS Marketplace Management Portal "+
			"(or, if you already are one, contact AWS Marketplace Seller Operations)", id.ARN, a.ID)
	}
	roleARN, bucketName, topicARN := *in.RoleNameArn, *in.DestinationS3BucketName, *in.SnsTopicArn
	if m := roleARNPattern.FindStringSubmatch(roleARN); m == nil || m[1] != a.ID {
		return nil, casException("roleNameArn %s is not the ARN of an IAM role in account %s: pass the role created when you enrolled in CAS", roleARN, a.ID)
	}
	secs := *in.DataSetPublicationDate
	if math.IsNaN(secs) || math.IsInf(secs, 0) {
		return nil, apiError(http.StatusBadRequest, "SerializationException", "dataSetPublicationDate is not a timestamp")
	}
	pub := time.Unix(int64(secs), 0).UTC()
	dataSetType := *in.DataSetType
	requestID := newUUID()

	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucketName)
	if err != nil {
		reason := err.Error()
		if ae := (*APIError)(nil); errors.As(err, &ae) {
			reason = ae.Code + ": " + ae.Message
		}
		return nil, casException("Unable to deliver the data set to S3 bucket %q (%s). The destinationS3BucketName must be an existing "+
			"bucket in account %s that the role %s can write to", bucketName, reason, a.ID, roleARN)
	}
	t := a.snsTopics[topicARN]
	if t == nil {
		return nil, casException("Unable to publish to SNS topic %s: the topic does not exist. The snsTopicArn must name an existing topic", topicARN)
	}
	ctx := map[string]string{"aws:SourceAccount": a.ID, "aws:SourceOwner": a.ID, "aws:SecureTransport": "true"}
	canPublish := policyAllows(t.Attributes["Policy"], iampolicy.Request{Principal: roleARN, Action: "sns:Publish", Resource: topicARN, Context: ctx}) ||
		policyAllows(t.Attributes["Policy"], iampolicy.Request{Service: "reports.marketplace.amazonaws.com", Action: "sns:Publish", Resource: topicARN, Context: ctx})
	if !canPublish {
		return nil, casException("Unable to publish to SNS topic %s: the topic policy does not allow sns:Publish by %s "+
			"(or by the reports.marketplace.amazonaws.com service principal). Add a statement granting sns:Publish on the topic", topicARN, roleARN)
	}

	prefix := ""
	if in.DestinationS3Prefix != nil && *in.DestinationS3Prefix != "" {
		prefix = strings.TrimSuffix(*in.DestinationS3Prefix, "/") + "/"
	}
	base := prefix + dataSetType + "_" + pub.Format("2006-01-02")
	dataLoc := casS3Location{bucketName, base + ".csv"}
	metaLoc := casS3Location{bucketName, base + ".meta.json"}
	now := time.Now().UTC()

	a.putObject(b, dataLoc.Key, []byte(a.casCSV(dataSetType, pub)), "text/csv", now)
	params := map[string]any{"sellerAccountId": a.ID, "dataSetType": dataSetType,
		"dataSetPublicationDate": pub.Format("2006-01-02T15:04:05.000Z"), "roleNameArn": roleARN,
		"destinationS3BucketName": bucketName, "snsTopicArn": topicARN}
	if in.DestinationS3Prefix != nil {
		params["destinationS3Prefix"] = *in.DestinationS3Prefix
	}
	if len(in.CustomerDefinedValues) > 0 {
		params["customerDefinedValues"] = in.CustomerDefinedValues
	}
	day := pub.AddDate(0, 0, -1)
	meta, _ := json.MarshalIndent(map[string]any{
		"dataSetRequestId": requestID,
		"dataSetCoverageRange": map[string]string{
			"startDateTime": day.Format("2006-01-02T00:00:00.000Z"),
			"endDateTime":   day.Format("2006-01-02T23:59:59.000Z"),
		},
		"dataSetRequestParameters":  params,
		"dataSetS3Location":         dataLoc,
		"dataSetMetaDataS3Location": metaLoc,
	}, "", "  ")
	a.putObject(b, metaLoc.Key, meta, "application/json", now)

	note := map[string]any{"dataSetS3Location": dataLoc, "dataSetMetaDataS3Location": metaLoc,
		"dataSetRequestId": requestID, "success": true}
	if len(in.CustomerDefinedValues) > 0 {
		note["customerDefinedValues"] = in.CustomerDefinedValues
	}
	msg, _ := json.Marshal(note)
	a.publish(t, snsNotification{message: string(msg)}, now)
	return map[string]string{"dataSetRequestId": requestID}, nil
}

// casCSV is a small data set: a header and one row naming one of the
// account's products (caller holds a.mu).
func (a *Account) casCSV(dataSetType string, pub time.Time) string {
	product, code := "SellerDesk Sample Product", "sample"
	for _, e := range a.entities {
		if !e.Shared && strings.HasSuffix(e.Type, "Product") {
			product, code = e.Name, e.ID
			break
		}
	}
	return "Data Set Type,Publication Date,Customer Reference ID,Product Title,Product Code,Quantity\n" +
		fmt.Sprintf("%s,%s,%s,%q,%s,1\n", dataSetType, pub.Format("2006-01-02"), stableID("", a.ID+dataSetType)[:12], product, code)
}
