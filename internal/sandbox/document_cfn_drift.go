package sandbox

import (
	"slices"
	"time"
)

// Drift detection in the state document: a stack's recent detections and
// the result of its last one, and each resource's last drift check. All the
// fields are optional: a document without them is a stack never checked.

// StateDriftDetection is one DetectStackDrift run.
type StateDriftDetection struct {
	ID          string    `json:"id"`
	Started     time.Time `json:"started"`
	Ready       time.Time `json:"ready"`
	LogicalIDs  []string  `json:"logicalIds,omitempty"`
	Status      string    `json:"status"`
	Reason      string    `json:"reason,omitempty"`
	DriftStatus string    `json:"driftStatus,omitempty"`
	Drifted     int       `json:"drifted,omitempty"`
	Finished    time.Time `json:"finished,omitzero"`
}

// StateResourceDrift is a resource's last drift check.
type StateResourceDrift struct {
	Status      string                    `json:"status"`
	Checked     time.Time                 `json:"checked"`
	Expected    string                    `json:"expected,omitempty"`
	Actual      string                    `json:"actual,omitempty"`
	Differences []StatePropertyDifference `json:"differences,omitempty"`
}

// StatePropertyDifference is one PropertyDifference.
type StatePropertyDifference struct {
	Path     string `json:"path"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	Type     string `json:"type"` // ADD, REMOVE, NOT_EQUAL
}

func (d *cfnDriftDetection) document() StateDriftDetection {
	return StateDriftDetection{ID: d.id, Started: d.started, Ready: d.ready, LogicalIDs: slices.Clone(d.logicalIDs),
		Status: d.status, Reason: d.reason, DriftStatus: d.driftStatus, Drifted: d.drifted, Finished: d.finished}
}

func driftDetectionFromDocument(d StateDriftDetection) *cfnDriftDetection {
	return &cfnDriftDetection{id: d.ID, started: d.Started, ready: d.Ready, logicalIDs: slices.Clone(d.LogicalIDs),
		status: d.Status, reason: d.Reason, driftStatus: d.DriftStatus, drifted: d.Drifted, finished: d.Finished}
}

func (rd *cfnResourceDrift) document() *StateResourceDrift {
	if rd == nil {
		return nil
	}
	out := &StateResourceDrift{Status: rd.status, Checked: rd.checked, Expected: rd.expected, Actual: rd.actual}
	for _, p := range rd.diffs {
		out.Differences = append(out.Differences, StatePropertyDifference{p.path, p.expected, p.actual, p.kind})
	}
	return out
}

func resourceDriftFromDocument(d *StateResourceDrift) *cfnResourceDrift {
	if d == nil {
		return nil
	}
	out := &cfnResourceDrift{status: d.Status, checked: d.Checked, expected: d.Expected, actual: d.Actual}
	for _, p := range d.Differences {
		out.diffs = append(out.diffs, cfnPropDiff{p.Path, p.Expected, p.Actual, p.Type})
	}
	return out
}

// driftDocument fills the drift fields of d from st.
func (st *cfnStack) driftDocument(d *StateStack) {
	d.DriftStatus, d.DriftChecked = st.driftStatus, st.driftChecked
	for _, x := range st.drifts {
		d.DriftDetections = append(d.DriftDetections, x.document())
	}
}

// driftFromDocument restores the drift fields of st from d.
func (st *cfnStack) driftFromDocument(d StateStack) {
	st.driftStatus, st.driftChecked = d.DriftStatus, d.DriftChecked
	for _, x := range d.DriftDetections {
		st.drifts = append(st.drifts, driftDetectionFromDocument(x))
	}
}
