package template

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/internal/cfntemplate"
)

func validParams() Parameters {
	return Parameters{PartnerAccountID: "123456789012", ExternalID: "sd-7f3a9c"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(p *Parameters)
		field  string // "" = valid
		msg    string // substring of the message
	}{
		{"valid minimal", func(p *Parameters) {}, "", ""},
		{"valid everything", func(p *Parameters) {
			p.PartnerRoleName = "Partner+Role=1,a.b@c-d_e"
			p.PartnerSnsPrefix = "acme_partner-"
			p.ReportURL = "https://partner.example.com/hooks/onboard?token=abc"
			p.LeastPrivilege = true
			p.CasBucketName = "acme-cas-reports"
			p.SddsBucketName = "acme.sdds.reports"
		}, "", ""},
		// Partner account ID
		{"account 12 digits leading zero", func(p *Parameters) { p.PartnerAccountID = "012345678901" }, "", ""},
		{"account 11 digits", func(p *Parameters) { p.PartnerAccountID = "12345678901" }, "PartnerAccountID", "Partner account ID must be exactly 12 digits; got 11"},
		{"account 13 digits", func(p *Parameters) { p.PartnerAccountID = "1234567890123" }, "PartnerAccountID", "exactly 12 digits; got 13"},
		{"account empty", func(p *Parameters) { p.PartnerAccountID = "" }, "PartnerAccountID", "Partner account ID is required"},
		{"account letters", func(p *Parameters) { p.PartnerAccountID = "12345678901a" }, "PartnerAccountID", `only digits; found "a" at position 12`},
		{"account dashes", func(p *Parameters) { p.PartnerAccountID = "1234-5678-9012" }, "PartnerAccountID", `found "-" at position 5`},
		// External ID
		{"external id length 1", func(p *Parameters) { p.ExternalID = "a" }, "ExternalID", "External ID must be at least 2 characters; got 1"},
		{"external id length 2", func(p *Parameters) { p.ExternalID = "ab" }, "", ""},
		{"external id length 1224", func(p *Parameters) { p.ExternalID = strings.Repeat("x", 1224) }, "", ""},
		{"external id length 1225", func(p *Parameters) { p.ExternalID = strings.Repeat("x", 1225) }, "ExternalID", "at most 1224 characters; got 1225"},
		{"external id empty", func(p *Parameters) { p.ExternalID = "" }, "ExternalID", "External ID is required"},
		{"external id space", func(p *Parameters) { p.ExternalID = "abc def" }, "ExternalID", "found a space at position 4"},
		{"external id hash", func(p *Parameters) { p.ExternalID = "abc#def" }, "ExternalID", `found "#" at position 4`},
		{"external id non-ascii", func(p *Parameters) { p.ExternalID = "abcé" }, "ExternalID", `found "é" at position 4`},
		{"external id all allowed punctuation", func(p *Parameters) { p.ExternalID = "a_+=,.@:/-Z9" }, "", ""},
		// Role name
		{"role name 64", func(p *Parameters) { p.PartnerRoleName = strings.Repeat("r", 64) }, "", ""},
		{"role name 65", func(p *Parameters) { p.PartnerRoleName = strings.Repeat("r", 65) }, "PartnerRoleName", "at most 64 characters; got 65"},
		{"role name slash", func(p *Parameters) { p.PartnerRoleName = "team/role" }, "PartnerRoleName", `found "/" at position 5`},
		// SNS prefix
		{"sns prefix with dot", func(p *Parameters) { p.PartnerSnsPrefix = "acme." }, "PartnerSnsPrefix", `found "." at position 5`},
		{"sns prefix wildcard", func(p *Parameters) { p.PartnerSnsPrefix = "*" }, "PartnerSnsPrefix", `found "*"`},
		// Report URL
		{"report url http", func(p *Parameters) { p.ReportURL = "http://partner.example.com/x" }, "ReportURL", "must start with https://"},
		{"report url no host", func(p *Parameters) { p.ReportURL = "https:///x" }, "ReportURL", "no host"},
		{"report url space", func(p *Parameters) { p.ReportURL = "https://a.example/x y" }, "ReportURL", "spaces"},
		// Bucket names
		{"bucket too short", func(p *Parameters) { p.CasBucketName = "ab" }, "CasBucketName", "CAS bucket name must be 3 to 63 characters long; got 2"},
		{"bucket upper case", func(p *Parameters) { p.SddsBucketName = "Acme-Reports" }, "SddsBucketName", `Seller Data Feeds bucket name may contain only lowercase letters, digits, dots and hyphens; found "A" at position 1`},
		{"bucket ends with hyphen", func(p *Parameters) { p.CasBucketName = "acme-" }, "CasBucketName", "must end with"},
		{"bucket double dot", func(p *Parameters) { p.CasBucketName = "acme..x" }, "CasBucketName", "two dots"},
		{"bucket ip", func(p *Parameters) { p.CasBucketName = "192.168.1.1" }, "CasBucketName", "IP address"},
		{"bucket reserved prefix", func(p *Parameters) { p.CasBucketName = "xn--abc" }, "CasBucketName", "reserved"},
		{"bucket reserved suffix", func(p *Parameters) { p.CasBucketName = "abc-s3alias" }, "CasBucketName", "reserved"},
		{"buckets identical", func(p *Parameters) { p.CasBucketName, p.SddsBucketName = "acme-reports", "acme-reports" }, "SddsBucketName", "different names"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := validParams()
			tc.modify(&p)
			err := p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var verrs ValidationErrors
			if !errors.As(err, &verrs) {
				t.Fatalf("Validate() = %v (%T), want ValidationErrors", err, err)
			}
			msgs := verrs.For(tc.field)
			if len(msgs) == 0 {
				t.Fatalf("no error for %s; got %v", tc.field, verrs)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), tc.msg) {
				t.Errorf("messages for %s = %q, want one containing %q", tc.field, msgs, tc.msg)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Error() = %q lacks %q", err.Error(), tc.msg)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := Parameters{PartnerAccountID: "1", ExternalID: "#", ReportURL: "ftp://x"}.Validate()
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("got %v", err)
	}
	var fields []string
	for _, e := range verrs {
		fields = append(fields, e.Field)
	}
	want := []string{"PartnerAccountID", "ExternalID", "ExternalID", "ReportURL"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("fields = %v, want %v (%v)", fields, want, verrs)
	}
}

// Anything Validate accepts, the template's own constraints accept too (so a
// stack never fails on a parameter the app let through), and for the
// parameters whose rules are the same, the reverse holds as well.
func TestValidateAgreesWithTemplateConstraints(t *testing.T) {
	tpl := mustParseBody(t)
	accepts := func(name, value string) bool {
		p := tpl.Parameters[name]
		n := utf8.RuneCountInString(value)
		if p.MinLength != nil && n < *p.MinLength || p.MaxLength != nil && n > *p.MaxLength {
			return false
		}
		if p.AllowedPattern != "" && !regexp.MustCompile(p.AllowedPattern).MatchString(value) {
			return false
		}
		return true
	}
	cases := []struct {
		param, field string
		exact        bool // same rules in Go and in the template
		values       []string
		set          func(p *Parameters, v string)
	}{
		{"PartnerAccountId", "PartnerAccountID", true, []string{"123456789012", "12345678901", "1234567890123", "12345678901a", ""},
			func(p *Parameters, v string) { p.PartnerAccountID = v }},
		{"ExternalId", "ExternalID", true, []string{"a", "ab", strings.Repeat("x", 1224), strings.Repeat("x", 1225), "a b", "a#b", "a_+=,.@:/-Z9", "é1"},
			func(p *Parameters, v string) { p.ExternalID = v }},
		{"PartnerRoleName", "PartnerRoleName", true, []string{"SellerDeskPartnerRole", strings.Repeat("r", 64), strings.Repeat("r", 65), "a/b", "a b"},
			func(p *Parameters, v string) { p.PartnerRoleName = v }},
		{"PartnerSnsPrefix", "PartnerSnsPrefix", true, []string{"partner-", "a_b", "a.b", "*", strings.Repeat("p", 200), strings.Repeat("p", 201)},
			func(p *Parameters, v string) { p.PartnerSnsPrefix = v }},
		{"ReportUrl", "ReportURL", false, []string{"", "https://x.example/a?b=c", "http://x.example", "https://a b"},
			func(p *Parameters, v string) { p.ReportURL = v }},
		{"CasBucketName", "CasBucketName", false, []string{"", "abc", "ab", "a..b", "Abc", "acme-reports", "192.168.1.1", strings.Repeat("b", 64)},
			func(p *Parameters, v string) { p.CasBucketName = v }},
	}
	for _, c := range cases {
		for _, v := range c.values {
			p := validParams()
			c.set(&p, v)
			var verrs ValidationErrors
			goOK := !errors.As(p.Validate(), &verrs) || len(verrs.For(c.field)) == 0
			cfnOK := accepts(c.param, v)
			if goOK && !cfnOK {
				t.Errorf("%s=%q: Validate accepts it but the template rejects it", c.param, v)
			}
			if c.exact && !goOK && cfnOK {
				t.Errorf("%s=%q: Validate rejects it but the template accepts it", c.param, v)
			}
		}
	}
}

func TestValidateStackName(t *testing.T) {
	tests := []struct {
		name string
		msg  string // "" = valid
	}{
		{"SellerDesk", ""},
		{"a", ""},
		{"sellerdesk-onboarding-2", ""},
		{"A" + strings.Repeat("b", 127), ""},
		{"A" + strings.Repeat("b", 128), "at most 128 characters; got 129"},
		{"", "Stack name is required"},
		{"1stack", `must start with a letter; it starts with "1"`},
		{"-stack", "must start with a letter"},
		{"seller_desk", `found "_" at position 7`},
		{"seller desk", "found a space at position 7"},
		{"sellér", `found "é" at position 5`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateStackName(tc.name)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("ValidateStackName(%q) = %v", tc.name, err)
				}
				return
			}
			var verrs ValidationErrors
			if !errors.As(err, &verrs) || len(verrs.For("StackName")) == 0 {
				t.Fatalf("ValidateStackName(%q) = %v, want a StackName error", tc.name, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
		})
	}
}

func TestCFN(t *testing.T) {
	got := validParams().CFN()
	want := []KV{
		{"PartnerAccountId", "123456789012"},
		{"ExternalId", "sd-7f3a9c"},
		{"PartnerRoleName", "SellerDeskPartnerRole"},
		{"PartnerSnsPrefix", "partner-"},
		{"ReportUrl", ""},
		{"LeastPrivilege", "false"},
		{"CasBucketName", ""},
		{"SddsBucketName", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CFN() = %v\nwant    %v", got, want)
	}
	p := Parameters{PartnerAccountID: "1", ExternalID: "e", PartnerRoleName: "R", PartnerSnsPrefix: "p-", ReportURL: "https://x", LeastPrivilege: true, CasBucketName: "c", SddsBucketName: "s"}
	got = p.CFN()
	want = []KV{{"PartnerAccountId", "1"}, {"ExternalId", "e"}, {"PartnerRoleName", "R"}, {"PartnerSnsPrefix", "p-"},
		{"ReportUrl", "https://x"}, {"LeastPrivilege", "true"}, {"CasBucketName", "c"}, {"SddsBucketName", "s"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CFN() = %v\nwant    %v", got, want)
	}
}

// TestNamedByMatchesTheTemplate: every resource NamedBy names takes its
// name from that parameter in the embedded template, and every resource
// whose name property refers to a parameter is known to NamedBy.
func TestNamedByMatchesTheTemplate(t *testing.T) {
	tpl, err := cfntemplate.Parse(Body())
	if err != nil {
		t.Fatal(err)
	}
	refs := func(v any, param string) bool {
		found := false
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if r, ok := x["Ref"].(string); ok && r == param {
					found = true
				}
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
		return found
	}
	for _, id := range tpl.ResourceIDs() {
		r := tpl.Resources[id]
		nameProp := r.Properties["BucketName"]
		param := NamedBy(id)
		switch {
		case param != "" && !refs(nameProp, param):
			t.Errorf("NamedBy(%s) = %s, but its BucketName does not refer to it: %v", id, param, nameProp)
		case param == "" && nameProp != nil:
			t.Errorf("%s takes its name from %v; NamedBy does not know it", id, nameProp)
		}
	}
	if NamedBy("CasBucket") == "" || NamedBy("SddsBucket") == "" {
		t.Error("the two buckets are not named by parameters")
	}
}
