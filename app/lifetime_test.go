package app

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestLifetimeStopCancelsAndWaits(t *testing.T) {
	l := newLifetime()
	var finished atomic.Bool
	started := make(chan struct{})
	l.goWork(func() {
		close(started)
		<-l.context().Done()
		time.Sleep(20 * time.Millisecond) // work after the cancel, e.g. a last cache write
		finished.Store(true)
	})
	<-started
	if !l.stop(5 * time.Second) {
		t.Fatal("stop gave up waiting")
	}
	if !finished.Load() {
		t.Fatal("stop returned before the background work did")
	}
	if l.context().Err() == nil {
		t.Error("context not cancelled by stop")
	}
	if l.goWork(func() { t.Error("work ran after stop") }) {
		t.Error("goWork accepted work after stop")
	}
}

func TestLifetimeStopGivesUpAfterLimit(t *testing.T) {
	l := newLifetime()
	release := make(chan struct{})
	defer close(release)
	l.goWork(func() { <-release }) // ignores cancellation
	if l.stop(30 * time.Millisecond) {
		t.Fatal("stop reported done while work was still running")
	}
}

func TestNilLifetimeRunsWork(t *testing.T) {
	var l *lifetime
	done := make(chan struct{})
	if !l.goWork(func() { close(done) }) {
		t.Fatal("nil lifetime refused work")
	}
	<-done
	if l.context().Err() != nil || !l.stop(time.Millisecond) {
		t.Error("nil lifetime should never end")
	}
}
