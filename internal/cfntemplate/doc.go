// Package cfntemplate is SellerDesk's one CloudFormation template parser:
// JSON and YAML templates (with the short-form intrinsics !Ref, !Sub,
// !GetAtt, !If, …) decoded into plain Go values, the sections Parameters,
// Conditions, Resources and Outputs read into types, and the decoding
// bounds (CheckSize, CheckBounds) that keep an alias bomb or absurd nesting
// from exhausting memory.
//
// It is a leaf package: the onboarding template's review
// (internal/onboarding/template) and the sandbox's CloudFormation engine
// both use it, so the sandbox reads a template exactly as the app does
// without importing product code.
package cfntemplate
