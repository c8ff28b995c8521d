package awsconn

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestDuplicateSectionsRefused(t *testing.T) {
	tests := []struct {
		name              string
		config, creds     string
		inCreds           bool
		section           string
		first, second     int
		wantOK            bool
		wantProfilesCount int
	}{
		{name: "profile twice in config", config: "[default]\nregion = us-east-1\n[profile a]\nregion = x\n\n[profile b]\nregion = y\n\n[profile a]\noutput = json\n",
			section: "profile a", first: 3, second: 9},
		{name: "default twice", config: "[default]\nregion = a\n[default]\nregion = b\n", section: "default", first: 1, second: 3},
		{name: "sso-session twice", config: "[sso-session s]\nsso_region = x\n# c\n[sso-session s] ; again\n", section: "sso-session s", first: 1, second: 4},
		{name: "twice in credentials", creds: "[a]\naws_access_key_id = A\n[b]\n[a]\n", inCreds: true, section: "a", first: 1, second: 4},
		// botocore compares the header text: these are distinct sections
		// to it, as they stay here.
		{name: "spacing differs: not a duplicate", config: "[profile a]\nregion = x\n[profile  a]\noutput = json\n", wantOK: true, wantProfilesCount: 1},
		{name: "same name in both files: not a duplicate", config: "[profile a]\nregion = x\n", creds: "[a]\naws_access_key_id = A\naws_secret_access_key = B\n", wantOK: true, wantProfilesCount: 1},
		{name: "case differs: not a duplicate", config: "[profile a]\nregion = x\n[profile A]\nregion = y\n", wantOK: true, wantProfilesCount: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			f := writeFiles(t, tc.config, tc.creds)
			ps, err := ListProfiles(f)
			_, loadErr := Load(context.Background(), Target{Profile: "a"}, LoadOptions{Files: f})
			if tc.wantOK {
				if err != nil || len(ps) != tc.wantProfilesCount {
					t.Fatalf("profiles %v, err %v", ps, err)
				}
				var dup *DuplicateSectionError
				if errors.As(loadErr, &dup) {
					t.Fatalf("Load: %v", loadErr)
				}
				return
			}
			for _, e := range []error{err, loadErr} {
				var dup *DuplicateSectionError
				if !errors.As(e, &dup) {
					t.Fatalf("err %v, want *DuplicateSectionError", e)
				}
				wantFile := f.Config
				if tc.inCreds {
					wantFile = f.Credentials
				}
				if dup.File != wantFile || dup.Section != tc.section || dup.FirstLine != tc.first || dup.SecondLine != tc.second {
					t.Errorf("got %+v", dup)
				}
			}
		})
	}
}

func TestDuplicateSectionMessage(t *testing.T) {
	err := &DuplicateSectionError{File: "~/.aws/config", Section: "profile a", FirstLine: 3, SecondLine: 9}
	want := "~/.aws/config: [profile a] is defined twice, at lines 3 and 9; the AWS CLI refuses this file — merge the two sections"
	if err.Error() != want {
		t.Errorf("got %q", err.Error())
	}
	if got := DescribeError(err); got != want+"." {
		t.Errorf("DescribeError = %q", got)
	}
}

// TestDuplicateKeysRefused: botocore's configparser compares keys in lower
// case within a section and refuses a repeat; values are never shown.
func TestDuplicateKeysRefused(t *testing.T) {
	tests := []struct {
		name          string
		config, creds string
		inCreds       bool
		section, key  string
		first, second int
		wantOK        bool
	}{
		{name: "region twice", config: "[default]\nregion = a\nregion = b\n", section: "default", key: "region", first: 2, second: 3},
		{name: "case differs", config: "[profile a]\nRegion = a\n# c\nregion = b\n", section: "profile a", key: "region", first: 2, second: 4},
		{name: "secret twice in credentials", creds: "[a]\naws_secret_access_key = SECRETONE\naws_secret_access_key = SECRETTWO\n", inCreds: true,
			section: "a", key: "aws_secret_access_key", first: 2, second: 3},
		{name: "same key in two sections", config: "[profile a]\nregion = a\n[profile b]\nregion = b\n", wantOK: true},
		{name: "same key nested and top-level", config: "[profile a]\nregion = a\ns3 =\n  region = b\n", wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			f := writeFiles(t, tc.config, tc.creds)
			_, err := ListProfiles(f)
			_, loadErr := Load(context.Background(), Target{Profile: "a"}, LoadOptions{Files: f})
			if tc.wantOK {
				var dup *DuplicateKeyError
				if err != nil || errors.As(loadErr, &dup) {
					t.Fatalf("ListProfiles: %v; Load: %v", err, loadErr)
				}
				return
			}
			for _, e := range []error{err, loadErr} {
				var dup *DuplicateKeyError
				if !errors.As(e, &dup) {
					t.Fatalf("err %v, want *DuplicateKeyError", e)
				}
				wantFile := f.Config
				if tc.inCreds {
					wantFile = f.Credentials
				}
				if dup.File != wantFile || dup.Section != tc.section || dup.Key != tc.key || dup.FirstLine != tc.first || dup.SecondLine != tc.second {
					t.Errorf("got %+v", dup)
				}
				if msg := DescribeError(e); strings.Contains(msg, "SECRET") {
					t.Errorf("message shows a value: %s", msg)
				}
			}
		})
	}
}
