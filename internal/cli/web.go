package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/sellerdesk/sellerdesk/app"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/webbridge"
)

// runServeWeb serves the real frontend and the real bound services to a
// browser on loopback: the browser end-to-end tests drive this. The URL it
// prints carries a per-run token; without it nothing but static assets is
// served.
func runServeWeb(ctx context.Context, e *env, addr string) error {
	if err := webbridge.CheckLoopback(addr); err != nil {
		return usagef("%v", err)
	}
	if e.Assets == nil {
		return errors.New("this build has no web UI")
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	bridge := webbridge.New(e.Assets, nil)
	svc, err := app.Build(ctx, app.Options{Platform: bridge, Started: time.Now(), TimeScale: e.g.TimeScale, Polling: webPolling(e.g.TimeScale)})
	if err != nil {
		return err
	}
	defer svc.Close()
	bridge.Bind(svc.Bindings()...)
	bridge.Page = svc.InjectBoot
	var asked = e.g.Target()
	if e.g.Sandbox == "" && e.g.Bundle == "" && e.g.Profile == "" {
		asked.Kind, asked.Name = "sandbox", "fresh"
	}
	svc.Start(ctx, &asked)
	// The server answers only Host = this address, and the page and API
	// only with the token the printed URL carries.
	srv := bridge.Server(ln, webbridge.Timeouts{})
	fmt.Fprintf(e.Stdout, "SellerDesk web UI: %s\n", bridge.URL())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// webPolling follows a fast sandbox quickly; real AWS gets the default.
func webPolling(scale float64) onboarding.Polling {
	if scale > 1 {
		return onboarding.Polling{Min: 200 * time.Millisecond, Max: time.Second, ThrottleMax: 5 * time.Second, Backoff: 1.5}
	}
	return onboarding.DefaultPolling
}
