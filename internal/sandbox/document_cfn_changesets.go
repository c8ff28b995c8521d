package sandbox

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// CloudFormation change sets in the state document: a change set keeps its
// template and parameters, its planned changes and its status; one still
// being computed when the document was written is computed again on
// restore.

// StateStackChangeSet is a CloudFormation change set of a stack.
type StateStackChangeSet struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Type            string            `json:"type"` // CREATE or UPDATE
	Description     string            `json:"description,omitempty"`
	Status          string            `json:"status"`
	StatusReason    string            `json:"statusReason,omitempty"`
	ExecutionStatus string            `json:"executionStatus"`
	Created         time.Time         `json:"created"`
	OnStackFailure  string            `json:"onStackFailure,omitempty"`
	IncludeNested   bool              `json:"includeNested,omitempty"`
	ClientToken     string            `json:"clientToken,omitempty"`
	TemplateBody    string            `json:"templateBody"`
	Parameters      map[string]string `json:"parameters"`
	ParameterInput  []StateParamInput `json:"parameterInput,omitempty"`
	Conditions      map[string]bool   `json:"conditions,omitempty"`
	Changes         []StateChange     `json:"changes,omitempty"`
	Tags            []Tag             `json:"tags,omitempty"`
	SetTags         bool              `json:"setTags,omitempty"`
	Capabilities    []string          `json:"capabilities,omitempty"`
	NotifARNs       []string          `json:"notificationArns,omitempty"`
	SetNotif        bool              `json:"setNotificationArns,omitempty"`
	DisableRollback bool              `json:"disableRollback,omitempty"`
	RoleARN         string            `json:"roleArn,omitempty"`
}

// StateChange is one planned change of a change set.
type StateChange struct {
	Action      string              `json:"action"`
	LogicalID   string              `json:"logicalId"`
	Type        string              `json:"type"`
	PhysicalID  string              `json:"physicalId,omitempty"`
	Replacement string              `json:"replacement,omitempty"`
	Scope       []string            `json:"scope,omitempty"`
	Details     []StateChangeDetail `json:"details,omitempty"`
}

// StateChangeDetail is a change's detail.
type StateChangeDetail struct {
	Attribute          string `json:"attribute"`
	Name               string `json:"name,omitempty"`
	RequiresRecreation string `json:"requiresRecreation,omitempty"`
	Evaluation         string `json:"evaluation,omitempty"`
	ChangeSource       string `json:"changeSource,omitempty"`
	CausingEntity      string `json:"causingEntity,omitempty"`
}

func (cs *cfnChangeSet) document() StateStackChangeSet {
	d := StateStackChangeSet{ID: cs.id, Name: cs.name, Type: cs.typ, Description: cs.description, Status: cs.status,
		StatusReason: cs.reason, ExecutionStatus: cs.executionStatus, Created: cs.created, OnStackFailure: cs.onStackFailure,
		IncludeNested: cs.includeNested, ClientToken: cs.clientToken}
	if u := cs.update; u != nil {
		d.TemplateBody, d.Parameters, d.Conditions = u.tmpl.text, maps.Clone(u.params), maps.Clone(u.conditions)
		d.Tags, d.SetTags, d.Capabilities = slices.Clone(u.tags), u.setTags, slices.Clone(u.caps)
		d.NotifARNs, d.SetNotif, d.DisableRollback, d.RoleARN = slices.Clone(u.notifARNs), u.setNotif, u.disableRB, u.roleARN
		for _, p := range u.paramIn {
			d.ParameterInput = append(d.ParameterInput, StateParamInput{Key: p.key, Value: p.value, UsePrevious: p.usePrevious})
		}
		for _, c := range u.changes {
			sc := StateChange{Action: c.action, LogicalID: c.id, Type: c.typ, PhysicalID: c.physicalID, Replacement: c.replacement,
				Scope: slices.Clone(c.scope)}
			for _, x := range c.details {
				sc.Details = append(sc.Details, StateChangeDetail{Attribute: x.attribute, Name: x.name, RequiresRecreation: x.requiresRecreation,
					Evaluation: x.evaluation, ChangeSource: x.changeSource, CausingEntity: x.causingEntity})
			}
			d.Changes = append(d.Changes, sc)
		}
	}
	return d
}

func changeSetFromDocument(st *cfnStack, d StateStackChangeSet) (*cfnChangeSet, error) {
	tmpl, err := parseTemplate(d.TemplateBody)
	if err != nil {
		return nil, fmt.Errorf("change set %s: template: %w", d.Name, err)
	}
	u := &cfnUpdate{tmpl: tmpl, params: maps.Clone(d.Parameters), conditions: maps.Clone(d.Conditions), tags: slices.Clone(d.Tags),
		setTags: d.SetTags, caps: slices.Clone(d.Capabilities), notifARNs: slices.Clone(d.NotifARNs), setNotif: d.SetNotif,
		disableRB: d.DisableRollback, roleARN: d.RoleARN}
	if u.params == nil {
		u.params = map[string]string{}
	}
	for _, p := range d.ParameterInput {
		u.paramIn = append(u.paramIn, cfnParamInput{key: p.Key, value: p.Value, usePrevious: p.UsePrevious})
	}
	for _, c := range d.Changes {
		ch := &cfnChange{action: c.Action, id: c.LogicalID, typ: c.Type, physicalID: c.PhysicalID, replacement: c.Replacement, scope: slices.Clone(c.Scope)}
		for _, x := range c.Details {
			ch.details = append(ch.details, cfnChangeDetail{attribute: x.Attribute, name: x.Name, requiresRecreation: x.RequiresRecreation,
				evaluation: x.Evaluation, changeSource: x.ChangeSource, causingEntity: x.CausingEntity})
		}
		u.changes = append(u.changes, ch)
	}
	return &cfnChangeSet{id: d.ID, name: d.Name, stack: st, typ: d.Type, description: d.Description, status: d.Status,
		reason: d.StatusReason, executionStatus: d.ExecutionStatus, created: d.Created, update: u, onStackFailure: d.OnStackFailure,
		includeNested: d.IncludeNested, clientToken: d.ClientToken}, nil
}

// resumeChangeSetCreation computes again a change set restored while it was
// being computed (caller holds a.mu).
func (a *Account) resumeChangeSetCreation(cs *cfnChangeSet) {
	if cs.status != "CREATE_PENDING" && cs.status != "CREATE_IN_PROGRESS" {
		return
	}
	cs.status = "CREATE_PENDING"
	a.goBackground(func(ctx context.Context) { a.runChangeSetCreation(ctx, cs) })
}
