package template

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// Parameters are the values the user (or the partner's launch link) supplies
// when launching the onboarding stack. Empty PartnerRoleName and
// PartnerSnsPrefix mean the template defaults; empty ReportURL means no
// report; empty bucket names let CloudFormation generate names.
type Parameters struct {
	PartnerAccountID string `json:"partnerAccountId"`
	ExternalID       string `json:"externalId"`
	PartnerRoleName  string `json:"partnerRoleName"`
	PartnerSnsPrefix string `json:"partnerSnsPrefix"`
	ReportURL        string `json:"reportUrl"`
	LeastPrivilege   bool   `json:"leastPrivilege"`
	CasBucketName    string `json:"casBucketName"`
	SddsBucketName   string `json:"sddsBucketName"`
}

// NamedBy returns the parameter (Go field of Parameters) that names the
// template's resource logicalID, or "" when no parameter does. A failure of
// that resource (a bucket name already taken) is fixed by changing it.
func NamedBy(logicalID string) string {
	switch logicalID {
	case "CasBucket":
		return "CasBucketName"
	case "SddsBucket":
		return "SddsBucketName"
	}
	return ""
}

// KV is one CloudFormation parameter (ParameterKey / ParameterValue). It is a
// plain struct so this package does not depend on the AWS SDK.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// FieldError is one problem with one field. Field is the Go field name of
// Parameters ("PartnerAccountID", …) or "StackName".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationErrors lists every problem found, in field order.
type ValidationErrors []FieldError

func (v ValidationErrors) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "; ")
}

// For returns the messages about one field.
func (v ValidationErrors) For(field string) []string {
	var out []string
	for _, e := range v {
		if e.Field == field {
			out = append(out, e.Message)
		}
	}
	return out
}

func (v *ValidationErrors) add(field, format string, args ...any) {
	*v = append(*v, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// withDefaults fills the optional parameters that have template defaults.
func (p Parameters) withDefaults() Parameters {
	if p.PartnerRoleName == "" {
		p.PartnerRoleName = DefaultPartnerRoleName
	}
	if p.PartnerSnsPrefix == "" {
		p.PartnerSnsPrefix = DefaultPartnerSnsPrefix
	}
	return p
}

// CFN returns the parameters as CloudFormation key/value pairs for CreateStack
// or UpdateStack, every template parameter included (defaults filled in), in
// template order.
func (p Parameters) CFN() []KV {
	p = p.withDefaults()
	return []KV{
		{"PartnerAccountId", p.PartnerAccountID},
		{"ExternalId", p.ExternalID},
		{"PartnerRoleName", p.PartnerRoleName},
		{"PartnerSnsPrefix", p.PartnerSnsPrefix},
		{"ReportUrl", p.ReportURL},
		{"LeastPrivilege", fmt.Sprint(p.LeastPrivilege)},
		{"CasBucketName", p.CasBucketName},
		{"SddsBucketName", p.SddsBucketName},
	}
}

// values returns the CFN pairs as a map.
func (p Parameters) values() map[string]string {
	m := map[string]string{}
	for _, kv := range p.CFN() {
		m[kv.Key] = kv.Value
	}
	return m
}

// Validate checks every parameter and returns nil or a ValidationErrors
// listing all problems. It applies the same rules as the template's
// constraints (and AWS's, which are stricter for bucket names), so a stack
// launched with valid Parameters does not fail on them.
func (p Parameters) Validate() error {
	var errs ValidationErrors
	p = p.withDefaults()

	// Partner account ID: exactly 12 digits.
	switch id := p.PartnerAccountID; {
	case id == "":
		errs.add("PartnerAccountID", "Partner account ID is required: the partner's 12-digit AWS account ID")
	case !allIn(id, isDigit):
		errs.add("PartnerAccountID", "Partner account ID may contain only digits; found %s", describeBad(id, isDigit))
	case len(id) != 12:
		errs.add("PartnerAccountID", "Partner account ID must be exactly 12 digits; got %d", len(id))
	}

	// External ID: STS allows 2–1224 characters of [\w+=,.@:/-].
	switch n := utf8.RuneCountInString(p.ExternalID); {
	case n == 0:
		errs.add("ExternalID", "External ID is required: the partner gives you this value")
	case n < 2:
		errs.add("ExternalID", "External ID must be at least 2 characters; got %d", n)
	case n > 1224:
		errs.add("ExternalID", "External ID must be at most 1224 characters; got %d", n)
	}
	if p.ExternalID != "" && !allIn(p.ExternalID, isExternalIDChar) {
		errs.add("ExternalID", "External ID may contain only letters, digits and _ + = , . @ : / -; found %s", describeBad(p.ExternalID, isExternalIDChar))
	}

	// Role name: IAM allows 1–64 characters of [\w+=,.@-].
	if n := utf8.RuneCountInString(p.PartnerRoleName); n > 64 {
		errs.add("PartnerRoleName", "Role name must be at most 64 characters; got %d", n)
	}
	if !allIn(p.PartnerRoleName, isRoleNameChar) {
		errs.add("PartnerRoleName", "Role name may contain only letters, digits and _ + = , . @ -; found %s", describeBad(p.PartnerRoleName, isRoleNameChar))
	}

	// SNS prefix: a topic-name prefix (topic names allow [A-Za-z0-9_-]).
	if n := len(p.PartnerSnsPrefix); n > 200 {
		errs.add("PartnerSnsPrefix", "Partner SNS topic prefix must be at most 200 characters; got %d", n)
	}
	if !allIn(p.PartnerSnsPrefix, isTopicChar) {
		errs.add("PartnerSnsPrefix", "Partner SNS topic prefix may contain only letters, digits, hyphens and underscores; found %s", describeBad(p.PartnerSnsPrefix, isTopicChar))
	}

	// Report URL: optional, https only.
	if p.ReportURL != "" {
		if msg := checkReportURL(p.ReportURL); msg != "" {
			errs.add("ReportURL", "%s", msg)
		}
	}

	// Bucket names: optional, S3 naming rules.
	if p.CasBucketName != "" {
		if msg := checkBucketName(p.CasBucketName); msg != "" {
			errs.add("CasBucketName", "CAS bucket name %s", msg)
		}
	}
	if p.SddsBucketName != "" {
		if msg := checkBucketName(p.SddsBucketName); msg != "" {
			errs.add("SddsBucketName", "Seller Data Feeds bucket name %s", msg)
		}
	}
	if p.CasBucketName != "" && p.CasBucketName == p.SddsBucketName {
		errs.add("SddsBucketName", "The CAS and Seller Data Feeds buckets need different names; both are %q", p.CasBucketName)
	}

	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateStackName checks a CloudFormation stack name: 1–128 characters,
// starting with a letter, then letters, digits and hyphens. It returns nil or
// a ValidationErrors whose Field is "StackName".
func ValidateStackName(name string) error {
	var errs ValidationErrors
	isStackChar := func(r rune) bool { return isASCIILetter(r) || isDigit(r) || r == '-' }
	switch {
	case name == "":
		errs.add("StackName", "Stack name is required")
	case !isASCIILetter(rune(name[0])):
		errs.add("StackName", "Stack name must start with a letter; it starts with %s", quoteRune(firstRune(name)))
	}
	if n := utf8.RuneCountInString(name); n > 128 {
		errs.add("StackName", "Stack name must be at most 128 characters; got %d", n)
	}
	if name != "" && !allIn(name, isStackChar) {
		errs.add("StackName", "Stack name may contain only letters, digits and hyphens; found %s", describeBad(name, isStackChar))
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func checkReportURL(s string) string {
	if len(s) > 2048 {
		return fmt.Sprintf("Report URL must be at most 2048 characters; got %d", len(s))
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return "Report URL must not contain spaces"
	}
	if redact.HasURLUserinfo(s) { // never quoted: it is a password
		return "Report URL must not contain a user name or password (…@); SellerDesk never stores credentials"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "Report URL is not a valid URL"
	}
	if u.Scheme != "https" {
		return "Report URL must start with https:// so the stack outputs travel encrypted"
	}
	if u.Host == "" {
		return "Report URL has no host name"
	}
	return ""
}

// checkBucketName applies the S3 general-purpose bucket naming rules and
// returns the end of a sentence starting with the bucket's label, or "".
func checkBucketName(s string) string {
	isBucketChar := func(r rune) bool { return isLowerLetter(r) || isDigit(r) || r == '.' || r == '-' }
	switch {
	case len(s) < 3 || len(s) > 63:
		return fmt.Sprintf("must be 3 to 63 characters long; got %d", utf8.RuneCountInString(s))
	case !allIn(s, isBucketChar):
		return "may contain only lowercase letters, digits, dots and hyphens; found " + describeBad(s, isBucketChar)
	case !isLowerLetter(rune(s[0])) && !isDigit(rune(s[0])):
		return "must start with a lowercase letter or a digit"
	case !isLowerLetter(rune(s[len(s)-1])) && !isDigit(rune(s[len(s)-1])):
		return "must end with a lowercase letter or a digit"
	case strings.Contains(s, ".."):
		return "must not contain two dots in a row"
	case net.ParseIP(s) != nil:
		return "must not look like an IP address"
	}
	for _, prefix := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(s, prefix) {
			return fmt.Sprintf("must not start with %q (reserved by AWS)", prefix)
		}
	}
	for _, suffix := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(s, suffix) {
			return fmt.Sprintf("must not end with %q (reserved by AWS)", suffix)
		}
	}
	return ""
}

func isDigit(r rune) bool       { return r >= '0' && r <= '9' }
func isLowerLetter(r rune) bool { return r >= 'a' && r <= 'z' }
func isASCIILetter(r rune) bool { return isLowerLetter(r) || (r >= 'A' && r <= 'Z') }
func isWordChar(r rune) bool    { return isASCIILetter(r) || isDigit(r) || r == '_' }
func isExternalIDChar(r rune) bool {
	return isWordChar(r) || strings.ContainsRune("+=,.@:/-", r)
}
func isRoleNameChar(r rune) bool { return isWordChar(r) || strings.ContainsRune("+=,.@-", r) }
func isTopicChar(r rune) bool    { return isASCIILetter(r) || isDigit(r) || r == '-' || r == '_' }

func allIn(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// describeBad names the first offending character and its 1-based position:
// `a space at position 5`, `"#" at position 3`.
func describeBad(s string, ok func(rune) bool) string {
	pos := 0
	for _, r := range s {
		pos++
		if !ok(r) {
			return fmt.Sprintf("%s at position %d", quoteRune(r), pos)
		}
	}
	return "nothing wrong"
}

func quoteRune(r rune) string {
	switch r {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	}
	return fmt.Sprintf("%q", string(r))
}
