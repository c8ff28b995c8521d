package iampolicy

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "anything", true}, {"a*c", "abbbc", true}, {"a*c", "abd", false},
		{"a?c", "abc", true}, {"a?c", "abbc", false}, {"a?c", "ac", false}, {"", "", true}, {"a*", "", false},
		{"**a", "xa", true}, {"*/ChangeSet/*", "x/ChangeSet/1", true}, {"abc", "abd", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", true},
		{"kms:generatedatakey*", "kms:generatedatakey", true}, {"kms:generatedatakey*", "kms:generatedatakeywithoutplaintext", true},
		{"arn:aws:sns:*:*:t", "arn:aws:sns:us-east-1:111122223333:t", true},
		{"[a]", "[a]", true}, {"[a]", "a", false}, {`a\b`, `a\b`, true}, // no classes, no escapes
		{"é?", "éü", true}, {"Bucket", "bucket", false},
	}
	for _, tt := range tests {
		if got := Match(tt.p, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
	if !MatchAction("S3:Get*", "s3:getobject") || MatchAction("s3:Get*", "s3:PutObject") {
		t.Error("MatchAction is not case-insensitive wildcard matching")
	}
}

func TestParse(t *testing.T) {
	in := `{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Allow","Principal":{"AWS":["111122223333"],"Service":"sns.amazonaws.com"},
	 "NotAction":"s3:Delete*","Resource":["*"],"Condition":{"StringEquals":{"aws:SourceAccount":["1","2"]},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":1.2}}}}`
	d, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	st := d.Statement[0]
	if st.Sid != "S" || st.Principal == nil || st.Principal.All || st.Principal.AWS[0] != "111122223333" || !st.Principal.NamesService("SNS.amazonaws.com") ||
		st.NotAction[0] != "s3:Delete*" || st.ActionAsString || st.ResourceAsString || st.Resource[0] != "*" {
		t.Errorf("%+v", st)
	}
	c := st.Conditions()
	if len(c) != 3 || c[0].Operator != "Bool" || c[0].Values[0] != "true" || c[1].Values[0] != "1.2" || len(c[2].Values) != 2 {
		t.Errorf("conditions %+v", c)
	}

	errs := []struct{ raw, want string }{
		{"{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",, }\n  ]\n}", "line 3, column 24"},
		{`{"Statement": [`, "line 1"},
		{`[]`, "must be a JSON object"},
		{`{"Version":"2012-10-17"}`, "no Statement"},
		{`{"statement":{"Effect":"Allow"}}`, "no Statement"}, // names are exact
		{`{"Statement": 3}`, "object or an array"},
		{`{"Statement": [{"Action": 3}]}`, "statement 1: Action"},
		{`{"Statement": [{"Action": "a"}, {"Resource": ["x", 1]}]}`, "statement 2: Resource[1]"},
		{`{"Statement": [{"Condition": {"StringEquals": "x"}}]}`, `"StringEquals"`},
		{`{"Statement": [{"Principal": "arn:aws:iam::1:root"}]}`, `must be "*"`},
		{`{"Statement": [{"Principal": 3}]}`, `statement 1: Principal`},
		{`{"Statement": []} x`, "invalid JSON"},
	}
	for _, e := range errs {
		if _, err := Parse([]byte(e.raw)); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("Parse(%q) error %v, want containing %q", e.raw, err, e.want)
		}
	}
}

func TestParseLenient(t *testing.T) {
	plain := `{"statement":[{"sid":["A"],"effect":"Allow","principal":{"aws":"*"},"action":"sns:Publish","Condition":{"StringEquals":{"aws:SourceAccount":111122223333}}}]}`
	for name, raw := range map[string]string{"plain": plain, "URL-encoded": url.QueryEscape(plain), "path-escaped": url.PathEscape(plain), "padded": "\n " + plain + "\n"} {
		d, err := ParseLenient(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st := d.Statement[0]
		if st.Sid != "A" || !st.Principal.All || st.Action[0] != "sns:Publish" || st.Conditions()[0].Values[0] != "111122223333" {
			t.Errorf("%s: %+v", name, st)
		}
	}
	// A document that is JSON as it stands is not URL-decoded: "+" stays.
	d, err := ParseLenient(`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a+b/*"}}`)
	if err != nil || d.Statement[0].Resource[0] != "arn:aws:s3:::a+b/*" {
		t.Errorf("%v %+v", err, d)
	}
	for raw, want := range map[string]string{"  ": "empty", "<Policy/>": "not a JSON policy", `{"Version":"2012-10-17"}`: "no Statement",
		`{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"x"}]}`:          "must be",
		`{"Statement":[{"Effect":"Allow","Action":"x","Condition":{"StringEquals":{"k":{"a":1}}}}]}`: "Condition StringEquals k"} {
		if _, err := ParseLenient(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLenient(%q) error %v, want containing %q", raw, err, want)
		}
	}
}

func TestMarshalShapes(t *testing.T) {
	in := `{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Allow","Principal":{"Service":"a.amazonaws.com"},"Action":"aws-marketplace:ListEntities","Resource":["*"],"Condition":{"StringEquals":{"aws:SourceAccount":"012345678901"}}}}`
	// A parsed document keeps the string/array choices of its input, and
	// a number written as text stays text.
	d, perr := Parse([]byte(in))
	out, merr := json.Marshal(d)
	if perr != nil || merr != nil {
		t.Fatal(perr, merr)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"Service":"a.amazonaws.com"},"Action":"aws-marketplace:ListEntities","Resource":["*"],"Condition":{"StringEquals":{"aws:SourceAccount":"012345678901"}}}]}`
	if string(out) != want {
		t.Errorf("got %s\nwant %s", out, want)
	}
	star, _ := json.Marshal(Statement{Effect: "Deny", Principal: &Principal{All: true}, NotAction: []string{"s3:Get*"}, NotResource: []string{"arn:x"}})
	if string(star) != `{"Effect":"Deny","Principal":"*","NotAction":["s3:Get*"],"NotResource":["arn:x"]}` {
		t.Errorf("got %s", star)
	}
}

func TestOperator(t *testing.T) {
	o := ParseOperator("ForAnyValue:StringNotLikeIfExists")
	if o.Set != "ForAnyValue" || o.Base != "StringNotLike" || !o.IfExists || !o.Negated() || !o.IsStringOrARN() {
		t.Errorf("%+v", o)
	}
	tests := []struct {
		op      string
		values  []string
		actual  string
		present bool
		want    bool
	}{
		{"StringEquals", []string{"a", "b"}, "b", true, true},
		{"StringEquals", []string{"a"}, "A", true, false},
		{"StringEqualsIgnoreCase", []string{"a"}, "A", true, true},
		{"StringNotEquals", []string{"a"}, "b", true, true},
		{"StringNotEquals", []string{"a"}, "a", true, false},
		{"StringNotEquals", []string{"a"}, "", false, true},
		{"StringEquals", []string{"a"}, "", false, false},
		{"StringEqualsIfExists", []string{"a"}, "", false, true},
		{"StringEqualsIfExists", []string{"a"}, "b", true, false},
		{"StringLike", []string{"arn:*:t"}, "arn:x:t", true, true},
		{"ArnEquals", []string{"arn:aws:sns:*:1:t"}, "arn:aws:sns:us-east-1:1:t", true, true},
		{"ArnNotLike", []string{"arn:aws:sns:*:1:t"}, "arn:aws:sns:us-east-1:1:t", true, false},
		{"Bool", []string{"false"}, "FALSE", true, true},
		{"Bool", []string{"true"}, "false", true, false},
		{"Null", []string{"true"}, "", false, true},
		{"Null", []string{"true"}, "x", true, false},
		{"Null", []string{"false"}, "x", true, true},
		{"ForAllValues:StringEquals", []string{"a"}, "", false, true},
		{"ForAnyValue:StringEquals", []string{"a"}, "", false, false},
		{"NumericLessThan", []string{"2"}, "1", true, false}, // not evaluated: never holds
	}
	for _, tt := range tests {
		if got := ParseOperator(tt.op).Holds(tt.values, tt.actual, tt.present); got != tt.want {
			t.Errorf("%s %v on %q (present %v) = %v, want %v", tt.op, tt.values, tt.actual, tt.present, got, tt.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:111122223333:t"
	d, err := ParseLenient(`{"Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sns:*","Resource":"` + topic + `"},
	 {"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"NotAction":"sqs:Delete*","NotResource":"arn:aws:sqs:*:*:private"},
	 {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/Admin"},"Action":"sns:DeleteTopic","Resource":"*"},
	 {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}},
	 {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sns:Subscribe","Resource":"*","Condition":{"StringEquals":{"aws:SourceOwner":"111122223333"}}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::111122223333:role/App"
	secure := map[string]string{"AWS:SecureTransport": "true"}
	tests := []struct {
		name string
		r    Request
		want Decision
	}{
		{"account ID grants its roles", Request{Principal: role, Action: "SNS:Publish", Resource: topic, Context: secure}, Allow},
		{"other account", Request{Principal: "arn:aws:iam::999988887777:role/App", Action: "sns:Publish", Resource: topic, Context: secure}, ImplicitDeny},
		{"other resource", Request{Principal: role, Action: "sns:Publish", Resource: topic + "2", Context: secure}, ImplicitDeny},
		{"NotPrincipal deny hits others", Request{Principal: role, Action: "sns:DeleteTopic", Resource: topic, Context: secure}, ExplicitDeny},
		{"NotPrincipal deny spares the admin", Request{Principal: "arn:aws:iam::111122223333:role/Admin", Action: "sns:DeleteTopic", Resource: topic, Context: secure}, Allow},
		{"conditional deny applies", Request{Principal: role, Action: "sns:Publish", Resource: topic, Context: map[string]string{"aws:SecureTransport": "false"}}, ExplicitDeny},
		{"conditional deny without the key", Request{Principal: role, Action: "sns:Publish", Resource: topic}, Allow},
		{"NotAction allows the rest", Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:1:q", Context: secure}, Allow},
		{"NotAction excludes", Request{Service: "sns.amazonaws.com", Action: "sqs:DeleteQueue", Resource: "arn:aws:sqs:us-east-1:1:q", Context: secure}, ImplicitDeny},
		{"NotResource excludes", Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:1:private", Context: secure}, ImplicitDeny},
		{"AWS * is anyone, with its condition", Request{Service: "events.amazonaws.com", Action: "sns:Subscribe", Resource: topic, Context: map[string]string{"aws:SourceOwner": "111122223333"}}, Allow},
		{"AWS * condition unmet", Request{Service: "events.amazonaws.com", Action: "sns:Subscribe", Resource: topic}, ImplicitDeny},
	}
	for _, tt := range tests {
		if got := d.Evaluate(tt.r); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPrincipalAccount(t *testing.T) {
	p := Principal{AWS: []string{"arn:aws:iam::111122223333:root", "444455556666"}}
	for acct, want := range map[string]bool{"111122223333": true, "444455556666": true, "1111": false, "": false} {
		if p.NamesAccount(acct) != want {
			t.Errorf("NamesAccount(%q) != %v", acct, want)
		}
	}
	if (Principal{AWS: []string{"arn:aws:iam::9111122223333:root"}}).NamesAccount("111122223333") {
		t.Error("a longer account matched by substring")
	}
}

// TestSame was iamdeploy's TestSameDocument.
func TestSame(t *testing.T) {
	want := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"]}]}`)
	tests := []struct {
		name string
		got  string
		same bool
	}{
		{"identical", string(want), true},
		{"URL-encoded single-value form", "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D", true},
		{"reformatted", "{\n  \"Statement\": [{\"Action\": \"sts:AssumeRole\", \"Effect\": \"Allow\"}],\n  \"Version\": \"2012-10-17\"\n}", true},
		{"different effect", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole"}]}`, false},
		{"extra action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"]}]}`, false},
		{"not JSON", "%7B", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Same(tt.got, string(want)); got != tt.same {
				t.Errorf("Same = %v, want %v", got, tt.same)
			}
		})
	}
	// JSON that holds a '+' must not be URL-decoded into a space.
	plus := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}`)
	if !Same(string(plus), string(plus)) {
		t.Error("a raw document with '+' differs from itself")
	}
}
