package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sellerdesk/sellerdesk/internal/bundle"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

func runSandbox(ctx context.Context, e *env, addr, scenario, state string) error {
	if e.g.Sandbox != "" && scenario == "fresh" {
		scenario = e.g.Sandbox
	}
	opts := sandbox.Options{Addr: addr, Scenario: scenario, TimeScale: e.g.TimeScale, StateFile: state}
	if e.g.Bundle != "" {
		if state != "" {
			return usagef("--bundle and --state cannot be used together: a bundle is served in memory and never written (leave out one of them)")
		}
		st, err := bundleState(e.g.Bundle)
		if err != nil {
			return err
		}
		opts.State = &st
	} else if _, err := sandbox.LookupScenario(scenario); err != nil {
		return err // a wrong value, not a wrong command line: exit 1
	}
	srv, err := sandbox.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	scenario = srv.Scenario() // a state file says which scenario it started from
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
		out := map[string]any{"endpoint": url, "scenario": scenario, "account": srv.Account().ID, "env": m}
		if state != "" {
			out["state"] = state
		}
		if err := e.printJSON(out); err != nil {
			return err
		}
	} else {
		if e.g.Bundle != "" {
			fmt.Fprintf(e.Stdout, "SellerDesk sandbox — offline, support bundle %s, account %s\nEndpoint: %s\n(changes last until it stops; the bundle is never written)\n", e.g.Bundle, srv.Account().ID, url)
		} else {
			fmt.Fprintf(e.Stdout, "SellerDesk sandbox — offline, scenario %q, account %s\nEndpoint: %s\n", scenario, srv.Account().ID, url)
		}
		if state != "" {
			fmt.Fprintf(e.Stdout, "State: %s (changes are saved to it)\n", state)
		}
		fmt.Fprintf(e.Stdout, "\nUse it from another shell:\n")
		for _, kv := range env {
			fmt.Fprintf(e.Stdout, "  export %s=%s\n", kv[0], kv[1])
		}
		fmt.Fprintf(e.Stdout, "  aws sts get-caller-identity --endpoint-url %s\n\nPress Ctrl+C to stop.\n", url)
	}
	<-ctx.Done()
	fmt.Fprintln(e.Stderr, "sandbox stopped")
	return nil
}

// bundleState reads, checks and converts a support bundle, logging the import.
func bundleState(path string) (sandbox.State, error) {
	data, err := bundle.ReadFile(path)
	if err != nil {
		return sandbox.State{}, err
	}
	b, err := bundle.Decode(data)
	if err != nil {
		return sandbox.State{}, fmt.Errorf("%s: %w", path, err)
	}
	st, err := bundle.ToState(b)
	if err != nil {
		return sandbox.State{}, fmt.Errorf("%s: %w", path, err)
	}
	if log := folderLog(); log != nil {
		log.Info("support bundle imported", "file", path, "account", b.Header.Account, "region", b.Header.Region, "served", "sellerdesk sandbox")
		log.Close()
	}
	return st, nil
}

// sandboxDir is the folder the sandbox of this SellerDesk folder keeps its
// state in.
func sandboxDir() (string, error) {
	dir, err := store.DefaultDir()
	if err != nil {
		return "", err
	}
	return session.SandboxDirFor(dir), nil
}

// runSandboxReset restores the built-in state of scenario name (every
// scenario with a state file when name is "") in this SellerDesk folder.
func runSandboxReset(e *env, name string) error {
	dir, err := sandboxDir()
	if err != nil {
		return err
	}
	names := []string{name}
	if name == "" {
		names = nil
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, f := range files {
			n := strings.TrimSuffix(filepath.Base(f), ".json")
			if _, err := sandbox.LookupScenario(n); err == nil {
				names = append(names, n)
			}
		}
	} else if _, err := sandbox.LookupScenario(name); err != nil {
		return err
	}
	var reset []string
	for _, n := range names {
		path := sandbox.StateFileFor(dir, n)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue // nothing saved: the built-in state is what it serves
		}
		if err := sandbox.ResetStateFile(path, n); err != nil {
			return fmt.Errorf("resetting the sandbox scenario %s: %w", n, err)
		}
		reset = append(reset, n)
	}
	if e.g.JSON {
		if reset == nil {
			reset = []string{}
		}
		return e.printJSON(map[string]any{"reset": reset, "folder": dir})
	}
	switch {
	case len(reset) == 0 && name != "":
		fmt.Fprintf(e.Stdout, "Sandbox scenario %s already has its built-in state (nothing saved in %s).\n", name, dir)
	case len(reset) == 0:
		fmt.Fprintf(e.Stdout, "No sandbox state saved in %s: every scenario has its built-in state.\n", dir)
	default:
		for _, n := range reset {
			fmt.Fprintf(e.Stdout, "Reset sandbox scenario %s to its built-in state (%s).\n", n, sandbox.StateFileFor(dir, n))
		}
	}
	return nil
}

// maxArgs accepts at most n positional arguments.
func maxArgs(n int) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("%s takes at most %d argument(s), got %q", commandName(c), n, args)
		}
		return nil
	}
}
