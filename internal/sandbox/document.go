package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The sandbox's state as a document: everything an Account holds that a
// client can observe, as plain data, so that it can be written to a file,
// read back (NewAccountFromState), migrated between versions and shipped.
//
// Left out on purpose, because they are process-local: the temporary
// credentials sts:AssumeRole issued (sessions; a client just assumes the role
// again), the Catalog API's rate-limit buckets, and the goroutines of
// operations under way (a stack's progress is recorded in its status, its
// resources' statuses and its events, from which resumeStack continues).
// The document never holds SellerDesk-side secrets: the sandbox never sees
// any (it accepts any credentials and keeps none).

// StateSchema is the version of the document this build writes.
const StateSchema = 1

// stateMigrations move a document from schema i+1 to i+2 (index 0 upgrades
// version 1 to 2, …), on its decoded JSON. Append only: never edit or reorder
// a released migration, since files already written depend on it.
var stateMigrations = []func(map[string]any) error{}

// State is the sandbox's state document.
type State struct {
	Schema   int    `json:"schema"`
	Scenario string `json:"scenario"`
	// Description says what a scenario file (scenarios/NAME.json) shows.
	Description string `json:"description,omitempty"`
	// Endpoint is the URL of the sandbox that wrote the document, the host
	// of its SQS queue URLs ("" for the real SQS endpoint, a document built
	// outside a server). A sandbox restoring it at another URL rewrites them.
	Endpoint string `json:"endpoint,omitempty"`

	Account        StateAccount        `json:"account"`
	Flags          StateFlags          `json:"flags"`
	IAM            StateIAM            `json:"iam"`
	S3             StateS3             `json:"s3"`
	SNS            StateSNS            `json:"sns"`
	SQS            StateSQS            `json:"sqs"`
	KMS            StateKMS            `json:"kms"`
	Lambda         StateLambda         `json:"lambda"`
	CloudFormation StateCloudFormation `json:"cloudformation"`
	Catalog        StateCatalog        `json:"catalog"`
	// Events (EventBridge) was added without a schema change: a document
	// without it has no rules.
	Events StateEvents `json:"events,omitzero"`
}

// StateAccount is the account's identity.
type StateAccount struct {
	ID        string `json:"id"`
	Region    string `json:"region"`
	CallerARN string `json:"callerArn"`
	UserID    string `json:"userId"`
}

// StateFlags are the scenario's switches (see Account).
type StateFlags struct {
	Seller            bool              `json:"seller"`
	CatalogDenied     bool              `json:"catalogDenied,omitempty"`
	CatalogQuotaScale float64           `json:"catalogQuotaScale,omitempty"`
	BucketNamesTaken  bool              `json:"bucketNamesTaken,omitempty"`
	ForeignBuckets    map[string]string `json:"foreignBuckets,omitempty"` // bucket name → owner account
}

// StateIAM holds roles, users and managed policies.
type StateIAM struct {
	Roles    []IAMRole     `json:"roles"`
	Users    []IAMUser     `json:"users"`
	Policies []StatePolicy `json:"policies"` // customer managed, and AWS managed ones referenced
}

// StatePolicy is a managed policy with its version counter.
type StatePolicy struct {
	IAMManagedPolicy
	LastVersion int `json:"LastVersion,omitempty"`
}

// StateS3 holds the buckets (with policy, encryption, public access block
// and objects).
type StateS3 struct {
	Buckets []S3Bucket `json:"buckets"`
}

// StateSNS holds topics (attributes include the policy) and subscriptions.
type StateSNS struct {
	Topics        []SNSTopic        `json:"topics"`
	Subscriptions []SNSSubscription `json:"subscriptions"`
}

// StateSQS holds the queues (attributes include the policy) and their messages.
type StateSQS struct {
	Queues []StateQueue `json:"queues"`
}

// StateQueue is a queue and the messages in it.
type StateQueue struct {
	SQSQueue
	Messages []StateMessage `json:"Messages,omitempty"`
}

// StateMessage is a message in a queue.
type StateMessage struct {
	ID             string                       `json:"id"`
	Body           string                       `json:"body"`
	MD5Body        string                       `json:"md5Body"`
	Attributes     map[string]sqsAttributeValue `json:"attributes,omitempty"`
	SenderID       string                       `json:"senderId"`
	Sent           time.Time                    `json:"sent"`
	VisibleAt      time.Time                    `json:"visibleAt,omitzero"`
	ReceiveCount   int                          `json:"receiveCount,omitempty"`
	FirstReceive   time.Time                    `json:"firstReceive,omitzero"`
	ReceiptCounter int                          `json:"receiptCounter,omitempty"`
}

// StateKMS holds keys (with their policies) and aliases.
type StateKMS struct {
	Keys    []KMSKey          `json:"keys"`
	Aliases map[string]string `json:"aliases"` // alias name → key ID
}

// StateLambda holds functions and the custom resources stacks recorded.
type StateLambda struct {
	Functions       []LambdaFunction `json:"functions"`
	CustomResources []CustomResource `json:"customResources,omitempty"`
}

// StateCloudFormation holds every stack (deleted ones included) and the exports.
type StateCloudFormation struct {
	Stacks  []StateStack      `json:"stacks"`
	Exports map[string]string `json:"exports"`
}

// StateStack is a stack: template, parameters, status, resources, outputs
// and every event. A stack in a *_IN_PROGRESS status carries its operation
// (Op); its resources' statuses and events say how far it got.
type StateStack struct {
	ID               string                `json:"id"`
	Name             string                `json:"name"`
	Status           string                `json:"status"`
	StatusReason     string                `json:"statusReason,omitempty"`
	Created          time.Time             `json:"created"`
	Updated          time.Time             `json:"updated,omitzero"`
	DeletedAt        time.Time             `json:"deletedAt,omitzero"`
	Deleted          bool                  `json:"deleted,omitempty"`
	TemplateBody     string                `json:"templateBody"`
	Parameters       map[string]string     `json:"parameters"`
	ParameterInput   []StateParamInput     `json:"parameterInput,omitempty"`
	Conditions       map[string]bool       `json:"conditions,omitempty"`
	Capabilities     []string              `json:"capabilities,omitempty"`
	NotificationARNs []string              `json:"notificationArns,omitempty"`
	Tags             []Tag                 `json:"tags,omitempty"`
	RoleARN          string                `json:"roleArn,omitempty"`
	DisableRollback  bool                  `json:"disableRollback,omitempty"`
	OnFailure        string                `json:"onFailure,omitempty"`
	TimeoutMinutes   int                   `json:"timeoutMinutes,omitempty"`
	TermProtection   bool                  `json:"terminationProtection,omitempty"`
	Outputs          []StateOutput         `json:"outputs,omitempty"`
	Resources        []StateResource       `json:"resources,omitempty"` // creation order, then not yet started ones
	ResourceOrder    []string              `json:"resourceOrder,omitempty"`
	Events           []StateEvent          `json:"events"`
	ChangeSetID      string                `json:"changeSetId,omitempty"`
	ChangeSets       []StateStackChangeSet `json:"changeSets,omitempty"`
	Op               *StateOp              `json:"op,omitempty"`
	// Drift detection (document_cfn_drift.go); absent when never checked.
	DriftStatus     string                `json:"driftStatus,omitempty"`
	DriftChecked    time.Time             `json:"driftChecked,omitzero"`
	DriftDetections []StateDriftDetection `json:"driftDetections,omitempty"`
}

// StateParamInput is a parameter as submitted.
type StateParamInput struct {
	Key         string `json:"key"`
	Value       string `json:"value,omitempty"`
	UsePrevious bool   `json:"usePrevious,omitempty"`
}

// StateOutput is a stack output.
type StateOutput struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	ExportName  string `json:"exportName,omitempty"`
}

// StateResource is a stack resource.
type StateResource struct {
	LogicalID  string         `json:"logicalId"`
	Type       string         `json:"type"`
	PhysicalID string         `json:"physicalId,omitempty"`
	Status     string         `json:"status"`
	Reason     string         `json:"reason,omitempty"`
	Updated    time.Time      `json:"updated,omitzero"`
	Properties map[string]any `json:"properties,omitempty"`
	Attributes map[string]any `json:"attributes,omitempty"`
	Deleted    bool           `json:"deleted,omitempty"`
	// Drift is the resource's last drift check (document_cfn_drift.go).
	Drift *StateResourceDrift `json:"drift,omitempty"`
}

// StateEvent is a stack event.
type StateEvent struct {
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

// StateOp is the operation under way on a stack.
type StateOp struct {
	Kind            string `json:"kind"` // CREATE, UPDATE, DELETE
	Token           string `json:"token,omitempty"`
	DeleteRequested bool   `json:"deleteRequested,omitempty"`
}

// StateCatalog holds the Marketplace Catalog.
type StateCatalog struct {
	Entities         []CatalogEntity   `json:"entities"`
	ChangeSets       []StateChangeSet  `json:"changeSets"`
	ResourcePolicies map[string]string `json:"resourcePolicies,omitempty"` // resource ARN → policy
	ClientTokens     map[string]string `json:"clientTokens,omitempty"`     // ClientRequestToken → change set ID
}

// StateChangeSet is a Catalog change set; CreatesEntity[i] reports that
// change i creates its entity.
type StateChangeSet struct {
	CatalogChangeSet
	CreatesEntity []bool `json:"CreatesEntity,omitempty"`
}

// StateEvents holds the EventBridge rules of the default buses, with their
// targets.
type StateEvents struct {
	Rules []EventRule `json:"rules,omitempty"`
}

// Snapshot returns the account's state as a document.
func (a *Account) Snapshot() State {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.snapshotLocked()
}

func (a *Account) snapshotLocked() State {
	s := State{Schema: StateSchema, Scenario: a.Scenario, Endpoint: a.env.endpoint,
		Account: StateAccount{ID: a.ID, Region: a.Region, CallerARN: a.CallerARN, UserID: a.UserID},
		Flags: StateFlags{Seller: a.Seller, CatalogDenied: a.CatalogDenied, CatalogQuotaScale: a.CatalogQuotaScale,
			BucketNamesTaken: a.bucketNamesTaken, ForeignBuckets: maps.Clone(a.foreignBuckets)},
	}
	if len(s.Flags.ForeignBuckets) == 0 {
		s.Flags.ForeignBuckets = nil
	}
	users := a.iam().users // seeds the default principals first, as every IAM call does
	s.IAM.Roles = []IAMRole{}
	for _, n := range sortedKeys(a.iamRoles) {
		s.IAM.Roles = append(s.IAM.Roles, a.iamRoles[n].clone())
	}
	s.IAM.Users = []IAMUser{}
	for _, n := range sortedKeys(users) {
		s.IAM.Users = append(s.IAM.Users, users[n].clone())
	}
	s.IAM.Policies = []StatePolicy{}
	for _, arn := range sortedKeys(a.iamPolicies) {
		p := a.iamPolicies[arn]
		s.IAM.Policies = append(s.IAM.Policies, StatePolicy{IAMManagedPolicy: p.clone(), LastVersion: p.lastVersion})
	}
	s.S3.Buckets = []S3Bucket{}
	for _, n := range sortedKeys(a.s3Buckets) {
		s.S3.Buckets = append(s.S3.Buckets, a.s3Buckets[n].clone())
	}
	s.SNS.Topics, s.SNS.Subscriptions = []SNSTopic{}, []SNSSubscription{}
	for _, arn := range sortedKeys(a.snsTopics) {
		s.SNS.Topics = append(s.SNS.Topics, a.snsTopics[arn].clone())
	}
	for _, arn := range sortedKeys(a.snsSubscriptions) {
		s.SNS.Subscriptions = append(s.SNS.Subscriptions, a.snsSubscriptions[arn].clone())
	}
	s.SQS.Queues = []StateQueue{}
	for _, n := range sortedKeys(a.sqsQueues) {
		q := a.sqsQueues[n]
		sq := StateQueue{SQSQueue: q.clone()}
		for _, m := range q.messages {
			sq.Messages = append(sq.Messages, StateMessage{ID: m.id, Body: m.body, MD5Body: m.md5Body, Attributes: maps.Clone(m.attrs),
				SenderID: m.senderID, Sent: m.sent, VisibleAt: m.visibleAt, ReceiveCount: m.receiveCount,
				FirstReceive: m.firstReceive, ReceiptCounter: m.receiptCounter})
		}
		s.SQS.Queues = append(s.SQS.Queues, sq)
	}
	s.KMS.Keys = []KMSKey{}
	for _, id := range sortedKeys(a.kmsKeys) {
		s.KMS.Keys = append(s.KMS.Keys, a.kmsKeys[id].clone())
	}
	s.KMS.Aliases = maps.Clone(a.kmsAliases)
	s.Lambda.Functions = []LambdaFunction{}
	for _, n := range sortedKeys(a.lambdaFunctions) {
		s.Lambda.Functions = append(s.Lambda.Functions, a.lambdaFunctions[n].clone())
	}
	for _, c := range a.customResources {
		s.Lambda.CustomResources = append(s.Lambda.CustomResources, c.clone())
	}
	s.CloudFormation.Stacks = []StateStack{}
	for _, st := range a.stacks {
		s.CloudFormation.Stacks = append(s.CloudFormation.Stacks, st.document())
	}
	s.CloudFormation.Exports = maps.Clone(a.exports)
	s.Catalog.Entities = []CatalogEntity{}
	for _, e := range a.entities {
		s.Catalog.Entities = append(s.Catalog.Entities, e.clone())
	}
	s.Catalog.ChangeSets = []StateChangeSet{}
	for _, cs := range a.changeSets {
		x := StateChangeSet{CatalogChangeSet: cs.clone()}
		if slices.ContainsFunc(cs.Changes, func(ch CatalogChange) bool { return ch.create }) {
			for _, ch := range cs.Changes {
				x.CreatesEntity = append(x.CreatesEntity, ch.create)
			}
		}
		s.Catalog.ChangeSets = append(s.Catalog.ChangeSets, x)
	}
	s.Catalog.ResourcePolicies = maps.Clone(a.catalogPolicies)
	s.Catalog.ClientTokens = maps.Clone(a.changeSetTokens)
	if len(s.Catalog.ResourcePolicies) == 0 {
		s.Catalog.ResourcePolicies = nil
	}
	if len(s.Catalog.ClientTokens) == 0 {
		s.Catalog.ClientTokens = nil
	}
	for _, k := range sortedKeys(a.eventRules) {
		s.Events.Rules = append(s.Events.Rules, a.eventRules[k].clone())
	}
	return s
}

// document returns the stack as a document (caller holds a.mu).
func (st *cfnStack) document() StateStack {
	d := StateStack{ID: st.id, Name: st.name, Status: st.status, StatusReason: st.reason, Created: st.created, Updated: st.updated,
		DeletedAt: st.deletedAt, Deleted: st.deleted, TemplateBody: st.tmpl.text, Parameters: maps.Clone(st.params),
		Conditions: maps.Clone(st.conditions), Capabilities: slices.Clone(st.capabilities),
		NotificationARNs: slices.Clone(st.notificationARNs), Tags: slices.Clone(st.tags), RoleARN: st.roleARN,
		DisableRollback: st.disableRollback, OnFailure: st.onFailure, TimeoutMinutes: st.timeout, TermProtection: st.termProtection,
		ResourceOrder: slices.Clone(st.resOrder), ChangeSetID: st.changeSetID}
	if len(d.Conditions) == 0 {
		d.Conditions = nil
	}
	for _, p := range st.paramIn {
		d.ParameterInput = append(d.ParameterInput, StateParamInput{Key: p.key, Value: p.value, UsePrevious: p.usePrevious})
	}
	for _, o := range st.outputs {
		d.Outputs = append(d.Outputs, StateOutput{Key: o.key, Value: o.value, Description: o.description, ExportName: o.exportName})
	}
	// Resources in creation order, then those not started, in template order.
	ids := slices.Clone(st.resOrder)
	for _, rd := range st.tmpl.resources {
		if _, ok := st.resources[rd.id]; ok && !slices.Contains(ids, rd.id) {
			ids = append(ids, rd.id)
		}
	}
	for _, id := range sortedKeys(st.resources) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		r := st.resources[id]
		if r == nil {
			continue
		}
		props, _ := deepCopy(r.props).(map[string]any)
		attrs, _ := deepCopy(r.attrs).(map[string]any)
		d.Resources = append(d.Resources, StateResource{LogicalID: r.id, Type: r.typ, PhysicalID: r.physicalID, Status: r.status,
			Reason: r.reason, Updated: r.updated, Properties: props, Attributes: attrs, Deleted: r.deleted, Drift: r.drift.document()})
	}
	d.Events = make([]StateEvent, 0, len(st.events))
	for _, e := range st.events {
		d.Events = append(d.Events, StateEvent{ID: e.id, Timestamp: e.ts, LogicalID: e.logicalID, PhysicalID: e.physicalID,
			Type: e.typ, Status: e.status, Reason: e.reason, Token: e.token, Properties: e.props})
	}
	for _, cs := range st.changeSets {
		d.ChangeSets = append(d.ChangeSets, cs.document())
	}
	if st.op != nil {
		d.Op = &StateOp{Kind: st.op.kind, Token: st.op.token, DeleteRequested: st.op.deleteRequested}
	}
	st.driftDocument(&d)
	return d
}

// restoreState fills the new, empty account a from document s (a is not yet
// shared, so no lock is needed for its maps; resumeStacks starts background
// work and takes the lock itself).
func (a *Account) restoreState(s State) error {
	a.Scenario = s.Scenario
	a.ID, a.Region, a.CallerARN, a.UserID = s.Account.ID, s.Account.Region, s.Account.CallerARN, s.Account.UserID
	if a.Region == "" {
		a.Region = DefaultRegion
	}
	a.Seller, a.CatalogDenied, a.CatalogQuotaScale = s.Flags.Seller, s.Flags.CatalogDenied, s.Flags.CatalogQuotaScale
	a.bucketNamesTaken = s.Flags.BucketNamesTaken
	maps.Copy(a.foreignBuckets, s.Flags.ForeignBuckets)
	for _, r := range s.IAM.Roles {
		r := r.clone()
		if r.InlinePolicies == nil {
			r.InlinePolicies = map[string]string{}
		}
		a.iamRoles[r.Name] = &r
	}
	a.mu.Lock()
	x := a.iam() // seeds nothing the document has (seedIAM skips what exists)
	clear(x.users)
	a.mu.Unlock()
	for _, u := range s.IAM.Users {
		u := u.clone()
		x.users[u.Name] = &u
	}
	for _, p := range s.IAM.Policies {
		c := p.clone()
		c.lastVersion = p.LastVersion
		a.iamPolicies[c.ARN] = &c
	}
	for _, b := range s.S3.Buckets {
		b := b.clone()
		a.s3Buckets[b.Name] = &b
	}
	for _, t := range s.SNS.Topics {
		t := t.clone()
		if t.Attributes == nil {
			t.Attributes = map[string]string{}
		}
		a.snsTopics[t.ARN] = &t
	}
	for _, sub := range s.SNS.Subscriptions {
		sub := sub.clone()
		a.snsSubscriptions[sub.ARN] = &sub
	}
	for _, sq := range s.SQS.Queues {
		q := sq.clone()
		if q.Attributes == nil {
			q.Attributes = map[string]string{}
		}
		q.wake = make(chan struct{})
		for _, m := range sq.Messages {
			q.messages = append(q.messages, &sqsMessage{id: m.ID, body: m.Body, md5Body: m.MD5Body, attrs: maps.Clone(m.Attributes),
				senderID: m.SenderID, sent: m.Sent, visibleAt: m.VisibleAt, receiveCount: m.ReceiveCount,
				firstReceive: m.FirstReceive, receiptCounter: m.ReceiptCounter})
		}
		a.sqsQueues[q.Name] = &q
	}
	for _, k := range s.KMS.Keys {
		k := k.clone()
		a.kmsKeys[k.KeyID] = &k
	}
	maps.Copy(a.kmsAliases, s.KMS.Aliases)
	for _, f := range s.Lambda.Functions {
		f := f.clone()
		a.lambdaFunctions[f.Name] = &f
	}
	for _, c := range s.Lambda.CustomResources {
		c := c.clone()
		a.customResources = append(a.customResources, &c)
	}
	for i, d := range s.CloudFormation.Stacks {
		st, err := stackFromDocument(d)
		if err != nil {
			return fmt.Errorf("stack #%d (%s): %w", i+1, d.Name, err)
		}
		a.stacks = append(a.stacks, st)
	}
	maps.Copy(a.exports, s.CloudFormation.Exports)
	for _, e := range s.Catalog.Entities {
		e := e.clone()
		a.entities = append(a.entities, &e)
	}
	for _, d := range s.Catalog.ChangeSets {
		cs := d.clone()
		for i := range cs.Changes {
			cs.Changes[i].create = i < len(d.CreatesEntity) && d.CreatesEntity[i]
		}
		a.changeSets = append(a.changeSets, &cs)
	}
	maps.Copy(a.catalogPolicies, s.Catalog.ResourcePolicies)
	maps.Copy(a.changeSetTokens, s.Catalog.ClientTokens)
	for _, r := range s.Events.Rules {
		r := r.clone()
		if r.Region == "" {
			r.Region = a.Region
		}
		a.eventRules[ruleKey(r.Region, r.Name)] = &r
	}
	return a.validate()
}

// stackFromDocument rebuilds a stack; its template is parsed again.
func stackFromDocument(d StateStack) (*cfnStack, error) {
	tmpl, err := parseTemplate(d.TemplateBody)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	st := &cfnStack{id: d.ID, name: d.Name, status: d.Status, reason: d.StatusReason, created: d.Created, updated: d.Updated,
		deletedAt: d.DeletedAt, deleted: d.Deleted, tmpl: tmpl, params: maps.Clone(d.Parameters), conditions: maps.Clone(d.Conditions),
		capabilities: slices.Clone(d.Capabilities), notificationARNs: slices.Clone(d.NotificationARNs), tags: slices.Clone(d.Tags),
		roleARN: d.RoleARN, disableRollback: d.DisableRollback, onFailure: d.OnFailure, timeout: d.TimeoutMinutes,
		termProtection: d.TermProtection, resources: map[string]*cfnResource{}, resOrder: slices.Clone(d.ResourceOrder),
		changeSetID: d.ChangeSetID}
	if st.params == nil {
		st.params = map[string]string{}
	}
	if st.conditions == nil {
		st.conditions = map[string]bool{}
	}
	for _, p := range d.ParameterInput {
		st.paramIn = append(st.paramIn, cfnParamInput{key: p.Key, value: p.Value, usePrevious: p.UsePrevious})
	}
	for _, o := range d.Outputs {
		st.outputs = append(st.outputs, cfnOutputValue{key: o.Key, value: o.Value, description: o.Description, exportName: o.ExportName})
	}
	for _, r := range d.Resources {
		props, _ := deepCopy(r.Properties).(map[string]any)
		attrs, _ := deepCopy(r.Attributes).(map[string]any)
		st.resources[r.LogicalID] = &cfnResource{id: r.LogicalID, typ: r.Type, physicalID: r.PhysicalID, status: r.Status, reason: r.Reason,
			updated: r.Updated, props: props, attrs: attrs, decl: tmpl.resource(r.LogicalID), deleted: r.Deleted,
			drift: resourceDriftFromDocument(r.Drift)}
	}
	for _, e := range d.Events {
		st.events = append(st.events, &cfnEvent{id: e.ID, ts: e.Timestamp, logicalID: e.LogicalID, physicalID: e.PhysicalID,
			typ: e.Type, status: e.Status, reason: e.Reason, token: e.Token, props: e.Properties})
	}
	for _, c := range d.ChangeSets {
		cs, err := changeSetFromDocument(st, c)
		if err != nil {
			return nil, err
		}
		st.changeSets = append(st.changeSets, cs)
	}
	if d.Op != nil {
		st.op = &cfnOp{kind: d.Op.Kind, token: d.Op.Token, deleteRequested: d.Op.DeleteRequested}
	}
	st.driftFromDocument(d)
	return st, nil
}

// EncodeState writes s as indented JSON, stamped with the current schema.
func EncodeState(s State) ([]byte, error) {
	s.Schema = StateSchema
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodeState reads a state document, migrating it from an older schema. A
// document from a newer schema, or one that is not a state document, is
// refused.
func DecodeState(b []byte) (State, error) {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return State{}, fmt.Errorf("sandbox state: not a JSON document: %w", err)
	}
	v, ok := raw["schema"].(float64)
	if !ok || v != float64(int(v)) || v < 1 {
		return State{}, fmt.Errorf("sandbox state: no schema version (not a SellerDesk sandbox state file?)")
	}
	if err := migrateState(raw, int(v), stateMigrations); err != nil {
		return State{}, err
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return State{}, fmt.Errorf("sandbox state: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("sandbox state: %w", err)
	}
	if s.Account.ID == "" {
		return State{}, fmt.Errorf("sandbox state: the document has no account")
	}
	return s, nil
}

// migrateState runs migrations on raw from schema version from to
// len(migrations)+1, recording each step in raw["schema"].
func migrateState(raw map[string]any, from int, migrations []func(map[string]any) error) error {
	current := len(migrations) + 1
	if from > current {
		return fmt.Errorf("sandbox state: the file has schema version %d, newer than this SellerDesk understands (%d): update SellerDesk to open it", from, current)
	}
	for v := from; v < current; v++ {
		if err := migrations[v-1](raw); err != nil {
			return fmt.Errorf("sandbox state: migrating schema %d to %d: %w", v, v+1, err)
		}
		raw["schema"] = float64(v + 1)
	}
	return nil
}

// NewAccountFromState builds an account from document s, outside any server.
// Operations under way are not resumed (Server does that).
func NewAccountFromState(s State) (*Account, error) { return accountFromState(s, accountEnv{}, false) }

func accountFromState(s State, env accountEnv, resume bool) (*Account, error) {
	if env.endpoint != "" {
		var err error
		if s, err = rehost(s, env.endpoint); err != nil {
			return nil, err
		}
	}
	a := newAccount(s.Scenario, env)
	if err := a.restoreState(s); err != nil {
		a.shutdown()
		return nil, fmt.Errorf("sandbox state: %w", err)
	}
	if resume {
		a.resumeOperations()
	}
	return a, nil
}

// rehost rewrites the document's queue URLs (wherever they appear: queues,
// stack resources and outputs) for a sandbox serving at endpoint.
func rehost(s State, endpoint string) (State, error) {
	old := s.Endpoint
	if old == "" {
		region := s.Account.Region
		if region == "" {
			region = DefaultRegion
		}
		old = "https://sqs." + region + ".amazonaws.com"
	}
	if old == endpoint {
		return s, nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return State{}, fmt.Errorf("sandbox state: %w", err)
	}
	oldQ, _ := json.Marshal(old + "/" + s.Account.ID + "/")
	newQ, _ := json.Marshal(endpoint + "/" + s.Account.ID + "/")
	b = bytes.ReplaceAll(b, bytes.Trim(oldQ, `"`), bytes.Trim(newQ, `"`))
	var out State
	if err := json.Unmarshal(b, &out); err != nil {
		return State{}, fmt.Errorf("sandbox state: %w", err)
	}
	out.Endpoint = endpoint
	return out, nil
}
