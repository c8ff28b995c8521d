// Package bundle is SellerDesk's support bundle: a customer's setup as one
// versioned JSON file (.sdbundle) that support loads into the embedded
// sandbox.
//
// A bundle holds a header (format, SellerDesk version, when, OS, target kind,
// account, region), the caller's identity, the onboarding stack (template,
// parameters, status, every event, resources, outputs), the live documents
// of each resource the stack created (role trust and policies, bucket
// policy, encryption and public access block, key policy, topic attributes
// and subscriptions, queue attributes), the tiles with every check's result,
// optionally the Catalog's entity summaries with their tags and the recent
// change sets, and the tail of the log. Every read records its outcome: ok,
// absent (AWS answered that the document does not exist), refused (AWS
// answered with an error: its code and request ID are kept) or failed (AWS
// was not reached). A refused read is recorded, never dropped.
//
// Export reads through the SDK clients of whatever target is current;
// redaction (redact.go) runs before the bundle is encoded; Decode is strict
// (format, schema with ordered migrations, content checksum, no unknown
// fields); ToState converts a bundle into a sandbox state document.
//
// Two exports of the same state differ only in the fields Comparable
// clears: the header's creation time, request IDs, when the tiles were
// checked, the log tail and the checksum.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/tiles"
	"github.com/sellerdesk/sellerdesk/internal/version"
)

// Format names the document; a file without it is not a bundle.
const Format = "sellerdesk-support-bundle"

// Schema is the version of the bundle format this build writes.
const Schema = 1

// Ext is the file extension of a bundle.
const Ext = ".sdbundle"

// MaxSize bounds a bundle file read (a catalog of 50,000 entities fits).
const MaxSize = 64 << 20

// migrations move a bundle from schema i+1 to i+2 (index 0 upgrades 1 to 2),
// on its decoded JSON. Append only.
var migrations = []func(map[string]any) error{}

// Read outcomes.
const (
	OutcomeOK      = "ok"      // AWS returned the document
	OutcomeAbsent  = "absent"  // AWS answered that it does not exist
	OutcomeRefused = "refused" // AWS answered with an error (code and request ID kept)
	OutcomeFailed  = "failed"  // AWS was not reached, or the answer could not be read
)

// Read is one call and what came of it.
type Read struct {
	Call      string `json:"call"` // "iam:GetRole"
	Outcome   string `json:"outcome"`
	Code      string `json:"code,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Message   string `json:"message,omitempty"`
}

// Got is a read and, when it succeeded, what it returned.
type Got[T any] struct {
	Read
	Value *T `json:"value,omitempty"`
}

// OK reports a successful read.
func (g Got[T]) OK() bool { return g.Outcome == OutcomeOK && g.Value != nil }

// Bundle is a support bundle.
type Bundle struct {
	Format   string      `json:"format"`
	Schema   int         `json:"schema"`
	Checksum string      `json:"checksum"`
	Header   Header      `json:"header"`
	Redacted []Redaction `json:"redacted"`

	Identity Got[Identity]     `json:"identity"`
	Stack    Got[Stack]        `json:"stack"`
	Roles    []Role            `json:"roles"`
	Policies []ManagedPolicy   `json:"managedPolicies"`
	Buckets  []Bucket          `json:"buckets"`
	Keys     []Key             `json:"keys"`
	Topics   []Topic           `json:"topics"`
	Queues   []Queue           `json:"queues"`
	Rules    []Rule            `json:"eventRules,omitempty"`
	Seller   tiles.SellerProbe `json:"sellerProbe"`
	Tiles    []tiles.Tile      `json:"tiles"`
	Catalog  *Catalog          `json:"catalog,omitempty"` // nil when the user left it out
	Log      []string          `json:"log"`
}

// Header says where and when the bundle was made.
type Header struct {
	SellerDesk string    `json:"sellerdesk"` // version.String() of the exporting build
	Created    time.Time `json:"created"`
	OS         string    `json:"os"`         // GOOS/GOARCH
	TargetKind string    `json:"targetKind"` // profile, endpoint or sandbox
	Target     string    `json:"target"`     // as shown to the user ("Profile seller")
	Account    string    `json:"account"`
	Region     string    `json:"region"`
	StackName  string    `json:"stackName"`
	// ExternalIDIncluded says the user asked to keep the external ID.
	ExternalIDIncluded bool `json:"externalIdIncluded,omitempty"`
}

// Redaction says what was taken out, and where.
type Redaction struct {
	What   string `json:"what"`
	Where  string `json:"where"`
	Marker string `json:"marker,omitempty"`
	Count  int    `json:"count"`
}

// Identity is sts:GetCallerIdentity's answer.
type Identity struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"userId"`
}

// Tag is a key and a value.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Stack is the onboarding stack as CloudFormation describes it.
type Stack struct {
	Name             string          `json:"name"`
	ID               string          `json:"id"`
	Status           string          `json:"status"`
	StatusReason     string          `json:"statusReason,omitempty"`
	Description      string          `json:"description,omitempty"`
	Created          time.Time       `json:"created"`
	Updated          time.Time       `json:"updated,omitzero"`
	Parameters       []KV            `json:"parameters"`
	Outputs          []Output        `json:"outputs"`
	Capabilities     []string        `json:"capabilities,omitempty"`
	Tags             []Tag           `json:"tags,omitempty"`
	DisableRollback  bool            `json:"disableRollback,omitempty"`
	TermProtection   bool            `json:"terminationProtection,omitempty"`
	RoleARN          string          `json:"roleArn,omitempty"`
	NotificationARNs []string        `json:"notificationArns,omitempty"`
	TimeoutMinutes   int             `json:"timeoutMinutes,omitempty"`
	Template         Got[string]     `json:"template"`
	Events           Got[[]Event]    `json:"events"`
	Resources        Got[[]Resource] `json:"resources"`
}

// KV is a stack parameter.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Output is a stack output.
type Output struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	ExportName  string `json:"exportName,omitempty"`
}

// Event is a stack event.
type Event struct {
	ID         string    `json:"id"`
	Timestamp  time.Time `json:"timestamp"`
	LogicalID  string    `json:"logicalId"`
	PhysicalID string    `json:"physicalId,omitempty"`
	Type       string    `json:"type"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Token      string    `json:"token,omitempty"`
	Properties string    `json:"properties,omitempty"`
}

// Resource is a stack resource.
type Resource struct {
	LogicalID  string    `json:"logicalId"`
	PhysicalID string    `json:"physicalId,omitempty"`
	Type       string    `json:"type"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Updated    time.Time `json:"updated,omitzero"`
}

// Role is an IAM role the stack created, with its policies.
type Role struct {
	Name     string              `json:"name"`
	Role     Got[RoleDoc]        `json:"role"`     // iam:GetRole
	Inline   Got[[]InlinePolicy] `json:"inline"`   // iam:ListRolePolicies, then GetRolePolicy each
	Attached Got[[]string]       `json:"attached"` // iam:ListAttachedRolePolicies
}

// RoleDoc is what iam:GetRole returns; the trust policy is URL-decoded.
type RoleDoc struct {
	ARN                 string    `json:"arn"`
	RoleID              string    `json:"roleId"`
	Path                string    `json:"path"`
	Description         string    `json:"description,omitempty"`
	MaxSessionDuration  int       `json:"maxSessionDuration,omitempty"`
	PermissionsBoundary string    `json:"permissionsBoundary,omitempty"`
	TrustPolicy         string    `json:"trustPolicy"`
	Tags                []Tag     `json:"tags,omitempty"`
	Created             time.Time `json:"created"`
}

// InlinePolicy is one inline policy of a role.
type InlinePolicy struct {
	Name     string      `json:"name"`
	Document Got[string] `json:"document"` // iam:GetRolePolicy, URL-decoded
}

// ManagedPolicy is a managed policy attached to a role.
type ManagedPolicy struct {
	ARN    string         `json:"arn"`
	Policy Got[PolicyDoc] `json:"policy"` // iam:GetPolicy and GetPolicyVersion
}

// PolicyDoc is a managed policy and its default version's document.
type PolicyDoc struct {
	Name             string    `json:"name"`
	Path             string    `json:"path"`
	PolicyID         string    `json:"policyId"`
	DefaultVersionID string    `json:"defaultVersionId"`
	Document         string    `json:"document"`
	Created          time.Time `json:"created,omitzero"`
	Updated          time.Time `json:"updated,omitzero"`
}

// Bucket is an S3 bucket the stack created.
type Bucket struct {
	Name              string                 `json:"name"`
	Exists            Read                   `json:"exists"` // s3:HeadBucket
	Policy            Got[string]            `json:"policy"`
	Encryption        Got[Encryption]        `json:"encryption"`
	PublicAccessBlock Got[PublicAccessBlock] `json:"publicAccessBlock"`
	Objects           Got[[]Object]          `json:"objects"` // keys and sizes only: no content leaves
}

// Encryption is a bucket's default encryption rule.
type Encryption struct {
	SSEAlgorithm     string `json:"sseAlgorithm"`
	KMSMasterKeyID   string `json:"kmsMasterKeyId,omitempty"`
	BucketKeyEnabled bool   `json:"bucketKeyEnabled,omitempty"`
}

// PublicAccessBlock is a bucket's public access block.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"blockPublicAcls"`
	IgnorePublicAcls      bool `json:"ignorePublicAcls"`
	BlockPublicPolicy     bool `json:"blockPublicPolicy"`
	RestrictPublicBuckets bool `json:"restrictPublicBuckets"`
}

// Object is an object's key and metadata (never its content).
type Object struct {
	Key          string    `json:"key"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag,omitempty"`
	LastModified time.Time `json:"lastModified"`
}

// Key is a KMS key the stack created.
type Key struct {
	ID       string        `json:"id"`
	Key      Got[KeyDoc]   `json:"key"`    // kms:DescribeKey
	Policy   Got[string]   `json:"policy"` // kms:GetKeyPolicy default
	Rotation Got[bool]     `json:"rotation"`
	Aliases  Got[[]string] `json:"aliases"`
}

// KeyDoc is what kms:DescribeKey returns.
type KeyDoc struct {
	ARN          string    `json:"arn"`
	Description  string    `json:"description,omitempty"`
	KeyUsage     string    `json:"keyUsage"`
	KeySpec      string    `json:"keySpec"`
	KeyState     string    `json:"keyState"`
	Enabled      bool      `json:"enabled"`
	MultiRegion  bool      `json:"multiRegion,omitempty"`
	Created      time.Time `json:"created,omitzero"`
	DeletionDate time.Time `json:"deletionDate,omitzero"`
}

// Topic is an SNS topic the stack created.
type Topic struct {
	ARN           string                 `json:"arn"`
	Attributes    Got[map[string]string] `json:"attributes"` // sns:GetTopicAttributes (the policy among them)
	Subscriptions Got[[]Subscription]    `json:"subscriptions"`
}

// Subscription is a topic's subscription and its attributes.
type Subscription struct {
	ARN        string            `json:"arn"`
	Protocol   string            `json:"protocol"`
	Endpoint   string            `json:"endpoint"`
	Owner      string            `json:"owner,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"` // RawMessageDelivery, FilterPolicy
}

// Queue is an SQS queue the stack created.
type Queue struct {
	URL        string                 `json:"url"`
	Attributes Got[map[string]string] `json:"attributes"` // sqs:GetQueueAttributes All (the policy among them)
}

// Catalog is the Marketplace Catalog part.
type Catalog struct {
	Entities []EntityList `json:"entities"`
	// TagsRead is how many entities had their tags read (the first ones,
	// up to the export's limit); the others' Tags are nil.
	TagsRead   int              `json:"tagsRead"`
	ChangeSets Got[[]ChangeSet] `json:"changeSets"`
}

// EntityList is ListEntities for one entity type.
type EntityList struct {
	Type string `json:"type"`
	Got[[]Entity]
}

// Entity is an entity summary and its tags.
type Entity struct {
	ID           string      `json:"id"`
	Type         string      `json:"type"`
	Name         string      `json:"name"`
	ARN          string      `json:"arn"`
	Visibility   string      `json:"visibility,omitempty"`
	LastModified string      `json:"lastModified,omitempty"`
	Tags         *Got[[]Tag] `json:"tags,omitempty"`
}

// ChangeSet is a recent change set.
type ChangeSet struct {
	ID          string   `json:"id"`
	ARN         string   `json:"arn"`
	Name        string   `json:"name,omitempty"`
	Status      string   `json:"status"`
	FailureCode string   `json:"failureCode,omitempty"`
	Start       string   `json:"start,omitempty"`
	End         string   `json:"end,omitempty"`
	Intent      string   `json:"intent,omitempty"`
	Failure     string   `json:"failureDescription,omitempty"`
	Changes     []Change `json:"changes,omitempty"`
	Describe    Read     `json:"describe"` // DescribeChangeSet
}

// Change is one change of a change set.
type Change struct {
	ChangeType string   `json:"changeType"`
	ChangeName string   `json:"changeName,omitempty"`
	EntityType string   `json:"entityType"`
	EntityID   string   `json:"entityId,omitempty"`
	Details    string   `json:"details,omitempty"`
	Errors     []string `json:"errors,omitempty"` // CODE: message
}

// Problem is why a file is not a bundle SellerDesk can open. Decode's
// errors are all Problems; Kind names the problem for callers.
type Problem struct {
	Kind   string // ProblemNotBundle, ProblemTruncated, ProblemEdited, ProblemVersion, ProblemInvalid
	Detail string
}

// Problem kinds.
const (
	ProblemNotBundle = "not-a-bundle"
	ProblemTruncated = "truncated"
	ProblemEdited    = "edited"
	ProblemVersion   = "version"
	ProblemInvalid   = "invalid"
)

func (p *Problem) Error() string { return "support bundle: " + p.Detail }

func problem(kind, format string, a ...any) error {
	return &Problem{Kind: kind, Detail: fmt.Sprintf(format, a...)}
}

// Encode stamps b with the format, schema and checksum and writes it as
// indented JSON. It does not redact: Export does, before.
func Encode(b *Bundle) ([]byte, error) {
	b.Format, b.Schema, b.Checksum = Format, Schema, ""
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encoding the support bundle: %w", err)
	}
	sum, err := checksumOf(raw)
	if err != nil {
		return nil, err
	}
	b.Checksum = sum
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the support bundle: %w", err)
	}
	return append(out, '\n'), nil
}

// checksumOf is "sha256:HEX" of the document's canonical form: its JSON
// with object keys sorted, numbers as written and the checksum left out,
// so that indentation does not count and any edited value does.
func checksumOf(doc []byte) (string, error) {
	m, err := decodeObject(doc)
	if err != nil {
		return "", err
	}
	delete(m, "checksum")
	canon, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("support bundle: %w", err)
	}
	h := sha256.Sum256(canon)
	return "sha256:" + hex.EncodeToString(h[:]), nil
}

func decodeObject(doc []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	return m, nil
}

var errTrailing = errors.New("data after the end of the document")

var checksumPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Decode reads a bundle strictly: a file that is not a bundle, is cut
// short, was edited after export (its checksum no longer matches), comes
// from a newer format, or breaks the format's rules is refused with a
// *Problem naming what is wrong. An older format is migrated.
func Decode(data []byte) (*Bundle, error) {
	if len(data) > MaxSize {
		return nil, problem(ProblemInvalid, "the file is %d bytes, more than a bundle may hold (%d)", len(data), MaxSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, problem(ProblemTruncated, "the file is empty")
	}
	if trimmed[0] != '{' {
		return nil, problem(ProblemNotBundle, "not a SellerDesk support bundle (not a JSON document)")
	}
	raw, err := decodeObject(data)
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, problem(ProblemTruncated, "the file is truncated: it ends in the middle of the document (%d bytes); export it again", len(data))
		case errors.Is(err, errTrailing):
			return nil, problem(ProblemEdited, "the file has data after the end of the bundle: it was edited or joined with another file")
		case errors.As(err, &se):
			return nil, problem(ProblemEdited, "the file is damaged: invalid JSON at byte %d (%v)", se.Offset, err)
		default:
			return nil, problem(ProblemNotBundle, "not a SellerDesk support bundle: %v", err)
		}
	}
	format, _ := raw["format"].(string)
	if format != Format {
		if _, ok := raw["schema"]; ok && raw["account"] != nil && raw["cloudformation"] != nil {
			return nil, problem(ProblemNotBundle, "this is a sandbox state file, not a support bundle: serve it with 'sellerdesk sandbox --state FILE'")
		}
		return nil, problem(ProblemNotBundle, "not a SellerDesk support bundle (format %q, want %q)", format, Format)
	}
	n, ok := raw["schema"].(json.Number)
	v, err := n.Int64()
	if !ok || err != nil || v < 1 {
		return nil, problem(ProblemInvalid, "the bundle has no valid schema version")
	}
	made := ""
	if h, ok := raw["header"].(map[string]any); ok {
		made, _ = h["sellerdesk"].(string)
	}
	if v > Schema {
		return nil, problem(ProblemVersion, "the bundle was made by SellerDesk %s in bundle format %d; this SellerDesk (%s) reads formats 1 to %d: update SellerDesk to open it",
			orUnknown(made), v, version.String(), Schema)
	}
	sum, _ := raw["checksum"].(string)
	if !checksumPattern.MatchString(sum) {
		return nil, problem(ProblemEdited, "the bundle has no valid checksum: it was edited or not written by SellerDesk")
	}
	want, err := checksumOf(data)
	if err != nil {
		return nil, problem(ProblemInvalid, "%v", err)
	}
	if want != sum {
		return nil, problem(ProblemEdited, "the bundle was changed after it was exported (its checksum does not match its content); ask for a fresh export")
	}
	for i := int(v); i < Schema; i++ {
		if err := migrations[i-1](raw); err != nil {
			return nil, problem(ProblemVersion, "migrating the bundle from format %d to %d: %v", i, i+1, err)
		}
		raw["schema"] = json.Number(fmt.Sprint(i + 1))
	}
	canon, err := json.Marshal(raw)
	if err != nil {
		return nil, problem(ProblemInvalid, "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(canon))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, problem(ProblemInvalid, "the bundle does not follow format %d: %v", Schema, err)
	}
	if err := b.validate(); err != nil {
		return nil, err
	}
	return &b, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown version)"
	}
	return s
}

var accountPattern = regexp.MustCompile(`^\d{12}$`)

// validate holds a decoded bundle to the format's rules.
func (b *Bundle) validate() error {
	if !b.Identity.OK() {
		return problem(ProblemInvalid, "the bundle has no caller identity (sts:GetCallerIdentity %s)", b.Identity.Outcome)
	}
	if !accountPattern.MatchString(b.Identity.Value.Account) {
		return problem(ProblemInvalid, "the bundle's account %q is not 12 digits", b.Identity.Value.Account)
	}
	if b.Header.Account != b.Identity.Value.Account {
		return problem(ProblemInvalid, "the header's account %q is not the identity's %q", b.Header.Account, b.Identity.Value.Account)
	}
	if b.Header.Region == "" {
		return problem(ProblemInvalid, "the bundle names no region")
	}
	bad := ""
	b.eachRead(func(where string, r *Read) {
		if bad != "" {
			return
		}
		switch r.Outcome {
		case OutcomeOK, OutcomeAbsent, OutcomeRefused, OutcomeFailed:
		default:
			bad = fmt.Sprintf("%s: outcome %q", where, r.Outcome)
		}
	})
	if bad != "" {
		return problem(ProblemInvalid, "the bundle has a read with an unknown outcome (%s)", bad)
	}
	if b.Stack.OK() {
		if b.Stack.Value.Name == "" || b.Stack.Value.ID == "" {
			return problem(ProblemInvalid, "the bundle's stack has no name or ID")
		}
		if !b.Stack.Value.Template.OK() {
			return problem(ProblemInvalid, "the bundle's stack %s has no template (cloudformation:GetTemplate %s)", b.Stack.Value.Name, b.Stack.Value.Template.Outcome)
		}
	}
	return nil
}

// eachRead calls f on every read of the bundle.
func (b *Bundle) eachRead(f func(where string, r *Read)) {
	f("identity", &b.Identity.Read)
	f("stack", &b.Stack.Read)
	if s := b.Stack.Value; s != nil {
		f("stack template", &s.Template.Read)
		f("stack events", &s.Events.Read)
		f("stack resources", &s.Resources.Read)
	}
	for i := range b.Roles {
		r := &b.Roles[i]
		f("role "+r.Name, &r.Role.Read)
		f("role "+r.Name+" inline policies", &r.Inline.Read)
		f("role "+r.Name+" attached policies", &r.Attached.Read)
		if r.Inline.Value != nil {
			for j := range *r.Inline.Value {
				p := &(*r.Inline.Value)[j]
				f("role "+r.Name+" policy "+p.Name, &p.Document.Read)
			}
		}
	}
	for i := range b.Policies {
		f("policy "+b.Policies[i].ARN, &b.Policies[i].Policy.Read)
	}
	for i := range b.Buckets {
		x := &b.Buckets[i]
		for _, r := range []*Read{&x.Exists, &x.Policy.Read, &x.Encryption.Read, &x.PublicAccessBlock.Read, &x.Objects.Read} {
			f("bucket "+x.Name, r)
		}
	}
	for i := range b.Keys {
		x := &b.Keys[i]
		for _, r := range []*Read{&x.Key.Read, &x.Policy.Read, &x.Rotation.Read, &x.Aliases.Read} {
			f("key "+x.ID, r)
		}
	}
	for i := range b.Topics {
		x := &b.Topics[i]
		f("topic "+x.ARN, &x.Attributes.Read)
		f("topic "+x.ARN, &x.Subscriptions.Read)
	}
	for i := range b.Rules {
		f("event rule "+b.Rules[i].Name, &b.Rules[i].Rule.Read)
		f("targets of event rule "+b.Rules[i].Name, &b.Rules[i].Targets.Read)
	}
	for i := range b.Queues {
		f("queue "+b.Queues[i].URL, &b.Queues[i].Attributes.Read)
	}
	if c := b.Catalog; c != nil {
		for i := range c.Entities {
			l := &c.Entities[i]
			f("entities "+l.Type, &l.Read)
			if l.Value != nil {
				for j := range *l.Value {
					if t := (*l.Value)[j].Tags; t != nil {
						f("tags of "+(*l.Value)[j].ID, &t.Read)
					}
				}
			}
		}
		f("change sets", &c.ChangeSets.Read)
		if c.ChangeSets.Value != nil {
			for j := range *c.ChangeSets.Value {
				f("change set "+(*c.ChangeSets.Value)[j].ID, &(*c.ChangeSets.Value)[j].Describe)
			}
		}
	}
}

// requestIDInText finds an ID AWS makes per request, quoted in a check's detail.
var requestIDInText = regexp.MustCompile(`((?:dataSetRequestId|request ID|RequestId) )[0-9A-Za-z-]{16,}`)

// Comparable returns a copy of b without what may differ between two
// exports of the same state: the checksum, the creation time, request IDs
// (CAS's dataSetRequestId in a check's detail too), when tiles were
// checked, and the log tail.
func Comparable(b *Bundle) (*Bundle, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	var c Bundle
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	c.Checksum = ""
	c.Header.Created = time.Time{}
	c.Log = nil
	c.Seller.CheckedAt = time.Time{}
	for i := range c.Tiles {
		c.Tiles[i].CheckedAt = time.Time{}
		for j := range c.Tiles[i].Checks {
			ch := &c.Tiles[i].Checks[j]
			ch.Detail = requestIDInText.ReplaceAllString(ch.Detail, "${1}…")
		}
	}
	c.eachRead(func(_ string, r *Read) { r.RequestID = "" })
	return &c, nil
}

// ReadFile reads a bundle file, refusing one that is not a regular file or
// is larger than MaxSize. It does not decode it.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the support bundle: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("opening the support bundle: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &Problem{Kind: ProblemNotBundle, Detail: path + " is not a regular file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the support bundle %s: %w", path, err)
	}
	return data, nil
}

// WriteFile writes an encoded bundle to path (mode 0600: it describes the
// customer's account), atomically.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("saving the support bundle: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("saving the support bundle to %s: %w", path, err)
	}
	return nil
}

// Rule is an EventBridge rule the stack created (the Notifications tile
// checks it): DescribeRule's answer and its targets.
type Rule struct {
	Name    string            `json:"name"`
	Rule    Got[RuleDoc]      `json:"rule"`
	Targets Got[[]RuleTarget] `json:"targets"`
}

// RuleDoc is what DescribeRule returns of a rule.
type RuleDoc struct {
	ARN          string `json:"arn"`
	EventBusName string `json:"eventBusName,omitempty"`
	EventPattern string `json:"eventPattern,omitempty"`
	State        string `json:"state"`
	Description  string `json:"description,omitempty"`
}

// RuleTarget is one target of a rule, as ListTargetsByRule returns it.
type RuleTarget struct {
	ID                   string `json:"id"`
	ARN                  string `json:"arn"`
	DeadLetterARN        string `json:"deadLetterArn,omitempty"`
	MaxRetryAttempts     *int   `json:"maxRetryAttempts,omitempty"`
	MaxEventAgeInSeconds *int   `json:"maxEventAgeInSeconds,omitempty"`
}
