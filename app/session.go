package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// ProfileView is one local AWS profile as the picker shows it.
type ProfileView struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Region  string   `json:"region"`
	Sources []string `json:"sources"`
	Problem string   `json:"problem"`
}

// ScenarioView is one sandbox scenario.
type ScenarioView struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// TargetView says where the app is talking to.
type TargetView struct {
	Kind     string `json:"kind"` // "sandbox" or "profile"
	Name     string `json:"name"`
	Region   string `json:"region"`
	Endpoint string `json:"endpoint"`
	Label    string `json:"label"`
}

// IdentityView is the verified caller.
type IdentityView struct {
	Account   string `json:"account"`
	ARN       string `json:"arn"`
	UserID    string `json:"userId"`
	Region    string `json:"region"`
	Profile   string `json:"profile"`
	CheckedAt string `json:"checkedAt"` // RFC 3339
	Stale     bool   `json:"stale"`     // from the cache, not yet re-verified
}

// ConnectionState is everything the header shows.
type ConnectionState struct {
	Target   *TargetView   `json:"target"`
	Identity *IdentityView `json:"identity"`
	Error    *ErrorView    `json:"error"`
	Busy     bool          `json:"busy"`
}

// MFAPrompt asks the window for a one-time code.
type MFAPrompt struct {
	RequestID string `json:"requestId"`
	Profile   string `json:"profile"`
	Serial    string `json:"serial"`
}

// SSODeviceCode is shown while the browser sign-in runs.
type SSODeviceCode struct {
	Profile   string `json:"profile"`
	URL       string `json:"url"`
	UserCode  string `json:"userCode"`
	ExpiresAt string `json:"expiresAt"`
}

// SSOResult ends a sign-in.
type SSOResult struct {
	Profile string     `json:"profile"`
	OK      bool       `json:"ok"`
	Error   *ErrorView `json:"error"`
}

// Session is the bound service for profiles, the sandbox and identity.
type Session struct {
	life  *lifetime // shared; stopped by Services.Close
	mgr   *session.Manager
	files awsconn.Files
	p     Platform
	log   *slog.Logger

	mu    sync.Mutex
	state ConnectionState

	// onTarget is told when the selected target changes (other services
	// reload what they show for it).
	onTarget []func(ctx context.Context, t session.Target)
	// onReset is told the cache key of a sandbox scenario just reset: the
	// services forget what they cached of it.
	onReset []func(ctx context.Context, key string)
	where   *targetNow // shared: the target the error words are for

	mfaSeq     atomic.Int64
	mfaMu      sync.Mutex
	mfaPending map[string]*mfaRequest
	// mfaDeclined holds the profiles whose MFA prompt the user cancelled:
	// the SDK asks again for every call still waiting on credentials, and
	// the dialog must not come back until the user asks (Refresh, or
	// picking a profile).
	mfaDeclined map[string]bool
}

type mfaRequest struct {
	profile string
	answer  chan mfaAnswer // buffered (1): answered once
}

type mfaAnswer struct {
	code string
	err  error
}

// MFAClosed tells the window a prompt no longer waits (answered, cancelled,
// given up by its caller, or dropped when the target changed).
type MFAClosed struct {
	RequestID string `json:"requestId"`
}

// NewSession wires the service. Call Manager-independent setup before binding.
func NewSession(mgr *session.Manager, files awsconn.Files, p Platform, log *slog.Logger) *Session {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Session{mgr: mgr, files: files, p: p, log: log, mfaPending: map[string]*mfaRequest{}, mfaDeclined: map[string]bool{}}
}

// Profiles lists the local AWS profiles with their kinds.
func (s *Session) Profiles() ([]ProfileView, error) {
	ps, err := awsconn.ListProfiles(s.files)
	if err != nil {
		return nil, err
	}
	out := make([]ProfileView, 0, len(ps))
	for _, p := range ps {
		out = append(out, ProfileView{Name: p.Name, Kind: string(p.Kind), Region: p.Region, Sources: p.Sources, Problem: p.Problem})
	}
	return out, nil
}

// Scenarios lists the sandbox scenarios.
func (s *Session) Scenarios() []ScenarioView {
	var out []ScenarioView
	for _, sc := range sandbox.Scenarios() {
		out = append(out, ScenarioView{Name: sc.Name, Description: sc.Description})
	}
	return out
}

// DemoSpeed is how many times faster than AWS the embedded sandbox runs
// (1 = as slow as AWS): what --time-scale set, or the last SetDemoSpeed.
func (s *Session) DemoSpeed() float64 { return s.mgr.SandboxTimeScale() }

// SetDemoSpeed changes the sandbox's speed while it runs, as --time-scale
// does at start: stack operations and change sets under way carry on at the
// new pace, and the window's pollers follow it. It returns the speed now.
func (s *Session) SetDemoSpeed(scale float64) (float64, error) {
	if err := s.mgr.SetTimeScale(scale); err != nil {
		return s.mgr.SandboxTimeScale(), err
	}
	s.log.Info("sandbox speed changed", "timeScale", scale)
	return s.mgr.SandboxTimeScale(), nil
}

// State returns what is known now, without waiting on the network.
func (s *Session) State() ConnectionState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// restore selects the target remembered from the last run (or the sandbox),
// and shows its cached identity at once, marked stale. It does not call AWS.
func (s *Session) restore(ctx context.Context, fallback session.Target) ConnectionState {
	t, ok := s.mgr.LastTarget(ctx)
	if !ok {
		t = fallback
	}
	st := s.settleUse(ctx, t)
	if st.Error != nil && t != fallback {
		s.log.Warn("last target unusable, falling back", "target", t.Key(), "err", st.Error.Message)
		return s.settleUse(ctx, fallback)
	}
	return st
}

// settleUse selects t and shows its cached identity without calling AWS.
func (s *Session) settleUse(ctx context.Context, t session.Target) ConnectionState {
	if err := s.mgr.Use(ctx, t); err != nil {
		return s.settle(ctx, t, nil, err)
	}
	cur, _, _ := s.mgr.Current()
	s.targetChanged(ctx, cur)
	var idv *IdentityView
	if id, ok := s.mgr.CachedIdentity(ctx, cur); ok {
		idv = identityView(id, true)
	}
	return s.settle(ctx, cur, idv, nil)
}

// UseSandbox switches to the embedded sandbox with a scenario and verifies it.
func (s *Session) UseSandbox(scenario string) ConnectionState {
	return s.use(session.Target{Kind: session.KindSandbox, Name: scenario})
}

// UseProfile switches to a local AWS profile and verifies it.
func (s *Session) UseProfile(name string) ConnectionState {
	return s.use(session.Target{Kind: session.KindProfile, Name: name})
}

// Refresh re-verifies the current target's identity. It is the user asking
// again, so a cancelled MFA prompt may be shown again.
func (s *Session) Refresh() ConnectionState {
	s.mfaMu.Lock()
	clear(s.mfaDeclined)
	s.mfaMu.Unlock()
	ctx, cancel := context.WithTimeout(s.life.context(), 2*time.Minute)
	defer cancel()
	cur, _, err := s.mgr.Current()
	if err != nil {
		return s.settle(ctx, session.Target{}, nil, err)
	}
	s.setBusy(true)
	id, err := s.mgr.WhoAmI(ctx)
	if err != nil {
		// Keep the cached identity on screen; the error says it could not be re-checked.
		var idv *IdentityView
		if cached, ok := s.mgr.CachedIdentity(ctx, cur); ok {
			idv = identityView(cached, true)
		}
		return s.settle(ctx, cur, idv, err)
	}
	return s.settle(ctx, cur, identityView(id, false), nil)
}

// ResetScenario restores the current sandbox scenario's built-in state (its
// document in the SellerDesk folder), forgets what the cache recorded of it,
// and verifies the target again. Only a sandbox can be reset.
func (s *Session) ResetScenario() ConnectionState {
	cur, _, err := s.mgr.Current()
	if err == nil && cur.Kind != session.KindSandbox {
		err = errors.New("only a sandbox scenario can be reset; the current target is an AWS profile")
	}
	ctx, cancel := context.WithTimeout(s.life.context(), 2*time.Minute)
	defer cancel()
	if err != nil {
		return s.settle(ctx, cur, nil, err)
	}
	if err := s.mgr.ResetSandbox(cur.Name); err != nil {
		return s.settle(ctx, cur, nil, err)
	}
	s.log.Info("sandbox scenario reset", "scenario", cur.Name)
	for _, f := range s.onReset {
		f(ctx, cur.Key())
	}
	s.targetChanged(ctx, cur)
	return s.Refresh()
}

func (s *Session) use(t session.Target) ConnectionState {
	ctx, cancel := context.WithTimeout(s.life.context(), 2*time.Minute)
	defer cancel()
	// Prompts still open belong to the previous target's calls.
	s.dropMFAPrompts(func(*mfaRequest) bool { return true })
	s.setBusy(true)
	if err := s.mgr.Use(ctx, t); err != nil {
		return s.settle(ctx, t, nil, err)
	}
	cur, _, _ := s.mgr.Current()
	s.targetChanged(ctx, cur)
	return s.Refresh()
}

func (s *Session) targetChanged(ctx context.Context, t session.Target) {
	s.where.set(t)
	for _, f := range s.onTarget {
		f(ctx, t)
	}
}

func (s *Session) setBusy(b bool) {
	s.mu.Lock()
	s.state.Busy = b
	st := s.state
	s.mu.Unlock()
	s.p.Emit(EventSessionChanged, st)
}

func (s *Session) settle(ctx context.Context, t session.Target, id *IdentityView, err error) ConnectionState {
	var tv *TargetView
	if t.Kind != "" {
		tv = &TargetView{Kind: t.Kind, Name: t.Name, Region: t.Region, Endpoint: t.Endpoint, Label: t.Label()}
	}
	st := ConnectionState{Target: tv, Identity: id}
	if err != nil {
		st.Error = explain(err, targetOptions(t)...)
		s.log.Warn("connection problem", "target", t.Key(), "err", err)
	}
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	s.p.Emit(EventSessionChanged, st)
	return st
}

func identityView(id session.Identity, stale bool) *IdentityView {
	return &IdentityView{Account: id.Account, ARN: id.ARN, UserID: id.UserID, Region: id.Region, Profile: id.Profile,
		CheckedAt: id.CheckedAt.Format(time.RFC3339), Stale: stale}
}

// mfaPrompter returns the prompter the session manager uses: it asks the
// window and waits for SubmitMFACode or CancelMFA. awsconn serialises calls.
func (s *Session) mfaPrompter() awsconn.MFAPrompter {
	return func(ctx context.Context, profile, serial string) (string, error) {
		id := fmt.Sprintf("mfa-%d", s.mfaSeq.Add(1))
		req := &mfaRequest{profile: profile, answer: make(chan mfaAnswer, 1)}
		s.mfaMu.Lock()
		if s.mfaDeclined[profile] {
			s.mfaMu.Unlock()
			return "", awsconn.ErrMFACancelled
		}
		s.mfaPending[id] = req
		s.mfaMu.Unlock()
		defer func() {
			s.mfaMu.Lock()
			_, open := s.mfaPending[id]
			delete(s.mfaPending, id)
			s.mfaMu.Unlock()
			if open {
				// Its caller gave up (timeout, quit): the dialog goes too.
				s.p.Emit(EventMFAClosed, MFAClosed{RequestID: id})
			}
		}()
		s.p.Emit(EventMFAPrompt, MFAPrompt{RequestID: id, Profile: profile, Serial: serial})
		select {
		case a := <-req.answer:
			return a.code, a.err
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for the MFA code: %w", ctx.Err())
		}
	}
}

var mfaCode = regexp.MustCompile(`^[0-9]{6}$`)

// SubmitMFACode answers a pending MFA prompt.
func (s *Session) SubmitMFACode(requestID, code string) error {
	if !mfaCode.MatchString(code) {
		return errors.New("the MFA code is the 6 digits your authenticator shows")
	}
	s.mfaMu.Lock()
	req, ok := s.mfaPending[requestID]
	delete(s.mfaPending, requestID)
	s.mfaMu.Unlock()
	if !ok {
		return fmt.Errorf("no MFA prompt %q is waiting (it may have timed out)", requestID)
	}
	req.answer <- mfaAnswer{code: code}
	return nil
}

// CancelMFA abandons a pending MFA prompt, and every other prompt of the
// same profile: the user said no once, and is not asked again until they
// refresh or pick a profile.
func (s *Session) CancelMFA(requestID string) error {
	s.mfaMu.Lock()
	req, ok := s.mfaPending[requestID]
	if ok {
		s.mfaDeclined[req.profile] = true
	}
	s.mfaMu.Unlock()
	if !ok {
		return fmt.Errorf("no MFA prompt %q is waiting (it may have timed out)", requestID)
	}
	s.dropMFAPrompts(func(r *mfaRequest) bool { return r.profile == req.profile })
	return nil
}

// dropMFAPrompts cancels the pending prompts that match and tells the
// window they are closed.
func (s *Session) dropMFAPrompts(match func(*mfaRequest) bool) {
	s.mfaMu.Lock()
	var ids []string
	for id, r := range s.mfaPending {
		if match(r) {
			ids = append(ids, id)
			r.answer <- mfaAnswer{err: awsconn.ErrMFACancelled}
			delete(s.mfaPending, id)
		}
	}
	s.mfaMu.Unlock()
	slices.Sort(ids)
	for _, id := range ids {
		s.p.Emit(EventMFAClosed, MFAClosed{RequestID: id})
	}
}

// SSOLogin runs the IAM Identity Center device sign-in for a profile. The
// code and URL arrive as an sso:device-code event; the end as sso:done.
func (s *Session) SSOLogin(profile string) error {
	ps, err := awsconn.ListProfiles(s.files)
	if err != nil {
		return err
	}
	var prof *awsconn.Profile
	for i := range ps {
		if ps[i].Name == profile {
			prof = &ps[i]
		}
	}
	if prof == nil || prof.Kind != awsconn.KindSSO {
		return fmt.Errorf("profile %q is not an IAM Identity Center (SSO) profile", profile)
	}
	s.life.goWork(func() {
		ctx, cancel := context.WithTimeout(s.life.context(), 15*time.Minute)
		defer cancel()
		base, err := awsconn.Load(ctx, awsconn.Target{Region: prof.SSORegion, StaticKeys: &awsconn.StaticKeys{AccessKeyID: "anonymous", SecretAccessKey: "anonymous"}}, awsconn.LoadOptions{Files: s.files})
		if err == nil {
			err = awsconn.SSODeviceLogin(ctx, *prof, base, func(dc awsconn.DeviceCode) {
				s.p.Emit(EventSSODeviceCode, SSODeviceCode{Profile: profile, URL: dc.VerificationURIComplete, UserCode: dc.UserCode, ExpiresAt: dc.ExpiresAt.Format(time.RFC3339)})
				if oerr := s.p.OpenURL(dc.VerificationURIComplete); oerr != nil {
					s.log.Warn("could not open the browser", "err", oerr)
				}
			})
		}
		res := SSOResult{Profile: profile, OK: err == nil}
		if err != nil {
			res.Error = explain(err, s.where.options()...)
		}
		s.p.Emit(EventSSODone, res)
		if err == nil {
			s.UseProfile(profile)
		}
	})
	return nil
}
