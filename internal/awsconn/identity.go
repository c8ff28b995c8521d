package awsconn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Identity is who the credentials belong to.
type Identity struct {
	Account string
	ARN     string
	UserID  string
	Region  string
	Profile string
}

// WhoAmI calls STS GetCallerIdentity with cfg.
func WhoAmI(ctx context.Context, cfg aws.Config, profile string) (Identity, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("checking identity with STS: %w", err)
	}
	return Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
		Region:  cfg.Region,
		Profile: profile,
	}, nil
}

// DescribeError explains common connection failures in plain words. AWS
// error codes are kept in the text so they can be searched for.
func DescribeError(err error) string {
	if err == nil {
		return ""
	}
	var (
		ssoErr   *SSOLoginRequiredError
		notFound *ProfileNotFoundError
		problem  *ProfileProblemError
		parseErr *ParseError
		procErr  *CredentialProcessError
		ssoTok   *ssocreds.InvalidTokenError
		apiErr   smithy.APIError
		unreach  *UnreachableError
		dupSec   *DuplicateSectionError
		dupKey   *DuplicateKeyError
	)
	switch {
	case errors.As(err, &dupSec):
		return dupSec.Error() + "."
	case errors.As(err, &dupKey):
		return dupKey.Error() + "."
	case errors.As(err, &unreach) && unreach.Within > 0:
		// A refused connection is worded below, with its root cause.
		return capitalize(unreach.Error()) + "."
	case errors.As(err, &ssoErr):
		return capitalize(ssoErr.Error()) + "."
	case errors.As(err, &notFound):
		return capitalize(notFound.Error()) + "."
	case errors.As(err, &problem):
		return capitalize(problem.Error()) + "."
	case errors.As(err, &procErr):
		return capitalize(procErr.Error()) + "."
	case errors.As(err, &parseErr):
		return "An AWS config file is malformed (" + parseErr.Error() + "); fix that line or run `aws configure` again."
	case errors.Is(err, ErrNoCredentials):
		return capitalize(err.Error()) + "."
	case errors.As(err, &ssoTok):
		return "Your AWS IAM Identity Center (SSO) sign-in has expired or is invalid: sign in again (or run `aws sso login`)."
	case errors.As(err, &apiErr):
		return describeAPIError(apiErr)
	}
	if endpoint, ok := unreachable(err); ok {
		// Worded as UnreachableError is: a real profile without network must
		// not be asked about the sandbox (internal/awserr words the sandbox).
		return fmt.Sprintf("could not reach %s (%s): check your network, VPN or proxy (or --endpoint-url)", endpoint, rootCause(err))
	}
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The request to AWS timed out: check the network connection (" + msg + ")."
	case strings.Contains(msg, "EC2 IMDS") || strings.Contains(msg, "no EC2 IMDS role found"):
		return capitalize(ErrNoCredentials.Error()) + "."
	case strings.Contains(msg, "static credentials are empty"):
		return capitalize(ErrNoCredentials.Error()) + "."
	}
	return msg
}

func describeAPIError(e smithy.APIError) string {
	code := e.ErrorCode()
	detail := strings.TrimSpace(e.ErrorMessage())
	withDetail := func(s string) string {
		if detail != "" {
			return s + " AWS said: " + detail
		}
		return s
	}
	switch code {
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
		return withDetail(fmt.Sprintf("Your AWS credentials have expired (%s): sign in again, or refresh the temporary keys / session token.", code))
	case "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId":
		return withDetail(fmt.Sprintf("AWS does not recognise the access key (%s): the key may have been deleted or deactivated, or belongs to another partition. Check it with `aws configure`.", code))
	case "SignatureDoesNotMatch", "IncompleteSignature":
		return withDetail(fmt.Sprintf("The secret access key does not match the access key (%s): re-enter the secret key with `aws configure`, and check the computer's clock.", code))
	case "UnauthorizedException":
		return withDetail(fmt.Sprintf("Your AWS IAM Identity Center (SSO) sign-in is no longer valid (%s): sign in again (or run `aws sso login`).", code))
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError":
		return withDetail(fmt.Sprintf("Access denied (%s): these credentials work, but are not allowed to perform this action; ask your AWS administrator for the needed permission.", code))
	}
	if detail == "" {
		return fmt.Sprintf("AWS returned an error (%s).", code)
	}
	return fmt.Sprintf("AWS returned an error (%s): %s", code, detail)
}

// unreachable reports whether err is a connection failure, and to where.
func unreachable(err error) (string, bool) {
	var (
		opErr  *net.OpError
		dnsErr *net.DNSError
		urlErr *url.Error
	)
	isNet := errors.As(err, &opErr) || errors.As(err, &dnsErr)
	if !isNet {
		return "", false
	}
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host, true
		}
	}
	if opErr != nil && opErr.Addr != nil {
		return opErr.Addr.String(), true
	}
	if dnsErr != nil {
		return dnsErr.Name, true
	}
	return "the AWS endpoint", true
}

func rootCause(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.Error()
	}
	return err.Error()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
