package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/httplimits"
)

// Options configure Start.
type Options struct {
	// Addr is the loopback address to listen on; default "127.0.0.1:0" (a
	// random free port). Non-loopback addresses are refused.
	Addr string
	// Scenario names the starting state (see Scenarios); default "fresh".
	Scenario string
	// TimeScale paces simulated events such as CloudFormation stack
	// operations: 1 (or 0) is realistic, 60 makes a simulated minute pass in
	// a second, and tests use 1000 or more. Default 1.
	TimeScale float64
	// Logf, if set, receives one line per request (service, action, status,
	// request ID) plus lifecycle messages; it may be called from several
	// goroutines at once. Credentials are never logged.
	Logf func(format string, args ...any)
	// AllowedOrigins are the browser origins (e.g. "wails://wails") whose
	// pages may call the sandbox. Default none: no page of SellerDesk's
	// calls it (the Go services do), and a request carrying any other
	// Origin, or a browser's Sec-Fetch-* headers, is refused unrun.
	AllowedOrigins []string
	// Timeouts bound how long a client may take; zero fields get
	// DefaultTimeouts' values.
	Timeouts Timeouts
	// StateDir, if set, keeps each scenario's state in StateDir/NAME.json
	// (StateFileFor): loaded when the scenario is started or switched to
	// (the built-in state when there is no file yet), saved as it changes
	// and on Close. Reset writes the built-in state back.
	StateDir string
	// StateFile, if set, is the one state file the server serves (created
	// from Scenario when missing) and saves back to; it wins over StateDir.
	StateFile string
	// State, if set, is the document the server starts from (a support
	// bundle's, say), under its own scenario name, in memory only: it is
	// never saved, and Reset of that scenario starts from it again. Its
	// operations under way are not resumed: it stays as it was captured.
	State *State
}

// Timeouts are the server's limits on slow clients. The longest a handler
// waits is an SQS long poll (sqsMaxWait), well within Write.
type Timeouts = httplimits.Timeouts

// DefaultTimeouts are generous for loopback clients and the SDKs' retries.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}

// Server is a running sandbox.
type Server struct {
	opts Options
	pace *pace // the time scale, changeable while serving
	ln   net.Listener
	hs   *http.Server

	mu      sync.RWMutex
	acct    *Account
	persist *persister // the state file of acct, nil when not kept on disk

	closeOnce sync.Once
	closeErr  error
	done      chan struct{}
}

// Start validates o, builds the scenario's account, and serves on o.Addr until
// ctx is done or Close is called.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Scenario == "" {
		o.Scenario = DefaultScenario
	}
	if o.TimeScale == 0 {
		o.TimeScale = 1
	}
	if err := checkTimeScale(o.TimeScale); err != nil {
		return nil, err
	}
	if err := checkLoopback(o.Addr); err != nil {
		return nil, err
	}
	if o.State != nil {
		o.Scenario, o.StateDir, o.StateFile = o.State.Scenario, "", ""
	} else if _, err := LookupScenario(o.Scenario); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen on %s: %w", o.Addr, err)
	}
	s := &Server{opts: o, ln: ln, pace: newPace(o.TimeScale), done: make(chan struct{})}
	acct, p, err := s.openAccount(o.Scenario, false)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s.acct, s.persist = acct, p
	go s.saveLoop()
	s.hs = o.Timeouts.Or(DefaultTimeouts).Server(s)
	go func() {
		if err := s.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("sandbox: server stopped: %v", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	s.logf("sandbox: listening on %s (scenario %s, account %s)", s.URL(), acct.Scenario, acct.ID)
	return s, nil
}

// checkLoopback refuses any address that is not on a loopback interface: the
// sandbox accepts any credentials, so it must not be reachable from elsewhere.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox: invalid listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("sandbox: refusing to listen on %q: the sandbox accepts any credentials, so it only listens on loopback addresses (127.0.0.1, ::1 or localhost)", addr)
}

func (s *Server) buildScenario(name string) (*Account, error) {
	sc, err := LookupScenario(name)
	if err != nil {
		return nil, err
	}
	a, err := sc.buildWith(s.env())
	if err == nil {
		a.resumeOperations() // a scenario file may hold a stack under way
	}
	return a, err
}

func (s *Server) env() accountEnv {
	return accountEnv{endpoint: s.URL(), pace: s.pace, logf: s.logf}
}

// URL is the endpoint to give clients, e.g. "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Account returns the current account. Reset replaces it with a new one, so
// do not hold on to it across a Reset.
func (s *Server) Account() *Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.acct
}

// Scenario is the name of the scenario the current account was built from.
func (s *Server) Scenario() string { return s.Account().Scenario }

// TimeScale is the pace of simulated events (1 = realistic).
func (s *Server) TimeScale() float64 {
	scale, _ := s.pace.get()
	return scale
}

// SetTimeScale changes the pace while the server runs: stack operations and
// change sets under way carry on at the new pace from now on (a demo sped
// up, or slowed down to watch). It must be a positive number.
func (s *Server) SetTimeScale(scale float64) error {
	if err := checkTimeScale(scale); err != nil {
		return err
	}
	s.pace.set(scale)
	s.logf("sandbox: time scale %g", scale)
	return nil
}

// Reset throws the current state away and rebuilds it from the named
// scenario's built-in state (writing it to the scenario's state file, when
// the server keeps one). Requests already in flight finish against the old
// account; its background work (stack operations under way) is stopped
// before Reset returns.
func (s *Server) Reset(scenario string) error { return s.replace(scenario, true) }

// Switch makes the named scenario current: its saved state when the server
// keeps state on disk and the scenario has a file (the current scenario's
// state is saved first), else its built-in state, as Reset.
func (s *Server) Switch(scenario string) error { return s.replace(scenario, false) }

func (s *Server) replace(scenario string, builtIn bool) error {
	oldAcct, oldP := s.current()
	if oldP != nil {
		oldAcct.shutdown()
		unlock := oldP.lock()
		if !oldP.changed() {
			s.save(oldAcct, oldP)
		}
		unlock()
	}
	acct, p, err := s.openAccount(scenario, builtIn)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	s.mu.Lock()
	old := s.acct
	s.acct, s.persist = acct, p
	s.mu.Unlock()
	old.shutdown() // stops the old account's stack operations
	s.logf("sandbox: switched to scenario %s (account %s, built-in state %v)", acct.Scenario, acct.ID, builtIn || p == nil)
	return nil
}

// StateFile is the file the current state is kept in, "" when none.
func (s *Server) StateFile() string {
	if _, p := s.current(); p != nil {
		return p.path
	}
	return ""
}

// Done is closed once the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops the server immediately; it is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.hs.Close()
		acct, p := s.current()
		acct.shutdown()
		if p != nil {
			unlock := p.lock()
			if !p.changed() {
				s.save(acct, p)
			}
			unlock()
		}
		close(s.done)
		s.logf("sandbox: stopped")
	})
	return s.closeErr
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// ServeHTTP refuses browsers, authenticates (loosely), routes by the
// credential scope's service, and logs one line per request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	acct, p := s.current()
	if p != nil {
		s.servePersisted(w, r, p)
		return
	}
	s.serve(w, r, acct)
}

// serve handles one request against acct and returns it (its action set).
func (s *Server) serve(w http.ResponseWriter, r *http.Request, acct *Account) *call {
	rec := &statusRecorder{ResponseWriter: w}
	c := &call{srv: s, req: r, acct: acct, start: time.Now(), w: w}

	scope, authErr := parseAuth(r)
	c.scope = scope
	c.service = scope.Service
	// A page's request is refused whatever its signature says (the sandbox
	// cannot verify one), and before unsigned routes are considered.
	if p := browserProblem(r, s.opts.AllowedOrigins); p != nil {
		authErr = p
	}
	// Past the limit the body reads fail and the connection is closed
	// (w, not rec: only the server's own writer can close it).
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(c.service))
	}
	if authErr != nil && authErr.kind == errMissingAuth {
		for _, u := range unsignedRoutes {
			if u.match(r) {
				c.service, authErr = u.service, nil
				break
			}
		}
	}
	svc := services[c.service]
	var p protocol = svc
	if svc == nil {
		p = guessProtocol(r)
	}
	c.requestID = p.newRequestID()
	p.setRequestID(rec.Header(), c.requestID)

	defer func() {
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.logf("sandbox: %s %s panic (request %s): %v", c.service, c.action, c.requestID, v)
			if rec.status == 0 {
				p.writeError(rec, c, p.common(errInternal, fmt.Sprintf("the SellerDesk sandbox failed to handle this request: %v", v)))
			}
		}
		s.logRequest(c, rec.status)
	}()

	switch {
	case authErr != nil:
		c.action = guessAction(r)
		p.writeError(rec, c, p.common(authErr.kind, authErr.msg))
	case svc == nil:
		c.action = guessAction(r)
		p.writeError(rec, c, p.common(errUnknownService, fmt.Sprintf(
			"the SellerDesk sandbox does not implement service %q (credential scope %s/%s); it implements: %s",
			c.service, scope.Region, scope.Service, strings.Join(sortedKeys(services), ", "))))
	default:
		svc.serve(rec, c)
	}
	return c
}

func (s *Server) logRequest(c *call, status int) {
	if status == 0 {
		status = http.StatusOK
	}
	service, action := c.service, c.action
	if service == "" {
		service = "-"
	}
	if action == "" {
		action = "-"
	}
	s.logf("sandbox: %s %s %d request-id=%s (%s)", service, action, status, c.requestID,
		time.Since(c.start).Round(time.Microsecond))
}

// guessAction names the operation of a request that was not routed, for logs.
func guessAction(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	// An awsquery POST names its action in the form body, which nothing else
	// will read once the request has been rejected.
	if containsFold(r.Header.Get("Content-Type"), "x-www-form-urlencoded") && r.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if form, err := url.ParseQuery(string(b)); err == nil && form.Get("Action") != "" {
			return form.Get("Action")
		}
	}
	return r.Method + " " + r.URL.Path
}

// statusRecorder remembers the status code written, for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
