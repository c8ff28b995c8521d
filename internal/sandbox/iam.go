package sandbox

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// IAM: awsquery, version 2010-05-08, a global service signed for us-east-1.
// It serves the roles and policies the CloudFormation engine created, plus a
// few writes for completeness.
func init() {
	handleQuery("iam", "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/", map[string]queryHandler{
		"GetRole":                  iamGetRole,
		"ListRoles":                iamListRoles,
		"CreateRole":               iamCreateRole,
		"DeleteRole":               iamDeleteRole,
		"ListRolePolicies":         iamListRolePolicies,
		"GetRolePolicy":            iamGetRolePolicy,
		"PutRolePolicy":            iamPutRolePolicy,
		"DeleteRolePolicy":         iamDeleteRolePolicy,
		"ListAttachedRolePolicies": iamListAttachedRolePolicies,
		"AttachRolePolicy":         iamAttachRolePolicy,
		"DetachRolePolicy":         iamDetachRolePolicy,
		"GetPolicy":                iamGetPolicy,
		"GetPolicyVersion":         iamGetPolicyVersion,
		"ListPolicyVersions":       iamListPolicyVersions,
		"CreatePolicy":             iamCreatePolicy,
		"DeletePolicy":             iamDeletePolicy,
	})
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
	AssumeRolePolicyDocument string `xml:",omitempty"`
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int    `xml:",omitempty"`
	PermissionsBoundary      *struct {
		PermissionsBoundaryType string
		PermissionsBoundaryArn  string
	} `xml:",omitempty"`
	Tags         []iamXMLTag `xml:"Tags>member,omitempty"`
	RoleLastUsed *struct{}   `xml:",omitempty"`
}

func iamRoleXML(r *IAMRole, full bool) iamXMLRole {
	x := iamXMLRole{Path: r.Path, RoleName: r.Name, RoleId: r.RoleID, Arn: r.ARN, CreateDate: iamTime(r.CreateDate),
		AssumeRolePolicyDocument: iamEncode(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration}
	if r.PermissionsBoundary != "" {
		x.PermissionsBoundary = &struct {
			PermissionsBoundaryType string
			PermissionsBoundaryArn  string
		}{"Policy", r.PermissionsBoundary}
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

var iamNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

func checkPolicyDocument(doc string) error {
	var v map[string]any
	if doc == "" || json.Unmarshal([]byte(doc), &v) != nil {
		return apiError(http.StatusBadRequest, "MalformedPolicyDocument", "Syntax errors in policy.")
	}
	return nil
}

func iamCreateRole(c *call, p queryParams) (any, error) {
	name, doc := p.get("RoleName"), p.get("AssumeRolePolicyDocument")
	if !iamNamePattern.MatchString(name) {
		return nil, iamValidation("1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	if err := checkPolicyDocument(doc); err != nil {
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
	if !regexp.MustCompile(`^[\w+=,.@-]{1,128}$`).MatchString(name) {
		return nil, iamValidation("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
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
	var attached []iamXMLAttached
	for _, arn := range r.ManagedPolicyARNs {
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
	if a.lookupPolicy(arn) == nil {
		return nil, iamNoSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	attachPolicy(r, arn)
	return nil, nil
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
	for _, r := range a.iamRoles {
		if slices.Contains(r.ManagedPolicyARNs, pol.ARN) {
			x.AttachmentCount++
		}
	}
	for _, t := range pol.Tags {
		x.Tags = append(x.Tags, iamXMLTag(t))
	}
	return x
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
	var out []iamXMLPolicyVersion
	for i := len(pol.Versions) - 1; i >= 0; i-- {
		v := pol.Versions[i]
		out = append(out, iamXMLPolicyVersion{VersionId: v.VersionID, IsDefaultVersion: v.VersionID == pol.DefaultVersionID, CreateDate: iamTime(v.CreateDate)})
	}
	return &struct {
		Versions []iamXMLPolicyVersion `xml:"Versions>member"`
		iamListResult
	}{out, iamListResult{}}, nil
}

func iamCreatePolicy(c *call, p queryParams) (any, error) {
	name, doc := p.get("PolicyName"), p.get("PolicyDocument")
	if !regexp.MustCompile(`^[\w+=,.@-]{1,128}$`).MatchString(name) {
		return nil, iamValidation("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	if err := checkPolicyDocument(doc); err != nil {
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
	if a.iamPolicies[arn] != nil {
		return nil, apiError(http.StatusConflict, "EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", name)
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
	for _, r := range a.iamRoles {
		if slices.Contains(r.ManagedPolicyARNs, arn) {
			return nil, apiError(http.StatusConflict, "DeleteConflict", "Cannot delete a policy attached to entities.")
		}
	}
	delete(a.iamPolicies, arn)
	return nil, nil
}
