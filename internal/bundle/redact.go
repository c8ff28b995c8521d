package bundle

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// ExternalIDMarker is what replaces the n-th distinct external ID (from 1).
// It keeps the template's allowed pattern, so the imported stack's
// parameters stay valid, and the same value gets the same marker
// everywhere, so the imported trust policy still matches the parameter
// exactly when the customer's did.
func ExternalIDMarker(n int) string { return fmt.Sprintf("%s%d", externalIDMarkerPrefix, n) }

const externalIDMarkerPrefix = "REDACTED-EXTERNAL-ID-"

// accessKeyRE finds AWS access key IDs (long-term AKIA, temporary ASIA).
// The log keeps them, as the AWS CLI shows them; a bundle leaves the
// machine, so it does not.
var accessKeyRE = regexp.MustCompile(`\b(?:AKIA|ASIA|AIDA|AROA|ABIA|ACCA)[A-Z0-9]{16}\b`)

// AccessKeyMarker replaces an access key ID.
const AccessKeyMarker = "REDACTED-ACCESS-KEY-ID"

// redactBundle takes out of b, in every string it holds: credentials (what
// internal/redact recognises: secret keys, session and SSO tokens, request
// signatures, credential fields, passwords in URLs), access key IDs, and,
// unless keep, every external ID the stack parameters and trust policies
// carry. It records what it replaced in b.Redacted.
func redactBundle(b *Bundle, keepExternalID bool) {
	var ids []string
	if !keepExternalID {
		ids = externalIDs(b)
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return
	}
	counts := map[string]int{}
	doc = walkStrings(doc, func(s string) string {
		out := s
		for i, v := range ids {
			out = replaceExternalID(out, v, ExternalIDMarker(i+1))
		}
		out = accessKeyRE.ReplaceAllString(redact.String(out), AccessKeyMarker)
		// Counted by the markers a value holds, not by what this pass
		// changed, so that exporting an imported bundle counts alike.
		if strings.Contains(out, externalIDMarkerPrefix) {
			counts["external"]++
		}
		if strings.Contains(out, redact.Replacement) {
			counts["credential"]++
		}
		if strings.Contains(out, AccessKeyMarker) {
			counts["accesskey"]++
		}
		return out
	})
	raw, err = json.Marshal(doc)
	if err != nil {
		return
	}
	var out Bundle
	if err := json.Unmarshal(raw, &out); err != nil {
		return
	}
	*b = out
	b.Redacted = []Redaction{
		{What: "Credentials (secret keys, session tokens, SSO tokens, signatures, passwords in URLs)", Where: "everywhere (none are read; any quoted in an answer or the log is removed)", Marker: redact.Replacement, Count: counts["credential"]},
		{What: "Access key IDs", Where: "everywhere", Marker: AccessKeyMarker, Count: counts["accesskey"]},
	}
	if keepExternalID {
		b.Redacted = append(b.Redacted, Redaction{What: "External ID", Where: "kept, as asked (--include-external-id)", Count: 0})
	} else {
		b.Redacted = append(b.Redacted, Redaction{What: "External ID", Where: "stack parameters, trust policies, events, tiles, log",
			Marker: ExternalIDMarker(1), Count: counts["external"]})
	}
}

// replaceExternalID replaces v in s: s itself, v quoted inside a JSON
// document held in s, and, for values long enough not to occur by chance,
// v anywhere in s.
func replaceExternalID(s, v, marker string) string {
	switch {
	case s == v:
		return marker
	case len(v) >= 6:
		return strings.ReplaceAll(s, v, marker)
	default:
		s = strings.ReplaceAll(s, `"`+v+`"`, `"`+marker+`"`)
		return strings.ReplaceAll(s, `\"`+v+`\"`, `\"`+marker+`\"`)
	}
}

func walkStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		for i := range x {
			x[i] = walkStrings(x[i], f)
		}
	case map[string]any:
		for k := range x {
			x[k] = walkStrings(x[k], f)
		}
	}
	return v
}

// externalIDs are the distinct external IDs of the bundle, longest first
// (so that one containing another is replaced whole): the stack's
// ExternalId parameter and every sts:ExternalId condition value of a trust
// policy.
func externalIDs(b *Bundle) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	if s := b.Stack.Value; s != nil {
		for _, p := range s.Parameters {
			if p.Key == "ExternalId" {
				add(p.Value)
			}
		}
	}
	for _, r := range b.Roles {
		if r.Role.Value == nil {
			continue
		}
		var doc any
		if json.Unmarshal([]byte(r.Role.Value.TrustPolicy), &doc) == nil {
			collectExternalIDs(doc, false, add)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func collectExternalIDs(v any, under bool, add func(string)) {
	switch x := v.(type) {
	case string:
		if under {
			add(x)
		}
	case []any:
		for _, e := range x {
			collectExternalIDs(e, under, add)
		}
	case map[string]any:
		for k, e := range x {
			collectExternalIDs(e, under || strings.EqualFold(k, "sts:ExternalId"), add)
		}
	}
}
