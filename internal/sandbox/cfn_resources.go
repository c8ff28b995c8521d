package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resource handlers: what creating, updating and deleting each supported
// resource type does to the account's state. Handlers are called with
// Account.mu held and must not block; the engine does the pacing.

// cfnHandler implements one resource type.
type cfnHandler struct {
	// Simulated durations on real AWS, in seconds.
	createSecs, updateSecs, deleteSecs float64
	// initiated: AWS reports a second CREATE_IN_PROGRESS with reason
	// "Resource creation Initiated" for this type.
	initiated bool
	// nameProp is the property that names the physical resource, if any:
	// replacing a resource whose name is fixed fails, as on AWS.
	nameProp string
	// replaceProps are the properties whose change replaces the resource.
	replaceProps []string

	create func(x *cfnResCtx, p cfnProps) (physicalID string, attrs map[string]any, err error)
	// update changes the resource in place; nil means every change replaces it.
	update func(x *cfnResCtx, physicalID string, old, new cfnProps) (attrs map[string]any, err error)
	delete func(x *cfnResCtx, physicalID string, p cfnProps) error
}

func (h *cfnHandler) needsReplacement(old, new map[string]any) bool {
	for _, k := range h.replaceProps {
		if compactJSON(old[k]) != compactJSON(new[k]) {
			return true
		}
	}
	return false
}

// customName returns the fixed name that blocks a replacement, or "".
func (h *cfnHandler) customName(old, new map[string]any) string {
	if h.nameProp == "" || new[h.nameProp] == nil {
		return ""
	}
	if compactJSON(old[h.nameProp]) == compactJSON(new[h.nameProp]) {
		return stringify(new[h.nameProp])
	}
	return ""
}

// cfnResCtx is what a handler works with.
type cfnResCtx struct {
	a  *Account
	st *cfnStack
	r  *cfnResource
}

const physicalNameChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// generatedName builds a physical name the way CloudFormation does for
// resources without an explicit name: stack-LogicalId-RANDOMSUFFIX, with the
// stack name and logical ID shortened to fit max characters.
func (x *cfnResCtx) generatedName(max int, lower bool) string {
	suffix := randomString(12, physicalNameChars)
	stack, logical := x.st.name, x.r.id
	budget := max - len(suffix) - 2
	if len(stack)+len(logical) > budget {
		half := budget / 2
		if len(logical) < half {
			stack = stack[:min(len(stack), budget-len(logical))]
		} else if len(stack) < half {
			logical = logical[:min(len(logical), budget-len(stack))]
		} else {
			stack, logical = stack[:half], logical[:budget-half]
		}
	}
	name := stack + "-" + logical + "-" + suffix
	if lower {
		name = strings.ToLower(name)
	}
	return name
}

// handlerError is a resource failure in the words of CloudFormation's
// resource handlers.
func handlerError(code, msg string) error {
	return fmt.Errorf("Resource handler returned message: \"%s\" (HandlerErrorCode: %s)", msg, code)
}

// serviceMessage appends the SDK-style service suffix to msg.
func serviceMessage(service string, status int, msg string) string {
	id := newUUID()
	if service == "S3" {
		id = newS3RequestID()
	}
	return fmt.Sprintf("%s (Service: %s, Status Code: %d, Request ID: %s)", msg, service, status, id)
}

func requiredProps(x *cfnResCtx, p cfnProps, keys ...string) error {
	for _, k := range keys {
		if v, ok := p[k]; !ok || v == nil {
			return fmt.Errorf("Properties validation failed for resource %s with message: #: required key [%s] not found", x.r.id, k)
		}
	}
	return nil
}

// cfnProps are a resource's resolved properties.
type cfnProps map[string]any

func (p cfnProps) str(k string) string {
	v, ok := p[k]
	if !ok || v == nil {
		return ""
	}
	return stringify(v)
}

func (p cfnProps) has(k string) bool { _, ok := p[k]; return ok && p[k] != nil }

func (p cfnProps) boolean(k string, def bool) bool {
	switch v := p[k].(type) {
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

func (p cfnProps) integer(k string, def int) int {
	if !p.has(k) {
		return def
	}
	if n, err := strconv.Atoi(p.str(k)); err == nil {
		return n
	}
	return def
}

func (p cfnProps) strs(k string) []string {
	switch v := p[k].(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, stringify(e))
		}
		return out
	default:
		return []string{stringify(v)}
	}
}

func (p cfnProps) obj(k string) cfnProps {
	m, _ := p[k].(map[string]any)
	return cfnProps(m)
}

func (p cfnProps) objs(k string) []cfnProps {
	l, _ := p[k].([]any)
	var out []cfnProps
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, cfnProps(m))
		}
	}
	return out
}

// doc renders a policy document (a template object or a JSON string).
func (p cfnProps) doc(k string) string {
	v, ok := p[k]
	if !ok || v == nil {
		return ""
	}
	return compactJSON(v)
}

func (p cfnProps) tags() []Tag {
	var out []Tag
	for _, t := range p.objs("Tags") {
		out = append(out, Tag{Key: t.str("Key"), Value: t.str("Value")})
	}
	return out
}

// stringMap renders an object of scalars (Lambda environment variables, SQS
// tags) as strings.
func (p cfnProps) stringMap(k string) map[string]string {
	m := p.obj(k)
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for key, v := range m {
		out[key] = stringify(v)
	}
	return out
}

func isCustomType(typ string) bool {
	return strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource"
}

var cfnHandlers = map[string]*cfnHandler{}

func handlerFor(typ string) *cfnHandler {
	if isCustomType(typ) {
		return customHandler
	}
	return cfnHandlers[typ]
}

func supportedTypes() []string {
	return append(sortedKeys(cfnHandlers), "AWS::CloudFormation::CustomResource", "Custom::*")
}

func init() {
	cfnHandlers["AWS::IAM::Role"] = roleHandler
	cfnHandlers["AWS::IAM::Policy"] = inlinePolicyHandler
	cfnHandlers["AWS::IAM::ManagedPolicy"] = managedPolicyHandler
	cfnHandlers["AWS::Lambda::Function"] = functionHandler
	cfnHandlers["AWS::SQS::Queue"] = queueHandler
	cfnHandlers["AWS::SQS::QueuePolicy"] = queuePolicyHandler
	cfnHandlers["AWS::SNS::Topic"] = topicHandler
	cfnHandlers["AWS::SNS::TopicPolicy"] = topicPolicyHandler
	cfnHandlers["AWS::SNS::Subscription"] = subscriptionHandler
	cfnHandlers["AWS::S3::Bucket"] = bucketHandler
	cfnHandlers["AWS::S3::BucketPolicy"] = bucketPolicyHandler
	cfnHandlers["AWS::KMS::Key"] = keyHandler
	cfnHandlers["AWS::KMS::Alias"] = aliasHandler
}

// --- IAM ------------------------------------------------------------------------------

func iamNotFound(msg string) error {
	return handlerError("NotFound", serviceMessage("Iam", 404, msg))
}

var roleHandler = &cfnHandler{
	createSecs: 12, updateSecs: 6, deleteSecs: 8, initiated: true,
	nameProp: "RoleName", replaceProps: []string{"RoleName", "Path"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "AssumeRolePolicyDocument"); err != nil {
			return "", nil, err
		}
		name := p.str("RoleName")
		if name == "" {
			name = x.generatedName(64, false)
		}
		if x.a.findRole(name) != nil {
			return "", nil, handlerError("AlreadyExists", name+" already exists")
		}
		path := p.str("Path")
		if path == "" {
			path = "/"
		}
		for _, arn := range p.strs("ManagedPolicyArns") {
			if x.a.lookupPolicy(arn) == nil {
				return "", nil, iamNotFound("Policy " + arn + " does not exist or is not attachable.")
			}
		}
		role := &IAMRole{
			Name: name, Path: path, ARN: "arn:aws:iam::" + x.a.ID + ":role" + path + name,
			RoleID: "AROA" + randomString(17, upperAlnum), CreateDate: time.Now().UTC(),
		}
		applyRoleProps(role, p)
		role.ManagedPolicyARNs = slices.Compact(p.strs("ManagedPolicyArns"))
		role.InlinePolicies = map[string]string{}
		for _, pol := range p.objs("Policies") {
			role.InlinePolicies[pol.str("PolicyName")] = pol.doc("PolicyDocument")
		}
		x.a.iamRoles[name] = role
		return name, map[string]any{"Arn": role.ARN, "RoleId": role.RoleID}, nil
	},
	update: func(x *cfnResCtx, phys string, old, new cfnProps) (map[string]any, error) {
		role := x.a.findRole(phys)
		if role == nil {
			return nil, iamNotFound("The role with name " + phys + " cannot be found.")
		}
		for _, arn := range new.strs("ManagedPolicyArns") {
			if x.a.lookupPolicy(arn) == nil {
				return nil, iamNotFound("Policy " + arn + " does not exist or is not attachable.")
			}
		}
		applyRoleProps(role, new)
		oldARNs, newARNs := old.strs("ManagedPolicyArns"), new.strs("ManagedPolicyArns")
		role.ManagedPolicyARNs = slices.DeleteFunc(role.ManagedPolicyARNs, func(a string) bool {
			return slices.Contains(oldARNs, a) && !slices.Contains(newARNs, a)
		})
		for _, arn := range newARNs {
			if !slices.Contains(role.ManagedPolicyARNs, arn) {
				role.ManagedPolicyARNs = append(role.ManagedPolicyARNs, arn)
			}
		}
		for _, pol := range old.objs("Policies") {
			delete(role.InlinePolicies, pol.str("PolicyName"))
		}
		for _, pol := range new.objs("Policies") {
			role.InlinePolicies[pol.str("PolicyName")] = pol.doc("PolicyDocument")
		}
		return map[string]any{"Arn": role.ARN, "RoleId": role.RoleID}, nil
	},
	delete: func(x *cfnResCtx, phys string, _ cfnProps) error {
		if r := x.a.findRole(phys); r != nil {
			delete(x.a.iamRoles, r.Name)
		}
		return nil
	},
}

func applyRoleProps(role *IAMRole, p cfnProps) {
	role.AssumeRolePolicyDocument = p.doc("AssumeRolePolicyDocument")
	role.Description = p.str("Description")
	role.MaxSessionDuration = p.integer("MaxSessionDuration", 3600)
	role.PermissionsBoundary = p.str("PermissionsBoundary")
	role.Tags = p.tags()
}

var inlinePolicyHandler = &cfnHandler{
	createSecs: 10, updateSecs: 8, deleteSecs: 3, initiated: true,
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "PolicyName", "PolicyDocument"); err != nil {
			return "", nil, err
		}
		if err := putInlinePolicy(x, p); err != nil {
			return "", nil, err
		}
		return x.generatedName(128, false), map[string]any{"Id": ""}, nil
	},
	update: func(x *cfnResCtx, phys string, old, new cfnProps) (map[string]any, error) {
		removeInlinePolicy(x, old)
		if err := putInlinePolicy(x, new); err != nil {
			return nil, err
		}
		return map[string]any{"Id": phys}, nil
	},
	delete: func(x *cfnResCtx, _ string, p cfnProps) error {
		removeInlinePolicy(x, p)
		return nil
	},
}

func putInlinePolicy(x *cfnResCtx, p cfnProps) error {
	roles, users, groups := p.strs("Roles"), p.strs("Users"), p.strs("Groups")
	if len(roles)+len(users)+len(groups) == 0 {
		return handlerError("InvalidRequest", "At least one of [Groups,Roles,Users] must be non-empty.")
	}
	for _, u := range users {
		return iamNotFound("The user with name " + u + " cannot be found.")
	}
	for _, g := range groups {
		return iamNotFound("The group with name " + g + " cannot be found.")
	}
	var found []*IAMRole
	for _, name := range roles {
		r := x.a.findRole(name)
		if r == nil {
			return iamNotFound("The role with name " + name + " cannot be found.")
		}
		found = append(found, r)
	}
	for _, r := range found {
		r.InlinePolicies[p.str("PolicyName")] = p.doc("PolicyDocument")
	}
	return nil
}

func removeInlinePolicy(x *cfnResCtx, p cfnProps) {
	for _, name := range p.strs("Roles") {
		if r := x.a.findRole(name); r != nil {
			delete(r.InlinePolicies, p.str("PolicyName"))
		}
	}
}

var managedPolicyHandler = &cfnHandler{
	createSecs: 10, updateSecs: 6, deleteSecs: 3, initiated: true,
	nameProp: "ManagedPolicyName", replaceProps: []string{"ManagedPolicyName", "Path", "Description"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "PolicyDocument"); err != nil {
			return "", nil, err
		}
		name := p.str("ManagedPolicyName")
		if name == "" {
			name = x.generatedName(128, false)
		}
		path := p.str("Path")
		if path == "" {
			path = "/"
		}
		arn := "arn:aws:iam::" + x.a.ID + ":policy" + path + name
		if x.a.iamPolicies[arn] != nil {
			return "", nil, handlerError("AlreadyExists", serviceMessage("Iam", 409, "A policy called "+name+" already exists. Duplicate names are not allowed."))
		}
		for _, role := range p.strs("Roles") {
			if x.a.findRole(role) == nil {
				return "", nil, iamNotFound("The role with name " + role + " cannot be found.")
			}
		}
		now := time.Now().UTC()
		pol := &IAMManagedPolicy{Name: name, Path: path, ARN: arn, PolicyID: "ANPA" + randomString(17, upperAlnum),
			Description: p.str("Description"), DefaultVersionID: "v1", CreateDate: now, UpdateDate: now,
			Versions: []IAMPolicyVersion{{VersionID: "v1", Document: p.doc("PolicyDocument"), CreateDate: now}}}
		x.a.iamPolicies[arn] = pol
		for _, role := range p.strs("Roles") {
			attachPolicy(x.a.findRole(role), arn)
		}
		return arn, managedPolicyAttrs(pol), nil
	},
	update: func(x *cfnResCtx, arn string, old, new cfnProps) (map[string]any, error) {
		pol := x.a.iamPolicies[arn]
		if pol == nil {
			return nil, iamNotFound("Policy " + arn + " was not found.")
		}
		for _, role := range new.strs("Roles") {
			if x.a.findRole(role) == nil {
				return nil, iamNotFound("The role with name " + role + " cannot be found.")
			}
		}
		if doc := new.doc("PolicyDocument"); doc != pol.Document() {
			n := 1
			for _, v := range pol.Versions {
				if k, err := strconv.Atoi(strings.TrimPrefix(v.VersionID, "v")); err == nil && k >= n {
					n = k + 1
				}
			}
			now := time.Now().UTC()
			pol.Versions = append(pol.Versions, IAMPolicyVersion{VersionID: "v" + strconv.Itoa(n), Document: doc, CreateDate: now})
			if len(pol.Versions) > 5 {
				pol.Versions = pol.Versions[1:]
			}
			pol.DefaultVersionID, pol.UpdateDate = "v"+strconv.Itoa(n), now
		}
		for _, role := range old.strs("Roles") {
			if r := x.a.findRole(role); r != nil && !slices.Contains(new.strs("Roles"), role) {
				detachPolicy(r, arn)
			}
		}
		for _, role := range new.strs("Roles") {
			attachPolicy(x.a.findRole(role), arn)
		}
		return managedPolicyAttrs(pol), nil
	},
	delete: func(x *cfnResCtx, arn string, _ cfnProps) error {
		for _, r := range x.a.iamRoles {
			detachPolicy(r, arn)
		}
		delete(x.a.iamPolicies, arn)
		return nil
	},
}

func managedPolicyAttrs(p *IAMManagedPolicy) map[string]any {
	return map[string]any{"PolicyArn": p.ARN, "PolicyId": p.PolicyID, "DefaultVersionId": p.DefaultVersionID,
		"IsAttachable": "true", "CreateDate": p.CreateDate.Format(time.RFC3339), "UpdateDate": p.UpdateDate.Format(time.RFC3339)}
}

func attachPolicy(r *IAMRole, arn string) {
	if r != nil && !slices.Contains(r.ManagedPolicyARNs, arn) {
		r.ManagedPolicyARNs = append(r.ManagedPolicyARNs, arn)
	}
}

func detachPolicy(r *IAMRole, arn string) {
	r.ManagedPolicyARNs = slices.DeleteFunc(r.ManagedPolicyARNs, func(a string) bool { return a == arn })
}

// --- Lambda ------------------------------------------------------------------------------

var functionHandler = &cfnHandler{
	createSecs: 8, updateSecs: 6, deleteSecs: 4, initiated: true,
	nameProp: "FunctionName", replaceProps: []string{"FunctionName", "PackageType"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "Code", "Role"); err != nil {
			return "", nil, err
		}
		name := p.str("FunctionName")
		if name == "" {
			name = x.generatedName(64, false)
		}
		if x.a.lambdaFunctions[name] != nil {
			return "", nil, handlerError("AlreadyExists", name+" already exists")
		}
		f := &LambdaFunction{Name: name, ARN: "arn:aws:lambda:" + x.a.Region + ":" + x.a.ID + ":function:" + name}
		if err := applyFunctionProps(x, f, p); err != nil {
			return "", nil, err
		}
		x.a.lambdaFunctions[name] = f
		return name, map[string]any{"Arn": f.ARN}, nil
	},
	update: func(x *cfnResCtx, name string, _, new cfnProps) (map[string]any, error) {
		f := x.a.lambdaFunctions[name]
		if f == nil {
			return nil, handlerError("NotFound", serviceMessage("Lambda", 404, "Function not found: arn:aws:lambda:"+x.a.Region+":"+x.a.ID+":function:"+name))
		}
		if err := applyFunctionProps(x, f, new); err != nil {
			return nil, err
		}
		return map[string]any{"Arn": f.ARN}, nil
	},
	delete: func(x *cfnResCtx, name string, _ cfnProps) error {
		delete(x.a.lambdaFunctions, name)
		return nil
	},
}

func applyFunctionProps(x *cfnResCtx, f *LambdaFunction, p cfnProps) error {
	role := p.str("Role")
	if m := roleARNPattern.FindStringSubmatch(role); m == nil {
		return handlerError("InvalidRequest", serviceMessage("Lambda", 400, "1 validation error detected: Value '"+role+"' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"))
	} else if m[1] == x.a.ID && x.a.findRole(m[2]) == nil {
		return handlerError("InvalidRequest", serviceMessage("Lambda", 400, "The role defined for the function cannot be assumed by Lambda."))
	}
	f.Role = role
	f.Runtime, f.Handler, f.Description = p.str("Runtime"), p.str("Handler"), p.str("Description")
	f.Timeout, f.MemorySize = p.integer("Timeout", 3), p.integer("MemorySize", 128)
	f.Environment = p.obj("Environment").stringMap("Variables")
	code := p.obj("Code")
	f.InlineCode, f.CodeS3Bucket, f.CodeS3Key = code.str("ZipFile"), code.str("S3Bucket"), code.str("S3Key")
	if p.has("ReservedConcurrentExecutions") {
		n := p.integer("ReservedConcurrentExecutions", 0)
		f.ReservedConcurrency = &n
	} else {
		f.ReservedConcurrency = nil
	}
	f.Tags = p.tags()
	f.LastModified = time.Now().UTC()
	return nil
}

// --- SQS ----------------------------------------------------------------------------------

var sqsAttributeProps = []string{"VisibilityTimeout", "MessageRetentionPeriod", "MaximumMessageSize", "DelaySeconds",
	"ReceiveMessageWaitTimeSeconds", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
	"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit", "RedrivePolicy", "RedriveAllowPolicy"}

var queueHandler = &cfnHandler{
	createSecs: 60, updateSecs: 10, deleteSecs: 30, initiated: true,
	nameProp: "QueueName", replaceProps: []string{"QueueName", "FifoQueue"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		fifo := p.boolean("FifoQueue", false)
		name := p.str("QueueName")
		if name == "" {
			if fifo {
				name = x.generatedName(75, false) + ".fifo"
			} else {
				name = x.generatedName(80, false)
			}
		}
		if fifo != strings.HasSuffix(name, ".fifo") || !regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}(\.fifo)?$`).MatchString(name) {
			return "", nil, handlerError("InvalidRequest", serviceMessage("Sqs", 400, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"))
		}
		if x.a.sqsQueues[name] != nil {
			return "", nil, handlerError("AlreadyExists", name+" already exists")
		}
		endpoint := x.a.env.endpoint
		if endpoint == "" {
			endpoint = "https://sqs." + x.a.Region + ".amazonaws.com"
		}
		now := time.Now().UTC()
		q := &SQSQueue{Name: name, URL: endpoint + "/" + x.a.ID + "/" + name,
			ARN: "arn:aws:sqs:" + x.a.Region + ":" + x.a.ID + ":" + name, Created: now}
		q.Attributes = queueAttributes(p, q, now)
		q.Tags = map[string]string{}
		for _, t := range p.tags() {
			q.Tags[t.Key] = t.Value
		}
		x.a.sqsQueues[name] = q
		return q.URL, map[string]any{"Arn": q.ARN, "QueueName": q.Name, "QueueUrl": q.URL}, nil
	},
	update: func(x *cfnResCtx, url string, _, new cfnProps) (map[string]any, error) {
		q := x.a.findQueue(url)
		if q == nil {
			return nil, handlerError("NotFound", serviceMessage("Sqs", 400, "The specified queue does not exist."))
		}
		policy, hasPolicy := q.Attributes["Policy"]
		q.Attributes = queueAttributes(new, q, time.Now().UTC())
		if hasPolicy {
			q.Attributes["Policy"] = policy
		}
		q.Tags = map[string]string{}
		for _, t := range new.tags() {
			q.Tags[t.Key] = t.Value
		}
		return map[string]any{"Arn": q.ARN, "QueueName": q.Name, "QueueUrl": q.URL}, nil
	},
	delete: func(x *cfnResCtx, url string, _ cfnProps) error {
		if q := x.a.findQueue(url); q != nil {
			delete(x.a.sqsQueues, q.Name)
		}
		return nil
	},
}

func queueAttributes(p cfnProps, q *SQSQueue, now time.Time) map[string]string {
	attrs := map[string]string{
		"QueueArn": q.ARN, "VisibilityTimeout": "30", "MessageRetentionPeriod": "345600", "MaximumMessageSize": "262144",
		"DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "0", "SqsManagedSseEnabled": "true",
		"CreatedTimestamp":      strconv.FormatInt(q.Created.Unix(), 10),
		"LastModifiedTimestamp": strconv.FormatInt(now.Unix(), 10),
	}
	for _, k := range sqsAttributeProps {
		if !p.has(k) {
			continue
		}
		if _, isObj := p[k].(map[string]any); isObj {
			attrs[k] = p.doc(k)
		} else {
			attrs[k] = p.str(k)
		}
	}
	if p.has("KmsMasterKeyId") {
		delete(attrs, "SqsManagedSseEnabled")
		if !p.has("KmsDataKeyReusePeriodSeconds") {
			attrs["KmsDataKeyReusePeriodSeconds"] = "300"
		}
	}
	return attrs
}

var queuePolicyHandler = &cfnHandler{
	createSecs: 10, updateSecs: 8, deleteSecs: 2,
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "PolicyDocument", "Queues"); err != nil {
			return "", nil, err
		}
		if err := setQueuePolicies(x, p.strs("Queues"), p.doc("PolicyDocument")); err != nil {
			return "", nil, err
		}
		return x.generatedName(128, false), map[string]any{"Id": ""}, nil
	},
	update: func(x *cfnResCtx, phys string, old, new cfnProps) (map[string]any, error) {
		for _, u := range old.strs("Queues") {
			if q := x.a.findQueue(u); q != nil {
				delete(q.Attributes, "Policy")
			}
		}
		if err := setQueuePolicies(x, new.strs("Queues"), new.doc("PolicyDocument")); err != nil {
			return nil, err
		}
		return map[string]any{"Id": phys}, nil
	},
	delete: func(x *cfnResCtx, _ string, p cfnProps) error {
		for _, u := range p.strs("Queues") {
			if q := x.a.findQueue(u); q != nil {
				delete(q.Attributes, "Policy")
			}
		}
		return nil
	},
}

func setQueuePolicies(x *cfnResCtx, urls []string, doc string) error {
	var queues []*SQSQueue
	for _, u := range urls {
		q := x.a.findQueue(u)
		if q == nil {
			return handlerError("NotFound", serviceMessage("Sqs", 400, "The specified queue does not exist or you do not have access to it."))
		}
		queues = append(queues, q)
	}
	for _, q := range queues {
		q.Attributes["Policy"] = doc
	}
	return nil
}

// --- SNS -----------------------------------------------------------------------------------

// defaultTopicPolicy is the policy SNS gives a new topic.
func defaultTopicPolicy(arn, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow",` +
		`"Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission",` +
		`"SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

var topicHandler = &cfnHandler{
	createSecs: 8, updateSecs: 5, deleteSecs: 5, initiated: true,
	nameProp: "TopicName", replaceProps: []string{"TopicName", "FifoTopic"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		fifo := p.boolean("FifoTopic", false)
		name := p.str("TopicName")
		if name == "" {
			if fifo {
				name = x.generatedName(251, false) + ".fifo"
			} else {
				name = x.generatedName(256, false)
			}
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}(\.fifo)?$`).MatchString(name) || fifo != strings.HasSuffix(name, ".fifo") {
			return "", nil, handlerError("InvalidRequest", serviceMessage("Sns", 400, "Invalid parameter: Topic Name"))
		}
		arn := "arn:aws:sns:" + x.a.Region + ":" + x.a.ID + ":" + name
		if x.a.snsTopics[arn] != nil {
			return "", nil, handlerError("AlreadyExists", arn+" already exists")
		}
		t := &SNSTopic{Name: name, ARN: arn, Created: time.Now().UTC(), Attributes: map[string]string{
			"TopicArn": arn, "Owner": x.a.ID, "Policy": defaultTopicPolicy(arn, x.a.ID),
		}}
		applyTopicProps(t, p)
		x.a.snsTopics[arn] = t
		for _, s := range p.objs("Subscription") {
			x.a.subscribe(arn, s.str("Protocol"), s.str("Endpoint"), nil)
		}
		return arn, map[string]any{"TopicArn": arn, "TopicName": name}, nil
	},
	update: func(x *cfnResCtx, arn string, old, new cfnProps) (map[string]any, error) {
		t := x.a.snsTopics[arn]
		if t == nil {
			return nil, handlerError("NotFound", serviceMessage("Sns", 404, "Topic does not exist"))
		}
		applyTopicProps(t, new)
		key := func(s cfnProps) string { return s.str("Protocol") + " " + s.str("Endpoint") }
		var oldKeys, newKeys []string
		for _, s := range old.objs("Subscription") {
			oldKeys = append(oldKeys, key(s))
		}
		for _, s := range new.objs("Subscription") {
			newKeys = append(newKeys, key(s))
			if !slices.Contains(oldKeys, key(s)) {
				x.a.subscribe(arn, s.str("Protocol"), s.str("Endpoint"), nil)
			}
		}
		for subARN, s := range x.a.snsSubscriptions {
			k := s.Protocol + " " + s.Endpoint
			if s.TopicARN == arn && slices.Contains(oldKeys, k) && !slices.Contains(newKeys, k) {
				delete(x.a.snsSubscriptions, subARN)
			}
		}
		return map[string]any{"TopicArn": arn, "TopicName": t.Name}, nil
	},
	delete: func(x *cfnResCtx, arn string, _ cfnProps) error {
		delete(x.a.snsTopics, arn)
		for subARN, s := range x.a.snsSubscriptions {
			if s.TopicARN == arn {
				delete(x.a.snsSubscriptions, subARN)
			}
		}
		return nil
	},
}

func applyTopicProps(t *SNSTopic, p cfnProps) {
	for _, k := range []string{"DisplayName", "KmsMasterKeyId", "ContentBasedDeduplication", "SignatureVersion", "TracingConfig"} {
		if p.has(k) {
			t.Attributes[k] = p.str(k)
		} else {
			delete(t.Attributes, k)
		}
	}
	if _, ok := t.Attributes["DisplayName"]; !ok {
		t.Attributes["DisplayName"] = ""
	}
	if p.boolean("FifoTopic", false) {
		t.Attributes["FifoTopic"] = "true"
	}
	t.Tags = p.tags()
}

// subscribe records a subscription and returns it (caller holds a.mu).
func (a *Account) subscribe(topicARN, protocol, endpoint string, attrs map[string]string) *SNSSubscription {
	s := &SNSSubscription{ARN: topicARN + ":" + newUUID(), TopicARN: topicARN, Protocol: protocol, Endpoint: endpoint,
		Owner: a.ID, Attributes: map[string]string{"RawMessageDelivery": "false", "PendingConfirmation": "false",
			"ConfirmationWasAuthenticated": "true"}}
	for k, v := range attrs {
		s.Attributes[k] = v
	}
	switch protocol {
	case "http", "https", "email", "email-json":
		s.Attributes["PendingConfirmation"] = "true"
		s.Attributes["ConfirmationWasAuthenticated"] = "false"
	}
	a.snsSubscriptions[s.ARN] = s
	return s
}

var topicPolicyHandler = &cfnHandler{
	createSecs: 10, updateSecs: 8, deleteSecs: 2, initiated: true,
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "PolicyDocument", "Topics"); err != nil {
			return "", nil, err
		}
		if err := setTopicPolicies(x, p.strs("Topics"), p.doc("PolicyDocument")); err != nil {
			return "", nil, err
		}
		return x.generatedName(128, false), map[string]any{"Id": ""}, nil
	},
	update: func(x *cfnResCtx, phys string, old, new cfnProps) (map[string]any, error) {
		resetTopicPolicies(x, old.strs("Topics"))
		if err := setTopicPolicies(x, new.strs("Topics"), new.doc("PolicyDocument")); err != nil {
			return nil, err
		}
		return map[string]any{"Id": phys}, nil
	},
	delete: func(x *cfnResCtx, _ string, p cfnProps) error {
		resetTopicPolicies(x, p.strs("Topics"))
		return nil
	},
}

func setTopicPolicies(x *cfnResCtx, arns []string, doc string) error {
	for _, arn := range arns {
		if x.a.snsTopics[arn] == nil {
			return handlerError("NotFound", serviceMessage("Sns", 404, "Topic does not exist"))
		}
	}
	for _, arn := range arns {
		x.a.snsTopics[arn].Attributes["Policy"] = doc
	}
	return nil
}

func resetTopicPolicies(x *cfnResCtx, arns []string) {
	for _, arn := range arns {
		if t := x.a.snsTopics[arn]; t != nil {
			t.Attributes["Policy"] = defaultTopicPolicy(arn, x.a.ID)
		}
	}
}

var snsProtocols = []string{"http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"}

var subscriptionHandler = &cfnHandler{
	createSecs: 6, updateSecs: 4, deleteSecs: 3, initiated: true,
	replaceProps: []string{"Protocol", "Endpoint", "TopicArn", "Region"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "TopicArn", "Protocol"); err != nil {
			return "", nil, err
		}
		topic := p.str("TopicArn")
		if strings.Contains(topic, ":"+x.a.ID+":") && x.a.snsTopics[topic] == nil {
			return "", nil, handlerError("NotFound", serviceMessage("Sns", 404, "Topic does not exist"))
		}
		if !slices.Contains(snsProtocols, p.str("Protocol")) {
			return "", nil, handlerError("InvalidRequest", serviceMessage("Sns", 400, "Invalid parameter: Amazon SNS does not support this protocol string: "+p.str("Protocol")))
		}
		s := x.a.subscribe(topic, p.str("Protocol"), p.str("Endpoint"), subscriptionAttributes(p))
		return s.ARN, map[string]any{"Arn": s.ARN}, nil
	},
	update: func(x *cfnResCtx, arn string, _, new cfnProps) (map[string]any, error) {
		s := x.a.snsSubscriptions[arn]
		if s == nil {
			return nil, handlerError("NotFound", serviceMessage("Sns", 404, "Subscription does not exist"))
		}
		for _, k := range []string{"RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn"} {
			delete(s.Attributes, k)
		}
		s.Attributes["RawMessageDelivery"] = "false"
		for k, v := range subscriptionAttributes(new) {
			s.Attributes[k] = v
		}
		return map[string]any{"Arn": arn}, nil
	},
	delete: func(x *cfnResCtx, arn string, _ cfnProps) error {
		delete(x.a.snsSubscriptions, arn)
		return nil
	},
}

func subscriptionAttributes(p cfnProps) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn"} {
		if !p.has(k) {
			continue
		}
		if _, isObj := p[k].(map[string]any); isObj {
			out[k] = p.doc(k)
		} else {
			out[k] = p.str(k)
		}
	}
	return out
}

// --- S3 ------------------------------------------------------------------------------------

var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

var bucketHandler = &cfnHandler{
	createSecs: 20, updateSecs: 8, deleteSecs: 3, initiated: true,
	nameProp: "BucketName", replaceProps: []string{"BucketName", "ObjectLockEnabled"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		name := p.str("BucketName")
		generated := name == ""
		if generated {
			name = x.generatedName(63, true)
		}
		if !bucketNamePattern.MatchString(name) || strings.Contains(name, "..") {
			msg := "Bucket name should not contain invalid characters"
			if strings.ToLower(name) != name {
				msg = "Bucket name should not contain uppercase characters"
			}
			return "", nil, handlerError("InvalidRequest", msg)
		}
		if (x.a.bucketNamesTaken && generated) || x.a.foreignBuckets[name] != "" || x.a.s3Buckets[name] != nil {
			return "", nil, handlerError("AlreadyExists", serviceMessage("S3", 409, name+" already exists"))
		}
		b := &S3Bucket{Name: name, ARN: "arn:aws:s3:::" + name, Region: x.a.Region, Owner: x.a.ID,
			CreationDate: time.Now().UTC(), Objects: map[string]*S3Object{}}
		applyBucketProps(b, p)
		x.a.s3Buckets[name] = b
		return name, bucketAttrs(b), nil
	},
	update: func(x *cfnResCtx, name string, _, new cfnProps) (map[string]any, error) {
		b := x.a.s3Buckets[name]
		if b == nil {
			return nil, handlerError("NotFound", serviceMessage("S3", 404, "The specified bucket does not exist"))
		}
		applyBucketProps(b, new)
		return bucketAttrs(b), nil
	},
	delete: func(x *cfnResCtx, name string, _ cfnProps) error {
		b := x.a.s3Buckets[name]
		if b == nil {
			return nil
		}
		if len(b.Objects) > 0 {
			return handlerError("GeneralServiceException", serviceMessage("S3", 409, "The bucket you tried to delete is not empty"))
		}
		delete(x.a.s3Buckets, name)
		return nil
	},
}

func bucketAttrs(b *S3Bucket) map[string]any {
	return map[string]any{"Arn": b.ARN, "DomainName": b.Name + ".s3.amazonaws.com",
		"RegionalDomainName":  b.Name + ".s3." + b.Region + ".amazonaws.com",
		"DualStackDomainName": b.Name + ".s3.dualstack." + b.Region + ".amazonaws.com",
		"WebsiteURL":          "http://" + b.Name + ".s3-website-" + b.Region + ".amazonaws.com"}
}

func applyBucketProps(b *S3Bucket, p cfnProps) {
	// New buckets get SSE-S3 and all four public access blocks by default.
	b.Encryption = &S3Encryption{SSEAlgorithm: "AES256"}
	if rules := p.obj("BucketEncryption").objs("ServerSideEncryptionConfiguration"); len(rules) > 0 {
		def := rules[0].obj("ServerSideEncryptionByDefault")
		b.Encryption = &S3Encryption{SSEAlgorithm: def.str("SSEAlgorithm"), KMSMasterKeyID: def.str("KMSMasterKeyID"),
			BucketKeyEnabled: rules[0].boolean("BucketKeyEnabled", false)}
	}
	b.PublicAccessBlock = &S3PublicAccessBlock{true, true, true, true}
	if p.has("PublicAccessBlockConfiguration") {
		c := p.obj("PublicAccessBlockConfiguration")
		b.PublicAccessBlock = &S3PublicAccessBlock{
			BlockPublicAcls: c.boolean("BlockPublicAcls", false), IgnorePublicAcls: c.boolean("IgnorePublicAcls", false),
			BlockPublicPolicy: c.boolean("BlockPublicPolicy", false), RestrictPublicBuckets: c.boolean("RestrictPublicBuckets", false)}
	}
	b.Versioning = p.obj("VersioningConfiguration").str("Status")
	b.Tags = p.tags()
}

var bucketPolicyHandler = &cfnHandler{
	createSecs: 3, updateSecs: 3, deleteSecs: 2, initiated: true,
	replaceProps: []string{"Bucket"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "Bucket", "PolicyDocument"); err != nil {
			return "", nil, err
		}
		b := x.a.s3Buckets[p.str("Bucket")]
		if b == nil {
			return "", nil, handlerError("NotFound", serviceMessage("S3", 404, "The specified bucket does not exist"))
		}
		if _, err := json.Marshal(p["PolicyDocument"]); err != nil {
			return "", nil, handlerError("InvalidRequest", serviceMessage("S3", 400, "Policies must be valid JSON and the first byte must be '{'"))
		}
		b.Policy = p.doc("PolicyDocument")
		return b.Name, map[string]any{}, nil
	},
	update: func(x *cfnResCtx, name string, _, new cfnProps) (map[string]any, error) {
		b := x.a.s3Buckets[name]
		if b == nil {
			return nil, handlerError("NotFound", serviceMessage("S3", 404, "The specified bucket does not exist"))
		}
		b.Policy = new.doc("PolicyDocument")
		return map[string]any{}, nil
	},
	delete: func(x *cfnResCtx, name string, _ cfnProps) error {
		if b := x.a.s3Buckets[name]; b != nil {
			b.Policy = ""
		}
		return nil
	},
}

// --- KMS ------------------------------------------------------------------------------------

func defaultKeyPolicy(account string) string {
	return `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`
}

var keyHandler = &cfnHandler{
	createSecs: 25, updateSecs: 6, deleteSecs: 3, initiated: true,
	replaceProps: []string{"KeySpec", "KeyUsage", "MultiRegion", "Origin"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		id := newUUID()
		if p.boolean("MultiRegion", false) {
			id = "mrk-" + strings.ReplaceAll(newUUID(), "-", "")
		}
		k := &KMSKey{KeyID: id, ARN: "arn:aws:kms:" + x.a.Region + ":" + x.a.ID + ":key/" + id,
			CreationDate: time.Now().UTC(), MultiRegion: p.boolean("MultiRegion", false)}
		k.KeyUsage, k.KeySpec = p.str("KeyUsage"), p.str("KeySpec")
		if k.KeyUsage == "" {
			k.KeyUsage = "ENCRYPT_DECRYPT"
		}
		if k.KeySpec == "" {
			k.KeySpec = "SYMMETRIC_DEFAULT"
		}
		if err := applyKeyProps(x, k, p); err != nil {
			return "", nil, err
		}
		x.a.kmsKeys[id] = k
		return id, map[string]any{"Arn": k.ARN, "KeyId": id}, nil
	},
	update: func(x *cfnResCtx, id string, _, new cfnProps) (map[string]any, error) {
		k := x.a.kmsKeys[id]
		if k == nil {
			return nil, handlerError("NotFound", serviceMessage("Kms", 400, "Key '"+id+"' does not exist"))
		}
		if err := applyKeyProps(x, k, new); err != nil {
			return nil, err
		}
		return map[string]any{"Arn": k.ARN, "KeyId": id}, nil
	},
	delete: func(x *cfnResCtx, id string, p cfnProps) error {
		k := x.a.kmsKeys[id]
		if k == nil {
			return nil
		}
		// KMS never deletes at once: the key waits out its pending window.
		k.KeyState, k.Enabled = "PendingDeletion", false
		k.PendingWindowInDays = p.integer("PendingWindowInDays", 30)
		k.DeletionDate = time.Now().UTC().Add(time.Duration(k.PendingWindowInDays) * 24 * time.Hour)
		for _, alias := range k.Aliases {
			delete(x.a.kmsAliases, alias)
		}
		k.Aliases = nil
		return nil
	},
}

func applyKeyProps(x *cfnResCtx, k *KMSKey, p cfnProps) error {
	k.Policy = p.doc("KeyPolicy")
	if k.Policy == "" {
		k.Policy = defaultKeyPolicy(x.a.ID)
	} else if !json.Valid([]byte(k.Policy)) {
		return handlerError("InvalidRequest", serviceMessage("Kms", 400, "MalformedPolicyDocumentException: Policy contains a statement with one or more invalid principals."))
	}
	k.Description = p.str("Description")
	k.Enabled = p.boolean("Enabled", true)
	k.KeyState = "Enabled"
	if !k.Enabled {
		k.KeyState = "Disabled"
	}
	k.RotationEnabled = p.boolean("EnableKeyRotation", false)
	k.PendingWindowInDays = p.integer("PendingWindowInDays", 30)
	k.Tags = p.tags()
	return nil
}

var aliasHandler = &cfnHandler{
	createSecs: 3, updateSecs: 3, deleteSecs: 2, initiated: true,
	nameProp: "AliasName", replaceProps: []string{"AliasName"},
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "AliasName", "TargetKeyId"); err != nil {
			return "", nil, err
		}
		name := p.str("AliasName")
		if !strings.HasPrefix(name, "alias/") || strings.HasPrefix(name, "alias/aws/") {
			return "", nil, handlerError("InvalidRequest", serviceMessage("Kms", 400, "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"))
		}
		if _, taken := x.a.kmsAliases[name]; taken {
			return "", nil, handlerError("AlreadyExists", serviceMessage("Kms", 400, "An alias with the name arn:aws:kms:"+x.a.Region+":"+x.a.ID+":"+name+" already exists"))
		}
		if err := pointAlias(x, name, p.str("TargetKeyId")); err != nil {
			return "", nil, err
		}
		return name, map[string]any{}, nil
	},
	update: func(x *cfnResCtx, name string, _, new cfnProps) (map[string]any, error) {
		if err := pointAlias(x, name, new.str("TargetKeyId")); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	},
	delete: func(x *cfnResCtx, name string, _ cfnProps) error {
		if id, ok := x.a.kmsAliases[name]; ok {
			if k := x.a.kmsKeys[id]; k != nil {
				k.Aliases = slices.DeleteFunc(k.Aliases, func(s string) bool { return s == name })
			}
			delete(x.a.kmsAliases, name)
		}
		return nil
	},
}

func pointAlias(x *cfnResCtx, name, target string) error {
	k := x.a.findKey(target)
	if k == nil || k.KeyState == "PendingDeletion" {
		return handlerError("NotFound", serviceMessage("Kms", 400, "Invalid keyId "+target))
	}
	if old, ok := x.a.kmsAliases[name]; ok {
		if ok := x.a.kmsKeys[old]; ok != nil {
			ok.Aliases = slices.DeleteFunc(ok.Aliases, func(s string) bool { return s == name })
		}
	}
	x.a.kmsAliases[name] = k.KeyID
	if !slices.Contains(k.Aliases, name) {
		k.Aliases = append(k.Aliases, name)
	}
	return nil
}

// --- custom resources ----------------------------------------------------------------------

var customHandler = &cfnHandler{
	createSecs: 5, updateSecs: 5, deleteSecs: 3,
	create: func(x *cfnResCtx, p cfnProps) (string, map[string]any, error) {
		if err := requiredProps(x, p, "ServiceToken"); err != nil {
			return "", nil, err
		}
		phys := x.generatedName(128, false)
		x.a.customResources = append(x.a.customResources, &CustomResource{
			StackID: x.st.id, StackName: x.st.name, LogicalID: x.r.id, PhysicalID: phys, Type: x.r.typ,
			ServiceToken: p.str("ServiceToken"), Properties: deepCopy(map[string]any(p)).(map[string]any)})
		return phys, map[string]any{}, nil
	},
	update: func(x *cfnResCtx, phys string, old, new cfnProps) (map[string]any, error) {
		if old.str("ServiceToken") != new.str("ServiceToken") {
			return nil, fmt.Errorf("Modifying service token is not allowed.")
		}
		for _, c := range x.a.customResources {
			if c.PhysicalID == phys {
				c.Properties = deepCopy(map[string]any(new)).(map[string]any)
			}
		}
		return map[string]any{}, nil
	},
	delete: func(x *cfnResCtx, phys string, _ cfnProps) error {
		x.a.customResources = slices.DeleteFunc(x.a.customResources, func(c *CustomResource) bool { return c.PhysicalID == phys })
		return nil
	},
}
