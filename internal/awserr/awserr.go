package awserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// Error is an error classified once: what kind it is, what it means for the
// user and what to do next, with AWS's own code and request ID kept.
type Error struct {
	Kind      Kind
	Message   string // what failed and why, in the user's words
	Next      string // the next step; "" when there is none to give
	Code      string // AWS's error code ("AccessDeniedException"), "" when AWS did not answer
	RequestID string // AWS's request ID, "" when AWS did not answer
	Operation string // "CloudFormation CreateStack", when known
	Action    string // the IAM action refused ("cloudformation:CreateStack"), for access-denied
	Field     string // the field refused, for validation, when known
	Err       error  // what was classified
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// Option tells Classify what the call was sent to, for the words of
// unreachable.
type Option func(*where)

type where struct {
	sandbox  bool
	endpoint string
}

// Sandbox says the target is SellerDesk's embedded sandbox.
func Sandbox(yes bool) Option { return func(w *where) { w.sandbox = yes } }

// Endpoint says every call goes to this endpoint override (--endpoint-url,
// AWS_ENDPOINT_URL); "" for none.
func Endpoint(url string) Option { return func(w *where) { w.endpoint = url } }

// Invalid returns a validation error of one field, for checks SellerDesk
// makes before calling AWS.
func Invalid(field, message string) *Error {
	return &Error{Kind: Validation, Field: field, Message: message, Next: "Correct it, then try again."}
}

// Classify returns err classified. An error already classified (an *Error
// anywhere in its chain) is returned as is; nil gives nil. The result's
// Message and Next are redacted.
func Classify(err error, opts ...Option) *Error {
	if err == nil {
		return nil
	}
	var done *Error
	if errors.As(err, &done) {
		return done
	}
	var w where
	for _, o := range opts {
		o(&w)
	}
	e := classify(err, w)
	e.Err = err
	e.Message = redact.String(e.Message)
	e.Next = redact.String(e.Next)
	e.Code = redact.String(e.Code)
	return e
}

// Of returns err's Kind (Other for an unclassifiable error, "" for nil).
func Of(err error) Kind {
	if err == nil {
		return ""
	}
	return Classify(err).Kind
}

var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

func classify(err error, w where) *Error {
	if e, ok := local(err); ok {
		return e
	}
	e := &Error{}
	var op *smithy.OperationError
	if errors.As(err, &op) {
		e.Operation = strings.TrimSpace(op.ServiceID + " " + op.OperationName)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.RequestID = re.ServiceRequestID()
	}
	status := 0
	var hre *smithyhttp.ResponseError
	if errors.As(err, &hre) {
		status = hre.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code = api.ErrorCode()
	}
	detail := ""
	if api != nil {
		detail = strings.TrimSpace(api.ErrorMessage())
	}

	switch {
	case e.Code != "" || status > 0:
		answered(e, api, detail, status, op, err)
	default:
		if u, ok := unreachable(err, w); ok {
			u.Operation = e.Operation
			return u
		}
		e.Kind = Other
		e.Message = plain(err, op)
	}
	return e
}

// answered explains an answer AWS gave: by its code first, then its HTTP
// status.
func answered(e *Error, api smithy.APIError, detail string, status int, op *smithy.OperationError, err error) {
	said := func(s string) string {
		if detail != "" {
			return s + " AWS said: " + detail
		}
		return s
	}
	code := e.Code
	switch {
	case throttles.IsErrorThrottle(err) == aws.TrueTernary || status == 429:
		e.Kind = Throttled
		e.Message = "AWS is throttling requests from this account" + on(e.Operation) + "."
		e.Next = "Wait a minute, then try again."
	case expiredCodes[code]:
		e.Kind = ExpiredCredentials
		e.Message = said("The AWS credentials in use have expired.")
		e.Next = "Refresh the temporary keys or session token (or sign in again), then try again."
	case code == "UnauthorizedException":
		// The IAM Identity Center portal: the sign-in is no longer valid.
		e.Kind = SSOLogin
		e.Message = "Your AWS IAM Identity Center (SSO) sign-in is no longer valid."
		e.Next = "Sign in again: choose “Sign in” (or run `aws sso login`)."
	case invalidKeyCodes[code]:
		e.Kind = InvalidCredentials
		e.Message = said("AWS does not recognise the access key in use: it may have been deleted or deactivated.")
		e.Next = "Check the keys with `aws configure` (or pick another profile), then try again."
	case signatureCodes[code]:
		e.Kind = InvalidCredentials
		e.Message = "The secret access key does not match the access key."
		e.Next = "Re-enter the secret key with `aws configure` and check the computer's clock, then try again."
	case deniedCodes[code] || (code == "" && status == 403):
		e.Kind = AccessDenied
		e.Action = deniedAction(detail, op)
		if e.Action != "" {
			e.Message = "The identity in use is not allowed to call " + e.Action + "."
			e.Next = "Ask your AWS administrator to allow " + e.Action + " for this identity, or pick a profile that has it."
		} else {
			e.Message = said("The identity in use is not allowed to do this" + on(e.Operation) + ".")
			e.Next = "Ask your AWS administrator for the permission, or pick a profile that has it."
		}
		if strings.HasPrefix(e.Action, "aws-marketplace:") {
			e.Next += " The Policies tab builds a policy that grants it."
		}
	case notFoundCodes[code] || stackMissing(api) || (code == "" && status == 404):
		e.Kind = NotFound
		e.Message = said("AWS found nothing by that name" + on(e.Operation) + ".")
		e.Next = "Check the name and the region shown in the header, then try again."
	case validationCodes[code] || (code == "" && status == 400):
		e.Kind = Validation
		e.Message = said("AWS refused the request as invalid" + on(e.Operation) + ".")
		e.Next = "Check the values entered, then try again."
	case status >= 500:
		e.Kind = Other
		e.Message = said("AWS had an internal error" + on(e.Operation) + ".")
		e.Next = "Try again in a few minutes."
	default:
		e.Kind = Other
		e.Message = said("AWS refused the request" + on(e.Operation) + ".")
		e.Next = "Check the code beneath in the AWS documentation; the log file has details."
	}
}

func on(operation string) string {
	if operation == "" {
		return ""
	}
	return " (" + operation + ")"
}

var (
	expiredCodes    = set("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired")
	invalidKeyCodes = set("InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId")
	signatureCodes  = set("SignatureDoesNotMatch", "IncompleteSignature")
	deniedCodes     = set("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
		"AuthorizationErrorException", "Forbidden")
	notFoundCodes = set("NotFound", "NotFoundException", "ResourceNotFoundException", "NoSuchEntity", "NoSuchEntityException",
		"NoSuchBucket", "NoSuchKey", "ChangeSetNotFound", "ChangeSetNotFoundException", "StackNotFoundException",
		"StackSetNotFoundException", "NotFoundFault", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")
	validationCodes = set("ValidationError", "ValidationException", "InvalidParameterValue", "InvalidParameterValueException",
		"InvalidParameterException", "InvalidParameterCombination", "InvalidParameter", "InvalidInput", "InvalidRequest",
		"InvalidRequestException", "MalformedPolicyDocument", "MalformedPolicyDocumentException", "MissingParameter",
		"InsufficientCapabilitiesException")
)

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// stackMissing: CloudFormation answers a missing stack (or change set) with
// a plain ValidationError, 400, whose message says it "does not exist"; no
// code, status or type tells it from a bad parameter. This is the one place
// SellerDesk reads an AWS message to classify.
func stackMissing(api smithy.APIError) bool {
	return api != nil && api.ErrorCode() == "ValidationError" && strings.Contains(api.ErrorMessage(), "does not exist")
}

// performRE finds the action in IAM's denial ("User: arn:… is not authorized
// to perform: iam:CreateRole on resource: …"). It names the action once the
// code said access denied; it never decides the kind.
var performRE = regexp.MustCompile(`to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)`)

// iamPrefix is the IAM service prefix of the SDK service IDs SellerDesk calls.
var iamPrefix = map[string]string{
	"CloudFormation":      "cloudformation",
	"IAM":                 "iam",
	"STS":                 "sts",
	"S3":                  "s3",
	"SNS":                 "sns",
	"SQS":                 "sqs",
	"KMS":                 "kms",
	"Marketplace Catalog": "aws-marketplace",
}

func deniedAction(detail string, op *smithy.OperationError) string {
	if m := performRE.FindStringSubmatch(detail); m != nil {
		return m[1]
	}
	if op != nil {
		if p, ok := iamPrefix[op.ServiceID]; ok && op.OperationName != "" {
			return p + ":" + op.OperationName
		}
	}
	return ""
}

// local classifies SellerDesk's own errors about profiles and files.
func local(err error) (*Error, bool) {
	var (
		ssoErr   *awsconn.SSOLoginRequiredError
		ssoTok   *ssocreds.InvalidTokenError
		notFound *awsconn.ProfileNotFoundError
		problem  *awsconn.ProfileProblemError
		procErr  *awsconn.CredentialProcessError
		parseErr *awsconn.ParseError
		dupSec   *awsconn.DuplicateSectionError
		dupKey   *awsconn.DuplicateKeyError
		special  *awsconn.NotRegularFileError
		endpoint *awsconn.EndpointURLError
	)
	switch {
	case errors.Is(err, awsconn.ErrMFACancelled):
		return &Error{Kind: MFACancelled, Message: "You cancelled the MFA code, so SellerDesk could not use this profile's role.",
			Next: "Choose Refresh to enter the code, or pick another profile."}, true
	case errors.As(err, &ssoErr):
		return &Error{Kind: SSOLogin, Message: sentence(ssoErr.Error()),
			Next: "Sign in with AWS IAM Identity Center: choose “Sign in” and confirm the code in your browser."}, true
	case errors.As(err, &ssoTok):
		return &Error{Kind: SSOLogin, Message: "Your AWS IAM Identity Center (SSO) sign-in has expired or is invalid.",
			Next: "Sign in again: choose “Sign in” (or run `aws sso login`)."}, true
	case errors.Is(err, awsconn.ErrNoCredentials):
		return &Error{Kind: NoCredentials, Message: sentence(awsconn.ErrNoCredentials.Error()),
			Next: "Run “aws configure” (or “aws configure sso”) to create a profile, or keep using the sandbox."}, true
	case errors.As(err, &notFound):
		return &Error{Kind: UnknownProfile, Message: sentence(notFound.Error()), Next: "Pick one of the listed profiles."}, true
	case errors.As(err, &dupSec):
		return &Error{Kind: ConfigFile, Message: sentence(dupSec.Error()), Next: "Merge the two sections, then refresh."}, true
	case errors.As(err, &dupKey):
		return &Error{Kind: ConfigFile, Message: sentence(dupKey.Error()), Next: "Keep one of the two lines, then refresh."}, true
	case errors.As(err, &parseErr):
		return &Error{Kind: ConfigFile, Message: "An AWS config file is malformed: " + parseErr.Error() + ".", Next: "Fix that line of the file, then refresh."}, true
	case errors.As(err, &special):
		return &Error{Kind: ConfigFile, Message: sentence(special.Error()), Next: "Point " + special.Var + " at a regular file, or unset it."}, true
	case errors.As(err, &procErr):
		return &Error{Kind: ProfileProblem, Message: sentence(procErr.Error()),
			Next: "Fix the profile's credential_process (run it in a terminal to see why), or pick another profile."}, true
	case errors.As(err, &problem):
		return &Error{Kind: ProfileProblem, Message: sentence(problem.Error()), Next: "Fix the profile in the AWS config file, or pick another profile."}, true
	case errors.As(err, &endpoint):
		return &Error{Kind: Validation, Field: "endpoint-url", Message: sentence(endpoint.Error()), Next: "Correct the endpoint override, or remove it to use AWS."}, true
	}
	return nil, false
}

// unreachable classifies a call that got no answer.
func unreachable(err error, w where) (*Error, bool) {
	var (
		ue     *awsconn.UnreachableError
		opErr  *net.OpError
		dnsErr *net.DNSError
		urlErr *url.Error
		send   *smithyhttp.RequestSendError
	)
	var host, why string
	switch {
	case errors.As(err, &ue):
		host = ue.Endpoint
		if ue.Within > 0 {
			why = fmt.Sprintf("no answer within %s", ue.Within)
		} else {
			why = "the connection was refused"
		}
	case errors.As(err, &dnsErr):
		host = dnsErr.Name
		why = "its name could not be looked up"
	case errors.As(err, &opErr):
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			why = "the connection was refused"
		case opErr.Timeout():
			why = "no answer in time"
		default:
			why = "the connection failed"
		}
		if opErr.Addr != nil {
			host = opErr.Addr.String()
		}
	case errors.Is(err, context.DeadlineExceeded):
		why = "no answer in time"
	case errors.As(err, &send):
		why = "the request could not be sent"
	default:
		return nil, false
	}
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			host = u.Host
		}
	}
	e := &Error{Kind: Unreachable}
	switch {
	case w.sandbox:
		e.Message = "The sandbox did not answer (" + why + ")."
		e.Next = "Is the sandbox running? Pick the sandbox again in the target picker, or restart SellerDesk."
	case w.endpoint != "":
		e.Message = "SellerDesk cannot reach the endpoint override " + w.endpoint + " (" + why + ")."
		e.Next = "Check that the endpoint override is right and its server is running, then your network, VPN or proxy."
	default:
		at := "AWS"
		if host != "" {
			at = "AWS at " + host
		}
		e.Message = "SellerDesk cannot reach " + at + " (" + why + ")."
		e.Next = "Check your network connection, VPN or proxy, then try again."
	}
	return e, true
}

// plain is the text of an error that is neither AWS's answer nor a
// connection failure: SellerDesk's own words as they are, or the SDK's
// without its "operation error …" wrapping.
func plain(err error, op *smithy.OperationError) string {
	if op == nil {
		// SellerDesk's own words, as written (the CLI has printed them so).
		return strings.TrimSpace(err.Error())
	}
	cause := op.Err
	for {
		next := errors.Unwrap(cause)
		if next == nil {
			break
		}
		cause = next
	}
	return sentence(op.ServiceID + " " + op.OperationName + " failed: " + cause.Error())
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
