package sandbox

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// CloudFormation drift detection: DetectStackDrift, DetectStackResourceDrift,
// DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts. Each
// resource's expected properties are the ones the engine resolved from the
// template at create or update (cfnResource.props); its actual properties
// are read from the account's current state, however it changed (IAM, S3,
// SNS, SQS, KMS or Lambda calls). As on AWS, only properties the template
// sets are compared, and types that do not support drift detection (custom
// resources) are not checked.

// cfnDriftDetection is one DetectStackDrift run. It ends at ready (a few
// simulated seconds after it began); its results are computed when it is
// first read after that, against the state at that moment.
type cfnDriftDetection struct {
	id          string
	started     time.Time
	ready       time.Time
	logicalIDs  []string // empty: every resource
	status      string   // DETECTION_IN_PROGRESS, DETECTION_COMPLETE, DETECTION_FAILED
	reason      string
	driftStatus string // DRIFTED, IN_SYNC, UNKNOWN (once complete)
	drifted     int
	finished    time.Time
}

// cfnResourceDrift is the last drift result of one resource.
type cfnResourceDrift struct {
	status   string // IN_SYNC, MODIFIED, DELETED, NOT_CHECKED
	checked  time.Time
	expected string // JSON
	actual   string // JSON
	diffs    []cfnPropDiff
}

type cfnPropDiff struct{ path, expected, actual, kind string }

// driftDetectionTime is how long a detection takes on AWS: a few seconds, and
// a little more per resource.
func driftDetectionTime(resources int) float64 { return 3 + 0.5*float64(resources) }

// driftable reports whether a stack in status may be checked for drift.
func driftable(st *cfnStack) bool {
	if st.deleted || st.op != nil {
		return false
	}
	switch st.status {
	case "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "ROLLBACK_FAILED", "DELETE_FAILED":
		return true
	}
	return false
}

func cfnDetectStackDrift(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	if !driftable(st) {
		return nil, cfnValidation("Drift detection cannot be performed on stack %s in status %s", st.id, st.status)
	}
	ids := p.list("LogicalResourceIds.member")
	for _, id := range ids {
		if r := st.resources[id]; !r.live() {
			return nil, cfnValidation("Resource %s does not exist for stack %s", id, p.get("StackName"))
		}
	}
	n := len(ids)
	if n == 0 {
		n = len(listedResources(st))
	}
	now := c.now().UTC()
	d := &cfnDriftDetection{id: newUUID(), started: now, logicalIDs: ids, status: "DETECTION_IN_PROGRESS"}
	d.ready = now
	if secs, scale := driftDetectionTime(n), a.scale(); !math.IsInf(scale, 1) && scale > 0 {
		d.ready = now.Add(time.Duration(secs / scale * float64(time.Second)))
	}
	st.drifts = append(st.drifts, d)
	if len(st.drifts) > 50 { // AWS keeps recent detections only
		st.drifts = st.drifts[len(st.drifts)-50:]
	}
	return &struct{ StackDriftDetectionId string }{d.id}, nil
}

// findDetection returns the detection with id and its stack.
func (a *Account) findDetection(id string) (*cfnStack, *cfnDriftDetection) {
	for _, st := range a.stacks {
		for _, d := range st.drifts {
			if d.id == id {
				return st, d
			}
		}
	}
	return nil, nil
}

// settleDrifts completes the stack's detections whose time has come (caller
// holds a.mu).
func (a *Account) settleDrifts(st *cfnStack, now time.Time) {
	for _, d := range st.drifts {
		if d.status == "DETECTION_IN_PROGRESS" && !now.Before(d.ready) {
			a.completeDetection(st, d, d.ready)
		}
	}
}

func (a *Account) completeDetection(st *cfnStack, d *cfnDriftDetection, at time.Time) {
	d.finished, d.drifted = at, 0
	if st.deleted {
		d.status, d.reason, d.driftStatus = "DETECTION_FAILED", "The stack was deleted during drift detection.", "UNKNOWN"
		return
	}
	checked := 0
	for _, r := range listedResources(st) {
		if len(d.logicalIDs) > 0 && !slices.Contains(d.logicalIDs, r.id) {
			continue
		}
		if !r.live() {
			continue
		}
		rd := a.resourceDrift(st, r, at)
		r.drift = rd
		if rd.status == "NOT_CHECKED" {
			continue
		}
		checked++
		if rd.status != "IN_SYNC" {
			d.drifted++
		}
	}
	d.status, d.driftStatus = "DETECTION_COMPLETE", "IN_SYNC"
	if d.drifted > 0 {
		d.driftStatus = "DRIFTED"
	}
	if len(d.logicalIDs) == 0 {
		st.driftStatus, st.driftChecked = d.driftStatus, at
	}
	_ = checked
}

func cfnDescribeStackDriftDetectionStatus(c *call, p queryParams) (any, error) {
	id := p.get("StackDriftDetectionId")
	if id == "" {
		return nil, cfnValidation("1 validation error detected: Value null at 'stackDriftDetectionId' failed to satisfy constraint: Member must not be null")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, d := a.findDetection(id)
	if d == nil {
		return nil, cfnValidation("Drift detection ID %s does not exist", id)
	}
	a.settleDrifts(st, c.now())
	res := struct {
		StackId                   string
		StackDriftDetectionId     string
		StackDriftStatus          string `xml:",omitempty"`
		DetectionStatus           string
		DetectionStatusReason     string `xml:",omitempty"`
		DriftedStackResourceCount *int   `xml:",omitempty"`
		Timestamp                 string
	}{StackId: st.id, StackDriftDetectionId: d.id, DetectionStatus: d.status, DetectionStatusReason: d.reason,
		Timestamp: cfnTime(d.started)}
	if d.status != "DETECTION_IN_PROGRESS" {
		res.StackDriftStatus = d.driftStatus
		n := d.drifted
		res.DriftedStackResourceCount = &n
	}
	return &res, nil
}

type cfnXMLPropDiff struct{ PropertyPath, ExpectedValue, ActualValue, DifferenceType string }

type cfnXMLResourceDrift struct {
	StackId                  string
	LogicalResourceId        string
	PhysicalResourceId       string `xml:",omitempty"`
	ResourceType             string
	ExpectedProperties       string           `xml:",omitempty"`
	ActualProperties         string           `xml:",omitempty"`
	PropertyDifferences      []cfnXMLPropDiff `xml:"PropertyDifferences>member"`
	StackResourceDriftStatus string
	Timestamp                string
}

func resourceDriftXML(st *cfnStack, r *cfnResource) cfnXMLResourceDrift {
	d := r.drift
	x := cfnXMLResourceDrift{StackId: st.id, LogicalResourceId: r.id, PhysicalResourceId: r.physicalID, ResourceType: r.typ,
		ExpectedProperties: d.expected, ActualProperties: d.actual, StackResourceDriftStatus: d.status, Timestamp: cfnTime(d.checked)}
	for _, pd := range d.diffs {
		x.PropertyDifferences = append(x.PropertyDifferences, cfnXMLPropDiff{pd.path, pd.expected, pd.actual, pd.kind})
	}
	return x
}

func cfnDescribeStackResourceDrifts(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	filters := p.list("StackResourceDriftStatusFilters.member")
	for _, f := range filters {
		switch f {
		case "IN_SYNC", "MODIFIED", "DELETED", "NOT_CHECKED", "UNKNOWN", "UNSUPPORTED":
		default:
			return nil, cfnValidation("1 validation error detected: Value '[%s]' at 'stackResourceDriftStatusFilters' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IN_SYNC, MODIFIED, DELETED, NOT_CHECKED, UNKNOWN, UNSUPPORTED]]", f)
		}
	}
	a.settleDrifts(st, c.now())
	var all []cfnXMLResourceDrift
	for _, r := range listedResources(st) {
		if r.drift == nil || r.drift.status == "NOT_CHECKED" {
			continue
		}
		if len(filters) > 0 && !slices.Contains(filters, r.drift.status) {
			continue
		}
		all = append(all, resourceDriftXML(st, r))
	}
	size := cfnPageSize
	if m := p.get("MaxResults"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 100 {
			return nil, cfnValidation("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100", m)
		}
		size = n
	}
	start, err := pageStart(p)
	if err != nil {
		return nil, err
	}
	start = min(start, len(all))
	end := min(len(all), start+size)
	res := struct {
		StackResourceDrifts []cfnXMLResourceDrift `xml:"StackResourceDrifts>member"`
		NextToken           string                `xml:",omitempty"`
	}{StackResourceDrifts: all[start:end]}
	if res.StackResourceDrifts == nil {
		res.StackResourceDrifts = []cfnXMLResourceDrift{}
	}
	if end < len(all) {
		res.NextToken = pageToken(end)
	}
	return &res, nil
}

func cfnDetectStackResourceDrift(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := a.stackFor(p.get("StackName"), true)
	if err != nil {
		return nil, err
	}
	id := p.get("LogicalResourceId")
	r := st.resources[id]
	if !r.live() {
		return nil, cfnValidation("Resource %s does not exist for stack %s", id, p.get("StackName"))
	}
	if !driftable(st) {
		return nil, cfnValidation("Drift detection cannot be performed on stack %s in status %s", st.id, st.status)
	}
	rd := a.resourceDrift(st, r, c.now().UTC())
	if rd.status == "NOT_CHECKED" {
		return nil, apiError(http.StatusBadRequest, "ValidationError", "Drift detection is not supported for resource type %s", r.typ)
	}
	r.drift = rd
	return &struct{ StackResourceDrift cfnXMLResourceDrift }{resourceDriftXML(st, r)}, nil
}

// --- comparing ------------------------------------------------------------------------

// resourceDrift compares r's recorded properties with its current state.
func (a *Account) resourceDrift(st *cfnStack, r *cfnResource, at time.Time) *cfnResourceDrift {
	rd := &cfnResourceDrift{checked: at}
	read := driftReaders[r.typ]
	if read == nil {
		rd.status = "NOT_CHECKED"
		return rd
	}
	expected := normalizeProps(r.typ, r.props)
	for _, k := range driftWriteOnly[r.typ] {
		delete(expected, k)
	}
	actualAll, exists := read(a, st, r, cfnProps(r.props))
	rd.expected = compactJSON(expected)
	if !exists {
		rd.status = "DELETED"
		return rd
	}
	actual := map[string]any{}
	for k := range expected {
		if v, ok := actualAll[k]; ok && v != nil {
			actual[k] = v
		}
	}
	actual = normalizeProps(r.typ, actual)
	rd.actual = compactJSON(actual)
	diffValue("", expected, actual, &rd.diffs)
	rd.status = "IN_SYNC"
	if len(rd.diffs) > 0 {
		rd.status = "MODIFIED"
	}
	return rd
}

// driftWriteOnly are properties AWS cannot read back, so never compared.
var driftWriteOnly = map[string][]string{
	"AWS::KMS::Key":         {"PendingWindowInDays", "BypassPolicyLockoutSafetyCheck"},
	"AWS::Lambda::Function": {"Code"},
}

// policyProps are the properties holding JSON documents, compared as JSON.
var policyProps = map[string]bool{"AssumeRolePolicyDocument": true, "PolicyDocument": true, "KeyPolicy": true,
	"RedrivePolicy": true, "RedriveAllowPolicy": true, "FilterPolicy": true, "DeliveryPolicy": true}

// normalizeProps makes a copy of props in comparable form: JSON documents
// given as strings decoded, tag lists sorted by key.
func normalizeProps(typ string, props map[string]any) map[string]any {
	out, _ := deepCopy(props).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	var fix func(k string, v any) any
	fix = func(k string, v any) any {
		switch x := v.(type) {
		case string:
			if policyProps[k] {
				if text, ok := iampolicy.Unescape(x); ok {
					var doc any
					if json.Unmarshal([]byte(text), &doc) == nil {
						return doc
					}
				}
			}
		case []any:
			for i, e := range x {
				x[i] = fix("", e)
			}
			if k == "Tags" {
				sort.SliceStable(x, func(i, j int) bool { return tagKey(x[i]) < tagKey(x[j]) })
			}
		case map[string]any:
			for kk, e := range x {
				x[kk] = fix(kk, e)
			}
		}
		return v
	}
	for k, v := range out {
		out[k] = fix(k, v)
	}
	return out
}

func tagKey(v any) string {
	if m, ok := v.(map[string]any); ok {
		return stringify(m["Key"])
	}
	return ""
}

// pointerEscape escapes a JSON pointer segment.
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// render is a value as PropertyDifferences show it: strings as they are,
// anything else as JSON.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case map[string]any, []any:
		return compactJSON(x)
	}
	return stringify(v)
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

// diffValue appends the differences between expected and actual at path.
// A one-element list and its element are alike (IAM's rule for policies);
// lists of scalars are compared as sets, lists of objects element by element.
func diffValue(path string, exp, act any, out *[]cfnPropDiff) {
	if l, ok := exp.([]any); ok && len(l) == 1 && isScalar(act) {
		exp = l[0]
	}
	if l, ok := act.([]any); ok && len(l) == 1 && isScalar(exp) {
		act = l[0]
	}
	switch e := exp.(type) {
	case map[string]any:
		ac, ok := act.(map[string]any)
		if !ok {
			break
		}
		keys := sortedKeys(e)
		for _, k := range sortedKeys(ac) {
			if _, ok := e[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			ev, inE := e[k]
			av, inA := ac[k]
			p := path + "/" + pointerEscape(k)
			switch {
			case inE && !inA:
				*out = append(*out, cfnPropDiff{p, render(ev), "null", "REMOVE"})
			case !inE && inA:
				*out = append(*out, cfnPropDiff{p, "null", render(av), "ADD"})
			default:
				diffValue(p, ev, av, out)
			}
		}
		return
	case []any:
		al, ok := act.([]any)
		if !ok {
			break
		}
		if allScalars(e) && allScalars(al) {
			for i, v := range e {
				if !containsScalar(al, v) {
					*out = append(*out, cfnPropDiff{path + "/" + strconv.Itoa(i), render(v), "null", "REMOVE"})
				}
			}
			for i, v := range al {
				if !containsScalar(e, v) {
					*out = append(*out, cfnPropDiff{path + "/" + strconv.Itoa(i), "null", render(v), "ADD"})
				}
			}
			return
		}
		for i := 0; i < max(len(e), len(al)); i++ {
			p := path + "/" + strconv.Itoa(i)
			switch {
			case i >= len(al):
				*out = append(*out, cfnPropDiff{p, render(e[i]), "null", "REMOVE"})
			case i >= len(e):
				*out = append(*out, cfnPropDiff{p, "null", render(al[i]), "ADD"})
			default:
				diffValue(p, e[i], al[i], out)
			}
		}
		return
	default:
		if isScalar(act) && stringify(exp) == stringify(act) {
			return
		}
	}
	if compactJSON(exp) != compactJSON(act) {
		*out = append(*out, cfnPropDiff{path, render(exp), render(act), "NOT_EQUAL"})
	}
}

func allScalars(l []any) bool {
	for _, v := range l {
		if !isScalar(v) {
			return false
		}
	}
	return true
}

func containsScalar(l []any, v any) bool {
	for _, x := range l {
		if stringify(x) == stringify(v) {
			return true
		}
	}
	return false
}

// --- reading the actual state -------------------------------------------------------------

// driftReader returns a resource's current properties, or exists=false when
// it was deleted outside CloudFormation (caller holds a.mu).
type driftReader func(a *Account, st *cfnStack, r *cfnResource, expected cfnProps) (actual map[string]any, exists bool)

var driftReaders = map[string]driftReader{
	"AWS::IAM::Role":          roleActual,
	"AWS::IAM::Policy":        inlinePolicyActual,
	"AWS::IAM::ManagedPolicy": managedPolicyActual,
	"AWS::S3::Bucket":         bucketActual,
	"AWS::S3::BucketPolicy":   bucketPolicyActual,
	"AWS::SQS::Queue":         queueActual,
	"AWS::SQS::QueuePolicy":   queuePolicyActual,
	"AWS::SNS::Topic":         topicActual,
	"AWS::SNS::TopicPolicy":   topicPolicyActual,
	"AWS::SNS::Subscription":  subscriptionActual,
	"AWS::KMS::Key":           keyActual,
	"AWS::KMS::Alias":         aliasActual,
	"AWS::Lambda::Function":   functionActual,
}

func tagsValue(tags []Tag) []any {
	out := []any{}
	for _, t := range tags {
		out = append(out, map[string]any{"Key": t.Key, "Value": t.Value})
	}
	return out
}

// ownedByOthers lists what other resources of the stack put on role: inline
// policy names (AWS::IAM::Policy) and managed policy ARNs
// (AWS::IAM::ManagedPolicy with Roles). The role's own properties do not
// account for them.
func ownedByOthers(st *cfnStack, role string) (inline, managed map[string]bool) {
	inline, managed = map[string]bool{}, map[string]bool{}
	for _, o := range st.resources {
		if !o.live() {
			continue
		}
		p := cfnProps(o.props)
		if !slices.ContainsFunc(p.strs("Roles"), func(s string) bool { return strings.EqualFold(s, role) }) {
			continue
		}
		switch o.typ {
		case "AWS::IAM::Policy":
			inline[p.str("PolicyName")] = true
		case "AWS::IAM::ManagedPolicy":
			managed[o.physicalID] = true
		}
	}
	return inline, managed
}

func roleActual(a *Account, st *cfnStack, r *cfnResource, exp cfnProps) (map[string]any, bool) {
	role := a.findRole(r.physicalID)
	if role == nil {
		return nil, false
	}
	out := map[string]any{"RoleName": role.Name, "Path": role.Path, "AssumeRolePolicyDocument": role.AssumeRolePolicyDocument,
		"Description": role.Description, "MaxSessionDuration": role.MaxSessionDuration, "Tags": tagsValue(role.Tags)}
	if role.PermissionsBoundary != "" {
		out["PermissionsBoundary"] = role.PermissionsBoundary
	}
	inline, managed := ownedByOthers(st, role.Name)
	var arns []any
	for _, arn := range role.ManagedPolicyARNs {
		if !managed[arn] {
			arns = append(arns, arn)
		}
	}
	out["ManagedPolicyArns"] = append([]any{}, arns...)
	// The role's inline policies in the template's order, then the others
	// (not those other resources of the stack put there).
	var pols []any
	seen := map[string]bool{}
	for _, pol := range exp.objs("Policies") {
		name := pol.str("PolicyName")
		if doc, ok := role.InlinePolicies[name]; ok {
			pols = append(pols, map[string]any{"PolicyName": name, "PolicyDocument": docValue(doc)})
			seen[name] = true
		}
	}
	for _, name := range sortedKeys(role.InlinePolicies) {
		if !seen[name] && !inline[name] {
			pols = append(pols, map[string]any{"PolicyName": name, "PolicyDocument": docValue(role.InlinePolicies[name])})
		}
	}
	out["Policies"] = append([]any{}, pols...)
	return out, true
}

// docValue decodes a JSON document as stored (a string when it is not JSON).
func docValue(doc string) any {
	if text, ok := iampolicy.Unescape(doc); ok {
		var v any
		if json.Unmarshal([]byte(text), &v) == nil {
			return v
		}
	}
	return doc
}

func inlinePolicyActual(a *Account, _ *cfnStack, _ *cfnResource, exp cfnProps) (map[string]any, bool) {
	name := exp.str("PolicyName")
	var roles []any
	var doc any
	for _, rn := range exp.strs("Roles") {
		role := a.findRole(rn)
		if role == nil {
			continue
		}
		if d, ok := role.InlinePolicies[name]; ok {
			roles = append(roles, rn)
			if doc == nil {
				doc = docValue(d)
			}
		}
	}
	if doc == nil {
		return nil, false
	}
	return map[string]any{"PolicyName": name, "PolicyDocument": doc, "Roles": roles}, true
}

func managedPolicyActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	pol := a.iamPolicies[r.physicalID]
	if pol == nil {
		return nil, false
	}
	var roles []any
	for _, name := range sortedKeys(a.iamRoles) {
		if slices.Contains(a.iamRoles[name].ManagedPolicyARNs, pol.ARN) {
			roles = append(roles, name)
		}
	}
	return map[string]any{"ManagedPolicyName": pol.Name, "Path": pol.Path, "Description": pol.Description,
		"PolicyDocument": docValue(pol.Document()), "Roles": append([]any{}, roles...)}, true
}

func bucketActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	b := a.s3Buckets[r.physicalID]
	if b == nil {
		return nil, false
	}
	out := map[string]any{"BucketName": b.Name, "Tags": tagsValue(b.Tags)}
	if b.Versioning != "" {
		out["VersioningConfiguration"] = map[string]any{"Status": b.Versioning}
	}
	if e := b.Encryption; e != nil {
		def := map[string]any{"SSEAlgorithm": e.SSEAlgorithm}
		if e.KMSMasterKeyID != "" {
			def["KMSMasterKeyID"] = e.KMSMasterKeyID
		}
		rule := map[string]any{"ServerSideEncryptionByDefault": def}
		if e.BucketKeyEnabled { // S3 reports false as absent
			rule["BucketKeyEnabled"] = true
		}
		out["BucketEncryption"] = map[string]any{"ServerSideEncryptionConfiguration": []any{rule}}
	}
	if pab := b.PublicAccessBlock; pab != nil {
		out["PublicAccessBlockConfiguration"] = map[string]any{"BlockPublicAcls": pab.BlockPublicAcls,
			"IgnorePublicAcls": pab.IgnorePublicAcls, "BlockPublicPolicy": pab.BlockPublicPolicy, "RestrictPublicBuckets": pab.RestrictPublicBuckets}
	}
	return out, true
}

func bucketPolicyActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	b := a.s3Buckets[r.physicalID]
	if b == nil || b.Policy == "" {
		return nil, false
	}
	return map[string]any{"Bucket": b.Name, "PolicyDocument": docValue(b.Policy)}, true
}

func queueActual(a *Account, _ *cfnStack, r *cfnResource, exp cfnProps) (map[string]any, bool) {
	q := a.findQueue(r.physicalID)
	if q == nil {
		return nil, false
	}
	out := map[string]any{"QueueName": q.Name}
	for _, k := range sqsAttributeProps {
		if v, ok := q.Attributes[k]; ok {
			if policyProps[k] {
				out[k] = docValue(v)
			} else {
				out[k] = v
			}
		}
	}
	var tags []any
	for _, k := range sortedKeys(q.Tags) {
		tags = append(tags, map[string]any{"Key": k, "Value": q.Tags[k]})
	}
	out["Tags"] = append([]any{}, tags...)
	return out, true
}

func queuePolicyActual(a *Account, _ *cfnStack, _ *cfnResource, exp cfnProps) (map[string]any, bool) {
	var queues []any
	var doc any
	for _, u := range exp.strs("Queues") {
		q := a.findQueue(u)
		if q == nil {
			continue
		}
		if pol, ok := q.Attributes["Policy"]; ok && pol != "" {
			queues = append(queues, u)
			if doc == nil {
				doc = docValue(pol)
			}
		}
	}
	if doc == nil {
		return nil, false
	}
	return map[string]any{"Queues": queues, "PolicyDocument": doc}, true
}

func topicActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	t := a.snsTopics[r.physicalID]
	if t == nil {
		return nil, false
	}
	out := map[string]any{"TopicName": t.Name, "Tags": tagsValue(t.Tags)}
	for _, k := range []string{"DisplayName", "KmsMasterKeyId", "ContentBasedDeduplication", "SignatureVersion", "TracingConfig", "FifoTopic"} {
		if v, ok := t.Attributes[k]; ok {
			out[k] = v
		}
	}
	subs := []any{}
	for _, arn := range sortedKeys(a.snsSubscriptions) {
		if s := a.snsSubscriptions[arn]; s.TopicARN == t.ARN {
			subs = append(subs, map[string]any{"Endpoint": s.Endpoint, "Protocol": s.Protocol})
		}
	}
	out["Subscription"] = subs
	return out, true
}

func topicPolicyActual(a *Account, _ *cfnStack, _ *cfnResource, exp cfnProps) (map[string]any, bool) {
	var topics []any
	var doc any
	for _, arn := range exp.strs("Topics") {
		t := a.snsTopics[arn]
		if t == nil {
			continue
		}
		topics = append(topics, arn)
		if doc == nil {
			doc = docValue(t.Attributes["Policy"])
		}
	}
	if doc == nil {
		return nil, false
	}
	return map[string]any{"Topics": topics, "PolicyDocument": doc}, true
}

func subscriptionActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	s := a.snsSubscriptions[r.physicalID]
	if s == nil {
		return nil, false
	}
	out := map[string]any{"TopicArn": s.TopicARN, "Protocol": s.Protocol, "Endpoint": s.Endpoint}
	for k, v := range s.Attributes {
		switch k {
		case "RawMessageDelivery", "FilterPolicyScope", "SubscriptionRoleArn":
			out[k] = v
		case "FilterPolicy", "RedrivePolicy", "DeliveryPolicy":
			out[k] = docValue(v)
		}
	}
	return out, true
}

func keyActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	k := a.kmsKeys[r.physicalID]
	if k == nil || k.KeyState == "PendingDeletion" {
		return nil, false
	}
	return map[string]any{"KeyPolicy": docValue(k.Policy), "Description": k.Description, "Enabled": k.Enabled,
		"EnableKeyRotation": k.RotationEnabled, "KeyUsage": k.KeyUsage, "KeySpec": k.KeySpec, "MultiRegion": k.MultiRegion,
		"Tags": tagsValue(k.Tags)}, true
}

func aliasActual(a *Account, _ *cfnStack, r *cfnResource, exp cfnProps) (map[string]any, bool) {
	id, ok := a.kmsAliases[r.physicalID]
	if !ok {
		return nil, false
	}
	target := id
	// The template may name the key by ID or ARN: the same key is no drift.
	if k := a.findKey(exp.str("TargetKeyId")); k != nil && k.KeyID == id {
		target = exp.str("TargetKeyId")
	} else if k := a.kmsKeys[id]; k != nil {
		target = k.ARN
	}
	return map[string]any{"AliasName": r.physicalID, "TargetKeyId": target}, true
}

func functionActual(a *Account, _ *cfnStack, r *cfnResource, _ cfnProps) (map[string]any, bool) {
	f := a.lambdaFunctions[r.physicalID]
	if f == nil {
		return nil, false
	}
	out := map[string]any{"FunctionName": f.Name, "Role": f.Role, "Runtime": f.Runtime, "Handler": f.Handler,
		"Description": f.Description, "Timeout": f.Timeout, "MemorySize": f.MemorySize, "Tags": tagsValue(f.Tags)}
	if len(f.Environment) > 0 {
		vars := map[string]any{}
		for k, v := range f.Environment {
			vars[k] = v
		}
		out["Environment"] = map[string]any{"Variables": vars}
	}
	if f.ReservedConcurrency != nil {
		out["ReservedConcurrentExecutions"] = *f.ReservedConcurrency
	}
	return out, true
}

// --- DriftInformation in DescribeStacks, ListStacks and the resource calls -----------------

type cfnXMLStackDrift struct {
	StackDriftStatus   string
	LastCheckTimestamp string `xml:",omitempty"`
}

type cfnXMLResourceDriftInfo struct {
	StackResourceDriftStatus string
	LastCheckTimestamp       string `xml:",omitempty"`
}

func stackDriftInfo(st *cfnStack) cfnXMLStackDrift {
	if st.driftStatus == "" {
		return cfnXMLStackDrift{StackDriftStatus: "NOT_CHECKED"}
	}
	return cfnXMLStackDrift{st.driftStatus, cfnTime(st.driftChecked)}
}

func resourceDriftInfo(r *cfnResource) cfnXMLResourceDriftInfo {
	if r.drift == nil {
		return cfnXMLResourceDriftInfo{StackResourceDriftStatus: "NOT_CHECKED"}
	}
	return cfnXMLResourceDriftInfo{r.drift.status, cfnTime(r.drift.checked)}
}

// settleAllDrifts completes every detection whose time has come (caller
// holds a.mu), so that DriftInformation is current wherever it is read.
func (a *Account) settleAllDrifts(now time.Time) {
	for _, st := range a.stacks {
		a.settleDrifts(st, now)
	}
}
