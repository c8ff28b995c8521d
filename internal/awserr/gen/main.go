// Command gen writes frontend/src/api/errorKinds.ts from internal/awserr.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
)

func main() {
	out := flag.String("o", "", "file to write (default: standard output)")
	flag.Parse()
	if *out == "" {
		fmt.Print(awserr.TypeScript())
		return
	}
	if err := os.WriteFile(*out, []byte(awserr.TypeScript()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
