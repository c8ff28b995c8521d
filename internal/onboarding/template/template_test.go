package template

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestBodyIsACopy(t *testing.T) {
	b := Body()
	if len(b) == 0 {
		t.Fatal("Body() is empty")
	}
	b[0] = '#'
	if Body()[0] == '#' {
		t.Error("Body() returns the embedded slice itself")
	}
}

// The version appears in Metadata, the TemplateVersion output and the report.
func TestVersionEverywhere(t *testing.T) {
	tpl := mustParseBody(t)
	if got := tpl.Metadata["SellerDeskTemplateVersion"]; got != Version {
		t.Errorf("Metadata.SellerDeskTemplateVersion = %v, want %s", got, Version)
	}
	if got := tpl.Outputs["TemplateVersion"].Value; got != Version {
		t.Errorf("output TemplateVersion = %v, want %s", got, Version)
	}
	if got := tpl.Resources["ReporterInvocation"].Properties["TemplateVersion"]; got != Version {
		t.Errorf("ReporterInvocation TemplateVersion = %v, want %s", got, Version)
	}
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}\.\d+$`).MatchString(Version) {
		t.Errorf("Version %q is not YYYY-MM-DD.N", Version)
	}
}

// A resource without Metadata.SellerDesk Title and Why cannot be explained
// to the user: adding one must come with its description.
func TestEveryResourceHasTitleAndWhy(t *testing.T) {
	tpl := mustParseBody(t)
	titles := map[string]string{}
	for _, id := range tpl.ResourceIDs() {
		title, why := ResourceText(tpl.Resources[id])
		if title == "" || why == "" {
			t.Errorf("%s: Metadata.SellerDesk needs both Title and Why (got %q, %q)", id, title, why)
		}
		if other, dup := titles[title]; dup && title != "" {
			t.Errorf("%s and %s share the title %q", id, other, title)
		}
		titles[title] = id
	}
}

var wantOutputs = []string{
	"PartnerRoleArn", "PartnerRoleName", "ExternalId", "QueueArn", "QueueUrl",
	"CasBucketName", "CasBucketArn", "CasTopicArn",
	"SddsBucketName", "SddsBucketArn", "SddsKeyArn", "SddsTopicArn", "EventRuleArn", "EventsDeadLetterQueueArn", "EventsDeadLetterQueueUrl", "TemplateVersion",
}

func TestOutputs(t *testing.T) {
	tpl := mustParseBody(t)
	if got := tpl.OutputNames(); !reflect.DeepEqual(got, wantOutputs) {
		t.Errorf("outputs = %v\nwant      %v", got, wantOutputs)
	}
	inv := tpl.Resources["ReporterInvocation"].Properties
	for _, name := range wantOutputs {
		o := tpl.Outputs[name]
		if o.Description == "" {
			t.Errorf("output %s has no Description", name)
		}
		if o.Export != nil {
			t.Errorf("output %s is exported; outputs must stay Export-free", name)
		}
		// The report carries exactly the outputs' values (a conditional
		// output's only when its condition holds).
		want := o.Value
		if o.Condition != "" {
			want = map[string]any{"Fn::If": list(o.Condition, o.Value, ref("AWS::NoValue"))}
		}
		if !reflect.DeepEqual(inv[name], want) {
			t.Errorf("ReporterInvocation.%s = %v, want the output value %v", name, inv[name], o.Value)
		}
	}
}

func TestParametersMatchGo(t *testing.T) {
	tpl := mustParseBody(t)
	var keys []string
	for _, kv := range (Parameters{}).CFN() {
		keys = append(keys, kv.Key)
	}
	if got := tpl.ParameterNames(); !reflect.DeepEqual(got, keys) {
		t.Errorf("template parameters %v, CFN() keys %v", got, keys)
	}
	for name, p := range tpl.Parameters {
		if p.Type != "String" {
			t.Errorf("%s: Type %s, want String", name, p.Type)
		}
		if p.Description == "" {
			t.Errorf("%s has no Description", name)
		}
	}
	defaults := map[string]string{
		"PartnerRoleName": DefaultPartnerRoleName, "PartnerSnsPrefix": DefaultPartnerSnsPrefix,
		"ReportUrl": "", "LeastPrivilege": "false", "CasBucketName": "", "SddsBucketName": "",
	}
	for name, want := range defaults {
		p := tpl.Parameters[name]
		if !p.HasDefault || p.Default != want {
			t.Errorf("%s: Default = %v (has %v), want %q", name, p.Default, p.HasDefault, want)
		}
	}
	for _, name := range []string{"PartnerAccountId", "ExternalId"} {
		if tpl.Parameters[name].HasDefault {
			t.Errorf("%s must not have a default", name)
		}
	}
	ext := tpl.Parameters["ExternalId"]
	if ext.NoEcho || *ext.MinLength != 2 || *ext.MaxLength != 1224 || ext.AllowedPattern != `^[\w+=,.@:/-]*$` {
		t.Errorf("ExternalId constraints = %+v", ext)
	}
	acct := tpl.Parameters["PartnerAccountId"]
	if acct.AllowedPattern != `^\d{12}$` || acct.ConstraintDescription == "" {
		t.Errorf("PartnerAccountId constraints = %+v", acct)
	}
	if !reflect.DeepEqual(tpl.Parameters["LeastPrivilege"].AllowedValues, []any{"true", "false"}) {
		t.Errorf("LeastPrivilege AllowedValues = %v", tpl.Parameters["LeastPrivilege"].AllowedValues)
	}
	wantConds := map[string]any{
		"HasReportUrl":             map[string]any{"Fn::Not": list(map[string]any{"Fn::Equals": list(ref("ReportUrl"), "")})},
		"IsLeastPrivilege":         map[string]any{"Fn::Equals": list(ref("LeastPrivilege"), "true")},
		"HasCasBucketName":         map[string]any{"Fn::Not": list(map[string]any{"Fn::Equals": list(ref("CasBucketName"), "")})},
		"HasSddsBucketName":        map[string]any{"Fn::Not": list(map[string]any{"Fn::Equals": list(ref("SddsBucketName"), "")})},
		"IsMarketplaceEventRegion": map[string]any{"Fn::Equals": list(ref("AWS::Region"), "us-east-1")},
	}
	if !reflect.DeepEqual(tpl.Conditions, wantConds) {
		t.Errorf("Conditions = %v\nwant %v", tpl.Conditions, wantConds)
	}
}

// A named IAM role needs CAPABILITY_NAMED_IAM; no transform means no
// CAPABILITY_AUTO_EXPAND.
func TestCapabilities(t *testing.T) {
	tpl := mustParseBody(t)
	named := false
	for _, r := range tpl.Resources {
		if r.Type == "AWS::IAM::Role" && r.Properties["RoleName"] != nil {
			named = true
		}
	}
	if !named {
		t.Error("expected a named IAM role")
	}
	if !reflect.DeepEqual(Capabilities, []string{"CAPABILITY_NAMED_IAM"}) {
		t.Errorf("Capabilities = %v", Capabilities)
	}
	if tpl.Transform != nil {
		t.Errorf("template has a Transform %v: CAPABILITY_AUTO_EXPAND would be needed", tpl.Transform)
	}
}

// cfn-lint must report no error and no warning on the embedded template.
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not on PATH; install it (pip install cfn-lint) to lint the onboarding template")
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, Body(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--format", "parseable", "--include-checks", "I", "--", path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	// cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		t.Fatalf("running cfn-lint: %v\n%s", runErr, stderr.String())
	}
	line := regexp.MustCompile(`^.*?:\d+:\d+:\d+:\d+:([EWI])(\d+):(.*)$`)
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		text := sc.Text()
		m := line.FindStringSubmatch(text)
		switch {
		case m == nil:
			if strings.TrimSpace(text) != "" {
				t.Errorf("unexpected cfn-lint output: %s", text)
			}
		case m[1] == "I":
			t.Logf("cfn-lint (informational): %s", text)
		default:
			t.Errorf("cfn-lint: %s", text)
		}
	}
	if exitErr != nil && exitErr.ExitCode()&^8 != 0 {
		t.Errorf("cfn-lint exited with %d\n%s%s", exitErr.ExitCode(), stdout.String(), stderr.String())
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-11-22.1", "2026-11-22.1", 0},
		{"2026-11-22.1", "2026-11-22.2", -1},
		{"2026-11-22.10", "2026-11-22.9", 1},
		{"2026-11-21.5", "2026-11-22.1", -1},
		{"2027-01-01.1", "2026-12-31.9", 1},
		{"", "2026-11-22.1", -1},
		{"garbage", "2026-11-22.1", -1},
		{"2026-11-22.1", "", 1},
		{"", "", 0},
	}
	for _, tc := range tests {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if IsOlder(Version) || !IsOlder("2020-01-01.1") || !IsOlder("") {
		t.Error("IsOlder")
	}
}
