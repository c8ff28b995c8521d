package sandbox

import (
	"fmt"
	"math"
	"sync"
)

// pace is the server's time scale, shared by every account it builds, and
// changeable while it runs (a demo's speed): a wait under way is told of the
// change and finishes at the new pace.
type pace struct {
	mu      sync.Mutex
	scale   float64
	changed chan struct{} // closed, and replaced, on each change
}

func newPace(scale float64) *pace {
	if scale <= 0 {
		scale = 1
	}
	return &pace{scale: scale, changed: make(chan struct{})}
}

// get returns the scale and a channel closed when it next changes. A nil
// pace (an account built without a server) runs at 1.
func (p *pace) get() (float64, <-chan struct{}) {
	if p == nil {
		return 1, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.scale, p.changed
}

func (p *pace) set(scale float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if scale == p.scale {
		return
	}
	p.scale = scale
	close(p.changed)
	p.changed = make(chan struct{})
}

// checkTimeScale refuses what is not a positive, finite number.
func checkTimeScale(scale float64) error {
	if scale <= 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return fmt.Errorf("sandbox: TimeScale must be a positive number, got %v", scale)
	}
	return nil
}

// scale is the account's time scale now (1 without a server).
func (a *Account) scale() float64 {
	s, _ := a.env.pace.get()
	return s
}
