package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// sigV4Algorithm is the only signing algorithm the sandbox routes.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// credentialScope is what the sandbox uses from a SigV4 signature: who signed
// (the access key ID) and for which region and service. Signatures themselves
// are accepted without verification.
type credentialScope struct {
	AccessKey string
	Date      string // YYYYMMDD
	Region    string
	Service   string
}

// authProblem describes why a request's authentication was rejected.
type authProblem struct {
	kind commonError // errMissingAuth or errMalformedAuth
	msg  string
}

// parseAuth extracts the credential scope from the Authorization header or,
// for presigned URLs, from the X-Amz-Credential query parameter. On a
// malformed signature it still returns whatever service it could read, so the
// error can be rendered in that service's protocol.
func parseAuth(r *http.Request) (credentialScope, *authProblem) {
	if h := r.Header.Get("Authorization"); h != "" {
		return parseAuthorizationHeader(h)
	}
	q := r.URL.Query()
	if cred := q.Get("X-Amz-Credential"); cred != "" {
		scope, err := parseCredential(cred)
		if err != nil {
			return scope, &authProblem{errMalformedAuth, "X-Amz-Credential " + err.Error()}
		}
		if alg := q.Get("X-Amz-Algorithm"); alg != sigV4Algorithm {
			return scope, &authProblem{errMalformedAuth, fmt.Sprintf("unsupported X-Amz-Algorithm %q; use %s", alg, sigV4Algorithm)}
		}
		if q.Get("X-Amz-Signature") == "" {
			return scope, &authProblem{errMalformedAuth, "presigned URL has no X-Amz-Signature"}
		}
		return scope, nil
	}
	return credentialScope{}, &authProblem{errMissingAuth,
		"Request is missing Authentication Token: the SellerDesk sandbox requires a SigV4 Authorization header (any access key and secret will do)"}
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
	case len(scope.Date) != 8 || strings.Trim(scope.Date, "0123456789") != "":
		return scope, fmt.Errorf("%q has a malformed date; expected YYYYMMDD", cred)
	case scope.Region == "" || scope.Service == "":
		return scope, fmt.Errorf("%q has an empty region or service", cred)
	case parts[4] != "aws4_request":
		return scope, fmt.Errorf("%q must end in aws4_request", cred)
	}
	return scope, nil
}
