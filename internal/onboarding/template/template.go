// Package template holds SellerDesk's onboarding CloudFormation template and
// everything the app needs around it:
//
//   - Body returns the embedded template (internal/stacktemplate's
//     template.yaml), Version its version
//     (also written in the template's Metadata as SellerDeskTemplateVersion
//     and in its TemplateVersion output, so the app can tell when a deployed
//     stack is older), and Capabilities what CreateStack must acknowledge.
//   - Parameters describes the launch parameters; Validate checks them with
//     messages a person understands and CFN turns them into the key/value
//     pairs CreateStack takes. ValidateStackName checks a stack name.
//   - Describe (and DescribeFor) produce the plain-words review shown before
//     launch. It is generated from the template itself — the titles live in
//     each resource's Metadata.SellerDesk — so it cannot drift.
//   - The template is read with the general CloudFormation template parser,
//     internal/cfntemplate.
//
// The template implements the "Permissions and Roles" section of the partner
// cloud-setup guide (the partner role with an external ID, the reporter, the
// SQS queue, marketplace and SNS access, the CAS bucket and topic) plus the
// Seller Data Feed (SDDS) bucket, KMS key and topic AWS documents.
package template

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/stacktemplate"
)

// Version is the version of the embedded template. It must equal the
// template's Metadata.SellerDeskTemplateVersion (a test checks this).
const Version = stacktemplate.Version

// Capabilities lists the capabilities CreateStack/UpdateStack must acknowledge:
// the template creates an IAM role with a custom name.
var Capabilities = stacktemplate.Capabilities

// Defaults of the optional parameters, equal to the template's Defaults.
const (
	DefaultPartnerRoleName  = "SellerDeskPartnerRole"
	DefaultPartnerSnsPrefix = "partner-"
)

// Body returns a copy of the embedded CloudFormation template (YAML).
func Body() []byte { return stacktemplate.Body() }

// CompareVersions compares two template versions of the form YYYY-MM-DD.N
// (date, then N numerically, so "….10" is newer than "….9") and returns -1,
// 0 or +1. An empty or malformed version counts as older than any well-formed
// one.
func CompareVersions(a, b string) int {
	da, na, oka := splitVersion(a)
	db, nb, okb := splitVersion(b)
	switch {
	case !oka || !okb:
		return cmpInt(boolInt(oka), boolInt(okb))
	case da != db:
		return strings.Compare(da, db)
	}
	return cmpInt(na, nb)
}

// IsOlder reports whether a deployed stack's template version (its
// TemplateVersion output) is older than the embedded template's Version.
func IsOlder(deployed string) bool { return CompareVersions(deployed, Version) < 0 }

var versionRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})\.(\d{1,9})$`)

func splitVersion(v string) (date string, n int, ok bool) {
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(m[2])
	return m[1], n, err == nil
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
