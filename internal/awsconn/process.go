package awsconn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
)

// credentialProcessTimeout bounds one credential_process run: a helper
// waiting for input that never comes must not hang SellerDesk. A variable
// so tests can shorten it.
var credentialProcessTimeout = 60 * time.Second

// maxCredentialProcessOutput caps what SellerDesk reads from a
// credential_process. Credential JSON is a few hundred bytes (a session
// token is about 1 KiB); anything near this size is not credentials.
const maxCredentialProcessOutput = 64 << 10

// processWaitDelay is how long Wait waits, once the process was stopped or
// has exited, for processes it started that still hold its output.
const processWaitDelay = 2 * time.Second

// errCredentialProcessOutputTooLarge is the Err of a CredentialProcessError
// for a process that printed more than maxCredentialProcessOutput.
var errCredentialProcessOutputTooLarge = errors.New("credential_process output too large")

// CredentialProcessError is returned, when credentials are first retrieved,
// for a profile whose credential_process failed. Its message names the
// profile and what went wrong, and never contains a byte of the process's
// output: that output holds (or was meant to hold) credentials.
type CredentialProcessError struct {
	Profile string
	Reason  string
	// Err classifies the failure: a *json.SyntaxError, *json.UnmarshalTypeError,
	// *exec.ExitError, context.DeadlineExceeded or nil. It never carries
	// the output either.
	Err error
}

func (e *CredentialProcessError) Error() string {
	return fmt.Sprintf("AWS profile %q: its credential_process %s", e.Profile, e.Reason)
}

func (e *CredentialProcessError) Unwrap() error { return e.Err }

// RetryableError tells the SDK's retryer not to run the process again for
// the same call: it would fail the same way (or prompt the user again).
func (e *CredentialProcessError) RetryableError() bool { return false }

const notShown = "; SellerDesk does not show that output because it holds credentials"

// processRun records what happened to the last run of a credential_process
// started by a cappedCommand.
type processRun struct {
	mu  sync.Mutex
	ctx context.Context // the SDK's context, with its timeout
	out *limitWriter
}

func (r *processRun) set(ctx context.Context, w *limitWriter) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ctx, r.out = ctx, w
}

func (r *processRun) state() (timedOut, tooLarge bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx != nil {
		timedOut = errors.Is(r.ctx.Err(), context.DeadlineExceeded)
	}
	if r.out != nil {
		tooLarge = r.out.overflowed()
	}
	return timedOut, tooLarge
}

// lingeringOutput reads the credentials a process printed before it exited
// leaving a child that held its output, as the SDK's provider reads them.
func (r *processRun) lingeringOutput() (aws.Credentials, *processcreds.ProviderError) {
	r.mu.Lock()
	out := r.out
	r.mu.Unlock()
	var resp processcreds.CredentialProcessResponse
	if err := json.Unmarshal(out.bytes(), &resp); err != nil {
		return aws.Credentials{}, &processcreds.ProviderError{Err: err}
	}
	if resp.Version != 1 || resp.AccessKeyID == "" || resp.SecretAccessKey == "" {
		return aws.Credentials{}, &processcreds.ProviderError{Err: errors.New("incomplete credential JSON")}
	}
	creds := aws.Credentials{
		Source:          processcreds.ProviderName,
		AccessKeyID:     resp.AccessKeyID,
		SecretAccessKey: resp.SecretAccessKey,
		SessionToken:    resp.SessionToken,
		AccountID:       resp.AccountID,
	}
	if resp.Expiration != nil {
		creds.CanExpire, creds.Expires = true, *resp.Expiration
	}
	return creds, nil
}

// cappedCommand builds the same command as the SDK's default builder, but
// the process's standard output first goes through a limitWriter, so the SDK
// never buffers more than maxCredentialProcessOutput of it.
type cappedCommand struct {
	command string
	limit   int64
	run     *processRun
}

func (c cappedCommand) NewCommand(ctx context.Context) (*exec.Cmd, error) {
	cmd, err := processcreds.DefaultNewCommandBuilder{Args: []string{c.command}}.NewCommand(ctx)
	if err != nil {
		return nil, err
	}
	w := &limitWriter{limit: c.limit}
	// The SDK tees Stdout into its buffer after this writer: once this
	// writer fails, nothing more reaches the buffer and the pipe closes.
	cmd.Stdout = w
	// Stopping "sh -c" at the timeout leaves the helper's own processes
	// holding the output pipe; without this Wait would wait for them.
	cmd.WaitDelay = processWaitDelay
	c.run.set(ctx, w)
	return cmd, nil
}

// limitWriter keeps what it is given (for the one case the SDK drops it,
// see lingeringOutput), and fails once more than limit bytes were written.
type limitWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int64
	over  bool
}

func (w *limitWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if int64(w.buf.Len()+len(p)) > w.limit {
		w.over = true
		return 0, errCredentialProcessOutputTooLarge
	}
	return w.buf.Write(p)
}

func (w *limitWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf.Bytes())
}

func (w *limitWriter) overflowed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.over
}

// processErrorProvider turns the SDK's credential_process errors, which
// quote the whole output, into a *CredentialProcessError that does not.
type processErrorProvider struct {
	profile string
	timeout time.Duration
	inner   aws.CredentialsProvider
	run     *processRun // nil when the SDK runs the process itself
}

func (p processErrorProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	start := time.Now()
	creds, err := p.inner.Retrieve(ctx)
	if err == nil {
		return creds, nil
	}
	var pe *processcreds.ProviderError
	if !errors.As(err, &pe) {
		return creds, err
	}
	var timedOut, tooLarge bool
	if p.run != nil {
		timedOut, tooLarge = p.run.state()
		if !timedOut && !tooLarge && errors.Is(pe, exec.ErrWaitDelay) {
			// The process exited 0, but a process it started still held
			// its output; the SDK counts that as a failure.
			creds, perr := p.run.lingeringOutput()
			if perr == nil {
				return creds, nil
			}
			pe = perr
		}
	} else {
		var exitErr *exec.ExitError
		timedOut = errors.As(pe, &exitErr) && time.Since(start) >= p.timeout
	}
	if ctx.Err() != nil {
		// The caller gave up (window closed, Ctrl-C): say so, not "failed".
		return aws.Credentials{}, fmt.Errorf("running the credential_process of AWS profile %q: %w", p.profile, ctx.Err())
	}
	return aws.Credentials{}, classifyProcessError(p.profile, p.timeout, pe, timedOut, tooLarge)
}

// classifyProcessError builds the error for pe from types only; neither pe's
// text nor anything else that may quote the output is kept.
func classifyProcessError(profile string, timeout time.Duration, pe *processcreds.ProviderError, timedOut, tooLarge bool) *CredentialProcessError {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		timeErr   *time.ParseError
		exitErr   *exec.ExitError
		execErr   *exec.Error
	)
	e := &CredentialProcessError{Profile: profile}
	switch {
	case tooLarge:
		e.Reason = fmt.Sprintf("printed more than %d KiB, far more than credential JSON; SellerDesk stopped reading it and does not show it because it may hold credentials", maxCredentialProcessOutput>>10)
		e.Err = errCredentialProcessOutputTooLarge
	case timedOut:
		e.Reason = fmt.Sprintf("did not finish within %s and was stopped; check that it does not wait for input", timeout)
		e.Err = context.DeadlineExceeded
	case errors.As(pe, &syntaxErr):
		e.Reason = fmt.Sprintf("printed output that is not valid credential JSON (%s at offset %d)"+notShown, syntaxProblem(syntaxErr), syntaxErr.Offset)
		e.Err = syntaxErr // its text is the parser's message alone
	case errors.As(pe, &typeErr):
		e.Reason = fmt.Sprintf("printed credential JSON whose field %q is a JSON %s, not a %s"+notShown, typeErr.Field, typeErr.Value, typeErr.Type)
		e.Err = typeErr
	case errors.As(pe, &timeErr):
		// A *time.ParseError quotes the value: keep only the fact.
		e.Reason = "printed credential JSON whose Expiration is not an RFC 3339 time" + notShown
	case errors.As(pe, &exitErr):
		e.Reason = fmt.Sprintf("failed (%s); run it in a terminal to see why", exitErr.String())
		e.Err = exitErr
	case errors.As(pe, &execErr):
		e.Reason = "could not be started: " + execErr.Err.Error()
		e.Err = execErr.Err
	default:
		// Version not 1, AccessKeyId or SecretAccessKey missing: the SDK's
		// errors for these have no type of their own.
		e.Reason = "printed JSON that is not usable credentials (it needs \"Version\": 1, \"AccessKeyId\" and \"SecretAccessKey\")" + notShown
	}
	return e
}

// guardCredentialProcess makes sure no credential_process output can reach
// an error: when the SDK chose profile's own credential_process, it is
// replaced by the same command read through a cap; otherwise (a
// credential_process further down a source_profile chain) the SDK's
// provider is wrapped so its errors are replaced.
func guardCredentialProcess(cfg *aws.Config, profile, command, chainBase string, chained bool) {
	if cfg.Credentials == nil {
		return
	}
	opt := func(o *processcreds.Options) { o.Timeout = credentialProcessTimeout }
	if cache, ok := cfg.Credentials.(*aws.CredentialsCache); ok && command != "" && cache.IsCredentialsProvider(&processcreds.Provider{}) {
		run := &processRun{}
		inner := processcreds.NewProviderCommand(cappedCommand{command: command, limit: maxCredentialProcessOutput, run: run}, opt)
		cfg.Credentials = aws.NewCredentialsCache(processErrorProvider{profile: profile, timeout: credentialProcessTimeout, inner: inner, run: run})
		return
	}
	if chained {
		cfg.Credentials = aws.NewCredentialsCache(processErrorProvider{profile: chainBase, timeout: credentialProcessTimeout, inner: cfg.Credentials})
	}
}

// syntaxProblem words a JSON syntax error without the character it stopped
// at unless that is JSON punctuation: in `"SecretAccessKey": abc…` the
// parser's "invalid character 'a'" is the secret's first byte. The
// character is only in the parser's text, so that is where it is removed.
func syntaxProblem(e *json.SyntaxError) string {
	const prefix = "invalid character '"
	msg := e.Error()
	if !strings.HasPrefix(msg, prefix) {
		return msg
	}
	rest := msg[len(prefix):]
	if len(rest) >= 2 && rest[1] == '\'' && strings.IndexByte("{}[],:\"", rest[0]) >= 0 {
		return msg
	}
	return "unexpected character"
}
