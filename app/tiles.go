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

// TilesView is the tiles and the header's overall progress.
type TilesView struct {
	Tiles           []tiles.Tile `json:"tiles"`
	Connected       int          `json:"connected"`
	Total           int          `json:"total"`
	Busy            bool         `json:"busy"`
	SellerConfirmed bool         `json:"sellerConfirmed"`
	CASEnrolled     bool         `json:"casEnrolled"`
	SDDSEnrolled    bool         `json:"sddsEnrolled"`
	Error           *ErrorView   `json:"error"`
}

// tilesState is what the cache keeps per target: the last tiles and what
// the user confirmed. No secret is in it.
type tilesState struct {
	Tiles             []tiles.Tile        `json:"tiles"`
	SellerConfirmed   bool                `json:"sellerConfirmed"`
	SellerConfirmedAt time.Time           `json:"sellerConfirmedAt"`
	CASEnrolled       bool                `json:"casEnrolled"`
	SDDSEnrolled      bool                `json:"sddsEnrolled"`
	CAS               []tiles.CheckResult `json:"cas"`
	SDDS              []tiles.CheckResult `json:"sdds"`
	CASAt             time.Time           `json:"casAt"`
	SDDSAt            time.Time           `json:"sddsAt"`
	Notifications     []tiles.CheckResult `json:"notifications"`
	NotificationsAt   time.Time           `json:"notificationsAt"`
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
	v := TilesView{Tiles: t.state.Tiles, Busy: t.busy, SellerConfirmed: t.state.SellerConfirmed,
		CASEnrolled: t.state.CASEnrolled, SDDSEnrolled: t.state.SDDSEnrolled}
	if v.Tiles == nil {
		v.Tiles = []tiles.Tile{}
	}
	v.Connected, v.Total = tiles.Progress(v.Tiles)
	if v.Total == 0 {
		v.Total = 5
	}
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

// Refresh re-checks every tile: the seller probe, the partner role, the
// Notifications checks (nothing to enroll in), and Test Configuration of CAS
// and SDDS where the user says they are enrolled.
func (t *Tiles) Refresh() TilesView {
	t.mu.Lock()
	s := t.state
	t.mu.Unlock()
	return t.run(RunWhat{CAS: s.CASEnrolled, SDDS: s.SDDSEnrolled, Notifications: true})
}

// TestCAS runs CAS Test Configuration.
func (t *Tiles) TestCAS() TilesView { return t.run(RunWhat{CAS: true}) }

// TestSDDS runs SDDS Test Configuration.
func (t *Tiles) TestSDDS() TilesView { return t.run(RunWhat{SDDS: true}) }

// TestNotifications runs the Notifications Test Configuration.
func (t *Tiles) TestNotifications() TilesView { return t.run(RunWhat{Notifications: true}) }

// RunWhat says which Test Configurations a run includes.
type RunWhat struct{ CAS, SDDS, Notifications bool }

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
		CASEnrolled: s.CASEnrolled, SDDSEnrolled: s.SDDSEnrolled, TestCAS: what.CAS, TestSDDS: what.SDDS,
		PreviousCAS: s.CAS, PreviousCASAt: s.CASAt, PreviousSDDS: s.SDDS, PreviousSDDSAt: s.SDDSAt,
		TestNotifications: what.Notifications, PreviousNotifications: s.Notifications, PreviousNotificationsAt: s.NotificationsAt})
	if res.Record != nil {
		t.ob.adopt(ctx, *res.Record)
	}
	t.mu.Lock()
	if t.key == tgt.Key() {
		t.state.Tiles, t.state.CAS, t.state.CASAt, t.state.SDDS, t.state.SDDSAt = res.Tiles, res.CAS, res.CASAt, res.SDDS, res.SDDSAt
		t.state.Notifications, t.state.NotificationsAt = res.Notifications, res.NotificationsAt
	}
	t.busy = false
	s = t.state
	t.mu.Unlock()
	t.save(ctx, tgt.Key(), s)
	t.emit()
	return t.State()
}

// SetEnrolled records the user's "Enrolled in CAS/SDDS" toggle; enrolling
// runs Test Configuration at once, as the guide's next step.
func (t *Tiles) SetEnrolled(tile string, enrolled bool) (TilesView, error) {
	t.mu.Lock()
	switch tile {
	case tiles.TileCAS:
		t.state.CASEnrolled = enrolled
	case tiles.TileSDDS:
		t.state.SDDSEnrolled = enrolled
	default:
		t.mu.Unlock()
		return t.State(), fmt.Errorf("only the CAS and SDDS tiles have an enrollment toggle, not %q", tile)
	}
	key, s := t.key, t.state
	t.mu.Unlock()
	t.save(t.life.context(), key, s)
	return t.run(RunWhat{CAS: tile == tiles.TileCAS && enrolled, SDDS: tile == tiles.TileSDDS && enrolled}), nil
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
