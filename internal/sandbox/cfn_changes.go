package sandbox

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Change sets and update planning: what applying a new template and
// parameters to a stack would add, modify (in place or by replacement) and
// remove, in the shape of DescribeChangeSet's ResourceChange.

type cfnChange struct {
	action      string // Add, Modify or Remove
	id, typ     string
	physicalID  string
	replacement string // True, False or Conditional (Modify only)
	scope       []string
	details     []cfnChangeDetail
}

type cfnChangeDetail struct {
	attribute          string // Properties or Tags
	name               string // the property, for Properties
	requiresRecreation string // Never, Conditionally or Always
	evaluation         string // Static or Dynamic
	changeSource       string // DirectModification, ParameterReference, ResourceReference, ResourceAttribute
	causingEntity      string
}

type cfnChangeSet struct {
	id, name        string
	stack           *cfnStack
	typ             string // CREATE or UPDATE
	description     string
	status, reason  string
	executionStatus string
	created         time.Time
	update          *cfnUpdate
	onStackFailure  string
	includeNested   bool
	clientToken     string
}

// planUpdate computes the changes that applying u's template and parameters
// to st makes, and fills in u.conditions and u.changes. The caller holds a.mu.
func (a *Account) planUpdate(st *cfnStack, u *cfnUpdate) error {
	ev := a.evaluator(st, u.tmpl, u.params)
	if err := ev.evalConditions(); err != nil {
		return cfnValidation("%s", err.Error())
	}
	u.conditions = ev.conditions
	var newDecls []*cfnResourceDecl
	inNew := map[string]bool{}
	for _, d := range u.tmpl.resources {
		if d.condition == "" || ev.conditions[d.condition] {
			newDecls = append(newDecls, d)
			inNew[d.id] = true
		}
	}
	var typeChanged []string
	ev.dynamic = map[string]bool{}
	for _, d := range newDecls {
		r := st.resources[d.id]
		if !r.live() {
			ev.dynamic[d.id] = true
			continue
		}
		if r.typ != d.typ {
			typeChanged = append(typeChanged, d.id)
		}
	}
	if len(typeChanged) > 0 {
		return cfnValidation("Update of resource type is not permitted. The new template modifies resource type of the following resources: [%s]", strings.Join(typeChanged, ", "))
	}

	changedParams := map[string]bool{}
	for k, v := range u.params {
		if old, ok := st.params[k]; !ok || old != v {
			changedParams[k] = true
		}
	}

	var changes []*cfnChange
	byID := map[string]*cfnChange{}
	for _, d := range newDecls {
		r := st.resources[d.id]
		if !r.live() {
			c := &cfnChange{action: "Add", id: d.id, typ: d.typ}
			changes = append(changes, c)
			byID[d.id] = c
			continue
		}
		newProps, err := ev.evalProps(d.properties)
		if err != nil {
			return cfnValidation("%s", err.Error())
		}
		h := handlerFor(d.typ)
		c := &cfnChange{action: "Modify", id: d.id, typ: d.typ, physicalID: r.physicalID, replacement: "False"}
		oldDecl := r.decl
		for _, k := range unionKeys(r.props, newProps) {
			if compactJSON(r.props[k]) == compactJSON(newProps[k]) {
				continue
			}
			det := cfnChangeDetail{attribute: "Properties", name: k, requiresRecreation: "Never", evaluation: "Static"}
			if k == "Tags" {
				det.attribute, det.name = "Tags", ""
			}
			if h != nil && (h.update == nil || slices.Contains(h.replaceProps, k)) {
				det.requiresRecreation = "Always"
				c.replacement = "True"
			}
			if strings.Contains(compactJSON(newProps[k]), "{{sandbox-resolved-at-execution:") {
				det.evaluation = "Dynamic"
			}
			var oldRaw any
			if oldDecl != nil {
				oldRaw = oldDecl.properties[k]
			}
			switch {
			case compactJSON(oldRaw) != compactJSON(d.properties[k]):
				det.changeSource = "DirectModification"
			default:
				refs, getAtts := templateRefs(d.properties[k])
				for _, n := range refs {
					if changedParams[n] {
						det.changeSource, det.causingEntity = "ParameterReference", n
						break
					}
				}
				if det.changeSource == "" && len(getAtts) > 0 {
					det.changeSource, det.causingEntity = "ResourceAttribute", getAtts[0]
				}
				if det.changeSource == "" {
					det.changeSource = "ResourceReference"
					if len(refs) > 0 {
						det.causingEntity = refs[0]
					}
				}
			}
			c.details = append(c.details, det)
			c.addScope(det.attribute)
		}
		if len(c.details) > 0 {
			changes = append(changes, c)
			byID[d.id] = c
		}
	}

	// Resources that reference a replaced (or conditionally replaced)
	// resource change too, once its new physical ID is known.
	for changed := true; changed; {
		changed = false
		for _, d := range newDecls {
			r := st.resources[d.id]
			if !r.live() {
				continue
			}
			h := handlerFor(d.typ)
			for _, k := range sortedKeys(d.properties) {
				refs, getAtts := templateRefs(d.properties[k])
				cause, source := "", ""
				for _, n := range refs {
					if c := byID[n]; c != nil && c.action == "Modify" && c.replacement != "False" {
						cause, source = n, "ResourceReference"
					}
				}
				for _, n := range getAtts {
					if c := byID[n]; c != nil && c.action == "Modify" && c.replacement != "False" {
						cause, source = n, "ResourceAttribute"
					}
				}
				if cause == "" {
					continue
				}
				c := byID[d.id]
				if c == nil {
					c = &cfnChange{action: "Modify", id: d.id, typ: d.typ, physicalID: r.physicalID, replacement: "False"}
					changes = append(changes, c)
					byID[d.id] = c
				}
				if c.hasDetail(k, cause) {
					continue
				}
				det := cfnChangeDetail{attribute: "Properties", name: k, requiresRecreation: "Never", evaluation: "Dynamic",
					changeSource: source, causingEntity: cause}
				if h != nil && (h.update == nil || slices.Contains(h.replaceProps, k)) {
					det.requiresRecreation = "Conditionally"
					if c.replacement == "False" {
						c.replacement = "Conditional"
					}
				}
				c.details = append(c.details, det)
				c.addScope("Properties")
				changed = true
			}
		}
	}

	for _, id := range st.resOrder {
		r := st.resources[id]
		if r.live() && !inNew[id] {
			changes = append(changes, &cfnChange{action: "Remove", id: id, typ: r.typ, physicalID: r.physicalID})
		}
	}
	// Keep template order for additions and modifications.
	order := map[string]int{}
	for i, d := range u.tmpl.resources {
		order[d.id] = i
	}
	slices.SortStableFunc(changes, func(x, y *cfnChange) int {
		if x.action == "Remove" || y.action == "Remove" {
			return 0
		}
		return order[x.id] - order[y.id]
	})
	u.changes = changes
	return nil
}

func (c *cfnChange) addScope(s string) {
	if !slices.Contains(c.scope, s) {
		c.scope = append(c.scope, s)
	}
}

func (c *cfnChange) hasDetail(name, cause string) bool {
	for _, d := range c.details {
		if d.name == name && (d.causingEntity == cause || d.changeSource == "DirectModification") {
			return true
		}
	}
	return false
}

func unionKeys(a, b map[string]any) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return sortedKeys(keys)
}

// nothingChanged reports whether an update would change nothing at all: same
// template, same parameter values, same tags.
func nothingChanged(st *cfnStack, u *cfnUpdate) bool {
	if compactJSON(st.tmpl.body) != compactJSON(u.tmpl.body) {
		return false
	}
	if len(st.params) != len(u.params) {
		return false
	}
	for k, v := range u.params {
		if st.params[k] != v {
			return false
		}
	}
	if u.setTags && !slices.Equal(st.tags, u.tags) {
		return false
	}
	return len(u.changes) == 0
}

// findChangeSet finds a change set by ARN, or by name within the stack.
func (a *Account) findChangeSet(nameOrARN, stackName string) (*cfnChangeSet, error) {
	if strings.HasPrefix(nameOrARN, "arn:") {
		for _, st := range a.stacks {
			for _, cs := range st.changeSets {
				if cs.id == nameOrARN {
					return cs, nil
				}
			}
		}
		return nil, apiError(http.StatusNotFound, "ChangeSetNotFound", "ChangeSet [%s] does not exist", nameOrARN)
	}
	if stackName == "" {
		return nil, cfnValidation("StackName must be specified if ChangeSetName is not specified as an ARN.")
	}
	st := a.findStack(stackName)
	if st == nil {
		return nil, cfnValidation("Stack [%s] does not exist", stackName)
	}
	for _, cs := range st.changeSets {
		if cs.name == nameOrARN {
			return cs, nil
		}
	}
	return nil, apiError(http.StatusNotFound, "ChangeSetNotFound", "ChangeSet [%s] does not exist", nameOrARN)
}

// runChangeSetCreation moves a change set from CREATE_PENDING to
// CREATE_COMPLETE (or FAILED when it holds no changes), planning it against
// the stack as it is by then.
func (a *Account) runChangeSetCreation(ctx context.Context, cs *cfnChangeSet) {
	if a.pause(ctx, 2) != nil {
		return
	}
	a.mu.Lock()
	cs.status = "CREATE_IN_PROGRESS"
	a.mu.Unlock()
	if a.pause(ctx, 4) != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	st := cs.stack
	if cs.typ == "CREATE" {
		ev := a.evaluator(st, cs.update.tmpl, cs.update.params)
		if err := ev.evalConditions(); err != nil {
			cs.status, cs.reason, cs.executionStatus = "FAILED", err.Error(), "UNAVAILABLE"
			return
		}
		cs.update.conditions = ev.conditions
		cs.update.changes = nil
		for _, d := range cs.update.tmpl.resources {
			if d.condition == "" || ev.conditions[d.condition] {
				cs.update.changes = append(cs.update.changes, &cfnChange{action: "Add", id: d.id, typ: d.typ})
			}
		}
		cs.status, cs.executionStatus = "CREATE_COMPLETE", "AVAILABLE"
		return
	}
	if err := a.planUpdate(st, cs.update); err != nil {
		cs.status, cs.reason, cs.executionStatus = "FAILED", errMessage(err), "UNAVAILABLE"
		return
	}
	if nothingChanged(st, cs.update) || len(cs.update.changes) == 0 && compactJSON(st.tmpl.body) == compactJSON(cs.update.tmpl.body) {
		cs.status, cs.executionStatus = "FAILED", "UNAVAILABLE"
		cs.reason = "The submitted information didn't contain changes. Submit different information to create a change set."
		return
	}
	cs.status, cs.executionStatus = "CREATE_COMPLETE", "AVAILABLE"
}

func errMessage(err error) string {
	if ae := (*APIError)(nil); errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}
