package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const (
	amiARN = "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/AmiProduct/example1-abcd-1234-5ef6-7890abcdef12"
	expARN = "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Experience/exp-example12345"
	csARN  = "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/*"
)

func readGuide(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func generic(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return m
}

func statements(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	list, ok := m["Statement"].([]any)
	if !ok {
		t.Fatalf("Statement is not an array: %v", m["Statement"])
	}
	var out []map[string]any
	for _, e := range list {
		out = append(out, e.(map[string]any))
	}
	return out
}

var guideCases = []struct {
	file string
	p    Pattern
	o    Options
	// apiOnly: the guide's example is a StartChangeSet statement with
	// specific resources or conditions, so the api-only info applies.
	apiOnly bool
}{
	{"all-resources", AllResources, Options{}, false},
	{"entities", Entities, Options{EntityARNs: []string{amiARN}}, true},
	{"entities-experience", Entities, Options{Account: "123456789012", EntityARNs: []string{expARN}}, true},
	{"change-type", ChangeType, Options{EntityARNs: []string{amiARN}, ChangeTypes: []string{"UpdateInformation"}}, true},
	{"describe-by-tag", DescribeByTag, Options{TagKey: "product-team", TagValue: "team-xyz"}, false},
	{"changesets-by-tag", ChangeSetsByTag, Options{TagKey: "product-team", TagValue: "team-xyz"}, false},
	{"start-by-tag", StartByTag, Options{TagKey: "product-team", TagValue: "team-xyz"}, true},
	{"manage-tags", ManageTags, Options{}, false},
	{"manage-tags-by-tag", ManageTagsByTag, Options{TagKey: "product-team", TagValue: "team-xyz"}, false},
	{"enforce-tags-on-create", EnforceTagsOnCreate, Options{TagKey: "product-team", TagValue: "team-xyz"}, true},
}

func TestBuildMatchesGuide(t *testing.T) {
	covered := map[Pattern]bool{}
	for _, c := range guideCases {
		t.Run(c.file, func(t *testing.T) {
			covered[c.p] = true
			d, err := Build(c.p, c.o)
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), "\n  \"Statement\"") {
				t.Errorf("output is not indented:\n%s", out)
			}
			got := generic(t, out)
			want := generic(t, readGuide(t, c.file))
			if got["Version"] != "2012-10-17" {
				t.Errorf("Version = %v", got["Version"])
			}
			gs, ws := statements(t, got), statements(t, want)
			if len(gs) != len(ws) {
				t.Fatalf("%d statements, guide has %d", len(gs), len(ws))
			}
			for i := range ws {
				for _, f := range []string{"Sid", "Effect", "Action", "Resource", "Condition"} {
					if !reflect.DeepEqual(gs[i][f], ws[i][f]) {
						t.Errorf("statement %d %s = %#v, guide %#v", i+1, f, gs[i][f], ws[i][f])
					}
				}
				if !reflect.DeepEqual(gs[i], ws[i]) {
					t.Errorf("statement %d = %v, guide %v", i+1, gs[i], ws[i])
				}
			}
			// Every builder output lints clean.
			fs, err := Lint(out)
			if err != nil {
				t.Fatal(err)
			}
			checkOnlyAPIOnly(t, fs, c.apiOnly)
		})
	}
	for _, p := range Patterns() {
		if !covered[p] {
			t.Errorf("pattern %s has no guide comparison", p)
		}
	}
}

// checkOnlyAPIOnly asserts no error or warning findings, and the api-only
// info exactly when expected.
func checkOnlyAPIOnly(t *testing.T, fs []Finding, apiOnly bool) {
	t.Helper()
	var infos int
	for _, f := range fs {
		if f.Severity != SeverityInfo || f.Rule != RuleAPIOnly {
			t.Errorf("unexpected finding: %v", f)
			continue
		}
		infos++
	}
	if want := map[bool]int{false: 0, true: 1}[apiOnly]; infos != want {
		t.Errorf("%d api-only infos, want %d: %v", infos, want, fs)
	}
}

func TestGuideExamplesLintClean(t *testing.T) {
	for _, c := range guideCases {
		fs, err := Lint(readGuide(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		t.Run(c.file, func(t *testing.T) { checkOnlyAPIOnly(t, fs, c.apiOnly) })
	}
	for _, f := range []string{"resale-policy", "resale-trust"} {
		fs, err := Lint(readGuide(t, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(fs) != 0 {
			t.Errorf("%s: findings %v", f, fs)
		}
	}
}

func TestResaleMatchesGuide(t *testing.T) {
	for _, c := range []struct {
		file string
		d    Document
	}{
		{"resale-policy", ResaleAuthorizationPolicy()},
		{"resale-trust", ResaleAuthorizationTrust()},
	} {
		out, err := c.d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		got, want := generic(t, out), generic(t, readGuide(t, c.file))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", c.file, got, want)
		}
		// Parsing the guide gives back the same Document (shape flags included).
		parsed, err := Parse(readGuide(t, c.file))
		if err != nil {
			t.Fatal(err)
		}
		again, _ := parsed.JSON()
		if string(again) != string(out) {
			t.Errorf("%s: parsed guide marshals as\n%s\nwant\n%s", c.file, again, out)
		}
	}
	if ResalePolicyName != "FullResaleAuthorizationAccess" || ResaleRoleName != "FullResaleAuthorizationAccess" {
		t.Error("resale names")
	}
	steps := ResaleConsoleSteps()
	if len(steps) != 10 {
		t.Errorf("%d console steps, want 10", len(steps))
	}
	for i, s := range steps {
		if s == "" || strings.Contains(s, "\n") {
			t.Errorf("step %d not one line: %q", i+1, s)
		}
	}
}

func TestManagedPolicyAdvice(t *testing.T) {
	want := []string{"AWSMarketplaceSellerFullAccess", "AWSMarketplaceSellerProductsReadOnly", "AWSPrivateMarketplaceAdminFullAccess"}
	adv := ManagedPolicyAdvice()
	if len(adv) != len(want) {
		t.Fatalf("%d advices", len(adv))
	}
	for i, a := range adv {
		if a.Name != want[i] || a.ARN != "arn:aws:iam::aws:policy/"+want[i] || a.Purpose == "" {
			t.Errorf("advice %d = %+v", i, a)
		}
	}
}

func TestBuildVariants(t *testing.T) {
	cases := []struct {
		name      string
		p         Pattern
		o         Options
		actions   []string
		resources []string
		cond      map[string]map[string]any
	}{
		{"several change types", ChangeType,
			Options{EntityARNs: []string{amiARN, expARN, amiARN}, ChangeTypes: []string{"UpdateInformation", "AddDeliveryOptions", "UpdateInformation"}},
			[]string{"aws-marketplace:StartChangeSet"}, []string{amiARN, expARN, csARN},
			map[string]map[string]any{"StringEquals": {"catalog:ChangeType": []string{"UpdateInformation", "AddDeliveryOptions"}}}},
		{"wildcard entity id", Entities,
			Options{EntityARNs: []string{"arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/*"}},
			[]string{"aws-marketplace:StartChangeSet"},
			[]string{"arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/*", csARN}, nil},
		{"custom actions under tag get TagResource", DescribeByTag,
			Options{TagKey: "product-team", TagValue: "team-xyz", Actions: []string{"describeentity", "aws-marketplace:StartChangeSet"}},
			[]string{"aws-marketplace:DescribeEntity", "aws-marketplace:StartChangeSet", "aws-marketplace:TagResource"}, []string{"*"},
			map[string]map[string]any{"StringEquals": {"aws:ResourceTag/product-team": "team-xyz"}}},
		{"empty tag value allowed", ManageTagsByTag,
			Options{TagKey: "product team:é", TagValue: ""},
			[]string{"aws-marketplace:TagResource", "aws-marketplace:UntagResource", "aws-marketplace:ListTagsForResource"}, []string{"*"},
			map[string]map[string]any{"StringEquals": {"aws:ResourceTag/product team:é": ""}}},
		{"entities with other actions", Entities,
			Options{EntityARNs: []string{amiARN}, Actions: []string{"DescribeEntity", "StartChangeSet"}},
			[]string{"aws-marketplace:DescribeEntity", "aws-marketplace:StartChangeSet"}, []string{amiARN, csARN}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Build(c.p, c.o)
			if err != nil {
				t.Fatal(err)
			}
			s := d.Statement[0]
			if !slices.Equal(s.Action, c.actions) || !slices.Equal(s.Resource, c.resources) || !reflect.DeepEqual(s.Condition, c.cond) {
				t.Errorf("got %v %v %v", s.Action, s.Resource, s.Condition)
			}
			out, _ := d.JSON()
			fs, err := Lint(out)
			if err != nil {
				t.Fatal(err)
			}
			if HasErrors(fs) {
				t.Errorf("lint errors: %v", fs)
			}
			for _, f := range fs {
				if f.Severity == SeverityWarning {
					t.Errorf("lint warning: %v", f)
				}
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	tag := func(k, v string) Options { return Options{TagKey: k, TagValue: v} }
	long := strings.Repeat("k", 129)
	cases := []struct {
		name string
		p    Pattern
		o    Options
		want string // must appear in the error
	}{
		{"unknown pattern", Pattern("everything"), Options{}, `"everything"`},
		{"bad account", AllResources, Options{Account: "12345"}, `"12345"`},
		{"account letters", Entities, Options{Account: "12345678901a", EntityARNs: []string{amiARN}}, `"12345678901a"`},
		{"no entity", Entities, Options{}, "at least one entity ARN"},
		{"bad region", Entities, Options{EntityARNs: []string{strings.Replace(amiARN, "us-east-1", "eu-west-1", 1)}}, `region "eu-west-1"`},
		{"bad ARN", Entities, Options{EntityARNs: []string{"arn:aws:s3:::bucket"}}, `"arn:aws:s3:::bucket"`},
		{"short account in ARN", Entities, Options{EntityARNs: []string{"arn:aws:aws-marketplace:us-east-1:1234:AWSMarketplace/AmiProduct/x"}}, `account "1234"`},
		{"no entity id", Entities, Options{EntityARNs: []string{"arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/AmiProduct"}}, "AWSMarketplace/AmiProduct"},
		{"changeset given", Entities, Options{EntityARNs: []string{csARN}}, "added automatically"},
		{"account mismatch", Entities, Options{Account: "999999999999", EntityARNs: []string{amiARN}}, "not in account 999999999999"},
		{"mixed accounts", Entities, Options{EntityARNs: []string{amiARN, strings.Replace(expARN, "123456789012", "210987654321", 1)}}, "210987654321"},
		{"no change type", ChangeType, Options{EntityARNs: []string{amiARN}}, "at least one change type"},
		{"bad change type", ChangeType, Options{EntityARNs: []string{amiARN}, ChangeTypes: []string{"Update Information"}}, `"Update Information"`},
		{"change type with other action", ChangeType, Options{EntityARNs: []string{amiARN}, ChangeTypes: []string{"UpdateInformation"}, Actions: []string{"DescribeEntity"}}, `"DescribeEntity"`},
		{"empty tag key", DescribeByTag, tag("", "team-xyz"), "tag key is empty"},
		{"long tag key", DescribeByTag, tag(long, "v"), long},
		{"bad tag key", DescribeByTag, tag("team#1", "v"), `"team#1"`},
		{"long tag value", StartByTag, tag("k", strings.Repeat("v", 257)), "257 characters"},
		{"bad tag value", ChangeSetsByTag, tag("k", "a*b"), `"a*b"`},
		{"unknown action", ManageTags, Options{Actions: []string{"TagResources"}}, `"TagResources"`},
		{"unused tag", ManageTags, tag("k", "v"), `"k"="v"`},
		{"unused ARNs", AllResources, Options{EntityARNs: []string{amiARN}}, amiARN},
		{"unused change types", Entities, Options{EntityARNs: []string{amiARN}, ChangeTypes: []string{"UpdateInformation"}}, "UpdateInformation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(c.p, c.o)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
	if err := (func() error { _, err := Build(DescribeByTag, tag("k", strings.Repeat("v", 256))); return err })(); err != nil {
		t.Errorf("256-character value refused: %v", err)
	}
	if _, err := Build(DescribeByTag, tag(strings.Repeat("k", 128), "")); err != nil {
		t.Errorf("128-character key refused: %v", err)
	}
}

func TestParsePattern(t *testing.T) {
	for _, p := range Patterns() {
		got, err := ParsePattern(" " + strings.ToUpper(string(p)) + " ")
		if err != nil || got != p || p.Description() == "" {
			t.Errorf("ParsePattern(%s) = %v, %v", p, got, err)
		}
	}
	if _, err := ParsePattern("nope"); err == nil || !strings.Contains(err.Error(), "all-resources") {
		t.Errorf("error %v does not list the patterns", err)
	}
}

func TestTagValidation(t *testing.T) {
	keys := []struct {
		k  string
		ok bool
	}{
		{"product-team", true}, {"a", true}, {"", false}, {strings.Repeat("é", 128), true},
		{strings.Repeat("é", 129), false}, {"a b_c.d:e/f=g+h-i@j", true}, {"日本語", true},
		{"a*b", false}, {"a,b", false}, {"tab\tkey", false}, {"\xff", false},
	}
	for _, c := range keys {
		if err := ValidateTagKey(c.k); (err == nil) != c.ok {
			t.Errorf("ValidateTagKey(%q) = %v, want ok=%v", c.k, err, c.ok)
		}
	}
	vals := []struct {
		v  string
		ok bool
	}{
		{"", true}, {"team-xyz", true}, {strings.Repeat("v", 256), true}, {strings.Repeat("v", 257), false},
		{"a?b", false}, {"a\"b", false},
	}
	for _, c := range vals {
		if err := ValidateTagValue(c.v); (err == nil) != c.ok {
			t.Errorf("ValidateTagValue(%q) = %v, want ok=%v", c.v, err, c.ok)
		}
	}
}

// TestLintRules triggers each rule with a broken variant of a guide example.
func TestLintRules(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		rule string
		sev  string
		fix  string // must appear in Fix
	}{
		{"a: entity ARN without ChangeSet", `{"Statement":{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"` + amiARN + `"}}`,
			RuleChangeSetARNMissing, SeverityError, csARN},
		{"a: ChangeSet of another account", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],"Resource":["` + amiARN + `","arn:aws:aws-marketplace:us-east-1:999999999999:AWSMarketplace/ChangeSet/*"]}]}`,
			RuleChangeSetARNMissing, SeverityError, csARN},
		{"a: wildcard action", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:Start*"],"Resource":["` + expARN + `"]}]}`,
			RuleChangeSetARNMissing, SeverityError, csARN},
		{"b: ChangeSet without wildcard", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],"Resource":["` + amiARN + `","arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet"]}]}`,
			RuleChangeSetARNWildcard, SeverityError, csARN},
		{"b: specific change set", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],"Resource":["` + amiARN + `","arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/cs-123"]}]}`,
			RuleChangeSetARNWildcard, SeverityError, csARN},
		{"c: tag condition without TagResource", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/product-team":"team-xyz"}}}]}`,
			RuleTagConditionNeedsTagResource, SeverityError, "aws-marketplace:TagResource"},
		{"d: api only (conditions)", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:StartChangeSet"],"Resource":"*","Condition":{"StringEquals":{"catalog:ChangeType":"UpdateInformation"}}}]}`,
			RuleAPIOnly, SeverityInfo, "Catalog API"},
		{"e: ChangeType on other actions", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:StartChangeSet","aws-marketplace:DescribeEntity"],"Resource":"*","Condition":{"StringEquals":{"catalog:ChangeType":"UpdateInformation"}}}]}`,
			RuleChangeTypeScope, SeverityWarning, "separate statement"},
		{"f: unknown action", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntities"],"Resource":"*"}]}`,
			RuleUnknownAction, SeverityWarning, "aws-marketplace:DescribeEntity"},
		{"f: typo", `{"Statement":[{"Effect":"Allow","Action":"aws-marketplace:StartChangeset2","Resource":"*"}]}`,
			RuleUnknownAction, SeverityWarning, "aws-marketplace:StartChangeSet"},
		{"g: other region", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":["arn:aws:aws-marketplace:eu-west-1:123456789012:AWSMarketplace/AmiProduct/x"]}]}`,
			RuleEntityARN, SeverityError, "us-east-1"},
		{"g: malformed", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":["arn:aws:aws-marketplace:us-east-1:123456789012:AmiProduct/x"]}]}`,
			RuleEntityARN, SeverityError, "AWSMarketplace/<EntityType>/<id>"},
		{"g: short account", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":["arn:aws:aws-marketplace:us-east-1:1234:AWSMarketplace/AmiProduct/x"]}]}`,
			RuleEntityARN, SeverityError, "12-digit"},
		{"g: truncated", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":["arn:aws:aws-marketplace:us-east-1"]}]}`,
			RuleEntityARN, SeverityError, "AWSMarketplace"},
		{"h: bad tag key", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/product#team":"team-xyz"}}}]}`,
			RuleTagRules, SeverityError, "1–128"},
		{"h: empty tag key", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/":"team-xyz"}}}]}`,
			RuleTagRules, SeverityError, "1–128"},
		{"h: bad tag value in list", `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/product-team":["team-xyz","team;abc"]}}}]}`,
			RuleTagRules, SeverityError, "0–256"},
		{"version", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":"*"}]}`,
			RuleVersion, SeverityWarning, "2012-10-17"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := Lint([]byte(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			var hit *Finding
			for i := range fs {
				if fs[i].Rule == c.rule {
					hit = &fs[i]
				}
			}
			if hit == nil {
				t.Fatalf("rule %s not triggered; findings %v", c.rule, fs)
			}
			if hit.Severity != c.sev || hit.Message == "" || !strings.Contains(hit.Fix, c.fix) {
				t.Errorf("finding %+v: want severity %s, fix containing %q", *hit, c.sev, c.fix)
			}
			if c.rule != RuleVersion && hit.Statement != 1 {
				t.Errorf("statement = %d, want 1", hit.Statement)
			}
		})
	}
}

// TestLintNoFalsePositives: close-to-broken but valid policies.
func TestLintNoFalsePositives(t *testing.T) {
	cases := map[string]string{
		"StringLike wildcard value":        `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeEntity"],"Resource":"*","Condition":{"StringLike":{"aws:ResourceTag/product-team":"team-*"}}}]}`,
		"specific change set for describe": `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:DescribeChangeSet"],"Resource":"arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/cs-123"}]}`,
		"deny on entity":                   `{"Statement":[{"Effect":"Deny","Action":["aws-marketplace:StartChangeSet"],"Resource":"` + amiARN + `"}]}`,
		"catalog-wide wildcard":            `{"Statement":[{"Effect":"Allow","Action":["aws-marketplace:*"],"Resource":"*"}]}`,
		"lower-case action":                `{"Statement":[{"Effect":"Allow","Action":"aws-marketplace:describeentity","Resource":"*"}]}`,
		"other services":                   `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`,
	}
	for name, raw := range cases {
		fs, err := Lint([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(fs) != 0 {
			t.Errorf("%s: findings %v", name, fs)
		}
	}
}

func TestLintInvalidJSON(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",, }\n  ]\n}", "line 3, column 24"},
		{`{"Statement": [`, "line 1"},
		{`[]`, "must be a JSON object"},
		{`{"Version":"2012-10-17"}`, "no Statement"},
		{`{"Statement": 3}`, "object or an array"},
		{`{"Statement": [{"Action": 3}]}`, "statement 1: Action"},
		{`{"Statement": [{"Action": "a"}, {"Resource": ["x", 1]}]}`, "statement 2: Resource[1]"},
		{`{"Statement": [{"Condition": {"StringEquals": "x"}}]}`, `"StringEquals"`},
	}
	for _, c := range cases {
		_, err := Lint([]byte(c.raw))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Lint(%q) error %v, want containing %q", c.raw, err, c.want)
		}
	}
}

func TestMarshalShapes(t *testing.T) {
	// A parsed document keeps the string/array choice of its input.
	in := `{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Allow","Action":"aws-marketplace:ListEntities","Resource":["*"]}}`
	var d Document
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":"aws-marketplace:ListEntities","Resource":["*"]}]}`
	if string(out) != want {
		t.Errorf("got %s\nwant %s", out, want)
	}
	// Deterministic output.
	a, _ := Build(ChangeType, Options{EntityARNs: []string{amiARN}, ChangeTypes: []string{"A", "B"}})
	first := a.String()
	for range 20 {
		b, _ := Build(ChangeType, Options{EntityARNs: []string{amiARN}, ChangeTypes: []string{"A", "B"}})
		if b.String() != first {
			t.Fatal("non-deterministic output")
		}
	}
	// The resale policy's JSON text keeps the guide's shapes.
	s := ResaleAuthorizationPolicy().String()
	if !strings.Contains(s, `"Resource": "arn:aws:aws-marketplace:*:*:AWSMarketplace/ResaleAuthorization/*"`) ||
		!strings.Contains(s, "\"Resource\": [\n        \"arn:aws:ram:*:*:*\"") {
		t.Errorf("resale shapes:\n%s", s)
	}
}

func FuzzLint(f *testing.F) {
	for _, c := range guideCases {
		b, _ := os.ReadFile(filepath.Join("testdata", c.file+".json"))
		f.Add(b)
	}
	f.Add([]byte(`{"Statement":{"Action":"aws-marketplace:Start*","Resource":"arn:aws:aws-marketplace:*"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := Lint(b)
		if err != nil {
			return
		}
		for _, x := range fs {
			if x.Rule == "" || x.Message == "" {
				t.Fatalf("empty finding %+v", x)
			}
		}
	})
}

func FuzzValidateTag(f *testing.F) {
	f.Add("product-team")
	f.Add("")
	f.Add("a*b")
	f.Fuzz(func(t *testing.T, s string) {
		kerr, verr := ValidateTagKey(s), ValidateTagValue(s)
		if kerr == nil && verr != nil {
			t.Fatalf("key %q valid but value not: %v", s, verr)
		}
		if s != "" && verr == nil && kerr != nil && len([]rune(s)) <= MaxTagKeyLen {
			t.Fatalf("value %q valid but key not: %v", s, kerr)
		}
	})
}
