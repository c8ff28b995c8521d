package sandbox

import (
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"weak"
)

// The account's resources. The maps live on Account (guarded by Account.mu);
// the accessors below return deep copies, so callers in other packages and
// tests can inspect the state at leisure without holding the lock.

// Tag is a resource tag.
type Tag struct{ Key, Value string }

// IAMRole is an IAM role.
type IAMRole struct {
	Name, Path, ARN, RoleID  string
	AssumeRolePolicyDocument string // JSON, as submitted
	Description              string
	MaxSessionDuration       int // seconds
	PermissionsBoundary      string
	ManagedPolicyARNs        []string          // attached managed policies, in attachment order
	InlinePolicies           map[string]string // policy name → JSON document
	Tags                     []Tag
	CreateDate               time.Time
}

func (r *IAMRole) clone() IAMRole {
	c := *r
	c.ManagedPolicyARNs = slices.Clone(r.ManagedPolicyARNs)
	c.InlinePolicies = maps.Clone(r.InlinePolicies)
	c.Tags = slices.Clone(r.Tags)
	return c
}

// IAMManagedPolicy is a customer managed policy, or an AWS managed policy the
// account has attached.
type IAMManagedPolicy struct {
	Name, Path, ARN, PolicyID string
	Description               string
	DefaultVersionID          string
	Versions                  []IAMPolicyVersion // oldest first
	AWSManaged                bool
	Tags                      []Tag
	CreateDate, UpdateDate    time.Time

	// lastVersion is the highest version number issued (0: derive it from
	// Versions); IAM never reuses a deleted version's ID.
	lastVersion int
}

// IAMPolicyVersion is one version of a managed policy.
type IAMPolicyVersion struct {
	VersionID  string
	Document   string // JSON
	CreateDate time.Time
}

// Document returns the default version's document.
func (p IAMManagedPolicy) Document() string {
	for _, v := range p.Versions {
		if v.VersionID == p.DefaultVersionID {
			return v.Document
		}
	}
	return ""
}

func (p *IAMManagedPolicy) clone() IAMManagedPolicy {
	c := *p
	c.Versions = slices.Clone(p.Versions)
	c.Tags = slices.Clone(p.Tags)
	return c
}

// IAMUser is an IAM user.
type IAMUser struct {
	Name, Path, ARN, UserID string
	PermissionsBoundary     string
	ManagedPolicyARNs       []string // attached managed policies, in attachment order
	Tags                    []Tag
	CreateDate              time.Time
}

func (u *IAMUser) clone() IAMUser {
	c := *u
	c.ManagedPolicyARNs = slices.Clone(u.ManagedPolicyARNs)
	c.Tags = slices.Clone(u.Tags)
	return c
}

// iamExtra is IAM state the Account struct has no field for: its users, and
// whether the default principals have been seeded (seedIAM, iam.go). It is
// guarded by the owning account's mu.
type iamExtra struct {
	seeded bool
	users  map[string]*IAMUser // by user name
}

// iamExtras maps each account to its iamExtra. The key is weak so that an
// account thrown away by Reset (and its users) can be collected; a cleanup
// then drops the entry.
var iamExtras = struct {
	sync.Mutex
	m map[weak.Pointer[Account]]*iamExtra
}{m: map[weak.Pointer[Account]]*iamExtra{}}

// iam returns the account's extra IAM state, seeding the default principals
// on first use. Caller holds a.mu.
func (a *Account) iam() *iamExtra {
	key := weak.Make(a)
	iamExtras.Lock()
	x := iamExtras.m[key]
	if x == nil {
		x = &iamExtra{users: map[string]*IAMUser{}}
		iamExtras.m[key] = x
		runtime.AddCleanup(a, func(k weak.Pointer[Account]) {
			iamExtras.Lock()
			defer iamExtras.Unlock()
			delete(iamExtras.m, k)
		}, key)
	}
	iamExtras.Unlock()
	if !x.seeded {
		x.seeded = true
		a.seedIAM(x)
	}
	return x
}

// SQSQueue is an SQS queue. Attributes use SQS's attribute names
// (VisibilityTimeout, MessageRetentionPeriod, KmsMasterKeyId, Policy, …).
type SQSQueue struct {
	Name, URL, ARN string
	Attributes     map[string]string
	Tags           map[string]string
	Created        time.Time

	messages []*sqsMessage // oldest first (sqs.go)
	wake     chan struct{} // closed and replaced when a message arrives
}

func (q *SQSQueue) clone() SQSQueue {
	c := *q
	c.Attributes = maps.Clone(q.Attributes)
	c.Tags = maps.Clone(q.Tags)
	c.messages, c.wake = nil, nil
	return c
}

// SQSMessage is a message waiting in a queue (see Account.QueueMessages).
type SQSMessage struct {
	ID, Body string
	// MessageAttributes holds the String/Number attributes' values.
	MessageAttributes map[string]string
	Sent              time.Time
	ReceiveCount      int
	// InFlight: received and not yet visible again.
	InFlight bool
}

// SNSTopic is an SNS topic. Attributes use SNS's names (DisplayName, Policy,
// KmsMasterKeyId, FifoTopic, …).
type SNSTopic struct {
	Name, ARN  string
	Attributes map[string]string
	Tags       []Tag
	Created    time.Time
}

func (t *SNSTopic) clone() SNSTopic {
	c := *t
	c.Attributes = maps.Clone(t.Attributes)
	c.Tags = slices.Clone(t.Tags)
	return c
}

// SNSSubscription is a subscription to a topic.
type SNSSubscription struct {
	ARN, TopicARN, Protocol, Endpoint, Owner string
	Attributes                               map[string]string // RawMessageDelivery, FilterPolicy, …
}

func (s *SNSSubscription) clone() SNSSubscription {
	c := *s
	c.Attributes = maps.Clone(s.Attributes)
	return c
}

// S3Bucket is an S3 bucket.
type S3Bucket struct {
	Name, ARN, Region string
	Owner             string // account ID
	CreationDate      time.Time
	Policy            string // JSON, "" when none
	Encryption        *S3Encryption
	PublicAccessBlock *S3PublicAccessBlock
	Versioning        string // "", "Enabled" or "Suspended"
	Tags              []Tag
	Objects           map[string]*S3Object // by key
}

// S3Encryption is a bucket's default encryption rule.
type S3Encryption struct {
	SSEAlgorithm     string // AES256, aws:kms or aws:kms:dsse
	KMSMasterKeyID   string
	BucketKeyEnabled bool
}

// S3PublicAccessBlock is a bucket's public access block configuration.
type S3PublicAccessBlock struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

// AllBlocked reports whether all four settings are on.
func (p *S3PublicAccessBlock) AllBlocked() bool {
	return p != nil && p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// S3Object is an object in a bucket.
type S3Object struct {
	Key          string
	Body         []byte
	ContentType  string
	ETag         string // quoted MD5 of Body, as S3 returns it
	LastModified time.Time
	Metadata     map[string]string // user metadata (x-amz-meta-*), lower-case names
	// SSEAlgorithm is the server-side encryption applied (AES256 or aws:kms)
	// and KMSKeyID the key ARN for aws:kms; set from the bucket's default
	// encryption unless the upload asked otherwise.
	SSEAlgorithm     string
	KMSKeyID         string
	BucketKeyEnabled bool
}

func (b *S3Bucket) clone() S3Bucket {
	c := *b
	if b.Encryption != nil {
		e := *b.Encryption
		c.Encryption = &e
	}
	if b.PublicAccessBlock != nil {
		p := *b.PublicAccessBlock
		c.PublicAccessBlock = &p
	}
	c.Tags = slices.Clone(b.Tags)
	c.Objects = make(map[string]*S3Object, len(b.Objects))
	for k, o := range b.Objects {
		oc := *o
		oc.Body = slices.Clone(o.Body)
		oc.Metadata = maps.Clone(o.Metadata)
		c.Objects[k] = &oc
	}
	return c
}

// KMSKey is a KMS key.
type KMSKey struct {
	KeyID, ARN          string
	Description         string
	Policy              string // JSON
	KeyUsage, KeySpec   string
	KeyState            string // Enabled, Disabled or PendingDeletion
	Enabled             bool
	RotationEnabled     bool
	MultiRegion         bool
	CreationDate        time.Time
	DeletionDate        time.Time // set when PendingDeletion
	PendingWindowInDays int
	Aliases             []string // alias names ("alias/…") pointing at the key
	Tags                []Tag
}

func (k *KMSKey) clone() KMSKey {
	c := *k
	c.Aliases = slices.Clone(k.Aliases)
	c.Tags = slices.Clone(k.Tags)
	return c
}

// LambdaFunction is a Lambda function. The sandbox records it but never runs it.
type LambdaFunction struct {
	Name, ARN, Role     string
	Runtime, Handler    string
	Description         string
	Timeout             int
	MemorySize          int
	Environment         map[string]string
	InlineCode          string // Code.ZipFile
	CodeS3Bucket        string
	CodeS3Key           string
	LastModified        time.Time
	Tags                []Tag
	ReservedConcurrency *int
}

func (f *LambdaFunction) clone() LambdaFunction {
	c := *f
	c.Environment = maps.Clone(f.Environment)
	c.Tags = slices.Clone(f.Tags)
	return c
}

// CustomResource is a Custom::* or AWS::CloudFormation::CustomResource the
// engine recorded (without invoking its ServiceToken).
type CustomResource struct {
	StackID, StackName, LogicalID, PhysicalID string
	Type, ServiceToken                        string
	Properties                                map[string]any
}

func (c *CustomResource) clone() CustomResource {
	x := *c
	x.Properties, _ = deepCopy(c.Properties).(map[string]any)
	return x
}

// CatalogEntity is an AWS Marketplace Catalog entity (a product, offer, …)
// as ListEntities summarizes it.
type CatalogEntity struct {
	ID   string // e.g. "prod-abcdefghijklm"
	Type string // entity type without version, e.g. "SaaSProduct"
	Name string // product title / offer name
	ARN  string
	// LastModified is when the entity last changed.
	LastModified time.Time
	// Visibility: Public, Limited, Restricted, Draft, …
	Visibility string
	// Shared: the entity belongs to another account and is shared with this
	// one (OwnershipType SHARED); otherwise the account owns it (SELF).
	Shared bool
	Tags   []Tag
	// Details is the entity's details document (a JSON object), as
	// DescribeEntity returns it; Revision counts its changes (from 1).
	Details  string
	Revision int
}

func (e *CatalogEntity) clone() CatalogEntity {
	c := *e
	c.Tags = slices.Clone(e.Tags)
	return c
}

// StackInfo is a snapshot of a CloudFormation stack.
type StackInfo struct {
	ID, Name, Status, StatusReason string
	Description                    string
	Created, LastUpdated, Deleted  time.Time
	Parameters                     map[string]string // as resolved (NoEcho values included)
	Outputs                        map[string]string
	Capabilities                   []string
	Resources                      []StackResourceInfo // in template order
	Events                         []StackEventInfo    // oldest first
	TemplateBody                   string
}

// StackResourceInfo is one resource of a stack.
type StackResourceInfo struct {
	LogicalID, PhysicalID, Type, Status, StatusReason string
}

// StackEventInfo is one stack event.
type StackEventInfo struct {
	Timestamp                                             time.Time
	LogicalID, PhysicalID, Type, Status, StatusReason, ID string
}

// --- accessors ---------------------------------------------------------------

// Roles returns every IAM role, sorted by name.
func (a *Account) Roles() []IAMRole {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]IAMRole, 0, len(a.iamRoles))
	for _, name := range sortedKeys(a.iamRoles) {
		out = append(out, a.iamRoles[name].clone())
	}
	return out
}

// Role returns the IAM role called name (case-insensitive, as IAM matches).
func (a *Account) Role(name string) (IAMRole, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r := a.findRole(name); r != nil {
		return r.clone(), true
	}
	return IAMRole{}, false
}

// ManagedPolicies returns the customer managed policies, sorted by ARN.
func (a *Account) ManagedPolicies() []IAMManagedPolicy {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []IAMManagedPolicy
	for _, arn := range sortedKeys(a.iamPolicies) {
		if p := a.iamPolicies[arn]; !p.AWSManaged {
			out = append(out, p.clone())
		}
	}
	return out
}

// ManagedPolicy returns the managed policy with the given ARN, including the
// AWS managed policies the sandbox knows.
func (a *Account) ManagedPolicy(arn string) (IAMManagedPolicy, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p := a.lookupPolicy(arn); p != nil {
		return p.clone(), true
	}
	return IAMManagedPolicy{}, false
}

// Users returns every IAM user, sorted by name. Like every IAM call, it
// seeds the account's default principals first (seedIAM).
func (a *Account) Users() []IAMUser {
	a.mu.Lock()
	defer a.mu.Unlock()
	users := a.iam().users
	out := make([]IAMUser, 0, len(users))
	for _, name := range sortedKeys(users) {
		out = append(out, users[name].clone())
	}
	return out
}

// User returns the IAM user called name (case-insensitive, as IAM matches).
func (a *Account) User(name string) (IAMUser, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if u := a.findUser(name); u != nil {
		return u.clone(), true
	}
	return IAMUser{}, false
}

// Queues returns every SQS queue, sorted by name.
func (a *Account) Queues() []SQSQueue {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]SQSQueue, 0, len(a.sqsQueues))
	for _, name := range sortedKeys(a.sqsQueues) {
		out = append(out, a.sqsQueues[name].clone())
	}
	return out
}

// Queue returns the queue with the given name, URL or ARN.
func (a *Account) Queue(nameURLOrARN string) (SQSQueue, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if q := a.findQueue(nameURLOrARN); q != nil {
		return q.clone(), true
	}
	return SQSQueue{}, false
}

// Topics returns every SNS topic, sorted by ARN.
func (a *Account) Topics() []SNSTopic {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]SNSTopic, 0, len(a.snsTopics))
	for _, arn := range sortedKeys(a.snsTopics) {
		out = append(out, a.snsTopics[arn].clone())
	}
	return out
}

// Topic returns the topic with the given ARN.
func (a *Account) Topic(arn string) (SNSTopic, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t := a.snsTopics[arn]; t != nil {
		return t.clone(), true
	}
	return SNSTopic{}, false
}

// Subscriptions returns every SNS subscription, sorted by ARN; with a topic
// ARN, only that topic's.
func (a *Account) Subscriptions(topicARN ...string) []SNSSubscription {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []SNSSubscription
	for _, arn := range sortedKeys(a.snsSubscriptions) {
		s := a.snsSubscriptions[arn]
		if len(topicARN) > 0 && !slices.Contains(topicARN, s.TopicARN) {
			continue
		}
		out = append(out, s.clone())
	}
	return out
}

// Buckets returns the account's S3 buckets, sorted by name.
func (a *Account) Buckets() []S3Bucket {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]S3Bucket, 0, len(a.s3Buckets))
	for _, name := range sortedKeys(a.s3Buckets) {
		out = append(out, a.s3Buckets[name].clone())
	}
	return out
}

// Bucket returns the bucket called name.
func (a *Account) Bucket(name string) (S3Bucket, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if b := a.s3Buckets[name]; b != nil {
		return b.clone(), true
	}
	return S3Bucket{}, false
}

// QueueMessages returns the messages in the queue named by its name, URL or
// ARN, oldest first, in-flight ones included (nil for an unknown queue).
func (a *Account) QueueMessages(nameURLOrARN string) []SQSMessage {
	a.mu.Lock()
	defer a.mu.Unlock()
	q := a.findQueue(nameURLOrARN)
	if q == nil {
		return nil
	}
	now := time.Now()
	out := make([]SQSMessage, 0, len(q.messages))
	for _, m := range q.messages {
		out = append(out, m.snapshot(now))
	}
	return out
}

// CatalogEntities returns the account's AWS Marketplace Catalog entities
// (owned and shared), sorted by type, then ID.
func (a *Account) CatalogEntities() []CatalogEntity {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]CatalogEntity, 0, len(a.entities))
	for _, e := range a.entities {
		out = append(out, e.clone())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Keys returns every KMS key (including keys pending deletion), sorted by ID.
func (a *Account) Keys() []KMSKey {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]KMSKey, 0, len(a.kmsKeys))
	for _, id := range sortedKeys(a.kmsKeys) {
		out = append(out, a.kmsKeys[id].clone())
	}
	return out
}

// Key returns the key named by its ID, ARN, alias name ("alias/x") or alias ARN.
func (a *Account) Key(ref string) (KMSKey, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if k := a.findKey(ref); k != nil {
		return k.clone(), true
	}
	return KMSKey{}, false
}

// Functions returns every Lambda function, sorted by name.
func (a *Account) Functions() []LambdaFunction {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]LambdaFunction, 0, len(a.lambdaFunctions))
	for _, name := range sortedKeys(a.lambdaFunctions) {
		out = append(out, a.lambdaFunctions[name].clone())
	}
	return out
}

// Function returns the function with the given name or ARN.
func (a *Account) Function(nameOrARN string) (LambdaFunction, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	name := nameOrARN
	if i := strings.LastIndex(nameOrARN, ":function:"); i >= 0 {
		name = nameOrARN[i+len(":function:"):]
	}
	if f := a.lambdaFunctions[name]; f != nil {
		return f.clone(), true
	}
	return LambdaFunction{}, false
}

// CustomResources returns the custom resources the engine recorded.
func (a *Account) CustomResources() []CustomResource {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]CustomResource, 0, len(a.customResources))
	for _, c := range a.customResources {
		out = append(out, c.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PhysicalID < out[j].PhysicalID })
	return out
}

// Stacks returns every stack, deleted ones included, oldest first.
func (a *Account) Stacks() []StackInfo {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]StackInfo, 0, len(a.stacks))
	for _, st := range a.stacks {
		out = append(out, st.info())
	}
	return out
}

// Stack returns the live stack with the given name, or any stack (deleted
// ones included) by its stack ID.
func (a *Account) Stack(nameOrID string) (StackInfo, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if st := a.findStack(nameOrID); st != nil {
		return st.info(), true
	}
	return StackInfo{}, false
}

// --- lookups (callers hold a.mu) ------------------------------------------------

func (a *Account) findRole(name string) *IAMRole {
	if r := a.iamRoles[name]; r != nil {
		return r
	}
	for n, r := range a.iamRoles {
		if strings.EqualFold(n, name) {
			return r
		}
	}
	return nil
}

func (a *Account) findUser(name string) *IAMUser {
	users := a.iam().users
	if u := users[name]; u != nil {
		return u
	}
	for n, u := range users {
		if strings.EqualFold(n, name) {
			return u
		}
	}
	return nil
}

func (a *Account) findQueue(ref string) *SQSQueue {
	if q := a.sqsQueues[ref]; q != nil {
		return q
	}
	for _, q := range a.sqsQueues {
		if q.URL == ref || q.ARN == ref {
			return q
		}
	}
	if i := strings.LastIndex(ref, "/"); i >= 0 { // a URL with another host
		if q := a.sqsQueues[ref[i+1:]]; q != nil && strings.Contains(ref, "/"+a.ID+"/") {
			return q
		}
	}
	return nil
}

func (a *Account) findKey(ref string) *KMSKey {
	if k := a.kmsKeys[ref]; k != nil {
		return k
	}
	if i := strings.Index(ref, ":key/"); i >= 0 {
		return a.kmsKeys[ref[i+len(":key/"):]]
	}
	alias := ref
	if i := strings.Index(ref, ":alias/"); i >= 0 {
		alias = ref[i+1:]
	}
	if strings.HasPrefix(alias, "alias/") {
		if id, ok := a.kmsAliases[alias]; ok {
			return a.kmsKeys[id]
		}
	}
	return nil
}

// deepCopy copies decoded template values (maps, slices and scalars).
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}
