package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
)

var tileTitles = map[string]string{tiles.TileSeller: "Seller account", tiles.TileRole: "Role and access", tiles.TileCAS: "CAS", tiles.TileSDDS: "SDDS",
	tiles.TileNotifications: "Notifications"}

// runTiles runs the checks for `status` (every tile) or `test cas|sdds|notifications`.
func (e *env) runTiles(ctx context.Context, stackName string, testCAS, testSDDS, testNotifications bool) ([]tiles.Tile, error) {
	m, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	id, err := m.WhoAmI(ctx)
	if err != nil {
		return nil, err
	}
	t, cfg, _ := m.Current()
	rec, found, err := onboarding.Discover(ctx, cloudformation.NewFromConfig(cfg), t.Key(), stackName)
	if err != nil {
		return nil, err
	}
	var recp *onboarding.StackRecord
	if found {
		recp = &rec
	}
	// The enrollment toggles live in the window; the CLI runs Test
	// Configuration as if enrolled, which is what asking for a test means.
	res := tiles.Run(ctx, cfg, recp, tiles.RunOptions{AccountID: id.Account, CASEnrolled: true, SDDSEnrolled: true, TestCAS: testCAS, TestSDDS: testSDDS,
		TestNotifications: testNotifications})
	return res.Tiles, nil
}

func (e *env) printTiles(ts []tiles.Tile) {
	for _, t := range ts {
		fmt.Fprintf(e.Stdout, "%-16s %-15s %s\n", tileTitles[t.ID], strings.ToUpper(string(t.State)), t.Summary)
		for _, f := range t.Fields {
			fmt.Fprintf(e.Stdout, "    %-26s %s\n", f.Label, f.Value)
		}
		for _, c := range t.Checks {
			mark := map[string]string{tiles.StatusPassed: "✓", tiles.StatusFailed: "✗", tiles.StatusCouldNotCheck: "?"}[c.Status]
			fmt.Fprintf(e.Stdout, "    %s %s — %s\n", mark, c.Name, c.Detail)
			if c.Status != tiles.StatusPassed && c.Fix != "" {
				fmt.Fprintf(e.Stdout, "      fix: %s\n", c.Fix)
			}
		}
		for _, n := range t.Notes {
			fmt.Fprintf(e.Stdout, "    note: %s %s\n", n.Text, n.Link)
		}
	}
	c, total := tiles.Progress(ts)
	fmt.Fprintf(e.Stdout, "\n%d of %d connected\n", c, total)
}

func runStatus(ctx context.Context, e *env, stackName string) error {
	ts, err := e.runTiles(ctx, stackName, true, true, true)
	if err != nil {
		return err
	}
	if e.g.JSON {
		if err := e.printJSON(ts); err != nil {
			return err
		}
	} else {
		e.printTiles(ts)
	}
	if c, total := tiles.Progress(ts); c != total {
		return fmt.Errorf("%d of %d tiles connected", c, total)
	}
	return nil
}

func runTest(ctx context.Context, e *env, which, stackName string) error {
	ts, err := e.runTiles(ctx, stackName, which == "cas", which == "sdds", which == tiles.TileNotifications)
	if err != nil {
		return err
	}
	var tile tiles.Tile
	for _, t := range ts {
		if t.ID == which {
			tile = t
		}
	}
	if e.g.JSON {
		if err := e.printJSON(tile); err != nil {
			return err
		}
	} else {
		e.printTiles([]tiles.Tile{tile})
	}
	if tile.State != tiles.StateConnected {
		return fmt.Errorf("%s Test Configuration: %s", strings.ToUpper(which), tile.State)
	}
	return nil
}
