package onboarding

import (
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

func TestPollingAdapts(t *testing.T) {
	p := Polling{Min: time.Second, Max: 8 * time.Second, ThrottleMax: 30 * time.Second, Backoff: 2}
	tests := []struct {
		name      string
		cur       time.Duration
		n         int
		throttled bool
		want      time.Duration
	}{
		{"events flowing: fast", 4 * time.Second, 3, false, time.Second},
		{"idle: back off", time.Second, 0, false, 2 * time.Second},
		{"idle: capped", 8 * time.Second, 0, false, 8 * time.Second},
		{"throttled: double", 4 * time.Second, 0, true, 8 * time.Second},
		{"throttled: beyond the idle cap", 20 * time.Second, 0, true, 30 * time.Second},
		{"throttled wins over events", time.Second, 5, true, 2 * time.Second},
	}
	for _, tc := range tests {
		if got := p.next(tc.cur, tc.n, tc.throttled); got != tc.want {
			t.Errorf("%s: next(%v) = %v, want %v", tc.name, tc.cur, got, tc.want)
		}
	}
}

func ev(id, logical, typ, status, reason string) Event {
	return Event{ID: id, LogicalID: logical, Type: typ, Status: status, Reason: reason, Time: time.Now()}
}

func TestApplyTracksProgressAndFirstFailure(t *testing.T) {
	rec := StackRecord{StackName: "S", Operation: "create", Total: 3}
	rec = apply(rec, []Event{
		ev("1", "S", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
		ev("2", "Role", "AWS::IAM::Role", "CREATE_IN_PROGRESS", ""),
		ev("3", "Role", "AWS::IAM::Role", "CREATE_COMPLETE", ""),
		ev("4", "Bucket", "AWS::S3::Bucket", "CREATE_IN_PROGRESS", ""),
	})
	if rec.Done != 1 || rec.Status != "CREATE_IN_PROGRESS" || rec.Failure != nil {
		t.Fatalf("after first batch: done %d status %s failure %+v", rec.Done, rec.Status, rec.Failure)
	}
	rec = apply(rec, []Event{
		ev("5", "Bucket", "AWS::S3::Bucket", "CREATE_FAILED", "b already exists"),
		ev("6", "Queue", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled"),
		ev("7", "S", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Bucket]."),
		ev("8", "Role", "AWS::IAM::Role", "DELETE_COMPLETE", ""),
		ev("9", "S", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", ""),
	})
	if rec.Failure == nil || rec.Failure.LogicalID != "Bucket" {
		t.Fatalf("first failure %+v, want Bucket (not the cancelled queue)", rec.Failure)
	}
	if !strings.Contains(rec.Failure.Plain, "already exists") || !strings.Contains(rec.Failure.Plain, "Retry") {
		t.Errorf("plain words %q lack the cause or the next step", rec.Failure.Plain)
	}
	if !rec.RolledBack || rec.Status != "ROLLBACK_COMPLETE" || len(rec.Events) != 9 {
		t.Errorf("rolledBack %v status %s events %d", rec.RolledBack, rec.Status, len(rec.Events))
	}
}

func TestExplainKeepsAWSText(t *testing.T) {
	for _, reason := range []string{"API: iam:CreateRole User: x is not authorized to perform", "Requires capabilities : [CAPABILITY_NAMED_IAM]", "something new"} {
		got := Explain(Event{Status: "CREATE_FAILED", Reason: reason})
		if !strings.Contains(got, reason) {
			t.Errorf("Explain lost AWS's text %q: %q", reason, got)
		}
	}
}

func TestCheckTrust(t *testing.T) {
	p := template.Parameters{PartnerAccountID: "123456789012", ExternalID: "ext-1"}
	good := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}]}`
	tests := []struct {
		name, doc   string
		ok, unknown bool // unknown: the document was not read, no verdict
	}{
		{"as created", good, true, false},
		{"url-encoded as IAM returns it", strings.NewReplacer(`"`, "%22", "{", "%7B", "}", "%7D", ":", "%3A", ",", "%2C").Replace(good), true, false},
		{"list value", strings.Replace(good, `"ext-1"`, `["ext-1"]`, 1), true, false},
		{"no external ID", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`, false, false},
		{"wrong external ID", strings.Replace(good, "ext-1", "ext-2", 1), false, false},
		{"other account", strings.Replace(good, "123456789012", "999999999999", 1), false, false},
		// The principal is compared by its account, not as text that contains the ID.
		{"partner ID inside another account's ARN", strings.Replace(good, "arn:aws:iam::123456789012:root", "arn:aws:iam::999999999999:role/123456789012", 1), false, false},
		{"partner ID inside a longer account", strings.Replace(good, "::123456789012:", "::1234567890123:", 1), false, false},
		{"account ID principal", strings.Replace(good, "arn:aws:iam::123456789012:root", "123456789012", 1), true, false},
		{"single statement object", strings.NewReplacer(`"Statement":[`, `"Statement":`, `}]}`, `}}`).Replace(good), true, false},
		{"not JSON", "nope", false, true},
		{"cut short", good[:len(good)/2], false, true},
	}
	for _, tc := range tests {
		if got := checkTrust(tc.doc, p); got.OK != tc.ok || got.Unknown != tc.unknown {
			t.Errorf("%s: ok=%v unknown=%v (%s), want %v, %v", tc.name, got.OK, got.Unknown, got.Detail, tc.ok, tc.unknown)
		}
	}
}

func TestRecordNeedsUpdate(t *testing.T) {
	r := StackRecord{Phase: PhaseConnected, TemplateVersion: "2000-01-01.1"}
	if !r.NeedsUpdate() {
		t.Error("an older deployed template must offer an update")
	}
	r.TemplateVersion = template.Version
	if r.NeedsUpdate() {
		t.Error("the current template needs no update")
	}
}

func TestPollingFrom(t *testing.T) {
	tests := []struct {
		shortest time.Duration
		want     Polling
	}{
		{time.Second, DefaultPolling}, // AWS
		{0, DefaultPolling},           // unknown
		{200 * time.Millisecond, Polling{Min: 200 * time.Millisecond, Max: 2 * time.Second, ThrottleMax: 6 * time.Second, Backoff: 1.5}},
	}
	for _, tc := range tests {
		if got := PollingFrom(tc.shortest); got != tc.want {
			t.Errorf("PollingFrom(%v) = %+v, want %+v", tc.shortest, got, tc.want)
		}
	}
}
