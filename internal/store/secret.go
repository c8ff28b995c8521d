package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/redact"
)

// ErrSecret is returned by Put for a value that carries a credential.
//
// The state file is a plain, unencrypted cache that users back up, sync and
// attach to support tickets, and its contents can all be re-fetched from
// AWS. Credentials live in the AWS config/SSO cache or the OS keychain, never
// here; this guard makes an accidental struct field fail loudly in
// development instead of leaking keys to disk.
var ErrSecret = errors.New("refusing to write a secret to the state file")

// secretKeySuffixes name JSON object keys that hold credentials. Keys are
// compared lowercased with '_', '-', '.' and ' ' removed, and match when they
// end with one of these, so "aws_secret_access_key" and "dbPassword" are
// refused but "passwordLastChanged" is not. The key alone is enough: such
// fields must not exist in cached types even when empty.
var secretKeySuffixes = []string{
	"secretaccesskey",
	"accesskeysecret",
	"sessiontoken",
	"securitytoken", // X-Amz-Security-Token
	"password",
}

// checkSecrets returns an ErrSecret-wrapped error naming where in data (a
// JSON document) a secret was found. The error never contains the value.
func checkSecrets(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("encode: re-read for secret check: %w", err)
	}
	return walkSecrets(doc, "$")
}

// redactEmbedded returns data (a JSON document) with credentials inside
// longer strings replaced (see internal/redact): an error message quoting a
// signed request is cached text, not a mistake to refuse. data comes back
// unchanged, byte for byte, when there are none.
func redactEmbedded(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("encode: re-read for redaction: %w", err)
	}
	doc, changed := redact.JSONValue(doc)
	if !changed {
		return data, nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode: after redaction: %w", err)
	}
	return out, nil
}

func walkSecrets(v any, path string) error {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // report the same field every time
		for _, k := range keys {
			p := path + "." + k
			if isSecretKey(k) {
				return fmt.Errorf("%w: field %s is a credential field", ErrSecret, p)
			}
			if why := secretValue(k); why != "" {
				return fmt.Errorf("%w: a key in %s %s", ErrSecret, path, why)
			}
			if err := walkSecrets(v[k], p); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := walkSecrets(e, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case string:
		if why := secretValue(v); why != "" {
			return fmt.Errorf("%w: value at %s %s", ErrSecret, path, why)
		}
	}
	return nil
}

func isSecretKey(k string) bool {
	n := strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(k))
	for _, s := range secretKeySuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// secretValue says why s looks like a credential, or "" (the shapes are
// internal/redact's, shared with the log and error redaction). It is deliberately
// conservative (whole-value matches only) so ordinary data such as ARNs,
// account IDs, hashes and URLs always passes.
func secretValue(s string) string {
	s = strings.TrimSpace(s)
	if redact.LooksLikeSessionToken(s) {
		return "looks like an AWS session token"
	}
	if redact.LooksLikeSecretAccessKey(s) {
		return "looks like an AWS secret access key"
	}
	return ""
}
