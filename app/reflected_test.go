package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// The bound services talk to an endpoint that reflects the request's
// headers and every credential shape: what the page is given (returned
// views, returned errors as main.go's ErrorFormatter formats them, emitted
// events), the log and state.db hold none of them. Views are checked as
// returned, not only as emitted: the page reads both.
func TestBoundServicesRedactAReflectingEndpoint(t *testing.T) {
	config, creds := redacttest.Credentials("leaky")
	svc, rp, dir := newServices(t, config, creds)
	refl := redacttest.NewReflector(t)
	got := func(what string, v any, err error) {
		t.Helper()
		b, merr := json.Marshal(v)
		if merr != nil {
			t.Fatalf("%s: encoding %T: %v", what, v, merr)
		}
		text := string(b)
		if err != nil {
			fe, ferr := json.Marshal(svc.FormatError(err))
			if ferr != nil {
				t.Fatalf("%s: encoding the error: %v", what, ferr)
			}
			text += "\n" + string(fe)
		}
		if leaks := redacttest.Leaks(text, refl.Signatures()...); len(leaks) > 0 {
			t.Errorf("%s gives the page %q", what, leaks)
		}
	}

	svc.Start(context.Background(), &session.Target{Kind: session.KindProfile, Name: "leaky", Endpoint: refl.URL})
	st := svc.Session.Refresh()
	got("Session.Refresh", st, nil)
	if st.Error == nil || !strings.Contains(st.Error.Message, "SignedHeaders=") {
		t.Fatalf("the reflected headers did not reach the page, so the test proves nothing: %+v", st.Error)
	}
	got("Tiles.Refresh", svc.Tiles.Refresh(), nil)
	v, err := svc.Catalog.RefreshEntities(false)
	got("Catalog.RefreshEntities", v, err)
	sv, err := svc.Onboarding.Launch(LaunchForm{StackName: "SellerDesk-Onboarding", PartnerAccountID: "210987654321", ExternalID: "ext-123456", Acknowledged: true})
	got("Onboarding.Launch", sv, err)
	ps, err := svc.Policies.Principals()
	got("Policies.Principals", ps, err)
	for _, e := range rp.Events {
		got("event "+e.Name, e.Data, nil)
	}
	if len(refl.Signatures()) == 0 {
		t.Fatal("the reflector saw no signed request")
	}

	svc.Close()
	home := filepath.Join(dir, "home")
	for _, name := range []string{"sellerdesk.log", "state.db"} {
		b, err := os.ReadFile(filepath.Join(home, name))
		if err != nil {
			t.Fatal(err)
		}
		if leaks := redacttest.Leaks(string(b), refl.Signatures()...); len(leaks) > 0 {
			t.Errorf("%s holds %q", name, leaks)
		}
	}
}
