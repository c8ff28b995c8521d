package sandbox

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// STS: awsquery, version 2011-06-15.
func init() {
	handleQuery("sts", "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/", map[string]queryHandler{
		"GetCallerIdentity": stsGetCallerIdentity,
		"AssumeRole":        stsAssumeRole,
	})
}

type stsGetCallerIdentityResult struct {
	Arn     string
	UserId  string
	Account string
}

func stsGetCallerIdentity(c *call, _ queryParams) (any, error) {
	id, expired := c.caller()
	if expired {
		return nil, apiError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}
	return &stsGetCallerIdentityResult{Arn: id.ARN, UserId: id.UserID, Account: id.Account}, nil
}

type stsAssumeRoleResult struct {
	Credentials struct {
		AccessKeyId     string
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	AssumedRoleUser struct {
		Arn           string
		AssumedRoleId string
	}
	PackedPolicySize int    `xml:",omitempty"`
	SourceIdentity   string `xml:",omitempty"`
}

var (
	roleARNPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/(?:[\x21-\x7e]+/)?([\w+=,.@-]{1,64})$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	mfaCodePattern     = regexp.MustCompile(`^[0-9]{6}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

// checkTrust decides an AssumeRole of a role in the sandbox's account the
// way IAM does: the role must exist and its trust policy must allow the
// caller sts:AssumeRole, conditions included (sts:ExternalId above all: a
// missing or wrong external ID is the confused-deputy protection the
// onboarding role exists for). A role in another account is not modelled:
// the sandbox cannot see its trust policy, and lets the call through.
func (a *Account) checkTrust(caller Identity, roleARN, roleAccount, roleName string, p queryParams) error {
	if roleAccount != a.ID {
		return nil
	}
	denied := apiError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, roleARN)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.iam() // the seeded principals exist from the first IAM-aware call
	role := a.findRole(roleName)
	if role == nil || role.ARN != roleARN {
		return denied
	}
	ctx := map[string]string{"aws:PrincipalArn": caller.ARN, "aws:PrincipalAccount": caller.Account,
		"sts:RoleSessionName": p.get("RoleSessionName"), "aws:SecureTransport": "true", "aws:RequestedRegion": a.Region}
	if p.has("ExternalId") {
		ctx["sts:ExternalId"] = p.get("ExternalId")
	}
	if p.has("SourceIdentity") {
		ctx["sts:SourceIdentity"] = p.get("SourceIdentity")
	}
	if p.has("SerialNumber") {
		ctx["aws:MultiFactorAuthPresent"] = "true"
	} else {
		ctx["aws:MultiFactorAuthPresent"] = "false"
	}
	req := iampolicy.Request{Principal: caller.ARN, Action: "sts:AssumeRole", Resource: roleARN, Context: ctx}
	if !policyAllows(role.AssumeRolePolicyDocument, req) {
		return denied
	}
	return nil
}

func stsAssumeRole(c *call, p queryParams) (any, error) {
	roleARN, sessionName := p.get("RoleArn"), p.get("RoleSessionName")
	switch {
	case roleARN == "":
		return nil, stsValidation("Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	case sessionName == "":
		return nil, stsValidation("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case !sessionNamePattern.MatchString(sessionName):
		return nil, stsValidation("Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and satisfy regular expression pattern: [\\w+=,.@-]*")
	}
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil {
		return nil, stsValidation("Value '" + roleARN + "' at 'roleArn' failed to satisfy constraint: Member must be an IAM role ARN such as arn:aws:iam::123456789012:role/RoleName")
	}
	roleAccount, roleName := m[1], m[2]

	duration := time.Hour
	if d := p.get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			return nil, stsValidation("Value '" + d + "' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200")
		}
		duration = time.Duration(n) * time.Second
	}
	if p.has("ExternalId") {
		if ext := p.get("ExternalId"); len(ext) < 2 || len(ext) > 1224 || !externalIDPattern.MatchString(ext) {
			return nil, stsValidation("Value '" + ext + "' at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224 and satisfy regular expression pattern: [\\w+=,.@:\\/-]*")
		}
	}
	if p.has("SerialNumber") && !mfaCodePattern.MatchString(p.get("TokenCode")) {
		return nil, apiError(http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	caller, expired := c.caller()
	if expired {
		return nil, apiError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}
	if err := c.acct.checkTrust(caller, roleARN, roleAccount, roleName, p); err != nil {
		return nil, err
	}

	res := &stsAssumeRoleResult{SourceIdentity: p.get("SourceIdentity")}
	res.Credentials.AccessKeyId = "ASIA" + randomString(16, upperAlnum)
	res.Credentials.SecretAccessKey = randomString(40, base64Chars)
	res.Credentials.SessionToken = "SBX" + randomString(253, base64Chars)
	expiration := c.now().Add(duration).UTC().Truncate(time.Second)
	res.Credentials.Expiration = expiration.Format(time.RFC3339)
	partition := strings.SplitN(roleARN, ":", 3)[1]
	res.AssumedRoleUser.Arn = "arn:" + partition + ":sts::" + roleAccount + ":assumed-role/" + roleName + "/" + sessionName
	res.AssumedRoleUser.AssumedRoleId = stableID("AROA", roleARN) + ":" + sessionName

	a := c.acct
	a.mu.Lock()
	for key, s := range a.sessions { // forget long-expired credentials
		if c.now().Sub(s.expiration) > 24*time.Hour {
			delete(a.sessions, key)
		}
	}
	a.sessions[res.Credentials.AccessKeyId] = &session{
		identity: Identity{
			Account: roleAccount,
			ARN:     res.AssumedRoleUser.Arn,
			UserID:  res.AssumedRoleUser.AssumedRoleId,
		},
		expiration: expiration,
	}
	a.mu.Unlock()
	return res, nil
}

func stsValidation(msg string) *APIError {
	return apiError(http.StatusBadRequest, "ValidationError", "1 validation error detected: %s", msg)
}
