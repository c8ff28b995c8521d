package awsconn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Default deadlines for every AWS call.
const (
	DefaultConnectTimeout   = 5 * time.Second
	DefaultTLSTimeout       = 5 * time.Second
	DefaultFirstByteTimeout = 15 * time.Second
	DefaultCallTimeout      = 30 * time.Second
)

// Deadlines bound every AWS call. A zero field takes its default.
type Deadlines struct {
	// Connect bounds the TCP connect of one attempt.
	Connect time.Duration
	// TLS bounds the TLS handshake of one attempt.
	TLS time.Duration
	// FirstByte bounds the wait for the response headers of one attempt,
	// once the request is sent.
	FirstByte time.Duration
	// Call bounds the whole operation, SDK retries and credential
	// resolution included. A caller's context with an earlier deadline
	// wins.
	Call time.Duration
}

// withDefaults fills the zero fields.
func (d Deadlines) withDefaults() Deadlines {
	if d.Connect <= 0 {
		d.Connect = DefaultConnectTimeout
	}
	if d.TLS <= 0 {
		d.TLS = DefaultTLSTimeout
	}
	if d.FirstByte <= 0 {
		d.FirstByte = DefaultFirstByteTimeout
	}
	if d.Call <= 0 {
		d.Call = DefaultCallTimeout
	}
	return d
}

// UnreachableError means AWS (or the endpoint override) could not be
// reached in time: the connection was refused, or the connect, the first
// byte or the whole call ran past its deadline.
type UnreachableError struct {
	Endpoint string        // host (and port) the call went to
	Within   time.Duration // the deadline that fired; 0 when none did (refused)
	Err      error
}

func (e *UnreachableError) Error() string {
	host := e.Endpoint
	if host == "" {
		host = "the AWS endpoint"
	}
	if e.Within > 0 {
		return fmt.Sprintf("could not reach AWS at %s within %s: check your network, VPN or proxy (or --endpoint-url)", host, e.Within)
	}
	return fmt.Sprintf("could not reach AWS at %s: the connection was refused; check your network, VPN or proxy (or --endpoint-url)", host)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// NewHTTPClient returns the HTTP client every AWS client of SellerDesk uses:
// the SDK's buildable client with connect, TLS and first-byte deadlines.
func NewHTTPClient(d Deadlines) aws.HTTPClient {
	d = d.withDefaults()
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(dl *net.Dialer) { dl.Timeout = d.Connect }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = d.TLS
			tr.ResponseHeaderTimeout = d.FirstByte
		})
}

// DeadlineAPIOptions returns the middleware that puts d.Call around every
// operation (unless the caller's context ends sooner) and turns a timeout
// or a refused connection into *UnreachableError.
//
// The deadline ends when the operation returns: an output whose body is
// read afterwards (S3 GetObject, which SellerDesk does not call) would need
// to be exempted.
func DeadlineAPIOptions(d Deadlines) []func(*middleware.Stack) error {
	return deadlineAPIOptions(d, nil)
}

// credsRef is the config's credentials provider, known only once the
// config is built.
type credsRef struct{ p aws.CredentialsProvider }

func (r *credsRef) set(p aws.CredentialsProvider) {
	if r != nil {
		r.p = p
	}
}

func deadlineAPIOptions(d Deadlines, creds *credsRef) []func(*middleware.Stack) error {
	d = d.withDefaults()
	return []func(*middleware.Stack) error{func(s *middleware.Stack) error {
		if err := s.Initialize.Add(&callDeadline{d: d, creds: creds}, middleware.Before); err != nil {
			return fmt.Errorf("adding the call deadline middleware: %w", err)
		}
		if err := s.Finalize.Add(recordHost{}, middleware.After); err != nil {
			return fmt.Errorf("adding the endpoint recorder middleware: %w", err)
		}
		return nil
	}}
}

// loadDefaultConfigWithDeadlines is config.LoadDefaultConfig with d on
// every client made from the config, the credential providers' included.
// The caller sets ref.p to the config's final credentials provider (after
// any wrapping of cfg.Credentials) before handing the config out.
func loadDefaultConfigWithDeadlines(ctx context.Context, d Deadlines, opts ...func(*config.LoadOptions) error) (aws.Config, *credsRef, error) {
	ref := &credsRef{}
	opts = append(opts, config.WithHTTPClient(NewHTTPClient(d)), config.WithAPIOptions(deadlineAPIOptions(d, ref)))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return cfg, ref, nil
}

// applyDeadlines sets d on a config built by hand.
func applyDeadlines(cfg *aws.Config, d Deadlines) {
	cfg.HTTPClient = NewHTTPClient(d)
	cfg.APIOptions = append(cfg.APIOptions, deadlineAPIOptions(d, &credsRef{p: cfg.Credentials})...)
}

// CallGuard bounds one call made outside the SDK's middleware (a
// hand-signed request) the way DeadlineAPIOptions bounds SDK operations.
type CallGuard struct {
	d     Deadlines
	own   bool
	state *callState
}

// GuardCall returns ctx bounded by d.Call (unless it already ends sooner),
// its cancel func, and the guard that classifies the call's error.
func GuardCall(ctx context.Context, d Deadlines, endpoint string) (context.Context, context.CancelFunc, *CallGuard) {
	d = d.withDefaults()
	ctx, cancel, own := withCallDeadline(ctx, d.Call)
	st := &callState{}
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		st.host = u.Host
	}
	return ctx, cancel, &CallGuard{d: d, own: own, state: st}
}

// Err returns err, or *UnreachableError wrapping it when it is a timeout
// or a refused connection; ctx is the one GuardCall returned.
func (g *CallGuard) Err(ctx context.Context, err error) error {
	return classifyUnreachable(ctx, err, g.d, g.own, g.state)
}

type callStateKey struct{}

type resolvingCredsKey struct{}

type callState struct{ host string }

// withCallDeadline adds a deadline of call unless ctx already has an
// earlier one; own says the deadline is ours.
func withCallDeadline(ctx context.Context, call time.Duration) (context.Context, context.CancelFunc, bool) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= call {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, call)
	return ctx, cancel, true
}

// callDeadline is the Initialize-step middleware: outermost, so its
// deadline covers the SDK's retries, and its classification sees the final
// error only.
//
// The credentials are resolved before the deadline starts: an MFA prompt
// may take the user longer than a call may take the network. The calls
// behind them (AssumeRole, SSO) have deadlines of their own.
type callDeadline struct {
	d     Deadlines
	creds *credsRef
}

func (*callDeadline) ID() string { return "SellerDeskCallDeadline" }

func (m *callDeadline) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	// Not for the calls made while resolving them (AssumeRole's client
	// shares these options): they would wait for themselves.
	if _, inside := ctx.Value(resolvingCredsKey{}).(bool); !inside && m.creds != nil && m.creds.p != nil {
		if _, anon := m.creds.p.(aws.AnonymousCredentials); !anon {
			if _, err := m.creds.p.Retrieve(context.WithValue(ctx, resolvingCredsKey{}, true)); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("retrieving AWS credentials: %w", err)
			}
		}
	}
	ctx, cancel, own := withCallDeadline(ctx, m.d.Call)
	defer cancel()
	st := &callState{}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	out, md, err := next.HandleInitialize(ctx, in)
	if err != nil {
		err = classifyUnreachable(ctx, err, m.d, own, st)
	}
	return out, md, err
}

// recordHost notes where the request goes once its endpoint is resolved,
// so the error can name it even when the deadline fires between attempts.
type recordHost struct{}

func (recordHost) ID() string { return "SellerDeskRecordHost" }

func (recordHost) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
		if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
			st.host = req.URL.Host
		}
	}
	return next.HandleFinalize(ctx, in)
}

// classifyUnreachable wraps err in *UnreachableError when it is a refused
// connection, a transport timeout while the caller's context was still
// live, or our own call deadline. Classified by type, never by text.
func classifyUnreachable(ctx context.Context, err error, d Deadlines, own bool, st *callState) error {
	if err == nil {
		return nil
	}
	var already *UnreachableError
	if errors.As(err, &already) {
		return err
	}
	host := st.host
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			host = u.Host
		}
	}
	ctxErr := ctx.Err()
	switch {
	case own && errors.Is(ctxErr, context.DeadlineExceeded) && errors.Is(err, context.DeadlineExceeded):
		// Our own whole-call deadline.
		return &UnreachableError{Endpoint: host, Within: d.Call, Err: err}
	case ctxErr != nil:
		// The caller's context ended (cancel, or its own earlier
		// deadline): not ours to explain.
		return err
	case isRefused(err):
		return &UnreachableError{Endpoint: host, Err: err}
	}
	if within, ok := transportTimeout(err, d); ok {
		return &UnreachableError{Endpoint: host, Within: within, Err: err}
	}
	return err
}

func isRefused(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial" && errors.Is(err, syscall.ECONNREFUSED)
}

// transportTimeout reports a timeout of the transport (connect, TLS or
// response headers) and which deadline it was.
func transportTimeout(err error, d Deadlines) (time.Duration, bool) {
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		return 0, false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return d.Connect, true
	}
	var urlErr *url.Error
	// *url.Error from the transport: the response headers, or (https
	// only) the TLS handshake, which no exported type tells apart.
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Scheme == "http" {
			return d.FirstByte, true
		}
	}
	return max(d.FirstByte, d.TLS), true
}
