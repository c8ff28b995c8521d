package tiles

import (
	"errors"
	"net/http"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// notSupportedCodes are the answers of an implementation that does not
// support a call at all (an AWS fake, an older endpoint): the check could
// not be run, which is not the same as failing, and never the same as
// passing.
var notSupportedCodes = map[string]bool{
	"NotImplemented":                true,
	"NotImplementedException":       true,
	"UnknownOperation":              true,
	"UnknownOperationException":     true,
	"InvalidAction":                 true,
	"UnsupportedOperation":          true,
	"UnsupportedOperationException": true,
}

// errorCode is the AWS error code of err, if it carries one.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorMessage is AWS's own message of err, if it carries one.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return strings.TrimSpace(ae.ErrorMessage())
	}
	return ""
}

// httpStatus is the HTTP status of the response that caused err, or 0.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// notSupported reports whether err says the endpoint does not implement the
// call (NotImplemented, UnknownOperation, InvalidAction, HTTP 501), or
// answered in a form that is not the service's protocol at all (an HTML
// page, a malformed document): in both cases nothing was learnt about the
// resource.
func notSupported(err error) bool {
	if err == nil {
		return false
	}
	return notSupportedCodes[errorCode(err)] || httpStatus(err) == http.StatusNotImplemented || unreadable(err)
}

// unreadable: the answer could not be decoded as the service's protocol.
func unreadable(err error) bool {
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return true
	}
	var ce *CASError
	return errors.As(err, &ce) && ce.Unreadable
}

// isAccessDenied reports an IAM refusal.
func isAccessDenied(err error) bool {
	switch errorCode(err) {
	case "AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation":
		return true
	}
	return false
}

// errorResult turns the error of a call into a check result: could-not-check
// when the endpoint does not implement the call, failed otherwise. doing says
// what was being done (action "s3:GetBucketPolicy", target "my-bucket"); fix is used for a
// failure that is not a permission problem.
func errorResult(name, action, target string, err error, fix string) CheckResult {
	doing := action
	if target != "" {
		doing += " on " + target
	}
	r := CheckResult{Name: name, Code: errorCode(err), Detail: doing + ": " + awserr.Classify(err).Message}
	switch {
	case notSupported(err):
		r.Status = StatusCouldNotCheck
		r.Detail = doing + ": this endpoint does not implement the call, so it could not be checked (" + awserr.Classify(err).Message + ")"
		if unreadable(err) && !notSupportedCodes[r.Code] {
			r.Detail = doing + ": this endpoint's answer is not in the service's protocol (it does not implement the call, or answers it wrongly), so it could not be checked (" + awserr.Classify(err).Message + ")"
		}
		r.Fix = "Run Test Configuration against AWS (or the SellerDesk sandbox) to check this."
	case isAccessDenied(err):
		r.Status = StatusFailed
		r.Fix = "Your profile is not allowed " + action + ": use a profile allowed to read the onboarding resources (for example an administrator), then test again."
	case awserr.Of(err) == awserr.Unreachable:
		// Nothing was learnt about the resource: say what to check.
		r.Status = StatusFailed
		r.Fix = awserr.Classify(err).Next
	default:
		r.Status = StatusFailed
		r.Fix = fix
	}
	// Shown, cached and emitted: an endpoint may quote the signed request.
	r.Detail = redact.String(r.Detail)
	return r
}
