package sandbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// IAM: awsquery, version 2010-05-08, a global service signed for us-east-1.
// It serves the roles and policies the CloudFormation engine created, the
// default principals every account is seeded with (seedIAM), and the writes
// SellerDesk and its users make: managed policies and their versions, users,
// attachments.
func init() {
	ops := map[string]queryHandler{
		"GetRole":                  iamGetRole,
		"ListRoles":                iamListRoles,
		"CreateRole":               iamCreateRole,
		"DeleteRole":               iamDeleteRole,
		"UpdateAssumeRolePolicy":   iamUpdateAssumeRolePolicy,
		"ListRolePolicies":         iamListRolePolicies,
		"GetRolePolicy":            iamGetRolePolicy,
		"PutRolePolicy":            iamPutRolePolicy,
		"DeleteRolePolicy":         iamDeleteRolePolicy,
		"ListAttachedRolePolicies": iamListAttachedRolePolicies,
		"AttachRolePolicy":         iamAttachRolePolicy,
		"DetachRolePolicy":         iamDetachRolePolicy,
		"GetPolicy":                iamGetPolicy,
		"ListPolicies":             iamListPolicies,
		"GetPolicyVersion":         iamGetPolicyVersion,
		"ListPolicyVersions":       iamListPolicyVersions,
		"CreatePolicyVersion":      iamCreatePolicyVersion,
		"DeletePolicyVersion":      iamDeletePolicyVersion,
		"SetDefaultPolicyVersion":  iamSetDefaultPolicyVersion,
		"CreatePolicy":             iamCreatePolicy,
		"DeletePolicy":             iamDeletePolicy,
		"CreateUser":               iamCreateUser,
		"GetUser":                  iamGetUser,
		"ListUsers":                iamListUsers,
		"DeleteUser":               iamDeleteUser,
		"AttachUserPolicy":         iamAttachUserPolicy,
		"DetachUserPolicy":         iamDetachUserPolicy,
		"ListAttachedUserPolicies": iamListAttachedUserPolicies,
	}
	for name, h := range ops {
		ops[name] = withIAMSeed(h)
	}
	handleQuery("iam", "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/", ops)
}

// withIAMSeed seeds the account's default principals before the first IAM
// call. The scenarios only build the caller's identity, and seeding here
// (rather than at construction) keeps accounts that never use IAM as the
// scenario left them.
func withIAMSeed(h queryHandler) queryHandler {
	return func(c *call, p queryParams) (any, error) {
		c.acct.mu.Lock()
		c.acct.iam()
		c.acct.mu.Unlock()
		return h(c, p)
	}
}

// The principals every sandbox account has once IAM is used, so that a
// chooser of roles and users (the policy builder's "attach to") has
// something to show.
const (
	// SeedRoleName is a role trusted by the account root.
	SeedRoleName = "MarketplaceCatalogAdmins"
	// SeedEditorUserName and SeedReaderUserName are two IAM users; the
	// reader has AWSMarketplaceSellerProductsReadOnly attached.
	SeedEditorUserName = "catalog-editor"
	SeedReaderUserName = "catalog-reader"
)

var userARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):user(/(?:[\x21-\x7e]+/)?)([\w+=,.@-]{1,64})$`)

// seedIAM adds the default principals (SeedRoleName, SeedEditorUserName,
// SeedReaderUserName, and the caller's own user when it is one, as in a real
// account) unless the scenario already made them. Caller holds a.mu.
func (a *Account) seedIAM(x *iamExtra) {
	created := time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC)
	if a.findRole(SeedRoleName) == nil {
		arn := "arn:aws:iam::" + a.ID + ":role/" + SeedRoleName
		a.iamRoles[SeedRoleName] = &IAMRole{Name: SeedRoleName, Path: "/", ARN: arn, RoleID: stableID("AROA", arn),
			AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + a.ID + `:root"},"Action":"sts:AssumeRole"}]}`,
			Description:              "AWS Marketplace catalog administrators (seeded by the SellerDesk sandbox)",
			MaxSessionDuration:       3600, InlinePolicies: map[string]string{}, CreateDate: created,
			ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/AWSMarketplaceSellerFullAccess"}}
	}
	addUser := func(name, path, id string, policies ...string) {
		for n := range x.users {
			if strings.EqualFold(n, name) {
				return
			}
		}
		arn := "arn:aws:iam::" + a.ID + ":user" + path + name
		if id == "" {
			id = stableID("AIDA", arn)
		}
		x.users[name] = &IAMUser{Name: name, Path: path, ARN: arn, UserID: id, CreateDate: created, ManagedPolicyARNs: policies}
	}
	if m := userARNPattern.FindStringSubmatch(a.CallerARN); m != nil && m[1] == a.ID {
		addUser(m[3], m[2], a.UserID)
	}
	addUser(SeedEditorUserName, "/", "")
	addUser(SeedReaderUserName, "/", "", "arn:aws:iam::aws:policy/AWSMarketplaceSellerProductsReadOnly")
}

// awsManagedPolicies are the AWS managed policies whose documents the sandbox
// knows; any other arn:aws:iam::aws:policy/… is accepted with an empty
// document.
var awsManagedPolicies = map[string]struct{ description, document string }{
	"service-role/AWSLambdaBasicExecutionRole": {"Provides write permissions to CloudWatch Logs.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`},
	"AdministratorAccess": {"Provides full access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	"ReadOnlyAccess": {"Provides read-only access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*"],"Resource":"*"}]}`},
	"AWSMarketplaceSellerFullAccess": {"Provides full access to all seller operations on AWS Marketplace and other AWS services such as AMI management.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:*","aws-marketplace-management:*","vendor-insights:*"],"Resource":"*"}]}`},
	"AWSMarketplaceSellerProductsReadOnly": {"Provides read-only access to products in AWS Marketplace Catalog API.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:ListEntities","aws-marketplace:DescribeEntity","aws-marketplace:BatchDescribeEntities","aws-marketplace:ListChangeSets","aws-marketplace:DescribeChangeSet","aws-marketplace:ListTagsForResource"],"Resource":"*"}]}`},
}

var awsManagedARNPattern = regexp.MustCompile(`^arn:aws:iam::aws:policy(/(?:[\w+=,.@-]+/)*)([\w+=,.@-]+)$`)

// lookupPolicy returns the managed policy with the given ARN: the account's
// own, or an AWS managed policy (built on the fly). Caller holds a.mu.
func (a *Account) lookupPolicy(arn string) *IAMManagedPolicy {
	if p := a.iamPolicies[arn]; p != nil {
		return p
	}
	m := awsManagedARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return nil
	}
	path, name := m[1], m[2]
	known, ok := awsManagedPolicies[strings.TrimPrefix(path, "/")+name]
	if !ok {
		known.description = "AWS managed policy (the SellerDesk sandbox does not model its document)"
		known.document = `{"Version":"2012-10-17","Statement":[]}`
	}
	created := time.Date(2015, 2, 6, 18, 40, 0, 0, time.UTC)
	return &IAMManagedPolicy{Name: name, Path: path, ARN: arn, PolicyID: stableID("ANPA", arn), Description: known.description,
		DefaultVersionID: "v1", AWSManaged: true, CreateDate: created, UpdateDate: created,
		Versions: []IAMPolicyVersion{{VersionID: "v1", Document: known.document, CreateDate: created}}}
}

func iamNoSuchEntity(format string, args ...any) *APIError {
	return apiError(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func iamValidation(format string, args ...any) *APIError {
	return apiError(http.StatusBadRequest, "ValidationError", format, args...)
}

// iamEncode percent-encodes a policy document the way IAM returns them
// (RFC 3986: everything but unreserved characters).
func iamEncode(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func iamTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

type iamXMLTag struct{ Key, Value string }

type iamXMLRole struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string          `xml:",omitempty"`
	Description              string          `xml:",omitempty"`
	MaxSessionDuration       int             `xml:",omitempty"`
	PermissionsBoundary      *iamXMLBoundary `xml:",omitempty"`
	Tags                     []iamXMLTag     `xml:"Tags>member,omitempty"`
	RoleLastUsed             *struct{}       `xml:",omitempty"`
}

func iamRoleXML(r *IAMRole, full bool) iamXMLRole {
	x := iamXMLRole{Path: r.Path, RoleName: r.Name, RoleId: r.RoleID, Arn: r.ARN, CreateDate: iamTime(r.CreateDate),
		AssumeRolePolicyDocument: iamEncode(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration}
	if r.PermissionsBoundary != "" {
		x.PermissionsBoundary = &iamXMLBoundary{"Policy", r.PermissionsBoundary}
	}
	if full {
		for _, t := range r.Tags {
			x.Tags = append(x.Tags, iamXMLTag(t))
		}
		x.RoleLastUsed = &struct{}{}
	}
	return x
}

func (a *Account) requireRole(name string) (*IAMRole, error) {
	if name == "" {
		return nil, iamValidation("1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	}
	r := a.findRole(name)
	if r == nil {
		return nil, iamNoSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

func iamGetRole(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	return &struct{ Role iamXMLRole }{iamRoleXML(r, true)}, nil
}

// iamPage applies Marker/MaxItems paging to n items.
func iamPage(p queryParams, n int) (start, end int, marker string, err error) {
	maxItems := 100
	if m := p.get("MaxItems"); m != "" {
		if maxItems, err = strconv.Atoi(m); err != nil || maxItems < 1 || maxItems > 1000 {
			return 0, 0, "", iamValidation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", m)
		}
	}
	if m := p.get("Marker"); m != "" {
		if start, err = strconv.Atoi(m); err != nil || start < 0 || start > n {
			return 0, 0, "", iamValidation("Invalid Marker")
		}
	}
	end = min(n, start+maxItems)
	if end < n {
		marker = strconv.Itoa(end)
	}
	return start, end, marker, nil
}

type iamListResult struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func iamListRoles(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	prefix := p.get("PathPrefix")
	var roles []*IAMRole
	for _, name := range sortedKeys(a.iamRoles) {
		if r := a.iamRoles[name]; strings.HasPrefix(r.Path, prefix) {
			roles = append(roles, r)
		}
	}
	start, end, marker, err := iamPage(p, len(roles))
	if err != nil {
		return nil, err
	}
	res := struct {
		Roles []iamXMLRole `xml:"Roles>member"`
		iamListResult
	}{iamListResult: iamListResult{IsTruncated: marker != "", Marker: marker}}
	res.Roles = []iamXMLRole{}
	for _, r := range roles[start:end] {
		res.Roles = append(res.Roles, iamRoleXML(r, false))
	}
	return &res, nil
}

var (
	iamNamePattern    = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)  // role and user names
	policyNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`) // policy names
	versionIDPattern  = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
)

// IAM's quotas on document sizes, counted without whitespace.
const (
	maxManagedPolicySize = 6144 // PolicySize
	maxTrustPolicySize   = 2048 // ACLSizePerRole (the default quota)
	maxAttachedPolicies  = 10   // PoliciesPerRole, PoliciesPerUser (the default quotas)
	maxPolicyVersions    = 5
)

func malformedPolicy(msg string) *APIError {
	return apiError(http.StatusBadRequest, "MalformedPolicyDocument", "%s", msg)
}

func checkPolicyDocument(doc string) error {
	var v map[string]any
	if doc == "" || json.Unmarshal([]byte(doc), &v) != nil {
		return malformedPolicy("Syntax errors in policy.")
	}
	return nil
}

// checkManagedPolicyDocument is what CreatePolicy and CreatePolicyVersion
// check: a JSON object with Version and Statement, within the PolicySize quota.
func checkManagedPolicyDocument(doc string) error {
	var v map[string]json.RawMessage
	if doc == "" || json.Unmarshal([]byte(doc), &v) != nil {
		return malformedPolicy("Syntax errors in policy.")
	}
	if _, ok := v["Statement"]; !ok {
		return malformedPolicy("Syntax errors in policy.")
	}
	var version string
	if json.Unmarshal(v["Version"], &version) != nil || version == "" {
		// Without a Version IAM falls back to the legacy grammar and refuses.
		return malformedPolicy("The policy failed legacy parsing")
	}
	if version != "2012-10-17" && version != "2008-10-17" {
		return malformedPolicy("The policy failed legacy parsing")
	}
	return checkPolicySize(doc, maxManagedPolicySize, "PolicySize")
}

// checkPolicySize applies a size quota, which IAM counts without whitespace.
func checkPolicySize(doc string, limit int, quota string) error {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	if n > limit {
		return apiError(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for %s: %d", quota, limit)
	}
	return nil
}

func checkTrustPolicy(doc string) error {
	if err := checkPolicyDocument(doc); err != nil {
		return err
	}
	return checkPolicySize(doc, maxTrustPolicySize, "ACLSizePerRole")
}

// iamBool parses an optional boolean parameter.
func iamBool(p queryParams, name string) (bool, error) {
	switch v := p.get(name); strings.ToLower(v) {
	case "":
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, iamValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a boolean", v, lowerFirst(name))
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func iamCreateRole(c *call, p queryParams) (any, error) {
	name, doc := p.get("RoleName"), p.get("AssumeRolePolicyDocument")
	if !iamNamePattern.MatchString(name) {
		return nil, iamValidation("1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	if err := checkTrustPolicy(doc); err != nil {
		return nil, err
	}
	path := p.get("Path")
	if path == "" {
		path = "/"
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.findRole(name) != nil {
		return nil, apiError(http.StatusConflict, "EntityAlreadyExists", "Role with name %s already exists.", name)
	}
	r := &IAMRole{Name: name, Path: path, ARN: "arn:aws:iam::" + a.ID + ":role" + path + name,
		RoleID: "AROA" + randomString(17, upperAlnum), AssumeRolePolicyDocument: doc, Description: p.get("Description"),
		MaxSessionDuration: 3600, InlinePolicies: map[string]string{}, CreateDate: c.now().UTC()}
	if d := p.get("MaxSessionDuration"); d != "" {
		r.MaxSessionDuration, _ = strconv.Atoi(d)
	}
	r.PermissionsBoundary = p.get("PermissionsBoundary")
	for _, t := range p.structs("Tags.member") {
		r.Tags = append(r.Tags, Tag{t.get("Key"), t.get("Value")})
	}
	a.iamRoles[name] = r
	return &struct{ Role iamXMLRole }{iamRoleXML(r, true)}, nil
}

func iamDeleteRole(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	if len(r.InlinePolicies) > 0 {
		return nil, apiError(http.StatusConflict, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	if len(r.ManagedPolicyARNs) > 0 {
		return nil, apiError(http.StatusConflict, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	delete(a.iamRoles, r.Name)
	return nil, nil
}

func iamUpdateAssumeRolePolicy(c *call, p queryParams) (any, error) {
	doc := p.get("PolicyDocument")
	if err := checkTrustPolicy(doc); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	r.AssumeRolePolicyDocument = doc
	return nil, nil
}

func iamListRolePolicies(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	names := sortedKeys(r.InlinePolicies)
	start, end, marker, err := iamPage(p, len(names))
	if err != nil {
		return nil, err
	}
	return &struct {
		PolicyNames []string `xml:"PolicyNames>member"`
		iamListResult
	}{append([]string{}, names[start:end]...), iamListResult{marker != "", marker}}, nil
}

func iamGetRolePolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	name := p.get("PolicyName")
	doc, ok := r.InlinePolicies[name]
	if !ok {
		return nil, iamNoSuchEntity("The role policy with name %s cannot be found.", name)
	}
	return &struct{ RoleName, PolicyName, PolicyDocument string }{r.Name, name, iamEncode(doc)}, nil
}

func iamPutRolePolicy(c *call, p queryParams) (any, error) {
	name, doc := p.get("PolicyName"), p.get("PolicyDocument")
	if err := checkPolicyName(name); err != nil {
		return nil, err
	}
	if err := checkPolicyDocument(doc); err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	r.InlinePolicies[name] = doc
	return nil, nil
}

func iamDeleteRolePolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	name := p.get("PolicyName")
	if _, ok := r.InlinePolicies[name]; !ok {
		return nil, iamNoSuchEntity("The role policy with name %s cannot be found.", name)
	}
	delete(r.InlinePolicies, name)
	return nil, nil
}

type iamXMLAttached struct{ PolicyName, PolicyArn string }

func iamListAttachedRolePolicies(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	return a.listAttached(p, r.ManagedPolicyARNs)
}

// listAttached answers ListAttached{Role,User}Policies for the ARNs attached.
func (a *Account) listAttached(p queryParams, arns []string) (any, error) {
	var attached []iamXMLAttached
	for _, arn := range arns {
		pol := a.lookupPolicy(arn)
		if pol == nil || !strings.HasPrefix(pol.Path, p.get("PathPrefix")) {
			continue
		}
		attached = append(attached, iamXMLAttached{pol.Name, arn})
	}
	start, end, marker, err := iamPage(p, len(attached))
	if err != nil {
		return nil, err
	}
	return &struct {
		AttachedPolicies []iamXMLAttached `xml:"AttachedPolicies>member"`
		iamListResult
	}{append([]iamXMLAttached{}, attached[start:end]...), iamListResult{marker != "", marker}}, nil
}

func (a *Account) requirePolicy(arn string) (*IAMManagedPolicy, error) {
	if arn == "" {
		return nil, iamValidation("1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null")
	}
	pol := a.lookupPolicy(arn)
	if pol == nil {
		return nil, iamNoSuchEntity("Policy %s was not found.", arn)
	}
	return pol, nil
}

func iamAttachRolePolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	arn := p.get("PolicyArn")
	if err := a.checkAttach(arn, r.ManagedPolicyARNs, "PoliciesPerRole"); err != nil {
		return nil, err
	}
	attachPolicy(r, arn)
	return nil, nil
}

// checkAttach checks that the policy arn can be attached to a principal that
// has the policies attached (quota names the principal kind's limit).
// Re-attaching an attached policy is a no-op, as in IAM.
func (a *Account) checkAttach(arn string, attached []string, quota string) error {
	if arn == "" {
		return iamValidation("1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null")
	}
	if !strings.HasPrefix(arn, "arn:") {
		return apiError(http.StatusBadRequest, "InvalidInput", "ARN %s is not valid.", arn)
	}
	if a.lookupPolicy(arn) == nil {
		return iamNoSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	if !slices.Contains(attached, arn) && len(attached) >= maxAttachedPolicies {
		return apiError(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for %s: %d", quota, maxAttachedPolicies)
	}
	return nil
}

func iamDetachRolePolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	r, err := a.requireRole(p.get("RoleName"))
	if err != nil {
		return nil, err
	}
	arn := p.get("PolicyArn")
	if !slices.Contains(r.ManagedPolicyARNs, arn) {
		return nil, iamNoSuchEntity("Policy %s was not found.", arn)
	}
	detachPolicy(r, arn)
	return nil, nil
}

type iamXMLPolicy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          []iamXMLTag `xml:"Tags>member,omitempty"`
}

func (a *Account) policyXML(pol *IAMManagedPolicy) iamXMLPolicy {
	x := iamXMLPolicy{PolicyName: pol.Name, PolicyId: pol.PolicyID, Arn: pol.ARN, Path: pol.Path,
		DefaultVersionId: pol.DefaultVersionID, IsAttachable: true, Description: pol.Description,
		CreateDate: iamTime(pol.CreateDate), UpdateDate: iamTime(pol.UpdateDate)}
	x.AttachmentCount, x.PermissionsBoundaryUsageCount = a.policyUsage(pol.ARN)
	for _, t := range pol.Tags {
		x.Tags = append(x.Tags, iamXMLTag(t))
	}
	return x
}

// policyUsage counts the roles and users the policy is attached to, and those
// it is the permissions boundary of. Caller holds a.mu.
func (a *Account) policyUsage(arn string) (attachments, boundaries int) {
	for _, r := range a.iamRoles {
		if slices.Contains(r.ManagedPolicyARNs, arn) {
			attachments++
		}
		if r.PermissionsBoundary == arn {
			boundaries++
		}
	}
	for _, u := range a.iam().users {
		if slices.Contains(u.ManagedPolicyARNs, arn) {
			attachments++
		}
		if u.PermissionsBoundary == arn {
			boundaries++
		}
	}
	return attachments, boundaries
}

func iamGetPolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	pol, err := a.requirePolicy(p.get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	return &struct{ Policy iamXMLPolicy }{a.policyXML(pol)}, nil
}

type iamXMLPolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

func iamGetPolicyVersion(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	arn, id := p.get("PolicyArn"), p.get("VersionId")
	pol, err := a.requirePolicy(arn)
	if err != nil {
		return nil, err
	}
	for _, v := range pol.Versions {
		if v.VersionID == id {
			return &struct{ PolicyVersion iamXMLPolicyVersion }{iamXMLPolicyVersion{
				Document: iamEncode(v.Document), VersionId: v.VersionID, IsDefaultVersion: v.VersionID == pol.DefaultVersionID,
				CreateDate: iamTime(v.CreateDate)}}, nil
		}
	}
	return nil, iamNoSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, id)
}

func iamListPolicyVersions(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	pol, err := a.requirePolicy(p.get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	// Newest first, as IAM lists them.
	out := []iamXMLPolicyVersion{}
	for i := len(pol.Versions) - 1; i >= 0; i-- {
		v := pol.Versions[i]
		out = append(out, iamXMLPolicyVersion{VersionId: v.VersionID, IsDefaultVersion: v.VersionID == pol.DefaultVersionID, CreateDate: iamTime(v.CreateDate)})
	}
	start, end, marker, err := iamPage(p, len(out))
	if err != nil {
		return nil, err
	}
	return &struct {
		Versions []iamXMLPolicyVersion `xml:"Versions>member"`
		iamListResult
	}{out[start:end], iamListResult{marker != "", marker}}, nil
}

func iamCreatePolicy(c *call, p queryParams) (any, error) {
	name, doc := p.get("PolicyName"), p.get("PolicyDocument")
	if err := checkPolicyName(name); err != nil {
		return nil, err
	}
	if err := checkManagedPolicyDocument(doc); err != nil {
		return nil, err
	}
	path := p.get("Path")
	if path == "" {
		path = "/"
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := "arn:aws:iam::" + a.ID + ":policy" + path + name
	// Policy names are unique in the account whatever their path.
	for _, pol := range a.iamPolicies {
		if !pol.AWSManaged && pol.Name == name {
			return nil, apiError(http.StatusConflict, "EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", name)
		}
	}
	now := c.now().UTC()
	pol := &IAMManagedPolicy{Name: name, Path: path, ARN: arn, PolicyID: "ANPA" + randomString(17, upperAlnum),
		Description: p.get("Description"), DefaultVersionID: "v1", CreateDate: now, UpdateDate: now,
		Versions: []IAMPolicyVersion{{VersionID: "v1", Document: doc, CreateDate: now}}}
	for _, t := range p.structs("Tags.member") {
		pol.Tags = append(pol.Tags, Tag{t.get("Key"), t.get("Value")})
	}
	a.iamPolicies[arn] = pol
	return &struct{ Policy iamXMLPolicy }{a.policyXML(pol)}, nil
}

func iamDeletePolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := p.get("PolicyArn")
	pol := a.iamPolicies[arn]
	if pol == nil {
		return nil, iamNoSuchEntity("Policy %s was not found.", arn)
	}
	if n, _ := a.policyUsage(arn); n > 0 {
		return nil, apiError(http.StatusConflict, "DeleteConflict", "Cannot delete a policy attached to entities.")
	}
	if len(pol.Versions) > 1 {
		return nil, apiError(http.StatusConflict, "DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	delete(a.iamPolicies, arn)
	return nil, nil
}

func checkPolicyName(name string) error {
	if !policyNamePattern.MatchString(name) {
		return iamValidation("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	return nil
}

// --- policy listing and versions ---------------------------------------------------

func iamListPolicies(c *call, p queryParams) (any, error) {
	scope := p.get("Scope")
	switch scope {
	case "":
		scope = "All"
	case "All", "AWS", "Local":
	default:
		return nil, iamValidation("1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	usage := p.get("PolicyUsageFilter")
	if usage != "" && usage != "PermissionsPolicy" && usage != "PermissionsBoundary" {
		return nil, iamValidation("1 validation error detected: Value '%s' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]", usage)
	}
	onlyAttached, err := iamBool(p, "OnlyAttached")
	if err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	var pols []*IAMManagedPolicy
	if scope != "Local" {
		// The AWS managed policies the sandbox knows, plus any other one a
		// role or user has attached (lookupPolicy accepts every AWS ARN).
		arns := map[string]bool{}
		for key := range awsManagedPolicies {
			arns["arn:aws:iam::aws:policy/"+key] = true
		}
		for _, r := range a.iamRoles {
			for _, arn := range r.ManagedPolicyARNs {
				arns[arn] = true
			}
		}
		for _, u := range a.iam().users {
			for _, arn := range u.ManagedPolicyARNs {
				arns[arn] = true
			}
		}
		for _, arn := range sortedKeys(arns) {
			if pol := a.lookupPolicy(arn); pol != nil && pol.AWSManaged {
				pols = append(pols, pol)
			}
		}
	}
	if scope != "AWS" {
		for _, arn := range sortedKeys(a.iamPolicies) {
			if pol := a.iamPolicies[arn]; !pol.AWSManaged {
				pols = append(pols, pol)
			}
		}
	}
	var out []iamXMLPolicy
	for _, pol := range pols {
		x := a.policyXML(pol)
		switch {
		case !strings.HasPrefix(pol.Path, p.get("PathPrefix")),
			onlyAttached && x.AttachmentCount == 0,
			usage == "PermissionsBoundary" && x.PermissionsBoundaryUsageCount == 0:
			continue
		}
		x.Description, x.Tags = "", nil // ListPolicies leaves them out
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(x, y iamXMLPolicy) int {
		return strings.Compare(strings.ToLower(x.PolicyName), strings.ToLower(y.PolicyName))
	})
	start, end, marker, err := iamPage(p, len(out))
	if err != nil {
		return nil, err
	}
	return &struct {
		Policies []iamXMLPolicy `xml:"Policies>member"`
		iamListResult
	}{append([]iamXMLPolicy{}, out[start:end]...), iamListResult{marker != "", marker}}, nil
}

// requireCustomerPolicy returns the account's own managed policy arn, the
// only kind whose versions can change. Caller holds a.mu.
func (a *Account) requireCustomerPolicy(c *call, arn string) (*IAMManagedPolicy, error) {
	pol, err := a.requirePolicy(arn)
	if err != nil {
		return nil, err
	}
	if pol.AWSManaged {
		caller := a.CallerARN
		if s := a.sessions[c.scope.AccessKey]; s != nil {
			caller = s.identity.ARN
		}
		return nil, apiError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: iam:%s on resource: policy %s", caller, c.action, arn)
	}
	return pol, nil
}

// highestVersion is the highest version number the policy has issued.
func (pol *IAMManagedPolicy) highestVersion() int {
	n := pol.lastVersion
	for _, v := range pol.Versions {
		if k, err := strconv.Atoi(strings.TrimPrefix(v.VersionID, "v")); err == nil && k > n {
			n = k
		}
	}
	return n
}

// nextVersionID issues the ID of the policy's next version: IAM numbers them
// on and never reuses the ID of a deleted one.
func (pol *IAMManagedPolicy) nextVersionID() string {
	pol.lastVersion = pol.highestVersion() + 1
	return "v" + strconv.Itoa(pol.lastVersion)
}

func checkVersionID(id string) error {
	if id == "" {
		return iamValidation("1 validation error detected: Value null at 'versionId' failed to satisfy constraint: Member must not be null")
	}
	if !versionIDPattern.MatchString(id) {
		return iamValidation("1 validation error detected: Value '%s' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", id)
	}
	return nil
}

func iamCreatePolicyVersion(c *call, p queryParams) (any, error) {
	doc := p.get("PolicyDocument")
	if err := checkManagedPolicyDocument(doc); err != nil {
		return nil, err
	}
	setDefault, err := iamBool(p, "SetAsDefault")
	if err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	pol, err := a.requireCustomerPolicy(c, p.get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	if len(pol.Versions) >= maxPolicyVersions {
		return nil, apiError(http.StatusConflict, "LimitExceeded",
			"A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
	}
	now := c.now().UTC()
	v := IAMPolicyVersion{VersionID: pol.nextVersionID(), Document: doc, CreateDate: now}
	pol.Versions = append(pol.Versions, v)
	if setDefault {
		pol.DefaultVersionID, pol.UpdateDate = v.VersionID, now
	}
	return &struct{ PolicyVersion iamXMLPolicyVersion }{iamXMLPolicyVersion{VersionId: v.VersionID,
		IsDefaultVersion: setDefault, CreateDate: iamTime(now)}}, nil
}

// policyVersion finds version id of the policy named in p. Caller holds a.mu.
func (a *Account) policyVersion(c *call, p queryParams) (*IAMManagedPolicy, int, error) {
	arn, id := p.get("PolicyArn"), p.get("VersionId")
	if err := checkVersionID(id); err != nil {
		return nil, 0, err
	}
	pol, err := a.requireCustomerPolicy(c, arn)
	if err != nil {
		return nil, 0, err
	}
	i := slices.IndexFunc(pol.Versions, func(v IAMPolicyVersion) bool { return v.VersionID == id })
	if i < 0 {
		return nil, 0, iamNoSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, id)
	}
	return pol, i, nil
}

func iamDeletePolicyVersion(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	pol, i, err := a.policyVersion(c, p)
	if err != nil {
		return nil, err
	}
	if pol.Versions[i].VersionID == pol.DefaultVersionID {
		return nil, apiError(http.StatusConflict, "DeleteConflict", "Cannot delete the default version of a policy.")
	}
	pol.lastVersion = pol.highestVersion() // the deleted ID stays used
	pol.Versions = slices.Delete(pol.Versions, i, i+1)
	return nil, nil
}

func iamSetDefaultPolicyVersion(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	pol, i, err := a.policyVersion(c, p)
	if err != nil {
		return nil, err
	}
	pol.DefaultVersionID, pol.UpdateDate = pol.Versions[i].VersionID, c.now().UTC()
	return nil, nil
}

// --- users ---------------------------------------------------------------------------

type iamXMLUser struct {
	Path                string
	UserName            string
	UserId              string
	Arn                 string
	CreateDate          string
	PermissionsBoundary *iamXMLBoundary `xml:",omitempty"`
	Tags                []iamXMLTag     `xml:"Tags>member,omitempty"`
}

type iamXMLBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func iamUserXML(u *IAMUser, full bool) iamXMLUser {
	x := iamXMLUser{Path: u.Path, UserName: u.Name, UserId: u.UserID, Arn: u.ARN, CreateDate: iamTime(u.CreateDate)}
	if u.PermissionsBoundary != "" {
		x.PermissionsBoundary = &iamXMLBoundary{"Policy", u.PermissionsBoundary}
	}
	if full {
		for _, t := range u.Tags {
			x.Tags = append(x.Tags, iamXMLTag(t))
		}
	}
	return x
}

func (a *Account) requireUser(name string) (*IAMUser, error) {
	if name == "" {
		return nil, iamValidation("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
	}
	u := a.findUser(name)
	if u == nil {
		return nil, iamNoSuchEntity("The user with name %s cannot be found.", name)
	}
	return u, nil
}

func iamCreateUser(c *call, p queryParams) (any, error) {
	name := p.get("UserName")
	if !iamNamePattern.MatchString(name) {
		return nil, iamValidation("1 validation error detected: Value '%s' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	path := p.get("Path")
	if path == "" {
		path = "/"
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.findUser(name) != nil {
		return nil, apiError(http.StatusConflict, "EntityAlreadyExists", "User with name %s already exists.", name)
	}
	u := &IAMUser{Name: name, Path: path, ARN: "arn:aws:iam::" + a.ID + ":user" + path + name,
		UserID: "AIDA" + randomString(17, upperAlnum), PermissionsBoundary: p.get("PermissionsBoundary"), CreateDate: c.now().UTC()}
	for _, t := range p.structs("Tags.member") {
		u.Tags = append(u.Tags, Tag{t.get("Key"), t.get("Value")})
	}
	a.iam().users[name] = u
	return &struct{ User iamXMLUser }{iamUserXML(u, true)}, nil
}

func iamGetUser(c *call, p queryParams) (any, error) {
	name := p.get("UserName")
	if name == "" {
		// Without a name IAM answers about the caller, who must be a user.
		id, _ := c.caller()
		m := userARNPattern.FindStringSubmatch(id.ARN)
		if m == nil || m[1] != c.acct.ID {
			return nil, iamValidation("Must specify userName when calling with non-User credentials")
		}
		name = m[3]
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	u, err := a.requireUser(name)
	if err != nil {
		return nil, err
	}
	return &struct{ User iamXMLUser }{iamUserXML(u, true)}, nil
}

func iamListUsers(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	users := a.iam().users
	var matched []*IAMUser
	for _, name := range sortedKeys(users) {
		if u := users[name]; strings.HasPrefix(u.Path, p.get("PathPrefix")) {
			matched = append(matched, u)
		}
	}
	start, end, marker, err := iamPage(p, len(matched))
	if err != nil {
		return nil, err
	}
	res := struct {
		Users []iamXMLUser `xml:"Users>member"`
		iamListResult
	}{Users: []iamXMLUser{}, iamListResult: iamListResult{marker != "", marker}}
	for _, u := range matched[start:end] {
		res.Users = append(res.Users, iamUserXML(u, false))
	}
	return &res, nil
}

func iamDeleteUser(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	u, err := a.requireUser(p.get("UserName"))
	if err != nil {
		return nil, err
	}
	if len(u.ManagedPolicyARNs) > 0 {
		return nil, apiError(http.StatusConflict, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	delete(a.iam().users, u.Name)
	return nil, nil
}

func iamAttachUserPolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	u, err := a.requireUser(p.get("UserName"))
	if err != nil {
		return nil, err
	}
	arn := p.get("PolicyArn")
	if err := a.checkAttach(arn, u.ManagedPolicyARNs, "PoliciesPerUser"); err != nil {
		return nil, err
	}
	if !slices.Contains(u.ManagedPolicyARNs, arn) {
		u.ManagedPolicyARNs = append(u.ManagedPolicyARNs, arn)
	}
	return nil, nil
}

func iamDetachUserPolicy(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	u, err := a.requireUser(p.get("UserName"))
	if err != nil {
		return nil, err
	}
	arn := p.get("PolicyArn")
	if !slices.Contains(u.ManagedPolicyARNs, arn) {
		return nil, iamNoSuchEntity("Policy %s was not found.", arn)
	}
	u.ManagedPolicyARNs = slices.DeleteFunc(u.ManagedPolicyARNs, func(x string) bool { return x == arn })
	return nil, nil
}

func iamListAttachedUserPolicies(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	u, err := a.requireUser(p.get("UserName"))
	if err != nil {
		return nil, err
	}
	return a.listAttached(p, u.ManagedPolicyARNs)
}
