package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
)

// EventTilesChanged carries a TilesView after every change.
const EventTilesChanged = "tiles:changed"

// TilesView is the tiles and the header's overall progress, counted and
// worded by tiles.Summarize as `sellerdesk status` counts it.
type TilesView struct {
	Tiles           []tiles.Tile  `json:"tiles"`
	Progress        tiles.Summary `json:"progress"`
	Busy            bool          `json:"busy"`
	SellerConfirmed bool          `json:"sellerConfirmed"`
	SDDSEnrolled    bool          `json:"sddsEnrolled"`
	Error           *ErrorView    `json:"error"`
}

// tilesState is what the cache keeps per target: the last tiles and what
// the user confirmed. No secret is in it.
type tilesState struct {
	Tiles             []tiles.Tile        `json:"tiles"`
	SellerConfirmed   bool                `json:"sellerConfirmed"`
	SellerConfirmedAt time.Time           `json:"sellerConfirmedAt"`
	SDDSEnrolled      bool                `json:"sddsEnrolled"`
	CAS               []tiles.CheckResult `json:"cas"`
	CASAt             time.Time           `json:"casAt"`
}

// Tiles is the bound service for the status tiles.
type Tiles struct {
	life  *lifetime  // shared; stopped by Services.Close
	where *targetNow // shared: the target the error words are for
	mgr   *session.Manager
	st    *store.Store
	ob    *Onboarding
	p     Platform
	log   *slog.Logger

	runMu sync.Mutex // one check run at a time
	mu    sync.Mutex
	key   string
	state tilesState
	busy  bool
	err   error
}

// NewTiles wires the service.
func NewTiles(mgr *session.Manager, st *store.Store, ob *Onboarding, p Platform, log *slog.Logger) *Tiles {
	return &Tiles{mgr: mgr, st: st, ob: ob, p: p, log: log}
}

// State returns the tiles as last known (from the cache, marked stale,
// until a refresh), without calling AWS.
func (t *Tiles) State() TilesView {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.viewLocked()
}

func (t *Tiles) viewLocked() TilesView {
	v := TilesView{Tiles: tiles.Annotate(t.state.Tiles), Busy: t.busy, SellerConfirmed: t.state.SellerConfirmed,
		SDDSEnrolled: t.state.SDDSEnrolled}
	v.Progress = tiles.Summarize(v.Tiles)
	if t.err != nil {
		v.Error = explain(t.err, t.where.options()...)
	}
	return v
}

func (t *Tiles) emit() {
	t.mu.Lock()
	v := t.viewLocked()
	t.mu.Unlock()
	t.p.Emit(EventTilesChanged, v)
}

// targetChanged shows the cached tiles of the new target at once, stale.
func (t *Tiles) targetChanged(ctx context.Context, tgt session.Target) {
	var s tilesState
	if t.st != nil {
		if _, err := t.st.Get(ctx, store.BucketTiles, tgt.Key(), &s); err != nil {
			t.log.Warn("could not read the cached tiles", "err", err)
		}
	}
	s.Tiles = tiles.MarkStale(s.Tiles)
	t.mu.Lock()
	t.key, t.state, t.err = tgt.Key(), s, nil
	t.mu.Unlock()
	t.emit()
}

// forget drops the cached tiles of target key (its sandbox scenario was
// reset); the user's confirmations and enrollment ticks go with them, as they
// were about the state that is gone.
func (t *Tiles) forget(ctx context.Context, key string) {
	if t.st != nil {
		if err := t.st.Delete(ctx, store.BucketTiles, key); err != nil {
			t.log.Warn("could not forget the cached tiles", "err", err)
		}
	}
	t.mu.Lock()
	if t.key == key {
		t.state, t.err = tilesState{}, nil
	}
	t.mu.Unlock()
	t.emit()
}

// Refresh re-checks every tile: the seller probe, the partner role, and
// every check of CAS, SDDS and Notifications that only reads AWS's state, whatever the user
// ticked, so a broken setup shows at once.
func (t *Tiles) Refresh() TilesView { return t.run(RunWhat{}) }

// TestCAS runs CAS Test Configuration, which also asks CAS for a data set.
func (t *Tiles) TestCAS() TilesView { return t.run(RunWhat{CAS: true}) }

// TestSDDS runs SDDS Test Configuration (every SDDS check runs on each
// refresh too; this is the button's name for it).
func (t *Tiles) TestSDDS() TilesView { return t.run(RunWhat{}) }

// TestNotifications runs the Notifications Test Configuration (its checks
// only read, so every refresh runs them too; this is the button's name).
func (t *Tiles) TestNotifications() TilesView { return t.run(RunWhat{}) }

// RunWhat says what a run includes beyond the checks every refresh runs:
// CAS asks CAS for a data set.
type RunWhat struct{ CAS bool }

func (t *Tiles) run(what RunWhat) TilesView {
	t.runMu.Lock()
	defer t.runMu.Unlock()
	tgt, cfg, err := t.mgr.Current()
	if err != nil {
		t.mu.Lock()
		t.err = err
		t.mu.Unlock()
		t.emit()
		return t.State()
	}
	t.mu.Lock()
	t.busy, t.err = true, nil
	s := t.state
	t.mu.Unlock()
	t.emit()

	ctx, cancel := context.WithTimeout(t.life.context(), 2*time.Minute)
	defer cancel()
	// Who the caller is comes first: when AWS refuses the credentials or
	// cannot be reached, every probe would fail the same way, one deadline
	// after another. The tiles keep what they last showed, marked stale,
	// and the error says why (issue 14.1).
	id, err := t.mgr.WhoAmI(ctx)
	if err != nil {
		t.mu.Lock()
		t.busy, t.err = false, err
		t.mu.Unlock()
		t.emit()
		return t.State()
	}
	rec := t.ob.State().Record
	if rec == nil || rec.Phase == onboarding.PhaseNotConnected {
		// A stack launched elsewhere (CLI, console) is found by its name.
		if found, ok, derr := onboarding.Discover(ctx, cloudformation.NewFromConfig(cfg), tgt.Key(), onboarding.DefaultStackName); derr == nil && ok {
			rec = &found
		} else if derr != nil {
			t.log.Warn("stack discovery failed", "err", derr)
		}
	}
	account := id.Account
	res := tiles.Run(ctx, cfg, rec, tiles.RunOptions{AccountID: account, SellerConfirmed: s.SellerConfirmed, SellerConfirmedAt: s.SellerConfirmedAt,
		SDDSEnrolled: s.SDDSEnrolled, TestCAS: what.CAS, PreviousCAS: s.CAS, PreviousCASAt: s.CASAt})
	if res.Record != nil {
		t.ob.adopt(ctx, *res.Record)
	}
	t.mu.Lock()
	if t.key == tgt.Key() {
		t.state.Tiles, t.state.CAS, t.state.CASAt = res.Tiles, res.CAS, res.CASAt
	}
	t.busy = false
	s = t.state
	t.mu.Unlock()
	t.save(ctx, tgt.Key(), s)
	t.emit()
	return t.State()
}

// SetEnrolled records the user's "Enrolled in SDDS": their word that they
// submitted AWS's data-feed form. It changes the SDDS tile's words (waiting
// for AWS's first delivery), never its count. CAS is legacy: AWS offers no
// enrollment any more, so it has no toggle.
func (t *Tiles) SetEnrolled(tile string, enrolled bool) (TilesView, error) {
	t.mu.Lock()
	switch tile {
	case tiles.TileSDDS:
		t.state.SDDSEnrolled = enrolled
	case tiles.TileCAS:
		t.mu.Unlock()
		return t.State(), fmt.Errorf("CAS is legacy: AWS discontinued the CAS API on 30 August 2024 and offers no enrollment, so the CAS tile has no \"Enrolled\" toggle")
	default:
		t.mu.Unlock()
		return t.State(), fmt.Errorf("only the SDDS tile has an enrollment toggle, not %q", tile)
	}
	key, s := t.key, t.state
	t.mu.Unlock()
	t.save(t.life.context(), key, s)
	return t.run(RunWhat{}), nil
}

// ConfirmSeller records "I completed seller registration".
func (t *Tiles) ConfirmSeller(confirmed bool) TilesView {
	t.mu.Lock()
	t.state.SellerConfirmed = confirmed
	if confirmed {
		t.state.SellerConfirmedAt = time.Now().UTC()
	} else {
		t.state.SellerConfirmedAt = time.Time{}
	}
	key, s := t.key, t.state
	t.mu.Unlock()
	t.save(t.life.context(), key, s)
	return t.run(RunWhat{})
}

func (t *Tiles) save(ctx context.Context, key string, s tilesState) {
	if t.st == nil || key == "" {
		return
	}
	if err := t.st.Put(ctx, store.BucketTiles, key, s); err != nil {
		t.log.Warn("could not cache the tiles", "err", err)
	}
}
