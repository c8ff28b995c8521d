package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// BootState is the window's first state. It is written into index.html as
// the page is served, so the tiles render while the page is built instead of
// after three IPC round trips that WebKit answers only once the page has
// loaded (measured at ~90 ms after DOMContentLoaded). The window still asks
// for the state afterwards, to pick up anything that changed in between.
type BootState struct {
	Session    ConnectionState `json:"session"`
	Onboarding StackView       `json:"onboarding"`
	Tiles      TilesView       `json:"tiles"`
}

// BootScriptID is the id of the script element holding the BootState; the
// frontend reads it in src/boot.ts.
const BootScriptID = "sellerdesk-boot"

// bootWait bounds how long serving the page waits for Start. Start reads
// only the cache, so it is normally done long before the webview asks.
const bootWait = 2 * time.Second

func (s *Services) markStarted() {
	s.startedOnce.Do(func() { close(s.started) })
}

// boot returns the first state once Start has chosen the target; false if
// Start has not finished within bootWait (the window then asks over IPC).
func (s *Services) boot() (BootState, bool) {
	select {
	case <-s.started:
	case <-time.After(bootWait):
		return BootState{}, false
	}
	return BootState{Session: s.Session.State(), Onboarding: s.Onboarding.State(), Tiles: s.Tiles.State()}, true
}

// InjectBoot returns page with the BootState in a JSON script element at
// the end of <head>, before the app's module script runs. A page without
// </head>, or a state that cannot be encoded, is returned unchanged: the
// window then falls back to asking over IPC.
func (s *Services) InjectBoot(page []byte) []byte {
	b, ok := s.boot()
	if !ok {
		s.Log.Warn("start-up state not ready when the page was served; the window will ask for it")
		return page
	}
	out, err := injectBoot(page, b)
	if err != nil {
		s.Log.Warn("could not write the start-up state into the page", "err", err)
		return page
	}
	return out
}

func injectBoot(page []byte, b BootState) ([]byte, error) {
	at := bytes.Index(page, []byte("</head>"))
	if at < 0 {
		return nil, fmt.Errorf("the page has no </head>")
	}
	// json.Marshal escapes <, > and & as \u003c etc., so no value (a stack
	// status reason, a profile name) can close the script element early.
	js, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encoding the start-up state: %w", err)
	}
	var out bytes.Buffer
	out.Grow(len(page) + len(js) + 80)
	out.Write(page[:at])
	fmt.Fprintf(&out, `<script id="%s" type="application/json">`, BootScriptID)
	out.Write(js)
	out.WriteString("</script>")
	out.Write(page[at:])
	return out.Bytes(), nil
}
