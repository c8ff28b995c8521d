package sandbox

import "fmt"

// APIError is an AWS service error. Handlers return one (via apiError) and the
// service's protocol codec renders it in that protocol's wire shape; any other
// error a handler returns becomes the protocol's internal-failure error.
type APIError struct {
	Status  int    // HTTP status code, e.g. 400
	Code    string // AWS error code, e.g. "ValidationError" or "AccessDenied"
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// faultType is the awsquery <Type>: Receiver for server faults, else Sender.
func (e *APIError) faultType() string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// apiError builds an *APIError with a formatted message.
func apiError(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// commonError is a failure the framework itself detects; each protocol maps it
// onto its own error code (see protocol.common).
type commonError int

const (
	errMissingAuth      commonError = iota // no SigV4 Authorization header
	errMalformedAuth                       // an Authorization header we cannot parse
	errMalformedPresign                    // a presigned query that is incomplete or malformed
	errBrowserOrigin                       // a request a web page made (Origin, Sec-Fetch-*)
	errUnknownService                      // credential scope names a service we lack
	errUnknownOperation                    // action / target / route not registered
	errInternal                            // handler failed or panicked
)
