package awsconn

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// EndpointURLError says an endpoint override (--endpoint-url or
// AWS_ENDPOINT_URL) cannot be used. An empty override never silently means
// real AWS.
type EndpointURLError struct {
	Source string // "--endpoint-url" or the variable's name
	Value  string
	Reason string
	// userinfo: the URL holds a user name or password (never quoted).
	userinfo bool
}

func (e *EndpointURLError) Error() string {
	if e.userinfo {
		// The value is never quoted: its userinfo is a secret.
		return fmt.Sprintf("%s %s", e.Source, e.Reason)
	}
	if strings.TrimSpace(e.Value) == "" {
		leave := "leave it out"
		if e.Source != "--endpoint-url" {
			leave = "unset it"
		}
		return fmt.Sprintf("%s is empty: %s to use AWS, or give the URL (e.g. http://127.0.0.1:4566)", e.Source, leave)
	}
	return fmt.Sprintf("%s %q is not an endpoint URL: %s (e.g. http://127.0.0.1:4566)", e.Source, e.Value, e.Reason)
}

// ValidateEndpointURL checks an endpoint override: http or https, a host,
// and nothing after it but an optional "/" (no path, query or fragment).
func ValidateEndpointURL(s string) error {
	return validateEndpoint("--endpoint-url", s)
}

func validateEndpoint(source, s string) error {
	v := strings.TrimSpace(s)
	bad := func(reason string) error { return &EndpointURLError{Source: source, Value: s, Reason: reason} }
	if v == "" {
		return bad("empty")
	}
	if !strings.Contains(v, "://") {
		return bad("it needs a scheme, http:// or https://")
	}
	u, err := url.Parse(v)
	if err != nil {
		return bad("it does not parse as a URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return bad("it needs a scheme, http:// or https://")
	default:
		return bad(fmt.Sprintf("the scheme must be http or https, not %q", u.Scheme))
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad("it has no host")
	}
	if u.User != nil {
		return &EndpointURLError{Source: source, Reason: "contains a user name or password (…@); SellerDesk never stores credentials: remove them and put credentials in a profile", userinfo: true}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.HasSuffix(v, "?") || strings.HasSuffix(v, "#") {
		return bad("only scheme, host and port are allowed, no path, query or fragment")
	}
	return nil
}

// CheckEndpointEnv checks AWS_ENDPOINT_URL the way ResolveTarget reads it:
// set to blanks (spaces, tabs) is an *EndpointURLError (it would otherwise
// silently mean real AWS), and so is a value ValidateEndpointURL refuses.
// Set to "" it counts as unset, as for the SDK and the AWS CLI
// ("AWS_ENDPOINT_URL= sellerdesk ..." is how a shell unsets it for one
// command).
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns the check off with the
// variable.
func CheckEndpointEnv() error {
	const name = "AWS_ENDPOINT_URL"
	v, ok := os.LookupEnv(name)
	if !ok || v == "" || strings.EqualFold(strings.TrimSpace(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")), "true") {
		return nil
	}
	return validateEndpoint(name, v)
}
