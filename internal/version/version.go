// Package version holds the build's version, stamped at link time with
// -ldflags "-X github.com/sellerdesk/sellerdesk/internal/version.Version=...".
package version

import "runtime/debug"

// Version is the release version; "dev" for a build that was not stamped.
var Version = "dev"

// Commit is the VCS revision the binary was built from, when known.
var Commit = ""

// String returns "Version (commit)" or just Version.
func String() string {
	c := Commit
	if c == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 7 {
					c = s.Value[:7]
				}
			}
		}
	}
	if c == "" {
		return Version
	}
	return Version + " (" + c + ")"
}
