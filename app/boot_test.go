package app

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/session"
)

var bootRE = regexp.MustCompile(`<script id="` + BootScriptID + `" type="application/json">(.*?)</script>`)

func TestInjectBoot(t *testing.T) {
	hostile := BootState{Session: ConnectionState{Error: &ErrorView{Message: `</script><script>alert(1)</script> & <b>`}}}
	tests := []struct {
		name    string
		page    string
		state   BootState
		wantErr bool
	}{
		{name: "vite page", page: `<!doctype html><html><head><script type="module" src="/assets/index.js"></script></head><body><div id="app"></div></body></html>`},
		{name: "values that look like markup stay inside the element", page: `<html><head></head><body></body></html>`, state: hostile},
		{name: "no head", page: `<html><body></body></html>`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := injectBoot([]byte(tt.page), tt.state)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %s", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(out), "</script>"); n != strings.Count(tt.page, "</script>")+1 {
				t.Fatalf("the state closed a script element early (%d closings): %s", n, out)
			}
			m := bootRE.FindSubmatch(out)
			if m == nil {
				t.Fatalf("no boot element in %s", out)
			}
			var got BootState
			if err := json.Unmarshal(m[1], &got); err != nil {
				t.Fatalf("boot JSON does not parse: %v\n%s", err, m[1])
			}
			if (got.Session.Error == nil) != (tt.state.Session.Error == nil) ||
				(got.Session.Error != nil && got.Session.Error.Message != tt.state.Session.Error.Message) {
				t.Errorf("round trip: got %+v, want %+v", got.Session.Error, tt.state.Session.Error)
			}
			if !strings.HasSuffix(string(out), strings.TrimPrefix(tt.page, tt.page[:strings.Index(tt.page, "</head>")])) {
				t.Errorf("the page after </head> changed: %s", out)
			}
		})
	}
}

// The page carries exactly what the three State calls return after Start.
func TestInjectBootCarriesTheStartedState(t *testing.T) {
	svc, _, _ := newServices(t, "", "")
	svc.Start(context.Background(), &session.Target{Kind: session.KindSandbox, Name: "fresh"})
	out := svc.InjectBoot([]byte("<html><head></head><body></body></html>"))
	m := bootRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no boot element: %s", out)
	}
	var got BootState
	if err := json.Unmarshal(m[1], &got); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(BootState{Session: svc.Session.State(), Onboarding: svc.Onboarding.State(), Tiles: svc.Tiles.State()})
	again, _ := json.Marshal(got)
	if string(again) != string(want) {
		t.Errorf("boot state\n got %s\nwant %s", again, want)
	}
	if got.Session.Target == nil || got.Session.Target.Name != "fresh" {
		t.Errorf("boot session target %+v, want the fresh sandbox", got.Session.Target)
	}
}
