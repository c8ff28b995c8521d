// Package redacttest holds credential-bearing texts of every shape
// internal/redact knows, for tests of each place SellerDesk writes to.
package redacttest

import "strings"

// Fake credentials, in realistic shapes.
const (
	AccessKeyID     = "ASIAQWERTYUIOPASDFGH"
	SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKY"
	Signature       = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	BearerToken     = "aoaAAAAAGXfakeBearerTokenValue0123456789"
	RefreshToken    = "aorAAAAAGXfakeRefreshTokenValue0123456789"
	ClientSecret    = "eyJraWQiOiJrZXktMTU2fakeClientSecret0123"
	Password        = "SECRETVALUE"
)

// SessionToken is a realistic (~400 character) STS session token.
var SessionToken = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD" + strings.Repeat("aB3+xY9/Zq7=", 30) + "Kw"

// SSOAccessToken is an IAM Identity Center access token as the portal API
// takes it (x-amz-sso_bearer_token): the token, ':', its signature.
var SSOAccessToken = BearerToken + ":" + SSOTokenSignature

// SSOTokenSignature is the part of SSOAccessToken after the ':'.
const SSOTokenSignature = "MGUCMQDfakeSsoTokenSignature0a1b2c3d4e5f"

// PlainSecretAccessKey is a secret access key with no '/' or '+', as about
// one key in four is: only its name (a field, an XML element) gives it away.
const PlainSecretAccessKey = "Zq9Lm2ExampleSecretKeyMaterial0123abcdXY"

// OlderTokens are session tokens of the formats STS issued before FwoG.
var OlderTokens = []string{"FQoGZXIvYXdzEBYaDKg8fake" + strings.Repeat("YmFyYmF6", 20), "AQoDYXdzEJr//////////wEa" + strings.Repeat("cXV4cXV4", 20)}

// FwoToken is the older token shape.
var FwoToken = "FwoGZXIvYXdzEBYaDHqa0AP1/+FAKE" + strings.Repeat("Zm9vYmFy", 20)

// Case is one text carrying credentials.
type Case struct {
	Name    string
	Text    string
	Secrets []string // none may survive
	Keep    []string // all must survive
}

// Cases returns one text per shape.
func Cases() []Case {
	auth := "AWS4-HMAC-SHA256 Credential=" + AccessKeyID + "/20261203/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=" + Signature
	return []Case{
		{"bare secret access key", "the key " + SecretAccessKey + " was rejected", []string{SecretAccessKey}, []string{"the key", "was rejected"}},
		{"bare session token", "token " + SessionToken + " expired", []string{SessionToken, SessionToken[:40], SessionToken[len(SessionToken)-40:]}, []string{"expired"}},
		{"old session token", "token=" + FwoToken, []string{FwoToken, FwoToken[20:60]}, nil},
		{"security token header", "X-Amz-Security-Token: " + SessionToken + "\nHost: sts.amazonaws.com", []string{SessionToken[16:60]}, []string{"Host: sts.amazonaws.com"}},
		{"security token query", "https://s3.amazonaws.com/b/k?X-Amz-Security-Token=" + strings.ReplaceAll(SessionToken, "/", "%2F") + "&X-Amz-Expires=60", []string{SessionToken[16:30]}, []string{"X-Amz-Expires=60"}},
		{"authorization header", "Authorization: " + auth, []string{Signature, AccessKeyID}, []string{"AWS4-HMAC-SHA256", "/20261203/us-east-1/sts/aws4_request", "SignedHeaders=host;x-amz-date"}},
		{"presigned URL", "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + AccessKeyID + "%2F20261203%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=" + Signature + "&X-Amz-SignedHeaders=host", []string{Signature, AccessKeyID}, []string{"X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-SignedHeaders=host"}},
		{"credentials file", "[prod]\naws_access_key_id = " + AccessKeyID + "\naws_secret_access_key = " + SecretAccessKey + "\naws_session_token=" + SessionToken, []string{SecretAccessKey, SessionToken[16:50]}, []string{"aws_access_key_id = " + AccessKeyID}},
		{"process JSON", `{"Version": 1, "AccessKeyId": "` + AccessKeyID + `", "SecretAccessKey": "` + SecretAccessKey + `", "SessionToken": "` + SessionToken + `"}`, []string{SecretAccessKey, SessionToken[16:50]}, []string{`"AccessKeyId": "` + AccessKeyID + `"`}},
		{"SSO cache JSON", `{"accessToken": "` + BearerToken + `", "refreshToken": "` + RefreshToken + `", "clientSecret": "` + ClientSecret + `", "region": "us-east-1"}`, []string{BearerToken, RefreshToken, ClientSecret}, []string{`"region": "us-east-1"`}},
		{"bearer header", "authorization: Bearer " + BearerToken, []string{BearerToken}, nil},
		{"URL userinfo", "dial http://AKIAFAKE:" + Password + "@127.0.0.1:4566/x failed", []string{Password, "AKIAFAKE:"}, []string{"http://[redacted]@127.0.0.1:4566/x"}},
		{"reflected headers in an AWS error", "<Message>Bad request: Authorization: " + auth + " X-Amz-Security-Token: " + SessionToken + "</Message>", []string{Signature, SessionToken[16:60]}, []string{"<Message>Bad request", "</Message>"}},
		{"ordinary text", "arn:aws:iam::123456789012:role/SellerDeskRole in us-east-1 (sha256 " + Signature[:40] + ")", nil, []string{"arn:aws:iam::123456789012:role/SellerDeskRole in us-east-1 (sha256 " + Signature[:40] + ")"}},
		{"bare bearer token", "sent Bearer " + BearerToken + " to the portal", []string{BearerToken}, []string{"to the portal"}},
		{"words near the shapes", "basic information about the bearer of this account; the security token included in the request is expired", nil,
			[]string{"basic information about the bearer of this account; the security token included in the request is expired"}},
		{"access key ID alone", "access key " + AccessKeyID + " is inactive", nil, []string{"access key " + AccessKeyID + " is inactive"}},
		{"SSO portal header", "x-amz-sso_bearer_token: " + SSOAccessToken + "\nHost: portal.sso.us-east-1.amazonaws.com", []string{BearerToken, SSOTokenSignature}, []string{"Host: portal.sso.us-east-1.amazonaws.com"}},
		{"SSO access token as a bearer", "authorization: Bearer " + SSOAccessToken + " rejected", []string{BearerToken, SSOTokenSignature}, []string{"rejected"}},
		{"STS XML credentials", "<Credentials><AccessKeyId>" + AccessKeyID + "</AccessKeyId><SecretAccessKey>" + PlainSecretAccessKey + "</SecretAccessKey><SessionToken>opaque" + SessionToken[16:60] + "</SessionToken></Credentials>",
			[]string{PlainSecretAccessKey, SessionToken[16:60]}, []string{"<AccessKeyId>" + AccessKeyID + "</AccessKeyId>"}},
		{"older session tokens", "tokens " + OlderTokens[0] + " and " + OlderTokens[1] + " expired", []string{OlderTokens[0][13:50], OlderTokens[1][9:50]}, []string{"expired"}},
	}
}

// AllSecrets is every secret value of Cases (for greps of whole outputs).
func AllSecrets() []string {
	return []string{SecretAccessKey, SessionToken[16:60], FwoToken[20:60], Signature, BearerToken, RefreshToken, ClientSecret, Password,
		SSOTokenSignature, PlainSecretAccessKey, OlderTokens[0][13:50], OlderTokens[1][9:50]}
}
