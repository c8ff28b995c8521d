package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/redact/redacttest"
)

// Error views reach the window as data (returned and emitted), not through
// Wails' ErrorFormatter: they must be redacted too.
func TestErrorViewsAreRedacted(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		if len(tc.Secrets) == 0 {
			continue
		}
		for name, explainFn := range map[string]func(error) *ErrorView{"explain": explain, "explainCatalog": explainCatalog} {
			t.Run(name+"/"+tc.Name, func(t *testing.T) {
				v := explainFn(fmt.Errorf("listing entities: %w", errors.New(tc.Text)))
				for _, s := range tc.Secrets {
					if strings.Contains(v.Message, s) {
						t.Errorf("message holds %q: %s", s, v.Message)
					}
				}
			})
		}
	}
}
