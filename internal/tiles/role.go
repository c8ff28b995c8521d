package tiles

import (
	"context"
	"fmt"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

// RoleTile builds the role and access tile from the onboarding stack record
// (nil: nothing launched for this target). Its checks are the record's role
// verification (onboarding.VerifyRole, kept fresh by RefreshRole).
func RoleTile(rec *onboarding.StackRecord) Tile {
	t := Tile{ID: TileRole, State: StateNotConnected}
	if rec == nil {
		t.Summary = "Not connected: launch the onboarding stack to create the partner role."
		return t
	}
	t.CheckedAt = rec.UpdatedAt
	for _, c := range rec.Checks {
		t.Checks = append(t.Checks, roleCheck(c))
	}
	switch rec.Phase {
	case onboarding.PhaseLaunching:
		t.State = StateLaunching
		verb := "Launching"
		if rec.Operation == "update" {
			verb = "Updating"
		}
		t.Summary = fmt.Sprintf("%s: %d of %d resources.", verb, rec.Done, rec.Total)
	case onboarding.PhaseVerifying:
		t.State = StateLaunching
		t.Summary = fmt.Sprintf("Launching: %d of %d resources; the stack is complete and the role is being verified.", rec.Done, rec.Total)
	case onboarding.PhaseDeleting:
		// An operation under way, like a launch; the summary says which.
		t.State = StateLaunching
		t.Summary = fmt.Sprintf("Deleting the stack: %d of %d resources.", rec.Done, rec.Total)
	case onboarding.PhaseConnected:
		t.State = StateConnected
		t.Summary = fmt.Sprintf("Connected: stack %s is complete and the partner role is verified.", rec.StackName)
		if rec.NeedsUpdate() {
			t.Notes = append(t.Notes, Note{Text: "The stack was created from template " + rec.TemplateVersion + "; this app carries a newer one. Update the stack to apply it."})
		}
	case onboarding.PhaseError:
		t.State = StateError
		if roleUnverifiable(rec, t.Checks) {
			c, _ := firstNotPassed(t.Checks)
			t.State = StateUnknown
			t.Summary = "Not verified: the stack is complete, but the role check \"" + c.Name + "\" could not be made; none failed. " + c.Fix
			break
		}
		t.Summary, t.Checks = roleError(rec, t.Checks)
	default: // not connected (never launched, or deleted)
		t.Summary = "Not connected: launch the onboarding stack to create the partner role."
		return t
	}
	t.Fields = roleFields(rec)
	t.Notes = append(t.Notes, driftNotes(rec)...)
	return t
}

// driftNotes are the drift line and one line per difference, from the
// stack's last drift detection (none when it was never checked).
func driftNotes(rec *onboarding.StackRecord) []Note {
	d := rec.Drift
	if d == nil || (rec.Phase != onboarding.PhaseConnected && rec.Phase != onboarding.PhaseError) {
		return nil
	}
	notes := []Note{{Text: d.Summary() + " (CloudFormation drift detection, " + d.CheckedAt.Local().Format("2006-01-02 15:04") + ")"}}
	for _, l := range d.Lines() {
		notes = append(notes, Note{Text: l})
	}
	if d.Drifted() {
		notes = append(notes, Note{Text: "Update writes the template's values back (sellerdesk drift --restore); updating the stack with the same template would not: CloudFormation leaves drift as it is."})
	}
	return notes
}

// roleFields are the values a partner needs, from the stack outputs.
func roleFields(rec *onboarding.StackRecord) []Field {
	var f []Field
	add := func(label, value string, copyable bool) {
		if value != "" {
			f = append(f, Field{Label: label, Value: value, Copy: copyable})
		}
	}
	add("Stack", rec.StackName, false)
	add("Role ARN", rec.Outputs["PartnerRoleArn"], true)
	extID := rec.Outputs["ExternalId"]
	if extID == "" {
		extID = rec.Params.ExternalID
	}
	add("External ID", extID, true)
	add("Queue URL", rec.Outputs["QueueUrl"], true)
	return f
}

// roleUnverifiable: the stack is complete and the only role checks that did
// not pass could not be run (an endpoint without the IAM call).
func roleUnverifiable(rec *onboarding.StackRecord, checks []CheckResult) bool {
	if rec.Failure != nil && rec.Failure.LogicalID != "PartnerRole" {
		return false
	}
	c, bad := firstNotPassed(checks)
	return bad && c.Status == StatusCouldNotCheck
}

// roleError names the failing step and its fix: the stack's first failure,
// or the role check that failed.
func roleError(rec *onboarding.StackRecord, checks []CheckResult) (string, []CheckResult) {
	if c, bad := firstNotPassed(checks); bad && c.Status == StatusFailed {
		return "Error: " + c.Name + " — " + c.Detail + ". " + c.Fix, checks
	}
	if f := rec.Failure; f != nil {
		verb := "Create"
		switch rec.Operation {
		case "update":
			verb = "Update"
		case "delete":
			verb = "Delete"
		}
		name := verb + " stack " + rec.StackName
		if f.LogicalID != "" && f.LogicalID != rec.StackName {
			name = verb + " resource " + f.LogicalID + " (" + f.Type + ")"
		}
		c := CheckResult{Name: name, Status: StatusFailed, Detail: f.Reason, Fix: f.Plain, Code: rec.Status}
		checks = append([]CheckResult{c}, checks...)
		s := "Error: " + name + " failed"
		if rec.RolledBack {
			s += " and the stack rolled back"
		}
		return s + ". " + f.Plain, checks
	}
	return "Error: the stack ended in " + rec.Status + ".", checks
}

// roleCheck converts one onboarding.Check. A step that could not be made
// (onboarding.Check.Unknown: the read failed, or the endpoint does not
// implement the call) could not be checked: neither passed nor failed.
func roleCheck(c onboarding.Check) CheckResult {
	r := CheckResult{Name: c.Name, Detail: c.Detail, Code: c.Code}
	switch {
	case c.OK:
		r.Status = StatusPassed
	case c.Unknown && notSupportedCodes[c.Code]:
		r.Status = StatusCouldNotCheck
		r.Fix = "This endpoint does not implement the call; verify against AWS (or the SellerDesk sandbox)."
	case c.Unknown:
		r.Status = StatusCouldNotCheck
		r.Fix = "SellerDesk could not read the answer (the network, a throttled or failing service, or a refusal); nothing is known to be wrong with the role. Test again."
	default:
		r.Status = StatusFailed
		r.Fix = "Update the onboarding stack to restore the role as the template defines it (or delete and launch it again)."
	}
	return r
}

// RefreshRole re-verifies the partner role of a complete stack with
// onboarding.VerifyRole, as every refresh does, and moves the record between
// Connected and Error accordingly. Records whose stack itself is not
// complete (launching, rolled back, deleted) are returned unchanged.
func RefreshRole(ctx context.Context, client onboarding.IAM, rec onboarding.StackRecord) onboarding.StackRecord {
	return onboarding.Reverify(ctx, client, rec)
}
