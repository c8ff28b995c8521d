package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary be `sellerdesk` itself: testscript puts a
// copy of it named sellerdesk first in PATH, for the scripts' `exec
// sellerdesk` and for tests that need separate processes (each with its
// own Catalog limiter, as users' terminals have).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sellerdesk": func() { os.Exit(Main(os.Args[1:], Deps{})) },
	})
}

// TestScripts runs testdata/script/*.txtar: the command line as a user
// types it, with the AWS CLI and boto3 as judges where installed.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams("testdata/script"))
}

func scriptParams(dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// A folder of its own for SellerDesk and the AWS files; no
			// AWS_* variable of the caller reaches a script.
			aws := filepath.Join(env.WorkDir, ".aws")
			if err := os.MkdirAll(aws, 0o700); err != nil {
				return err
			}
			for _, f := range []string{"config", "credentials"} {
				if err := os.WriteFile(filepath.Join(aws, f), nil, 0o600); err != nil {
					return err
				}
			}
			env.Setenv("AWS_CONFIG_FILE", filepath.Join(aws, "config"))
			env.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(aws, "credentials"))
			env.Setenv("SELLERDESK_HOME", filepath.Join(env.WorkDir, "home"))
			env.Setenv("AWS_PAGER", "")
			// The AWS CLI and boto3 may live under pyenv.
			if v := os.Getenv("PYENV_ROOT"); v != "" {
				env.Setenv("PYENV_ROOT", v)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "boto3":
				return exec.Command("python3", "-c", "import boto3").Run() == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"freeport": cmdFreePort,
			"waitport": cmdWaitPort,
		},
	}
}

// exits N PROGRAM ARGS...: runs the program and fails unless it exits N;
// its stdout and stderr are then checked with stdout and stderr as after
// exec.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// freeport VAR: sets VAR to a free loopback TCP port.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("freeport: %v", err)
	}
	defer ln.Close()
	ts.Setenv(args[0], strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}

// waitport PORT: waits up to 30 s for something to listen on 127.0.0.1:PORT.
func cmdWaitPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitport PORT")
	}
	addr := net.JoinHostPort("127.0.0.1", args[0])
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
	}
	ts.Fatalf("nothing listens on %s", addr)
}
