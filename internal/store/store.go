// Package store is SellerDesk's local cache: a single bbolt file (state.db)
// in the user's config folder.
//
// Everything in it can be rebuilt from AWS, so the package favours keeping
// the app usable over keeping the file: a damaged file is moved aside (never
// deleted) and replaced by an empty one, and Recovered reports that so the UI
// can tell the user. Nothing secret is ever written here; see Put.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/sellerdesk/sellerdesk/internal/filekind"
)

// FileName is the name of the cache file inside the store folder.
const FileName = "state.db"

// DefaultOpenTimeout is how long Open waits for the file lock. bbolt waits
// forever by default; a second SellerDesk must fail fast with a clear message
// instead of hanging on a blank window.
const DefaultOpenTimeout = 500 * time.Millisecond

var (
	// ErrAlreadyRunning means another process (normally another SellerDesk)
	// holds the lock on the state file.
	ErrAlreadyRunning = errors.New("SellerDesk is already running")

	// ErrNewerSchema means the state file was written by a newer SellerDesk
	// whose data this build does not understand.
	ErrNewerSchema = errors.New("state file schema is newer than this SellerDesk")

	// ErrUnknownBucket is returned for a bucket that no migration created.
	ErrUnknownBucket = errors.New("unknown bucket")
)

// Store is an open state file. Its methods are safe for concurrent use.
type Store struct {
	db        *bbolt.DB
	path      string
	recovered *Recovery
}

// Recovery describes a damaged state file that Open moved aside.
type Recovery struct {
	// MovedTo is where the damaged file now lives (state.db.corrupt-<UTC time>).
	MovedTo string
	// Reason is why the file was judged damaged, for logs and support.
	Reason string
}

// Option configures Open.
type Option func(*options)

type options struct {
	timeout    time.Duration
	migrations []Migration
	now        func() time.Time
}

// WithOpenTimeout sets how long Open waits for the file lock. Values <= 0
// mean DefaultOpenTimeout: waiting forever is never wanted.
func WithOpenTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// withMigrations replaces the package migrations; tests use it.
func withMigrations(ms []Migration) Option {
	return func(o *options) { o.migrations = ms }
}

// DefaultDir returns $SELLERDESK_HOME if set, else <UserConfigDir>/SellerDesk.
func DefaultDir() (string, error) {
	if d := os.Getenv("SELLERDESK_HOME"); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("store: locate config folder: %w", err)
	}
	return filepath.Join(base, "SellerDesk"), nil
}

// Open opens (creating if needed) dir/state.db, recovers from a damaged
// file, and runs pending migrations. It fails with ErrAlreadyRunning rather
// than wait more than the open timeout for another process's lock.
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	o := options{timeout: DefaultOpenTimeout, migrations: migrations, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if err := validateMigrations(o.migrations); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	timeout := o.timeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
		if timeout <= 0 {
			return nil, fmt.Errorf("store: open: %w", context.DeadlineExceeded)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	if err := checkRegular(path); err != nil {
		return nil, err
	}

	db, rec, err := openVerified(path, timeout, o.now)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: db.Path(), recovered: rec}
	if err := s.migrate(ctx, o.migrations); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// NotRegularFileError means state.db exists but is not a regular file (a
// FIFO, a socket, a device, a folder): opening it could hang, and it is
// not the user's cache to move aside.
type NotRegularFileError struct {
	Path string
	Type string      // "a named pipe (FIFO)", "a folder", ...
	Mode os.FileMode // the file's type bits
}

func (e *NotRegularFileError) Error() string {
	return fmt.Sprintf("store: %s is %s, not a file: remove it or set SELLERDESK_HOME to another folder", e.Path, e.Type)
}

// checkRegular refuses an existing path that is not a regular file
// (symbolic links are followed).
func checkRegular(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("store: %s: %w", path, err)
	}
	if fi.Mode().IsRegular() {
		return nil
	}
	return &NotRegularFileError{Path: path, Type: filekind.Describe(fi.Mode()), Mode: fi.Mode().Type()}
}

// openVerified opens path and checks it, moving a damaged file aside and
// starting fresh. It retries once when the file changed under it (another
// SellerDesk starting at the same moment already moved it aside).
func openVerified(path string, timeout time.Duration, now func() time.Time) (*bbolt.DB, *Recovery, error) {
	for attempt := 0; ; attempt++ {
		db, damage, err := openAndCheck(path, timeout)
		if err != nil {
			return nil, nil, err
		}
		if damage == nil {
			return db, nil, nil
		}
		moved, err := moveAside(path, damage.file, now)
		if errors.Is(err, errFileChanged) && attempt == 0 {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("store: %s is damaged (%s) and could not be moved aside: %w", path, damage.reason, err)
		}
		fresh, again, err := openAndCheck(path, timeout)
		if err != nil {
			return nil, nil, err
		}
		if again != nil {
			// A brand-new file should never fail its check; don't loop.
			return nil, nil, fmt.Errorf("store: fresh state file %s failed its check: %s", path, again.reason)
		}
		return fresh, &Recovery{MovedTo: moved, Reason: damage.reason}, nil
	}
}

// damaged says why a file was rejected; file identifies the file that was
// judged, so moveAside does not move a different one.
type damaged struct {
	reason string
	file   os.FileInfo
}

// openAndCheck opens path with bbolt and verifies it. It returns either an
// open, verified db; or damage (db closed, lock released); or an error that
// is not about the file's contents (lock held elsewhere, permissions, I/O).
// See verify.go for why the file is checked before bbolt sees it.
func openAndCheck(path string, timeout time.Duration) (db *bbolt.DB, damage *damaged, err error) {
	deadline := time.Now().Add(timeout)
	checked, damage, err := precheck(path, deadline)
	if err != nil || damage != nil {
		return nil, damage, err
	}

	// Second line of defence if the file changed between precheck and
	// bbolt's lock, or precheck could not lock here: turn faults inside
	// bbolt into panics on this goroutine and recover them, so a bad cache
	// file never crashes the app.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))

	var file *os.File
	var info os.FileInfo
	bopts := &bbolt.Options{
		// Never 0: bbolt would wait for the lock forever.
		Timeout: max(time.Until(deadline), time.Millisecond),
		// Capture bbolt's file so a panic inside bbolt.Open can still
		// release the lock, and to identify the file that was judged.
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			if err == nil {
				file = f
				info, _ = f.Stat()
			}
			return f, err
		},
	}
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			} else if file != nil {
				_ = file.Close()
			}
			db, err = nil, nil
			damage = &damaged{reason: fmt.Sprintf("reading the file crashed bbolt: %v", r), file: info}
		}
	}()

	db, err = bbolt.Open(path, 0o600, bopts)
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			return nil, nil, &alreadyRunningError{path: path, cause: err}
		case isFormatError(err):
			return nil, &damaged{reason: "not a valid bbolt file: " + err.Error(), file: info}, nil
		default:
			return nil, nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
	if reason := verifyOpen(db, file, checked); reason != "" {
		_ = db.Close()
		return nil, &damaged{reason: reason, file: info}, nil
	}
	return db, nil, nil
}

// isFormatError reports whether bbolt.Open failed because of the file's
// contents rather than the environment.
func isFormatError(err error) bool {
	return errors.Is(err, berrors.ErrInvalid) ||
		errors.Is(err, berrors.ErrChecksum) ||
		errors.Is(err, berrors.ErrVersionMismatch) ||
		errors.Is(err, berrors.ErrInvalidMapping)
}

var errFileChanged = errors.New("state file was replaced while being checked")

// moveAside renames the damaged file to state.db.corrupt-<UTC timestamp>.
// It never deletes: the file may matter to the user or to support.
func moveAside(path string, judged os.FileInfo, now func() time.Time) (string, error) {
	cur, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", errFileChanged
		}
		return "", err
	}
	if judged != nil && !os.SameFile(judged, cur) {
		return "", errFileChanged
	}
	base := path + ".corrupt-" + now().UTC().Format("20060102T150405Z")
	dest := base
	for i := 1; ; i++ {
		if _, err := os.Lstat(dest); errors.Is(err, os.ErrNotExist) {
			break
		}
		dest = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, dest); err != nil {
		return "", err
	}
	return dest, nil
}

type alreadyRunningError struct {
	path  string
	cause error
}

func (e *alreadyRunningError) Error() string {
	return fmt.Sprintf("SellerDesk is already running (the state file %s is locked by another process)", e.path)
}

func (e *alreadyRunningError) Is(target error) bool { return target == ErrAlreadyRunning }
func (e *alreadyRunningError) Unwrap() error        { return e.cause }

// Path returns the state file's path.
func (s *Store) Path() string { return s.path }

// Recovered reports the damaged file Open moved aside, or nil.
func (s *Store) Recovered() *Recovery { return s.recovered }

// Close closes the file and releases its lock.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the cache to path (mode 0600) while
// the store stays usable.
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	err := s.db.View(func(tx *bbolt.Tx) error { return tx.CopyFile(path, 0o600) })
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
