package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/applog"
	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

// Options configure the composition of the services.
type Options struct {
	// DataDir holds state.db and the log; "" = store.DefaultDir().
	DataDir string
	// Platform receives events; required.
	Platform Platform
	// Started is when the process started (for the ready timing).
	Started time.Time
	// TimeScale paces the sandbox (1 = realistic, larger = faster).
	TimeScale float64
	// Polling paces stack watching; zero: as the session paces the target.
	Polling onboarding.Polling
}

// Services is everything the window binds, built once per process.
type Services struct {
	Session    *Session
	Shell      *Shell
	Onboarding *Onboarding
	Tiles      *Tiles
	Catalog    *Catalog
	Policies   *Policies

	Manager *session.Manager
	Store   *store.Store // nil when another process holds the state file
	Log     *applog.Logger

	life   *lifetime
	target *targetNow // the selected target, for the words of errors

	started     chan struct{} // closed when Start has chosen the target
	startedOnce sync.Once
}

// Build opens the cache and the log and wires the services. A busy or
// corrupt state file does not stop the app: the user is told, and the app
// runs on an empty (or no) cache.
func Build(ctx context.Context, o Options) (*Services, error) {
	dir := o.DataDir
	if dir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			return nil, fmt.Errorf("finding the SellerDesk folder: %w", err)
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the SellerDesk folder %s: %w", dir, err)
	}
	log := applog.Open(dir, slog.LevelInfo)
	if o.Platform != nil {
		o.Platform = redactingPlatform{o.Platform}
	}
	var notices []Notice
	st, err := store.Open(ctx, dir)
	switch {
	case errors.Is(err, store.ErrAlreadyRunning):
		notices = append(notices, Notice{Level: "warning", Title: "SellerDesk is already running",
			Message: "Another SellerDesk process holds the state file, so this one works without its cache. Close the other one to keep what you do here."})
		log.Warn("store busy", "err", err)
		st = nil
	case err != nil:
		log.Error("store unusable", "err", err)
		notices = append(notices, Notice{Level: "error", Title: "The local cache could not be opened", Message: err.Error()})
		st = nil
	default:
		if r := st.Recovered(); r != nil {
			notices = append(notices, Notice{Level: "warning", Title: "The local cache was damaged and has been reset",
				Message: fmt.Sprintf("%s. The damaged file was kept as %s for support; SellerDesk started with an empty cache.", r.Reason, r.MovedTo)})
			log.Warn("store recovered", "moved_to", r.MovedTo, "reason", r.Reason)
		}
	}
	files := awsconn.DefaultFiles()
	s := &Services{Store: st, Log: log}
	s.Session = NewSession(nil, files, o.Platform, log.Logger)
	s.Manager = session.New(session.Options{Store: st, Files: files, MFA: s.Session.mfaPrompter(), TimeScale: o.TimeScale, Logger: log.Logger})
	s.Session.mgr = s.Manager
	s.Onboarding = NewOnboarding(s.Manager, st, o.Platform, log.Logger, o.Polling)
	s.Tiles = NewTiles(s.Manager, st, s.Onboarding, o.Platform, log.Logger)
	s.Catalog = NewCatalog(s.Manager, st, o.Platform, log.Logger)
	s.Policies = NewPolicies(s.Manager, o.Platform, log.Logger)
	s.life = newLifetime()
	s.target = &targetNow{}
	s.Session.where, s.Onboarding.where, s.Tiles.where, s.Catalog.where, s.Policies.where = s.target, s.target, s.target, s.target, s.target
	s.started = make(chan struct{})
	s.Session.life, s.Onboarding.life, s.Tiles.life, s.Catalog.life, s.Policies.life = s.life, s.life, s.life, s.life, s.life
	s.Session.onTarget = append(s.Session.onTarget, s.Onboarding.targetChanged, s.Tiles.targetChanged, s.Catalog.targetChanged)
	s.Session.onReset = append(s.Session.onReset, s.Onboarding.forget, s.Tiles.forget, s.Catalog.forget)
	s.Onboarding.onSettled = func(r onboarding.StackRecord) {
		if r.Phase == onboarding.PhaseConnected || r.Phase == onboarding.PhaseNotConnected {
			// After a launch or delete, as the tiles issue asks.
			s.life.goWork(func() { s.Tiles.Refresh() })
		}
	}
	stateFile := ""
	if st != nil {
		stateFile = st.Path()
	}
	s.Shell = NewShell(ShellOptions{DataDir: dir, StateFile: stateFile, LogFile: log.Path, Notices: notices,
		ReadyFile: os.Getenv("SELLERDESK_READY_FILE"), Started: o.Started}, o.Platform, log.Logger)
	return s, nil
}

// Bindings are the values bound to the window.
func (s *Services) Bindings() []any {
	return []any{s.Session, s.Shell, s.Onboarding, s.Tiles, s.Catalog, s.Policies}
}

// Start selects the initial target: the one asked for on the command line,
// else the one remembered, else the sandbox. It reads only the cache.
func (s *Services) Start(ctx context.Context, asked *session.Target) {
	defer s.markStarted()
	fallback := session.Target{Kind: session.KindSandbox, Name: session.DefaultScenario}
	if asked != nil {
		st := s.Session.settleUse(ctx, *asked)
		if st.Error == nil {
			return
		}
	}
	s.Session.restore(ctx, fallback)
}

// Close releases the sandbox, the cache and the log.
func (s *Services) Close() {
	s.Onboarding.stopWatch()
	s.Catalog.StopBulk() // journalled: resumable at the next start
	s.Catalog.stopWatches()
	if !s.life.stop(10 * time.Second) {
		s.Log.Warn("background work still running at quit; closing the cache anyway")
	}
	_ = s.Manager.Close()
	if s.Store != nil {
		_ = s.Store.Close()
	}
	_ = s.Log.Close()
}
