package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sellerdesk/sellerdesk/internal/applog"
	"github.com/sellerdesk/sellerdesk/internal/bundle"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

func bundleCommand(e *env) *cobra.Command {
	var o bundleExportOptions
	export := &cobra.Command{
		Use:   "export [-o FILE] [--no-catalog] [--include-external-id] [--dry-run | --show-raw]",
		Short: "export a support bundle of the current target (redacted) and print what it holds",
		Long: `Read the current target (a profile, --endpoint-url, a sandbox) through the
same AWS clients SellerDesk uses, and save a support bundle: the identity, the
onboarding stack with its events, the live documents of each resource it
created, the tiles with every check, the Catalog's entities and tags and recent
change sets (unless --no-catalog), and the end of the log. A read AWS refuses is
recorded as refused. No credential is ever in it, and the external ID is
replaced by a marker unless you pass --include-external-id.

It prints what the bundle holds and what was redacted. --dry-run saves
nothing; --show-raw prints the bundle itself instead of saving it.`,
		Example: "  sellerdesk bundle export --profile seller -o customer.sdbundle\n  sellerdesk bundle export --sandbox sdds-broken --dry-run\n  sellerdesk bundle export --no-catalog --show-raw",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runBundleExport(c.Context(), e, o) },
	}
	f := export.Flags()
	f.StringVarP(&o.out, "output", "o", "", "save the bundle to `FILE` (default sellerdesk-ACCOUNT-DATE.sdbundle)")
	f.BoolVar(&o.noCatalog, "no-catalog", false, "leave the Catalog's entities, tags and change sets out")
	f.BoolVar(&o.includeExternalID, "include-external-id", false, "keep the external ID instead of a marker")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what the bundle would hold, save nothing")
	f.BoolVar(&o.showRaw, "show-raw", false, "print the bundle's raw JSON instead of saving it")
	f.StringVar(&o.stackName, "stack-name", onboarding.DefaultStackName, "onboarding stack name")
	show := &cobra.Command{
		Use:     "show FILE",
		Short:   "print what a support bundle holds: account, region, version, stack, tiles, what was redacted",
		Example: "  sellerdesk bundle show customer.sdbundle\n  sellerdesk bundle show customer.sdbundle --json",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("bundle show takes one FILE")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return runBundleShow(e, args[0]) },
	}
	c := group("bundle", "export or show", export, show)
	c.Use = "bundle export|show"
	c.Short = "support bundles: export the current target's setup, show a bundle (open one with --bundle FILE)"
	c.Example = "  sellerdesk bundle export -o customer.sdbundle\n  sellerdesk bundle show customer.sdbundle\n  sellerdesk status --bundle customer.sdbundle"
	return c
}

type bundleExportOptions struct {
	out, stackName                                string
	noCatalog, includeExternalID, dryRun, showRaw bool
}

// folderLog opens the SellerDesk folder's log, where bundle exports and
// imports are recorded; nil when the folder cannot be found.
func folderLog() *applog.Logger {
	dir, err := store.DefaultDir()
	if err != nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil
	}
	return applog.Open(dir, slog.LevelInfo)
}

func runBundleExport(ctx context.Context, e *env, o bundleExportOptions) error {
	if o.dryRun && o.showRaw {
		return usagef("--dry-run and --show-raw cannot be used together")
	}
	if (o.dryRun || o.showRaw) && o.out != "" {
		return usagef("-o saves the bundle; --dry-run and --show-raw save nothing (leave out one of them)")
	}
	log := folderLog()
	defer log.Close()
	m, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	t, cfg, err := m.Current()
	if err != nil {
		return err
	}
	kind := t.Kind
	if kind == session.KindProfile && t.Endpoint != "" {
		kind = "endpoint"
	}
	bo := bundle.Options{TargetKind: kind, Target: t.Label(), Region: t.Region, StackName: o.stackName, NoCatalog: o.noCatalog,
		IncludeExternalID: o.includeExternalID}
	if log != nil {
		bo.LogPath = log.Path
	}
	b, err := bundle.Export(ctx, cfg, bo)
	if err != nil {
		if log != nil {
			log.Warn("support bundle export failed", "target", t.Key(), "err", err)
		}
		return fmt.Errorf("exporting a support bundle: %w", err)
	}
	data, err := bundle.Encode(b)
	if err != nil {
		return err
	}
	if o.showRaw {
		_, err := e.Stdout.Write(data)
		return err
	}
	sum := bundle.Summarize(b)
	if o.dryRun {
		if e.g.JSON {
			return e.printJSON(sum)
		}
		sum.Print(e.Stdout)
		fmt.Fprintf(e.Stdout, "\nDry run: nothing saved (%d bytes). Run without --dry-run to save it, or with --show-raw to read it.\n", len(data))
		return nil
	}
	path := o.out
	if path == "" {
		path = fmt.Sprintf("sellerdesk-%s-%s%s", b.Header.Account, time.Now().UTC().Format("20060102-150405"), bundle.Ext)
	}
	if err := bundle.WriteFile(path, data); err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	if log != nil {
		log.Info("support bundle exported", "target", t.Key(), "account", b.Header.Account, "region", b.Header.Region, "file", abs,
			"catalog", !o.noCatalog, "externalIdIncluded", o.includeExternalID, "bytes", len(data))
	}
	if e.g.JSON {
		return e.printJSON(map[string]any{"file": abs, "bytes": len(data), "summary": sum})
	}
	sum.Print(e.Stdout)
	fmt.Fprintf(e.Stdout, "\nSaved %s (%d bytes).\n", abs, len(data))
	return nil
}

func runBundleShow(e *env, path string) error {
	data, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	b, err := bundle.Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sum := bundle.Summarize(b)
	if e.g.JSON {
		return e.printJSON(sum)
	}
	sum.Print(e.Stdout)
	fmt.Fprintf(e.Stdout, "\nOpen it with --bundle %s (for example 'sellerdesk status --bundle %s').\n", path, path)
	return nil
}
