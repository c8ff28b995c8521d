package sandbox

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// sigV4Algorithm is the only signing algorithm the sandbox routes.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// credentialScope is what the sandbox uses from a SigV4 signature: who signed
// (the access key ID) and for which region and service. Signatures themselves
// are accepted without verification, so the shape is all that is checked: a
// request must at least look like what an SDK sends.
type credentialScope struct {
	AccessKey string
	Date      string // YYYYMMDD
	Region    string
	Service   string
}

// authProblem describes why a request's authentication was rejected.
type authProblem struct {
	kind commonError // errMissingAuth, errMalformedAuth or errMalformedPresign
	msg  string
}

// presignParams are the query parameters of a SigV4 presigned URL. A URL
// carrying any of them must carry all of them (X-Amz-Expires only for S3,
// which is the one service whose presigned URLs always have it).
var (
	presignParams = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"}
	// presignMarkers make a query a presigned one, complete or not.
	presignMarkers = append(slices.Clone(presignParams), "X-Amz-Expires")
)

// presignV2Params are S3's older (SigV2) presigned URL parameters, which
// boto3 and the AWS CLI v1 still produce by default (aws s3 presign).
var presignV2Params = []string{"AWSAccessKeyId", "Signature", "Expires"}

// parsePresignedV2 checks an S3 SigV2 presigned query: all three parameters,
// the signature a base64 HMAC-SHA1, the expiry a Unix time. Only S3 takes
// these, so the scope is S3's.
func parsePresignedV2(q url.Values) (credentialScope, *authProblem) {
	scope := credentialScope{AccessKey: q.Get("AWSAccessKeyId"), Region: "us-east-1", Service: "s3"}
	bad := func(format string, args ...any) (credentialScope, *authProblem) {
		return scope, &authProblem{errMalformedPresign,
			"Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters. " + fmt.Sprintf(format, args...)}
	}
	for _, k := range presignV2Params {
		if q.Get(k) == "" {
			return bad("The presigned URL lacks %s.", k)
		}
	}
	if sig, err := base64.StdEncoding.DecodeString(q.Get("Signature")); err != nil || len(sig) != sha1.Size {
		return bad("Signature must be a base64-encoded HMAC-SHA1.")
	}
	if _, err := strconv.ParseInt(q.Get("Expires"), 10, 64); err != nil {
		return bad("Expires must be a Unix time, got %q.", q.Get("Expires"))
	}
	return scope, nil
}

// s3PresignMessage is S3's own wording for an incomplete presigned URL.
const s3PresignMessage = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."

// parseAuth extracts the credential scope from the Authorization header or,
// for presigned URLs, from the query. On a malformed signature it still
// returns whatever service it could read, so the error can be rendered in
// that service's protocol.
func parseAuth(r *http.Request) (credentialScope, *authProblem) {
	if h := r.Header.Get("Authorization"); h != "" {
		return parseAuthorizationHeader(h)
	}
	q := r.URL.Query()
	if slices.ContainsFunc(presignMarkers, q.Has) {
		return parsePresigned(q)
	}
	if slices.ContainsFunc(presignV2Params, q.Has) {
		return parsePresignedV2(q)
	}
	return credentialScope{}, &authProblem{errMissingAuth,
		"Request is missing Authentication Token: the SellerDesk sandbox requires a SigV4 Authorization header (any access key and secret will do)"}
}

// parsePresigned checks that a presigned query is complete: a lone
// X-Amz-Credential (or a credential with an empty signature) is no
// signature at all, and must not be taken for one.
func parsePresigned(q url.Values) (credentialScope, *authProblem) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	scope, credErr := parseCredential(get("X-Amz-Credential"))
	var missing []string
	for _, k := range presignParams {
		if get(k) == "" {
			missing = append(missing, k)
		}
	}
	if scope.Service == "s3" && get("X-Amz-Expires") == "" {
		missing = append(missing, "X-Amz-Expires")
	}
	bad := func(format string, args ...any) (credentialScope, *authProblem) {
		msg := fmt.Sprintf(format, args...)
		if scope.Service == "s3" {
			msg = s3PresignMessage + " " + msg
		}
		return scope, &authProblem{errMalformedPresign, msg}
	}
	switch {
	case len(missing) > 0:
		return bad("The presigned URL lacks %s.", strings.Join(missing, ", "))
	case credErr != nil:
		return bad("X-Amz-Credential %v", credErr)
	case get("X-Amz-Algorithm") != sigV4Algorithm:
		return bad("X-Amz-Algorithm only supports %q.", sigV4Algorithm)
	case !isAmzDate(get("X-Amz-Date")):
		return bad("X-Amz-Date %q must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z'.", get("X-Amz-Date"))
	case !strings.HasPrefix(get("X-Amz-Date"), scope.Date):
		return bad("X-Amz-Credential date %s does not match X-Amz-Date %s.", scope.Date, get("X-Amz-Date"))
	case !validSignedHeaders(get("X-Amz-SignedHeaders")):
		return bad("X-Amz-SignedHeaders %q must list lower-case header names, host among them, separated by ';'.", get("X-Amz-SignedHeaders"))
	case !isSignature(get("X-Amz-Signature")):
		return bad("X-Amz-Signature must be 64 hexadecimal characters.")
	}
	if e := get("X-Amz-Expires"); e != "" {
		if n, err := strconv.Atoi(e); err != nil || n < 1 || n > 604800 {
			return bad("X-Amz-Expires must be a number of seconds from 1 to 604800 (7 days), got %q.", e)
		}
	}
	return scope, nil
}

// parseAuthorizationHeader parses
//
//	AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...
func parseAuthorizationHeader(h string) (credentialScope, *authProblem) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != sigV4Algorithm {
		return credentialScope{}, &authProblem{errMalformedAuth,
			fmt.Sprintf("Authorization header uses unsupported algorithm %q; the SellerDesk sandbox expects %s", alg, sigV4Algorithm)}
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		fields[k] = strings.TrimSpace(v)
	}
	var scope credentialScope
	cred, ok := fields["Credential"]
	if !ok {
		return scope, &authProblem{errMalformedAuth, "Authorization header requires 'Credential' parameter."}
	}
	scope, err := parseCredential(cred)
	if err != nil {
		return scope, &authProblem{errMalformedAuth, "Authorization header Credential " + err.Error()}
	}
	for _, name := range []string{"SignedHeaders", "Signature"} {
		if fields[name] == "" {
			return scope, &authProblem{errMalformedAuth, fmt.Sprintf("Authorization header requires '%s' parameter.", name)}
		}
	}
	if !validSignedHeaders(fields["SignedHeaders"]) {
		return scope, &authProblem{errMalformedAuth, fmt.Sprintf(
			"Authorization header SignedHeaders %q must list lower-case header names, host among them, separated by ';'.", fields["SignedHeaders"])}
	}
	if !isSignature(fields["Signature"]) {
		return scope, &authProblem{errMalformedAuth, "Authorization header Signature must be 64 hexadecimal characters."}
	}
	return scope, nil
}

// parseCredential parses "AKID/YYYYMMDD/REGION/SERVICE/aws4_request". The
// service is returned even when something else is wrong.
func parseCredential(cred string) (credentialScope, error) {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return credentialScope{}, fmt.Errorf("%q is malformed; expected AKID/YYYYMMDD/REGION/SERVICE/aws4_request", cred)
	}
	scope := credentialScope{AccessKey: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}
	switch {
	case scope.AccessKey == "":
		return scope, fmt.Errorf("%q has an empty access key ID", cred)
	case len(scope.Date) != 8 || !allDigits(scope.Date):
		return scope, fmt.Errorf("%q has a malformed date; expected YYYYMMDD", cred)
	case scope.Region == "" || scope.Service == "":
		return scope, fmt.Errorf("%q has an empty region or service", cred)
	case parts[4] != "aws4_request":
		return scope, fmt.Errorf("%q must end in aws4_request", cred)
	}
	return scope, nil
}

// validSignedHeaders: SigV4 signs at least the host header, and lists the
// signed headers lower-cased and separated by semicolons.
func validSignedHeaders(s string) bool {
	if s == "" {
		return false
	}
	host := false
	for _, h := range strings.Split(s, ";") {
		if h == "" || strings.ToLower(h) != h || strings.ContainsAny(h, " \t,=") {
			return false
		}
		host = host || h == "host"
	}
	return host
}

// isSignature: a SigV4 signature is a hex-encoded HMAC-SHA256.
func isSignature(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isAmzDate: YYYYMMDDTHHMMSSZ.
func isAmzDate(s string) bool {
	return len(s) == 16 && allDigits(s[:8]) && s[8] == 'T' && allDigits(s[9:15]) && s[15] == 'Z'
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// browserProblem refuses requests a web page made. The sandbox accepts any
// credentials and runs inside the desktop app's process, so a page the user
// happens to visit must not be able to drive it: browsers mark every request
// with Origin (all CORS and all POSTs) or with Fetch Metadata (Sec-Fetch-*,
// every request in current browsers), and the AWS SDKs and CLIs send neither.
// Browsers too old for Fetch Metadata still announce themselves as Mozilla/.
// Only an Origin in allowed (Options.AllowedOrigins) gets through.
func browserProblem(r *http.Request, allowed []string) *authProblem {
	origin, hasOrigin := r.Header["Origin"]
	if hasOrigin {
		o := strings.Join(origin, ",")
		if slices.Contains(allowed, o) {
			return nil
		}
		return &authProblem{errBrowserOrigin, fmt.Sprintf(
			"the SellerDesk sandbox refuses requests from web pages (Origin %q): it accepts any credentials, so only programs such as the AWS SDKs and CLI may call it", o)}
	}
	for _, h := range []string{"Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User"} {
		if v := r.Header.Get(h); v != "" {
			return &authProblem{errBrowserOrigin, fmt.Sprintf(
				"the SellerDesk sandbox refuses requests from web browsers (%s: %s): it accepts any credentials, so only programs such as the AWS SDKs and CLI may call it", h, v)}
		}
	}
	if strings.HasPrefix(r.Header.Get("User-Agent"), "Mozilla/") {
		return &authProblem{errBrowserOrigin,
			"the SellerDesk sandbox refuses requests from web browsers: it accepts any credentials, so only programs such as the AWS SDKs and CLI may call it"}
	}
	return nil
}
