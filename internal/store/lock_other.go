//go:build !((darwin || dragonfly || freebsd || linux || netbsd || openbsd) && !android) && !windows

package store

import "os"

// Elsewhere bbolt locks differently; skip the pre-check and rely on the
// checks made after bbolt.Open.
func lockFile(*os.File) error   { return errLockUnsupported }
func unlockFile(*os.File) error { return nil }
