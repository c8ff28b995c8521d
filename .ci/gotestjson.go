//go:build ignore

// gotestjson reads `go test -json` on stdin and prints what `go test`
// without -v prints (package results, and the output of failed tests
// only), so that .ci/test.sh can run go test -json and still be readable.
// Every skipped test is appended, with the reason it gave, to the file
// named by -skips (one line each), for the summary at the end of make test.
//
//	go test -json ./... | go run .ci/gotestjson.go -skips FILE
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

func main() {
	skipsFile := flag.String("skips", "", "append one line per skipped test to this file")
	label := flag.String("label", "go test", "what the skip lines say ran the tests")
	flag.Parse()

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var skips []string
	buf := map[string][]string{} // package + "\x00" + test → output lines so far
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		line := in.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintln(out, string(line)) // not JSON: pass it through (go vet, build errors)
			continue
		}
		switch e.Action {
		case "build-output", "build-fail":
			fmt.Fprint(out, e.Output)
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch {
		case e.Test == "" && e.Action == "output":
			// Package-level lines: "ok", "FAIL", panics, timeouts, races after
			// the last test. "=== RUN"-like lines and the bare PASS are -v noise.
			if o := e.Output; o != "PASS\n" && !strings.HasPrefix(o, "=== ") {
				fmt.Fprint(out, o)
			}
		case e.Action == "output":
			buf[key] = append(buf[key], e.Output)
		case e.Action == "fail":
			for _, o := range buf[key] {
				fmt.Fprint(out, o)
			}
			out.Flush()
			delete(buf, key)
		case e.Action == "skip" && e.Test != "":
			skips = append(skips, fmt.Sprintf("%s: %s %s: %s", *label, e.Package, e.Test, reason(buf[key])))
			delete(buf, key)
		case e.Action == "pass":
			delete(buf, key)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "gotestjson:", err)
		os.Exit(1)
	}
	if *skipsFile != "" && len(skips) > 0 {
		sort.Strings(skips)
		f, err := os.OpenFile(*skipsFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gotestjson:", err)
			os.Exit(1)
		}
		defer f.Close()
		fmt.Fprintln(f, strings.Join(skips, "\n"))
	}
}

// reason is what a skipped test printed, less the lines go test adds.
func reason(lines []string) string {
	var r []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		r = append(r, t)
	}
	if len(r) == 0 {
		return "(no reason given)"
	}
	return strings.Join(r, " / ")
}
