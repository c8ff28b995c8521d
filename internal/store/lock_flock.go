//go:build (darwin || dragonfly || freebsd || linux || netbsd || openbsd) && !android

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes the same lock bbolt takes on these systems (an exclusive
// flock), without waiting. Closing f releases it.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

func unlockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
