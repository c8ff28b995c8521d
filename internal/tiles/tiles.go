// Package tiles is the domain logic of the four status tiles of the Cloud
// Setup screen: AWS seller account, role and access, Commerce Analytics
// Service (CAS) and Seller Data Feed Delivery Service (SDDS).
//
// Each tile is built only from what a real call returned or what the user
// confirmed: the Marketplace Catalog probe, the onboarding stack record (and
// its role verification, onboarding.VerifyRole), and the Test Configuration
// checks of CAS and SDDS run against the resources the stack created.
// Nothing here caches, renders or prints; the app and the CLI do that.
//
// States, per tile:
//
//	seller:        unknown → not-registered | completed
//	role:          not-connected → launching → connected | error | unknown
//	cas, sdds:     not-connected (no stack yet) | launching (stack under way)
//	               → not-enrolled (stack connected, "Enrolled" not ticked)
//	               → not-connected (enrolled, not tested yet)
//	               → connected | error | unknown
//
// For CAS and SDDS, "unknown" means no check failed but at least one could
// not be run (the endpoint does not implement the call): a check that could
// not run is never counted as passed.
package tiles

import (
	"time"
)

// State is what a tile shows as its status.
type State string

// Tile states (see the package documentation for which tile uses which).
const (
	StateUnknown       State = "unknown"        // seller: nothing conclusive; CAS/SDDS: some checks could not run
	StateNotRegistered State = "not-registered" // seller: AWS refused the account as a seller
	StateCompleted     State = "completed"      // seller: detected or confirmed by the user
	StateNotConnected  State = "not-connected"
	StateLaunching     State = "launching"
	StateConnected     State = "connected"
	StateError         State = "error"
	// StateNotEnrolled is CAS/SDDS once the stack is connected but before the
	// user ticks "Enrolled in CAS/SDDS": the fields are ready to copy into
	// AWS's enrollment form.
	StateNotEnrolled State = "not-enrolled"
)

// Tile IDs.
const (
	TileSeller = "seller"
	TileRole   = "role"
	TileCAS    = "cas"
	TileSDDS   = "sdds"
)

// Check statuses.
const (
	StatusPassed        = "passed"
	StatusFailed        = "failed"
	StatusCouldNotCheck = "could-not-check"
)

// Seller tile sources.
const (
	SourceDetected  = "detected"  // a Marketplace Catalog call found products owned by the account
	SourceConfirmed = "confirmed" // the user ticked "I completed seller registration"
)

// CheckResult is one line of a Test Configuration (or of a verification).
type CheckResult struct {
	Name   string `json:"name"`
	Status string `json:"status"` // passed, failed or could-not-check
	Detail string `json:"detail"` // what was seen
	Fix    string `json:"fix"`    // what to do when it did not pass
	Code   string `json:"code"`   // the AWS error code, when an error decided the result
}

// Passed reports whether the check passed; could-not-check is not passing.
func (c CheckResult) Passed() bool { return c.Status == StatusPassed }

// Field is one value of a tile, copyable into an AWS form when Copy is set.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Copy  bool   `json:"copy"`
}

// Note is an informational line of a tile, with an optional source link.
type Note struct {
	Text string `json:"text"`
	Link string `json:"link,omitempty"`
}

// Tile is everything one status tile shows.
type Tile struct {
	ID        string        `json:"id"`
	State     State         `json:"state"`
	Summary   string        `json:"summary"`
	Fields    []Field       `json:"fields"`
	Checks    []CheckResult `json:"checks"`
	CheckedAt time.Time     `json:"checkedAt"`
	// Stale is set on a tile loaded from the cache until it is refreshed.
	Stale bool `json:"stale"`
	// Source says where a seller "completed" comes from: detected or confirmed.
	Source string `json:"source,omitempty"`
	Notes  []Note `json:"notes"`
}

// Connected reports whether the tile counts towards the overall progress:
// Connected, or, for the seller account, Completed.
func (t Tile) Connected() bool {
	return t.State == StateConnected || (t.ID == TileSeller && t.State == StateCompleted)
}

// Progress counts the connected tiles, for the header's "3 of 4 connected".
func Progress(tiles []Tile) (connected, total int) {
	for _, t := range tiles {
		if t.Connected() {
			connected++
		}
	}
	return connected, len(tiles)
}

// MarkStale returns copies of tiles marked stale, as loaded from the cache
// before the first refresh.
func MarkStale(tiles []Tile) []Tile {
	out := make([]Tile, len(tiles))
	for i, t := range tiles {
		t.Stale = true
		out[i] = t
	}
	return out
}

// firstNotPassed returns the first failed check, else the first that could
// not be checked; ok is false when every check passed.
func firstNotPassed(checks []CheckResult) (CheckResult, bool) {
	for _, c := range checks {
		if c.Status == StatusFailed {
			return c, true
		}
	}
	for _, c := range checks {
		if !c.Passed() {
			return c, true
		}
	}
	return CheckResult{}, false
}

// stateOfChecks is Connected when every check passed, Error when one failed,
// Unknown when none failed but some could not be checked.
func stateOfChecks(checks []CheckResult) State {
	if len(checks) == 0 {
		return StateNotConnected
	}
	c, bad := firstNotPassed(checks)
	switch {
	case !bad:
		return StateConnected
	case c.Status == StatusFailed:
		return StateError
	default:
		return StateUnknown
	}
}

// countStatus counts the checks with the given status.
func countStatus(checks []CheckResult, status string) int {
	n := 0
	for _, c := range checks {
		if c.Status == status {
			n++
		}
	}
	return n
}
