// Package session owns "where SellerDesk is talking to": the embedded sandbox
// or one of the user's AWS profiles. It starts the sandbox when needed, loads
// the aws.Config every domain package uses, and caches the last verified
// identity so the window can show it before the network answers.
//
// Domain code never asks whether it runs on the sandbox: it gets an aws.Config
// whose endpoint happens to point at loopback.
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/bundle"
	"github.com/sellerdesk/sellerdesk/internal/redact"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

// Kinds of target.
const (
	KindSandbox = "sandbox"
	KindProfile = "profile"
	// KindBundle is a support bundle (Name is its file), served by an
	// embedded sandbox seeded from it.
	KindBundle = "bundle"
)

// DefaultScenario is the sandbox scenario the app opens on.
const DefaultScenario = "fresh"

// sandboxKeys are accepted by the sandbox (it checks that a SigV4 header is
// present, not what signed it). They are not secrets.
var sandboxKeys = awsconn.StaticKeys{AccessKeyID: "SANDBOXACCESSKEY", SecretAccessKey: "sandbox"}

// Target names where requests go.
type Target struct {
	Kind     string `json:"kind"`               // KindSandbox or KindProfile
	Name     string `json:"name"`               // scenario or profile name ("" = default chain)
	Region   string `json:"region,omitempty"`   // overrides the profile's region
	Endpoint string `json:"endpoint,omitempty"` // overrides every service endpoint (profiles only)
	// Detail is set by Use for a bundle: "ACCOUNT — 2 Dec 2026".
	Detail string `json:"detail,omitempty"`
}

// Offline reports a target served by the embedded sandbox: a scenario or a
// support bundle.
func (t Target) Offline() bool { return t.Kind == KindSandbox || t.Kind == KindBundle }

// TargetError is a target that cannot be used as given: the caller's
// mistake (a usage error on the command line), found before anything is
// loaded or stored.
type TargetError struct {
	Reason string
}

func (e *TargetError) Error() string { return e.Reason }

// errEndpointUserinfo never quotes the endpoint: its userinfo is a secret.
var errEndpointUserinfo = &TargetError{Reason: "the endpoint URL contains a user name or password (…@); SellerDesk never stores credentials: remove them and put credentials in a profile"}

// Check refuses a target that must not be used or remembered: an endpoint
// URL carrying a user name or password would end up in the state file (in
// the last target, cache keys and the stack record) and in logs.
func (t Target) Check() error {
	if t.Endpoint != "" && redact.HasURLUserinfo(t.Endpoint) {
		return errEndpointUserinfo
	}
	return nil
}

// Key is the stable cache key of a target.
func (t Target) Key() string { return t.Kind + ":" + t.Name }

// CacheScope keys cached AWS data of this target: Key, plus the endpoint
// when a profile's calls go elsewhere than AWS, so a fake never mixes with AWS.
func (t Target) CacheScope() string {
	if t.Endpoint != "" && !t.Offline() { // the sandbox's port changes each run
		return t.Key() + "@" + t.Endpoint
	}
	return t.Key()
}

// StartsEmpty reports whether the target's AWS state does not outlive this
// process: the embedded sandbox starts afresh with each run, so data cached
// from an earlier run must be read again in full, not incrementally.
func (t Target) StartsEmpty() bool { return t.Offline() }

// Label is how the target is shown to a person.
func (t Target) Label() string {
	if t.Kind == KindSandbox {
		return "Sandbox — offline (" + t.Name + ")"
	}
	if t.Kind == KindBundle {
		return "Support bundle — " + t.Detail + " — offline"
	}
	name := t.Name
	if name == "" {
		name = "default credentials"
	}
	return "Profile " + name
}

// Identity is a verified caller identity and when it was checked.
type Identity struct {
	awsconn.Identity
	CheckedAt time.Time `json:"checkedAt"`
}

// Options configure a Manager.
type Options struct {
	Store     *store.Store // optional: identity and last-target cache
	Files     awsconn.Files
	MFA       awsconn.MFAPrompter
	TimeScale float64 // sandbox pacing; 0 = realistic
	Logger    *slog.Logger
	// SandboxDir is where the embedded sandbox keeps each scenario's state
	// (NAME.json), so that it survives restarts and is shared by the window
	// and the CLI on one SellerDesk folder. Default: the "sandbox" folder
	// beside the Store's file; with neither, the sandbox forgets on Close.
	SandboxDir string
}

// SandboxDirFor is the folder a SellerDesk folder's sandbox keeps its state in.
func SandboxDirFor(folder string) string { return filepath.Join(folder, "sandbox") }

// Manager is safe for concurrent use.
type Manager struct {
	o Options

	mu     sync.Mutex
	target Target
	cfg    aws.Config
	loaded bool
	sb     *sandbox.Server
	// sbBundle is the bundle file sb serves, "" when it serves scenarios.
	sbBundle string
}

// New returns a Manager with no target selected.
func New(o Options) *Manager {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SandboxDir == "" && o.Store != nil && o.Store.Path() != "" {
		o.SandboxDir = SandboxDirFor(filepath.Dir(o.Store.Path()))
	}
	return &Manager{o: o}
}

// Use switches to t (a *TargetError when t.Check refuses it): starts or resets the sandbox for a sandbox target and
// loads the AWS configuration. It does not call AWS; WhoAmI does.
func (m *Manager) Use(ctx context.Context, t Target) error {
	if err := t.Check(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch t.Kind {
	case KindBundle:
		detail, err := m.startBundleLocked(ctx, t.Name)
		if err != nil {
			return err
		}
		t.Detail, t.Endpoint = detail, m.sb.URL()
		if t.Region == "" {
			t.Region = m.sb.Account().Region
		}
		keys := sandboxKeys
		cfg, err := awsconn.Load(ctx, awsconn.Target{Region: t.Region, EndpointURL: t.Endpoint, StaticKeys: &keys}, awsconn.LoadOptions{Files: m.o.Files})
		if err != nil {
			return fmt.Errorf("connecting to the support bundle's sandbox: %w", err)
		}
		m.cfg = cfg
	case KindSandbox:
		if t.Name == "" {
			t.Name = DefaultScenario
		}
		if _, err := sandbox.LookupScenario(t.Name); err != nil {
			return err
		}
		if err := m.startSandboxLocked(ctx, t.Name); err != nil {
			return err
		}
		t.Endpoint = m.sb.URL()
		if t.Region == "" {
			t.Region = "us-east-1"
		}
		keys := sandboxKeys
		cfg, err := awsconn.Load(ctx, awsconn.Target{Region: t.Region, EndpointURL: t.Endpoint, StaticKeys: &keys}, awsconn.LoadOptions{Files: m.o.Files})
		if err != nil {
			return fmt.Errorf("connecting to the sandbox: %w", err)
		}
		m.cfg = cfg
	case KindProfile:
		cfg, err := awsconn.Load(ctx, awsconn.Target{Profile: t.Name, Region: t.Region, EndpointURL: t.Endpoint}, awsconn.LoadOptions{Files: m.o.Files, MFA: m.o.MFA})
		if err != nil {
			return err
		}
		if t.Region == "" {
			t.Region = cfg.Region
		}
		m.cfg = cfg
	default:
		return fmt.Errorf("unknown target kind %q (want %q, %q or %q)", t.Kind, KindSandbox, KindProfile, KindBundle)
	}
	m.target = t
	m.loaded = true
	m.o.Logger.Info("target selected", "target", t.Key(), "region", t.Region)
	if m.o.Store != nil && t.Kind != KindBundle { // a bundle is opened on purpose, each time
		// The endpoint of a sandbox changes every run: remember only what the user chose.
		remembered := t
		if t.Kind == KindSandbox {
			remembered.Endpoint = ""
		}
		if err := m.o.Store.Put(ctx, store.BucketSettings, "last_target", remembered); err != nil {
			m.o.Logger.Warn("could not remember the target", "err", err)
		}
	}
	return nil
}

// startBundleLocked serves the support bundle in file from a new sandbox
// seeded from it (in memory: the file is never written). It returns the
// bundle's "ACCOUNT — D Mon YYYY".
func (m *Manager) startBundleLocked(ctx context.Context, file string) (string, error) {
	data, err := bundle.ReadFile(file)
	if err != nil {
		return "", err
	}
	b, err := bundle.Decode(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	st, err := bundle.ToState(b)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	if m.sb != nil {
		_ = m.sb.Close()
		m.sb, m.sbBundle = nil, ""
	}
	srv, err := sandbox.Start(context.WithoutCancel(ctx), sandbox.Options{State: &st, TimeScale: m.o.TimeScale, Logf: func(format string, args ...any) {
		m.o.Logger.Debug("sandbox: " + fmt.Sprintf(format, args...))
	}})
	if err != nil {
		return "", fmt.Errorf("serving the support bundle %s: %w", file, err)
	}
	m.sb, m.sbBundle = srv, file
	m.o.Logger.Info("support bundle imported", "file", file, "account", b.Header.Account, "region", b.Header.Region,
		"exported", b.Header.Created.Format(time.RFC3339), "by", b.Header.SellerDesk)
	return b.Header.Account + " — " + b.Header.Created.Format("2 Jan 2006"), nil
}

func (m *Manager) startSandboxLocked(ctx context.Context, scenario string) error {
	if m.sb != nil && m.sbBundle != "" {
		_ = m.sb.Close()
		m.sb, m.sbBundle = nil, ""
	}
	if m.sb != nil {
		if m.sb.Scenario() == scenario {
			return nil
		}
		return m.sb.Switch(scenario)
	}
	// The sandbox lives as long as the Manager, not the caller's request.
	srv, err := sandbox.Start(context.WithoutCancel(ctx), sandbox.Options{Scenario: scenario, TimeScale: m.o.TimeScale, StateDir: m.o.SandboxDir, Logf: func(format string, args ...any) {
		m.o.Logger.Debug("sandbox: " + fmt.Sprintf(format, args...))
	}})
	if err != nil {
		return fmt.Errorf("starting the embedded sandbox: %w", err)
	}
	m.sb = srv
	return nil
}

// ResetSandbox restores scenario name's built-in state: in the running
// sandbox when it serves that scenario, and in the scenario's state file
// (rewritten, so that other processes serving it pick the reset up).
func (m *Manager) ResetSandbox(name string) error {
	if _, err := sandbox.LookupScenario(name); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sb != nil && m.sbBundle == "" && m.sb.Scenario() == name {
		return m.sb.Reset(name)
	}
	if m.o.SandboxDir == "" {
		return nil
	}
	if err := sandbox.ResetStateFile(sandbox.StateFileFor(m.o.SandboxDir, name), name); err != nil {
		return fmt.Errorf("resetting the sandbox scenario %s: %w", name, err)
	}
	return nil
}

// LastTarget returns the target remembered from the previous run, if any.
func (m *Manager) LastTarget(ctx context.Context) (Target, bool) {
	if m.o.Store == nil {
		return Target{}, false
	}
	var t Target
	ok, err := m.o.Store.Get(ctx, store.BucketSettings, "last_target", &t)
	if err != nil || !ok || t.Kind == "" {
		return Target{}, false
	}
	if t.Check() != nil {
		// Remembered by a version that did not refuse it: forget it.
		if err := m.o.Store.Delete(ctx, store.BucketSettings, "last_target"); err != nil {
			m.o.Logger.Warn("could not forget a remembered target that is refused", "err", err)
		}
		return Target{}, false
	}
	return t, true
}

// ErrNoTarget is returned before Use succeeded.
var ErrNoTarget = errors.New("no AWS profile or sandbox selected yet")

// Current returns the selected target and its configuration.
func (m *Manager) Current() (Target, aws.Config, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loaded {
		return Target{}, aws.Config{}, ErrNoTarget
	}
	return m.target, m.cfg.Copy(), nil
}

// TimeScale is how many times faster than AWS the current target paces
// what it does (change sets, stacks): the sandbox's time scale, 1 for AWS.
// Pollers divide their interval by it.
func (m *Manager) TimeScale() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.target.Offline() && m.o.TimeScale > 1 {
		return m.o.TimeScale
	}
	return 1
}

// SetTimeScale changes how many times faster than AWS the embedded sandbox
// runs, at once if it is running (what is under way carries on at the new
// pace) and for a sandbox started later. It must be a positive number.
func (m *Manager) SetTimeScale(scale float64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sb != nil {
		if err := m.sb.SetTimeScale(scale); err != nil {
			return fmt.Errorf("setting the sandbox's speed: %w", err)
		}
	} else if scale <= 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return fmt.Errorf("setting the sandbox's speed: it must be a positive number, got %v", scale)
	}
	m.o.TimeScale = scale
	return nil
}

// SandboxTimeScale is the embedded sandbox's speed (1 = as slow as AWS),
// whichever the current target.
func (m *Manager) SandboxTimeScale() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sb != nil {
		return m.sb.TimeScale()
	}
	if m.o.TimeScale > 0 {
		return m.o.TimeScale
	}
	return 1
}

// Sandbox returns the running embedded sandbox, or nil.
func (m *Manager) Sandbox() *sandbox.Server {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sb
}

// PollInterval is the shortest interval worth waiting between two reads of
// an operation's progress (a stack, a change set) on the current target: a
// second on AWS, whose Describe calls are throttled per account; a fifth of
// one on the embedded sandbox, on loopback, which does not throttle. This
// is where the pacing differs, so that callers need not ask which it is.
func (m *Manager) PollInterval() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded && m.target.Offline() {
		return 200 * time.Millisecond
	}
	return time.Second
}

// WhoAmI verifies the current target with STS GetCallerIdentity and caches
// the answer.
func (m *Manager) WhoAmI(ctx context.Context) (Identity, error) {
	t, cfg, err := m.Current()
	if err != nil {
		return Identity{}, err
	}
	id, err := awsconn.WhoAmI(ctx, cfg, t.Name)
	if err != nil {
		return Identity{}, err
	}
	if t.Offline() {
		id.Profile = ""
	}
	out := Identity{Identity: id, CheckedAt: time.Now().UTC()}
	if m.o.Store != nil {
		if err := m.o.Store.Put(ctx, store.BucketIdentity, t.Key(), out); err != nil {
			m.o.Logger.Warn("could not cache the identity", "err", err)
		}
	}
	return out, nil
}

// CachedIdentity returns the last identity verified for t, if any.
func (m *Manager) CachedIdentity(ctx context.Context, t Target) (Identity, bool) {
	if m.o.Store == nil {
		return Identity{}, false
	}
	var id Identity
	ok, err := m.o.Store.Get(ctx, store.BucketIdentity, t.Key(), &id)
	if err != nil || !ok {
		return Identity{}, false
	}
	return id, true
}

// ParseTarget reads "sandbox:NAME" or "profile:NAME" (a bare name is a profile).
func ParseTarget(s string) Target {
	if k, n, ok := strings.Cut(s, ":"); ok && (k == KindSandbox || k == KindProfile || k == KindBundle) {
		return Target{Kind: k, Name: n}
	}
	return Target{Kind: KindProfile, Name: s}
}

// Close stops the sandbox if one runs.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sb != nil {
		err := m.sb.Close()
		m.sb, m.sbBundle = nil, ""
		return err
	}
	return nil
}
