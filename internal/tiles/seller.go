package tiles

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	cattypes "github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// SellerRegistrationGuide is AWS's seller registration guide, linked from the
// seller tile.
const SellerRegistrationGuide = "https://docs.aws.amazon.com/marketplace/latest/userguide/seller-registration-process.html"

// SellerReadOnlyPolicy is the AWS managed policy that grants read-only
// Marketplace Catalog access, including aws-marketplace:ListEntities.
const SellerReadOnlyPolicy = "AWSMarketplaceSellerProductsReadOnly"

// ProbedEntityTypes are the product types ListEntities is asked about, in
// order; the probe stops at the first that lists something.
var ProbedEntityTypes = []string{"SaaSProduct", "AmiProduct", "ContainerProduct", "DataProduct"}

// CatalogAPI is the part of the Marketplace Catalog client the seller probe
// uses (*marketplacecatalog.Client satisfies it).
type CatalogAPI interface {
	ListEntities(ctx context.Context, in *marketplacecatalog.ListEntitiesInput, o ...func(*marketplacecatalog.Options)) (*marketplacecatalog.ListEntitiesOutput, error)
}

// SellerOutcome is what the seller probe concluded.
type SellerOutcome string

// Seller probe outcomes.
const (
	// SellerFound: ListEntities listed a product the account owns.
	SellerFound SellerOutcome = "found"
	// SellerEmpty: every product type listed nothing; inconclusive (a
	// registered seller may have no listing yet).
	SellerEmpty SellerOutcome = "empty"
	// SellerAccessDenied: the caller lacks aws-marketplace:ListEntities.
	SellerAccessDenied SellerOutcome = "access-denied"
	// SellerRefused: the service refused the account itself (for example an
	// account that is not a registered seller); AWS's code and message kept.
	SellerRefused SellerOutcome = "refused"
	// SellerNotChecked: the endpoint does not implement ListEntities.
	SellerNotChecked SellerOutcome = "not-checked"
	// SellerProbeFailed: the call did not get an answer about the account
	// (network, expired credentials, throttling, a server fault).
	SellerProbeFailed SellerOutcome = "probe-failed"
)

// SellerProbe is the result of ProbeSeller.
type SellerProbe struct {
	Outcome    SellerOutcome `json:"outcome"`
	EntityType string        `json:"entityType"` // the type that answered (found) or was refused
	Count      int           `json:"count"`      // entities listed (MaxResults 1, so 0 or 1)
	Code       string        `json:"code"`       // AWS error code, when an error decided the outcome
	Message    string        `json:"message"`    // AWS's message, or the error in plain words
	CheckedAt  time.Time     `json:"checkedAt"`
}

// ProbeSeller asks Marketplace Catalog ListEntities (catalog AWSMarketplace,
// OwnershipType SELF, MaxResults 1) for each product type in turn, stopping
// at the first that lists something. AWS documents no API that says
// "registered seller", so only a listed product is conclusive.
//
// AccessDenied, a service refusal, an empty list and an unimplemented operation are
// outcomes, not errors. The error is set only with SellerProbeFailed, when
// no answer about the account was obtained.
func ProbeSeller(ctx context.Context, cat CatalogAPI) (SellerProbe, error) {
	probe := SellerProbe{Outcome: SellerEmpty}
	for _, et := range ProbedEntityTypes {
		out, err := cat.ListEntities(ctx, &marketplacecatalog.ListEntitiesInput{
			Catalog:       aws.String("AWSMarketplace"),
			EntityType:    aws.String(et),
			OwnershipType: cattypes.OwnershipTypeSelf,
			MaxResults:    aws.Int32(1),
		})
		probe.CheckedAt = time.Now().UTC()
		if err != nil {
			probe.EntityType = et
			probe.Code = errorCode(err)
			// Shown ("AWS said: …"), returned to the page and cached: an
			// endpoint may quote the signed request in its message.
			probe.Message = redact.String(errorMessage(err))
			switch {
			case notSupported(err):
				probe.Outcome = SellerNotChecked
				if probe.Message == "" {
					probe.Message = awserr.Classify(err).Message
				}
				return probe, nil
			case catalogIAMDenied(err):
				probe.Outcome = SellerAccessDenied
				return probe, nil
			case serviceRefusal(err):
				probe.Outcome = SellerRefused
				return probe, nil
			}
			probe.Outcome = SellerProbeFailed
			probe.Message = awserr.Classify(err).Message
			return probe, fmt.Errorf("probing seller registration with Marketplace Catalog ListEntities (%s): %w", et, err)
		}
		if n := len(out.EntitySummaryList); n > 0 {
			probe.Outcome, probe.EntityType, probe.Count = SellerFound, et, n
			return probe, nil
		}
	}
	return probe, nil
}

// catalogIAMDenied tells a missing IAM permission (403 AccessDeniedException
// naming the caller's authorization) from a refusal of the account: IAM's
// message is "... is not authorized to perform: aws-marketplace:ListEntities
// ..."; an AccessDeniedException about the account itself (for example "not
// KYC compliant", "not registered as a seller") is a refusal.
func catalogIAMDenied(err error) bool {
	if !isAccessDenied(err) {
		return false
	}
	msg := strings.ToLower(errorMessage(err))
	if msg == "" {
		return true
	}
	for _, iamWords := range []string{"not authorized to perform", "aws-marketplace:", "identity-based policy", "permission", "explicit deny"} {
		if strings.Contains(msg, iamWords) {
			return true
		}
	}
	for _, account := range []string{"seller", "kyc", "registered", "onboard", "account"} {
		if strings.Contains(msg, account) {
			return false
		}
	}
	return true
}

// serviceRefusal: the service answered with a client-side error about the
// request or the account, rather than about credentials, throttling or
// itself.
func serviceRefusal(err error) bool {
	code := errorCode(err)
	if code == "" {
		return false
	}
	switch code {
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId", "UnrecognizedClientException",
		"InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "UnauthorizedException",
		"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
		"InternalServiceException", "InternalFailure", "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException":
		return false
	}
	if st := httpStatus(err); st >= 500 {
		return false
	}
	return true
}

// SellerTile builds the seller account tile from the probe and the user's
// "I completed seller registration" confirmation. A product listed by AWS
// makes it Completed ("detected"); AWS refusing the account makes it Not
// registered, whatever the user confirmed; otherwise the user's
// confirmation makes it Completed ("confirmed"), since AWS has no API that
// says "registered seller"; else it stays Unknown.
func SellerTile(probe SellerProbe, confirmed bool, confirmedAt time.Time) Tile {
	t := Tile{ID: TileSeller, State: StateUnknown, CheckedAt: probe.CheckedAt,
		Notes: []Note{{Text: "AWS Marketplace seller registration guide", Link: SellerRegistrationGuide}}}
	if confirmed && confirmedAt.After(t.CheckedAt) {
		t.CheckedAt = confirmedAt
	}
	check := sellerCheck(probe)
	if check.Name != "" {
		t.Checks = []CheckResult{check}
	}
	switch {
	case probe.Outcome == SellerFound:
		t.State, t.Source = StateCompleted, SourceDetected
		t.Summary = fmt.Sprintf("AWS Marketplace lists a %s owned by this account.", probe.EntityType)
		t.Fields = append(t.Fields, Field{Label: "Detected from", Value: "Marketplace Catalog ListEntities (" + probe.EntityType + ")"})
	case probe.Outcome == SellerRefused:
		t.State = StateNotRegistered
		t.Summary = "Not registered: AWS Marketplace refused this account as a seller (" + probe.Code + ")."
		if probe.Message != "" {
			t.Summary += " AWS said: " + probe.Message
		}
		if confirmed {
			t.Summary += " You ticked \"I completed seller registration\", but AWS's answer decides: finish the registration " +
				"(or pick the profile of your seller account), then refresh."
		}
	case confirmed:
		t.State, t.Source = StateCompleted, SourceConfirmed
		t.Summary = "Registered: you confirmed that you completed seller registration."
		if !confirmedAt.IsZero() {
			t.Fields = append(t.Fields, Field{Label: "Confirmed", Value: confirmedAt.UTC().Format(time.RFC3339)})
		}
	case probe.Outcome == SellerAccessDenied:
		t.Summary = "Unknown: your profile may not list Marketplace products (aws-marketplace:ListEntities), so registration could not be detected."
	case probe.Outcome == SellerEmpty:
		t.Summary = "Unknown: this account owns no listed product yet, which is inconclusive. If you completed seller registration, confirm it."
	case probe.Outcome == SellerNotChecked:
		t.Summary = "Unknown: this endpoint does not implement Marketplace Catalog ListEntities. If you completed seller registration, confirm it."
	case probe.Outcome == SellerProbeFailed:
		t.Summary = "Unknown: the Marketplace Catalog probe failed. " + probe.Message
	default:
		t.Summary = "Unknown: not checked yet."
	}
	return t
}

// sellerCheck is the probe as one check line.
func sellerCheck(p SellerProbe) CheckResult {
	// The line is about the probe; what it means for registration is the
	// tile's state (an empty list is an answer, but an inconclusive one).
	c := CheckResult{Name: "Marketplace Catalog probe (ListEntities, OwnershipType SELF)", Code: p.Code}
	types := strings.Join(ProbedEntityTypes, ", ")
	switch p.Outcome {
	case SellerFound:
		c.Status = StatusPassed
		c.Detail = fmt.Sprintf("ListEntities (%s, OwnershipType SELF) returned %d entity", p.EntityType, p.Count)
	case SellerEmpty:
		c.Status = StatusPassed
		c.Detail = "ListEntities (OwnershipType SELF) returned no " + types + ": no listing yet, which does not tell whether the account is registered"
		c.Fix = "If you completed seller registration, tick \"I completed seller registration\"."
	case SellerAccessDenied:
		c.Status = StatusFailed
		c.Detail = fmt.Sprintf("ListEntities (%s) was denied (%s): your profile lacks the IAM permission aws-marketplace:ListEntities", p.EntityType, p.Code)
		if p.Message != "" {
			c.Detail += ". AWS said: " + p.Message
		}
		c.Fix = "Attach the AWS managed policy " + SellerReadOnlyPolicy + " (or allow aws-marketplace:ListEntities) to your profile's user or role, then refresh; or confirm registration yourself."
	case SellerRefused:
		c.Status = StatusFailed
		c.Detail = fmt.Sprintf("ListEntities (%s) was refused (%s)", p.EntityType, p.Code)
		if p.Message != "" {
			c.Detail += ": " + p.Message
		}
		c.Fix = "Register this account as an AWS Marketplace seller (see the seller registration guide), or pick the profile of your seller account."
	case SellerNotChecked:
		c.Status = StatusCouldNotCheck
		c.Detail = "this endpoint does not implement Marketplace Catalog ListEntities (" + p.Code + ")"
		c.Fix = "Confirm seller registration yourself, or refresh against AWS."
	case SellerProbeFailed:
		c.Status = StatusFailed
		c.Detail = "ListEntities failed: " + p.Message
		c.Fix = "Refresh once the connection to AWS works again."
	default:
		return CheckResult{}
	}
	return c
}
