// Package app holds the services bound to the Wails window. They are thin:
// each turns a user's intent into calls on the internal packages and returns
// plain data (T, error) the frontend can show. Events go out through the
// Platform seam so the same services run in the desktop window, in the web
// build used by the browser tests, and in Go tests with no Wails runtime.
package app

import (
	"path/filepath"
	"sync"

	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// Platform is what a service needs from the window it runs in.
type Platform interface {
	// Emit sends a named event with a JSON-encodable payload to the frontend.
	Emit(event string, data any)
	// OpenURL opens a link in the user's browser.
	OpenURL(url string) error
	// SaveFile asks the user where to save a file, suggesting defaultName,
	// and returns the chosen path; "" when the user cancelled.
	SaveFile(title, defaultName string) (string, error)
}

// redactingPlatform removes credentials from every event payload (check
// details, stack reasons, failures can quote a signed request): the page
// shows them, and the browser build sends them over HTTP.
type redactingPlatform struct{ Platform }

func (p redactingPlatform) Emit(event string, data any) {
	p.Platform.Emit(event, redact.ForJSON(data))
}

// Event names, namespaced by area. The frontend listens to the same strings
// (frontend/src/api/events.ts).
const (
	EventSessionChanged = "session:changed"
	EventMFAPrompt      = "mfa:prompt"
	EventMFAClosed      = "mfa:closed"
	EventSSODeviceCode  = "sso:device-code"
	EventSSODone        = "sso:done"
)

// RecordingPlatform keeps emitted events in memory; tests and the CLI use it.
type RecordingPlatform struct {
	mu     sync.Mutex
	Events []RecordedEvent
	OnEmit func(event string, data any)
	Opened []string
	// SaveDir answers SaveFile with SaveDir/defaultName; "" = cancelled.
	SaveDir string
}

// RecordedEvent is one emitted event.
type RecordedEvent struct {
	Name string
	Data any
}

// Emit records the event and calls OnEmit if set.
func (p *RecordingPlatform) Emit(event string, data any) {
	p.mu.Lock()
	p.Events = append(p.Events, RecordedEvent{Name: event, Data: data})
	hook := p.OnEmit
	p.mu.Unlock()
	if hook != nil {
		hook(event, data)
	}
}

// OpenURL records the URL instead of opening a browser.
func (p *RecordingPlatform) OpenURL(url string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Opened = append(p.Opened, url)
	return nil
}

// Named returns the recorded events with the given name.
func (p *RecordingPlatform) Named(name string) []RecordedEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []RecordedEvent
	for _, e := range p.Events {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// SaveFile answers as if the user accepted the suggested name in SaveDir.
func (p *RecordingPlatform) SaveFile(_, defaultName string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.SaveDir == "" {
		return "", nil
	}
	return filepath.Join(p.SaveDir, filepath.Base(defaultName)), nil
}
