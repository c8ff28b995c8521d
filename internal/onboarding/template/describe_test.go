package template

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/cfntemplate"
)

// Describe lists every resource, in template order, with its title.
func TestDescribeCoversEveryResource(t *testing.T) {
	tpl := mustParseBody(t)
	s, err := Describe()
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != Version || !reflect.DeepEqual(s.Capabilities, Capabilities) || s.Description == "" {
		t.Errorf("header = %q %v %q", s.Version, s.Capabilities, s.Description)
	}
	var ids []string
	for _, r := range s.Resources {
		ids = append(ids, r.LogicalID)
		src := tpl.Resources[r.LogicalID]
		title, why := ResourceText(src)
		if r.Type != src.Type || r.Title != title || r.Why != why || r.Title == "" {
			t.Errorf("%s: summary %q/%q/%q, template %q/%q/%q", r.LogicalID, r.Type, r.Title, r.Why, src.Type, title, why)
		}
		if r.Condition != src.Condition || (src.Condition != "") != (r.When != "") {
			t.Errorf("%s: condition %q / %q, template %q", r.LogicalID, r.Condition, r.When, src.Condition)
		}
		if r.Skipped {
			t.Errorf("%s: Describe must not skip anything", r.LogicalID)
		}
		if r.Retained != (src.DeletionPolicy == "Retain") {
			t.Errorf("%s: Retained = %v", r.LogicalID, r.Retained)
		}
	}
	if want := tpl.ResourceIDs(); !reflect.DeepEqual(ids, want) {
		t.Errorf("resources %v\nwant %v", ids, want)
	}
	var outs []string
	for _, o := range s.Outputs {
		outs = append(outs, o.Name)
		if o.Value == "" || o.Description == "" {
			t.Errorf("output %s: %+v", o.Name, o)
		}
	}
	if !reflect.DeepEqual(outs, wantOutputs) {
		t.Errorf("outputs %v", outs)
	}
	if len(s.Parameters) != len(tpl.Parameters) || len(s.Conditions) != len(tpl.Conditions) {
		t.Errorf("%d parameters, %d conditions", len(s.Parameters), len(s.Conditions))
	}
	for _, p := range s.Parameters {
		if p.Label == p.Name || p.Label == "" {
			t.Errorf("parameter %s has no label", p.Name)
		}
	}
}

// Every statement of every policy document in the template (both branches of
// Fn::If) appears in the review, fully rendered.
func TestDescribeCoversEveryStatement(t *testing.T) {
	tpl := mustParseBody(t)
	s, err := Describe()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]ResourceSummary{}
	for _, r := range s.Resources {
		byID[r.LogicalID] = r
	}
	total := 0
	for _, id := range tpl.ResourceIDs() {
		want := allStatements(tpl.Resources[id].Properties)
		got := byID[id].Statements
		total += len(got)
		if len(got) != len(want) {
			t.Errorf("%s: %d statements in the review, %d in the template", id, len(got), len(want))
			continue
		}
		for i, st := range got {
			if st.Sid != want[i]["Sid"] {
				t.Errorf("%s: statement %d is %q, template has %v", id, i, st.Sid, want[i]["Sid"])
			}
			if st.Effect == "" || len(st.Actions) == 0 || st.Text == "" || st.Policy == "" {
				t.Errorf("%s/%s: incomplete %+v", id, st.Sid, st)
			}
			if (want[i]["Principal"] != nil) != (len(st.Principals) > 0) {
				t.Errorf("%s/%s: principals %v", id, st.Sid, st.Principals)
			}
			if (want[i]["Condition"] != nil) != (len(st.Conditions) > 0) {
				t.Errorf("%s/%s: conditions %v", id, st.Sid, st.Conditions)
			}
			if want[i]["Resource"] != nil && len(st.Resources) == 0 {
				t.Errorf("%s/%s: resources missing", id, st.Sid)
			}
			for _, s := range append(append(append([]string{st.Text}, st.Resources...), st.Principals...), st.Conditions...) {
				if strings.Contains(s, "Fn::") || strings.Contains(s, `"Ref"`) || strings.Contains(s, "map[") {
					t.Errorf("%s/%s: unreadable rendering %q", id, st.Sid, s)
				}
			}
		}
	}
	if total < 20 {
		t.Errorf("only %d statements rendered", total)
	}
}

func findSummaryStatement(t *testing.T, s Summary, id, sid string) (StatementSummary, bool) {
	t.Helper()
	for _, r := range s.Resources {
		if r.LogicalID != id {
			continue
		}
		for _, st := range r.Statements {
			if st.Sid == sid {
				return st, true
			}
		}
	}
	return StatementSummary{}, false
}

func TestDescribeWords(t *testing.T) {
	s, err := Describe()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, sid string
		text    []string // substrings of the sentence
		fields  func(st StatementSummary) bool
	}{
		{"PartnerRole", "PartnerAssumeRoleWithExternalId",
			[]string{"Allows the partner's AWS account ${PartnerAccountId} to assume this role", "only when it presents the external ID ${ExternalId}"},
			func(st StatementSummary) bool {
				return reflect.DeepEqual(st.Principals, []string{"AWS: arn:aws:iam::${PartnerAccountId}:root"}) &&
					reflect.DeepEqual(st.Conditions, []string{"StringEquals sts:ExternalId = ${ExternalId}"}) && st.Policy == "Trust policy"
			}},
		{"PartnerRolePolicyAccess", "InspectOwnRole",
			[]string{"Allows the role PartnerRole to call IAM GetRole, ListRolePolicies, GetRolePolicy and PassRole on ${PartnerRole.Arn}"},
			func(st StatementSummary) bool { return reflect.DeepEqual(st.Resources, []string{"${PartnerRole.Arn}"}) }},
		{"MarketplaceSnsAccessPolicy", "SubscribeMarketplaceTopics",
			[]string{"arn:aws:sns:*:*:aws-mp-subscription-notification-*", "arn:aws:sns:*:*:${PartnerSnsPrefix}*"}, nil},
		{"PartnerQueueSendPolicy", "AllowNotificationTopicsToSend",
			[]string{"Allows Amazon SNS (sns.amazonaws.com) to call Amazon SQS SendMessage on ${PartnerQueue.Arn}", "${CasTopic}, ${SddsTopic}"},
			func(st StatementSummary) bool {
				return strings.HasPrefix(st.Conditions[0], "ArnLike aws:SourceArn = any of [${CasTopic}, ${SddsTopic}, ")
			}},
		{"SddsBucketPolicy", "DenyInsecureTransport",
			[]string{"Denies anyone every Amazon S3 action", "when the request does not use HTTPS"},
			func(st StatementSummary) bool {
				return st.Effect == "Deny" && reflect.DeepEqual(st.Principals, []string{"*"})
			}},
		{"SddsKey", "AwsMarketplaceDataFeedsAccess",
			[]string{"AWS Marketplace reporting (reports.marketplace.amazonaws.com)", "on this key", "acting on behalf of your account"}, nil},
		{"CasBucketPolicy", "AllowAccountDelivery",
			[]string{"IAM users and roles of your own account"}, nil},
		{"KmsKeyAccessPolicy", "UseReportKeyThroughS3",
			[]string{"when used by Amazon S3 for one of arn:aws:s3:::${SddsBucket}/*"}, nil},
		{"PartnerQueueSendPolicy", "AllowMarketplaceEventRuleToSend",
			[]string{"Allows Amazon EventBridge (events.amazonaws.com) to call Amazon SQS SendMessage on ${PartnerQueue.Arn}", "coming from ${MarketplaceEventsRule.Arn}"},
			func(st StatementSummary) bool { return st.When == `only when the stack's region is "us-east-1"` }},
		{"PartnerEventsReadPolicy", "ReadMarketplaceEventRule",
			[]string{"Allows the role PartnerRole to call Amazon EventBridge DescribeRule and ListTargetsByRule on ${MarketplaceEventsRule.Arn}"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.id+"/"+tc.sid, func(t *testing.T) {
			st, ok := findSummaryStatement(t, s, tc.id, tc.sid)
			if !ok {
				t.Fatal("statement not in the review")
			}
			for _, want := range tc.text {
				if !strings.Contains(st.Text, want) {
					t.Errorf("text %q lacks %q", st.Text, want)
				}
			}
			if tc.fields != nil && !tc.fields(st) {
				t.Errorf("fields: %+v", st)
			}
		})
	}
	for _, r := range s.Resources {
		switch r.LogicalID {
		case "ReporterFunctionRole":
			if r.When != "only if Report URL is not empty" || len(r.ManagedPolicies) != 1 || !strings.Contains(r.ManagedPolicies[0], "AWSLambdaBasicExecutionRole") {
				t.Errorf("ReporterFunctionRole: %q %v", r.When, r.ManagedPolicies)
			}
		case "CasBucket":
			if r.Name != "${CasBucketName} if CAS bucket name is not empty, otherwise generated by CloudFormation" || !r.Retained {
				t.Errorf("CasBucket: name %q retained %v", r.Name, r.Retained)
			}
		case "MarketplaceEventsRule":
			if r.When != `only if the stack's region is "us-east-1"` {
				t.Errorf("MarketplaceEventsRule: %q", r.When)
			}
		case "MarketplaceSnsAccessPolicy":
			if !strings.Contains(r.Title, "legacy") || !strings.Contains(r.Why, "older approach") {
				t.Errorf("MarketplaceSnsAccessPolicy is not marked legacy: %q / %q", r.Title, r.Why)
			}
		case "PartnerRole":
			if r.Name != "${PartnerRoleName}" {
				t.Errorf("PartnerRole name %q", r.Name)
			}
		}
	}
}

// Describe shows both marketplace access levels; DescribeFor only the one
// that applies.
func TestDescribeLeastPrivilegeAlternative(t *testing.T) {
	s, err := Describe()
	if err != nil {
		t.Fatal(err)
	}
	full, ok1 := findSummaryStatement(t, s, "MarketplaceAccessPolicy", "MarketplaceFullSellerAccess")
	least, ok2 := findSummaryStatement(t, s, "MarketplaceAccessPolicy", "MarketplaceReadAndTag")
	reports, ok3 := findSummaryStatement(t, s, "MarketplaceAccessPolicy", "MarketplaceViewReports")
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("both alternatives must be in the review")
	}
	if full.Condition != "!IsLeastPrivilege" || full.When != `only when Least-privilege marketplace access is not "true"` {
		t.Errorf("full access: %q %q", full.Condition, full.When)
	}
	if least.Condition != "IsLeastPrivilege" || least.When != `only when Least-privilege marketplace access is "true"` || reports.Condition != "IsLeastPrivilege" {
		t.Errorf("least privilege: %q %q", least.Condition, least.When)
	}
	if !strings.Contains(full.Text, "every AWS Marketplace action, every AWS Marketplace Management Portal action and every AWS Marketplace Vendor Insights action on any resource") {
		t.Errorf("full text %q", full.Text)
	}
	if !strings.Contains(least.Text, "to call AWS Marketplace ListEntities, DescribeEntity") {
		t.Errorf("least text %q", least.Text)
	}

	for _, lp := range []bool{false, true} {
		p := validParams()
		p.LeastPrivilege = lp
		s, err := DescribeFor(p)
		if err != nil {
			t.Fatal(err)
		}
		_, hasFull := findSummaryStatement(t, s, "MarketplaceAccessPolicy", "MarketplaceFullSellerAccess")
		_, hasLeast := findSummaryStatement(t, s, "MarketplaceAccessPolicy", "MarketplaceReadAndTag")
		if hasFull == lp || hasLeast != lp {
			t.Errorf("LeastPrivilege=%v: full %v, least %v", lp, hasFull, hasLeast)
		}
		for _, r := range s.Resources {
			for _, st := range r.Statements {
				// Only the region is unknown to DescribeFor.
				if (st.When != "" || st.Condition != "") && st.Condition != "IsMarketplaceEventRegion" {
					t.Errorf("DescribeFor left a conditional statement: %+v", st)
				}
			}
		}
	}
}

func TestDescribeFor(t *testing.T) {
	p := validParams()
	p.PartnerRoleName = "AcmeRole"
	s, err := DescribeFor(p)
	if err != nil {
		t.Fatal(err)
	}
	trust, _ := findSummaryStatement(t, s, "PartnerRole", "PartnerAssumeRoleWithExternalId")
	if want := "Allows the partner's AWS account 123456789012 to assume this role, only when it presents the external ID sd-7f3a9c."; trust.Text != want {
		t.Errorf("trust text %q\nwant       %q", trust.Text, want)
	}
	skipped := map[string]bool{}
	for _, r := range s.Resources {
		skipped[r.LogicalID] = r.Skipped
		switch r.LogicalID {
		case "PartnerRole":
			if r.Name != "AcmeRole" {
				t.Errorf("role name %q", r.Name)
			}
		case "CasBucket":
			if r.Name != "generated by CloudFormation" {
				t.Errorf("bucket name %q", r.Name)
			}
		}
	}
	for _, id := range []string{"ReporterFunctionRole", "ReporterFunction", "ReporterInvocation"} {
		if !skipped[id] {
			t.Errorf("%s not skipped without a report URL", id)
		}
	}
	if skipped["PartnerRole"] {
		t.Error("PartnerRole skipped")
	}
	for _, c := range s.Conditions {
		// The region is not known to DescribeFor: its condition stays open.
		if c.Name == "IsMarketplaceEventRegion" {
			if c.Value != nil || skipped["MarketplaceEventsRule"] {
				t.Errorf("condition %s = %v (rule skipped %v) without a region", c.Name, c.Value, skipped["MarketplaceEventsRule"])
			}
			continue
		}
		if c.Value == nil || *c.Value {
			t.Errorf("condition %s = %v, want false", c.Name, c.Value)
		}
	}

	p.ReportURL = "https://partner.example/hook"
	p.CasBucketName = "acme-cas"
	s, err = DescribeFor(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Resources {
		if r.Skipped {
			t.Errorf("%s skipped with a report URL", r.LogicalID)
		}
		if r.LogicalID == "CasBucket" && r.Name != "acme-cas" {
			t.Errorf("CAS bucket name %q", r.Name)
		}
	}

	_, err = DescribeFor(Parameters{PartnerAccountID: "1"})
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		t.Errorf("DescribeFor(invalid) = %v, want ValidationErrors", err)
	}
}

// A resource without its SellerDesk Metadata makes Describe fail.
func TestDescribeRequiresMetadata(t *testing.T) {
	body := strings.Replace(string(Body()), "        Title: One-time report function\n", "", 1)
	if body == string(Body()) {
		t.Fatal("test fixture out of date")
	}
	tpl, err := cfntemplate.Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := describe(tpl, nil); err == nil || !strings.Contains(err.Error(), "ReporterFunction") {
		t.Errorf("describe = %v, want an error naming ReporterFunction", err)
	}
}

func TestConditionWords(t *testing.T) {
	tpl, err := cfntemplate.Parse([]byte(`
Parameters:
  A: {Type: String}
  B: {Type: String}
Conditions:
  HasA: !Not [!Equals [!Ref A, ""]]
  BIsX: !Equals ["x", !Ref B]
  Both: !And [!Condition HasA, !Condition BIsX]
  NotEither: !Not [!Or [!Condition HasA, !Condition BIsX]]
Resources:
  R: {Type: X}
`))
	if err != nil {
		t.Fatal(err)
	}
	d := &describer{t: tpl}
	want := map[string]string{
		"HasA":      "A is not empty",
		"BIsX":      `B is "x"`,
		"Both":      `A is not empty and B is "x"`,
		"NotEither": `A is empty and B is not "x"`,
	}
	for name, w := range want {
		if got := d.condText(tpl.Conditions[name], false, 0); got != w {
			t.Errorf("%s: %q, want %q", name, got, w)
		}
	}
	r := &describer{t: tpl, resolve: true, params: map[string]string{"A": "", "B": "x"}, conds: map[string]bool{}}
	for name, w := range map[string]bool{"HasA": false, "BIsX": true, "Both": false, "NotEither": false} {
		got, err := r.evalCondition(name, nil)
		if err != nil || got != w {
			t.Errorf("eval %s = %v, %v; want %v", name, got, err, w)
		}
	}
}

// TestDescribeInResolvesWhatIsKnown: with the account, region and stack
// name known, the review shows no ${AWS::…} placeholder, and the ARNs of
// resources named by the template are the ones CloudFormation will give
// them (issue 14.4).
func TestDescribeInResolvesWhatIsKnown(t *testing.T) {
	p := Parameters{PartnerAccountID: "210987654321", ExternalID: "ext-1234"}
	w := Where{AccountID: "111122223333", Region: "eu-west-1", StackName: "SellerDesk-Onboarding"}
	sum, err := DescribeIn(p, w)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(sum)
	text := string(b)
	for _, ph := range []string{"${AWS::AccountId}", "${AWS::Region}", "${AWS::StackName}", "${PartnerRole.Arn}"} {
		if strings.Contains(text, ph) {
			t.Errorf("the review still shows %s", ph)
		}
	}
	if !strings.Contains(text, "arn:aws:iam::111122223333:role/SellerDeskPartnerRole") {
		t.Error("the partner role's ARN is not resolved")
	}
	// Without them, the placeholders stay (nothing is guessed).
	sum, err = DescribeFor(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(sum)
	if !strings.Contains(string(b), "${PartnerRole.Arn}") {
		t.Error("DescribeFor resolved the role ARN without knowing the account")
	}
}

// TestDescribeInTheRegion: the Marketplace event rule and what goes with it
// are in the review of a us-east-1 launch and skipped elsewhere; without a
// region, the review keeps them, saying when they apply (issue 12.1).
func TestDescribeInTheRegion(t *testing.T) {
	p := Parameters{PartnerAccountID: "210987654321", ExternalID: "ext-1234"}
	conditional := []string{"MarketplaceEventsRule", "MarketplaceEventsDeadLetterQueue", "MarketplaceEventsDeadLetterQueuePolicy", "PartnerEventsReadPolicy"}
	for _, tt := range []struct {
		region      string
		skipped     bool
		ruleAllowed bool
	}{
		{"us-east-1", false, true},
		{"eu-west-1", true, false},
		{"", false, true},
	} {
		s, err := DescribeIn(p, Where{AccountID: "111122223333", Region: tt.region, StackName: "SellerDesk-Onboarding"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range s.Resources {
			if slices.Contains(conditional, r.LogicalID) && r.Skipped != tt.skipped {
				t.Errorf("region %q: %s skipped = %v", tt.region, r.LogicalID, r.Skipped)
			}
		}
		_, found := findSummaryStatement(t, s, "PartnerQueueSendPolicy", "AllowMarketplaceEventRuleToSend")
		if found != tt.ruleAllowed {
			t.Errorf("region %q: queue policy statement for the rule in the review = %v", tt.region, found)
		}
	}
}
