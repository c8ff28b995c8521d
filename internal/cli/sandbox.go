package cli

import (
	"context"
	"fmt"

	"github.com/sellerdesk/sellerdesk/internal/sandbox"
)

func runSandbox(ctx context.Context, e *env, addr, scenario string) error {
	if e.g.Sandbox != "" && scenario == "fresh" {
		scenario = e.g.Sandbox
	}
	if _, err := sandbox.LookupScenario(scenario); err != nil {
		return err // a wrong value, not a wrong command line: exit 1
	}
	srv, err := sandbox.Start(ctx, sandbox.Options{Addr: addr, Scenario: scenario, TimeScale: e.g.TimeScale})
	if err != nil {
		return err
	}
	defer srv.Close()
	url := srv.URL()
	env := [][2]string{
		{"AWS_ENDPOINT_URL", url},
		{"AWS_ACCESS_KEY_ID", "sandbox"},
		{"AWS_SECRET_ACCESS_KEY", "sandbox"},
		{"AWS_REGION", "us-east-1"},
		{"AWS_DEFAULT_REGION", "us-east-1"},
	}
	if e.g.JSON {
		m := map[string]string{}
		for _, kv := range env {
			m[kv[0]] = kv[1]
		}
		if err := e.printJSON(map[string]any{"endpoint": url, "scenario": scenario, "account": srv.Account().ID, "env": m}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.Stdout, "SellerDesk sandbox — offline, scenario %q, account %s\nEndpoint: %s\n\nUse it from another shell:\n", scenario, srv.Account().ID, url)
		for _, kv := range env {
			fmt.Fprintf(e.Stdout, "  export %s=%s\n", kv[0], kv[1])
		}
		fmt.Fprintf(e.Stdout, "  aws sts get-caller-identity --endpoint-url %s\n\nPress Ctrl+C to stop.\n", url)
	}
	<-ctx.Done()
	fmt.Fprintln(e.Stderr, "sandbox stopped")
	return nil
}
