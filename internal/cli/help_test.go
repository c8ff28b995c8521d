package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// walk calls f on every command under c, c included, hidden ones too.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, s := range c.Commands() {
		walk(s, f)
	}
}

// TestEveryCommandAnswersHelp walks the command tree, so that a command
// added later cannot be forgotten: each has a summary and an example, and
// `--help` (and `help COMMAND`) exits 0 printing its usage, its example and
// every flag it takes to stdout, nothing to stderr.
func TestEveryCommandAnswersHelp(t *testing.T) {
	isolate(t, "", "")
	root := newRoot(&env{Deps: Deps{}, g: Globals{TimeScale: 1}})
	var paths [][]string
	walk(root, func(c *cobra.Command) {
		path := strings.Fields(commandName(c))
		if c == root {
			path = nil
		}
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("%q has no Short", c.CommandPath())
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no Example", c.CommandPath())
		}
		if !c.Runnable() {
			t.Errorf("%q does nothing when run (it should be a usage error or work)", c.CommandPath())
		}
		paths = append(paths, path)
	})
	if len(paths) < 30 {
		t.Fatalf("walked only %d commands", len(paths))
	}
	for _, path := range paths {
		for _, form := range [][]string{append(append([]string{}, path...), "--help"), append([]string{"help"}, path...), append(append([]string{}, path...), "-h")} {
			t.Run(strings.Join(form, " "), func(t *testing.T) {
				code, out, errOut := runCLI(t, form...)
				if code != ExitOK || errOut != "" {
					t.Fatalf("exit %d, want 0\nstdout: %s\nstderr: %s", code, out, errOut)
				}
				for _, want := range []string{"Usage:", "Examples:", "sellerdesk " + strings.Join(path, " ")} {
					if !strings.Contains(out, want) {
						t.Errorf("help lacks %q:\n%s", want, out)
					}
				}
				c, _, err := newRoot(&env{g: Globals{TimeScale: 1}}).Find(path)
				if err != nil {
					t.Fatal(err)
				}
				c.Flags().VisitAll(func(f *pflag.Flag) {
					if !strings.Contains(out, "--"+f.Name) {
						t.Errorf("help lacks the flag --%s:\n%s", f.Name, out)
					}
				})
				c.InheritedFlags().VisitAll(func(f *pflag.Flag) {
					if !strings.Contains(out, "--"+f.Name) {
						t.Errorf("help lacks the global flag --%s:\n%s", f.Name, out)
					}
				})
			})
		}
	}
}

// TestSingleDashFlags: "-name" is still "--name", as with the flag package
// the CLI used before, but never after "--", never as a flag's value, and
// never for a word that names no flag.
func TestSingleDashFlags(t *testing.T) {
	root := newRoot(&env{g: Globals{TimeScale: 1}})
	for _, tc := range []struct{ in, want string }{
		{"-json whoami -sandbox fresh", "--json whoami --sandbox fresh"},
		{"whoami -sandbox=fresh", "whoami --sandbox=fresh"},
		{"launch --external-id -json -wait", "launch --external-id -json --wait"},
		{"tags add ARN -- -sandbox x", "tags add ARN -- -sandbox x"},
		{"tags remove ARN -nosuchflag", "tags remove ARN -nosuchflag"},
		{"policy lint - -h", "policy lint - -h"},
	} {
		if got := strings.Join(doubleDash(root, strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("doubleDash(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	isolate(t, "", "")
	if code, out, errOut := runCLI(t, "-sandbox", "fresh", "whoami", "-json"); code != ExitOK || !strings.Contains(out, `"account": "111122223333"`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
