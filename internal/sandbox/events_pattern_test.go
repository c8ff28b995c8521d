package sandbox

import (
	"errors"
	"testing"
)

// docEvent is the EC2 state-change event the EventBridge User Guide's
// "Content filtering in Amazon EventBridge event patterns" matches its
// examples against (with the fields the examples need).
const docEvent = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "111122223333",
  "time": "2017-12-22T18:43:48Z",
  "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {
    "instance-id": "i-1234567890abcdef0",
    "state": "terminated",
    "c-count": 5,
    "d-count": 7,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    "responseElements": null,
    "empty": "",
    "tags": ["prod", "web"]
  }
}`

// TestEventPatternMatching: each example of the guide's content filtering
// section (prefix, suffix, equals-ignore-case, wildcard, anything-but,
// exists, numeric, cidr, null and empty values, arrays), matching and not.
func TestEventPatternMatching(t *testing.T) {
	ev, err := decodeEvent(docEvent)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, pattern string
		want          bool
	}{
		{"exact source", `{"source":["aws.ec2"]}`, true},
		{"exact source, other", `{"source":["aws.s3"]}`, false},
		{"any of a list", `{"source":["aws.s3","aws.ec2"]}`, true},
		{"and across fields", `{"source":["aws.ec2"],"detail-type":["Other"]}`, false},
		{"nested exact", `{"detail":{"state":["terminated"]}}`, true},
		{"number exact", `{"detail":{"c-count":[5]}}`, true},
		{"number is not a string", `{"detail":{"c-count":["5"]}}`, false},
		{"prefix (guide: time)", `{"time":[{"prefix":"2017-12-22"}]}`, true},
		{"prefix, no", `{"time":[{"prefix":"2018"}]}`, false},
		{"prefix ignoring case", `{"detail-type":[{"prefix":{"equals-ignore-case":"ec2 instance"}}]}`, true},
		{"suffix", `{"detail":{"instance-id":[{"suffix":"def0"}]}}`, true},
		{"equals-ignore-case", `{"detail-type":[{"equals-ignore-case":"ec2 instance state-change notification"}]}`, true},
		{"wildcard", `{"resources":[{"wildcard":"arn:aws:ec2:*:instance/i-*"}]}`, true},
		{"wildcard, no", `{"resources":[{"wildcard":"arn:aws:s3:*"}]}`, false},
		{"anything-but value", `{"detail":{"state":[{"anything-but":"initializing"}]}}`, true},
		{"anything-but the value", `{"detail":{"state":[{"anything-but":"terminated"}]}}`, false},
		{"anything-but list", `{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}`, true},
		{"anything-but list holding it", `{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}`, false},
		{"anything-but prefix", `{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, true},
		{"anything-but prefix holding it", `{"detail":{"state":[{"anything-but":{"prefix":"term"}}]}}`, false},
		{"anything-but on a missing field", `{"detail":{"nothing":[{"anything-but":"x"}]}}`, false},
		{"exists true", `{"detail":{"state":[{"exists":true}]}}`, true},
		{"exists true, missing", `{"detail":{"nothing":[{"exists":true}]}}`, false},
		{"exists false, missing", `{"detail":{"nothing":[{"exists":false}]}}`, true},
		{"exists false, present", `{"detail":{"state":[{"exists":false}]}}`, false},
		{"exists false under a missing object", `{"nothing":{"deeper":[{"exists":false}]}}`, true},
		{"numeric range (guide)", `{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}`, true},
		{"numeric range, out", `{"detail":{"c-count":[{"numeric":[">",5]}]}}`, false},
		{"numeric on a string", `{"detail":{"state":[{"numeric":[">",0]}]}}`, false},
		{"cidr", `{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`, true},
		{"cidr, out", `{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}`, false},
		{"null matches null", `{"detail":{"responseElements":[null]}}`, true},
		{"null is not missing", `{"detail":{"nothing":[null]}}`, false},
		{"empty string", `{"detail":{"empty":[""]}}`, true},
		{"array field: any element", `{"detail":{"tags":["web"]}}`, true},
		{"array field: none", `{"detail":{"tags":["db"]}}`, false},
		{"Marketplace sources", `{"source":["aws.marketplacecatalog","aws.agreement-marketplace","aws.marketplace"]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseEventPattern(tt.pattern)
			if err != nil {
				t.Fatalf("parse %s: %v", tt.pattern, err)
			}
			if got := p.matches(ev); got != tt.want {
				t.Errorf("%s matches = %v, want %v", tt.pattern, got, tt.want)
			}
		})
	}
}

// TestEventPatternInvalid: what EventBridge refuses is refused, with its
// error code.
func TestEventPatternInvalid(t *testing.T) {
	for _, p := range []string{
		`not json`,
		`["aws.ec2"]`,
		`{}`,
		`{"source":"aws.ec2"}`,
		`{"source":[]}`,
		`{"detail":{}}`,
		`{"source":[{"prefix":1}]}`,
		`{"source":[{"exists":"yes"}]}`,
		`{"source":[{"numeric":[">"]}]}`,
		`{"source":[{"numeric":[">",5,"<",1]}]}`,
		`{"source":[{"numeric":["~",1]}]}`,
		`{"source":[{"anything-but":[]}]}`,
		`{"source":[{"cidr":"10.0.0.1"}]}`,
		`{"source":[{"unknown-op":"x"}]}`,
		`{"source":[{"prefix":"a","suffix":"b"}]}`,
		`{"source":[[1]]}`,
	} {
		_, err := parseEventPattern(p)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != "InvalidEventPatternException" {
			t.Errorf("%s: err = %v, want InvalidEventPatternException", p, err)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "abc", true}, {"a*c", "ab", false},
		{"a*b*c", "aXbYc", true}, {"a*b*c", "acb", false}, {`a\*`, "a*", true}, {`a\*`, "ab", false}, {"abc", "abc", true},
	} {
		if got := wildcardMatch(tt.p, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}
