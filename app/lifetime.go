package app

import (
	"context"
	"sync"
	"time"
)

// lifetime is shared by the services so that quitting stops their work:
// every call and background goroutine runs under its context, and Close
// waits for the goroutines before the cache and the log are closed, so
// nothing writes to either after the window is gone.
type lifetime struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newLifetime() *lifetime {
	ctx, cancel := context.WithCancel(context.Background())
	return &lifetime{ctx: ctx, cancel: cancel}
}

// context is cancelled when the app quits. A nil lifetime (a service built
// alone in a test) never ends.
func (l *lifetime) context() context.Context {
	if l == nil {
		return context.Background()
	}
	return l.ctx
}

// goWork runs fn in the background, counted so stop can wait for it; fn
// takes its context from l.context(). After stop it runs nothing and says so.
func (l *lifetime) goWork(fn func()) bool {
	if l == nil {
		go fn()
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		fn()
	}()
	return true
}

// stop cancels the context and waits up to limit for the background work to
// return; it reports whether everything did.
func (l *lifetime) stop(limit time.Duration) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cancel()
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}
