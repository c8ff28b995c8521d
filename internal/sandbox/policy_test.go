package sandbox

import (
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

func TestPolicyAllows(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:111122223333:cas"
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["sns:Publish","sns:Get*"],"Resource":"` + topic + `"},
	 {"Sid":"Reports","Effect":"Allow","Principal":{"Service":["reports.marketplace.amazonaws.com"]},"Action":"SNS:Publish","Resource":"*",
	  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},
	 {"Sid":"Queue","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:111122223333:q",
	  "Condition":{"ArnLike":{"aws:SourceArn":["arn:aws:sns:us-east-1:*:cas","arn:aws:sns:us-east-1:287250355862:aws-mp-*"]}}},
	 {"Sid":"Insecure","Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
	 {"Sid":"Never","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/mallory"},"Action":"sns:*","Resource":"*"}]}`
	ctx := func(kv ...string) map[string]string {
		m := map[string]string{"aws:SecureTransport": "true"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		req  iampolicy.Request
		want bool
	}{
		{"account role publishes", iampolicy.Request{Principal: "arn:aws:iam::111122223333:role/CasRole", Action: "sns:Publish", Resource: topic, Context: ctx()}, true},
		{"wildcard action", iampolicy.Request{Principal: "arn:aws:iam::111122223333:role/CasRole", Action: "sns:GetTopicAttributes", Resource: topic, Context: ctx()}, true},
		{"action not granted", iampolicy.Request{Principal: "arn:aws:iam::111122223333:role/CasRole", Action: "sns:DeleteTopic", Resource: topic, Context: ctx()}, false},
		{"other account", iampolicy.Request{Principal: "arn:aws:iam::999988887777:role/X", Action: "sns:Publish", Resource: topic, Context: ctx()}, false},
		{"explicit deny wins", iampolicy.Request{Principal: "arn:aws:iam::111122223333:user/mallory", Action: "sns:Publish", Resource: topic, Context: ctx()}, false},
		{"insecure transport denied", iampolicy.Request{Principal: "arn:aws:iam::111122223333:role/CasRole", Action: "sns:Publish", Resource: topic,
			Context: map[string]string{"aws:SecureTransport": "false"}}, false},
		{"service with condition", iampolicy.Request{Service: "reports.marketplace.amazonaws.com", Action: "sns:publish", Resource: topic,
			Context: ctx("AWS:SourceAccount", "111122223333")}, true},
		{"service, wrong account", iampolicy.Request{Service: "reports.marketplace.amazonaws.com", Action: "sns:Publish", Resource: topic,
			Context: ctx("aws:SourceAccount", "999988887777")}, false},
		{"service, condition key absent", iampolicy.Request{Service: "reports.marketplace.amazonaws.com", Action: "sns:Publish", Resource: topic, Context: ctx()}, false},
		{"ArnLike list", iampolicy.Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q",
			Context: ctx("aws:SourceArn", "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-abc")}, true},
		{"ArnLike miss", iampolicy.Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q",
			Context: ctx("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:other")}, false},
		{"resource miss", iampolicy.Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q2",
			Context: ctx("aws:SourceArn", topic)}, false},
	}
	for _, tt := range tests {
		if got := policyAllows(doc, tt.req); got != tt.want {
			t.Errorf("%s: policyAllows = %v, want %v", tt.name, got, tt.want)
		}
	}
	if policyAllows("", tests[0].req) || policyAllows("not json", tests[0].req) {
		t.Error("an empty or malformed policy allowed a request")
	}

	stripped := removeFromPolicy(doc, nil, "sns:Publish")
	if policyAllows(stripped, tests[0].req) || !policyAllows(stripped, tests[1].req) {
		t.Errorf("removing sns:Publish: %s", stripped)
	}
	noReports := removeFromPolicy(doc, func(s map[string]any) bool { return grantsService(s, "reports.marketplace.amazonaws.com") }, "")
	if policyAllows(noReports, tests[6].req) || !policyAllows(noReports, tests[0].req) {
		t.Errorf("removing the reports statement: %s", noReports)
	}
}
