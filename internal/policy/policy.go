// Package policy builds and lints the IAM policies that the AWS Marketplace
// Catalog API access-control guide describes
// (shared/reference/seed-catalog-api-access-control.txt):
//
//   - Build produces the policy of every pattern of the guide;
//   - ManagedPolicyAdvice lists the AWS managed policies the guide recommends;
//   - ResaleAuthorizationPolicy / ResaleAuthorizationTrust reproduce the
//     FullResaleAuthorizationAccess policy and role trust policy verbatim;
//   - Lint explains each rule of the guide that a hand-edited policy breaks.
//
// The documents are the shared IAM policy model (internal/iampolicy).
// Output is deterministic. Action and Resource are emitted as JSON arrays,
// except where the guide's own example uses a plain string: a statement
// records that in ActionAsString / ResourceAsString (set by the builders for
// "Resource": "*", by the resale documents where the guide uses strings, and
// by Parse when the input used a string), so that a parsed document
// marshals back to the same shape. Condition maps are emitted with sorted
// keys (encoding/json's map order).
package policy

import "github.com/sellerdesk/sellerdesk/internal/iampolicy"

// Version is the IAM policy language version every generated document carries.
const Version = iampolicy.Version

// Document is an IAM policy document (the shared model).
type Document = iampolicy.Document

// Statement is one IAM policy statement (the shared model).
type Statement = iampolicy.Statement

// Parse decodes a policy document as IAM's policy editor reads it; see
// iampolicy.Parse (errors name the line and column, or the statement and
// field).
func Parse(raw []byte) (Document, error) { return iampolicy.Parse(raw) }
