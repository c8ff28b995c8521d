package tiles

import (
	"strings"
	"testing"
)

func TestParsePolicyForms(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr string
		check   func(t *testing.T, p Policy)
	}{
		{name: "principal *, action string, single statement object",
			raw: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			check: func(t *testing.T, p Policy) {
				st := p.Statement[0]
				if !st.Principal.All || len(st.Action) != 1 || st.Resource[0] != "arn:aws:s3:::b/*" {
					t.Errorf("%+v", st)
				}
			}},
		{name: "service principal as a list, AWS as a string, case-insensitive keys",
			raw: `{"statement":[{"sid":"A","effect":"Allow","principal":{"Service":["a.amazonaws.com","reports.marketplace.amazonaws.com"],"AWS":"123456789012"},"action":["sns:Publish"]}]}`,
			check: func(t *testing.T, p Policy) {
				st := p.Statement[0]
				if st.Sid != "A" || len(st.Principal.Service) != 2 || st.Principal.AWS[0] != "123456789012" || st.Principal.All {
					t.Errorf("%+v", st)
				}
			}},
		{name: `{"AWS":"*"} is everyone`, raw: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sns:Publish"}]}`,
			check: func(t *testing.T, p Policy) {
				if !p.Statement[0].Principal.All {
					t.Error("not All")
				}
			}},
		{name: "conditions: lists, booleans, numbers",
			raw: `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2},"StringEquals":{"aws:SourceAccount":["1","2"]}}}]}`,
			check: func(t *testing.T, p Policy) {
				c := p.Statement[0].Conditions()
				if len(c) != 3 || c[0].Operator != "Bool" || c[0].Values[0] != "false" || c[1].Values[0] != "1.2" || len(c[2].Values) != 2 {
					t.Errorf("%+v", c)
				}
			}},
		{name: "URL-encoded, as IAM returns it", raw: "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22x.amazonaws.com%22%7D%2C%22Action%22%3A%22sns%3APublish%22%7D%5D%7D",
			check: func(t *testing.T, p Policy) {
				if p.Statement[0].Principal.Service[0] != "x.amazonaws.com" {
					t.Errorf("%+v", p)
				}
			}},
		{name: "empty", raw: "  ", wantErr: "empty"},
		{name: "not JSON", raw: "<Policy/>", wantErr: "not a JSON policy"},
		{name: "no statement", raw: `{"Version":"2012-10-17"}`, wantErr: "no Statement"},
		{name: "principal string other than *", raw: `{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"x"}]}`, wantErr: "must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestGrants(t *testing.T) {
	const svc = "reports.marketplace.amazonaws.com"
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }
	q := grantQuery{principal: servicePrincipal(svc), actions: []string{"s3:PutObject"}, resource: "arn:aws:s3:::b/f/data.csv", account: acct}
	strict := q
	strict.requireSourceAccount = true
	tests := []struct {
		name   string
		policy string
		q      grantQuery
		ok     bool
		detail string
	}{
		{"exact grant", stmt(`{"Sid":"S","Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`), q, true, "statement S allows s3:PutObject"},
		{"wildcard action", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:Put*","Resource":"arn:aws:s3:::b/*"}`), q, true, ""},
		{"action case-insensitive", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"S3:putobject","Resource":"arn:aws:s3:::b/*"}`), q, true, ""},
		{"NotAction", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"NotAction":"s3:Delete*","Resource":"*"}`), q, true, ""},
		{"NotAction excluding it", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"NotAction":"s3:Put*","Resource":"*"}`), q, false, "no Allow statement"},
		{"resource is the bucket only", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b"}`), q, false, "no Allow statement"},
		{"other principal", stmt(`{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"s3:*","Resource":"*"}`), q, false, "to " + svc},
		{"principal * is not a grant naming the service", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*"}`), q, false, "no Allow statement"},
		{"SNS default policy is not a grant to the service", stmt(`{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"*","Condition":{"StringEquals":{"AWS:SourceOwner":"` + acct + `"}}}`),
			grantQuery{principal: servicePrincipal(svc), actions: []string{"sns:Publish"}, account: acct}, false, "no Allow statement"},
		{"SNS default policy admits the owner account", stmt(`{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"*","Condition":{"StringEquals":{"AWS:SourceOwner":"` + acct + `"}}}`),
			grantQuery{principal: accountOrMarketplacePrincipal(acct), actions: []string{"sns:Publish"}, account: acct}, true, "__default_statement_ID"},
		{"SNS default policy of another owner", stmt(`{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish"],"Resource":"*","Condition":{"StringEquals":{"AWS:SourceOwner":"999988887777"}}}`),
			grantQuery{principal: accountOrMarketplacePrincipal(acct), actions: []string{"sns:Publish"}, account: acct}, false, "aws:SourceOwner"},
		{"effect Deny only", stmt(`{"Effect":"Deny","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*"}`), q, false, ""},
		{"unconditional Deny overrides", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:*","Resource":"*"},{"Sid":"D","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}`), q, false, "statement D denies it"},
		{"conditional Deny is not evaluated", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), q, true, ""},
		{"SourceAccount matches", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"` + acct + `"}}}`), strict, true, ""},
		{"SourceAccount in a list", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":["999988887777","` + acct + `"]}}}`), strict, true, ""},
		{"SourceAccount key case and IfExists", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIfExists":{"AWS:sourceaccount":"` + acct + `"}}}`), strict, true, ""},
		{"SourceAccount with StringLike", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:SourceAccount":"1111*"}}}`), strict, true, ""},
		{"SourceAccount of another account", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"999988887777"}}}`), q, false, "does not admit account"},
		{"SourceAccount excluded by StringNotEquals", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"` + acct + `"}}}`), q, false, "does not admit"},
		{"SourceAccount required but absent", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*"}`), strict, false, "without an aws:SourceAccount condition"},
		{"SourceArn of the account", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"` + acct + `"},"ArnLike":{"aws:SourceArn":"arn:aws:marketplace::` + acct + `:AWSMarketplace/SellerDataSubscription/*"}}}`), strict, true, ""},
		{"SourceArn of another account", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:marketplace::999988887777:AWSMarketplace/*"}}}`), q, false, "aws:SourceArn"},
		{"Null condition requiring the key", stmt(`{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"s3:PutObject","Resource":"*","Condition":{"Null":{"aws:SourceAccount":"false"}}}`), q, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			g := grants(p, tt.q)
			if g.ok != tt.ok || !strings.Contains(g.detail, tt.detail) {
				t.Errorf("grants = %v %q, want %v containing %q", g.ok, g.detail, tt.ok, tt.detail)
			}
		})
	}
}

func TestAccountPrincipal(t *testing.T) {
	m := accountOrMarketplacePrincipal(acct)
	tests := []struct {
		p    Principal
		want bool
	}{
		{Principal{AWS: []string{acct}}, true},
		{Principal{AWS: []string{"arn:aws:iam::" + acct + ":root"}}, true},
		{Principal{AWS: []string{"arn:aws:iam::" + acct + ":role/MarketplaceCommerceAnalyticsRole"}}, true},
		{Principal{AWS: []string{"arn:aws:iam::452565589796:root"}}, true},
		{Principal{Service: []string{"reports.marketplace.amazonaws.com"}}, true},
		{Principal{AWS: []string{"arn:aws:iam::999988887777:root"}}, false},
		{Principal{Service: []string{"sns.amazonaws.com"}}, false},
		{Principal{All: true}, true},
	}
	for _, tt := range tests {
		if got := m.match(tt.p); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.p, got, tt.want)
		}
	}
}
