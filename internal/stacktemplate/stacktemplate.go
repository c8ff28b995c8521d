// Package stacktemplate holds SellerDesk's onboarding CloudFormation
// template as data: the embedded template.yaml, its version and the
// capabilities CreateStack must acknowledge. It imports nothing, so the
// sandbox can launch the onboarding stack in its scenarios without
// importing product code; internal/onboarding/template builds the review,
// the parameters and the version checks around it.
package stacktemplate

import _ "embed"

//go:embed template.yaml
var body []byte

// Version is the version of the embedded template. It must equal the
// template's Metadata.SellerDeskTemplateVersion (a test in
// internal/onboarding/template checks this).
const Version = "2026-12-03.2"

// Capabilities lists the capabilities CreateStack/UpdateStack must acknowledge:
// the template creates an IAM role with a custom name.
var Capabilities = []string{"CAPABILITY_NAMED_IAM"}

// Body returns a copy of the embedded CloudFormation template (YAML).
func Body() []byte { return append([]byte(nil), body...) }
