package awsconn

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateEndpointURL(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"http://127.0.0.1:4566", true},
		{"https://sts.us-east-1.amazonaws.com", true},
		{"https://sts.us-east-1.amazonaws.com/", true},
		{"HTTP://localhost:4566", true},
		{"  http://localhost:4566  ", true},
		{"http://[::1]:4566", true},
		{"", false},
		{"   ", false},
		{"127.0.0.1:4566", false},
		{"localhost", false},
		{"ftp://example.com", false},
		{"http://", false},
		{"http://:4566", false},
		{"http://example.com/some/path", false},
		{"http://example.com?x=1", false},
		{"http://example.com#frag", false},
		{"http://user:pass@example.com", false},
		{"http://exa mple.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			err := ValidateEndpointURL(tc.in)
			var ee *EndpointURLError
			if tc.ok != (err == nil) || (err != nil && !errors.As(err, &ee)) {
				t.Fatalf("ValidateEndpointURL(%q) = %v, want ok=%v and *EndpointURLError", tc.in, err, tc.ok)
			}
		})
	}
}

func TestCheckEndpointEnv(t *testing.T) {
	tests := []struct {
		name, value, ignore string
		unset               bool
		wantErr             string
	}{
		{name: "unset", unset: true},
		{name: "a URL", value: "http://127.0.0.1:4566"},
		{name: "blank", value: "  ", wantErr: "AWS_ENDPOINT_URL is empty: unset it to use AWS, or give the URL (e.g. http://127.0.0.1:4566)"},
		{name: "empty counts as unset", value: ""},
		{name: "a tab", value: "\t", wantErr: "AWS_ENDPOINT_URL is empty: unset it to use AWS, or give the URL (e.g. http://127.0.0.1:4566)"},
		{name: "blank but ignored", value: " ", ignore: "true"},
		{name: "junk", value: "localhost:4566", wantErr: `AWS_ENDPOINT_URL "localhost:4566" is not an endpoint URL: it needs a scheme, http:// or https:// (e.g. http://127.0.0.1:4566)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			if !tc.unset {
				t.Setenv("AWS_ENDPOINT_URL", tc.value)
			}
			if tc.ignore != "" {
				t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", tc.ignore)
			}
			err := CheckEndpointEnv()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ee *EndpointURLError
			if !errors.As(err, &ee) || err.Error() != tc.wantErr {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestEndpointUserinfoNeverQuoted(t *testing.T) {
	err := ValidateEndpointURL("http://AKIAFAKE:SECRETVALUE@127.0.0.1:4566")
	var ee *EndpointURLError
	if !errors.As(err, &ee) || strings.Contains(err.Error(), "SECRETVALUE") || strings.Contains(ee.Value, "SECRETVALUE") || !strings.Contains(err.Error(), "contains a user name or password") {
		t.Fatalf("err %v (%+v)", err, ee)
	}
}
