// Package catalog talks to the AWS Marketplace Catalog API for SellerDesk:
// tag validation, per-operation rate limiting and retries, bulk tagging jobs
// journalled in the local store, and the cached entity list.
package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of TagResource and UntagResource, from the Catalog API reference
// and the access-control guide. The API model allows 200 tags per call, but
// the documentation says 1–50 for TagResource; SellerDesk enforces 50.
const (
	MaxTagsPerCall     = 50  // TagResource: 1–50 tags
	MaxTagKeysPerCall  = 256 // UntagResource: 0–256 keys
	MaxTagKeyLength    = 128 // characters (runes), minimum 1
	MaxTagValueLength  = 256 // characters (runes), minimum 0
	tagCharsPatternSrc = `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
)

// tagChars is the documented pattern for both keys and values. Go's regexp
// treats invalid UTF-8 as U+FFFD, which is in none of the allowed classes,
// so malformed strings are refused too.
var tagChars = regexp.MustCompile(tagCharsPatternSrc)

// Tag is one key/value pair on an entity or change set.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Rules a TagError can name.
const (
	RuleTagCount    = "tag count"    // 1–50 tags per TagResource
	RuleKeyCount    = "key count"    // 0–256 keys per UntagResource
	RuleKeyLength   = "key length"   // 1–128 characters
	RuleValueLength = "value length" // 0–256 characters
	RuleKeyChars    = "key characters"
	RuleValueChars  = "value characters"
	RuleDuplicate   = "duplicate key"
	RuleReserved    = "reserved prefix" // keys beginning aws: (any case) belong to AWS
)

// TagError is one violation. Index is the position in the list given to the
// validator, or -1 for a rule about the whole list (the count rules).
type TagError struct {
	Index  int
	Key    string
	Rule   string
	Detail string
}

func (e TagError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("%s: %s", e.Rule, e.Detail)
	}
	return fmt.Sprintf("tag %d (key %s): %s: %s", e.Index+1, strconv.Quote(e.Key), e.Rule, e.Detail)
}

// TagErrors lists every violation found, in input order; it is never
// returned empty.
type TagErrors []TagError

func (es TagErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// ValidateTags checks a TagResource tag list against the guide's rules
// before any call: 1–50 tags, key 1–128 and value 0–256 characters, both
// matching ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, and no key twice. It returns nil
// or a TagErrors naming each offending key.
func ValidateTags(tags []Tag) error {
	var errs TagErrors
	if n := len(tags); n < 1 || n > MaxTagsPerCall {
		errs = append(errs, TagError{Index: -1, Rule: RuleTagCount,
			Detail: fmt.Sprintf("%d tags given, TagResource takes 1–%d", n, MaxTagsPerCall)})
	}
	seen := make(map[string]int, len(tags))
	for i, t := range tags {
		errs = checkKey(errs, i, t.Key)
		if n := utf8.RuneCountInString(t.Value); n > MaxTagValueLength {
			errs = append(errs, TagError{Index: i, Key: t.Key, Rule: RuleValueLength,
				Detail: fmt.Sprintf("value has %d characters, at most %d allowed", n, MaxTagValueLength)})
		}
		if !tagChars.MatchString(t.Value) {
			errs = append(errs, TagError{Index: i, Key: t.Key, Rule: RuleValueChars,
				Detail: "value may contain only letters, numbers, spaces and _ . : / = + - @" + badChars(t.Value)})
		}
		if first, dup := seen[t.Key]; dup {
			errs = append(errs, TagError{Index: i, Key: t.Key, Rule: RuleDuplicate,
				Detail: fmt.Sprintf("key already given as tag %d", first+1)})
		} else {
			seen[t.Key] = i
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ValidateTagKeys checks an UntagResource key list: 0–256 keys, each 1–128
// characters matching the tag pattern. Repeated keys are harmless to
// UntagResource and are not refused.
func ValidateTagKeys(keys []string) error {
	var errs TagErrors
	if n := len(keys); n > MaxTagKeysPerCall {
		errs = append(errs, TagError{Index: -1, Rule: RuleKeyCount,
			Detail: fmt.Sprintf("%d keys given, UntagResource takes 0–%d", n, MaxTagKeysPerCall)})
	}
	for i, k := range keys {
		errs = checkKey(errs, i, k)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func checkKey(errs TagErrors, i int, key string) TagErrors {
	if n := utf8.RuneCountInString(key); n < 1 || n > MaxTagKeyLength {
		errs = append(errs, TagError{Index: i, Key: key, Rule: RuleKeyLength,
			Detail: fmt.Sprintf("key has %d characters, 1–%d allowed", n, MaxTagKeyLength)})
	}
	if !tagChars.MatchString(key) {
		errs = append(errs, TagError{Index: i, Key: key, Rule: RuleKeyChars,
			Detail: "key may contain only letters, numbers, spaces and _ . : / = + - @" + badChars(key)})
	}
	// AWS reserves the prefix for its own tags: they cannot be added,
	// changed or removed, and AWS refuses the call with a 422.
	if len(key) >= 4 && strings.EqualFold(key[:4], "aws:") {
		errs = append(errs, TagError{Index: i, Key: key, Rule: RuleReserved,
			Detail: `keys beginning "aws:" are reserved for AWS: choose another prefix`})
	}
	return errs
}

// badChars names the first few refused characters, for the message.
func badChars(s string) string {
	var bad []string
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				bad = append(bad, fmt.Sprintf("invalid UTF-8 byte 0x%02x", s[i]))
				continue
			}
		}
		if !tagChars.MatchString(string(r)) {
			bad = append(bad, strconv.QuoteRune(r))
		}
		if len(bad) == 3 {
			break
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return " (found " + strings.Join(bad, ", ") + ")"
}

// ParseTagArgs turns CLI arguments "KEY=VALUE" into tags and validates them
// with ValidateTags. The split is at the first '=', so "a=b=c" is key "a"
// with value "b=c" and "k=" is key "k" with an empty value; a key containing
// '=' cannot be given this way.
func ParseTagArgs(args []string) ([]Tag, error) {
	tags := make([]Tag, 0, len(args))
	var errs TagErrors
	for i, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			errs = append(errs, TagError{Index: i, Key: a, Rule: "syntax",
				Detail: "expected KEY=VALUE (use KEY= for an empty value)"})
			continue
		}
		tags = append(tags, Tag{Key: k, Value: v})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := ValidateTags(tags); err != nil {
		return nil, err
	}
	return tags, nil
}
