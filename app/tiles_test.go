package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
)

func tileStates(v TilesView) map[string]tiles.State {
	out := map[string]tiles.State{}
	for _, t := range v.Tiles {
		out[t.ID] = t.State
	}
	return out
}

func TestFreshLaunchWaitsForAWSAndIsCachedOnRestart(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none2"))
	home := filepath.Join(dir, "home")
	ctx := context.Background()
	build := func() *Services {
		svc, err := Build(ctx, Options{DataDir: home, Platform: &RecordingPlatform{}, Started: time.Now(), TimeScale: 1000, Polling: testPolling})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := build()
	svc.Start(ctx, nil)
	svc.Session.Refresh()
	v := svc.Tiles.Refresh()
	if s := tileStates(v); s["seller"] != tiles.StateCompleted || s["role"] != tiles.StateNotConnected {
		t.Fatalf("before launch: %v", s)
	}
	if _, err := svc.Onboarding.Launch(LaunchForm{StackName: onboarding.DefaultStackName, PartnerAccountID: "123456789012", ExternalID: "ext-tiles", Acknowledged: true}); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, svc.Onboarding, onboarding.PhaseConnected, 60*time.Second)
	// Launched, nothing delivered: SDDS's checks pass but only AWS's delivery
	// would make it Connected; the user's tick changes the words only.
	v = svc.Tiles.Refresh()
	if s := tileStates(v); s["sdds"] != tiles.StateNotEnrolled || s["cas"] != tiles.StateLegacy || s[tiles.TileNotifications] != tiles.StateConnected {
		t.Fatalf("after launch: %v", s)
	}
	if v.Progress.Text != "3 of 4 required connected · CAS legacy" {
		t.Fatalf("after launch: %q", v.Progress.Text)
	}
	if v, err := svc.Tiles.SetEnrolled("sdds", true); err != nil || tileStates(v)["sdds"] != tiles.StateWaiting || v.Progress.Done() {
		t.Fatalf("enrolled on the user's word: %v %q, %v", tileStates(v), v.Progress.Text, err)
	}
	if _, err := svc.Tiles.SetEnrolled("cas", true); err == nil {
		t.Error("the legacy CAS tile has no enrollment toggle")
	}
	if _, err := svc.Tiles.SetEnrolled("role", true); err == nil {
		t.Error("the role tile has no enrollment toggle")
	}
	svc.Close()

	// Next start: the tiles are there at once, from the cache, marked stale.
	// (The embedded sandbox starts empty, so they are not refreshed here.)
	svc = build()
	defer svc.Close()
	svc.Start(ctx, nil)
	v = svc.Tiles.State()
	if v.Progress.Text != "3 of 4 required connected · CAS legacy" || !v.SDDSEnrolled || tileStates(v)["sdds"] != tiles.StateWaiting {
		t.Fatalf("cached: %q %v", v.Progress.Text, tileStates(v))
	}
	for _, tile := range v.Tiles {
		if !tile.Stale {
			t.Errorf("tile %s from the cache is not marked stale", tile.ID)
		}
	}
}

// The window's header and `sellerdesk status` say the same: tiles.Summarize.
func TestTilesViewCountsRequiredTiles(t *testing.T) {
	tests := []struct{ scenario, words string }{
		{"connected", "4 of 4 required connected · CAS legacy"},
		{"not-seller", "0 of 4 required connected · CAS legacy"},
		{"sdds-broken", "3 of 4 required connected · CAS legacy"},
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			svc, _, _ := newServices(t, "", "")
			svc.Start(context.Background(), nil)
			svc.Session.UseSandbox(tc.scenario)
			v := svc.Tiles.Refresh()
			if v.Progress.Text != tc.words || v.Progress.Text != tiles.Summarize(v.Tiles).Text {
				t.Fatalf("header %q, want %q (%v)", v.Progress.Text, tc.words, tileStates(v))
			}
			for _, tile := range v.Tiles {
				if k, _ := tiles.KindOf(tile.ID); tile.Required != k.Required {
					t.Errorf("tile %s required=%v", tile.ID, tile.Required)
				}
			}
		})
	}
}

func TestBrokenScenariosNameTheFailingCheck(t *testing.T) {
	tests := []struct {
		scenario, tile, check string
	}{
		{"cas-broken", "cas", tiles.CASCheckTopic},
		{"sdds-broken", "sdds", tiles.SDDSCheckKey},
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			svc, _, _ := newServices(t, "", "")
			svc.Start(context.Background(), nil)
			svc.Session.UseSandbox(tc.scenario)
			// Nothing ticked: AWS's state already shows the failure.
			v := svc.Tiles.Refresh()
			for _, tile := range v.Tiles {
				if tile.ID != tc.tile {
					continue
				}
				if tile.State != tiles.StateError {
					t.Fatalf("%s tile is %s, want error", tc.tile, tile.State)
				}
				for _, c := range tile.Checks {
					if c.Name == tc.check && c.Status == tiles.StatusFailed && c.Fix != "" {
						return
					}
				}
				t.Fatalf("no failed %q check with a fix: %+v", tc.check, tile.Checks)
			}
			t.Fatalf("no %s tile", tc.tile)
		})
	}
}

// TestTilesDoNotProbeAfterIdentityFailed: when AWS refuses the credentials,
// a refresh asks who the caller is once and probes nothing else; the tiles
// say why (issue 14.1).
func TestTilesDoNotProbeAfterIdentityFailed(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Header.Get("X-Amz-Target")+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`)
	}))
	t.Cleanup(srv.Close)
	svc, _, _ := newServices(t, "[profile dev]\nregion = us-east-1\nendpoint_url = "+srv.URL+"\n",
		"[dev]\naws_access_key_id = AKIAEXAMPLEEXAMPLE1\naws_secret_access_key = secretsecretsecret\n")
	svc.Start(context.Background(), nil)
	svc.Session.UseProfile("dev")
	mu.Lock()
	calls = nil
	mu.Unlock()
	v := svc.Tiles.Refresh()
	if v.Error == nil || v.Error.Kind != "invalid-credentials" {
		t.Fatalf("error %+v, want invalid-credentials", v.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 {
		t.Errorf("%d calls after the identity failed, want the one STS call: %v", len(calls), calls)
	}
}
