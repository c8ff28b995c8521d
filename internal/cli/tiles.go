package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/tiles"
)

// tileTitle is the tile's title from tiles.Kinds.
func tileTitle(id string) string {
	if k, ok := tiles.KindOf(id); ok {
		return k.Title
	}
	return id
}

// runTiles runs the checks for `status` or `test cas|sdds|notifications`: the same checks
// a refresh of the window runs; testCAS also asks CAS for a data set.
func (e *env) runTiles(ctx context.Context, stackName string, testCAS bool) ([]tiles.Tile, error) {
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
	// "Enrolled in SDDS" is the user's word, kept by the window; it changes
	// the SDDS tile's words, never the count, so the CLI does not claim it.
	res := tiles.Run(ctx, cfg, recp, tiles.RunOptions{AccountID: id.Account, TestCAS: testCAS})
	return res.Tiles, nil
}

func (e *env) printTiles(ts []tiles.Tile) {
	for _, t := range ts {
		fmt.Fprintf(e.Stdout, "%-16s %-15s %s\n", tileTitle(t.ID), strings.ToUpper(string(t.State)), t.Summary)
		for _, f := range t.Fields {
			fmt.Fprintf(e.Stdout, "    %-26s %s\n", f.Label, f.Value)
		}
		for _, c := range t.Checks {
			mark := map[string]string{tiles.StatusPassed: "✓", tiles.StatusFailed: "✗", tiles.StatusCouldNotCheck: "?", tiles.StatusWaiting: "…"}[c.Status]
			fmt.Fprintf(e.Stdout, "    %s %s — %s\n", mark, c.Name, c.Detail)
			if c.Status != tiles.StatusPassed && c.Fix != "" {
				fmt.Fprintf(e.Stdout, "      fix: %s\n", c.Fix)
			}
		}
		for _, n := range t.Notes {
			fmt.Fprintf(e.Stdout, "    note: %s %s\n", n.Text, n.Link)
		}
	}
}

// statusJSON is `sellerdesk status --json`: the tiles and the summary the
// window's header shows.
type statusJSON struct {
	Tiles    []tiles.Tile  `json:"tiles"`
	Progress tiles.Summary `json:"progress"`
}

func runStatus(ctx context.Context, e *env, stackName string) error {
	ts, err := e.runTiles(ctx, stackName, false)
	if err != nil {
		return err
	}
	sum := tiles.Summarize(ts)
	if e.g.JSON {
		if err := e.printJSON(statusJSON{Tiles: ts, Progress: sum}); err != nil {
			return err
		}
	} else {
		e.printTiles(ts)
		fmt.Fprintf(e.Stdout, "\n%s\n", sum.Text)
	}
	if !sum.Done() {
		return fmt.Errorf("%s (not connected: %s)", sum.Text, strings.Join(sum.Missing, ", "))
	}
	return nil
}

func runTest(ctx context.Context, e *env, which, stackName string) error {
	ts, err := e.runTiles(ctx, stackName, which == "cas")
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
