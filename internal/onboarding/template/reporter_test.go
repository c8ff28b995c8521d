package template

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The reporter's inline Python runs against local HTTP servers standing in
// for the partner's report URL and CloudFormation's ResponseURL: it must post
// the outputs once on Create and always answer SUCCESS, even when the report
// fails, so the stack never fails or hangs because of it.
func TestReporterFunctionCode(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH; cannot run the reporter's inline code")
	}
	tpl := mustParseBody(t)
	code, _ := get(tpl.Resources["ReporterFunction"].Properties, "Code", "ZipFile").(string)
	if len(code) == 0 || len(code) > 4096 {
		t.Fatalf("inline code is %d bytes; Lambda allows up to 4096", len(code))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.py"), []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}

	type capture struct {
		mu     sync.Mutex
		method string
		ctype  string
		body   []byte
		calls  int
	}
	record := func(c *capture, status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			c.mu.Lock()
			c.method, c.ctype, c.body = r.Method, r.Header.Get("Content-Type"), b
			c.calls++
			c.mu.Unlock()
			w.WriteHeader(status)
		}
	}
	// A closed port: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String() + "/report"
	ln.Close()

	tests := []struct {
		name        string
		requestType string
		reportCode  int    // 0 = use deadURL
		wantPosted  bool   // the report server receives the outputs
		wantReason  string // substring of Reason
	}{
		{"create reports", "Create", 200, true, "report sent, HTTP 200"},
		{"create with failing report", "Create", 500, true, "report not sent"},
		{"create with unreachable report", "Create", 0, false, "report not sent"},
		{"update does not report", "Update", 200, false, "nothing to report"},
		{"delete does not report", "Delete", 200, false, "nothing to report"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var report, response capture
			reportSrv := httptest.NewServer(record(&report, tc.reportCode))
			defer reportSrv.Close()
			responseSrv := httptest.NewServer(record(&response, 200))
			defer responseSrv.Close()
			reportURL := reportSrv.URL + "/hook?token=t1"
			if tc.reportCode == 0 {
				reportURL = deadURL
			}
			event := map[string]any{
				"RequestType":       tc.requestType,
				"ResponseURL":       responseSrv.URL + "/cfn-response?sig=x",
				"StackId":           "arn:aws:cloudformation:us-east-1:111122223333:stack/s/1",
				"RequestId":         "req-1",
				"LogicalResourceId": "ReporterInvocation",
				"ResourceType":      "Custom::PartnerReport",
				"ResourceProperties": map[string]any{
					"ServiceToken":    "arn:aws:lambda:us-east-1:111122223333:function:f",
					"ServiceTimeout":  "120",
					"ReportUrl":       reportURL,
					"PartnerRoleArn":  "arn:aws:iam::111122223333:role/SellerDeskPartnerRole",
					"TemplateVersion": Version,
				},
			}
			if tc.requestType != "Create" {
				event["PhysicalResourceId"] = "partner-report-old"
			}
			in, _ := json.Marshal(event)
			cmd := exec.Command(python, "-c", "import json, sys, index; index.handler(json.load(sys.stdin), None)")
			cmd.Dir = dir
			cmd.Stdin = bytes.NewReader(in)
			done := make(chan struct{})
			var out []byte
			var runErr error
			go func() { out, runErr = cmd.CombinedOutput(); close(done) }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("handler did not finish")
			}
			if runErr != nil {
				t.Fatalf("handler failed: %v\n%s", runErr, out)
			}

			report.mu.Lock()
			posted := report.calls == 1
			if posted {
				if report.method != "POST" || report.ctype != "application/json" {
					t.Errorf("report %s %s", report.method, report.ctype)
				}
				var body struct {
					Event   string            `json:"event"`
					StackID string            `json:"stackId"`
					Outputs map[string]string `json:"outputs"`
				}
				if err := json.Unmarshal(report.body, &body); err != nil {
					t.Errorf("report body %s: %v", report.body, err)
				}
				want := map[string]string{"PartnerRoleArn": "arn:aws:iam::111122223333:role/SellerDeskPartnerRole", "TemplateVersion": Version}
				if body.Event != "StackCreated" || body.StackID == "" || len(body.Outputs) != len(want) ||
					body.Outputs["PartnerRoleArn"] != want["PartnerRoleArn"] || body.Outputs["TemplateVersion"] != Version {
					t.Errorf("report body = %+v (ServiceToken, ServiceTimeout and ReportUrl must not be sent)", body)
				}
			}
			report.mu.Unlock()
			if posted != tc.wantPosted && tc.reportCode != 500 {
				t.Errorf("report posted = %v, want %v", posted, tc.wantPosted)
			}

			response.mu.Lock()
			defer response.mu.Unlock()
			if response.calls != 1 || response.method != "PUT" {
				t.Fatalf("CloudFormation response: %d calls, method %s", response.calls, response.method)
			}
			if response.ctype != "" {
				t.Errorf("response Content-Type %q, want empty (presigned URL)", response.ctype)
			}
			var resp map[string]any
			if err := json.Unmarshal(response.body, &resp); err != nil {
				t.Fatalf("response body %s: %v", response.body, err)
			}
			if resp["Status"] != "SUCCESS" || resp["RequestId"] != "req-1" || resp["LogicalResourceId"] != "ReporterInvocation" ||
				resp["StackId"] != event["StackId"] {
				t.Errorf("response = %v", resp)
			}
			if reason, _ := resp["Reason"].(string); !strings.Contains(reason, tc.wantReason) {
				t.Errorf("Reason %q lacks %q", reason, tc.wantReason)
			}
			wantPhys := "partner-report-req-1"
			if tc.requestType != "Create" {
				wantPhys = "partner-report-old" // keeping the ID avoids a replacement
			}
			if resp["PhysicalResourceId"] != wantPhys {
				t.Errorf("PhysicalResourceId = %v, want %s", resp["PhysicalResourceId"], wantPhys)
			}
		})
	}
}
