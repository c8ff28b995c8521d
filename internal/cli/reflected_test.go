package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

// Every command that calls AWS, against an endpoint that reflects the
// request's headers and every credential shape into its error: stdout,
// stderr and every file under the SellerDesk folder hold none of them.
func TestEveryCommandRedactsAReflectingEndpoint(t *testing.T) {
	config, creds := redacttest.Credentials("leaky")
	dir := isolate(t, config, creds)
	refl := redacttest.NewReflector(t)
	target := []string{"--profile", "leaky", "--endpoint-url", refl.URL}
	var all strings.Builder
	for _, c := range [][]string{
		{"whoami"},
		{"status"},
		{"test", "cas"},
		{"stack", "events"},
		{"stack", "watch"},
		{"stack", "delete", "--yes"},
		{"launch", "--partner-account", "210987654321", "--external-id", "ext-123456"},
		{"entities"},
		{"changeset", "list"},
		{"resale-role"},
	} {
		t.Run(strings.Join(c, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, append(c, target...)...)
			if code == ExitOK {
				t.Errorf("exit 0 against an endpoint that refuses everything\nstdout: %.2000s\nstderr: %.2000s", out, errOut)
			}
			if leaks := redacttest.Leaks(out+errOut, refl.Signatures()...); len(leaks) > 0 {
				t.Errorf("output holds %q\nstdout: %.2000s\nstderr: %.2000s", leaks, out, errOut)
			}
			all.WriteString(out + errOut)
		})
	}
	// The reflection did reach the output (redacted): the test saw the path
	// a leak would take.
	for _, want := range []string{"SignedHeaders=", "Signature=[redacted]", "x-amz-sso_bearer_token: [redacted]"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no command printed %q", want)
		}
	}
	if len(refl.Signatures()) == 0 {
		t.Fatal("the reflector saw no signed request")
	}
	grepHome(t, filepath.Join(dir, "home"), append(redacttest.AllSecrets(), refl.Signatures()...)...)
}
