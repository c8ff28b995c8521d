// Package redact removes credentials from text on its way out of SellerDesk:
// error messages shown in the terminal or the window, and log lines. It
// knows credentials by their shape and by the names they travel under
// (headers, query parameters, JSON fields, config keys, URL userinfo).
//
// Access key IDs (AKIA…, ASIA…) are kept, as the AWS CLI shows them: alone
// they grant nothing and they tell which key was used.
package redact

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// Replacement stands in for every value removed.
const Replacement = "[redacted]"

// sessionTokenPrefixes start every STS session token seen in the wild
// (base64 of the token's fixed header): today's, then the FwoG, FQoG and
// AQoD formats STS issued before it, which cached credentials may still
// carry.
var sessionTokenPrefixes = []string{"IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "FQoGZXIvYXdzE", "AQoDYXdzE"}

// LooksLikeSessionToken reports whether s (trimmed) starts like an AWS
// session token.
func LooksLikeSessionToken(s string) bool {
	s = strings.TrimSpace(s)
	for _, p := range sessionTokenPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// LooksLikeSecretAccessKey matches 40 base64 characters with at least one
// '/' or '+' and both letter cases: a hex digest or an ID never has all of
// these, a secret access key almost always does.
func LooksLikeSecretAccessKey(s string) bool {
	if len(s) != 40 {
		return false
	}
	var slash, upper, lower bool
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9', c == '=':
		case c == '/' || c == '+':
			slash = true
		default:
			return false
		}
	}
	return slash && upper && lower
}

var (
	// scheme://user:pass@host → scheme://[redacted]@host
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@?#"'<>]+@`)
	// A value under a credential's name: X-Amz-Security-Token: V, ?X-Amz-Security-Token=V,
	// aws_secret_access_key = V, "SecretAccessKey": "V", AWS_SESSION_TOKEN=V …
	namedRE = regexp.MustCompile(`(?i)((?:secret[_\-]?access[_\-]?key|session[_\-]?token|security[_\-]?token|sso[_\-]?bearer[_\-]?token|access[_\-]?token|refresh[_\-]?token|client[_\-]?secret|x-amz-signature|signature)["']?\s*[:=]\s*["']?)[^\s"'&,;<>}\])]+`)
	// Authorization: Bearer V / Basic V, and a bare "Bearer V" with a long V
	// (not "basic information", not "bearer of").
	bearerRE = regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?(?:bearer|basic)\s+|\bBearer\s+)[A-Za-z0-9._~+/=\-:]{16,}`)
	// SigV4 credential scope (Authorization header, X-Amz-Credential):
	// the key ID before the first '/' (or %2F).
	credentialRE = regexp.MustCompile(`(?i)((?:x-amz-)?credential=)[^/%\s,&"']+`)
	// The same names as XML elements (an STS or SSO response quoted in an
	// error): <SecretAccessKey>V</SecretAccessKey>. A secret key without
	// '/' or '+' has nothing but its name to give it away.
	xmlNamedRE = regexp.MustCompile(`(?i)(<(?:[\w\-]+:)?(?:secret[_\-]?access[_\-]?key|session[_\-]?token|security[_\-]?token|access[_\-]?token|refresh[_\-]?token|client[_\-]?secret)>)[^<]+`)
	// A session token anywhere: the whole base64 (or URL-encoded) run.
	tokenRE = regexp.MustCompile(`(?:` + strings.Join(sessionTokenPrefixes, "|") + `)[A-Za-z0-9+/=%_\-]*`)
	// Candidate secret access keys: every base64 run (a key has no padding),
	// kept when not 40 long.
	base64RunRE = regexp.MustCompile(`[A-Za-z0-9+/]{40,}`)
)

// HasURLUserinfo reports whether the URL raw carries a user name or
// password (scheme://user:pass@host, or user:pass@host without a scheme). It
// does not need raw to parse: a malformed URL may still hold a password.
func HasURLUserinfo(raw string) bool {
	rest := strings.TrimSpace(raw)
	if _, after, ok := strings.Cut(rest, "://"); ok {
		rest = after
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.Contains(rest, "@")
}

// StripURLUserinfo returns raw without its user name and password, or ""
// when raw has some but does not parse (the password cannot be cut out
// reliably). URLs without userinfo come back unchanged.
func StripURLUserinfo(raw string) string {
	if !HasURLUserinfo(raw) {
		return raw
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		return ""
	}
	u.User = nil
	return u.String()
}

// String returns s with every credential it recognises replaced by
// Replacement.
func String(s string) string {
	if s == "" {
		return s
	}
	s = userinfoRE.ReplaceAllString(s, "${1}"+Replacement+"@")
	s = namedRE.ReplaceAllString(s, "${1}"+Replacement)
	s = xmlNamedRE.ReplaceAllString(s, "${1}"+Replacement)
	s = bearerRE.ReplaceAllString(s, "${1}"+Replacement)
	s = credentialRE.ReplaceAllString(s, "${1}"+Replacement)
	s = tokenRE.ReplaceAllString(s, Replacement)
	s = base64RunRE.ReplaceAllStringFunc(s, func(run string) string {
		if LooksLikeSecretAccessKey(run) {
			return Replacement
		}
		return run
	})
	return s
}

// JSONValue redacts every string inside a decoded JSON value (maps, slices
// and strings as encoding/json decodes them into any), in place where it
// can, and reports whether anything changed.
func JSONValue(v any) (any, bool) {
	changed := false
	switch v := v.(type) {
	case string:
		r := String(v)
		return r, r != v
	case map[string]any:
		for k, e := range v {
			if r, c := JSONValue(e); c {
				v[k], changed = r, true
			}
		}
	case []any:
		for i, e := range v {
			if r, c := JSONValue(e); c {
				v[i], changed = r, true
			}
		}
	}
	return v, changed
}

// ForJSON returns v itself when its JSON encoding holds no credential, and
// otherwise a redacted copy (decoded JSON: maps and slices) that encodes to
// the same document without them. For payloads on their way to a page.
func ForJSON(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return v // the caller's encoder will fail the same way
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return v
	}
	if red, changed := JSONValue(doc); changed {
		return red
	}
	return v
}

// Error returns err with a redacted message. errors.Is and errors.As still
// see err and everything it wraps. Error(nil) is nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*redacted); ok { //nolint:errorlint // only err itself: a wrapper around a redacted error adds text of its own
		return err
	}
	return &redacted{err: err}
}

type redacted struct{ err error }

func (r *redacted) Error() string { return String(r.err.Error()) }
func (r *redacted) Unwrap() error { return r.err }
