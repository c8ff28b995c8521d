// Package tiles is the domain logic of the status tiles of the Cloud Setup
// screen: AWS seller account, role and access, Commerce Analytics Service
// (CAS, legacy: AWS discontinued its API on 30 August 2024) and Seller Data
// Feed Delivery Service (SDDS). Kinds lists them and which of them count;
// Summarize is the one counting rule the window and the CLI share.
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
//	cas:           not-connected (no stack yet) | launching (stack under way)
//	               → legacy (the resources the guide describes are in place)
//	               → connected (CAS accepted a GenerateDataSet request) | error | unknown
//	sdds:          not-connected (no stack yet) | launching (stack under way)
//	               → error | unknown (a check failed or could not run, ticked or not)
//	               → not-enrolled (checks pass, "Enrolled" not ticked, nothing delivered)
//	               → waiting (checks pass, "Enrolled" ticked: the user's word, nothing delivered)
//	               → connected (AWS delivered: a data-feed object is in the bucket)
//
// "unknown" means no check failed but at least one could not be run (the
// endpoint does not implement the call): a check that could not run is never
// counted as passed. "Enrolled" is the user's statement; only AWS's own
// evidence, a delivered data feed, makes SDDS Connected.
package tiles

import (
	"fmt"
	"strings"
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
	// StateNotEnrolled is SDDS once its checks pass but before the user ticks
	// "Enrolled in SDDS" and before AWS delivered anything: the fields are
	// ready to copy into AWS's form.
	StateNotEnrolled State = "not-enrolled"
	// StateWaiting is SDDS when the user says it is enrolled and every check
	// passes, but AWS has not delivered a data feed yet.
	StateWaiting State = "waiting"
	// StateLegacy is CAS once the resources the guide describes are in place:
	// AWS discontinued the CAS API, so there is nothing to enrol in.
	StateLegacy State = "legacy"
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
	// StatusWaiting: the check looked for AWS's evidence (a delivery) and
	// found none yet. Never passed, never failed.
	StatusWaiting = "waiting"
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
	ID string `json:"id"`
	// Required says whether the tile counts in "N of M required connected"
	// (from Kinds).
	Required  bool          `json:"required"`
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

// Kind is what SellerDesk knows of a tile whatever its state: its title and
// whether it counts.
type Kind struct {
	ID    string
	Title string
	// Required tiles are counted ("3 of 4 required connected"); an optional
	// one is named after the count with its Tag ("CAS legacy").
	Required bool
	Tag      string
}

// Kinds are the tiles, in the order they are shown. The counting rule
// (Summarize) reads only this list: a new required tile is one line here.
var Kinds = []Kind{
	{ID: TileSeller, Title: "Seller account", Required: true},
	{ID: TileRole, Title: "Role and access", Required: true},
	{ID: TileCAS, Title: "CAS", Tag: "legacy"},
	{ID: TileSDDS, Title: "SDDS", Required: true},
	{ID: TileNotifications, Title: "Notifications", Required: true},
}

// KindOf is the kind of tile id; ok is false for an unknown id.
func KindOf(id string) (Kind, bool) {
	for _, k := range Kinds {
		if k.ID == id {
			return k, true
		}
	}
	return Kind{}, false
}

// OptionalTile is an optional tile as the summary names it.
type OptionalTile struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Tag   string `json:"tag"`
	State State  `json:"state"`
}

// Summary is the overall progress the header and `sellerdesk status` show,
// in the same words: Text.
type Summary struct {
	RequiredConnected int `json:"requiredConnected"`
	Required          int `json:"required"`
	// Missing are the titles of the required tiles not connected, in order.
	Missing  []string       `json:"missing"`
	Optional []OptionalTile `json:"optional"`
	Text     string         `json:"text"`
}

// Done reports whether every required tile is connected: `sellerdesk
// status` exits 0 exactly then.
func (s Summary) Done() bool { return s.RequiredConnected == s.Required }

// Summarize is the one counting rule: every required kind counts, whether or
// not its tile is in ts yet (a tile not built yet is not connected); a tile
// of ts counts when it is Connected (the seller: Completed). Optional tiles
// are listed, not counted.
func Summarize(ts []Tile) Summary {
	byID := map[string]Tile{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	s := Summary{Missing: []string{}, Optional: []OptionalTile{}}
	for _, k := range Kinds {
		t, built := byID[k.ID]
		if !k.Required {
			o := OptionalTile{ID: k.ID, Title: k.Title, Tag: k.Tag, State: t.State}
			s.Optional = append(s.Optional, o)
			continue
		}
		s.Required++
		if built && t.Connected() {
			s.RequiredConnected++
		} else {
			s.Missing = append(s.Missing, k.Title)
		}
	}
	s.Text = Words(s)
	return s
}

// Words says the summary: "3 of 4 required connected · CAS legacy".
func Words(s Summary) string {
	w := fmt.Sprintf("%d of %d required connected", s.RequiredConnected, s.Required)
	for _, o := range s.Optional {
		w += " · " + strings.TrimSpace(o.Title+" "+o.Tag)
	}
	return w
}

// Progress is Summarize as two numbers: required tiles connected, and
// required tiles.
func Progress(ts []Tile) (connected, required int) {
	s := Summarize(ts)
	return s.RequiredConnected, s.Required
}

// Annotate returns copies of ts with Required set from Kinds.
func Annotate(ts []Tile) []Tile {
	out := make([]Tile, len(ts))
	for i, t := range ts {
		k, _ := KindOf(t.ID)
		t.Required = k.Required
		out[i] = t
	}
	return out
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
// Unknown when none failed but some could not be checked (or wait for AWS).
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
