package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Persistence: a server given Options.StateDir or Options.StateFile keeps
// its account in a state document on disk. It loads the file when it
// starts (or builds the scenario and writes it), saves after every request
// that changes something and while background work (a stack operation, a
// change set) is under way, and on Close. Several processes may serve the
// same file (the window and the CLI on one SellerDesk folder): each reloads
// it before a request when its size or modification time changed since it
// last loaded or saved it, and holds an exclusive lock on FILE.lock around
// reload, request and save, so that a request never works on stale state.
// (SQS requests are the exception: a long poll may wait 20 seconds, so they
// reload and save under the lock but are served outside it.)

// saveEvery is how often background progress is written.
const saveEvery = 200 * time.Millisecond

// StateFileFor is where a SellerDesk folder's sandbox keeps scenario name's state.
func StateFileFor(dir, scenario string) string { return filepath.Join(dir, scenario+".json") }

type persister struct {
	// mu serializes this process's load-modify-save cycles (the file lock
	// only excludes other processes).
	mu    sync.Mutex
	path  string
	stamp fileStamp // the file as this process last loaded or saved it
	last  []byte    // what this process last loaded or saved
}

type fileStamp struct {
	size int64
	mod  time.Time
}

func stampOf(path string) (fileStamp, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	return fileStamp{size: fi.Size(), mod: fi.ModTime()}, true
}

// lock takes the process's and the file's exclusive locks; the function it
// returns releases them.
func (p *persister) lock() func() {
	p.mu.Lock()
	unlock, err := lockPath(p.path + ".lock")
	if err != nil {
		// Without the file lock, processes may overwrite each other's
		// changes; the sandbox still works.
		unlock = func() {}
	}
	return func() {
		unlock()
		p.mu.Unlock()
	}
}

// changed reports whether the file differs from what this process last saw.
// Caller holds the lock.
func (p *persister) changed() bool {
	st, ok := stampOf(p.path)
	return ok && st != p.stamp
}

// read loads the document. Caller holds the lock.
func (p *persister) read() (State, error) {
	b, err := os.ReadFile(p.path)
	if err != nil {
		return State{}, err
	}
	s, err := DecodeState(b)
	if err != nil {
		return State{}, fmt.Errorf("%s: %w", p.path, err)
	}
	p.last = b
	p.stamp, _ = stampOf(p.path)
	return s, nil
}

// write saves s atomically (temp file, fsync, rename) unless it is what the
// file already holds. Caller holds the lock.
func (p *persister) write(s State) error {
	b, err := EncodeState(s)
	if err != nil {
		return err
	}
	if bytes.Equal(b, p.last) && !p.changed() {
		return nil
	}
	if err := writeFileAtomic(p.path, b); err != nil {
		return err
	}
	p.last = b
	p.stamp, _ = stampOf(p.path)
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sandbox state: writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// statePath is the state file of scenario name on this server, "" when the
// server keeps no state on disk.
func (s *Server) statePath(name string) string {
	switch {
	case s.opts.StateFile != "":
		return s.opts.StateFile
	case s.opts.StateDir != "":
		return StateFileFor(s.opts.StateDir, name)
	}
	return ""
}

// openAccount builds the account for scenario name: from its state file if
// there is one (builtIn false), else from the scenario, which is then saved.
// It returns the persister of the file, nil when there is none.
func (s *Server) openAccount(name string, builtIn bool) (*Account, *persister, error) {
	if s.opts.State != nil && name == s.opts.State.Scenario {
		a, err := accountFromState(*s.opts.State, s.env(), false)
		return a, nil, err
	}
	path := s.statePath(name)
	if path == "" {
		a, err := s.buildScenario(name)
		return a, nil, err
	}
	p := &persister{path: path}
	unlock := p.lock()
	defer unlock()
	if !builtIn {
		st, err := p.read()
		switch {
		case err == nil:
			a, err := accountFromState(st, s.env(), true)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", path, err)
			}
			s.logf("sandbox: loaded %s (scenario %s)", path, a.Scenario)
			return a, p, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, nil, err
		}
	}
	a, err := s.buildScenario(name)
	if err != nil {
		return nil, nil, err
	}
	if err := p.write(a.Snapshot()); err != nil {
		a.shutdown()
		return nil, nil, err
	}
	return a, p, nil
}

// current returns the account and its persister.
func (s *Server) current() (*Account, *persister) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.acct, s.persist
}

// reloadLocked replaces the account with the file's state when another
// process changed the file (caller holds p's lock). It returns the account
// in effect.
func (s *Server) reloadLocked(acct *Account, p *persister) *Account {
	if !p.changed() {
		return acct
	}
	st, err := p.read()
	if err != nil {
		s.logf("sandbox: not reloading %s: %v", p.path, err)
		return acct
	}
	next, err := accountFromState(st, s.env(), true)
	if err != nil {
		s.logf("sandbox: not reloading %s: %v", p.path, err)
		return acct
	}
	s.mu.Lock()
	if s.acct != acct || s.persist != p {
		s.mu.Unlock()
		next.shutdown()
		return s.Account()
	}
	s.acct = next
	s.mu.Unlock()
	acct.shutdown()
	s.logf("sandbox: reloaded %s (changed by another process)", p.path)
	return next
}

// save writes acct's state (caller holds p's lock).
func (s *Server) save(acct *Account, p *persister) {
	if err := p.write(acct.Snapshot()); err != nil {
		s.logf("sandbox: %v", err)
	}
}

// servePersisted runs one request against the state on disk.
func (s *Server) servePersisted(w http.ResponseWriter, r *http.Request, p *persister) {
	unlock := p.lock()
	acct, _ := s.current()
	acct = s.reloadLocked(acct, p)
	if isSQSRequest(r) {
		unlock()
		c := s.serve(w, r, acct)
		if !readOnlyAction(c.action) {
			unlock = p.lock()
			if !p.changed() {
				s.save(acct, p)
			}
			unlock()
		}
		return
	}
	defer unlock()
	c := s.serve(w, r, acct)
	if !readOnlyAction(c.action) {
		s.save(acct, p)
	}
}

// isSQSRequest reports a request signed for SQS.
func isSQSRequest(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Authorization"), "/sqs/aws4_request") ||
		strings.Contains(r.URL.RawQuery, "%2Fsqs%2Faws4_request")
}

// readOnlyAction reports an action that changes nothing.
func readOnlyAction(action string) bool {
	if action == "" || action == "-" {
		return true
	}
	for _, p := range []string{"Get", "List", "Describe", "Head", "Validate", "Estimate", "Search", "BatchDescribe"} {
		if strings.HasPrefix(action, p) {
			return true
		}
	}
	return false
}

// saveLoop writes background progress (stack operations, change sets) as it
// happens, and picks up other processes' changes meanwhile.
func (s *Server) saveLoop() {
	t := time.NewTicker(saveEvery)
	defer t.Stop()
	var next time.Time // a large state (catalog-large) is saved less often
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		acct, p := s.current()
		if p == nil || !acct.busy() || time.Now().Before(next) {
			continue
		}
		start := time.Now()
		unlock := p.lock()
		if p.changed() {
			s.reloadLocked(acct, p)
		} else {
			s.save(acct, p)
		}
		unlock()
		next = time.Now().Add(4 * time.Since(start))
	}
}

// ResetStateFile writes scenario's built-in state to path (under the file's
// lock), so that every sandbox serving the file, in this process or another,
// picks it up on its next request.
func ResetStateFile(path, scenario string) error {
	sc, err := LookupScenario(scenario)
	if err != nil {
		return err
	}
	a, err := sc.build()
	if err != nil {
		return err
	}
	defer a.shutdown()
	p := &persister{path: path}
	unlock := p.lock()
	defer unlock()
	return p.write(a.Snapshot())
}
