package catalog

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func rules(err error) []string {
	if err == nil {
		return nil
	}
	var te TagErrors
	if !errors.As(err, &te) {
		return []string{"not TagErrors: " + err.Error()}
	}
	var out []string
	for _, e := range te {
		out = append(out, e.Rule)
	}
	return out
}

func nTags(n int) []Tag {
	tags := make([]Tag, n)
	for i := range tags {
		tags[i] = Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
	}
	return tags
}

func TestValidateTags(t *testing.T) {
	r := strings.Repeat
	tests := []struct {
		name string
		tags []Tag
		want []string // rules violated, in order
	}{
		{"zero tags", nil, []string{RuleTagCount}},
		{"one tag", []Tag{{"a", "b"}}, nil},
		{"50 tags", nTags(50), nil},
		{"51 tags", nTags(51), []string{RuleTagCount}},
		{"empty key", []Tag{{"", "v"}}, []string{RuleKeyLength}},
		{"reserved aws: prefix", []Tag{{"aws:createdBy", "me"}}, []string{RuleReserved}},
		{"reserved prefix in any case", []Tag{{"AWS:x", "v"}}, []string{RuleReserved}},
		{"aws without the colon is fine", []Tag{{"awsome", "v"}}, nil},
		{"key 1", []Tag{{"k", "v"}}, nil},
		{"key 128", []Tag{{r("k", 128), "v"}}, nil},
		{"key 129", []Tag{{r("k", 129), "v"}}, []string{RuleKeyLength}},
		{"key 128 runes of 3 bytes", []Tag{{r("日", 128), "v"}}, nil},
		{"key 129 runes of 3 bytes", []Tag{{r("日", 129), "v"}}, []string{RuleKeyLength}},
		{"empty value", []Tag{{"k", ""}}, nil},
		{"value 256", []Tag{{"k", r("v", 256)}}, nil},
		{"value 257", []Tag{{"k", r("v", 257)}}, []string{RuleValueLength}},
		{"value 256 runes of 2 bytes", []Tag{{"k", r("é", 256)}}, nil},
		{"value 257 runes of 2 bytes", []Tag{{"k", r("é", 257)}}, []string{RuleValueLength}},
		{"all allowed punctuation", []Tag{{"a_b.c:d/e=f+g-h@i", "_.:/=+-@"}}, nil},
		{"unicode letters and digits", []Tag{{"Größe", "日本語 ٣ Ωmega"}}, nil},
		{"spaces (Z class)", []Tag{{"product team", "a\u00a0b\u3000c"}}, nil},
		{"hash in key", []Tag{{"a#b", "v"}}, []string{RuleKeyChars}},
		{"angle bracket in value", []Tag{{"k", "<script>"}}, []string{RuleValueChars}},
		{"emoji in key", []Tag{{"team🚀", "v"}}, []string{RuleKeyChars}},
		{"emoji in value", []Tag{{"k", "🚀"}}, []string{RuleValueChars}},
		{"tab is not Z", []Tag{{"k", "a\tb"}}, []string{RuleValueChars}},
		{"newline at end", []Tag{{"k\n", "v"}}, []string{RuleKeyChars}},
		{"invalid utf-8", []Tag{{"k\xff", "v"}}, []string{RuleKeyChars}},
		{"duplicate key", []Tag{{"k", "1"}, {"k", "2"}}, []string{RuleDuplicate}},
		{"case differs, not duplicate", []Tag{{"k", "1"}, {"K", "2"}}, nil},
		{"several violations", []Tag{{"", "<"}, {r("x", 129), "ok"}}, []string{RuleKeyLength, RuleValueChars, RuleKeyLength}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rules(ValidateTags(tc.tags))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("rules = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTagErrorsNameKeyAndIndex(t *testing.T) {
	err := ValidateTags([]Tag{{"ok", "v"}, {"bad#key", "v"}})
	var te TagErrors
	if !errors.As(err, &te) || len(te) != 1 {
		t.Fatalf("err = %v", err)
	}
	if te[0].Index != 1 || te[0].Key != "bad#key" || te[0].Rule != RuleKeyChars {
		t.Fatalf("error = %+v", te[0])
	}
	for _, want := range []string{`"bad#key"`, "tag 2", RuleKeyChars, `'#'`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}

func TestValidateTagKeys(t *testing.T) {
	keys := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("k%d", i)
		}
		return out
	}
	tests := []struct {
		name string
		keys []string
		want []string
	}{
		{"zero keys", nil, nil},
		{"256 keys", keys(256), nil},
		{"257 keys", keys(257), []string{RuleKeyCount}},
		{"a reserved key cannot be removed", []string{"aws:cloudformation:stack-name"}, []string{RuleReserved}},
		{"empty key", []string{""}, []string{RuleKeyLength}},
		{"key 128", []string{strings.Repeat("k", 128)}, nil},
		{"key 129", []string{strings.Repeat("k", 129)}, []string{RuleKeyLength}},
		{"unicode", []string{"équipe produit"}, nil},
		{"hash", []string{"a#"}, []string{RuleKeyChars}},
		{"emoji", []string{"🙂"}, []string{RuleKeyChars}},
		{"repeated keys allowed", []string{"a", "a"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rules(ValidateTagKeys(tc.keys))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("rules = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseTagArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    []Tag
		wantErr bool
	}{
		{[]string{"a=b", "c=", "d=e=f"}, []Tag{{"a", "b"}, {"c", ""}, {"d", "e=f"}}, false},
		{[]string{"novalue"}, nil, true},
		{[]string{"=v"}, nil, true},   // empty key
		{[]string{"a#=v"}, nil, true}, // bad char
		{nil, nil, true},              // TagResource needs at least one
	}
	for _, tc := range tests {
		got, err := ParseTagArgs(tc.args)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseTagArgs(%q) err = %v", tc.args, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ParseTagArgs(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

// refAllowed is the tag pattern written out by hand, for the fuzz oracle.
func refAllowed(s string) bool {
	for _, r := range s {
		ok := unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) ||
			strings.ContainsRune("_.:/=+-@", r)
		if !ok || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func refValid(tags []Tag) bool {
	if len(tags) < 1 || len(tags) > 50 {
		return false
	}
	seen := map[string]bool{}
	for _, t := range tags {
		kn, vn := utf8.RuneCountInString(t.Key), utf8.RuneCountInString(t.Value)
		if kn < 1 || kn > 128 || vn > 256 || !refAllowed(t.Key) || !refAllowed(t.Value) || seen[t.Key] {
			return false
		}
		seen[t.Key] = true
	}
	return true
}

// FuzzValidateTags splits the input into tags ("k=v" separated by '\x1f',
// repeated n times) and checks ValidateTags against refValid.
func FuzzValidateTags(f *testing.F) {
	for _, s := range []struct {
		in string
		n  uint8
	}{
		{"a=b", 1}, {"a=b", 50}, {"a=b", 51}, {"=v", 1}, {"k#=v", 1}, {"k=<", 1},
		{"Größe=日本語 ٣", 1}, {"k=🚀", 1}, {"a=1\x1fa=2", 1}, {"k\xff=v", 1},
		{strings.Repeat("k", 128) + "=" + strings.Repeat("v", 256), 1},
		{strings.Repeat("k", 129) + "=v", 1}, {"k=" + strings.Repeat("v", 257), 1},
		{"", 0}, {"a b=c\u00a0d", 2},
	} {
		f.Add(s.in, s.n)
	}
	f.Fuzz(func(t *testing.T, in string, n uint8) {
		var tags []Tag
		if in != "" || n > 0 {
			for i := range int(n%60) + 1 {
				for j, part := range strings.Split(in, "\x1f") {
					k, v, _ := strings.Cut(part, "=")
					if i > 0 {
						k = fmt.Sprintf("%s%d.%d", k, i, j) // keep repeats distinct
					}
					tags = append(tags, Tag{Key: k, Value: v})
				}
			}
		}
		err := ValidateTags(tags)
		if got, want := err == nil, refValid(tags); got != want {
			t.Fatalf("ValidateTags(%q) = %v, reference says valid=%v", tags, err, want)
		}
		if err != nil {
			var te TagErrors
			if !errors.As(err, &te) || len(te) == 0 {
				t.Fatalf("error %v is not a non-empty TagErrors", err)
			}
			for _, e := range te {
				if e.Index >= len(tags) || (e.Index >= 0 && tags[e.Index].Key != e.Key) || e.Rule == "" {
					t.Fatalf("bad TagError %+v", e)
				}
			}
		}
		keys := make([]string, len(tags))
		for i, tg := range tags {
			keys[i] = tg.Key
		}
		kerr := ValidateTagKeys(keys)
		refKeys := len(keys) <= 256
		for _, k := range keys {
			if n := utf8.RuneCountInString(k); n < 1 || n > 128 || !refAllowed(k) {
				refKeys = false
			}
		}
		if (kerr == nil) != refKeys {
			t.Fatalf("ValidateTagKeys(%q) = %v, reference says valid=%v", keys, kerr, refKeys)
		}
	})
}
